"""The chunk-wide preparation of session 12 gives what the per-document functions
give: ``_build_docs`` (one search over every document's token starts) equals
``_build_doc`` document by document, and ``tokenize_many_starts``'s starts are the
tokens' own, on random texts, spans (past the end, reversed, empty, unsorted) and
chrome breaks."""

from __future__ import annotations

import random

from tests.test_text_fast import _spans, _texts

from copytrace import align as align_module
from copytrace.paraphrase import Lexicon
from copytrace.text import Tokens, tokenize, tokenize_many, tokenize_many_starts

_ARRAYS = ("breaks", "bounds", "lengths", "ids", "stems")
_VALUES = ("barriers", "sentences", "starts", "ordered", "stem_max", "generation")


def _random_doc(rng: random.Random, text: str) -> tuple[str, list[tuple[int, int]]]:
    n = len(text)
    cuts = sorted(rng.randrange(0, n + 1) for _ in range(2 * rng.randrange(1, 5)))
    spans = [(lo, hi) for lo, hi in zip(cuts[0::2], cuts[1::2], strict=True)]
    if rng.random() < 0.2:
        spans.append((n + 2, n + 9))  # past the end
    if rng.random() < 0.1 and len(spans) > 1:
        spans.reverse()  # unsorted: token starts out of order
    return text, spans


def test_build_docs_equals_build_doc() -> None:
    rng = random.Random(12)
    texts = _texts(12, 200)
    texts += [" ".join(rng.sample(texts, 30)) for _ in range(10)]
    for size in (1, 3, 20):
        for at in range(0, len(texts), size):
            docs = [_random_doc(rng, t) for t in texts[at : at + size]]
            if rng.random() < 0.2:
                docs.append(("", [(0, 0)]))
            tokens, starts = tokenize_many_starts([(t, s, False) for t, s in docs])
            sents = [align_module.sentence_spans(t, s) for t, s in docs]
            breaks = [
                align_module.content_breaks(t, s, k) for (t, s), k in zip(docs, tokens, strict=True)
            ]
            ids, stems, generation = Lexicon().lookup([w for k in tokens for w in k.words])
            lengths = [len(t) for t, _ in docs]
            for given in (starts, None):
                got = align_module._build_docs(
                    tokens, breaks, sents, lengths, given, ids, stems, generation
                )
                k0 = 0
                for doc, tok, brk, sen in zip(got, tokens, breaks, sents, strict=True):
                    k1 = k0 + len(tok)
                    want = align_module._build_doc(
                        tok, brk, sen, ids[k0:k1], stems[k0:k1], generation
                    )
                    k0 = k1
                    for name in _ARRAYS:
                        x, y = getattr(doc, name), getattr(want, name)
                        assert x.dtype == y.dtype and x.shape == y.shape, name
                        assert (x == y).all(), name
                    for name in _VALUES:
                        assert getattr(doc, name) == getattr(want, name), name


def test_tokenize_many_starts_are_the_tokens_starts() -> None:
    rng = random.Random(5)
    texts = _texts(5, 200)
    for size in (1, 4, 30):
        for at in range(0, len(texts), size):
            items = [(t, _spans(rng, len(t)), False) for t in texts[at : at + size]]
            got, starts = tokenize_many_starts(items)
            assert got == [tokenize(t, s) for t, s, _ in items]
            if starts is not None:
                assert starts.tolist() == [s for t in got for s in t.starts]


def test_tokenize_many_starts_none_unless_whole() -> None:
    # HTML, a CJK text (tokenized alone): no starts; plain texts: the starts
    assert tokenize_many_starts([("A &amp; B", None, True)])[1] is None
    assert tokenize_many_starts([("日本語 talks", None, False), ("one", None, False)])[1] is None
    got, starts = tokenize_many_starts([("one two", None, False), ("", [], False)])
    assert got == [tokenize("one two"), Tokens([], [], [])]
    assert starts is not None and starts.tolist() == [0, 4]
    assert tokenize_many([("x", [(5, 9), (1, 0)], False)]) == [Tokens([], [], [])]
