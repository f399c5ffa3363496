"""Decoding web page bytes: declared charset, then UTF-8, then cp1252.

Crawled pages declare their encoding in the HTTP ``Content-Type`` header or in a
``<meta>`` tag; legacy news pages often lie or say nothing. The order tried here
is the declared charset, UTF-8, then Windows-1252 (the usual undeclared legacy
encoding); bytes none of them decode are an error for the caller to report.
"""

from __future__ import annotations

import codecs
import logging
import re

logger = logging.getLogger(__name__)

# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)
_SNIFF_BYTES = 4096


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type value, if any.

    Example:
        >>> charset_from_content_type("text/html; charset=ISO-8859-1")
        'ISO-8859-1'
    """
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else None


def charset_from_meta(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag near its start, if any.

    Example:
        >>> charset_from_meta(b'<html><head><meta charset="windows-1252">')
        'windows-1252'
    """
    m = _META_CHARSET.search(data[:_SNIFF_BYTES])
    return m.group(1).decode("ascii") if m else None


def _codec(name: str | None) -> str | None:
    """Python's codec name for a declared charset, None when unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        logger.debug("unknown charset %r ignored", name)
        return None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns ``(text, encoding used)``.

    A byte-order mark wins; then the charset from ``content_type``, then the one
    in a ``<meta>`` tag, then UTF-8, then cp1252. A declared charset that does
    not decode the bytes is skipped, not trusted.

    Example:
        >>> decode_html("<meta charset='cp1252'>café".encode("cp1252"))
        ("<meta charset='cp1252'>café", 'cp1252')

    Raises:
        UnicodeDecodeError: no candidate encoding decodes the bytes.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    candidates: list[str] = []
    for declared in (charset_from_content_type(content_type), charset_from_meta(data)):
        codec = _codec(declared)
        if codec and codec not in candidates:
            # Pages declaring latin-1 are nearly always cp1252 (the WHATWG rule).
            candidates.append("cp1252" if codec in {"latin_1", "iso8859-1"} else codec)
    for fallback in ("utf-8", "cp1252"):
        if fallback not in candidates:
            candidates.append(fallback)
    last: UnicodeDecodeError | None = None
    for codec in candidates:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            last = exc
    assert last is not None
    raise last
