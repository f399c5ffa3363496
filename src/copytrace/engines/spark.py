"""The Spark engine: the scan's stages on a Spark cluster (or ``local[N]``).

The same pure stage functions as the local engine (:mod:`copytrace.stages`)
run per partition through ``mapInArrow``; Spark does the shuffles:

    read         input files spread over tasks, each read by ``copytrace.ingest``
                 once (the parsed rows are written to ``_stages/_read_rows``);
                 duplicate ids dropped by a group-by on the ids alone (first read wins)
    chrome       ``line_hashes_batch`` per partition, then one group-by on
                 ``(source, line_hash)`` that also counts each source's pages;
                 the (small) chrome table is broadcast
    clean        ``clean_batch`` per partition
    fingerprint  ``fingerprint_batch`` per partition
    candidates   a self-join on fingerprint hash within the document-frequency
                 limits, then a group-by on the pair
    align        candidate pairs joined with both articles, ``align_batch`` per partition
    cluster      connected components by large-star / small-star iterations,
                 then the origin of each component (``cluster.choose_origin``)
    write        the driver streams the sorted results (Parquet part files in order,
                 or ``toLocalIterator``) into
                 the local engine's writers: same files, same schemas, same bytes

Every stage is checkpointed as Parquet under ``DIR/_stages/<stage>`` (or
``SparkOptions.stages_dir``); a rerun with the same inputs and settings
skips the stages already there. Entry points: :func:`scan` (a notebook or
script with a SparkSession), :func:`run` (``copytrace scan --engine spark``)
and ``python -m copytrace.engines.spark`` (``spark-submit``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import os
import re
import resource
import shutil
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema
from pyspark.sql.types import StructType

import copytrace
from copytrace import candidates
from copytrace.candidates import df_limit
from copytrace.chrome import chrome_from_counts
from copytrace.cluster import Cluster, Edge, choose_origin, cluster_id_for, published_key
from copytrace.engines import Progress
from copytrace.fingerprint import FingerprintParams
from copytrace.ingest import DUPLICATE_ID
from copytrace.model import Article, Reject
from copytrace.proctree import process_tree
from copytrace.scan import OUTPUT_FILES, ScanConfig, ScanSummary, SparkOptions
from copytrace.stages import (
    CLEAN_RESULT_SCHEMA,
    CLEAN_SCHEMA,
    CLEANED_SCHEMA,
    PAIR_RESULT_SCHEMA,
    RAW_SCHEMA,
    PairRecord,
    PassageRecord,
    align_batch,
    articles_to_batch,
    clean_batch,
    cleaned_rows,
    fingerprint_batch,
    line_hashes_batch,
)
from copytrace.store import (
    ARTICLES_SCHEMA,
    PASSAGES_SCHEMA,
    atomic_writer,
    json_line,
    write_jsonl,
    write_parquet,
    write_text,
)

log = logging.getLogger(__name__)

STAGES = ("read", "chrome", "clean", "fingerprint", "candidates", "align", "cluster")
# Rows per batch the driver turns into Arrow while writing the outputs.
WRITE_CHUNK = 10_000
# Large-star / small-star rounds before giving up (each at least halves the
# depth of the forest; 50 rounds is far beyond any reuse graph).
MAX_CC_ROUNDS = 50
# report.html: at most this many pairs and clusters are collected to the
# driver for it (the largest by reused words / members); the data files
# always hold everything.
REPORT_COLLECT = 200_000
_U64 = (1 << 64) - 1


# ----------------------------------------------------------------------------- schemas


def _spark_arrow(schema: pa.Schema) -> pa.Schema:
    """``schema`` with the types Spark has: uint64 -> int64, large_string -> string."""

    def conv(t: pa.DataType) -> pa.DataType:
        if t == pa.uint64():
            return pa.int64()
        if t == pa.large_string():
            return pa.string()
        if pa.types.is_list(t):
            return pa.list_(pa.field(t.value_field.name, conv(t.value_type)))
        if pa.types.is_struct(t):
            return pa.struct([pa.field(f.name, conv(f.type), True) for f in t])
        return t

    return pa.schema([pa.field(f.name, conv(f.type), True) for f in schema])


def spark_schema(schema: pa.Schema) -> StructType:
    """The Spark schema of an Arrow schema (all fields nullable)."""
    return from_arrow_schema(_spark_arrow(schema))


def _conform(batch: pa.RecordBatch, schema: StructType) -> pa.RecordBatch:
    """Cast a stage function's batch to what Spark expects for ``schema``."""
    target = to_arrow_schema(schema)
    arrays = []
    for field in target:
        col = batch.column(field.name)
        if col.type == pa.uint64() and field.type == pa.int64():
            col = col.view(pa.int64())  # same 64 bits: Spark has no unsigned type
        arrays.append(col.cast(field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=target)


_READ_EXTRA = pa.schema(
    [
        pa.field("file_no", pa.int32()),
        pa.field("item", pa.int64()),
        pa.field("record", pa.int64()),
        pa.field("reject_file", pa.string()),
        pa.field("reject_reason", pa.string()),
    ]
)
READ_ROWS = spark_schema(pa.schema([*RAW_SCHEMA, *_READ_EXTRA]))
RAW = spark_schema(RAW_SCHEMA)
CLEAN = spark_schema(CLEAN_SCHEMA)
# the clean and align tasks' rows: a failure (null, or why) with each
CLEAN_RESULT = spark_schema(CLEAN_RESULT_SCHEMA)
PAIR_RESULT = spark_schema(PAIR_RESULT_SCHEMA)
CLEANED = spark_schema(CLEANED_SCHEMA)
# a null line_hash marks a page (one row per page with lines): see _chrome
LINES = spark_schema(pa.schema([("source", pa.string()), ("line_hash", pa.int64())]))
FINGERPRINTS = spark_schema(
    pa.schema([("id", pa.string()), ("source", pa.string()), ("hash", pa.int64())])
)
# an article's time as cluster.published_key orders it (a hub is the earliest)
TIMES = spark_schema(
    pa.schema([("id", pa.string()), ("unknown", pa.int64()), ("ts", pa.float64())])
)
CLUSTERS = spark_schema(
    pa.schema(
        [
            ("cluster_id", pa.string()),
            ("article_ids", pa.list_(pa.string())),
            ("origin_id", pa.string()),
            ("size", pa.int64()),
            ("first_id", pa.string()),
        ]
    )
)
TASKS = spark_schema(
    pa.schema(
        [
            ("file_no", pa.int32()),
            ("input", pa.string()),
            ("path", pa.string()),
            ("article_id", pa.string()),
            ("missing", pa.bool_()),
        ]
    )
)


# ----------------------------------------------------------------------------- per-partition tasks
# Module-level functions (pickled by reference): executors import copytrace.


class _ReadRows:
    """Collects read items as ``READ_ROWS`` batches (articles and rejects in one table)."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.arts: list[Article] = []
        self.extra: list[tuple[int, int, int | None, str | None, str | None]] = []

    def add(
        self,
        file_no: int,
        input_name: str,
        items: Iterable[tuple[int | None, Article | Reject]],
        rename: tuple[str, str] | None = None,
    ) -> Iterator[pa.RecordBatch]:
        """Add one file's items; ``rename`` = (local copy, real name) for fetched files."""
        for k, (record, item) in enumerate(items):
            if isinstance(item, Reject):
                name = item.file
                if rename is not None and name == rename[0]:
                    name = rename[1]
                self.arts.append(_PLACEHOLDER)
                self.extra.append((file_no, k, item.record, name, item.reason))
            else:
                if rename is not None and item.path == rename[0]:
                    item = dataclasses.replace(item, path=rename[1])
                self.arts.append(item)
                # the file a duplicate is reported against, as the local reader does
                self.extra.append((file_no, k, record, item.path or input_name, None))
            if len(self.arts) >= self.batch_size:
                yield self.flush()

    def flush(self) -> pa.RecordBatch:
        batch = articles_to_batch(self.arts)
        cols = list(zip(*self.extra, strict=True)) if self.extra else [()] * len(_READ_EXTRA)
        extra = (pa.array(c, f.type) for c, f in zip(cols, _READ_EXTRA, strict=True))
        out = pa.RecordBatch.from_arrays(
            [*batch.columns, *extra], schema=pa.schema([*RAW_SCHEMA, *_READ_EXTRA])
        )
        self.arts, self.extra = [], []
        return _conform(out, READ_ROWS)


_PLACEHOLDER = Article(id="", text="")


def _read_task(batches: Iterable[pa.RecordBatch], batch_size: int) -> Iterator[pa.RecordBatch]:
    """Read the (local or shared-filesystem) files named in the task rows."""
    from copytrace.ingest import _read_path_numbered

    rows = _ReadRows(batch_size)
    for tasks in batches:
        for task in tasks.to_pylist():
            items: Iterable[tuple[int | None, Article | Reject]]
            if task["missing"]:
                items = [(None, Reject(task["input"], None, "no such file or directory"))]
            else:
                items = _read_path_numbered(task["path"], task["article_id"])
            yield from rows.add(task["file_no"], task["input"], items)
    if rows.arts:
        yield rows.flush()


def _read_remote_task(
    batches: Iterable[pa.RecordBatch], batch_size: int
) -> Iterator[pa.RecordBatch]:
    """Read files Spark fetched (``binaryFile`` rows): each is copied to a local
    temporary file and read by the same reader as a local file."""
    import tempfile

    from copytrace.ingest import _read_path_numbered

    rows = _ReadRows(batch_size)
    for batch in batches:
        for task in batch.to_pylist():
            name = task["path"].rstrip("/").rsplit("/", 1)[-1]
            with tempfile.TemporaryDirectory(prefix="copytrace-read-") as tmp:
                local = Path(tmp) / name
                local.write_bytes(task["content"])
                items = list(_read_path_numbered(local, task["article_id"]))
            yield from rows.add(task["file_no"], task["input"], items, (str(local), task["path"]))
    if rows.arts:
        yield rows.flush()


def _lines_task(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Distinct line-key hashes of every page, ``(source, line_hash)``, and one
    ``(source, null)`` row per page with lines (its source's page count). The
    source is the page's learning key (``line_hashes_batch``)."""
    for batch in batches:
        lines = line_hashes_batch(batch)
        page = lines.column("page").to_numpy()
        # (a page's rows are together: its first row gives its key)
        firsts = np.flatnonzero(np.r_[True, page[1:] != page[:-1]]) if len(page) else page
        out = pa.RecordBatch.from_arrays(
            [
                pa.concat_arrays(
                    [lines.column("source"), lines.column("source").take(pa.array(firsts))]
                ),
                pa.concat_arrays([lines.column("line_hash"), pa.nulls(len(firsts), pa.uint64())]),
            ],
            names=["source", "line_hash"],
        )
        yield _conform(out, LINES)


def _clean_task(
    batches: Iterable[pa.RecordBatch], chrome: Any, keep_text: bool = False
) -> Iterator[pa.RecordBatch]:
    """Clean each article with its source's chrome (a broadcast or a plain dict)."""
    table = chrome.value if hasattr(chrome, "value") else chrome
    for batch in batches:
        yield _conform(clean_batch(batch, table, keep_text=keep_text), CLEAN_RESULT)


def _fingerprint_task(
    batches: Iterable[pa.RecordBatch], params: FingerprintParams
) -> Iterator[pa.RecordBatch]:
    """Fingerprints of each cleaned article: ``(id, source, hash)``."""
    for batch in batches:
        fp = fingerprint_batch(batch, params)
        sources = batch.column("source").take(fp.column("row"))
        out = pa.RecordBatch.from_arrays(
            [fp.column("id"), sources, fp.column("hash")], names=["id", "source", "hash"]
        )
        yield _conform(out, FINGERPRINTS)


def _times_task(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Each article's ``published`` as the sort key the local engine's hubs use."""
    for batch in batches:
        keys = [published_key(p) for p in batch.column("published").to_pylist()]
        yield pa.RecordBatch.from_arrays(
            [
                batch.column("id"),
                pa.array([k[0] for k in keys], pa.int64()),
                pa.array([k[1] for k in keys], pa.float64()),
            ],
            schema=to_arrow_schema(TIMES),
        )


def _align_task(batches: Iterable[pa.RecordBatch], preset: str) -> Iterator[pa.RecordBatch]:
    """Align, attribute and measure each candidate pair (both articles in the row);
    a pair the aligner failed on is a row with its ``failure``."""
    for batch in batches:
        out = align_batch(batch, preset)
        if out.num_rows:
            yield _conform(out, PAIR_RESULT)


def _origin_task(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """One row per component (its edges collected): the cluster with its origin."""
    for batch in batches:
        rows: dict[str, list[Any]] = {f.name: [] for f in CLUSTERS}
        for comp in batch.column("edges").to_pylist():
            edges = [Edge(e["a_id"], e["b_id"], e["source_id"]) for e in comp]
            published = {e["a_id"]: e["a_published"] for e in comp}
            published.update({e["b_id"]: e["b_published"] for e in comp})
            members = sorted(published)
            rows["cluster_id"].append(cluster_id_for(members))
            rows["article_ids"].append(members)
            rows["origin_id"].append(choose_origin(members, edges, published))
            rows["size"].append(len(members))
            rows["first_id"].append(members[0])
        yield pa.RecordBatch.from_pydict(rows, schema=to_arrow_schema(CLUSTERS))


# ----------------------------------------------------------------------------- checkpoints


class Checkpoints:
    """Stage outputs as Parquet under one folder; a stage is done when its ``_SUCCESS`` is."""

    def __init__(self, spark: SparkSession, root: str, key: str, resume: bool) -> None:
        self.spark = spark
        self.root = root.rstrip("/")
        self.key = key
        self.fresh = False  # set once a stage is computed: every later one is recomputed
        manifest = self._read_manifest()
        self.valid = resume and manifest == key
        if manifest is not None and manifest != key and resume:
            log.info("checkpoints in %s are for other inputs or settings: recomputing", root)

    def path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def _exists(self, path: str) -> bool:
        try:
            jvm: Any = self.spark._jvm
            conf = self.spark._jsc.hadoopConfiguration()
            p = jvm.org.apache.hadoop.fs.Path(path)
            return bool(p.getFileSystem(conf).exists(p))
        except Exception:  # Spark Connect: no JVM gateway; local paths only
            return Path(path.removeprefix("file:")).exists()

    def _read_manifest(self) -> str | None:
        path = self.path("_manifest")
        if not self._exists(f"{path}/_SUCCESS"):
            return None
        row = self.spark.read.text(path).first()
        return None if row is None else str(row[0])

    def write_manifest(self) -> None:
        df = self.spark.createDataFrame([(self.key,)], "value string").coalesce(1)
        df.write.mode("overwrite").text(self.path("_manifest"))

    def done(self, *names: str) -> bool:
        """Whether the stage outputs ``names`` can be reused."""
        if self.fresh or not self.valid:
            return False
        return all(self._exists(f"{self.path(n)}/_SUCCESS") for n in names)

    def save(self, name: str, df: DataFrame) -> DataFrame:
        """Write ``df`` as the checkpoint ``name`` and read it back."""
        df.write.mode("overwrite").parquet(self.path(name))
        return self.load(name)

    def load(self, name: str) -> DataFrame:
        return self.spark.read.parquet(self.path(name))

    def remove(self, name: str) -> None:
        """Delete the checkpoint ``name`` (an intermediate no later stage reads)."""
        self._delete(self.path(name))

    def remove_all(self) -> None:
        """Delete the whole folder (its run is over)."""
        self._delete(self.root)

    def _delete(self, path: str) -> None:
        try:
            jvm: Any = self.spark._jvm
            p = jvm.org.apache.hadoop.fs.Path(path)
            p.getFileSystem(self.spark._jsc.hadoopConfiguration()).delete(p, True)
        except Exception:  # Spark Connect: no JVM gateway; local paths only
            shutil.rmtree(path.removeprefix("file:"), ignore_errors=True)


# The stored form of the stages' checkpoints: bumped when a stage stores its rows
# differently, so a run of newer code never resumes from an older run's checkpoints
# (2: chrome line hashes by a numpy hash of the keys, session 12; they were blake2b's;
# 3: the clean and align checkpoints hold each row's failure, session 26).
CHECKPOINT_FORMAT = 3


def _checkpoint_key(inputs: Sequence[str], config: ScanConfig) -> str:
    """What the checkpoints depend on: the inputs, every setting that changes a stage,
    and the version of copytrace and of the checkpoints' form."""
    settings = dataclasses.asdict(config)
    for name in ("jobs", "report", "report_pairs", "work_dir", "spark", "resume"):
        settings.pop(name, None)
    files = []
    for raw in inputs:
        p = Path(raw)
        st = p.stat() if p.exists() else None
        files.append([str(raw), st.st_size if st else None, st.st_mtime_ns if st else None])
    blob = json.dumps(
        {
            "inputs": files,
            "settings": settings,
            "version": [copytrace.__version__, CHECKPOINT_FORMAT],
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


# ----------------------------------------------------------------------------- stages


def is_url(path: str | Path) -> bool:
    """Whether an input is a URL Spark reads (``s3a://``, ``hdfs://``, ``file://`` ...).

    Example:
        >>> is_url("s3a://bucket/crawl/"), is_url("crawl/")
        (True, False)
    """
    return bool(_URL.match(str(path)))


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _remote_files(spark: SparkSession, url: str) -> list[tuple[str, str | None]]:
    """The readable files under ``url`` (Spark lists them), in the local walk's order,
    each with the id a page file gets (its path under ``url``, no extension)."""
    from copytrace.ingest import format_of
    from copytrace.ingest.folder import page_stem

    listing = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(url)
    paths = sorted(
        (str(r[0]) for r in listing.select("path").collect()), key=lambda p: p.split("/")
    )
    root = _qualified(spark, url).rstrip("/")
    out = []
    for p in paths:
        fmt = format_of(p)
        if fmt is None:
            continue
        rel = p[len(root) :].lstrip("/") if p.startswith(root) and p != root else ""
        name = rel or p.rsplit("/", 1)[-1]
        out.append((p, page_stem(name) if fmt == "page" else None))
    return out


def _qualified(spark: SparkSession, url: str) -> str:
    """``url`` as Spark writes file paths (``file:///x`` -> ``file:/x``)."""
    try:
        jvm: Any = spark._jvm
        p = jvm.org.apache.hadoop.fs.Path(url)
        fs = p.getFileSystem(spark._jsc.hadoopConfiguration())
        return str(fs.makeQualified(p).toString())
    except Exception:
        return url


def _input_tasks(
    inputs: Sequence[str | Path], spark: SparkSession | None = None
) -> list[tuple[int, str, str, str | None, bool]]:
    """The files to read, in the local reader's order: ``(file_no, input, path, id, missing)``.

    URL inputs are listed by Spark (``missing`` is then None-free: a URL that
    lists no file is reported missing).
    """
    from copytrace.ingest import format_of
    from copytrace.ingest.folder import relative_id, walk_files

    out: list[tuple[int, str, str, str | None, bool]] = []
    for raw in inputs:
        path = Path(raw)
        if is_url(raw) and spark is not None:
            try:
                files = _remote_files(spark, str(raw))
            except Exception as exc:  # Spark's AnalysisException: path does not exist
                log.warning("cannot list %s: %s", raw, exc)
                files = []
            if not files:
                out.append((len(out), str(raw), str(raw), None, True))
            base = len(out)
            out.extend((base + k, str(raw), p, aid, False) for k, (p, aid) in enumerate(files))
        elif path.is_dir():
            for f in walk_files(path):
                fmt = format_of(f)
                if fmt is not None:
                    aid = relative_id(f, path) if fmt == "page" else None
                    out.append((len(out), str(raw), str(f), aid, False))
        elif path.exists():
            out.append((len(out), str(raw), str(path), None, False))
        else:
            out.append((len(out), str(raw), str(raw), None, True))
    return out


def _read(
    spark: SparkSession,
    inputs: Sequence[str | Path],
    config: ScanConfig,
    parts: int,
    save: Callable[[str, DataFrame], DataFrame],
) -> tuple[DataFrame, DataFrame]:
    """Articles (``RAW`` columns, first of each id) and rejects (``file``, ``record``, ...).

    ``save(name, df)`` writes the parsed rows once and reads them back (a checkpoint).
    """
    tasks = _input_tasks(inputs, spark)
    remote = [t for t in tasks if is_url(t[1]) and not t[4]]  # (Spark writes file:/x, no //)
    local = [t for t in tasks if not (is_url(t[1]) and not t[4])]
    rdd = spark.sparkContext.parallelize(local, max(1, min(len(local), parts)))
    rows = spark.createDataFrame(rdd, TASKS).mapInArrow(
        functools.partial(_read_task, batch_size=config.batch_size), READ_ROWS
    )
    if remote:
        # Spark fetches the files (any filesystem it has a connector for); the
        # executors read the bytes with copytrace's readers
        names = spark.createDataFrame(remote, TASKS).select(
            "file_no", "input", "path", "article_id"
        )
        fetched = (
            spark.read.format("binaryFile")
            .option("recursiveFileLookup", "true")
            .load(sorted({t[1] for t in remote}))
            .select("path", "content")
            .join(F.broadcast(names), "path")
        )
        rows = rows.unionByName(
            fetched.mapInArrow(
                functools.partial(_read_remote_task, batch_size=config.batch_size), READ_ROWS
            )
        )
    # The parsed rows feed several scans: the repeated ids, the articles, the
    # bad records and the repeated ones (and the rejects' sort samples them).
    # Written once as Parquet and read back, each scan reads only its columns:
    # the texts once, for the articles; the others ids and record numbers. A
    # cache (persist) made each scan read whole cached blocks: 5x the corpus at
    # 1M articles, spilled to disk past a 4 GB driver's memory. On a cluster the
    # checkpoint sits in the stages folder (HDFS, object storage), where a lost
    # executor does not take it along (cached blocks are recomputed: parsed again).
    rows = save("_read_rows", rows)
    ok = rows.where(F.col("reject_reason").isNull())
    # Repeated ids from the keys alone (small): the texts are not shuffled for it.
    order = F.struct("file_no", "item")
    repeated = (
        ok.groupBy("id")
        .agg(F.count(F.lit(1)).alias("_n"), F.min(order).alias("_first"))
        .where(F.col("_n") > 1)
        .select("id", "_first")
    )
    # broadcast: repeats are few, so the texts stay where they were read
    marked = ok.join(F.broadcast(repeated), "id", "left").withColumn(
        "_dup", F.col("_first").isNotNull() & (order != F.col("_first"))
    )
    articles = marked.where(~F.col("_dup")).select(*RAW.fieldNames()).repartition(parts)
    bad = rows.where(F.col("reject_reason").isNotNull()).select(
        "file_no", "item", F.col("reject_file").alias("file"), "record",
        F.col("reject_reason").alias("reason"),
    )  # fmt: skip
    dups = marked.where(F.col("_dup")).select(
        "file_no", "item", F.col("reject_file").alias("file"), "record",
        F.lit(DUPLICATE_ID).alias("reason"),
    )  # fmt: skip
    return articles, bad.unionByName(dups).coalesce(1)


def _chrome(lines: DataFrame, config: ScanConfig) -> DataFrame:
    """Per source, the line hashes on enough of its pages: the chrome candidates.

    One group-by counts the pages of each ``(source, line_hash)`` and, in its
    null-hash rows, the pages of each source: ``lines`` (a Python task's
    output) is computed once, with no copy of it to cache or write. The rows
    under ``min_pages`` are dropped before the window spreads the page counts.
    """
    p = config.chrome
    counts = lines.groupBy("source", "line_hash").agg(F.count(F.lit(1)).alias("n"))
    marker = F.col("line_hash").isNull()
    kept = counts.where(marker | (F.col("n") >= p.min_pages))
    pages = F.max(F.when(marker, F.col("n"))).over(Window.partitionBy("source"))
    return (
        kept.withColumn("pages", pages)
        .where(~marker & (F.col("n") >= F.lit(p.min_share) * F.col("pages")))
        .select("source", "line_hash", "n", "pages")
    )


def _chrome_table(chrome: DataFrame, config: ScanConfig) -> dict[str, frozenset[int]]:
    """The chrome rows as ``chrome.chrome_from_counts`` decides them (same rule, same floats)."""
    rows = [
        (r["source"], int(r["line_hash"]) & _U64, int(r["n"]), int(r["pages"]))
        for r in chrome.toLocalIterator()
    ]
    pages = {s: n for s, _, _, n in rows}
    return chrome_from_counts(((s, h, n) for s, h, n, _ in rows), pages, config.chrome)


def _candidates(fps: DataFrame, cleaned: DataFrame, n_docs: int, config: ScanConfig) -> DataFrame:
    """Pairs ``(a_id < b_id, shared, hub)`` sharing enough fingerprints within the
    df limit, and hub pairs over it (``hub``: how many of the shared fingerprints
    are over it; see :func:`copytrace.candidates.hub_pairs`)."""
    params = config.candidate_params()
    limit = df_limit(n_docs, params)
    per_doc = fps.groupBy("id").agg(F.count(F.lit(1)).alias("n_fp"))
    uniq = fps.dropDuplicates(["id", "hash"])
    df = uniq.groupBy("hash").agg(F.count(F.lit(1)).alias("df"))
    kept = df.where((F.col("df") >= 2) & (F.col("df") <= limit)).select("hash")
    rare = uniq.join(kept, "hash", "left_semi")
    x, y = rare.alias("x"), rare.alias("y")
    joined = x.join(y, F.col("x.hash") == F.col("y.hash")).where(F.col("x.id") < F.col("y.id"))
    if not params.same_source:
        joined = joined.where(~_same_source(F.col("x.source"), F.col("y.source")))
    shared = joined.groupBy(F.col("x.id").alias("a_id"), F.col("y.id").alias("b_id")).agg(
        F.count(F.lit(1)).alias("rare")
    )
    over = uniq.join(df.where(F.col("df") > limit).select("hash"), "hash", "left_semi")
    hubs = _hub_pairs(over, cleaned, params.same_source)
    na = per_doc.select(F.col("id").alias("a_id"), F.col("n_fp").alias("na"))
    nb = per_doc.select(F.col("id").alias("b_id"), F.col("n_fp").alias("nb"))
    smaller = F.least("na", "nb")
    needed = F.greatest(F.lit(1.0), F.ceil(F.lit(params.min_shared_fraction) * smaller))
    hub_needed = F.greatest(
        F.lit(float(params.min_shared)), F.ceil(F.lit(candidates.HUB_MIN_SHARE) * smaller)
    )
    both = (
        shared.join(hubs, ["a_id", "b_id"], "full_outer")
        .fillna(0, ["rare", "hub"])
        .withColumn("shared", F.col("rare") + F.col("hub"))
    )
    rare_ok = (F.col("rare") > 0) & (
        (F.col("rare") >= params.min_shared) | (F.col("rare") >= needed)
    )
    hub_ok = (F.col("hub") > 0) & (F.col("shared") >= hub_needed)
    return (
        both.join(na, "a_id")
        .join(nb, "b_id")
        .where(rare_ok | hub_ok)
        .select("a_id", "b_id", "shared", "hub")
    )


def _same_source(a: Any, b: Any) -> Any:
    """Both sources known and equal (an unknown one, null or empty, is never the same
    as another: a null-safe test, as ``==`` beside a null is null)."""
    return a.eqNullSafe(b) & (F.coalesce(a, F.lit("")) != "")


def _hub_pairs(over: DataFrame, cleaned: DataFrame, same_source: bool) -> DataFrame:
    """``(a_id, b_id, hub)``: the :func:`copytrace.candidates.hub_pairs` of the
    ``(id, source, hash)`` rows ``over`` (every row of each hash over the limit),
    counted over the hashes."""
    times = cleaned.select("id", "published").mapInArrow(_times_task, TIMES)
    rows = over.join(times, "id").withColumn(
        "rn",
        F.row_number().over(Window.partitionBy("hash").orderBy("unknown", "ts", "id")),
    )
    first = rows.where(F.col("rn") == 1).select(
        "hash", F.col("id").alias("hub_id"), F.col("source").alias("hub_source")
    )
    rows = rows.join(first, "hash")
    other = F.lit(True) if same_source else ~_same_source(F.col("source"), F.col("hub_source"))
    rows = rows.withColumn("other", other)
    second = (
        rows.where(F.col("other") & (F.col("rn") > 1))
        .groupBy("hash")
        .agg(F.min(F.struct("rn", "id")).alias("s"))
        .select("hash", F.col("s.id").alias("second_id"))
    )
    partner = F.when(F.col("other"), F.col("hub_id")).otherwise(F.col("second_id"))
    return (
        rows.where(F.col("rn") > 1)
        .join(second, "hash", "left")
        .withColumn("partner", partner)
        .where(F.col("partner").isNotNull())
        .groupBy(F.least("id", "partner").alias("a_id"), F.greatest("id", "partner").alias("b_id"))
        .agg(F.count(F.lit(1)).alias("hub"))
    )


def _align(cands: DataFrame, cleaned: DataFrame, config: ScanConfig) -> DataFrame:
    """Each candidate pair with both cleaned articles, aligned per partition."""
    cols = CLEAN.fieldNames()
    left = cleaned.select(*(F.col(c).alias(f"a_{c}") for c in cols))
    right = cleaned.select(*(F.col(c).alias(f"b_{c}") for c in cols))
    rows = cands.select("a_id", "b_id").join(left, "a_id").join(right, "b_id")
    rows = rows.select(*(f"a_{c}" for c in cols), *(f"b_{c}" for c in cols))
    return rows.mapInArrow(functools.partial(_align_task, preset=config.preset), PAIR_RESULT)


def connected_components(
    edges: DataFrame, save: Callable[[str, DataFrame], DataFrame] | None = None
) -> DataFrame:
    """``(id, label)`` for every node of the undirected ``(a_id, b_id)`` edges.

    The label is the smallest id of the node's component. Large-star and
    small-star rounds (Kiveris et al., 2014) until nothing changes; every
    round is a few joins and group-bys, no edge goes to the driver. ``save``
    cuts the lineage each round (a checkpoint); without it, ``localCheckpoint``.
    """
    e = edges.select(
        F.greatest("a_id", "b_id").alias("v"), F.least("a_id", "b_id").alias("u")
    ).where(F.col("v") != F.col("u")).distinct()  # fmt: skip
    cut = save or (lambda _name, df: df.localCheckpoint())
    e = cut("cc-0", e)
    for rnd in range(1, MAX_CC_ROUNDS + 1):
        # large-star: every neighbour y > x of x links to the least of x's closed neighbourhood
        both = e.select(F.col("v").alias("x"), F.col("u").alias("y")).unionByName(
            e.select(F.col("u").alias("x"), F.col("v").alias("y"))
        )
        mins = both.groupBy("x").agg(F.min("y").alias("m"))
        large = (
            both.join(mins, "x")
            .where(F.col("y") > F.col("x"))
            .select(F.col("y").alias("v"), F.least("x", "m").alias("u"))
            .distinct()
        )
        # small-star: x and its smaller neighbours all link to the least of them
        low = large.groupBy("v").agg(F.min("u").alias("m"))
        small = (
            large.join(low, "v")
            .select(F.greatest("u", "m").alias("v"), F.least("u", "m").alias("u"))
            .unionByName(low.select("v", F.col("m").alias("u")))
            .where(F.col("v") != F.col("u"))
            .distinct()
        )
        small = cut(f"cc-{rnd}", small)
        changed = small.exceptAll(e).limit(1).count() + e.exceptAll(small).limit(1).count()
        e = small
        if not changed:
            log.info("connected components: converged after %d rounds", rnd)
            break
    else:
        raise RuntimeError(f"connected components did not converge in {MAX_CC_ROUNDS} rounds")
    # stars around the least id of each component
    nodes = e.select(F.col("v").alias("id"), F.col("u").alias("label")).unionByName(
        e.select(F.col("u").alias("id"), F.col("u").alias("label"))
    )
    return nodes.groupBy("id").agg(F.min("label").alias("label"))


def _clusters(pairs: DataFrame, articles: DataFrame, labels: DataFrame) -> DataFrame:
    """One row per reprint cluster: members, id and origin (``cluster.choose_origin``)."""
    pub = articles.select("id", "published")
    edges = (
        pairs.select("a_id", "b_id", "source_id")
        .join(labels.withColumnRenamed("id", "a_id"), "a_id")
        .join(
            pub.select(F.col("id").alias("a_id"), F.col("published").alias("a_published")), "a_id"
        )
        .join(
            pub.select(F.col("id").alias("b_id"), F.col("published").alias("b_published")), "b_id"
        )
    )
    comps = edges.groupBy("label").agg(
        F.collect_list(F.struct("a_id", "b_id", "source_id", "a_published", "b_published")).alias(
            "edges"
        )
    )
    return comps.select("edges").mapInArrow(_origin_task, CLUSTERS)


# ----------------------------------------------------------------------------- metrics


class TreeCPU:
    """User + system CPU seconds of a process tree, Linux only, sampled in a thread.

    Spark's executor metrics leave out the Python workers; this counts the
    driver, the JVM (local mode: the executors) and every Python worker. Each
    process is remembered by (pid, start time) with the last CPU time seen, so
    a worker that exits unreaped by the tree (Spark kills its Python daemon at
    times, orphaning the workers) still counts: summing live processes' own
    and reaped children's times made stage figures go negative. A process
    that lives less than one sampling interval is missed.
    """

    def __init__(self, root: int | None = None, interval: float = 0.25) -> None:
        self.root = root or os.getpid()
        self.interval = interval
        self._seen: dict[tuple[int, int], int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._proc = Path("/proc").is_dir()

    def sample(self) -> None:
        for pid in process_tree(self.root):
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                ticks = int(fields[11]) + int(fields[12])  # utime stime
                key = (pid, int(fields[19]))  # starttime tells a reused pid apart
            except (OSError, IndexError, ValueError):
                continue
            with self._lock:
                self._seen[key] = max(ticks, self._seen.get(key, 0))

    def seconds(self) -> float:
        """CPU seconds of every process seen so far (sampled now)."""
        if not self._proc:
            return time.process_time()
        self.sample()
        with self._lock:
            return sum(self._seen.values()) / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeCPU:
        if self._proc:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def tree_rss_mb(root: int | None = None, field: str = "VmHWM") -> float:
    """Sum over a process tree of ``VmHWM`` (each process's peak RSS) or ``VmRSS``, MB.

    The sum of peaks bounds the tree's peak from above; the JVM and Python
    workers of a local Spark session are descendants of the driver.
    """
    if not Path("/proc").is_dir():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = 0.0
    for pid in process_tree(root or os.getpid()):
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith(field + ":"):
                        total += int(line.split()[1]) / 1024
                        break
        except OSError:
            continue
    return total


def _shuffle_bytes(spark: SparkSession, groups: Iterable[str]) -> dict[str, int]:
    """Shuffle bytes (read + write) per job group, from the Spark UI's REST API."""
    sc = spark.sparkContext
    url = sc.uiWebUrl
    if not url:
        return {}
    try:
        base = f"{url}/api/v1/applications/{sc.applicationId}"
        with urllib.request.urlopen(f"{base}/stages", timeout=120) as fh:
            stages = json.load(fh)
    except OSError:
        return {}
    per_stage: dict[int, int] = {}
    for s in stages:
        per_stage[s["stageId"]] = per_stage.get(s["stageId"], 0) + int(
            s.get("shuffleReadBytes", 0) + s.get("shuffleWriteBytes", 0)
        )
    tracker = sc.statusTracker()
    out = {}
    for group in groups:
        total = 0
        for job in tracker.getJobIdsForGroup(group):
            info = tracker.getJobInfo(job)
            if info is not None:
                total += sum(per_stage.get(s, 0) for s in info.stageIds)
        out[group] = total
    return out


# ----------------------------------------------------------------------------- the run


def _session(config: ScanConfig) -> tuple[SparkSession, bool]:
    """The active session, or a new ``local[jobs]`` one (and whether we made it)."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    opts = config.spark
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    master = opts.master or f"local[{config.effective_jobs()}]"
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    parts = opts.partitions or 2 * config.effective_jobs()
    builder = (
        SparkSession.builder.appName("copytrace scan")
        .master(master)
        .config("spark.sql.shuffle.partitions", str(opts.shuffle_partitions or parts))
        .config("spark.ui.showConsoleProgress", "false")
    )
    if opts.driver_memory:
        builder = builder.config("spark.driver.memory", opts.driver_memory)
    return builder.getOrCreate(), True


class _Stages:
    """A run's stages: each timed (wall and CPU) and reported, each checkpointed."""

    def __init__(
        self,
        spark: SparkSession,
        ckpt: Checkpoints,
        summary: ScanSummary,
        progress: Progress | None,
    ) -> None:
        self.spark, self.ckpt, self.summary, self.progress = spark, ckpt, summary, progress
        self.timer: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.meter = TreeCPU()

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(name, 0, 1)
        self.spark.sparkContext.setJobGroup(name, f"copytrace {name}")
        t0, c0 = time.perf_counter(), self.meter.seconds()
        try:
            yield
        finally:
            self.timer[name] = self.timer.get(name, 0.0) + time.perf_counter() - t0
            # local mode: the executors are in this tree; on a cluster, the driver's only
            self.cpu[name] = self.cpu.get(name, 0.0) + self.meter.seconds() - c0
            log.info("stage %s: %.2f s", name, self.timer[name])
            if self.progress is not None:
                self.progress(name, 1, 1)

    def step(self, name: str, make: Callable[[], DataFrame]) -> DataFrame:
        """The checkpoint ``name``: an earlier run's, or ``make()`` written."""
        if self.ckpt.done(name):
            self.summary.resumed_stages.append(name)
            return self.ckpt.load(name)
        self.ckpt.fresh = True
        return self.ckpt.save(name, make())

    def finish(self, t_start: float) -> None:
        """The summary's times, shuffle bytes and memory."""
        summary = self.summary
        summary.seconds = time.perf_counter() - t_start
        summary.stage_seconds = dict(self.timer)
        summary.stage_cpu_seconds = dict(self.cpu)
        summary.stage_shuffle_bytes = _shuffle_bytes(self.spark, [*self.timer])
        summary.peak_rss_mb = tree_rss_mb()
        self.spark.sparkContext.setJobGroup("copytrace", "copytrace")


def _read_and_clean(
    spark: SparkSession,
    inputs: Sequence[str | Path],
    cfg: ScanConfig,
    parts: int,
    job: _Stages,
) -> tuple[DataFrame, DataFrame, DataFrame]:
    """The read, chrome and clean stages: the cleaned articles (``CLEAN``), the
    rejects and the articles the cleaner failed on (see :func:`_failures`), their
    counts in ``job.summary``."""
    ckpt, summary, stage, step = job.ckpt, job.summary, job.stage, job.step
    with stage("read"):
        # one file per Arrow batch into the readers (a fetched file is one row)
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "1")
        if ckpt.done("read", "rejects"):
            summary.resumed_stages.append("read")
            articles, rejects = ckpt.load("read"), ckpt.load("rejects")
        else:
            ckpt.fresh = True
            art_df, rej_df = _read(spark, inputs, cfg, parts, ckpt.save)
            rejects = ckpt.save("rejects", rej_df.orderBy("file_no", "item"))
            articles = ckpt.save("read", art_df)
            ckpt.remove("_read_rows")  # the corpus once more: read/ holds the articles
            ckpt.write_manifest()
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(cfg.batch_size))
        counts = articles.agg(
            F.count(F.lit(1)).alias("n"), F.sum(F.octet_length("text")).alias("b")
        ).first()
        summary.articles = int(counts["n"]) if counts else 0
        summary.text_bytes = int((counts["b"] if counts else 0) or 0)
        summary.rejected = rejects.count()
    chrome: dict[str, frozenset[int]] = {}
    if not cfg.keep_text:  # (texts kept as they are: no chrome to learn)
        with stage("chrome"):
            lines = articles.select(*RAW.fieldNames()).mapInArrow(_lines_task, LINES)
            chrome_rows = step("chrome", lambda: _chrome(lines, cfg))
            chrome = _chrome_table(chrome_rows, cfg)
            summary.chrome_sources = len(chrome)
            summary.chrome_lines = sum(len(v) for v in chrome.values())
    with stage("clean"):
        shared = spark.sparkContext.broadcast(chrome)
        results = step(
            "clean",
            lambda: articles.mapInArrow(
                functools.partial(_clean_task, chrome=shared, keep_text=cfg.keep_text),
                CLEAN_RESULT,
            ),
        )
        cleaned = results.drop("failure")
        summary.empty_articles = cleaned.where(F.coalesce(F.size("content"), F.lit(0)) <= 0).count()
        failures = _failures(results)
        summary.failed = failures.count()
    return cleaned, rejects, failures


def run(
    inputs: Sequence[str | Path],
    out_dir: Path,
    config: ScanConfig,
    progress: Progress | None = None,
) -> ScanSummary:
    """The engine entry of ``copytrace scan --engine spark``: uses or starts a session."""
    spark, own = _session(config)
    try:
        return scan(spark, inputs, out_dir, config=config, progress=progress)
    finally:
        if own:
            spark.stop()


def run_clean(
    inputs: Sequence[str | Path],
    out: str | Path,
    config: ScanConfig,
    progress: Progress | None = None,
) -> ScanSummary:
    """The engine entry of ``copytrace clean --out NAME.parquet --engine spark``: uses or
    starts a session (see :func:`clean_corpus`)."""
    spark, own = _session(config)
    try:
        return clean_corpus(spark, inputs, out, config=config, progress=progress)
    finally:
        if own:
            spark.stop()


def scan(
    spark: SparkSession,
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    config: ScanConfig | None = None,
    progress: Progress | None = None,
) -> ScanSummary:
    """Scan ``inputs`` with ``spark`` and write the outputs into ``out_dir``.

    Args:
        spark: the session (a notebook's, or one ``spark-submit`` made).
        inputs: files and folders the executors can read, as for the local engine.
        out_dir: output folder on the driver (created if missing).
        config: settings; ``config.spark`` holds the Spark ones.
        progress: called as ``progress(stage, done, total)`` per stage.

    Returns:
        A :class:`copytrace.scan.ScanSummary` like the local engine's, with
        shuffle bytes per stage and the stages resumed from checkpoints.

    Example:
        >>> from copytrace.engines.spark import scan  # doctest: +SKIP
        >>> scan(spark, ["corpus/"], "out").pairs  # doctest: +SKIP
        42
    """
    cfg = config or ScanConfig()
    opts: SparkOptions = cfg.spark
    t_start = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sc = spark.sparkContext
    parts = opts.partitions or 2 * sc.defaultParallelism
    if opts.shuffle_partitions:
        spark.conf.set("spark.sql.shuffle.partitions", str(opts.shuffle_partitions))
    names = [str(i) for i in inputs]
    stages_root = opts.stages_dir or str(out.resolve() / "_stages")
    ckpt = Checkpoints(spark, stages_root, _checkpoint_key(names, cfg), opts.resume)
    summary = ScanSummary(out_dir=str(out), jobs=sc.defaultParallelism)
    job = _Stages(spark, ckpt, summary, progress)
    stage, step, timer = job.stage, job.step, job.timer
    with job.meter:
        cleaned, rejects, failures = _read_and_clean(spark, inputs, cfg, parts, job)
        with stage("fingerprint"):
            fp_task = functools.partial(_fingerprint_task, params=cfg.fingerprint)
            fps = step("fingerprint", lambda: cleaned.mapInArrow(fp_task, FINGERPRINTS))
            summary.fingerprints = fps.count()
        summary.df_limit = df_limit(summary.articles, cfg.candidate_params())
        with stage("candidates"):
            cands = step("candidates", lambda: _candidates(fps, cleaned, summary.articles, cfg))
            agg = cands.agg(
                F.count(F.lit(1)).alias("n"), F.count(F.when(F.col("hub") > 0, 1)).alias("h")
            ).first()
            summary.candidate_pairs = int(agg["n"]) if agg else 0
            summary.hub_pairs = int(agg["h"]) if agg else 0
        with stage("align"):
            aligned = step("align", lambda: _align(cands, cleaned, cfg))
            pairs = aligned.where(F.col("failure").isNull()).drop("failure")
            failures = failures.unionByName(_failures(aligned, stage="align"))
            summary.failed = failures.count()
            agg = pairs.agg(
                F.count(F.lit(1)).alias("n"),
                F.count("source_id").alias("directed"),
                F.sum(F.size("passages")).alias("passages"),
            ).first()
            summary.pairs = int(agg["n"]) if agg else 0
            summary.directed_pairs = int(agg["directed"]) if agg else 0
            summary.passages = int((agg["passages"] if agg else 0) or 0)
        with stage("cluster"):

            def make_clusters() -> DataFrame:
                labels = connected_components(pairs, lambda n, df: ckpt.save(f"_cc/{n}", df))
                # (the cleaned articles' times: a page's own stamp when the reader
                # gave none, as the local engine's origins use)
                return _clusters(pairs, cleaned, labels)

            clusters = step("cluster", make_clusters)
            agg = clusters.agg(F.count(F.lit(1)).alias("n"), F.sum("size").alias("m")).first()
            summary.clusters = int(agg["n"]) if agg else 0
            summary.clustered_articles = int((agg["m"] if agg else 0) or 0)
        with stage("write"):
            _write(
                spark, out, ckpt, cleaned, pairs, clusters, (rejects, failures), cfg, summary,
                timer, t_start,
            )  # fmt: skip
    job.finish(t_start)
    summary.outputs = {name: str(out / name) for name in OUTPUT_FILES}
    if not cfg.report:
        summary.outputs.pop("report.html")
    if not opts.articles_file:
        summary.outputs["articles.parquet"] = ckpt.path("clean")
    log.info("spark scan done in %.1f s: %d pairs", summary.seconds, summary.pairs)
    return summary


def clean_corpus(
    spark: SparkSession,
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    config: ScanConfig | None = None,
    progress: Progress | None = None,
) -> ScanSummary:
    """Clean every article of ``inputs`` into the Parquet dataset ``out`` with ``spark``.

    The scan's read, chrome and clean stages (each source's chrome learned from
    the corpus), then one row per article (``copytrace.stages.CLEANED_SCHEMA``:
    its fields, the content spans into ``text`` and ``article_text``), sorted by
    id, written by the executors as Spark's part files into the folder ``out``
    (any path Spark writes: a local folder, ``hdfs://``, ``s3a://``). The
    records that could not be read go to ``out.rejects.jsonl`` beside a local
    ``out`` (through Spark into the folder ``out.rejects`` for a URL); none:
    no rejects written. The stages are checkpointed under
    ``config.spark.stages_dir`` (default: ``.NAME.stages`` beside ``out``):
    a rerun after a failure goes on from the last one; a run that ends removes
    the default folder.

    Example:
        >>> from copytrace.engines.spark import clean_corpus  # doctest: +SKIP
        >>> done = clean_corpus(spark, ["crawl/"], "s3a://b/cleaned.parquet")  # doctest: +SKIP
        >>> done.articles  # doctest: +SKIP
        1000000
    """
    cfg = config or ScanConfig()
    opts: SparkOptions = cfg.spark
    t_start = time.perf_counter()
    target = str(out) if is_url(out) else str(Path(out).resolve())
    parent, _, name = target.rstrip("/").rpartition("/")
    stages_root = opts.stages_dir or f"{parent}/.{name}.stages"
    parts = opts.partitions or 2 * spark.sparkContext.defaultParallelism
    if opts.shuffle_partitions:
        spark.conf.set("spark.sql.shuffle.partitions", str(opts.shuffle_partitions))
    # (a scan of the same inputs checkpoints elsewhere: the key only tells reruns apart)
    key = _checkpoint_key([str(i) for i in inputs], cfg) + "-clean"
    ckpt = Checkpoints(spark, stages_root, key, opts.resume)
    summary = ScanSummary(out_dir=target, jobs=spark.sparkContext.defaultParallelism)
    job = _Stages(spark, ckpt, summary, progress)
    with job.meter:
        cleaned, rejects, failures = _read_and_clean(spark, inputs, cfg, parts, job)
        with job.stage("write"):
            rows = cleaned.mapInArrow(_cleaned_task, CLEANED).orderBy("id")
            rows.write.mode("overwrite").parquet(target)
            rejects_out = _write_rejects(ckpt, rejects, failures, target)
    job.finish(t_start)
    if opts.stages_dir is None:
        ckpt.remove_all()  # (the default folder: the output holds what a rerun needs)
    summary.outputs = {"articles": target}
    if rejects_out is not None:
        summary.outputs["rejects"] = rejects_out
    log.info("spark clean done in %.1f s: %d articles", summary.seconds, summary.articles)
    return summary


def _cleaned_task(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Each cleaned article as an output row, with its article text."""
    for batch in batches:
        yield _conform(cleaned_rows(batch), CLEANED)


def _write_rejects(
    ckpt: Checkpoints, rejects: DataFrame, failures: DataFrame, target: str
) -> str | None:
    """The rejects and the cleaner's failures beside ``target`` (see
    :func:`clean_corpus`), or None when there are none."""
    if rejects.isEmpty() and failures.isEmpty():
        if not is_url(target):
            Path(target + ".rejects.jsonl").unlink(missing_ok=True)
        return None
    if is_url(target):
        dest = target.rstrip("/") + ".rejects"
        rows = _read_rejects(rejects).unionByName(_failure_rows(failures), allowMissingColumns=True)
        rows.coalesce(1).write.mode("overwrite").json(dest)
        return dest
    path = Path(target + ".rejects.jsonl")
    write_jsonl(path, _reject_rows(ckpt, rejects, failures))
    return str(path)


def _failures(results: DataFrame, stage: str = "clean") -> DataFrame:
    """The rows of a stage's results (``CLEAN_RESULT`` or ``PAIR_RESULT``) the stage
    failed on: ``(order, stage, ids, reason)``, the cleaner's before the aligner's."""
    ids = F.array("id") if stage == "clean" else F.array("a_id", "b_id")
    return results.where(F.col("failure").isNotNull()).select(
        F.lit(STAGES.index(stage)).alias("order"),
        F.lit(stage).alias("stage"),
        ids.alias("ids"),
        F.col("failure").alias("reason"),
    )


def _read_rejects(rejects: DataFrame) -> DataFrame:
    return rejects.orderBy("file_no", "item").select("file", "record", "reason")


def _failure_rows(failures: DataFrame) -> DataFrame:
    """The failures as ``rejects.jsonl`` rows (``StageFailure.to_dict``'s), in order."""
    return failures.orderBy("order", "ids").select(
        F.lit(None).cast("string").alias("file"),
        F.lit(None).cast("long").alias("record"),
        "reason",
        "stage",
        "ids",
    )


def _reject_rows(
    ckpt: Checkpoints, rejects: DataFrame, failures: DataFrame
) -> Iterator[dict[str, Any]]:
    """The rows of ``rejects.jsonl``: the records not read, then the stages' failures."""
    yield from _ordered_rows(ckpt, "rejects", _read_rejects(rejects))
    yield from _ordered_rows(ckpt, "failures", _failure_rows(failures))


# ----------------------------------------------------------------------------- write


def _chunks(rows: Iterable[Any], size: int = WRITE_CHUNK) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _pair_record(row: Any) -> PairRecord:
    return PairRecord(
        a_id=row["a_id"],
        b_id=row["b_id"],
        source_id=row["source_id"],
        confidence=row["confidence"],
        coverage_a=row["coverage_a"],
        coverage_b=row["coverage_b"],
        passages=tuple(PassageRecord(**p.asDict()) for p in row["passages"]),
        evidence=tuple(row["evidence"] or ()),
    )


def _ordered_rows(ckpt: Checkpoints, name: str, df: DataFrame) -> Iterator[dict[str, Any]]:
    """The rows of an ordered ``df``, in order, as dicts.

    The sorted result is written under ``_stages/_out/<name>`` (Spark writes the
    range partitions as part files in order); when the driver can see that
    folder, pyarrow streams the files one row group at a time, far faster than
    ``toLocalIterator``'s Row objects; otherwise ``toLocalIterator``.
    """
    path = ckpt.path(f"_out/{name}")
    df.write.mode("overwrite").parquet(path)
    folder = Path(path.removeprefix("file:")) if not is_url(path) else None
    if folder is None or not folder.is_dir():
        for r in df.toLocalIterator(True):
            yield r.asDict(recursive=True)
        return
    import pyarrow.parquet as pq

    parts = sorted(folder.glob("part-*.parquet"))
    seen = sum(pq.ParquetFile(p).metadata.num_rows for p in parts)
    if seen != ckpt.spark.read.parquet(path).count():  # not all written where we can see
        for r in df.toLocalIterator(True):
            yield r.asDict(recursive=True)
        return
    for part in parts:
        for batch in pq.ParquetFile(part).iter_batches(batch_size=WRITE_CHUNK):
            yield from batch.to_pylist()


def _write(
    spark: SparkSession,
    out: Path,
    ckpt: Checkpoints,
    cleaned: DataFrame,
    pairs: DataFrame,
    clusters: DataFrame,
    rejects: tuple[DataFrame, DataFrame],
    cfg: ScanConfig,
    summary: ScanSummary,
    timer: dict[str, float],
    t_start: float,
) -> None:
    """The local engine's files, from sorted Spark results streamed to the driver
    (``rejects``: the records not read and the stages' failures)."""
    if cfg.spark.articles_file:
        art_df = cleaned.select(*ARTICLES_SCHEMA.names).orderBy("id")
        write_parquet(
            out / "articles.parquet",
            (
                pa.RecordBatch.from_pylist(chunk, ARTICLES_SCHEMA)
                for chunk in _chunks(_ordered_rows(ckpt, "articles", art_df))
            ),
            ARTICLES_SCHEMA,
        )
    passage_cols = PASSAGES_SCHEMA.names
    psg = (
        pairs.select(F.explode("passages").alias("p"))
        .select(*(F.col(f"p.{c}").alias(c) for c in passage_cols))
        .orderBy("source_id", "target_id", "source_start", "source_end", "target_start",
                 "target_end", "kind")
    )  # fmt: skip
    with atomic_writer(out / "passages.jsonl") as jsonl:

        def passage_batches() -> Iterator[pa.RecordBatch]:
            for chunk in _chunks(_ordered_rows(ckpt, "passages", psg)):
                rows = [PassageRecord(**r).to_dict() for r in chunk]
                jsonl.writelines(json_line(r) + "\n" for r in rows)
                yield pa.RecordBatch.from_pylist(rows, schema=PASSAGES_SCHEMA)

        write_parquet(out / "passages.parquet", passage_batches(), PASSAGES_SCHEMA)
    words = F.aggregate("passages", F.lit(0).cast("long"), lambda acc, p: acc + p["words"])
    pair_df = pairs.select(
        "a_id", "b_id", "source_id", "confidence", "coverage_a", "coverage_b",
        F.size("passages").alias("passages"), words.alias("words"),
    ).orderBy("a_id", "b_id")  # fmt: skip
    write_jsonl(out / "pairs.jsonl", _ordered_rows(ckpt, "pairs", pair_df))
    cl_df = clusters.orderBy(F.col("size").desc(), F.col("first_id"))
    write_jsonl(
        out / "clusters.jsonl",
        (
            Cluster(r["cluster_id"], tuple(r["article_ids"]), r["origin_id"]).to_dict()
            for r in _ordered_rows(ckpt, "clusters", cl_df)
        ),
    )
    write_jsonl(out / "rejects.jsonl", _reject_rows(ckpt, *rejects))
    if cfg.report:
        _write_report(spark, out, cleaned, pairs, cl_df, cfg, summary, timer, t_start)


def _row_article(r: Any) -> Article:
    d = r.asDict(recursive=True)
    d["content"] = tuple((int(s), int(e)) for s, e in (d.get("content") or ()))
    d["is_html"] = bool(d.get("is_html"))
    return Article(**d)


def _write_report(
    spark: SparkSession,
    out: Path,
    cleaned: DataFrame,
    pairs: DataFrame,
    clusters: DataFrame,
    cfg: ScanConfig,
    summary: ScanSummary,
    timer: dict[str, float],
    t_start: float,
) -> None:
    """``report.html`` from the largest pairs and clusters (all of them on small corpora)."""
    from copytrace.report.html import MAX_CLUSTER_MEMBERS, MAX_CLUSTERS, render_report

    words = F.aggregate("passages", F.lit(0).cast("long"), lambda acc, p: acc + p["words"])
    top = pairs.orderBy(words.desc(), "a_id", "b_id").limit(REPORT_COLLECT)
    records = [_pair_record(r) for r in top.toLocalIterator(True)]
    cl = [
        Cluster(r["cluster_id"], tuple(r["article_ids"]), r["origin_id"])
        for r in clusters.limit(REPORT_COLLECT).toLocalIterator(True)
    ]
    shown = sorted(records, key=lambda p: (-p.words, p.a_id, p.b_id))[: cfg.report_pairs]
    wanted = {i for p in shown for i in (p.a_id, p.b_id)}
    for c in cl[:MAX_CLUSTERS]:
        wanted.update(c.article_ids[:MAX_CLUSTER_MEMBERS])
        wanted.add(c.origin_id)
    in_pairs = {i for p in records for i in (p.a_id, p.b_id)}
    ids = spark.createDataFrame([(i,) for i in sorted(in_pairs | wanted)], "id string")
    known = cleaned.join(F.broadcast(ids), "id", "left_semi")
    sources: dict[str, str | None] = {}
    cache: dict[str, Article] = {}
    for r in known.toLocalIterator(True):
        sources[r["id"]] = r["source"]
        if r["id"] in wanted:
            cache[r["id"]] = _row_article(r)
    summary.stage_seconds = dict(timer)
    summary.seconds = time.perf_counter() - t_start
    summary.peak_rss_mb = tree_rss_mb()
    html = render_report(
        summary, records, cl, cache.get, sources=sources, max_pairs=cfg.report_pairs
    )
    write_text(out / "report.html", html)


# ----------------------------------------------------------------------------- spark-submit


def main(argv: Sequence[str] | None = None) -> int:
    """``spark-submit copytrace/engines/spark.py INPUT... --out DIR`` (or ``python -m``)."""
    ap = argparse.ArgumentParser(prog="copytrace-spark", description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--out", required=True, help="output folder on the driver")
    ap.add_argument("--same-source", action="store_true")
    ap.add_argument("--preset", default="news")
    ap.add_argument("--batch-size", type=int, default=ScanConfig().batch_size)
    ap.add_argument("--partitions", type=int, default=None)
    ap.add_argument("--shuffle-partitions", type=int, default=None)
    ap.add_argument("--stages-dir", default=None, help="checkpoint folder (default OUT/_stages)")
    ap.add_argument("--no-resume", action="store_true", help="recompute every stage")
    ap.add_argument("--no-report", action="store_true")
    ap.add_argument(
        "--no-articles-file",
        action="store_true",
        help="skip articles.parquet (the stages' clean/ Parquet holds the articles)",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = ScanConfig(
        same_source=args.same_source,
        preset=args.preset,
        batch_size=args.batch_size,
        report=not args.no_report,
        spark=SparkOptions(
            partitions=args.partitions,
            shuffle_partitions=args.shuffle_partitions,
            stages_dir=args.stages_dir,
            resume=not args.no_resume,
            articles_file=not args.no_articles_file,
        ),
    )
    summary = run(args.inputs, Path(args.out), config)
    for label, value in summary.rows():
        print(f"{label:>24}: {value}")
    for name, seconds in summary.stage_seconds.items():
        shuffle = summary.stage_shuffle_bytes.get(name, 0) / 1e6
        print(f"{name:>24}: {seconds:,.1f} s, shuffle {shuffle:,.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
