from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copytrace.proctree import process_tree

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")

BURN = "import time\nend = time.process_time() + {s}\nwhile time.process_time() < end: pass\n"
# A child that starts a CPU-burning grandchild and exits without waiting for it:
# the grandchild is orphaned (like a Python worker Spark leaves unreaped).
ORPHANING = (
    "import subprocess, sys, time, os\n"
    "subprocess.Popen([sys.executable, '-c', {burn!r}])\n"
    "time.sleep(1.2)\n"
    "os._exit(0)\n"
)


def test_process_tree_holds_children_and_grandchildren() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", ORPHANING.format(burn=BURN.format(s=0.5))],
    )
    try:
        time.sleep(0.5)
        tree = process_tree(os.getpid())
        assert tree[0] == os.getpid() and child.pid in tree
        assert len(tree) >= 3  # this process, the child, the grandchild
    finally:
        child.wait()


def test_tree_cpu_keeps_the_cpu_of_an_orphaned_grandchild() -> None:
    pytest.importorskip("pyspark")
    from copytrace.engines.spark import TreeCPU

    with TreeCPU(interval=0.05) as meter:
        start = meter.seconds()
        child = subprocess.Popen([sys.executable, "-c", ORPHANING.format(burn=BURN.format(s=1.0))])
        child.wait()  # reaped; its grandchild, still burning, was not
        used = meter.seconds() - start
    # the grandchild burned ~1 s of CPU while its parent lived
    assert used >= 0.7, used
