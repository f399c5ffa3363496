"""The JSON Lines fast path (blocks parsed by Arrow) reads exactly as the per-line
path: the same rows in the same batches, the same rejects (file, line, reason)."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pyarrow as pa
import pytest

from copytrace.ingest import RawRows, iter_batches, iter_raw_batches, jsonl, records
from copytrace.ingest.jsonl import _fast_block, _valid_utf8, parse_line
from copytrace.model import Article, Reject
from copytrace.stages import RAW_SCHEMA, articles_to_batch

DATA = Path(__file__).resolve().parent / "data"

Batch = tuple[list[dict[str, object]], list[Reject]]


def _rows(items: list[Article | RawRows]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for item in items:
        if isinstance(item, RawRows):
            batch = pa.RecordBatch.from_arrays(item.batch.columns, schema=RAW_SCHEMA)
            rows += batch.to_pylist()
        else:
            rows += articles_to_batch([item]).to_pylist()
    return rows


def _plain(paths: list[Path], batch_size: int) -> list[Batch]:
    return [(_rows(list(a)), r) for a, r in iter_batches(paths, batch_size)]


def _fast(paths: list[Path], batch_size: int) -> list[Batch]:
    return [(_rows(items), r) for items, r in iter_raw_batches(paths, batch_size)]


def _fast_rows(paths: list[Path]) -> int:
    """Records the fast path read as Arrow rows."""
    return sum(
        len(i.ids)
        for items, _ in iter_raw_batches(paths, 1000)
        for i in items
        if isinstance(i, RawRows)
    )


# --- generated lines ---------------------------------------------------------------

STRINGS = [
    "a",
    " a ",
    "",
    "   ",
    "\u2003",
    "\u00a0x\u00a0",
    "caf\u00e9",
    "\U0001f600",
    "x\x00y",
    "line\nbreak",
    "tab\there",
    'q"uote\\',
    "\x1c\x1d",
    "2026-10-01T09:00:00+00:00 ",
    "\u3000\u3000",
    "A long text. " * 40,
]
OTHERS: list[object] = [
    None,
    5,
    -3,
    5.0,
    1e5,
    True,
    False,
    [],
    [1, "a"],
    {"id": 1},
    {"a": {"b": [None]}},
]


def _value(rng: random.Random) -> object:
    return rng.choice(STRINGS) if rng.random() < 0.7 else rng.choice(OTHERS)


def _record(rng: random.Random, n: int) -> dict[str, object]:
    rec: dict[str, object] = {}
    if rng.random() < 0.95:
        rec["id"] = (
            f"r{n}"
            if rng.random() < 0.8
            else rng.choice([f" r{n} ", n, f"r{n // 3}", *STRINGS[:5], True, 2.0])
        )
    body = "text" if rng.random() < 0.8 else "html"
    if rng.random() < 0.97:
        rec[body] = (
            rng.choice(STRINGS[:1] + STRINGS[6:] + ["Body text."] * 10)
            if rng.random() < 0.9
            else _value(rng)
        )
    for field in (
        "title",
        "published",
        "date",
        "source",
        "series",
        "url",
        "text",
        "html",
        "extra",
        "meta",
    ):
        if rng.random() < 0.3:
            rec[field] = _value(rng)
    return rec


def _dump(rec: dict[str, object], rng: random.Random) -> str:
    line = json.dumps(
        rec, ensure_ascii=rng.random() < 0.5, separators=rng.choice([(",", ":"), (", ", ": ")])
    )
    return line


MUTATIONS = [
    lambda s, r: s,
    lambda s, r: s[: r.randrange(len(s) + 1)],  # truncated
    lambda s, r: s.replace('"id"', '"\\u0069d"', 1),  # escaped key
    lambda s, r: s[:-1] + ', "id": "dup"}' if s.endswith("}") else s,  # key twice
    lambda s, r: s[:-1] + ', "extra": 1, "extra": 2}' if s.endswith("}") else s,
    lambda s, r: s[:-1] + ', "z": "\\ud800"}' if s.endswith("}") else s,  # lone surrogates
    lambda s, r: s[:-1] + ', "z": "\\udc00\\ud800"}' if s.endswith("}") else s,
    lambda s, r: s.replace('"Body text."', '"Body \\ud83d\\ude00 text\\ud800."'),
    lambda s, r: s.replace('"Body text."', '"Body \\uDBFF\\uDFFF text."'),
    lambda s, r: s[:-1] + ', "z": NaN, "w": -Infinity}' if s.endswith("}") else s,
    lambda s, r: s[:-1] + ', "z": 1e400}' if s.endswith("}") else s,
    lambda s, r: s[:-1] + ', "z": 123456789012345678901234567890}' if s.endswith("}") else s,
    lambda s, r: s[:-1] + ', "z": ' + "[" * 1200 + "]" * 1200 + "}" if s.endswith("}") else s,
    lambda s, r: s[:-1] + ', "z": ' + "[" * 150 + "]" * 150 + "}" if s.endswith("}") else s,
    lambda s, r: s + " " + s,  # two objects on one line
    lambda s, r: s + s,
    lambda s, r: s + " null",
    lambda s, r: " " + s + " \t",
    lambda s, r: "\ufeff" + s,  # BOM
    lambda s, r: s.replace(", ", ",\n", 1),  # an object over two lines
    lambda s, r: s.replace("Body", "Bo\tdy", 1),  # raw control character
    lambda s, r: s.replace("Body", "Bo\x7fdy", 1),
    lambda s, r: "null",
    lambda s, r: "[1, 2]",
    lambda s, r: '"s"',
    lambda s, r: "{}",
    lambda s, r: "",
    lambda s, r: "   ",
    lambda s, r: s.replace(":", " : "),
    lambda s, r: s.replace("}", ",}"),  # trailing comma
    lambda s, r: s[:-1] + ', "z": 01}' if s.endswith("}") else s,
    lambda s, r: s[:-1] + "}}" if s.endswith("}") else s,
]
BAD_BYTES = [
    b"\xff",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"\xe2\x82",
    b"\xf4\x90\x80\x80",
    b"\x00",
    b"\r",
    b"\x0c",
]


def _line(rng: random.Random, n: int) -> bytes:
    text = _dump(_record(rng, n), rng)
    if rng.random() < 0.5:
        text = rng.choice(MUTATIONS)(text, rng)
    line = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.05:
        at = rng.randrange(len(line) + 1)
        line = line[:at] + rng.choice(BAD_BYTES) + line[at:]
    return line + rng.choice([b"\n"] * 8 + [b"\r\n", b"\r\r\n"])


def _corpus(rng: random.Random, n_lines: int, bad: float) -> bytes:
    good = random.Random(rng.random())
    lines = []
    for n in range(n_lines):
        if rng.random() < bad:
            lines.append(_line(rng, n))
        else:
            lines.append(
                _dump({"id": f"g{n}", "text": "Body text.", "source": "S"}, good).encode() + b"\n"
            )
    return b"".join(lines)


@pytest.mark.parametrize("seed", range(12))
def test_each_line_alone_reads_as_the_plain_path(seed: int) -> None:
    rng = random.Random(seed)
    fast_taken = 0
    for n in range(400):
        line = _line(rng, n)
        if not line.endswith(b"\n"):
            continue
        rows = _fast_block(memoryview(line), "f.jsonl", 7)
        plain = parse_line(line, "f.jsonl", 7)
        if rows is None:
            continue
        fast_taken += 1
        assert isinstance(plain, Article), (line, plain)
        got = pa.RecordBatch.from_arrays(rows.batch.columns, schema=RAW_SCHEMA).to_pylist()
        assert got == articles_to_batch([plain]).to_pylist(), line
        assert rows.ids == [plain.id] and rows.first == 7
    assert fast_taken > 50


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("block", [64, 300, 4096])
def test_files_read_as_the_plain_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, block: int
) -> None:
    monkeypatch.setattr(jsonl, "FAST_BLOCK", block)
    rng = random.Random(seed * 31 + block)
    paths = []
    for k in range(3):
        path = tmp_path / f"part-{k}.jsonl"
        data = _corpus(rng, 150, bad=rng.choice([0.02, 0.2, 0.6]))
        if rng.random() < 0.3:
            data = data.rstrip(b"\n")  # no newline at the end
        path.write_bytes(data)
        paths.append(path)
    paths.append(paths[0])  # repeated file: every id a duplicate
    for batch_size in (1, 7, 1000):
        assert _fast(paths, batch_size) == _plain(paths, batch_size)
    if block < 1000:  # (bigger blocks may all hold a bad line)
        assert _fast_rows(paths) > 0


def test_blocks_mixed_with_other_formats_and_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "FAST_BLOCK", 200)
    rng = random.Random(5)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(_corpus(rng, 80, bad=0.1))
    (folder / "b.ndjson").write_bytes(_corpus(rng, 80, bad=0.1))
    (folder / "page.txt").write_text("A page of text.", encoding="utf-8")
    inputs = [folder, DATA / "ingest" / "sample.jsonl", tmp_path / "missing.jsonl"]
    for batch_size in (3, 1000):
        assert _fast(inputs, batch_size) == _plain(inputs, batch_size)


def test_long_texts_fall_back_to_the_plain_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "MAX_TEXT_CHARS", 20)
    monkeypatch.setattr(jsonl, "MAX_TEXT_CHARS", 20)
    path = tmp_path / "long.jsonl"
    lines = [
        {"id": "a", "text": "x" * 20},
        {"id": "b", "text": "x" * 21},
        {"id": "c", "text": "\u00e9" * 20},  # 40 bytes, 20 characters: kept
        {"id": "d", "text": "\u00e9" * 21},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    assert _fast([path], 1000) == _plain([path], 1000)
    assert [r.record for r in _plain([path], 1000)[0][1]] == [2, 4]


def test_the_fixtures_read_as_the_plain_path(monkeypatch: pytest.MonkeyPatch) -> None:
    fixtures = sorted(
        p for p in DATA.rglob("*") if p.is_file() and p.suffix in (".jsonl", ".ndjson", ".gz")
    )
    assert fixtures
    for block in (64, 1 << 20):
        monkeypatch.setattr(jsonl, "FAST_BLOCK", block)
        for path in fixtures:
            assert _fast([path], 5) == _plain([path], 5), path


def test_a_clean_file_is_all_fast_rows(tmp_path: Path) -> None:
    path = tmp_path / "clean.jsonl"
    recs = [
        {
            "id": f" i{n} ",
            "html": "<p>x</p>",
            "title": " ",
            "date": " 2026 ",
            "series": "AP",
            "url": "u",
        }
        if n % 2
        else {
            "id": f"i{n}",
            "text": "\u00a0Body\u00a0",
            "published": "\u20032026",
            "source": "\u3000",
        }
        for n in range(500)
    ]
    path.write_text("".join(json.dumps(r) + "\r\n" for r in recs), encoding="utf-8")
    assert _fast_rows([path]) == 500
    assert _fast([path], 64) == _plain([path], 64)


NASTY = [
    b'{"id":"a","text":"x","\\u0069d":"b"}',  # id twice, once escaped
    b'{"id":"a","text":"x","title":"t","ti\\u0074le":null}',
    b'{"id":"a","text":"x","title":null,"title":null}',
    b'{"id":"a","text":"x"}\r{"id":"b","text":"y"}',  # two objects, a lone CR between
    b'{"id":"a","text":"x"} null {"id":"b","text":"y"}',
    b'{"id":"a","text":"x\\udc00"}',
    b'{"id":"a","text":"x","z":"\\ud800"}',
    b'{"id":"a","text":"x\\ud83d\\ude00"}',
    b'{"\\u0069d":"a","t\\u0065xt":"x"}',
    b'{"id":"a","text":"x","z":{"id":5,"text":[1]}}',
    b'{"id":"a","text":"x","z":NaN}',
    b'{"id":"a","text":"\\u2003\\u3000"}',
    b'{"id":"\\u00a0","text":"x"}',
    b'{"id":"a","html":"<p>x</p>","text":null}',
    b'{"id":"a","text":"x","published":"\\u2003"}',
    b'{"id":"a","text":"x","published":null,"date":" d "}',
    b'{"id":"a","text":"x","source":" ","series":"AP"}',
]


def test_nasty_lines_read_as_the_plain_path(tmp_path: Path) -> None:
    for line in NASTY:
        for end in (b"\n", b"\r\n"):
            rows = _fast_block(memoryview(line + end), "f.jsonl", 1)
            plain = parse_line(line + end, "f.jsonl", 1)
            if rows is not None:
                assert isinstance(plain, Article), line
                got = pa.RecordBatch.from_arrays(rows.batch.columns, schema=RAW_SCHEMA)
                assert got.to_pylist() == articles_to_batch([plain]).to_pylist(), line
    path = tmp_path / "nasty.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in NASTY))
    assert _fast([path], 4) == _plain([path], 4)


def test_utf8_check_is_as_strict_as_python() -> None:
    # every lead byte with continuation bytes around each range boundary
    tails = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
    for lead in range(0x80, 0x100):
        for a in tails:
            for b in tails:
                for c in tails:
                    for seq in (bytes([lead, a]), bytes([lead, a, b]), bytes([lead, a, b, c])):
                        data = b"{" + seq + b"}"
                        try:
                            data.decode("utf-8")
                            python_ok = True
                        except UnicodeDecodeError:
                            python_ok = False
                        assert _valid_utf8(memoryview(data)) == python_ok, seq


def test_a_line_longer_than_many_blocks_is_read_in_few_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the buffer grows by at least the rest each time: a huge line (a JSON array
    # named .jsonl) takes O(log size) reads and linear copying, not one block a read
    monkeypatch.setattr(jsonl, "FAST_BLOCK", 64)
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"id": "h", "text": "word " * 200_000}) + "\n", encoding="utf-8")
    reads = 0
    opened = jsonl._open

    def counting(p: Path):  # type: ignore[no-untyped-def]
        stream = opened(p)
        readinto = stream.readinto

        def counted(b):  # type: ignore[no-untyped-def]
            nonlocal reads
            reads += 1
            return readinto(b)

        stream.readinto = counted  # type: ignore[method-assign]
        return stream

    monkeypatch.setattr(jsonl, "_open", counting)
    assert _fast([path], 1000) == _plain([path], 1000)
    assert reads <= 20


@pytest.mark.parametrize("seed", range(4))
def test_gzip_files_read_as_the_plain_path_whole_cut_or_corrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    # (a failed read loses the block it inflated: the lines from there on are read
    # again line by line, so the reject names the same line as the plain path's)
    monkeypatch.setattr(jsonl, "FAST_BLOCK", 512)
    rng = random.Random(seed)
    data = _corpus(rng, 120, bad=0.05)
    half = len(data) // 2
    whole = gzip.compress(data, mtime=0)
    two_members = gzip.compress(data[:half], mtime=0) + gzip.compress(data[half:], mtime=0)
    cases = {"whole": whole, "two members": two_members}
    for _ in range(6):
        at = rng.randrange(20, len(whole) - 10)
        cases[f"cut at {at}"] = whole[:at]
        flipped = bytearray(whole)
        flipped[at] ^= 0xFF
        cases[f"byte {at} flipped"] = bytes(flipped)
    fast_taken = 0
    for label, blob in cases.items():
        path = tmp_path / "part.jsonl.gz"
        path.write_bytes(blob)
        got, want = _fast([path], 7), _plain([path], 7)
        assert got == want, label
        fast_taken += _fast_rows([path])
        gzip_rejects = [
            r
            for _, rejects in want
            for r in rejects
            if r.reason.startswith(("truncated gzip", "corrupt gzip"))
        ]
        if label.startswith("cut"):
            assert [r.reason[:14] for r in gzip_rejects] == ["truncated gzip"], label
        elif not label.startswith("byte"):
            assert not gzip_rejects, label
    assert fast_taken > 0
