"""Folders of .txt / .html / .htm files -> raw ``Article`` records.

The folder is walked recursively in sorted order (hidden files and folders
skipped). A page's id is its path relative to the folder without the extension,
with ``/`` separators (``2026/10/story.html`` -> ``2026/10/story``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

from copytrace.ingest.charset import binary_reason, control_reason, decode_html, decode_text
from copytrace.ingest.records import MAX_TEXT_CHARS, too_long_reason
from copytrace.model import Article, Reject

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")


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
    rel = path.relative_to(root)
    return rel.with_suffix("").as_posix()


def read_page_file(path: str | Path, article_id: str | None = None) -> Article | Reject:
    """Read one .txt or .html/.htm file; a ``Reject`` (never an exception) if it is bad.

    HTML files are decoded with their BOM or ``<meta>`` charset, text files with
    their BOM; then UTF-8, UTF-8 with a few damaged bytes, a CJK encoding when
    the bytes look like one, else cp1252 (:mod:`copytrace.ingest.charset`).
    Newlines are kept as they are (CRLF, lone CR), so offsets match the file.
    Empty, binary (NUL bytes or mostly control characters) and undecodable
    files are rejects.

    Example:
        >>> read_page_file("examples/004_3080a4ee7dd42127.txt").id  # doctest: +SKIP
        '004_3080a4ee7dd42127'
    """
    p = Path(path)
    name = str(path)
    try:
        if p.stat().st_size > 4 * MAX_TEXT_CHARS:  # surely too many characters: not read
            return Reject(name, None, too_long_reason(p.stat().st_size // 4, at_least=True))
        data = p.read_bytes()
    except OSError as exc:
        return Reject(name, None, f"cannot read: {exc.strerror or exc}")
    is_html = p.suffix.lower() in HTML_SUFFIXES
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
    return Article(id=article_id or p.stem, text=text, path=name, is_html=is_html)


def read_folder(root: str | Path) -> Iterator[Article | Reject]:
    """Yield an ``Article`` or ``Reject`` for every .txt/.html/.htm file under ``root``.

    Other files are skipped (``read_inputs`` also reads JSONL, Parquet and WARC
    files found in a folder).

    Example:
        >>> [a.id for a in read_folder("examples")][:1]  # doctest: +SKIP
        ['000_3f926fbd34ea6708']
    """
    base = Path(root)
    for path in walk_files(base):
        if path.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES:
            yield read_page_file(path, relative_id(path, base))
