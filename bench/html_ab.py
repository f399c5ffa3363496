"""CPU cost of the HTML path (``htmltext.clean_html``) per page, now against a git revision.

Loads ``src/copytrace/htmltext.py`` as it was at ``--against REV`` as a module of
its own (its trafilatura settings with it; everything it imports comes from the
installed copytrace), then cleans every page of the scrapinghub benchmark with
the old and the new module in turn (the order flips each round) and prints the
CPU ms a page of each round, the medians and their ratio, and how many pages'
cleaned articles differ (content spans or metadata).

    .venv/bin/python bench/html_ab.py ../shared/data/extraction/scrapinghub --against cbb0cc7
    .venv/bin/python bench/html_ab.py CORPUS/pages --limit 1000 --against HEAD
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from copytrace import htmltext
from copytrace.eval.extraction import load_pages
from copytrace.model import Article

ROOT = Path(__file__).resolve().parents[1]


def _old_module(rev: str) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{rev}:src/copytrace/htmltext.py"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "htmltext_old.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("htmltext_old", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["htmltext_old"] = mod
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "root",
        help="scrapinghub benchmark folder (ground-truth.json, html/), or a folder of "
        "pages (*.html, such as gen_corpus.py --format html's OUT/pages)",
    )
    ap.add_argument("--against", required=True, metavar="REV")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--limit", type=int, default=0, help="the first N pages only (0: all)")
    args = ap.parse_args()
    root = Path(args.root)
    if (root / "ground-truth.json").exists():
        pages = [(p.id, p.html) for p in load_pages(args.root)]
    else:
        files = sorted(root.glob("*.html"))
        pages = [(f.stem, f.read_text(encoding="utf-8")) for f in files]
    pages = pages[: args.limit] if args.limit else pages
    old = _old_module(args.against)
    sides = {"old": old, "new": htmltext}
    ms: dict[str, list[float]] = {"old": [], "new": []}
    last: dict[str, list[Article]] = {}
    for rnd in range(args.rounds):
        for name in ("old", "new") if rnd % 2 == 0 else ("new", "old"):
            clean_html = sides[name].clean_html
            t = time.process_time()
            last[name] = [clean_html(Article(i, html, is_html=True)) for i, html in pages]
            ms[name].append((time.process_time() - t) / len(pages) * 1000)
    differ = sum(1 for a, b in zip(last["old"], last["new"], strict=True) if a != b)
    med = {k: statistics.median(v) for k, v in ms.items()}
    print(
        json.dumps(
            {
                "pages": len(pages),
                "against": args.against,
                "ms_a_page": {k: [round(x, 2) for x in v] for k, v in ms.items()},
                "median_ms": {k: round(v, 2) for k, v in med.items()},
                "new_over_old": round(med["new"] / med["old"], 3),
                "pages_differ": differ,
            }
        )
    )


if __name__ == "__main__":
    main()
