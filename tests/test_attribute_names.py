"""Attribution's per-name caches and time keys agree with the plain definitions."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta, timezone

from copytrace import attribute as at
from copytrace.model import Article

WORDS = ["The", "the", "Daily", "Nikkei", "nikkei", "AP", "Press", "Al-Ahram", "O'Neil", "of"]
SOURCES = [
    "wire:AP",
    "AP",
    "The Associated Press",
    "Nikkei Asian Review",
    "nikkei.com",
    " (Reuters) ",
    "ELMRIDGE",
    "Elmridge",
    "TASS",
    "",
]


def _reference_meta_names(source: str | None, dateline: str | None) -> tuple[str, ...]:
    """``_meta_names`` as it was: one pass over both fields."""
    names: list[str] = []

    def add(name: str) -> None:
        name = name.strip()
        if len(name) >= 2 and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)

    for raw in (source, dateline):
        if not raw:
            continue
        raw = raw.strip(" /()-—").removeprefix("wire:")
        for alias in at._AGENCY_OF.get(raw.casefold(), ()):
            add(alias)
        if raw.isupper() or " " in raw or len(raw) > 3:
            add(raw)
        for word in re.findall(r"[A-Z][\w&’'-]+", raw):
            if word.casefold() not in at._NOT_NAMES and len(word) >= 3:
                add(word)
    return tuple(names)


def _random_name(rng: random.Random) -> str:
    name = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    return name + rng.choice(["", "", ".com", ".co.uk", "'s"])


def test_meta_names_join_each_fields_names_as_one_pass_does() -> None:
    rng = random.Random(5)
    fields = [*SOURCES, None, *(_random_name(rng) for _ in range(40))]
    for _ in range(3000):
        source, dateline = rng.choice(fields), rng.choice(fields)
        assert at._meta_names(source, dateline) == _reference_meta_names(source, dateline)


def test_name_sets_are_the_sets_of_all_names_at_once() -> None:
    rng = random.Random(6)
    for _ in range(2000):
        names = tuple(_random_name(rng) for _ in range(rng.randint(0, 4)))
        at.clear_caches()
        words = {k.casefold() for k in names}.union(*(at._folded_words(k) for k in names))
        joined = {k.casefold() for k in names} | {
            " ".join(at._name_words(k)).casefold() for k in names
        }
        squashed = {at._squash(n) for n in names} | {
            at._squash(at._DOMAIN_END.sub("", n)) for n in names
        }
        assert at._known_words(names) == words
        assert at._own_words(names) == {
            w.casefold() for n in names for w in (n, *at._name_words(n))
        }.union(*(at._run_together(n) for n in names))
        assert at._known_folded(names) == joined
        assert at._own_squashed(names) == squashed


def test_host_name_is_added_as_before() -> None:
    for host in ["asia.nikkei.com", "www.ap.org", "co.uk", "wire.example", "", "x.y.news"]:
        for names in [(), ("Nikkei",), ("NIKKEI", "AP"), ("example",)]:
            parts = [p for p in host.split(".") if p not in at._HOST_PARTS]
            want = names
            if parts and len(parts[-1]) >= 3:
                name = parts[-1].strip()
                if len(name) >= 2 and name.casefold() not in {n.casefold() for n in names}:
                    want = (*names, name)
            assert at._with_host_name(names, host) == want


def _random_time(rng: random.Random) -> str:
    t = datetime(2026, 1, 1) + timedelta(
        minutes=rng.randint(0, 3000), microseconds=rng.choice([0, 0, rng.randint(0, 999999)])
    )
    text = t.isoformat()
    kind = rng.randint(0, 3)
    if kind == 1:
        return text + "Z"
    if kind == 2:
        offset = timedelta(minutes=rng.choice([-600, -90, 0, 60, 330, 540]))
        return t.replace(tzinfo=timezone(offset)).isoformat()
    return text if kind == 0 else "not a time"


def _first_for_certain(ta: datetime, tb: datetime, pa: str, pb: str) -> str | None:
    """The oracle: instants as they are; two local times as if in one zone (a date
    alone spans its day); a local time against an instant only beyond UTC-12..+14."""

    def bounds(t: datetime, text: str, other_local: bool) -> tuple[datetime, datetime]:
        if t.tzinfo is not None:
            u = t.astimezone(UTC).replace(tzinfo=None)
            return u, u
        day = len(text) <= 10
        last = t + (timedelta(days=1) - timedelta(microseconds=1) if day else timedelta(0))
        if other_local:
            return t, last
        return t - timedelta(hours=14), last + timedelta(hours=12)

    lo_a, hi_a = bounds(ta, pa, tb.tzinfo is None)
    lo_b, hi_b = bounds(tb, pb, ta.tzinfo is None)
    if ta.tzinfo is not None and tb.tzinfo is not None:
        return "a" if ta < tb else "b" if tb < ta else None
    return "a" if hi_a < lo_b else "b" if hi_b < lo_a else None


def test_time_cues_order_times_only_where_certain() -> None:
    rng = random.Random(7)
    times = [_random_time(rng) for _ in range(60)]
    times += ["2026-01-01", "2026-01-02", "2026-01-03"]  # (dates alone)
    seen = set()
    for _ in range(4000):
        pa, pb = rng.choice(times), rng.choice(times)
        a = Article("a", "x", published=pa)
        b = Article("b", "x", published=pb)
        ta, tb = at._parse_time(pa), at._parse_time(pb)
        cues = at._time_cues(a, b)
        if ta is None or tb is None:
            assert cues == []
            continue
        first = _first_for_certain(ta, tb, pa, pb)
        assert [c.side for c in cues] == ([] if first is None else [first]), (pa, pb)
        seen.add((ta.tzinfo is None, tb.tzinfo is None, first is None))
    assert len(seen) == 8  # (every mix of local and zoned, ordered and not)


def test_a_wire_story_comes_first_where_a_zone_left_out_hides_the_order() -> None:
    # "22:09 UTC" on the wire's page, "7:30 PM" (no zone) on the reprint's: 19:30 in
    # New York is 23:30 UTC, after the wire; read as UTC it would be before it.
    wire = Article("w", "x", published="2026-10-10T22:09:00+00:00", source="Reuters")
    paper = Article("p", "x", published="2026-10-10T19:30:00", source="The Foxville Standard")
    cues = at._time_cues(paper, wire)
    assert [(c.side, c.weight) for c in cues] == [("b", at.WEIGHT_AGENCY_FIRST)]
    assert "no zone" in cues[0].text
    # a day apart, no zone changes the order; two papers: no agency to go by
    late = Article("p", "x", published="2026-10-12T01:30:00", source="The Foxville Standard")
    assert [c.side for c in at._time_cues(late, wire)] == ["b"]
    other = Article("o", "x", published="2026-10-10T22:09:00+00:00", source="The Daily Planet")
    assert at._time_cues(paper, other) == []
    # both sides agencies' (or neither): no cue either
    ap = Article("a", "x", published="2026-10-10T19:30:00", source="wire:AP")
    assert at._time_cues(ap, wire) == []


def test_an_article_object_is_remembered_while_its_equal_copy_is_worked_out_alike() -> None:
    text = "According to the Harbour Herald, the port closed.\n\n© 2026 The Coast Gazette"
    art = Article("x", text, content=((0, 49),), source="Coast Gazette")
    copy = Article("x", text, content=((0, 49),), source="Coast Gazette")
    at.clear_caches()
    first = at._article_work(art)
    assert at._article_work(art) is first  # (by the object)
    assert at._article_work(copy) == first


def test_union_chars_is_covered_chars() -> None:
    from copytrace.text import covered_chars

    rng = random.Random(9)
    for _ in range(20000):
        spans = [(rng.randint(0, 60), rng.randint(0, 60)) for _ in range(rng.randint(0, 7))]
        assert at._union_chars(spans) == covered_chars(spans), spans


def test_line_gates_are_each_words_own_kind() -> None:
    assert [(w, rx) for w, _, _, rx in at._LINE_GATES] == list(at._CREDIT_LINE_RE)
    for word, key, gate, _ in at._LINE_GATES:
        assert key == word.encode()
        if not (word.isalpha() and word.isascii()):
            assert gate is at._GATE_TEXT
        elif key in at._WHOLE_LINE_WORDS:
            assert gate is at._GATE_WHOLE
        else:
            assert gate is at._GATE_LETTERS
