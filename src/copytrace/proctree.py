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
