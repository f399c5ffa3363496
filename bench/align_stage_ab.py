"""A/B of the scan's align stage: an old copytrace tree against the current one.

Capture gen-10k's (or any input's) spill and candidate pairs once, then in each of
``--rounds`` fresh processes align every candidate chunk with the old package and
the current one alternately (chunk by chunk, the order flipped every chunk), thread
CPU time of each side, and every chunk's records compared.

    .venv/bin/python bench/align_stage_ab.py --old-src /tmp/base-s8/src \\
        --input /work/bench-data/gen-10k/articles.jsonl --capture /tmp/align-cap --rounds 5

``--old-src`` is a ``src`` folder holding the old ``copytrace`` package; it is copied
as ``copytrace_old`` (imports renamed) so both load in one process. The capture is
kept in ``--capture`` and reused when it is already there.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path
from typing import Any

from bench_compare import capture_align_stage as capture
from bench_compare import copy_package

OLD_NAME = "copytrace_old"


def one_round(cap: Path) -> dict[str, float]:
    """One round (a fresh process): every chunk aligned by both sides in turn."""
    import copytrace.engines.local as new

    old = import_module(f"{OLD_NAME}.engines.local")
    with (cap / "candidates.pickle").open("rb") as fh:
        a, b, config = pickle.load(fh)
    chunks = new._align_chunks(a, b)
    cpu = {"old": 0.0, "new": 0.0}
    differ = 0
    for k, chunk in enumerate(chunks):
        got: dict[str, Any] = {}
        for side in ("old", "new") if k % 2 == 0 else ("new", "old"):
            engine = old if side == "old" else new
            engine._init_worker(str(cap), config)  # this side's worker state
            t0 = time.thread_time()
            got[side] = engine._align_task(chunk)
            cpu[side] += time.thread_time() - t0
        differ += [(n, r.to_dict()) for n, r in got["old"]] != [
            (n, r.to_dict()) for n, r in got["new"]
        ]
    return {"pairs": float(len(a)), "old_s": cpu["old"], "new_s": cpu["new"], "differ": differ}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--_round":
        print(json.dumps(one_round(Path(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-src", type=Path, required=True)
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--capture", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not (args.capture / "candidates.pickle").exists():
        capture(args.input, args.capture)
    with open(args.capture / "candidates.pickle", "rb") as fh:
        pairs = len(pickle.load(fh)[0])
    runs = []
    with tempfile.TemporaryDirectory(prefix="align-ab-") as tmp:
        copy_package(args.old_src, Path(tmp))
        for k in range(args.rounds):
            load = os.getloadavg()
            got = subprocess.run(
                [sys.executable, __file__, "--_round", str(args.capture)],
                env={**os.environ, "PYTHONPATH": f"{tmp}:{os.environ.get('PYTHONPATH', '')}"},
                capture_output=True,
                text=True,
                check=True,
            )
            run = json.loads(got.stdout.strip().splitlines()[-1])
            run["load"] = load[0]
            runs.append(run)
            print(
                f"round {k + 1}: old {1000 * run['old_s'] / pairs:.3f} ms a pair, new "
                f"{1000 * run['new_s'] / pairs:.3f} (ratio {run['new_s'] / run['old_s']:.3f}), "
                f"chunks differing {run['differ']}, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
                flush=True,
            )
    old_ms = statistics.median(1000 * r["old_s"] / pairs for r in runs)
    new_ms = statistics.median(1000 * r["new_s"] / pairs for r in runs)
    ratio = statistics.median(r["new_s"] / r["old_s"] for r in runs)
    print(
        f"median of {args.rounds}: old {old_ms:.3f} ms a pair, new {new_ms:.3f}, ratio "
        f"{ratio:.3f}; {pairs} pairs; chunks differing {sum(r['differ'] for r in runs)}"
    )
    if args.json:
        result = {"pairs": pairs, "rounds": runs, "old_ms": old_ms, "new_ms": new_ms}
        args.json.write_text(json.dumps(result | {"ratio": ratio}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
