"""Which pairs of articles to align: those that share enough rare fingerprints.

The join is a sort, never a comparison of all pairs: fingerprints are grouped
by hash; a hash found in more documents than the document-frequency limit is a
stock phrase or leftover site chrome and dropped; every other hash emits the
pairs of documents it occurs in; pairs are counted and those sharing at least
``min_shared`` fingerprints become candidates.

:class:`PairCounter` does this in bounded memory for any corpus size: it
spills fingerprints to hash-partitioned files as batches arrive, then joins
one partition at a time, spilling pair counts to pair-partitioned files, the
same two shuffles a Spark job does (see ``docs/scan.md``).

Documents are numbered ``0..n-1`` by the caller; pairs are ``(a, b)`` with
``a < b``.
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
# Ranks of some documents (distinct, ascending): any numbers in their time order.
RankOf = Callable[[I64], I64]

# Calibrated with fingerprint.NGRAM = 5 and WINDOW = 6 on generated syndicated
# corpora (bench/gen_corpus.py, seed 1, 2k and 10k articles): a quoted 15-word
# sentence shares 2-3 winnowed fingerprints, so 2 keeps short quotes (3 lost a
# quarter of them); lone stock phrases are dropped by the df limits below, and
# the aligner rejects the few extra candidates (under 1% on those corpora).
MIN_SHARED = 2
# ... or, for short articles (a 20-word brief has ~4 fingerprints), at least
# this share of the smaller article's fingerprints (and at least one).
MIN_SHARED_FRACTION = 0.5
# A fingerprint in more documents than this is dropped: a stock phrase, a
# boilerplate line chrome learning missed, or a story reprinted by so many
# outlets that all-pairs alignment of it would dominate the run. Each kept
# fingerprint emits up to MAX_DF * (MAX_DF - 1) / 2 pairs.
MAX_DF = 100
# ... and one in more than this share of the corpus is dropped too (a phrase
# in 1% of all articles is not evidence of copying) ... (with the floor below at
# MAX_DF it never binds by default, nor with `scan --max-df N`, which sets both to
# N; only CandidateParams with a lower min_df_limit bring it back)
MAX_DF_FRACTION = 0.01
# ... but the relative limit never drops below this many documents, so small
# corpora keep their reprint groups (chrome learning handles their menus): at 20
# (before session 21) a wire story reprinted by 25-29 outlets in a corpus of 1,000
# articles made no pairs through the text they all share (pair recall 0.79 -> 0.98
# on such a corpus drawn from gen-100k, no other pair changed; the 181 real pages'
# scan unchanged). Below 10,000 articles the limit is now MAX_DF.
MIN_DF_LIMIT = 100
# A fingerprint in more documents than the df limit is not dropped outright: each
# document holding it pairs with the earliest one holding it (its hub; the earliest
# of another source for the hub's own site), so a story reprinted by more outlets
# than the limit still pairs, N - 1 pairs instead of N * (N - 1) / 2. Such a pair
# counts only when the text shared (rare and over-common fingerprints) is at least
# this share of the smaller document's fingerprints: a reprint shares most of its
# text, a page with a stock phrase or a boilerplate footer shares a small part.
# Chosen, not tuned: on gen-10k and the 181 real pages with the df limit lowered to
# 2-10 (their families over it) any share from 0.2 to 0.7 keeps precision 1.0 and
# 0.5 loses 1% of reprints to 0.2; their boilerplate never pairs (docs/scan.md).
HUB_MIN_SHARE = 0.5
# Spill partitions of the bounded-memory join (hash partitions and pair
# partitions); each holds about 1/PARTITIONS of the fingerprints or pairs.
PARTITIONS = 32
UNKNOWN_SOURCE = -1


@dataclass(frozen=True, slots=True)
class CandidateParams:
    """Knobs of the candidate join.

    Attributes:
        min_shared: rare fingerprints a pair must share ...
        min_shared_fraction: ... or this share of the smaller article's fingerprints.
        max_df: absolute document-frequency limit.
        max_df_fraction: relative limit (share of documents).
        min_df_limit: floor of the relative limit.
        same_source: keep pairs whose two articles have the same source.

    Example:
        >>> CandidateParams(same_source=True).min_shared
        2
    """

    min_shared: int = MIN_SHARED
    min_shared_fraction: float = MIN_SHARED_FRACTION
    max_df: int = MAX_DF
    max_df_fraction: float = MAX_DF_FRACTION
    min_df_limit: int = MIN_DF_LIMIT
    same_source: bool = False

    def __post_init__(self) -> None:
        if self.min_shared < 1:
            raise ValueError(f"min_shared must be >= 1, got {self.min_shared}")
        if self.max_df < 2:
            raise ValueError(f"max_df must be >= 2 (a pair needs 2 documents), got {self.max_df}")
        if not 0 < self.min_shared_fraction <= 1:
            raise ValueError(
                f"min_shared_fraction must be in (0, 1], got {self.min_shared_fraction}"
            )
        if not 0 < self.max_df_fraction <= 1:
            raise ValueError(f"max_df_fraction must be in (0, 1], got {self.max_df_fraction}")


@dataclass(frozen=True, slots=True)
class CandidatePairs:
    """Candidate pairs ``(a[i], b[i])`` with ``a < b``, sorted, and shared counts."""

    a: I64
    b: I64
    shared: I64

    def __len__(self) -> int:
        return len(self.a)


def df_limit(n_docs: int, params: CandidateParams = CandidateParams()) -> int:
    """The largest document frequency a fingerprint may have and still count.

    Example:
        >>> df_limit(1_000), df_limit(5_000), df_limit(1_000_000)
        (100, 100, 100)
        >>> wide = CandidateParams(max_df=1_000)
        >>> df_limit(1_000, wide), df_limit(10**6, wide)
        (100, 1000)
    """
    relative = max(params.min_df_limit, math.floor(params.max_df_fraction * n_docs))
    return max(2, min(params.max_df, relative))


def group_pairs(hashes: U64, docs: I64, limit: int) -> tuple[I64, I64]:
    """All document pairs that share a hash, for hashes in 2..``limit`` documents.

    The rows of every hash must all be present (one hash partition). A pair
    appears once per hash it shares, so counting repeats counts shared
    fingerprints. Work is proportional to the pairs emitted.

    Returns ``(a, b)`` with ``a < b``.

    Example:
        >>> h = np.array([1, 1, 1, 2, 2, 3], dtype=np.uint64)
        >>> a, b = group_pairs(h, np.array([0, 1, 2, 0, 2, 0]), limit=10)
        >>> sorted(zip(a.tolist(), b.tolist()))
        [(0, 1), (0, 2), (0, 2), (1, 2)]
    """
    return _all_pairs(*_hash_groups(hashes, docs), limit)


def _all_pairs(d: I64, starts: I64, ends: I64, limit: int) -> tuple[I64, I64]:
    """:func:`group_pairs` of the groups of :func:`_hash_groups`."""
    empty = np.zeros(0, dtype=np.int64)
    size = ends - starts
    ok = (size >= 2) & (size <= limit)
    if not ok.any():
        return empty, empty
    # Element i of a kept group pairs with i+1, i+2, ... up to its group's end.
    idx = np.flatnonzero(np.repeat(ok, size))
    end = np.repeat(ends, size)[idx]
    out_a: list[I64] = []
    out_b: list[I64] = []
    step = 1
    while len(idx):
        valid = idx + step < end
        idx, end = idx[valid], end[valid]
        if len(idx):
            out_a.append(d[idx])
            out_b.append(d[idx + step])
        step += 1
    if not out_a:
        return empty, empty
    return np.concatenate(out_a), np.concatenate(out_b)


def hub_pairs(
    hashes: U64,
    docs: I64,
    limit: int,
    rank: I64 | None = None,
    sources: I32 | None = None,
) -> tuple[I64, I64]:
    """For each hash in more than ``limit`` documents, each document paired with its hub.

    A hash's hub is its earliest document (lowest ``rank[doc]``, then lowest
    number; by number without ``rank``); a document of the hub's own source
    (``sources``, ``-1`` unknown) pairs with the earliest document of another
    source instead, and with none if there is none. So a group of ``n``
    documents emits ``n - 1`` pairs at most. Returns ``(a, b)`` with ``a < b``.

    Example:
        >>> h = np.array([9] * 4 + [5, 5], dtype=np.uint64)
        >>> a, b = hub_pairs(h, np.array([3, 1, 2, 0, 0, 1]), limit=2)
        >>> sorted(zip(a.tolist(), b.tolist()))
        [(0, 1), (0, 2), (0, 3)]
        >>> a, b = hub_pairs(h, np.array([3, 1, 2, 0, 0, 1]), 2, rank=np.array([3, 2, 1, 0]))
        >>> sorted(zip(a.tolist(), b.tolist()))
        [(0, 3), (1, 3), (2, 3)]
    """
    rank_of = None if rank is None else (lambda docs: rank[docs])
    return _hub_pairs(*_hash_groups(hashes, docs), limit, rank_of, sources)


def _hub_pairs(
    d: I64, starts: I64, ends: I64, limit: int, rank_of: RankOf | None, sources: I32 | None
) -> tuple[I64, I64]:
    """:func:`hub_pairs` of the groups of :func:`_hash_groups`."""
    empty = np.zeros(0, dtype=np.int64)
    size = ends - starts
    over = size > limit
    if not over.any():
        return empty, empty
    size = size[over]
    rows = np.repeat(starts[over] - np.cumsum(size) + size, size) + np.arange(int(size.sum()))
    group = np.repeat(np.arange(len(size)), size)
    d = d[rows]
    if rank_of is not None:  # (each group's documents by rank; a group's rows stay together)
        # (ranked: only the documents of these groups)
        u = np.unique(d)
        order = np.lexsort((d, rank_of(u)[np.searchsorted(u, d)], group))
        d = d[order]
    first = np.zeros(len(size) + 1, dtype=np.int64)
    np.cumsum(size, out=first[1:])
    pos = np.arange(len(d))
    hub = first[:-1][group]  # (the row of each row's group's hub)
    if sources is None:
        other = np.ones(len(d), dtype=bool)
    else:
        src = sources[d]
        other = (src != src[hub]) | (src == UNKNOWN_SOURCE)
    # The earliest row of another source than the hub's, per group (len(d): none).
    second = np.minimum.reduceat(np.where(other, pos, len(d)), first[:-1])[group]
    partner = np.where(other, hub, second)
    # (the hub itself emits nothing: its pair with the second comes from the second)
    ok = (pos != hub) & (partner < len(d))
    a, b = d[ok], d[partner[ok]]
    return np.minimum(a, b), np.maximum(a, b)


def hub_enough(
    shared: npt.ArrayLike, smaller: npt.ArrayLike, min_shared: int
) -> npt.NDArray[np.bool_]:
    """Whether a hub pair shares enough: ``HUB_MIN_SHARE`` of the smaller article's
    fingerprints (``smaller``), and ``min_shared``.

    Example:
        >>> hub_enough([10, 10, 2], [20, 21, 3], 2).tolist()
        [True, False, True]
    """
    needed = np.maximum(min_shared, np.ceil(HUB_MIN_SHARE * np.asarray(smaller)))
    return np.asarray(shared) >= needed


def _hash_groups(hashes: U64, docs: npt.ArrayLike) -> tuple[I64, I64, I64]:
    """The documents of every hash found in two rows or more, grouped by hash.

    Returns ``(d, starts, ends)``: ``d[starts[g]:ends[g]]`` are the distinct
    documents of group ``g`` in ascending order (a group may be one document,
    where the hash repeats in it); groups in hash order.
    """
    empty = np.zeros(0, dtype=np.int64)
    if len(hashes) < 2:
        return empty, empty, empty
    docs = np.asarray(docs, dtype=np.int64)
    # Most hashes occur once and can make no pair: the rows that may repeat (their
    # hash's top bits do) are found by a plain sort of (top bits, row) keys, ~4x
    # faster than an argsort of the hashes, which is then done on those rows only;
    # the repeated ones are numbered by hash (h: 1, 2, ... in hash order) and
    # sorted by (h, doc) as one 64-bit key: the rows come out in the order a
    # two-key lexsort of all rows gave, faster.
    by_hash = _by_hash_maybe_repeated(hashes)
    sorted_h = hashes[by_hash]
    same = sorted_h[1:] == sorted_h[:-1]
    repeat = np.zeros(len(sorted_h), dtype=bool)
    repeat[1:] = same
    repeat[:-1] |= same
    rows = by_hash[repeat]
    if not len(rows):
        return empty, empty, empty
    docs = docs[rows]
    if docs.min() < 0 or docs.max() >= 1 << 32:  # (numbers that do not fit the key)
        order = np.lexsort((docs, hashes[rows]))
        h, d = hashes[rows][order], docs[order]
    else:
        repeated = sorted_h[repeat]
        first_of = np.ones(len(rows), dtype=bool)
        first_of[1:] = repeated[1:] != repeated[:-1]
        h = np.cumsum(first_of, dtype=np.uint64)
        key = (h << np.uint64(32)) | docs.astype(np.uint64)
        key.sort()
        h = key >> np.uint64(32)
        d = (key & np.uint64(0xFFFFFFFF)).astype(np.int64)
    # One row per (hash, doc).
    first = np.ones(len(h), dtype=bool)
    first[1:] = (h[1:] != h[:-1]) | (d[1:] != d[:-1])
    h, d = h[first], d[first]
    new = np.ones(len(h), dtype=bool)
    new[1:] = h[1:] != h[:-1]
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(h))
    return d, starts, ends


# group_pairs' first pass: a row number in the low bits of a hash's top bits.
_ROW_BITS = 24
_ROW_MASK = np.uint64((1 << _ROW_BITS) - 1)
_TOP_MASK = ~_ROW_MASK


def _by_hash_maybe_repeated(hashes: U64) -> I64:
    """Rows in hash order (ties in any order): every row whose hash repeats, and
    the few others whose hash's top 40 bits repeat (all rows for a partition of
    ``2**24`` rows or more)."""
    n = len(hashes)
    if n >= 1 << _ROW_BITS:
        return np.argsort(hashes)
    key = (hashes & _TOP_MASK) | np.arange(n, dtype=np.uint64)
    key.sort()
    top = key & _TOP_MASK
    same = top[1:] == top[:-1]
    maybe = np.zeros(n, dtype=bool)
    maybe[1:] = same
    maybe[:-1] |= same
    rows = (key[maybe] & _ROW_MASK).astype(np.int64)
    return rows[np.argsort(hashes[rows])]


def partition_order(part: npt.NDArray[np.integer], partitions: int) -> I64:
    """Rows in order of their partition number (``0 <= part < partitions``), stable.

    (as 8- or 16-bit numbers where they fit: numpy sorts those by radix, ~5x
    faster than a merge sort of 64-bit ones)
    """
    if partitions <= 1 << 8:
        part = part.astype(np.uint8)
    elif partitions <= 1 << 16:
        part = part.astype(np.uint16)
    return np.argsort(part, kind="stable")


def count_pairs(a: I64, b: I64, weights: I64 | None = None) -> tuple[I64, I64, I64]:
    """Sum repeated ``(a, b)`` pairs: ``(a, b, count)`` sorted by ``(a, b)``.

    Example:
        >>> a, b, c = count_pairs(np.array([0, 1, 0]), np.array([2, 2, 2]))
        >>> list(zip(a.tolist(), b.tolist(), c.tolist()))
        [(0, 2, 2), (1, 2, 1)]
    """
    empty = np.zeros(0, dtype=np.int64)
    if len(a) == 0:
        return empty, empty, empty
    key = (a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64)
    if weights is None:  # (each row counts 1: the keys alone sorted, ~8x faster)
        key = np.sort(key)
        starts = _starts(key)
        counts = np.diff(starts, append=len(key))
    else:  # (equal keys' weights are summed: their order does not matter)
        order = np.argsort(key)
        key = key[order]
        starts = _starts(key)
        counts = np.add.reduceat(weights.astype(np.int64)[order], starts)
    k = key[starts]
    return (
        (k >> np.uint64(32)).astype(np.int64),
        (k & np.uint64(0xFFFFFFFF)).astype(np.int64),
        counts,
    )


def _pair_key(a: I64, b: I64) -> U64:
    """``(a, b)`` as one sortable 64-bit key (document numbers under ``2**32``)."""
    return (a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64)


def _concat(parts: list[tuple[I64, I64, I64]]) -> tuple[I64, I64, I64]:
    """Counted pairs of several joins as one (a pair in two summed), sorted."""
    parts = [p for p in parts if len(p[0])]
    if len(parts) == 1:
        return parts[0]
    if not parts:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e
    return count_pairs(*(np.concatenate(x) for x in zip(*parts, strict=True)))


def _starts(key: U64) -> I64:
    """Where each run of equal values of the sorted ``key`` starts."""
    new = np.ones(len(key), dtype=bool)
    new[1:] = key[1:] != key[:-1]
    return np.flatnonzero(new)


def drop_same_source(a: I64, b: I64, sources: I32) -> npt.NDArray[np.bool_]:
    """Mask of pairs to keep: different sources, or a source unknown (-1)."""
    sa, sb = sources[a], sources[b]
    return (sa != sb) | (sa == UNKNOWN_SOURCE)


def candidate_pairs(
    hashes: U64,
    docs: I64,
    n_docs: int,
    sources: I32 | None = None,
    params: CandidateParams = CandidateParams(),
) -> CandidatePairs:
    """Candidate pairs from all fingerprints in memory (small corpora, tests).

    ``sources[i]`` is a source code for document ``i`` (``-1``: unknown, never
    the same as another). :class:`PairCounter` gives the same result in bounded
    memory.

    Example:
        >>> h = np.array([1, 1, 2, 2, 3, 3, 4], dtype=np.uint64)
        >>> d = np.array([0, 1, 0, 1, 0, 1, 2])
        >>> cp = candidate_pairs(h, d, 3)
        >>> cp.a.tolist(), cp.b.tolist(), cp.shared.tolist()
        ([0], [1], [3])
    """
    counter = PairCounter(n_docs, sources, params, spill=False)
    counter.add(docs, hashes)
    return counter.pairs()


class PairCounter:
    """The candidate join over fingerprints added batch by batch.

    With ``spill=True`` fingerprints and pair counts go to temporary
    partition files (in ``work_dir`` or a new temporary folder), so memory is
    bounded by one partition, not the corpus.

    Example:
        >>> pc = PairCounter(n_docs=2, params=CandidateParams(min_shared=1))
        >>> pc.add(np.array([0, 1]), np.array([42, 42], dtype=np.uint64))
        >>> pc.pairs().a.tolist()
        [0]
    """

    def __init__(
        self,
        n_docs: int,
        sources: I32 | None = None,
        params: CandidateParams = CandidateParams(),
        *,
        spill: bool = True,
        work_dir: str | Path | None = None,
        partitions: int = PARTITIONS,
    ) -> None:
        self.n_docs = n_docs
        self.sources = sources
        self.params = params
        self.partitions = partitions if spill else 1
        self._spill = spill
        self._own_dir = spill and work_dir is None
        self._dir = (
            Path(tempfile.mkdtemp(prefix="copytrace-pairs-"))
            if self._own_dir
            else (Path(work_dir) if work_dir is not None else None)
        )
        if self._dir is not None:
            self._dir.mkdir(parents=True, exist_ok=True)
        self._mem: list[tuple[I64, U64]] = []
        # Fingerprints per document: the short-article rule needs them.
        self.doc_fingerprints = np.zeros(n_docs, dtype=np.int64)
        # The places in time of some documents (see hub_pairs and RankOf; None: by
        # number), set before :meth:`pairs`; asked only for documents needing a hub.
        self.ranks: RankOf | None = None
        self.fingerprints = 0
        self.dropped_common = 0
        self.pairs_emitted = 0
        self.hub_emitted = 0
        self.hub_kept = 0  # candidate pairs sharing over-common fingerprints with a hub

    def _path(self, kind: str, part: int) -> Path:
        assert self._dir is not None
        return self._dir / f"{kind}-{part:04d}.bin"

    def add(self, docs: npt.NDArray[np.integer], hashes: U64) -> None:
        """Add fingerprints: ``hashes[i]`` occurs in document ``docs[i]``."""
        docs64 = np.asarray(docs, dtype=np.int64)
        if len(docs64) and (docs64.min() < 0 or docs64.max() >= self.n_docs):
            raise ValueError(f"document numbers must be in 0..{self.n_docs - 1}")
        self.fingerprints += len(hashes)
        if len(docs64):  # (a batch's documents: counted over their range, not all n_docs)
            lo = int(docs64.min())
            self.doc_fingerprints[lo : int(docs64.max()) + 1] += np.bincount(docs64 - lo)
        if not self._spill:
            self._mem.append((docs64, np.asarray(hashes, dtype=np.uint64)))
            return
        # (middle bits: winnowing keeps each window's smallest hash, so the top bits
        # lean to 0: by them the largest of 32 partitions held 3.5x its share)
        part = (hashes >> np.uint64(32)) % np.uint64(self.partitions)
        order = partition_order(part, self.partitions)
        part = part[order]
        bounds = np.searchsorted(part, np.arange(self.partitions + 1, dtype=np.uint64))
        rows = np.empty(len(hashes), dtype=[("h", "<u8"), ("d", "<i8")])
        rows["h"] = hashes[order]
        rows["d"] = docs64[order]
        for p in range(self.partitions):
            lo, hi = bounds[p], bounds[p + 1]
            if hi > lo:
                with self._path("fp", p).open("ab") as fh:
                    fh.write(rows[lo:hi].tobytes())

    def _fingerprint_partitions(self) -> Iterator[tuple[I64, U64]]:
        if not self._spill:
            if self._mem:
                yield (
                    np.concatenate([m[0] for m in self._mem]),
                    np.concatenate([m[1] for m in self._mem]),
                )
            return
        for p in range(self.partitions):
            path = self._path("fp", p)
            if path.exists():
                rows = np.fromfile(path, dtype=[("h", "<u8"), ("d", "<i8")])
                path.unlink()
                yield rows["d"].copy(), rows["h"].copy()

    def pairs(self) -> CandidatePairs:
        """Run the join: candidate pairs sorted by ``(a, b)``."""
        limit = df_limit(self.n_docs, self.params)
        parts: list[tuple[I64, I64, I64]] = []
        hubs: list[tuple[I64, I64, I64]] = []
        other_source = None if self.params.same_source else self.sources
        for docs, hashes in self._fingerprint_partitions():
            groups = _hash_groups(hashes, docs)
            a, b = _all_pairs(*groups, limit)
            if other_source is not None and len(a):
                keep = drop_same_source(a, b, other_source)
                a, b = a[keep], b[keep]
            ha, hb = _hub_pairs(*groups, limit, self.ranks, other_source)
            self.pairs_emitted += len(a)
            self.hub_emitted += len(ha)
            counted, hub_counted = count_pairs(a, b), count_pairs(ha, hb)
            if self._spill:
                self._spill_pairs("pair", *counted)
                self._spill_pairs("hub", *hub_counted)
            else:
                parts.append(counted)
                hubs.append(hub_counted)
        if self._spill:
            parts = list(self._pair_partitions("pair"))
            hubs = list(self._pair_partitions("hub"))
        else:
            parts, hubs = [_concat(parts)], [_concat(hubs)]
        out_a, out_b, out_c = [], [], []
        for (a, b, c), hub in zip(parts, hubs, strict=True):
            keep = self.enough(a, b, c)
            if len(hub[0]):
                a, b, c, keep = self._with_hubs(a, b, c, keep, *hub)
            out_a.append(a[keep])
            out_b.append(b[keep])
            out_c.append(c[keep])
        self.close()
        if not out_a:
            e = np.zeros(0, dtype=np.int64)
            return CandidatePairs(e, e, e)
        a, b, c = np.concatenate(out_a), np.concatenate(out_b), np.concatenate(out_c)
        order = np.lexsort((b, a))
        log.info(
            "candidates: %d fingerprints, df limit %d, %d pair emissions, %d hub emissions,"
            " %d pairs",
            self.fingerprints,
            limit,
            self.pairs_emitted,
            self.hub_emitted,
            len(a),
        )
        return CandidatePairs(a[order], b[order], c[order])

    def enough(self, a: I64, b: I64, shared: I64) -> npt.NDArray[np.bool_]:
        """Which pairs share enough: ``min_shared``, or the short-article share."""
        smaller = np.minimum(self.doc_fingerprints[a], self.doc_fingerprints[b])
        needed = np.maximum(1, np.ceil(self.params.min_shared_fraction * smaller))
        return (shared >= self.params.min_shared) | (shared >= needed)

    def _with_hubs(
        self, a: I64, b: I64, c: I64, keep: npt.NDArray[np.bool_], ha: I64, hb: I64, hc: I64
    ) -> tuple[I64, I64, I64, npt.NDArray[np.bool_]]:
        """The pairs ``(a, b)`` (shared ``c``, kept ``keep``) and the hub pairs
        ``(ha, hb)`` (shared ``hc`` over-common fingerprints) as one set, sorted: a
        hub pair is kept when all it shares is enough (:meth:`enough_for_hub`)."""
        key = _pair_key(a, b)
        hkey = _pair_key(ha, hb)
        both = np.union1d(key, hkey)
        at, hat = np.searchsorted(both, key), np.searchsorted(both, hkey)
        rare = np.zeros(len(both), dtype=np.int64)
        rare[at] = c
        over = np.zeros(len(both), dtype=np.int64)
        over[hat] = hc
        kept = np.zeros(len(both), dtype=bool)
        kept[at] = keep
        a2 = (both >> np.uint64(32)).astype(np.int64)
        b2 = (both & np.uint64(0xFFFFFFFF)).astype(np.int64)
        shared = rare + over
        kept |= (over > 0) & self.enough_for_hub(a2, b2, shared)
        self.hub_kept += int(np.count_nonzero(kept & (over > 0)))
        return a2, b2, shared, kept

    def enough_for_hub(self, a: I64, b: I64, shared: I64) -> npt.NDArray[np.bool_]:
        """Which hub pairs share enough (:func:`hub_enough`)."""
        smaller = np.minimum(self.doc_fingerprints[a], self.doc_fingerprints[b])
        return hub_enough(shared, smaller, self.params.min_shared)

    def _spill_pairs(self, kind: str, a: I64, b: I64, c: I64) -> None:
        part = a % self.partitions
        order = partition_order(part, self.partitions)
        bounds = np.searchsorted(part[order], np.arange(self.partitions + 1))
        rows = np.empty(len(a), dtype=[("a", "<i8"), ("b", "<i8"), ("c", "<i8")])
        rows["a"], rows["b"], rows["c"] = a[order], b[order], c[order]
        for p in range(self.partitions):
            lo, hi = bounds[p], bounds[p + 1]
            if hi > lo:
                with self._path(kind, p).open("ab") as fh:
                    fh.write(rows[lo:hi].tobytes())

    def _pair_partitions(self, kind: str) -> Iterator[tuple[I64, I64, I64]]:
        """Each pair partition's counts summed (an empty one where none were spilled)."""
        empty = np.zeros(0, dtype=np.int64)
        for p in range(self.partitions):
            path = self._path(kind, p)
            if path.exists():
                rows = np.fromfile(path, dtype=[("a", "<i8"), ("b", "<i8"), ("c", "<i8")])
                path.unlink()
                yield count_pairs(rows["a"].copy(), rows["b"].copy(), rows["c"].copy())
            else:
                yield empty, empty, empty

    def close(self) -> None:
        """Remove the spill files (called by :meth:`pairs`)."""
        self._mem.clear()
        if self._own_dir and self._dir is not None and self._dir.exists():
            shutil.rmtree(self._dir, ignore_errors=True)
