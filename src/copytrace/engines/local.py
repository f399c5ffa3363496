"""The local engine: the scan's stages in this process and a pool of workers.

Memory stays bounded by the batch size, not the corpus: articles stream from
the readers in batches into a spill folder (Arrow IPC files, memory-mapped by
every worker, so an article's text crosses no pipe; each process lets go of the
pages it read after each task); fingerprints go to
hash-partitioned files and are joined one partition at a time
(:class:`copytrace.candidates.PairCounter`); candidate pairs travel to the
workers as document numbers only.

Passes:
    1. read -> ``raw.arrow``; the pool counts the lines per source of each batch as
       soon as it is spilled (the workers start up while this process reads)
    2. -> the chrome of each source
    3. clean (with the learned chrome) + fingerprint, in the pool -> ``meta.arrow``
    4. candidates: the join over fingerprints
    5. align + attribute the candidate pairs, in the pool
    6. cluster, then write the outputs (atomically, rows sorted): report.html's
       side-by-side views in the pool, the rest in this process, all at once;
       articles.parquet is written from the spill's Arrow columns by a thread
       from the end of pass 3 on (beside the join and the align stage) and
       moved into place last

Crash safety: a scan holds an exclusive lock on ``DIR/.copytrace-scan.lock``
while it runs (a second scan into the same folder gets ``ScanLockedError``),
every output is replaced atomically, and a rerun after a kill first removes
what the killed run left behind (its spill folder, half-written temporary
outputs), then starts over: the outputs are byte-identical to an uninterrupted
run's.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import itertools
import json.encoder
import logging
import math
import mmap
import multiprocessing as mp
import operator
import os
import pickle
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from copytrace.align import PRESETS
from copytrace.candidates import CandidatePairs, PairCounter, df_limit
from copytrace.chrome import ChromeLearner
from copytrace.cluster import Cluster, clusters_of, published_ranks
from copytrace.engines import Progress, resume
from copytrace.errors import ScanLockedError, WorkerDiedError
from copytrace.fingerprint import content_text, fingerprint_texts
from copytrace.model import Article
from copytrace.scan import OUTPUT_FILES, ScanConfig, ScanSummary
from copytrace.stages import (
    CLEAN_SCHEMA,
    RAW_SCHEMA,
    PairRecord,
    PassageRecord,
    StageFailure,
    align_pair_guarded,
    articles_to_batch,
    batch_to_articles,
    clean_articles_guarded,
    line_hashes_batch,
    pair_order,
    passage_offsets,
    prepared_if_possible,
)
from copytrace.store import (
    ARTICLES_SCHEMA,
    PASSAGES_SCHEMA,
    atomic_path,
    json_line,
    move_file,
    remove_temporaries,
    write_jsonl,
    write_lines,
    write_parquet,
    write_text,
)

log = logging.getLogger(__name__)

# The metadata spill: CLEAN_SCHEMA without the text (that stays in raw.arrow).
META_SCHEMA = pa.schema([f for f in CLEAN_SCHEMA if f.name != "text"])
# Candidate pairs per task sent to an aligning worker: small enough to balance
# the load, big enough that the pipe costs nothing. A chunk holds whole groups of
# connected pairs (see _align_chunks), so its articles stay in the worker's caches.
ALIGN_CHUNK = 64
# A connected group of more pairs than ALIGN_CHUNK goes to a worker alone, in
# pieces of up to this many pairs (the largest group of the 10k generated corpus
# has 232 pairs; each piece prepares its articles once more).
ALIGN_GROUP_CHUNK = 256
# Fewer candidate pairs than ALIGN_CHUNK x TASKS_PER_JOB per worker go in smaller
# chunks (never under ALIGN_MIN_CHUNK pairs), so that a small corpus's pairs are
# aligned on every worker.
ALIGN_MIN_CHUNK = 4
# A corpus of fewer batches than TASKS_PER_JOB per worker (under ~2,000
# articles a worker) is cleaned in pieces of its batches, so that every worker
# has work: 181 real HTML pages (one batch) took 10.6 s on one of 2 cores. A piece
# holds at least CLEAN_MIN_PIECE articles (below that the task costs more than it
# spreads). Pieces change nothing but who cleans what: each page is cleaned alone.
TASKS_PER_JOB = 2
CLEAN_MIN_PIECE = 8
# Articles written per batch of articles.parquet.
WRITE_CHUNK = 10_000
# Side-by-side views of report.html per task (a few tasks per worker: they differ in cost).
VIEW_CHUNK = 25
# A worker's full garbage collection (see _collector_paused) comes once its tasks
# have left this many more objects alive since the last one (a page's cycles are
# among them: HTML parsers leave some), or after this many tasks. gen-100k's text
# pages: the collection every 50 tasks before found 85 objects in the first, none
# in the 8 after it (~75 ms each, ~1.3% of the workers' CPU).
UNFREEZE_GROWTH = 200_000
UNFREEZE_TASKS = 800
# Articles a worker keeps decoded (pairs sorted by their first article).
ARTICLE_CACHE = 512
LOCK_NAME = ".copytrace-scan.lock"
WORK_PREFIX = ".copytrace-work-"
_WORK_DIR = re.compile(re.escape(WORK_PREFIX) + r"(\d+)-")
_ARROW_MAGIC = b"ARROW1\x00\x00"


class _Timer:
    """Wall seconds and CPU seconds (this process plus the workers) per stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.stage: str | None = None

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        t0, c0 = time.perf_counter(), time.process_time()
        outer, self.stage = self.stage, stage
        try:
            yield
        finally:
            self.stage = outer
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t0
            self.add_cpu(time.process_time() - c0, stage)
            log.info("stage %s: %.2f s", stage, self.seconds[stage])

    def add_cpu(self, seconds: float, stage: str | None = None) -> None:
        """Count CPU seconds (a worker's) towards ``stage`` (default: the current one)."""
        name = stage or self.stage
        if name is not None:
            self.cpu[name] = self.cpu.get(name, 0.0) + seconds


def _report(progress: Progress | None, stage: str, done: int, total: int | None) -> None:
    if progress is not None:
        progress(stage, done, total)


# ----------------------------------------------------------------------------- spill access


class _MappedFile:
    """A file mapped read-only, whose pages this process can let go of.

    A page of a mapped file stays in the resident set of every process that read
    it until the mapping goes: at 1M articles each worker and the parent ended up
    holding most of the 3.3 GB ``raw.arrow`` (11.8 GB of file pages summed over
    the tree, beside 2.8 GB of anonymous memory). ``release`` drops this process's
    page table entries (``MADV_DONTNEED``; the page cache keeps the pages, and the
    next read of one maps it again: a minor fault).
    """

    def __init__(self, path: Path) -> None:
        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self.buffer = pa.py_buffer(self._map)

    def release(self) -> None:
        advice = getattr(mmap, "MADV_DONTNEED", None)  # (none on Windows)
        if advice is not None:
            self._map.madvise(advice)


