"""The text a reader sees in an HTML page, each character mapped to its source.

:func:`visible_text` tokenizes the page the way the standard library's
``html.parser`` does (Python 3.11.7's rules: where a tag ends, what a script's
text is, which ``&`` starts a reference), but in one regex-driven loop over the
source instead of its per-token method calls: on the 181 scrapinghub pages
10.7 -> 5.4 ms a page, the same text and map on every page
(``bench/visible_parity.py`` and ``tests/test_htmlvisible.py`` hold it to
``html.parser``, fuzzed markup included). The few
constructs ``html.parser`` leaves for a second pass (a reference or a tag cut off
by the end of the page, a broken ``&#``, a ``<![`` section) send the page to
``html.parser`` itself (:class:`_Walker`). Python 3.11.14 changed some of
``html.parser``'s rules toward HTML5's (``--!>`` ends a comment, ``</ script>``
does not end a script: CPython gh-102555, gh-135661); the scanner keeps 3.11.7's
on every Python, so the pages it reads (all but those it hands over) get the same
map whatever the interpreter's patch release.

Script, style and the like are skipped, references decoded, and a line break
stands at each block boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import numpy as np
import numpy.typing as npt

# Elements whose text a reader never sees.
HIDDEN = frozenset(
    {"script", "style", "noscript", "template", "title", "head", "svg", "math", "iframe", "select"}
)
# Elements that start a new block of text: the visible text gets a line break there.
BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "body",
        "html",
        "caption",
        "details",
        "summary",
        "option",
        "button",
        "label",
        "input",
        "img",
    ]
)
# Elements whose content is raw text up to their end tag (no tags, no references).
_RAW_TEXT = ("script", "style")
# html.parser's getpos() counts lines at "\n" only (a lone "\r" stays in its line).
_NEWLINE_RE = re.compile(r"\n")


@dataclass(frozen=True, slots=True)
class VisibleText:
    """A page's visible text with a map back to its HTML source.

    ``text[i]`` came from ``source[starts[i]:ends[i]]`` (``source`` is the HTML); a
    block break inserted by the walker has ``starts[i] == ends[i] == -1``. (numpy
    arrays: a page's tens of thousands of visible characters as Python ints cost
    more than the parse.)
    """

    text: str
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    source: str

    def source_spans(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Source spans covering visible characters ``[lo, hi)``, split at tags and breaks.

        Example:
            >>> v = visible_text("<p>One <b>two</b></p>")
            >>> [v.text[s:e] for s, e in [(0, 7)]]
            ['One two']
            >>> v.source_spans(0, 7)
            [(3, 7), (10, 13)]
        """
        s, e = self.starts[lo:hi], self.ends[lo:hi]
        kept = np.flatnonzero(s >= 0)
        if not len(kept):
            return []
        s, e = s[kept], e[kept]
        # A span goes on while each character starts at or before the end so far
        # (an entity's characters share its source) and no break comes between.
        reach = np.maximum.accumulate(e)
        opens = np.ones(len(kept), bool)
        opens[1:] = (kept[1:] != kept[:-1] + 1) | (s[1:] > reach[:-1])
        firsts = np.flatnonzero(opens)
        lasts = np.append(firsts[1:], len(kept)) - 1
        return list(zip(s[firsts].tolist(), reach[lasts].tolist(), strict=True))


def visible_text(html: str) -> VisibleText:
    """The text a reader sees in ``html``, each character mapped to its source.

    Example:
        >>> v = visible_text("<p>Fish &amp; chips</p><script>x()</script><p>Tea</p>")
        >>> v.text
        'Fish & chips\\nTea'
        >>> int(v.starts[5]), int(v.ends[5])
        (8, 13)
    """
    try:
        pieces = _scan(html)
    except _Unusual:
        pieces = _walk(html)
    return assembled(pieces, html)


def assembled(parts: Pieces, html: str) -> VisibleText:
    """The visible text of ``html`` from its pieces (see :func:`_scan`)."""
    pieces, at, to = parts
    n = len(at)
    while n and at[n - 1] == -1:  # (no break after the last text)
        n -= 1
    pieces, at, to = pieces[:n], at[:n], to[:n]
    lens = np.fromiter(map(len, pieces), np.int64, len(pieces))
    first = np.repeat(np.asarray(at, np.int64), lens)
    ref_end = np.repeat(np.asarray(to, np.int64), lens)
    # (a text node's character k: its piece's start + k; a reference's: its start)
    piece_at = np.zeros(len(pieces), np.int64)
    np.cumsum(lens[:-1], out=piece_at[1:])
    k = np.arange(len(first), dtype=np.int64) - np.repeat(piece_at, lens)
    node = (ref_end < 0) & (first >= 0)
    starts = np.where(node, first + k, first)
    ends = np.where(node, starts + 1, ref_end)
    return VisibleText("".join(pieces), starts, ends, html)


