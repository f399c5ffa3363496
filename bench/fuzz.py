"""Run the fuzz targets of tests/test_fuzz.py for as long as asked.

CI runs each target for a few dozen examples; this runs rounds of
``--examples`` fresh random examples per target until ``--minutes`` are spent,
and writes every failure (the shrunk input and the error) under ``--out``.
Turn each finding into a test in tests/test_fuzz_regressions.py.

    python bench/fuzz.py --minutes 30                  # all targets, round robin
    python bench/fuzz.py --minutes 5 --target warc --target parquet

Prints one JSON summary: examples run per target, seconds, failures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy

ROOT = Path(__file__).resolve().parent.parent


def load_targets() -> dict[str, tuple[Callable[[bytes], object], SearchStrategy[bytes]]]:
    spec = importlib.util.spec_from_file_location("fuzz_targets", ROOT / "tests" / "test_fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_targets"] = module
    spec.loader.exec_module(module)
    return dict(module.TARGETS)


def run_round(
    name: str, target: Callable[[bytes], object], strategy: SearchStrategy[bytes], examples: int
) -> tuple[int, str | None]:
    """One round of ``examples`` random inputs; returns (examples run, failure or None)."""
    seen = 0
    last: list[bytes] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,  # every round explores fresh inputs
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(strategy)
    def check(data: bytes) -> None:
        nonlocal seen
        seen += 1
        last[:] = [data]
        target(data)

    try:
        check()
    except Exception as exc:  # a finding: the shrunk input is the last one run
        detail = "".join(traceback.format_exception(exc))
        return seen, f"input={last[0]!r}\n\n{detail}" if last else detail
    return seen, None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--examples", type=int, default=200, help="examples per round")
    ap.add_argument("--target", action="append", help="target name (default: all)")
    ap.add_argument("--out", type=Path, default=Path("fuzz-findings"))
    args = ap.parse_args()
    os.environ.setdefault("COPYTRACE_FUZZ_EXAMPLES", str(args.examples))
    targets = load_targets()
    names = args.target or sorted(targets)
    unknown = set(names) - set(targets)
    if unknown:
        ap.error(f"unknown target(s) {sorted(unknown)}; choose from {sorted(targets)}")
    deadline = time.monotonic() + args.minutes * 60
    stats = {n: {"examples": 0, "seconds": 0.0, "failures": 0} for n in names}
    while time.monotonic() < deadline:
        for name in names:
            if time.monotonic() >= deadline:
                break
            target, strategy = targets[name]
            t0 = time.monotonic()
            seen, failure = run_round(name, target, strategy, args.examples)
            st = stats[name]
            st["examples"] += seen
            st["seconds"] = round(float(st["seconds"]) + time.monotonic() - t0, 1)
            if failure is not None:
                st["failures"] += 1
                args.out.mkdir(parents=True, exist_ok=True)
                path = args.out / f"{name}-{int(time.time())}.txt"
                path.write_text(failure)
                print(f"{name}: failure written to {path}", file=sys.stderr)
    print(json.dumps({"minutes": args.minutes, "targets": stats}, indent=2))


if __name__ == "__main__":
    main()
