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


def test_keys_of_lowered_numbers_as_line_key() -> None:
    import random

    from copytrace.clean import _keys_of_lowered, line_key

    rng = random.Random(4)
    lines = ["1", "1.", ".1", "1.2.3", "4. 5", "a 1,2:3 b", "0", "12:30 p.m.", "x"]
    lines += [
        "".join(rng.choice("0123456789.,: ab-") for _ in range(rng.randint(1, 30))).strip() or "z"
        for _ in range(3000)
    ]
    assert _keys_of_lowered("\n".join(lines).encode("ascii")) == [line_key(t) for t in lines]
