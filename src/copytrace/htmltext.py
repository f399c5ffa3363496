"""HTML pages: the article by trafilatura, with spans into the HTML source.

trafilatura finds the article and hands back its paragraphs as plain text, with
no positions. copytrace needs ``content`` spans over the original input, which for
HTML is the HTML source itself, so this module:

1. tokenizes the HTML as the standard library's ``html.parser`` does, tracking
   source offsets (:mod:`copytrace.htmlvisible`), and builds the page's visible
   text (script, style and the like skipped, entities decoded, a line break at
   each block boundary) with a map from every visible character back to the
   source characters it came from;
2. aligns trafilatura's words, paragraph by paragraph, with the visible words
   (difflib's ``SequenceMatcher``, as compiled by cydifflib, over word
   sequences, so words trafilatura reformatted or dropped only shorten a run);
3. turns each matched run of visible text back into source spans that cover the
   article's text nodes only: a tag between two text nodes splits a span.

The tokenizer (``copytrace.text.tokenize(..., is_html=True)``) reads entities
inside those spans, so words and offsets stay exact.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from typing import TYPE_CHECKING

import numpy as np
from cydifflib import SequenceMatcher

from copytrace.htmlvisible import BLOCK, HIDDEN, VisibleText, visible_text
from copytrace.model import Article
from copytrace.text import merge_spans, tokenize, tokenize_many

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from trafilatura.settings import Document

logger = logging.getLogger(__name__)

__all__ = [
    "VisibleText",
    "clean_html",
    "extract_paragraphs",
    "map_paragraphs",
    "readable_html",
    "span_text",
    "visible_text",
]

# Matching runs shorter than this many words are ignored unless they are the whole
# paragraph: a lone "the" matched in a menu is not article text.
MIN_RUN_WORDS = 2
# difflib's matcher costs about the sum, over the words, of their count in the
# extracted text times their count on the page: on a page repeating its words (a
# 60,000-row list, a table of numbers) that is billions, and one page took minutes.
# Past this many word pairs the words are matched in one forward pass instead. The
# largest of the 181 scrapinghub pages needs 264,286. The limit is a time budget:
# 1M with difflib in pure Python (~0.2 s on a list or a table of numbers), 10M since
# the matcher is cydifflib's (0.04 s at 7M pairs of list rows, 0.14 s at 5.8M of
# table cells, session 28), so fewer such pages fall to the coarser forward pass.
MATCH_PAIRS_MAX = 10_000_000


# trafilatura's fast mode: its own extractor only, without the readability and
# jusText fallbacks it compares against. On the 181 scrapinghub pages (eval
# extraction, session 26) the HTML path's word F1 went 0.9690 -> 0.9715 micro,
# 0.9586 -> 0.9614 macro (5 pages changed: 3 better, 2 worse, one of them
# 0.898 -> 0.136, where the fallback had found a short article in a long page),
# and it took 16% less CPU (median of 4 alternating passes, 39.3 -> 33.0 ms a page).
TRAFILATURA_FAST = True
# The visible lines of the article trafilatura found that the text cleaner's hard
# rules call chrome are cut out of it (see clean.hard_chrome_lines). On the 181
# scrapinghub pages: word F1 0.9715 -> 0.9716 micro, 11 pages changed, 9 better.
HTML_HARD_CHROME = True
# Publication date from the page's markup only (htmldate's extensive search guesses
# from any year in the text, such as "© 2019"), the original date over an update.
# With its time and zone where the markup gives them (htmldate tells a day alone as
# that day at 00:00:00 without a zone: read back as the day); the markup before the
# URL's day (a canonical ".../2026/10/05/..." would otherwise win over the page's
# published_time: on a folder of 10k generated pages, direction 0.806 -> 1.000,
# bench-scan.md, session 27). See page_metadata.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


@dataclass(frozen=True, slots=True)
class Extraction:
    """What trafilatura found: the article's paragraphs and the page's metadata."""

    paragraphs: list[str]
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None


def extract_paragraphs(html: str) -> Extraction:
    """Run trafilatura on ``html``: article paragraphs (comments excluded) and metadata.

    Example:
        >>> page = "<html><body><article><p>" + "Ministers met in Tokyo. " * 20
        >>> page += "</p></article></body></html>"
        >>> extract_paragraphs(page).paragraphs[0][:23]
        'Ministers met in Tokyo.'
    """
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return Extraction([])
    # (the metadata first, as trafilatura reads it: its extraction prunes the tree)
    meta = page_metadata(tree)
    doc = trafilatura.bare_extraction(
        tree,
        include_comments=False,
        with_metadata=False,
        include_tables=True,
        fast=TRAFILATURA_FAST,
    )
    if doc is None or isinstance(doc, dict):
        return Extraction([])
    text = doc.text or ""
    paragraphs = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return Extraction(
        paragraphs,
        title=meta.title or None,
        published=_published(html, meta.date),
        source=_site_name(meta.sitename),
        url=meta.url or None,
    )


# Where a page marks its publication time, in the order read: its JSON-LD
# ("datePublished": "2019-11-19T03:05:46Z"); a tag named for it with the time in an
# attribute (<meta property="article:published_time" content="...">, <time
# class="entry-published" datetime="...">); an element holding it as its text
# (<div itemprop="datePublished">2019-11-13T23:06:00+01:00</div>).
_PUBLISHED_TIME_RES = (
    re.compile(r'"datePublished"\s*:\s*"([^"]{10,40})"'),
    re.compile(
        r"<[a-z]+\s(?=[^>]*?\b(?:property|name|itemprop|class)\s*=\s*[\"'][^\"'>]*publish)"
        r"[^>]*?\b(?:content|datetime)\s*=\s*[\"']([^\"']{10,40})[\"']",
        re.IGNORECASE,
    ),
    re.compile(r"""itemprop\s*=\s*["']datePublished["'][^>]*>\s*([^<]{10,40}?)\s*<"""),
)


def _published(html: str, found: str | None) -> str | None:
    """htmldate's date (a day alone without its 00:00:00), or, where that is a day,
    the time with its zone the page marks for it (``_marked_times``: htmldate reads
    the day of an ``article:published`` meta tag before a script's precise time,
    and passes over an ``article:published_time`` of "2019-11-18T18:54:53.000Z":
    18 of the 39 real pages dated by a day alone take one, sessions 27-28). A
    time more than a day from htmldate's day is not the same publication
    ("0001-01-01T00:00:00Z"). Where htmldate's is a time without a zone and the
    page marks the same instant with one, the time takes the zone that makes them
    one (11 of the 20 real pages with a time and no zone, session 28: "20:58:46"
    and "04:58:46Z" the next day is 20:58:46-08:00).

    Example:
        >>> page = '<meta property="article:published" content="2019-11-19">'
        >>> page += '<script>{"datePublished":"Tue Nov 19 2019 03:05:46 GMT+0000"}</script>'
        >>> _published(page, "2019-11-19T00:00:00"), _published("", "2019-11-19T08:00:00")
        ('2019-11-19T03:05:46+00:00', '2019-11-19T08:00:00')
        >>> _published(page, "2019-11-18T19:05:46")
        '2019-11-18T19:05:46-08:00'
    """
    if not found:
        return None
    day = _DAY_ONLY.sub("", found)
    naive = len(day) == len("2019-11-19T00:00:00")
    if len(day) != len("2019-11-19") and not naive:
        return day
    from copytrace.clean_meta import parse_published

    for raw in _marked_times(html):
        at: datetime | None
        try:
            at = datetime.fromisoformat(raw)
        except ValueError:
            text = parse_published(raw)
            at = datetime.fromisoformat(text) if text and len(text) > len("2019-11-19") else None
        if at is None or at.tzinfo is None:
            continue
        at = at.replace(microsecond=0)
        if naive:
            zone = _zone_between(datetime.fromisoformat(day), at)
            if zone is not None:
                return day + zone
        elif abs((at.date() - datetime.fromisoformat(day).date()).days) <= 1:
            return at.isoformat()
    return day


