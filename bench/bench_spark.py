"""Local engine vs Spark ``local[N]`` on the same corpus, side by side in one run.

Each scan runs in a fresh subprocess while this process samples the resident
memory of its whole process tree (driver, JVM, Python workers) every 0.2 s;
wall time includes starting Python (and, for Spark, the JVM). The Spark runs
also report seconds and shuffle bytes per stage. Outputs of the two engines are
compared (pairs, passages, clusters: byte-identical files).

    python bench/bench_spark.py /work/bench-data/gen-10k/articles.jsonl --repeat 3 \\
        --json bench-spark-10k.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _proc import tree_memory_kb  # bench/_proc.py (this script's folder is on sys.path)

COMPARED = ("pairs.jsonl", "passages.jsonl", "clusters.jsonl")


def one(
    engine: str, corpus: str, out: str, jobs: int, partitions: int | None, resume: bool
) -> None:
    """Child process: run one scan, print its summary as JSON on the last line."""
    from copytrace.scan import ScanConfig, SparkOptions, scan

    config = ScanConfig(
        jobs=jobs,
        report=False,
        spark=SparkOptions(partitions=partitions, resume=resume, driver_memory="4g"),
    )
    t0 = time.perf_counter()
    s = scan([corpus], out, engine=engine, config=config)
    row = {
        "engine": engine,
        "scan_seconds": s.seconds,
        "call_seconds": time.perf_counter() - t0,
        "articles": s.articles,
        "text_mb": s.text_bytes / 1e6,
        "fingerprints": s.fingerprints,
        "candidate_pairs": s.candidate_pairs,
        "pairs": s.pairs,
        "passages": s.passages,
        "clusters": s.clusters,
        "stage_seconds": s.stage_seconds,
        "stage_shuffle_bytes": s.stage_shuffle_bytes,
        "stage_cpu_seconds": s.stage_cpu_seconds,
        "peak_rss_mb_inner": s.peak_rss_mb,
    }
    print(json.dumps(row))


def measure(
    engine: str,
    corpus: str,
    out: Path,
    jobs: int,
    partitions: int | None,
    env: dict[str, str],
    resume: bool = False,
) -> dict:
    """Run one scan in a subprocess; wall seconds and peak tree RSS from outside."""
    cmd = [sys.executable, __file__, "--one", engine, corpus, "--out", str(out),
           "--jobs", str(jobs)]  # fmt: skip
    if partitions:
        cmd += ["--partitions", str(partitions)]
    if resume:
        cmd += ["--resume"]
    # Files, not pipes: a long Spark run logs more than a pipe holds, and the
    # child would block on a full pipe that this loop never reads.
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, text=True, env=env)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, tree_memory_kb(proc.pid)[0] / 1024)
            time.sleep(0.2)
        wall = time.perf_counter() - t0
        out_f.seek(0)
        err_f.seek(0)
        stdout, stderr = out_f.read(), err_f.read()
    if proc.returncode:
        raise RuntimeError(f"{engine} failed:\n{stderr[-3000:]}")
    row = json.loads(stdout.strip().splitlines()[-1])
    row.update(wall_seconds=wall, peak_rss_mb=peak)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", help="a corpus file or folder (e.g. gen_corpus.py output)")
    ap.add_argument("--engines", default="local,spark")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=None, help="Spark article partitions")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", default=None, help="write all runs here")
    ap.add_argument(
        "--keep",
        default=None,
        help="write the outputs under KEEP/<engine> (kept) instead of a temp dir",
    )
    ap.add_argument(
        "--resume",
        action="store_true",
        help="Spark: reuse stage checkpoints under the output dir (a long run that died goes on)",
    )
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(args.one, args.corpus, args.out, args.jobs, args.partitions, args.resume)
        return
    engines = args.engines.split(",")
    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as tmp:
        # A snapshot of the package: every run (and Spark's Python workers, which
        # inherit PYTHONPATH) uses the same code even if the tree changes meanwhile.
        shutil.copytree(Path(__file__).resolve().parents[1] / "src" / "copytrace",
                        Path(tmp) / "snapshot" / "copytrace")  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "snapshot")}
        for rep in range(args.repeat):
            for engine in engines:  # alternate: both engines see the same load
                load = os.getloadavg()
                out = Path(args.keep or tmp) / engine
                row = measure(
                    engine, args.corpus, out, args.jobs, args.partitions, env, args.resume
                )
                row.update(repeat=rep, load_before=load, load_after=os.getloadavg())
                runs.append(row)
                print(
                    f"{engine:>6} rep {rep}: wall {row['wall_seconds']:.1f} s, "
                    f"scan {row['scan_seconds']:.1f} s, peak RSS {row['peak_rss_mb']:.0f} MB, "
                    f"{row['pairs']} pairs, load {load[0]:.1f}",
                    flush=True,
                )
        same = {
            name: (Path(args.keep or tmp) / engines[0] / name).read_bytes()
            == (Path(args.keep or tmp) / engines[-1] / name).read_bytes()
            for name in COMPARED
        }
    print(f"outputs identical: {same}")
    med: dict[str, dict[str, float]] = {}
    for engine in engines:
        rows = [r for r in runs if r["engine"] == engine]
        med[engine] = {
            k: statistics.median(r[k] for r in rows)
            for k in ("wall_seconds", "scan_seconds", "peak_rss_mb")
        }
        stages = rows[0]["stage_seconds"]
        med[engine].update(
            {f"stage:{s}": statistics.median(r["stage_seconds"][s] for r in rows) for s in stages}
        )
        print(f"{engine}: " + ", ".join(f"{k} {v:.1f}" for k, v in med[engine].items()))
        cpu = {k: round(v, 1) for k, v in rows[0]["stage_cpu_seconds"].items()}
        print(f"{engine} CPU s per stage (first run): {cpu}")
        if rows[0]["stage_shuffle_bytes"]:
            mb = {k: round(v / 1e6, 1) for k, v in rows[0]["stage_shuffle_bytes"].items()}
            print(f"{engine} shuffle MB per stage: {mb}")
    if "local" in med and "spark" in med:
        for k in ("wall_seconds", "scan_seconds", "peak_rss_mb"):
            print(f"spark/local {k}: {med['spark'][k] / med['local'][k]:.2f}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"runs": runs, "medians": med, "identical": same}, indent=1)
        )


if __name__ == "__main__":
    main()
