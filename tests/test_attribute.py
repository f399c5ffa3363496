"""Direction and attribution: who is the source, is the reuse credited, and why."""

from __future__ import annotations

from pathlib import Path

from copytrace.align import align
from copytrace.attribute import attribute, coverage, publisher_names
from copytrace.ingest.files import read_article_file
from copytrace.model import Article

BODY = (
    "The port authority closed the inner harbour on Thursday afternoon after forecasters "
    "upgraded a gale warning for the coast, leaving more than forty fishing boats tied up."
)


def whole(art: Article) -> Article:
    return Article(art.id, art.text, ((0, len(art.text)),), path=art.path)


def test_seed_pair_nikkei_is_the_credited_source(nikkei_path: Path, tass_path: Path) -> None:
    tass = whole(read_article_file(tass_path))
    nikkei = whole(read_article_file(nikkei_path))
    passages, direction = attribute(tass, nikkei, align(tass, nikkei))
    assert direction.source == "b"
    assert direction.confidence >= 0.5
    assert any("Nikkei" in e for e in direction.evidence)
    assert any("quotes" in e for e in direction.evidence)
    verbatim = [p for p in passages if p.kind != "paraphrase"]
    assert len(verbatim) == 2
    assert all(p.attributed for p in verbatim)


def test_copy_without_credit_is_not_attributed() -> None:
    a = Article(
        "a", f"Storm news. {BODY}", source="Harbour Herald", published="2024-03-01T09:00:00+00:00"
    )
    b = Article("b", f"Local roundup. {BODY} More later.", published="2024-03-01T15:00:00+00:00")
    passages, direction = attribute(a, b, align(a, b))
    assert passages and not any(p.attributed for p in passages)
    assert direction.source == "a"
    assert any("published" in e for e in direction.evidence)


def test_publication_time_alone_decides_direction() -> None:
    a = Article("a", BODY, published="2024-03-02T10:00:00+01:00")
    b = Article("b", BODY, published="2024-03-02T08:00:00+01:00")
    _, direction = attribute(a, b, align(a, b))
    assert direction.source == "b"
    assert 0 < direction.confidence <= 1


def test_named_credit_near_reused_words_marks_attribution() -> None:
    a = Article("a", BODY, source="Harbour Herald")
    b = Article("b", f"According to the Harbour Herald, {BODY[0].lower()}{BODY[1:]}")
    passages, direction = attribute(a, b, align(a, b))
    assert direction.source == "a"
    assert passages[0].attributed
    assert any("Harbour Herald" in e for e in direction.evidence)


def test_generic_credit_cue_marks_attribution() -> None:
    a = Article("a", BODY)
    b = Article("b", f'"{BODY}" the newspaper added.')
    passages, direction = attribute(a, b, align(a, b))
    assert passages[0].attributed
    assert direction.source == "a"


def test_third_party_named_by_both_is_not_evidence() -> None:
    quote = f"{BODY} Reuters reported."
    a = Article("a", quote)
    b = Article("b", quote)
    _, direction = attribute(a, b, align(a, b))
    assert direction.source is None
    assert direction.confidence == 0


def test_no_passages_means_no_direction() -> None:
    a, b = Article("a", "One text."), Article("b", "Another text.")
    passages, direction = attribute(a, b, [])
    assert passages == []
    assert direction.source is None and direction.confidence == 0.0
    assert direction.evidence


def test_containment_points_at_the_contained_article() -> None:
    extra = " ".join(
        f"Residents of street number {k} were told to stay indoors until the gale passed."
        for k in range(6)
    )
    a = Article("a", BODY)
    b = Article("b", f"{BODY} {extra}")
    _, direction = attribute(a, b, align(a, b))
    assert direction.source == "a"
    assert any("inside" in e for e in direction.evidence)


def test_publisher_names_from_metadata() -> None:
    art = Article("x", "", source="Nikkei Asian Review", url="https://asia.nikkei.com/p/1")
    assert publisher_names(art) == ["Nikkei Asian Review", "Nikkei"]
    assert publisher_names(Article("y", "", source="TASS")) == ["TASS", "ITAR-TASS"]


def test_coverage_counts_content_characters_only() -> None:
    art = Article("x", "MENU" + "a" * 10, content=((4, 14),))
    assert coverage(art, [(4, 9)]) == 0.5
    assert coverage(art, [(4, 9), (6, 14)]) == 1.0


LONG = (
    f"{BODY} Harbour officials said the closure would last at least until Saturday morning, "
    "when the next forecast is due, and ferry services to the islands were suspended."
)


def test_agency_names_include_what_the_agency_is_credited_as() -> None:
    names = publisher_names(Article("w", "", source="wire:AP"))
    assert {"AP", "The Associated Press"} <= set(names)
    assert "Reuters" in publisher_names(Article("r", "", source="wire:Reuters"))


def test_wire_credit_line_far_from_the_reused_words_attributes_every_passage() -> None:
    wire = Article("w", f"HARBOUR CITY (AP) — {LONG}", source="wire:AP")
    text = f"Weekend travel. {LONG}\n\nIn other news, the county fair opens.\n\n"
    text += "The Associated Press contributed to this report."
    paper = Article("p", text, source="rivertoncourier.com")
    passages, direction = attribute(wire, paper, align(wire, paper))
    assert passages and all(p.attributed for p in passages)
    assert direction.source == "a"
    line = "The Associated Press contributed to this report"
    assert any("credits the article" in e and line in e for e in direction.evidence)


def test_copyright_and_reprint_lines_credit_only_the_publisher_they_name() -> None:
    wire = Article("w", LONG, source="wire:Reuters")
    credited = Article("c", f"{LONG}\n\nCopyright 2026 Reuters. All rights reserved.")
    other = Article("o", f"{LONG}\n\nRepublished with permission from The Harbour Herald.")
    for art, expect in ((credited, True), (other, False)):
        passages, _ = attribute(wire, art, align(wire, art))
        assert passages
        assert all(p.attributed for p in passages) is expect
