"""Readers: each format turns into raw ``Article`` records or ``Reject`` records.

``read_inputs`` is the entry point: it takes files and folders, picks a reader
by extension, drops repeated ids and never raises on one bad record. Articles
come out raw (``content`` empty); cleaning is the next stage.

Formats: folders (recursive; .txt/.html/.htm pages plus any of the files
below), ``.jsonl``/``.ndjson`` (also ``.gz``, and ``.json.gz``), ``.parquet``,
``.warc``/``.warc.gz``, single ``.txt``/``.html``/``.htm`` files; pages may be
gzipped (``.html.gz``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from copytrace.ingest.folder import PAGE_SUFFIXES, read_page_file, relative_id
from copytrace.ingest.folder import walk_files as _walk_files
from copytrace.ingest.jsonl import RawRows, read_jsonl, read_jsonl_blocks, read_jsonl_numbered
from copytrace.ingest.parquet import read_parquet, read_parquet_numbered
from copytrace.ingest.warc import read_warc, read_warc_numbered
from copytrace.model import Article, Reject

__all__ = [
    "DUPLICATE_ID",
    "FolderSurvey",
    "RawRows",
    "format_of",
    "iter_batches",
    "iter_raw_batches",
    "read_folder_inputs",
    "read_inputs",
    "read_jsonl",
    "read_parquet",
    "read_path",
    "read_warc",
    "reject_to_dict",
    "survey_folder",
]

logger = logging.getLogger(__name__)

DUPLICATE_ID = "duplicate id"
SUPPORTED_TYPES = ".txt, .html, .htm (each also .gz), .jsonl[.gz], .json.gz, .parquet, .warc[.gz]"

_FORMATS: tuple[tuple[str, str], ...] = (
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".json.gz", "jsonl"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".parquet", "parquet"),
    (".warc.gz", "warc"),
    (".warc", "warc"),
    *((s, "page") for s in PAGE_SUFFIXES),
)


def format_of(path: str | Path) -> str | None:
    """The reader for a file name: ``jsonl``, ``parquet``, ``warc``, ``page`` or None.

    Example:
        >>> format_of("crawl/part-1.warc.gz"), format_of("notes.md")
        ('warc', None)
    """
    name = Path(path).name.lower()
    for suffix, fmt in _FORMATS:
        if name.endswith(suffix):
            return fmt
    return None


class FolderSurvey:
    """What a folder holds for the readers: ``readable`` files (a supported type) and
    the ``skipped`` ones by extension (``"(none)"`` for a name without one)."""

    def __init__(self) -> None:
        self.readable = 0
        self.skipped: Counter[str] = Counter()

    def skipped_text(self, most: int = 4) -> str:
        """``"181 .gz, 2 .md"``: the commonest skipped extensions, then ``"..."``."""
        parts = [f"{n:,} {ext}" for ext, n in self.skipped.most_common(most)]
        return ", ".join(parts) + (", ..." if len(self.skipped) > most else "")


def survey_folder(root: str | Path) -> FolderSurvey:
    """Count the files under ``root`` that the readers take and those they skip
    (walked as ``read_inputs`` walks it: hidden entries are neither).

    Example:
        >>> survey_folder("examples").readable  # doctest: +SKIP
        2
    """
    survey = FolderSurvey()
    for path in _walk_files(Path(root)):
        if format_of(path) is None:
            ext = path.suffix.lower()
            if ext == ".gz":  # (say what is gzipped: .xml.gz)
                ext = "".join(path.suffixes[-2:]).lower()
            survey.skipped[ext or "(none)"] += 1
        else:
            survey.readable += 1
    return survey


def read_path(path: str | Path, article_id: str | None = None) -> Iterator[Article | Reject]:
    """Read one file with the reader its extension names (no duplicate-id check).

    ``article_id`` names a single page file (ignored by multi-record formats).

    Example:
        >>> next(read_path("examples/004_3080a4ee7dd42127.txt")).id  # doctest: +SKIP
        '004_3080a4ee7dd42127'
    """
    for _, item in _read_path_numbered(path, article_id):
        yield item


def _read_path_numbered(
    path: str | Path, article_id: str | None = None
) -> Iterator[tuple[int | None, Article | Reject]]:
    fmt = format_of(path)
    if fmt == "jsonl":
        yield from read_jsonl_numbered(path)
    elif fmt == "parquet":
        yield from read_parquet_numbered(path)
    elif fmt == "warc":
        yield from read_warc_numbered(path)
    elif fmt == "page":
        yield None, read_page_file(path, article_id)
    else:
        reason = f"unsupported file type (expected {SUPPORTED_TYPES} or a folder)"
        yield None, Reject(str(path), None, reason)


def read_folder_inputs(root: str | Path) -> Iterator[Article | Reject]:
    """Every supported file under a folder, recursively; other files are skipped.

    Example:
        >>> ids = [a.id for a in read_folder_inputs("examples")]  # doctest: +SKIP
    """
    for _, item in _read_folder_numbered(root):
        assert not isinstance(item, RawRows)  # (only the fast path yields them)
        yield item


def _read_folder_numbered(
    root: str | Path, fast: bool = False
) -> Iterator[tuple[int | None, Article | Reject | RawRows]]:
    base = Path(root)
    for path in _walk_files(base):
        fmt = format_of(path)
        if fmt is None:
            logger.debug("skipping %s: not a supported input format", path)
            continue
        page_id = relative_id(path, base) if fmt == "page" else None
        yield from _read_path_any(path, page_id, fast)


def _read_path_any(
    path: str | Path, article_id: str | None = None, fast: bool = False
) -> Iterator[tuple[int | None, Article | Reject | RawRows]]:
    """``_read_path_numbered``; with ``fast``, JSON Lines read by blocks (``RawRows``)."""
    if fast and format_of(path) == "jsonl":
        yield from read_jsonl_blocks(path)
    else:
        yield from _read_path_numbered(path, article_id)


def read_inputs(paths: Iterable[str | Path]) -> Iterator[Article | Reject]:
    """Yield every article in ``paths`` (files or folders), or a ``Reject`` per bad record.

    Readers are chosen by extension; folders are walked recursively. An id seen
    before is rejected with reason ``"duplicate id"`` (the first one wins) and
    the line/row/record number of the repeat. Articles are raw: ``content`` is
    empty until the cleaning stage.

    Example:
        >>> from copytrace.model import Reject
        >>> items = list(read_inputs(["examples"]))  # doctest: +SKIP
        >>> [a.id for a in items if not isinstance(a, Reject)]  # doctest: +SKIP
        ['000_3f926fbd34ea6708', '004_3080a4ee7dd42127']
    """
    for item in _read_inputs(paths, fast=False):
        assert not isinstance(item, RawRows)  # (only the fast path yields them)
        yield item


def _read_inputs(paths: Iterable[str | Path], fast: bool) -> Iterator[Article | Reject | RawRows]:
    """``read_inputs``; with ``fast``, runs of JSON Lines records may come as ``RawRows``."""
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        items: Iterator[tuple[int | None, Article | Reject | RawRows]]
        if path.is_dir():
            items = _read_folder_numbered(path, fast)
        elif path.exists():
            items = _read_path_any(path, fast=fast)
        else:
            items = iter([(None, Reject(str(raw), None, "no such file or directory"))])
        for record, item in items:
            if isinstance(item, RawRows):
                yield from _drop_repeats(item, seen)
                continue
            if isinstance(item, Article):
                if item.id in seen:
                    yield Reject(item.path or str(raw), record, DUPLICATE_ID)
                    continue
                seen.add(item.id)
            yield item


def iter_batches(
    paths: Iterable[str | Path], batch_size: int
) -> Iterator[tuple[list[Article], list[Reject]]]:
    """``read_inputs`` in batches of at most ``batch_size`` articles (bounded memory).

    Each batch also carries the rejects met while filling it; a batch is also
    flushed when ``batch_size`` rejects pile up, so memory stays bounded on
    inputs that are mostly bad. The last batch may be smaller; no batch is
    entirely empty.

    Example:
        >>> for arts, rejects in iter_batches(["corpus/"], 10_000):  # doctest: +SKIP
        ...     print(len(arts), len(rejects))
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    articles: list[Article] = []
    rejects: list[Reject] = []
    for item in read_inputs(paths):
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            articles.append(item)
        if len(articles) >= batch_size or len(rejects) >= batch_size:
            yield articles, rejects
            articles, rejects = [], []
    if articles or rejects:
        yield articles, rejects


