"""The page stamp's neighbour count read inline against the per-line reference."""

from __future__ import annotations

from itertools import chain, islice

from copytrace import clean as cl


def _published_by_lines(
    text: str, spans: list[tuple[int, int]], first: int, last: int
) -> str | None:
    """``_find_published`` with each neighbour's stamp read one by one."""
    lines = cl._lines(text, spans)
    before = (i for i in range(first - 1, -1, -1) if lines[i].words)
    order = chain(
        islice(before, cl._STAMP_WINDOW),
        range(first, min(last + 1, first + cl._STAMP_BODY_LINES)),
        range(last + 1, min(len(spans), last + 1 + cl._STAMP_WINDOW)),
    )
    for i in order:
        found = lines[i].stamp()
        if not found:
            continue
        near = range(max(0, i - cl._STAMP_LIST_SPAN), min(len(spans), i + cl._STAMP_LIST_SPAN + 1))
        if sum(1 for j in near if j != i and lines[j].stamp()) < cl._STAMP_LIST_MIN:
            return found
    return None


def _check(text: str) -> str | None:
    spans = cl.line_spans(text)
    got = set()
    for first in range(len(spans)):
        for last in range(first, min(len(spans), first + 4)):
            want = _published_by_lines(text, spans, first, last)
            cl._forget_page()
            assert cl._find_published(text, spans, first, last) == want
            got.add(want)
    return max(got - {None}, default=None)


def test_stamp_near_a_list_of_dated_links() -> None:
    stamp = "Published May 21, 2018 9:56 AM"
    body = [f"Paragraph {j} of the story, with words enough to be a body line." for j in range(6)]
    links = [f"Related story {j} May {j + 1}, 2018" for j in range(4)]
    assert _check("\n".join(["Menu", stamp, *body])) == "2018-05-21T09:56:00"
    assert _check("\n".join(["Menu", stamp, links[0], *body])) == "2018-05-21T09:56:00"
    _check("\n".join(["Menu", *links, *body, *links]))
    _check("\n".join([stamp, *links[:2], *body, stamp]))


def test_published_of_bundled_pages_as_by_lines(bundled_pages: list[str]) -> None:
    for text in bundled_pages[:40]:
        spans = cl.line_spans(text)
        for first, last in [(0, len(spans) - 1), (len(spans) // 3, len(spans) // 2)]:
            if 0 <= first <= last < len(spans):
                want = _published_by_lines(text, spans, first, last)
                cl._forget_page()
                assert cl._find_published(text, spans, first, last) == want
