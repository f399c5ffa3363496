"""Benchmark ``compare`` as library calls: the seed pair and 5,000-word article pairs.

Times, on one core (this process), the median milliseconds per pair of:

- ``align``: the aligner alone on already-cleaned articles;
- ``compare (cleaned)``: align + attribute + coverage on already-cleaned articles;
- ``compare_files (end to end)``: read both files, clean, align, attribute.

The 5,000-word pairs are generated (fixed seed): article b takes about a fifth
of its sentences from article a, verbatim or with a word changed, inserted or
dropped, and writes the rest itself.

Usage:
    .venv/bin/python bench/bench_compare.py [--pairs 10] [--repeat 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from copytrace.align import _tokens, align
from copytrace.compare import compare, compare_files, ensure_clean
from copytrace.ingest.files import read_article_file

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
    CPU time, not wall time); the aligner's per-text token cache is emptied
    before each call so every call tokenises afresh."""
    fn()  # warm caches (stems, regexes)
    times = []
    for _ in range(repeat):
        _tokens.cache_clear()
        t0 = time.thread_time()
        fn()
        times.append((time.thread_time() - t0) * 1000)
    return statistics.median(times)


def bench(pairs: int, repeat: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    a = ensure_clean(read_article_file(NIKKEI))
    b = ensure_clean(read_article_file(TASS))
    results["seed pair"] = {
        "align": median_ms(lambda: align(a, b), repeat * 10),
        "compare (cleaned)": median_ms(lambda: compare(a, b), repeat * 10),
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
            rows["align"].append(median_ms(lambda ca=ca, cb=cb: align(ca, cb), repeat))
            rows["compare (cleaned)"].append(
                median_ms(lambda ca=ca, cb=cb: compare(ca, cb), repeat)
            )
            rows["compare_files (end to end)"].append(
                median_ms(lambda pa=pa, pb=pb: compare_files(pa, pb), repeat)
            )
            rows["passages"].append(float(len(compare(ca, cb).passages)))
    results["5,000-word pairs"] = {k: statistics.median(v) for k, v in rows.items()}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10, help="generated 5,000-word pairs")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per pair")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    results = bench(args.pairs, args.repeat)
    print(f"{'case':<18} {'what':<28} {'median ms/pair':>15}")
    for case, row in results.items():
        for what, value in row.items():
            shown = f"{value:.0f}" if what == "passages" else f"{value:.2f}"
            print(f"{case:<18} {what:<28} {shown:>15}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
