#!/usr/bin/env python
"""Load test of paste-and-query: ``POST /api/query`` against a large index, on loopback.

Steps (each cached in ``--work`` so a rerun only repeats the load test):

1. generate a syndicated corpus of ``--articles + --queries`` articles with
   ``bench/gen_corpus.py`` (Parquet, with truth);
2. hold out ``--queries`` articles that copy from others (truth pairs with a
   source), index the other ``--articles`` with :class:`copytrace.index.Index`
   (articles cleaned in ``--jobs`` processes first);
3. start ``copytrace serve INDEX --workers P`` as a subprocess on a free
   127.0.0.1 port;
4. for each concurrency level, send a fixed number of requests from an asyncio
   load generator (httpx), each pasting one held-out article; record latency,
   status and whether the top match is one of the article's true sources.

With ``--db INDEX --corpus DIR`` steps 1-2 are skipped: an existing index of a
generated corpus is served as it is, and the pasted articles are copiers from
that corpus. They are in the index themselves, so each answer's own id is
skipped when checking whether the top match is a true source.

Prints a Markdown table and writes ``WORK/results-<P>proc.json``. Example::

    python bench/bench_web.py --articles 100000 --work /tmp/webbench/w100k
    python bench/bench_web.py --articles 100000 --work /tmp/webbench/w100k --workers 2
    python bench/bench_web.py --db index-100k.duckdb --corpus gen-100k --work /tmp/wb
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from copytrace.compare import ensure_clean
from copytrace.ingest.jsonl import read_jsonl
from copytrace.ingest.parquet import read_parquet
from copytrace.model import Article
from copytrace.proctree import process_tree, tree_cpu_seconds

log = logging.getLogger("bench_web")
# A request body, the true sources of the pasted article, and its own id.
Payload = tuple[dict[str, Any], list[str], str]
HERE = Path(__file__).resolve().parent
# Requests sent at each concurrency level (after a warm-up of one per client).
DEFAULT_REQUESTS = 200
DEFAULT_LEVELS = (1, 8, 32)
# Goal from the issue: p99 under this at 8 concurrent clients.
GOAL_P99_MS_AT_8 = 500.0


@dataclass
class LevelResult:
    """Latency and throughput at one concurrency level."""

    concurrency: int
    requests: int
    ok: int
    errors: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    top1_true_source: float  # share of answers whose first match is a true source
    load_avg: float  # 1-minute load average of the machine when the level ended
    server_cpu_ms_per_request: float = 0.0  # server CPU time (user + system) / requests


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``.

    Example:
        >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 99)
        (2.0, 4.0)
    """
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


# ------------------------------------------------------------------------- corpus


def make_corpus(work: Path, n: int, seed: int, jobs: int) -> Path:
    """Generate (once) the corpus with bench/gen_corpus.py; returns its folder."""
    out = work / "corpus"
    if (out / "manifest.json").is_file():
        return out
    cmd = [
        sys.executable,
        str(HERE / "gen_corpus.py"),
        "--articles",
        str(n),
        "--out",
        str(out),
        "--seed",
        str(seed),
        "--format",
        "parquet",
        "--workers",
        str(jobs),
    ]
    log.info("generating %d articles: %s", n, " ".join(cmd))
    subprocess.run(cmd, check=True)
    return out


