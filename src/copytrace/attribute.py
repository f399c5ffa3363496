"""Direction (which article is the source) and attribution (is the reuse credited).

Evidence comes from:

- **publication times**, when both are known: the earlier one is the source (a
  time shown without its zone is ordered against one with a zone only where no
  zone could change the order; where one could, a news agency's own story is
  taken as the first against a page that is not one);
- **credit phrases** in one article naming the other's publisher near the
  reused words ("Japan's Nikkei daily wrote", "according to Nikkei",
  "Nikkei's sources said") or generic ones ("the newspaper added", "as cited by
  the daily"); publisher names come from the other article's ``source``,
  ``url``, ``title`` and page text (the text around its article, for a page
  without metadata; a name that page's own story is about, or that it credits
  itself, is a third party, not its publisher);
- **quotation marks** around the reused words on one side only;
- **containment**: one article's text is nearly all inside the other, which
  adds material of its own.

Each piece of evidence has a weight; the weights of each side are combined as
independent cues (noisy-or), and the confidence is the winner's combined
weight less the loser's.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Literal, NamedTuple, cast
from urllib.parse import urlsplit

from copytrace.credits_intl import ASCII_KEYS as INTL_ASCII_KEYS
from copytrace.credits_intl import find_credits, page_languages
from copytrace.htmltext import readable_html
from copytrace.model import Article, Direction, Passage
from copytrace.text import CJK_CHARS, HANGUL_CHARS

logger = logging.getLogger(__name__)

# --- Evidence weights (hand-set on the seed pair and the news rewrites in
# tests/data/attribute; they order the cues by how rarely each one misleads).
WEIGHT_TIME = 0.5  # earlier publication
WEIGHT_NAMED_CREDIT = 0.6  # the other's publisher named near the reused words
WEIGHT_NAMED_ANYWHERE = 0.3  # the other's publisher credited elsewhere in the text
WEIGHT_CREDIT_LINE = 0.6  # a credit line for the whole article ("X contributed to this report")
WEIGHT_GENERIC_CREDIT = 0.25  # "the newspaper added" near the reused words
WEIGHT_QUOTED = 0.3  # reused words in quotation marks on one side only
WEIGHT_CONTAINMENT = 0.2  # one article nearly all inside the other
# a news agency's story against a page whose time, shown without its zone, may be
# either side of the agency's (above containment, which a truncated reprint shows
# the wrong way round; below a credit, which an agency's rewrite of a paper gives)
WEIGHT_AGENCY_FIRST = 0.3
CONTAINED_SHARE = 0.8  # coverage that counts as "nearly all"
CONTAINER_MAX_SHARE = 0.6  # ... while the container has this much or less reused
CONTEXT_BEFORE = 300  # characters searched before a passage for credit phrases
CONTEXT_AFTER = 200  # ... and after it

_GENERIC_NOUN = (
    r"(?:daily|newspaper|paper|agency|news\s+agency|outlet|publication|magazine|"
    r"broadcaster|channel|website|portal|report|media\s+outlet|wire)"
)
_VERB = (
    r"(?:wrote|writes|reported|reports|said|says|added|adds|noted|notes|stated|states|"
    r"claimed|claims|cited|quoted|quotes|published|continued|went\s+on)"
)
_NAME = r"(?P<name>[A-Z][\w&.’'-]*(?:\s+(?:[A-Z][\w&.’'-]*|of|de|du|al))*)"
_APOS = r"(?:['’]s?)"
# _NAME with each word's letters taken whole (possessive), for a name that a blank must
# follow, or an apostrophe-s and then a blank: the letters a shorter word would leave
# over could only be that apostrophe-s, after which the rest is tried as after the
# whole word. The same matches, without retrying every shorter word at a failed start.
_NAME_WHOLE_WORDS = _NAME.replace(r"[\w&.’'-]*", r"[\w&.’'-]*+")
_BY_VERB = r"(?:cited|quoted|reported)"
_OWN_NOUNS = "sources|report|article|story|correspondent"  # "Nikkei's sources"
_IN_VERB = r"(?:told|wrote\s+in|reported\s+in|said\s+in)"
# Phrases that credit a named publisher.
_NAMED_RE = [
    re.compile(rf"\b(?i:according\s+to\s+(?:the\s+)?){_NAME}"),
    re.compile(rf"\b(?i:(?:as\s+)?{_BY_VERB}\s+by\s+(?:the\s+)?){_NAME}"),
    re.compile(rf"{_NAME_WHOLE_WORDS}{_APOS}?\s+(?i:(?:{_GENERIC_NOUN}\s+)?(?:also\s+)?{_VERB})\b"),
    re.compile(rf"{_NAME}{_APOS}\s+(?i:{_OWN_NOUNS})"),
    re.compile(rf"\b(?i:{_IN_VERB}\s+(?:the\s+)?){_NAME}"),
    re.compile(rf"\b(?i:{_VERB}\s+(?:the\s+)?){_NAME}"),
]
# Phrases that credit some publication without naming it.
_GENERIC_RE = re.compile(
    rf"\b(?:the|this)\s+{_GENERIC_NOUN}\s+(?:also\s+)?{_VERB}\b"
    rf"|\b(?:as\s+)?{_BY_VERB}\s+by\s+the\s+{_GENERIC_NOUN}\b"
    rf"|\baccording\s+to\s+the\s+{_GENERIC_NOUN}\b"
    r"|\baccording\s+to\s+the\s+(?:same\s+)?sources\b"
    rf"|\b{_VERB}\s+the\s+{_GENERIC_NOUN}\b",
    re.IGNORECASE,
)
# "— Reuters" on a line of its own
_DASH_CREDIT = re.compile(rf"(?m)^[ \t]*[—–-][ \t]*{_NAME}[ \t]*$")
_DASH_LINE = re.compile(r"\n[ \t]*[—–-]")
# ... and an HTML element of its own ("<p>— Reuters</p>", the dash maybe an entity)
_HTML_DASH_CREDIT = re.compile(
    rf">[ \t]*(?P<line>(?:[—–-]|&[mn]dash;|&#821[12];)[ \t]*{_NAME})[ \t]*</"
)
_DASH_FIRST_LINE = re.compile(r"[ \t]*[—–-]")
# Lines that credit a whole article to a publisher, wherever they stand on the page:
# wire credits, reprint notices, copyright lines, "(AP) —" datelines.
_CREDIT_LINE_RE = [
    # (a lowercase word every match contains, the pattern): the word is found first,
    # so pages without it never run the pattern
    (
        "contributed",
        re.compile(rf"{_NAME}\s+(?i:contributed\s+to\s+this\s+(?:report|story|article))"),
    ),
    *(
        (
            word,
            re.compile(
                rf"\b(?i:{phrase})\s+(?:the\s+)?{_NAME}",
            ),
        )
        for word, phrase in (
            ("provided", r"provided\s+by"),
            ("courtesy", r"courtesy\s+of"),
            ("republished", r"republished\s+with\s+permission\s+(?:from|of)"),
            ("reprinted", r"reprinted\s+(?:with\s+permission\s+)?from"),
            ("originally", r"originally\s+(?:published|appeared)\s+(?:in|on|by)"),
        )
    ),
    ("", _DASH_CREDIT),
    ("copyright", re.compile(rf"(?i:copyright)[ \t]*(?:\d{{4}}[ \t]+)?{_NAME}")),
    ("©", re.compile(rf"©[ \t]*(?:\d{{4}}[ \t]+)?{_NAME}")),
    ("(", re.compile(r"\((?P<name>[A-Z][A-Za-z]{1,12})\)[ \t]*[—–-]")),
]
# The credit-line patterns whose matches begin with their word (in any case).
_WORD_LED = frozenset(
    ["provided", "courtesy", "republished", "reprinted", "originally", "copyright"]
)
# News agencies by the names they are credited with ("wire:AP", "AP" and "The
# Associated Press" are one publisher).
_AGENCIES = (
    ("AP", "Associated Press", "The Associated Press", "美联社", "美聯社", "AP通信", "AP통신"),
    ("Reuters", "Thomson Reuters", "路透社", "ロイター", "ロイター通信", "로이터", "로이터통신"),
    ("AFP", "Agence France-Presse", "Agence France Presse", "法新社", "AFP通信", "AFP통신"),
    ("DPA", "Deutsche Presse-Agentur", "德新社"),
    ("UPI", "United Press International"),
    ("TASS", "ITAR-TASS", "塔斯社", "タス通信", "타스통신"),
    ("Xinhua", "Xinhua News Agency", "新华社", "新華社", "新华网", "新華網", "신화통신"),
    ("Kyodo", "Kyodo News", "共同社", "共同通信", "교도통신"),
    ("ANSA", "Agenzia Nazionale Stampa Associata"),
    ("EFE", "Agencia EFE"),
    ("PA", "Press Association", "PA Media"),
    ("Bloomberg", "Bloomberg News", "彭博社", "ブルームバーグ", "블룸버그"),
    ("Yonhap", "Yonhap News Agency", "韩联社", "韓聯社", "聯合ニュース", "연합뉴스"),
    ("Jiji", "Jiji Press", "時事通信", "时事社", "時事社", "지지통신"),
)
_AGENCY_OF = {name.casefold(): names for names in _AGENCIES for name in names}


# Every credit phrase contains one of these words; the phrase patterns only run
# within TRIGGER_REACH characters of one (names are shorter than that).
_TRIGGER_WORDS = frozenset(
    [
        *re.sub(r"\\s\+|[()?:|]", " ", f"{_VERB} {_GENERIC_NOUN}").split(),
        *["according", "told", "sources", "article", "story", "correspondent", "went"],
    ]
)
# The trigger words that can match: whole runs of 4+ ASCII letters.
_TRIGGER_BYTES = tuple(
    sorted(w.encode() for w in _TRIGGER_WORDS if len(w) >= 4 and w.isascii() and w.isalpha())
)
_TRIGGER_SET = frozenset(_TRIGGER_BYTES)


def _run_search(words: Sequence[bytes]) -> re.Pattern[bytes]:
    """A search for ``words`` between spaces in _letter_runs' bytes, alternatives grouped
    by first letter (sre tries one group per word start, not every word)."""
    return re.compile(
        b" ("
        + b"|".join(
            re.escape(first) + b"(?:" + b"|".join(w[1:] for w in words if w[:1] == first) + b")"
            for first in sorted({w[:1] for w in words})
        )
        + b")(?= )"
    )


_TRIGGER_RUN = _run_search(_TRIGGER_BYTES)
# The credit-line words that stand whole in every match of their pattern (a word
# boundary or a blank before them, a blank after; not "copyright", which may follow a
# letter): a page without look-alike letters (_with_lookalikes) and without one as a
# whole run of _letter_runs' bytes has no match of its pattern.
_WHOLE_LINE_WORDS = frozenset(
    [b"contributed", b"provided", b"courtesy", b"republished", b"reprinted", b"originally"]
)
# _TRIGGER_RUN that also finds those words: one pass over a page for both.
# (... and the other languages' lead words: a page without them is read for no credit
# in those languages; see copytrace.credits_intl)
_INTL_KEYS = frozenset(INTL_ASCII_KEYS) - _TRIGGER_SET - _WHOLE_LINE_WORDS
_TRIGGER_OR_LINE_RUN = _run_search(sorted(_TRIGGER_SET | _WHOLE_LINE_WORDS | _INTL_KEYS))
TRIGGER_REACH = 80


def _first_words(group: str) -> frozenset[bytes]:
    """The first words of the alternatives of a ``(?:a|b\\s+c)`` pattern group."""
    alternatives = group.removeprefix("(?:").removesuffix(")").split("|")
    return frozenset(alt.split("\\s+")[0].encode() for alt in alternatives)


# Where each credit pattern's matches can begin: (words a match starts with, {word:
# words that may stand just before it and lead the match}). Every such word is a
# trigger word and stands whole (the patterns need a word boundary before it and a
# space after it), so trying the pattern at those words alone, leftmost first and
# skipping starts inside the last match, finds what finditer over the window finds
# (tests/test_attribute.py checks this against finditer on fuzzed text).
_Starts = tuple[frozenset[bytes], dict[bytes, tuple[bytes, ...]]]
_AS_BEFORE: dict[bytes, tuple[bytes, ...]] = {w: (b"as",) for w in _first_words(_BY_VERB)}


def _word_after_space(words: Iterable[bytes]) -> re.Pattern[bytes]:
    return re.compile(b" (?:" + b"|".join(sorted(words)) + b")")


# (pattern, where its matches begin, or for the patterns led by a name (which can
# begin anywhere): a search of _letter_runs' bytes that must succeed in a window
# before the pattern can match there, for the word that follows the name)
_NAMED_STARTS: list[tuple[re.Pattern[str], _Starts | re.Pattern[bytes]]] = list(
    zip(
        _NAMED_RE,
        [
            (frozenset([b"according"]), {}),
            (_first_words(_BY_VERB), _AS_BEFORE),
            _word_after_space(_first_words(_VERB)),
            _word_after_space(w.encode() for w in _OWN_NOUNS.split("|")),
            (_first_words(_IN_VERB), {}),
            (_first_words(_VERB), {}),
        ],
        strict=True,
    )
)
_GENERIC_STARTS: _Starts = (
    _first_words(_VERB) | _first_words(_BY_VERB) | {b"according"},
    {**{w: (b"the", b"this") for w in _first_words(_GENERIC_NOUN)}, **_AS_BEFORE},
)
# Words that are not publisher names on their own.
_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "according",
        "as",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "this",
        "that",
        "these",
        "those",
        "there",
        "however",
        "but",
        "and",
        "also",
        "sources",
        "source",
        "officials",
        "official",
        "government",
        "ministry",
        "reports",
        "report",
        "media",
        "news",
        "daily",
        "times",
        "post",
        "review",
        "journal",
        "agency",
        "press",
        "international",
        "online",
        "magazine",
        "herald",
        "tribune",
        "gazette",
        "world",
        "asian",
        "asia",
        "global",
        "business",
        "network",
        "group",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
_HOST_PARTS = frozenset(
    [
        "www",
        "com",
        "net",
        "org",
        "co",
        "uk",
        "ru",
        "jp",
        "de",
        "fr",
        "it",
        "es",
        "cn",
        "in",
        "au",
        "ca",
        "info",
        "biz",
        "gov",
        "edu",
        "ac",
        "news",
        "en",
    ]
)
_OPEN_QUOTES = "\"“„«‘'"
_CLOSE_QUOTES = "\"”»’'“"


class _Cue(NamedTuple):  # (a tuple: built for every cue of every pair)
    side: str  # "a" or "b": the side that is the source according to this cue
    weight: float
    text: str


def _weight(cue: _Cue) -> float:
    return cue.weight


def attribute(
    a: Article, b: Article, passages: Sequence[Passage]
) -> tuple[list[Passage], Direction]:
    """Decide which article is the source and mark the passages whose reuse is credited.

    Args:
        a: first article (cleaned: ``content`` set, or empty for the whole text).
        b: second article.
        passages: passages from :func:`copytrace.align.align` for ``(a, b)``.

    Returns:
        The passages with ``attributed`` set, and the :class:`Direction`.

    Example:
        >>> a = Article("a", "Officials said the two sides will meet in the autumn to talk peace.",
        ...             source="Nikkei")
        >>> b = Article("b", "The two sides will meet in the autumn to talk peace, Nikkei wrote.")
        >>> from copytrace.align import align
        >>> ps, d = attribute(a, b, align(a, b))
        >>> d.source, ps[0].attributed
        ('a', True)
    """
    out, direction, _, _ = attribute_and_cover(a, b, passages)
    return out, direction


def attribute_and_cover(
    a: Article, b: Article, passages: Sequence[Passage]
) -> tuple[list[Passage], Direction, float, float]:
    """:func:`attribute`, and the :func:`coverage` of ``a`` and ``b`` by the passages
    (which it works out anyway)."""
    if not passages:
        cov_a, cov_b = coverage(a, []), coverage(b, [])
        return [], Direction(None, 0.0, ("no reused text, so no direction",)), cov_a, cov_b
    names_a, own_a = _article_work(a)
    names_b, own_b = _article_work(b)
    # (coverage with each article's content size from its cached credit work)
    if len(passages) == 1:  # (as _covered of one span, without the span lists)
        p = passages[0]
        total_a, total_b = own_a.content_chars, own_b.content_chars
        cov_a = min(1.0, (p.a_end - p.a_start) / total_a) if total_a else 0.0
        cov_b = min(1.0, (p.b_end - p.b_start) / total_b) if total_b else 0.0
    else:
        cov_a = _covered(own_a.content_chars, [(p.a_start, p.a_end) for p in passages])
        cov_b = _covered(own_b.content_chars, [(p.b_start, p.b_end) for p in passages])
    cues = _time_cues_of(a, b, own_a.time_keys, own_b.time_keys)
    # does b credit a, then does a credit b?
    credited_b, b_cues = _credit_cues(
        b, "b", "a", names_a, names_b, a, passages, own=(own_b, own_a)
    )
    credited_a, a_cues = _credit_cues(
        a, "a", "b", names_b, names_a, b, passages, own=(own_a, own_b)
    )
    cues += b_cues
    cues += a_cues
    cues += _quote_cues(a, b, passages)
    cues += _containment_cues(a, b, cov_a, cov_b)

    # each side's weights combined as independent cues (noisy-or), in cue order
    q_a = q_b = 1.0
    for c in cues:
        if c.side == "a":
            q_a *= 1.0 - float(c.weight)
        elif c.side == "b":
            q_b *= 1.0 - float(c.weight)
    p_a, p_b = 1.0 - q_a, 1.0 - q_b
    if p_a > p_b:
        source: str | None = "a"
    elif p_b > p_a:
        source = "b"
    else:
        source = None
    confidence = round(abs(p_a - p_b), 3)
    # (heaviest first; a stable sort keeps the cue order among equal weights)
    if len(cues) > 1:
        cues.sort(key=_weight, reverse=True)
    evidence = tuple([c.text for c in cues])
    if source is None:
        evidence = (*evidence, "no evidence of which article came first")
    # the copy's credits when the direction is known, else either side's
    if source == "a":
        flags = credited_b
    elif source == "b":
        flags = credited_a
    else:
        flags = [x or y for x, y in zip(credited_a, credited_b, strict=True)]
    out: list[Passage] = []
    for p, flag in zip(passages, flags, strict=True):
        if p.attributed != flag:  # (dataclasses.replace, at a third of its cost)
            p = Passage(p.kind, p.a_start, p.a_end, p.b_start, p.b_end, p.words, p.similarity, flag)
        out.append(p)
    side_source: Literal["a", "b"] | None = "a" if source == "a" else "b" if source == "b" else None
    return out, Direction(side_source, confidence, evidence), cov_a, cov_b


def publisher_names(art: Article) -> list[str]:
    """Names an article's publisher may be credited by, from its metadata.

    Example:
        >>> publisher_names(Article("x", "", source="Nikkei Asian Review",
        ...                         url="https://asia.nikkei.com/a"))
        ['Nikkei Asian Review', 'Nikkei']
    """
    return list(_names_of(art.source, art.dateline, art.url))


def _names_of(source: str | None, dateline: str | None, url: str | None) -> tuple[str, ...]:
    if url:
        return _names_at_host(source, dateline, _hostname(url))
    return _meta_names(source, dateline)


@functools.lru_cache(maxsize=1024)  # (by host, not url: each article has a url of its own)
def _names_at_host(source: str | None, dateline: str | None, host: str) -> tuple[str, ...]:
    return _with_host_name(_meta_names(source, dateline), host)


@functools.lru_cache(maxsize=1024)  # (per publisher: urls differ, their hosts do not)
def _with_host_name(names: tuple[str, ...], host: str) -> tuple[str, ...]:
    """``names`` and the host's name; an agency's site ("apnews.com", "reuters.com", a
    crawl's source) adds the agency's names too ("AP", "The Associated Press")."""
    name = _host_name(host)
    if not name:
        return names
    added = [name, *_AGENCY_OF.get(_AGENCY_HOSTS.get(name, name), ())]
    folded = {n.casefold() for n in names}
    more = [n for n in added if n.casefold() not in folded]
    return (*names, *dict.fromkeys(more)) if more else names


@functools.lru_cache(maxsize=1024)  # (per host: ``names`` also hold the page's dateline)
def _host_name(host: str) -> str | None:
    """The publisher name a host gives ("asia.nikkei.com" -> "nikkei"), or None."""
    parts = [p for p in host.split(".") if p not in _HOST_PARTS]
    if parts and len(parts[-1]) >= 3:
        name = parts[-1].strip()
        if len(name) >= 2:
            return name
    return None


# A url whose host urlsplit would take as it stands: a lowercase http(s) scheme, then
# a host of lowercase letters, digits, dots and hyphens (no user, port, brackets, or
# characters urlsplit removes), up to the path, query, fragment or end.
_PLAIN_HOST = re.compile(r"https?://([a-z0-9.-]*)(?=[/?#]|\Z)")


def _hostname(url: str) -> str:
    """``urlsplit(url).hostname or ""``, read straight off a plain url (most urls)."""
    m = _PLAIN_HOST.match(url)
    if m:
        return m.group(1)
    return urlsplit(url).hostname or ""


@functools.lru_cache(maxsize=1024)  # (urls differ from article to article; sources do not)
def _meta_names(source: str | None, dateline: str | None) -> tuple[str, ...]:
    names = list(_raw_names(source)) if source else []
    if dateline:
        folded = {n.casefold() for n in names}
        names += [n for n in _raw_names(dateline) if n.casefold() not in folded]
    return tuple(names)


@functools.lru_cache(maxsize=1024)  # (per source, and per dateline: its pairs with sources vary)
def _raw_names(raw: str) -> tuple[str, ...]:
    """The names one metadata field gives, first spelling of each (casefolded) kept."""
    names: list[str] = []

    def add(name: str) -> None:
        name = name.strip()
        if len(name) >= 2 and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)

    raw = raw.strip(" /()-—")
    raw = raw.removeprefix("wire:")
    for alias in _AGENCY_OF.get(raw.casefold(), ()):
        add(alias)
    if raw.isupper() or " " in raw or len(raw) > 3:
        add(raw)
    for word in re.findall(r"[A-Z][\w&’'-]+", raw):
        if word.casefold() not in _NOT_NAMES and len(word) >= 3:
            add(word)
    return tuple(names)


def _label(side: str, art: Article) -> str:
    return f"{side} ({art.source or art.id})"


@functools.lru_cache(maxsize=1024)  # (a scan meets each article in several pairs)
def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


_TimeKeys = tuple[int | None, int, int]

# A local time shown without its zone is some instant from 14 hours before it (as
# if UTC) to 12 hours after: the zones in use run from UTC-12 to UTC+14.
_ZONE_BEHIND = 14 * 3600 * 1_000_000  # microseconds
_ZONE_AHEAD = 12 * 3600 * 1_000_000
_DAY = 24 * 3600 * 1_000_000


@functools.lru_cache(maxsize=1024)  # (a scan meets each article in several pairs)
def _time_keys(value: str | None) -> _TimeKeys | None:
    """A publication time as whole microseconds since 1970: (of the instant when the time
    has an offset, else None; of the wall-clock time; how long the value spans: a day
    for a date alone, else 0), or None when there is no time. Ints compare as the
    datetimes do (fixed offsets), at a fraction of the cost."""
    t = _parse_time(value)
    if t is None:
        return None
    wall = (t.replace(tzinfo=None) - _EPOCH) // _MICROSECOND
    span = _DAY if len(cast(str, value).strip()) <= len("2026-01-01") else 0
    if t.tzinfo is not None:
        return (t - _EPOCH_UTC) // _MICROSECOND, wall, 0
    return None, wall, span


def _time_cues(a: Article, b: Article) -> list[_Cue]:
    return _time_cues_of(a, b, _time_keys(a.published), _time_keys(b.published))


def _earlier(ka: _TimeKeys, kb: _TimeKeys) -> str | None:
    """The side ("a" or "b") published first for certain, or None.

    Two instants compare as they are; two local times as if in one zone (a date
    alone: any time that day). A local time against an instant only where no zone
    could change the order (a wire's "22:09 UTC" and a paper's "7:30 PM" may be
    either way round).
    """
    if ka[0] is not None and kb[0] is not None:
        ta, tb = ka[0], kb[0]
        return "a" if ta < tb else "b" if tb < ta else None
    # each time as the earliest and the latest instant it may be, in microseconds
    lo_a, hi_a = _bounds(ka, kb[0] is None)
    lo_b, hi_b = _bounds(kb, ka[0] is None)
    if hi_a < lo_b:
        return "a"
    if hi_b < lo_a:
        return "b"
    return None


def _bounds(k: _TimeKeys, local: bool) -> tuple[int, int]:
    """The first and last instant time ``k`` may stand for, on the wall clock when
    the other time is local too (``local``), else on UTC's."""
    if k[0] is not None:
        return k[0], k[0]
    if local:
        return k[1], k[1] + k[2] - (k[2] > 0)
    return k[1] - _ZONE_BEHIND, k[1] + k[2] + _ZONE_AHEAD


def _time_cues_of(a: Article, b: Article, ka: _TimeKeys | None, kb: _TimeKeys | None) -> list[_Cue]:
    """:func:`_time_cues` given ``ka``, ``kb``: the :func:`_time_keys` of ``a.published``
    and ``b.published`` (from each article's own work)."""
    if ka is None or kb is None:
        return []
    first = _earlier(ka, kb)
    if first is None:
        if (ka[0] is None) != (kb[0] is None):
            return _agency_first(a, b)
        return []
    second, x, y = ("b", a, b) if first == "a" else ("a", b, a)
    return [
        _Cue(
            first,
            WEIGHT_TIME,
            f"{_label(first, x)} was published {x.published}, "
            f"before {_label(second, y)} ({y.published})",
        )
    ]


def _agency_first(a: Article, b: Article) -> list[_Cue]:
    """Where a zone left out makes the times' order unknown: a news agency's own story
    is taken as the first of the two, when only one of them is one (reprints follow
    the wire; an agency's rewrite of a paper credits it, which outweighs this)."""
    on_a, on_b = _is_agency(a.source), _is_agency(b.source)
    if on_a == on_b:
        return []
    side, x, y = ("a", a, b) if on_a else ("b", b, a)
    other = "b" if side == "a" else "a"
    return [
        _Cue(
            side,
            WEIGHT_AGENCY_FIRST,
            f"{_label(side, x)} is a news agency's story ({x.published}); "
            f"{_label(other, y)}'s time ({y.published}) may be either side of it "
            "(no zone given): the agency's is taken as the first",
        )
    ]


@functools.cache
def _agency_name_words() -> frozenset[tuple[str, ...]]:
    return frozenset(
        tuple(w.casefold() for w in _name_words(n)) for names in _AGENCIES for n in names
    )


def _agency_words(words: Sequence[str]) -> bool:
    """Are credited name ``words`` a news agency's ("Reuters", "Associated" of "The
    Associated Press": the name words of one of _AGENCIES' names)?"""
    return tuple(w.casefold() for w in words) in _agency_name_words()


# Agencies' sites whose host names none of the names in _AGENCIES, and the agency
_AGENCY_HOSTS = {"apnews": "ap", "xinhuanet": "xinhua", "kyodonews": "kyodo"}


@functools.lru_cache(maxsize=1024)  # (per source)
def _is_agency(source: str | None) -> bool:
    """Is ``source`` a news agency: by name ("wire:AP", "Reuters", "The Associated
    Press") or by its site's host ("www.reuters.com", a WARC record's source)?"""
    if not source:
        return False
    name = source.removeprefix("wire:").strip().casefold()
    if name in _AGENCY_OF:
        return True
    if "." in name and " " not in name:
        host = _host_name(name)
        return host is not None and (host in _AGENCY_OF or host in _AGENCY_HOSTS)
    return False


def _content(art: Article) -> tuple[tuple[int, int], ...]:
    return art.content or ((0, len(art.text)),)


def _context(art: Article, start: int, end: int) -> tuple[int, int]:
    """The paragraph around ``[start, end)``, at most CONTEXT_* characters each way."""
    text = art.text
    lo = max(0, start - CONTEXT_BEFORE)
    cut = text.rfind("\n\n", lo, start)
    if cut < 0:
        cut = text.rfind("\n", lo, start)
    lo = cut + 1 if cut >= 0 else lo
    hi = min(len(text), end + CONTEXT_AFTER)
    cut = text.find("\n", end, hi)
    hi = cut if cut >= 0 else hi
    return lo, hi


_PUBLISHER_FORM = re.compile(
    rf"\b{_GENERIC_NOUN}\b|\b(?:wrote|writes|reported|reports|published)\b|sources",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def _name_words(name: str) -> tuple[str, ...]:
    # (a sentence's full stop is no part of a name word: "Friday." is "Friday", a
    # weekday; "U.S." keeps its dots)
    words = [_POSSESSIVE.sub("", _no_full_stop(w)) for w in _NAME_WORD.findall(name)]
    return tuple(w for w in words if len(w) >= 2 and w.casefold() not in _NOT_NAMES)


_NAME_WORD = re.compile(r"[\w&’'.-]+")
_POSSESSIVE = re.compile(r"[’']s?$")


def _no_full_stop(word: str) -> str:
    return word[:-1] if word.endswith(".") and "." not in word[:-1] else word


def _outside_content(art: Article) -> str:
    """The page text outside the article's content (masthead and chrome); of an HTML
    page, the text a reader sees there (no markup, scripts or styles)."""
    if not art.content:
        return ""
    parts, pos = [], 0
    for s, e in art.content:
        parts.append(art.text[pos:s])
        pos = e
    parts.append(art.text[pos:])
    outside = "\n".join(parts)
    return readable_html(outside) if art.is_html else outside


def _page_texts(art: Article, own_names: tuple[str, ...]) -> tuple[str, str, str]:
    """``(outside, page, inside)``: the page text a credit may find ``art``'s publisher
    named in (see :class:`_OwnCredits`). An HTML page that names its publisher in its
    metadata (site name, url) gives none: around its article stand ads, image credits
    ("© NASA") and related links naming dozens of others; its masthead is what a
    page without metadata (text copied from a browser) is known by."""
    if art.is_html and own_names:
        return "", "", ""
    return _outside_content(art), _page_words(art), _inside_content(art)


def _inside_content(art: Article) -> str:
    """The article's content spans, joined (markup-free for an HTML page)."""
    inside = "\n".join(art.text[s:e] for s, e in art.content)
    return readable_html(inside) if art.is_html else inside


def _page_words(art: Article) -> str:
    """The text a reader sees of ``art``: its text, or an HTML page's without markup."""
    return readable_html(art.text) if art.is_html else art.text


def _name_matches(
    words: Sequence[str],
    known: Sequence[str],
    other: Article,
    strong: bool,
    masthead: str | None = None,
) -> bool:
    """Whether credited name ``words`` refer to the publisher of ``other``.

    Known names (metadata) always count; so does a name on the other page's
    masthead or chrome; a name credited with a publisher form ("X daily wrote",
    "X's sources") also counts when it occurs in the other page at all.
    """
    folded = frozenset(w.casefold() for w in words)
    if _meets_known(words, folded, _known_words(tuple(known)), tuple(known)):
        return True
    return _named_on_page(words, other, strong, masthead)


def _meets_known(
    words: Sequence[str], folded: frozenset[str], known: frozenset[str], names: tuple[str, ...]
) -> bool:
    """Whether a credited name (``words``, casefolded ``folded``) meets known publisher
    names (``known``: their :func:`_known_words`). Two names of two or more words that
    share only their last word name two papers ("The Pinehaven Beacon" is not "The
    Stonewick Beacon": a masthead noun is no name of its own)."""
    hit = folded & known
    if not hit:
        return False
    if len(words) < 2 or len(hit) > 1:
        return True
    return not (hit <= _known_heads(names) and words[-1].casefold() in hit)


@functools.lru_cache(maxsize=1024)  # (per page's names, as _known_words)
def _known_heads(names: tuple[str, ...]) -> frozenset[str]:
    """The last name words of the known ``names`` of two or more name words."""
    return frozenset(ws[-1].casefold() for ws in (_name_words(n) for n in names) if len(ws) >= 2)


def _named_on_page(
    words: Sequence[str],
    other: Article,
    strong: bool,
    masthead: str | None,
    theirs: _OwnCredits | None = None,
) -> bool:
    """The page half of :func:`_name_matches`: a name word on ``other``'s masthead (or,
    ``strong``, anywhere a reader sees on it), unless ``other`` itself credits the
    name: then it is a third party both credit ("Bloomberg reported" in two write-ups
    of Bloomberg's story). ``theirs``: ``other``'s own credit work, when known."""
    if theirs is None:
        theirs = _own_credits(other, tuple(publisher_names(other)))
    if not theirs.credited.isdisjoint(w.casefold() for w in words):
        return False
    if theirs.known_words and _agency_words(words):
        # (a news agency on the page of a known other publisher, a reprint of the
        # agency's story: a third party both name; an agency's own page without a
        # known publisher is known by its masthead)
        return False
    if strong:
        page = theirs.page
        return any(w in page and _has_word(page, w) for w in words)
    text = theirs.outside if masthead is None else masthead
    inside = theirs.inside
    for w in reversed(words):  # the head word of "Japan's Nikkei" is "Nikkei"
        # (``in`` first: most credited names are nowhere on the other page)
        # (a name in the other's article too is what its story is about, "said
        # WeWork" beside a headline on WeWork, not its masthead)
        if text and w in text and _has_word(text, w) and not (w in inside and _has_word(inside, w)):
            return True
    return False


# The sets of a page's names below are made per names tuple, which holds the page's
# dateline (a town) as well as its publisher's names and so recurs less than each name:
# a miss joins the sets of each name (cached per name).
@functools.lru_cache(maxsize=1024)
def _known_words(names: tuple[str, ...]) -> frozenset[str]:
    """Publisher ``names`` casefolded, and their name words: a credited name matches a
    known name when its casefolded words meet these."""
    return frozenset().union(*(_name_forms(k).words for k in names))


class _NameForms(NamedTuple):
    words: frozenset[str]  # the name and its name words, casefolded
    joined: frozenset[str]  # the name and its name words joined, casefolded
    squashed: frozenset[str]  # the name squashed, with and without a domain ending


@functools.lru_cache(maxsize=4096)
def _name_forms(name: str) -> _NameForms:
    return _NameForms(
        frozenset({name.casefold(), *_folded_words(name)}),
        frozenset({name.casefold(), " ".join(_name_words(name)).casefold()}),
        frozenset({_squash(name), _squash(_DOMAIN_END.sub("", name))}),
    )


@functools.lru_cache(maxsize=4096)
def _folded_words(name: str) -> frozenset[str]:
    """The casefolded name words of a credited ``name``, and its last two or more
    words run together: a crawl's pages are known by their hosts, whose names are
    their publishers' run together ("As The Redfield Press" at redfieldpress.com,
    "The Guardian" at theguardian.com)."""
    return frozenset([*(w.casefold() for w in _name_words(name)), *_run_together(name)])


@functools.lru_cache(maxsize=4096)
def _run_together(text: str) -> frozenset[str]:
    """The last two or more words of ``text`` run together, casefolded ("Republished
    from The Redfield Press" -> "redfieldpress", "theredfieldpress", ...)."""
    runs = [w.casefold() for w in _LETTER_RUN.findall(text)]
    return frozenset("".join(runs[k:]) for k in range(len(runs) - 1))


_LETTER_RUN = re.compile(r"[^\W_]+")


def _has_word(text: str, word: str) -> bool:
    """``re.search(rf"\\b{re.escape(word)}\\b", text)`` without compiling a pattern per
    word (names change from pair to pair and would churn the ``re`` cache)."""
    n = len(word)
    if _UNSPACED.match(word[0]) or _UNSPACED.match(word[-1]):
        # (Chinese, Japanese: no spaces part the words, and a Korean name takes its
        # particle: "연합뉴스는"; a name stands inside a run)
        return word in text
    before = _is_word_char(word[0])
    after = _is_word_char(word[-1])
    k = text.find(word)
    while k >= 0:
        if (k > 0 and _is_word_char(text[k - 1])) != before and (
            k + n < len(text) and _is_word_char(text[k + n])
        ) != after:
            return True
        k = text.find(word, k + 1)
    return False


_UNSPACED = re.compile(f"[{CJK_CHARS}{HANGUL_CHARS}]")


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what ``\w`` matches in a str pattern


_Hit = tuple[int, int, str]  # start, end, phrase


def _credit_hits(
    art: Article,
    other_names: Sequence[str],
    own_names: Sequence[str],
    other: Article,
    own: tuple[_OwnCredits, _OwnCredits] | None = None,
) -> tuple[list[_Hit], Sequence[_Hit]]:
    """Credit phrases in ``art``'s content: (those naming ``other``'s publisher, generic).

    ``own``: the own credit work of ``art`` and of ``other`` (with ``other_names``),
    when the caller has them.
    """
    mine = own[0] if own else _own_credits(art, tuple(own_names))
    if not mine.named:
        return [], mine.generic
    # (_name_matches, with the other's known words looked up once and each credited
    # name's casefolded words from the article's own work)
    verdicts: dict[tuple[tuple[str, ...], bool], bool]
    theirs = own[1] if own else _own_credits(other, tuple(other_names))
    masthead = theirs.outside
    if own:
        known, verdicts = theirs.known_words, theirs.verdicts
    else:
        known, verdicts = _known_words(tuple(other_names)), {}
    named: list[_Hit] = []
    for start, end, phrase, words, strong, folded in mine.named:
        key = (words, strong)  # (no name word holds a space)
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = _meets_known(words, folded, known, tuple(other_names)) or _named_on_page(
                words, other, strong, masthead, theirs
            )
            verdicts[key] = verdict
        if verdict:
            named.append((start, end, phrase))
    named.sort()
    return named, mine.generic


# Articles whose own credit work is kept per process (trigger windows, credit-phrase
# and credit-line matches, page text outside the content): what does not depend on
# the other article. A scan meets each article in several consecutive pairs.
OWN_CREDITS_CACHE = 64


class _OwnCredits(NamedTuple):
    # credit phrases that name someone other than ``art``'s own publisher, in match
    # order: (start, end, phrase, name words, named with a publisher form, the name
    # words casefolded)
    named: tuple[tuple[int, int, str, tuple[str, ...], bool, frozenset[str]], ...]
    generic: tuple[_Hit, ...]  # generic credit phrases, sorted
    # credit lines in match order: (credited name, the line, whether a name found
    # on the other's masthead is no evidence: see _third_party_or_own)
    lines: tuple[tuple[str, str, bool], ...]
    outside: str  # the page text outside the content (_outside_content)
    page: str  # the text a reader sees of the page (_page_words)
    inside: str  # the article's content (_inside_content)
    content_chars: int  # the characters of the content (for coverage)
    # what the other article of a pair reads of this one's names: _known_words and
    # _known_folded of its own names (a credit names it when it meets these)
    known_words: frozenset[str]
    known_folded: frozenset[str]
    # the name words this page's credit phrases name ("Bloomberg reported"): a third
    # party, when another page credits them and only this page's text names them.
    # (Not its credit lines: "— United Press International" under a wire story names
    # the article's own author, whom a reprint's "Provided by UPI" credits.)
    credited: frozenset[str]
    time_keys: _TimeKeys | None  # _time_keys(art.published)
    # whether credited name words (with a publisher form or not) name this article's
    # publisher, kept from its earlier pairs (its partners, copies of one story, credit
    # the same names): filled by _credit_hits
    verdicts: dict[tuple[tuple[str, ...], bool], bool]


# The last articles' (publisher names, own credit work), by the article object: the
# engine hands attribution one object per article for all the pairs of a chunk, and
# hashing an Article (its text, its content spans) for the lru caches on every pair
# costs more than the lookup. (A held article's id is not reused.)
_WORK_BY_ID: dict[int, tuple[Article, tuple[tuple[str, ...], _OwnCredits]]] = {}


def _article_work(art: Article) -> tuple[tuple[str, ...], _OwnCredits]:
    """``(_names_of(...), _own_credits(...))`` of ``art`` (its publisher names as a tuple,
    its own credit work), remembered for the last OWN_CREDITS_CACHE article objects."""
    hit = _WORK_BY_ID.get(id(art))
    if hit is not None and hit[0] is art:
        return hit[1]
    names = _names_of(art.source, art.dateline, art.url)
    work = (names, _own_credits(art, names))
    if type(art.content) is tuple:  # (not an article whose content list may change)
        if len(_WORK_BY_ID) >= OWN_CREDITS_CACHE:
            del _WORK_BY_ID[next(iter(_WORK_BY_ID))]  # the oldest
        _WORK_BY_ID[id(art)] = (art, work)
    return work


def _own_credits(art: Article, own_names: tuple[str, ...]) -> _OwnCredits:
    """The credit work on ``art`` that does not depend on the other article, cached."""
    try:
        return _own_credits_cached(art, own_names)
    except TypeError:  # an unhashable article (content given as a list)
        return _find_own_credits(art, own_names)


def _masthead(art: Article) -> str:
    """``_outside_content(art)``, from the cache that :func:`attribute` fills."""
    return _own_credits(art, tuple(publisher_names(art))).outside


def _find_own_credits(art: Article, own_names: tuple[str, ...]) -> _OwnCredits:
    own = _own_words(own_names)
    named: list[tuple[int, int, str, tuple[str, ...], bool, frozenset[str]]] = []
    text = art.text
    plain = _letter_runs(text)  # (read by both the phrase and the line searches)
    runs = _with_lookalikes(text, plain)  # (... as is this)
    both = _word_starts(plain, _TRIGGER_OR_LINE_RUN)  # (trigger and credit-line words)
    intl_keys = [w for _, w in both if w in _INTL_KEYS]
    if intl_keys:
        both = [x for x in both if x[1] not in _INTL_KEYS]
    words_at = _words_at(art, plain, [x for x in both if x[1] not in _WHOLE_LINE_WORDS], runs)
    for rx, where in _NAMED_STARTS:
        for m in _matches_in(rx, where, text, words_at):
            name = m.group("name")
            words = _name_words(name)
            if not words:
                continue
            folded = _folded_words(name)  # (cached: the same names recur)
            if _meets_known(words, folded, own, own_names):  # (its own publisher)
                continue
            strong = bool(_PUBLISHER_FORM.search(m.group()))
            named.append((m.start(), m.end(), m.group().strip(), words, strong, folded))
    generic = sorted(
        (m.start(), m.end(), m.group().strip())
        for m in _matches_in(_GENERIC_RE, _GENERIC_STARTS, text, words_at)
    )
    # (German, French, Spanish, Italian, Portuguese and Russian credits)
    intl = find_credits(text, art.content, page_languages(text, intl_keys))
    for start, end, phrase, name, strong in intl.named:
        words = _name_words(name)
        if not words:
            continue
        folded = _folded_words(name)
        if _meets_known(words, folded, own, own_names):
            continue
        named.append((start, end, phrase, words, strong, folded))
    if intl.generic:
        generic = sorted([*generic, *intl.generic])
    lines = tuple(_line_names(art, own_names, plain, both, runs))
    credited = frozenset().union(*(n[5] for n in named))
    return _OwnCredits(
        tuple(named),
        tuple(generic),
        lines,
        *_page_texts(art, own_names),
        _content_chars(art),
        own,
        _known_folded(own_names),
        credited,
        _time_keys(art.published),
        {},
    )


_own_credits_cached = functools.lru_cache(maxsize=OWN_CREDITS_CACHE)(_find_own_credits)


def _own_words(own_names: tuple[str, ...]) -> frozenset[str]:
    """A page's own names and their name words, casefolded (credits to them are no credits)."""
    return _known_words(own_names)


@functools.lru_cache(maxsize=1024)  # (per page's names, as _known_words)
def _own_squashed(own_names: tuple[str, ...]) -> frozenset[str]:
    """A page's own names squashed, with and without a domain ending (see _line_names)."""
    return frozenset().union(*(_name_forms(n).squashed for n in own_names))


def clear_caches() -> None:
    """Forget every article's remembered credit work and publisher names (benchmarks
    that time a fresh pair)."""
    _WORK_BY_ID.clear()
    _own_credits_cached.cache_clear()
    _names_at_host.cache_clear()
    _with_host_name.cache_clear()
    _meta_names.cache_clear()
    _name_words.cache_clear()
    _squash.cache_clear()
    _parse_time.cache_clear()
    _time_keys.cache_clear()
    _is_agency.cache_clear()
    _known_folded.cache_clear()
    _folded_words.cache_clear()
    _known_words.cache_clear()
    _own_squashed.cache_clear()
    _host_name.cache_clear()
    _raw_names.cache_clear()
    _name_forms.cache_clear()
    _alnum_folded.cache_clear()
    _third_party_or_own.cache_clear()
    _line_name.cache_clear()


class _WordsAt(NamedTuple):
    windows: list[tuple[int, int]]  # where credit phrases can be (see _trigger_windows)
    anchors: list[tuple[int, bytes]]  # (start, word): the text's trigger words, sorted
    runs: bytes  # the text as _letter_runs sees it, with the IGNORECASE look-alikes


def _words_at(
    art: Article,
    runs: bytes | None = None,
    found: list[tuple[int, bytes]] | None = None,
    runs_i: bytes | None = None,
) -> _WordsAt:
    """The trigger windows of ``art``'s content and the trigger words of its text
    (``runs``: ``_letter_runs(art.text)``, ``found``: ``_word_starts(runs)``, ``runs_i``:
    ``_with_lookalikes(art.text, runs)``, when the caller has them)."""
    text = art.text
    if runs is None:
        runs = _letter_runs(text)
    if found is None:
        found = _word_starts(runs)
    windows = _trigger_windows(art, runs, found)
    if not windows:
        return _WordsAt([], [], runs)
    if runs_i is None:
        runs_i = _with_lookalikes(text, runs)
    if runs_i is not runs:
        found = _word_starts(runs_i)
    return _WordsAt(windows, found, runs_i)


def _matches_in(
    rx: re.Pattern[str], where: _Starts | re.Pattern[bytes], text: str, words_at: _WordsAt
) -> Iterator[re.Match[str]]:
    """What ``rx.finditer(text, lo, hi)`` yields over each trigger window in turn, with
    ``rx`` tried only where a match can begin: at the starts ``where`` gives (see
    :func:`_candidates`), or, for a pattern led by a name, in the windows where the
    search ``where`` finds the word that follows the name."""
    windows, runs = words_at.windows, words_at.runs
    if isinstance(where, re.Pattern):
        for lo, hi in windows:
            if where.search(runs, lo, hi):
                yield from rx.finditer(text, lo, hi)
        return
    # windows are sorted and apart (_trigger_windows merges any that touch), and a
    # match ends inside its window
    k, pos = 0, 0
    for s in _candidates(words_at.anchors, where, runs):
        while k < len(windows) and windows[k][1] <= s:
            k += 1
        if k == len(windows):
            return
        lo, hi = windows[k]
        if s >= lo and s >= pos:
            m = rx.match(text, s, hi)
            if m:
                yield m
                pos = m.end()


def _candidates(anchors: Sequence[tuple[int, bytes]], starts: _Starts, runs: bytes) -> list[int]:
    """Sorted positions where a match of a pattern with ``starts`` can begin: its anchor
    words, and the word just before one when that word may lead the match ("as" before
    "cited"). ``anchors``: the text's trigger words, (start, word), sorted."""
    first, before = starts
    if not before:
        return [k for k, word in anchors if word in first]
    out: list[int] = []
    for k, word in anchors:
        if word in first:
            out.append(k)
        leads = before.get(word)
        if leads:
            e = k
            while e > 0 and runs[e - 1] == 32:  # back over the gap (spaces in ``runs``)
                e -= 1
            for lead in leads:
                s = e - len(lead)
                if s >= 0 and runs[s:e] == lead:
                    out.append(s)
    out.sort()
    return out


def _matches_at(
    rx: re.Pattern[str], text: str, candidates: Sequence[int], hi: int
) -> Iterator[re.Match[str]]:
    """What ``rx.finditer(text, lo, hi)`` yields when matches can only begin at
    ``candidates`` (sorted, all >= lo): leftmost first, none overlapping."""
    pos = 0
    for s in candidates:
        if s >= pos:
            m = rx.match(text, s, hi)
            if m:
                yield m
                pos = m.end()


def _trigger_windows(
    art: Article, runs: bytes, found: list[tuple[int, bytes]]
) -> list[tuple[int, int]]:
    """Stretches of content around credit keywords: the only places credit phrases can be.

    ``found`` is ``_word_starts(runs)``; each content span sees the words of its own
    slice of the text (a word cut by the span's ends is a shorter word)."""
    windows: list[tuple[int, int]] = []
    starts = [k for k, _ in found]
    n, size = len(starts), len(runs)
    k = prev = 0  # (the first word at or after the span, found by walking: spans are sorted)
    for lo, hi in _content(art):
        if lo < prev:  # (spans out of order, against the contract: walk from the top)
            k = 0
        prev = lo
        while k < n and starts[k] < lo:
            k += 1
        j = k
        while j < n and starts[j] < hi:
            j += 1
        if (0 < lo <= size and runs[lo - 1] != 32) or (hi < size and runs[hi] != 32):
            words = _words_within(runs, found, starts, lo, hi)  # (an end may cut a word)
        elif j > k:  # (no end cuts a run of letters: the span's words are the text's)
            words = found[k:j]
        else:
            continue  # no trigger word in the span
        for start, word in words:
            s = max(lo, start - TRIGGER_REACH)
            e = min(hi, start + len(word) + TRIGGER_REACH)
            if windows and s <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], e))
            else:
                windows.append((s, e))
    return windows


