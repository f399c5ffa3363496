"""Single text or HTML files -> raw ``Article`` (not yet cleaned)."""

from __future__ import annotations

import re
from pathlib import Path

from copytrace.errors import InputError
from copytrace.ingest.folder import gunzip_page, page_stem
from copytrace.model import Article

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_HTML_SNIFF = re.compile(rb"^\s*(?:<!doctype html|<html|<head|<body|<meta|<!--)", re.IGNORECASE)


def decode_bytes(data: bytes, name: str) -> str:
    """Decode file bytes as UTF-8 (BOM dropped), refusing empty and binary data.

    Newlines are kept as they are in the file, so offsets match the file's text.

    Raises:
        InputError: empty, binary (NUL bytes) or not valid UTF-8.
    """
    if not data.strip():
        raise InputError(name, "file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(name, "binary file (NUL bytes), expected text or HTML")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            name, f"not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r})"
        ) from None


def looks_like_html(path: str | Path, data: bytes) -> bool:
    """HTML by file extension, or by its first bytes when the extension says nothing."""
    suffix = Path(path).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return True
    return suffix not in {".txt", ".text"} and bool(_HTML_SNIFF.match(data[:512]))


def read_article_file(path: str | Path, article_id: str | None = None) -> Article:
    """Read one .txt or .html file (or a gzipped one, ``.html.gz``) into a raw
    ``Article`` (``content`` still empty; a gzipped file's offsets are into its
    decompressed text).

    Example:
        >>> art = read_article_file("examples/004_3080a4ee7dd42127.txt")  # doctest: +SKIP
        >>> art.id  # doctest: +SKIP
        '004_3080a4ee7dd42127'

    Raises:
        InputError: missing, unreadable, empty, binary, undecodable or broken gzip file.
    """
    p = Path(path)
    name = str(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, expected a file") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    inner = p
    if p.suffix.lower() == ".gz":
        page = gunzip_page(data)
        if isinstance(page, str):
            raise InputError(name, page)
        data, inner = page, p.with_suffix("")
    text = decode_bytes(data, name)
    return Article(
        id=article_id or page_stem(p.name),
        text=text,
        path=name,
        is_html=looks_like_html(inner, data),
    )
