"""Publishers known only by their site's host, as in a crawl (session 26).

A WARC record's source is its host ("redfieldpress.com"); a credit names the
publisher ("As The Redfield Press reported", "(AP)"). Before session 26 such
credits never met the host: on a generated crawl 11% of credited reprints were
found credited (0.98 of the same corpus as text). A credited name run together
meets the host's name, and an agency's site stands for the agency.
"""

from __future__ import annotations

from copytrace import attribute as at
from copytrace.compare import compare
from copytrace.model import Article

STORY = (
    "The council voted on Tuesday to close the old bridge to lorries from next spring, "
    "after engineers found that two of its piers had been weakened by years of floods. "
    "Residents who cross it every day said the detour would add twenty minutes each way."
)


def _pair(credit: str, host: str, source: str | None = None) -> tuple[Article, Article]:
    first = Article(
        "src",
        STORY,
        content=((0, len(STORY)),),
        source=source or host,
        url=f"https://www.{host}/news/2026/10/06/bridge-1",
        published="2026-10-06T08:00:00+00:00",
    )
    text = f"{credit}, {STORY[0].lower()}{STORY[1:]}"
    copy = Article(
        "copy",
        text,
        content=((0, len(text)),),
        source="glendaleinquirer.com",
        url="https://www.glendaleinquirer.com/news/2026/10/06/bridge-2",
        published="2026-10-06T11:00:00+00:00",
    )
    return first, copy


def _credited(first: Article, copy: Article) -> bool:
    result = compare(first, copy)
    assert result.passages
    return any(p.attributed for p in result.passages)


def test_a_publisher_named_in_full_meets_its_host() -> None:
    assert _credited(*_pair("As The Redfield Press reported", "redfieldpress.com"))
    assert _credited(*_pair("According to The Marblewood Inquirer", "marblewoodinquirer.com"))


def test_a_name_with_the_meets_a_host_that_keeps_it() -> None:
    assert _credited(*_pair("As The Guardian reported", "theguardian.com"))


def test_an_agency_site_is_known_by_the_agency_names() -> None:
    assert _credited(*_pair("The Associated Press reported", "apnews.com"))
    assert "The Associated Press" in at.publisher_names(
        Article("x", "", source="apnews.com", url="https://apnews.com/article/1")
    )
    assert "Reuters" in at.publisher_names(
        Article("x", "", source="reuters.com", url="https://www.reuters.com/world/1")
    )


def test_a_place_is_no_credit_to_the_paper_named_after_it() -> None:
    """Only the whole name run together meets a host: "Washington said" (the
    government) is no credit to washingtonpost.com, nor another paper's name with
    the same masthead noun."""
    assert not _credited(*_pair("Washington said", "washingtonpost.com"))
    assert not _credited(*_pair("As The Stonewick Press reported", "redfieldpress.com"))


def test_the_folded_words_hold_the_name_run_together() -> None:
    folded = at._folded_words("As The Redfield Press")
    assert {"redfield", "redfieldpress", "theredfieldpress"} <= folded
    assert "washingtonpost" not in at._folded_words("Washington")
