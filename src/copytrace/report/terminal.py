"""The terminal view of a ``compare`` result (rich): passages side by side.

Words that differ between the two sides of a passage are highlighted, so a
reader sees at a glance what the rewrite changed.
"""

from __future__ import annotations

from rapidfuzz.distance import Indel
from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from copytrace.model import Article, PairResult, Passage
from copytrace.text import tokenize

KIND_STYLE = {"verbatim": "green", "near-verbatim": "yellow", "paraphrase": "cyan"}
DIFF_STYLE = "bold black on yellow"


def _name(art: Article) -> str:
    return art.path or art.id


def marked_pair(
    text_a: str,
    span_a: tuple[int, int],
    text_b: str,
    span_b: tuple[int, int],
    is_html: bool = False,
) -> tuple[Text, Text]:
    """The two sides of a passage with the words that differ highlighted.

    Example:
        >>> ta, tb = marked_pair("a concerned insider", (0, 19), "an insider", (0, 10))
        >>> [str(ta)[s.start:s.end] for s in ta.spans]
        ['a', 'concerned']
    """
    tok_a = tokenize(text_a, [span_a], is_html)
    tok_b = tokenize(text_b, [span_b], is_html)
    diff_a = [True] * len(tok_a)
    diff_b = [True] * len(tok_b)
    for op in Indel.opcodes(tok_a.words, tok_b.words):
        if op.tag == "equal":
            for k in range(op.src_start, op.src_end):
                diff_a[k] = False
            for k in range(op.dest_start, op.dest_end):
                diff_b[k] = False
    return (
        _render(text_a, span_a, tok_a.starts, tok_a.ends, diff_a),
        _render(text_b, span_b, tok_b.starts, tok_b.ends, diff_b),
    )


def _render(
    text: str, span: tuple[int, int], starts: list[int], ends: list[int], diff: list[bool]
) -> Text:
    start, end = span
    out = Text(text[start:end])
    for s, e, d in zip(starts, ends, diff, strict=True):
        if d:
            out.stylize(DIFF_STYLE, s - start, e - start)
    return out


def _passage_table(result: PairResult, k: int, p: Passage) -> Table:
    a, b = result.a, result.b
    style = KIND_STYLE.get(p.kind, "white")
    credited = "credited" if p.attributed else "not credited"
    title = Text.assemble(
        (f"#{k + 1} {p.kind}", f"bold {style}"),
        f"  {p.words} words, similarity {p.similarity:.2f}, {credited}",
    )
    table = Table(title=title, title_justify="left", box=box.SIMPLE, expand=True, show_lines=False)
    # (fold, not rich's ellipsis: a run without spaces, such as Chinese or Japanese
    # text or a long URL, is broken across lines rather than cut off)
    table.add_column(f"a [{p.a_start}:{p.a_end}]", ratio=1, overflow="fold")
    table.add_column(f"b [{p.b_start}:{p.b_end}]", ratio=1, overflow="fold")
    ta, tb = marked_pair(a.text, (p.a_start, p.a_end), b.text, (p.b_start, p.b_end), a.is_html)
    table.add_row(ta, tb)
    return table


def render_pair(result: PairResult) -> RenderableType:
    """A rich renderable of the whole result: summary, direction, passages.

    Example:
        >>> from rich.console import Console
        >>> from copytrace.model import Direction
        >>> art = Article("x", "abc", content=((0, 3),))
        >>> r = PairResult(art, art, (), 0.0, 0.0, Direction(None, 0.0, ("no reused text",)))
        >>> console = Console(width=80, record=True)
        >>> with console.capture() as cap:
        ...     console.print(render_pair(r))
        >>> "no reused text" in cap.get()
        True
    """
    a, b = result.a, result.b
    head = Table.grid(padding=(0, 1))
    head.add_column(style="bold")
    head.add_column()
    for side, art, cov in (("a", a, result.coverage_a), ("b", b, result.coverage_b)):
        meta = ", ".join(x for x in (art.source, art.published) if x)
        title = f" {art.title!r}" if art.title else ""
        head.add_row(side, f"{_name(art)}{title}{f' ({meta})' if meta else ''}")
        head.add_row("", f"{cov:.0%} of its text reused")
    d = result.direction
    if d.source is None:
        verdict = Text("Source: undecided", style="bold")
    else:
        src = a if d.source == "a" else b
        verdict = Text.assemble(
            ("Source: ", "bold"),
            (f"{d.source} ({_name(src)})", "bold green"),
            f"  confidence {d.confidence:.2f}",
        )
    why = Text("\n".join(f"  - {e}" for e in d.evidence))
    n_attr = sum(p.attributed for p in result.passages)
    counts = Text(
        f"{len(result.passages)} reused passage(s), {n_attr} credited to the source"
        if result.passages
        else "No reused passages."
    )
    parts: list[RenderableType] = [head, Text(""), verdict, why, Text(""), counts]
    parts += [_passage_table(result, k, p) for k, p in enumerate(result.passages)]
    return Panel(Group(*parts), title="copytrace compare", title_align="left")