def _words_within(
    runs: bytes, found: list[tuple[int, bytes]], starts: list[int], lo: int, hi: int
) -> list[tuple[int, bytes]]:
    """``_word_starts(runs[lo:hi])``, offsets in ``runs``, from the whole text's ``found``."""
    out = [
        (k, w)
        for k, w in found[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]
        if k + len(w) <= hi
    ]
    if lo >= min(hi, len(runs)):
        return out
    cut_at_lo = lo > 0 and runs[lo - 1] != 32 and runs[lo] != 32
    if cut_at_lo:  # the slice starts inside a run of letters
        e = runs.find(b" ", lo, hi)
        word = runs[lo : hi if e < 0 else e]
        if word in _TRIGGER_SET:
            out.insert(0, (lo, word))
    if hi < len(runs) and runs[hi] != 32 and runs[hi - 1] != 32:  # ... or ends inside one
        s = max(lo, runs.rfind(b" ", lo, hi) + 1)
        word = runs[s:hi]
        if not (s == lo and cut_at_lo) and word in _TRIGGER_SET:
            out.append((s, word))
    return out


# bytes -> bytes: ASCII letters lowercased, every other byte a space
_LETTERS = bytes(b + 32 if 65 <= b <= 90 else b if 97 <= b <= 122 else 32 for b in range(256))
# The non-ASCII characters that case-insensitive patterns match to ASCII letters.
_LOOKALIKES = {"\u0130": ord("i"), "\u0131": ord("i"), "\u017f": ord("s"), "\u212a": ord("k")}


