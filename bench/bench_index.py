#!/usr/bin/env python
"""Benchmark the incremental index: add throughput, file size, query latency.

For each index size (default 100k and 1M articles):

1. **Corpus.** A corpus from ``bench/gen_corpus.py`` (realistic syndicated
   news with exact reuse truth; ``--corpus``, generated once if missing). When
   the index is bigger than the corpus, the rest is filled with *stand-in*
   articles made here: random words drawn with the corpus's own word
   frequencies and sentence lengths, grouped in paragraphs. They share no text
   with anything (beyond chance n-grams of frequent words), so they cost the
   index what unrelated articles cost: fingerprint rows, file size, lookups.
2. **Held out.** ``--queries`` reuse queries (reprints, quotes, reprints of
   reprints, one per story family, whose truth partners stay indexed) and
   ``--queries`` fresh queries (originals that share nothing) are kept out of
   the index.
3. **Build.** Everything else goes in through ``Index.add`` (batches of
   10,000, one transaction each). Articles come with their truth content spans,
   so the cleaner's time is measured separately (step 6) and the build measures
   the index itself: fingerprinting, DuckDB writes, then ``compact()``.
4. **Queries.** Each held-out article is queried (``limit=10``) against the
   compacted index: wall time of ``Index.query`` (fingerprint lookup +
   alignment of the candidates) and of its first stage alone
   (``Index.candidates``). Quality against the truth: hit@1 (the best match is
   a truth partner), recall@10 of the partners, and the share of fresh queries
   with no match. The same again with ``min_shared`` 1, 2 and 3 (the
   calibration of ``QUERY_MIN_SHARED``).
5. **Tail.** 10,000 more stand-in articles are added without compaction (the
   state between two compactions) and the queries are timed again; and, on a
   fresh copy of the build without any compaction, a few queries show what an
   index that never compacts costs.
6. **Cleaning.** ``Index.add`` of ``--raw`` raw articles (cleaner included),
   with 1 and 2 worker processes.

Usage::

    python bench/bench_index.py --sizes 100000 1000000 --json /tmp/bench-index.json
    python bench/bench_index.py --sizes 20000 --queries 30 --raw 300   # a quick run

Results go to ``--json``; docs/bench-index.md holds the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from copytrace.index import Index
from copytrace.model import Article

HERE = Path(__file__).resolve().parent
WORK = Path("/tmp/copytrace-bench-index")
# (set from --paraphrase: the indexes this run builds keep stem fingerprints)
PARAPHRASE = [False]
BATCH = 10_000
LIMIT = 10
REUSE_ROLES = ("reprint", "quote", "reprint-of-reprint")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\d,.]*")


# ----------------------------------------------------------------------------- corpus


def ensure_corpus(path: Path, n: int, seed: int) -> Path:
    """A generated corpus at ``path`` (made with gen_corpus.py when missing)."""
    if (path / "manifest.json").is_file():
        return path
    cmd = [sys.executable, str(HERE / "gen_corpus.py"), "--articles", str(n), "--out", str(path)]
    cmd += ["--seed", str(seed), "--workers", "2"]
    print("generating:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    return path


def read_rows(corpus: Path) -> Iterator[dict[str, Any]]:
    """The corpus's article records (JSONL or Parquet, single file or parts)."""
    files = sorted(p for p in corpus.glob("articles.*") if p.is_file())
    if (corpus / "articles").is_dir():
        files += sorted((corpus / "articles").glob("part-*"))
    for path in files:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches():
                yield from batch.to_pylist()
            continue
        import gzip

        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def to_article(row: dict[str, Any], content: list[list[int]] | None) -> Article:
    return Article(
        id=row["id"],
        text=row["text"],
        content=tuple((int(s), int(e)) for s, e in content) if content is not None else (),
        title=row.get("title"),
        published=row.get("published"),
        source=row.get("source"),
        url=row.get("url"),
    )


