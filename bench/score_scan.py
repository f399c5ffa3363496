#!/usr/bin/env python
"""Score a ``copytrace scan`` output folder against generated truth.

Both folders hold ``pairs.jsonl``, ``passages.jsonl`` and ``clusters.jsonl`` with
the scan output schemas (the truth folder may be the corpus folder, whose truth
lives in ``truth/``). Metrics:

* **pairs**: precision, recall and F1 over unordered article pairs;
  ``recall_by_relation`` splits recall by the truth's ``relation`` field
  (reprint, reprint-of-reprint, quote, indirect, sibling) when present.
* **direction**: over true pairs that have a source and that the scan found,
  the share where the scan names the same ``source_id`` (a null guess is wrong);
  ``decided`` is the share where it names any source.
* **passages**: character overlap on both sides of each article pair.
  ``char_f1`` is the mean per-pair F1 over true pairs the scan found (how exact
  the passages are); ``char_micro`` sums characters over every pair of either
  side (misses and false pairs included).
* **clusters**: adjusted Rand index over the articles in any cluster of either
  side (an article missing from one side is a singleton there).
* **attribution**: over true directed pairs found, the share where "any passage
  attributed" agrees.

Usage::

    python bench/score_scan.py CORPUS_OR_TRUTH_DIR SCAN_OUT_DIR [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

Pair = tuple[str, str]
Spans = list[tuple[int, int]]


def _truth_dir(path: Path) -> Path:
    """The folder that holds the truth files (``DIR`` or ``DIR/truth``)."""
    if not (path / "pairs.jsonl").exists() and (path / "truth" / "pairs.jsonl").exists():
        return path / "truth"
    return path


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSON Lines file (missing file: no rows); a bad line names itself."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None


def _key(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def load_pairs(folder: Path) -> dict[Pair, tuple[str | None, str]]:
    """``pairs.jsonl`` as unordered pair -> (source_id, relation); compact for 1M corpora."""
    return {
        _key(r["a_id"], r["b_id"]): (r.get("source_id"), str(r.get("relation", "all")))
        for r in iter_jsonl(folder / "pairs.jsonl")
    }


def load_passages(folder: Path) -> tuple[dict[Pair, dict[str, Spans]], dict[Pair, bool]]:
    """Character spans per pair and article, and whether any passage is attributed."""
    spans: dict[Pair, dict[str, Spans]] = defaultdict(lambda: defaultdict(list))
    attributed: dict[Pair, bool] = defaultdict(bool)
    for r in iter_jsonl(folder / "passages.jsonl"):
        key = _key(r["source_id"], r["target_id"])
        spans[key][r["source_id"]].append((int(r["source_start"]), int(r["source_end"])))
        spans[key][r["target_id"]].append((int(r["target_start"]), int(r["target_end"])))
        attributed[key] |= bool(r.get("attributed"))
    return spans, attributed


def load_clusters(folder: Path) -> dict[str, str]:
    """Article id -> cluster id."""
    out: dict[str, str] = {}
    for r in iter_jsonl(folder / "clusters.jsonl"):
        for aid in r["article_ids"]:
            out[aid] = str(r["cluster_id"])
    return out


def merge(spans: Iterable[tuple[int, int]]) -> Spans:
    """Sorted union of ``[start, end)`` spans.

    >>> merge([(5, 9), (0, 3), (2, 4), (9, 10)])
    [(0, 4), (5, 10)]
    """
    out: Spans = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def length(spans: Spans) -> int:
    """Characters covered by merged spans."""
    return sum(e - s for s, e in spans)


def overlap(a: Spans, b: Spans) -> int:
    """Characters covered by both merged span lists.

    >>> overlap([(0, 10)], [(5, 15), (20, 30)])
    5
    """
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            total += hi - lo
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _prf(tp: float, pred: float, true: float) -> dict[str, float]:
    p = tp / pred if pred else (1.0 if not true else 0.0)
    r = tp / true if true else (1.0 if not pred else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _comb2(n: int) -> int:
    return n * (n - 1) // 2


def adjusted_rand_index(labels_a: list[str], labels_b: list[str]) -> float:
    """ARI of two labelings of the same items (Hubert and Arabie), from the contingency table.

    >>> adjusted_rand_index(["x", "x", "y", "y"], ["p", "p", "q", "q"])
    1.0
    >>> adjusted_rand_index(["x", "x", "y", "y"], ["p", "q", "p", "q"])
    -0.5
    """
    n = len(labels_a)
    if n != len(labels_b):
        raise ValueError("labelings must cover the same items")
    cells: dict[tuple[str, str], int] = defaultdict(int)
    rows: dict[str, int] = defaultdict(int)
    cols: dict[str, int] = defaultdict(int)
    for x, y in zip(labels_a, labels_b, strict=True):
        cells[(x, y)] += 1
        rows[x] += 1
        cols[y] += 1
    index = sum(_comb2(v) for v in cells.values())
    sum_a = sum(_comb2(v) for v in rows.values())
    sum_b = sum(_comb2(v) for v in cols.values())
    total = _comb2(n)
    expected = sum_a * sum_b / total if total else 0.0
    best = (sum_a + sum_b) / 2
    if best == expected:
        return 1.0
    return round((index - expected) / (best - expected), 4)


def score(truth_dir: str | Path, scan_out_dir: str | Path) -> dict[str, Any]:
    """All metrics of a scan output against the truth (see the module docstring).

    Example:
        >>> score("/tmp/corpus10k", "/tmp/scan10k")["pairs"]["recall"]  # doctest: +SKIP
        0.97
    """
    tdir, sdir = _truth_dir(Path(truth_dir)), Path(scan_out_dir)
    t_pairs, s_pairs = load_pairs(tdir), load_pairs(sdir)
    t_spans, t_attr = load_passages(tdir)
    s_spans, s_attr = load_passages(sdir)
    found = t_pairs.keys() & s_pairs.keys()
    result: dict[str, Any] = {
        "truth_pairs": len(t_pairs),
        "scan_pairs": len(s_pairs),
        "pairs": _prf(len(found), len(s_pairs), len(t_pairs)),
    }
    by_rel: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, (_, rel) in t_pairs.items():
        by_rel[rel][0] += key in found
        by_rel[rel][1] += 1
    result["recall_by_relation"] = {
        rel: {"found": f, "of": n, "recall": round(f / n, 4)}
        for rel, (f, n) in sorted(by_rel.items())
    }
    directed = [k for k in found if t_pairs[k][0] is not None]
    right = sum(s_pairs[k][0] == t_pairs[k][0] for k in directed)
    decided = sum(s_pairs[k][0] is not None for k in directed)
    result["direction"] = {
        "pairs": len(directed),
        "accuracy": round(right / len(directed), 4) if directed else 1.0,
        "decided": round(decided / len(directed), 4) if directed else 1.0,
    }
    f1s: list[float] = []
    tp = pred = true = 0
    for key in t_pairs.keys() | s_pairs.keys() | t_spans.keys() | s_spans.keys():
        k_tp = k_pred = k_true = 0
        for aid in key:
            t = merge(t_spans.get(key, {}).get(aid, []))
            s = merge(s_spans.get(key, {}).get(aid, []))
            k_tp += overlap(t, s)
            k_true += length(t)
            k_pred += length(s)
        tp, pred, true = tp + k_tp, pred + k_pred, true + k_true
        if key in found:
            f1s.append(_prf(k_tp, k_pred, k_true)["f1"])
    result["passages"] = {
        "char_f1": round(sum(f1s) / len(f1s), 4) if f1s else 1.0,
        "char_micro": _prf(tp, pred, true),
    }
    t_clu, s_clu = load_clusters(tdir), load_clusters(sdir)
    items = sorted(t_clu.keys() | s_clu.keys())
    result["clusters"] = {
        "truth_clusters": len(set(t_clu.values())),
        "scan_clusters": len(set(s_clu.values())),
        "articles": len(items),
        "ari": adjusted_rand_index(
            [t_clu.get(i, "single:" + i) for i in items],
            [s_clu.get(i, "single:" + i) for i in items],
        ),
    }
    agree = sum(t_attr.get(k, False) == s_attr.get(k, False) for k in directed)
    result["attribution"] = {
        "pairs": len(directed),
        "accuracy": round(agree / len(directed), 4) if directed else 1.0,
    }
    return result


def _table(res: dict[str, Any]) -> str:
    p, d, pa, c = res["pairs"], res["direction"], res["passages"], res["clusters"]
    lines = [
        f"pairs       truth {res['truth_pairs']}  scan {res['scan_pairs']}  "
        f"P {p['precision']:.4f}  R {p['recall']:.4f}  F1 {p['f1']:.4f}",
        f"direction   {d['pairs']} directed pairs found  accuracy {d['accuracy']:.4f}  "
        f"decided {d['decided']:.4f}",
        f"passages    char F1 (found pairs) {pa['char_f1']:.4f}  micro P "
        f"{pa['char_micro']['precision']:.4f} R {pa['char_micro']['recall']:.4f} "
        f"F1 {pa['char_micro']['f1']:.4f}",
        f"clusters    truth {c['truth_clusters']}  scan {c['scan_clusters']}  "
        f"ARI {c['ari']:.4f} over {c['articles']} articles",
        f"attribution accuracy {res['attribution']['accuracy']:.4f}",
    ]
    for rel, v in res["recall_by_relation"].items():
        lines.append(f"  recall {rel:<20} {v['found']}/{v['of']} = {v['recall']:.4f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python bench/score_scan.py TRUTH SCAN_OUT [--json]``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("truth", type=Path, help="corpus folder (or its truth/ folder)")
    ap.add_argument("scan_out", type=Path, help="folder written by copytrace scan --out")
    ap.add_argument("--json", action="store_true", help="print the metrics as JSON")
    args = ap.parse_args(argv)
    for folder, what in ((_truth_dir(args.truth), "truth"), (args.scan_out, "scan output")):
        if not (folder / "pairs.jsonl").exists():
            print(f"error: {folder}: no pairs.jsonl ({what})", file=sys.stderr)
            return 2
    res = score(args.truth, args.scan_out)
    print(json.dumps(res, indent=2) if args.json else _table(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
