#!/usr/bin/env python
"""Benchmark ``copytrace scan`` against datasketch and rensa on generated corpora.

For each corpus size: generate the corpus once (``bench/gen_corpus.py``, fixed
seed, cached under ``--work``), then, in the same run and on the same corpus,

* ``copytrace scan`` (the local engine, ``--jobs`` workers) end to end:
  articles/s, MB/s, peak RSS of the whole process tree, seconds per stage, and
  quality against the generated truth through ``bench/score_scan.py`` (pair
  precision/recall, direction accuracy, passage character F1, cluster ARI);
* datasketch ``MinHash`` + ``MinHashLSH`` and rensa ``RMinHash`` +
  ``RMinHashLSH`` doing document-level near-duplicate detection (word
  3-shingles of the whole page text, 128 permutations, 32 bands of 4 rows,
  candidate pairs verified by estimated Jaccard >= 0.5): the same figures, and
  pair precision/recall on the same truth (they report pairs only: no
  passages, no direction).

Each tool runs in its own process, so peak RSS is its own (sampled from /proc
every 50 ms over the process and its children). Results print as a table and
go to ``--json``; docs/bench-scan.md holds the figures.

Usage::

    python bench/bench_scan.py --articles 10000 --repeat 3 --json /tmp/bench10k.json
    # a 1M corpus from a 100k one, for --stages-only (see replicate_corpus)
    python bench/bench_scan.py --replicate /data/gen-100k /data/rep-1m 10
    python bench/bench_scan.py --articles 1000000 --stages-only --corpus /data/rep-1m
    python bench/bench_scan.py --articles 100000 --repeat 1 --json /tmp/bench100k.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _proc import (  # bench/_proc.py (this script's folder is on sys.path)
    TreeRSS,
    cpu_times,
    interpreter,
    package_versions,
    speed_probe,
    steal_share,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

NUM_PERM = 128
LSH_THRESHOLD = 0.5
SHINGLE = 3
# Both LSH indexes get the same banding: 32 bands of 4 rows (S-curve midpoint
# near Jaccard 0.42, so pairs at 0.5 are found with probability ~0.87).
LSH_BANDS = (32, 4)
_WORD = re.compile(r"\w+")
# Documents shingled and hashed at a time by the baselines (bounds their memory).
MINHASH_CHUNK = 10_000


# ----------------------------------------------------------------------------- corpus


def corpus_files(corpus: Path) -> list[Path]:
    """The article files of a generated corpus (one file or parts)."""
    single = [p for p in corpus.glob("articles.*") if p.is_file()]
    parts = sorted((corpus / "articles").glob("part-*")) if (corpus / "articles").is_dir() else []
    return sorted(single) + parts


def ensure_corpus(n: int, work: Path, seed: int) -> Path:
    """Generate (once) a corpus of ``n`` articles under ``work``."""
    out = work / f"corpus-{n}-s{seed}"
    if (out / "manifest.json").is_file() and corpus_files(out):
        return out
    cmd = [sys.executable, str(HERE / "gen_corpus.py"), "--articles", str(n), "--out", str(out)]
    cmd += ["--seed", str(seed)]
    if n >= 200_000:
        cmd += ["--format", "jsonl.gz", "--part-size", "100000", "--workers", "2"]
    print("generating:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    return out


def _corpus_size(corpus: Path) -> int | None:
    """The article count in a generated corpus's manifest (None without one)."""
    try:
        manifest = json.loads((corpus / "manifest.json").read_text())
        return int(manifest["counts"]["articles"])
    except (OSError, KeyError, ValueError):
        return None


