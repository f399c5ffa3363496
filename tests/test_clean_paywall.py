"""Paywall prompts are chrome wherever they stand (session 21).

A CMS's paywall template ("Subscribe now to keep reading. Your subscription
supports independent journalism at The X.") carries each site's name, so chrome
learning, which counts lines per site, misses it where a site has few pages in
the corpus: 1,000 pages drawn from gen-100k (about four per site) gave 182
false pairs of two sites on their shared prompt (pair precision 0.85 -> 1.0).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copytrace.clean import clean_text
from copytrace.model import Article
from copytrace.scan import scan

DATA = Path(__file__).parent / "data" / "scan" / "paragraphs.txt"

PROMPTS = [
    "Subscribe now to keep reading. Your subscription supports independent journalism at {site}.",
    "This article is for subscribers only. Already a subscriber? Log in. "
    "Get unlimited access to {site} from 99 cents a week.",
    "Thank you for reading {site}. Please sign in or subscribe to continue reading this story",
    "Please log in or register to continue reading.",
    "You need a subscription to read this article.",
]


def _paragraphs() -> list[str]:
    return [p for p in DATA.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 40]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_a_paywall_prompt_after_the_lede_is_dropped(prompt: str) -> None:
    paras = _paragraphs()
    line = prompt.format(site="The Westbury Ledger")
    text = f"Talks resume in autumn\n\n{paras[0]}\n\n{paras[1]}\n\n{line}\n\nMost read\n"
    art = clean_text(Article("x", text))
    kept = [text[s:e] for s, e in art.content]
    assert line not in kept
    assert paras[0] in kept and paras[1] in kept


def test_prose_about_subscribers_stays() -> None:
    paras = _paragraphs()
    line = (
        "The article is for subscribers of the council's newsletter, the mayor said, "
        "and thanked them for reading it so closely over the years."
    )
    text = f"{paras[0]}\n\n{line}\n\n{paras[1]}\n"
    kept = [text[s:e] for s, e in clean_text(Article("x", text)).content]
    assert line in kept


def test_sites_sharing_a_paywall_template_do_not_pair(tmp_path: Path) -> None:
    paras = _paragraphs()
    rows = []
    for i in range(12):  # one page a site: nothing for chrome learning to count
        town = ["North", "South", "East", "West"][i % 4]
        site = f"The {town}field {['Star', 'Post', 'Times'][i % 3]}"
        prompt = PROMPTS[i % 3].format(site=site)
        rows.append(
            {
                "id": f"p{i:02d}",
                "text": f"{paras[2 * i]}\n\n{paras[2 * i + 1]}\n\n{prompt}\n",
                "source": f"site{i}",
            }
        )
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    scan([src], tmp_path / "out", jobs=1)
    assert (tmp_path / "out" / "pairs.jsonl").read_text() == ""
