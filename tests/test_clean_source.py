"""The source a plain-text page names: its outlet's copyright line before the agency
its dateline credits, and a folder of such pages scanned on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
