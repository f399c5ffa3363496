"""Session 14's shortcut changes no result: the word ids as one str, a character per
word (``_id_chars``, ``_Doc.id_chars``), compare as the words do, so ``_runs``'
word-by-word extension and ``_similarity_of``'s Indel on them give what they give on
the words themselves (and on the id arrays, the plain reading)."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from rapidfuzz.distance import Indel

import _randtext as rt
from copytrace import align as align_module
from copytrace.model import Article
from copytrace.text import tokenize


def test_id_chars_equal_exactly_where_the_ids_are() -> None:
    # ids about the surrogates (not characters: moved past them) and the last one
    edge = [0, 1, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xF7FF, 0xF800]
    last = align_module._ID_CHARS_MAX - 1
    rng = random.Random(14)
    for _ in range(50):
        ids = np.array(
            [rng.choice([*edge, last, rng.randrange(last)]) for _ in range(rng.randrange(1, 80))],
            np.int64,
        )
        chars = align_module._id_chars(ids)
        assert len(chars) == len(ids)
        listed = ids.tolist()
        for i in range(len(ids)):
            for j in range(len(ids)):
                assert (chars[i] == chars[j]) == (listed[i] == listed[j])
        # and slices of it, as Indel reads them
        assert Indel.distance(chars[: len(ids) // 2], chars[len(ids) // 3 :]) == Indel.distance(
            listed[: len(ids) // 2], listed[len(ids) // 3 :]
        )
    # ids that do not fit (and none): no str, the words are used
    for ids in ([], [align_module._ID_CHARS_MAX], [3, -1], [5, 0x10FFFF]):
        assert align_module._id_chars(np.array(ids, np.int64)) == ""


def _whole_of(c: align_module._Cluster, a: str, b: str) -> float:
    """The plain definition: Indel on all the cluster's words (their id characters)."""
    return Indel.normalized_similarity(a[c.a_s : c.a_e], b[c.b_s : c.b_e])


def _docs(a: str, b: str) -> tuple[object, object, align_module._Doc, align_module._Doc]:
    ta, tb = tokenize(a), tokenize(b)
    return ta, tb, align_module._prepare(ta, (), ()), align_module._prepare(tb, (), ())


@pytest.mark.parametrize("preset", ["news", "pan"])
def test_runs_and_similarity_same_on_the_words(preset: str) -> None:
    params = align_module.PRESETS[preset]
    rng = random.Random(41)
    seen = 0
    for _ in range(300):
        a = rt.text(rng, rng.randrange(5, 120))
        b = rt.edited(rng, a) if rng.random() < 0.8 else rt.text(rng, rng.randrange(5, 120))
        ta, tb, da, db = _docs(a, b)
        got = align_module._runs(da, db, params)
        # the plain reading: the ids as words (a doc whose ids do not fit)
        plain_a = dataclasses.replace(da, chars="", grams={}, seedable={})
        plain_b = dataclasses.replace(db, chars="", grams={}, seedable={})
        assert plain_a.id_chars() == ""
        assert align_module._runs(plain_a, plain_b, params) == got
        mixed = dataclasses.replace(db, grams={}, seedable={})
        assert align_module._runs(plain_a, mixed, params) == got
        clusters = align_module._chain(
            got, da, db, params.join_gap, params.join_back, params.join_skew
        )
        for c in clusters:
            whole = Indel.normalized_similarity(
                ta.words[c.a_s : c.a_e],  # type: ignore[attr-defined]
                tb.words[c.b_s : c.b_e],  # type: ignore[attr-defined]
            )
            fast = align_module._similarity_of(c, da.id_chars(), db.id_chars())
            assert fast == whole == align_module._word_similarity(c, ta, tb)  # type: ignore[arg-type]
            assert _whole_of(c, da.id_chars(), db.id_chars()) == whole
            seen += 1
    assert seen > 300


def test_runs_extend_across_repeated_words_as_on_the_words() -> None:
    # repeated n-grams do not seed: runs grow over them word by word (the loop that
    # reads the id characters), up to a barrier
    params = align_module.PRESETS["news"]
    base = "the plan of the plan of the plan said the minister in tokyo and moscow"
    for a, b in (
        (base, base),
        (f"deal {base} year", f"trade {base} fall"),
        (f"{base} {base}", f"x {base} y {base} z"),
    ):
        _, _, da, db = _docs(a, b)
        plain_a = dataclasses.replace(da, chars="", grams={}, seedable={})
        plain_b = dataclasses.replace(db, chars="", grams={}, seedable={})
        assert align_module._runs(da, db, params) == align_module._runs(plain_a, plain_b, params)


@pytest.mark.parametrize("preset", ["news", "pan"])
def test_align_same_without_id_chars(preset: str, monkeypatch: pytest.MonkeyPatch) -> None:
    params = align_module.PRESETS[preset]
    rng = random.Random(77)
    pairs = rt.sentence_pairs(rng, 150)

    def run() -> list[object]:
        out = rt.align_each(pairs, params)
        # and prepared together, as an engine aligns a chunk
        arts = [
            (
                Article(f"a{k}", a, content=((0, len(a)),)),
                Article(f"b{k}", b, content=((0, len(b)),)),
            )
            for k, (a, b) in enumerate(pairs)
        ]
        with align_module.prepared(arts, params):
            out += [align_module.align(x, y, params) for x, y in arts]
        return out

    align_module._tokens.cache_clear()
    align_module._DOCS.clear()
    got = run()
    # Indel on the whole clusters' id characters: the plain definition
    with monkeypatch.context() as m:
        m.setattr(align_module, "_similarity_of", _whole_of)
        align_module._tokens.cache_clear()
        align_module._DOCS.clear()
        assert run() == got
    # the plain reading: every document's ids "too large", the words compared
    monkeypatch.setattr(align_module, "_id_chars", lambda ids: "")
    align_module._tokens.cache_clear()
    align_module._DOCS.clear()
    assert run() == got
