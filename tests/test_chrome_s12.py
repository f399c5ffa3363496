"""The numpy line-key hash (session 12): every batched path gives ``key_hash``."""

from __future__ import annotations

import random

import numpy as np

from copytrace.chrome import (
    _joined_key_hashes,
    _key_hashes,
    ascii_key_entries,
    joined_key_entries,
    key_entries,
    key_entry,
    key_hash,
)

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _ascii_key(rng: random.Random) -> str:
    words = [
        "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 12)))
        for _ in range(rng.randint(0, 8))
    ]
    return " ".join(words)


def test_batched_hashes_are_key_hash() -> None:
    rng = random.Random(12)
    keys = ["", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "x" * 16, "x" * 17, "東京 ё"]
    keys += [_ascii_key(rng) for _ in range(300)]
    want = [key_hash(k) for k in keys]
    assert _key_hashes([k.encode("utf-8") for k in keys]).tolist() == want
    # (keys anywhere in a buffer: only their own bytes count)
    buf = b"#".join(k.encode("utf-8") for k in keys) + b"#tail"
    lengths = np.array([len(k.encode("utf-8")) for k in keys], np.int64)
    starts = np.zeros(len(keys), np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    assert _joined_key_hashes(buf, starts, lengths).tolist() == want
    assert all(0 <= h < 2**64 for h in want)


def test_entries_are_key_entry() -> None:
    rng = random.Random(7)
    keys = ["", "a", "a b", "ab c", "a b c", "abc", "0 0", "menu"]
    keys += [_ascii_key(rng) for _ in range(500)]
    ok = [rng.random() < 0.8 for _ in keys]
    want = [key_entry(k) if good else None for k, good in zip(keys, ok, strict=True)]
    assert ascii_key_entries(keys, ok) == want
    assert joined_key_entries("\n".join(keys).encode("ascii"), np.array(ok)) == want
    odd = [*keys[:50], "東京 都", "ё", "名"]
    ok_odd = [True] * len(odd)
    assert key_entries(odd, ok_odd) == [key_entry(k) for k in odd]
    assert joined_key_entries(b"", np.zeros(0, bool)) == []
    assert key_entries([], []) == []


def test_no_collisions_on_close_keys() -> None:
    rng = random.Random(3)
    keys = {_ascii_key(rng) for _ in range(50_000)}
    base = "abcdefghijklmnop" * 3
    # chunks swapped, a byte moved across a chunk's edge, zero bytes at the end,
    # one character changed at each place
    keys |= {base, base[8:16] + base[:8] + base[16:], base[1:] + base[:1], "ab", "ab\0"}
    keys |= {base[:i] + "#" + base[i + 1 :] for i in range(len(base))}
    keys |= {"a" * n for n in range(40)}
    ordered = sorted(keys)
    hashes = _key_hashes([k.encode("utf-8") for k in ordered]).tolist()
    assert len(set(hashes)) == len(ordered)


def test_ascii_keys_of_numbers_as_line_key() -> None:
    from copytrace.chrome import _ascii_key_table
    from copytrace.clean import line_key

    rng = random.Random(11)
    lines = ["", "1", "1.", ".1", "1.2.3", " 4. 5 ", "a 1,2:3 b", "0", "12:30 p.m."]
    lines += [
        "".join(rng.choice("0123456789.,: ab-") for _ in range(rng.randint(0, 30)))
        for _ in range(3000)
    ]
    joined, starts, lengths, _ = _ascii_key_table("\n".join(lines).encode("ascii"))
    assert joined.split(b"\n") == [line_key(t).encode("ascii") for t in lines]
    assert [joined[a : a + n] for a, n in zip(starts.tolist(), lengths.tolist(), strict=True)] == (
        joined.split(b"\n")
    )


def test_mixed_lines_hash_as_key_hash() -> None:
    from copytrace.chrome import CHROME_MIN_LINE_CHARS, _line_hashes
    from copytrace.clean import line_key

    rng = random.Random(9)
    alphabet = "ab 1.“”—ё東\u2019xY"
    lines = ["", "東", "“a”", "ab—cd", "x ё y", "menu"]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    lines = list(dict.fromkeys(lines))
    for group in (lines, lines[::-1], [t for t in lines if not t.isascii()], ["東", "a"]):
        hashes, valid = _line_hashes(group)
        keys = [line_key(t) for t in group]
        assert hashes.tolist() == [key_hash(k) for k in keys]
        want = [sum(c.isalnum() for c in k) >= CHROME_MIN_LINE_CHARS for k in keys]
        assert valid.tolist() == want
