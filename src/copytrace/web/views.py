"""Pure functions that turn articles and passages into what the pages draw.

Nothing here renders HTML: the functions return plain data (segments of text with
CSS class names, node and edge coordinates) and the Jinja2 templates, which
escape every string, turn that data into markup. Untrusted article text therefore
only ever reaches the page as an escaped text node.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise

from cydifflib import SequenceMatcher

from copytrace.htmltext import readable_html
from copytrace.model import Article, PairResult, Passage
from copytrace.text import tokenize

# Colour classes for sources on the article page and the graph (see static/app.css).
PALETTE = (
    "#e6a532",
    "#4e9ad6",
    "#d65f5f",
    "#5fb36b",
    "#9b6fd1",
    "#d17fb4",
    "#43b3b0",
    "#a58c5a",
)
_KIND_CLASS = {"verbatim": "p-verbatim", "near-verbatim": "p-near", "paraphrase": "p-para"}
# Room left and right of the graph's circle for node labels (SVG units, 12px text).
_LABEL_ROOM = 190
_LABEL_CHARS = 28
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Mark:
    """A labelled ``[start, end)`` stretch of a text.

    ``layer`` 0 is a passage (its ``ref`` and ``title`` go on the element), layer 1
    a word-level mark inside it (``w-same`` / ``w-edit``).
    """

    start: int
    end: int
    cls: str
    layer: int = 0
    ref: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text drawn with one set of classes.

    ``start`` is the character offset of ``text`` in the original article text.
    ``mark`` holds the classes of the passage the run lies in (empty outside
    passages), ``classes`` the run's own classes (``chrome``, word marks).
    """

    start: int
    text: str
    classes: str
    mark: str = ""
    ref: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """Consecutive runs inside one passage (``ref`` set) or outside any (``ref`` None).

    Templates draw a block with a ``ref`` as one ``<mark>`` holding its runs.
    """

    mark: str
    ref: str | None
    title: str | None
    parts: list[Segment]


def text_segments(
    text: str,
    content: Sequence[tuple[int, int]],
    marks: Iterable[Mark] = (),
    is_html: bool = False,
) -> list[Segment]:
    """Cut ``text`` into runs with the same chrome/passage/word classes.

    Runs outside every ``content`` span get the class ``chrome`` (when ``content``
    is empty the whole text counts as content). Overlapping passage marks are
    allowed: a run takes the classes of all of them, the ``ref`` of the first one
    (by start, then by length), every one's ``title`` (joined by "; ") and, when
    marks with different refs meet, the class ``overlap``. ``is_html``: each run's
    text is what a reader sees of it (``htmltext.readable_html``); ``start`` stays
    its offset in the HTML source.

    Example:
        >>> segs = text_segments("menu Body here.", [(5, 15)], [Mark(5, 9, "p")])
        >>> [(s.text, s.classes, s.mark) for s in segs]
        [('menu ', 'chrome', ''), ('Body', '', 'p'), (' here.', '', '')]
    """
    n = len(text)
    spans = [(max(0, s), min(n, e)) for s, e in content if e > s] or [(0, n)]
    ms = [m for m in marks if m.end > m.start and m.start < n and m.end > 0]
    cuts = {0, n}
    for s, e in spans:
        cuts.update((s, e))
    for m in ms:
        cuts.update((max(0, m.start), min(n, m.end)))
    bounds = sorted(cuts)
    out: list[Segment] = []
    span_i = 0
    active: list[Mark] = []
    pending = sorted(ms, key=lambda m: m.start, reverse=True)  # pop() gives the earliest
    for lo, hi in pairwise(bounds):
        while span_i < len(spans) and spans[span_i][1] <= lo:
            span_i += 1
        in_content = span_i < len(spans) and spans[span_i][0] <= lo
        while pending and pending[-1].start <= lo:
            active.append(pending.pop())
        active = [m for m in active if m.end > lo]
        here = sorted(active, key=lambda m: (m.layer, m.start, -m.end))
        outer_marks = [m for m in here if m.layer == 0]
        outer = _join_classes(m.cls for m in outer_marks)
        if len({m.ref for m in outer_marks}) > 1:
            outer += " overlap"
        titles = list(dict.fromkeys(m.title for m in outer_marks if m.title))
        inner = _join_classes(
            [*([] if in_content else ["chrome"]), *(m.cls for m in here if m.layer > 0)]
        )
        first = outer_marks[0] if outer_marks else None
        seg = Segment(
            lo,
            readable_html(text[lo:hi]) if is_html else text[lo:hi],
            inner,
            outer,
            first.ref if first else None,
            "; ".join(titles) or None,
        )
        prev = out[-1] if out else None
        if prev and (prev.classes, prev.mark, prev.ref, prev.title) == (
            seg.classes,
            seg.mark,
            seg.ref,
            seg.title,
        ):
            out[-1] = Segment(
                prev.start, prev.text + seg.text, prev.classes, prev.mark, prev.ref, prev.title
            )
        else:
            out.append(seg)
    return out


