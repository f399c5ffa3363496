"""CPU cost of the scan's clean stage per article, for A/B runs of two versions.

Cleans the first ``--limit`` articles of a JSONL corpus (``id``, ``text``,
``source``) as one scan worker does: ``stages.clean_articles`` over batches of
1,000 with the chrome a ``ChromeLearner`` learns over the same articles, the
line memo kept across batches. Prints one JSON line: the CPU seconds of the
stoplist start (once per worker), of the cleaning and ms an article.
Run it under each version's ``PYTHONPATH`` in alternation and compare medians:

    for i in 1 2 3; do
      PYTHONPATH=/tmp/old/src python bench/clean_many_ab.py CORPUS --tag old
      python bench/clean_many_ab.py CORPUS --tag new
    done
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import os
import time
from types import ModuleType

from copytrace import clean as cl
from copytrace import stages
from copytrace.chrome import ChromeLearner
from copytrace.model import Article


def warm_stoplists(clean_module: ModuleType) -> None:
    """Build the stoplists' one-time tables, wherever this version of the cleaner keeps
    them (``clean`` before session 16, ``copytrace.stoplists`` since)."""
    try:
        stoplists: ModuleType | None = importlib.import_module("copytrace.stoplists")
    except ImportError:
        stoplists = None
    for module, name in (
        (clean_module, "_stopwords"),
        (clean_module, "_stop_lang_bytes"),
        (clean_module, "_stop_ids"),
        (stoplists, "stopwords"),
        (stoplists, "stop_lang_bytes"),
    ):
        if module is not None and hasattr(module, name):
            getattr(module, name)()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--limit", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--tag", default="")
    args = ap.parse_args()
    with open(args.corpus, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in itertools.islice(fh, args.limit)]
    arts = [Article(id=r["id"], text=r["text"], source=r.get("source")) for r in rows]
    learner = ChromeLearner()
    for a in arts:
        learner.add(a.source, a.text)
    chrome = learner.finish()
    t = time.process_time()
    warm_stoplists(cl)
    start = time.process_time() - t
    t = time.process_time()
    for i in range(0, len(arts), args.batch):
        stages.clean_articles(arts[i : i + args.batch], chrome)
    cpu = time.process_time() - t
    out = {
        "tag": args.tag,
        "articles": len(arts),
        "stoplists_cpu_s": round(start, 3),
        "clean_cpu_s": round(cpu, 3),
        "ms_per_article": round(cpu / len(arts) * 1000, 3),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
