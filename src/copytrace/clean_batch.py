"""The cleaner's model over many pages at once: features, scores and decisions.

``clean_many`` (:mod:`copytrace.clean`) scores the plain-text pages of a batch
here: the same numbers as :func:`copytrace.clean.line_features`,
``Cleaner.probabilities`` and :func:`copytrace.clean.decide` page by page, with
numpy's per-call cost paid once per batch instead of once per page.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np

from copytrace.clean import (
    _COL,
    _CONTEXT,
    _INTERSTITIAL_RE,
    _NF,
    _NONPROSE_COST,
    _PROSE_MIN_STOP,
    _PROSE_MIN_WORDS,
    _STRONG_P,
    _STRONG_WORDS,
    _WINDOW,
    Cleaner,
    LineModel,
    _Line,
    _logit,
    _page_stop,
)
from copytrace.stoplists import (
    MIN_STOPLIST_COVERAGE,
    STOP_COUNT,
    stop_count_sums,
    stop_lanes,
    stop_langs,
    stop_list_ids,
    stoplists,
)


def _keep_many(
    pages: Sequence[tuple[str, Sequence[tuple[int, int]], list[_Line], np.ndarray]],
    chromes: Sequence[frozenset[str]],
    cleaner: Cleaner,
) -> list[np.ndarray]:
    """``[cleaner.keep(text, spans, chrome=c) ...]`` for many pages (text, spans, lines, hard)."""
    out: list[np.ndarray] = [np.zeros(0, dtype=bool)] * len(pages)
    batch = _scores_batch([p[:3] for p in pages], cleaner)
    if batch is None:
        return out
    todo, starts, ns, x, p2 = batch
    hard = np.concatenate([pages[i][3] for i in todo])
    # (see clean._hard_and_passed)
    passed = np.zeros(len(hard), dtype=bool)
    for j, i in enumerate(todo):
        lo = int(starts[j])
        lines = pages[i][2]
        for k in np.flatnonzero(pages[i][3]).tolist():
            passed[lo + k] = _INTERSTITIAL_RE.match(lines[k].key) is not None
        if chromes[i]:
            learned = np.array([ln.key in chromes[i] for ln in lines], dtype=bool)
            passed[lo : lo + int(ns[j])] |= learned & ~pages[i][3]
            hard[lo : lo + int(ns[j])] |= learned
    keep = _decide_many(x, p2, hard, starts, ns, cleaner.threshold, cleaner.margin, passed)
    for j, i in enumerate(todo):
        lo = int(starts[j])
        out[i] = keep[lo : lo + int(ns[j])]
    return out


def _decide_many(
    x: np.ndarray,
    p2: np.ndarray,
    hard: np.ndarray,
    starts: np.ndarray,
    ns: np.ndarray,
    threshold: float,
    margin: float,
    passed: np.ndarray,
) -> np.ndarray:
    """:func:`decide` of each page (rows ``starts[j]`` on, ``ns[j]`` of them), at once."""
    big = len(p2)
    page_of = np.repeat(np.arange(len(ns)), ns)
    lo = starts[page_of]
    hi = lo + ns[page_of]
    at = np.arange(big)
    empty = x[:, _COL["log_words"]] <= 0
    bad = hard | empty | (p2 < threshold - margin)
    good = ~bad & (p2 >= threshold + margin)
    keep = good.copy()
    unsettled = ~good & ~bad
    if unsettled.any():
        settled = good | (bad & ~passed)
        sign = np.where(good, 1, -1)
        # the nearest settled line before and after each line on its page (-1: the edge)
        prev = np.full(big, -1, dtype=np.int64)
        prev[1:] = np.maximum.accumulate(np.where(settled, at, -1))[:-1]
        before = np.where(prev >= lo, sign[np.maximum(prev, 0)], -1)
        nxt = np.full(big, big, dtype=np.int64)
        nxt[:-1] = np.minimum.accumulate(np.where(settled, at, big)[::-1])[::-1][1:]
        after = np.where(nxt < hi, sign[np.minimum(nxt, big - 1)], -1)
        page_good = np.logical_or.reduceat(good, starts)[page_of]
        own = np.where(page_good & (before == after), before > 0, p2 >= threshold)
        keep = np.where(unsettled, own, keep)
    nwords = np.expm1(x[:, _COL["log_words"]])
    strong = (p2 >= _STRONG_P) & (nwords >= _STRONG_WORDS) & ~hard
    nxt_strong = np.full(big, big, dtype=np.int64)
    nxt_strong[:-1] = np.minimum.accumulate(np.where(strong, at, big)[::-1])[::-1][1:]
    strong_after = nxt_strong < hi
    first_kept = np.minimum.reduceat(np.where(keep, at, big), starts)[page_of]
    cut_at = (x[:, _COL["section_end"]] != 0) & ~strong_after & (at > first_kept)
    cut = np.minimum.reduceat(np.where(cut_at, at, big), starts)[page_of]
    return keep & (at < cut)


def _scores_many(
    pages: Sequence[tuple[str, Sequence[tuple[int, int]], list[_Line]]], cleaner: Cleaner
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(line_features, cleaner.probabilities)`` of many pages (text, spans, lines)."""
    empty = (np.zeros((0, _NF)), np.zeros(0))
    out: list[tuple[np.ndarray, np.ndarray]] = [empty] * len(pages)
    batch = _scores_batch(pages, cleaner)
    if batch is not None:
        todo, starts, ns, x, p2 = batch
        for j, i in enumerate(todo):
            lo, hi = int(starts[j]), int(starts[j] + ns[j])
            out[i] = (x[lo:hi], p2[lo:hi])
    return out


