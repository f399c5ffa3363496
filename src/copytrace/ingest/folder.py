"""Folders of .txt / .html / .htm files (also gzipped) -> raw ``Article`` records.

The folder is walked recursively in sorted order (hidden files and folders
skipped). A page's id is its path relative to the folder without the extension,
with ``/`` separators (``2026/10/story.html`` and ``2026/10/story.html.gz`` ->
``2026/10/story``). A gzipped page's offsets are into its decompressed text.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from copytrace.ingest.charset import binary_reason, control_reason, decode_html, decode_text
from copytrace.ingest.records import MAX_TEXT_CHARS, too_long_reason
from copytrace.model import Article, Reject

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
# Crawls often keep each page gzipped (``story.html.gz``); read like the plain page.
GZIP_SUFFIX = ".gz"
PAGE_SUFFIXES = tuple(s + z for s in TEXT_SUFFIXES + HTML_SUFFIXES for z in ("", GZIP_SUFFIX))


def page_suffix(name: str) -> str | None:
    """The page extension ``name`` ends with (``.html``, ``.txt.gz``, ...), or None.

    Example:
        >>> page_suffix("a.b.HTML.gz"), page_suffix("a.json.gz")
        ('.html.gz', None)
    """
    lower = name.lower()
    for suffix in PAGE_SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix):
            return suffix
    return None


def page_stem(name: str) -> str:
    """``name`` without its page extension (``story.html.gz`` -> ``story``); other
    names lose their last extension, as ``Path.stem`` does.

    Example:
        >>> page_stem("2026/a.b.html.gz"), page_stem("a.b.txt")
        ('2026/a.b', 'a.b')
    """
    suffix = page_suffix(name)
    if suffix is not None:
        return name[: -len(suffix)]
    path = PurePosixPath(name)
    return str(path.with_suffix("")) if path.suffix else name


def walk_files(root: str | Path) -> Iterator[Path]:
    """Every regular file under ``root`` in sorted path order; hidden entries skipped.

    Files and sub-folders are visited in one name order, so ``a.txt`` comes
    before ``b/c.txt`` and ``b/c.txt`` before ``c.txt``.

    Example:
        >>> [p.name for p in walk_files("examples")][:1]  # doctest: +SKIP
        ['000_3f926fbd34ea6708.txt']
    """
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        logger.warning("cannot list %s: %s", root, exc.strerror or exc)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from walk_files(entry.path)
        elif entry.is_file():
            yield Path(entry.path)


def relative_id(path: Path, root: Path) -> str:
    """The id of ``path`` inside ``root``: relative path, no extension, ``/`` separators.

    Example:
        >>> relative_id(Path("c/2026/a.b.html"), Path("c"))
        '2026/a.b'
    """
    return page_stem(path.relative_to(root).as_posix())


def read_page_file(path: str | Path, article_id: str | None = None) -> Article | Reject:
    """Read one .txt or .html/.htm file (or one gzipped: ``.html.gz``); a ``Reject``
    (never an exception) if it is bad.

    HTML files are decoded with their BOM or ``<meta>`` charset, text files with
    their BOM; then UTF-8, UTF-8 with a few damaged bytes, a CJK encoding when
    the bytes look like one, else cp1252 (:mod:`copytrace.ingest.charset`).
    Newlines are kept as they are (CRLF, lone CR), so offsets match the file
    (the decompressed file, for a gzipped one). Empty, binary (NUL bytes or
    mostly control characters), undecodable, truncated or corrupt gzip files
    are rejects.

    Example:
        >>> read_page_file("examples/004_3080a4ee7dd42127.txt").id  # doctest: +SKIP
        '004_3080a4ee7dd42127'
    """
    p = Path(path)
    name = str(path)
    suffix = page_suffix(p.name) or p.suffix.lower()
    data = _page_bytes(p, suffix.endswith(GZIP_SUFFIX))
    if isinstance(data, str):
        return Reject(name, None, data)
    is_html = suffix.removesuffix(GZIP_SUFFIX) in HTML_SUFFIXES
    if not data.strip():
        return Reject(name, None, "file is empty")
    reason = binary_reason(data)
    if reason is not None:
        return Reject(name, None, reason)
    try:
        text, _ = decode_html(data) if is_html else decode_text(data)
    except UnicodeDecodeError as exc:
        return Reject(name, None, f"undecodable bytes at byte {exc.start}: {exc.reason}")
    if not text.strip():
        return Reject(name, None, "file is empty")
    if len(text) > MAX_TEXT_CHARS:
        return Reject(name, None, too_long_reason(len(text)))
    reason = control_reason(text)
    if reason is not None:
        return Reject(name, None, reason)
    return Article(id=article_id or page_stem(p.name), text=text, path=name, is_html=is_html)


# Bytes read of a page at most: 4 per character (UTF-8's widest) of the longest text.
_MAX_PAGE_BYTES = 4 * MAX_TEXT_CHARS


def _page_bytes(p: Path, gzipped: bool) -> bytes | str:
    """The page's bytes (decompressed when ``gzipped``: see :func:`gunzip_page`), or
    the reject reason."""
    try:
        # (surely too long, gzipped or not: gzip makes no page bigger than it was)
        if p.stat().st_size > _MAX_PAGE_BYTES:
            return too_long_reason(p.stat().st_size // 4, at_least=True)
        data = p.read_bytes()
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return gunzip_page(data) if gzipped else data


def gunzip_page(data: bytes) -> bytes | str:
    """A gzipped page's bytes decompressed (as they are when they do not start with
    gzip's magic: a ``.gz`` page stored plain), or the reject reason: truncated or
    corrupt, or more than a page may hold (read in bounded steps: a small file may
    inflate to gigabytes)."""
    if data[:2] != b"\x1f\x8b":
        out = data
    else:
        try:
            out = gzip.GzipFile(fileobj=io.BytesIO(data)).read(_MAX_PAGE_BYTES + 1)
        except EOFError:
            return "truncated gzip: data ends before the end of stream"
        except (OSError, zlib.error) as exc:  # (gzip.BadGzipFile is an OSError)
            return f"corrupt gzip: {exc}"
    if len(out) > _MAX_PAGE_BYTES:
        return too_long_reason(len(out) // 4, at_least=True)
    return out


def read_folder(root: str | Path) -> Iterator[Article | Reject]:
    """Yield an ``Article`` or ``Reject`` for every page file under ``root``
    (.txt/.html/.htm, plain or gzipped).

    Other files are skipped (``read_inputs`` also reads JSONL, Parquet and WARC
    files found in a folder).

    Example:
        >>> [a.id for a in read_folder("examples")][:1]  # doctest: +SKIP
        ['000_3f926fbd34ea6708']
    """
    base = Path(root)
    for path in walk_files(base):
        if page_suffix(path.name) is not None:
            yield read_page_file(path, relative_id(path, base))