def _letter_runs(text: str) -> bytes:
    """``text`` as one byte per character: ASCII letters lowercased, all else a space
    (every non-ASCII character becomes ``?`` first, so offsets are character offsets)."""
    return text.encode("ascii", "replace").translate(_LETTERS)


def _with_lookalikes(text: str, runs: bytes) -> bytes:
    """``runs`` with the characters that ``(?i)`` matches to ASCII letters as those
    letters ("ſaid" is "said" to the credit patterns)."""
    if text.isascii():
        return runs
    found = [(ch, letter) for ch, letter in _LOOKALIKES.items() if ch in text]
    if not found:
        return runs
    buf = bytearray(runs)
    for ch, letter in found:
        k = text.find(ch)
        while k >= 0:
            buf[k] = letter
            k = text.find(ch, k + 1)
    return bytes(buf)


def _word_starts(runs: bytes, search: re.Pattern[bytes] = _TRIGGER_RUN) -> list[tuple[int, bytes]]:
    """Sorted (start, word) of every whole run of letters in ``runs`` that is a trigger word
    (or a word of another :func:`_run_search`)."""
    return [(m.start(), m.group(1)) for m in search.finditer(b" " + runs + b" ")]


def _credit_line(
    art: Article,
    other_names: Sequence[str],
    other: Article,
    own_names: Sequence[str] = (),
    own: tuple[_OwnCredits, _OwnCredits] | None = None,
) -> str | None:
    """A credit line anywhere in ``art`` naming ``other``'s publisher (the whole name, or
    a name on ``other``'s masthead), or None. Credit lines often sit in what the
    cleaner calls chrome, so the whole page is searched. ``art``'s own copyright line
    ("Copyright 2026 Reuters" on a Reuters page) credits nobody else, even when the
    name also stands on ``other``'s masthead (a reprint's "(Reuters)")."""
    lines = (own[0] if own else _own_credits(art, tuple(own_names))).lines
    if not lines:
        return None
    theirs = own[1] if own else _own_credits(other, tuple(other_names))
    known = theirs.known_folded if own else _known_folded(tuple(other_names))
    masthead, credited = theirs.outside, theirs.credited
    for name, line, no_evidence in lines:
        if name.casefold() in known or not _run_together(line.rstrip(" .")).isdisjoint(known):
            return line
        if (
            masthead
            and not no_evidence
            and name in masthead
            and _has_word(masthead, name)
            and _folded_words(name).isdisjoint(credited)  # (a third party both credit)
            # (the same line on both pages: "© Meridian Media Group" under two of
            # the group's sites names their common owner, neither's publisher)
            and not any(line == theirs_line for _, theirs_line, _ in theirs.lines)
        ):
            return line
    return None


@functools.lru_cache(maxsize=1024)  # (per page's names, as _known_words)
def _known_folded(names: tuple[str, ...]) -> frozenset[str]:
    """Publisher ``names``, and their name words joined, casefolded."""
    return frozenset().union(*(_name_forms(k).joined for k in names))


def _line_names(
    art: Article,
    own_names: Sequence[str],
    plain: bytes | None = None,
    both: list[tuple[int, bytes]] | None = None,
    runs: bytes | None = None,
) -> Iterator[tuple[str, str, bool]]:
    """The credit lines of ``art`` in the order :func:`_credit_line` tries them:
    (the credited name, the line, whether the name is no evidence when it stands on
    the other's masthead). ``plain``: ``_letter_runs(art.text)``, ``both``:
    ``_word_starts(plain, _TRIGGER_OR_LINE_RUN)``, ``runs``: ``_with_lookalikes(art.text,
    plain)``, when known."""
    own = _own_squashed(tuple(own_names))
    text = art.text
    if plain is None:
        plain = _letter_runs(text)
    if runs is None:
        runs = _with_lookalikes(text, plain)
    # the _WHOLE_LINE_WORDS standing whole on the page, when it has no look-alike
    # letters (with them, a pattern may match a word spelled with one while another
    # spelling passes the gate below: "provıded by X ... unprovided")
    whole: frozenset[bytes] | None = None
    if runs is plain:
        if both is None:
            both = _word_starts(plain, _TRIGGER_OR_LINE_RUN)
        whole = frozenset(w for _, w in both if w in _WHOLE_LINE_WORDS)
    # each pattern runs only on pages with its word in ``text.lower()``; a letter word
    # is in it where it is in ``plain``, unless one of the two characters whose lower
    # case holds an ASCII letter is on the page; a word that stands whole in every
    # match need only be looked up in ``whole`` (both characters are look-alikes: a page
    # without look-alikes has neither)
    low = None
    if runs is not plain and ("\u212a" in text or "\u0130" in text):
        low = text.lower()
    for word, key, gate, rx in _LINE_GATES:
        if low is not None:
            if word not in low:
                continue
        elif gate is _GATE_WHOLE and whole is not None:
            if key not in whole:
                continue
        elif gate is not _GATE_TEXT:
            if key not in plain:
                continue
        elif word not in text:  # "", "©", "(": caseless
            continue
        for m in _line_matches(word, rx, text, runs):
            named = _line_name(m.group("name"), word == "contributed")
            if named is not None:
                name, piece = named
                yield name, m.group().strip(), _third_party_or_own(name, piece, own)
        if rx is _DASH_CREDIT and art.is_html:  # (the page's lines are its markup's)
            for m in _HTML_DASH_CREDIT.finditer(text):
                named = _line_name(m.group("name"), False)
                if named is not None:
                    name, piece = named
                    yield name, unescape(m.group("line")), _third_party_or_own(name, piece, own)