def _scores_batch(
    pages: Sequence[tuple[str, Sequence[tuple[int, int]], list[_Line]]], cleaner: Cleaner
) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The pages with lines, their first rows and line counts, and ``_scores_many``'s
    features and scores of all their lines in one array each (None: no lines).

    The same numbers as page by page: ``line_features`` and ``stage2_features``
    column by column over all the pages' lines at once (elementwise operations,
    neighbours taken within a page), the per-page parts (stoplist, densest block,
    counts of keys and prefixes) page by page. Saves numpy's per-call cost on
    small pages.
    """
    todo = [i for i, p in enumerate(pages) if len(p[1])]
    if not todo:
        return None
    ns = np.array([len(pages[i][1]) for i in todo], dtype=np.int64)
    big = int(ns.sum())
    starts = np.zeros(len(todo), dtype=np.int64)
    np.cumsum(ns[:-1], out=starts[1:])
    lasts = starts + ns - 1
    all_lines = [ln for i in todo for ln in pages[i][2]]
    col = _COL
    # (joined straight into a writable buffer: no second copy of the rows)
    x = np.frombuffer(bytearray().join([ln._row for ln in all_lines]), dtype=np.float64)
    x = x.reshape(big, _NF)
    nwords = np.array([ln.nwords for ln in all_lines], dtype=np.float64)
    stop_density = np.zeros(big)
    repeated: list[bool] = []
    prefix_repeat: list[float] = []
    page_stops, counted, stop_counts = _page_stops(
        [pages[i][2] for i in todo], all_lines, starts, nwords
    )
    no_stop = np.array([float(not stop) for stop in page_stops])
    for i, lo, stop, known in zip(todo, starts.tolist(), page_stops, counted.tolist(), strict=True):
        lines = pages[i][2]
        n = len(lines)
        if stop and not known:
            stop_density[lo : lo + n] = [ln.stop_density(stop) for ln in lines]
        # (most pages repeat no key and no opening: then no counting)
        page_keys = [ln.key for ln in lines]
        if len(set(page_keys)) == n:
            repeated += [False] * n
        else:
            keys = Counter(page_keys)
            repeated += [keys[k] > 1 for k in page_keys]
        prefixes = [ln.prefix for ln in lines]
        opened = [q for q in prefixes if q]
        if len(set(opened)) == len(opened):
            prefix_repeat += [0.0] * n  # (log1p(1 - 1) for each opening)
        else:
            openings = Counter(opened)
            prefix_repeat += [math.log1p(openings[q] - 1) if q else 0.0 for q in prefixes]
    page_of = np.repeat(np.arange(len(todo)), ns)
    if counted.any():  # (the lines' words in their page's stoplist, counted above)
        on = counted[page_of]
        stop_density[on] = stop_counts[on] / np.maximum(nwords[on], 1.0)
    flat = chain.from_iterable(chain.from_iterable([pages[i][1] for i in todo]))
    se = np.fromiter(flat, np.int64, 2 * big).reshape(big, 2)
    # Two line breaks between a line and the next on its page (a gap of 2+ characters
    # at least); a page's edges count.
    two = np.zeros(big, dtype=bool)
    wide = np.flatnonzero(se[1:, 0] - se[:-1, 1] >= 2)
    wide = wide[np.isin(wide, lasts, invert=True)]
    # (as lists: no numpy scalar per gap)
    texts = [pages[i][0] for i in todo]
    gaps = zip(page_of[wide].tolist(), se[wide, 1].tolist(), se[wide + 1, 0].tolist(), strict=True)
    two[wide] = [texts[j].count("\n", a, b) >= 2 for j, a, b in gaps]
    blank_after = two.copy()
    blank_after[lasts] = True
    blank_before = np.ones(big, dtype=bool)
    blank_before[1:] = two[:-1]
    blank_before[starts] = True
    chars = np.array([max(1, len(pages[i][0])) for i in todo], dtype=np.int64)[page_of]
    position = (se[:, 0] + se[:, 1]) / 2 / chars
    x[:, col["stop"]] = stop_density
    x[:, col["no_stoplist"]] = no_stop[page_of]
    x[:, col["repeated"]] = repeated
    x[:, col["position"]] = position
    end_punct = x[:, col["end_punct"]] > 0
    prose = (nwords >= _PROSE_MIN_WORDS) & (end_punct | (stop_density >= _PROSE_MIN_STOP))
    x[:, col["prose"]] = prose
    x[:, col["long_prose"]] = prose & (nwords > 30)
    x[starts, col["first"]] = 1.0
    x[lasts, col["last"]] = 1.0
    # (sums of whole numbers: exact in any order)
    prose_words = np.add.reduceat(np.where(prose, nwords, 0.0), starts)
    all_words = np.add.reduceat(nwords, starts)
    share = [
        float(p / max(1.0, a))
        for p, a in zip(prose_words.tolist(), all_words.tolist(), strict=True)
    ]
    x[:, col["page_prose_share"]] = np.array(share)[page_of]
    x[:, col["page_log_lines"]] = np.array([math.log1p(n) for n in ns.tolist()])[page_of]
    chromy = (x[:, col["chrome_phrase_short"]] > 0) | (x[:, col["separators"]] > 0)
    chromy |= (x[:, col["glue"]] >= 0.5) | (x[:, col["template"]] > 0)
    n_chromy = np.add.reduceat(chromy.astype(np.int64), starts).tolist()
    x[:, col["page_chrome_lines"]] = np.array([math.log1p(c) for c in n_chromy])[page_of]
    headers = x[:, col["comment_header"]]
    for j in np.flatnonzero(np.add.reduceat(headers, starts) >= 2).tolist():
        lo, hi = int(starts[j]), int(starts[j] + ns[j])
        x[lo:hi, col["after_comments"]] = np.log1p(np.cumsum(headers[lo:hi]))
    idx = np.arange(big) - starts[page_of]  # each line's index on its page
    lo_of, hi_of = _blocks(prose, nwords, starts, ns)
    x[:, col["in_core"]] = (idx >= lo_of[page_of]) & (idx < hi_of[page_of])
    x[:, col["core_dist"]] = np.log1p(_block_dist(idx, lo_of[page_of], hi_of[page_of]))
    # runs of short lines (a run ends at a page's edge)
    short = nwords <= 4
    new_run = np.ones(big, dtype=bool)
    new_run[1:] = short[1:] != short[:-1]
    new_run[starts] = True
    run_id = np.cumsum(new_run) - 1
    run_len = np.bincount(run_id)[run_id]
    x[:, col["run_short"]] = np.log1p(np.where(short, run_len, 0).astype(np.float64))
    x[:, col["prefix_repeat"]] = prefix_repeat
    x[:, col["blank_before"]] = blank_before
    x[:, col["blank_after"]] = blank_after
    # neighbours on the same page
    not_first = np.ones(big, dtype=bool)
    not_first[starts] = False
    not_last = np.ones(big, dtype=bool)
    not_last[lasts] = False
    after_first = np.flatnonzero(not_first)
    before_last = np.flatnonzero(not_last)
    lw = x[:, col["log_words"]]
    x[after_first, col["prev_log_words"]] = lw[after_first - 1]
    x[before_last, col["next_log_words"]] = lw[before_last + 1]
    pf = prose.astype(np.float64)
    x[after_first, col["prev_prose"]] = pf[after_first - 1]
    x[before_last, col["next_prose"]] = pf[before_last + 1]
    # the pages laid out _WINDOW zeros apart: a window never reaches another page
    gap = _WINDOW
    where = np.arange(big) + gap * (page_of + 1)
    padded = np.zeros(big + gap * (len(todo) + 1))
    padded[where] = pf
    x[:, col["window_prose"]] = sum(padded[where + k - gap] for k in range(7)) / 7

    # stage 1, then stage 2 from the neighbours' scores
    bounds = list(zip(starts.tolist(), (starts + ns).tolist(), strict=True))
    p1 = _score_pages(cleaner.stage1, x, bounds)
    c = np.zeros((big, len(_CONTEXT)))
    c[:, 0] = _logit(p1)
    padded[where] = p1
    c[:, 1] = padded[where - 1]
    c[:, 2] = padded[where + 1]
    c[:, 3] = padded[where - 2]
    c[:, 4] = padded[where + 2]
    windows = np.stack([padded[where + k] for k in range(-_WINDOW, _WINDOW + 1) if k])
    c[:, 5] = windows.mean(axis=0)
    c[:, 6] = windows.max(axis=0)
    good = p1 >= 0.5
    lo_of, hi_of = _blocks(good, np.expm1(x[:, col["log_words"]]), starts, ns)
    c[:, 7] = (idx >= lo_of[page_of]) & (idx < hi_of[page_of])
    c[:, 8] = np.log1p(_block_dist(idx, lo_of[page_of], hi_of[page_of]))
    c[:, 9] = np.log1p(_good_dist_many(good, starts, ns, page_of, idx))
    p2 = _score_pages(cleaner.stage2, np.hstack([x, c]), bounds)
    return todo, starts, ns, x, p2


# A page's count rows add up in STOP_COUNT lanes, 4 of a uint64 at a time, while
# no language's count can reach 2**16: below that many words on the page.
_LANE_SUM_MAX_WORDS = 1 << 16


def _page_stops(
    page_lines: list[list[_Line]], all_lines: list[_Line], starts: np.ndarray, nwords: np.ndarray
) -> tuple[list[frozenset[str]], np.ndarray, np.ndarray]:
    """``_page_stop`` of each page (its lines ``page_lines[j]``, from row ``starts[j]``
    of ``all_lines``; ``nwords``: their words), the languages' counts and scores of all
    pages at once; which pages' stoplist is one language's list, and for their lines
    the count of words in it (``_Line.stop_density`` times the words).

    The same numbers page by page: each page's row of counts is its lines' count rows
    added up, the scores the same divisions; a tie goes to ``_page_stop``.
    """
    langs, denom = stop_langs()
    n_langs = len(langs)
    lanes = stop_lanes()
    stop_counts = [ln.stop_counts for ln in all_lines]
    joined = b"".join(stop_counts)
    rows = np.frombuffer(joined, STOP_COUNT).reshape(-1, lanes)
    row_size = lanes * STOP_COUNT.itemsize
    per_line = np.fromiter(map(len, stop_counts), np.int64, len(stop_counts)) // row_size
    per_page = np.add.reduceat(per_line, starts)
    # (sums of whole numbers: exact)
    page_words = np.add.reduceat(nwords, starts).astype(np.int64)
    bounds = np.zeros(len(starts) + 1, np.int64)
    np.cumsum(per_page, out=bounds[1:])
    hits = np.zeros((len(starts), n_langs))
    # (the pages with rows: each one's sum runs from its first row to the next one's)
    has = np.flatnonzero(per_page)
    if len(has):
        sums = np.add.reduceat(rows.view(np.uint64), bounds[has], axis=0)
        hits[has] = sums.view(STOP_COUNT)[:, :n_langs]
    at = bounds.tolist()
    for j in np.flatnonzero(page_words >= _LANE_SUM_MAX_WORDS).tolist():
        hits[j] = stop_count_sums(joined[at[j] * row_size : at[j + 1] * row_size])
    score = hits / denom
    top = score.max(axis=1)
    n_top = (score == top[:, None]).sum(axis=1).tolist()
    best = np.argmax(score, axis=1)  # (the first of the highest, as flatnonzero's first)
    best_hits = hits[np.arange(len(starts)), best].tolist()
    lists = stoplists()
    out: list[frozenset[str]] = []
    for j, (n_words, n_rows) in enumerate(zip(page_words.tolist(), per_page.tolist(), strict=True)):
        if not n_words or not n_rows:
            out.append(frozenset())
        elif n_top[j] > 1:
            out.append(_page_stop(page_lines[j], n_words))
        elif int(best_hits[j]) < MIN_STOPLIST_COVERAGE * n_words:
            out.append(frozenset())
        else:
            out.append(lists[langs[int(best[j])]])
    # Each row's count of its page's list's language (as stop_density reads it), for
    # the pages whose stoplist is one language's list (-1: none).
    counted = np.zeros(len(starts), bool)
    page_lang = np.full(len(starts), -1, np.int64)
    list_ids = stop_list_ids()
    for j, stop in enumerate(out):
        lang = list_ids.get(id(stop)) if stop else None
        if lang is not None and lang[0] is stop:
            counted[j] = True
            page_lang[j] = lang[1]
    counts = np.zeros(len(all_lines))
    if counted.any() and len(rows):
        row_lang = np.repeat(page_lang, per_page)
        got = np.where(row_lang >= 0, rows[np.arange(len(rows)), np.maximum(row_lang, 0)], 0)
        # Each line's counts summed over its rows (the lines with rows: a sum from
        # one's first row runs to the next one's, over the lines between without any).
        has_rows = np.flatnonzero(per_line)
        first = np.zeros(len(all_lines), np.int64)
        np.cumsum(per_line[:-1], out=first[1:])
        counts[has_rows] = np.add.reduceat(got, first[has_rows], dtype=np.int64)
    return out, counted, counts


def _score_pages(model: LineModel, x: np.ndarray, bounds: list[tuple[int, int]]) -> np.ndarray:
    """``model.score`` of each page's rows: the product page by page, as BLAS sums a
    row's terms in an order that depends on the rows around it."""
    w = np.asarray(model.weights, dtype=np.float64)
    z = model.bias + np.concatenate([x[lo:hi] @ w for lo, hi in bounds])
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def _blocks(
    prose: np.ndarray, nwords: np.ndarray, starts: np.ndarray, ns: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each page's ``_densest_block`` (``lo``, ``hi`` arrays)."""
    gain = np.where(prose, nwords, -_NONPROSE_COST - 0.1 * nwords).tolist()
    los, his = [], []
    for lo0, n in zip(starts.tolist(), ns.tolist(), strict=True):
        best, best_lo, best_hi = 0.0, 0, 0
        run, lo = 0.0, 0
        for i, g in enumerate(gain[lo0 : lo0 + n]):
            if run <= 0:
                run, lo = 0.0, i
            run += g
            if run > best:
                best, best_lo, best_hi = run, lo, i + 1
        los.append(best_lo)
        his.append(best_hi)
    return np.array(los, dtype=np.int64), np.array(his, dtype=np.int64)


def _block_dist(idx: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.where(idx < lo, lo - idx, np.where(idx >= hi, idx - hi + 1, 0))


def _good_dist_many(
    good: np.ndarray, starts: np.ndarray, ns: np.ndarray, page_of: np.ndarray, idx: np.ndarray
) -> np.ndarray:
    """``_good_dist`` of each page's lines, for all pages at once."""
    big = len(good)
    n_of = ns[page_of]
    at = np.arange(big)
    # the last good line before each line (on its page), and the first after it
    last_good = np.where(good, at, -1)
    before = np.full(big, -1, dtype=np.int64)
    before[1:] = np.maximum.accumulate(last_good)[:-1]
    first_good = np.where(good, at, big)
    after = np.full(big, big, dtype=np.int64)
    after[:-1] = np.minimum.accumulate(first_good[::-1])[::-1][1:]
    page_lo = starts[page_of]
    page_hi = page_lo + n_of
    dist_left = np.where(before >= page_lo, at - before, n_of)
    dist_right = np.where(after < page_hi, after - at, n_of)
    return np.minimum(np.minimum(dist_left, dist_right), n_of)
