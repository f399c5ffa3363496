"""The cleaner's line memo (session 8): lines met twice are kept apart from one-off lines."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from copytrace import clean as cl
from copytrace.model import Article

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def small_memo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(cl, "_LINE_MEMO_SIZE", 8)
    monkeypatch.setattr(cl, "_LINE_KEPT_SIZE", 4)
    cl._line.cache_clear()  # type: ignore[attr-defined]
    yield
    cl._line.cache_clear()  # type: ignore[attr-defined]


def test_a_line_met_twice_outlives_many_one_off_lines(small_memo: None) -> None:
    menu = "Home | World | Sport | Opinion"
    cl.clean_many([Article("a", f"{menu}\nThe first page's own words are here.")])
    assert menu in cl._MEMO and menu not in cl._KEPT
    cl.clean_many([Article("b", f"{menu}\nThe second page's own words are here.")])
    assert menu in cl._KEPT  # met again: kept
    # 30 pages of lines never met again: they pass through _MEMO, the menu stays
    for i in range(30):
        cl.clean_many([Article(f"c{i}", f"Line {i} of one page.\nAnd line {i} again, once.")])
        assert menu in cl._KEPT
        assert len(cl._MEMO) <= 8 and len(cl._KEPT) <= 4
    # the page-by-page path (_line) keeps it too
    assert cl._line(menu) is cl._KEPT[menu]


def test_kept_lines_over_its_size_go_back_to_the_memo(small_memo: None) -> None:
    lines = [f"Stock line number {i} of the site." for i in range(6)]
    for _ in range(2):
        cl.clean_many([Article(str(i), t) for i, t in enumerate(lines)])
    # all six met twice; _KEPT holds four, the two oldest back in _MEMO (newest end)
    assert list(cl._KEPT) == lines[2:]
    assert list(cl._MEMO)[-2:] == lines[:2]


def test_outputs_do_not_depend_on_the_memo(
    monkeypatch: pytest.MonkeyPatch, bundled_pages: list[str]
) -> None:
    rng = random.Random(8)
    pages = list(bundled_pages)
    arts = [Article(str(i), t) for i, t in enumerate(pages + rng.sample(pages, len(pages)))]
    cl._line.cache_clear()  # type: ignore[attr-defined]
    big = cl.clean_many(arts)
    monkeypatch.setattr(cl, "_LINE_MEMO_SIZE", 3)
    monkeypatch.setattr(cl, "_LINE_KEPT_SIZE", 2)
    monkeypatch.setattr(cl, "_BATCH_NEW_LINES", 5)
    cl._line.cache_clear()  # type: ignore[attr-defined]
    small = cl.clean_many(arts)
    assert len(cl._MEMO) <= 3 and len(cl._KEPT) <= 2
    cl._line.cache_clear()  # type: ignore[attr-defined]
    assert small == big
    assert any(a.content for a in big)


def _lines_by_find(needles: tuple[bytes, ...], lines: list[bytes]) -> list[int]:
    return [i for i, ln in enumerate(lines) if any(n in ln for n in needles)]


def test_lines_holding_finds_the_lines_bytes_find_finds() -> None:
    rng = random.Random(11)
    alphabet = b"ab(c):/w. xyz"
    needles = [(b"(c)", b"ab", b"w"), (b"://", b"www."), (b"abc", b"c)"), (b"a",)]
    for n_lines in (1, 2, 3, 7, 40):
        for _ in range(30):
            lines = [
                bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
                for _ in range(n_lines)
            ]
            joined = b"\n".join(lines)
            starts = np.cumsum([0] + [len(ln) + 1 for ln in lines[:-1]])
            hay = cl._Haystack(joined)
            for group in needles:
                got = cl._lines_holding(group, hay, starts)
                assert got == _lines_by_find(group, lines), (lines, group)