# How _line_names looks for each credit-line pattern's word on a page (when it has no
# look-alike letters): in the whole _WHOLE_LINE_WORDS runs, in ``plain`` (another
# letter word), or in the text as it stands ("", "©", "(").
_GATE_WHOLE, _GATE_LETTERS, _GATE_TEXT = "whole", "letters", "text"
_LINE_GATES = tuple(
    (
        word,
        word.encode(),
        (_GATE_WHOLE if word.encode() in _WHOLE_LINE_WORDS else _GATE_LETTERS)
        if word.isalpha() and word.isascii()
        else _GATE_TEXT,
        rx,
    )
    for word, rx in _CREDIT_LINE_RE
)


@functools.lru_cache(maxsize=4096)  # (a publisher's credit lines recur on its pages)
def _line_name(group: str, last: bool) -> tuple[str, str] | None:
    """(The name, the piece it is read from) of a credit line's name ``group``, or None.
    "Copyright 2026 Reuters. All rights reserved." names Reuters; a name before its
    keyword is the last piece (``last``: "... Mennis.\n\nThe Associated Press
    contributed to this report")."""
    pieces = _NAME_BREAK.split(group)
    piece = pieces[-1] if last else pieces[0]
    words = _name_words(piece.rstrip("."))
    if not words:
        return None
    return " ".join(words), piece


