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
import itertools
import json
import os
import time

from copytrace import clean as cl
from copytrace import stages
from copytrace.chrome import ChromeLearner
from copytrace.model import Article


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
    cl._stopwords()
    for name in ("_stop_lang_bytes", "_stop_ids"):  # (whichever the version has)
        if hasattr(cl, name):
            getattr(cl, name)()
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
