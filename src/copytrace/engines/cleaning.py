"""Clean a whole corpus into one file: the local engine's first passes, then a writer.

``copytrace clean corpus.jsonl.gz --out cleaned.parquet`` reads what ``scan``
reads, learns each source's chrome from the corpus (as the scan does: lines on
many pages of one site), cleans every article in the worker pool and writes one
row per article, in input order, with the cleaned article text and the content
spans into the original text. Nothing is fingerprinted or aligned.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, cast

import pyarrow as pa
import pyarrow.parquet as pq

from copytrace.clean import article_text
from copytrace.engines import Progress, resume
from copytrace.engines.local import (
    META_SCHEMA,
    WORK_PREFIX,
    Spill,
    _ChromePass,
    _collector_paused,
    _empty_content,
    _pool,
    _read,
    _report,
    _report_failures,
    _spill,
    _Timer,
    _Workers,
    adopt_spill,
    clean_piece,
    clean_pieces,
    file_lock,
    peak_rss_mb,
    remove_dead_spills,
)
from copytrace.scan import ScanConfig, ScanSummary
from copytrace.stages import CLEANED_SCHEMA, StageFailure, articles_to_batch
from copytrace.store import (
    CORPUS_FORMATS,
    atomic_path,
    corpus_format,
    json_line,
    remove_temporaries,
)

log = logging.getLogger(__name__)

__all__ = ["CLEANED_SCHEMA", "clean_corpus"]

_Result = tuple[pa.RecordBatch, pa.Array, list[StageFailure]]


def _clean_text_task(piece: tuple[int, int, int]) -> _Result:
    """A piece of a raw batch cleaned: (meta batch, article texts, failures)."""
    with _collector_paused():
        cleaned, failed = clean_piece(piece)
        texts = pa.array([article_text(a) if a.content else "" for a in cleaned], pa.large_string())
        meta = articles_to_batch(cleaned, META_SCHEMA)
        del cleaned
    _spill().release()
    return meta, texts, failed


class _Writer:
    """Rows to a Parquet or JSON Lines file, written to a temporary file beside it."""

    def __init__(self, stack: ExitStack, out: Path, fmt: str) -> None:
        self.fmt = fmt
        tmp = stack.enter_context(atomic_path(out))
        self._parquet: pq.ParquetWriter | None = None
        self._lines: IO[str] | None = None
        if fmt == "parquet":
            self._parquet = stack.enter_context(pq.ParquetWriter(str(tmp), CLEANED_SCHEMA))
        elif fmt == "jsonl.gz":
            raw = stack.enter_context(tmp.open("wb"))
            zipped = stack.enter_context(gzip.GzipFile(fileobj=raw, mode="wb", mtime=0))
            self._lines = stack.enter_context(io.TextIOWrapper(zipped, "utf-8", newline="\n"))
        else:
            self._lines = stack.enter_context(tmp.open("w", encoding="utf-8", newline="\n"))

    def write(self, meta: pa.RecordBatch, texts: pa.Array, originals: pa.Array) -> None:
        columns = {name: meta.column(name) for name in META_SCHEMA.names}
        columns["article_text"] = texts
        columns["text"] = originals
        if self._parquet is not None:
            batch = pa.RecordBatch.from_arrays(
                [columns[f.name].cast(f.type) for f in CLEANED_SCHEMA], schema=CLEANED_SCHEMA
            )
            self._parquet.write_batch(batch)
            return
        assert self._lines is not None
        names = [f.name for f in CLEANED_SCHEMA if f.name != "text"]
        values = [columns[n].to_pylist() for n in names]
        lines = []
        for row in zip(*values, strict=True):
            record = dict(zip(names, row, strict=True))
            record["content"] = record["content"] or []
            lines.append(json_line(record) + "\n")
        self._lines.write("".join(lines))


def clean_corpus(
    inputs: Sequence[str | Path],
    out: Path,
    config: ScanConfig,
    progress: Progress | None = None,
) -> ScanSummary:
    """Clean every article of ``inputs`` into the file ``out`` (see the module).

    The format follows ``out``'s ending (``copytrace.store.CORPUS_FORMATS``).
    Records that cannot be read, and articles the cleaner fails on, go to
    ``out.rejects.jsonl`` (``{"file", "record", "reason"}``; the failed articles
    are written with no content); none: no file. ``out`` and its rejects are
    replaced when the run ends; a second run writing the same ``out`` gets
    :class:`~copytrace.errors.ScanLockedError`.

    Example:
        >>> done = clean_corpus(["crawl/"], Path("crawl.parquet"), ScanConfig())  # doctest: +SKIP
    """
    fmt = corpus_format(out)
    if fmt is None:
        raise ValueError(f"{out}: the output must end in {', '.join(CORPUS_FORMATS)}")
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    rejects_out = out.with_name(out.name + ".rejects.jsonl")
    base = Path(config.work_dir) if config.work_dir else out.parent
    base.mkdir(parents=True, exist_ok=True)
    summary = ScanSummary(out_dir=str(out), jobs=config.effective_jobs())
    timer = _Timer()
    lock = out.with_name(f".{out.name}.lock")
    # (a scan of the same inputs is another run: its spill is not this one's)
    key = resume.run_key(inputs, config) + "-clean"
    with file_lock(lock, str(out), "file"):
        adopted = adopt_spill(base, key) if config.resume else None
        remove_dead_spills(base)
        for path in (out, rejects_out):
            remove_temporaries(path)
        state: dict[str, Any] | None = None
        if adopted is not None:
            work, state = adopted
            resume.restore(work, state, summary)
            summary.resumed_stages = ["read"]
        else:
            work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=base))
        with resume.spill_removed_unless_stopped(work, config.resume, "clean"):
            with _pool(summary.jobs, work, config, timer) as workers:
                if state is None:
                    chrome = _ChromePass(workers, config, timer, progress)
                    with timer("read"):
                        _read(inputs, work, config, summary, progress, on_batch=chrome.submit)
                    with timer("chrome"):
                        chrome.finish(work, summary)
                    resume.save_state(work, key, "read", summary)
                with timer("clean+write"), ExitStack() as stack:
                    _clean_into(_Writer(stack, out, fmt), workers, work, config, summary, progress)
            _keep_rejects(work / "rejects.jsonl", rejects_out)
        lock.unlink(missing_ok=True)  # (still held: no other run holds it)
    summary.seconds = time.perf_counter() - started
    summary.stage_seconds = dict(timer.seconds)
    summary.stage_cpu_seconds = dict(timer.cpu)
    summary.peak_rss_mb = peak_rss_mb()
    summary.outputs = {"articles": str(out)}
    if rejects_out.exists():
        summary.outputs["rejects"] = str(rejects_out)
    log.info("cleaned %d articles into %s in %.1f s", summary.articles, out, summary.seconds)
    return summary


def _clean_into(
    writer: _Writer,
    workers: _Workers,
    work: Path,
    config: ScanConfig,
    summary: ScanSummary,
    progress: Progress | None,
) -> None:
    """Clean every spilled batch in the pool and write it, in order; each batch is
    kept in the spill as it ends, and those a killed run kept are not cleaned again."""
    spill = Spill(work)
    kept = resume.cleaned_batches(work)
    todo = [p for p in clean_pieces(spill.offsets, summary.jobs) if p[0] not in kept]
    task = cast(Callable[[object], object], _clean_text_task)
    results = zip(todo, workers.imap(task, todo), strict=True)
    _report(progress, "clean", 0, len(spill))
    for i in range(len(spill.offsets) - 1):
        size = int(spill.offsets[i + 1] - spill.offsets[i])
        if i in kept:
            meta, texts, failed = resume.read_cleaned(work, i)
        else:
            metas, pieces, failed = [], [], []
            while True:
                (_, _, hi), result = next(results)
                piece_meta, piece_texts, piece_failed = cast(_Result, result)
                metas.append(piece_meta.cast(META_SCHEMA))
                pieces.append(piece_texts)
                failed += piece_failed
                if hi == size:
                    break
            meta = metas[0] if len(metas) == 1 else pa.concat_batches(metas)
            texts = pa.concat_arrays(pieces)
            if config.resume:
                resume.save_cleaned(work, i, (meta, texts, failed))
        _report_failures(work, failed, summary)
        summary.empty_articles += _empty_content(meta.column("content"))
        writer.write(meta, texts, spill.raw_batch(i).column("text"))
        spill.release()
        _report(progress, "clean", int(spill.offsets[i + 1]), len(spill))


def _keep_rejects(spilled: Path, dest: Path) -> None:
    """The run's rejects beside the output, or none (an older file removed)."""
    if spilled.exists() and spilled.stat().st_size:
        with atomic_path(dest) as tmp:
            shutil.copyfile(spilled, tmp)
    else:
        dest.unlink(missing_ok=True)
