"""Memory of a process tree, read from /proc (Linux): shared by the bench scripts.

``tree_memory_kb`` sums ``VmRSS`` and ``RssAnon`` over a process and all its
descendants; ``TreeRSS`` samples that in a thread and keeps the peaks.

    with TreeRSS(proc.pid) as rss:
        proc.wait()
    print(rss.peak_kb / 1024, "MB")
"""

from __future__ import annotations

import threading

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
    """Peak ``VmRSS`` and ``RssAnon`` of a process tree, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.peak_anon_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        """Read the tree's memory once and keep the peaks."""
        total, anon = tree_memory_kb(self.pid)
        self.peak_kb = max(self.peak_kb, total)
        self.peak_anon_kb = max(self.peak_anon_kb, anon)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
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
