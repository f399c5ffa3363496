"""Old and new cleaner and fingerprints in ONE process, batch by batch in turn.

CPU time on a shared machine swings by 10-20% between runs; here the two
versions share the process, the cache and the moments of contention: each
1,000-article batch is cleaned (``clean_many``, the scan's path) and
fingerprinted by the old code, then by the new (the order flips every batch),
and the CPU seconds of each are summed. The old ``clean.py`` and
``fingerprint.py`` are loaded from ``--old SRC`` as modules of their own (their
own line memo); whatever they import comes from the installed copytrace (the
new code), so keep the other modules the same on both sides.

    python bench/clean_inproc_ab.py /work/bench-data/gen-100k/articles.jsonl --old /tmp/base/src

Prints one JSON line: CPU seconds and ms an article of each side (clean,
fingerprint), the new/old ratios, whether the outputs are equal, the load.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import sys
import time
from types import ModuleType

from copytrace import clean as new_clean
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--old", required=True, help="the old code's src folder")
    ap.add_argument("--limit", type=int, default=6000)
    ap.add_argument("--skip", type=int, default=0, help="articles to skip first")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=1, help="passes over the articles")
    args = ap.parse_args()
    old_clean = _load(f"{args.old}/copytrace/clean.py", "copytrace_old_clean")
    old_fp = _load(f"{args.old}/copytrace/fingerprint.py", "copytrace_old_fingerprint")
    with open(args.corpus, encoding="utf-8") as fh:
        rows = [json.loads(x) for x in itertools.islice(fh, args.skip, args.skip + args.limit)]
    arts = [Article(id=r["id"], text=r["text"], source=r.get("source")) for r in rows]
    learner = ChromeLearner()
    for a in arts:
        learner.add(a.source, a.text)
    model = learner.finish()
    known = [model.get(a.source, frozenset()) if a.source else frozenset() for a in arts]
    sides = {"old": (old_clean, old_fp), "new": (new_clean, new_fp)}
    cpu = {k: {"clean": 0.0, "fingerprint": 0.0} for k in sides}
    first = {}
    for side, (cm, fm) in sides.items():  # the one-time costs, apart
        t = time.process_time()
        cm._stopwords()
        cm._stop_lang_bytes()
        fm.fingerprint_texts(["Café “x” Ǆemal ﬁne 東京 one two three four five"])
        first[side] = round(time.process_time() - t, 3)
    same = True
    for r in range(args.rounds):
        for b, i in enumerate(range(0, len(arts), args.batch)):
            order = ["old", "new"] if (b + r) % 2 == 0 else ["new", "old"]
            got = {}
            for side in order:
                cm, fm = sides[side]
                t = time.process_time()
                j = i + args.batch
                cleaned = cm.clean_many(arts[i:j], chrome_hashes=known[i:j])
                t2 = time.process_time()
                fp = fm.fingerprint_texts(
                    [fm.content_text(a) if a.content else "" for a in cleaned]
                )
                t3 = time.process_time()
                cpu[side]["clean"] += t2 - t
                cpu[side]["fingerprint"] += t3 - t2
                got[side] = (
                    [(a.content, a.title, a.published, a.dateline) for a in cleaned],
                    fp.doc.tobytes(),
                    fp.hash.tobytes(),
                    fp.pos.tobytes(),
                )
            same = same and got["old"] == got["new"]
    n = len(arts) * args.rounds
    out: dict[str, object] = {"articles": n, "one_time_cpu_s": first}
    for side in sides:
        c, f = cpu[side]["clean"], cpu[side]["fingerprint"]
        out[side] = {
            "clean_ms": round(c / n * 1000, 4),
            "fingerprint_ms": round(f / n * 1000, 4),
            "total_ms": round((c + f) / n * 1000, 4),
        }
    for part in ("clean", "fingerprint"):
        out[f"{part}_new_over_old"] = round(cpu["new"][part] / cpu["old"][part], 3)
    total = {s: cpu[s]["clean"] + cpu[s]["fingerprint"] for s in sides}
    out["total_new_over_old"] = round(total["new"] / total["old"], 3)
    out["outputs_equal"] = same
    out["load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