@functools.lru_cache(maxsize=4096)  # (a publisher's credit lines recur on its pages)
def _third_party_or_own(name: str, piece: str, own: frozenset[str]) -> bool:
    """Whether a credited ``name`` found on the other's masthead is no evidence: a news
    agency (reprints name it on their pages: a third party both credit) or the
    crediting page's own publisher ("© 2026 The Springbury Times" on springburytimes.com;
    ``own``: its squashed names)."""
    if name.casefold() in _AGENCY_OF or piece.strip().rstrip(".").casefold() in _AGENCY_OF:
        return True  # ("Associated" of "The Associated Press": its other words are no names)
    short, full = _squash(name), _alnum_folded(piece)
    return any(len(o) >= 4 and ((short and short in o) or o in full) for o in own)


@functools.lru_cache(maxsize=4096)  # (per credited piece: ``own`` varies more)
def _alnum_folded(piece: str) -> str:
    return "".join(ch for ch in piece.casefold() if ch.isalnum())


_NAME_BREAK = re.compile(r"[.,;:]\s|\n")
_DOMAIN_END = re.compile(r"\.[a-z]{2,}$", re.I)


@functools.lru_cache(maxsize=4096)
def _squash(name: str) -> str:
    """A name's letters and digits, casefolded: "The Stonewick Beacon" and
    "stonewickbeacon" (a host name's part) compare equal. Cached: an article's own
    names are its source's, met again with every article of that source."""
    words = _name_words(name) or [name]
    return "".join(ch for ch in "".join(words).casefold() if ch.isalnum())


