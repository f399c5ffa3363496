#!/usr/bin/env python
"""Whole ``copytrace scan`` runs of an old tree and the current one, alternating.

CPU time on a shared machine swings by 10-30% from one hour to the next; runs
of the two trees taken in turn on the same corpus share those swings, so their
ratio is the figure to quote. Each round runs both (the order flips every
round) through ``bench/bench_scan.py --child-scan`` (the scan alone in its own
process, as ``copytrace scan`` runs it), with ``PYTHONPATH`` pointing at
``--old SRC`` for the old side. Every run's output files must be identical to
the first run's: ``passages.jsonl``, ``pairs.jsonl`` and ``clusters.jsonl`` byte
for byte, ``articles.parquet`` and ``passages.parquet`` as tables.

    python bench/scan_ab.py /work/bench-data/gen-100k --old /tmp/base/src --rounds 2

``--new SRC`` runs the new side from another tree too (a commit unpacked with
``git archive``), so edits in the work tree stay out of it.

Prints one line per run and a JSON summary: median wall and CPU seconds (the
process tree's user + system) of each side, per-stage CPU medians, new/old
ratios, whether the outputs were identical. ``--json`` also writes it.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from bench_scan import run_child  # (this script's folder is on sys.path)

BYTE_FILES = ("passages.jsonl", "pairs.jsonl", "clusters.jsonl")
TABLE_FILES = ("articles.parquet", "passages.parquet")


def _same_outputs(a: Path, b: Path) -> bool:
    if not all(filecmp.cmp(a / f, b / f, shallow=False) for f in BYTE_FILES):
        return False
    return all(pq.read_table(a / f).equals(pq.read_table(b / f)) for f in TABLE_FILES)


def _run(corpus: Path, out: Path, jobs: int, src: str | None) -> dict[str, Any]:
    """One scan in a child process; ``src`` first on its ``PYTHONPATH`` when given."""
    saved = os.environ.get("PYTHONPATH")
    if src:
        os.environ["PYTHONPATH"] = src + (os.pathsep + saved if saved else "")
    try:
        shutil.rmtree(out, ignore_errors=True)
        result, wall, memory, cpu = run_child(["--child-scan", str(corpus), str(out), str(jobs)])
    finally:
        if src:
            if saved is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = saved
    return {
        "wall": wall,
        "cpu": cpu,
        "anon_mb": memory["peak_anon_mb"],
        "stages": result["stage_cpu_seconds"],
    }


def _side(runs: list[dict[str, Any]]) -> dict[str, Any]:
    stages = runs[0]["stages"]
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "peak_anon_mb": max(r["anon_mb"] for r in runs),
        "stage_cpu": {k: statistics.median(r["stages"].get(k, 0.0) for r in runs) for k in stages},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="a bench/gen_corpus.py output folder")
    ap.add_argument("--old", required=True, help="the old tree's src folder")
    ap.add_argument(
        "--new", help="the new tree's src folder (default: the installed copytrace, the work tree)"
    )
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "scan-ab")
    ap.add_argument("--json", type=Path, help="also write the summary here")
    args = ap.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    reference = args.work / "reference"
    identical = True
    for k in range(args.rounds):
        for side in ("old", "new") if k % 2 == 0 else ("new", "old"):
            out = args.work / side
            run = _run(args.corpus, out, args.jobs, args.old if side == "old" else args.new)
            runs[side].append(run)
            if not reference.exists():
                out.rename(reference)
            else:
                identical = identical and _same_outputs(reference, out)
            print(f"round {k + 1} {side}: {run['wall']:.1f} s wall, {run['cpu']:.1f} CPU s")
    old, new = _side(runs["old"]), _side(runs["new"])
    summary = {
        "corpus": str(args.corpus),
        "old": old,
        "new": new,
        "cpu_ratio": round(new["cpu"] / old["cpu"], 3),
        "wall_ratio": round(new["wall"] / old["wall"], 3),
        "stage_cpu_ratio": {
            k: round(v / old["stage_cpu"][k], 3)
            for k, v in new["stage_cpu"].items()
            if old["stage_cpu"].get(k)
        },
        "outputs_identical": identical,
        "load_after": os.getloadavg()[0],
    }
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