# ---------------------------------------------------------------- the scanner

# The next token from a position outside raw text: text, or the markup a "<" or
# "&" opens (the longer openings first).
_TOKEN_RE = re.compile(r"[^<&]+|<[a-zA-Z]|</|<!--|<\?|<!|<|&#|&")
# A start tag's extent, name and attributes, by html.parser's tolerant grammar.
_START_TAG_END_RE = re.compile(
    r"""
  <[a-zA-Z][^\t\n\r\f />\x00]*
  (?:[\s/]*
    (?:(?<=['"\s/])[^\s/>][^\s/=>]*
      (?:\s*=+\s*(?:'[^']*'|"[^"]*"|(?!['"])[^>\s]*)\s*)?(?:\s|/(?!>))*
    )*
  )?
  \s*
""",
    re.VERBOSE,
)
_TAG_NAME_RE = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
# (every attribute in turn, as html.parser's loop over them matches one at a time)
_ATTRIBUTES_RE = re.compile(
    r"(?:((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*"
    r"('[^']*'|\"[^\"]*\"|(?![\'\"])[^>\s]*))?(?:\s|/(?!>))*)*"
)
_END_TAG_RE = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>")
_COMMENT_END_RE = re.compile(r"--\s*>")
_ENTITY_RE = re.compile(r"&([a-zA-Z][-.a-zA-Z0-9]*)[^a-zA-Z0-9]")
_CHARREF_RE = re.compile(r"&#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F]")
_INCOMPLETE_RE = re.compile(r"&[a-zA-Z#]")
_RAW_END_RE = {tag: re.compile(rf"</\s*{tag}\s*>", re.IGNORECASE) for tag in _RAW_TEXT}
_TAG_STOP = frozenset("abcdefghijklmnopqrstuvwxyz=/ABCDEFGHIJKLMNOPQRSTUVWXYZ")

Pieces = tuple[list[str], list[int], list[int]]


class _Unusual(Exception):
    """A construct html.parser leaves for its second pass: parse the page with it."""


def _start_tag_end(raw: str, i: int) -> int:
    """Where the start tag at ``i`` ends (after its ``>``), or -1 when html.parser
    would wait for more text (a tag cut off by the end of the page, say)."""
    m = _START_TAG_END_RE.match(raw, i)
    j = m.end() if m else i
    nxt = raw[j : j + 1]
    if nxt == ">":
        return j + 1
    if nxt == "/":
        if raw.startswith("/>", j):
            return j + 2
        return -1
    if nxt == "" or nxt in _TAG_STOP:
        return -1
    return j if j > i else i + 1