def _line_matches(
    word: str, rx: re.Pattern[str], text: str, runs: bytes
) -> Iterable[re.Match[str]]:
    """``rx.finditer(text)`` for the credit-line pattern of ``word``, tried only where a
    match can begin when that is known: at ``word`` (``runs``: the text's letter runs
    with look-alikes, see :func:`_with_lookalikes`), or at a dash-led line."""
    if rx is _DASH_CREDIT:
        return _matches_at(rx, text, _dash_line_starts(text), len(text))
    if word in _WORD_LED:
        return _matches_at(rx, text, _occurrences(runs, word.encode()), len(text))
    if word == "contributed":
        return _contributed_matches(rx, text, runs)
    # "©", "(": a pattern led by its word, searched from the word's first place (sre
    # would scan the text before it one character at a time)
    return rx.finditer(text, max(0, text.find(word)))


_CONTRIBUTED_TAIL = re.compile(r"(?i:contributed\s+to\s+this\s+(?:report|story|article))")
# What stands between the start of a "contributed" line's name and its keyword.
_NAME_STRETCH = re.compile(r"[\w&.’'\-\s]*")


def _contributed_matches(rx: re.Pattern[str], text: str, runs: bytes) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)`` for the "X contributed to this report" pattern, which
    begins with a name: searched only from where a name can begin before each of its
    keywords (the stretch of name characters and spaces that ends at the keyword),
    instead of trying the name at every capital letter of the page."""
    pos = 0
    for k in _occurrences(runs, b"contributed"):
        if k < pos or not _CONTRIBUTED_TAIL.match(text, k):
            continue
        reach = 256
        while True:  # the stretch read backwards, in growing windows
            lo = max(0, k - reach)
            stretch = _NAME_STRETCH.match(text[lo:k][::-1])
            back = stretch.end() if stretch else 0
            if back < k - lo or lo == 0:
                break
            reach *= 4
        m = rx.search(text, max(pos, k - back))
        if m is None:
            return
        yield m
        pos = m.end()


def _occurrences(runs: bytes, word: bytes) -> list[int]:
    out = []
    k = runs.find(word)
    while k >= 0:
        out.append(k)
        k = runs.find(word, k + 1)
    return out


def _dash_line_starts(text: str) -> list[int]:
    """Where ``_DASH_CREDIT`` matches can begin: the line starts whose first character
    after blanks is a dash (one literal-led search instead of ``^`` tried everywhere)."""
    starts = [m.start() + 1 for m in _DASH_LINE.finditer(text)]
    if _DASH_FIRST_LINE.match(text):
        starts.insert(0, 0)
    return starts


def _first_within(hits: Sequence[_Hit], lo: int, hi: int) -> str | None:
    k = bisect.bisect_left(hits, (lo, -1, ""))
    while k < len(hits) and hits[k][0] < hi:
        if hits[k][1] <= hi:
            return hits[k][2]
        k += 1
    return None


def _credit_cues(
    art: Article,
    side: str,
    other: str,
    other_names: Sequence[str],
    own_names: Sequence[str],
    other_art: Article,
    passages: Sequence[Passage],
    own: tuple[_OwnCredits, _OwnCredits] | None = None,
) -> tuple[list[bool], list[_Cue]]:
    """Whether ``art`` (side ``side``) credits ``other_art`` at each passage.

    ``own``: the own credit work of ``art`` and of ``other_art`` (with ``other_names``),
    when known."""
    named_hits, generic_hits = _credit_hits(art, other_names, own_names, other_art, own)
    credit_line = _credit_line(art, other_names, other_art, own_names, own)
    flags: list[bool] = []
    named: list[str] = []
    generic: list[str] = []
    if not named_hits and not generic_hits:  # (most pages: no passage's context to read)
        flags = [bool(credit_line)] * len(passages)
        passages = ()
    for p in passages:
        start, end = (p.a_start, p.a_end) if side == "a" else (p.b_start, p.b_end)
        lo, hi = _context(art, start, end)
        named_hit = _first_within(named_hits, lo, hi)
        generic_hit = None if named_hit else _first_within(generic_hits, lo, hi)
        flags.append(bool(named_hit or generic_hit or credit_line))
        if named_hit:
            named.append(named_hit)
        elif generic_hit:
            generic.append(generic_hit)
    cues: list[_Cue] = []
    if not (named or generic or credit_line or named_hits):  # (most sides: no cue)
        return flags, cues
    label = _label(side, art)
    other_label = _label(other, other_art)
    if named:
        quoted = "; ".join(f"“{t}”" for t in dict.fromkeys(named))
        cues.append(
            _Cue(
                other,
                WEIGHT_NAMED_CREDIT,
                f"{label} credits {other_label}'s publisher next to the reused text: {quoted}",
            )
        )
    if generic:
        quoted = "; ".join(f"“{t}”" for t in dict.fromkeys(generic))
        cues.append(
            _Cue(
                other,
                WEIGHT_GENERIC_CREDIT,
                f"{label} points to a source it does not name next to the reused text: {quoted}",
            )
        )
    if credit_line:
        cues.append(
            _Cue(
                other,
                WEIGHT_CREDIT_LINE,
                f"{label} credits the article to {other_label}'s publisher: “{credit_line}”",
            )
        )
    elif not named and named_hits:
        # credited elsewhere in the article (a dateline, a closing line)
        cues.append(
            _Cue(
                other,
                WEIGHT_NAMED_ANYWHERE,
                f"{label} credits {other_label}'s publisher: “{named_hits[0][2]}”",
            )
        )
    return flags, cues


def _quoted(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` opens or closes with quotation marks."""
    before = text[max(0, start - 3) : start].rstrip()
    after = text[end : end + 3].lstrip(" ,.;:!?")
    opens = bool(before) and before[-1] in _OPEN_QUOTES
    closes = bool(after) and after[0] in _CLOSE_QUOTES
    if opens == closes:  # both, or neither (then the passage itself is not read)
        return opens
    inner = text[start:end]
    quotes = _CLOSE_QUOTES if opens else _OPEN_QUOTES
    return any(q in inner for q in quotes)


