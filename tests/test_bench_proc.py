"""bench/_proc.py's machine figures: steal share, speed probe, package versions."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import _proc


def test_steal_share_is_the_stolen_part_of_the_ticks_between_two_readings() -> None:
    assert _proc.steal_share((10, 1000), (40, 1300)) == 0.1
    assert _proc.steal_share((10, 1000), (10, 1000)) is None  # (no time passed)


def test_cpu_times_reads_proc_stat() -> None:
    steal, total = _proc.cpu_times()
    if Path("/proc/stat").exists():
        assert total > 0 and 0 <= steal <= total
    else:
        assert (steal, total) == (0, 0)


def test_speed_probe_times_both_parts() -> None:
    probe = _proc.speed_probe()
    assert set(probe) == {"python_s", "numpy_s", "memory_s"}
    assert all(v > 0 for v in probe.values())


def test_package_versions_name_numpy() -> None:
    import numpy

    assert _proc.package_versions()["numpy"] == numpy.__version__


def test_tree_rss_reads_this_process() -> None:
    import os

    rss = _proc.TreeRSS(os.getpid())
    rss.sample()
    got = rss.figures_mb()
    if Path("/proc/self/status").exists():
        assert got["peak_rss_mb"] >= got["peak_anon_mb"] > 0
        assert got["peak_process_rss_mb"] == got["peak_rss_mb"]  # (one process, no children)
    if Path("/proc/self/smaps_rollup").exists():
        assert 0 < got["peak_pss_mb"] <= got["peak_rss_mb"]


def test_tree_rss_reads_pss_and_the_tree_only_every_slow_interval(monkeypatch) -> None:
    import os
    import time

    calls = {"pss": 0, "tree": 0}
    pss, tree = _proc.pss_kb, _proc.process_tree

    def count_pss(pid: int) -> int:
        calls["pss"] += 1
        return pss(pid)

    def count_tree(root: int) -> list[int]:
        calls["tree"] += 1
        return tree(root)

    monkeypatch.setattr(_proc, "pss_kb", count_pss)
    monkeypatch.setattr(_proc, "process_tree", count_tree)
    with _proc.TreeRSS(os.getpid(), interval=0.01, slow_interval=60) as rss:
        time.sleep(0.3)
    assert calls == {"pss": 1, "tree": 1}  # (the first sample only)
    if Path("/proc/self/status").exists():
        assert rss.figures_mb()["peak_rss_mb"] > 0
