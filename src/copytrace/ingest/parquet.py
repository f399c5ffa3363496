"""Parquet -> raw ``Article`` records, read in record batches (bounded memory).

Columns as for JSON Lines (:mod:`copytrace.ingest.records`); columns other than
those are never read. ``Reject.record`` is the 1-based row number.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from copytrace.ingest.records import FIELDS, RecordError, record_to_article
from copytrace.model import Article, Reject

logger = logging.getLogger(__name__)

# Rows per Arrow batch: a few MB of text at news-article sizes.
BATCH_ROWS = 1024


class _Undecodable:
    """Stands for a string cell whose bytes are not UTF-8 (that row is rejected)."""


_UNDECODABLE = _Undecodable()


def _column_values(column: pa.Array) -> list[Any]:
    """A column as Python values; a string column with invalid UTF-8 cells (Arrow
    does not validate on read) gives ``_UNDECODABLE`` for those cells only."""
    try:
        return column.to_pylist()
    except UnicodeDecodeError:
        pass
    values: list[Any] = []
    for raw in column.cast(pa.binary()).to_pylist():
        if raw is None:
            values.append(None)
            continue
        try:
            values.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            values.append(_UNDECODABLE)
    return values


def read_parquet(path: str | Path, batch_rows: int = BATCH_ROWS) -> Iterator[Article | Reject]:
    """Yield one ``Article`` or ``Reject`` per row of a Parquet file.

    Example:
        >>> for item in read_parquet("corpus/part-00000.parquet"):  # doctest: +SKIP
        ...     print(item.id)

    Never raises for bad content: an unreadable or corrupt file is a ``Reject``
    (``record=None`` when the footer cannot be read, else the row where reading
    stopped).
    """
    for _, item in read_parquet_numbered(path, batch_rows):
        yield item


def read_parquet_numbered(
    path: str | Path, batch_rows: int = BATCH_ROWS
) -> Iterator[tuple[int | None, Article | Reject]]:
    """``read_parquet`` with each item's 1-based row number (None for the whole file)."""
    name = str(path)
    try:
        pf = pq.ParquetFile(path)
        names = pf.schema_arrow.names
    except (OSError, pa.ArrowException, UnicodeDecodeError) as exc:
        # a footer naming a column in invalid UTF-8 fails in pyarrow's decode
        yield None, Reject(name, None, f"cannot read Parquet: {exc}")
        return
    columns = [c for c in FIELDS if c in names]
    if "id" not in columns:
        yield None, Reject(name, None, "no 'id' column")
        return
    if "text" not in columns and "html" not in columns:
        yield None, Reject(name, None, "no 'text' or 'html' column")
        return
    row = 0
    try:
        for group in range(pf.num_row_groups):
            group_start = row
            group_rows = pf.metadata.row_group(group).num_rows
            try:
                batches = pf.iter_batches(
                    batch_size=batch_rows, row_groups=[group], columns=columns
                )
                for batch in batches:
                    data = {c: _column_values(batch.column(c)) for c in columns}
                    for i in range(batch.num_rows):
                        row += 1
                        rec = {c: data[c][i] for c in columns}
                        bad = [c for c, v in rec.items() if isinstance(v, _Undecodable)]
                        if bad:
                            reason = f"undecodable bytes: column {bad[0]!r} is not valid UTF-8"
                            yield row, Reject(name, row, reason)
                            continue
                        try:
                            item: Article | Reject = record_to_article(rec, name)
                        except RecordError as exc:
                            item = Reject(name, row, str(exc))
                        yield row, item
            except (OSError, pa.ArrowException, UnicodeDecodeError) as exc:
                # The rest of this row group is lost; later row groups are still read.
                lost = group_start + group_rows - row
                reason = f"corrupt Parquet data ({lost} rows of row group {group} lost): {exc}"
                yield row + 1, Reject(name, row + 1, reason)
                row = group_start + group_rows
    finally:
        pf.close()