class Spill:
    """Random access to the articles of a run's spill files by document number."""

    def __init__(self, work: Path) -> None:
        self._raw_file = _MappedFile(work / "raw.arrow")
        self._meta_file: _MappedFile | None = None
        self._raw = pa.ipc.open_file(self._raw_file.buffer)
        self._raw_batches = [self._raw.get_batch(i) for i in range(self._raw.num_record_batches)]
        self._raw_texts = [b.column("text") for b in self._raw_batches]
        sizes = [b.num_rows for b in self._raw_batches]
        self.offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=self.offsets[1:])
        self._starts = self.offsets.tolist()  # (bisect on a list: no numpy call a look-up)
        self._meta_path = work / "meta.arrow"
        self._meta_batches: list[pa.RecordBatch] | None = None
        # each meta batch's columns, read straight off their buffers (see _Columns)
        self._meta_columns: list[_Columns | None] | None = None
        # (made on first use: a worker reads the texts of a few batches at a time)
        self._text_columns: list[_StringColumn | None] = [None] * len(self._raw_texts)
        self.article = functools.lru_cache(maxsize=ARTICLE_CACHE)(self._article)

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def raw_batch(self, i: int) -> pa.RecordBatch:
        """Batch ``i`` of ``raw.arrow``."""
        return self._raw_batches[i]

    def release(self) -> None:
        """Let go of the spill's pages this process has read (see ``_MappedFile``);
        what it holds stays readable."""
        self._raw_file.release()
        if self._meta_file is not None:
            self._meta_file.release()

    def _locate(self, doc: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, doc) - 1
        return i, doc - self._starts[i]

    def meta_batches(self) -> list[pa.RecordBatch]:
        """The batches of ``meta.arrow`` (opened on first use: pass 3 writes it)."""
        if self._meta_batches is None:
            self._meta_file = _MappedFile(self._meta_path)
            reader = pa.ipc.open_file(self._meta_file.buffer)
            self._meta_batches = [reader.get_batch(k) for k in range(reader.num_record_batches)]
        return self._meta_batches

    def _article(self, doc: int) -> Article:
        i, j = self._locate(doc)
        if self._meta_columns is None:
            self._meta_columns = [None] * len(self.meta_batches())
        meta = self._meta_columns[i]
        if meta is None:  # (made on first use, as the texts)
            meta = self._meta_columns[i] = _Columns(self.meta_batches()[i])
        texts = self._text_columns[i]
        if texts is None:
            texts = self._text_columns[i] = _StringColumn(self._raw_texts[i])
        return Article(
            id=meta.id[j],  # type: ignore[arg-type]  # (never null)
            text=texts[j],  # type: ignore[arg-type]
            content=meta.content(j),
            title=meta.title[j],
            published=meta.published[j],
            source=meta.source[j],
            dateline=meta.dateline[j],
            url=meta.url[j],
            path=meta.path[j],
            is_html=meta.is_html[j],
        )


class _StringColumn:
    """A string column's values one by one, read off its offsets and data buffers
    (``arr[j].as_py()`` makes a scalar object first: ~4x the time)."""

    __slots__ = ("_data", "_offsets", "_valid")

    def __init__(self, arr: pa.Array) -> None:
        valid, offsets, data = arr.buffers()
        view = memoryview(offsets)
        wide = view.cast("q") if pa.types.is_large_string(arr.type) else view.cast("i")
        self._offsets = wide[arr.offset : arr.offset + len(arr) + 1]
        self._data = memoryview(data) if data is not None else memoryview(b"")
        # (None: no nulls)
        self._valid = arr.is_valid().to_pylist() if valid is not None and arr.null_count else None

    def __getitem__(self, j: int) -> str | None:
        if self._valid is not None and not self._valid[j]:
            return None
        return str(self._data[self._offsets[j] : self._offsets[j + 1]], "utf-8")


class _Columns:
    """One ``meta.arrow`` batch's columns, for :meth:`Spill.article`."""

    def __init__(self, batch: pa.RecordBatch) -> None:
        col = batch.column
        self.id, self.title = _StringColumn(col("id")), _StringColumn(col("title"))
        self.published, self.source = _StringColumn(col("published")), _StringColumn(col("source"))
        self.dateline, self.url = _StringColumn(col("dateline")), _StringColumn(col("url"))
        self.path = _StringColumn(col("path"))
        self.is_html = [bool(v) for v in col("is_html").to_pylist()]
        # content: list<list<int64>>, each inner list a [start, end) span
        content = col("content")
        spans = content.flatten()
        self._first = content.offsets.to_numpy()  # (a null list's are equal: no spans)
        self._bounds = spans.offsets.to_numpy()
        self._values = spans.flatten().to_numpy()

    def content(self, j: int) -> tuple[tuple[int, int], ...]:
        lo, hi = self._first[j], self._first[j + 1]
        if lo == hi:
            return ()
        vals = self._values[self._bounds[lo] : self._bounds[hi]]
        return tuple(map(tuple, vals.reshape(-1, 2).tolist()))


# ----------------------------------------------------------------------------- workers

_W: dict[str, object] = {}


