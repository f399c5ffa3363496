"""WARC (.warc, .warc.gz) -> raw ``Article`` records from HTML responses.

Every ``response`` record with an HTML payload and status 200 becomes one
article: id and ``url`` are the target URI (the record id when there is none),
``source`` the host without ``www.``, ``published`` the ``Last-Modified``
header when present, else ``WARC-Date`` (the cleaner takes the page's own date
instead when it names an earlier day: a crawl fetches pages late, see
``htmltext._publication``). Every other response (an image, a
PDF, a redirect, a 404, a truncated or undecodable page) is a ``Reject`` with
its 1-based record number and the reason, so responses read = articles +
rejects. Records that are not responses (requests, metadata, warcinfo) hold no
page; they are skipped and counted in the log.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import logging
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from fastwarc.stream_io import BrotliReader, ChunkedReader, GzipReader
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from copytrace.ingest.charset import binary_reason, control_reason, decode_html
from copytrace.ingest.records import MAX_TEXT_CHARS, host_of, too_long_reason
from copytrace.model import Article, Reject

logger = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Bytes read from the start of the last record to check that the file ends
# with a whole record (records are rarely over a few MB; larger ones are skipped).
TAIL_CHECK_BYTES = 64 << 20
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*(\d+)[ \t]*$")


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def _last_modified(record: WarcRecord) -> str | None:
    headers = record.http_headers
    raw = headers.get("Last-Modified") if headers is not None else None
    if not raw:
        return None
    try:
        return _iso(email.utils.parsedate_to_datetime(raw))
    except (TypeError, ValueError, IndexError):
        return None


def _skip_reason(record: WarcRecord) -> str | None:
    """Why a response record is not an article (None when it is an HTML page)."""
    headers = record.http_headers
    if headers is None:
        return "not HTTP"
    if headers.status_code != 200:
        return f"status {headers.status_code}"
    ctype = (record.http_content_type or "").split(";")[0].strip().lower()
    if ctype not in HTML_TYPES:
        return f"not HTML ({ctype or 'no content type'})"
    return None


def decode_http_body(payload: bytes, transfer: str | None, content: str | None) -> bytes:
    """Undo chunked transfer coding and gzip/deflate/br content coding of an HTTP body.

    Example:
        >>> decode_http_body(b"5\\r\\nhello\\r\\n0\\r\\n\\r\\n", "chunked", None)
        b'hello'

    Raises:
        ValueError: an unknown coding, or bytes the coding cannot decode.
    """
    try:
        if transfer and "chunked" in transfer.lower():
            payload = ChunkedReader(io.BytesIO(payload)).read()
        codings = [c.strip().lower() for c in (content or "").split(",") if c.strip()]
        for coding in reversed(codings):
            if coding in ("gzip", "x-gzip"):
                payload = GzipReader(io.BytesIO(payload)).read()
            elif coding == "deflate":
                payload = GzipReader(io.BytesIO(payload), zlib=True).read()
            elif coding == "br":
                payload = BrotliReader(io.BytesIO(payload)).read()
            elif coding != "identity":
                raise ValueError(f"unsupported content encoding {coding!r}")
    except OSError as exc:
        raise ValueError(f"cannot decode HTTP body: {exc}") from None
    return payload


def _to_article(record: WarcRecord, name: str, num: int) -> Article | Reject:
    url = record.headers.get("WARC-Target-URI") or None
    article_id = url or record.record_id
    if not article_id:
        return Reject(name, num, "response record without URI or record id")
    payload = record.reader.read()
    if len(payload) < record.content_length:
        return Reject(
            name, num, f"truncated record: {len(payload)} of {record.content_length} bytes"
        )
    headers = record.http_headers
    try:
        payload = decode_http_body(
            payload, headers.get("Transfer-Encoding"), headers.get("Content-Encoding")
        )
    except ValueError as exc:
        return Reject(name, num, str(exc))
    if not payload.strip():
        return Reject(name, num, "empty HTML response")
    reason = binary_reason(payload)
    if reason is not None:
        return Reject(name, num, f"{reason} labelled as HTML")
    ctype = headers.get("Content-Type")
    try:
        text, _ = decode_html(payload, ctype)
    except UnicodeDecodeError as exc:
        return Reject(name, num, f"undecodable bytes at byte {exc.start}: {exc.reason}")
    if len(text) > MAX_TEXT_CHARS:
        return Reject(name, num, too_long_reason(len(text)))
    reason = control_reason(text)
    if reason is not None:
        return Reject(name, num, f"{reason} labelled as HTML")
    return Article(
        id=article_id,
        text=text,
        published=_last_modified(record) or _iso(record.record_date),
        source=host_of(url),
        url=url,
        path=name,
        is_html=True,
    )


def _member_end(data: bytes) -> int | None:
    """Length of the complete gzip member at the start of ``data``, None when it is cut."""
    d = zlib.decompressobj(wbits=31)
    try:
        while True:
            d.decompress(data, 1 << 20)
            if d.eof:
                return len(data) - len(d.unused_data)
            if not d.unconsumed_tail:
                return None
            data = d.unconsumed_tail
    except zlib.error:
        return None


def _record_end(data: bytes) -> int | None:
    """Length of the complete uncompressed WARC record at the start of ``data``, or None."""
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    m = _CONTENT_LENGTH.search(data, 0, head_end)
    if m is None:
        return None
    end = head_end + 4 + int(m.group(1))
    return end if end <= len(data) else None


def _tail_problem(path: Path, last_pos: int) -> tuple[bool, str] | None:
    """Whether the file ends inside a record: ``(cut is the last record read, reason)``.

    Reads from the last record fastwarc returned: that record must be whole and
    only blank bytes may follow it.
    """
    try:
        with path.open("rb") as fh:
            magic = fh.read(2)
            fh.seek(last_pos)
            data = fh.read(TAIL_CHECK_BYTES + 1)
    except OSError as exc:
        return False, f"cannot read: {exc.strerror or exc}"
    if len(data) > TAIL_CHECK_BYTES:  # a huge last record or one gzip stream: not checked
        logger.debug("%s: end of file not checked (last record too large)", path)
        return None
    if not data.strip(b"\r\n\x00 "):
        return None
    gz = magic == b"\x1f\x8b"
    end = _member_end(data) if gz else _record_end(data)
    if end is None:
        what = "gzip member" if gz else "record"
        return True, f"truncated WARC: the file ends inside a {what}"
    if data[end:].strip(b"\r\n\x00 "):
        return False, f"truncated WARC: {len(data) - end} bytes at the end are not a whole record"
    return None


def _misread(item: Article | Reject) -> bool:
    """A reject whose reason comes from the remains of a cut record."""
    return isinstance(item, Reject) and not item.reason.startswith("truncated")


def read_warc(path: str | Path) -> Iterator[Article | Reject]:
    """Yield an ``Article`` per HTML response of a WARC file, ``Reject`` per bad one.

    Example:
        >>> for item in read_warc("crawl/CC-MAIN-part.warc.gz"):  # doctest: +SKIP
        ...     print(item.url)

    Never raises for bad content: an unreadable file is one ``Reject`` with
    ``record=None``; a corrupt stream ends the file with a ``Reject`` at the
    record where reading stopped.
    """
    for _, item in read_warc_numbered(path):
        yield item


def read_warc_numbered(path: str | Path) -> Iterator[tuple[int | None, Article | Reject]]:
    """``read_warc`` with each item's 1-based WARC record number (None for the whole file)."""
    name = str(path)
    skipped: Counter[str] = Counter()
    num = 0
    try:
        stream = Path(path).open("rb")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        yield None, Reject(name, None, f"cannot read: {exc.strerror or exc}")
        return
    last_pos = 0
    # The last response is held back until the next record shows it was whole:
    # a record cut by the end of the file is reported as truncated, not as the
    # odd headers fastwarc parsed from its remains.
    pending: tuple[int, Article | Reject] | None = None
    with stream:
        try:
            for num, record in enumerate(
                ArchiveIterator(
                    stream,
                    record_types=WarcRecordType.any_type,
                    parse_http=True,
                    auto_decode="none",  # decoded below, after the truncation check
                ),
                start=1,
            ):
                if pending is not None:
                    yield pending
                    pending = None
                last_pos = record.stream_pos
                if record.record_type != WarcRecordType.response:
                    skipped["not a response"] += 1
                    continue
                reason = _skip_reason(record)
                if reason is None:
                    pending = num, _to_article(record, name, num)
                else:
                    pending = num, Reject(name, num, reason)
        except (OSError, ValueError) as exc:
            if pending is not None:
                yield pending
            yield num + 1, Reject(name, num + 1, f"corrupt WARC: {exc}")
            return
    # fastwarc stops quietly at a record cut inside its header or gzip member:
    # check the file's end ourselves so a cut is never a silent loss.
    tail = _tail_problem(Path(path), last_pos)
    cut_last = tail is not None and tail[0]  # the last record read is the one cut short
    if cut_last and (pending is None or _misread(pending[1])):
        cut = max(num, 1)  # no record read at all: the first one is cut
        pending = cut, Reject(name, cut, tail[1] if tail else "")
    if pending is not None:
        yield pending
    if tail is not None and not tail[0]:
        yield num + 1, Reject(name, num + 1, tail[1])
    if skipped:
        logger.info(
            "%s: %d records skipped (%s)",
            name,
            sum(skipped.values()),
            ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items())),
        )
