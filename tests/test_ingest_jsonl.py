"""JSON Lines reader: good records, each kind of bad line, gzip and truncated gzip."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

from copytrace.ingest import read_jsonl
from copytrace.ingest.jsonl import parse_line
from copytrace.ingest.records import RecordError, record_to_article
from copytrace.model import Article, Reject

DATA = Path(__file__).resolve().parent / "data" / "ingest"


def _split(items: list[Article | Reject]) -> tuple[list[Article], list[Reject]]:
    arts = [i for i in items if isinstance(i, Article)]
    rejs = [i for i in items if isinstance(i, Reject)]
    return arts, rejs


def test_jsonl_reads_fields_and_rejects_bad_lines_with_line_numbers() -> None:
    path = DATA / "sample.jsonl"
    arts, rejs = _split(list(read_jsonl(path)))
    assert [a.id for a in arts] == ["j1", "j2", "6"]
    j1, j2, six = arts
    assert j1.title == "Stocks rise" and j1.source == "wire:AP"
    assert j1.published == "2026-10-01T09:00:00+00:00" and j1.url == "https://example.com/j1"
    assert j1.text.startswith("Stocks rose") and not j1.is_html and j1.content == ()
    assert j2.is_html and j2.text == "<p>Storm warning for the coast</p>"
    assert j2.published == "2026-10-02" and j2.source == "coast-news"
    assert six.text == "Integer ids become strings."
    by_line = {r.record: r.reason for r in rejs}
    assert set(by_line) == {4, 5, 6, 7}  # line 3 is blank: not a record
    assert by_line[4].startswith("invalid JSON")
    assert by_line[5].startswith("missing text")
    assert by_line[6] == "empty text"
    assert by_line[7].startswith("expected a JSON object")
    assert all(r.file == str(path) for r in rejs)


def test_jsonl_counts_add_up_to_non_blank_lines() -> None:
    path = DATA / "sample.jsonl"
    non_blank = sum(1 for line in path.read_bytes().splitlines() if line.strip())
    assert len(list(read_jsonl(path))) == non_blank


def test_undecodable_bytes_reject_only_their_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "fine"}\n'
        b'{"id": "b", "text": "caf\xe9"}\n'
        b'{"id": "c", "text": "also fine"}\n'
    )
    items = list(read_jsonl(path))
    assert [type(i).__name__ for i in items] == ["Article", "Reject", "Article"]
    bad = items[1]
    assert isinstance(bad, Reject) and bad.record == 2 and "UTF-8" in bad.reason


def test_wrong_field_types_are_rejected_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "types.jsonl"
    rows = [
        {"id": ["x"], "text": "t"},
        {"id": "a", "text": 5},
        {"id": "b", "text": "t", "title": {"x": 1}},
        {"id": "", "text": "t"},
        {"text": "no id"},
        {"id": "c", "text": "t", "published": 1790000000},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    items = list(read_jsonl(path))
    reasons = [i.reason for i in items if isinstance(i, Reject)]
    assert len(reasons) == 5
    assert reasons[0].startswith("id must be")
    assert "'text' must be a string" in reasons[1]
    assert "'title' must be a string" in reasons[2]
    assert reasons[3] == "empty id" and reasons[4] == "missing id"
    last = items[-1]
    assert isinstance(last, Article) and last.published == "2026-09-21T14:13:20+00:00"


def test_text_wins_over_html_when_both_present(tmp_path: Path) -> None:
    path = tmp_path / "both.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "plain", "html": "<p>x</p>"}) + "\n")
    (art,) = list(read_jsonl(path))
    assert isinstance(art, Article) and art.text == "plain" and not art.is_html


def _lines(n: int) -> bytes:
    return b"".join(
        json.dumps({"id": f"a{i}", "text": f"article number {i} " * 20}).encode() + b"\n"
        for i in range(n)
    )


def test_gzip_jsonl_reads_like_plain(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(gzip.compress(_lines(50)))
    items = list(read_jsonl(path))
    assert [i.id for i in items if isinstance(i, Article)] == [f"a{i}" for i in range(50)]


def test_multi_member_gzip_reads_every_member(tmp_path: Path) -> None:
    path = tmp_path / "c.json.gz"
    path.write_bytes(gzip.compress(_lines(3)) + gzip.compress(_lines(2)))
    assert len([i for i in read_jsonl(path) if isinstance(i, Article)]) == 5


def test_truncated_gzip_keeps_lines_before_and_rejects_where_it_ends(tmp_path: Path) -> None:
    full = gzip.compress(_lines(2000))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(full[: len(full) // 2])
    items = list(read_jsonl(path))
    arts = [i for i in items if isinstance(i, Article)]
    rejs = [i for i in items if isinstance(i, Reject)]
    assert 0 < len(arts) < 2000
    assert [a.id for a in arts] == [f"a{i}" for i in range(len(arts))]
    assert len(rejs) == 1
    assert rejs[0].record == len(arts) + 1 and rejs[0].reason.startswith("truncated gzip")


def test_corrupt_gzip_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + b"x" * 200)
    (rej,) = list(read_jsonl(path))
    assert isinstance(rej, Reject) and rej.record == 1 and "gzip" in rej.reason


def test_missing_file_is_a_reject_without_record(tmp_path: Path) -> None:
    (rej,) = list(read_jsonl(tmp_path / "nope.jsonl"))
    assert isinstance(rej, Reject) and rej.record is None and "cannot read" in rej.reason


def test_surrogate_checks_skipped_only_where_no_escape_can_make_one() -> None:
    # parse_line checks strings for lone surrogates only when the line holds a
    # \ud / \uD escape; every line must read exactly as with the checks always on.
    rng = random.Random(7)
    pieces = [
        "plain",
        "caf\u00e9",
        "\u2014",
        "\\ud800",
        "\\uDFFF",
        "\\udbff",
        "\\uD83D\\uDE00",  # a valid pair: one character, no lone surrogate
        "\\\\ud800",  # an escaped backslash, then text
        "\\u00e9",
        "\\n",
        " ",
        "",
    ]
    fields = ["id", "text", "html", "title", "published", "date", "source", "series", "url"]

    def value() -> str:
        return '"' + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4))) + '"'

    for lineno in range(1, 3001):
        keys = rng.sample(fields, rng.randint(1, len(fields)))
        line = ("{" + ", ".join(f'"{k}": {value()}' for k in keys) + "}").encode()
        got = parse_line(line, "x.jsonl", lineno)
        try:
            rec = json.loads(line.decode("utf-8-sig" if lineno == 1 else "utf-8"))
            want: Article | Reject = record_to_article(rec, "x.jsonl", check_surrogates=True)
        except RecordError as exc:
            want = Reject("x.jsonl", lineno, str(exc))
        assert got == want, line


def test_loads_is_json_loads_values_and_errors() -> None:
    from copytrace.ingest.jsonl import _loads

    def outcome(load: object, text: str) -> object:
        try:
            return ("value", load(text))  # type: ignore[operator]
        except (ValueError, RecursionError) as exc:
            return (type(exc).__name__, str(exc))

    texts = [
        '{"id": "a", "text": "x"}\n',
        '{"id": "a"}',
        '  {"id": "a"}\n',
        '{"id": "a"} \t\r\n',
        '{"id": "a"} x\n',
        '{"id": "a"}\x0c\n',
        '{"id": "a"}\u00a0',
        "\ufeff{}",
        "[1, 2]",
        "3.5\n",
        '"s"',
        "",
        "\n",
        "{",
        '{"a": 1,}',
        "nul",
        "NaN",
        '"\\ud800"',
        '{"a": "\\x"}',
        "[" * 100_000,
    ]
    for text in texts:
        assert outcome(_loads, text) == outcome(json.loads, text), repr(text[:20])