def text_blocks(
    text: str,
    content: Sequence[tuple[int, int]],
    marks: Iterable[Mark] = (),
    is_html: bool = False,
) -> list[Block]:
    """:func:`text_segments` grouped into passages (one block per passage run).

    Example:
        >>> bl = text_blocks("a bc d", [], [Mark(2, 4, "p", 0, "r"), Mark(3, 4, "w-edit", 1)])
        >>> [(b.ref, [(s.text, s.classes) for s in b.parts]) for b in bl]
        [(None, [('a ', '')]), ('r', [('b', ''), ('c', 'w-edit')]), (None, [(' d', '')])]
    """
    blocks: list[Block] = []
    for seg in text_segments(text, content, marks, is_html):
        last = blocks[-1] if blocks else None
        if last is not None and (last.mark, last.ref, last.title) == (seg.mark, seg.ref, seg.title):
            last.parts.append(seg)
        else:
            blocks.append(Block(seg.mark, seg.ref, seg.title, [seg]))
    return blocks


def _join_classes(groups: Iterable[str]) -> str:
    out: list[str] = []
    for group in groups:
        for c in group.split():
            if c not in out:
                out.append(c)
    return " ".join(out)


def word_marks(
    a: Article, b: Article, passage: Passage
) -> tuple[list[tuple[int, int, bool]], list[tuple[int, int, bool]]]:
    """Which words of a passage are the same on both sides, and which were edited.

    Returns, for each side, ``(start, end, same)`` stretches covering the passage's
    words: consecutive equal words are merged into one stretch (with the spaces
    between them), each edited word (changed, added or dropped) is its own.

    Example:
        >>> a = Article("a", "the US said no", content=((0, 14),))
        >>> b = Article("b", "the U.S. said yes", content=((0, 17),))
        >>> p = Passage("near-verbatim", 0, 14, 0, 17, 4, 0.7)
        >>> sa, sb = word_marks(a, b, p)
        >>> [(a.text[s:e], same) for s, e, same in sa]
        [('the US said', True), ('no', False)]
    """
    ta = tokenize(a.text, [(passage.a_start, passage.a_end)], a.is_html)
    tb = tokenize(b.text, [(passage.b_start, passage.b_end)], b.is_html)
    matcher = SequenceMatcher(None, ta.words, tb.words, autojunk=False)
    out_a: list[tuple[int, int, bool]] = []
    out_b: list[tuple[int, int, bool]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out_a.append((ta.starts[i1], ta.ends[i2 - 1], True))
            out_b.append((tb.starts[j1], tb.ends[j2 - 1], True))
            continue
        out_a.extend((ta.starts[i], ta.ends[i], False) for i in range(i1, i2))
        out_b.extend((tb.starts[j], tb.ends[j], False) for j in range(j1, j2))
    return out_a, out_b


def passage_title(p: Passage) -> str:
    """A short tooltip for a passage.

    Example:
        >>> passage_title(Passage("verbatim", 0, 5, 0, 5, 12, 1.0, attributed=True))
        'verbatim, 12 words, similarity 1.00, credited'
    """
    credit = "credited" if p.attributed else "not credited"
    return f"{p.kind}, {p.words} words, similarity {p.similarity:.2f}, {credit}"


def pair_marks(result: PairResult, prefix: str = "p") -> tuple[list[Mark], list[Mark]]:
    """Marks for the side-by-side view of ``result``: passages and edited words.

    Passage ``i`` gets ``ref`` ``f"{prefix}{i}"`` on both sides so the page can
    link a stretch to its counterpart. Inside verbatim and near-verbatim passages
    equal words get ``w-same`` and edited words ``w-edit``; inside paraphrases only
    the shared words are marked (``w-same``).

    Example:
        >>> a = Article("a", "one two three", content=((0, 13),))
        >>> b = Article("b", "one two four", content=((0, 12),))
        >>> from copytrace.model import Direction
        >>> r = PairResult(a, b, (Passage("near-verbatim", 0, 13, 0, 12, 2, 0.8),),
        ...                0.6, 0.6, Direction(None, 0.0))
        >>> ma, mb = pair_marks(r)
        >>> [(m.cls, a.text[m.start:m.end]) for m in ma]
        [('p p-near', 'one two three'), ('w-same', 'one two'), ('w-edit', 'three')]
    """
    marks_a: list[Mark] = []
    marks_b: list[Mark] = []
    for i, p in enumerate(result.passages):
        cls = "p " + _KIND_CLASS.get(p.kind, "p-verbatim")
        if p.attributed:
            cls += " p-credited"
        ref, title = f"{prefix}{i}", passage_title(p)
        marks_a.append(Mark(p.a_start, p.a_end, cls, 0, ref, title))
        marks_b.append(Mark(p.b_start, p.b_end, cls, 0, ref, title))
        wa, wb = word_marks(result.a, result.b, p)
        show_edits = p.kind != "paraphrase"
        for side, words in ((marks_a, wa), (marks_b, wb)):
            side.extend(
                Mark(s, e, "w-same" if same else "w-edit", 1)
                for s, e, same in words
                if same or show_edits
            )
    return marks_a, marks_b


@dataclass(frozen=True, slots=True)
class Stretch:
    """A reused stretch of one article, seen from that article.

    ``role`` is ``"from"`` when ``other_id`` is its source, ``"to"`` when
    ``other_id`` took it from this article, ``"shared"`` when the direction is
    undecided.
    """

    start: int
    end: int
    other_id: str
    role: str
    kind: str
    words: int
    similarity: float
    attributed: bool


def colour_classes(stretches: Sequence[Stretch]) -> dict[str, int]:
    """Palette index for every other article this one took text from (or shares with).

    Sources are ranked by reused words, most first, so the largest source always
    gets the first colour.

    Example:
        >>> s = [Stretch(0, 5, "x", "from", "verbatim", 3, 1.0, False),
        ...      Stretch(9, 20, "y", "from", "verbatim", 9, 1.0, False)]
        >>> colour_classes(s)
        {'y': 0, 'x': 1}
    """
    words: dict[str, int] = {}
    for s in stretches:
        if s.role != "to":
            words[s.other_id] = words.get(s.other_id, 0) + s.words
    ranked = sorted(words, key=lambda k: (-words[k], k))
    return {k: i % len(PALETTE) for i, k in enumerate(ranked)}


def stretch_marks(
    stretches: Sequence[Stretch], colours: dict[str, int], labels: dict[str, str]
) -> list[Mark]:
    """Marks for the article page: reused stretches coloured by their source.

    Stretches this article gave to others (``role == "to"``) are underlined
    (``given``) rather than coloured.

    Example:
        >>> s = [Stretch(0, 4, "x", "from", "verbatim", 1, 1.0, True)]
        >>> stretch_marks(s, {"x": 2}, {"x": "X Times"})[0].cls
        'p src-2 p-verbatim p-credited'
    """
    out: list[Mark] = []
    for s in stretches:
        label = labels.get(s.other_id, s.other_id)
        credit = ", credited" if s.attributed else ""
        if s.role == "to":
            cls = "given"
            title = f"reused by {label} ({s.kind}, {s.words} words)"
        else:
            cls = f"p src-{colours.get(s.other_id, 0)} {_KIND_CLASS.get(s.kind, 'p-verbatim')}"
            if s.attributed:
                cls += " p-credited"
            verb = "from" if s.role == "from" else "shared with"
            title = f"{verb} {label} ({s.kind}, {s.words} words{credit})"
        out.append(Mark(s.start, s.end, cls, 0 if s.role != "to" else 1, s.other_id, title))
    return out


def safe_url(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) URL that may be a link target, else None.

    Anything else (``javascript:``, ``data:``, relative paths, odd characters) is
    shown as text only.

    Example:
        >>> safe_url("https://example.com/a?b=1"), safe_url("javascript:alert(1)")
        ('https://example.com/a?b=1', None)
    """
    if url and len(url) <= 2048 and _SAFE_URL.match(url.strip()):
        return url.strip()
    return None


# --------------------------------------------------------------------------------------
# Who-copies-whom graph and cluster timeline (coordinates for server-rendered SVG)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphNode:
    """One outlet (or article) in the graph, placed on a circle."""

    key: str
    label: str
    x: float
    y: float
    r: float
    colour: str
    copied: int  # pairs where this node is the copier
    given: int  # pairs where this node is the source
    label_anchor: str = "start"
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """Copier -> source, with the number of pairs and reused words."""

    copier: str
    source: str
    pairs: int
    words: int
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    title: str


@dataclass(frozen=True, slots=True)
class GraphLayout:
    """Everything the graph SVG needs."""

    width: int
    height: int
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)


def layout_graph(
    edges: Sequence[tuple[str, str, int, int]],
    labels: dict[str, str],
    size: int = 640,
    max_nodes: int = 24,
) -> GraphLayout:
    """Place the busiest outlets on a circle and draw copier -> source arrows.

    Args:
        edges: ``(copier, source, pairs, words)`` rows.
        labels: display label per node key (key itself when missing).
        size: width and height of the drawing in SVG units.
        max_nodes: keep the nodes with most pairs; edges to dropped nodes go too.

    Example:
        >>> g = layout_graph([("b", "a", 3, 120)], {"a": "Agency", "b": "Blog"})
        >>> [n.key for n in g.nodes], g.edges[0].pairs
        (['a', 'b'], 3)
    """
    degree: dict[str, int] = {}
    for copier, source, pairs, _ in edges:
        if copier == source:
            continue
        degree[copier] = degree.get(copier, 0) + pairs
        degree[source] = degree.get(source, 0) + pairs
    keep = sorted(degree, key=lambda k: (-degree[k], k))[:max_nodes]
    if not keep:
        return GraphLayout(size, size)
    keep.sort()
    width = size + 2 * _LABEL_ROOM
    centre_x, centre_y = width / 2, size / 2
    radius = size / 2 - 40 if len(keep) > 1 else 0.0
    max_degree = max(degree[k] for k in keep)
    copied: dict[str, int] = {}
    given: dict[str, int] = {}
    for copier, source, pairs, _ in edges:
        copied[copier] = copied.get(copier, 0) + pairs
        given[source] = given.get(source, 0) + pairs
    pos: dict[str, tuple[float, float]] = {}
    nodes: list[GraphNode] = []
    for i, key in enumerate(keep):
        angle = 2 * math.pi * i / len(keep) - math.pi / 2
        x, y = centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle)
        pos[key] = (x, y)
        r = 6 + 14 * math.sqrt(degree[key] / max_degree)
        right = math.cos(angle) >= -1e-9
        nodes.append(
            GraphNode(
                key=key,
                label=_shorten(labels.get(key, key), _LABEL_CHARS),
                x=round(x, 1),
                y=round(y, 1),
                r=round(r, 1),
                colour=PALETTE[i % len(PALETTE)],
                copied=copied.get(key, 0),
                given=given.get(key, 0),
                label_anchor="start" if right else "end",
                label_x=round(x + (r + 6) * (1 if right else -1), 1),
                label_y=round(y + 4, 1),
            )
        )
    radii = {n.key: n.r for n in nodes}
    kept = set(keep)
    rows = [e for e in edges if e[0] in kept and e[1] in kept and e[0] != e[1]]
    max_pairs = max((e[2] for e in rows), default=1)
    out_edges: list[GraphEdge] = []
    for copier, source, pairs, words in sorted(rows, key=lambda e: (-e[2], e[0], e[1])):
        (x1, y1), (x2, y2) = pos[copier], pos[source]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1.0
        # Start and stop at the node rims so the arrow head stays visible.
        s1, s2 = radii[copier] / dist, (radii[source] + 4) / dist
        out_edges.append(
            GraphEdge(
                copier=copier,
                source=source,
                pairs=pairs,
                words=words,
                x1=round(x1 + dx * s1, 1),
                y1=round(y1 + dy * s1, 1),
                x2=round(x2 - dx * s2, 1),
                y2=round(y2 - dy * s2, 1),
                width=round(1 + 5 * math.sqrt(pairs / max_pairs), 1),
                title=(
                    f"{labels.get(copier, copier)} reused {labels.get(source, source)}: "
                    f"{pairs} article pair{'s' if pairs != 1 else ''}, {words} words"
                ),
            )
        )
    return GraphLayout(int(width), size, nodes, out_edges)


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One article of a cluster on the timeline."""

    article_id: str
    label: str
    outlet: str
    published: str | None
    x: float | None  # None: undated
    y: float
    is_origin: bool


@dataclass(frozen=True, slots=True)
class TimelineLayout:
    """Rows, axis ticks and size of the cluster timeline SVG."""

    width: int
    height: int
    left: int
    right: int
    rows: list[TimelineRow] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 date or time as an aware-or-naive datetime, None when unreadable.

    Example:
        >>> parse_time("2018-05-21T09:56:00+03:00").hour, parse_time("soon")
        (9, None)
    """
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed


def _timestamp(dt: datetime) -> float:
    if dt.tzinfo is None:
        # Naive times are read as UTC so that they sort with aware ones.

        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


# Room right of the timeline's axis for "outlet: title" labels, in pixels and characters.
LABEL_WIDTH = 440
LABEL_CHARS = 48


def layout_timeline(
    entries: Sequence[tuple[str, str, str, str | None, bool]],
    width: int = 1000,
    row_height: int = 26,
) -> TimelineLayout:
    """Place a cluster's articles on a time axis, one row each, earliest first.

    Args:
        entries: ``(article_id, label, outlet, published, is_origin)`` rows.
        width: SVG width.
        row_height: vertical space per article.

    Example:
        >>> t = layout_timeline([("b", "B", "Blog", "2018-05-22", False),
        ...                      ("a", "A", "Agency", "2018-05-21", True)])
        >>> [r.article_id for r in t.rows], t.rows[0].x < t.rows[1].x
        (['a', 'b'], True)
    """
    left, right = 40, width - LABEL_WIDTH
    dated: list[tuple[float, tuple[str, str, str, str | None, bool]]] = []
    undated = []
    for e in entries:
        dt = parse_time(e[3])
        if dt is None:
            undated.append(e)
        else:
            dated.append((_timestamp(dt), e))
    dated.sort(key=lambda t: (t[0], t[1][0]))
    undated.sort(key=lambda e: e[0])
    rows: list[TimelineRow] = []
    ticks: list[tuple[float, str]] = []
    top = 30
    if dated:
        t0, t1 = dated[0][0], dated[-1][0]
        span = max(t1 - t0, 1.0)
        for i, (ts, (aid, label, outlet, published, origin)) in enumerate(dated):
            x = left + (right - left) * (ts - t0) / span
            rows.append(
                TimelineRow(
                    aid,
                    _shorten(label, _label_budget(outlet)),
                    outlet,
                    published,
                    round(x, 1),
                    top + i * row_height,
                    origin,
                )
            )
        for k in range(5):
            ts = t0 + span * k / 4
            ticks.append((round(left + (right - left) * k / 4, 1), _tick_label(ts, span)))
    base = top + len(rows) * row_height
    for i, (aid, label, outlet, published, origin) in enumerate(undated):
        rows.append(
            TimelineRow(
                aid,
                _shorten(label, _label_budget(outlet)),
                outlet,
                published,
                None,
                base + i * row_height,
                origin,
            )
        )
    height = top + len(rows) * row_height + 10
    return TimelineLayout(width, height, left, right, rows, ticks)


def _tick_label(ts: float, span: float) -> str:

    dt = datetime.fromtimestamp(ts, tz=UTC)
    if span < 7 * 86400:  # ticks a day or less apart: the hour matters
        return dt.strftime("%d %b %H:%M")
    return dt.strftime("%Y-%m-%d")


def _label_budget(outlet: str) -> int:
    # "outlet: title (origin)" in 12px bold must fit LABEL_WIDTH (about 7.5 px a character).
    return max(12, LABEL_CHARS - len(outlet))


def short_time(value: str | None) -> str:
    """An ISO timestamp as ``YYYY-MM-DD HH:MM`` plus its offset; other text unchanged.

    Example:
        >>> short_time("2018-05-20T06:00:00+09:00"), short_time("2018-05-20"), short_time(None)
        ('2018-05-20 06:00 +09:00', '2018-05-20', '')
    """
    if not value:
        return ""
    dt = parse_time(value)
    if dt is None or len(value) <= 10:
        return value
    offset = dt.strftime("%z")
    zone = f" {offset[:3]}:{offset[3:]}" if offset else ""
    return dt.strftime("%Y-%m-%d %H:%M") + zone


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