def iter_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches():
                yield from batch.to_pylist()
            continue
        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def replicate_corpus(src: Path, dst: Path, factor: int) -> Path:
    """A corpus ``factor`` times the size of ``src`` for ``--stages-only`` runs.

    Copy ``k`` (1 .. factor-1) of every article gets the id ``<id>r<k>``, the
    source ``<source>~<k>`` and its letters rotated by ``k`` (a Caesar shift: the
    same lengths, lines, chrome and word statistics, but other words, so copies
    share no fingerprint with each other). The result is ``factor`` independent
    corpora with the statistics of ``src``: the join and the chrome pass cost
    what they would on a real corpus that size, without hours of generation.
    """
    import string

    out = dst / "articles"
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for k in range(factor):
        lo, up = string.ascii_lowercase, string.ascii_uppercase
        table = str.maketrans(lo + up, lo[k:] + lo[:k] + up[k:] + up[:k])
        with (out / f"part-{k:05d}.jsonl").open("w", encoding="utf-8") as fh:
            for rec in iter_records(corpus_files(src)):
                if k:
                    rec["id"] = f"{rec['id']}r{k}"
                    if rec.get("source"):
                        rec["source"] = f"{rec['source']}~{k}"
                    for key in ("text", "title"):
                        if rec.get(key):
                            rec[key] = rec[key].translate(table)
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
    manifest = {"replicated_from": str(src), "factor": factor, "counts": {"articles": n}}
    (dst / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return dst


# ----------------------------------------------------------------------------- measuring


def _cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_child(args: list[str]) -> tuple[dict[str, Any], float, dict[str, float], float]:
    """Run this script in child mode.

    Returns its JSON result, wall seconds, the tree's peak memory figures (MB,
    see ``TreeRSS.figures_mb``) and the CPU
    seconds of the child and all its descendants (user + system): on a shared,
    loaded machine CPU seconds are the figure that does not depend on the load.
    """
    cpu0 = _cpu_children()
    ticks0 = cpu_times()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    with TreeRSS(proc.pid) as rss:
        out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    cpu = _cpu_children() - cpu0
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed with exit code {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["steal_share"] = steal_share(ticks0, cpu_times())
    return result, wall, rss.figures_mb(), cpu


# ----------------------------------------------------------------------------- child modes


def child_scan(corpus: Path, out: Path, jobs: int, stems: bool = False) -> dict[str, Any]:
    from copytrace.engines.local import skip_pandas_check
    from copytrace.fingerprint import FingerprintParams
    from copytrace.scan import ScanConfig, scan

    skip_pandas_check()  # (as `copytrace scan` does: this process runs the scan only)
    config = ScanConfig(jobs=jobs, report=True, fingerprint=FingerprintParams(stems=stems))
    summary = scan(corpus_files(corpus), out, config=config)
    return {
        "articles": summary.articles,
        "rejected": summary.rejected,
        "text_bytes": summary.text_bytes,
        "seconds": summary.seconds,
        "stage_seconds": summary.stage_seconds,
        "stage_cpu_seconds": summary.stage_cpu_seconds,
        "candidate_pairs": summary.candidate_pairs,
        "pairs": summary.pairs,
        "passages": summary.passages,
        "clusters": summary.clusters,
        "fingerprints": summary.fingerprints,
    }


def child_stages(corpus: Path, work: Path, jobs: int) -> dict[str, Any]:
    """The scan's own stages without the cleaner: read, chrome, fingerprint, candidates.

    Content is the whole page text (what the cleaner would cut is kept), so this
    measures the corpus-scale machinery (spill, chrome counting in the pool,
    fingerprints, the bounded-memory join) at sizes where cleaning and aligning
    every candidate would not fit in a benchmark run.
    """
    from copytrace.candidates import PairCounter
    from copytrace.engines.local import Spill, _ChromePass, _pool, _read, _Timer
    from copytrace.fingerprint import fingerprint_texts
    from copytrace.scan import ScanConfig, ScanSummary

    config = ScanConfig(jobs=jobs)
    summary = ScanSummary(out_dir=str(work))
    timer = _Timer()
    work.mkdir(parents=True, exist_ok=True)
    with _pool(jobs, work, config, timer) as workers:  # (as the scan: chrome counted while read)
        chrome = _ChromePass(workers, config, timer, None)
        with timer("read"):
            _read(corpus_files(corpus), work, config, summary, None, on_batch=chrome.submit)
        with timer("chrome"):
            chrome.finish(work, summary)
    spill = Spill(work)
    n_batches = len(spill.offsets) - 1
    import numpy as np

    n_docs = len(spill)
    sources = np.full(n_docs, -1, dtype=np.int32)
    codes: dict[str, int] = {}
    counter = PairCounter(n_docs, sources, config.candidate_params(), work_dir=work / "pairs")
    with timer("fingerprint"):
        for i in range(n_batches):
            batch = spill.raw_batch(i)
            base = int(spill.offsets[i])
            for k, s in enumerate(batch.column("source").to_pylist()):
                if s:
                    sources[base + k] = codes.setdefault(s, len(codes))
            fp = fingerprint_texts(batch.column("text").to_pylist(), config.fingerprint)
            counter.add(fp.doc.astype(np.int64) + base, fp.hash)
    with timer("candidates"):
        pairs = counter.pairs()
    return {
        "articles": summary.articles,
        "text_bytes": summary.text_bytes,
        "seconds": sum(timer.seconds.values()),
        "stage_seconds": timer.seconds,
        "stage_cpu_seconds": timer.cpu,
        "fingerprints": counter.fingerprints,
        "pair_emissions": counter.pairs_emitted,
        "pairs": len(pairs),
    }


def _shingles(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    return [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]


def child_minhash(corpus: Path, tool: str, out: Path) -> dict[str, Any]:
    """Document-level near-duplicate pairs with datasketch or rensa; writes pairs.jsonl.

    Shingles are hashed a chunk of ``MINHASH_CHUNK`` documents at a time and then
    dropped: holding every document's shingle strings at once needs ~35 GB at 1M
    articles, which measures the harness, not the tools.
    """
    t0 = time.perf_counter()
    ids: list[str] = []
    nbytes = 0
    hashes: list[Any] = []
    t_minhash = 0.0
    if tool == "datasketch":
        from datasketch import MinHash, MinHashLSH

        def hash_chunk(sets: list[list[str]]) -> list[Any]:
            return list(
                MinHash.bulk([[s.encode("utf-8") for s in ws] for ws in sets], num_perm=NUM_PERM)
            )
    else:
        from rensa import RMinHash, RMinHashLSH

        def hash_chunk(sets: list[list[str]]) -> list[Any]:
            return list(RMinHash.from_token_sets(sets, NUM_PERM, 42))

    sets: list[list[str]] = []
    for rec in iter_records(corpus_files(corpus)):
        text = rec.get("text") or rec.get("html") or ""
        ids.append(str(rec["id"]))
        nbytes += len(text.encode("utf-8"))
        sets.append(_shingles(text))
        if len(sets) == MINHASH_CHUNK:
            t1 = time.perf_counter()
            hashes += hash_chunk(sets)
            t_minhash += time.perf_counter() - t1
            sets = []
    if sets:
        t1 = time.perf_counter()
        hashes += hash_chunk(sets)
        t_minhash += time.perf_counter() - t1
    t_hash = time.perf_counter()
    pairs: set[tuple[int, int]] = set()
    if tool == "datasketch":
        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM, params=LSH_BANDS)
        with lsh.insertion_session() as session:
            for i, m in enumerate(hashes):
                session.insert(i, m)
        for i, m in enumerate(hashes):
            for j in lsh.query(m):
                if j != i and m.jaccard(hashes[j]) >= LSH_THRESHOLD:
                    pairs.add((min(i, j), max(i, j)))
    else:
        rlsh = RMinHashLSH(LSH_THRESHOLD, NUM_PERM, LSH_BANDS[0])
        rlsh.insert_many(hashes)
        for i, cands in enumerate(rlsh.query_all(hashes)):
            for j in cands:
                if j != i and hashes[i].jaccard(hashes[j]) >= LSH_THRESHOLD:
                    pairs.add((min(i, j), max(i, j)))
    t_done = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    with (out / "pairs.jsonl").open("w") as fh:
        for i, j in sorted(pairs):
            a, b = sorted((ids[i], ids[j]))
            row = {"a_id": a, "b_id": b, "source_id": None, "confidence": 0.0,
                   "coverage_a": 0.0, "coverage_b": 0.0, "passages": 0, "words": 0}  # fmt: skip
            fh.write(json.dumps(row) + "\n")
    for name in ("passages.jsonl", "clusters.jsonl"):
        (out / name).write_text("")
    return {
        "articles": len(ids),
        "text_bytes": nbytes,
        "seconds": t_done - t0,
        "stage_seconds": {
            "read+shingle": t_hash - t0 - t_minhash,
            "minhash": t_minhash,
            "lsh": t_done - t_hash,
        },
        "pairs": len(pairs),
    }


# ----------------------------------------------------------------------------- scoring


def score(corpus: Path, out: Path) -> dict[str, Any]:
    """Quality against the corpus truth, through bench/score_scan.py."""
    cmd = [sys.executable, str(HERE / "score_scan.py"), str(corpus), str(out), "--json"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        return {"error": res.stderr.strip()[-500:]}
    try:
        return dict(json.loads(res.stdout))
    except json.JSONDecodeError:
        return {"error": "score_scan.py printed no JSON", "output": res.stdout[-500:]}


_SHOWN = (
    "pairs.precision",
    "pairs.recall",
    "direction.accuracy",
    "passages.char_f1",
    "clusters.ari",
)


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested metrics as ``a.b`` keys (per-relation recall left out)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            if k != "recall_by_relation":
                out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


# ----------------------------------------------------------------------------- main


def bench_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work)
    given = [Path(c) for c in args.corpus if _corpus_size(Path(c)) == n]
    corpus = given[0] if given else ensure_corpus(n, work, args.seed)
    main_tool = "copytrace-stages" if args.stages_only else "copytrace"
    tools = [main_tool] + (["copytrace-paraphrase"] if args.paraphrase else [])
    tools += [] if args.no_baselines else ["datasketch", "rensa"]
    result: dict[str, Any] = {"articles": n, "corpus": str(corpus), "tools": {}}
    for tool in tools:
        runs = []
        repeat = args.repeat if tool.startswith("copytrace") else args.repeat_baselines
        for r in range(repeat):
            out = Path(tempfile.mkdtemp(prefix=f"bench-{tool}-", dir=work))
            if tool in ("copytrace", "copytrace-paraphrase"):
                child = ["--child-scan", str(corpus), str(out), str(args.jobs)]
                child += ["stems"] if tool == "copytrace-paraphrase" else []
            elif tool == "copytrace-stages":
                child = ["--child-stages", str(corpus), str(out / "work"), str(args.jobs)]
            else:
                child = ["--child-minhash", str(corpus), tool, str(out)]
            res, wall, memory, cpu = run_child(child)
            res.update(wall=wall, cpu_s=cpu, **memory)
            peak, anon = memory["peak_rss_mb"], memory["peak_anon_mb"]
            if r == 0:
                res["quality"] = score(corpus, out) if tool != "copytrace-stages" else {}
            runs.append(res)
            print(
                f"{tool} n={n} run {r + 1}: {wall:.1f} s wall, {cpu:.1f} s CPU, "
                f"{peak:.0f} MB RSS ({anon:.0f} MB anonymous, {memory['peak_pss_mb']:.0f} MB "
                f"PSS, largest process {memory['peak_process_rss_mb']:.0f} MB), "
                f"steal {res['steal_share']}"
            )
            # The whole run's figures at once: a long run's JSON comes only at the end.
            print(f"{tool} n={n} run {r + 1} result: {json.dumps(res)}", flush=True)
        walls = [x["wall"] for x in runs]
        med = statistics.median(walls)
        cpu_med = statistics.median(x["cpu_s"] for x in runs)
        first = runs[0]
        result["tools"][tool] = {
            "wall_median_s": med,
            "walls_s": walls,
            # (the machine's CPU time the hypervisor took during each run: see _proc)
            "steal_shares": [x["steal_share"] for x in runs],
            "cpu_median_s": cpu_med,
            "articles_per_s": first["articles"] / med,
            "mb_per_s": first["text_bytes"] / 1e6 / med,
            "articles_per_cpu_s": first["articles"] / cpu_med,
            "mb_per_cpu_s": first["text_bytes"] / 1e6 / cpu_med,
            "peak_rss_mb": max(x["peak_rss_mb"] for x in runs),
            "peak_anon_mb": max(x["peak_anon_mb"] for x in runs),
            "peak_pss_mb": max(x["peak_pss_mb"] for x in runs),
            "peak_process_rss_mb": max(x["peak_process_rss_mb"] for x in runs),
            "stage_seconds_median": {
                k: statistics.median(x["stage_seconds"].get(k, 0.0) for x in runs)
                for k in first["stage_seconds"]
            },
            "stage_cpu_seconds_median": {
                k: statistics.median(x.get("stage_cpu_seconds", {}).get(k, 0.0) for x in runs)
                for k in first.get("stage_cpu_seconds", {})
            },
            "pairs": first["pairs"],
            "quality": first["quality"],
            "details": first,
        }
    ours = result["tools"][main_tool]
    result["speedup_vs"] = {
        t: {
            "wall": result["tools"][t]["wall_median_s"] / ours["wall_median_s"],
            "cpu": result["tools"][t]["cpu_median_s"] / ours["cpu_median_s"],
        }
        for t in result["tools"]
        if t != main_tool
    }
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--replicate":
        src, dst, factor = sys.argv[2:5]
        print(replicate_corpus(Path(src), Path(dst), int(factor)))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-scan":
        corpus, out, jobs = sys.argv[2:5]
        stems = sys.argv[5:6] == ["stems"]
        print(json.dumps(child_scan(Path(corpus), Path(out), int(jobs), stems)))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-stages":
        corpus, out, jobs = sys.argv[2:5]
        print(json.dumps(child_stages(Path(corpus), Path(out), int(jobs))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-minhash":
        corpus, tool, out = sys.argv[2:5]
        print(json.dumps(child_minhash(Path(corpus), tool, Path(out))))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=int, nargs="+", default=[10_000])
    ap.add_argument("--repeat", type=int, default=3, help="runs of copytrace")
    ap.add_argument("--repeat-baselines", type=int, default=3, help="runs of each baseline")
    ap.add_argument(
        "--stages-only",
        action="store_true",
        help="copytrace's read, chrome, fingerprint and candidate stages only (no cleaner, "
        "no aligner): for corpora too big to clean and align in a benchmark run",
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument(
        "--corpus",
        nargs="*",
        default=[],
        help="existing generated corpora to use (matched to --articles by their manifest)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "copytrace-bench-scan"))
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument(
        "--paraphrase",
        action="store_true",
        help="also run `copytrace scan --paraphrase` (stem fingerprints) side by side",
    )
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    Path(args.work).mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "interpreter": interpreter(),
        "packages": package_versions(),
        "probe_start": speed_probe(),
    }
    results["sizes"] = [bench_size(n, args) for n in args.articles]
    results["probe_end"] = speed_probe()
    print("machine speed probe (CPU s, start / end):", results["probe_start"], results["probe_end"])
    for size in results["sizes"]:
        print(f"\n== {size['articles']:,} articles ==")
        print(
            f"{'tool':12} {'wall s':>9} {'CPU s':>9} {'art/s':>9} {'MB/s':>7} {'RSS MB':>8}"
            f" {'pairs':>8}  quality"
        )
        for tool, r in size["tools"].items():
            q = r["quality"]
            flat = _flat(q)
            qs = ", ".join(f"{k}={flat[k]:.3f}" for k in _SHOWN if isinstance(flat.get(k), float))
            print(
                f"{tool:12} {r['wall_median_s']:9.1f} {r['cpu_median_s']:9.1f} "
                f"{r['articles_per_s']:9.0f} "
                f"{r['mb_per_s']:7.2f} {r['peak_rss_mb']:8.0f} {r['pairs']:8d}  {qs}"
            )
            print("             CPU s:  " + ", ".join(
                f"{k} {v:.1f}" for k, v in r["stage_cpu_seconds_median"].items()
            ))  # fmt: skip
            print("             stages: " + ", ".join(
                f"{k} {v:.1f}s" for k, v in r["stage_seconds_median"].items()
            ))  # fmt: skip
        print("time of each tool / copytrace's:", size["speedup_vs"])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