class Truth:
    """Content spans, roles, families and reuse partners from the corpus truth."""

    def __init__(self, corpus: Path) -> None:
        self.content: dict[str, list[list[int]]] = {}
        self.role: dict[str, str] = {}
        self.family: dict[str, str] = {}
        with (corpus / "truth" / "content.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                self.content[r["id"]] = r["content"]
                self.role[r["id"]] = r["role"]
                self.family[r["id"]] = r["family"]
        self.partners: dict[str, set[str]] = defaultdict(set)
        with (corpus / "truth" / "pairs.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                self.partners[r["a_id"]].add(r["b_id"])
                self.partners[r["b_id"]].add(r["a_id"])

    def pick_queries(self, n: int, seed: int) -> tuple[list[str], list[str]]:
        """``n`` reuse queries (one per family) and ``n`` fresh ones, reproducibly."""
        rng = np.random.default_rng(seed)
        ids = sorted(self.role)
        rng.shuffle(ids)
        reuse: list[str] = []
        held: set[str] = set()
        families: set[str] = set()
        for aid in ids:
            if len(reuse) >= n:
                break
            fam = self.family[aid]
            partners = self.partners.get(aid, set())
            if self.role[aid] in REUSE_ROLES and partners and fam not in families:
                if partners & held:
                    continue
                reuse.append(aid)
                held.add(aid)
                families.add(fam)
        fresh = [a for a in ids if self.role[a] == "original" and not self.partners.get(a)][:n]
        return reuse, fresh


class StandIn:
    """Unrelated stand-in articles: words drawn with a real corpus's frequencies."""

    def __init__(self, texts: list[str], seed: int) -> None:
        counts: dict[str, int] = defaultdict(int)
        lengths: list[int] = []
        for text in texts:
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                words = _WORD.findall(sentence)
                if 4 <= len(words) <= 60:
                    lengths.append(len(words))
                for w in words:
                    counts[w] += 1
        vocab = sorted(counts, key=lambda w: (-counts[w], w))
        freq = np.array([counts[w] for w in vocab], dtype=np.float64)
        self.vocab = np.array(vocab, dtype=object)
        self.cdf = np.cumsum(freq / freq.sum())
        self.lengths = np.array(lengths, dtype=np.int64)
        self.rng = np.random.default_rng(seed)
        self.sentences_per_article = max(
            4, int(np.mean([len(re.split(r"(?<=[.!?])\s+", t)) for t in texts]))
        )

    def articles(self, start: int, n: int) -> Iterator[Article]:
        """``n`` stand-in articles with ids ``s{start}`` ..., content = whole text."""
        k = self.sentences_per_article
        for i in range(start, start + n):
            lens = self.rng.choice(self.lengths, size=k)
            draws = np.searchsorted(self.cdf, self.rng.random(int(lens.sum())))
            words = self.vocab[np.minimum(draws, len(self.vocab) - 1)]
            sentences = []
            pos = 0
            for n_words in lens:
                chunk = words[pos : pos + n_words]
                pos += n_words
                sentences.append(str(chunk[0]).capitalize() + " " + " ".join(chunk[1:]) + ".")
            paragraphs = [" ".join(sentences[j : j + 3]) for j in range(0, k, 3)]
            text = "\n\n".join(paragraphs)
            yield Article(
                id=f"s{i:07d}",
                text=text,
                content=((0, len(text)),),
                source=f"standin-{i % 50}",
                published="2026-10-15T12:00:00+00:00",
            )


# ----------------------------------------------------------------------------- measuring


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q)) if values else float("nan")


def time_queries(
    index: Index,
    queries: list[Article],
    truth: Truth | None,
    kind: str,
    min_shared: int | None = None,
) -> dict[str, Any]:
    """Latency of ``candidates`` and ``query`` per article, and quality vs the truth."""
    cand_s: list[float] = []
    query_s: list[float] = []
    hits = no_match = 0
    recall_sum = 0.0
    n_matches: list[int] = []
    # CPU seconds too (this process, DuckDB's threads included): on a loaded
    # machine they are what an idle one would take as wall time.
    cand_cpu: list[float] = []
    query_cpu: list[float] = []
    for q in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        index.candidates(q, limit=LIMIT + 6, min_shared=min_shared)
        t1, c1 = time.perf_counter(), time.process_time()
        matches = index.query(q, limit=LIMIT, min_shared=min_shared)
        t2, c2 = time.perf_counter(), time.process_time()
        cand_s.append(t1 - t0)
        query_s.append(t2 - t1)
        cand_cpu.append(c1 - c0)
        query_cpu.append(c2 - c1)
        n_matches.append(len(matches))
        if not matches:
            no_match += 1
        if truth is not None and kind == "reuse":
            partners = truth.partners.get(q.id, set())
            found = {m.article.id for m in matches}
            if matches and matches[0].article.id in partners:
                hits += 1
            if partners:
                recall_sum += len(found & partners) / min(LIMIT, len(partners))
    n = max(1, len(queries))
    out: dict[str, Any] = {
        "queries": len(queries),
        "candidates_median_ms": 1000 * statistics.median(cand_s) if cand_s else None,
        "candidates_p99_ms": 1000 * pct(cand_s, 99),
        "query_median_ms": 1000 * statistics.median(query_s) if query_s else None,
        "query_p99_ms": 1000 * pct(query_s, 99),
        "query_max_ms": 1000 * max(query_s) if query_s else None,
        "candidates_cpu_median_ms": 1000 * statistics.median(cand_cpu) if cand_cpu else None,
        "query_cpu_median_ms": 1000 * statistics.median(query_cpu) if query_cpu else None,
        "query_cpu_p99_ms": 1000 * pct(query_cpu, 99),
        "mean_matches": float(np.mean(n_matches)) if n_matches else 0.0,
        "no_match_share": no_match / n,
    }
    if kind == "reuse":
        out["hit_at_1"] = hits / n
        out["recall_at_10"] = recall_sum / n
    return out


