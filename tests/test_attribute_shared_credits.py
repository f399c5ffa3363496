"""Credits both pages give are no evidence between them.

Two papers' reprints of one wire story (pages of the generated corpus) both
credit the wire, and two sites of one media group both carry the group's
copyright line. Each page's credit used to be read as crediting the other's
publisher, because the name stood on the other's page too: on 636 of the 3,550
sibling pairs of gen-10k (two reprints of one story), whose passages were all
marked as credited copies of each other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from copytrace import attribute as at
from copytrace.compare import compare_files

DATA = Path(__file__).parent / "data" / "direction"


@pytest.mark.parametrize(
    ("pair", "shared"),
    [
        # "— United Press International" / "Copyright 2026 United Press International"
        ("upi", "United Press International"),
        # "© Meridian Media Group" under two of the group's sites
        ("group", "Meridian Media Group"),
        # "Reuters reported" in one, "(Reuters)" on the other's page
        ("reuters", "Reuters"),
    ],
)
def test_siblings_do_not_credit_each_other(pair: str, shared: str) -> None:
    at.clear_caches()
    a, b = DATA / f"sibling_{pair}_a.txt", DATA / f"sibling_{pair}_b.txt"
    assert shared in a.read_text(encoding="utf-8")
    assert shared in b.read_text(encoding="utf-8")
    r = compare_files(a, b)
    assert r.passages
    assert r.a.source != r.b.source
    assert not any("credits" in e for e in r.direction.evidence), r.direction.evidence
    assert not any(p.attributed for p in r.passages)


def test_a_reprint_still_credits_the_wire_it_names() -> None:
    at.clear_caches()
    r = compare_files(DATA / "sibling_upi_a.txt", DATA / "wire_upi.txt")
    assert r.b.source == "United Press International"
    assert r.direction.source == "b"
    assert any("credits the article to b" in e for e in r.direction.evidence)
    assert all(p.attributed for p in r.passages)


def test_agency_name_words() -> None:
    assert at._agency_words(("Reuters",)) and at._agency_words(("Associated",))
    assert at._agency_words(("Agence", "France-Presse"))
    assert not at._agency_words(("Nikkei",)) and not at._agency_words(("Associated", "British"))
