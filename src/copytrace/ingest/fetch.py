"""One web page fetched by its URL -> raw ``Article`` (``compare`` and ``clean`` take URLs).

The page is fetched once with a plain GET (no script runs: what a crawler
stores), decoded as the WARC reader decodes a response (the charset of the
``Content-Type`` header, then a ``<meta>`` tag, then guesses), and its
offsets are into that decoded text; :func:`save_page` writes the text to a
file so they can be checked later (the live page may change).
"""

from __future__ import annotations

import http.client
import re
import socket
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import copytrace
from copytrace.errors import InputError
from copytrace.ingest.charset import binary_reason, decode_html, decode_text
from copytrace.ingest.files import _HTML_SNIFF, read_article_file
from copytrace.ingest.warc import decode_http_body
from copytrace.model import Article

# A news page is 50 KB-2 MB of HTML; anything much larger is not one page.
FETCH_MAX_BYTES = 20 * 1024 * 1024
FETCH_TIMEOUT_S = 30.0
USER_AGENT = f"copytrace/{copytrace.__version__} (+https://pypi.org/project/copytrace/)"

_WEB_URL_RE = re.compile(r"^https?://", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_web_url(value: str | Path) -> bool:
    """Whether an input is an ``http://`` or ``https://`` URL (fetched, not read).

    Example:
        >>> is_web_url("https://asia.nikkei.com/x"), is_web_url("pages/x.html")
        (True, False)
    """
    return bool(_WEB_URL_RE.match(str(value)))


def fetch_page(url: str, *, timeout: float = FETCH_TIMEOUT_S) -> Article:
    """Fetch ``url`` into a raw ``Article``: its id and ``path`` the URL asked for, its
    ``url`` the one answered (after redirects).

    Example:
        >>> fetch_page("https://asia.nikkei.com/Politics/x").is_html  # doctest: +SKIP
        True

    Raises:
        InputError: the server cannot be reached or answers with an error, the
            answer is not a page (an image, a PDF), too large, empty or undecodable.
    """
    try:
        request = urllib.request.Request(_ascii_url(url), headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(FETCH_MAX_BYTES + 1)
            final_url = response.geturl() or url
            content_type = response.headers.get("Content-Type")
            encoding = response.headers.get("Content-Encoding")
            promised = response.headers.get("Content-Length")
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise InputError(url, f"HTTP {exc.code}: too many redirects, or a loop") from None
        raise InputError(url, f"HTTP {exc.code} {_first_line(exc.reason)}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise InputError(url, f"no answer within {timeout:g} s") from None
        raise InputError(url, f"cannot fetch: {_first_line(exc.reason)}") from None
    except TimeoutError:
        raise InputError(url, f"no answer within {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # (a reset connection, a malformed URL, a broken answer)
        raise InputError(url, f"cannot fetch: {_first_line(exc)}") from None
    if len(data) > FETCH_MAX_BYTES:
        raise InputError(url, f"larger than {FETCH_MAX_BYTES // (1024 * 1024)} MB: not one page")
    if promised is not None and promised.isdigit() and len(data) < int(promised):
        raise InputError(url, f"the answer was cut short ({len(data)} of {promised} bytes)")
    try:
        data = decode_http_body(data, None, encoding)
    except ValueError as exc:
        raise InputError(url, str(exc)) from None
    mime = (content_type or "").split(";")[0].strip().lower()
    sniffed = bool(_HTML_SNIFF.match(data[:512]))
    is_html = mime in _HTML_TYPES or (not mime.startswith("text/") and sniffed)
    if not is_html and mime and not mime.startswith("text/"):
        raise InputError(url, f"not a page (Content-Type {mime})")
    if not data.strip():
        raise InputError(url, "the page is empty")
    problem = binary_reason(data)
    if problem is not None:
        raise InputError(url, f"not a page: {problem}")
    try:
        text, _ = decode_html(data, content_type) if is_html else decode_text(data)
    except UnicodeDecodeError:
        raise InputError(url, "cannot decode the page's bytes (no charset fits)") from None
    # (no source: as for a saved page, the cleaner finds the outlet's name on it;
    # attribution reads the host from ``url``)
    return Article(id=url, text=text, url=final_url, path=url, is_html=is_html)


def url_stem(url: str) -> str:
    """A file name (without suffix) made from a URL's host and path.

    Example:
        >>> url_stem("https://www.example.com/world/a story?id=1")
        'www.example.com_world_a_story'
    """
    parts = urlsplit(url)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{parts.hostname or 'page'}{parts.path}")
    return slug.strip("_.")[:120] or "page"


def _first_line(reason: object) -> str:
    return (str(reason).strip().splitlines() or ["?"])[0][:200]


def _ascii_url(url: str) -> str:
    """``url`` as HTTP sends it: the host in IDNA, spaces and other non-ASCII in the
    path and query percent-encoded (as a browser's address bar does).

    Example:
        >>> _ascii_url("https://ru.wikipedia.org/wiki/Москва news")
        'https://ru.wikipedia.org/wiki/%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0%20news'
    """
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        netloc = parts.netloc.replace(host, host.encode("idna").decode("ascii"))
        parts = parts._replace(netloc=netloc)
    keep = "/%:@!$&'()*+,;=~-._?#[]"
    return urlunsplit(
        parts._replace(path=quote(parts.path, safe=keep), query=quote(parts.query, safe=keep))
    )


def save_page(article: Article, folder: Path, taken: set[str] | None = None) -> Path:
    """Write a fetched page's text (UTF-8) into ``folder`` under a name made from its
    URL, so that its offsets can be checked in the file; returns the file. Names
    in ``taken`` (the run's other pages: two URLs that differ in their query
    only) get ``_2``, ``_3``... and the name used is added to it.

    Example:
        >>> import tempfile
        >>> art = Article("https://example.com/news/a-story", "Body.")
        >>> folder, taken = Path(tempfile.mkdtemp()), set()
        >>> [save_page(art, folder, taken).name for _ in range(2)]
        ['example.com_news_a-story.txt', 'example.com_news_a-story_2.txt']
    """
    stem, suffix = url_stem(article.id), (".html" if article.is_html else ".txt")
    name, n = stem + suffix, 1
    while taken is not None and name in taken:
        n += 1
        name = f"{stem}_{n}{suffix}"
    if taken is not None:
        taken.add(name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(article.text, encoding="utf-8", newline="")
    return path


def read_page(value: str | Path) -> Article:
    """A page from a file (:func:`~copytrace.ingest.files.read_article_file`) or, for
    an ``http(s)://`` URL, from the web (:func:`fetch_page`).

    Example:
        >>> read_page("examples/004_3080a4ee7dd42127.txt").is_html  # doctest: +SKIP
        False
    """
    if is_web_url(value):
        return fetch_page(str(value))
    return read_article_file(value)
