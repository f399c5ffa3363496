"""Memory of a process tree, read from /proc (Linux): shared by the bench scripts.

``tree_memory_kb`` sums ``VmRSS`` and ``RssAnon`` over a process and all its
descendants; ``TreeRSS`` samples that in a thread and keeps the peaks, with the
tree's proportional set size (``Pss``: a page shared by k processes counts 1/k
in each, so the sum counts it once) and the largest one process's ``VmRSS``.

    with TreeRSS(proc.pid) as rss:
        proc.wait()
    print(rss.peak_kb / 1024, "MB")
"""

from __future__ import annotations

import contextlib
import threading
import time

from copytrace.proctree import process_tree


def memory_kb(pid: int) -> tuple[int, int]:
    """``VmRSS`` and ``RssAnon`` of one process, kB (0, 0 when it is gone)."""
    rss = anon = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("RssAnon:"):
                    anon = int(line.split()[1])
    except OSError:
        pass
    return rss, anon


def pss_kb(pid: int) -> int:
    """``Pss`` of one process, kB (0 when it is gone or the kernel has no
    ``smaps_rollup``)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory_kb(root: int) -> tuple[int, int]:
    """``VmRSS`` and ``RssAnon`` summed over ``root`` and its descendants, kB.

    Anonymous memory is what the tree needs: memory-mapped files count in every
    process that touched them (and are evictable), so summed VmRSS overstates it.
    """
    total = anon = 0
    for pid in process_tree(root):
        rss_kb, anon_kb = memory_kb(pid)
        total += rss_kb
        anon += anon_kb
    return total, anon


class TreeRSS:
    """Peak ``VmRSS`` and ``RssAnon`` of a process tree, sampled in a thread.

    ``VmRSS`` and ``RssAnon`` (``status``: cheap) are read every ``interval``; the
    tree is listed again and ``Pss`` read (``smaps_rollup``: the kernel walks
    each mapping) every ``slow_interval``. Sampling all of it every 50 ms took
    ~30% of a core during a 1M scan (session 21), which the tool measured had to
    share on two cores; now ~1-2%.
    """

    def __init__(self, pid: int, interval: float = 0.05, slow_interval: float = 1.0) -> None:
        self.pid = pid
        self.interval = interval
        self.slow_interval = slow_interval
        self._tree: list[int] = []
        self._slow_at = 0.0
        self.peak_kb = 0
        self.peak_anon_kb = 0
        self.peak_pss_kb = 0
        self.peak_process_kb = 0  # (the largest one process's VmRSS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self, slow: bool = True) -> None:
        """Read the tree's memory once and keep the peaks (``slow``: list the tree
        again and read ``Pss`` too)."""
        if slow or not self._tree:
            self._tree = process_tree(self.pid)
        total = anon = pss = 0
        for pid in self._tree:
            rss_kb, anon_kb = memory_kb(pid)
            total += rss_kb
            anon += anon_kb
            if slow:
                pss += pss_kb(pid)
            self.peak_process_kb = max(self.peak_process_kb, rss_kb)
        self.peak_kb = max(self.peak_kb, total)
        self.peak_anon_kb = max(self.peak_anon_kb, anon)
        self.peak_pss_kb = max(self.peak_pss_kb, pss)

    def figures_mb(self) -> dict[str, float]:
        """The peaks, MB: summed ``VmRSS``, ``RssAnon`` and ``Pss``, and the largest
        one process's ``VmRSS``."""
        return {
            "peak_rss_mb": self.peak_kb / 1024,
            "peak_anon_mb": self.peak_anon_kb / 1024,
            "peak_pss_mb": self.peak_pss_kb / 1024,
            "peak_process_rss_mb": self.peak_process_kb / 1024,
        }

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            slow = now >= self._slow_at
            if slow:
                self._slow_at = now + self.slow_interval
            self.sample(slow)
            self._stop.wait(self.interval)


