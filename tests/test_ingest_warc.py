"""WARC reader: HTML responses become articles; other records are skipped, bad ones rejected.

WARC bytes are written by hand here (fastwarc reads but does not write).
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pytest

from copytrace.ingest import read_warc
from copytrace.model import Article, Reject


def warc_record(
    uri: str,
    payload: bytes,
    *,
    content_type: str = "text/html; charset=utf-8",
    record_type: str = "response",
    status: str = "200 OK",
    date: str = "2026-10-01T10:00:00Z",
    http_headers: str = "",
    record_id: str = "<urn:uuid:00000000-0000-0000-0000-000000000001>",
) -> bytes:
    """One WARC/1.0 record; responses carry an HTTP message around ``payload``."""
    if record_type == "response":
        block = (
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{http_headers}"
            f"Content-Length: {len(payload)}\r\n\r\n"
        ).encode() + payload
        block_type = "application/http; msgtype=response"
    else:
        block = payload
        block_type = content_type
    head = (
        f"WARC/1.0\r\nWARC-Type: {record_type}\r\nWARC-Record-ID: {record_id}\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\nContent-Type: {block_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


PAGE = (
    b"<html><head><title>Port reopens</title></head><body><p>The port reopened.</p></body></html>"
)
CP1252_PAGE = (
    '<html><head><meta charset="windows-1252"></head>'
    "<body>Caf\u00e9 \u201cquotes\u201d</body></html>"
).encode("cp1252")


def _records() -> list[bytes]:
    return [
        warc_record("", b"software: test\r\n", record_type="warcinfo", content_type="text/plain"),
        warc_record(
            "https://www.Port-News.com/a",
            PAGE,
            http_headers="Last-Modified: Wed, 30 Sep 2026 22:15:00 GMT\r\n",
        ),
        warc_record(
            "https://port-news.com/logo.png", b"\x89PNG\r\n\x1a\nxx", content_type="image/png"
        ),
        warc_record("https://port-news.com/old", b"", status="301 Moved Permanently"),
        warc_record(
            "https://port-news.com/a",
            b"GET / HTTP/1.1\r\n\r\n",
            record_type="request",
            content_type="application/http; msgtype=request",
        ),
        warc_record(
            "https://legacy.example.org/b",
            CP1252_PAGE,
            content_type="text/html",
            date="2026-10-02T08:30:00Z",
        ),
        warc_record("https://legacy.example.org/empty", b"   ", content_type="text/html"),
    ]


@pytest.fixture(params=["plain", "gzip"])
def warc_path(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    recs = _records()
    if request.param == "plain":
        path = tmp_path / "crawl.warc"
        path.write_bytes(b"".join(recs))
    else:
        path = tmp_path / "crawl.warc.gz"
        path.write_bytes(b"".join(gzip.compress(r) for r in recs))
    return path


def test_html_responses_become_articles_with_url_host_and_date(warc_path: Path) -> None:
    items = list(read_warc(warc_path))
    arts = [i for i in items if isinstance(i, Article)]
    rejs = [i for i in items if isinstance(i, Reject)]
    assert [a.id for a in arts] == ["https://www.Port-News.com/a", "https://legacy.example.org/b"]
    port, legacy = arts
    assert port.url == port.id and port.source == "port-news.com" and port.is_html
    assert port.text == PAGE.decode()
    assert port.published == "2026-09-30T22:15:00+00:00"  # Last-Modified wins over WARC-Date
    assert legacy.published == "2026-10-02T08:30:00+00:00"
    assert legacy.text.endswith("Caf\u00e9 \u201cquotes\u201d</body></html>")  # meta charset
    assert [(r.record, r.reason) for r in rejs] == [
        (3, "not HTML (image/png)"),
        (4, "status 301"),
        (7, "empty HTML response"),
    ]


def test_non_response_records_are_skipped_and_counted_other_responses_rejected(
    warc_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="copytrace.ingest.warc"):
        items = list(read_warc(warc_path))
    # Five responses: two pages, an image, a redirect, an empty page (all counted);
    # the warcinfo and request records hold no page.
    assert len(items) == 5
    assert "2 records skipped" in caplog.text and "not a response: 2" in caplog.text


def test_truncated_gzip_warc_rejects_the_cut_record(tmp_path: Path) -> None:
    recs = [
        warc_record("https://a.com/1", PAGE),
        warc_record("https://a.com/2", PAGE.replace(b"port", b"dock") * 40),
    ]
    data = b"".join(gzip.compress(r) for r in recs)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:-60])
    items = list(read_warc(path))
    assert isinstance(items[0], Article) and items[0].id == "https://a.com/1"
    assert len(items) == 2 and isinstance(items[1], Reject)
    assert items[1].record == 2 and items[1].reason.startswith("truncated record")


def test_garbage_file_is_a_reject_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(b"this is not a WARC file\n" * 20)
    items = list(read_warc(path))
    assert len(items) == 1 and isinstance(items[0], Reject) and items[0].record == 1
    assert "corrupt WARC" in items[0].reason


def test_undeclared_legacy_bytes_fall_back_to_cp1252(tmp_path: Path) -> None:
    page = "<html><body>\u201cQuote\u201d \u2013 na\u00efve</body></html>".encode("cp1252")
    path = tmp_path / "legacy.warc"
    path.write_bytes(warc_record("http://old.example.net/x", page, content_type="text/html"))
    (art,) = list(read_warc(path))
    assert isinstance(art, Article) and "\u201cQuote\u201d \u2013 na\u00efve" in art.text


def test_wrong_declared_charset_is_not_trusted(tmp_path: Path) -> None:
    page = "<html><body>\u65e5\u672c\u8a9e caf\u00e9</body></html>".encode()
    path = tmp_path / "liar.warc"
    path.write_bytes(
        warc_record("http://x.example.jp/", page, content_type="text/html; charset=us-ascii")
    )
    (art,) = list(read_warc(path))
    assert isinstance(art, Article) and "\u65e5\u672c\u8a9e caf\u00e9" in art.text


def test_record_id_is_the_id_when_there_is_no_uri(tmp_path: Path) -> None:
    path = tmp_path / "nouri.warc"
    rec = warc_record("", PAGE, record_id="<urn:uuid:12345678-0000-0000-0000-000000000009>")
    path.write_bytes(rec.replace(b"WARC-Target-URI: \r\n", b""))
    (art,) = list(read_warc(path))
    assert isinstance(art, Article)
    assert art.id == "<urn:uuid:12345678-0000-0000-0000-000000000009>" and art.source is None


def test_gzip_and_chunked_http_bodies_are_decoded(tmp_path: Path) -> None:
    chunked = b"10\r\n<html><body>Chun\r\n16\r\nked page</body></html>\r\n0\r\n\r\n"
    recs = [
        warc_record(
            "https://z.example/gz", gzip.compress(PAGE), http_headers="Content-Encoding: gzip\r\n"
        ),
        warc_record("https://z.example/ch", chunked, http_headers="Transfer-Encoding: chunked\r\n"),
        warc_record(
            "https://z.example/bad", b"not gzip", http_headers="Content-Encoding: gzip\r\n"
        ),
        warc_record("https://z.example/odd", PAGE, http_headers="Content-Encoding: rot13\r\n"),
    ]
    path = tmp_path / "enc.warc"
    path.write_bytes(b"".join(recs))
    gz, ch, bad, odd = list(read_warc(path))
    assert isinstance(gz, Article) and gz.text == PAGE.decode()
    assert isinstance(ch, Article) and ch.text == "<html><body>Chunked page</body></html>"
    assert isinstance(bad, Reject) and bad.record == 3 and "cannot decode" in bad.reason
    assert isinstance(odd, Reject) and "unsupported content encoding 'rot13'" in odd.reason
