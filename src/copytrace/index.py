"""An incremental index of articles in one DuckDB file, queried by fingerprints.

``Index.add`` cleans articles, fingerprints their content with the scan's own
fingerprints (:func:`copytrace.fingerprint.fingerprint_texts`, same n-gram size
and winnowing window, so a query and a scan agree on what is shared) and stores
both in a DuckDB file. ``Index.query`` fingerprints one article, looks its
hashes up, ranks indexed articles by how many rare fingerprints they share,
aligns the best of them and ranks them by reused words; the ones returned
carry what :func:`copytrace.compare.compare` says about the pair.

Layout of the file (schema version :data:`SCHEMA_VERSION`):

* ``meta(key, value)``: schema version and the fingerprint parameters the index
  was built with (later adds and queries use the stored ones).
* ``articles(doc, id, source, title, published, dateline, url, path, is_html,
  text, content, fingerprints)``: one row per article, ``id`` the primary key,
  ``doc`` a small integer key (the fingerprint tables use it instead of the
  id), ``text`` the original text and ``content`` its cleaned spans.
* ``fingerprints(hash, doc)``: the *sorted* run: ordered by hash, so each row
  group covers a narrow range of hashes and DuckDB's zone maps skip every row
  group that holds none of a query's hashes.
* ``fingerprints_tail(hash, doc)``: recent additions, appended batch by batch
  and scanned in full by queries. When the tail outgrows
  :data:`TAIL_MAX_ROWS`, ``add`` merges it into the sorted run
  (:meth:`Index.compact`).

Each batch of ``add`` is one transaction: an interrupted batch is entirely in
the index or not at all. DuckDB allows one writing process per file; a second
one gets :class:`IndexLockedError`.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import multiprocessing
import os
import re
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from copytrace.align import PRESETS, align
from copytrace.candidates import MIN_SHARED, hub_enough
from copytrace.cluster import published_ranks
from copytrace.compare import ensure_clean, pair_result
from copytrace.errors import InputError
from copytrace.fingerprint import FingerprintParams, content_text, fingerprint_texts
from copytrace.model import Article, PairResult, Passage
from copytrace.stages import StageFailure, failure_reason

log = logging.getLogger(__name__)

__all__ = [
    "AddSummary",
    "Index",
    "IndexLockedError",
    "IndexStats",
    "Match",
]

SCHEMA_VERSION = 1
# Rows per DuckDB row group (the unit zone maps skip). Measured on 30M sorted
# random hashes (2 cores): a 110-hash lookup took 0.09-0.37 s with DuckDB's
# default 122,880 rows, 0.05-0.06 s with 16,384 and no better with 4,096,
# whose extra row-group metadata made the file larger.
ROW_GROUP_SIZE = 16_384
# The unsorted tail is scanned in full by every query; past this many rows
# (about 36k articles of 500 words) ``add`` merges it into the sorted run.
# A full scan of 4M hashes costs about 40 ms on 2 cores.
TAIL_MAX_ROWS = 4_000_000
# Document-frequency limit of a query: a fingerprint found in more indexed
# articles than this is a stock phrase and does not count. Unlike the scan
# (candidates.MAX_DF = 100, which bounds all-pairs work), one query costs only
# the rows it reads, so a wire story reprinted by hundreds of outlets is still
# found; phrases in more than QUERY_MAX_DF_FRACTION of the index are dropped,
# but never below QUERY_MIN_DF_LIMIT articles.
QUERY_MAX_DF = 1000
QUERY_MAX_DF_FRACTION = 0.01
QUERY_MIN_DF_LIMIT = 20
# A fingerprint over the limit counts for its hub only, the earliest indexed
# article holding it, and only where the hub shares HUB_MIN_SHARE of the smaller
# article's text (as the scan's hub pairs, candidates.hub_pairs): a story in
# more articles than the limit is answered by its earliest copy. Fingerprints in
# more articles than this do not count at all (their hub is not worked out).
QUERY_HUB_MAX_DF = 10 * QUERY_MAX_DF
# An indexed article is a candidate when it shares at least this many counted
# fingerprints with the query: the scan's candidates.MIN_SHARED, so a query
# finds what a scan pairs (a quoted 15-word sentence shares 2-3). The sweep in
# bench/bench_index.py (docs/bench-index.md) measures 1, 2 and 3 on the
# generated corpus.
QUERY_MIN_SHARED = MIN_SHARED
# Candidates aligned beyond ``limit``: the fingerprint ranking is close to the
# reused-words ranking but not equal (paraphrase adds words, chrome-free
# fingerprints miss a few), so a few more than asked for are aligned.
ALIGN_SLACK = 5
# ``sources_only`` drops the query's later copies after aligning: while fewer than
# ``limit`` are kept and the candidates ran out of room, twice as many are
# aligned, up to this many (a wire story queried with thousands of reprints
# indexed stops here: ~1 ms of aligning a candidate).
SOURCES_ONLY_MAX_ALIGNED = 2_000
# A read-only handle opened with ``memory=True`` (the web server's are) holds
# both fingerprint tables in memory, sorted by hash, 12 bytes a row: a lookup is
# then two binary searches instead of DuckDB reading a row group per query hash
# (100k-article index, 10M rows: 20 ms -> 0.1 ms of CPU a query, 122 MB per
# process, 0.8 s to load), and the doc -> id map with them (100k ids: 27 ms,
# about 10 MB). Indexes with more fingerprint rows than this are read from disk.
MEMORY_MAX_ROWS = 40_000_000
DEFAULT_BATCH_SIZE = 10_000
# Worker processes are started only for batches at least this big (starting
# one costs about a second of imports), and get sub-batches of at most
# PARALLEL_CHUNK articles so that the slowest worker finishes soon after the rest.
PARALLEL_MIN_BATCH = 200
PARALLEL_CHUNK = 500

_LOCK_RE = re.compile(r"\(PID (\d+)\)")
_SPAN_TYPE = pa.list_(pa.struct([("start", pa.int32()), ("end", pa.int32())]))
_ARTICLE_COLUMNS = (
    "doc",
    "id",
    "source",
    "title",
    "published",
    "dateline",
    "url",
    "path",
    "is_html",
    "text",
    "content",
    "fingerprints",
)
_SCHEMA_SQL = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    """CREATE TABLE IF NOT EXISTS articles (
        doc UINTEGER NOT NULL,
        id VARCHAR PRIMARY KEY,
        source VARCHAR,
        title VARCHAR,
        published VARCHAR,
        dateline VARCHAR,
        url VARCHAR,
        path VARCHAR,
        is_html BOOLEAN NOT NULL,
        text VARCHAR NOT NULL,
        content STRUCT("start" INTEGER, "end" INTEGER)[] NOT NULL,
        fingerprints INTEGER NOT NULL
    )""",
    "CREATE TABLE IF NOT EXISTS fingerprints (hash UBIGINT NOT NULL, doc UINTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS fingerprints_tail (hash UBIGINT NOT NULL, doc UINTEGER NOT NULL)",
)
_FP_TABLES = ("fingerprints", "fingerprints_tail")

U64 = npt.NDArray[np.uint64]


def _create_file(path: Path, paraphrase: bool = False) -> None:
    """A new index file with its schema, made beside ``path`` and renamed onto it:
    a run killed while creating it leaves no file, never one without tables."""
    tmp = path.with_name(path.name + ".new")
    for f in (tmp, tmp.with_name(tmp.name + ".wal")):
        f.unlink(missing_ok=True)
    duckdb.connect(str(tmp)).close()  # (an existing file: Index fills in its schema)
    with Index(tmp, paraphrase=paraphrase):
        pass
    tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)  # (checkpointed on close)
    os.replace(tmp, path)


class IndexLockedError(Exception):
    """Another process (or another writer in this one) holds the index file.

    ``str()`` is one line: ``"<path>: index DB is locked by another process (PID n)"``.
    """


@dataclass(frozen=True, slots=True)
class Match:
    """One indexed article the query article shares text with.

    Attributes:
        article: the indexed article, cleaned, with its text.
        result: ``compare(query, article)``: ``a`` is the query, ``b`` the indexed one.
        score: reused words (sum of the passages' ``words``).
        shared: fingerprints the two share (the first-stage ranking).
    """

    article: Article
    result: PairResult
    score: float
    shared: int = 0


@dataclass(frozen=True, slots=True)
class AddSummary:
    """What one :meth:`Index.add` call did.

    Attributes:
        articles: articles written (new ones and replacements).
        replaced: of those, ids that were already in the index (old version removed).
        empty: of those, articles with no fingerprints (too short after cleaning).
        fingerprints: fingerprint rows written.
        batches: transactions committed.
        seconds: wall time, compaction included.
        compacted: whether the tail was merged into the sorted run at the end.
        failures: articles the cleaner failed on (indexed with no fingerprints).
        skipped: articles not added because their id was in the index already
            (``skip_existing``).
    """

    articles: int = 0
    replaced: int = 0
    empty: int = 0
    fingerprints: int = 0
    batches: int = 0
    seconds: float = 0.0
    compacted: bool = False
    failures: list[StageFailure] = field(default_factory=list)
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Size of an index.

    Attributes:
        articles: indexed articles.
        fingerprints: fingerprint rows in the sorted run.
        tail_fingerprints: fingerprint rows in the unsorted tail.
        file_bytes: size of the DuckDB file (WAL included).
        params: fingerprint parameters of the index.
    """

    articles: int
    fingerprints: int
    tail_fingerprints: int
    file_bytes: int
    params: FingerprintParams = field(default_factory=FingerprintParams)


class Index:
    """A DuckDB file of cleaned articles and their fingerprints.

    Args:
        path: the index file (created with its schema unless ``read_only``).
        read_only: open for queries only; several read-only handles (also in
            other processes) may be open at once, but not while a writer is.
        paraphrase: a new index also keeps stem fingerprints, so that queries
            find reworded reuse (``FingerprintParams(stems=True)``); an
            existing one must have been made the same way (None: as it was).
        memory: (read-only only) hold the fingerprints in memory for faster
            queries when the index has at most :data:`MEMORY_MAX_ROWS` of them;
            handles on one file in one process share them. Loading costs
            about a second per 10M fingerprints, so it pays for a server, not
            for one query.

    Raises:
        IndexLockedError: another process is writing the file, or this
            process already has it open for writing.
        InputError: ``path`` is not a copytrace index (or, read-only, missing).
        ValueError: ``memory`` without ``read_only``.

    Example:
        >>> import tempfile, pathlib
        >>> db = pathlib.Path(tempfile.mkdtemp()) / "news.duckdb"
        >>> body = ("Tokyo hopes that cultivating closer security and economic ties with "
        ...         "Moscow will help it make progress on the territorial dispute, which has "
        ...         "prevented the two countries from signing a peace treaty since the war.")
        >>> with Index(db) as ix:
        ...     summary = ix.add([Article("nikkei-1", body, content=((0, len(body)),))])
        ...     query = Article("q", "Nikkei wrote: " + body, content=((0, 14 + len(body)),))
        ...     [(m.article.id, m.score) for m in ix.query(query)]
        [('nikkei-1', 34.0)]
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        memory: bool = False,
        paraphrase: bool | None = None,
    ) -> None:
        if memory and not read_only:
            raise ValueError("memory=True needs read_only=True (a writer changes the fingerprints)")
        self.path = Path(path)
        self.read_only = read_only
        self._n_articles: int | None = None
        self._postings: _Postings | None = None
        if self.path.is_dir():
            raise InputError(str(self.path), "is a directory, expected an index file")
        if read_only and not self.path.exists():
            raise InputError(str(self.path), "no such index file")
        if not read_only and not memory and not self.path.exists():
            _create_file(self.path, bool(paraphrase))
        self._con = duckdb.connect(":memory:")
        try:
            self._attach()
            if read_only:
                self._check_schema()
            else:
                self._create_schema(bool(paraphrase))
            self.params = self._load_params()
            if paraphrase is not None and paraphrase != self.params.stems:
                made = "with" if self.params.stems else "without"
                raise InputError(
                    str(self.path),
                    f"index made {made} --paraphrase; add to it the same way, or start a new one",
                )
            if memory:
                self._postings = _shared_postings(self)
        except BaseException:
            self._con.close()
            raise

    # ------------------------------------------------------------------ opening

    def _attach(self) -> None:
        quoted = str(self.path).replace("'", "''")
        options = "READ_ONLY" if self.read_only else f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}"
        try:
            try:
                self._con.execute(f"ATTACH '{quoted}' AS ix ({options})")
            except duckdb.Error as exc:
                if "row_group_size" not in str(exc).lower():
                    raise
                # DuckDB before 1.4 has no per-file row-group size: default row
                # groups, correct answers, slower lookups on big indexes.
                log.warning("this DuckDB cannot set the row-group size: %s", exc)
                self._con.execute(f"ATTACH '{quoted}' AS ix")
        except duckdb.Error as exc:
            raise _translate_open_error(self.path, exc) from None
        self._con.execute("USE ix")
        if not self.read_only:
            tmp = str(self.path.with_name(self.path.name + ".tmp")).replace("'", "''")
            self._con.execute(f"SET temp_directory = '{tmp}'")

    def _create_schema(self, stems: bool = False) -> None:
        tables = self._tables()
        if tables and "meta" not in tables:
            raise InputError(str(self.path), "not a copytrace index (a DuckDB file without one)")
        self._con.execute("BEGIN")
        try:
            for sql in _SCHEMA_SQL:
                self._con.execute(sql)
            defaults = FingerprintParams()
            for key, value in (
                ("schema_version", str(SCHEMA_VERSION)),
                ("ngram", str(defaults.ngram)),
                ("window", str(defaults.window)),
                ("max_per_doc", str(defaults.max_per_doc)),
                ("stems", "1" if stems else "0"),
            ):
                self._con.execute(
                    "INSERT INTO meta VALUES (?, ?) ON CONFLICT DO NOTHING", [key, value]
                )
            self._con.execute("COMMIT")
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._check_schema()

    def _tables(self) -> set[str]:
        rows = self._con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'ix'"
        ).fetchall()
        return {r[0] for r in rows}

    def _check_schema(self) -> None:
        tables = self._tables()
        missing = {"meta", "articles", *_FP_TABLES} - tables
        if missing:
            raise InputError(
                str(self.path),
                f"not a copytrace index (missing tables: {', '.join(sorted(missing))})",
            )
        version = self._scalar("SELECT value FROM meta WHERE key = 'schema_version'")
        if version != str(SCHEMA_VERSION):
            found = version if version is not None else "none"
            raise InputError(
                str(self.path),
                f"index schema version {found}, this copytrace reads version {SCHEMA_VERSION}; "
                "rebuild the index with copytrace index add",
            )

    def _load_params(self) -> FingerprintParams:
        meta = dict(self._con.execute("SELECT key, value FROM meta").fetchall())
        try:
            return FingerprintParams(
                ngram=int(meta["ngram"]),
                window=int(meta["window"]),
                max_per_doc=int(meta["max_per_doc"]),
                stems=meta.get("stems", "0") == "1",  # (files made before it: none)
            )
        except (KeyError, ValueError) as exc:
            raise InputError(str(self.path), f"bad fingerprint parameters in meta: {exc}") from None

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Close the file (committed batches stay; the lock is released)."""
        self._postings = None
        self._con.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __len__(self) -> int:
        if self._n_articles is not None:
            return self._n_articles
        n = int(self._scalar("SELECT count(*) FROM articles") or 0)
        # No process can write the file while a read-only handle is open, so a
        # read-only handle counts once (every query needs the count).
        if self.read_only:
            self._n_articles = n
        return n

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"Index({str(self.path)!r}, {mode})"

    # ------------------------------------------------------------------ adding

    def add(
        self,
        articles: Iterable[Article],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
        compact: bool | None = None,
        jobs: int = 1,
        skip_existing: bool = False,
    ) -> AddSummary:
        """Clean, fingerprint and store articles, one transaction per batch.

        Raw articles (empty ``content``) are cleaned first; an id already in the
        index is replaced (its old fingerprints are deleted in the same
        transaction); when an id repeats within ``articles``, the last one wins.

        Args:
            articles: articles, raw or cleaned (any iterable; read lazily).
            batch_size: articles per transaction (bounds memory).
            progress: called with the number of articles written so far after
                each batch.
            compact: merge the tail into the sorted run at the end: ``None``
                (default) when it holds more than :data:`TAIL_MAX_ROWS` rows.
            jobs: processes that clean and fingerprint (the writing stays in
                this one); used when a batch has at least
                :data:`PARALLEL_MIN_BATCH` articles.
            skip_existing: leave out (before cleaning) articles whose id is in
                the index already, instead of replacing them: an interrupted add
                run again goes on where it stopped, a crawl that repeats pages
                adds only the new ones.

        Returns:
            An :class:`AddSummary`.

        Raises:
            PermissionError: the index was opened read-only.

        Example:
            >>> import tempfile, pathlib
            >>> ix = Index(pathlib.Path(tempfile.mkdtemp()) / "ix.duckdb")
            >>> text = "one two three four five six seven eight nine ten eleven twelve"
            >>> ix.add([Article("a", text, content=((0, len(text)),))]).articles
            1
            >>> ix.add([Article("a", text, content=((0, len(text)),))]).replaced
            1
            >>> len(ix)
            1
        """
        self._require_writable()
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        started = time.perf_counter()
        total = replaced = empty = rows = batches = 0
        failures: list[StageFailure] = []
        skipped = [0]
        if skip_existing:
            articles = self._not_indexed(articles, batch_size, skipped)
        for batch in self._prepared(articles, batch_size, jobs):
            failures += batch.failures
            n, r, e, f = self._write_batch(batch)
            total += n
            replaced += r
            empty += e
            rows += f
            batches += 1
            log.info(
                "index %s: batch %d committed (%d articles, %d fingerprints)",
                self.path,
                batches,
                n,
                f,
            )
            if progress is not None:
                progress(total)
        tail = self._count("fingerprints_tail")
        do_compact = tail > TAIL_MAX_ROWS if compact is None else compact and tail > 0
        if do_compact:
            self.compact()
        return AddSummary(
            articles=total,
            replaced=replaced,
            empty=empty,
            fingerprints=rows,
            batches=batches,
            seconds=time.perf_counter() - started,
            compacted=do_compact,
            failures=failures,
            skipped=skipped[0],
        )

    def _not_indexed(
        self, articles: Iterable[Article], batch_size: int, skipped: list[int]
    ) -> Iterator[Article]:
        """``articles`` but those whose id is in the index (counted in ``skipped[0]``),
        looked up a batch at a time as they are read."""
        for batch in _chunks(articles, batch_size):
            ids = pa.table({"id": pa.array([a.id for a in batch], pa.string())})
            self._con.register("probe_ids", ids)
            try:
                rows = self._con.execute(
                    "SELECT id FROM articles WHERE id IN (SELECT id FROM probe_ids)"
                ).fetchall()
            finally:
                self._con.unregister("probe_ids")
            have = {r[0] for r in rows}
            kept = [a for a in batch if a.id not in have]
            skipped[0] += len(batch) - len(kept)
            yield from kept

    def _prepared(
        self, articles: Iterable[Article], batch_size: int, jobs: int
    ) -> Iterator[_Prepared]:
        """Cleaned and fingerprinted batches, in order; in ``jobs`` worker processes."""
        batches = (_last_wins(b) for b in _chunks(articles, batch_size))
        first = next(batches, None)
        if first is None:
            return
        if jobs <= 1 or len(first) < PARALLEL_MIN_BATCH:
            yield prepare_batch(first, self.params)
            for batch in batches:
                yield prepare_batch(batch, self.params)
            return
        # Workers are spawned, not forked: this process holds DuckDB's threads.
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
        pending: deque[list[Future[_Prepared]]] = deque()
        try:
            for batch in itertools.chain([first], batches):
                step = max(1, min(PARALLEL_CHUNK, math.ceil(len(batch) / jobs)))
                pending.append(
                    [
                        pool.submit(prepare_batch, batch[i : i + step], self.params)
                        for i in range(0, len(batch), step)
                    ]
                )
                if len(pending) > 1:  # the next batch is prepared while this one is written
                    yield _concat([f.result() for f in pending.popleft()])
            while pending:
                yield _concat([f.result() for f in pending.popleft()])
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _write_batch(self, batch: _Prepared) -> tuple[int, int, int, int]:
        """Write one prepared batch in one transaction: (articles, replaced, empty, rows)."""
        arts, row, hashes = batch.articles, batch.row, batch.hashes
        counts = np.bincount(row, minlength=len(arts))
        ids = pa.table({"id": pa.array([a.id for a in arts], pa.string())})
        con = self._con
        con.execute("BEGIN")
        try:
            con.register("batch_ids", ids)
            old = con.execute(
                "SELECT doc FROM articles WHERE id IN (SELECT id FROM batch_ids)"
            ).fetchnumpy()["doc"]
            con.unregister("batch_ids")
            if len(old):
                old_docs = pa.table({"doc": pa.array(np.asarray(old), pa.uint32())})
                con.register("old_docs", old_docs)
                for table in (*_FP_TABLES, "articles"):
                    con.execute(f"DELETE FROM {table} WHERE doc IN (SELECT doc FROM old_docs)")
                con.unregister("old_docs")
            first = self._next_doc()
            docs = np.arange(first, first + len(arts), dtype=np.uint32)
            con.register("new_articles", _articles_table(arts, docs, counts))
            cols = ", ".join(_ARTICLE_COLUMNS)
            con.execute(f"INSERT INTO articles ({cols}) SELECT {cols} FROM new_articles")
            con.unregister("new_articles")
            order = np.argsort(hashes, kind="stable")
            new_fp = pa.table(
                {
                    "hash": pa.array(hashes[order], pa.uint64()),
                    "doc": pa.array(docs[row[order]], pa.uint32()),
                }
            )
            con.register("new_fp", new_fp)
            con.execute("INSERT INTO fingerprints_tail SELECT hash, doc FROM new_fp")
            con.unregister("new_fp")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        return len(arts), len(old), int((counts == 0).sum()), len(hashes)

    def remove(self, ids: Iterable[str]) -> list[str]:
        """Remove the articles with these ids and their fingerprints, in one transaction.

        Ids not in the index are ignored (removing twice is harmless). Queries
        stop finding a removed article at once. DuckDB reuses the freed blocks
        for later adds; the file itself does not shrink.

        Args:
            ids: the ids to remove (repeats are fine).

        Returns:
            The ids that were in the index and are now removed, in first-given order.

        Raises:
            PermissionError: the index was opened read-only.

        Example:
            >>> import tempfile, pathlib
            >>> ix = Index(pathlib.Path(tempfile.mkdtemp()) / "ix.duckdb")
            >>> _ = ix.add([Article("a", "Body text.", content=((0, 10),))])
            >>> ix.remove(["a", "nope"]), len(ix)
            (['a'], 0)
        """
        self._require_writable()
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        con = self._con
        con.execute("BEGIN")
        try:
            con.register("remove_ids", pa.table({"id": pa.array(wanted, pa.string())}))
            found = con.execute(
                "SELECT id, doc FROM articles WHERE id IN (SELECT id FROM remove_ids)"
            ).fetchall()
            con.unregister("remove_ids")
            if found:
                docs = pa.table({"doc": pa.array([doc for _, doc in found], pa.uint32())})
                con.register("remove_docs", docs)
                for table in (*_FP_TABLES, "articles"):
                    con.execute(f"DELETE FROM {table} WHERE doc IN (SELECT doc FROM remove_docs)")
                con.unregister("remove_docs")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        gone = {article_id for article_id, _ in found}
        log.info("index %s: removed %d of %d ids", self.path, len(gone), len(wanted))
        return [article_id for article_id in wanted if article_id in gone]

    def _next_doc(self) -> int:
        return int(self._scalar("SELECT coalesce(max(doc) + 1, 0) FROM articles") or 0)

    def compact(self) -> None:
        """Merge the tail into the sorted run (one transaction), then checkpoint.

        Queries read the sorted run through zone maps and the tail in full, so
        a long tail slows them down; ``add`` calls this on its own when the
        tail outgrows :data:`TAIL_MAX_ROWS`. It rewrites every fingerprint
        (about 30 s per 100M rows on 2 cores).
        """
        self._require_writable()
        started = time.perf_counter()
        con = self._con
        con.execute("BEGIN")
        try:
            con.execute(
                "CREATE TABLE fingerprints_sorted AS SELECT hash, doc FROM "
                "(SELECT hash, doc FROM fingerprints UNION ALL "
                "SELECT hash, doc FROM fingerprints_tail) ORDER BY hash, doc"
            )
            con.execute("DROP TABLE fingerprints")
            con.execute("ALTER TABLE fingerprints_sorted RENAME TO fingerprints")
            con.execute("DELETE FROM fingerprints_tail")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        con.execute("CHECKPOINT")
        log.info("index %s compacted in %.1f s", self.path, time.perf_counter() - started)

    # ------------------------------------------------------------------ reading

    def get(self, article_id: str) -> Article | None:
        """The indexed article with this id (cleaned, with its text), or None.

        Example:
            >>> import tempfile, pathlib
            >>> ix = Index(pathlib.Path(tempfile.mkdtemp()) / "ix.duckdb")
            >>> _ = ix.add([Article("a", "Body text.", content=((0, 10),), source="TASS")])
            >>> ix.get("a").source, ix.get("nope")
            ('TASS', None)
        """
        rows = self._fetch_articles("id = ?", [article_id])
        return rows[0][1] if rows else None

    def stats(self) -> IndexStats:
        """Article and fingerprint counts and the file size.

        Example:
            >>> import tempfile, pathlib
            >>> Index(pathlib.Path(tempfile.mkdtemp()) / "ix.duckdb").stats().articles
            0
        """
        size = sum(
            p.stat().st_size
            for p in (self.path, self.path.with_name(self.path.name + ".wal"))
            if p.exists()
        )
        return IndexStats(
            articles=len(self),
            fingerprints=self._count("fingerprints"),
            tail_fingerprints=self._count("fingerprints_tail"),
            file_bytes=size,
            params=self.params,
        )

    def query(
        self,
        article: Article,
        *,
        limit: int = 10,
        min_shared: int | None = None,
        same_source: bool = False,
        sources_only: bool = False,
    ) -> list[Match]:
        """Indexed articles that ``article`` shares text with, most reused words first.

        The article is cleaned (unless it has ``content``) and fingerprinted;
        indexed articles sharing at least :data:`QUERY_MIN_SHARED` fingerprints
        that are not stock phrases (document-frequency limit, see
        :func:`query_df_limit`) are ranked by how many they share; the best
        ``limit + ALIGN_SLACK`` are aligned and those with passages are
        returned, ranked by reused words, each with the
        :func:`copytrace.compare.compare` result of the pair (direction and
        attribution are worked out only for the ones returned). An
        indexed article with the query's own id is left out, and so are those
        of the query's own source unless ``same_source`` (as ``scan`` skips
        reuse within a source: two pages of one site share its chrome).

        Args:
            article: the article to look up, raw or cleaned.
            limit: the most matches to return.
            min_shared: fingerprints a candidate must share (default
                :data:`QUERY_MIN_SHARED`).
            same_source: also match indexed articles of the query's source
                (a query without a source is matched with every source anyway).
            sources_only: leave out the indexed articles found to copy the query
                (its direction makes the query the source): what the query may
                have copied from, undecided pairs included. While fewer than
                ``limit`` are left, twice as many candidates are aligned, up to
                :data:`SOURCES_ONLY_MAX_ALIGNED`.

        Returns:
            Up to ``limit`` :class:`Match` objects, best first.

        Example:
            >>> import tempfile, pathlib
            >>> ix = Index(pathlib.Path(tempfile.mkdtemp()) / "ix.duckdb")
            >>> ix.query(Article("q", "Nothing is indexed yet, so nothing matches here."))
            []
        """
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        query = ensure_clean(article)
        # (with sources_only the query's later copies take places: twice as many aligned)
        wanted = limit * (2 if sources_only else 1) + ALIGN_SLACK + 1
        aligned: dict[int, tuple[float, int, Article, list[Passage]]] = {}
        results: dict[int, PairResult] = {}
        tried: set[int] = set()
        while True:
            ranked = self.candidates(
                query, limit=wanted, min_shared=min_shared, same_source=same_source
            )
            self._align_new(query, ranked, tried, aligned)
            matches: list[Match] = []
            # Attribute only the ones returned: attribution leaves the passages'
            # words (the score) as they are, so the answer is what compare() on
            # each candidate would give.
            for doc, (score, shared, indexed, passages) in sorted(
                aligned.items(), key=lambda m: (-m[1][0], -m[1][1], m[1][2].id)
            ):
                if doc not in results:
                    results[doc] = pair_result(query, indexed, passages)
                if sources_only and results[doc].direction.source == "a":
                    continue  # (the indexed article copies the query)
                matches.append(Match(indexed, results[doc], score, shared))
                if len(matches) == limit:
                    break
            full = len(ranked) == wanted
            if (
                not sources_only
                or len(matches) == limit
                or not full
                or wanted >= SOURCES_ONLY_MAX_ALIGNED
            ):
                return matches
            wanted = min(2 * wanted, SOURCES_ONLY_MAX_ALIGNED)

    def _align_new(
        self,
        query: Article,
        ranked: Sequence[tuple[int, int]],
        tried: set[int],
        aligned: dict[int, tuple[float, int, Article, list[Passage]]],
    ) -> None:
        """Align the query with each ranked candidate not in ``tried`` (then added),
        keeping those with passages in ``aligned`` by doc."""
        new = [doc for doc, _ in ranked if doc not in tried]
        fetched = dict(self._fetch_articles_by_doc(new)) if new else {}
        shared_of = dict(ranked)
        for doc in new:
            tried.add(doc)
            indexed = fetched.get(doc)
            if indexed is None or indexed.id == query.id:
                continue
            indexed = ensure_clean(indexed)
            passages = align(query, indexed, PRESETS["news"])
            if passages:
                score = float(sum(p.words for p in passages))
                aligned[doc] = (score, shared_of[doc], indexed, passages)

    def query_id(
        self,
        article_id: str,
        *,
        limit: int = 10,
        min_shared: int | None = None,
        same_source: bool = False,
        sources_only: bool = False,
    ) -> list[Match]:
        """:meth:`query` with the indexed article ``article_id`` as the query: the other
        indexed articles it shares text with (those it copies and those copying it;
        each match's direction says which).

        Raises:
            KeyError: no indexed article has this id.

        Example:
            >>> import tempfile, pathlib
            >>> ix = Index(pathlib.Path(tempfile.mkdtemp()) / "ix.duckdb")
            >>> body = "The harbour council approved the new ferry plan on Monday night. " * 3
            >>> _ = ix.add([Article("wire", body, source="Wire"),
            ...             Article("daily", "Daily wrote: " + body, source="Daily")])
            >>> [m.article.id for m in ix.query_id("daily")]
            ['wire']
        """
        article = self.get(article_id)
        if article is None:
            raise KeyError(article_id)
        return self.query(
            article,
            limit=limit,
            min_shared=min_shared,
            same_source=same_source,
            sources_only=sources_only,
        )

    def candidates(
        self,
        article: Article,
        *,
        limit: int = 100,
        min_shared: int | None = None,
        same_source: bool = False,
    ) -> list[tuple[int, int]]:
        """First stage of :meth:`query`: ``(doc, shared)`` of the best candidates.

        ``doc`` is the integer key of an indexed article (not its id) and
        ``shared`` the number of counted fingerprints it shares with
        ``article`` (which must already be cleaned). Sorted by ``shared``
        descending, then ``doc``. Articles of ``article.source`` are left out
        unless ``same_source`` (a hash's hub is then its earliest article of
        another source).

        Example:
            >>> import tempfile, pathlib
            >>> ix = Index(pathlib.Path(tempfile.mkdtemp()) / "ix.duckdb")
            >>> ix.candidates(Article("q", "no index", content=((0, 8),)))
            []
        """
        hashes = np.unique(fingerprint_texts([content_text(article)], self.params).hash)
        if len(hashes) == 0:
            return []
        hit_hash, hit_doc = self._lookup(hashes)
        if len(hit_hash) == 0:
            return []
        max_df = query_df_limit(len(self))
        _, inverse, df = np.unique(hit_hash, return_inverse=True, return_counts=True)
        counted = df[inverse] <= max_df
        docs, shared = np.unique(hit_doc[counted].astype(np.int64), return_counts=True)
        needed = QUERY_MIN_SHARED if min_shared is None else max(1, min_shared)
        keep = shared >= needed
        other = None if same_source or not article.source else article.source
        over = ~counted & (df[inverse] <= QUERY_HUB_MAX_DF)
        if over.any():
            log.debug("query %s: %d fingerprints over df %d", article.id, int(over.sum()), max_df)
            hubs = self._hubs(inverse[over], hit_doc[over], other)
            docs, shared, keep = self._with_hubs(docs, shared, keep, hubs, len(hashes), needed)
        docs, shared = docs[keep], shared[keep]
        if other is not None and len(docs):
            theirs = ~self._of_source(docs, other)
            docs, shared = docs[theirs], shared[theirs]
        order = np.lexsort((docs, -shared))[:limit]
        return [(int(docs[i]), int(shared[i])) for i in order]

    def _hubs(
        self, group: npt.NDArray[np.intp], doc: npt.NDArray[np.uint32], other: str | None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The hub of each hash (rows ``group``, ``doc``): its earliest article by
        ``published`` (unknown last), then id, of a source other than ``other``
        (None: any). Returns the hub docs, how many hashes each is the hub of,
        and each one's fingerprints."""
        docs = np.unique(doc).astype(np.int64)
        values = ",".join(str(int(d)) for d in docs)
        where, params = f"doc IN ({values})", []
        if other is not None:
            where, params = where + " AND source IS DISTINCT FROM ?", [other]
        rows = self._con.execute(
            f"SELECT doc, published, id, fingerprints FROM articles WHERE {where} ORDER BY doc",
            params,
        ).fetchall()
        if not rows:
            empty = np.empty(0, np.int64)
            return empty, empty, empty
        rank = published_ranks([r[1] for r in rows], [r[2] for r in rows])
        known = np.array([r[0] for r in rows], dtype=np.int64)
        at = np.searchsorted(known, doc)
        ok = (at < len(known)) & (known[np.minimum(at, len(known) - 1)] == doc)
        group, at = group[ok], at[ok]
        order = np.lexsort((rank[at], group))
        first = np.ones(len(order), dtype=bool)
        first[1:] = group[order][1:] != group[order][:-1]
        hub_rows, counts = np.unique(at[order][first], return_counts=True)
        own = np.array([r[3] for r in rows], dtype=np.int64)
        return known[hub_rows], counts, own[hub_rows]

    def _with_hubs(
        self,
        docs: npt.NDArray[np.int64],
        shared: npt.NDArray[np.int64],
        keep: npt.NDArray[np.bool_],
        hubs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]],
        query_fingerprints: int,
        needed: int,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """``docs`` (counted ``shared``, kept ``keep``) and the hubs (of :meth:`_hubs`)
        as one set: a hub is kept when all it shares is enough (``hub_enough``)."""
        hub_docs, hub_shared, hub_fingerprints = hubs
        both = np.union1d(docs, hub_docs)
        total = np.zeros(len(both), dtype=np.int64)
        total[np.searchsorted(both, docs)] = shared
        kept = np.zeros(len(both), dtype=bool)
        kept[np.searchsorted(both, docs)] = keep
        at = np.searchsorted(both, hub_docs)
        total[at] += hub_shared
        smaller = np.minimum(query_fingerprints, hub_fingerprints)
        kept[at] |= hub_enough(total[at], smaller, needed)
        return both, total, kept

    def _of_source(self, docs: npt.NDArray[np.int64], source: str) -> npt.NDArray[np.bool_]:
        """Which of ``docs`` are articles of ``source``."""
        if self._postings is not None:
            of = self._postings.doc_sources
            return np.array([of.get(int(d)) == source for d in docs], dtype=bool)
        values = ",".join(str(int(d)) for d in docs)
        rows = self._con.execute(
            f"SELECT doc FROM articles WHERE doc IN ({values}) AND source = ?", [source]
        ).fetchall()
        return np.isin(docs, np.array([r[0] for r in rows], dtype=np.int64))

    def _lookup(self, hashes: U64) -> tuple[U64, npt.NDArray[np.uint32]]:
        """Every ``(hash, doc)`` row of both fingerprint tables whose hash is in ``hashes``."""
        if self._postings is not None:
            return self._postings.lookup(hashes)
        # A literal IN list (not a join) is what DuckDB checks against each row
        # group's min/max, so the sorted run is read only where the hashes are.
        values = ",".join(str(int(h)) for h in hashes)
        sql = " UNION ALL ".join(
            f"SELECT hash, doc FROM {t} WHERE hash IN ({values})" for t in _FP_TABLES
        )
        res = self._con.execute(sql).fetchnumpy()
        return (
            np.asarray(res["hash"], dtype=np.uint64),
            np.asarray(res["doc"], dtype=np.uint32),
        )

    def _fetch_articles_by_doc(self, docs: list[int]) -> list[tuple[int, Article]]:
        """The articles with these ``doc`` keys, fetched by id.

        ``doc IN (...)`` over the wide table made DuckDB read every row group's
        text (~300 ms per query at 100k articles). Instead the narrow ``doc``
        and ``id`` columns map docs to ids (zone maps: ``doc`` grows with the
        row order), and the rows are read through the primary-key index on
        ``id`` (a few ms whatever the index size).
        """
        if not docs:
            return []
        if self._postings is not None:  # held in memory with the fingerprints
            id_of = self._postings.doc_ids
            ids = [id_of[d] for d in docs if d in id_of]
        else:
            values = ",".join(str(int(d)) for d in docs)
            ids = [
                r[0]
                for r in self._con.execute(
                    f"SELECT id FROM articles WHERE doc IN ({values})"
                ).fetchall()
            ]
        if not ids:
            return []
        return self._fetch_articles(f"id IN ({','.join('?' * len(ids))})", ids)

    def _fetch_articles(self, where: str, params: list[Any]) -> list[tuple[int, Article]]:
        cols = ", ".join(c for c in _ARTICLE_COLUMNS if c != "fingerprints")
        rows = self._con.execute(f"SELECT {cols} FROM articles WHERE {where}", params).fetchall()
        out = []
        for doc, aid, source, title, published, dateline, url, path, is_html, text, content in rows:
            spans = tuple((int(s["start"]), int(s["end"])) for s in content)
            out.append(
                (
                    int(doc),
                    Article(
                        id=aid,
                        text=text,
                        content=spans,
                        title=title,
                        published=published,
                        source=source,
                        dateline=dateline,
                        url=url,
                        path=path,
                        is_html=bool(is_html),
                    ),
                )
            )
        return out

    def ids(self) -> Iterator[str]:
        """Every indexed id, in the order they were (last) added."""
        cur = self._con.cursor()  # a cursor of its own: other calls may run meanwhile
        cur.execute("SELECT id FROM ix.articles ORDER BY doc")
        while chunk := cur.fetchmany(10_000):
            for (aid,) in chunk:
                yield aid

    def _count(self, table: str) -> int:
        return int(self._scalar(f"SELECT count(*) FROM {table}") or 0)

    def _scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        """The first column of the first row of ``sql`` (None without rows)."""
        rows = self._con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def _require_writable(self) -> None:
        if self.read_only:
            raise PermissionError(f"{self.path}: index opened read-only")


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class _Postings:
    """Both fingerprint tables of a read-only index, in memory, sorted by hash.

    ``doc_ids`` maps each article's ``doc`` key to its id (saves a DuckDB
    query of 2-3 ms when fetching a query's candidates), ``doc_sources`` to its
    source (the articles with one).
    """

    hashes: U64
    docs: npt.NDArray[np.uint32]
    doc_ids: dict[int, str]
    doc_sources: dict[int, str]

    def lookup(self, query: U64) -> tuple[U64, npt.NDArray[np.uint32]]:
        """Every ``(hash, doc)`` row whose hash is in ``query``."""
        lo = np.searchsorted(self.hashes, query, side="left")
        hi = np.searchsorted(self.hashes, query, side="right")
        counts = hi - lo
        total = int(counts.sum())
        if total == 0:
            return np.empty(0, np.uint64), np.empty(0, np.uint32)
        # positions lo[i] .. hi[i]-1 of every query hash, concatenated
        starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
        rows = np.arange(total) + starts
        return self.hashes[rows], self.docs[rows]


# Postings per file version (path, sizes and times of the file and its WAL):
# handles on one file share them. While a read-only handle is open no process
# can write the file, so a version seen by a live handle cannot change.
_POSTINGS: weakref.WeakValueDictionary[tuple[Any, ...], _Postings] = weakref.WeakValueDictionary()
_POSTINGS_LOCK = threading.Lock()


def _shared_postings(index: Index) -> _Postings | None:
    """The fingerprints of a read-only ``index`` in memory, or None when too many."""
    wal = index.path.with_name(index.path.name + ".wal")
    key: tuple[Any, ...] = (str(index.path.resolve()),)
    for f in (index.path, wal):
        st = f.stat() if f.exists() else None
        key += (st.st_size, st.st_mtime_ns) if st else (None, None)
    with _POSTINGS_LOCK:
        found = _POSTINGS.get(key)
        if found is not None:
            return found
        rows = sum(index._count(t) for t in _FP_TABLES)
        if rows > MEMORY_MAX_ROWS:
            log.info(
                "index %s: %d fingerprints, more than %d: looked up on disk",
                index.path,
                rows,
                MEMORY_MAX_ROWS,
            )
            return None
        started = time.perf_counter()
        postings = _load_postings(index.path)
        hashes = postings.hashes
        _POSTINGS[key] = postings
        log.info(
            "index %s: %d fingerprints held in memory (%.0f MB, %.1f s)",
            index.path,
            len(hashes),
            (hashes.nbytes + postings.docs.nbytes) / 2**20,
            time.perf_counter() - started,
        )
        return postings


def _load_postings(path: Path) -> _Postings:
    """Read both fingerprint tables and the doc -> id map of the file at ``path``.

    Through a connection of its own, closed at the end: the blocks DuckDB
    caches while reading every fingerprint (~100 MB at 10M rows) go with it.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")  # it drew on a server's stderr
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS ix (READ_ONLY)")
        parts = []
        for table in _FP_TABLES:
            res = con.execute(f"SELECT hash, doc FROM ix.{table}").fetchnumpy()
            h = np.asarray(res["hash"], dtype=np.uint64)
            if len(h):
                parts.append((h, np.asarray(res["doc"], dtype=np.uint32)))
        ids = con.execute("SELECT doc, id, source FROM ix.articles").fetchnumpy()
    finally:
        con.close()
    if not parts:
        hashes, docs = np.empty(0, np.uint64), np.empty(0, np.uint32)
    elif len(parts) == 1:
        hashes, docs = parts[0]
    else:
        hashes = np.concatenate([h for h, _ in parts])
        docs = np.concatenate([d for _, d in parts])
    if len(hashes) > 1 and not bool((hashes[1:] >= hashes[:-1]).all()):
        order = np.argsort(hashes, kind="stable")  # a tail, or rows read out of order
        hashes, docs = hashes[order], docs[order]
    doc_list = ids["doc"].tolist()
    doc_ids = dict(zip(doc_list, ids["id"].tolist(), strict=True))
    doc_sources = {d: src for d, src in zip(doc_list, ids["source"].tolist(), strict=True) if src}
    return _Postings(hashes, docs, doc_ids, doc_sources)


def query_df_limit(n_articles: int) -> int:
    """The document frequency above which a fingerprint is ignored by a query.

    Example:
        >>> query_df_limit(100), query_df_limit(10_000), query_df_limit(1_000_000)
        (20, 100, 1000)
    """
    relative = max(QUERY_MIN_DF_LIMIT, math.floor(QUERY_MAX_DF_FRACTION * n_articles))
    return min(QUERY_MAX_DF, relative)


def _distinct_per_doc(doc: npt.NDArray[np.int64], hashes: U64) -> tuple[npt.NDArray[np.int64], U64]:
    """Drop repeated ``(doc, hash)`` rows (a shingle that recurs in one article)."""
    if len(doc) == 0:
        return doc, hashes
    order = np.lexsort((hashes, doc))
    d, h = doc[order], hashes[order]
    keep = np.ones(len(d), dtype=bool)
    keep[1:] = (d[1:] != d[:-1]) | (h[1:] != h[:-1])
    return d[keep], h[keep]


def _articles_table(
    arts: list[Article], docs: npt.NDArray[np.uint32], counts: npt.NDArray[np.int64]
) -> pa.Table:
    def col(name: str) -> pa.Array:
        return pa.array([getattr(a, name) for a in arts], pa.string())

    return pa.table(
        {
            "doc": pa.array(docs, pa.uint32()),
            "id": col("id"),
            "source": col("source"),
            "title": col("title"),
            "published": col("published"),
            "dateline": col("dateline"),
            "url": col("url"),
            "path": col("path"),
            "is_html": pa.array([a.is_html for a in arts], pa.bool_()),
            "text": col("text"),
            "content": pa.array(
                [[{"start": s, "end": e} for s, e in a.content] for a in arts], _SPAN_TYPE
            ),
            "fingerprints": pa.array(counts, pa.int32()),
        }
    )


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A batch ready to write: cleaned articles and their distinct fingerprints.

    ``hashes[i]`` belongs to ``articles[row[i]]``.
    """

    articles: list[Article]
    row: npt.NDArray[np.int64]
    hashes: U64
    failures: list[StageFailure] = field(default_factory=list)


def prepare_batch(articles: list[Article], params: FingerprintParams) -> _Prepared:
    """Clean (when ``content`` is empty) and fingerprint a batch; runs in workers too.
    An article the cleaner fails on is indexed with no content (no fingerprints)
    and reported in ``failures``: one bad page does not end an add."""
    arts = []
    texts = []
    failures = []
    for a in articles:
        try:
            arts.append(ensure_clean(a))
            texts.append(content_text(arts[-1]))
        except Exception as exc:
            failures.append(StageFailure("clean", (a.id,), failure_reason("clean", exc)))
            arts.append(replace(a, content=()))
            texts.append("")
    fp = fingerprint_texts(texts, params)
    row, hashes = _distinct_per_doc(fp.doc.astype(np.int64), fp.hash)
    return _Prepared(arts, row, hashes, failures)


def _concat(parts: list[_Prepared]) -> _Prepared:
    if len(parts) == 1:
        return parts[0]
    offsets = np.cumsum([0] + [len(p.articles) for p in parts[:-1]])
    return _Prepared(
        [a for p in parts for a in p.articles],
        np.concatenate([p.row + off for p, off in zip(parts, offsets, strict=True)]),
        np.concatenate([p.hashes for p in parts]),
        [f for p in parts for f in p.failures],
    )


def _last_wins(batch: list[Article]) -> list[Article]:
    """Drop all but the last of repeated ids (the survivor keeps the last position)."""
    last: dict[str, Article] = {}
    for art in batch:
        last.pop(art.id, None)
        last[art.id] = art
    return list(last.values()) if len(last) < len(batch) else batch


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):  # already aborted by the error
        con.execute("ROLLBACK")


def _translate_open_error(path: Path, exc: duckdb.Error) -> Exception:
    """DuckDB's errors on ATTACH as an :class:`IndexLockedError` or :class:`InputError`."""
    message = str(exc)
    lowered = message.lower()
    if "lock" in lowered and ("conflicting" in lowered or "could not set" in lowered):
        pid = _LOCK_RE.search(message)
        who = f" (PID {pid.group(1)})" if pid else ""
        return IndexLockedError(f"{path}: index DB is locked by another process{who}")
    if "already attached" in lowered or "unique file handle" in lowered:
        return IndexLockedError(
            f"{path}: index DB is already open for writing in this process; close it first"
        )
    first_line = message.splitlines()[0] if message else type(exc).__name__
    return InputError(str(path), f"cannot open as a copytrace index: {first_line}")
