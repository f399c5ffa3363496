"""A small cross-site corpus cut from a generated one, with its truth.

Takes the first ``--families`` reprint clusters of at least ``--min-size``
articles from a ``bench/gen_corpus.py`` corpus and fills up to ``--articles``
with articles that are in no cluster, drawn at random (``--seed``). The truth
files keep the pairs, passages and content of the articles taken, so
``bench/score_scan.py`` scores a scan of it. With ~1,000 articles from
gen-100k's 250 sites, each site has about four pages: too few for chrome
learning, as in a small crawl of many sites.

    python bench/sample_families.py /work/bench-data/gen-100k /tmp/sub1k
    copytrace scan /tmp/sub1k/articles.jsonl --out /tmp/sub1k-scan
    python bench/score_scan.py /tmp/sub1k /tmp/sub1k-scan
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path


def sample(src: Path, out: Path, families: int, min_size: int, articles: int, seed: int) -> int:
    """Write the sample under ``out``; returns the number of articles taken."""
    clusters = [json.loads(line) for line in (src / "truth" / "clusters.jsonl").open()]
    picked = [c for c in clusters if len(c["article_ids"]) >= min_size][:families]
    ids = {a for c in picked for a in c["article_ids"]}
    clustered = {a for c in clusters for a in c["article_ids"]}
    rows = {}
    with (src / "articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rows[json.loads(line)["id"]] = line
    alone = sorted(a for a in rows if a not in clustered)
    random.Random(seed).shuffle(alone)
    ids |= set(alone[: max(0, articles - len(ids))])
    (out / "truth").mkdir(parents=True, exist_ok=True)
    with (out / "articles.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(rows[a] for a in sorted(ids))
    for name, keys in (("pairs", ("a_id", "b_id")), ("passages", ("source_id", "target_id"))):
        with (
            (src / "truth" / f"{name}.jsonl").open() as fin,
            (out / "truth" / f"{name}.jsonl").open("w") as fout,
        ):
            fout.writelines(line for line in fin if all(json.loads(line)[k] in ids for k in keys))
    with (out / "truth" / "clusters.jsonl").open("w") as fh:
        fh.writelines(json.dumps(c) + "\n" for c in picked)
    with (
        (src / "truth" / "content.jsonl").open() as fin,
        (out / "truth" / "content.jsonl").open("w") as fout,
    ):
        fout.writelines(line for line in fin if json.loads(line)["id"] in ids)
    return len(ids)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--families", type=int, default=4)
    ap.add_argument("--min-size", type=int, default=22)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    n = sample(args.corpus, args.out, args.families, args.min_size, args.articles, args.seed)
    print(f"{n} articles written to {args.out}")


if __name__ == "__main__":
    main()
