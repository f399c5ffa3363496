"""Benchmark ``compare`` as library calls: the seed pair and 5,000-word article pairs.

Times, on one core (this process), the median milliseconds per pair of:

- ``align``: the aligner alone on already-cleaned articles;
- ``compare (cleaned)``: align + attribute + coverage on already-cleaned articles;
- ``attribute``: direction and attribution alone, on the aligned passages;
- ``compare_files (end to end)``: read both files, clean, align, attribute.

With ``--against REV`` it also loads ``copytrace.attribute`` as it was at git
revision REV, checks that it gives the same passages (``attributed`` flags) and
direction (source, confidence, evidence) as the current one on every pair, and
times the two alternately in this process (``attribute``, and ``compare`` with
either), so both sides see the same machine load; ``--corpus DIR`` adds the check
on every true pair of a ``bench/gen_corpus.py`` corpus.

The 5,000-word pairs are generated (fixed seed): article b takes about a fifth
of its sentences from article a, verbatim or with a word changed, inserted or
dropped, and writes the rest itself.

``--align-stage JSONL --against REV`` times the scan's align stage instead: the
local engine's stages up to the candidate pairs run once on JSONL (their spill
and candidates captured), then each of ``--rounds`` fresh processes loads the
package at REV (a renamed copy, ``copytrace_old``) and the current one and
aligns every candidate chunk with both, alternating which goes first, in
thread CPU time; every pair's record must be identical on both sides.

Usage:
    .venv/bin/python bench/bench_compare.py [--pairs 10] [--repeat 5] [--json OUT]
        [--against REV [--corpus DIR]]
    .venv/bin/python bench/bench_compare.py --align-stage JSONL --against REV [--rounds 3]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from dataclasses import replace
from importlib import import_module
from pathlib import Path
from typing import Any

from copytrace.align import _tokens, align
from copytrace.attribute import attribute, attribute_and_cover, clear_caches
from copytrace.compare import compare, compare_files, ensure_clean
from copytrace.ingest.files import read_article_file
from copytrace.model import Article

COMPARE_MODULE: Any = import_module(
    "copytrace.compare"
)  # the package's ``compare`` is the function
ROOT = Path(__file__).resolve().parent.parent
NIKKEI = ROOT / "examples" / "004_3080a4ee7dd42127.txt"
TASS = ROOT / "examples" / "000_3f926fbd34ea6708.txt"
FUNCTION = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "it",
    "was",
    "said",
    "were",
    "has",
    "have",
    "but",
    "its",
    "be",
    "will",
    "are",
    "this",
    "an",
    "which",
    "after",
    "their",
    "over",
    "also",
    "been",
    "more",
    "than",
    "would",
]


VOCAB_SIZE = 20000
_CUM = list(__import__("itertools").accumulate(1.0 / (r + 1) for r in range(VOCAB_SIZE)))


def _vocab(rng: random.Random, size: int = VOCAB_SIZE) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(size)]


def _sentence(rng: random.Random, vocab: list[str]) -> str:
    # function words ~40% of running text, content words Zipf-like (weight 1/rank)
    words = []
    for _ in range(rng.randint(12, 30)):
        if rng.random() < 0.4:
            words.append(rng.choice(FUNCTION))
        else:
            words.append(rng.choices(vocab, cum_weights=_CUM)[0])
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _edit(rng: random.Random, sentence: str, vocab: list[str]) -> str:
    words = sentence.split()
    k = rng.randrange(1, len(words) - 1)
    op = rng.random()
    if op < 0.33:
        words[k] = rng.choice(vocab)
    elif op < 0.66:
        words.insert(k, rng.choice(vocab))
    else:
        del words[k]
    return " ".join(words)


def make_pair(seed: int, words: int = 5000, reuse: float = 0.2) -> tuple[str, str]:
    """Two ~``words``-word texts; b reuses about ``reuse`` of its sentences from a."""
    rng = random.Random(seed)
    vocab = _vocab(rng)
    a_sents: list[str] = []
    while sum(len(s.split()) for s in a_sents) < words:
        a_sents.append(_sentence(rng, vocab))
    b_sents: list[str] = []
    while sum(len(s.split()) for s in b_sents) < words:
        if rng.random() < reuse:
            src = rng.choice(a_sents)
            b_sents.append(src if rng.random() < 0.5 else _edit(rng, src, vocab))
        else:
            b_sents.append(_sentence(rng, vocab))

    def paragraphs(sents: list[str]) -> str:
        return "\n\n".join(" ".join(sents[k : k + 4]) for k in range(0, len(sents), 4)) + "\n"

    return paragraphs(a_sents), paragraphs(b_sents)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU milliseconds of this thread per call (the machine is shared, so
    CPU time, not wall time); the per-article caches (the aligner's tokens,
    attribution's credit work) are emptied before each call so every call works
    on the pair afresh."""
    fn()  # warm caches (stems, regexes)
    times = []
    for _ in range(repeat):
        clear_article_caches()
        t0 = time.thread_time()
        fn()
        times.append((time.thread_time() - t0) * 1000)
    return statistics.median(times)


