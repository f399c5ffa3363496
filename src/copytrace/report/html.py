"""``report.html``: a static, self-contained page a person opens after a scan.

One file, no external assets (inline CSS, no scripts): summary figures, the
largest reprint clusters, top copiers and most-copied sources, the pairs with
the most reused words, and for each of those a side-by-side view (an anchor in
the same file) with the reused words highlighted and changed words marked.
Every piece of article text, title, id and URL is HTML-escaped.
"""

from __future__ import annotations

import bisect
import heapq
import html
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from copytrace.cluster import Cluster
from copytrace.htmltext import readable_html
from copytrace.model import Article
from copytrace.text import merge_spans, tokenize

if TYPE_CHECKING:
    from copytrace.scan import ScanSummary
    from copytrace.stages import PairRecord, PassageRecord

# How much goes into the page (it must open quickly in a browser).
MAX_CLUSTERS = 50
MAX_CLUSTER_MEMBERS = 30
MAX_RANKED = 25
# Characters of context kept around reused text in a side-by-side view; longer
# stretches of unreused text are elided.
CONTEXT_CHARS = 400
_RUN_DEPENDENT = frozenset({"time", "peak RSS"})

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;
 color:#1d232a;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
main{padding:10px 28px 40px;max-width:1400px}
h2{border-bottom:2px solid #d9dee5;padding-bottom:4px;margin-top:34px}
table{border-collapse:collapse;background:#fff;margin:8px 0}
td,th{border:1px solid #d9dee5;padding:4px 9px;text-align:left;vertical-align:top}
th{background:#eef1f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
.figs{display:flex;flex-wrap:wrap;gap:10px}
.fig{background:#fff;border:1px solid #d9dee5;border-radius:6px;padding:8px 14px;min-width:150px}
.fig b{display:block;font-size:20px}
.pair{background:#fff;border:1px solid #d9dee5;border-radius:6px;margin:22px 0;padding:10px 16px}
.side{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.text{white-space:pre-wrap;font-family:Georgia,serif;font-size:14px;border-top:1px solid #eee;
 padding-top:6px;overflow-wrap:anywhere}
mark{background:#ffe08a;padding:0}mark.para{background:#cfe3ff}
.diff{background:#ffc9c9;text-decoration:underline dotted}
.chrome{color:#9aa3ad}.gap{color:#9aa3ad;font-style:italic}
.meta{color:#56606b;font-size:13px}.ev{font-size:13px;color:#56606b;margin:4px 0 8px 18px}
a{color:#1d5fbf}
"""


def esc(value: object) -> str:
    """HTML-escape anything (quotes included).

    Example:
        >>> esc('<script>alert("x")</script>')
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def render_report(
    summary: ScanSummary,
    pairs: Sequence[PairRecord],
    clusters: Sequence[Cluster],
    lookup: Callable[[str], Article | None],
    *,
    sources: Mapping[str, str | None] | None = None,
    max_pairs: int = 200,
    views: Sequence[str] | None = None,
    chosen: Sequence[tuple[PairRecord, str]] | None = None,
) -> str:
    """The report page as one HTML string.

    Args:
        summary: the scan's summary (figures and stage times).
        pairs: all pairs with reuse.
        clusters: all clusters, largest first.
        lookup: article by id (text, content, metadata) for the shown pairs.
        sources: source of every article id (for the rankings); looked up when missing.
        max_pairs: pairs shown side by side (those with the most reused words).
        views: the side-by-side views of ``shown_pairs(pairs, max_pairs)``, rendered
            already (by :func:`pair_view`, elsewhere: in worker processes).
        chosen: ``shown_pairs(pairs, max_pairs)``, when made already (it reads every
            pair's passages).

    Example:
        >>> from copytrace.scan import ScanSummary
        >>> page = render_report(ScanSummary(out_dir="out"), [], [], lambda i: None)
        >>> page.startswith("<!DOCTYPE html>") and "<script" not in page
        True
    """
    src_of = _source_lookup(pairs, lookup, sources)
    shown_anchors = shown_pairs(pairs, max_pairs) if chosen is None else list(chosen)
    shown = [p for p, _ in shown_anchors]
    anchors = {(p.a_id, p.b_id): anchor for p, anchor in shown_anchors}
    if views is None:
        views = [pair_view(p, anchor, lookup) for p, anchor in shown_anchors]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        "<title>copytrace scan report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>copytrace scan report</h1></header><main>",
        _summary_section(summary),
        _clusters_section(clusters, pairs, anchors, lookup),
        _rankings_section(pairs, src_of),
        _pairs_table(shown, anchors, lookup, len(pairs)),
        *views,
        "</main></body></html>\n",
    ]
    return "\n".join(parts)


def shown_pairs(pairs: Sequence[PairRecord], max_pairs: int) -> list[tuple[PairRecord, str]]:
    """The pairs with a side-by-side view (the most reused words first), each with
    its anchor."""
    # (sorted(...)[:max_pairs], without sorting every pair of the corpus)
    shown = heapq.nsmallest(max_pairs, pairs, key=lambda p: (-p.words, p.a_id, p.b_id))
    return [(p, f"pair-{k + 1}") for k, p in enumerate(shown)]


def _source_lookup(
    pairs: Sequence[PairRecord],
    lookup: Callable[[str], Article | None],
    sources: Mapping[str, str | None] | None,
) -> Callable[[str], str]:
    cache: dict[str, str] = {}

    def src(article_id: str) -> str:
        if article_id not in cache:
            if sources is not None and article_id in sources:
                value = sources[article_id]
            else:
                art = lookup(article_id)
                value = art.source if art is not None else None
            cache[article_id] = value or f"(no source: {article_id})"
        return cache[article_id]

    return src


def _summary_section(summary: ScanSummary) -> str:
    figs = [
        ("articles", f"{summary.articles:,}"),
        ("rejected records", f"{summary.rejected:,}"),
        ("pairs with reuse", f"{summary.pairs:,}"),
        ("passages", f"{summary.passages:,}"),
        ("clusters", f"{summary.clusters:,}"),
        ("articles in clusters", f"{summary.clustered_articles:,}"),
    ]
    out = ['<h2 id="summary">Summary</h2><div class="figs">']
    out += [f'<div class="fig"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in figs]
    out.append("</div><table><tr><th>figure</th><th>value</th></tr>")
    # Timings and memory vary from run to run; the page must not (two runs on
    # the same corpus give byte-identical reports), so they stay in the CLI.
    rows = [(k, v) for k, v in summary.rows() if k not in _RUN_DEPENDENT]
    out += [f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in rows]
    out.append("</table>")
    return "\n".join(out)


def _label(article_id: str, lookup: Callable[[str], Article | None]) -> str:
    art = lookup(article_id)
    if art is None:
        return esc(article_id)
    bits = [f"<b>{esc(article_id)}</b>"]
    if art.source:
        bits.append(esc(art.source))
    if art.published:
        bits.append(esc(art.published))
    if art.title:
        bits.append(f"“{esc(art.title[:120])}”")
    return " · ".join(bits)


def _clusters_section(
    clusters: Sequence[Cluster],
    pairs: Sequence[PairRecord],
    anchors: Mapping[tuple[str, str], str],
    lookup: Callable[[str], Article | None],
) -> str:
    out = [f'<h2 id="clusters">Largest clusters ({len(clusters):,} in all)</h2>']
    if not clusters:
        out.append("<p>No reused text was found.</p>")
        return "\n".join(out)
    linked: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for (a, b), anchor in anchors.items():
        linked[a].append((a, b, anchor))
    out.append("<table><tr><th>cluster</th><th>articles</th><th>origin</th><th>members</th></tr>")
    for c in clusters[:MAX_CLUSTERS]:
        members = []
        for aid in c.article_ids[:MAX_CLUSTER_MEMBERS]:
            links = " ".join(
                f'<a href="#{esc(anchor)}">vs {esc(b)}</a>' for _, b, anchor in linked.get(aid, [])
            )
            members.append(f"{esc(aid)} {links}".strip())
        more = len(c.article_ids) - MAX_CLUSTER_MEMBERS
        if more > 0:
            members.append(f"… and {more:,} more")
        out.append(
            f'<tr><td>{esc(c.cluster_id)}</td><td class="n">{len(c.article_ids):,}</td>'
            f"<td>{_label(c.origin_id, lookup)}</td><td>{'<br>'.join(members)}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)


def _rankings_section(pairs: Sequence[PairRecord], src: Callable[[str], str]) -> str:
    copier_pairs: Counter[str] = Counter()
    copier_words: Counter[str] = Counter()
    copied_pairs: Counter[str] = Counter()
    copied_words: Counter[str] = Counter()
    # The pairs with a direction read once, then each side's source names counted
    # in bulk (~0.82x of a loop over the pairs that looked up each name twice and
    # read each pair's words twice).
    directed = [
        (s, t, p.words)
        for p in pairs
        if (s := p.source_id) is not None and (t := p.target_id) is not None
    ]
    sources = [s for s, _, _ in directed]
    targets = [t for _, t, _ in directed]
    reused = [w for _, _, w in directed]
    for counts, words, ids in (
        (copier_pairs, copier_words, targets),
        (copied_pairs, copied_words, sources),
    ):
        names = list(map(src, ids))
        counts.update(names)
        for name, n in zip(names, reused, strict=True):
            words[name] += n
    out = ['<h2 id="sources">Who copies whom</h2><div class="side">']
    for title, counts, words in (
        ("Top copiers (sources of the copying articles)", copier_pairs, copier_words),
        ("Most-copied sources", copied_pairs, copied_words),
    ):
        out.append(f"<div><h3>{esc(title)}</h3>")
        if not counts:
            out.append("<p>No pair with a decided direction.</p></div>")
            continue
        out.append("<table><tr><th>source</th><th>pairs</th><th>reused words</th></tr>")
        ranked = sorted(counts, key=lambda s: (-counts[s], -words[s], s))[:MAX_RANKED]
        out += [
            f'<tr><td>{esc(s)}</td><td class="n">{counts[s]:,}</td>'
            f'<td class="n">{words[s]:,}</td></tr>'
            for s in ranked
        ]
        out.append("</table></div>")
    out.append("</div>")
    return "\n".join(out)


def _pairs_table(
    shown: Sequence[PairRecord],
    anchors: Mapping[tuple[str, str], str],
    lookup: Callable[[str], Article | None],
    total: int,
) -> str:
    out = [
        f'<h2 id="pairs">Pairs with the most reused words ({len(shown):,} of {total:,})</h2>',
        "<table><tr><th>#</th><th>source</th><th>copy</th><th>words</th><th>passages</th>"
        "<th>coverage a / b</th><th>confidence</th></tr>",
    ]
    for k, p in enumerate(shown, 1):
        src = p.source_id or p.a_id
        tgt = p.b_id if src == p.a_id else p.a_id
        arrow = "" if p.source_id else " (direction undecided)"
        out.append(
            f'<tr><td><a href="#{anchors[(p.a_id, p.b_id)]}">{k}</a></td>'
            f"<td>{esc(src)}</td><td>{esc(tgt)}{esc(arrow)}</td>"
            f'<td class="n">{p.words:,}</td><td class="n">{len(p.passages)}</td>'
            f'<td class="n">{p.coverage_a:.2f} / {p.coverage_b:.2f}</td>'
            f'<td class="n">{p.confidence:.2f}</td></tr>'
        )
    out.append("</table>")
    return "\n".join(out)


def pair_view(p: PairRecord, anchor: str, lookup: Callable[[str], Article | None]) -> str:
    """The side-by-side view of one pair (a ``section`` with id ``anchor``)."""
    src_id = p.source_id or p.a_id
    tgt_id = p.b_id if src_id == p.a_id else p.a_id
    src_art, tgt_art = lookup(src_id), lookup(tgt_id)
    heading = "source → copy" if p.source_id else "direction undecided"
    out = [
        f'<section class="pair" id="{esc(anchor)}">',
        f'<h3>{esc(src_id)} → {esc(tgt_id)} <span class="meta">({esc(heading)}; '
        f"{p.words:,} words in {len(p.passages)} passage(s))</span></h3>",
    ]
    if p.evidence:
        out.append('<ul class="ev">' + "".join(f"<li>{esc(e)}</li>" for e in p.evidence) + "</ul>")
    if src_art is None or tgt_art is None:
        out.append("<p>Article text unavailable.</p></section>")
        return "\n".join(out)
    marks_src, marks_tgt = word_marks(src_art, tgt_art, p.passages)
    out.append('<div class="side">')
    for art, marks in ((src_art, marks_src), (tgt_art, marks_tgt)):
        out.append(
            f'<div><div class="meta">{_label(art.id, lookup)}</div>'
            f'<div class="text">{render_text(art, marks)}</div></div>'
        )
    out.append('</div><p><a href="#pairs">back to the pairs</a></p></section>')
    return "\n".join(out)


def word_marks(
    source: Article, target: Article, passages: Iterable[PassageRecord]
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """Highlight intervals ``(start, end, css_class)`` on each side.

    Inside verbatim and near-verbatim passages, the words both sides share are
    ``mark`` and the words one side changed are ``diff``; a paraphrase passage
    is ``para`` as a whole.

    Example:
        >>> from copytrace.stages import PassageRecord
        >>> s = Article("s", "the quick brown fox jumps")
        >>> t = Article("t", "the quick red fox jumps")
        >>> p = PassageRecord("s", "t", 0, 25, 0, 23, "near-verbatim", 4, 0.8, False)
        >>> ms, mt = word_marks(s, t, [p])
        >>> [t.text[a:b] for a, b, c in mt if c == "diff"]
        ['red']
    """
    ms: list[tuple[int, int, str]] = []
    mt: list[tuple[int, int, str]] = []
    for p in passages:
        if p.kind == "paraphrase":
            ms.append((p.source_start, p.source_end, "para"))
            mt.append((p.target_start, p.target_end, "para"))
            continue
        ts = tokenize(source.text, [(p.source_start, p.source_end)], source.is_html)
        tt = tokenize(target.text, [(p.target_start, p.target_end)], target.is_html)
        for op in Levenshtein.opcodes(ts.words, tt.words):
            cls = "mark" if op.tag == "equal" else "diff"
            if op.src_end > op.src_start:
                ms.append((ts.starts[op.src_start], ts.ends[op.src_end - 1], cls))
            if op.dest_end > op.dest_start:
                mt.append((tt.starts[op.dest_start], tt.ends[op.dest_end - 1], cls))
    return _join_marks(ms), _join_marks(mt)


def _join_marks(marks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sort marks, drop overlaps, and join same-class marks split only by spaces/punctuation."""
    out: list[tuple[int, int, str]] = []
    for s, e, c in sorted(marks):
        if out and s < out[-1][1]:
            s = out[-1][1]
            if s >= e:
                continue
        if out and out[-1][2] == c and s - out[-1][1] <= 3:
            out[-1] = (out[-1][0], e, c)
        else:
            out.append((s, e, c))
    return out


def render_text(art: Article, marks: Sequence[tuple[int, int, str]]) -> str:
    """The article's text, escaped: content with its marks, chrome greyed, long
    unreused stretches elided.

    Example:
        >>> a = Article("a", "Menu <b>\\nThe talks resume.", content=((9, 26),))
        >>> render_text(a, [(13, 18, "mark")])
        '<span class="chrome">Menu &lt;b&gt;\\n</span>The <mark>talks</mark> resume.'
    """
    text = art.text
    # an HTML article's pieces shown as a reader sees them (no markup); the offsets
    # the pieces are cut at stay the source's
    shown = readable_html if art.is_html else _as_is
    content = merge_spans(art.content or [(0, len(text))])
    # Character classes as boundaries: every content/mark edge.
    cuts = {0, len(text)}
    for s, e in content:
        cuts.update((s, e))
    for s, e, _ in marks:
        cuts.update((s, e))
    edges = sorted(cuts)
    # No piece crosses an edge, and the merged content spans are sorted and apart:
    # the only one that can hold a piece is the last to start at or before it. The
    # same for marks when they are sorted and do not overlap (as word_marks gives).
    c_starts = [s for s, _ in content]
    c_ends = [e for _, e in content]
    ordered = all(s < e for s, e, _ in marks) and all(
        a[1] <= b[0] for a, b in itertools.pairwise(marks)
    )
    m_starts = [s for s, _, _ in marks]
    out: list[str] = []
    for lo, hi in itertools.pairwise(edges):
        if hi <= lo:
            continue
        piece = shown(text[lo:hi])
        j = bisect.bisect_right(c_starts, lo) - 1
        in_content = j >= 0 and hi <= c_ends[j]
        if ordered:
            k = bisect.bisect_right(m_starts, lo) - 1
            mark = marks[k][2] if k >= 0 and hi <= marks[k][1] else None
        else:
            mark = next((c for s, e, c in marks if s <= lo and hi <= e), None)
        if mark == "mark":
            out.append(f"<mark>{esc(piece)}</mark>")
        elif mark == "para":
            out.append(f'<mark class="para">{esc(piece)}</mark>')
        elif mark == "diff":
            out.append(f'<span class="diff">{esc(piece)}</span>')
        elif not in_content:
            out.append(f'<span class="chrome">{_elide(piece)}</span>')
        else:
            out.append(_elide(piece))
    return "".join(out)


def _as_is(piece: str) -> str:
    return piece


def _elide(piece: str) -> str:
    if len(piece) <= 2 * CONTEXT_CHARS + 200:
        return esc(piece)
    head, tail = piece[:CONTEXT_CHARS], piece[-CONTEXT_CHARS:]
    skipped = len(piece) - 2 * CONTEXT_CHARS
    return f'{esc(head)}<span class="gap"> […{skipped:,} characters…] </span>{esc(tail)}'
