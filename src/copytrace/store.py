"""Scan outputs on disk: JSON Lines, Parquet and text, each written atomically.

Every writer writes to a temporary file in the destination folder and renames
it over the destination only when complete (``os.replace``), so a reader, or a
rerun after a crash, never sees half a file. Rows are written in the order
given; the scan sorts them so two runs give byte-identical files.

The Arrow schemas of the Parquet outputs live here (``ARTICLES_SCHEMA``,
``PASSAGES_SCHEMA``); ``docs/scan.md`` documents every output.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import itertools
import json
import json.encoder
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

log = logging.getLogger(__name__)

SPANS_TYPE = pa.list_(pa.list_(pa.int64()))

ARTICLES_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("title", pa.string()),
        pa.field("published", pa.string()),
        pa.field("url", pa.string()),
        pa.field("content", SPANS_TYPE),
        pa.field("dateline", pa.string()),
        pa.field("text", pa.large_string()),
    ]
)

# Endings of a file that holds a corpus's rows -> its format.
CORPUS_FORMATS = {".parquet": "parquet", ".jsonl": "jsonl", ".jsonl.gz": "jsonl.gz"}


def corpus_format(path: str | Path) -> str | None:
    """``parquet``, ``jsonl`` or ``jsonl.gz`` by the file name's ending, else None.

    Example:
        >>> corpus_format("cleaned.jsonl.gz"), corpus_format("cleaned/")
        ('jsonl.gz', None)
    """
    name = str(path).lower()
    for ending, fmt in sorted(CORPUS_FORMATS.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(ending):
            return fmt
    return None


PASSAGES_SCHEMA = pa.schema(
    [
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("target_id", pa.string(), nullable=False),
        pa.field("source_start", pa.int64(), nullable=False),
        pa.field("source_end", pa.int64(), nullable=False),
        pa.field("target_start", pa.int64(), nullable=False),
        pa.field("target_end", pa.int64(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("words", pa.int64(), nullable=False),
        pa.field("similarity", pa.float64(), nullable=False),
        pa.field("attributed", pa.bool_(), nullable=False),
    ]
)

# Parquet settings fixed so the bytes depend only on the rows.
_PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "write_statistics": True,
    "use_dictionary": True,
    "store_schema": True,
}


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces ``path`` when the block succeeds.

    On an exception the temporary file is removed and ``path`` is untouched.

    Example:
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> with atomic_path(d / "x.txt") as tmp:
        ...     _ = tmp.write_text("done")
        >>> (d / "x.txt").read_text()
        'done'
    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    try:
        tmp.chmod(0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual mode
        yield tmp
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_temporaries(path: str | Path) -> list[Path]:
    """Remove the temporary files :func:`atomic_path` left beside ``path`` when its
    writer was killed. Call only while no live writer of ``path`` can exist (its
    output folder or index locked)."""
    dest = Path(path)
    stale = sorted(dest.parent.glob(f".{glob.escape(dest.name)}.*.tmp"))
    for tmp in stale:
        tmp.unlink(missing_ok=True)
    return stale


@contextlib.contextmanager
def atomic_writer(path: str | Path) -> Iterator[IO[str]]:
    """A text file handle whose content replaces ``path`` atomically on success."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
        yield fh


def json_line(row: Mapping[str, object]) -> str:
    """One JSON Lines row: keys in the given order, UTF-8 kept, no trailing spaces.

    Example:
        >>> json_line({"a_id": "x", "words": 3})
        '{"a_id": "x", "words": 3}'
    """
    return "".join(_encode_row(row, 0))


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def _encode_in_python(row: object, _level: int) -> list[str]:
    """``_encode_row`` where json has no C encoder."""
    return [_ENCODER.encode(row)]


# The C encoder that _ENCODER.encode makes anew at every call (with a closure and
# a dict of markers: ~1/3 of a short row's time), made once. The same options, so
# the same text; no markers: a row is plain data, never a cycle. (json's own name
# for it, absent from typeshed's stubs; None where json has no C accelerator.)
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_encode_row: Callable[[object, int], list[str]] = (
    _c_make_encoder(
        None,  # markers: no circular check
        _ENCODER.default,
        json.encoder.encode_basestring,  # ensure_ascii=False
        None,  # indent
        _ENCODER.key_separator,
        _ENCODER.item_separator,
        _ENCODER.sort_keys,
        _ENCODER.skipkeys,
        _ENCODER.allow_nan,
    )
    if _c_make_encoder is not None
    else _encode_in_python
)


def write_jsonl(path: str | Path, rows: Iterable[Mapping[str, object]]) -> int:
    """Write rows as JSON Lines atomically; returns the number of rows.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "rows.jsonl"
        >>> write_jsonl(p, [{"id": "a"}, {"id": "b"}])
        2
        >>> p.read_text().splitlines()[1]
        '{"id": "b"}'
    """
    return write_lines(path, map(json_line, rows))


def write_lines(path: str | Path, lines: Iterable[str]) -> int:
    """Write lines (each without its newline) atomically; returns their number.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "rows.jsonl"
        >>> write_lines(p, ['{"id": "a"}'])
        1
    """
    n = 0
    with atomic_writer(path) as fh:
        # many lines a write: a write call costs as much as encoding a short row
        it = iter(lines)
        while batch := list(itertools.islice(it, _LINES_PER_WRITE)):
            fh.write("\n".join(batch))
            fh.write("\n")
            n += len(batch)
    return n


# Lines joined into one write by write_lines (~1 MB of a scan's rows).
_LINES_PER_WRITE = 4096


def move_file(src: str | Path, dest: str | Path) -> None:
    """Move a finished file onto ``dest`` atomically (a rename, or a copy made
    beside ``dest`` and renamed when the two are on different file systems).

    Example:
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "a.txt").write_text("done")
        >>> move_file(d / "a.txt", d / "b.txt")
        >>> (d / "b.txt").read_text(), (d / "a.txt").exists()
        ('done', False)
    """
    src, dest = Path(src), Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        with atomic_path(dest) as tmp:
            shutil.copyfile(src, tmp)
        src.unlink()
    _fsync_dir(dest.parent)


def write_parquet(
    path: str | Path,
    batches: Iterable[pa.RecordBatch],
    schema: pa.Schema,
    *,
    row_group_size: int = 65_536,
) -> int:
    """Write record batches to one Parquet file atomically; returns the row count.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
        >>> s = pa.schema([pa.field("x", pa.int64())])
        >>> write_parquet(p, [pa.record_batch([pa.array([1, 2])], schema=s)], s)
        2
    """
    n = 0
    with atomic_path(path) as tmp:
        writer = pq.ParquetWriter(str(tmp), schema, **_PARQUET_OPTIONS)
        try:
            for batch in batches:
                if batch.num_rows:
                    writer.write_batch(batch.cast(schema), row_group_size=row_group_size)
                    n += batch.num_rows
        finally:
            writer.close()
    return n


def write_text(path: str | Path, text: str) -> None:
    """Write a text file atomically (UTF-8, newlines as given)."""
    with atomic_writer(path) as fh:
        fh.write(text)


def rows_to_batch(rows: list[dict[str, object]], schema: pa.Schema) -> pa.RecordBatch:
    """Plain dict rows -> one record batch of ``schema``."""
    return pa.RecordBatch.from_pylist(rows, schema=schema)
