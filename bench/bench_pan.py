"""Benchmark: align and score the whole PAN 2013 training corpus (5,185 pairs).

Measures wall time, CPU seconds (this process and its workers) and pairs/s of
``copytrace.eval.pan.run`` (the same aligner as ``compare``) on ``--jobs``
worker processes, peak memory (sampled from /proc: this process and its workers
summed, and the largest one) and the PAN scores, and
prints a markdown block for docs/bench-pan.md. ``--baseline`` first runs a
plain exact word 8-gram matcher (150-character minimum) through the same
harness, so that both figures come from one run on a shared machine and their
ratio stays fair.

    .venv/bin/python bench/bench_pan.py ../shared/data/pan13-train --jobs 2 --baseline
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from _proc import TreeRSS  # bench/_proc.py (this script's folder is on sys.path)
from copytrace.align import PRESETS
from copytrace.eval.pan import Report, run
from copytrace.model import Article, Passage
from copytrace.proctree import tree_cpu_seconds
from copytrace.text import tokenize

# The baseline of issue 3: exact word 8-grams, passages of >= 150 characters.
BASELINE_N = 8
BASELINE_MIN_CHARS = 150

DEFAULT_ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "pan13-train"


def _ram_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def ngram_baseline(a: Article, b: Article, _params: Any = None) -> list[Passage]:
    """Plain exact word 8-gram matcher: maximal stretches of consecutive shared
    8-grams on one diagonal, kept when both sides span >= 150 characters."""
    ta, tb = tokenize(a.text), tokenize(b.text)
    n = BASELINE_N
    if len(ta) < n or len(tb) < n:
        return []
    vocab: dict[str, int] = {}
    ia = np.array([vocab.setdefault(w, len(vocab)) for w in ta.words], np.uint64)
    ib = np.array([vocab.setdefault(w, len(vocab)) for w in tb.words], np.uint64)

    def keys(ids: np.ndarray) -> np.ndarray:
        m = len(ids) - n + 1
        h = np.zeros(m, np.uint64)
        for k in range(n):
            h = h * np.uint64(1_000_003) + ids[k : k + m]
        return h

    ka, kb = keys(ia), keys(ib)
    order = np.argsort(ka, kind="stable")
    sk = ka[order]
    lo = np.searchsorted(sk, kb, "left")
    hi = np.searchsorted(sk, kb, "right")
    hits = [
        (int(order[x]), j) for j in np.nonzero(hi > lo)[0].tolist() for x in range(lo[j], hi[j])
    ]
    hits.sort(key=lambda h: (h[1] - h[0], h[0]))
    out: list[Passage] = []
    k = 0
    while k < len(hits):
        i0, j0 = hits[k]
        i1 = i0
        while (
            k + 1 < len(hits)
            and hits[k + 1] == (i1 + 1, hits[k + 1][1])
            and (hits[k + 1][1] - hits[k + 1][0] == j0 - i0)
        ):
            k += 1
            i1 += 1
        k += 1
        j1 = j0 + (i1 - i0)
        a_s, a_e = ta.starts[i0], ta.ends[i1 + n - 1]
        b_s, b_e = tb.starts[j0], tb.ends[j1 + n - 1]
        if min(a_e - a_s, b_e - b_s) >= BASELINE_MIN_CHARS:
            out.append(Passage("verbatim", a_s, a_e, b_s, b_e, i1 - i0 + n, 1.0))
    return out


def _cpu() -> float:
    """CPU seconds of this process and its workers so far (they are a fork
    server's children, not this process's: read from /proc)."""
    return tree_cpu_seconds(os.getpid())


def markdown(report: Report, preset: str, total_s: float, peaks: tuple[float, float]) -> str:
    """The results as a markdown block."""
    tree_peak, process_peak = peaks
    lines = [
        f"### PAN 2013 training corpus, `copytrace eval pan --jobs {report.jobs} "
        f"--preset {preset}`",
        "",
        f"Machine: {os.cpu_count()}-core {platform.machine()}, {_ram_gib():.0f} GiB; "
        f"{report.jobs} worker processes; "
        f"Python {platform.python_version()}; date {time.strftime('%Y-%m-%d')}.",
        "",
        "| pairs | wall time (s) | pairs/s | peak RSS, all processes summed (MiB)"
        " | peak RSS, largest process (MiB) |",
        "|---:|---:|---:|---:|---:|",
        f"| {report.pairs} | {report.seconds:.1f} (total incl. reading {total_s:.1f}) "
        f"| {report.pairs_per_second:.0f} | {tree_peak:.0f} | {process_peak:.0f} |",
        "",
    ]
    if report.overall is not None:
        lines += [
            "| category | pairs | cases | detections | recall | precision | granularity"
            " | PlagDet |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        counts: dict[str, int] = {}
        for r in report.runs:
            key = r.pair.category or "(no truth)"
            counts[key] = counts.get(key, 0) + 1
        for name, s in [*report.categories.items(), ("**overall**", report.overall)]:
            pairs = counts.get(name, sum(counts.values()))
            lines.append(
                f"| {name} | {pairs} | {s.cases} | {s.detections} | {s.recall:.4f} "
                f"| {s.precision:.4f} | {s.granularity:.4f} | {s.plagdet:.4f} |"
            )
        lines += [
            "",
            f"Detections in the {report.no_plagiarism_pairs} pairs whose truth lists no case: "
            f"{report.no_plagiarism_detections}.",
        ]
    return "\n".join(lines)


def _timed(
    root: Path, out: Path, jobs: int, params: Any, pairs: Path | None, aligner: Any = None
) -> tuple[Report, float, float, tuple[float, float, float]]:
    """One run: the report, wall seconds, CPU seconds (all processes), load before."""
    load = os.getloadavg()
    cpu0, t0 = _cpu(), time.perf_counter()
    report = run(root, out, jobs, params, pairs_file=pairs, aligner=aligner)
    return report, time.perf_counter() - t0, _cpu() - cpu0, load


def timing_table(rows: list[tuple[str, Report, float, float, tuple[float, float, float]]]) -> str:
    lines = [
        "| aligner | pairs | jobs | wall (s) | CPU (s, all processes) | pairs/s | PlagDet"
        " | load average before (1/5/15 min) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, rep, wall, cpu, load in rows:
        plagdet = f"{rep.overall.plagdet:.4f}" if rep.overall is not None else "-"
        lines.append(
            f"| {name} | {rep.pairs} | {rep.jobs} | {wall:.1f} | {cpu:.1f} "
            f"| {rep.pairs / wall:.0f} | {plagdet} "
            f"| {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, nargs="?", default=DEFAULT_ROOT)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="pan")
    parser.add_argument("--pairs", type=Path, default=None, help="subset of pairs to run")
    parser.add_argument("--out", type=Path, default=None, help="keep detection XMLs here")
    parser.add_argument(
        "--baseline", action="store_true", help="also time the exact 8-gram matcher, first"
    )
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="pan-dets-") as tmp, TreeRSS(os.getpid()) as rss:
        if args.baseline:
            got = _timed(args.root, Path(tmp) / "base", args.jobs, None, args.pairs, ngram_baseline)
            rows.append(("exact word 8-grams, >= 150 chars", *got))
        out = args.out or Path(tmp) / "copytrace"
        report, wall, cpu, load = _timed(
            args.root, out, args.jobs, PRESETS[args.preset], args.pairs
        )
        rows.append((f"copytrace, preset {args.preset}", report, wall, cpu, load))
    peaks = (rss.peak_kb / 1024, rss.peak_process_kb / 1024)
    print(timing_table(rows))
    print()
    print(markdown(report, args.preset, wall, peaks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
