"""Crash safety: ``copytrace scan`` killed with SIGKILL, then rerun, loses and repeats nothing.

The scan runs as a real subprocess and is killed for real, at progressive
delays and at stage boundaries seen on disk. After every kill each output
present must be byte-identical to an uninterrupted run's (outputs are renamed
into place only when complete); the final rerun must reproduce every output
byte for byte and leave no spill folder or temporary file behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from copytrace.engines.local import LOCK_NAME, WORK_PREFIX, out_dir_lock, remove_leftovers
from copytrace.errors import ScanLockedError
from copytrace.proctree import process_tree
from copytrace.scan import OUTPUT_FILES, ScanConfig, scan

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "bench" / "gen_corpus.py"
CLI = "import sys; from copytrace.cli import main; sys.exit(main())"
# Small batches: many batches per stage, so kills land between and inside them.
SCAN_ARGS = ["--jobs", "2", "--batch-size", "20"]


def make_corpus(out: Path, articles: int, seed: int = 5) -> Path:
    subprocess.run(
        [sys.executable, str(GEN), "--articles", str(articles), "--out", str(out),
         "--seed", str(seed), "--format", "jsonl"],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    return out / "articles.jsonl"


def start_scan(inputs: list[Path], out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "scan", *map(str, inputs), "--out", str(out), *SCAN_ARGS],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the test can clean up workers
    )


def kill(proc: subprocess.Popen[bytes], *, group: bool) -> None:
    """SIGKILL the scan (only its main process, or with its workers), then reap it."""
    if group:
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with_workers_gone(proc)


def with_workers_gone(proc: subprocess.Popen[bytes]) -> None:
    """Workers orphaned by a kill of the main process exit when their pipe closes."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # never leave our own processes behind


def digests(out: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((out / name).read_bytes()).hexdigest()
        for name in OUTPUT_FILES
        if (out / name).exists()
    }


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith((WORK_PREFIX, ".")) and
                  p.name != LOCK_NAME)  # fmt: skip


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], float]:
    """The corpus, the digests of an uninterrupted scan of it, and its wall time."""
    root = tmp_path_factory.mktemp("kill")
    corpus = make_corpus(root / "corpus", 120)
    t0 = time.monotonic()
    proc = start_scan([corpus], root / "ref")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()[-2000:]
    seconds = time.monotonic() - t0
    ref = digests(root / "ref")
    assert set(ref) == set(OUTPUT_FILES)
    lines = (root / "ref" / "passages.jsonl").read_text().splitlines()
    assert len(lines) > 20 and len(set(lines)) == len(lines)  # a corpus with real reuse
    return corpus, ref, seconds


def check_after_kill(out: Path, ref: dict[str, str], where: str) -> None:
    """Whatever the kill left in ``out``: complete files identical to the reference."""
    for name, digest in digests(out).items():
        assert digest == ref[name], f"{where}: {name} differs from an uninterrupted run"


def finish_and_compare(corpus: Path, out: Path, ref: dict[str, str]) -> None:
    proc = start_scan([corpus], out)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert digests(out) == ref  # byte-identical: nothing missing, nothing repeated
    assert leftovers(out) == []  # spill folders and temporary outputs of the killed runs
    rows = (out / "pairs.jsonl").read_text().splitlines()
    assert len(rows) == len(set(rows))
    assert pq.read_metadata(out / "articles.parquet").num_rows == 120


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_scan_killed_at_progressive_delays_then_rerun_is_byte_identical(
    reference: tuple[Path, dict[str, str], float], tmp_path: Path
) -> None:
    corpus, ref, seconds = reference
    out = tmp_path / "out"
    rng = random.Random(7)
    delays = [seconds * f for f in (0.03, 0.15, 0.35, 0.6, 0.85)]
    delays.append(rng.uniform(0.1, 0.95) * seconds)
    for k, delay in enumerate(delays):
        proc = start_scan([corpus], out)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            kill(proc, group=k % 2 == 1)
        print(
            f"kill after {delay:.1f} s of {seconds:.1f} s: {'finished' if finished else 'killed'}"
        )
        check_after_kill(out, ref, f"kill after {delay:.1f} s")
    finish_and_compare(corpus, out, ref)


def _work_file(out: Path, name: str) -> Callable[[], bool]:
    return lambda: any((w / name).exists() for w in out.glob(WORK_PREFIX + "*"))


