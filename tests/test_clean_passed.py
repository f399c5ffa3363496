"""The neighbour rule looks past in-article ad labels and learned chrome.

Both pages are from the generated corpus (bench/gen_corpus.py): one with an
"Advertisement" break before its last paragraph, one whose lede sits between a
time stamp and a "READ MORE" promo the site repeats on its other pages.
"""

from pathlib import Path

import numpy as np

from copytrace.chrome import key_hash
from copytrace.clean import clean, clean_many, line_key, line_spans, passed_mask
from copytrace.model import Article

DATA = Path(__file__).parent / "data" / "clean"


def _line_at(text: str, start: str) -> tuple[int, int]:
    s = text.index("\n" + start) + 1
    return s, text.index("\n", s)


def _kept(article: Article, span: tuple[int, int]) -> bool:
    return span in article.content


def test_paragraph_after_an_ad_label_is_kept() -> None:
    text = (DATA / "gen_ad_break.txt").read_text(encoding="utf-8")
    last = _line_at(text, "Bolivia’s 27-discovery")
    ad = _line_at(text, "Advertisement")
    out = clean(Article("p", text))
    assert _kept(out, last)
    assert text[slice(*last)].startswith("Bolivia’s 27-discovery Braversity")
    assert not _kept(out, ad)
    # (the share bar and the widgets after it stay out)
    assert max(e for _, e in out.content) == last[1]


def test_lede_between_a_stamp_and_a_learned_promo_is_kept() -> None:
    text = (DATA / "gen_promo_after_lede.txt").read_text(encoding="utf-8")
    lede = _line_at(text, "It was Telescope, not Oriznick.")
    promo = _line_at(text, "READ MORE: The declared pumps")
    chrome = frozenset({line_key(text[slice(*promo)])})
    out = clean(
        Article("p", text, title="In webinar, faster is internally comforting to Teman Telcome"),
        chrome,
    )
    assert _kept(out, lede)
    assert not _kept(out, promo)
    assert text[slice(*lede)].startswith("It was Telescope, not Oriznick.")


def test_many_pages_decide_as_one_page_with_learned_chrome() -> None:
    pages = [
        (DATA / name).read_text(encoding="utf-8")
        for name in ("gen_ad_break.txt", "gen_promo_after_lede.txt")
    ]
    promo = pages[1][slice(*_line_at(pages[1], "READ MORE: The declared pumps"))]
    chrome = frozenset({line_key(promo)})
    arts = [Article(f"p{i}", t) for i, t in enumerate(pages)]
    one = [clean(a, chrome) for a in arts]
    many = clean_many(arts, chrome_hashes=[frozenset({key_hash(k) for k in chrome})] * 2)
    assert [a.content for a in many] == [a.content for a in one]


def test_passed_lines_are_ad_labels_and_learned_lines_only() -> None:
    page = "\n".join(
        [
            "The minister said on Monday that the talks would resume in the autumn.",
            "Story continues below advertisement",
            "Share this article",
            "Talks stall again as ministers leave Geneva",
            "Published May 21, 2018 9:56 AM",
        ]
    )
    spans = line_spans(page)
    assert passed_mask(page, spans).tolist() == [False, True, False, False, False]
    learned = frozenset({"talks stall again as ministers leave geneva", "published may 0 0 0 am"})
    # a learned line is passed unless it is chrome by the cleaner's own rules (the
    # stamp, the share label): those still end the article's neighbourhood
    got = passed_mask(page, spans, learned)
    assert got.tolist() == [False, True, False, True, False]
    assert not np.any(got & ~np.array([False, True, True, True, True]))
