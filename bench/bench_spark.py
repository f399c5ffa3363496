"""Local engine vs Spark ``local[N]`` on the same corpus, side by side in one run.

Each scan runs in a fresh subprocess while this process samples the resident
memory of its whole process tree (driver, JVM, Python workers) every 0.2 s;
wall time includes starting Python (and, for Spark, the JVM). The Spark runs
also report seconds and shuffle bytes per stage. Outputs of the two engines are
compared (pairs, passages, clusters: byte-identical files).

    python bench/bench_spark.py /work/bench-data/gen-10k/articles.jsonl --repeat 3 \\
        --json bench-spark-10k.json

Two builds of the Spark engine side by side (A/B, alternating, same load):
``--engines spark --src before=/tmp/old-src --src after=src``, each folder
holding a ``copytrace`` package. ``--driver-memory`` and ``--conf K=V`` set up
the Spark session (a small ``spark.memory.fraction`` makes a small corpus hit
what a big one hits: a cache that does not fit). Spark runs also report, per
stage, what Spark's REST API says: bytes the tasks read as input (files and
cached blocks), the JVM's CPU, and the rows that came out of the stage's
Python tasks (``mapInArrow``): a task run twice shows as twice the rows;
``_cache`` is what stays cached at the end. Spark 4 leaves Parquet scans out
of the input bytes (it counts the footers only); reads of cached blocks are in.
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
from collections.abc import Sequence
from pathlib import Path

from _proc import tree_memory_kb  # bench/_proc.py (this script's folder is on sys.path)

COMPARED = ("pairs.jsonl", "passages.jsonl", "clusters.jsonl")


def _size(text: str) -> float:
    """Bytes of a Spark UI size ("16.4 KiB", or a "total (min, med, max ...)" line)."""
    value = text.split("\n")[-1].split(" (")[0].strip()
    units = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
    num, unit = value.split()
    return float(num.replace(",", "")) * units[unit]


def spark_metrics(spark: object) -> dict[str, dict[str, float]]:
    """Per job group (the engine's stages): input bytes, JVM CPU s, tasks, and the
    rows and bytes in and out of the Python ``mapInArrow`` tasks, from the REST API."""
    from urllib.request import urlopen

    sc = spark.sparkContext  # type: ignore[attr-defined]
    base = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}"

    def get(path: str) -> list:
        with urlopen(f"{base}/{path}", timeout=300) as fh:
            return json.load(fh)

    group_of = {j["jobId"]: j.get("jobGroup") or "-" for j in get("jobs")}
    stage_group: dict[int, str] = {}
    for j in get("jobs"):
        for sid in j["stageIds"]:
            stage_group.setdefault(sid, group_of[j["jobId"]])
    out: dict[str, dict[str, float]] = {}

    def add(group: str, key: str, value: float) -> None:
        row = out.setdefault(group, {})
        row[key] = row.get(key, 0.0) + value

    for st in get("stages"):
        if st["status"] != "COMPLETE" or st["stageId"] not in stage_group:
            continue  # skipped stages (their shuffle output reused) ran no task
        g = stage_group[st["stageId"]]
        add(g, "input_mb", st["inputBytes"] / 1e6)
        add(g, "jvm_cpu_s", st["executorCpuTime"] / 1e9)
        add(g, "tasks", st["numTasks"])
        add(g, "spill_disk_mb", st["diskBytesSpilled"] / 1e6)
    # what is still cached at the end (an engine that persists and spills shows disk here)
    for rdd in get("storage/rdd"):
        add("_cache", "memory_mb", rdd["memoryUsed"] / 1e6)
        add("_cache", "disk_mb", rdd["diskUsed"] / 1e6)
    for ex in get("sql?details=true&planDescription=false"):
        jobs = [*ex.get("successJobIds", []), *ex.get("failedJobIds", [])]
        if not jobs:
            continue
        g = group_of.get(jobs[0], "-")
        for node in ex["nodes"]:
            if node["nodeName"] != "MapInArrow":
                continue
            metrics = {m["name"]: m["value"] for m in node["metrics"]}
            add(g, "python_nodes", 1)
            rows = metrics.get("number of output rows", "0").split("\n")[-1]
            add(g, "python_rows_out", float(rows.replace(",", "")))
            sent = metrics.get("data sent to Python workers")
            if sent:
                add(g, "python_in_mb", _size(sent) / 1e6)
    return out


def one(
    engine: str,
    corpus: str,
    out: str,
    jobs: int,
    partitions: int | None,
    resume: bool,
    driver_memory: str = "4g",
    conf: Sequence[str] = (),
) -> None:
    """Child process: run one scan, print its summary as JSON on the last line."""
    from copytrace.scan import ScanConfig, SparkOptions, scan

    config = ScanConfig(
        jobs=jobs,
        report=False,
        spark=SparkOptions(partitions=partitions, resume=resume, driver_memory=driver_memory),
    )
    session = None
    if engine == "spark":
        # our own session (the engine uses the active one): the extra settings,
        # and it stays up after the scan for the REST API's figures
        from pyspark.sql import SparkSession

        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        builder = (
            SparkSession.builder.master(f"local[{jobs}]")
            .appName("copytrace bench")
            .config("spark.sql.shuffle.partitions", str(partitions or 2 * jobs))
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", driver_memory)
        )
        for kv in conf:
            key, value = kv.split("=", 1)
            builder = builder.config(key, value)
        session = builder.getOrCreate()
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
    if session is not None:
        row["spark_metrics"] = spark_metrics(session)
        session.stop()
    print(json.dumps(row))


def measure(
    engine: str,
    corpus: str,
    out: Path,
    jobs: int,
    partitions: int | None,
    env: dict[str, str],
    resume: bool = False,
    driver_memory: str = "4g",
    conf: Sequence[str] = (),
) -> dict:
    """Run one scan in a subprocess; wall seconds and peak tree RSS from outside."""
    cmd = [sys.executable, __file__, "--one", engine, corpus, "--out", str(out),
           "--jobs", str(jobs), "--driver-memory", driver_memory]  # fmt: skip
    if partitions:
        cmd += ["--partitions", str(partitions)]
    if resume:
        cmd += ["--resume"]
    for kv in conf:
        cmd += ["--conf", kv]
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
    ap.add_argument(
        "--src",
        action="append",
        default=[],
        help="LABEL=DIR: a build to run (DIR holds a copytrace package); repeat for A/B. "
        "Default: this checkout's src",
    )
    ap.add_argument("--driver-memory", default="4g", help="Spark: spark.driver.memory")
    ap.add_argument(
        "--conf", action="append", default=[], help="Spark: K=V, a setting of the session"
    )
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(args.one, args.corpus, args.out, args.jobs, args.partitions, args.resume,
            args.driver_memory, args.conf)  # fmt: skip
        return
    srcs = dict(kv.split("=", 1) for kv in args.src) or {
        "": str(Path(__file__).resolve().parents[1] / "src")
    }
    # every (engine, build) pair, e.g. "spark" or "spark:after"
    variants = [(e, label) for e in args.engines.split(",") for label in srcs]
    engines = [f"{e}:{label}" if label else e for e, label in variants]
    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as tmp:
        # A snapshot of each package: every run (and Spark's Python workers, which
        # inherit PYTHONPATH) uses the same code even if the tree changes meanwhile.
        envs = {}
        for label, src in srcs.items():
            snap = Path(tmp) / f"snapshot-{label}"
            shutil.copytree(Path(src) / "copytrace", snap / "copytrace")
            envs[label] = {**os.environ, "PYTHONPATH": str(snap)}
        for rep in range(args.repeat):
            # alternate: every engine and build sees the same load
            for name, (engine, label) in zip(engines, variants, strict=True):
                load = os.getloadavg()
                out = Path(args.keep or tmp) / name.replace(":", "-")
                row = measure(engine, args.corpus, out, args.jobs, args.partitions, envs[label],
                              args.resume, args.driver_memory, args.conf)  # fmt: skip
                row.update(engine=name, repeat=rep, load_before=load, load_after=os.getloadavg())
                runs.append(row)
                print(
                    f"{name:>6} rep {rep}: wall {row['wall_seconds']:.1f} s, "
                    f"scan {row['scan_seconds']:.1f} s, peak RSS {row['peak_rss_mb']:.0f} MB, "
                    f"{row['pairs']} pairs, load {load[0]:.1f}",
                    flush=True,
                )
                if "spark_metrics" in row:
                    for group, m in row["spark_metrics"].items():
                        cpu = row["stage_cpu_seconds"].get(group, 0.0)
                        figures = ", ".join(f"{k} {v:,.1f}" for k, v in sorted(m.items()))
                        print(f"    {group}: tree CPU s {cpu:.1f}, {figures}", flush=True)
        first = Path(args.keep or tmp) / engines[0].replace(":", "-")
        same = {
            name: all(
                (first / name).read_bytes()
                == (Path(args.keep or tmp) / e.replace(":", "-") / name).read_bytes()
                for e in engines[1:]
            )
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
    if "local" in med and "spark" in med:  # one build each
        for k in ("wall_seconds", "scan_seconds", "peak_rss_mb"):
            print(f"spark/local {k}: {med['spark'][k] / med['local'][k]:.2f}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"runs": runs, "medians": med, "identical": same}, indent=1)
        )


if __name__ == "__main__":
    main()
