#!/usr/bin/env python
"""The index as a user runs it, scored against a generated corpus's truth.

``bench_index.py`` builds its indexes from truth content spans (to time the
index alone); here the raw pages go through ``copytrace index add`` (the
cleaner, no chrome learned) and a sample of them is asked in one ``copytrace
query DB SAMPLE.jsonl --out`` run, as is, with ``--same-source`` and with
``--sources-only``. Each query's matches are scored against the truth's reuse
pairs: precision (matches that are truth partners), recall@10 (partners found,
out of at most 10 per query), the share of queries without partners that got
no match, and, by the truth's direction, the share of matches that copy the
query and the recall@10 of the query's own sources (partners the truth names
as its source).

Usage::

    python bench/index_quality.py /work/bench-data/gen-10k --queries 2000 --json out.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_index import LIMIT, Truth, read_rows

# (the console script beside this interpreter: the one its venv installed)
COPYTRACE = [str(Path(sys.executable).with_name("copytrace"))]


def truth_sources(corpus: Path) -> dict[str, set[str]]:
    """Each article's partners that the truth names as its source (reused from)."""
    sources: dict[str, set[str]] = {}
    with (corpus / "truth" / "pairs.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["source_id"] is not None:
                copier = r["b_id"] if r["source_id"] == r["a_id"] else r["a_id"]
                sources.setdefault(copier, set()).add(r["source_id"])
    return sources


def score(out: Path, truth: Truth, sources: dict[str, set[str]]) -> dict[str, Any]:
    """Precision, recall@10 and fresh-without-match share of a query run's lines, and
    by the truth's direction: matches that copy the query, recall@10 of its sources."""
    matched = correct = wanted = found = 0
    fresh = fresh_quiet = queries = 0
    copies = wanted_sources = found_sources = 0
    for line in out.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        queries += 1
        got = {m["id"] for m in row["matches"]}
        partners = truth.partners.get(row["query"], set())
        matched += len(got)
        correct += len(got & partners)
        copies += sum(row["query"] in sources.get(m, ()) for m in got)
        own = sources.get(row["query"], set())
        wanted_sources += min(LIMIT, len(own))
        found_sources += len(got & own)
        if partners:
            wanted += min(LIMIT, len(partners))
            found += len(got & partners)
        else:
            fresh += 1
            fresh_quiet += not got
    return {
        "queries": queries,
        "matches": matched,
        "precision": round(correct / matched, 4) if matched else None,
        "recall_at_10": round(found / wanted, 4) if wanted else None,
        "fresh_queries": fresh,
        "fresh_without_match": round(fresh_quiet / fresh, 4) if fresh else None,
        "matches_copying_the_query": round(copies / matched, 4) if matched else None,
        "sources_recall_at_10": round(found_sources / wanted_sources, 4)
        if wanted_sources
        else None,
    }


def run_query(db: Path, sample: Path, out: Path, *extra: str) -> dict[str, Any]:
    cmd = [*COPYTRACE, "query", str(db), str(sample), "--out", str(out), *extra]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - t0
    print(done.stderr.strip().splitlines()[-1], flush=True)
    return {"command": " ".join(cmd[1:]), "seconds": round(seconds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="a gen_corpus.py folder (articles + truth)")
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/copytrace-index-quality"))
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / "index.duckdb"
    truth = Truth(args.corpus)
    sources = truth_sources(args.corpus)
    result: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "corpus": str(args.corpus),
    }
    if not db.exists():
        inputs = sorted(str(p) for p in args.corpus.glob("articles.*"))
        t0 = time.perf_counter()
        subprocess.run([*COPYTRACE, "index", "add", str(db), *inputs], check=True)
        result["add_seconds"] = round(time.perf_counter() - t0, 1)
    ids = sorted(truth.role)
    picked = set(random.Random(args.seed).sample(ids, min(args.queries, len(ids))))
    sample = args.work / "sample.jsonl"
    with sample.open("w", encoding="utf-8") as fh:
        for row in read_rows(args.corpus):
            if row["id"] in picked:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    runs = (
        ("default", ()),
        ("same_source", ("--same-source",)),
        ("sources_only", ("--sources-only",)),
    )
    for name, extra in runs:
        out = args.work / f"matches-{name}.jsonl"
        result[name] = run_query(db, sample, out, *extra) | score(out, truth, sources)
        print(name, json.dumps(result[name]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