def _scan(raw: str) -> Pieces:
    """The visible text of ``raw`` as pieces: a text node's (or part of one), each
    character from its own source character; a decoded reference's, every character
    from the whole reference; a block break (``at`` -1). ``to``: a reference's
    source end (-1 for the others). Raises :class:`_Unusual` for what it leaves to
    html.parser."""
    pieces: list[str] = []
    at: list[int] = []
    to: list[int] = []
    hidden: list[str] = []
    n = len(raw)
    i = 0
    token = _TOKEN_RE.match
    while i < n:
        s = token(raw, i).group()  # type: ignore[union-attr]  # (it matches any character)
        c = s[0]
        if c != "<" and c != "&":  # text
            if not hidden:
                pieces.append(s)
                at.append(i)
                to.append(-1)
            i += len(s)
            continue
        if c == "&":
            ref = (_CHARREF_RE if s == "&#" else _ENTITY_RE).match(raw, i)
            if ref is None:
                if s == "&#" or _INCOMPLETE_RE.match(raw, i) or i + 1 == n:
                    raise _Unusual(i)
                if not hidden:  # ("&" and no name: text)
                    pieces.append("&")
                    at.append(i)
                    to.append(-1)
                i += 1
                continue
            k = ref.end()
            if raw[k - 1] != ";":
                k -= 1
            if not hidden and (decoded := unescape(raw[i:k])):
                pieces.append(decoded)
                at.append(i)
                to.append(k)
            i = k
            continue
        if len(s) == 2 and s[1] not in "/!?":  # a start tag
            end = _start_tag_end(raw, i)
            if end < 0:
                raise _Unusual(i)
            name = _TAG_NAME_RE.match(raw, i + 1)
            assert name is not None  # (s is "<" and a letter)
            k = name.end()
            tag = name.group(1).lower()
            if k < end:
                k = max(k, _ATTRIBUTES_RE.match(raw, k).end())  # type: ignore[union-attr]
            close = raw[k:end].strip()
            if close != ">" and close != "/>":  # (not a tag after all: its text shows)
                if not hidden:
                    pieces.append(raw[i:end])
                    at.append(i)
                    to.append(-1)
                i = end
                continue
            i = end
            if close == ">":
                if tag in HIDDEN:
                    hidden.append(tag)
                elif tag == "body":
                    hidden.clear()  # an unclosed <head> ends here
            if tag in BLOCK and at and at[-1] != -1:
                pieces.append("\n")
                at.append(-1)
                to.append(-1)
            if close == ">" and tag in _RAW_TEXT:
                found = _RAW_END_RE[tag].search(raw, i)
                if found is None:  # (the rest of the page is the script's)
                    return pieces, at, to
                i = found.end()
                while hidden and hidden.pop() != tag:
                    pass
            continue
        if s == "</":
            gt = raw.find(">", i + 1)
            if gt < 0:
                raise _Unusual(i)
            m = _END_TAG_RE.match(raw, i)
            if m is not None:
                tag = m.group(1).lower()
                i = gt + 1
            else:
                named = _TAG_NAME_RE.match(raw, i + 2)
                if named is None:  # ("</>" or a bogus comment: nothing shows)
                    i = i + 3 if raw.startswith("</>", i) else gt + 1
                    continue
                tag = named.group(1).lower()
                i = raw.find(">", named.end()) + 1
            if tag in HIDDEN and tag in hidden:
                while hidden and hidden.pop() != tag:
                    pass
            if tag in BLOCK and at and at[-1] != -1:
                pieces.append("\n")
                at.append(-1)
                to.append(-1)
            continue
        if s == "<!--":
            m = _COMMENT_END_RE.search(raw, i + 4)
            if m is None:
                raise _Unusual(i)
            i = m.end()
            continue
        if s == "<!" and raw.startswith("<![", i):
            raise _Unusual(i)
        if s == "<?" or s == "<!":  # a processing instruction, a declaration
            from_ = i + 9 if s == "<!" and raw[i : i + 9].lower() == "<!doctype" else i + 2
            gt = raw.find(">", from_)
            if gt < 0:
                raise _Unusual(i)
            i = gt + 1
            continue
        if i + 1 == n:  # a lone "<" (not markup: text)
            raise _Unusual(i)
        if not hidden:
            pieces.append("<")
            at.append(i)
            to.append(-1)
        i += 1
    return pieces, at, to


# ---------------------------------------------------------------- html.parser


def _walk(source: str) -> Pieces:
    """:func:`_scan`'s pieces by html.parser itself."""
    walker = _Walker(source)
    walker.feed(source)
    walker.close()
    return walker.pieces, walker.at, walker.to


class _Walker(HTMLParser):
    """Collects the visible text as pieces (see :func:`_scan`)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in _NEWLINE_RE.finditer(source)]
        self.pieces: list[str] = []
        self.at: list[int] = []  # each piece's first source character (-1: a break)
        self.to: list[int] = []  # a reference's source end (-1: a text node's piece)
        self.hidden: list[str] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _break(self) -> None:
        if self.at and self.at[-1] != -1:
            self.pieces.append("\n")
            self.at.append(-1)
            self.to.append(-1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden.append(tag)
        elif tag == "body":
            self.hidden.clear()  # an unclosed <head> ends here
        if tag in BLOCK:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and tag in self.hidden:
            while self.hidden and self.hidden.pop() != tag:
                pass
        if tag in BLOCK:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.hidden or not data:
            return
        base = self._offset()
        if self.source[base : base + len(data)] != data:  # pragma: no cover - parser quirk
            found = self.source.find(data, max(0, base - 16))
            if found < 0:
                return
            base = found
        self.pieces.append(data)
        self.at.append(base)
        self.to.append(-1)

    def _ref(self, raw: str) -> None:
        if self.hidden:
            return
        start = self._offset()
        end = start + len(raw)
        if self.source[start:end] != raw:  # pragma: no cover - parser quirk
            return
        text = unescape(raw)
        if text:
            self.pieces.append(text)
            self.at.append(start)
            self.to.append(end)

    def handle_entityref(self, name: str) -> None:
        at = self._offset()
        raw = f"&{name};" if self.source.startswith(f"&{name};", at) else f"&{name}"
        self._ref(raw)

    def handle_charref(self, name: str) -> None:
        at = self._offset()
        raw = f"&#{name};" if self.source.startswith(f"&#{name};", at) else f"&#{name}"
        self._ref(raw)
