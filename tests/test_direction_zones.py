"""Direction when one page's time stamp has no zone.

A wire's page shows "2026-10-10 22:09 UTC"; a local paper's reprint of it (cut
short by its paywall) shows "Published Oct. 10, 2026 7:30 PM": 19:30 in the
paper's zone (UTC-4 in the generated corpus these pages come from) is 23:30
UTC, after the wire. Read as UTC, the reprint looked 2.6 hours older, and its
truncation (all of it inside the wire's story) agreed: the reprint was taken
as the source.
"""

from __future__ import annotations

from pathlib import Path

from copytrace import attribute as at
from copytrace.compare import compare_files
from copytrace.model import Article

DATA = Path(__file__).parent / "data" / "direction"


def test_a_wire_story_is_the_source_of_a_reprint_whose_time_has_no_zone() -> None:
    at.clear_caches()
    r = compare_files(DATA / "reprint_local_time.txt", DATA / "wire_utc.txt")
    assert r.a.published == "2026-10-10T19:30:00"  # (local: no zone shown)
    assert r.b.published == "2026-10-10T22:09:00+00:00"
    assert r.b.source == "Reuters"  # (its dateline: "FAIRMONT (Reuters) —")
    assert r.passages
    for p in r.passages:  # (the spans hold the reused text on both sides)
        a_words = r.a.text[p.a_start : p.a_end].split()
        assert a_words[:3] == r.b.text[p.b_start : p.b_end].split()[:3]
    assert r.direction.source == "b"
    assert "news agency" in r.direction.evidence[0]
    assert not any("was published" in e for e in r.direction.evidence)


def test_a_day_apart_the_local_time_still_orders_the_pages() -> None:
    wire = Article("w", "x", published="2026-10-10T22:09:00+00:00", source="Reuters")
    later = Article("p", "x", published="2026-10-11T23:30:00", source="The Foxville Standard")
    cues = at._time_cues(later, wire)
    assert [c.side for c in cues] == ["b"] and cues[0].weight == at.WEIGHT_TIME


def test_news_agencies_by_name_and_by_host() -> None:
    agencies = ["wire:AP", "Reuters", "The Associated Press", "Agence France-Presse"]
    agencies += ["www.reuters.com", "apnews.com", "tass.ru", "english.kyodonews.net"]
    for source in agencies:
        assert at._is_agency(source), source
    for source in [None, "", "The Foxville Standard", "nytimes.com", "Reuters Institute"]:
        assert not at._is_agency(source), source