def _quote_cues(a: Article, b: Article, passages: Sequence[Passage]) -> list[_Cue]:
    only_a = only_b = 0
    text_a, text_b = a.text, b.text
    for p in passages:
        if p.kind == "paraphrase":
            continue
        qa = _quoted(text_a, p.a_start, p.a_end)
        qb = _quoted(text_b, p.b_start, p.b_end)
        only_a += qa and not qb
        only_b += qb and not qa
    cues: list[_Cue] = []
    if only_b > only_a:
        cues.append(
            _Cue(
                "a",
                WEIGHT_QUOTED,
                f"{_label('b', b)} quotes the words it shares with a "
                f"({only_b} passage{'s' if only_b > 1 else ''}); a does not",
            )
        )
    elif only_a > only_b:
        cues.append(
            _Cue(
                "b",
                WEIGHT_QUOTED,
                f"{_label('a', a)} quotes the words it shares with b "
                f"({only_a} passage{'s' if only_a > 1 else ''}); b does not",
            )
        )
    return cues


def coverage(art: Article, spans: Sequence[tuple[int, int]]) -> float:
    """Share of ``art``'s content characters covered by ``spans`` (0..1).

    Example:
        >>> coverage(Article("x", "0123456789"), [(0, 5)])
        0.5
    """
    return _covered(_content_chars(art), spans)


def _content_chars(art: Article) -> int:
    return sum(e - s for s, e in _content(art))


def _covered(total: int, spans: Sequence[tuple[int, int]]) -> float:
    """:func:`coverage` of an article with ``total`` content characters."""
    if total == 0:
        return 0.0
    if len(spans) == 1:  # (the union of one span: most pairs have one passage)
        s, e = spans[0]
        return min(1.0, (e - s) / total)
    return min(1.0, _union_chars(spans) / total)


def _union_chars(spans: Iterable[tuple[int, int]]) -> int:
    """``covered_chars(spans)`` counted in one pass over the sorted spans (no merged list)."""
    out = 0
    end: int | None = None  # where the merged run so far ends
    for s, e in sorted(spans):
        if end is None or s > end:
            out += e - s
            end = e
        elif e > end:
            out += e - end
            end = e
    return out


def _containment_cues(a: Article, b: Article, cov_a: float, cov_b: float) -> list[_Cue]:
    if cov_b >= CONTAINED_SHARE and cov_a <= CONTAINER_MAX_SHARE:
        return [
            _Cue(
                "b",
                WEIGHT_CONTAINMENT,
                f"{cov_b:.0%} of {_label('b', b)} is inside "
                f"{_label('a', a)}, which adds text of its own ({cov_a:.0%} reused)",
            )
        ]
    if cov_a >= CONTAINED_SHARE and cov_b <= CONTAINER_MAX_SHARE:
        return [
            _Cue(
                "a",
                WEIGHT_CONTAINMENT,
                f"{cov_a:.0%} of {_label('a', a)} is inside "
                f"{_label('b', b)}, which adds text of its own ({cov_b:.0%} reused)",
            )
        ]
    return []
