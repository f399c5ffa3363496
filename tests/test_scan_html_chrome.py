"""Site chrome of HTML pages learned from the corpus (session 26).

trafilatura keeps what stands inside ``<article>``: a CMS's subscription box or
reader appeal there is article text to it, the same words on every page of every
site on that CMS, so unrelated stories of two such sites paired on it (a quarter
of the pairs of a generated 10k-page crawl). An HTML page with a source is now
learned by the lines a reader sees, and its source's chrome lines are cut out of
the article, whatever paragraph trafilatura joined them into.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from copytrace.htmltext import clean_html, map_paragraphs, visible_text
from copytrace.model import Article
from copytrace.scan import scan

APPEAL = (
    "Readers like you make this reporting possible. Thank you for supporting local "
    "journalism in our community and beyond with a subscription."
)
SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vo", "ph", "dri", "sul", "nek", "bar", "quo"]


def _sentences(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        words = [
            "".join(rng.choice(SYLLABLES) for _ in range(3)) for _ in range(rng.randint(12, 18))
        ]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def _page(site: str, title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title} | {site}</title></head><body>"
        f"<header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
        f"<main><article><h1>{title}</h1>\n{body}<div class='appeal'><p>{APPEAL}</p>"
        f"<a href='/subscribe'>Subscribe</a></div></article></main>"
        f"<footer><p>© 2026 {site}</p></footer></body></html>"
    )


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    """Two sites on one CMS, six unrelated stories each, one story reprinted."""
    rng = random.Random(11)
    rows = []
    story = [_sentences(rng, 4) for _ in range(3)]
    for site in ("lakeside-news.com", "hilltop-times.com"):
        for k in range(6):
            paras = story if k == 0 else [_sentences(rng, 4) for _ in range(3)]
            title = f"Story {k} of {site}"
            rows.append(
                {"id": f"{site}/{k}", "html": _page(site, title, paras), "source": site,
                 "url": f"https://{site}/{k}", "published": f"2026-10-0{k + 1}T08:00:00+00:00"}
            )  # fmt: skip
    path = tmp_path / "crawl.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_pages_of_two_sites_pair_on_their_story_not_on_their_cms_box(
    crawl: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    summary = scan([crawl], out, jobs=1)
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert [(p["a_id"], p["b_id"]) for p in pairs] == [
        ("hilltop-times.com/0", "lakeside-news.com/0")
    ]
    assert summary.chrome_sources == 2 and summary.chrome_lines >= 2
    texts = {
        json.loads(line)["id"]: json.loads(line)["html"] for line in crawl.read_text().splitlines()
    }
    for line in (out / "passages.jsonl").read_text().splitlines():
        p = json.loads(line)
        assert "Readers like you" not in texts[p["source_id"]][p["source_start"] : p["source_end"]]


def test_a_learned_line_is_cut_out_of_the_paragraph_trafilatura_joined_it_into() -> None:
    from copytrace.chrome import key_hash
    from copytrace.clean import line_key

    html = (
        "<article><p>One two three four five.</p><p>Menu line here.</p><p>Six seven.</p></article>"
    )
    vis = visible_text(html)
    joined = ["One two three four five. Menu line here. Six seven."]
    spans = map_paragraphs(vis, joined, lambda lines: [ln == "Menu line here." for ln in lines])
    assert [html[s:e] for s, e in spans] == ["One two three four five.", "Six seven."]
    art = clean_html(
        Article(
            "x",
            _page("s.com", "T", ["Alpha beta gamma delta epsilon zeta.", "Menu line here."]),
            is_html=True,
        ),
        chrome_hashes=frozenset({key_hash(line_key("Menu line here."))}),
    )
    text = " ".join(art.text[s:e] for s, e in art.content)
    assert "Alpha beta" in text and "Menu line" not in text


def test_saved_pages_without_a_source_learn_their_sites_chrome_from_their_heads(
    crawl: Path, tmp_path: Path
) -> None:
    """The same crawl as a folder of saved pages: no source beside them, the site
    named in each page's head (``og:site_name`` on one site, a canonical link on
    the other). Before session 27 such pages learned no chrome: on 100k generated
    pages saved as files, 520 false pairs on agencies' copyright notices."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for k, line in enumerate(crawl.read_text().splitlines()):
        row = json.loads(line)
        site = row["source"]
        named = (
            f'<meta property="og:site_name" content="{site.split("-")[0].title()}">'
            if site.startswith("lake")
            else f'<link rel="canonical" href="https://www.{site}/{k}">'
        )
        (folder / f"{site}-{k}.html").write_text(
            row["html"].replace("<head>", "<head>" + named, 1), encoding="utf-8"
        )
    out = tmp_path / "out"
    summary = scan([folder], out, jobs=1)
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert [(p["a_id"], p["b_id"]) for p in pairs] == [
        ("hilltop-times.com-6", "lakeside-news.com-0")
    ]
    assert summary.chrome_sources == 2 and summary.chrome_lines >= 2