def _marked_times(html: str, each: int = 4) -> Iterator[str]:
    """The publication times ``html`` marks (see ``_PUBLISHED_TIME_RES``), the
    first ``each`` of each kind.

    Example:
        >>> page = '<meta property="article:published_time" content="2019-11-18T18:54:53Z">'
        >>> list(_marked_times(page + '<div itemprop="datePublished"> 2019-11-18 </div>'))
        ['2019-11-18T18:54:53Z', '2019-11-18']
    """
    for pattern in _PUBLISHED_TIME_RES:
        for m in itertools.islice(pattern.finditer(html), each):
            yield m.group(1).strip()


def _zone_between(local: datetime, at: datetime) -> str | None:
    """The UTC offset (``"-08:00"``) at which wall-clock time ``local`` is the instant
    ``at``, if there is one (a whole quarter hour, -12:00 to +14:00).

    Example:
        >>> local = datetime(2019, 11, 18, 20, 58)
        >>> _zone_between(local, datetime.fromisoformat("2019-11-19T04:58:00Z"))
        '-08:00'
        >>> _zone_between(local, datetime.fromisoformat("2019-11-19T04:59:00Z"))
    """
    offset = local - at.astimezone(UTC).replace(tzinfo=None)
    minutes, rest = divmod(offset.total_seconds(), 60)
    if rest or minutes % 15 or not -12 * 60 <= minutes <= 14 * 60:
        return None
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(int(abs(minutes)), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _site_name(name: str | None) -> str | None:
    """trafilatura's site name, a URL's host when it gave the URL's start as the name
    (a page without a site name: "https://www.hawaiinewsnow.com").

    Example:
        >>> _site_name("https://www.hawaiinewsnow.com"), _site_name("BBC News")
        ('hawaiinewsnow.com', 'BBC News')
    """
    if name and name.startswith(("http://", "https://")):
        from copytrace.ingest.records import host_of

        return host_of(name) or name
    return name or None


def page_metadata(tree: HtmlElement) -> Document:
    """The title, date, site name and URL of a parsed page (an lxml tree), as
    ``trafilatura.extract_metadata`` reads them, with its functions and in its
    order, without the author, categories, tags and licence it also looks for
    (a third of trafilatura's time on a page: 4.1 -> 2.9 ms a generated page, 22
    -> 16 ms a real one, session 27). Returns a ``trafilatura.settings.Document``.

    Example:
        >>> from trafilatura.utils import load_html
        >>> page = '<html><head><meta property="og:site_name" content="Port News">'
        >>> page += "<title>Harbour closed</title></head><body><p>x</p></body></html>"
        >>> meta = page_metadata(load_html(page))
        >>> meta.title, meta.sitename
        ('Harbour closed', 'Port News')
    """
    from htmldate import find_date
    from trafilatura import metadata as tm

    meta = tm.examine_meta(tree)
    try:
        meta = tm.extract_meta_json(tree, meta)
    except Exception as err:  # (as trafilatura: its JSON-LD reader has bugs of its own)
        logger.debug("JSON-LD metadata not read: %s", err)
    meta.title = meta.title or tm.extract_title(tree)
    meta.url = meta.url or tm.extract_url(tree, None)
    meta.date = find_date(
        tree,
        extensive_search=False,
        original_date=True,
        outputformat=_DATE_FORMAT,
        url=meta.url,
        deferred_url_extractor=True,
    )
    meta.sitename = meta.sitename or tm.extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")  # (a Twitter handle)
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (host := tm.META_URL.match(meta.url)):
        meta.sitename = host[1]
    meta.clean_and_trim()
    return meta


def map_paragraphs(
    vis: VisibleText,
    paragraphs: Sequence[str],
    drop_lines: Callable[[list[str]], list[bool]] | None = None,
) -> list[tuple[int, int]]:
    """Source spans of ``paragraphs`` (in page order) located in ``vis``.

    Words are aligned as sequences, so a paragraph trafilatura reformatted
    (whitespace, list bullets) still maps; words it does not find on the page
    are skipped. ``drop_lines``: which of the visible lines the paragraphs cover
    are no article text (whatever trafilatura joined them into).

    Example:
        >>> html = "<nav>Home</nav><p>Talks <a href='#'>went</a> well.</p>"
        >>> vis = visible_text(html)
        >>> [html[s:e] for s, e in map_paragraphs(vis, ["Talks went well."])]
        ['Talks ', 'went', ' well.']
    """
    vtok = tokenize(vis.text)
    ewords: list[str] = []
    para_of: list[int] = []
    lengths: list[int] = []
    # (the paragraphs in one pass: ~13 a page, a pass each cost 4x the words)
    for k, tok in enumerate(tokenize_many([(para, None, False) for para in paragraphs])):
        ewords.extend(tok.words)
        para_of.extend([k] * len(tok.words))
        lengths.append(len(tok.words))
    if not ewords or not vtok.words:
        return []
    blocks: Sequence[tuple[int, int, int]]
    if _match_pairs(ewords, vtok.words) > MATCH_PAIRS_MAX:
        blocks = forward_blocks(ewords, vtok.words)
    else:
        blocks = SequenceMatcher(None, ewords, vtok.words, autojunk=False).get_matching_blocks()
    runs: list[tuple[int, int]] = []  # visible character ranges
    for a, b, size in blocks:
        i = 0
        while i < size:  # split the block where the paragraph changes
            j = i
            while j + 1 < size and para_of[a + j + 1] == para_of[a + i]:
                j += 1
            n = j - i + 1
            if n >= MIN_RUN_WORDS or n == lengths[para_of[a + i]]:
                runs.append((vtok.starts[b + i], vtok.ends[b + j]))
            i = j + 1
    spans: list[tuple[int, int]] = []
    widened: list[tuple[int, int]] = []
    text = vis.text
    for lo, hi in runs:
        # Take in the punctuation glued to the first and last words ("“Yes,” he said.").
        while lo > 0 and not text[lo - 1].isspace() and vis.starts[lo - 1] >= 0:
            lo -= 1
        while hi < len(text) and not text[hi].isspace() and vis.starts[hi] >= 0:
            hi += 1
        widened.append((lo, hi))
    if drop_lines is not None:
        widened = _without_lines(text, widened, drop_lines)
    for lo, hi in widened:
        spans.extend(vis.source_spans(lo, hi))
    # Runs of one text node apart only by whitespace are one span.
    out: list[tuple[int, int]] = []
    source = vis.source
    for s, e in merge_spans(spans):
        if out and source[out[-1][1] : s].isspace():
            out[-1] = (out[-1][0], e)
        elif e > s:
            out.append((s, e))
    return out


def _without_lines(
    text: str, runs: list[tuple[int, int]], drop_lines: Callable[[list[str]], list[bool]]
) -> list[tuple[int, int]]:
    """``runs`` (ranges of ``text``) less the lines of ``text`` they touch that
    ``drop_lines`` drops."""
    touched: dict[int, int] = {}  # line start -> end
    for lo, hi in runs:
        at = text.rfind("\n", 0, lo) + 1
        while at < hi:
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            touched[at] = end
            at = end + 1
    starts = sorted(touched)
    verdicts = drop_lines([text[a : touched[a]].strip() for a in starts])
    dropped = [(a, touched[a]) for a, d in zip(starts, verdicts, strict=True) if d]
    if not dropped:
        return runs
    out = []
    for lo, hi in runs:
        for a, b in dropped:  # (few: the dropped lines a page's article touches)
            if b <= lo or a >= hi:
                continue
            if a > lo:
                out.append((lo, a))
            lo = max(lo, b)
        if hi > lo:
            out.append((lo, hi))
    return out


def _match_pairs(a: Sequence[str], b: Sequence[str]) -> int:
    """Word pairs difflib's matcher may visit: each word's count in ``a`` times in ``b``."""
    in_b = Counter(b)
    return sum(n * in_b[w] for w, n in Counter(a).items())


def forward_blocks(a: Sequence[str], b: Sequence[str], gram: int = 3) -> list[tuple[int, int, int]]:
    """Matching blocks ``(i, j, size)`` of word lists ``a`` and ``b``, as difflib's
    ``get_matching_blocks`` gives (in order, ending with ``(len(a), len(b), 0)``),
    found in one forward pass: a run of equal words is followed to its end; at a
    difference, ``a``'s next ``gram`` words are looked up at or after the place in
    ``b`` (skipped when ``b`` does not hold them there). Linear in the words, for
    pages whose repeated words make difflib's search quadratic.

    Example:
        >>> forward_blocks("x talks went well today".split(), "menu talks went well ok".split())
        [(1, 1, 3), (5, 5, 0)]
    """
    at: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
    for j in range(len(b) - gram + 1):
        at[tuple(b[j : j + gram])].append(j)
    blocks = []
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i0, j0 = i, j
            while i < len(a) and j < len(b) and a[i] == b[j]:
                i, j = i + 1, j + 1
            blocks.append((i0, j0, i - i0))
            continue
        places = at.get(tuple(a[i : i + gram]), [])
        k = bisect.bisect_left(places, j)
        if k < len(places):
            j = places[k]  # (a[i] == b[j] there: the next turn follows the run)
        else:
            i += 1
    blocks.append((len(a), len(b), 0))
    return blocks


_TAG_RE = re.compile(r"<[^>]*>?")
_BLOCK_TAG_RE = re.compile(r"<\s*/?\s*(?:" + "|".join(sorted(BLOCK)) + r")\b", re.IGNORECASE)
_WS_RE = re.compile(r"\s+")


def span_text(source: str, spans: Sequence[tuple[int, int]]) -> str:
    """Readable text of HTML ``spans``: entities decoded, whitespace collapsed.

    Spans separated by a block boundary become paragraphs (blank line between);
    spans separated by inline tags join with a space when the source has one.

    Example:
        >>> html = "<p>Fish &amp; <b>chips</b>!</p><p>Tea</p>"
        >>> span_text(html, [(3, 14), (17, 22), (26, 27), (34, 37)])
        'Fish & chips!\\n\\nTea'
    """
    parts: list[str] = []
    prev_end = -1
    for s, e in spans:
        if prev_end >= 0:
            gap = source[prev_end:s]
            if _BLOCK_TAG_RE.search(gap):
                parts.append("\n\n")
            elif any(ch.isspace() for ch in _TAG_RE.sub("", gap)):
                parts.append(" ")
        parts.append(_WS_RE.sub(" ", unescape(source[s:e])))
        prev_end = e
    paragraphs = "".join(parts).split("\n\n")
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


# Markup a reader never reads, tags, and the tags that start a block of text.
_UNSEEN_RE = re.compile(
    r"<(" + "|".join(sorted(HIDDEN)) + r")\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
_WHOLE_BLOCK_TAG_RE = re.compile(
    r"<\s*/?\s*(?:" + "|".join(sorted(BLOCK)) + r")\b[^>]*>", re.IGNORECASE
)
_NEWLINES_RE = re.compile(r" *\n[\n ]*| {2,}")


# The tags that name a page's site (found by these words), and their attributes.
_SITE_NAMES = ("og:site_name", "og:url", "canonical")
_ATTR_RE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def page_site(html: str) -> str | None:
    """The site a page names in its head: its ``og:site_name``, else the host of its
    ``og:url`` or canonical link (without ``www.``, as a crawl's source), else None.

    For a page without a source (a folder of saved pages), the key its lines are
    learned under: the lines many pages of one site share are its chrome.

    Example:
        >>> page_site('<head><meta content="Port News" property="og:site_name"></head>')
        'Port News'
        >>> page_site('<link rel="canonical" href="https://www.port-news.com/a"><body>')
        'port-news.com'
        >>> page_site("<p>x</p>") is None
        True
    """
    from copytrace.ingest.records import host_of

    found: dict[str, str] = {}
    # (each word's tags by str.find over the whole page, not a regex tried at every
    # tag nor a search for the head's end: a real page's head holds scripts and
    # styles of tens of kilobytes)
    for word in _SITE_NAMES:
        at = html.find(word)
        while at >= 0 and word not in found:
            lo, hi = html.rfind("<", 0, at), html.find(">", at)
            tag = html[lo:hi] if lo >= 0 and hi >= 0 else ""
            attrs = {k.lower(): a or b or c for k, a, b, c in _ATTR_RE.findall(tag)}
            name = (attrs.get("property") or attrs.get("name") or attrs.get("rel") or "").lower()
            value = unescape(attrs.get("content") or attrs.get("href") or "").strip()
            if name == word and value and tag[1:5].lower() in ("meta", "link"):
                found[word] = value
            at = html.find(word, at + len(word))
    if "og:site_name" in found:
        return found["og:site_name"]
    return host_of(found.get("og:url") or found.get("canonical"))


def readable_html(piece: str) -> str:
    """What a reader sees of a piece of an HTML source: scripts, styles and comments
    dropped, a line break for a block tag, other tags gone, entities decoded, white
    space collapsed as a browser does (for showing an HTML article's text; offsets
    are the source's, never this text's).

    Example:
        >>> readable_html('<p>Fish &amp; <a href="/c">chips</a></p>\\n  <script>x()</script><p>Tea')
        '\\nFish & chips\\nTea'
    """
    # (the source's own line breaks are spaces to a reader; its block tags are not)
    text = _WS_RE.sub(" ", _UNSEEN_RE.sub(" ", piece))
    text = unescape(_TAG_RE.sub("", _WHOLE_BLOCK_TAG_RE.sub("\n", text)))
    return _NEWLINES_RE.sub(lambda m: "\n" if "\n" in m.group() else " ", text)


def _trim(source: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        while s < e and source[s].isspace():
            s += 1
        while e > s and source[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _stamp_near(vis: VisibleText, content: Sequence[tuple[int, int]]) -> str | None:
    """The time stamp a reader sees nearest above the article (else in its first lines,
    else just below it), as the text cleaner finds a page's stamp: for a page whose
    markup names no date (htmldate finds none), such as a Chinese portal's
    "2018年05月21日 09:56 来源：新华网" line."""
    from copytrace.clean import _find_published, line_spans

    at = np.flatnonzero(vis.starts >= content[0][0])
    end = np.flatnonzero((vis.ends > 0) & (vis.ends <= content[-1][1]))
    if not len(at) or not len(end):
        return None
    lines = line_spans(vis.text)
    line_starts = np.array([s for s, _ in lines], dtype=np.int64)
    first = max(0, int(np.searchsorted(line_starts, at[0], side="right")) - 1)
    last = max(first, int(np.searchsorted(line_starts, end[-1], side="right")) - 1)
    return _find_published(vis.text, lines, first, last)


def _publication(given: str | None, page: str | None) -> str | None:
    """The publication time of an HTML page: the reader's (a JSONL field, a WARC
    record's Last-Modified or crawl date) unless the page itself names an earlier
    time (both with a zone) or day. A page is not published after it was fetched,
    and a crawl fetches pages hours to months after they appeared: every page of a
    WARC would otherwise carry its crawl date, and the earlier crawled of two
    copies would pass for the source.

    Example:
        >>> _publication("2019-11-20T10:00:00+00:00", "2019-11-18")
        '2019-11-18'
        >>> _publication("2019-11-18T09:30:00-05:00", "2019-11-18")
        '2019-11-18T09:30:00-05:00'
        >>> _publication(None, "2019-11-18"), _publication("2019-11-20", None)
        ('2019-11-18', '2019-11-20')
        >>> _publication(None, "2019-11-19T07:03:25+00:00")
        '2019-11-19T07:03:25+00:00'
        >>> _publication("2026-10-23T04:47:43+00:00", "2026-10-22T20:47:43-08:00")
        '2026-10-23T04:47:43+00:00'
        >>> _publication("2026-10-23T14:00:00+00:00", "2026-10-22T20:47:43-08:00")
        '2026-10-22T20:47:43-08:00'
        >>> _publication("2026-10-23T04:47:43+00:00", "2026-10-22")
        '2026-10-23T04:47:43+00:00'
    """
    if not given or not page:
        return given or page
    if not (_ISO_DAY.match(given) and _ISO_DAY.match(page)):
        return given  # (a reader's date in a form of its own: as given)
    at_given: datetime | None
    at_page: datetime | None
    try:
        at_given, at_page = datetime.fromisoformat(given), datetime.fromisoformat(page)
    except ValueError:
        at_given = at_page = None
    if at_given and at_page and at_given.tzinfo and at_page.tzinfo:
        # (two instants: the same minute told in two zones is the same time)
        return page if at_page < at_given else given
    if at_given and at_given.tzinfo and len(page) == 10:
        # (a page's day is its own zone's, a zoned time's day may be the next: a day
        # earlier is no earlier, two are)
        return page if (at_given.date() - datetime.fromisoformat(page).date()).days >= 2 else given
    # (by calendar day as each states it: a page's date often has no time or zone)
    return page if page[:10] < given[:10] else given


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_ONLY = re.compile(r"T00:00:00$")


def clean_html(
    article: Article,
    chrome: frozenset[str] = frozenset(),
    chrome_hashes: frozenset[int] = frozenset(),
) -> Article:
    """Clean an HTML article: trafilatura's paragraphs as spans of the HTML source.

    When trafilatura finds no article, the plain-text cleaner runs on the page's
    visible text and its lines are mapped back the same way. A paragraph (or a
    visible line) whose key is in ``chrome``, or whose key's hash is in
    ``chrome_hashes`` (its source's learned chrome), is dropped.

    Example:
        >>> html = "<html><body><nav>Home | News</nav><article><p>"
        >>> html += "The ministers met in Tokyo on Monday and agreed to talk again. " * 8
        >>> html += "</p></article></body></html>"
        >>> art = clean_html(Article(id="p", text=html, is_html=True))
        >>> html[art.content[0][0] : art.content[0][0] + 13]
        'The ministers'
    """
    from copytrace.clean import (
        clean_text,
        find_dateline,
        hard_chrome_lines,
        line_key,
        parse_published,
    )

    source = article.text
    vis = visible_text(source)
    ext = extract_paragraphs(source)
    paragraphs = [p for p in ext.paragraphs if not (chrome and line_key(p) in chrome)]

    def drop(lines: list[str]) -> list[bool]:
        """The visible lines of the article that are chrome: by the hard rules (what
        trafilatura keeps inside an article: paywall prompts, ad labels, "Read more"
        teasers, photo credits), or learned for the page's source."""
        out = hard_chrome_lines(lines) if HTML_HARD_CHROME else [False] * len(lines)
        if chrome_hashes:
            from copytrace.chrome import CHROME_MAX_LINE_CHARS, key_hashes

            short = [i for i, ln in enumerate(lines) if len(ln) <= CHROME_MAX_LINE_CHARS]
            for i, h in zip(short, key_hashes([line_key(lines[i]) for i in short]), strict=True):
                out[i] = out[i] or h in chrome_hashes
        return out

    title = ext.title
    published = parse_published(ext.published) if ext.published else None
    dateline = agency = None
    if paragraphs:
        spans = map_paragraphs(vis, paragraphs, drop)
        for para in paragraphs[:3]:
            dateline, agency = find_dateline(para)
            if dateline:
                break
    else:
        logger.info("%s: trafilatura found no article; cleaning the visible text", article.id)
        if chrome_hashes:  # (the visible lines that are learned chrome, by their keys)
            from copytrace.chrome import page_line_keys

            keys = page_line_keys(vis.text)
            chrome = chrome | {k for h, k in keys.items() if h in chrome_hashes}
        plain = clean_text(Article(id=article.id, text=vis.text), chrome)
        spans = []
        for lo, hi in plain.content:
            spans.extend(vis.source_spans(lo, hi))
        title = title or plain.title
        published = published or plain.published
        dateline, agency = plain.dateline, plain.source
    content = tuple(_trim(source, merge_spans(spans)))
    if published is None and content and paragraphs:
        published = _stamp_near(vis, content)
    return dataclasses.replace(
        article,
        content=content,
        title=article.title or title,
        published=_publication(article.published, published),
        source=article.source or ext.source or agency,
        dateline=article.dateline or dateline,
        url=article.url or ext.url,
    )
