"""Tune and cross-validate the aligner's PAN preset on the PAN 2013 training corpus.

Loads a (stratified) sample of pairs once, tokenises each document once, then
scores parameter settings with the official PAN 2013 measures
(:mod:`copytrace.eval.pan`). ``--cv K`` runs K-fold cross-validation: for
each fold the best setting of the grid on the other folds is scored on the
held-out fold, and the folds' spread is printed.

Usage:
    .venv/bin/python bench/tune_align_pan.py ROOT --per-category 60 [--cv 5] [--grid NAME]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import copytrace.align
from copytrace.align import PRESETS, AlignParams, align_tokens
from copytrace.eval.pan import (
    TRUTH_TAG,
    Annotation,
    PanPair,
    Scores,
    passages_to_annotations,
    read_annotations,
    read_corpus,
    read_document,
    score,
)
from copytrace.text import Tokens, sentence_spans, tokenize


@dataclass
class Doc:
    text: str
    tokens: Tokens
    sentences: list[tuple[int, int]]


@dataclass
class Item:
    pair: PanPair
    a: Doc
    b: Doc
    cases: list[Annotation]


_DOCS: dict[Path, Doc] = {}


def load_doc(path: Path) -> Doc:
    if path not in _DOCS:
        text = read_document(path)
        _DOCS[path] = Doc(text, tokenize(text), sentence_spans(text))
    return _DOCS[path]


def load(root: Path, per_category: int, seed: int) -> list[Item]:
    pairs = read_corpus(root)
    by_cat: dict[str, list[PanPair]] = defaultdict(list)
    for p in pairs:
        by_cat[p.category or "?"].append(p)
    rng = random.Random(seed)
    items: list[Item] = []
    for cat in sorted(by_cat):
        chosen = by_cat[cat]
        if per_category and len(chosen) > per_category:
            chosen = rng.sample(chosen, per_category)
        for p in chosen:
            cases = read_annotations(p.truth_path, TRUTH_TAG) if p.truth_path else []
            items.append(Item(p, load_doc(p.susp_path), load_doc(p.src_path), cases))
    return items


def detect(item: Item, params: AlignParams) -> list[Annotation]:
    a, b = item.a, item.b
    flip = (len(b.text), b.text) < (len(a.text), a.text)  # align()'s canonical order
    if flip:
        a, b = b, a
    ps = align_tokens(
        a.tokens,
        b.tokens,
        params,
        a_sentences=a.sentences,
        b_sentences=b.sentences,
        a_text=a.text,
        b_text=b.text,
        reuser="b" if flip else "a",  # the suspicious document reuses (see align_suspicious)
    )
    if flip:
        ps = [copytrace.align._mirror(p) for p in ps]
    return passages_to_annotations(item.pair, ps)


def evaluate(items: Sequence[Item], params: AlignParams) -> dict[str, Scores]:
    by_cat: dict[str, tuple[list[Annotation], list[Annotation]]] = defaultdict(lambda: ([], []))
    all_c: list[Annotation] = []
    all_d: list[Annotation] = []
    for it in items:
        dets = detect(it, params)
        c, d = by_cat[it.pair.category or "?"]
        c.extend(it.cases)
        d.extend(dets)
        all_c.extend(it.cases)
        all_d.extend(dets)
    out = {cat: score(c, d) for cat, (c, d) in sorted(by_cat.items())}
    out["overall"] = score(all_c, all_d)
    return out


def show(name: str, scores: dict[str, Scores]) -> None:
    cells = " ".join(
        f"{k[:5]}={v.plagdet:.4f}({v.recall:.3f}/{v.precision:.3f}/{v.granularity:.3f})"
        for k, v in scores.items()
        if k != "01-no-plagiarism"
    )
    fp = scores.get("01-no-plagiarism")
    print(f"{name:<40} {cells} fp={fp.detections if fp else 0}", flush=True)


GRIDS: dict[str, dict[str, list[object]]] = {
    "none": {},
    "cov": {"sentence_covered": [0.5, 1.0]},
    "lone": {"lone_paraphrase_cosine": [0.0, 0.4, 0.5, 0.6]},
    "cv": {
        "merge_gap": [30, 45, 60],
        "paraphrase_cosine": [0.28, 0.33],
        "paraphrase_dice": [0.28, 0.33],
    },
    "summary": {"summary_cosine": [0.25, 0.3], "summary_doc_cosine": [0.2, 0.25, 0.3]},
    "join": {"join_gap": [12, 16, 24, 32], "min_words": [8]},
    "seed": {"seed_words": [3, 4, 5], "join_gap": [32, 48]},
    "back": {"join_back": [-1, 0, 3, 8]},
    "exact": {"exact_run": [0, 8], "contradict_slack": [-1, 0], "exact_only": [False, True]},
    "cv2": {"seed_words": [3, 4], "join_gap": [16, 32, 48]},
    "nv": {"near_verbatim_similarity": [0.0, 0.35, 0.45, 0.55], "min_words": [8, 12]},
    "strong": {"strong_run": [0, 8, 12, 20], "case_cosine": [0.4, 0.5]},
    "final": {"join_gap": [16, 24, 32], "summary_cosine": [0.22, 0.25]},
    "repeat": {"repeat_ratio": [0.0, 1.5, 2.0, 3.0]},
    "sumcov": {"summary_covered": [0.0, 0.5, 0.8, 0.9, 0.95], "summary_explained": [0.5]},
    "cv3": {"repeat_ratio": [0.0, 2.0], "summary_covered": [0.0, 0.9]},
    "rescue": {"rescue_cosine": [0.0, 0.4, 0.6]},
    "rrun": {"rescue_run": [0, 5, 6, 8]},
    "cv4": {"rescue_cosine": [0.0, 0.6]},
    "whole": {"summary_whole": [0.0, 0.1, 0.2, 0.25, 0.3]},
    "tail": {"tail_run": [0, 20, 30], "tail_cosine": [0.2, 0.3, 0.4]},
    "cv5": {"tail_run": [0, 30], "strict_run": [0, 30], "lone_rare": [0, 3]},
    "jl": {"lone_paraphrase_cosine": [0.45, 0.5], "summary_cosine": [0.22, 0.25]},
    "ablate": {"tail_run": [0, 30], "strict_run": [0, 30]},
    "rare2": {"lone_rare": [0, 2, 3, 4]},
    "strict": {"strict_run": [0, 20, 30, 50]},
    "slack": {"contradict_slack": [0, 1, 3, 5]},
    "rare": {"lone_rare": [0, 2, 3, 4, 5]},
    "raretail": {"lone_rare": [0, 3, 4], "tail_run": [0, 30]},
    "grams": {"lone_grams": [0, 6, 8, 10, 12]},
    "names": {"name_own": [0, 5, 6, 8]},
    "cv6": {"lone_grams": [0, 6, 8, 10], "name_own": [0, 5, 8]},
    "minc": {"min_chars": [150, 170, 200, 250]},
    "gap": {"merge_gap": [20, 30, 45], "paraphrase_cosine": [0.3, 0.33, 0.4]},
}


def settings(grid: dict[str, list[object]], base: AlignParams) -> Iterator[AlignParams]:
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        yield replace(base, **dict(zip(keys, values, strict=True)))  # type: ignore[arg-type]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--per-category", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cv", type=int, default=0)
    ap.add_argument("--grid", default="none", choices=sorted(GRIDS))
    ap.add_argument(
        "--set", action="append", default=[], help="override a pan parameter: name=value"
    )
    args = ap.parse_args()
    t0 = time.perf_counter()
    copytrace.align.DOC_CACHE_SIZE = 1_000_000  # every document stays prepared
    items = load(args.root, args.per_category, args.seed)
    print(f"{len(items)} pairs loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    base = PRESETS["pan"]
    for item in args.set:
        key, value = item.split("=", 1)
        base = replace(base, **{key: type(getattr(base, key))(value)})
    candidates = list(settings(GRIDS[args.grid], base))
    if not args.cv:
        for params in candidates:
            t0 = time.perf_counter()
            sc = evaluate(items, params)
            changed = {k: getattr(params, k) for k in GRIDS[args.grid]}
            show(f"{changed} {time.perf_counter() - t0:.1f}s", sc)
        return
    rng = random.Random(args.seed)
    order = list(range(len(items)))
    rng.shuffle(order)
    folds = [order[k :: args.cv] for k in range(args.cv)]
    held: list[float] = []
    for k, fold in enumerate(folds):
        test = [items[i] for i in fold]
        train = [items[i] for j, f in enumerate(folds) if j != k for i in f]
        best = max(candidates, key=lambda p: evaluate(train, p)["overall"].plagdet)
        sc = evaluate(test, best)
        held.append(sc["overall"].plagdet)
        show(f"fold {k} { ({g: getattr(best, g) for g in GRIDS[args.grid]}) }", sc)
    print(
        f"held-out overall PlagDet: mean {statistics.mean(held):.3f}, "
        f"min {min(held):.3f}, max {max(held):.3f}, sd {statistics.pstdev(held):.3f}"
    )


if __name__ == "__main__":
    main()
