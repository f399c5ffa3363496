"""The cleaner's session-11 fast paths against the per-line code they stand for."""

from __future__ import annotations

import random

import numpy as np
import pytest

from copytrace import clean as cl
from copytrace import stoplists as sl


def _stop_counts_by_dict(lines: list[list[str]]) -> list[list[list[int]]]:
    """Each line's stopwords, a row for each ``STOP_ROW_WORDS`` in turn: each
    language's count of them, language by language, word by word (plain lists)."""
    index = sl.stop_index()
    langs = list(sl.stoplists())
    out = []
    for words in lines:
        stops = [w for w in words if w in index]
        rows = []
        for i in range(0, len(stops), sl.STOP_ROW_WORDS):
            chunk = stops[i : i + sl.STOP_ROW_WORDS]
            row = [sum(lang in index[w] for w in chunk) for lang in langs]
            rows.append(row + [0] * (sl.stop_lanes() - len(langs)))
        out.append(rows)
    return out


def _rows(counts: list[bytes]) -> list[list[list[int]]]:
    lanes = sl.stop_lanes()
    return [np.frombuffer(c, sl.STOP_COUNT).reshape(-1, lanes).tolist() for c in counts]


def _joined(lines: list[list[str]]) -> list[list[list[int]]]:
    wb = "\n".join(" ".join(words) for words in lines).encode("ascii")
    return _rows(cl._joined_stop_counts(wb, np.array([len(w) for w in lines], np.int64)))


def test_joined_stop_langs_are_the_dictionarys() -> None:
    stops = sorted(w for w in sl.stop_lang_bytes() if w.isascii())
    rng = random.Random(11)
    # every ASCII stopword, and words one letter off, cut short or longer (many
    # share a stopword's first 8 bytes and length, or its bucket)
    near = []
    for w in stops:
        i = rng.randrange(len(w))
        near += [w[:i] + rng.choice("az09_") + w[i + 1 :], w[:-1], w + "s", w[1:], w * 2]
    words = stops + near + ["", "x" * 40, "_", "0"]
    rng.shuffle(words)
    lines = []
    at = 0
    while at < len(words):
        n = rng.choice([0, 0, 1, 3, 12, 40])
        lines.append([w for w in words[at : at + n] if w])
        at += n
    assert _joined(lines) == _stop_counts_by_dict(lines)
    assert _joined([[]]) == [[]]
    assert _joined([[], ["the"], []]) == _stop_counts_by_dict([[], ["the"], []])
    # (lines of more stopwords than a row holds: a row each STOP_ROW_WORDS)
    many = [stops[:600], ["the"] * 255, ["the"] * 256 + ["x"], ["a", "de", "la"] * 200]
    assert _joined(many) == _stop_counts_by_dict(many)
    assert [len(r) for r in _joined(many)] == [3, 1, 2, 3]
    assert _rows([cl._Line(" ".join(w)).stop_counts for w in many]) == _stop_counts_by_dict(many)


def test_near_ascii_lines_stop_langs_are_the_dictionarys(bundled_pages: list[str]) -> None:
    texts = sorted({t.strip() for page in bundled_pages for t in page.split("\n")} - {""})
    lines = cl._new_lines(texts)
    got = _rows([ln.stop_counts for ln in lines])
    assert got == _stop_counts_by_dict([ln.words for ln in lines])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_teaser_glue_column_is_the_per_line_test(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["abc", "Ab", "A", "a", "Xy", "McDonald", "?", "!", "”", '"', "'", ")", "1", " ", " "]
    pieces += ["\t", "Word", "word", "Title", "Is It?Violence", "AthleteA", "” ", "—", "·"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    texts = [t.strip() for t in texts if t.strip() and "\n" not in t]
    col = cl._COL["teaser_glue"]
    got = [ln.row[col] == 1.0 for ln in cl._new_lines(texts)]
    assert got == [cl._teaser_glue(t) for t in texts]
    assert 50 < sum(got) < len(texts) - 50


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_comment_and_date_columns_are_the_one_line_paths(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["says", "Said", ":", " ", " ", "\t", "x_says", "wrote", "Replied", "writes:", "—"]
    pieces += ["3 Comments", "comment", "Leave a reply", "2 days ago", "an hour ago", "Reply"]
    pieces += ["Rating: 5 votes", "join the discussion", "Updated", "o'published", "posted_x"]
    pieces += ["May 3", "12:30", "2019-05-03", "“", "Score", "a", "log in to reply", "9"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(4000)]
    texts = sorted({t.strip() for t in texts} - {""})
    names = ("comment_header", "date_short", "section_end")
    cols = [cl._COL[name] for name in names]
    batch = cl._new_lines(texts)
    for t, ln in zip(texts, batch, strict=True):
        assert [ln.row[c] for c in cols] == [cl._Line(t).row[c] for c in cols], t
    for c in cols[:2]:
        assert 100 < sum(ln.row[c] == 1.0 for ln in batch) < len(batch) - 100


def test_credit_alternatives_by_hint_are_the_credit_patterns() -> None:
    split = [a for alts in cl._CREDIT_BY_HINT.values() for a in cl.top_alternatives(alts)]
    assert sorted([*split, "©"]) == sorted(cl.top_alternatives(cl._CREDIT_RE.pattern))
    for hint, alts in cl._CREDIT_BY_HINT.items():
        assert hint in cl._CREDIT_HINTS
        for alt in cl.top_alternatives(alts):  # (each holds its hint, unescaped)
            assert hint.decode() in alt.replace("\\", ""), alt


@pytest.mark.parametrize("seed", [1, 2])
def test_credit_column_is_the_one_line_path(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["Photo", "photos", "photograph", " ", ":", "by", "credit", "Image", "Getty Images"]
    pieces += ["(c)", "©", "Copyright", "credit:", "AFP", "/", "Reuters", "iStock", "ap", "x"]
    pieces += ["Shutterstock", "file photo", "—", "“", "imagery", "photon", "afpx", "_reuters"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(4000)]
    texts = sorted({t.strip() for t in texts} - {""})
    c = cl._COL["credit"]
    got = [ln.row[c] for ln in cl._new_lines(texts)]
    assert got == [cl._Line(t).row[c] for t in texts]
    assert 100 < sum(got) < len(texts) - 100


@pytest.mark.parametrize("seed", [1, 2])
def test_glued_chunks_are_the_one_line_paths(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["IconIcon", "aBc", "ArtboardCreated", "x", "Ab", " ", " ", "\t", "—", "McDonald"]
    pieces += ["ChevronTitle", "ab", "ABC", "iPhone", "{{x}}", "eBay", "·", "a"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(4000)]
    texts = sorted({t.strip() for t in texts} - {""})
    cols = [cl._COL["glue"], cl._COL["glue_any"]]
    batch = cl._new_lines(texts)
    for t, ln in zip(texts, batch, strict=True):
        one = cl._Line(t)
        assert (ln.glued, ln.hard, [ln.row[c] for c in cols]) == (
            one.glued,
            one.hard,
            [one.row[c] for c in cols],
        ), t
    assert 100 < sum(ln.hard for ln in batch) < len(batch) - 100
