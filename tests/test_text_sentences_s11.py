"""``sentence_spans`` with the span-end trimming inlined (session 11) gives the spans
it gave before: checked against that version on random texts and spans, spans past
the end of the text included."""

from __future__ import annotations

import random

from copytrace.text import _SENT_END_RE, _is_abbreviation, sentence_spans


def _sentence_spans_reference(
    text: str, spans: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """``sentence_spans`` as it was at the start of session 11."""

    def push_trimmed(start: int, end: int, out: list[tuple[int, int]]) -> None:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))

    out: list[tuple[int, int]] = []
    n = len(text)
    for lo, hi in spans if spans is not None else ((0, n),):
        lo, hi = min(lo, n), min(hi, n)
        start = lo
        scan = lo - 1 if lo > 0 and text[lo - 1] in ".!?。！？" else lo
        for m in _SENT_END_RE.finditer(text, scan, hi):
            kind = m.lastgroup
            if kind == "stop":
                end = m.start() + 1
                if (
                    text[m.start()] == "."
                    and "\n" not in m.group(kind)
                    and _is_abbreviation(text, start, end)
                ):
                    continue
            else:
                end = m.start() if kind == "line" else m.start() + 1
            push_trimmed(start, end, out)
            start = m.end()
        push_trimmed(start, hi, out)
    return out


_PIECES = [
    "Mr. Abe",
    "met",
    "the U.S. envoy.",
    "Talks went well!",
    "\n",
    "\n\n",
    "  ",
    " ",
    "Why?",
    '"Yes," he said.',
    "It rose 3.5 per cent.",
    "See e.g. this",
    "Prof. Li",
    "东京。",
    "Дом.",
    "A.",
    "(Reuters) -",
    "end",
]


def test_sentence_spans_match_the_reference() -> None:
    rng = random.Random(11)
    for _ in range(3000):
        text = " ".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 25)))
        n = len(text)
        cuts = sorted(rng.randrange(0, n + 20) for _ in range(2 * rng.randrange(0, 5)))
        spans = list(zip(cuts[0::2], cuts[1::2], strict=True))
        if rng.random() < 0.2:  # a span starting past the end, or reversed
            spans.append((n + rng.randrange(1, 5), rng.randrange(0, n + 3)))
        assert sentence_spans(text, spans) == _sentence_spans_reference(text, spans)
        assert sentence_spans(text) == _sentence_spans_reference(text)
