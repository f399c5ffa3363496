"""Crashes and silent losses the fuzzers and the bad-input tests found, one test each."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from copytrace.ingest import read_inputs
from copytrace.model import Article, Reject
from copytrace.scan import ScanConfig, scan
from copytrace.stages import articles_to_batch

HTTP = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><p>Hi there.</p></html>"


def record(uri: str) -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
        "WARC-Record-ID: <urn:uuid:1>\r\nWARC-Date: 2026-10-01T10:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(HTTP)}\r\n\r\n"
    )
    return head.encode() + HTTP + b"\r\n\r\n"


RECORD = record("https://x.example/a")


def test_parquet_string_column_with_invalid_utf8_rejects_only_that_row(tmp_path: Path) -> None:
    # Found by test_fuzz_parquet: Arrow does not validate UTF-8 when reading, so
    # to_pylist() raised UnicodeDecodeError out of the reader.
    text = pa.array([b"good text", b"bad \xff\xfe", b"more"], pa.binary()).view(pa.string())
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": text}), path)
    items = list(read_inputs([path]))
    assert [type(i).__name__ for i in items] == ["Article", "Reject", "Article"]
    assert items[1] == Reject(str(path), 2, "undecodable bytes: column 'text' is not valid UTF-8")


def test_gzip_warc_whose_first_member_is_cut_is_rejected_as_record_1(tmp_path: Path) -> None:
    # Found by test_fuzz_warc_gz: no record read at all gave a reject numbered 0.
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(gzip.compress(RECORD)[:30])
    (item,) = list(read_inputs([path]))
    assert isinstance(item, Reject) and item.record == 1 and "truncated WARC" in item.reason


def test_gzip_warc_cut_at_a_member_boundary_plus_a_byte_is_not_a_silent_loss(
    tmp_path: Path,
) -> None:
    # Found by the bad-input tests: fastwarc stopped quietly at a cut gzip member.
    members = [gzip.compress(record(f"https://x.example/{i}")) for i in range(3)]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(members[0] + members[1] + members[2][:1])
    items = list(read_inputs([path]))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Reject"]
    assert items[2].record == 3  # type: ignore[union-attr]


def test_lone_surrogate_in_jsonl_is_a_reject_not_a_crash_of_the_scan(tmp_path: Path) -> None:
    # Found by the bad-input tests: "\ud800" is valid JSON but not UTF-8, and the
    # scan died writing its Arrow spill.
    path = tmp_path / "s.jsonl"
    path.write_text(
        '{"id": "a", "text": "abc \\ud800 def"}\n'
        '{"id": "b", "text": "fine", "title": "\\udfff"}\n'
        + json.dumps({"id": "c", "text": "fine text here"})
        + "\n"
    )
    items = list(read_inputs([path]))
    assert [i.record if isinstance(i, Reject) else i.id for i in items] == [1, 2, "c"]
    arts = [i for i in items if isinstance(i, Article)]
    articles_to_batch(arts)
    summary = scan([path], tmp_path / "out", config=ScanConfig(jobs=1, report=False))
    assert (summary.articles, summary.rejected) == (1, 2)


def test_parquet_whose_footer_names_a_column_in_invalid_utf8_is_a_reject(tmp_path: Path) -> None:
    # Found by test_fuzz_parquet: a column name in the footer that is not UTF-8
    # made pyarrow raise UnicodeDecodeError out of ParquetFile(), not OSError.
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": ["a"], "text": ["Some text."], "zqzq": ["x"]}), path)
    data = path.read_bytes()
    assert b"zqzq" in data  # in the footer's schema (the Arrow schema is base64)
    path.write_bytes(data.replace(b"zqzq", b"\x80qzq"))
    items = list(read_inputs([path]))
    assert len(items) == 1 and isinstance(items[0], Reject)
    assert items[0].file == str(path) and items[0].record is None
    assert "cannot read Parquet" in items[0].reason
