"""JSON Lines (plain or gzip) -> raw ``Article`` records, one per line (or, for
the scan, blocks of records as Arrow columns: ``read_jsonl_blocks``).

Each line is one JSON object (fields in :mod:`copytrace.ingest.records`). A bad
line becomes a ``Reject`` with its 1-based line number and the run goes on; a
truncated or corrupt gzip stream ends the file with one ``Reject`` naming the
line where reading stopped.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from copytrace.ingest.records import FIELDS, MAX_TEXT_CHARS, RecordError, record_to_article
from copytrace.model import Article, Reject

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
# Read buffer of a plain file: lines (a few KB each) come out of one big read, not
# one or two 8 KB reads (system calls) each (line iteration ~3x faster).
READ_BUFFER = 1 << 20
# How a lone UTF-16 surrogate gets into a decoded line: only as a JSON escape
# \ud800-\udfff (hex digits in either case; the line itself is strict UTF-8).
# (A regex: one pass, 2x faster than two `in` tests of the bytes.)
SURROGATE_ESCAPE = re.compile(rb"\\u[dD]")
# json.loads' own scanner (a decoder's attribute the type stubs lack), called past
# json.loads' two layers of Python (see _loads).
_SCAN_ONCE: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_JSON_WHITESPACE = " \t\n\r"


def _open(path: Path) -> io.BufferedIOBase:
    """Open a file for binary line reading, gunzipping when it starts with gzip magic."""
    raw = io.BufferedReader(io.FileIO(path, "rb"), buffer_size=READ_BUFFER)
    try:
        is_gzip = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
    except OSError:
        raw.close()
        raise
    if is_gzip:
        raw.close()
        return gzip.GzipFile(path, mode="rb")  # opened by name, so closing it closes the file
    return raw


def parse_line(line: bytes, name: str, lineno: int) -> Article | Reject | None:
    """Decode one JSONL line; ``None`` for a blank line (not a record).

    Example:
        >>> parse_line(b'{"id": "a", "text": "Hi"}', "x.jsonl", 1).id
        'a'
        >>> parse_line(b'{"id": "a"', "x.jsonl", 2).reason[:12]
        'invalid JSON'
    """
    if not line or line.isspace():  # (= not line.strip(), without copying the line)
        return None
    try:
        text = line.decode("utf-8-sig" if lineno == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return Reject(name, lineno, f"undecodable bytes: not valid UTF-8 at byte {exc.start}")
    try:
        rec = _loads(text)
    except json.JSONDecodeError as exc:
        return Reject(name, lineno, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return Reject(name, lineno, "invalid JSON: nested too deeply")
    # A line without such an escape holds no surrogate: no string need be checked
    # (the check encodes every string once more, the text included).
    check = SURROGATE_ESCAPE.search(line) is not None
    try:
        return record_to_article(rec, name, check_surrogates=check)
    except RecordError as exc:
        return Reject(name, lineno, str(exc))


def _loads(text: str) -> Any:
    """``json.loads(text)``, ~10% faster for a line that is one JSON value: its
    scanner called directly (json.loads checks for a BOM, skips leading whitespace,
    scans, then checks the rest is whitespace). Anything else, errors included, goes
    through json.loads itself, for its exact value or error."""
    try:
        value, end = _SCAN_ONCE(text, 0)
    except (StopIteration, ValueError):
        return json.loads(text)
    if end != len(text) and text[end:].strip(_JSON_WHITESPACE):
        return json.loads(text)  # (extra data: its error)
    return value


def read_jsonl(path: str | Path) -> Iterator[Article | Reject]:
    """Yield one ``Article`` or ``Reject`` per non-blank line of a .jsonl[.gz] file.

    Example:
        >>> for item in read_jsonl("corpus/articles.jsonl.gz"):  # doctest: +SKIP
        ...     print(item.id)

    Never raises for bad content: an unreadable file is one ``Reject`` with
    ``record=None``; a truncated gzip member is a ``Reject`` at the line where
    the data ends.
    """
    for _, item in read_jsonl_numbered(path):
        yield item


def read_jsonl_numbered(path: str | Path) -> Iterator[tuple[int | None, Article | Reject]]:
    """``read_jsonl`` with each item's 1-based line number (None for the whole file)."""
    p = Path(path)
    name = str(path)
    lineno = 0
    try:
        stream = _open(p)
    except OSError as exc:
        yield None, Reject(name, None, f"cannot read: {exc.strerror or exc}")
        return
    with stream:
        try:
            for lineno, line in enumerate(stream, start=1):
                item = parse_line(line, name, lineno)
                if item is not None:
                    yield lineno, item
        except EOFError:
            reason = "truncated gzip: data ends before the end of stream"
            yield lineno + 1, Reject(name, lineno + 1, reason)
        except (gzip.BadGzipFile, zlib.error) as exc:
            yield lineno + 1, Reject(name, lineno + 1, f"corrupt gzip: {exc}")
        except OSError as exc:
            yield lineno + 1, Reject(name, lineno + 1, f"cannot read: {exc.strerror or exc}")