def build(
    db: Path,
    size: int,
    corpus: Path,
    truth: Truth,
    held: set[str],
    standin: StandIn,
    jobs: int,
) -> dict[str, Any]:
    """Add ``size`` articles (corpus first, then stand-ins) and compact; timings."""
    real_added = 0

    def articles() -> Iterator[Article]:
        nonlocal real_added
        for row in read_rows(corpus):
            if real_added >= size:
                return
            if row["id"] in held:
                continue
            real_added += 1
            yield to_article(row, truth.content.get(row["id"]))
        yield from standin.articles(0, size - real_added)

    with Index(db, paraphrase=PARAPHRASE[0]) as index:
        t0 = time.perf_counter()
        summary = index.add(articles(), batch_size=BATCH, compact=False, jobs=jobs)
        t1 = time.perf_counter()
        stats_before = index.stats()
        index.compact()
        t2 = time.perf_counter()
        stats = index.stats()
    return {
        "articles": summary.articles,
        "corpus_articles": real_added,
        "standin_articles": summary.articles - real_added,
        "fingerprints": stats.fingerprints,
        "fingerprints_per_article": stats.fingerprints / max(1, summary.articles),
        "jobs": jobs,
        "add_seconds": t1 - t0,
        "add_articles_per_s": summary.articles / (t1 - t0),
        "compact_seconds": t2 - t1,
        "total_articles_per_s": summary.articles / (t2 - t0),
        "file_mb_before_compact": stats_before.file_bytes / 1e6,
        "file_mb": stats.file_bytes / 1e6,
        "peak_rss_mb": rss_mb(),
    }


def build_full(db: Path, corpus: Path, truth: Truth, jobs: int) -> dict[str, Any]:
    """Index every article of the corpus (truth content spans, no cleaner), then compact."""
    t0, c0 = time.perf_counter(), time.process_time()
    arts = (to_article(row, truth.content.get(row["id"])) for row in read_rows(corpus))
    with Index(db, paraphrase=PARAPHRASE[0]) as index:
        summary = index.add(arts, batch_size=BATCH, compact=False, jobs=jobs)
        t1 = time.perf_counter()
        index.compact()
        stats = index.stats()
    return {
        "articles": summary.articles,
        "fingerprints": stats.fingerprints,
        "add_seconds": t1 - t0,
        "compact_seconds": time.perf_counter() - t1,
        "main_cpu_seconds": time.process_time() - c0,
        "file_mb": stats.file_bytes / 1e6,
        "peak_rss_mb": rss_mb(),
    }


def replicate(src: Path, dst: Path, factor: int) -> dict[str, Any]:
    """An index ``factor`` times bigger than ``src``, made with SQL alone.

    Copy ``k`` of every article gets the id ``<id>~k`` and the doc
    ``doc + k * n``, and its fingerprints are XOR-ed with a per-copy constant,
    so the copies cost what unrelated articles of the same length cost (rows,
    file size, row groups a lookup reads) but never match anything. Minutes
    instead of hours of cleaning and fingerprinting: the way to time queries on
    a 1M-article index on a small machine.
    """
    import shutil

    import duckdb

    shutil.copyfile(src, dst)
    t0 = time.perf_counter()
    con = duckdb.connect(str(dst))
    n = int(con.execute("SELECT max(doc) + 1 FROM articles").fetchone()[0])  # type: ignore[index]
    cols = "source, title, published, dateline, url, path, is_html, text, content, fingerprints"
    for k in range(1, factor):
        mask = (0x9E3779B97F4A7C15 * k) & ((1 << 64) - 1)
        con.execute("BEGIN")
        con.execute(
            f"INSERT INTO articles (doc, id, {cols}) "
            f"SELECT doc + {k * n}, id || '~{k}', {cols} FROM articles WHERE doc < {n}"
        )
        con.execute(
            f"INSERT INTO fingerprints_tail SELECT xor(hash, {mask}::UBIGINT), doc + {k * n} "
            f"FROM fingerprints WHERE doc < {n}"
        )
        con.execute("COMMIT")
        print(f"replica {k} added ({time.perf_counter() - t0:.0f} s)", flush=True)
    con.close()
    t1 = time.perf_counter()
    with Index(dst) as index:
        index.compact()
        stats = index.stats()
    return {
        "articles": stats.articles,
        "fingerprints": stats.fingerprints,
        "insert_seconds": t1 - t0,
        "compact_seconds": time.perf_counter() - t1,
        "file_mb": stats.file_bytes / 1e6,
    }


