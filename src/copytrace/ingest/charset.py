"""Decoding page bytes: byte-order mark, declared charset, UTF-8, then a legacy guess.

Crawled pages declare their encoding in the HTTP ``Content-Type`` header or in a
``<meta>`` tag; legacy news pages often lie or say nothing. The order tried here
is a BOM, the declared charset, UTF-8, UTF-8 with a few bad bytes (a page cut
mid-character), a CJK multi-byte encoding when the bytes look like one, then
Windows-1252 (the usual undeclared Western legacy encoding). Bytes none of them
decode are an error for the caller to report.
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


# WHATWG label aliases: what browsers decode pages declaring these labels with
# (supersets, so a page using the vendor extensions still decodes).
_SUPERSETS = {
    "latin_1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
}
# Non-ASCII bytes that sit next to another non-ASCII byte, as a share of all
# non-ASCII bytes: ~0 in Western legacy text (isolated accented letters), ~1 in
# CJK double-byte text. Above this share the bytes are tried as CJK first.
# Tuned by hand on French/German cp1252 news and Japanese/Chinese/Korean pages.
MULTIBYTE_RUN_SHARE = 0.6
# A CJK decoding is accepted when at least this share of its non-ASCII
# characters are CJK (kana, hangul, ideographs, CJK punctuation); Japanese must
# also show kana, Korean hangul and spaces between words, which is what tells
# the byte-compatible codecs apart.
CJK_MIN_SHARE = 0.8
KANA_MIN_SHARE = 0.1
HANGUL_MIN_SHARE = 0.5
KOREAN_MIN_SPACES = 0.05
_CJK_CODECS = ("cp932", "euc_jp", "cp949", "gb18030", "big5hkscs")
# UTF-8 with at most this many invalid sequences per 1,000 non-ASCII
# characters (and at most MAX_BAD_UTF8 in all) is UTF-8 with a few damaged
# bytes (a page cut mid-character), decoded with U+FFFD for each.
BAD_UTF8_PER_MILLE = 10
MAX_BAD_UTF8 = 64
_HIGH_RUN = re.compile(rb"[\x80-\xff]{2,}")
_HIGH = re.compile(rb"[\x80-\xff]")
_CJK_CHAR = re.compile(
    "[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff01-\uff60\u1100-\u11ff\u3130-\u318f]"
)
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_SAMPLE_BYTES = 65_536
# Decoded text with more control characters (other than tab, newlines, form
# feed) than this share of its first 8,192 characters is binary data that
# happened to decode (images without NUL bytes, compressed data, random bytes).
MAX_CONTROL_SHARE = 0.05
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _codec(name: str | None) -> str | None:
    """Python's codec name for a declared charset (its WHATWG superset), None when unknown."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        logger.debug("unknown charset %r ignored", name)
        return None
    return _SUPERSETS.get(codec, codec)


def _looks_multibyte(data: bytes) -> bool:
    """Whether the non-ASCII bytes come mostly in runs, as in CJK double-byte text."""
    sample = data[:_SAMPLE_BYTES]
    high = len(_HIGH.findall(sample))
    if high == 0:
        return False
    in_runs = sum(len(m) for m in _HIGH_RUN.findall(sample))
    return in_runs >= MULTIBYTE_RUN_SHARE * high


def _plausible(codec: str, text: str) -> bool:
    """Whether ``text`` reads like the language ``codec`` is used for."""
    sample = text[:_SAMPLE_BYTES]
    non_ascii = sum(1 for ch in sample if ord(ch) > 127)
    if non_ascii == 0 or len(_CJK_CHAR.findall(sample)) < CJK_MIN_SHARE * non_ascii:
        return False
    if codec in ("cp932", "euc_jp"):
        return len(_KANA.findall(sample)) >= KANA_MIN_SHARE * non_ascii
    if codec == "cp949":
        return len(_HANGUL.findall(sample)) >= HANGUL_MIN_SHARE * non_ascii and sample.count(
            " "
        ) >= KOREAN_MIN_SPACES * len(sample)
    return True


def _cjk_codec(data: bytes) -> str | None:
    """The first CJK codec that decodes ``data`` into plausible text, if any."""
    for codec in _CJK_CODECS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _plausible(codec, text):
            return codec
    return None


