"""Bounded memory: reading and fingerprinting are bounded by the batch size, not the corpus.

A corpus bigger than the memory allowed is read, spilled, line-hashed and
fingerprinted (into the spilled candidate join) by a subprocess whose data
segment is capped with ``resource.setrlimit(RLIMIT_DATA)``; the same limit
stops a reader that holds every article at once (the control: the limit
bites). A whole ``copytrace scan`` with worker processes also runs under a cap.

Why RLIMIT_DATA and not RLIMIT_AS: the scan memory-maps its read-only spill
file, which RLIMIT_AS counts in full although those pages are file-backed and
evictable (not memory the process holds); RLIMIT_DATA counts the heap and
private anonymous memory, which is what grows when a program keeps a corpus.
Arrow's jemalloc pool reserves large virtual regions up front, so the
subprocesses use the system allocator (``ARROW_DEFAULT_MEMORY_POOL=system``).
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "bench" / "gen_corpus.py"
PROBE = Path(__file__).parent / "data" / "reliability" / "memory_probe.py"
CLI = "import sys; from copytrace.cli import main; sys.exit(main())"
ENV = {
    **os.environ,
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "MALLOC_ARENA_MAX": "2",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "PYTHONPATH": str(ROOT / "src"),
}
# What the probe may allocate beyond its warmed-up baseline (interpreter,
# numpy, pyarrow, the cleaner's imports: ~130 MB), and the batch size it reads
# with. The corpus (~107 MB of text, 27k articles) is well over the headroom;
# the stream needs ~30 MB of it, a reader keeping every article fails.
HEADROOM_MB = 60
BATCH = 100
COPIES = 9
_WORD = re.compile(r"[A-Za-z]+")


def gen_corpus(out: Path, articles: int, seed: int) -> Path:
    subprocess.run(
        [sys.executable, str(GEN), "--articles", str(articles), "--out", str(out),
         "--seed", str(seed), "--format", "jsonl"],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return out / "articles.jsonl"


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    """A generated corpus, written out ``COPIES`` times with every word changed per copy
    (so copies share no fingerprints and the candidate join stays realistic)."""
    root = tmp_path_factory.mktemp("memory")
    src = gen_corpus(root / "gen", 3000, seed=2)
    lines = src.read_text().splitlines()
    path = root / "big.jsonl"
    text_bytes = 0
    with path.open("w") as fh:
        for k in range(COPIES):
            suffix = "" if k == 0 else "qxzjvwkyp"[k]
            for line in lines:
                row = json.loads(line)
                row["id"] = f"{row['id']}~{k}"
                row["text"] = _WORD.sub(lambda m: m.group() + suffix, row["text"])  # noqa: B023
                text_bytes += len(row["text"].encode())
                fh.write(json.dumps(row) + "\n")
    return path, len(lines) * COPIES, text_bytes


def probe(mode: str, corpus: Path, work: Path) -> tuple[int, dict[str, object]]:
    work.mkdir()
    proc = subprocess.run(
        [sys.executable, str(PROBE), mode, str(corpus), str(HEADROOM_MB), str(work), str(BATCH)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    lines = proc.stdout.strip().splitlines()
    assert lines, proc.stderr[-2000:]
    return proc.returncode, json.loads(lines[-1])


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_reading_and_fingerprinting_fit_a_cap_smaller_than_the_corpus(
    big_corpus: tuple[Path, int, int], tmp_path: Path
) -> None:
    corpus, n, text_bytes = big_corpus
    assert text_bytes > (HEADROOM_MB << 20) * 1.5  # the corpus alone would not fit
    rc, out = probe("stream", corpus, tmp_path / "w")
    assert rc == 0, out
    assert out["articles"] == n and out["rejected"] == 0
    assert out["spilled"] == out["fingerprints"]
    assert int(out["fingerprints"]) > n * 50  # type: ignore[call-overload]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_cap_stops_a_reader_that_keeps_the_whole_corpus(
    big_corpus: tuple[Path, int, int], tmp_path: Path
) -> None:
    rc, out = probe("all", big_corpus[0], tmp_path / "w")
    assert rc == 3 and out == {"memory_error": True, "base_mb": out["base_mb"]}


def _cap_data(limit_mb: int) -> None:
    limit = limit_mb << 20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))  # inherited by the workers


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_whole_scan_with_workers_runs_under_a_memory_cap(tmp_path: Path) -> None:
    corpus = gen_corpus(tmp_path / "gen", 300, seed=4)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", CLI, "scan", str(corpus), "--out", str(out),
         "--jobs", "2", "--batch-size", "50", "--no-report"],
        capture_output=True, text=True, env=ENV, timeout=380,
        preexec_fn=lambda: _cap_data(400),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert re.search(r"articles\s*│\s*300\b", proc.stdout), proc.stdout
    assert (out / "pairs.jsonl").read_text().count("\n") > 0