def clear_article_caches(*old: types.ModuleType) -> None:
    """Empty what the aligner and attribution remember per article (and what the
    ``old`` attribution modules remember: both sides of a comparison start afresh)."""
    _tokens.cache_clear()
    clear_caches()
    for module in old:
        getattr(module, "clear_caches", lambda: None)()


def with_coverage(attribute_fn: Callable[..., Any], coverage_fn: Callable[..., float]) -> Any:
    """``attribute_and_cover`` made of an ``attribute`` and a ``coverage`` (revisions
    before ``attribute_and_cover``): what ``compare`` did with them."""

    def attribute_and_cover_old(a: Article, b: Article, passages: Any) -> Any:
        out, direction = attribute_fn(a, b, passages)
        return (
            out,
            direction,
            coverage_fn(a, [(p.a_start, p.a_end) for p in out]),
            coverage_fn(b, [(p.b_start, p.b_end) for p in out]),
        )

    return attribute_and_cover_old


def bench(pairs: int, repeat: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    a = ensure_clean(read_article_file(NIKKEI))
    b = ensure_clean(read_article_file(TASS))
    seed_passages = align(a, b)
    results["seed pair"] = {
        "align": median_ms(lambda: align(a, b), repeat * 10),
        "compare (cleaned)": median_ms(lambda: compare(a, b), repeat * 10),
        "attribute": median_ms(lambda: attribute(a, b, seed_passages), repeat * 10),
        "compare_files (end to end)": median_ms(lambda: compare_files(NIKKEI, TASS), repeat * 10),
        "passages": float(len(compare(a, b).passages)),
    }
    rows: dict[str, list[float]] = {k: [] for k in results["seed pair"]}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(pairs):
            ta, tb = make_pair(k)
            pa, pb = Path(tmp) / f"a{k}.txt", Path(tmp) / f"b{k}.txt"
            pa.write_text(ta, encoding="utf-8")
            pb.write_text(tb, encoding="utf-8")
            ca = ensure_clean(read_article_file(pa))
            cb = ensure_clean(read_article_file(pb))
            # generated text has no chrome: content is the whole text either way
            ca = replace(ca, content=ca.content or ((0, len(ta)),))
            rows["align"].append(median_ms(functools.partial(align, ca, cb), repeat))
            rows["compare (cleaned)"].append(median_ms(functools.partial(compare, ca, cb), repeat))
            ps = align(ca, cb)
            rows["attribute"].append(median_ms(functools.partial(attribute, ca, cb, ps), repeat))
            rows["compare_files (end to end)"].append(
                median_ms(functools.partial(compare_files, pa, pb), repeat)
            )
            rows["passages"].append(float(len(compare(ca, cb).passages)))
    results["5,000-word pairs"] = {k: statistics.median(v) for k, v in rows.items()}
    return results


def cleaned_pairs(pairs: int) -> list[tuple[str, Article, Article]]:
    """The seed pair and ``pairs`` generated 5,000-word pairs, cleaned."""
    seed = [ensure_clean(read_article_file(p)) for p in (NIKKEI, TASS)]
    out = [("seed pair", seed[0], seed[1])]
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(pairs):
            texts = make_pair(k)
            arts = []
            for side, text in zip("ab", texts, strict=True):
                path = Path(tmp) / f"{side}{k}.txt"
                path.write_text(text, encoding="utf-8")
                art = ensure_clean(read_article_file(path))
                arts.append(replace(art, content=art.content or ((0, len(text)),)))
            out.append(("5,000-word pairs", arts[0], arts[1]))
    return out


def attribute_at(rev: str) -> types.ModuleType:
    """``copytrace.attribute`` as it was at git revision ``rev``, as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{rev}:src/copytrace/attribute.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType(f"copytrace_attribute_{rev}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:src/copytrace/attribute.py", "exec"), module.__dict__)
    return module


def corpus_pairs(corpus: Path) -> list[tuple[Article, Article]]:
    """The true pairs of a ``bench/gen_corpus.py`` corpus (JSONL), articles with their
    true content spans."""
    content = {}
    with (corpus / "truth" / "content.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            content[row["id"]] = tuple((s, e) for s, e in row["content"])
    arts = {}
    with (corpus / "articles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            arts[row["id"]] = Article(
                row["id"],
                row["text"],
                content[row["id"]],
                title=row.get("title"),
                published=row.get("published"),
                source=row.get("source"),
                url=row.get("url"),
            )
    with (corpus / "truth" / "pairs.jsonl").open(encoding="utf-8") as lines:
        return [(arts[r["a_id"]], arts[r["b_id"]]) for r in map(json.loads, lines)]


def check_corpus(old: types.ModuleType, rev: str, corpus: Path) -> dict[str, float]:
    """Attribution at ``rev`` and now identical on every true pair of ``corpus``; the
    two timed alternately on each pair (median CPU ms per ordered pair)."""
    checked = attributed = 0
    times: dict[str, list[float]] = {rev: [], "now": []}
    for a, b in corpus_pairs(corpus):
        for x, y in ((a, b), (b, a)):
            passages = align(x, y)
            for side, fn in ((rev, old.attribute), ("now", attribute)):
                clear_article_caches(old)  # time each ordered pair afresh
                t0 = time.thread_time()
                fn(x, y, passages)
                times[side].append((time.thread_time() - t0) * 1000)
            now = attribute(x, y, passages)
            if old.attribute(x, y, passages) != now:
                raise AssertionError(f"{x.id} vs {y.id}: attribution at {rev} differs from now")
            checked += 1
            attributed += sum(p.attributed for p in now[0])
    print(
        f"identical attribution at {rev} and now on {checked} ordered pairs of {corpus} "
        f"({attributed} attributed passages)"
    )
    cell = {side: statistics.median(ts) for side, ts in times.items()}
    cell["ratio"] = cell["now"] / cell[rev]
    return cell


def against(
    rev: str, pairs: int, repeat: int, corpus: Path | None = None
) -> dict[str, dict[str, float]]:
    """Attribution at ``rev`` vs now: identical outputs on every pair (raises if not),
    CPU ms medians timed alternately (old, new, old, new, ...) in this process."""
    old = attribute_at(rev)
    results: dict[str, dict[str, float]] = {}
    if corpus:
        results["corpus pairs: attribute"] = check_corpus(old, rev, corpus)
    old_and_cover = getattr(old, "attribute_and_cover", None) or with_coverage(
        old.attribute, old.coverage
    )
    cells: dict[tuple[str, str], list[float]] = {}
    checked = 0
    for case, a, b in cleaned_pairs(pairs):
        passages = align(a, b)
        for x, y in ((a, b), (b, a)):
            ps = passages if x is a else align(x, y)
            if old.attribute(x, y, ps) != attribute(x, y, ps):
                raise AssertionError(f"{case}: attribution at {rev} differs from now")
            checked += 1

        def compare_with(fn: Callable[..., object], a: Article = a, b: Article = b) -> object:
            COMPARE_MODULE.attribute_and_cover = fn
            try:
                return compare(a, b)
            finally:
                COMPARE_MODULE.attribute_and_cover = attribute_and_cover

        if compare_with(old_and_cover) != compare(a, b):
            raise AssertionError(f"{case}: compare with attribution at {rev} differs from now")
        fns: dict[tuple[str, str], Callable[[], object]] = {
            ("attribute", rev): functools.partial(old.attribute, a, b, passages),
            ("attribute", "now"): functools.partial(attribute, a, b, passages),
            ("compare (cleaned)", rev): lambda: compare_with(old_and_cover),
            ("compare (cleaned)", "now"): lambda: compare_with(attribute_and_cover),
        }
        for fn in fns.values():
            fn()  # warm
        n = repeat * 10 if case == "seed pair" else repeat
        times: dict[tuple[str, str], list[float]] = {key: [] for key in fns}
        for _ in range(n):
            for key, fn in fns.items():
                clear_article_caches(old)
                t0 = time.thread_time()
                fn()
                times[key].append((time.thread_time() - t0) * 1000)
        for (what, side), ts in times.items():
            cells.setdefault((f"{case}: {what}", side), []).append(statistics.median(ts))
    print(f"identical attribution at {rev} and now on {checked} article pairs (both orders)")
    for (name, side), meds in cells.items():
        results.setdefault(name, {})[side] = statistics.median(meds)
    for cell in results.values():
        cell["ratio"] = cell["now"] / cell[rev]
    return results


def package_at(rev: str, into: Path, name: str = "copytrace_old") -> None:
    """The ``copytrace`` package at git revision ``rev`` as package ``name`` in ``into``."""
    import tarfile
    from io import BytesIO

    archive = subprocess.run(
        ["git", "archive", rev, "src/copytrace"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into / "tree", filter="data")
    copy_package(into / "tree" / "src", into, name)


def copy_package(src: Path, into: Path, name: str = "copytrace_old") -> None:
    """``src/copytrace`` copied as package ``name`` in ``into``, its own imports renamed."""
    import re

    own = re.compile(r"(?<![\w/-])copytrace(?=[.\s\"'])")
    root = src / "copytrace"
    for path in root.rglob("*"):
        if "__pycache__" in path.parts:
            continue
        dest = into / name / path.relative_to(root)
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".py":
            dest.write_text(own.sub(name, path.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            dest.write_bytes(path.read_bytes())


def capture_align_stage(source: Path, into: Path) -> int:
    """Run the local engine on ``source`` up to its candidate pairs; keep the spill
    (``raw.arrow``, ``meta.arrow``) and the candidates in ``into``. Returns the pairs."""
    import contextlib
    import pickle
    import shutil

    import copytrace.engines.local as local
    from copytrace.scan import ScanConfig, scan

    class Captured(Exception):
        pass

    real_pool = local._pool

    @contextlib.contextmanager
    def pool(jobs: int, work: Path, config: Any, timer: Any) -> Any:
        with real_pool(jobs, work, config, timer) as imap:
            try:
                yield imap
            except Captured as done:
                for name in ("raw.arrow", "meta.arrow"):
                    shutil.copy(work / name, into / name)
                with (into / "candidates.pickle").open("wb") as fh:
                    pickle.dump((*done.args, config), fh)
                raise

    def stop(
        imap: Any, a: Any, b: Any, progress: Any, work: Any, summary: Any, keep_chunks: bool = True
    ) -> Any:
        raise Captured(a, b)

    into.mkdir(parents=True, exist_ok=True)
    saved = local._pool, local._align
    local._pool, local._align = pool, stop
    try:
        scan([source], into / "out", config=ScanConfig(jobs=1, report=False))
    except Captured as done:
        return len(done.args[0])
    finally:
        local._pool, local._align = saved
    raise RuntimeError("the scan ended without reaching its align stage")


def align_stage_round(capture: Path, old_name: str) -> dict[str, float]:
    """One round (run in a fresh process): align every candidate chunk with the old
    and the current package alternately; thread CPU seconds of each, records compared."""
    import pickle

    import copytrace.engines.local as new

    old = import_module(f"{old_name}.engines.local")
    with (capture / "candidates.pickle").open("rb") as fh:
        a, b, config = pickle.load(fh)
    chunks = new._align_chunks(a, b)
    cpu = {"old": 0.0, "now": 0.0}
    differ = 0
    # each side's worker state, set up once as a pool worker's is (the two packages
    # are apart: each has its own worker state, spill reader and caches)
    for engine in (old, new):
        engine._init_worker(str(capture), config)
    for k, chunk in enumerate(chunks):
        got: dict[str, Any] = {}
        for side in ("old", "now") if k % 2 == 0 else ("now", "old"):
            engine = old if side == "old" else new
            t0 = time.thread_time()
            res = engine._align_task(chunk)
            cpu[side] += time.thread_time() - t0
            # (since session 21 a task also returns the pairs it failed on)
            got[side] = res[0] if isinstance(res, tuple) else res
        differ += [(n, r.to_dict()) for n, r in got["old"]] != [
            (n, r.to_dict()) for n, r in got["now"]
        ]
    return {"pairs": float(len(a)), "old_s": cpu["old"], "now_s": cpu["now"], "differ": differ}


def align_stage(
    source: Path,
    rev: str,
    rounds: int,
    old_src: Path | None = None,
    capture: Path | None = None,
) -> dict[str, Any]:
    """``--align-stage``: capture once (or reuse ``capture``), then ``rounds`` fresh
    processes; the old side is git revision ``rev``, or the package in ``old_src``."""
    import pickle

    with tempfile.TemporaryDirectory(prefix="align-stage-") as tmp:
        work = Path(tmp)
        cap = capture or work / "capture"
        if not (cap / "candidates.pickle").exists():
            capture_align_stage(source, cap)
        with (cap / "candidates.pickle").open("rb") as fh:
            pairs = len(pickle.load(fh)[0])
        if old_src is not None:
            copy_package(old_src, work / "pkg")
        else:
            package_at(rev, work / "pkg")
        runs = []
        for k in range(rounds):
            load = os.getloadavg()
            got = subprocess.run(
                [sys.executable, __file__, "--_round", str(cap)],
                env={
                    **os.environ,
                    "PYTHONPATH": f"{work / 'pkg'}:{os.environ.get('PYTHONPATH', '')}",
                },
                capture_output=True,
                text=True,
                check=True,
            )
            run = json.loads(got.stdout.strip().splitlines()[-1])
            run["load"] = load[0]
            runs.append(run)
            print(
                f"round {k + 1}: {rev} {1000 * run['old_s'] / pairs:.3f} ms a pair, now "
                f"{1000 * run['now_s'] / pairs:.3f} (ratio {run['now_s'] / run['old_s']:.3f}), "
                f"chunks differing {run['differ']}, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
                flush=True,
            )
    old_ms = statistics.median(1000 * r["old_s"] / pairs for r in runs)
    now_ms = statistics.median(1000 * r["now_s"] / pairs for r in runs)
    ratio = statistics.median(r["now_s"] / r["old_s"] for r in runs)
    print(
        f"median of {rounds}: {rev} {old_ms:.3f} ms a pair, now {now_ms:.3f}, ratio of rounds "
        f"{ratio:.3f}; {pairs} candidate pairs; differing chunks {sum(r['differ'] for r in runs)}"
    )
    return {"pairs": pairs, "rounds": runs, "old_ms": old_ms, "now_ms": now_ms, "ratio": ratio}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--_round":  # one --align-stage round
        print(json.dumps(align_stage_round(Path(sys.argv[2]), "copytrace_old")))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10, help="generated 5,000-word pairs")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per pair")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--against", metavar="REV", help="also time attribution at git revision REV vs now"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        help="with --against: also check identical attribution on every true pair of "
        "this bench/gen_corpus.py output folder (JSONL)",
    )
    parser.add_argument(
        "--align-stage",
        type=Path,
        metavar="JSONL",
        help="with --against: time the scan's align stage on this input instead",
    )
    parser.add_argument("--rounds", type=int, default=3, help="--align-stage rounds")
    parser.add_argument(
        "--old-src",
        type=Path,
        help="with --align-stage: the old side is the copytrace package in this src "
        "folder (instead of --against REV)",
    )
    parser.add_argument(
        "--capture", type=Path, help="with --align-stage: keep the capture here and reuse it"
    )
    args = parser.parse_args()
    if args.align_stage:
        if not args.against and not args.old_src:
            parser.error("--align-stage needs --against REV or --old-src DIR")
        label = args.against or str(args.old_src)
        result = align_stage(args.align_stage, label, args.rounds, args.old_src, args.capture)
        if args.json:
            args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
        return
    load = {"load average before": os.getloadavg()[0]}
    if args.against:
        side_by_side = against(args.against, args.pairs, args.repeat, args.corpus)
        print(f"{'case: what':<36} {args.against:>12} {'now':>8} {'ratio':>6}  (median CPU ms)")
        for name, cell in side_by_side.items():
            print(
                f"{name:<36} {cell[args.against]:>12.2f} {cell['now']:>8.2f} {cell['ratio']:>6.2f}"
            )
    results: dict[str, dict[str, float]] = bench(args.pairs, args.repeat)
    if args.against:
        results[f"now vs {args.against}"] = {
            f"{name} ({side})": value
            for name, cell in side_by_side.items()
            for side, value in cell.items()
        }
    load["load average after"] = os.getloadavg()[0]
    results["machine"] = load
    print(
        f"load average (1 min) before {load['load average before']:.2f}, "
        f"after {load['load average after']:.2f}"
    )
    print(f"{'case':<18} {'what':<28} {'median ms/pair':>15}")
    for case, row in results.items():
        if case.startswith(("now vs", "machine")):
            continue
        for what, value in row.items():
            shown = f"{value:.0f}" if what == "passages" else f"{value:.2f}"
            print(f"{case:<18} {what:<28} {shown:>15}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
