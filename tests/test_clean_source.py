"""The source a plain-text page names: its outlet's copyright line before the agency
its dateline credits, and a folder of such pages scanned on it."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from copytrace.chrome import page_outlet
from copytrace.clean import clean
from copytrace.clean_meta import _copyright_name
from copytrace.model import Article
from copytrace.scan import scan


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("© 2026 The Ashport Mercury. All rights reserved.", "The Ashport Mercury"),
        ("Copyright © 2026 The Oakbury Standard | All rights reserved", "The Oakbury Standard"),
        ("© 2018 TASS. All rights reserved", "TASS"),
        ("(c) 2019 Nikkei Inc. All rights reserved.", "Nikkei Inc"),
        ("Copyright 2019 The Associated Press. All rights reserved.", "The Associated Press"),
        ("© 2019 Reuters. Click for restrictions", "Reuters"),
        ("© Copyright 2020 Axios Media", "Axios Media"),
        ("Copyright 2019 U.S. News", "U.S. News"),
        ("copyright 2019 all rights reserved", None),
        ("The Pinehaven Beacon · All content © 2026", "The Pinehaven Beacon"),
        ("BBC © 2019", "BBC"),
        ("Photo © 2019", None),
    ],
)
def test_a_copyright_line_names_its_owner_and_no_more(line: str, name: str | None) -> None:
    assert _copyright_name(line) == name


MENU = "Home | News | Local | Business | Sports | Opinion"


def _page(outlet: str, dateline: str, body: list[str]) -> str:
    return "\n\n".join(
        [
            MENU,
            outlet,
            f"{dateline} {body[0]}",
            *body[1:],
            f"© 2026 {outlet}. All rights reserved.",
        ]
    )


WIRE = [
    "The regional council approved the new water treatment plant on Tuesday after "
    "a debate that lasted more than six hours, officials said.",
    "The plant will serve about forty thousand households in the valley and is "
    "expected to open in the spring of next year, according to the council's plans.",
    "Opponents had argued that the cost of the project would fall on small farms "
    "that draw their water from the river, and asked for a new study of its impact.",
    "The council said the study had already been done and that the farms would pay "
    "the same rate as before for at least the first five years of the plant's work.",
]


def test_a_groups_site_is_the_outlet_it_says_is_part_of_the_group() -> None:
    body = "\n\n".join(WIRE)
    footer = (
        "The Stoneside Enterprise is part of the Meridian Media Group.\n© Meridian Media Group 2026"
    )
    page = f"{MENU}\n\n{body}\n\n{footer}"
    assert clean(Article("p", page)).source == "The Stoneside Enterprise"
    assert page_outlet(page) == "The Stoneside Enterprise"
    # (the group's name where no site names itself)
    assert clean(Article("q", f"{body}\n\n© Meridian Media Group 2026")).source == (
        "Meridian Media Group"
    )


def test_the_outlet_a_page_names_is_its_source_not_the_agency_of_its_dateline() -> None:
    page = _page("The Ashport Mercury", "HIGHRIDGE (Reuters) —", WIRE)
    art = clean(Article("p", page))
    assert art.source == "The Ashport Mercury"
    assert art.dateline and "HIGHRIDGE" in art.dateline
    # with no outlet named, the agency is the source
    bare = "\n\n".join([f"HIGHRIDGE (Reuters) — {WIRE[0]}", *WIRE[1:]])
    assert clean(Article("q", bare)).source == "Reuters"


def test_a_folder_of_pages_pairs_two_outlets_reprinting_one_wire_story(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "mercury.txt").write_text(
        _page("The Ashport Mercury", "HIGHRIDGE (Reuters) —", WIRE), encoding="utf-8"
    )
    (pages / "tribune.txt").write_text(
        _page("The Ashmont Tribune", "HIGHRIDGE (Reuters) —", WIRE[:3]), encoding="utf-8"
    )
    # Two pages of one outlet sharing a paragraph: same-source reuse, skipped.
    (pages / "mercury-2.txt").write_text(
        _page("The Ashport Mercury", "ASHPORT —", [WIRE[3], "A second story of the day."]),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    scan([pages], out, jobs=1)
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert [(p["a_id"], p["b_id"]) for p in pairs] == [("mercury", "tribune")]


PROMO = (
    "Doctors in the valley are stunned by this one simple trick that ends joint pain "
    "for good, and the drug companies would rather you never heard about it at all"
)


PARAGRAPHS = [
    p.strip()
    for p in (Path(__file__).parent / "data" / "scan" / "paragraphs.txt")
    .read_text(encoding="utf-8")
    .split("\n\n")
    if len(p.split()) > 40
]


def _site_pages(outlet: str, first: int) -> list[str]:
    """Three pages of one outlet, no source given: each its own two paragraphs of
    real text, with the ad network's promo line between them (the same on every
    page of both outlets)."""
    pages = []
    for k in range(3):
        own = PARAGRAPHS[first + 2 * k : first + 2 * k + 2]
        pages.append(_page(outlet, "ASHPORT —", [own[0], PROMO, own[1]]))
    return pages


def test_chrome_of_pages_without_a_source_is_learned_under_the_outlet_they_name(
    tmp_path: Path,
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for outlet, first in (("The Ashport Mercury", 0), ("The Ashmont Tribune", 6)):
        for k, text in enumerate(_site_pages(outlet, first)):
            (pages / f"{outlet.split()[1].lower()}-{k}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    scan([pages], out, jobs=1)
    # The promo is each outlet's learned chrome: no pair across the outlets on it, and
    # no page keeps it as article text.
    assert (out / "pairs.jsonl").read_text() == ""
    for row in pq.read_table(out / "articles.parquet").to_pylist():
        kept = [row["text"][s:e] for s, e in row["content"]]
        assert kept and PROMO not in kept, row["id"]
        assert row["source"] in {"The Ashport Mercury", "The Ashmont Tribune"}