def pick_queries(corpus: Path, n_queries: int, seed: int) -> dict[str, list[str]]:
    """Held-out copiers -> their true sources (none of which is held out)."""
    sources: dict[str, set[str]] = {}
    with (corpus / "truth" / "pairs.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            p = json.loads(line)
            if p["source_id"] is None:
                continue
            copier = p["b_id"] if p["source_id"] == p["a_id"] else p["a_id"]
            sources.setdefault(copier, set()).add(p["source_id"])
    rng = random.Random(seed)
    candidates = sorted(sources)
    rng.shuffle(candidates)
    chosen: dict[str, list[str]] = {}
    for copier in candidates:
        if len(chosen) == n_queries:
            break
        if copier in {s for v in chosen.values() for s in v}:
            continue
        if any(s in chosen for s in sources[copier]):
            continue
        chosen[copier] = sorted(sources[copier])
    return chosen


def read_articles(corpus: Path) -> Iterator[Article]:
    """The articles of a gen_corpus folder, Parquet or JSONL."""
    manifest = corpus / "manifest.json"
    if manifest.is_file():
        parts = [corpus / f for f in json.loads(manifest.read_text())["articles_files"]]
    else:
        parts = sorted(corpus.glob("articles*.parquet")) or sorted(
            (corpus / "articles").glob("*.parquet")
        )
    for part in parts:
        items = read_jsonl(part) if ".jsonl" in part.name else read_parquet(part)
        for item in items:
            if isinstance(item, Article):
                yield item


def _clean_batch(batch: list[Article]) -> list[Article]:
    logging.getLogger("copytrace").setLevel(logging.ERROR)
    return [ensure_clean(a) for a in batch]


def true_content(corpus: Path) -> dict[str, tuple[tuple[int, int], ...]]:
    """The generator's content spans per article (the page minus its chrome)."""
    spans: dict[str, tuple[tuple[int, int], ...]] = {}
    with (corpus / "truth" / "content.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            spans[row["id"]] = tuple((int(s), int(e)) for s, e in row["content"])
    return spans


def build_index(
    corpus: Path, db: Path, held_out: set[str], jobs: int, batch: int, content: str
) -> float:
    """Index every article except the held-out ones (once); returns seconds spent.

    ``content="truth"`` gives each article the generator's content spans, so the
    index is built without running the cleaner (~7x faster; the load test
    measures queries, and a pasted query is always cleaned); ``"clean"`` cleans
    every article in ``jobs`` processes, as ``copytrace index add`` would.
    """
    from copytrace.index import Index

    done = db.with_name(db.name + ".done")
    if done.is_file():
        return float(json.loads(done.read_text())["seconds"])
    if db.exists():
        db.unlink()
    t0 = time.perf_counter()
    spans = true_content(corpus) if content == "truth" else {}

    def batches() -> Iterator[list[Article]]:
        chunk: list[Article] = []
        for art in read_articles(corpus):
            if art.id in held_out:
                continue
            if spans:
                art = replace(art, content=spans[art.id])
            chunk.append(art)
            if len(chunk) == batch:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    total = 0
    with Index(db) as index, multiprocessing.get_context("spawn").Pool(jobs) as pool:
        ready = pool.imap(_clean_batch, batches()) if not spans else batches()
        for cleaned in ready:
            index.add(cleaned)
            total += len(cleaned)
            rate = total / (time.perf_counter() - t0)
            log.info("indexed %d articles (%.0f/s)", total, rate)
        index.compact()
    seconds = time.perf_counter() - t0
    done.write_text(json.dumps({"articles": total, "seconds": seconds, "content": content}))
    return seconds


# ------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, workers: int, threads: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    exe = Path(sys.executable).with_name("copytrace")
    cmd = [
        str(exe),
        "serve",
        str(db),
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--query-threads",
        str(threads),
    ]
    proc = subprocess.Popen(cmd, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/api/info", timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError("server did not start in 300 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def server_cpu_seconds(proc: subprocess.Popen[bytes]) -> float:
    """CPU seconds (user + system) the server and its workers have used so far."""
    return tree_cpu_seconds(proc.pid)


def server_rss_mb(proc: subprocess.Popen[bytes]) -> float:
    """Resident memory of the server and its worker processes (Linux /proc)."""
    total = 0
    for pid in process_tree(proc.pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


# ------------------------------------------------------------------------- load


async def run_level(
    url: str,
    payloads: list[Payload],
    concurrency: int,
    n_requests: int,
) -> LevelResult:
    """Send ``n_requests`` with ``concurrency`` clients each waiting for its answer."""
    latencies: list[float] = []
    hits = ok = errors = 0
    next_i = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=600, limits=limits) as client:

        async def one(i: int, timed: bool) -> None:
            nonlocal hits, ok, errors
            body, truth, own_id = payloads[i % len(payloads)]
            t = time.perf_counter()
            r = await client.post("/api/query", json=body)
            dt = time.perf_counter() - t
            if not timed:
                return
            latencies.append(dt)
            if r.status_code != 200:
                errors += 1
                if errors == 1:
                    log.warning("error %d: %s", r.status_code, r.text[:300])
                return
            ok += 1
            ids = [m["article"]["id"] for m in r.json()["matches"]]
            ids = [i for i in ids if i != own_id]  # an indexed query finds itself
            if ids and ids[0] in truth:
                hits += 1

        async def client_loop(timed: bool, limit: int) -> None:
            nonlocal next_i
            while True:
                i = next_i
                if i >= limit:
                    return
                next_i += 1
                await one(i, timed)

        # Warm-up: one request per client, not timed.
        next_i = 0
        await asyncio.gather(*(client_loop(False, concurrency) for _ in range(concurrency)))
        next_i = 0
        t0 = time.perf_counter()
        await asyncio.gather(*(client_loop(True, n_requests) for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    ms = [1000 * x for x in latencies]
    return LevelResult(
        concurrency=concurrency,
        requests=n_requests,
        ok=ok,
        errors=errors,
        seconds=round(wall, 2),
        requests_per_s=round(n_requests / wall, 2),
        p50_ms=round(percentile(ms, 50), 1),
        p90_ms=round(percentile(ms, 90), 1),
        p99_ms=round(percentile(ms, 99), 1),
        max_ms=round(max(ms), 1),
        top1_true_source=round(hits / max(ok, 1), 3),
        load_avg=round(os.getloadavg()[0], 2),
    )


def baseline(db: Path, payloads: list[Payload], n: int) -> dict[str, float]:
    """Latency of the same work without HTTP: clean the paste, query the index.

    The index handle holds its fingerprints in memory, as the server's do.
    """
    from copytrace.index import Index
    from copytrace.web.service import make_query_article

    ms: list[float] = []
    cpu = 0.0
    with Index(db, read_only=True, memory=True) as index:
        for i in range(n + 1):
            body = payloads[i % len(payloads)][0]
            t, c = time.perf_counter(), time.process_time()
            article = make_query_article(body["text"], body["html"])
            index.query(article, limit=body["limit"])
            if i:  # the first call warms caches
                ms.append(1000 * (time.perf_counter() - t))
                cpu += time.process_time() - c
    return {
        "requests": n,
        "p50_ms": round(percentile(ms, 50), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "mean_ms": round(statistics.mean(ms), 1),
        "cpu_ms_per_query": round(1000 * cpu / n, 1),
        "load_avg": round(os.getloadavg()[0], 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000, help="articles in the index")
    ap.add_argument("--queries", type=int, default=300, help="held-out articles to paste")
    ap.add_argument("--work", type=Path, required=True, help="cache folder")
    ap.add_argument("--db", type=Path, help="serve this existing index (needs --corpus)")
    ap.add_argument("--corpus", type=Path, help="the gen_corpus folder the --db index holds")
    ap.add_argument("--requests", type=int, default=DEFAULT_REQUESTS, help="per level")
    ap.add_argument("--levels", type=int, nargs="+", default=list(DEFAULT_LEVELS))
    ap.add_argument("--warmup", type=int, default=20, help="untimed requests after start")
    ap.add_argument("--workers", type=int, default=1, help="copytrace serve --workers")
    ap.add_argument("--query-threads", type=int, default=2, help="copytrace serve --query-threads")
    ap.add_argument(
        "--jobs",
        type=int,
        default=max(1, (os.cpu_count() or 2)),
        help="processes cleaning articles while building the index",
    )
    ap.add_argument("--batch", type=int, default=2000, help="articles per Index.add call")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--baseline",
        type=int,
        default=50,
        help="queries timed in-process without HTTP after the load test (0: none)",
    )
    ap.add_argument(
        "--content",
        choices=("truth", "clean"),
        default="truth",
        help="content spans of indexed articles: the generator's, or cleaned",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("copytrace").setLevel(logging.ERROR)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args.work.mkdir(parents=True, exist_ok=True)

    if (args.db is None) != (args.corpus is None):
        ap.error("--db and --corpus go together")
    if args.corpus is not None:
        corpus = args.corpus
    else:
        corpus = make_corpus(args.work, args.articles + args.queries, args.seed, args.jobs)
    queries = pick_queries(corpus, args.queries, args.seed)
    by_id = {a.id: a for a in read_articles(corpus) if a.id in queries}
    payloads: list[Payload] = [
        ({"text": by_id[q].text, "html": by_id[q].is_html, "limit": 10}, truth, q)
        for q, truth in queries.items()
    ]
    # SIGTERM ends the run through the ``finally`` below, which stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.db is not None:
        db, index_seconds, index_content = args.db, None, "existing"
    else:
        db, index_content = args.work / "index.duckdb", args.content
        index_seconds = build_index(corpus, db, set(queries), args.jobs, args.batch, args.content)
    load_before = os.getloadavg()
    proc, url = start_server(db, args.workers, args.query_threads)
    try:
        info = httpx.get(f"{url}/api/info", timeout=30).json()
        log.info("server up: %s", info)
        # Untimed: fills the server's caches (index pages, lexicon) before any level.
        for body, _, _ in payloads[: args.warmup]:
            httpx.post(f"{url}/api/query", json=body, timeout=600)
        results = []
        for level in args.levels:
            cpu0 = server_cpu_seconds(proc)
            res = asyncio.run(run_level(url, payloads, level, args.requests))
            # includes the untimed warm-up requests (one per client)
            cpu_ms = 1000 * (server_cpu_seconds(proc) - cpu0) / (args.requests + level)
            res = replace(res, server_cpu_ms_per_request=round(cpu_ms, 1))
            log.info("%s", res)
            results.append(res)
        rss = server_rss_mb(proc)
    finally:
        stop_server(proc)
    direct = baseline(db, payloads, args.baseline) if args.baseline else None
    mean_chars = statistics.mean(len(p[0]["text"]) for p in payloads)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "index_articles": info["articles"],
        "index_seconds": None if index_seconds is None else round(index_seconds, 1),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "index_content": index_content,
        "index_file": str(db),
        "queries_in_index": args.db is not None,
        "index_file_mb": round(db.stat().st_size / 2**20, 1),
        "queries": len(payloads),
        "query_mean_chars": round(mean_chars),
        "warmup_requests": args.warmup,
        "server_workers": args.workers,
        "query_threads": args.query_threads,
        "server_rss_mb": round(rss),
        "levels": [asdict(r) for r in results],
        "in_process": direct,
    }
    out = args.work / f"results-{args.workers}proc.json"
    out.write_text(json.dumps(report, indent=2))
    print(
        f"\n{info['articles']:,}-article index, {len(payloads)} held-out articles pasted "
        f"(mean {mean_chars:,.0f} chars), {args.workers} server process(es), "
        f"server RSS {rss:,.0f} MB\n"
    )
    columns = ["clients", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors"]
    extra = ["server CPU ms/req", "top-1 true source", "load avg"]
    print("| " + " | ".join([*columns, *extra]) + " |")
    print("|---:" * (len(columns) + len(extra)) + "|")
    for r in results:
        print(
            f"| {r.concurrency} | {r.requests} | {r.requests_per_s:.2f} | {r.p50_ms:.0f} | "
            f"{r.p90_ms:.0f} | {r.p99_ms:.0f} | {r.max_ms:.0f} | {r.errors} | "
            f"{r.server_cpu_ms_per_request:.0f} | {r.top1_true_source:.3f} | {r.load_avg:.1f} |"
        )
    if direct:
        print(
            f"\nin-process, no HTTP (clean + Index.query), {direct['requests']} queries: "
            f"p50 {direct['p50_ms']:.0f} ms, p99 {direct['p99_ms']:.0f} ms, "
            f"mean {direct['mean_ms']:.0f} ms, CPU {direct['cpu_ms_per_query']:.0f} ms/query "
            f"(load avg {direct['load_avg']:.1f})"
        )
    at8 = next((r for r in results if r.concurrency == 8), None)
    if at8 is not None:
        verdict = "met" if at8.p99_ms < GOAL_P99_MS_AT_8 else "NOT met"
        print(f"\ngoal p99 < {GOAL_P99_MS_AT_8:.0f} ms at 8 clients: {verdict}")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
