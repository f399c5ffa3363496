"""Old and new chrome line hashes (and fingerprints) in ONE process, batch by batch in turn.

The old ``chrome.py`` (and, with ``--fingerprint``, ``fingerprint.py``) are loaded
from ``--old SRC`` as modules of their own; each batch of ``--batch`` articles is
run through ``flat_line_hashes`` (the texts ``stages.line_hashes_batch`` keeps:
with a source, not HTML) by both sides, the order flipping every batch, and the
CPU seconds summed. Outputs are compared batch by batch.

    python bench/chrome_inproc_ab.py /work/bench-data/gen-1m/articles/part-00004.jsonl \\
        --old /tmp/base-s8/src --batches 30 --fingerprint

Prints one JSON line: ms an article of each side, new/old ratio, the median of
the per-batch ratios, whether the outputs were equal, the load average.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import sys
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np


def _load(name: str, path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # (dataclasses look their module up)
    spec.loader.exec_module(mod)
    return mod


def _batches(path: str, skip: int, size: int) -> Iterator[list[dict[str, Any]]]:
    with open(path, encoding="utf-8") as f:
        rows = (json.loads(x) for x in itertools.islice(f, skip, None))
        while chunk := list(itertools.islice(rows, size)):
            yield chunk


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--old", required=True, help="the old code's src folder")
    ap.add_argument("--batches", type=int, default=60)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--skip", type=int, default=0)
    ap.add_argument("--fingerprint", action="store_true")
    a = ap.parse_args()

    from copytrace import chrome as new_chrome
    from copytrace import fingerprint as new_fp

    old_chrome = _load("old_chrome", os.path.join(a.old, "copytrace/chrome.py"))
    old_fp = _load("old_fp", os.path.join(a.old, "copytrace/fingerprint.py"))
    sides = {"old": (old_chrome, old_fp), "new": (new_chrome, new_fp)}
    for chrome, fp in sides.values():  # (imports and tables, outside the timing)
        chrome.flat_line_hashes(["Warm up\nthe ‘chrome’ pass 1"])
        fp.fingerprint_texts(["Warm up the ‘fingerprints’ too, café 1"])
    cpu = {"old": 0.0, "new": 0.0}
    fp_cpu = {"old": 0.0, "new": 0.0}
    per: dict[str, list[float]] = {"old": [], "new": []}
    n = rows = 0
    equal = fp_equal = True
    for b, chunk in enumerate(itertools.islice(_batches(a.corpus, a.skip, a.batch), a.batches)):
        texts = [r["text"] for r in chunk if r.get("source") and not r.get("is_html")]
        n += len(chunk)
        order = ("old", "new") if b % 2 else ("new", "old")
        out: dict[str, Any] = {}
        for side in order:
            t = time.process_time()
            out[side] = sides[side][0].flat_line_hashes(texts)
            dt = time.process_time() - t
            cpu[side] += dt
            per[side].append(dt)
        rows += len(out["new"][0])
        if not all(np.array_equal(x, y) for x, y in zip(out["old"], out["new"], strict=True)):
            equal = False
            print("line hashes differ in batch", b, file=sys.stderr)
        if a.fingerprint:
            every = [r["text"] for r in chunk]
            for side in order:
                t = time.process_time()
                out[side] = sides[side][1].fingerprint_texts(every)
                fp_cpu[side] += time.process_time() - t
            if not all(
                np.array_equal(getattr(out["old"], f), getattr(out["new"], f))
                for f in ("doc", "hash", "pos")
            ):
                fp_equal = False
                print("fingerprints differ in batch", b, file=sys.stderr)
    report: dict[str, Any] = {
        "articles": n,
        "rows": rows,
        "equal": equal,
        "old_ms": round(cpu["old"] / n * 1e3, 4),
        "new_ms": round(cpu["new"] / n * 1e3, 4),
        "ratio": round(cpu["new"] / cpu["old"], 3),
        "median_batch_ratio": round(float(np.median(np.divide(per["new"], per["old"]))), 3),
        "load": os.getloadavg(),
    }
    if a.fingerprint:
        report.update(
            fp_equal=fp_equal,
            fp_old_ms=round(fp_cpu["old"] / n * 1e3, 4),
            fp_new_ms=round(fp_cpu["new"] / n * 1e3, 4),
            fp_ratio=round(fp_cpu["new"] / fp_cpu["old"], 3),
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
