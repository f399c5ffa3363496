"""The batched chrome pass equals the one-by-one definition on awkward lines.

``flat_line_hashes`` keys many pages' lines together (numpy over the ASCII ones,
numpy over the near-ASCII punctuation too, a memo of line hashes across calls);
whatever the shortcuts, each page's rows must be ``page_line_keys``' hashes.
"""

from __future__ import annotations

import random

from copytrace.chrome import (
    _MIN_CHARS_RE,
    CHROME_MAX_LINE_CHARS,
    _ascii_key_parts,
    _ascii_keys,
    flat_line_hashes,
    key_hash,
    page_line_keys,
)
from copytrace.clean import line_key

# Characters the fast paths treat differently: digits and their separators,
# every line break line_spans knows, curly quotes and dashes (near-ASCII), other
# letters (casefolded: "ß", "İ"), non-breaking and other Unicode spaces.
_ALPHABET = "aZ 09.,:_-\t\r\u2028\u2029\u00a0\u2003’“—…•ßİéЖ中#|"


def _page(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randrange(0, 12)):
        if rng.random() < 0.1:  # around the length limit
            n = CHROME_MAX_LINE_CHARS + rng.randrange(-2, 3)
            lines.append("".join(rng.choice("ab 1") for _ in range(n)))
        else:
            lines.append("".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(0, 16))))
    return rng.choice(["\n", "\r\n", "\n\n"]).join(lines)


def _by_one(texts: list[str]) -> list[list[int]]:
    return [sorted(page_line_keys(t)) for t in texts]


def _flat(texts: list[str]) -> list[list[int]]:
    page, hashes = flat_line_hashes(texts)
    return [hashes[page == k].tolist() for k in range(len(texts))]


def test_flat_line_hashes_equal_page_line_keys_on_random_pages() -> None:
    rng = random.Random(8)
    for _ in range(60):
        texts = [_page(rng) for _ in range(rng.randrange(1, 20))]
        assert _flat(texts) == _by_one(texts)


def test_repeated_batches_give_the_same_rows() -> None:
    # (the second call meets lines the first one hashed)
    rng = random.Random(9)
    texts = [_page(rng) + "\nMenu Home\nSign in – 3 free articles" for _ in range(40)]
    first = _flat(texts)
    assert _flat(texts[::-1]) == first[::-1]
    assert first == _by_one(texts)
    assert key_hash("sign in 0 free articles") in first[0]


def test_ascii_keys_equal_line_key_on_numbers_at_edges() -> None:
    lines = ["1", "1.", ".1", "1.2.3", "1..2", "a 1,2:3 b", " 12 ", "x", "", ":", "0a0", "ab c"]
    keys, counts = _ascii_keys("\n".join(lines).encode("ascii"))
    assert [k.decode("ascii") for k in keys] == [line_key(t) for t in lines]
    assert counts.tolist() == [len(line_key(t).replace(" ", "")) for t in lines]


def test_ascii_key_parts_count_as_the_regex() -> None:
    rng = random.Random(11)
    lines = ["".join(rng.choice("ab 1.-") for _ in range(rng.randrange(0, 9))) for _ in range(3000)]
    keys, lengths, valid = _ascii_key_parts("\n".join(lines).encode("ascii"))
    want = [line_key(t) for t in lines]
    assert [k.decode("ascii") for k in keys] == want
    assert lengths.tolist() == [len(k) for k in want]
    assert valid.tolist() == [_MIN_CHARS_RE.match(k) is not None for k in want]
    assert 100 < sum(valid.tolist()) < len(lines) - 100


def test_non_ascii_equals_the_regex_with_surrogates_and_astral() -> None:
    from copytrace.fingerprint import _NON_ASCII_RE, _non_ascii, normalize_text

    rng = random.Random(12)
    alphabet = "aZ.' \n’é€ß\ud800\udc00😀İΣ"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        assert _non_ascii(text) == "".join(_NON_ASCII_RE.findall(text))
    assert normalize_text("Café’s ÉTÉ 😀") == "cafes ete 😀"


def test_long_lines_count_by_their_stripped_length() -> None:
    fits = "  " + "a" * (CHROME_MAX_LINE_CHARS - 1) + " \u00a0"
    over = " " + "b" * (CHROME_MAX_LINE_CHARS + 1)
    blank = " \t\u00a0 "
    texts = [f"{fits}\n{over}\n{blank}\nMenu", f"\t{fits}\r\n{over}"]
    assert _flat(texts) == _by_one(texts)
    assert _flat(texts)[1] == [key_hash("a" * (CHROME_MAX_LINE_CHARS - 1))]


def test_key_hashes_equal_key_hash() -> None:
    from copytrace.chrome import _key_hashes

    rng = random.Random(14)
    keys = ["", "a", "menu", "x" * 128, "y" * 129, "é 0 ж"]
    keys += ["".join(rng.choice("ab 0é") for _ in range(rng.randrange(0, 300))) for _ in range(200)]
    got = _key_hashes([k.encode("utf-8") for k in keys]).tolist()
    assert got == [key_hash(k) for k in keys]