# --- The fast path: blocks of plain JSON Lines parsed by Arrow -------------------
#
# Arrow's JSON reader turns a block of lines into columns in C++, with no Python
# object per article (the per-line path spends ~3 CPU s per 100k news articles in
# the scan's parent process, this one ~1.8). It is taken only for a block that the
# checks below prove the per-line path would read the same way: every line one
# JSON object (it starts with "{" and ends with "}", and Arrow finds as many rows
# as lines), valid UTF-8, nesting far below json's recursion limit, the fields
# read strings or null and each named once, no lone surrogate escape (Arrow
# refuses these three, json does not), and every record usable (ids, texts,
# lengths). Any doubt sends the whole block through the per-line path, so rejects
# keep their exact line numbers and reasons. Gzip files too: where a read of one
# fails, the lines from the last one done are read again line by line.

# Bytes read at a time (then cut after the last whole line).
FAST_BLOCK = 1 << 20
# Brackets a block may hold beyond one "{" a line: any line is then nested far less
# deep than json's recursion limit (~1,000), which Arrow does not share.
MAX_EXTRA_BRACKETS = 200
NEWLINE, CARRIAGE_RETURN = ord("\n"), ord("\r")
OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET = ord("{"), ord("}"), ord("[")
# The fields read, all as strings (Arrow refuses a number, bool, list or object
# there, or a field named twice: such a block takes the per-line path).
_FAST_SCHEMA = pa.schema([(name, pa.string()) for name in FIELDS])
_FAST_PARSE = pa_json.ParseOptions(
    explicit_schema=_FAST_SCHEMA, unexpected_field_behavior="ignore", newlines_in_values=False
)
# A text surely not blank: it starts with a visible ASCII character (the others are
# checked with str.isspace).
_VISIBLE_START = "^[!-~]"


@dataclass(frozen=True, slots=True)
class RawRows:
    """Consecutive records of one file read as Arrow columns: ``batch`` has the
    raw spill's columns (id, text as large_string, title, published, source, url,
    path, is_html), ``ids`` its ids, ``first`` the line number of its first row in
    file ``path``."""

    batch: pa.RecordBatch
    ids: list[str]
    first: int
    path: str

    def slice(self, start: int, stop: int) -> RawRows:
        """Rows ``start:stop``."""
        return RawRows(
            self.batch.slice(start, stop - start),
            self.ids[start:stop],
            self.first + start,
            self.path,
        )


def _valid_utf8(block: memoryview) -> bool:
    """Is ``block`` valid UTF-8 (as strict as Python's codec)? Arrow's check of a
    string array, ~7x cheaper than ``block.decode()`` (which builds the string)."""
    offsets = pa.py_buffer(np.array([0, len(block)], np.int64))
    return _valid_strings(
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(block)])
    )


def _valid_strings(column: pa.Array) -> bool:
    try:
        column.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _as_stored(column: pa.Array, values: list[str | None], blank_is_null: bool) -> pa.Array:
    """A field's column as the per-line path stores it: blank -> null, or else
    (a date) stripped, blank -> null; ``column`` itself where nothing changes."""
    if blank_is_null:
        stored = [None if not v or v.isspace() else v for v in values]
    else:
        stored = [(v.strip() or None) if v is not None else None for v in values]
    return column if stored == values else pa.array(stored, pa.string())


def _one_object_a_line(block: memoryview) -> int:
    """Does every line of ``block`` start with "{" and end with "}" (then maybe
    "\\r"), with few other brackets? Then no JSON value spans two lines, each
    line holds whole objects (one each when Arrow finds as many rows as lines),
    and no line nests deep. The number of lines if so, else 0."""
    arr = np.frombuffer(block, np.uint8)
    ends = np.flatnonzero(arr == NEWLINE)
    if not len(ends) or arr[0] != OPEN_BRACE or (arr[ends[:-1] + 1] != OPEN_BRACE).any():
        return 0
    last = arr[ends - 1]
    cr = last == CARRIAGE_RETURN
    last[cr] = arr[ends[cr] - 2]
    if (last != CLOSE_BRACE).any():
        return 0
    brackets = np.count_nonzero(arr == OPEN_BRACE) + np.count_nonzero(arr == OPEN_BRACKET)
    return len(ends) if brackets - len(ends) <= MAX_EXTRA_BRACKETS else 0