def _mostly_utf8(data: bytes) -> str | None:
    """``data`` as UTF-8 with U+FFFD for a few invalid bytes, None when too many are bad."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if bad <= MAX_BAD_UTF8 and bad * 1000 <= BAD_UTF8_PER_MILLE * max(non_ascii, 1):
        return text
    return None


def decode_legacy(data: bytes, declared: list[str] | tuple[str, ...] = ()) -> tuple[str, str]:
    """Decode bytes with no trustworthy BOM; returns ``(text, encoding used)``.

    Tried in order: UTF-8, each declared charset (its WHATWG superset), UTF-8
    with a few bad bytes replaced by U+FFFD, a CJK codec when the non-ASCII
    bytes come in runs (undeclared Shift_JIS, EUC-JP, GBK, EUC-KR, Big5), then
    cp1252 when they do not. A declared charset that does not decode the bytes
    is skipped, not trusted.

    Example:
        >>> decode_legacy("café".encode("cp1252"))
        ('café', 'cp1252')
        >>> decode_legacy("東京の天気は晴れです。".encode("shift_jis"))[1]
        'cp932'

    Raises:
        UnicodeDecodeError: no candidate decodes the bytes.
    """
    # Valid UTF-8 with non-ASCII characters is practically never meant as a
    # legacy encoding, while pages declaring latin-1 but sending UTF-8 are common.
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_error = exc
    tried: list[str] = []
    for name in declared:
        codec = _codec(name)
        if codec is None or codec in tried:
            continue
        tried.append(codec)
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    text = _mostly_utf8(data)
    if text is not None:
        return text, "utf-8 (damaged bytes replaced)"
    if _looks_multibyte(data):
        codec = _cjk_codec(data)
        if codec is not None:
            return data.decode(codec), codec
        raise UnicodeDecodeError(
            "unknown",
            data,
            first_error.start,
            first_error.end,
            "undeclared multi-byte encoding that no known CJK codec decodes",
        )
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise exc from None


def binary_reason(data: bytes) -> str | None:
    r"""Why ``data`` is not text (NUL bytes without a UTF-16/32 BOM), or None.

    Example:
        >>> binary_reason(b"GIF89a\x00\x01"), binary_reason(b"plain")
        ('binary data (NUL bytes)', None)
    """
    if b"\x00" in data[: _SNIFF_BYTES * 2] and not data.startswith(_WIDE_BOMS):
        return "binary data (NUL bytes)"
    return None


def control_reason(text: str) -> str | None:
    r"""Why decoded ``text`` is not prose (mostly control characters), or None.

    Example:
        >>> control_reason("\x01\x02\x03 ab"), control_reason("ok\n")
        ('binary data (50% control characters)', None)
    """
    sample = text[: _SNIFF_BYTES * 2]
    if not sample:
        return None
    controls = len(_CONTROL.findall(sample))
    if controls > MAX_CONTROL_SHARE * len(sample):
        return f"binary data ({100 * controls // len(sample)}% control characters)"
    return None


def strip_bom(data: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` when ``data`` starts with a UTF-8/16/32 byte-order mark.

    Example:
        >>> strip_bom(codecs.BOM_UTF8 + b"hi"), strip_bom(b"hi")
        (('hi', 'utf-8'), None)

    Raises:
        UnicodeDecodeError: the bytes after the mark do not decode.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return data.decode("utf-32"), "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    return None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns ``(text, encoding used)``.

    A byte-order mark wins; then the charset from ``content_type``, then the one
    in a ``<meta>`` tag, then :func:`decode_legacy`'s guesses.

    Example:
        >>> decode_html("<meta charset='cp1252'>café".encode("cp1252"))
        ("<meta charset='cp1252'>café", 'cp1252')

    Raises:
        UnicodeDecodeError: no candidate encoding decodes the bytes.
    """
    bom = strip_bom(data)
    if bom is not None:
        return bom
    declared = [d for d in (charset_from_content_type(content_type), charset_from_meta(data)) if d]
    return decode_legacy(data, declared)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a plain-text file: BOM, else UTF-8, else :func:`decode_legacy`'s guesses.

    Example:
        >>> decode_text(codecs.BOM_UTF16_LE + "hi".encode("utf-16-le"))
        ('hi', 'utf-16')

    Raises:
        UnicodeDecodeError: no candidate encoding decodes the bytes.
    """
    bom = strip_bom(data)
    if bom is not None:
        return bom
    return decode_legacy(data)