def _temp_output(out: Path) -> Callable[[], bool]:
    return lambda: any(out.glob(".*.tmp"))


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_scan_killed_inside_each_stage_then_rerun_is_byte_identical(
    reference: tuple[Path, dict[str, str], float], tmp_path: Path
) -> None:
    corpus, ref, _ = reference
    out = tmp_path / "out"
    stages = {
        "read (spill being written)": _work_file(out, "raw.arrow"),
        "clean+fingerprint (metadata spill)": _work_file(out, "meta.arrow"),
        "candidates (pair partitions)": _work_file(out, "pairs"),
        "write (a temporary output exists)": _temp_output(out),
        "write (articles.parquet in place)": lambda: (out / "articles.parquet").exists(),
    }
    hit = []
    for where, ready in stages.items():
        for name in OUTPUT_FILES:  # each stage starts from a folder without outputs
            (out / name).unlink(missing_ok=True)
        proc = start_scan([corpus], out)
        deadline = time.monotonic() + 300
        while not ready() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        if proc.poll() is None:
            hit.append(where)
            kill(proc, group=True)
        else:
            proc.wait()
        check_after_kill(out, ref, where)
    print("killed inside:", hit)
    assert len(hit) >= 3, f"kills landed only in {hit}"
    finish_and_compare(corpus, out, ref)


def pool_workers(pid: int) -> list[int]:
    """The scan's pool worker processes (spawned: their command runs spawn_main)."""
    found = []
    for child in process_tree(pid)[1:]:
        try:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmd:
            found.append(child)
    return found


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_killed_worker_ends_the_scan_with_a_clear_error(tmp_path: Path) -> None:
    # (multiprocessing.Pool waited forever for the task of a killed worker)
    corpus = make_corpus(tmp_path / "corpus", 400)
    out = tmp_path / "out"
    proc = start_scan([corpus], out)
    try:
        deadline = time.monotonic() + 60
        while len(workers := pool_workers(proc.pid)) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            time.sleep(0.05)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)  # as the out-of-memory killer would
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = err.decode()
    assert proc.returncode == 1, text[-2000:]
    assert "Traceback" not in text
    last = text.strip().splitlines()[-1]
    assert last.startswith("error: ") and "worker process died during the" in last, last
    assert "--batch-size" in last
    assert not (out / "pairs.jsonl").exists()
    with_workers_gone(proc)


def test_second_scan_into_the_same_folder_is_refused_clearly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    page = tmp_path / "a.txt"
    page.write_text("A page of text.")
    with out_dir_lock(out):
        with pytest.raises(
            ScanLockedError, match=rf"another scan is writing this folder \(PID {os.getpid()}\)"
        ):
            scan([page], out, config=ScanConfig(jobs=1, report=False))
        proc = subprocess.run(
            [sys.executable, "-c", CLI, "scan", str(page), "--out", str(out), "--jobs", "1"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 1
        assert "another scan is writing this folder" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines()[-1].startswith("error: ")
        assert not (out / "articles.parquet").exists()
    summary = scan([page], out, config=ScanConfig(jobs=1, report=False))  # lock released
    assert summary.articles == 1


def test_leftovers_of_dead_scans_are_removed_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{WORK_PREFIX}{dead.pid}-abc"
    live = tmp_path / f"{WORK_PREFIX}{os.getpid()}-def"
    old_style = tmp_path / f"{WORK_PREFIX}xyz123"  # before PIDs were in the name
    for d in (stale, live, old_style):
        d.mkdir()
        (d / "raw.arrow").write_bytes(b"x")
    tmp = tmp_path / ".passages.jsonl.k2j3.tmp"
    tmp.write_text('{"half": ')
    other = tmp_path / ".notes.txt.tmp"  # not ours: kept
    other.write_text("x")
    removed = remove_leftovers(tmp_path, tmp_path)
    assert sorted(p.name for p in removed) == sorted([stale.name, old_style.name, tmp.name])
    assert live.exists() and other.exists() and not stale.exists() and not tmp.exists()


def test_outputs_are_replaced_atomically_on_failure(tmp_path: Path) -> None:
    from copytrace.store import write_jsonl

    path = tmp_path / "pairs.jsonl"
    write_jsonl(path, [{"a": 1}])

    def rows() -> object:
        yield {"a": 2}
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_jsonl(path, rows())  # type: ignore[arg-type]
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.jsonl"]
