"""Bad input: every kind of messy record is decoded correctly or rejected with a reason.

Each case below is one file (or one record) a real crawl or archive throws at
the readers. A scan over all of them must decode the good ones exactly, put
every bad one in ``rejects.jsonl`` with a reason, and count so that records
read = accepted + rejected.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from copytrace.cli import main
from copytrace.ingest import iter_batches, read_inputs
from copytrace.ingest.records import MAX_TEXT_CHARS
from copytrace.model import Article, Reject
from copytrace.scan import ScanConfig, scan

FR = (
    "Le café de la gare a rouvert ses portes ce matin après des mois de travaux. "
    "Les habitants s'en réjouissent — « enfin », dit-on à Zürich comme à Besançon."
)
JA = (
    "東京都は本日、新しい交通計画を発表した。計画では、二〇三〇年までに自転車専用道路を"
    "倍増させるという。市民からは歓迎の声が上がっている。"
)
ZH = "北京市今天宣布了新的交通计划，到二〇三〇年自行车道将翻一番，市民对此表示欢迎。"
KO = "서울시는 오늘 새로운 교통 계획을 발표했다. 자전거 도로를 두 배로 늘린다고 한다."


PAGE = b"<html><head><title>Port</title></head><body><p>The port reopened.</p></body></html>"


def warc_record(
    uri: str,
    payload: bytes,
    *,
    content_type: str = "text/html; charset=utf-8",
    record_type: str = "response",
    status: str = "200 OK",
) -> bytes:
    """One WARC/1.0 record (as in test_ingest_warc; fastwarc does not write)."""
    if record_type == "response":
        block = (
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        ).encode() + payload
        block_type = "application/http; msgtype=response"
    else:
        block, block_type = payload, content_type
    head = (
        f"WARC/1.0\r\nWARC-Type: {record_type}\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: 2026-10-01T10:00:00Z\r\n"
        f"Content-Type: {block_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><p>{body}</p></body></html>"


@dataclass(frozen=True)
class Case:
    """One input file: its bytes and what the readers must make of it."""

    name: str
    data: bytes
    text: str | None = None  # an article whose text contains this
    reason: str | None = None  # or a reject whose reason contains this
    exact: str | None = None  # the article's whole text, when it must be exact


CASES = [
    Case("empty.txt", b"", reason="empty"),
    Case("blank.html", b"  \r\n\t\n", reason="empty"),
    Case("random.txt", bytes(range(256)) * 12, reason="binary"),
    Case("png-as-html.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), reason="binary"),
    Case("ctrl.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08" * 50 + b"text", reason="binary"),
    Case("utf8.txt", FR.encode(), exact=FR),
    Case("cp1252-undeclared.txt", FR.encode("cp1252"), exact=FR),
    Case("cp1252-undeclared-page.html", html(FR).encode("cp1252"), exact=html(FR)),
    Case(
        "cp1252-declared.html",
        html(FR, '<meta charset="windows-1252">').encode("cp1252"),
        exact=html(FR, '<meta charset="windows-1252">'),
    ),
    Case(
        "latin1-declared.html",
        html("Señor Müller à Besançon", '<meta charset="iso-8859-1">').encode("latin-1"),
        text="Señor Müller à Besançon",
    ),
    Case(
        "latin1-declared-but-utf8.html",
        html(FR, '<meta charset="iso-8859-1">').encode(),
        text=FR,
    ),
    Case(
        "sjis-declared.html",
        html(JA, '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">').encode(
            "shift_jis"
        ),
        text=JA,
    ),
    Case("sjis-undeclared.html", html(JA).encode("shift_jis"), exact=html(JA)),
    Case("sjis-undeclared.txt", JA.encode("shift_jis"), exact=JA),
    Case(
        "cp932-extension.html",
        html("①番目の" + JA, '<meta charset="sjis">').encode("cp932"),
        text="①番目の",
    ),
    Case("eucjp-undeclared.txt", JA.encode("euc_jp"), exact=JA),
    Case("gbk-undeclared.txt", ZH.encode("gbk"), exact=ZH),
    Case("euckr-undeclared.txt", KO.encode("euc_kr"), exact=KO),
    Case("unknown-multibyte.txt", b"caf\xff\xfe\xff\xfe in no encoding", reason="undecodable"),
    Case(
        "utf8-one-bad-byte.txt",
        ("é" * 200 + " " + FR).encode() + b"\xc3" + b" tail",
        text=FR,  # a page cut mid-character: UTF-8, the bad byte as U+FFFD
    ),
    Case("bom-utf8.txt", codecs.BOM_UTF8 + FR.encode(), exact=FR),
    Case("bom-utf16le.txt", codecs.BOM_UTF16_LE + FR.encode("utf-16-le"), exact=FR),
    Case("bom-utf16be.html", codecs.BOM_UTF16_BE + html(FR).encode("utf-16-be"), exact=html(FR)),
    Case("bom-utf32.txt", FR.encode("utf-32"), exact=FR),
    Case("crlf.txt", f"{FR}\r\n\r\n{FR}\r\n".encode(), exact=f"{FR}\r\n\r\n{FR}\r\n"),
    Case("lone-cr.txt", f"{FR}\r\r{FR}\r".encode(), exact=f"{FR}\r\r{FR}\r"),
    Case("nul-early.txt", b"abc\x00def " + FR.encode(), reason="binary"),
    Case(
        "script-only.html",
        b"<html><head><script>var a = 1;</script></head>"
        b"<body><script>document.write('hi')</script></body></html>",
        text="<script>",
    ),
    Case("one-word.txt", b"Hello", exact="Hello"),
    Case("notes.md", b"not an input format", reason=None),  # skipped silently: not an input
]
EXPECTED_ARTICLES = [c for c in CASES if c.reason is None and c.name != "notes.md"]
EXPECTED_REJECTS = [c for c in CASES if c.reason is not None]


def jsonl_records() -> list[bytes]:
    """JSON Lines records: good, broken, duplicate, NUL and lone-surrogate text."""
    return [
        json.dumps({"id": "j-ok", "text": FR, "source": "Wire"}).encode(),
        json.dumps({"id": "j-nul", "text": "before\u0000after " + FR}).encode(),
        b'{"id": "j-surrogate", "text": "abc \\ud800 def"}',
        b'{"id": "j-broken", "text": "unterminated',
        json.dumps({"id": "j-ok", "text": "a repeat of an id"}).encode(),
        json.dumps({"id": "j-crlf", "text": FR}).encode() + b"\r",  # a CRLF line
        b"\xff\xfe not utf-8",
        json.dumps({"id": "j-empty", "text": "   "}).encode(),
        json.dumps({"id": "j-one-word", "text": "Hello"}).encode(),
        json.dumps({"text": "no id"}).encode(),
    ]


JSONL_ACCEPTED = {"j-ok", "j-nul", "j-crlf", "j-one-word"}
JSONL_REJECT_REASONS = {
    3: "lone surrogate",
    4: "invalid JSON",
    5: "duplicate id",
    7: "not valid UTF-8",
    8: "empty text",
    10: "missing id",
}


def write_mess(root: Path) -> Path:
    """Every case as a file under ``root/mess``, plus a JSONL, a Parquet and a WARC file."""
    mess = root / "mess"
    mess.mkdir()
    for case in CASES:
        (mess / case.name).write_bytes(case.data)
    (mess / "records.jsonl").write_bytes(b"\n".join(jsonl_records()) + b"\n")
    pq.write_table(
        pa.table({"id": ["p-ok", "j-ok", "p-empty"], "text": [FR + " parquet", "dup", ""]}),
        mess / "table.parquet",
    )
    # A gzip JSONL cut in the middle of its third line.
    lines = b"".join(
        json.dumps({"id": f"gz-{i}", "text": f"{FR} {i}"}).encode() + b"\n" for i in range(50)
    )
    gz = gzip.compress(lines)
    (mess / "truncated.jsonl.gz").write_bytes(gz[: len(gz) // 2])
    return mess


def _articles_and_rejects(paths: list[Path]) -> tuple[dict[str, Article], list[Reject]]:
    arts: dict[str, Article] = {}
    rejs: list[Reject] = []
    for item in read_inputs(paths):
        if isinstance(item, Reject):
            rejs.append(item)
        else:
            arts[item.id] = item
    return arts, rejs


@pytest.mark.parametrize("case", [c for c in CASES if c.name != "notes.md"], ids=lambda c: c.name)
def test_each_messy_file_is_decoded_exactly_or_rejected_with_its_reason(
    case: Case, tmp_path: Path
) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.data)
    (item,) = list(read_inputs([path]))
    if case.reason is not None:
        assert isinstance(item, Reject), f"{case.name} should be rejected, got {item!r:.200}"
        assert case.reason in item.reason and item.file == str(path)
        return
    assert isinstance(item, Article), f"{case.name}: {item}"
    assert "\ufffd" not in item.text or case.name.startswith("utf8-one-bad")
    if case.exact is not None:
        assert item.text == case.exact
    if case.text is not None:
        assert case.text in item.text


def test_jsonl_records_each_decoded_or_rejected_with_line_number(tmp_path: Path) -> None:
    mess = write_mess(tmp_path)
    arts, rejs = _articles_and_rejects([mess / "records.jsonl"])
    assert set(arts) == JSONL_ACCEPTED
    assert arts["j-nul"].text.startswith("before\x00after")  # NUL kept: offsets stay true
    assert {r.record: r.reason for r in rejs}.keys() == JSONL_REJECT_REASONS.keys()
    for r in rejs:
        assert JSONL_REJECT_REASONS[r.record] in r.reason, r  # type: ignore[index]


def test_scan_of_the_whole_mess_counts_add_up_and_outputs_are_true(tmp_path: Path) -> None:
    mess = write_mess(tmp_path)
    out = tmp_path / "out"
    summary = scan([mess], out, config=ScanConfig(jobs=1, report=False))
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    table = pq.read_table(out / "articles.parquet").to_pylist()

    assert summary.read == summary.articles + summary.rejected
    assert summary.rejected == len(rejects) and summary.articles == len(table)
    assert all(r["reason"] and r["file"] for r in rejects)
    ids = {row["id"] for row in table}
    assert {Path(c.name).stem for c in EXPECTED_ARTICLES} <= ids
    assert JSONL_ACCEPTED | {"p-ok", "gz-0"} <= ids
    files = {Path(r["file"]).name for r in rejects}
    assert {c.name for c in EXPECTED_REJECTS} <= files
    assert {"records.jsonl", "table.parquet", "truncated.jsonl.gz"} <= files
    # Every record is accounted for: 29 page files, 10 JSONL lines, 3 Parquet
    # rows, and the gzip lines read before the cut plus one reject for the cut.
    gz_read = sum(1 for i in ids if i.startswith("gz-"))
    assert 0 < gz_read < 50
    assert summary.read == len(CASES) - 1 + 10 + 3 + gz_read + 1
    # Offsets: every content span of every article lies inside its text.
    for row in table:
        for s, e in row["content"]:
            assert 0 <= s < e <= len(row["text"])
        assert row["id"] != "script-only" or row["content"] == []  # nothing but scripts
    assert summary.empty_articles >= 1


def test_scan_cli_prints_counts_that_add_up(tmp_path: Path) -> None:
    mess = write_mess(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["scan", str(mess), "--out", str(out), "--jobs", "1", "--no-report"]
    )
    assert result.exit_code == 0, result.output

    def figure(label: str) -> int:
        m = re.search(rf"{label}\s*│\s*([\d,]+)", result.output)
        assert m, result.output
        return int(m.group(1).replace(",", ""))

    read, accepted, rejected = figure("records read"), figure("articles"), figure("rejected")
    assert read == accepted + rejected and rejected > 0
    assert rejected == len((out / "rejects.jsonl").read_text().splitlines())
    assert accepted == pq.read_metadata(out / "articles.parquet").num_rows


def test_duplicate_ids_across_formats_keep_the_first_and_reject_the_rest(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    a.write_text(json.dumps({"id": "x", "text": "first"}) + "\n")
    b = tmp_path / "b.parquet"
    pq.write_table(pa.table({"id": ["x", "y", "y"], "text": ["second", "y1", "y2"]}), b)
    c = tmp_path / "x.txt"
    c.write_text("third")
    arts, rejs = _articles_and_rejects([a, b, c])
    assert {k: v.text for k, v in arts.items()} == {"x": "first", "y": "y1"}
    assert [(Path(r.file).name, r.record, r.reason) for r in rejs] == [
        ("b.parquet", 1, "duplicate id"),
        ("b.parquet", 3, "duplicate id"),
        ("x.txt", None, "duplicate id"),
    ]


def test_non_html_warc_responses_are_rejects_and_counted(tmp_path: Path) -> None:
    recs = [
        warc_record("https://a.example/page", PAGE),
        warc_record(
            "https://a.example/img.jpg", b"\xff\xd8\xff\xe0" + bytes(50), content_type="image/jpeg"
        ),
        warc_record("https://a.example/doc.pdf", b"%PDF-1.4 ...", content_type="application/pdf"),
        warc_record("https://a.example/gone", b"", status="404 Not Found"),
        warc_record("https://a.example/bin", bytes(range(256)), content_type="text/html"),
        warc_record("https://a.example/js", b"<html><script>x()</script></html>"),
        warc_record(
            "https://a.example/sjis", html(JA).encode("shift_jis"), content_type="text/html"
        ),
        warc_record(
            "https://a.example/a",
            b"GET / HTTP/1.1\r\n\r\n",
            record_type="request",
            content_type="application/http; msgtype=request",
        ),
    ]
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join(gzip.compress(r) for r in recs))
    arts, rejs = _articles_and_rejects([path])
    assert set(arts) == {"https://a.example/page", "https://a.example/js", "https://a.example/sjis"}
    assert JA in arts["https://a.example/sjis"].text
    assert [(r.record, r.reason.split(" (")[0]) for r in rejs] == [
        (2, "not HTML"),
        (3, "not HTML"),
        (4, "status 404"),
        (5, "binary data"),
    ]


def test_truncated_gzip_warc_and_jsonl_keep_what_came_before(tmp_path: Path) -> None:
    body = b"".join(gzip.compress(warc_record(f"https://b.example/{i}", PAGE)) for i in range(6))
    warc = tmp_path / "cut.warc.gz"
    warc.write_bytes(body[: len(body) * 2 // 3])
    arts, rejs = _articles_and_rejects([warc])
    assert 0 < len(arts) < 6 and len(rejs) == 1 and rejs[0].record == len(arts) + 1
    out = tmp_path / "out"
    summary = scan([warc], out, config=ScanConfig(jobs=1, report=False))
    assert (summary.articles, summary.rejected) == (len(arts), 1)


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("into", [0.02, 0.3, 0.5, 0.9])  # header, HTTP head, payload, end
def test_warc_cut_inside_a_record_is_never_a_silent_loss(
    tmp_path: Path, into: float, gz: bool
) -> None:
    recs = [warc_record(f"https://c.example/{i}", PAGE) for i in range(6)]
    if gz:
        recs = [gzip.compress(r) for r in recs]
    whole = 3  # records before the cut
    data = b"".join(recs[:whole]) + recs[whole][: int(len(recs[whole]) * into)]
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data)
    arts, rejs = _articles_and_rejects([path])
    assert len(arts) == whole and len(rejs) == 1
    assert rejs[0].record == whole + 1 and "truncated" in rejs[0].reason


def test_whole_file_gzip_warc_reads_every_record(tmp_path: Path) -> None:
    path = tmp_path / "one-member.warc.gz"
    path.write_bytes(gzip.compress(b"".join(warc_record(f"https://d/{i}", PAGE) for i in range(4))))
    arts, rejs = _articles_and_rejects([path])
    assert len(arts) == 4 and rejs == []


def test_huge_article_is_rejected_with_its_size_not_read_whole(tmp_path: Path) -> None:
    # 50 MB: a dump, not an article. The page is refused from its size alone;
    # the JSONL record is parsed, then refused; the run goes on.
    chunk = (FR + "\n\n").encode()
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        for _ in range(50_000_000 // len(chunk) + 1):
            fh.write(chunk)
    line = json.dumps({"id": "big", "text": big.read_text()})
    jl = tmp_path / "big.jsonl"
    jl.write_text(line + "\n" + json.dumps({"id": "small", "text": FR}) + "\n")
    del line
    items = list(read_inputs([big, jl]))
    assert [type(i).__name__ for i in items] == ["Reject", "Reject", "Article"]
    assert all("text too long" in i.reason for i in items[:2])  # type: ignore[union-attr]
    assert f"limit {MAX_TEXT_CHARS:,}" in items[1].reason  # type: ignore[union-attr]


@pytest.mark.slow
def test_million_line_jsonl_with_broken_lines_counts_add_up(tmp_path: Path) -> None:
    n, every = 1_000_000, 9_973  # a broken line every 9,973 lines
    path = tmp_path / "million.jsonl.gz"
    broken = set(range(every, n + 1, every))
    with gzip.open(path, "wb", compresslevel=1) as gz:
        buf = io.BufferedWriter(gz, buffer_size=1 << 20)  # type: ignore[arg-type]
        for i in range(1, n + 1):
            if i in broken:
                buf.write(b'{"id": "broken", "text": \n')
            else:
                buf.write(b'{"id": "%d", "text": "word %d"}\n' % (i, i))
        buf.flush()
    accepted = rejected = 0
    lines: list[int | None] = []
    for arts, rejs in iter_batches([path], 100_000):
        assert len(arts) <= 100_000
        accepted += len(arts)
        rejected += len(rejs)
        lines.extend(r.record for r in rejs)
    assert accepted + rejected == n
    assert rejected == len(broken) and set(lines) == broken


_CLEAN_PROBE = """
import resource, sys
from copytrace.clean import clean
from copytrace.model import Article
from copytrace.stages import articles_to_batch, line_hashes_batch
clean(Article("w", "One line of prose here, and a second one.\\nAnother line."))
status = open("/proc/self/status").read().split("VmData:")[1].split()[0]
limit = (int(status) * 1024) + (int(sys.argv[1]) << 20)
resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
text = open(sys.argv[2]).read()
art = clean(Article("big", text))
print(len(art.content))
"""


@pytest.mark.slow
def test_cleaning_a_long_article_needs_memory_linear_in_its_lines(tmp_path: Path) -> None:
    import subprocess
    import sys

    lines = [f"Line {i}: {FR}" for i in range(4_000)]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines))
    proc = subprocess.run(
        [sys.executable, "-c", _CLEAN_PROBE, "100", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "ARROW_DEFAULT_MEMORY_POOL": "system"},
    )
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert int(proc.stdout.strip()) >= 1
