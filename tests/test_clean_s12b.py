"""Session 12 (second clean pass): parse_published's month-first shortcut, _runs."""

from __future__ import annotations

import random
import re

import numpy as np

from copytrace import clean, clean_meta


def _published_by_all_patterns(line: str) -> str | None:
    """parse_published as before the shortcut: every pattern searched, the matches
    read in the order they start."""
    low = line.casefold()
    found = [(m.start(), m) for p in clean_meta._DATE_PATTERNS if (m := p.search(low))]
    for _, m in sorted(found, key=lambda sm: sm[0]):
        stamp = clean_meta._stamp(m)
        if stamp is not None:
            return stamp
    return None


def test_parse_published_equals_all_patterns() -> None:
    rng = random.Random(12)
    tokens = [
        "Oct.",
        "oct",
        "May",
        "June",
        "21",
        "9",
        "2018",
        "2026",
        "9:56",
        "12:60",
        "24:00",
        "7:59",
        "UTC+3",
        "pm",
        "AM",
        "EST",
        "ET",
        "GMT",
        "+0300",
        "z",
        "at",
        "-",
        "|",
        "/",
        ",",
        "Published",
        "Posted",
        "Nov",
        "19th,",
        "32",
        "13",
        "1999",
        "2150",
        "٣",
        "1:2",
        "11/13/19",
        "20.11.2019",
        "05.10.18",
        "2018-05-21T09:56:00+03:00",
        "(@x)",
        "market",
        "de",
        "outubro",
        "Mai",
        "21.",
        "1º",
        "сентября",
        "г.",
        "às",
        "09h56",
        "Uhr",
        "okt.",
        "out",
    ]
    lines = [
        "Oct. 9, 2026 7:59 AM",
        "Published Oct. 4, 2026 4:08 PM",
        "Posted 3 Oct. 32, 2026 then May 21, 2018",
        "Oct. 32, 2026 and 21 May 2018",
        "Nov 19, 2019 12:04AM ET",
        "no date here",
    ]
    lines += [" ".join(rng.choices(tokens, k=rng.randint(1, 8))) for _ in range(20000)]
    for line in lines:
        expected = _published_by_all_patterns(line)
        # (no hint for a pattern means no match of it: the hints only skip searches)
        assert clean_meta._parse_published.__wrapped__(line) == expected, line


def test_month_first_is_the_only_pattern_not_opening_with_a_digit() -> None:
    # The shortcut's premise: every other pattern's match opens with a digit.
    for k, pattern in enumerate(clean_meta._DATE_PATTERNS):
        for m in pattern.finditer("2018-05-21 9:56 utc 21 may 2018 9:56 gmt may 21, 2018 11/13/19"):
            if k != clean_meta._MONTH_FIRST:
                assert re.match(r"\d", m.group(0)), (k, m.group(0))


def _runs_by_two_passes(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    first = mask.copy()
    first[1:] &= ~mask[:-1]
    last = mask.copy()
    last[:-1] &= ~mask[1:]
    return np.flatnonzero(first), np.flatnonzero(last) + 1


def test_runs_equal_two_passes() -> None:
    rng = np.random.default_rng(12)
    for n in (0, 1, 2, 3, 7, 100):
        for p in (0.0, 0.3, 0.7, 1.0):
            for _ in range(10):
                mask = rng.random(n) < p
                got, expected = clean._runs(mask), _runs_by_two_passes(mask)
                for a, b in zip(got, expected, strict=True):
                    assert a.dtype == b.dtype and a.flags.c_contiguous
                    assert np.array_equal(a, b)
