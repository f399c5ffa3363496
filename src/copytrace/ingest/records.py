"""One record (a dict of fields) -> raw ``Article`` or the reason it is rejected.

Shared by the JSON Lines and Parquet readers, which accept the same fields:
``id`` and ``text`` or ``html`` (required), ``title``, ``published`` (or
``date``), ``source`` (or ``series``), ``url`` (optional).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from copytrace.model import Article

FIELDS = ("id", "text", "html", "title", "published", "date", "source", "series", "url")

# Longest text accepted, in characters: ~800k words, longer than War and Peace
# and far beyond any news article. Longer "articles" are dumps: the cleaner
# alone takes about a minute on 4M characters (measured on 2 loaded cores), so
# they are rejected with a reason rather than stalling the run.
MAX_TEXT_CHARS = 5_000_000


def too_long_reason(n_chars: int, *, at_least: bool = False) -> str:
    """The reject reason for a text of ``n_chars`` characters over the limit."""
    size = f"at least {n_chars:,}" if at_least else f"{n_chars:,}"
    return f"text too long: {size} characters (limit {MAX_TEXT_CHARS:,})"


def surrogate_reason(value: str, field: str) -> str | None:
    """Why ``value`` cannot be stored (a lone UTF-16 surrogate), or None.

    JSON allows ``"\\ud800"`` escapes that no UTF-8 writer (Arrow, DuckDB) accepts.

    Example:
        >>> surrogate_reason("ok", "text"), surrogate_reason("a\\ud800", "text")
        (None, "field 'text': lone surrogate U+D800 at character 1")
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(value[exc.start])
        return f"field {field!r}: lone surrogate U+{code:04X} at character {exc.start}"
    return None


class RecordError(ValueError):
    """A record that cannot become an article; ``str()`` is the reason."""


def _optional_str(rec: Mapping[str, Any], *names: str, check_surrogates: bool) -> str | None:
    """The first of ``names`` that is present and not null, as a string."""
    for name in names:
        value = rec.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            reason = surrogate_reason(value, name) if check_surrogates else None
            if reason is not None:
                raise RecordError(reason)
            return value if value.strip() else None
        if isinstance(value, (int, float, bool)):
            return str(value)
        raise RecordError(f"field {name!r} must be a string, got {type(value).__name__}")
    return None


def _published(rec: Mapping[str, Any], *, check_surrogates: bool) -> str | None:
    """``published`` (or ``date``) as ISO 8601; epoch seconds and datetimes converted."""
    for name in ("published", "date"):
        value = rec.get(name)
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                return dt.datetime.fromtimestamp(value, tz=dt.UTC).isoformat()
            except (OverflowError, OSError, ValueError):
                raise RecordError(f"field {name!r}: {value!r} is not a valid epoch time") from None
        if isinstance(value, str):
            reason = surrogate_reason(value, name) if check_surrogates else None
            if reason is not None:
                raise RecordError(reason)
            return value.strip() or None
        raise RecordError(f"field {name!r} must be a date string, got {type(value).__name__}")
    return None


def record_to_article(rec: Any, path: str, *, check_surrogates: bool = True) -> Article:
    """Turn one decoded record into a raw ``Article`` (``content`` still empty).

    ``check_surrogates=False`` skips the lone-surrogate checks (every string
    encoded once more): for a caller that knows no string of ``rec`` can hold one.

    Example:
        >>> a = record_to_article({"id": 7, "html": "<p>Hi</p>", "series": "AP"}, "x.jsonl")
        >>> (a.id, a.is_html, a.source)
        ('7', True, 'AP')

    Raises:
        RecordError: not an object, no usable id, no text/html, or a field of the
            wrong type.
    """
    if not check_surrogates and type(rec) is dict:
        article = _plain_record(rec, path)
        if article is not None:
            return article
    if not isinstance(rec, Mapping):
        raise RecordError(f"expected a JSON object, got {type(rec).__name__}")
    raw_id = rec.get("id")
    if raw_id is None:
        raise RecordError("missing id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        raise RecordError(f"id must be a string or integer, got {type(raw_id).__name__}")
    article_id = str(raw_id).strip()
    if not article_id:
        raise RecordError("empty id")
    reason = surrogate_reason(article_id, "id") if check_surrogates else None
    if reason is not None:
        raise RecordError(reason)
    is_html = False
    body = rec.get("text")
    if body is None:
        body = rec.get("html")
        is_html = body is not None
    if body is None:
        raise RecordError("missing text (need 'text' or 'html')")
    if not isinstance(body, str):
        field = "html" if is_html else "text"
        raise RecordError(f"field {field!r} must be a string, got {type(body).__name__}")
    if not body or body.isspace():  # (= not body.strip(), without copying the text)
        raise RecordError("empty text")
    if len(body) > MAX_TEXT_CHARS:
        raise RecordError(too_long_reason(len(body)))
    if check_surrogates:
        reason = surrogate_reason(body, "html" if is_html else "text")
        if reason is not None:
            raise RecordError(reason)
    return Article(
        id=article_id,
        text=body,
        title=_optional_str(rec, "title", check_surrogates=check_surrogates),
        published=_published(rec, check_surrogates=check_surrogates),
        source=_optional_str(rec, "source", "series", check_surrogates=check_surrogates),
        url=_optional_str(rec, "url", check_surrogates=check_surrogates),
        path=path,
        is_html=is_html,
    )


def _plain_record(rec: dict[str, Any], path: str) -> Article | None:
    """``record_to_article(rec, path, check_surrogates=False)`` of a usable record
    whose fields are all strings or null (a JSON line's usual record), in fewer
    steps; None for any other record, which the general path then takes (its
    errors included)."""
    get = rec.get
    raw_id = get("id")
    body = get("text")
    if type(raw_id) is not str or type(body) is not str:
        return None
    article_id = raw_id.strip()
    if not article_id or not body or body.isspace() or len(body) > MAX_TEXT_CHARS:
        return None
    title = get("title")
    published = get("published")
    if published is None:
        published = get("date")
    source = get("source")
    if source is None:
        source = get("series")
    url = get("url")
    for value in (title, published, source, url):
        if value is not None and type(value) is not str:
            return None
    return Article(
        # (positional: Article's fields in order, ~1 us less than by name)
        article_id,
        body,
        (),
        None if not title or title.isspace() else title,
        (published.strip() or None) if published is not None else None,
        None if not source or source.isspace() else source,
        None,
        None if not url or url.isspace() else url,
        path,
        False,
    )


def host_of(url: str | None) -> str | None:
    """The URL's host, lower case, without a leading ``www.``.

    Example:
        >>> host_of("https://WWW.Example.com:8080/a/b")
        'example.com'
    """
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host