def raw_throughput(corpus: Path, n: int, work: Path) -> dict[str, Any]:
    """``Index.add`` of raw articles (the cleaner included) with 1 and 2 processes."""
    rows = []
    for row in read_rows(corpus):
        rows.append(row)
        if len(rows) >= n:
            break
    out: dict[str, Any] = {"articles": len(rows)}
    for jobs in (1, 2):
        db = work / f"raw-{jobs}.duckdb"
        db.unlink(missing_ok=True)
        arts = [to_article(r, None) for r in rows]
        with Index(db) as index:
            t0 = time.perf_counter()
            index.add(arts, batch_size=max(1, len(arts) // 2), jobs=jobs)
            out[f"jobs{jobs}_articles_per_s"] = len(arts) / (time.perf_counter() - t0)
        db.unlink(missing_ok=True)
    return out


def query_articles(corpus: Path, ids: list[str], truth: Truth, *, raw: bool) -> list[Article]:
    wanted = set(ids)
    found: dict[str, Article] = {}
    for row in read_rows(corpus):
        if row["id"] in wanted:
            found[row["id"]] = to_article(row, None if raw else truth.content[row["id"]])
            if len(found) == len(wanted):
                break
    return [found[i] for i in ids if i in found]


def run_size(size: int, args: argparse.Namespace, corpus: Path, truth: Truth) -> dict[str, Any]:
    work: Path = args.work
    reuse_ids, fresh_ids = truth.pick_queries(args.queries, args.seed)
    held = set(reuse_ids) | set(fresh_ids)
    sample = [r["text"] for _, r in zip(range(5000), read_rows(corpus), strict=False)]
    standin = StandIn(sample, args.seed)
    db = work / f"index-{size}.duckdb"
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    print(f"[{size:,}] building", flush=True)
    result: dict[str, Any] = {
        "size": size,
        "build": build(db, size, corpus, truth, held, standin, args.jobs),
    }
    print(json.dumps(result["build"], indent=1), flush=True)

    reuse = query_articles(corpus, reuse_ids, truth, raw=False)
    fresh = query_articles(corpus, fresh_ids, truth, raw=False)
    raw_reuse = query_articles(corpus, reuse_ids[: args.raw_queries], truth, raw=True)
    with Index(db, read_only=True) as index:
        for q in reuse[:3]:  # warm the file cache and the aligner's first-call setup
            index.query(q)
        result["reuse"] = time_queries(index, reuse, truth, "reuse")
        result["fresh"] = time_queries(index, fresh, truth, "fresh")
        result["reuse_raw_cleaned_per_query"] = time_queries(index, raw_reuse, truth, "reuse")
        result["min_shared_sweep"] = {
            str(ms): {
                "reuse": time_queries(index, reuse, truth, "reuse", min_shared=ms),
                "fresh": time_queries(index, fresh, truth, "fresh", min_shared=ms),
            }
            for ms in (1, 2, 3)
        }
    print(json.dumps({k: result[k] for k in ("reuse", "fresh")}, indent=1), flush=True)

    with Index(db) as index:
        t0 = time.perf_counter()
        index.add(standin.articles(10_000_000, BATCH), batch_size=BATCH, compact=False)
        result["tail_add_seconds"] = time.perf_counter() - t0
        result["tail_rows"] = index.stats().tail_fingerprints
    with Index(db, read_only=True) as index:
        result["reuse_with_tail"] = time_queries(index, reuse, truth, "reuse")
        result["fresh_with_tail"] = time_queries(index, fresh, truth, "fresh")
    print(json.dumps({k: result[k] for k in ("reuse_with_tail",)}, indent=1), flush=True)

    # An index that never compacts: every fingerprint in the tail.
    nocompact = work / f"index-{size}-nocompact.duckdb"
    with Index(db) as index:
        index._con.execute("INSERT INTO fingerprints_tail SELECT hash, doc FROM fingerprints")
        index._con.execute("DELETE FROM fingerprints")
        index._con.execute("CHECKPOINT")
    db.rename(nocompact)
    with Index(nocompact, read_only=True) as index:
        result["reuse_never_compacted"] = time_queries(
            index, reuse[: args.raw_queries], truth, "reuse"
        )
    if not args.keep:
        nocompact.unlink(missing_ok=True)
    gc.collect()
    return result


def run_prebuilt(db: Path, args: argparse.Namespace, corpus: Path, truth: Truth) -> dict[str, Any]:
    """Query latency and quality on an index built beforehand (read-only, nothing added).

    The query articles are in that index too: ``Index.query`` leaves out the
    indexed article with the query's own id, so what it finds is the rest.
    """
    reuse_ids, fresh_ids = truth.pick_queries(args.queries, args.seed)
    reuse = query_articles(corpus, reuse_ids, truth, raw=False)
    fresh = query_articles(corpus, fresh_ids, truth, raw=False)
    raw_reuse = query_articles(corpus, reuse_ids[: args.raw_queries], truth, raw=True)
    result: dict[str, Any] = {"db": str(db)}
    t0 = time.perf_counter()
    with Index(db, read_only=True, memory=args.memory) as index:
        result["memory"] = index._postings is not None
        result["open_and_first_query_s"] = time.perf_counter() - t0
        for q in reuse[:3]:  # warm the file cache and the aligner's first-call setup
            index.query(q)
        result["first_queries_s"] = time.perf_counter() - t0
        if raw_reuse:  # the cleaner's one-time setup (stop lists), paid by a process once
            t1 = time.perf_counter()
            index.query(raw_reuse[0])
            result["first_raw_query_s"] = time.perf_counter() - t1
        stats = index.stats()
        result["articles"] = stats.articles
        result["fingerprints"] = stats.fingerprints + stats.tail_fingerprints
        result["file_mb"] = stats.file_bytes / 1e6
        result["reuse"] = time_queries(index, reuse, truth, "reuse")
        result["fresh"] = time_queries(index, fresh, truth, "fresh")
        result["reuse_raw_cleaned_per_query"] = time_queries(index, raw_reuse, truth, "reuse")
    result["peak_rss_mb"] = rss_mb()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--corpus", type=Path, default=WORK / "corpus-100000-s1")
    ap.add_argument("--corpus-articles", type=int, default=100_000)
    ap.add_argument("--work", type=Path, default=WORK)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--raw-queries", type=int, default=20)
    ap.add_argument("--raw", type=int, default=2000, help="raw articles for the cleaner run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="processes that fingerprint (build)")
    ap.add_argument("--keep", action="store_true", help="keep the index files")
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--db",
        type=Path,
        nargs="*",
        default=[],
        help="only time queries on these prebuilt indexes (of --corpus, maybe replicated)",
    )
    ap.add_argument(
        "--replicate",
        nargs=3,
        metavar=("SRC", "DST", "FACTOR"),
        help="make DST: the index SRC with FACTOR-1 scrambled copies (see replicate())",
    )
    ap.add_argument(
        "--memory",
        action="store_true",
        help="with --db: query through handles holding the fingerprints in memory (as the "
        "web server does; indexes over copytrace.index.MEMORY_MAX_ROWS stay on disk)",
    )
    ap.add_argument(
        "--paraphrase",
        action="store_true",
        help="indexes built here keep stem fingerprints too (`index add --paraphrase`)",
    )
    ap.add_argument(
        "--build-db",
        type=Path,
        help="only build an index of the whole --corpus here (truth content spans), then stop",
    )
    args = ap.parse_args()
    PARAPHRASE[0] = args.paraphrase
    if args.build_db:
        truth0 = Truth(ensure_corpus(args.corpus, args.corpus_articles, args.seed))
        print(json.dumps(build_full(args.build_db, args.corpus, truth0, args.jobs)))
        return
    if args.replicate:
        src, dst, factor = args.replicate
        print(json.dumps(replicate(Path(src), Path(dst), int(factor))))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = ensure_corpus(args.corpus, args.corpus_articles, args.seed)
    truth = Truth(corpus)
    out: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        "python": platform.python_version(),
        "corpus": str(corpus),
        "results": [],
    }
    if args.db:
        out["prebuilt"] = []
        for db in args.db:
            out["prebuilt"].append(run_prebuilt(db, args, corpus, truth))
            print(json.dumps(out["prebuilt"][-1], indent=1), flush=True)
            if args.json:
                args.json.write_text(json.dumps(out, indent=1))
        return
    if args.raw:
        print("raw add (cleaner included)", flush=True)
        out["raw_add"] = raw_throughput(corpus, args.raw, args.work)
        print(json.dumps(out["raw_add"]), flush=True)
    for size in args.sizes:
        out["results"].append(run_size(size, args, corpus, truth))
        if args.json:
            args.json.write_text(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
