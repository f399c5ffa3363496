"""Parquet reader: same columns as JSONL, batches, bad rows and corrupt files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from copytrace.ingest import read_parquet
from copytrace.model import Article, Reject


def _write(path: Path, table: pa.Table, row_group_size: int | None = None) -> Path:
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def test_parquet_rows_become_articles_with_optional_columns(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": ["p1", "p2", "p3"],
            "text": ["Markets fell.", None, None],
            "html": [None, "<p>Flood alert</p>", None],
            "title": ["Markets", None, "x"],
            "published": [dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC), None, None],
            "series": ["wire:AP", "paper", None],
            "url": ["https://e.com/p1", None, None],
            "ignored_column": [1, 2, 3],
        }
    )
    items = list(read_parquet(_write(tmp_path / "a.parquet", table)))
    p1, p2, p3 = items
    assert isinstance(p1, Article) and p1.title == "Markets" and p1.source == "wire:AP"
    assert p1.published == "2026-10-01T08:00:00+00:00" and p1.url == "https://e.com/p1"
    assert isinstance(p2, Article) and p2.is_html and p2.text == "<p>Flood alert</p>"
    assert isinstance(p3, Reject) and p3.record == 3 and p3.reason.startswith("missing text")


def test_row_numbers_run_across_batches(tmp_path: Path) -> None:
    n = 2500
    texts: list[str | None] = [f"story {i}" for i in range(n)]
    for bad in (0, 1023, 1024, 2499):
        texts[bad] = ""
    table = pa.table({"id": [f"r{i}" for i in range(n)], "text": texts})
    path = _write(tmp_path / "big.parquet", table, row_group_size=700)
    items = list(read_parquet(path, batch_rows=300))
    assert len(items) == n
    assert [r.record for r in items if isinstance(r, Reject)] == [1, 1024, 1025, 2500]
    assert sum(isinstance(i, Article) for i in items) == n - 4


def test_integer_ids_and_date_column(tmp_path: Path) -> None:
    table = pa.table(
        {"id": pa.array([7], pa.int64()), "text": ["t"], "date": [dt.date(2026, 10, 3)]}
    )
    (art,) = list(read_parquet(_write(tmp_path / "d.parquet", table)))
    assert isinstance(art, Article) and art.id == "7" and art.published == "2026-10-03"


def test_file_without_id_or_text_column_is_one_reject(tmp_path: Path) -> None:
    no_id = _write(tmp_path / "noid.parquet", pa.table({"text": ["a"]}))
    no_text = _write(tmp_path / "notext.parquet", pa.table({"id": ["a"], "title": ["t"]}))
    (r1,) = list(read_parquet(no_id))
    (r2,) = list(read_parquet(no_text))
    assert isinstance(r1, Reject) and r1.record is None and "'id'" in r1.reason
    assert isinstance(r2, Reject) and r2.record is None and "'text'" in r2.reason


def test_corrupt_parquet_is_a_reject_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "junk.parquet"
    path.write_bytes(b"PAR1 this is not parquet at all")
    (rej,) = list(read_parquet(path))
    assert isinstance(rej, Reject) and rej.record is None and "Parquet" in rej.reason


def test_truncated_parquet_is_a_reject(tmp_path: Path) -> None:
    table = pa.table({"id": [f"r{i}" for i in range(100)], "text": ["x" * 50] * 100})
    full = _write(tmp_path / "full.parquet", table).read_bytes()
    path = tmp_path / "cut.parquet"
    path.write_bytes(full[: len(full) // 2])
    items = list(read_parquet(path))
    assert len(items) == 1 and isinstance(items[0], Reject)


def test_corrupt_row_group_is_rejected_and_later_groups_still_read(tmp_path: Path) -> None:
    table = pa.table(
        {"id": [f"r{i}" for i in range(300)], "text": [f"text {i} " * 20 for i in range(300)]}
    )
    path = tmp_path / "rg.parquet"
    pq.write_table(table, path, row_group_size=100, compression="snappy")
    col = pq.ParquetFile(path).metadata.row_group(1).column(1)
    data = bytearray(path.read_bytes())
    start = col.data_page_offset + 40
    data[start : start + 200] = b"\x55" * 200
    path.write_bytes(bytes(data))
    items = list(read_parquet(path, batch_rows=1000))
    arts = [i for i in items if isinstance(i, Article)]
    rejs = [i for i in items if isinstance(i, Reject)]
    assert [a.id for a in arts] == [f"r{i}" for i in range(100)] + [
        f"r{i}" for i in range(200, 300)
    ]
    assert len(rejs) == 1 and rejs[0].record == 101 and "row group 1" in rejs[0].reason