def _fast_block(block: memoryview, name: str, first: int) -> RawRows | None:
    """The records of ``block`` (whole lines, each ending in a newline, the first
    one numbered ``first``) as ``RawRows``, exactly as the per-line path reads
    them; None where that is not certain."""
    n_lines = _one_object_a_line(block)
    if not n_lines:
        return None
    if not _valid_utf8(block):  # (Arrow's JSON reader does not check it)
        return None
    try:
        table = pa_json.read_json(
            pa.BufferReader(block),
            read_options=pa_json.ReadOptions(use_threads=False, block_size=len(block) + 1),
            parse_options=_FAST_PARSE,
        )
    except pa.ArrowInvalid:
        return None
    batches = table.to_batches()
    if table.num_rows != n_lines or len(batches) != 1:  # (two objects on one line)
        return None
    col = batches[0].column
    raw_ids = col("id").to_pylist()
    if None in raw_ids:
        return None
    ids = [i.strip() for i in raw_ids]
    if not all(ids):
        return None
    text = col("text")
    body = pc.coalesce(text, col("html"))
    if body.null_count or pc.max(pc.binary_length(body)).as_py() > MAX_TEXT_CHARS:
        return None  # (UTF-8 bytes: at least as many as characters)
    published = pc.coalesce(col("published"), col("date"))
    source = pc.coalesce(col("source"), col("series"))
    stored = (col("id"), body, col("title"), published, source, col("url"))
    if not all(map(_valid_strings, stored)):  # (a lone surrogate escape: Arrow refuses it)
        return None
    unsure = pc.invert(pc.match_substring_regex(body, _VISIBLE_START))
    if pc.any(unsure).as_py():
        doubtful = body.filter(unsure).to_pylist()
        if any(not b or b.isspace() for b in doubtful):
            return None
    # (the short fields in Python: str.strip and str.isspace exactly)
    arrays = [
        col("id") if ids == raw_ids else pa.array(ids, pa.string()),
        body.cast(pa.large_string()),
        *(
            _as_stored(c, c.to_pylist(), blank_is_null=c is not published)
            for c in (col("title"), published, source, col("url"))
        ),
        pa.array([name] * n_lines, pa.string()),
        pc.is_null(text),
    ]
    return RawRows(pa.RecordBatch.from_arrays(arrays, names=RAW_COLUMNS), ids, first, name)


RAW_COLUMNS = ["id", "text", "title", "published", "source", "url", "path", "is_html"]


def _plain_lines(block: bytes, name: str, first: int) -> Iterator[tuple[int, Article | Reject]]:
    """The per-line path over the lines of ``block`` (numbered from ``first``)."""
    for lineno, line in enumerate(io.BytesIO(block), start=first):
        item = parse_line(line, name, lineno)
        if item is not None:
            yield lineno, item


def _lines_after(path: str | Path, done: int) -> Iterator[tuple[int | None, Article | Reject]]:
    """The per-line path's items past line ``done``."""
    for lineno, item in read_jsonl_numbered(path):
        if lineno is None or lineno > done:
            yield lineno, item


def read_jsonl_blocks(
    path: str | Path,
) -> Iterator[tuple[int | None, Article | Reject | RawRows]]:
    """``read_jsonl_numbered``, with runs of plain JSON Lines as ``RawRows`` (fast path).

    A gzip file is read in blocks too. A read of it that fails (a truncated or
    corrupt stream) loses the block it was inflating, so the lines from there on
    are read again by the per-line path, which names the line where the data
    fails, as it always did.
    """
    p = Path(path)
    name = str(path)
    try:
        stream = _open(p)
    except OSError as exc:
        yield None, Reject(name, None, f"cannot read: {exc.strerror or exc}")
        return
    gzipped = isinstance(stream, gzip.GzipFile)
    lineno = 0  # lines done
    rest = b""  # the start of a line not read whole yet
    with stream:
        while True:
            # (read into a fresh buffer behind the rest: no copy of the block itself;
            # at least as much again as the rest, so one huge line costs linear time)
            buf = bytearray(len(rest) + max(FAST_BLOCK, len(rest)))
            buf[: len(rest)] = rest
            try:
                n = stream.readinto(memoryview(buf)[len(rest) :])
            except (OSError, EOFError, zlib.error) as exc:
                if gzipped:
                    stream.close()
                    yield from _lines_after(path, lineno)
                    return
                reason = f"cannot read: {getattr(exc, 'strerror', None) or exc}"
                yield lineno + 1, Reject(name, lineno + 1, reason)
                return
            if not n:
                break
            size = len(rest) + n
            end = buf.rfind(b"\n", 0, size) + 1
            rest = bytes(buf[end:size])
            if not end:
                continue  # (a line longer than a block)
            block = memoryview(buf)[:end]
            rows = _fast_block(block, name, lineno + 1)
            if rows is not None:
                yield rows.first, rows
                lineno += len(rows.ids)
            else:
                yield from _plain_lines(bytes(block), name, lineno + 1)
                lineno += buf.count(b"\n", 0, end)
        yield from _plain_lines(rest, name, lineno + 1)