def _drop_repeats(rows: RawRows, seen: set[str]) -> Iterator[RawRows | Reject]:
    """``rows`` less the ids seen before (each a ``Reject`` in its place); adds the rest."""
    start = 0
    for i, article_id in enumerate(rows.ids):
        if article_id in seen:
            if start < i:
                yield rows.slice(start, i)
            yield Reject(rows.path, rows.first + i, DUPLICATE_ID)
            start = i + 1
        else:
            seen.add(article_id)
    if start < len(rows.ids):
        yield rows if start == 0 else rows.slice(start, len(rows.ids))


def iter_raw_batches(
    paths: Iterable[str | Path], batch_size: int
) -> Iterator[tuple[list[Article | RawRows], list[Reject]]]:
    """``iter_batches``, where runs of JSON Lines records may come as ``RawRows``
    (Arrow columns, no ``Article`` each): the same records in the same batches.

    Example:
        >>> for items, rejects in iter_raw_batches(["a.jsonl"], 1000):  # doctest: +SKIP
        ...     print(sum(len(i.ids) if isinstance(i, RawRows) else 1 for i in items))
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    items: list[Article | RawRows] = []
    n_articles = 0
    rejects: list[Reject] = []
    for item in _read_inputs(paths, fast=True):
        if isinstance(item, RawRows):
            # (as iter_batches adds one article at a time: the batch ends at batch_size)
            while n_articles + len(item.ids) >= batch_size:
                take = batch_size - n_articles
                items.append(item.slice(0, take))
                yield items, rejects
                items, n_articles, rejects = [], 0, []
                item = item.slice(take, len(item.ids))
            if item.ids:
                items.append(item)
                n_articles += len(item.ids)
            continue
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            items.append(item)
            n_articles += 1
        if n_articles >= batch_size or len(rejects) >= batch_size:
            yield items, rejects
            items, n_articles, rejects = [], 0, []
    if items or rejects:
        yield items, rejects


def reject_to_dict(r: Reject) -> dict[str, object]:
    """A ``Reject`` as the row written to ``rejects.jsonl``.

    Example:
        >>> reject_to_dict(Reject("a.jsonl", 3, "invalid JSON"))
        {'file': 'a.jsonl', 'record': 3, 'reason': 'invalid JSON'}
    """
    return {"file": r.file, "record": r.record, "reason": r.reason}