class _NoPandas:
    """Import finder that refuses pandas (see :func:`skip_pandas_check`)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas":
            raise ImportError("pandas is not needed here")


def skip_pandas_check() -> None:
    """Have pyarrow settle, without importing pandas, that no pandas is about.

    pyarrow imports pandas (~0.3 s of CPU) the first time it converts a Python
    list, only to ask whether the list is a pandas object; a scan's processes
    never hold one. pyarrow asks once: refused then, it treats lists as lists, and
    whatever truly needs pandas later (``to_pandas``, ``from_pandas``) still
    imports it, since pyarrow tries again on such calls. Only for processes that
    run nothing but the scan (the CLI's, the pool's workers): after it, a pandas
    object given to ``pa.array`` before pandas is imported through pyarrow would
    be read as a plain sequence.
    """
    if "pandas" in sys.modules:
        return
    blocker = _NoPandas()
    sys.meta_path.insert(0, blocker)
    try:
        pa.array([0])  # pyarrow's one question: pandas there? (refused: no)
    finally:
        sys.meta_path.remove(blocker)


def _init_pool_worker(work: str, config: ScanConfig) -> None:
    """Pool initializer (a worker process runs nothing but the scan's tasks)."""
    skip_pandas_check()
    _init_worker(work, config)
    _W["pool"] = True


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """In a pool worker: no cyclic garbage collection during the task, and what it
    leaves alive (the cleaner's line memo, the aligner's caches) frozen out of later
    collections.

    A clean task makes ~150k objects and no cycles (checked on gen-1m batches);
    with the collector on, young collections walked them again and again: 10-15%
    of a clean task's CPU on gen-1m. Frozen objects are still freed when their
    last reference goes; once the tasks have left ``UNFREEZE_GROWTH`` more objects
    alive (the collector's own count of new objects less freed ones, which
    ``gc.freeze`` sets back to 0), or every ``UNFREEZE_TASKS`` tasks, one full
    collection finds any cycles a page did leave (an HTML page's parser, now and
    then). Elsewhere (``jobs=1``, this process) nothing changes.
    """
    if not _W.get("pool") or not gc.isenabled():
        yield
        return
    tasks = cast(int, _W.get("paused_tasks", 0)) + 1
    _W["paused_tasks"] = tasks
    gc.disable()
    try:
        yield
    finally:
        grown = cast(int, _W.get("grown", 0)) + gc.get_count()[0]
        if grown >= UNFREEZE_GROWTH or tasks % UNFREEZE_TASKS == 0:
            gc.unfreeze()
            gc.collect()
            grown = 0
        _W["grown"] = grown
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """No cyclic garbage collection in this process meanwhile (the join, the align
    stage's results, the clusters and the writes).

    The results are millions of records (710k pairs and 1.67M passages at 1M
    articles) that hold no cycles; each full collection walked them all again,
    ~1% of a 100k scan's wall time in this process (8 full collections), more as
    the heap grows, and in the cluster and write stages nothing else runs. What
    is left unreachable meanwhile is freed by reference counting as usual.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _init_worker(work: str, config: ScanConfig) -> None:
    """Where the spill is, and the settings (a worker's, or this process's for ``jobs=1``)."""
    _W.clear()
    _W.update(work=Path(work), config=config)
    logging.getLogger("copytrace").setLevel(logging.WARNING)


def _spill() -> Spill:
    spill = _W.get("spill")
    if spill is None:
        spill = Spill(_W["work"])  # type: ignore[arg-type]
        _W["spill"] = spill
    assert isinstance(spill, Spill)
    return spill


_CleanResult = tuple[
    pa.RecordBatch, npt.NDArray[np.int32], npt.NDArray[np.uint64], list[StageFailure]
]


def read_raw_batch(path: Path, offset: int) -> pa.RecordBatch:
    """The raw batch whose IPC message starts at byte ``offset`` of ``raw.arrow``
    (0: the first batch, after the schema), readable while later batches are
    still being written."""
    source = pa.memory_map(str(path))
    source.seek(offset or len(_ARROW_MAGIC))
    while True:
        message = pa.ipc.read_message(source)
        if message.type == "record batch":
            return pa.ipc.read_record_batch(message, RAW_SCHEMA)


def _lines_task(offset: int) -> pa.RecordBatch:
    """Distinct line-key hashes of every page of the raw batch at ``offset`` (chrome
    pass; it runs while the reader is still spilling later batches)."""
    return line_hashes_batch(read_raw_batch(cast(Path, _W["work"]) / "raw.arrow", offset))


def clean_piece(piece: tuple[int, int, int]) -> tuple[list[Article], list[StageFailure]]:
    """Rows ``[lo, hi)`` of raw batch ``i`` (``piece`` is ``(i, lo, hi)``) cleaned with
    the learned chrome, in a worker (see :func:`clean_pieces`): (articles, failures)."""
    config: ScanConfig = _W["config"]  # type: ignore[assignment]
    chrome = _W.get("chrome")
    if chrome is None:  # learned after the pool started: read once from the spill folder
        with (cast(Path, _W["work"]) / "chrome.pickle").open("rb") as fh:
            chrome = _W["chrome"] = pickle.load(fh)
    i, lo, hi = piece
    raw = _spill().raw_batch(i)
    if (lo, hi) != (0, raw.num_rows):
        raw = raw.slice(lo, hi - lo)
    arts = batch_to_articles(raw)
    return clean_articles_guarded(
        arts, cast(Mapping[str, frozenset[int]], chrome), keep_text=config.keep_text
    )


def _clean_task(piece: tuple[int, int, int]) -> _CleanResult:
    """Clean and fingerprint a piece of a raw batch (see :func:`clean_piece`): (meta
    batch, fp rows counted from the piece's start, fp hashes, failures)."""
    config: ScanConfig = _W["config"]  # type: ignore[assignment]
    with _collector_paused():
        cleaned, failed = clean_piece(piece)
        fp = fingerprint_texts(
            [content_text(a) if a.content else "" for a in cleaned], config.fingerprint
        )
        meta = articles_to_batch(cleaned, META_SCHEMA)  # (no text: the spill has it)
        del cleaned  # (before the freeze: only the memo and the results stay)
    _spill().release()
    return meta, fp.doc, fp.hash, failed


def _align_task(
    pairs: npt.NDArray[np.int64],
) -> tuple[list[tuple[int, PairRecord]], list[StageFailure]]:
    """Align a chunk of candidate pairs: rows ``(candidate number, doc a, doc b)``;
    the pairs with reuse come back with their numbers, and the pairs the aligner
    failed on."""
    config: ScanConfig = _W["config"]  # type: ignore[assignment]
    spill = _spill()
    params = PRESETS[config.preset]
    rows = pairs.tolist()
    arts = {d: spill.article(d) for _, a, b in rows for d in (a, b)}
    out = []
    failed = []
    # the chunk's articles prepared together (they recur in its pairs); no cyclic
    # collection meanwhile (an align task leaves no cycles: 835 tasks of gen-100k,
    # none found; the collector took ~4% of the stage)
    with (
        _collector_paused(),
        prepared_if_possible([(arts[a], arts[b]) for _, a, b in rows], params),
    ):
        for k, a, b in rows:
            rec = align_pair_guarded(arts[a], arts[b], params)
            if isinstance(rec, StageFailure):
                failed.append(rec)
            elif rec.passages:
                out.append((k, rec))
    spill.release()
    return out, failed


def _cpu_call(fn: Callable[[object], object], item: object) -> tuple[object, float]:
    """Run one task in a worker and say how much CPU it took."""
    c0 = time.process_time()
    result = fn(item)
    return result, time.process_time() - c0


class _Task:
    """A task given to the workers: ``get()`` waits for ``(result, CPU seconds)``."""

    def __init__(self, get: Callable[[], tuple[object, float]], ready: Callable[[], bool]):
        self.get = get
        self.ready = ready


_WORKER_HINT = "try fewer --jobs (a scan run again resumes) or a smaller --batch-size"


class _Workers:
    """The pool's two ways in: an ordered ``imap`` over known items, and ``submit``
    for items that arrive one by one (the chrome pass runs while the reader reads).

    Workers' CPU seconds are added to the timer's current stage by ``imap``; the
    caller of ``submit`` gets them from the task. A worker that dies mid-task (the
    out-of-memory killer) raises :class:`WorkerDiedError` here, instead of a wait
    for a result that never comes.
    """

    def __init__(self, pool: ProcessPoolExecutor | None, timer: _Timer) -> None:
        self._pool = pool
        self._timer = timer

    def imap(self, fn: Callable[[object], object], items: Sequence[object]) -> Iterator[object]:
        if self._pool is None:
            yield from map(fn, items)
            return
        try:
            for result, cpu in self._pool.map(functools.partial(_cpu_call, fn), items):
                self._timer.add_cpu(cpu)
                yield result
        except BrokenProcessPool:
            raise WorkerDiedError(self._timer.stage or "scan", _WORKER_HINT) from None

    def submit(self, fn: Callable[[object], object], item: object) -> _Task:
        if self._pool is None:  # in-process: run when asked for (in the caller's stage)
            return _Task(lambda: (fn(item), 0.0), lambda: False)
        try:
            future = self._pool.submit(_cpu_call, fn, item)
        except BrokenProcessPool:
            raise WorkerDiedError(self._timer.stage or "scan", _WORKER_HINT) from None

        def get() -> tuple[object, float]:
            try:
                return cast(tuple[object, float], future.result())
            except BrokenProcessPool:
                raise WorkerDiedError(self._timer.stage or "scan", _WORKER_HINT) from None

        return _Task(get, future.done)


@contextlib.contextmanager
def _pool(jobs: int, work: Path, config: ScanConfig, timer: _Timer) -> Iterator[_Workers]:
    """The workers: a process pool for ``jobs > 1``, this process otherwise.

    (concurrent.futures' pool, not multiprocessing.Pool: that one's worker-handler
    thread also waits on the results pipe, so it spins while a large result is in
    the pipe, ~3% of a core through a scan; and it waits forever for the task of a
    worker that was killed.)
    """
    if jobs <= 1:
        _init_worker(str(work), config)
        try:
            yield _Workers(None, timer)
        finally:
            _W.clear()
        return
    # spawn: workers start clean (no inherited Arrow thread pools or big parent
    # memory), and behave the same on every platform.
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=mp.get_context("spawn"),
        initializer=_init_pool_worker,
        initargs=(str(work), config),
    )
    try:
        for _ in range(jobs):  # (start every worker now: they start up while we read)
            pool.submit(int)
        yield _Workers(pool, timer)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


# ----------------------------------------------------------------------------- crash safety


@contextlib.contextmanager
def out_dir_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out_dir`` for one scan (released even by SIGKILL).

    Raises:
        ScanLockedError: another process holds it.
    """
    with file_lock(out_dir / LOCK_NAME, str(out_dir), "folder"):
        yield


@contextlib.contextmanager
def file_lock(path: Path, name: str, what: str) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing) that guards
    the output ``name``, a ``what``; it holds this process's id for the error.

    Raises:
        ScanLockedError: another process holds it.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raw = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise ScanLockedError(name, int(raw) if raw.isdigit() else None, what) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(out_dir: Path, base: Path) -> list[Path]:
    """Remove what killed scans left: spill folders of dead processes, temporary outputs.

    Call with ``out_dir`` locked: no live scan is then writing its temporary files.
    Spill folders in ``base`` (shared by scans with a common ``work_dir``) are
    removed only when the process named in them is gone.
    """
    removed = remove_dead_spills(base)
    for name in OUTPUT_FILES:
        removed += remove_temporaries(out_dir / name)
    if removed:
        log.info("removed %d leftovers of an interrupted scan", len(removed))
    return removed


def adopt_spill(base: Path, key: str) -> tuple[Path, dict[str, Any]] | None:
    """The spill folder a dead run of the same scan (``key``) left in ``base`` after a
    finished stage, renamed as this process's (so no other run removes it), and its
    state; None when there is none."""
    for entry in sorted(base.glob(WORK_PREFIX + "*")):
        m = _WORK_DIR.match(entry.name)
        if not entry.is_dir() or m is None or _alive(int(m.group(1))):
            continue
        state = resume.read_state(entry)
        if state is None or state.get("key") != key:
            continue
        mine = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=base))
        os.replace(entry, mine)  # (an empty folder is replaced)
        return mine, state
    return None


def remove_dead_spills(base: Path) -> list[Path]:
    """Remove the spill folders in ``base`` whose process is gone (killed runs')."""
    removed: list[Path] = []
    for entry in base.glob(WORK_PREFIX + "*"):
        m = _WORK_DIR.match(entry.name)
        if entry.is_dir() and (m is None or not _alive(int(m.group(1)))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


# ----------------------------------------------------------------------------- the run


@dataclass
class _Corpus:
    """What the main process keeps per article (small: no text)."""

    ids: list[str]
    sources: list[str | None]
    published: list[str | None]


def run(
    inputs: Sequence[str | Path],
    out_dir: Path,
    config: ScanConfig,
    progress: Progress | None = None,
) -> ScanSummary:
    """Run the whole scan locally; see :func:`copytrace.scan.scan`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with out_dir_lock(out_dir):
        return _run(inputs, out_dir, config, progress)


def _run(
    inputs: Sequence[str | Path],
    out_dir: Path,
    config: ScanConfig,
    progress: Progress | None,
) -> ScanSummary:
    t_start = time.perf_counter()
    base = Path(config.work_dir) if config.work_dir else out_dir
    base.mkdir(parents=True, exist_ok=True)
    key = resume.run_key(inputs, config)
    adopted = adopt_spill(base, key) if config.resume else None
    remove_leftovers(out_dir, base)
    summary = ScanSummary(out_dir=str(out_dir), jobs=config.effective_jobs())
    state: dict[str, Any] | None = None
    if adopted is not None:
        work, state = adopted
        resume.restore(work, state, summary)
        summary.resumed_stages = list(resume.STAGES[: resume.STAGES.index(state["stage"]) + 1])
        log.info("resuming the killed scan in %s after its %s stage", work, state["stage"])
    else:
        work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=base))
    timer = _Timer()
    # The pool starts first: its workers start up while this process reads, and
    # count each batch's lines as soon as it is spilled.
    with (
        resume.spill_removed_unless_stopped(work, config.resume, "scan"),
        _pool(summary.jobs, work, config, timer) as workers,
    ):
        imap = workers.imap
        if not resume.done_after(state, "read"):
            chrome = _ChromePass(workers, config, timer, progress)
            with timer("read"):
                _read(inputs, work, config, summary, progress, on_batch=chrome.submit)
            if config.keep_text:  # (texts kept as they are: no chrome to learn)
                chrome.finish(work, summary)
            else:
                with timer("chrome"):
                    chrome.finish(work, summary)
            resume.save_state(work, key, "read", summary)
        spill_offsets = Spill(work).offsets
        counter: PairCounter | None = None
        if not resume.done_after(state, "clean"):
            shutil.rmtree(work / "pairs", ignore_errors=True)  # (a killed run's)
            with timer("clean+fingerprint"):
                corpus, counter = _clean_and_fingerprint(
                    imap, work, summary.jobs, spill_offsets, config, summary, progress,
                    keep_batches=config.resume,
                )  # fmt: skip
            resume.save_state(work, key, "clean", summary)
            shutil.rmtree(work / resume.CLEANED_DIR, ignore_errors=True)  # (meta.arrow has it)
        else:
            corpus = _corpus_of(Spill(work).meta_batches())
        with _articles_writer(work, corpus.ids) as articles_file, _no_collection():
            with timer("candidates"):
                cands = _candidates(
                    imap, work, key, corpus, counter, state, config, summary, progress
                )
                _report(progress, "candidates", len(cands), len(cands))
            with timer("align"):
                pairs = _align(
                    imap, cands.a, cands.b, progress, work, summary, keep_chunks=config.resume
                )
            summary.pairs = len(pairs)
            summary.directed_pairs = sum(p.source_id is not None for p in pairs)
            summary.passages = sum(len(p.passages) for p in pairs)
            with timer("cluster"):
                pub = dict(zip(corpus.ids, corpus.published, strict=True))
                clusters = _clusters(pairs, pub)
            summary.clusters = len(clusters)
            summary.clustered_articles = sum(len(c.article_ids) for c in clusters)
            with timer("write"):
                _write(
                    out_dir,
                    corpus,
                    pairs,
                    clusters,
                    _Run(config, summary, progress, timer, t_start, workers, work),
                    articles_file,
                )
    summary.seconds = time.perf_counter() - t_start
    summary.stage_seconds = dict(timer.seconds)
    summary.stage_cpu_seconds = dict(timer.cpu)
    summary.peak_rss_mb = peak_rss_mb()
    log.info(
        "scan done in %.1f s: %d pairs, %d passages",
        summary.seconds,
        summary.pairs,
        summary.passages,
    )
    return summary


def peak_rss_mb() -> float:
    """Peak resident memory of this process and (the largest of) its children, MB."""
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return float(own + kids)


def _read(
    inputs: Sequence[str | Path],
    work: Path,
    config: ScanConfig,
    summary: ScanSummary,
    progress: Progress | None,
    on_batch: Callable[[int], object] | None = None,
) -> None:
    """Pass 1: read every record, spill raw articles, reject bad records.

    ``on_batch(offset)`` is called when a batch is in ``raw.arrow``, with where it
    starts (see :func:`read_raw_batch`).
    """
    from copytrace import ingest  # (here: the workers, which import this module, read nothing)

    seen: set[str] = set()
    rejects_path = work / "rejects.jsonl"
    with (
        pa.OSFile(str(work / "raw.arrow"), "wb") as sink,
        pa.ipc.new_file(sink, RAW_SCHEMA) as writer,
        rejects_path.open("w", encoding="utf-8", newline="\n") as rejects,
    ):
        start = 0  # where the next batch starts in raw.arrow
        # (runs of JSON Lines records come as Arrow columns: no Article each)
        for items, bad in ingest.iter_raw_batches(inputs, config.batch_size):
            for r in bad:
                rejects.write(json_line(ingest.reject_to_dict(r)) + "\n")
            summary.rejected += len(bad)
            parts: list[pa.RecordBatch] = []
            keep: list[Article] = []
            for item in items:
                if isinstance(item, ingest.RawRows):  # (its ids: the reader drops repeats)
                    if keep:
                        parts.append(articles_to_batch(keep))
                        keep = []
                    parts.append(pa.RecordBatch.from_arrays(item.batch.columns, schema=RAW_SCHEMA))
                    seen.update(item.ids)
                    summary.articles += len(item.ids)
                elif item.id in seen:  # the readers drop repeats; never let one through
                    rejects.write(
                        json_line(
                            {"file": item.path or "", "record": None, "reason": "duplicate id"}
                        )
                        + "\n"
                    )
                    summary.rejected += 1
                else:
                    seen.add(item.id)
                    keep.append(item)
                    summary.articles += 1
            if keep:
                parts.append(articles_to_batch(keep))
            if parts:
                batch = parts[0] if len(parts) == 1 else pa.concat_batches(parts)
                writer.write_batch(batch)
                # UTF-8 bytes of the texts (Arrow holds them as UTF-8 already)
                summary.text_bytes += pc.sum(pc.binary_length(batch.column("text"))).as_py() or 0
                if on_batch is not None:
                    on_batch(start)
                start = sink.tell()
            _report(progress, "read", summary.read, None)
    log.info("read %d articles, rejected %d", summary.articles, summary.rejected)


class _ChromePass:
    """Counts the lines of each spilled batch in the pool, as the reader spills them
    (pass 2), then saves each source's chrome."""

    def __init__(
        self,
        workers: _Workers,
        config: ScanConfig,
        timer: _Timer,
        progress: Progress | None,
    ) -> None:
        self._workers = workers
        self._timer = timer
        self._progress = progress
        self._learner = ChromeLearner(config.chrome)
        self._skip = config.keep_text
        self._tasks: list[_Task] = []
        self._done = 0

    def submit(self, offset: int) -> None:
        """Count the batch at ``offset`` of ``raw.arrow``; take in what is done."""
        if self._skip:  # (texts kept as they are: no chrome to learn)
            return
        self._tasks.append(
            self._workers.submit(cast(Callable[[object], object], _lines_task), offset)
        )
        self._take(wait=False)

    def _take(self, wait: bool) -> None:
        # in order, so the learner sees the batches as a serial run would
        while self._done < len(self._tasks) and (wait or self._tasks[self._done].ready()):
            task = self._tasks[self._done]
            self._tasks[self._done] = _DONE
            result, cpu = task.get()
            c0 = time.process_time()
            self._learner.add_batch(cast(pa.RecordBatch, result))
            # the workers' and the learner's seconds are the chrome pass's, whenever they run
            self._timer.add_cpu(cpu, "chrome")
            if self._timer.stage != "chrome":
                learner = time.process_time() - c0
                self._timer.add_cpu(learner, "chrome")
                self._timer.add_cpu(-learner)
            self._done += 1
            if wait:  # (during the read, the reader reports)
                _report(self._progress, "chrome", self._done, len(self._tasks))

    def finish(self, work: Path, summary: ScanSummary) -> None:
        """Wait for the rest; save the chrome to ``work/chrome.pickle``."""
        _report(self._progress, "chrome", self._done, len(self._tasks))
        self._take(wait=True)
        chrome = self._learner.finish()
        # the counts table is ~20 bytes a distinct (source, line): ~1 GB at 1M pages,
        # which the rest of the run must not keep
        del self._learner
        self._tasks = []
        summary.chrome_sources = len(chrome)
        summary.chrome_lines = sum(len(v) for v in chrome.values())
        with (work / "chrome.pickle").open("wb") as fh:
            pickle.dump(chrome, fh, protocol=pickle.HIGHEST_PROTOCOL)


_DONE = _Task(lambda: (None, 0.0), lambda: True)


def clean_pieces(offsets: npt.NDArray[np.int64], jobs: int) -> list[tuple[int, int, int]]:
    """The clean pass's tasks, ``(batch, lo, hi)`` in order: whole spilled batches
    (``offsets``: where each starts, then the total), or, when there are fewer than
    :data:`TASKS_PER_JOB` per worker, each cut in even pieces."""
    sizes = np.diff(offsets).tolist()
    want = TASKS_PER_JOB * jobs if jobs > 1 else 1
    cuts = math.ceil(want / len(sizes)) if sizes else 1
    out: list[tuple[int, int, int]] = []
    for i, size in enumerate(sizes):
        k = max(1, min(cuts, size // CLEAN_MIN_PIECE))
        bounds = [size * j // k for j in range(k + 1)]
        out.extend((i, lo, hi) for lo, hi in itertools.pairwise(bounds))
    return out


def _clean_and_fingerprint(
    imap: Callable[..., Iterator[object]],
    work: Path,
    jobs: int,
    offsets: npt.NDArray[np.int64],
    config: ScanConfig,
    summary: ScanSummary,
    progress: Progress | None,
    keep_batches: bool = True,
) -> tuple[_Corpus, PairCounter]:
    """Pass 2: clean + fingerprint every batch in the pool (in pieces, see
    :func:`clean_pieces`); spill metadata, one batch per raw batch; feed the join.

    Each batch's results are also kept in the spill as it ends (``keep_batches``,
    engines/resume.py); the batches a killed run kept are not cleaned again.
    """
    n_docs = int(offsets[-1])
    corpus = _Corpus([], [], [])
    source_codes: dict[str, int] = {}
    sources = np.full(n_docs, -1, dtype=np.int32)
    # The join fills as batches arrive; ``sources`` is filled in place before it runs.
    counter = PairCounter(n_docs, sources, config.candidate_params(), work_dir=work / "pairs")
    kept = resume.cleaned_batches(work)
    todo = [
        piece
        for piece in clean_pieces(offsets, jobs)
        if piece[0] not in kept
    ]  # fmt: skip
    results = zip(todo, imap(_clean_task, todo), strict=True)
    _report(progress, "clean+fingerprint", 0, n_docs)
    with (
        pa.OSFile(str(work / "meta.arrow"), "wb") as sink,
        pa.ipc.new_file(sink, META_SCHEMA) as writer,
    ):
        for i in range(len(offsets) - 1):
            if i in kept:
                meta, doc, hashes, failed = resume.read_cleaned(work, i)
                doc = doc.astype(np.int64)
            else:
                meta, doc, hashes, failed = _batch_of_pieces(
                    results, int(offsets[i + 1] - offsets[i])
                )
                if keep_batches:  # (rows as int32: a batch is far under 2**31 articles)
                    resume.save_cleaned(work, i, (meta, doc.astype(np.int32), hashes, failed))
            _report_failures(work, failed, summary)
            writer.write_batch(meta)
            base = int(offsets[i])
            ids = meta.column("id").to_pylist()
            srcs = meta.column("source").to_pylist()
            corpus.ids.extend(ids)
            corpus.sources.extend(srcs)
            corpus.published.extend(meta.column("published").to_pylist())
            for k, s in enumerate(srcs):
                if s:
                    sources[base + k] = source_codes.setdefault(s, len(source_codes))
            summary.empty_articles += _empty_content(meta.column("content"))
            counter.add(doc + base, hashes)
            summary.fingerprints += len(hashes)
            _report(progress, "clean+fingerprint", base + meta.num_rows, n_docs)
    summary.df_limit = df_limit(n_docs, config.candidate_params())
    return corpus, counter


def _batch_of_pieces(
    results: Iterator[tuple[tuple[int, int, int], object]], size: int
) -> tuple[pa.RecordBatch, npt.NDArray[np.int64], npt.NDArray[np.uint64], list[StageFailure]]:
    """The next raw batch's results, from its pieces' (``size`` articles in all): its
    meta batch, fingerprint rows counted from the batch's start, hashes, failures."""
    metas, docs, hashes, failed = [], [], [], []
    while True:
        (_, lo, hi), result = next(results)
        meta, piece_doc, piece_hashes, piece_failed = cast(_CleanResult, result)
        metas.append(meta.cast(META_SCHEMA))
        docs.append(piece_doc.astype(np.int64) + lo)
        hashes.append(piece_hashes)
        failed += piece_failed
        if hi == size:
            break
    if len(metas) == 1:
        return metas[0], docs[0], hashes[0], failed
    return pa.concat_batches(metas), np.concatenate(docs), np.concatenate(hashes), failed


def _empty_content(content: pa.Array) -> int:
    """How many articles have no content span (counted in Arrow: ~100x a Python list)."""
    lengths = pc.fill_null(pc.list_value_length(content), 0)
    return int(np.count_nonzero(lengths.to_numpy() == 0))


def _corpus_of(metas: Sequence[pa.RecordBatch]) -> _Corpus:
    """Ids, sources and times of the spilled metadata (a resumed run's)."""
    corpus = _Corpus([], [], [])
    for meta in metas:
        corpus.ids.extend(meta.column("id").to_pylist())
        corpus.sources.extend(meta.column("source").to_pylist())
        corpus.published.extend(meta.column("published").to_pylist())
    return corpus


def _fingerprint_task(batch_index: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint64]]:
    """The fingerprints of spilled batch ``batch_index``'s cleaned articles, again (a
    resumed run's; the clean task made them the first time)."""
    config: ScanConfig = _W["config"]  # type: ignore[assignment]
    spill = _spill()
    lo, hi = int(spill.offsets[batch_index]), int(spill.offsets[batch_index + 1])
    texts = []
    for doc in range(lo, hi):
        art = spill.article(doc)
        texts.append(content_text(art) if art.content else "")
    fp = fingerprint_texts(texts, config.fingerprint)
    spill.release()
    return fp.doc, fp.hash


def _candidates(
    imap: Callable[..., Iterator[object]],
    work: Path,
    key: str,
    corpus: _Corpus,
    counter: PairCounter | None,
    state: dict[str, Any] | None,
    config: ScanConfig,
    summary: ScanSummary,
    progress: Progress | None,
) -> CandidatePairs:
    """Pass 4, the join (``counter`` filled by pass 3; None when a resumed run's
    pass 3 was the killed run's), or the killed run's pairs; kept in the spill."""
    path = work / "candidates.npz"
    _report(progress, "candidates", 0, None)
    if resume.done_after(state, "candidates"):
        with np.load(path) as saved:
            return CandidatePairs(saved["a"], saved["b"], saved["shared"])
    if counter is None:
        shutil.rmtree(work / "pairs", ignore_errors=True)  # (the killed join's)
        codes: dict[str, int] = {}
        sources = np.array(
            [codes.setdefault(s, len(codes)) if s else -1 for s in corpus.sources], np.int32
        )
        counter = PairCounter(
            len(corpus.ids), sources, config.candidate_params(), work_dir=work / "pairs"
        )
        offsets = Spill(work).offsets
        for i, result in enumerate(imap(_fingerprint_task, range(len(offsets) - 1))):
            doc, hashes = cast(tuple[npt.NDArray[np.int32], npt.NDArray[np.uint64]], result)
            counter.add(doc.astype(np.int64) + int(offsets[i]), hashes)
    counter.ranks = lambda docs: published_ranks(
        [corpus.published[i] for i in docs.tolist()],
        [corpus.ids[i] for i in docs.tolist()],
    )
    cands = counter.pairs()
    summary.candidate_pairs = len(cands)
    summary.hub_pairs = counter.hub_kept
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        np.savez(fh, a=cands.a, b=cands.b, shared=cands.shared)
    resume.save_state(work, key, "candidates", summary)
    return cands


def _report_failures(work: Path, failed: Sequence[StageFailure], summary: ScanSummary) -> None:
    """Add the articles or pairs a stage failed on to the spill's rejects file (copied
    to the output folder at the end) and to the summary's count."""
    if not failed:
        return
    with (work / "rejects.jsonl").open("a", encoding="utf-8", newline="\n") as fh:
        for f in failed:
            log.error("%s %s: %s", f.stage, " ".join(f.ids), f.reason)
            fh.write(json_line(f.to_dict()) + "\n")
    summary.failed += len(failed)


def _align(
    imap: Callable[..., Iterator[object]],
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    progress: Progress | None,
    work: Path,
    summary: ScanSummary,
    keep_chunks: bool = True,
) -> list[PairRecord]:
    """Align all candidate pairs in the pool, in chunks; only pairs with reuse come
    back, in candidate order (a pair the aligner fails on is reported and skipped).

    Each finished chunk is appended to the spill (``keep_chunks``), and the chunks a
    killed run finished are not aligned again (engines/resume.py).
    """
    total = len(a)
    found: list[tuple[int, PairRecord]] = []
    failures: list[StageFailure] = []
    aligned = np.zeros(total, dtype=bool)
    for numbers, result in resume.read_aligned(work):
        recs, failed = cast(tuple[list[tuple[int, PairRecord]], list[StageFailure]], result)
        found.extend(recs)
        failures.extend(failed)
        aligned[numbers] = True
    todo = np.flatnonzero(~aligned)
    spread = math.ceil(len(todo) / (TASKS_PER_JOB * summary.jobs)) if summary.jobs > 1 else total
    size = min(ALIGN_CHUNK, max(ALIGN_MIN_CHUNK, spread))
    chunks = _align_chunks(a[todo], b[todo], size=size, numbers=todo)
    done = total - len(todo)
    _report(progress, "align", done, total)
    for chunk, result in zip(chunks, imap(_align_task, chunks), strict=True):
        recs, failed = cast(tuple[list[tuple[int, PairRecord]], list[StageFailure]], result)
        if keep_chunks:
            resume.append_aligned(work, chunk[:, 0].tolist(), result)
        found.extend(recs)
        failures.extend(failed)
        done += len(chunk)
        _report(progress, "align", done, total)
    # (failures in pair order: the same whichever chunks a run and its resumption made)
    _report_failures(work, sorted(failures, key=lambda f: f.ids), summary)
    found.sort(key=lambda kr: kr[0])
    return [rec for _, rec in found]


def _align_chunks(
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    size: int = ALIGN_CHUNK,
    group_size: int = ALIGN_GROUP_CHUNK,
    numbers: npt.NDArray[np.int64] | None = None,
) -> list[npt.NDArray[np.int64]]:
    """Candidate pairs ``(a[k], b[k])`` as chunks of rows ``(k, a[k], b[k])`` (``k``
    the pair's candidate number: ``numbers[k]`` when given), ordered
    so that a worker meets each article in nearby pairs.

    An article is in several candidate pairs (4-5 in a generated corpus), and the
    per-article work (tokens, the aligner's prepared document, attribution's own
    credit phrases) is cached for the last few dozen articles only. In document
    order the partners of an article are far apart, so nearly every pair prepared
    one of its articles afresh. Here the articles are numbered in reverse
    Cuthill-McKee order of the candidate graph (each connected group together,
    partners close), the pairs of each group sorted by their later article, the
    largest groups first, and each chunk holds whole groups of up to ``size`` pairs
    in all; a larger group is a chunk of its own, or several of ``group_size``
    pairs along that order.
    """
    total = len(a)
    if not total:
        return []
    # (imported here: the workers import this module and never need scipy)
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components, reverse_cuthill_mckee

    docs, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    ia, ib = inverse[:total], inverse[total:]
    n = len(docs)
    rows, cols = np.concatenate([ia, ib]), np.concatenate([ib, ia])
    graph = csr_matrix((np.ones(2 * total, np.int8), (rows, cols)), shape=(n, n))
    _, group = connected_components(graph, directed=False)
    rank = np.empty(n, np.int64)
    rank[reverse_cuthill_mckee(graph, symmetric_mode=True)] = np.arange(n)
    ra, rb = rank[ia], rank[ib]
    hi, lo = np.maximum(ra, rb), np.minimum(ra, rb)
    # each group's pairs together, the largest groups first (the last tasks are
    # small: the workers finish together)
    first = np.full(int(group.max()) + 1, n, np.int64)
    np.minimum.at(first, group, rank)  # a group's lowest number
    pairs_in = np.bincount(group[ia], minlength=len(first))
    order = np.lexsort((lo, hi, first[group[ia]], -pairs_in[group[ia]]))
    k = np.arange(total, dtype=np.int64) if numbers is None else numbers.astype(np.int64)
    table = np.stack([k, a, b], axis=1)[order]
    g = group[ia[order]]
    cuts = np.flatnonzero(g[1:] != g[:-1]) + 1
    chunks: list[npt.NDArray[np.int64]] = []
    start = 0  # of the open chunk of small groups
    for s, e in zip([0, *cuts.tolist()], [*cuts.tolist(), total], strict=True):
        # s, e: one group's rows
        if e - s > size:  # a large group: alone, in pieces
            if s > start:
                chunks.append(table[start:s])
            chunks += [table[k : min(k + group_size, e)] for k in range(s, e, group_size)]
            start = e
        elif e - start > size:  # does not fit in the open chunk
            chunks.append(table[start:s])
            start = s
    if start < total:
        chunks.append(table[start:])
    return chunks


def _clusters(pairs: Sequence[PairRecord], published: Mapping[str, str | None]) -> list[Cluster]:
    """stages.cluster_pairs' clusters, from the pairs' id columns (read in one pass
    over the records: no Edge made a pair, no Python call an edge)."""
    edges = list(filter(_PAIR_PASSAGES, pairs))
    if not edges:
        return []
    a_ids, b_ids, source_ids = zip(*map(_PAIR_IDS, edges), strict=True)
    return clusters_of(a_ids, b_ids, source_ids, published)


_PAIR_PASSAGES = operator.attrgetter("passages")
_PAIR_IDS = operator.attrgetter("a_id", "b_id", "source_id")


@dataclass
class _Run:
    """What the write stage needs of the run besides its results."""

    config: ScanConfig
    summary: ScanSummary
    progress: Progress | None
    timer: _Timer
    t_start: float
    workers: _Workers
    work: Path


class _Stopped(Exception):
    """The run failed while articles.parquet was being written ahead."""


@contextlib.contextmanager
def _articles_writer(work: Path, ids: Sequence[str]) -> Iterator[Callable[[], Path]]:
    """Write articles.parquet (rows sorted by id) into ``work`` in a thread.

    It needs only the spill and the ids, so it starts when pass 3 ends and
    overlaps the join (which keeps one core of the two) and the align stage
    instead of adding its time to the write stage (~60 s at 1M articles).
    Yields a call that waits for the file and gives its path; if the run fails
    first, the thread stops at its next chunk and leaves no file.
    """
    path = work / "articles.parquet"
    stop = threading.Event()
    order = sorted(range(len(ids)), key=ids.__getitem__)

    def job() -> Path:
        write_parquet(path, _article_batches(Spill(work), order, stop), ARTICLES_SCHEMA)
        return path

    with ThreadPoolExecutor(1, thread_name_prefix="articles") as pool:
        future = pool.submit(job)
        try:
            yield future.result
        finally:
            stop.set()


def _write(
    out_dir: Path,
    corpus: _Corpus,
    pairs: list[PairRecord],
    clusters: list[Cluster],
    run: _Run,
    articles_file: Callable[[], Path],
) -> None:
    """Write every output atomically, rows sorted.

    The workers render report.html's side-by-side views and this process the
    rest, all at once; articles.parquet, written ahead in the work folder
    (:func:`_articles_writer`), is then moved into place.
    """
    config, summary, progress = run.config, run.summary, run.progress
    spill = Spill(run.work)
    n_docs = len(corpus.ids)
    _report(progress, "write", 0, n_docs)
    index = {doc_id: d for d, doc_id in enumerate(corpus.ids)}
    shown: list[tuple[PairRecord, str]] = []
    views: list[_Task] = []
    if config.report:
        from copytrace.report.html import shown_pairs

        # (the pairs with a view, chosen once: for the workers and for the page)
        shown = shown_pairs(pairs, config.report_pairs)
        views = _submit_views(run.workers, shown, index)
    outputs = {
        name: out_dir / name
        for name in (
            "articles.parquet",
            "passages.parquet",
            "passages.jsonl",
            "pairs.jsonl",
            "clusters.jsonl",
            "rejects.jsonl",
        )
    }
    passages = _sorted_passages(pairs)
    columns = _passage_columns(passages)
    write_parquet(outputs["passages.parquet"], [_passages_batch(columns)], PASSAGES_SCHEMA)
    lines = _passage_lines(columns)
    if lines is not None:
        write_lines(outputs["passages.jsonl"], lines)
    else:
        write_jsonl(outputs["passages.jsonl"], (r.to_dict() for r in passages))
    del columns, lines
    write_jsonl(outputs["pairs.jsonl"], (p.to_dict() for p in sorted(pairs, key=pair_order)))
    write_jsonl(outputs["clusters.jsonl"], (c.to_dict() for c in clusters))
    with atomic_path(outputs["rejects.jsonl"]) as tmp:
        shutil.copyfile(run.work / "rejects.jsonl", tmp)
    if config.report:
        rendered = []
        for task in views:
            result, cpu = task.get()
            run.timer.add_cpu(cpu)
            rendered += cast(list[str], result)
        _write_report(spill, out_dir, outputs, corpus, index, pairs, clusters, run, shown, rendered)
    move_file(articles_file(), outputs["articles.parquet"])
    _report(progress, "write", n_docs, n_docs)
    summary.outputs = {k: str(v) for k, v in outputs.items()}


# passages.jsonl's (source, target) groups (as stages.passage_rows orders them)
_PASSAGE_GROUP = operator.attrgetter("source_id", "target_id")


def _sorted_passages(pairs: Sequence[PairRecord]) -> list[PassageRecord]:
    """Every passage of ``pairs`` in ``passages.jsonl``'s order: by (source, target),
    then offsets and kind; ties in the order given. The order of one stable sort on
    the whole key (stages.passage_rows'), ~20% faster: comparing 7-tuples was most
    of it; here the (source, target) groups are sorted, then each group's few rows."""
    groups: dict[tuple[str, str], list[PassageRecord]] = {}
    for pair in pairs:
        for r in pair.passages:
            key = _PASSAGE_GROUP(r)
            group = groups.get(key)
            if group is None:
                groups[key] = [r]
            else:
                group.append(r)
    passages: list[PassageRecord] = []
    for key in sorted(groups):
        group = groups[key]
        if len(group) > 1:
            group.sort(key=passage_offsets)
        passages += group
    return passages


def _passage_columns(passages: Sequence[PassageRecord]) -> dict[str, list[object]]:
    """``passages.parquet``'s columns as lists (no dict a row).

    Each record's fields are read at once, then the rows turned into columns: ~1.5x
    faster than a pass over the records a column (the records are spread over the
    heap: each pass reads them from memory again)."""
    names = PASSAGES_SCHEMA.names
    columns = zip(*map(_PASSAGE_ROW, passages), strict=True)
    return dict(zip(names, map(list, columns), strict=True)) if passages else {n: [] for n in names}


_PASSAGE_ROW = operator.attrgetter(*PASSAGES_SCHEMA.names)


def _passages_batch(columns: Mapping[str, list[object]]) -> pa.RecordBatch:
    """``passages.parquet``'s rows, column by column."""
    arrays = [pa.array(columns[f.name], f.type) for f in PASSAGES_SCHEMA]
    return pa.RecordBatch.from_arrays(arrays, schema=PASSAGES_SCHEMA)


# A passages.jsonl line as json_line writes PassageRecord.to_dict(): strings through
# json's string encoder, ints and finite floats as repr writes them, bools as JSON's.
_PASSAGE_LINE = (
    '{"source_id": %s, "target_id": %s, "source_start": %r, "source_end": %r, '
    '"target_start": %r, "target_end": %r, "kind": %s, "words": %r, '
    '"similarity": %r, "attributed": %s}'
)
_PASSAGE_TYPES = {
    "source_id": str,
    "target_id": str,
    "source_start": int,
    "source_end": int,
    "target_start": int,
    "target_end": int,
    "kind": str,
    "words": int,
    "similarity": float,
    "attributed": bool,
}
_JSON_BOOL = {True: "true", False: "false"}


def _passage_lines(columns: Mapping[str, list[Any]]) -> Iterator[str] | None:
    """``passages.jsonl``'s lines, one format string a row (~2x json_line of a
    dict), or None if some value is not of its column's type exactly (a bool among
    ints, a NaN...): then json_line must write the rows."""
    for name, kind in _PASSAGE_TYPES.items():
        # (the set of the types, built in C: ~1.5x a generator a value)
        if not set(map(type, columns[name])) <= {kind}:
            return None
    similarity, attributed = columns["similarity"], columns["attributed"]
    if not all(map(math.isfinite, similarity)):
        return None
    enc = json.encoder.encode_basestring
    rows = zip(
        map(enc, columns["source_id"]),
        map(enc, columns["target_id"]),
        columns["source_start"],
        columns["source_end"],
        columns["target_start"],
        columns["target_end"],
        map(enc, columns["kind"]),
        columns["words"],
        similarity,
        map(_JSON_BOOL.__getitem__, attributed),
        strict=True,
    )
    return map(_PASSAGE_LINE.__mod__, rows)


def _article_batches(
    spill: Spill, order: Sequence[int], stop: threading.Event | None = None
) -> Iterator[pa.RecordBatch]:
    """The rows of ``articles.parquet`` (documents in ``order``), ``WRITE_CHUNK`` per
    batch, taken from the spill's columns as they are (no Python objects).

    Rows are taken batch by batch of the spill: a take over the whole chunked text
    column would first join its chunks, i.e. hold every text in memory (3 GB at 1M).
    """
    if not order:
        return
    metas = spill.meta_batches()

    @functools.cache
    def rows_of(i: int) -> pa.RecordBatch:  # spilled batch i with the output's columns
        meta = metas[i]
        content = meta.column("content")
        if content.null_count:  # an article without content spans has none: []
            content = pc.if_else(pc.is_null(content), pa.scalar([], content.type), content)
        columns = {name: meta.column(name) for name in META_SCHEMA.names}
        columns["content"] = content
        columns["text"] = spill.raw_batch(i).column("text")
        return pa.RecordBatch.from_arrays(
            [columns[f.name].cast(f.type) for f in ARTICLES_SCHEMA], schema=ARTICLES_SCHEMA
        )

    offsets = spill.offsets
    for lo in range(0, len(order), WRITE_CHUNK):
        if stop is not None and stop.is_set():
            raise _Stopped
        docs = np.asarray(order[lo : lo + WRITE_CHUNK], dtype=np.int64)
        where = np.searchsorted(offsets, docs, side="right") - 1
        by_batch = np.argsort(where, kind="stable")
        grouped = where[by_batch]
        cuts = np.flatnonzero(grouped[1:] != grouped[:-1]) + 1
        pieces = []
        for run in np.split(by_batch, cuts):
            i = int(where[run[0]])
            rows = pa.array(docs[run] - offsets[i], pa.int64())
            pieces.append(rows_of(i).take(rows))
        gathered = pa.Table.from_batches(pieces, schema=ARTICLES_SCHEMA).combine_chunks()
        del pieces
        spill.release()  # (the chunk's texts are copied out)
        back = np.empty(len(docs), dtype=np.int64)
        back[by_batch] = np.arange(len(docs))
        yield from gathered.take(pa.array(back)).combine_chunks().to_batches()


def _write_report(
    spill: Spill,
    out_dir: Path,
    outputs: dict[str, Path],
    corpus: _Corpus,
    index: Mapping[str, int],
    pairs: list[PairRecord],
    clusters: list[Cluster],
    run: _Run,
    shown: list[tuple[PairRecord, str]],
    views: list[str],
) -> None:
    """Write ``report.html`` (article texts of the shown pairs from the spill):
    ``shown`` the pairs with a view, as ``shown_pairs`` gives them, ``views``
    their views."""
    from copytrace.report.html import render_report

    summary, timer = run.summary, run.timer

    def lookup(article_id: str) -> Article | None:
        d = index.get(article_id)
        return spill.article(d) if d is not None else None

    outputs["report.html"] = out_dir / "report.html"
    summary.stage_seconds = dict(timer.seconds)
    summary.seconds = time.perf_counter() - run.t_start
    summary.peak_rss_mb = peak_rss_mb()
    html = render_report(
        summary,
        pairs,
        clusters,
        lookup,
        sources=dict(zip(corpus.ids, corpus.sources, strict=True)),
        max_pairs=run.config.report_pairs,
        views=views,
        chosen=shown,
    )
    write_text(outputs["report.html"], html)


def _submit_views(
    workers: _Workers, shown: Sequence[tuple[PairRecord, str]], index: Mapping[str, int]
) -> list[_Task]:
    """Give the workers report.html's side-by-side views to render: those of the
    ``shown`` pairs (with their anchors, as ``shown_pairs`` gives them)."""
    items = [
        (p, anchor, {i: index[i] for i in (p.a_id, p.b_id) if i in index}) for p, anchor in shown
    ]
    task = cast(Callable[[object], object], _views_task)
    return [
        workers.submit(task, items[k : k + VIEW_CHUNK]) for k in range(0, len(items), VIEW_CHUNK)
    ]


def _views_task(items: list[tuple[PairRecord, str, dict[str, int]]]) -> list[str]:
    """Render side-by-side views: ``(pair, anchor, {article id: document})`` each."""
    from copytrace.report.html import pair_view

    spill = _spill()
    out = []
    for pair, anchor, docs in items:

        def lookup(article_id: str, docs: dict[str, int] = docs) -> Article | None:
            d = docs.get(article_id)
            return spill.article(d) if d is not None else None

        out.append(pair_view(pair, anchor, lookup))
    spill.release()
    return out
