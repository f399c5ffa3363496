"""The title search's early stop against reading every kept line."""

from __future__ import annotations

import numpy as np

from copytrace import clean as cl


def _title_by_all_lines(text: str, spans: list[tuple[int, int]], keep: np.ndarray) -> int | None:
    """``_find_title`` with each candidate's words looked for in all the other kept lines."""
    kept = np.flatnonzero(keep).tolist()
    if not kept:
        return None
    first = kept[0]
    lines = cl._page(text, spans).lines
    window = [i for i in range(first - 1, -1, -1) if lines[i].words and not lines[i].hard]
    for i in [*reversed(window[: cl._TITLE_WINDOW]), *kept[: cl._TITLE_BODY_LINES]]:
        ln = lines[i]
        title_like, statement = ln.title_parts()
        if not title_like or (i >= first and statement):
            continue
        own = set(ln.content_words())
        if len(own) < cl._TITLE_MIN_CONTENT_WORDS:
            continue
        body = {w for j in kept if j != i for w in lines[j].words}
        if cl._HANGUL_RE.search(ln.text):  # (Korean words, with or without a particle)
            own = {cl._particle_free(w) for w in own}
            body = cl._korean_words(body)
        if len(own & body) / len(own) >= cl._TITLE_MIN_OVERLAP:
            return i
    return None


def _page(head: str, body: list[str]) -> tuple[str, list[tuple[int, int]], np.ndarray]:
    text = "\n".join([head, *body])
    spans = cl.line_spans(text)
    keep = np.array([False] + [True] * len(body))
    return text, spans, keep


def test_title_words_found_late_in_the_body() -> None:
    filler = [f"Line {j} of the story says nothing new about anything here." for j in range(12)]
    head = "Volcanic eruption closes northern airports"
    for at in [0, 5, 7, 8, 9, 11]:
        body = list(filler)
        body[at] = "The volcanic eruption closes northern airports for a day."
        text, spans, keep = _page(head, body)
        assert cl._find_title(text, spans, keep) == 0 == _title_by_all_lines(text, spans, keep)
    # half the words only, split between an early and a late line
    body = list(filler)
    body[1], body[10] = "A volcanic ash cloud.", "Northern skies."
    text, spans, keep = _page(head, body)
    assert cl._find_title(text, spans, keep) == _title_by_all_lines(text, spans, keep)
    text, spans, keep = _page(head, filler)
    assert cl._find_title(text, spans, keep) is None is _title_by_all_lines(text, spans, keep)


def test_title_of_bundled_pages_as_by_all_lines(bundled_pages: list[str]) -> None:
    found = 0
    for text in bundled_pages:
        spans = cl.line_spans(text)
        if not spans:
            continue
        keep = cl.DEFAULT_CLEANER.keep(text, spans)
        got = cl._find_title(text, spans, keep)
        assert got == _title_by_all_lines(text, spans, keep), text[:80]
        found += got is not None
    assert found
