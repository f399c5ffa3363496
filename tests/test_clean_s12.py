"""Lines that are not near-ASCII get the same chrome entry batched (session 12)."""

from __future__ import annotations

from copytrace.chrome import CHROME_MAX_LINE_CHARS
from copytrace.clean import _chrome_entry, _Line, _new_lines


def test_far_lines_entries_as_one_by_one() -> None:
    texts = [
        "東京で会談が開かれた",
        "Главная Новости Спорт",
        "Menu “Home” — News",
        "Ещё 3 статьи",
        "名",
        "Ёлка " * (CHROME_MAX_LINE_CHARS // 5 + 1),
        "plain ascii line here",
        "x\ny",
    ]
    got = _new_lines(texts)
    for t, ln in zip(texts, got, strict=True):
        assert ln.entry == _chrome_entry(ln.key, len(t)) == _Line(t).entry, t
    assert got[1].entry is not None and got[5].entry is None
