"""The chrome pass's batched keys and hashes (session 13): marked bytes deleted by
translate, the last chunk masked alone, near-ASCII lines as UTF-16, rows sorted by
a radix sort of their pages; each as the plain definitions."""

from __future__ import annotations

import random

import numpy as np

from copytrace.chrome import (
    _RADIX_PAGES,
    _WALK_SPACES,
    CHROME_MIN_LINE_CHARS,
    _ascii_key_table,
    _joined_key_hashes,
    _near_ascii_bytes,
    flat_line_hashes,
    page_line_hashes,
)
from copytrace.clean import _NEAR_POINTS, line_key

_M64 = (1 << 64) - 1


def _mix(z: int) -> int:
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & _M64
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def _plain_key_hash(key: bytes) -> int:
    """key_hash as documented: each 8 bytes (little-endian, the last zero-padded)
    mixed with its place, the mixes summed, the sum mixed with the length."""
    total = 0
    for place in range(0, len(key), 8):
        chunk = int.from_bytes(key[place : place + 8], "little")
        total += _mix((chunk + (place // 8 + 1) * 0x9E3779B97F4A7C15) & _M64)
    return _mix((total + len(key) * 0xD6E8FEB86659FD93) & _M64)


def test_key_table_collapses_spaces_as_line_key() -> None:
    rng = random.Random(13)
    long_run = " " * (3 * _WALK_SPACES)
    lines = ["", " ", long_run, "a" + long_run, long_run + "a", "a" + long_run + "b"]
    lines += ["x 1.5" + long_run, "2,5 " + " " * _WALK_SPACES, "a !" + " " * (_WALK_SPACES + 1)]
    lines += [
        "".join(rng.choice("ab0 1.,:-!") for _ in range(rng.randint(0, 40))) for _ in range(5000)
    ]
    for group in (lines, lines[::-1], lines[:7]):
        joined, starts, lengths, valid = _ascii_key_table("\n".join(group).encode("ascii"))
        keys = [line_key(t) for t in group]
        assert joined.split(b"\n") == [k.encode("ascii") for k in keys]
        cut = [joined[a : a + n] for a, n in zip(starts.tolist(), lengths.tolist(), strict=True)]
        assert cut == joined.split(b"\n")
        words = [sum(c.isalnum() for c in k) >= CHROME_MIN_LINE_CHARS for k in keys]
        assert valid.tolist() == words


def test_joined_key_hashes_as_documented() -> None:
    rng = random.Random(5)
    keys = [b"", b"a", b"abcdefg", b"abcdefgh", b"abcdefghi", b"\0" * 9, b"\xff" * 16]
    sizes = [7, 8, 9, 15, 16, 17]
    keys += [rng.randbytes(rng.choice([*sizes, rng.randrange(90)])) for _ in range(500)]
    lengths = np.array([len(k) for k in keys], np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    got = _joined_key_hashes(b"".join(keys), starts, lengths).tolist()
    assert got == [_plain_key_hash(k) for k in keys]
    # a few keys, anywhere in the buffer, in any order
    pick = np.array([3, 0, 200, 7], np.int64)
    got = _joined_key_hashes(b"".join(keys), starts[pick], lengths[pick]).tolist()
    assert got == [_plain_key_hash(keys[i]) for i in pick.tolist()]


def _plain_near(lines: list[str]) -> tuple[bytes, list[int], list[int]]:
    near_chars = {chr(c) for c in _NEAR_POINTS.tolist()}
    spaced = ["".join(" " if c in near_chars else c for c in t) for t in lines]
    kept = [i for i, t in enumerate(spaced) if t.isascii()]
    far = [i for i, t in enumerate(spaced) if not t.isascii()]
    return "\n".join(spaced[i] for i in kept).lower().encode("ascii"), kept, far


def test_near_ascii_bytes_as_plain() -> None:
    rng = random.Random(8)
    alphabet = "aB 1.\u2019\u201c\u2014\u00e9\u6771"
    groups = [["\u6771"], ["\u6771", "a"], ["a", "\u6771"], ["\u2019A\u2019", "b\U0001f600"]]
    groups += [["x\U0001f600", "\u2014Y"], ["\ud800a", "b"]]
    groups += [
        ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(6)]
        for _ in range(2000)
    ]
    for lines in groups:
        assert _near_ascii_bytes(lines) == _plain_near(lines), lines


def test_flat_line_hashes_sorted_by_page_then_hash() -> None:
    rng = random.Random(2)
    menu = ["Home News Sport", "Sign in to read more", "Most read today", "About us"]
    texts = [
        "\n".join([*rng.sample(menu, rng.randint(0, 4)), f"Story {rng.random()} here."])
        for _ in range(_RADIX_PAGES + 5)
    ]
    page, h = flat_line_hashes(texts)  # (past _RADIX_PAGES: lexsort)
    some = texts[:300]
    page_s, h_s = flat_line_hashes(some)  # (a radix sort of the pages)
    for p, hashes in ((page, h), (page_s, h_s)):
        cut = p < len(some)
        assert np.array_equal(p[cut], page_s) and np.array_equal(hashes[cut], h_s)
    expected = [page_line_hashes(t) for t in some]
    assert np.array_equal(h_s, np.concatenate(expected))
    assert np.array_equal(page_s, np.repeat(np.arange(len(some)), [len(e) for e in expected]))
