"""A name both pages credit, or one the other page's story is about, is no credit to
the other's publisher (found on real pages: two same-day write-ups of a Bloomberg
scoop each "credited" the other's publisher with "Bloomberg reported")."""

from __future__ import annotations

from copytrace.align import align
from copytrace.attribute import attribute
from copytrace.model import Article

STORY = (
    "The state attorney general is investigating the office-sharing company over "
    "statements its founder made to investors before the listing was pulled, and "
    "the company said it had received an inquiry and was cooperating in the matter."
)


def _page(aid: str, head: str, body: str, tail: str = "", **meta: str | bool) -> Article:
    text = head + body + tail
    start = len(head)
    return Article(aid, text, content=((start, start + len(body)),), **meta)  # type: ignore[arg-type]


def _html_page(aid: str, head: str, **meta: str) -> Article:
    """An HTML page: ``head``, then the story as its article's one paragraph."""
    return _page(aid, head, f"<p>{STORY}</p>", "</article></body></html>", is_html=True, **meta)


def _credits(a: Article, b: Article) -> list[str]:
    _, direction = attribute(a, b, align(a, b))
    return [e for e in direction.evidence if "credits" in e]


def test_a_third_party_both_pages_credit_is_no_credit_to_either() -> None:
    a = _page(
        "a", "Tech Dispatch\n\n", f"{STORY} Bloomberg News reported the inquiry on Friday.",
        source="Tech Dispatch",
    )  # fmt: skip
    b = _page(
        "b", "Startup Ledger\n\n", f"Bloomberg reported on Friday that {STORY}",
        source="Startup Ledger",
    )  # fmt: skip
    assert _credits(a, b) == []
    # the same credit where only the credited page names Bloomberg (its masthead):
    # Bloomberg's own page, which credits nobody
    wire = _page("w", "Bloomberg\nMarkets | Tech\n\n", STORY, source=None)  # type: ignore[arg-type]
    assert any("credits" in e and "Bloomberg reported" in e for e in _credits(wire, b))


def test_a_name_the_other_story_is_about_is_no_masthead() -> None:
    # "said WeCo": WeCo stands in the other page's headline (outside its content)
    # and throughout its article: the subject of both stories, not a publisher
    a = _page("a", "Tech Dispatch\n\n", f"{STORY} The company, said WeCo, would comment later.",
              source="Tech Dispatch")  # fmt: skip
    b = _page(
        "b", "Startup Ledger\nWeCo faces state inquiry\n\n", f"WeCo is in trouble: {STORY}",
        source="Startup Ledger",
    )  # fmt: skip
    assert _credits(a, b) == []
    # a publisher named only in the chrome still is its masthead
    c = _page("c", "Harbour Herald\nNews | Sport\n\n", f"Trouble at the company: {STORY}")
    d = _page("d", "", f"{STORY} The company, said Harbour Herald, would comment later.")
    assert any("said Harbour Herald" in e for e in _credits(d, c))


def test_names_in_the_markup_of_an_html_page_are_no_masthead() -> None:
    head = (
        "<html><head><title>Inquiry</title><script>var partners = ['Globex'];</script>"
        '</head><body><nav><a href="/" title="Globex partner">Home</a></nav><article>'
    )
    html = _html_page("h", head)
    # the content span holds the <p> tags: the article text is its inside
    quoting = _page("q", "", f"{STORY} Globex said the company was cooperating.")
    assert _credits(quoting, html) == []
    seen = _html_page("s", head.replace("<nav>", "<nav>Globex Daily "))
    assert any("Globex said" in e for e in _credits(quoting, seen))


def test_an_html_page_with_a_site_name_is_known_by_it_not_by_its_surroundings() -> None:
    # ads, image credits and related links around the article name others ("© NASA")
    head = "<html><body><nav>NASA Globex Deals</nav><aside>Photo: NASA</aside><article>"
    named = _html_page("h", head, source="Orbit Daily")
    quoting = _page(
        "q", "", f"{STORY} Globex said the company was cooperating.\n\nImage: © NASA",
        source="Tech Dispatch",
    )  # fmt: skip
    assert _credits(quoting, named) == []
    # its site name still is its publisher's
    crediting = _page("c", "", f"{STORY} Orbit Daily reported the inquiry first.")
    assert any("Orbit Daily reported" in e for e in _credits(crediting, named))
    # without a site name or url, the page is known by what stands around its article
    anonymous = _html_page("n", head)
    assert any("Globex said" in e for e in _credits(quoting, anonymous))


def test_a_full_stop_is_no_part_of_a_credited_name() -> None:
    from copytrace.attribute import _name_words

    assert _name_words("Friday. They") == ()  # (a weekday: no name)
    assert _name_words("Reuters.") == ("Reuters",)
    assert _name_words("U.S. News") == ("U.S.",)  # (an abbreviation keeps its dots)
    wire = _page("w", "Reuters\n\n", STORY, source="wire:Reuters")
    copy = _page("c", "", f"{STORY} The inquiry began last month, according to Reuters.")
    assert any("according to Reuters." in e for e in _credits(copy, wire))


def test_two_papers_sharing_a_masthead_noun_are_two_papers() -> None:
    beacon = _page("b", "", STORY, source="The Stonewick Beacon")
    other = _page("o", "", f"{STORY} The inquiry began, according to The Pinehaven Beacon.")
    assert _credits(other, beacon) == []
    same = _page("s", "", f"{STORY} The inquiry began, according to The Stonewick Beacon.")
    assert any("Stonewick Beacon" in e for e in _credits(same, beacon))
    # the Beacon's own page crediting the Pinehaven Beacon credits another paper
    pinehaven = _page("p", "", STORY, source="The Pinehaven Beacon")
    own = _page("w", "", f"{STORY} The inquiry began, according to The Pinehaven Beacon.",
                source="The Stonewick Beacon")  # fmt: skip
    assert any("Pinehaven Beacon" in e for e in _credits(own, pinehaven))