def interpreter() -> str:
    """The running Python as a benchmark should name it: version, where its base
    executable is, and whether libpython is a shared library (Linux).

    The build matters: on the benchmark machine pyenv's default build (libpython
    shared, no PGO/LTO) ran a 100k scan 8-13% slower than Debian's python3.11
    (PGO + LTO, libpython linked in).
    """
    import platform
    import sys

    linked = "unknown"
    try:
        with open("/proc/self/maps") as fh:
            linked = "shared libpython" if "libpython" in fh.read() else "static libpython"
    except OSError:
        pass
    base = getattr(sys, "_base_executable", sys.executable)
    return f"Python {platform.python_version()} ({base}, {linked})"


def cpu_times() -> tuple[int, int]:
    """The machine's (steal, total) CPU ticks since boot, from ``/proc/stat`` ((0, 0)
    where it cannot be read).

    Steal is the time the hypervisor gave this VM's virtual CPUs to others: a run
    with much of it is slower for reasons that are not the code's.
    """
    try:
        with open("/proc/stat") as fh:
            fields = fh.readline().split()
    except OSError:
        return 0, 0
    ticks = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal
    return (ticks[7] if len(ticks) > 7 else 0), sum(ticks)


def steal_share(before: tuple[int, int], after: tuple[int, int]) -> float | None:
    """The share of the machine's CPU time stolen between two ``cpu_times()``."""
    total = after[1] - before[1]
    return round((after[0] - before[0]) / total, 4) if total > 0 else None


# The probe's work: fixed, so its time says how fast the machine is that day.
_PROBE_WORDS = 200_000
_PROBE_ROUNDS = 3
_PROBE_MEMORY_ITEMS = 32 << 20  # int64s: 256 MB


def speed_probe() -> dict[str, float]:
    """Seconds of CPU for a fixed single-threaded workload, best of a few rounds.

    The benchmark machine is a VM whose speed changes by the hour (the same
    code and corpus ran 1M articles in 950 CPU s one morning, 1,558 that evening). Three
    parts, like the scan's work: pure Python (str and dict work), numpy (sorting,
    bincount) and random reads over more memory than the caches hold; independent
    of copytrace's code. It tells whether the CPU itself was slower: on 2026-12-01
    its Python part took 0.37-0.65 s within 90 minutes. It does not see
    contention between VMs (the steal share does) nor the disk: compare tools
    within one run.
    """
    import random

    import numpy as np

    def python_part() -> None:
        rnd = random.Random(7)
        words = [
            "".join(rnd.choices("etaoinshrdlu", k=rnd.randint(2, 9))) for _ in range(_PROBE_WORDS)
        ]
        counts: dict[str, int] = {}
        for w in words:
            counts[w] = counts.get(w, 0) + 1
        " ".join(sorted(counts)).split()

    def numpy_part() -> None:
        x = np.random.default_rng(7).integers(0, 2**62, 1_000_000, dtype=np.int64)
        np.sort(x)
        np.bincount((x % 100_003).astype(np.int64))
        np.unique(x >> 40)

    def memory_part() -> None:
        # (random reads over 256 MB: bound by the memory, not the cache, as a 1M
        # scan's joins and spills are)
        rng = np.random.default_rng(7)
        big = np.arange(_PROBE_MEMORY_ITEMS, dtype=np.int64)
        big.take(rng.integers(0, _PROBE_MEMORY_ITEMS, 4_000_000)).sum()

    best: dict[str, float] = {}
    parts = (("python_s", python_part), ("numpy_s", numpy_part), ("memory_s", memory_part))
    for name, part in parts:
        times = []
        for _ in range(_PROBE_ROUNDS):
            t0 = time.process_time()
            part()
            times.append(time.process_time() - t0)
        best[name] = round(min(times), 4)
    return best


def package_versions() -> dict[str, str]:
    """Versions of the packages whose speed the figures depend on (absent: not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("copytrace", "numpy", "pyarrow", "rapidfuzz", "scipy", "datasketch", "rensa"):
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out
