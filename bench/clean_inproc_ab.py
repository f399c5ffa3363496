"""Old and new cleaner and fingerprints in ONE process, batch by batch in turn.

CPU time on a shared machine swings by 10-20% between runs; here the two
versions share the process, the cache and the moments of contention: each
1,000-article batch is cleaned (``clean_many``, the scan's path) and
fingerprinted by the old code, then by the new (the order flips every batch),
and the CPU seconds of each are summed. The old ``clean.py`` and
``fingerprint.py`` (with its ``clean_meta.py``, ``stoplists.py`` and ``clean_batch.py``) are
loaded from ``--old SRC`` as modules of their own (their own line memo), each
importing the others' old versions (swapped in while the old side runs); any
other module they import comes from the installed copytrace (the new code), so
keep the other modules the same on both sides.

    python bench/clean_inproc_ab.py /work/bench-data/gen-100k/articles.jsonl --old /tmp/base/src

``--share W/J`` keeps one scan worker's share, as ``engines/local.py`` deals
clean batches to ``J`` workers (batch ``b`` of ``--batch`` articles to worker
``b % J``: every other batch for 2), for the line memo's hit rate at scale;
CORPUS may then be several files, comma-separated, read in turn. ``--stream``
reads the batches as it goes (no chrome learned: fine for the memo and RSS);
``--side new`` (or ``old``) runs one side alone, for its peak RSS.

Prints one JSON line: CPU seconds and ms an article of each side (clean,
fingerprint), the new/old ratios, the new (memo-missing) lines an article each
side worked out, whether the outputs are equal, peak RSS, the load.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import itertools
import json
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator
from types import ModuleType

import copytrace
from clean_many_ab import warm_stoplists  # (this script's folder is on sys.path)
from copytrace import clean as new_clean
from copytrace import clean_batch, clean_meta, stoplists
from copytrace import fingerprint as new_fp
from copytrace.chrome import ChromeLearner
from copytrace.model import Article


def _load(path: str, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _batches(args: argparse.Namespace) -> Iterator[list[Article]]:
    """The articles, ``--batch`` at a time, the ``--share`` of them."""
    w, j = map(int, args.share.split("/"))
    k = 0  # articles read
    rows: list[Article] = []
    for path in args.corpus.split(","):
        with open(path, encoding="utf-8") as fh:
            for line in itertools.islice(fh, args.skip, args.skip + args.limit):
                if (k // args.batch) % j == w:
                    r = json.loads(line)
                    rows.append(Article(id=r["id"], text=r["text"], source=r.get("source")))
                    if len(rows) == args.batch:
                        yield rows
                        rows = []
                k += 1
    if rows:
        yield rows


def _counting(
    f: Callable[[list[str]], list[object]], counts: dict[str, int], side: str
) -> Callable[[list[str]], list[object]]:
    def counted(texts: list[str]) -> list[object]:
        counts[side] += len(texts)
        return f(texts)

    return counted


# (in import order; stoplists.py split from clean.py in session 16: an old tree
# without it uses the new one)
_OWN = ("clean_meta", "stoplists", "clean", "clean_batch", "fingerprint")


class _Modules:
    """``copytrace.<name>`` of the modules in ``_OWN`` set to ``mods`` meanwhile."""

    def __init__(self, mods: dict[str, ModuleType]) -> None:
        self.mods = mods
        self.saved: dict[str, ModuleType] = {}

    def __enter__(self) -> None:
        for name, mod in self.mods.items():
            self.saved[name] = sys.modules[f"copytrace.{name}"]
            sys.modules[f"copytrace.{name}"] = mod
            setattr(copytrace, name, mod)

    def __exit__(self, *exc: object) -> None:
        for name, mod in self.saved.items():
            sys.modules[f"copytrace.{name}"] = mod
            setattr(copytrace, name, mod)


def _load_old(src: str) -> dict[str, ModuleType]:
    """The old versions of ``_OWN`` from ``src``, each importing the others' old ones."""
    assert clean_meta and clean_batch and stoplists  # (the new ones loaded first)
    old: dict[str, ModuleType] = {}
    for name in _OWN:
        if not os.path.exists(f"{src}/copytrace/{name}.py"):
            continue
        with _Modules(old):
            old[name] = _load(f"{src}/copytrace/{name}.py", f"copytrace_old_{name}")
    return old


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--old", required=True, help="the old code's src folder")
    ap.add_argument("--limit", type=int, default=6000, help="articles read (each file)")
    ap.add_argument("--skip", type=int, default=0, help="articles to skip first (each file)")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=1, help="passes over the articles")
    ap.add_argument("--share", default="0/1", help="W/J: scan worker W of J's batches")
    ap.add_argument("--stream", action="store_true", help="read as it goes; no chrome")
    ap.add_argument("--side", default="both", choices=["both", "old", "new"])
    args = ap.parse_args()
    old = _load_old(args.old)
    old_clean, old_fp = old["clean"], old["fingerprint"]
    swap = {"old": lambda: _Modules(old), "new": lambda: _Modules({})}
    if args.stream:
        batches: Iterator[list[Article]] | list[list[Article]] = _batches(args)
        learned: dict[str, frozenset[int]] = {}
    else:
        batches = list(_batches(args))
        learner = ChromeLearner()
        for a in itertools.chain.from_iterable(batches):
            learner.add(a.source, a.text)
        learned = learner.finish()
    sides: dict[str, tuple[ModuleType, ModuleType]] = {
        "old": (old_clean, old_fp),
        "new": (new_clean, new_fp),
    }
    if args.side != "both":
        sides = {args.side: sides[args.side]}
    cpu = {k: {"clean": 0.0, "fingerprint": 0.0} for k in sides}
    new_lines = dict.fromkeys(sides, 0)
    for side, (cm, _) in sides.items():  # count the lines each side works out
        setattr(cm, "_new_lines", _counting(getattr(cm, "_new_lines"), new_lines, side))  # noqa: B009, B010
    # The collector's CPU seconds, put down to the side running when it ran.
    gc_cpu = dict.fromkeys(sides, 0.0)
    running = [""]
    gc_start = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_start[0] = time.process_time()
        elif running[0]:
            gc_cpu[running[0]] += time.process_time() - gc_start[0]

    gc.callbacks.append(on_gc)
    first = {}
    for side, (cm, fm) in sides.items():  # the one-time costs, apart
        t = time.process_time()
        warm_stoplists(cm)
        fm.fingerprint_texts(["Café “x” Ǆemal ﬁne 東京 one two three four five"])
        first[side] = round(time.process_time() - t, 3)
    same = True
    n = 0
    for r in range(args.rounds if isinstance(batches, list) else 1):
        for b, arts in enumerate(batches):
            n += len(arts)
            known = [learned.get(a.source, frozenset()) if a.source else frozenset() for a in arts]
            order = ["old", "new"] if (b + r) % 2 == 0 else ["new", "old"]
            got = {}
            for side in [s for s in order if s in sides]:
                cm, fm = sides[side]
                running[0] = side
                with swap[side]():
                    t = time.process_time()
                    cleaned = cm.clean_many(arts, chrome_hashes=known)
                    t2 = time.process_time()
                    fp = fm.fingerprint_texts(
                        [fm.content_text(a) if a.content else "" for a in cleaned]
                    )
                    t3 = time.process_time()
                running[0] = ""
                cpu[side]["clean"] += t2 - t
                cpu[side]["fingerprint"] += t3 - t2
                got[side] = (
                    [(a.content, a.title, a.published, a.dateline) for a in cleaned],
                    fp.doc.tobytes(),
                    fp.hash.tobytes(),
                    fp.pos.tobytes(),
                )
            same = same and len(set(map(repr, got.values()))) == 1
    out: dict[str, object] = {"articles": n, "share": args.share, "one_time_cpu_s": first}
    for side in sides:
        c, f = cpu[side]["clean"], cpu[side]["fingerprint"]
        out[side] = {
            "clean_ms": round(c / n * 1000, 4),
            "fingerprint_ms": round(f / n * 1000, 4),
            "total_ms": round((c + f) / n * 1000, 4),
            "new_lines_an_article": round(new_lines[side] / n, 2),
            "gc_ms": round(gc_cpu[side] / n * 1000, 4),
        }
    if len(sides) == 2:
        for part in ("clean", "fingerprint"):
            out[f"{part}_new_over_old"] = round(cpu["new"][part] / cpu["old"][part], 3)
        total = {s: cpu[s]["clean"] + cpu[s]["fingerprint"] for s in sides}
        out["total_new_over_old"] = round(total["new"] / total["old"], 3)
        out["outputs_equal"] = same
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
