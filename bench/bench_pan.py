"""Benchmark: align and score the whole PAN 2013 training corpus (5,185 pairs).

Measures wall time and pairs/s of ``copytrace.eval.pan.run`` (the same aligner as
``compare``) on ``--jobs`` worker processes, peak memory (``getrusage``: this
process, the largest worker, and their sum over all workers as an upper bound)
and the PAN scores, and prints a markdown block for docs/bench-pan.md.

    .venv/bin/python bench/bench_pan.py ../shared/data/pan13-train --jobs 2
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from copytrace.align import PRESETS
from copytrace.eval.pan import Report, run

DEFAULT_ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "pan13-train"


def _ram_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def _mib(kib: int) -> float:
    return kib / 1024  # ru_maxrss is in KiB on Linux


def markdown(report: Report, preset: str, total_s: float, peaks: tuple[float, float]) -> str:
    """The results as a markdown block."""
    self_peak, child_peak = peaks
    lines = [
        f"### PAN 2013 training corpus, `copytrace eval pan --jobs {report.jobs} "
        f"--preset {preset}`",
        "",
        f"Machine: {os.cpu_count()}-core {platform.machine()}, {_ram_gib():.0f} GiB; "
        f"{report.jobs} worker processes; "
        f"Python {platform.python_version()}; date {time.strftime('%Y-%m-%d')}.",
        "",
        "| pairs | wall time (s) | pairs/s | peak RSS main (MiB) | peak RSS per worker (MiB) |",
        "|---:|---:|---:|---:|---:|",
        f"| {report.pairs} | {report.seconds:.1f} (total incl. reading {total_s:.1f}) "
        f"| {report.pairs_per_second:.0f} | {self_peak:.0f} | {child_peak:.0f} |",
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, nargs="?", default=DEFAULT_ROOT)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="pan")
    parser.add_argument("--pairs", type=Path, default=None, help="subset of pairs to run")
    parser.add_argument("--out", type=Path, default=None, help="keep detection XMLs here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pan-dets-") as tmp:
        out = args.out or Path(tmp)
        report = run(args.root, out, args.jobs, PRESETS[args.preset], pairs_file=args.pairs)
    total = time.perf_counter() - started
    self_peak = _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    child_peak = _mib(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(markdown(report, args.preset, total, (self_peak, child_peak)))
    print(
        f"\nPeak memory, main + {report.jobs} workers (upper bound): "
        f"{self_peak + report.jobs * child_peak:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
