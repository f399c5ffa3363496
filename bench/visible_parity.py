"""``htmlvisible``'s scanner against ``html.parser``: the same visible text and map?

For every page (the scrapinghub benchmark's, or the ``.html`` files of a folder)
and for ``--fuzz N`` generated snippets full of malformed markup, builds the
visible text both ways and counts the pages where text or map differ, and the
pages the scanner hands to ``html.parser`` itself. With ``--rounds``, also the
CPU ms a page of each (alternating, medians). Prints one JSON line.

    .venv/bin/python bench/visible_parity.py ../shared/data/extraction/scrapinghub --rounds 4
    .venv/bin/python bench/visible_parity.py CORPUS/pages --limit 2000 --fuzz 20000
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import time
from pathlib import Path

from copytrace import htmlvisible as hv
from copytrace.eval.extraction import load_pages

# Pieces the fuzzer strings together: ordinary markup, and the edge cases of the
# tokenizer (unclosed and self-closed tags, odd quotes, references without their
# ";", comments and declarations of every shape, raw text elements).
_FRAGMENTS = [
    "text ", "more words. ", "<p>", "</p>", "<div class='a b'>", "</div>", "<br/>", "<br>",
    "<b>", "</b>", "<a href=x/>", "<a href=\"y\" data-x='1'>", "</a>", "<img src=a.jpg/>",
    "<script>", "</script>", "<script src='x' />", "</SCRIPT >", "<style>p{}</style>",
    "<title>T</title>", "<head>", "</head>", "<body>", "<svg><text>s</text></svg>",
    "<!-- c -->", "<!-- c --!>", "<!---->", "<!doctype html>", "<!DOCTYPE x>", "<!x>",
    "<![CDATA[x]]>", "<?php x ?>", "&amp;", "&amp", "&nbsp;x", "&#39;", "&#x27;", "&#39",
    "&#;", "&#xZ;", "& ", "&", "&unknown;", "<", "< p>", "<3", "</>", "</ p>", "</p x>",
    "<p/x>", "<a b='c'd>", "<a =x>", "<a b=\"c", "<div\n class=x\n>", "\r\n", "\n",
    "é", "“q”", "<noscript>n</noscript>", "<select><option>o</option></select>",
    "<li>", "</li>", "<td>", "<a b c>", "<a/b>", "<a b=>", "<a b==c>", "</body>", "<html>",
    "<p\x00>", "<iframe>i</iframe>", "<template><p>t</p></template>", "</title>",
]  # fmt: skip


def compare(html: str) -> tuple[bool, bool]:
    """(the two agree, the scanner handed the page to html.parser)."""
    try:
        scanned = hv._scan(html)
    except hv._Unusual:
        return True, True  # (visible_text is html.parser's then)
    a, b = hv.assembled(scanned, html), hv.assembled(hv._walk(html), html)
    same = a.text == b.text and (a.starts == b.starts).all() and (a.ends == b.ends).all()
    return bool(same), False


# Fragments that send a page to html.parser wherever they stand (half the fuzzed
# pages go without them, so that the scanner itself reads those).
_HANDED = {"&#;", "&#xZ;", "<![CDATA[x]]>", '<a b="c'}


def fuzz_pages(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    tame = [f for f in _FRAGMENTS if f not in _HANDED]
    return [
        "".join(rng.choices(tame if k % 2 else _FRAGMENTS, k=rng.randint(1, 40))) for k in range(n)
    ]


def load(root: Path, limit: int | None) -> list[str]:
    if (root / "ground-truth.json").exists():
        return [p.html for p in load_pages(root)][:limit]
    pages = []
    for path in sorted(root.iterdir())[:limit]:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        pages.append(raw.decode("utf-8", "replace"))
    return pages


def _hand_over(raw: str) -> hv.Pieces:
    raise hv._Unusual(0)


def cpu_ms(pages: list[str], scan: bool) -> float:
    """CPU ms a page of ``visible_text``, by the scanner or (``scan`` False) by
    html.parser alone."""
    real = hv._scan
    if not scan:
        hv._scan = _hand_over
    try:
        t = time.process_time()
        for html in pages:
            hv.visible_text(html)
        return (time.process_time() - t) / len(pages) * 1000
    finally:
        hv._scan = real


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path, nargs="?")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--fuzz", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=0)
    args = ap.parse_args()
    out: dict[str, object] = {"python": sys.version.split()[0]}
    sets = {}
    if args.root:
        sets["pages"] = load(args.root, args.limit)
    if args.fuzz:
        sets["fuzz"] = fuzz_pages(args.fuzz, args.seed)
    for name, pages in sets.items():
        results = [compare(h) for h in pages]
        out[name] = {
            "pages": len(pages),
            "differ": sum(not same for same, _ in results),
            "handed_to_html_parser": sum(handed for _, handed in results),
        }
    if args.rounds and "pages" in sets:
        times: dict[str, list[float]] = {"html.parser": [], "scanner": []}
        for r in range(args.rounds):
            for scan in (r % 2 == 0, r % 2 == 1):
                times["scanner" if scan else "html.parser"].append(cpu_ms(sets["pages"], scan))
        med = {k: round(statistics.median(v), 2) for k, v in times.items()}
        out["cpu_ms_a_page"] = med | {"ratio": round(med["scanner"] / med["html.parser"], 3)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
