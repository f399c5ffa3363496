"""Crash safety of the DuckDB index: ``copytrace index add`` killed with SIGKILL for real.

After every kill the index must open, hold whole batches only (each article
with exactly its fingerprints, no orphan fingerprints), and a rerun of the same
add must leave it equal to an uninterrupted add. A second writer gets a clear
"index is locked" error while the first goes on undisturbed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from copytrace.index import Index

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "bench" / "gen_corpus.py"
CLI = "import sys; from copytrace.cli import main; sys.exit(main())"
BATCH = 10
ARTICLES = 200


def index_state(db: Path) -> tuple[dict[str, int], int]:
    """Fingerprint rows per article id, and fingerprint rows of no article (must be 0)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        per_id = con.execute(
            "SELECT a.id, count(f.hash) FROM articles a LEFT JOIN "
            "(SELECT * FROM fingerprints UNION ALL SELECT * FROM fingerprints_tail) f "
            "USING (doc) GROUP BY a.id"
        ).fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM (SELECT doc FROM fingerprints UNION ALL "
            "SELECT doc FROM fingerprints_tail) f WHERE doc NOT IN (SELECT doc FROM articles)"
        ).fetchone()
    finally:
        con.close()
    assert orphans is not None
    return {r[0]: int(r[1]) for r in per_id}, int(orphans[0])


def add(db: Path, corpus: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "index", "add", str(db), str(corpus),
         "--batch-size", str(BATCH), "--jobs", "1", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("index-kill")
    subprocess.run(
        [sys.executable, str(GEN), "--articles", str(ARTICLES), "--out", str(root / "c"),
         "--seed", "11", "--format", "jsonl"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    path = root / "c" / "articles.jsonl"
    ids = [json.loads(line)["id"] for line in path.read_text().splitlines()]
    return path, ids


@pytest.fixture(scope="module")
def reference(
    corpus: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, int], float, int]:
    db = tmp_path_factory.mktemp("index-ref") / "ref.duckdb"
    t0 = time.monotonic()
    proc = add(db, corpus[0])
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-2000:]
    state, orphans = index_state(db)
    assert len(state) == ARTICLES and orphans == 0 and min(state.values()) > 0
    return state, time.monotonic() - t0, db.stat().st_size


def on_disk(db: Path) -> int:
    """Bytes of the index file and its write-ahead log."""
    return sum(p.stat().st_size for p in (db, db.with_name(db.name + ".wal")) if p.exists())


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_index_add_killed_at_progressive_points_keeps_whole_batches(
    corpus: tuple[Path, list[str]], reference: tuple[dict[str, int], float, int], tmp_path: Path
) -> None:
    path, ids = corpus
    ref, seconds, size = reference
    db = tmp_path / "news.duckdb"
    held = []
    # Kill points: after a share of the reference run's time, or once the file
    # and its log have grown to a share of the reference file's size (these
    # land mid-add whatever the machine's load).
    points = [("time", 0.2), ("size", 0.15), ("time", 0.5), ("size", 0.35), ("size", 0.55),
              ("time", 0.8), ("size", 0.75)]  # fmt: skip
    for k, (how, fraction) in enumerate(points):
        # Each kill hits a fresh index, so the batch boundaries are the input's.
        for f in tmp_path.glob("news.duckdb*"):
            f.unlink()
        proc = add(db, path, *(["--compact"] if k % 2 else []))
        if how == "time":
            time.sleep(seconds * fraction)
        else:
            deadline = time.monotonic() + 300
            while on_disk(db) < size * fraction and proc.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.002)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        if not db.exists():
            held.append(0)
            continue
        with Index(db, read_only=True) as ix:  # opens (the WAL is replayed)
            n = len(ix)
        state, orphans = index_state(db)
        assert orphans == 0
        assert (len(state) == n and n % BATCH == 0) or n == ARTICLES
        assert set(state) == set(ids[:n])  # a prefix of the input: whole batches
        assert state == {i: ref[i] for i in ids[:n]}  # each with exactly its fingerprints
        held.append(n)
    print("articles held after each kill:", list(zip(points, held, strict=True)))
    assert sum(0 < n < ARTICLES for n in held) >= 2, held  # kills landed mid-add
    # Rerun the whole add into the last killed index: equal to an uninterrupted add.
    proc = add(db, path)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-2000:]
    state, orphans = index_state(db)
    assert state == ref and orphans == 0


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_second_writer_gets_index_locked_and_the_first_finishes(
    corpus: tuple[Path, list[str]], reference: tuple[dict[str, int], float, int], tmp_path: Path
) -> None:
    path, _ = corpus
    ref, _, _ = reference
    db = tmp_path / "news.duckdb"

    def query() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", CLI, "query", str(db), "-"],
            input="Some article text to look up in the index.",
            capture_output=True,
            text=True,
            timeout=120,
        )

    # A writer that holds the index for as long as the test wants: no race with
    # how fast an add runs on this machine.
    with Index(db):
        second = add(db, path)
        _, err2 = second.communicate(timeout=120)
        reader = query()
    assert second.returncode == 1 and "locked" in err2 and len(err2.strip().splitlines()) == 1
    assert reader.returncode == 1 and "locked" in reader.stderr
    # A real add, with a second writer started while it runs (when it is still
    # running then), finishes with every article.
    first = add(db, path)
    deadline = time.monotonic() + 120
    while not db.with_name(db.name + ".wal").exists() and time.monotonic() < deadline:
        if first.poll() is not None:
            break
        time.sleep(0.01)
    late = add(db, path)
    _, err3 = late.communicate(timeout=300)
    _, err1 = first.communicate(timeout=300)
    assert first.returncode == 0, err1[-2000:]
    if late.returncode != 0:  # it ran while the first held the index
        assert "locked" in err3 and len(err3.strip().splitlines()) == 1
    state, orphans = index_state(db)
    assert state == ref and orphans == 0


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_killed_index_add_leaves_no_temporary_files_after_a_rerun(
    corpus: tuple[Path, list[str]], reference: tuple[dict[str, int], float, int], tmp_path: Path
) -> None:
    path, _ = corpus
    _, _, size = reference
    db = tmp_path / "news.duckdb"
    proc = add(db, path)
    deadline = time.monotonic() + 300
    while on_disk(db) < size * 0.2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    rerun = add(db, path)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []
