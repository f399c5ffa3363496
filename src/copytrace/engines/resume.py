"""Resuming a local scan that was killed: its spill folder holds what it finished.

A scan's spill folder (``DIR/.copytrace-work-<pid>-*``) gets a ``state.json`` each
time a stage ends: the run's key (its inputs and settings), the stage, the
summary's counts so far and the length of its rejects file then. The clean stage
also keeps each finished batch in ``cleaned/``, and the align stage appends
each finished chunk of pairs to ``aligned.pickle``. A rerun of the
same scan (same key) whose process finds such a folder left by a dead one takes
it over and goes on after the last finished stage; the outputs are the same as
an uninterrupted run's, byte for byte. Any other leftover is removed as before.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import pickle
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import copytrace
from copytrace.errors import WorkerDiedError
from copytrace.scan import ScanConfig, ScanSummary

log = logging.getLogger(__name__)

STATE_FILE = "state.json"
ALIGNED_FILE = "aligned.pickle"
CLEANED_DIR = "cleaned"
# The stages a run resumes after, in order.
STAGES = ("read", "clean", "candidates")
# Bumped when a stage keeps its files differently, so that newer code never
# resumes from an older run's folder.
STATE_FORM = 1
# The summary's counts a stage has set by its end (restored on resume).
_COUNTS = (
    "articles",
    "rejected",
    "text_bytes",
    "chrome_sources",
    "chrome_lines",
    "empty_articles",
    "failed",
    "fingerprints",
    "df_limit",
    "candidate_pairs",
    "hub_pairs",
)


def _walk(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                yield Path(root) / name
    else:
        yield path


def run_key(inputs: Sequence[str | Path], config: ScanConfig) -> str:
    """What a run's spill depends on: every input file (name, size, modification
    time; folders walked), every setting that changes a stage, and the versions.

    Example:
        >>> run_key([], ScanConfig(jobs=1)) == run_key([], ScanConfig(jobs=2))
        True
    """
    settings = dataclasses.asdict(config)
    for name in ("jobs", "report", "report_pairs", "work_dir", "spark", "resume"):
        settings.pop(name, None)
    files = []
    for raw in inputs:
        for p in _walk(Path(raw)):
            st = p.stat() if p.exists() else None
            files.append([str(p), st.st_size if st else None, st.st_mtime_ns if st else None])
    blob = json.dumps(
        {"inputs": files, "settings": settings, "version": [copytrace.__version__, STATE_FORM]},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


@contextlib.contextmanager
def spill_removed_unless_stopped(work: Path, keep: bool, command: str) -> Iterator[None]:
    """Remove the spill folder ``work`` when the block ends, but keep it for a rerun
    when the run was stopped (Ctrl-C, a killed worker) after a finished stage and
    ``keep``; an error of the run itself removes it (a rerun would meet it again)."""
    try:
        yield
    except (KeyboardInterrupt, WorkerDiedError):
        if keep and read_state(work) is not None:
            log.warning("the spill in %s is kept: run the same %s again to resume", work, command)
        else:
            shutil.rmtree(work, ignore_errors=True)
        raise
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(work, ignore_errors=True)


def read_state(work: Path) -> dict[str, Any] | None:
    """The folder's state, or None (none saved, or unreadable)."""
    try:
        state = json.loads((work / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("stage") not in STAGES:
        return None
    return state


def save_state(work: Path, key: str, stage: str, summary: ScanSummary) -> None:
    """Record that ``stage`` is finished (atomically: a kill leaves the old state)."""
    rejects = work / "rejects.jsonl"
    state = {
        "key": key,
        "stage": stage,
        "counts": {name: getattr(summary, name) for name in _COUNTS},
        "rejects_bytes": rejects.stat().st_size if rejects.exists() else 0,
    }
    tmp = work / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, work / STATE_FILE)


def restore(work: Path, state: dict[str, Any], summary: ScanSummary) -> None:
    """Set the summary's counts as they were at the stage's end, and cut the rejects
    file back to its length then (a later stage's lines come again)."""
    for name, value in state["counts"].items():
        if name in _COUNTS:
            setattr(summary, name, value)
    rejects = work / "rejects.jsonl"
    with rejects.open("r+b") as fh:
        fh.truncate(int(state["rejects_bytes"]))


def done_after(state: dict[str, Any] | None, stage: str) -> bool:
    """Whether ``stage`` was finished by the run that left ``state``."""
    return state is not None and STAGES.index(state["stage"]) >= STAGES.index(stage)


def append_aligned(work: Path, numbers: Sequence[int], result: object) -> None:
    """Append one finished chunk: its candidate numbers and what aligning gave."""
    with (work / ALIGNED_FILE).open("ab") as fh:
        pickle.dump((list(numbers), result), fh, protocol=pickle.HIGHEST_PROTOCOL)
        fh.flush()


def read_aligned(work: Path) -> list[tuple[list[int], Any]]:
    """The chunks a killed run finished; a chunk cut by the kill is dropped (and cut
    off the file, so that new chunks follow whole ones)."""
    path = work / ALIGNED_FILE
    if not path.exists():
        return []
    out: list[tuple[list[int], Any]] = []
    with path.open("r+b") as fh:
        good = 0
        while True:
            try:
                out.append(pickle.load(fh))
            except Exception:  # (a record cut by the kill: any unpickling error)
                break
            good = fh.tell()
        fh.truncate(good)
    if out:
        log.info("resuming: %d chunks of pairs aligned by the killed run", len(out))
    return out


def save_cleaned(work: Path, batch: int, result: object) -> None:
    """Keep one cleaned batch's results (written whole, then renamed: a kill leaves
    none or all of it)."""
    folder = work / CLEANED_DIR
    folder.mkdir(exist_ok=True)
    tmp = folder / f"{batch:06d}.tmp"
    with tmp.open("wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, folder / f"{batch:06d}.pickle")


def cleaned_batches(work: Path) -> set[int]:
    """The batches a killed run cleaned and kept."""
    folder = work / CLEANED_DIR
    if not folder.is_dir():
        return set()
    return {int(p.stem) for p in folder.glob("*.pickle")}


def read_cleaned(work: Path, batch: int) -> Any:
    """One kept batch's results (as :func:`save_cleaned` was given them)."""
    with (work / CLEANED_DIR / f"{batch:06d}.pickle").open("rb") as fh:
        return pickle.load(fh)
