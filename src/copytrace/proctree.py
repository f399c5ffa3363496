"""Process trees from /proc (Linux): the processes whose CPU and memory a run's
figures add up (the Spark engine's per-stage CPU, the benchmarks' peak RSS)."""

from __future__ import annotations

import os


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (empty where /proc is missing)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                # the command name may hold spaces or ")": parse after the last ")"
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) of ``root`` and its descendants so far, the
    children each has reaped included (a worker of a fork server counts once it
    has ended; its CPU is its parent's, not the root's ``RUSAGE_CHILDREN``).
    0.0 where /proc is missing."""
    ticks = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            # utime, stime, cutime, cstime
            ticks += sum(int(f) for f in fields[11:15])
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")
