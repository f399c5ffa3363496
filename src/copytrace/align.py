"""Seed, extend and merge: verbatim, near-verbatim and paraphrased passages.

The aligner works on normalised word tokens (:func:`copytrace.text.tokenize`), so
case, punctuation, typographic quotes and "U.S." vs "US" never matter, and maps
every passage back to character offsets of the original text through the
tokens' spans.

1. **Seeds.** Word n-grams (``seed_words`` long) shared by both texts, found by
   hashing with numpy; n-grams that repeat more than ``max_seed_repeat`` times
   in either text are skipped.
2. **Runs.** Seeds on one diagonal (same offset between the texts) that follow
   each other become a run: an exact matching stretch, extended word by word.
3. **Passages.** Runs are chained in text order when the words skipped between
   them on either side are at most ``join_gap`` (a word inserted, dropped or
   changed), so adjacent matching stretches become one passage. A passage with
   ``min_words`` matched words is kept; its word-level similarity (Indel/LCS on
   the token lists) makes it ``verbatim`` (identical words) or
   ``near-verbatim``.
4. **Paraphrase.** Sentences not already covered are compared by tf-idf cosine
   and Dice over content-word stems (:mod:`copytrace.paraphrase`); pairs above
   the thresholds become ``paraphrase`` passages, matched one to one.
5. **Cases** (``merge_gap > 0``, the PAN preset): passages and paraphrase
   sentence pairs that lie close together in both texts are merged into one
   case-level passage, as plagiarism detection scores them.

Passages never cross chrome: content spans separated by anything but
whitespace are barriers no run or passage may cross.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
from rapidfuzz.distance import Indel

from copytrace.model import Article, Kind, Passage
from copytrace.paraphrase import (
    Lexicon,
    SentenceBags,
    bag_doc_cosine,
    dice_reaches,
    sentence_bags,
    sentence_similarity,
)
from copytrace.text import CJK_CHARS, Tokens, sentence_spans, tokenize, tokenize_many_starts

logger = logging.getLogger(__name__)

Spans = Sequence[tuple[int, int]]

# --- Calibrated defaults (news preset) --------------------------------------
# Tuned on the seed pair (examples/) and hand-made news rewrites in
# tests/data/align: 3-word seeds still catch a stretch between two edits; a gap
# of 3 words joins "a concerned Japanese government insider" with "a Japanese
# government insider" and quotes split by ' ," the newspaper added. "' without
# joining separate sentences of unrelated text.
NEWS_SEED_WORDS = 3
NEWS_MAX_SEED_REPEAT = 8
NEWS_JOIN_GAP = 3
NEWS_MIN_WORDS = 8
# A Chinese or Japanese character is a token of its own (text.py): as a share of a
# word it counts this much towards ``min_words`` ("日本首相安倍晋三", 8 characters,
# is "Japanese Prime Minister Shinzo Abe", 5 words; Chinese runs 1.5-2 characters
# a word). A reader's figure, not tuned: no CJK corpus with truth here. Without it a
# shared 8-character name was a verbatim passage between two unrelated articles.
CJK_WORD_SHARE = 0.6
_CJK_CHAR = re.compile(f"[{CJK_CHARS}]")
NEWS_NEAR_VERBATIM = 0.6
NEWS_PARAPHRASE_COSINE = 0.25
NEWS_PARAPHRASE_DICE = 0.3
NEWS_PARAPHRASE_MIN_WORDS = 8
# A pair with nothing copied word for word reports its paraphrases only when
# this many follow one another in both texts (a rewritten stretch). Measured on
# the 181 real scrapinghub pages scanned with stem fingerprints (docs/scan.md):
# of 29 more pairs, 26 held only paraphrased sentences, scattered through two
# independent reports of one story (sentences on the same facts); PAN's
# rewritten passages run on for sentences.
NEWS_PARAPHRASE_RUN = 2
# ... where a run may step over this many sentences on either side (one the
# rewriter added or dropped).
PARAPHRASE_RUN_SKIP = 1


# Candidate sentence pairs up to this many are told to reach no Dice count by
# set intersections (under a us each) rather than by sentence_similarity's join
# (~40 us of numpy calls on a news pair).
DICE_SETS_MAX = 64

# A summary whose echoes span this share of the other text summarises all of it.
SUMMARY_WHOLE = 0.5


@dataclass(frozen=True, slots=True)
class AlignParams:
    """Every tunable of the aligner.

    Attributes:
        seed_words: length of the word n-grams that seed matches.
        max_seed_repeat: n-grams occurring more often than this in either text
            are not used as seeds (boilerplate, lists).
        join_gap: most words skipped on either side between two matching
            stretches that still join into one passage.
        join_back: most words a stretch may overlap (step back into) the passage
            it joins, on either side (-1: ``join_gap``).
        min_words: fewest matched words in a verbatim/near-verbatim passage.
        verbatim_similarity: word similarity at or above which a passage is
            ``verbatim`` (1.0: identical normalised words).
        near_verbatim_similarity: word similarity below which a chained
            passage is dropped rather than called ``near-verbatim``.
        paraphrase: look for paraphrased sentences at all.
        paraphrase_cosine: tf-idf cosine a sentence pair needs.
        paraphrase_dice: Dice overlap of stem sets a sentence pair needs.
        paraphrase_min_words: fewest words in each sentence of a pair.
        sentence_covered: sentences with more than this share of their words
            in verbatim passages are not paraphrase candidates.
        merge_gap: when > 0, passages and paraphrase pairs closer than this many
            words in both texts merge into one case-level passage (PAN).
        lone_paraphrase_cosine: with ``merge_gap``, a case made of at most
            ``lone_seeds`` seeds with a paraphrase among them needs this mean
            sentence cosine.
        lone_seeds: see ``lone_paraphrase_cosine``.
        min_chars: fewest characters on each side of a reported passage.
        end_punctuation: let passages end after punctuation that closes their
            last word ("treaty." rather than "treaty"), as PAN's truth does.
        case_cosine: with ``merge_gap``, a case with paraphrased parts needs
            this cosine between the stems of its two stretches.
        join_skew: when >= 0, most difference between the words skipped on the
            two sides when joining stretches (stay near the diagonal).
        paraphrase_run: when > 1, a pair without a verbatim or near-verbatim
            passage keeps its paraphrases only if this many of them follow one
            another in both texts (news); isolated rewritten sentences are what
            two independent reports of one story share.
        exact_run: a passage vouches for merged paraphrases (``exact``) only with
            an exact run of this many words (and ``min_chars`` characters).
        contradict_slack: with ``merge_gap``, drop a chained match or sentence pair
            inside a verbatim passage in one text and more than this many words
            from it in the other (-1: ``merge_gap`` for sentence pairs only).
        exact_only: only verbatim passages (``exact``) count as evidence when
            judging paraphrase sentence pairs.
        strong_run: with ``case_cosine``, cases whose longest exact run is shorter
            than this need the stem cosine too, paraphrased or not.
        summary_whole: a summary whose echoes span this share of the other text
            covers all of it.
        copy_run: when > 0, of overlapping cases one holding an exact run of this
            many words wins over a summary.
        repeat_ratio: with ``contradict_slack``, when > 0, a verbatim passage that
            contradicts one with an exact run this many times as long is dropped
            (a phrase repeated in one text matched at the wrong place).
        summary_covered: when > 0, a summary whose own span lies this much inside
            one case (passages merged around copied or rewritten sentences) that
            also holds ``summary_explained`` of the sentences it echoes is that
            case, not a summary.
        summary_explained: see ``summary_covered``.
        rescue_cosine: with ``merge_gap``, when > 0, a case merged from several
            exact runs that is too unlike word for word to be near-verbatim is
            reported as a paraphrase when its stems have this cosine and it
            holds an exact run of ``rescue_run`` words.
        rescue_run: see ``rescue_cosine``.
        tail_run: with ``merge_gap``, when > 0, a paraphrase sentence pair within
            ``merge_gap`` words of a passage holding an exact run of this many
            words joins it only when the pair's own stretch (the words outside
            verbatim passages) has stem cosine ``tail_cosine``: a copied passage
            is copied whole, and the rest of its sentences is not part of it.
        tail_cosine: see ``tail_run``.
        strict_run: with ``contradict_slack``, when > 0, a passage holding an
            exact run of this many words allows no slack: a match inside it in
            one text must overlap it in the other (a copy is copied whole).
        lone_rare: with ``merge_gap``, when > 0, a paraphrase case with no
            verbatim passage of ``min_chars`` inside (nor a summary) needs this
            many distinct content stems that both its stretches hold and that
            occur at most ``RARE_OUTSIDE`` times in the rest of the two texts:
            two pages on one topic share its words everywhere, a rewritten
            passage shares words of its own.
        lone_grams: with ``merge_gap``, when > 0, a lone paraphrase case (see
            ``lone_paraphrase_cosine``) whose two stretches share this many
            distinct word n-grams (``seed_words`` long) needs no cosine: random
            obfuscation shuffles and swaps words but keeps short runs of them,
            two pages on one topic share single words.
        name_own: with ``merge_gap``, when > 0, a paraphrase case without an
            exact run of ``NAME_RUN`` words whose two stretches share at most
            ``NAME_COMMON`` stems written in lower case in both (the rest are
            names: capitalised, or digits) needs more than this many stems of its
            own (see ``lone_rare``): same-topic pages share names.
        summary_ratio: when > 0, a run of sentences of one text that each echo
            (cosine >= ``summary_cosine``) a sentence of the other, at least
            ``summary_min_sentences`` of them with at most ``summary_gap``
            others between, whose echoes span ``summary_ratio`` times as many
            words, and whose words together have cosine ``summary_doc_cosine``
            with the whole other text, is reported as a summary of that span.
    """

    seed_words: int = NEWS_SEED_WORDS
    max_seed_repeat: int = NEWS_MAX_SEED_REPEAT
    join_gap: int = NEWS_JOIN_GAP
    min_words: int = NEWS_MIN_WORDS
    verbatim_similarity: float = 1.0
    near_verbatim_similarity: float = NEWS_NEAR_VERBATIM
    paraphrase: bool = True
    paraphrase_cosine: float = NEWS_PARAPHRASE_COSINE
    paraphrase_dice: float = NEWS_PARAPHRASE_DICE
    paraphrase_min_words: int = NEWS_PARAPHRASE_MIN_WORDS
    sentence_covered: float = 0.5
    merge_gap: int = 0
    lone_paraphrase_cosine: float = 0.0
    lone_seeds: int = 1
    min_chars: int = 0
    end_punctuation: bool = False
    summary_ratio: float = 0.0
    summary_cosine: float = 0.22
    summary_min_sentences: int = 3
    summary_gap: int = 1
    summary_doc_cosine: float = 0.25
    case_cosine: float = 0.0
    join_back: int = -1
    exact_run: int = 0
    contradict_slack: int = -1
    exact_only: bool = False
    strong_run: int = 0
    join_skew: int = -1
    summary_whole: float = SUMMARY_WHOLE
    copy_run: int = 0
    repeat_ratio: float = 0.0
    summary_covered: float = 0.0
    summary_explained: float = 0.5
    rescue_cosine: float = 0.0
    rescue_run: int = 0
    tail_run: int = 0
    tail_cosine: float = 0.0
    lone_rare: int = 0
    lone_grams: int = 0
    name_own: int = 0
    strict_run: int = 0
    paraphrase_run: int = NEWS_PARAPHRASE_RUN

    def __post_init__(self) -> None:
        if self.seed_words < 1:
            raise ValueError(f"seed_words must be >= 1, got {self.seed_words}")
        if self.max_seed_repeat < 1:
            raise ValueError(f"max_seed_repeat must be >= 1, got {self.max_seed_repeat}")
        if self.join_gap < 0 or self.merge_gap < 0:
            raise ValueError("join_gap and merge_gap must be >= 0")
        for name in (
            "verbatim_similarity",
            "near_verbatim_similarity",
            "paraphrase_cosine",
            "paraphrase_dice",
            "sentence_covered",
            "lone_paraphrase_cosine",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within 0..1, got {value}")


# PAN 2013 text alignment (book excerpts, obfuscated): see docs/alignment.md.
PAN_PARAMS = AlignParams(
    seed_words=3,
    max_seed_repeat=8,
    join_gap=24,
    join_back=0,
    min_words=8,
    near_verbatim_similarity=0.45,
    paraphrase_cosine=0.28,
    paraphrase_dice=0.25,
    paraphrase_min_words=3,
    sentence_covered=1.0,
    merge_gap=30,
    lone_paraphrase_cosine=0.5,
    lone_seeds=2,
    paraphrase_run=0,  # (cases merge sentences; lone ones have their own rules)
    # whole training corpus, 2026-11-30: 150 -> 170: overall 0.9238 -> 0.9247,
    # no obfuscation +0.0016, summary +0.0159, translation +0.0010, random
    # -0.0048; detections in no-plagiarism pairs 2 -> 1 (a 153-character
    # ingredient list). 5-fold CV over {150, 170, 200, 250}: every fold picks
    # 170, held-out mean 0.924 -> 0.925 (sd 0.007). The shortest true case's
    # source side is 157 characters, the next 210.
    min_chars=170,
    end_punctuation=True,
    summary_ratio=3.0,
    summary_cosine=0.22,
    summary_doc_cosine=0.25,
    case_cosine=0.4,
    contradict_slack=5,
    summary_whole=0.3,
    copy_run=30,
    # whole training corpus, 2026-11-30: no obfuscation +0.003 (repeats),
    # random +0.005 and translation +0.004 (false summaries), no column lower
    repeat_ratio=2.0,
    summary_covered=0.9,
    # whole training corpus: random +0.0026 (reordered sentences), translation
    # +0.0003, rest equal (an exact run of 6: not boilerplate repeated in runs of 4)
    rescue_cosine=0.6,
    rescue_run=6,
    # whole training corpus, 2026-11-30: no obfuscation 0.9735 -> 0.9782 (the
    # rest of a copied sentence, or a repeat just past the copy, no longer
    # stretches a verbatim case), other columns equal or up
    tail_run=30,
    tail_cosine=0.3,
    strict_run=30,
    # whole training corpus: no obfuscation -> 0.9844, random +0.0024,
    # translation +0.0021, summary equal; detections in no-plagiarism pairs 8 -> 6
    # (same-topic pages); 4 scores the same overall, 2 and 5 lower
    lone_rare=3,
    # whole training corpus, 2026-11-30: random 0.8970 -> 0.9077 (short reordered
    # cases under the lone cosine), no obfuscation -0.0016, summary -0.0041
    # (split cases), no-plagiarism detections equal; 5-fold CV picks 8 in 4 folds
    # (6 in one), held-out mean 0.927 -> 0.929. Same-topic pairs share <= 6.
    lone_grams=8,
    # whole training corpus, 2026-11-30: detections in no-plagiarism pairs 6 -> 3
    # (same-topic pages sharing names: a hospital network's, a ball club's),
    # no obfuscation +0.0012, summary +0.0046, random -0.0012, translation
    # -0.0012, overall +0.0004; 5-fold CV: every fold picks 8 of {0, 5, 6, 8},
    # held-out mean 0.929 -> 0.932
    name_own=8,
)

# A sentence pair this close (tf-idf cosine of the whole sentences) joins a long
# copy even when little of it is left outside the copy (see tail_run): in the PAN
# 2013 training corpus no false tail of a no-obfuscation case reached 0.7, and
# a summary that quotes a sentence and goes on rewriting it did (0.74).
TAIL_KEEP_COSINE = 0.7

# A stem shared by a paraphrase case is its own (not the two texts' topic) when
# it occurs at most this often in the rest of both texts (see lone_rare).
RARE_OUTSIDE = 2

# A paraphrase case sharing at most this many lower-case stems shares mostly
# names (see name_own); one holding an exact run of NAME_RUN words is a copy.
# Set on the PAN 2013 training corpus's kept paraphrase cases: the same-topic
# detections in caseless pairs share 1-3 lower-case stems and hold exact runs
# of at most 6 words; true cases sharing that few have a median of 15 own stems.
# Not tuned further (name_own was, by cross-validation).
NAME_COMMON = 3
NAME_RUN = 12

# Share of a summary's sentences whose best match's own best match lies in the
# summary (mutual best matches); calibrated on the PAN 2013 training sample.
SUMMARY_MUTUAL = 0.5
# Echoed sentences with more than this share in verbatim passages are copies.
SUMMARY_MAX_COPIED = 0.7

# Documents whose tokens are kept for reuse by later pairs (per process).
TOKEN_CACHE_SIZE = 32
# Prepared documents (word ids, n-gram index, sentence bags) kept per process.
DOC_CACHE_SIZE = 32

PRESETS: dict[str, AlignParams] = {"news": AlignParams(), "pan": PAN_PARAMS}


# A seed's sort key is (diagonal, position in a) packed as diagonal * _KEY_WIDTH +
# position: exact in int64 while both texts are shorter than _KEY_MAX_WORDS.
_KEY_WIDTH = 1 << 32
_KEY_MAX_WORDS = 1 << 30
# After the last sorted n-gram key: a key looked up past the end meets this
# (unless it is this value: see _runs).
_KEY_PAD = (1 << 64) - 1


class _Seeds(NamedTuple):
    """A side's n-grams that may seed, sorted by key (see :meth:`_Doc.seeds`)."""

    order: np.ndarray  # token position of each
    keys: np.ndarray  # their sorted keys
    own: np.ndarray  # own[k]: how many of these hold the k-th key
    once: bool  # every own count 1
    exact: bool  # equal keys, equal n-grams (see _ngram_keys)
    a_key: np.ndarray  # as side a: (len - order) * _KEY_WIDTH + order
    b_key: np.ndarray  # as side b: order * _KEY_WIDTH
    padded: np.ndarray  # keys, then _KEY_PAD


def _run_counts(sk: np.ndarray, cuts: np.ndarray | None = None) -> np.ndarray:
    """For each of the sorted keys ``sk``, how many equal it (runs broken at the
    positions ``cuts`` too: keys of several documents, each sorted)."""
    # run lengths of the sorted keys
    # (np.concatenate, np.append and np.diff cost more than these on short texts)
    new = np.empty(len(sk), bool)
    new[:1] = True
    np.not_equal(sk[1:], sk[:-1], out=new[1:])
    if cuts is not None:
        new[cuts[cuts < len(sk)]] = True
    firsts = np.flatnonzero(new)
    counts = np.empty(len(firsts), np.int64)
    np.subtract(firsts[1:], firsts[:-1], out=counts[:-1])
    counts[-1:] = len(sk) - firsts[-1:]
    return np.repeat(counts, counts)


@dataclass(slots=True)
class _Doc:
    """One side, prepared once per document: word ids, barriers, sentences,
    stems, and (lazily) n-gram indexes and sentence bags."""

    tokens: Tokens
    ids: np.ndarray
    breaks: np.ndarray  # breaks[k]: number of barriers at token positions <= k
    barriers: list[int] | None  # ``breaks`` as a list (one lookup at a time); None: none
    sentences: list[tuple[int, int]]  # [lo, hi) token ranges
    generation: int
    stems: np.ndarray  # stem id per token, -1: stop word
    bounds: np.ndarray  # the sentences as an (n, 2) array
    lengths: np.ndarray  # words in each sentence
    starts: list[int]  # first token of each sentence
    grams: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, bool]] = field(default_factory=dict)
    seedable: dict[tuple[int, int], _Seeds] = field(default_factory=dict)
    bags: SentenceBags | None = None
    ordered: bool = False  # the sentences sorted and apart (as sentence_spans gives them)
    stem_max: int = 0  # the largest stem id (0 when none is larger)
    stem_sets: dict[int, set[int]] = field(default_factory=dict)  # see stem_set
    long_rows: tuple[int, list[int]] = (-1, [])  # (min_words, its sentences): see long
    chars: str | None = None  # see id_chars (None: not made yet, "": ids too large)

    def id_chars(self) -> str:
        """The word ids as one str, a character per word (:func:`_id_chars`; "" when
        they do not fit): it compares word by word as the words do (equal ids, equal
        words), for the word-at-a-time loops (a numpy element read costs several
        times more) and Indel (which reads a str's characters directly, a list's
        items one by one)."""
        if self.chars is None:
            self.chars = _id_chars(self.ids)
        return self.chars

    def ngrams(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """``(order, sorted keys, own count, exact)`` of the n-grams: ``order``
        sorts them by key; ``own[k]`` is how often the k-th of the sorted keys
        occurs here; ``exact``: see :func:`_ngram_keys`."""
        got = self.grams.get(n)
        if got is None:
            keys, exact = _ngram_keys(self.ids, n)
            # (any order among equal keys: each of their positions seeds, and the
            # seeds are sorted by position after)
            order = np.argsort(keys)
            sk = keys[order]
            got = self.grams[n] = (order, sk, _run_counts(sk), exact)
        return got

    def seeds(self, n: int, repeat: int) -> _Seeds:
        """:meth:`ngrams` without the n-grams that never seed: those occurring more
        than ``repeat`` times, and those straddling a barrier (see :class:`_Seeds`)."""
        key = (n, repeat)
        got = self.seedable.get(key)
        if got is None:
            order, sk, own, exact = self.ngrams(n)
            keep = own <= repeat
            if not keep.all():
                order, sk, own = order[keep], sk[keep], own[keep]
            once = not len(own) or int(own.max()) == 1
            if self.barriers is not None and len(order):
                keep = self.breaks[order + (n - 1)] == self.breaks[order]
                if not keep.all():
                    order, sk = order[keep], sk[keep]
                    if once:
                        own = own[keep]
                    else:  # fewer of a key may be left: count again
                        own = _run_counts(sk)
                        once = not len(own) or int(own.max()) == 1
            na = len(self.ids)
            padded = np.empty(len(sk) + 1, np.uint64)
            padded[:-1] = sk
            padded[-1] = _KEY_PAD
            small = na < _KEY_MAX_WORDS  # (the keys below are used only then)
            got = self.seedable[key] = _Seeds(
                order,
                sk,
                own,
                once,
                exact,
                order * (1 - _KEY_WIDTH) + na * _KEY_WIDTH if small else order,
                order * _KEY_WIDTH if small else order,
                padded,
            )
        return got

    def sentence_bags(self) -> SentenceBags:
        if self.bags is None:
            self.bags = sentence_bags(self.stems, self.bounds)  # (the array: no conversion)
        return self.bags

    def long(self, min_words: int) -> list[int]:
        """The sentences of at least ``min_words`` words, in order."""
        if self.long_rows[0] != min_words:
            self.long_rows = (min_words, (self.lengths >= min_words).nonzero()[0].tolist())
        return self.long_rows[1]

    def stem_set(self, k: int) -> set[int]:
        """The distinct stems of sentence ``k`` (its bag's, without the bags); not
        to be changed."""
        got = self.stem_sets.get(k)
        if got is None:
            lo, hi = self.sentences[k]
            got = self.stem_sets[k] = set(self.stems[lo:hi].tolist())
            got.discard(-1)  # (stop words)
        return got


@dataclass(slots=True)
class _Cluster:
    a_s: int
    a_e: int
    b_s: int
    b_e: int
    matched: int
    paraphrase: bool = False
    sims: list[float] = field(default_factory=list)
    seeds: int = 1
    summary: str | None = None  # "a" or "b": that side summarises the other
    exact: bool = False  # holds a verbatim / near-verbatim passage
    longest: int = 0  # longest exact run inside, in words
    echoes: list[tuple[int, int]] = field(default_factory=list)  # a summary's echoed sentences
    # exact runs known at its ends (see _chain): ``(a, b, words)`` of one starting
    # at a, b and of one ending there; each holds only while at the cluster's ends
    head: tuple[int, int, int] = (0, 0, 0)
    tail: tuple[int, int, int] = (0, 0, 0)


Reuser = Literal["a", "b"]


def align(
    a: Article,
    b: Article,
    params: AlignParams = PRESETS["news"],
    *,
    reuser: Reuser | None = None,
) -> list[Passage]:
    """Reused passages between the content of ``a`` and ``b``, sorted by ``a_start``.

    Only ``a.content`` / ``b.content`` is searched (the whole text when
    ``content`` is empty); offsets are into ``a.text`` / ``b.text``;
    ``attributed`` is always False (:func:`copytrace.attribute.attribute` sets it).

    ``reuser`` names the side known to have reused the other (``"a"`` or
    ``"b"``), when the task defines one (PAN: the suspicious document); a
    summary is then looked for only with that side summarising the other.
    None (compare, scan): either side may be the summary.

    Example:
        >>> a = Article("a", "Officials said the two sides will meet in the autumn to talk peace.")
        >>> b = Article("b", "The two sides will meet in the autumn to talk peace, TASS said.")
        >>> [(p.kind, b.text[p.b_start:p.b_end]) for p in align(a, b)]
        [('verbatim', 'The two sides will meet in the autumn to talk peace')]
    """
    if reuser not in (None, "a", "b"):
        raise ValueError(f"reuser must be 'a', 'b' or None, got {reuser!r}")
    if _order_key(b) < _order_key(a):  # canonical order: align(a, b) mirrors align(b, a)
        flipped = _other_side(reuser)
        return sorted(
            (_mirror(p) for p in align(b, a, params, reuser=flipped)),
            key=lambda p: (p.a_start, p.a_end),
        )
    tok_a, sent_a, breaks_a = _article_tokens(a.text, a.content, a.is_html, params.paraphrase)
    tok_b, sent_b, breaks_b = _article_tokens(b.text, b.content, b.is_html, params.paraphrase)
    return align_tokens(
        tok_a,
        tok_b,
        params,
        a_sentences=sent_a,
        b_sentences=sent_b,
        a_breaks=breaks_a,
        b_breaks=breaks_b,
        a_text=a.text,
        b_text=b.text,
        reuser=reuser,
    )


def _other_side(side: Reuser | None) -> Reuser | None:
    if side is None:
        return None
    return "b" if side == "a" else "a"


# What _tokens gives: tokens, sentence spans, chrome breaks.
_Prepared = tuple[Tokens, list[tuple[int, int]], list[int]]
# The documents of the pairs being aligned together (see :func:`prepared`), per
# thread: ``texts`` maps _tokens' arguments to its result, ``docs`` id(tokens) to
# them and their prepared document (as _DOCS).
_BATCH = threading.local()


def _article_tokens(
    text: str, content: tuple[tuple[int, int], ...], is_html: bool, sentences: bool
) -> _Prepared:
    """:func:`_tokens`, from the pairs being aligned together when they hold it."""
    batch = getattr(_BATCH, "texts", None)
    if batch is not None:
        got = batch.get((text, content, is_html, sentences))
        if got is not None:
            return got
    return _tokens(text, content, is_html, sentences)


@contextlib.contextmanager
def prepared(pairs: Sequence[tuple[Article, Article]], params: AlignParams) -> Iterator[None]:
    """Within it, :func:`align` on these pairs finds their articles prepared.

    Every article is prepared at once, so the per-call costs of the numpy passes
    and the lexicon are paid once for all (an engine aligns a chunk of pairs whose
    articles recur). The lexicon meets the articles in the order the pairs would
    (each pair's canonical first side first): the same word ids as pair by pair.
    """
    seen: dict[tuple[str, tuple[tuple[int, int], ...], bool], None] = {}
    for a, b in pairs:
        first, second = (b, a) if _order_key(b) < _order_key(a) else (a, b)
        seen[(first.text, first.content, first.is_html)] = None
        seen[(second.text, second.content, second.is_html)] = None
    keys = list(seen)
    tokens, token_starts = tokenize_many_starts(
        [(t, c or ((0, len(t)),), html) for t, c, html in keys]
    )
    texts: dict[tuple[str, tuple[tuple[int, int], ...], bool, bool], _Prepared] = {}
    docs: dict[int, tuple[Tokens, Spans, Sequence[int], _Doc]] = {}
    ids, stems, generation = _LEXICON.lookup(
        list(itertools.chain.from_iterable(t.words for t in tokens))
    )
    spans = [content or ((0, len(text)),) for text, content, _ in keys]
    sents = [
        sentence_spans(k[0], s) if params.paraphrase else []
        for k, s in zip(keys, spans, strict=True)
    ]
    breaks = [content_breaks(k[0], s, t, k[2]) for k, s, t in zip(keys, spans, tokens, strict=True)]
    built = _build_docs(
        tokens, breaks, sents, [len(k[0]) for k in keys], token_starts, ids, stems, generation
    )
    for key, tok, sent, brk, doc in zip(keys, tokens, sents, breaks, built, strict=True):
        texts[(*key, params.paraphrase)] = (tok, sent, brk)
        docs[id(tok)] = (tok, sent, brk, doc)
    # the documents' n-grams, seeds and sentence bags in one numpy pass each (a pass
    # per document costs more in calls than in work)
    _seeds_together(built, ids, params.seed_words, params.max_seed_repeat)
    if params.paraphrase:
        _bags_together(built, stems)
    outer = getattr(_BATCH, "texts", None), getattr(_BATCH, "docs", None)
    _BATCH.texts, _BATCH.docs = texts, docs
    try:
        yield
    finally:
        _BATCH.texts, _BATCH.docs = outer


def _seeds_together(docs: Sequence[_Doc], ids: np.ndarray, n: int, repeat: int) -> None:
    """Fill each document's :meth:`_Doc.ngrams` ``n`` and :meth:`_Doc.seeds` ``(n,
    repeat)`` at once; ``ids``: the documents' word ids one after another. The same
    keys, counts and flags as document by document (the order among equal keys may
    differ: :meth:`_Doc.ngrams` allows any)."""
    lens = np.fromiter((len(d.ids) for d in docs), np.int64, len(docs))
    if not len(docs) or len(ids) != int(lens.sum()):
        return
    keys, _ = _ngram_keys(ids, n)  # (a key is the words at its position: no document's)
    firsts = np.zeros(len(docs) + 1, np.int64)
    np.cumsum(lens, out=firsts[1:])
    per_doc = np.maximum(lens - (n - 1), 0)  # each document's n-grams
    owner = np.repeat(np.arange(len(docs)), per_doc)
    cuts = np.cumsum(per_doc)
    at = np.arange(len(owner)) - (cuts - per_doc)[owner]
    keys = keys[firsts[:-1][owner] + at] if len(owner) else keys[:0]
    # each document's keys sorted (a sort per document: 3x faster than one lexsort
    # by document and key)
    bounds = [0, *cuts.tolist()]
    order = np.concatenate([keys[lo:hi].argsort() for lo, hi in itertools.pairwise(bounds)])
    sk = keys[order + (cuts - per_doc)[owner]]
    own = _run_counts(sk, cuts[:-1])
    exact = [False] * len(docs)
    if n <= PACK_WORDS:
        most = np.zeros(len(docs), np.int64)
        has = lens > 0
        most[has] = np.maximum.reduceat(ids, firsts[:-1][has])
        exact = [m < (1 << (64 // n)) for m in most.tolist()]
    for k, (doc, lo, hi) in enumerate(zip(docs, bounds, bounds[1:], strict=False)):
        doc.grams[n] = (order[lo:hi], sk[lo:hi], own[lo:hi], exact[k] or hi == lo)
    # the seeds (see _Doc.seeds): n-grams occurring at most ``repeat`` times and not
    # straddling a barrier (the breaks of a document without barriers are all 0)
    keep = own <= repeat
    if any(d.barriers is not None for d in docs):
        breaks = np.concatenate([d.breaks for d in docs])  # (each len(ids) + 1 long)
        pos = (firsts[:-1] + np.arange(len(docs)))[owner] + order
        keep &= breaks[pos + (n - 1)] == breaks[pos]
    order, sk, owner = order[keep], sk[keep], owner[keep]
    cuts = np.cumsum(np.bincount(owner, minlength=len(docs)))
    own = _run_counts(sk, cuts[:-1])  # (whole keys left, or fewer of a key)
    bounds = [0, *cuts.tolist()]
    repeated = (np.bincount(owner[own > 1], minlength=len(docs)) > 0).tolist()
    # each document's keys, then _KEY_PAD
    padded = np.full(len(sk) + len(docs), _KEY_PAD, np.uint64)
    padded[np.arange(len(sk)) + owner] = sk
    na = lens[owner]
    a_key = order * (1 - _KEY_WIDTH) + na * _KEY_WIDTH
    b_key = order * _KEY_WIDTH
    for k, (doc, lo, hi) in enumerate(zip(docs, bounds, bounds[1:], strict=False)):
        if len(doc.ids) >= _KEY_MAX_WORDS:
            continue  # (its keys are its positions: left to _Doc.seeds)
        doc.seedable[(n, repeat)] = _Seeds(
            order[lo:hi],
            sk[lo:hi],
            own[lo:hi],
            not repeated[k],
            doc.grams[n][3],
            a_key[lo:hi],
            b_key[lo:hi],
            padded[lo + k : hi + k + 1],
        )


def _bags_together(docs: Sequence[_Doc], stems: np.ndarray) -> None:
    """Fill each document's :meth:`_Doc.sentence_bags` at once; ``stems``: the
    documents' stem ids one after another. The same bags as document by document
    (a bag's entries are sorted by sentence, then stem)."""
    sizes = [len(d.bounds) for d in docs]
    lens = [len(d.ids) for d in docs]
    if not docs or len(stems) != sum(lens):
        return
    shift = np.repeat(np.cumsum([0, *lens[:-1]]), sizes)
    bags = sentence_bags(stems, np.concatenate([d.bounds for d in docs]) + shift[:, None])
    first = np.cumsum([0, *sizes]).tolist()
    cuts = np.searchsorted(bags.sent, first).tolist()
    for k, doc in enumerate(docs):
        lo, hi = cuts[k], cuts[k + 1]
        doc.bags = SentenceBags(
            bags.sent[lo:hi] - first[k],
            bags.stem[lo:hi],
            bags.count[lo:hi],
            bags.sizes[first[k] : first[k + 1]],
        )


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _tokens(
    text: str, content: tuple[tuple[int, int], ...], is_html: bool, sentences: bool
) -> tuple[Tokens, list[tuple[int, int]], list[int]]:
    """Tokens, sentence spans and chrome breaks of one text, cached: a corpus run
    meets the same document in many consecutive pairs."""
    spans = content or ((0, len(text)),)
    tokens = tokenize(text, spans, is_html)
    sents = sentence_spans(text, spans) if sentences else []
    return tokens, sents, content_breaks(text, spans, tokens, is_html)


def content_breaks(text: str, spans: Spans, tokens: Tokens, is_html: bool = False) -> list[int]:
    """Token indices ``k`` where token ``k-1`` and ``k`` lie in content spans
    separated by something other than whitespace (chrome): no passage spans them.
    Of an HTML page, by what a reader sees between them: the markup between two
    paragraphs is no chrome.

    Example:
        >>> text = "one two\\nMENU\\nthree four"
        >>> spans = [(0, 7), (13, 23)]
        >>> content_breaks(text, spans, tokenize(text, spans))
        [2]
    """
    if len(spans) < 2 or not len(tokens):
        return []
    # A token belongs to the last span starting at or before it: span j holds the
    # tokens from first[j] (the first starting at or after spans[j][0]) up to the
    # next span's first. The breaks are the first tokens of the spans holding any,
    # but the earliest such span; what lies between a span and the previous one
    # holding tokens decides.
    starts = tokens.starts
    n = len(starts)
    first = [bisect.bisect_left(starts, s) for s, _ in spans]
    first.append(n)
    out: list[int] = []
    prev = -1  # the last span seen holding tokens
    for j in range(len(spans)):
        k = first[j]
        if first[j + 1] <= k:  # no token starts in span j
            continue
        if prev >= 0 and _shown(text[spans[prev][1] : spans[j][0]], is_html):
            out.append(k)
        prev = j
    return out


def _shown(gap: str, is_html: bool) -> bool:
    """Whether ``gap`` (between two content spans) is more than white space: of an
    HTML page, more than the tags that part paragraphs ("</p>\n<p>"); a page's other
    markup (a container's end, a script, a comment) may hold anything."""
    if not gap.strip():
        return False
    return not (is_html and _PARAGRAPH_MARKUP.fullmatch(gap))


# Tags between two paragraphs of one article's text.
_PARAGRAPH_MARKUP = re.compile(
    r"\s*(?:</?(?:p|br|span|em|strong|b|i|a|li|ul|ol|blockquote|h[1-6])\b[^<>]*>\s*)*",
    re.IGNORECASE,
)


def _word_weight(a: Tokens, c: _Cluster) -> float:
    """The words of cluster ``c`` on side ``a``, a Chinese or Japanese character
    counting as :data:`CJK_WORD_SHARE` of a word (``c.matched`` less the rest)."""
    cjk = sum(1 for w in a.words[c.a_s : c.a_e] if len(w) == 1 and _CJK_CHAR.match(w))
    return c.matched - min(cjk, c.matched) * (1 - CJK_WORD_SHARE)


def align_tokens(
    a: Tokens,
    b: Tokens,
    params: AlignParams = PRESETS["news"],
    *,
    a_sentences: Spans = (),
    b_sentences: Spans = (),
    a_breaks: Sequence[int] = (),
    b_breaks: Sequence[int] = (),
    a_text: str | None = None,
    b_text: str | None = None,
    reuser: Reuser | None = None,
) -> list[Passage]:
    """The aligner on pre-tokenised input (for engines that tokenise once).

    Args:
        a: tokens of side a (:func:`copytrace.text.tokenize`), offsets into its text.
        b: tokens of side b.
        params: tunables.
        a_sentences: character spans of a's sentences (:func:`copytrace.text.sentence_spans`),
            needed for paraphrase detection; empty disables it for this pair.
        b_sentences: the same for b.
        a_breaks: token indices ``k`` such that no passage may join token
            ``k-1`` and ``k`` in a (chrome between them), see :func:`content_breaks`.
        b_breaks: the same for b.
        a_text: a's text, needed only for ``params.end_punctuation``.
        b_text: the same for b.
        reuser: the side known to have reused the other (see :func:`align`);
            a summary is looked for only with that side summarising.

    Returns:
        Passages sorted by ``a_start``, ``attributed`` False.

    Example:
        >>> from copytrace.text import tokenize
        >>> ta = tokenize("He said the talks will be held in Moscow in the fall this year.")
        >>> tb = tokenize("The talks will be held in Moscow in the fall, Nikkei said.")
        >>> [p.words for p in align_tokens(ta, tb)]
        [10]
    """
    da = _prepare(a, a_breaks, a_sentences)
    db = _prepare(b, b_breaks, b_sentences)
    if da.generation != db.generation:  # the lexicon started afresh in between
        da = _prepare(a, a_breaks, a_sentences)
        if da.generation != db.generation:  # a pair larger than the lexicon: its own
            lexicon = Lexicon()
            da = _prepare_doc(a, a_breaks, a_sentences, lexicon)
            db = _prepare_doc(b, b_breaks, b_sentences, lexicon)
    runs = _runs(da, db, params)
    clusters = _chain(runs, da, db, params.join_gap, params.join_back, params.join_skew)
    passages = [
        c
        for c in clusters
        if c.matched >= params.min_words
        and (
            c.matched >= params.min_words / CJK_WORD_SHARE or _word_weight(a, c) >= params.min_words
        )
    ]
    for c in passages:
        # a verbatim stretch too short to report alone (a shared name) does not
        # vouch for the paraphrases merged around it, nor do chance runs chained
        # across wide gaps
        c.exact = c.longest >= params.exact_run and (
            min(a.ends[c.a_e - 1] - a.starts[c.a_s], b.ends[c.b_e - 1] - b.starts[c.b_s])
            >= params.min_chars
        )
    if params.merge_gap > 0 and params.contradict_slack >= 0:
        passages = _consistent(
            passages, params.contradict_slack, params.repeat_ratio, params.strict_run
        )
    if params.paraphrase and da.sentences and db.sentences:
        evidence = [c for c in passages if c.exact] if params.exact_only else passages
        passages += _paraphrase_pairs(da, db, evidence, params, reuser)
    if params.merge_gap > 0:
        if params.tail_run > 0:
            passages = _drop_tails(passages, da, db, params)
        summaries = [c for c in passages if c.summary]
        cases = _merge_cases([c for c in passages if not c.summary], da, db, params.merge_gap)
        if params.case_cosine > 0:
            stems_a, stems_b = da.stems, db.stems
            cases = [
                c
                for c in cases
                if (not c.paraphrase and c.longest >= params.strong_run)
                or _span_cosine(stems_a[c.a_s : c.a_e], stems_b[c.b_s : c.b_e])
                >= params.case_cosine
            ]
        if params.lone_rare > 0:
            cases = [
                c
                for c in cases
                if not c.paraphrase or c.exact or _own_stems(c, da, db) >= params.lone_rare
            ]
        if params.name_own > 0 and a_text is not None and b_text is not None:
            cases = [
                c
                for c in cases
                if not c.paraphrase
                or c.longest >= NAME_RUN
                or _common_stems(c, a, b, da, db, a_text, b_text) > NAME_COMMON
                or _own_stems(c, da, db) > params.name_own
            ]
        if params.rescue_cosine > 0:
            for c in cases:
                if not c.paraphrase and c.seeds >= 2 and c.longest >= params.rescue_run:
                    _rescue(c, a, b, da, db, params)
        if params.summary_covered > 0:
            summaries = [
                m
                for m in summaries
                if not any(
                    _explained(m, c, params.summary_covered, params.summary_explained)
                    for c in cases
                )
            ]
        passages = _drop_overlaps(cases + summaries, params.copy_run)
    out = _finish(
        passages, a, b, params, a_text, b_text, da.starts, db.starts, da.id_chars(), db.id_chars()
    )
    if (
        params.paraphrase_run > 1
        and out
        and all(p.kind == "paraphrase" for p in out)
        and _paraphrase_run(out, a, b, da.starts, db.starts) < params.paraphrase_run
    ):
        return []
    return out


def _paraphrase_run(
    passages: list[Passage], a: Tokens, b: Tokens, a_sents: Sequence[int], b_sents: Sequence[int]
) -> int:
    """The most sentences of passages that follow one another, in order, in both
    texts (each passage as many as it spans on its sparser side)."""

    def sentences(starts: Sequence[int], sents: Sequence[int], lo: int, hi: int) -> tuple[int, int]:
        first = bisect.bisect_left(starts, lo)
        last = max(first, bisect.bisect_left(starts, hi) - 1)
        return bisect.bisect_right(sents, first) - 1, bisect.bisect_right(sents, last) - 1

    spans = sorted(
        (
            sentences(a.starts, a_sents, p.a_start, p.a_end),
            sentences(b.starts, b_sents, p.b_start, p.b_end),
        )
        for p in passages
    )
    best = run = 0
    prev: tuple[tuple[int, int], tuple[int, int]] | None = None
    for sa, sb in spans:
        size = min(sa[1] - sa[0], sb[1] - sb[0]) + 1
        follows = prev is not None and all(
            1 <= now[0] - before[1] <= 1 + PARAPHRASE_RUN_SKIP
            for now, before in ((sa, prev[0]), (sb, prev[1]))
        )
        run = run + size if follows else size
        best = max(best, run)
        prev = (sa, sb)
    return best


def _order_key(art: Article) -> tuple[int, str]:
    return (len(art.text), art.text)


def _mirror(p: Passage) -> Passage:
    return Passage(
        p.kind, p.b_start, p.b_end, p.a_start, p.a_end, p.words, p.similarity, p.attributed
    )


_LEXICON = Lexicon()
# id(tokens) -> (tokens, sentences, breaks, prepared doc); holding the tokens
# keeps their id from being reused while the entry lives
_DOCS: dict[int, tuple[Tokens, Spans, Sequence[int], _Doc]] = {}
# The web server aligns in threads: a lookup and an eviction must not interleave.
_DOCS_LOCK = threading.Lock()


def _prepare(tokens: Tokens, breaks: Sequence[int], sentences: Spans) -> _Doc:
    """The prepared document for these tokens, from the cache when it has it."""
    key = id(tokens)
    batch = getattr(_BATCH, "docs", None)
    if batch is not None:
        got = batch.get(key)
        if (
            got is not None
            and got[0] is tokens
            and got[1] is sentences
            and got[2] is breaks
            and got[3].generation == _LEXICON.generation
        ):
            return got[3]
    with _DOCS_LOCK:
        got = _DOCS.get(key)
        if (
            got is not None
            and got[0] is tokens
            and (got[1] is sentences or got[1] == sentences)
            and (got[2] is breaks or got[2] == breaks)
            and got[3].generation == _LEXICON.generation
        ):
            _DOCS[key] = _DOCS.pop(key)  # most recently used last
            return got[3]
    doc = _prepare_doc(tokens, breaks, sentences, _LEXICON)
    with _DOCS_LOCK:
        _DOCS.pop(key, None)
        while len(_DOCS) >= DOC_CACHE_SIZE:
            del _DOCS[next(iter(_DOCS))]
        _DOCS[key] = (tokens, sentences, breaks, doc)
    return doc


def _prepare_doc(
    tokens: Tokens, breaks: Sequence[int], sentences: Spans, lexicon: Lexicon | None = None
) -> _Doc:
    lexicon = lexicon or _LEXICON
    return _build_doc(tokens, breaks, sentences, *lexicon.lookup(tokens.words))


def _build_doc(
    tokens: Tokens,
    breaks: Sequence[int],
    sentences: Spans,
    ids: np.ndarray,
    stems: np.ndarray,
    generation: int,
) -> _Doc:
    """The prepared document, given its words' ids and stems in the lexicon."""
    flags = np.zeros(len(tokens) + 1, np.int64)
    barrier = False
    for k in breaks:
        if 0 < k < len(tokens):
            flags[k] = 1
            barrier = True
    sent_tok: list[tuple[int, int]] = []
    firsts: list[int] = []
    ordered = True
    if sentences and len(tokens):
        # a bisect per boundary (a news article has a few dozen sentences): no
        # array of the token starts, which costs more than the search
        starts, find = tokens.starts, bisect.bisect_left
        end = 0
        for s, e in sentences:
            lo = find(starts, s)
            hi = find(starts, e, lo)
            if hi > lo:
                ordered = ordered and lo >= end
                end = hi
                sent_tok.append((lo, hi))
                firsts.append(lo)
    sent_bounds = np.fromiter(
        itertools.chain.from_iterable(sent_tok), np.int64, 2 * len(sent_tok)
    ).reshape(-1, 2)
    counts = flags.cumsum() if barrier else flags  # (no barrier: all 0)
    return _Doc(
        tokens,
        ids,
        counts,
        counts.tolist() if barrier else None,
        sent_tok,
        generation,
        stems,
        sent_bounds,
        sent_bounds[:, 1] - sent_bounds[:, 0],
        firsts,
        ordered=ordered,
        stem_max=int(stems.max(initial=0)),
    )


def _build_docs(
    tokens: Sequence[Tokens],
    breaks: Sequence[Sequence[int]],
    sentences: Sequence[Spans],
    text_lengths: Sequence[int],
    token_starts: np.ndarray | None,
    ids: np.ndarray,
    stems: np.ndarray,
    generation: int,
) -> list[_Doc]:
    """:func:`_build_doc` of each document, by numpy passes over them all (a bisect
    pair per sentence and a few numpy calls per document cost more): the same
    documents, their arrays views of shared ones. ``ids``, ``stems`` and (when
    given) ``token_starts``: the documents' one after another; ``text_lengths``:
    their texts' lengths."""
    n_docs = len(tokens)
    lens = [len(t) for t in tokens]
    tok_at = np.zeros(n_docs + 1, np.int64)
    np.cumsum(lens, out=tok_at[1:])
    bounds = tok_at.tolist()
    # each document's token starts shifted past the previous documents' texts: one
    # sorted array to search every sentence in (when each document's is sorted)
    shift = np.zeros(n_docs, np.int64)
    np.cumsum(np.array(text_lengths[:-1], np.int64) + 1, out=shift[1:])
    if token_starts is None or len(token_starts) != bounds[-1]:
        token_starts = np.fromiter(
            itertools.chain.from_iterable(t.starts for t in tokens), np.int64, bounds[-1]
        )
    starts = token_starts + np.repeat(shift, lens)
    if len(ids) != bounds[-1] or (len(starts) > 1 and (starts[1:] < starts[:-1]).any()):
        return [  # (unsorted spans: the search differs from a bisect)
            _build_doc(t, b, s, ids[lo:hi], stems[lo:hi], generation)
            for t, b, s, lo, hi in zip(tokens, breaks, sentences, bounds, bounds[1:], strict=False)
        ]
    # the barrier counts: each document's len + 1 of them, counted from its first
    flag_at = [
        base + k
        for base, n, doc_breaks in zip(
            (tok_at[:-1] + np.arange(n_docs)).tolist(), lens, breaks, strict=True
        )
        for k in doc_breaks
        if 0 < k < n
    ]
    flagged = np.array(flag_at, np.int64)
    flags = np.zeros(bounds[-1] + n_docs, np.int64)
    flags[flagged] = 1
    counts = flags.cumsum()
    counts -= np.repeat(counts[tok_at[:-1] + np.arange(n_docs)], np.add(lens, 1))
    has_barrier = np.bincount(
        np.searchsorted(tok_at[1:] + np.arange(1, n_docs + 1), flagged, "right"),
        minlength=n_docs,
    ).tolist()
    # the sentences' token ranges, those holding a token kept
    per_doc = [len(s) for s in sentences]
    spans = np.fromiter(
        itertools.chain.from_iterable(itertools.chain.from_iterable(sentences)),
        np.int64,
        2 * sum(per_doc),
    ).reshape(-1, 2)
    sent_doc = np.repeat(np.arange(n_docs), per_doc)
    found = np.searchsorted(starts, spans + shift[sent_doc, None]) - tok_at[sent_doc, None]
    keep = found[:, 1] > found[:, 0]
    found, sent_doc = found[keep], sent_doc[keep]
    cuts = np.zeros(n_docs + 1, np.int64)
    np.cumsum(np.bincount(sent_doc, minlength=n_docs), out=cuts[1:])
    # ordered: each sentence after the previous one of its document
    overlap = (found[1:, 0] < found[:-1, 1]) & (sent_doc[1:] == sent_doc[:-1])
    unordered = set(sent_doc[1:][overlap].tolist())
    lengths = found[:, 1] - found[:, 0]
    lo_list: list[int] = found[:, 0].tolist()
    hi_list: list[int] = found[:, 1].tolist()
    most = np.zeros(n_docs, np.int64)
    held = np.flatnonzero(np.array(lens) > 0)
    if len(held):
        most[held] = np.maximum.reduceat(stems, tok_at[held])
    np.maximum(most, 0, out=most)
    # the id characters of every document at once (see _Doc.id_chars)
    chars = _id_chars(ids) or None
    docs: list[_Doc] = []
    for k, (lo, hi, s_lo, s_hi, stem_max, barrier) in enumerate(
        zip(
            bounds,
            bounds[1:],
            cuts.tolist(),
            cuts[1:].tolist(),
            most.tolist(),
            has_barrier,
            strict=False,
        )
    ):
        doc_counts = counts[lo + k : hi + k + 1]
        firsts = lo_list[s_lo:s_hi]
        docs.append(
            _Doc(
                tokens[k],
                ids[lo:hi],
                doc_counts,
                doc_counts.tolist() if barrier else None,
                list(zip(firsts, hi_list[s_lo:s_hi], strict=True)),
                generation,
                stems[lo:hi],
                found[s_lo:s_hi],
                lengths[s_lo:s_hi],
                firsts,
                ordered=k not in unordered,
                stem_max=stem_max,
                chars=chars[lo:hi] if chars is not None else None,
            )
        )
    return docs


def _crosses(doc: _Doc, lo: int, hi: int) -> bool:
    """True when a barrier lies between tokens ``lo`` and ``hi`` (inclusive ends)."""
    if hi <= lo:
        return False
    barriers = doc.barriers
    return barriers is not None and barriers[hi] != barriers[lo]


# n-grams of up to this many words are keyed by their word ids packed into 64
# bits (64 // n bits each): exact while every id fits, so no seed needs checking.
PACK_WORDS = 4


# Word ids as characters: id k is chr(k), past the surrogates (not characters)
# chr(k + _SURROGATES); ids that would pass the last character stay ids.
_SURROGATE_LO = 0xD800
_SURROGATES = 0x800
_ID_CHARS_MAX = 0x110000 - _SURROGATES


def _id_chars(ids: np.ndarray) -> str:
    """``ids`` (non-negative, below _ID_CHARS_MAX) as a str, a character for each: equal
    ids, equal characters. "" when an id does not fit (or there are none)."""
    if not len(ids) or int(ids.max()) >= _ID_CHARS_MAX or int(ids.min()) < 0:
        return ""
    code = ids.astype(np.uint32)
    code[code >= _SURROGATE_LO] += _SURROGATES
    return code.tobytes().decode("utf-32-le")


def _ngram_keys(ids: np.ndarray, n: int) -> tuple[np.ndarray, bool]:
    """A key per n-gram (equal n-grams, equal keys) and whether the keys are exact
    (equal keys, equal n-grams); hashed keys may collide."""
    m = len(ids) - n + 1
    if m <= 0:
        return np.empty(0, np.uint64), True
    vals = ids.astype(np.uint64)
    if n <= PACK_WORDS:
        bits = 64 // n
        h = vals[:m].copy()
        for k in range(1, n):
            h <<= np.uint64(bits)
            h |= vals[k : k + m]
        return h, int(ids.max()) < (1 << bits)
    vals += np.uint64(1)
    h = np.zeros(m, np.uint64)
    mult = np.uint64(0x100000001B3)
    for k in range(n):
        h = h * mult + vals[k : k + m]
    return h, False


def _runs(da: _Doc, db: _Doc, params: AlignParams) -> list[tuple[int, int, int]]:
    """Exact matching stretches ``(a_start, b_start, length)`` in word indices."""
    n = params.seed_words
    # only n-grams occurring at most max_seed_repeat times on both sides, and not
    # straddling a barrier, seed
    seeds_a = da.seeds(n, params.max_seed_repeat)
    seeds_b = db.seeds(n, params.max_seed_repeat)
    sa, sb = seeds_a.keys, seeds_b.keys
    if not len(sa) or not len(sb):
        return []
    # look b's n-grams up in sorted order (4x faster than in text order); the
    # seeds are sorted below, so the order they are found in does not matter
    # (array methods, not np.searchsorted / np.flatnonzero: their Python wrappers
    # cost a few us a call, and _runs makes a dozen numpy calls a pair)
    lo = sa.searchsorted(sb)
    if int(sb[-1]) != _KEY_PAD:  # (lo is len(sa) past a's last key)
        kb = (seeds_a.padded[lo] == sb).nonzero()[0]
    else:
        kb = (sa[np.minimum(lo, len(sa) - 1)] == sb).nonzero()[0]
    if not len(kb):
        return []
    lo_kb = lo[kb]
    na, nb = len(da.ids), len(db.ids)
    width = _KEY_WIDTH if max(na, nb) < _KEY_MAX_WORDS else na + 1
    c = None if seeds_a.once else seeds_a.own[lo_kb]  # how often each n-gram found occurs in a
    once = c is None or int(c.max()) == 1  # each n-gram once in a: one seed each
    if once and seeds_a.exact and seeds_b.exact and width == _KEY_WIDTH:
        # the usual case: each side's share of the key is ready
        key = seeds_b.b_key[kb] + seeds_a.a_key[lo_kb]
    else:
        if once:
            j = seeds_b.order[kb]
            i = seeds_a.order[lo_kb]
        else:
            assert c is not None
            j = np.repeat(seeds_b.order[kb], c)
            offs = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
            i = seeds_a.order[np.repeat(lo_kb, c) + offs]
        if not (seeds_a.exact and seeds_b.exact):  # verify: hashed keys may collide
            ok = np.ones(len(i), bool)
            for k in range(n):
                ok &= da.ids[i + k] == db.ids[j + k]
            if not ok.all():
                i, j = i[ok], j[ok]
                if not len(i):
                    return []
        key = (j - i + na) * width + i
    # seeds sorted by (diagonal, position in a) as one key: the seeds of a run
    # (one diagonal, consecutive in a) are consecutive keys
    key.sort()
    new = np.empty(len(key), bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1] + 1, out=new[1:])
    first = new.nonzero()[0]
    # each run's start (its first key) and length (seeds + n - 1), read in the
    # loop: a pair has a few runs, and a numpy call costs as much as a dozen of them
    packed = key[first].tolist()
    bounds = first.tolist()
    bounds.append(len(key))
    ids_a: str | np.ndarray = da.id_chars()
    ids_b: str | np.ndarray = db.id_chars()
    if not (ids_a and ids_b):  # (ids that do not fit: the arrays)
        ids_a, ids_b = da.ids, db.ids
    out: list[tuple[int, int, int]] = []
    extend = False
    for k, at in enumerate(packed):
        diag, s_a = divmod(at, width)
        s_b = s_a + diag - na
        ln = bounds[k + 1] - bounds[k] + n - 1
        # extend exactly, word by word, without crossing a barrier
        while s_a > 0 and s_b > 0 and ids_a[s_a - 1] == ids_b[s_b - 1]:
            if _crosses(da, s_a - 1, s_a) or _crosses(db, s_b - 1, s_b):
                break
            s_a, s_b, ln, extend = s_a - 1, s_b - 1, ln + 1, True
        e_a, e_b = s_a + ln, s_b + ln
        while e_a < na and e_b < nb and ids_a[e_a] == ids_b[e_b]:
            if _crosses(da, e_a - 1, e_a) or _crosses(db, e_b - 1, e_b):
                break
            e_a, e_b, ln, extend = e_a + 1, e_b + 1, ln + 1, True
        out.append((s_a, s_b, ln))
    if not extend:
        # ``out`` is distinct, and no two of its runs on one diagonal overlap: a
        # seed inside a run's last n - 1 words would have extended it (seeds
        # straddle no barrier)
        out.sort()
        return out
    out = sorted(set(out), key=lambda r: (r[1] - r[0], r[0]))
    # runs on one diagonal that now overlap are the same stretch
    merged: list[tuple[int, int, int]] = []
    for r in out:
        if merged:
            p = merged[-1]
            if p[1] - p[0] == r[1] - r[0] and r[0] < p[0] + p[2]:
                end = max(p[0] + p[2], r[0] + r[2])
                merged[-1] = (p[0], p[1], end - p[0])
                continue
        merged.append(r)
    merged.sort()
    return merged


def _chain(
    runs: list[tuple[int, int, int]],
    da: _Doc,
    db: _Doc,
    gap: int,
    back: int = -1,
    skew: int = -1,
) -> list[_Cluster]:
    """Join runs into passages across gaps of at most ``gap`` words on each side."""
    back = gap if back < 0 else min(back, gap)
    bar_a, bar_b = da.barriers, db.barriers
    done: list[_Cluster] = []
    active: list[_Cluster] = []
    for s_a, s_b, ln in runs:
        e_a, e_b = s_a + ln, s_b + ln
        still: list[_Cluster] = []
        for c in active:
            (still if c.a_e + gap >= s_a else done).append(c)
        active = still
        best: _Cluster | None = None
        best_cost = 0
        absorbed = False
        for c in active:
            if c.a_s <= s_a and e_a <= c.a_e and c.b_s <= s_b and e_b <= c.b_e:
                absorbed = True
                break
            ga, gb = s_a - c.a_e, s_b - c.b_e
            if not (-back <= ga <= gap and -back <= gb <= gap):
                continue
            if 0 <= skew < abs(ga - gb):
                continue  # far off the diagonal: a chance match
            if e_a <= c.a_e or e_b <= c.b_e:
                continue
            # _crosses(da, c.a_e - 1, s_a) or _crosses(db, c.b_e - 1, s_b), inline
            if (bar_a is not None and s_a > c.a_e - 1 and bar_a[s_a] != bar_a[c.a_e - 1]) or (
                bar_b is not None and s_b > c.b_e - 1 and bar_b[s_b] != bar_b[c.b_e - 1]
            ):
                continue
            cost = abs(ga) + abs(gb)
            if best is None or cost < best_cost:
                best, best_cost = c, cost
        if absorbed:
            continue
        if best is None:
            head, tail = (s_a, s_b, ln), (e_a, e_b, ln)
            active.append(
                _Cluster(s_a, e_a, s_b, e_b, ln, exact=True, longest=ln, head=head, tail=tail)
            )
        else:
            overlap = max(0, best.a_e - s_a, best.b_e - s_b)
            best.matched += ln - overlap
            best.a_e, best.b_e = e_a, e_b
            best.tail = (e_a, e_b, ln)
            best.longest = max(best.longest, ln)
            best.b_s = min(best.b_s, s_b)
    done.extend(active)
    return done


def _paraphrase_pairs(
    da: _Doc,
    db: _Doc,
    verbatim: list[_Cluster],
    params: AlignParams,
    reuser: Reuser | None = None,
) -> list[_Cluster]:
    """Sentence pairs that say the same thing in other words, matched one to one,
    and summaries (by ``reuser`` only, when given) of a longer stretch."""
    min_words, most = params.paraphrase_min_words, params.sentence_covered
    spans_a = _union([(c.a_s, c.a_e) for c in verbatim])
    pick_a = _candidate_rows(da, spans_a, min_words, most)
    if not pick_a:
        return []  # (half the pairs of news articles: b's spans are not needed)
    spans_b = _union([(c.b_s, c.b_e) for c in verbatim])
    pick_b = _candidate_rows(db, spans_b, min_words, most)
    if not pick_b:
        return []
    # most pairs have a few candidate sentences a side, and no pair of them
    # reaches the Dice count: told by set intersections (sentence_similarity
    # would find no pair either, after a few dozen numpy calls and the bags)
    if (
        params.summary_ratio <= 0
        and params.paraphrase_dice > 0
        and len(pick_a) * len(pick_b) <= DICE_SETS_MAX
        and not dice_reaches(
            [da.stem_set(k) for k in pick_a],
            [db.stem_set(k) for k in pick_b],
            params.paraphrase_dice,
        )
    ):
        return []
    cand_a = np.zeros(len(da.sentences), bool)
    cand_a[pick_a] = True
    cand_b = np.zeros(len(db.sentences), bool)
    cand_b[pick_b] = True
    # bags and idf over every sentence of both texts, candidates filtered after
    bags_a = da.sentence_bags()
    bags_b = db.sentence_bags()
    size = max(da.stem_max, db.stem_max) + 1
    # only pairs that reach a threshold below are used (summaries filter on
    # summary_cosine first thing, sentence pairs on paraphrase_cosine)
    floor = params.paraphrase_cosine
    if params.summary_ratio > 0:
        floor = min(floor, params.summary_cosine)
    # without summaries (which read every sentence pair) only candidate pairs
    # that reach the Dice count
    rows_a, rows_b = (None, None) if params.summary_ratio > 0 else (cand_a, cand_b)
    min_dice = 0.0 if params.summary_ratio > 0 else params.paraphrase_dice
    sa, sb, cos, dice = sentence_similarity(
        bags_a,
        bags_b,
        len(da.sentences),
        len(db.sentences),
        size,
        max(floor, 0.0),
        rows_a,
        rows_b,
        min_dice,
    )
    if not len(cos):  # (most pairs: no sentence pair reaches the thresholds)
        return []
    out: list[_Cluster] = []
    in_a = _mask(len(da.ids), spans_a)
    in_b = _mask(len(db.ids), spans_b)
    if params.summary_ratio > 0:
        n_total = len(da.sentences) + len(db.sentences)
        if reuser != "b":  # a summarising b
            out += _summaries(
                da,
                db,
                sa,
                sb,
                cos,
                params,
                lambda lo, hi: bag_doc_cosine(bags_a, lo, hi, bags_b, n_total),
                in_b,
            )
        if reuser != "a":  # b summarising a
            mirrored = _summaries(
                db,
                da,
                sb,
                sa,
                cos,
                params,
                lambda lo, hi: bag_doc_cosine(bags_b, lo, hi, bags_a, n_total),
                in_a,
            )
            out += [_mirror_cluster(c) for c in mirrored]
    ok = (cos >= params.paraphrase_cosine) & (dice >= params.paraphrase_dice)
    ok &= cand_a[sa] & cand_b[sb]
    if not ok.any():
        return out
    sa, sb, cos = sa[ok], sb[ok], cos[ok]
    pairs: list[tuple[int, int, float]]
    if params.merge_gap > 0:
        pairs = list(zip(sa.tolist(), sb.tolist(), cos.tolist(), strict=True))
    else:  # one to one, best first
        pairs = _one_to_one(sa, sb, cos)
    owner_a = _owners(len(da.ids), [(c.a_s, c.a_e) for c in verbatim])
    owner_b = _owners(len(db.ids), [(c.b_s, c.b_e) for c in verbatim])
    slack = params.merge_gap if params.contradict_slack < 0 else params.contradict_slack
    for x, y, sim in pairs:
        lo_a, hi_a = da.sentences[x]
        lo_b, hi_b = db.sentences[y]
        if verbatim:
            # a sentence pair that contradicts a verbatim passage (one side in it,
            # the other side elsewhere) is a chance match
            on_a = set(owner_a[lo_a:hi_a].tolist())
            on_a.discard(-1)
            on_b = set(owner_b[lo_b:hi_b].tolist())
            on_b.discard(-1)
            if on_a and not any(
                verbatim[k].b_s - slack < hi_b and lo_b < verbatim[k].b_e + slack for k in on_a
            ):
                continue
            if on_b and not any(
                verbatim[k].a_s - slack < hi_a and lo_a < verbatim[k].a_e + slack for k in on_b
            ):
                continue
        lo_a, hi_a = _trim(in_a, lo_a, hi_a)
        lo_b, hi_b = _trim(in_b, lo_b, hi_b)
        if hi_a <= lo_a or hi_b <= lo_b:
            continue
        if params.merge_gap == 0 and (in_a[lo_a:hi_a].any() or in_b[lo_b:hi_b].any()):
            continue  # never overlap a verbatim passage
        words = min(hi_a - lo_a, hi_b - lo_b)
        out.append(_Cluster(lo_a, hi_a, lo_b, hi_b, words, True, [sim]))
    return out


def _candidate_rows(
    doc: _Doc, spans: list[tuple[int, int]], min_words: int, most: float
) -> list[int]:
    """:func:`_sentence_candidates` as the list of their indices; for ordered
    sentences and ``most`` below 1 (the news preset) without a numpy call: the
    long sentences less those a span holds whole, found by bisection, and those
    it covers too much of in part."""
    if not spans:
        return list(doc.long(min_words))
    if not (doc.ordered and 0 <= most < 1.0):
        return _sentence_candidates(doc, spans, min_words, most).nonzero()[0].tolist()
    long = doc.long(min_words)
    covered, whole = _span_cover(doc, spans)
    out: list[int] = []
    at = 0  # long[at:]: not yet placed
    for lo, hi in whole:  # (in order: the spans are sorted and apart)
        cut = bisect.bisect_left(long, lo, at)
        out += long[at:cut]
        at = bisect.bisect_left(long, hi, cut)
    out += long[at:]
    sents = doc.sentences
    over = {
        k for k, words in covered.items() if not words / max(sents[k][1] - sents[k][0], 1) <= most
    }
    return [k for k in out if k not in over] if over else out


def _span_cover(
    doc: _Doc, spans: list[tuple[int, int]]
) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """For ordered sentences, by bisection: the characters inside ``spans`` (sorted,
    apart) of each sentence a span meets in part (its first and last), and the
    ranges ``[lo, hi)`` of sentences a span holds whole (those between)."""
    sents, firsts = doc.sentences, doc.starts
    covered: dict[int, int] = {}
    whole: list[tuple[int, int]] = []
    for s, e in spans:
        first = max(bisect.bisect_right(firsts, s) - 1, 0)
        last = bisect.bisect_left(firsts, e) - 1  # the last starting before e
        if last < first:
            continue
        for k in (first, last) if last > first else (first,):
            lo, hi = sents[k]
            inside = min(hi, e) - max(lo, s)
            if inside > 0:
                covered[k] = covered.get(k, 0) + inside
        if last - first > 1:
            whole.append((first + 1, last))
    return covered, whole


def _sentence_candidates(
    doc: _Doc, spans: list[tuple[int, int]], min_words: int, most: float
) -> np.ndarray:
    """Sentences of ``doc`` that may pair as paraphrases: at least ``min_words``
    words, at most a ``most`` share of them inside ``spans`` (verbatim passages;
    sorted, apart)."""
    length = doc.lengths
    ok = length >= min_words
    if not spans:
        return ok
    if doc.ordered and most >= 0:
        # a span holds whole the sentences between the first and the last it meets
        # (their share inside is 1), and those two in part
        covered, whole = _span_cover(doc, spans)
        if most < 1.0:  # (most >= 0 here: no NaN)
            for lo, hi in whole:
                ok[lo:hi] = False
        sents = doc.sentences
        for k, words in covered.items():
            lo, hi = sents[k]
            if not words / max(hi - lo, 1) <= most:
                ok[k] = False
        return ok
    cut = np.asarray(spans, np.int64)  # words of each sentence inside the spans
    inside = np.minimum(doc.bounds[:, 1:2], cut[:, 1]) - np.maximum(doc.bounds[:, 0:1], cut[:, 0])
    covered_words = np.maximum(inside, 0).sum(axis=1)
    ok &= covered_words / np.maximum(length, 1) <= most
    return ok


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The same tokens as ``[lo, hi)`` spans that do not overlap, sorted."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _mask(n: int, spans: list[tuple[int, int]]) -> np.ndarray:
    """Of ``n`` tokens, those inside ``spans``."""
    inside = np.zeros(n, bool)
    for lo, hi in spans:
        inside[lo:hi] = True
    return inside


def _consistent(
    clusters: list[_Cluster], slack: int, repeat: float = 0.0, strict_run: int = 0
) -> list[_Cluster]:
    """Drop chained matches that contradict a verbatim passage: inside it in one
    text, more than ``slack`` words away from it in the other. With ``repeat``
    > 0, a verbatim passage too is dropped when it contradicts one whose longest
    exact run is ``repeat`` times as long (a phrase the other text repeats).
    With ``strict_run`` > 0, a passage holding an exact run that long allows no
    slack: a match inside it in one text must overlap it in the other."""
    exact = [c for c in clusters if c.exact]

    def slack_of(e: _Cluster) -> int:
        return 0 if 0 < strict_run <= e.longest else slack

    out: list[_Cluster] = []
    for c in clusters:
        if c.exact:
            if repeat <= 0:
                out.append(c)
                continue
            against = [e for e in exact if e.longest >= repeat * c.longest and e is not c]
        else:
            against = exact
        on_a = [e for e in against if c.a_s < e.a_e and e.a_s < c.a_e]
        if on_a and not any(
            e.b_s - slack_of(e) < c.b_e and c.b_s < e.b_e + slack_of(e) for e in on_a
        ):
            continue
        on_b = [e for e in against if c.b_s < e.b_e and e.b_s < c.b_e]
        if on_b and not any(
            e.a_s - slack_of(e) < c.a_e and c.a_s < e.a_e + slack_of(e) for e in on_b
        ):
            continue
        out.append(c)
    return out


def _mirror_cluster(c: _Cluster) -> _Cluster:
    side = {"a": "b", "b": "a"}.get(c.summary or "")
    out = _Cluster(c.b_s, c.b_e, c.a_s, c.a_e, c.matched, c.paraphrase, c.sims, c.seeds, side)
    out.echoes = c.echoes
    return out


def _summaries(
    da: _Doc,
    db: _Doc,
    sa: np.ndarray,
    sb: np.ndarray,
    cos: np.ndarray,
    params: AlignParams,
    doc_cos: Callable[[int, int], float],
    copied_b: np.ndarray,
) -> list[_Cluster]:
    """Runs of a-sentences that each echo some b-sentence, spread over a much longer
    stretch of b: a summary (a) of that stretch (b).

    ``doc_cos(lo, hi)`` is the cosine of a-sentences ``lo..hi-1`` taken together
    with the whole of b.
    """
    n_a = len(da.sentences)
    # only echoes reach the threshold; every best match used below is one
    keep = cos >= params.summary_cosine
    if int(np.count_nonzero(keep)) < params.summary_min_sentences:
        return []
    sa, sb, cos = sa[keep], sb[keep], cos[keep]
    best = np.zeros(n_a)
    np.maximum.at(best, sa, cos)
    hit = best >= params.summary_cosine
    if hit.sum() < params.summary_min_sentences:
        return []
    # the b-sentence each a-sentence echoes most
    order = np.lexsort((-cos, sa))
    first = np.ones(len(order), bool)
    first[1:] = sa[order][1:] != sa[order][:-1]
    match = np.full(n_a, -1, np.int64)
    match[sa[order][first]] = sb[order][first]
    # and the a-sentence each b-sentence echoes most
    order_b = np.lexsort((-cos, sb))
    first_b = np.ones(len(order_b), bool)
    first_b[1:] = sb[order_b][1:] != sb[order_b][:-1]
    back = np.full(len(db.sentences), -1, np.int64)
    back[sb[order_b][first_b]] = sa[order_b][first_b]
    out: list[_Cluster] = []
    k = 0
    while k < n_a:
        if not hit[k]:
            k += 1
            continue
        group = [k]
        j = k + 1
        while j < n_a and j - group[-1] <= params.summary_gap + 1:
            if hit[j]:
                group.append(j)
            j += 1
        k = group[-1] + 1
        if len(group) < params.summary_min_sentences:
            continue
        # a summary and its source are each other's best matches; chance echoes
        # of a long text are not
        mutual = [g for g in group if group[0] <= back[match[g]] <= group[-1]]
        # a summary keeps its source's order: the mutual matches in order
        chain = _longest_ordered(mutual, [int(match[g]) for g in mutual])
        if len(chain) < max(params.summary_min_sentences, SUMMARY_MUTUAL * len(group)):
            continue
        lo_a, hi_a = da.sentences[chain[0]][0], da.sentences[chain[-1]][1]
        lo_b = min(db.sentences[int(match[g])][0] for g in chain)
        hi_b = max(db.sentences[int(match[g])][1] for g in chain)
        if hi_b - lo_b < params.summary_ratio * (hi_a - lo_a):
            continue
        echoed = [db.sentences[int(match[g])] for g in chain]
        copied = sum(int(copied_b[lo:hi].sum()) for lo, hi in echoed)
        if copied > SUMMARY_MAX_COPIED * sum(hi - lo for lo, hi in echoed):
            continue  # the echoes are copies of separate passages, not a summary
        if doc_cos(chain[0], chain[-1] + 1) < params.summary_doc_cosine:
            continue
        if hi_b - lo_b >= params.summary_whole * len(db.ids):
            lo_b, hi_b = 0, len(db.ids)  # a summary of the whole text
        sims = [float(best[g]) for g in chain]
        found = _Cluster(lo_a, hi_a, lo_b, hi_b, hi_a - lo_a, True, sims, len(chain), summary="a")
        found.echoes = echoed
        out.append(found)
    return out


def _longest_ordered(items: list[int], keys: list[int]) -> list[int]:
    """The longest run of ``items`` (in order) whose ``keys`` never decrease."""
    n = len(items)
    if n == 0:
        return []
    length = [1] * n
    prev = [-1] * n
    for j in range(n):
        for i in range(j):
            if keys[i] <= keys[j] and length[i] + 1 > length[j]:
                length[j], prev[j] = length[i] + 1, i
    k = max(range(n), key=lambda j: length[j])
    out = []
    while k >= 0:
        out.append(items[k])
        k = prev[k]
    return out[::-1]


def _owners(n: int, spans: list[tuple[int, int]]) -> np.ndarray:
    """For each of ``n`` tokens, the index of a span covering it (-1: none)."""
    owner = np.full(n, -1, np.int64)
    for k, (lo, hi) in enumerate(spans):
        owner[lo:hi] = k
    return owner


def _one_to_one(sa: np.ndarray, sb: np.ndarray, cos: np.ndarray) -> list[tuple[int, int, float]]:
    used_a: set[int] = set()
    used_b: set[int] = set()
    out: list[tuple[int, int, float]] = []
    for k in np.argsort(-cos, kind="stable").tolist():
        x, y = int(sa[k]), int(sb[k])
        if x in used_a or y in used_b:
            continue
        used_a.add(x)
        used_b.add(y)
        out.append((x, y, float(cos[k])))
    return out


def _trim(covered: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    while lo < hi and covered[lo]:
        lo += 1
    while hi > lo and covered[hi - 1]:
        hi -= 1
    return lo, hi


def _merge_cases(clusters: list[_Cluster], da: _Doc, db: _Doc, gap: int) -> list[_Cluster]:
    """Merge passages lying within ``gap`` words of each other in both texts."""
    items = sorted(clusters, key=lambda c: (c.a_s, c.b_s))
    changed = True
    while changed:
        changed = False
        out: list[_Cluster] = []
        for c in items:
            for m in out:
                if (
                    c.a_s <= m.a_e + gap
                    and m.a_s <= c.a_e + gap
                    and c.b_s <= m.b_e + gap
                    and m.b_s <= c.b_e + gap
                    and not _crosses(da, min(m.a_e, c.a_s), max(m.a_e, c.a_s))
                    and not _crosses(db, min(m.b_e, c.b_s), max(m.b_e, c.b_s))
                ):
                    m.a_s, m.a_e = min(m.a_s, c.a_s), max(m.a_e, c.a_e)
                    m.b_s, m.b_e = min(m.b_s, c.b_s), max(m.b_e, c.b_e)
                    m.matched += c.matched
                    m.paraphrase = m.paraphrase or c.paraphrase
                    m.sims.extend(c.sims)
                    m.seeds += c.seeds
                    m.exact = m.exact or c.exact
                    m.longest = max(m.longest, c.longest)
                    changed = True
                    break
            else:
                out.append(c)
        items = sorted(out, key=lambda c: (c.a_s, c.b_s))
    return items


_CLOSERS = frozenset(".,;:!?\"'”’»)]")


def _after_punctuation(text: str | None, end: int) -> int:
    """``end`` moved past punctuation glued to the word before it ("treaty.\"")."""
    if text is None:
        return end
    stop = min(len(text), end + 3)
    while end < stop and text[end] in _CLOSERS:
        end += 1
    return end


def _span_cosine(x: np.ndarray, y: np.ndarray) -> float:
    """Cosine of the stem counts (log-scaled) of two token stretches."""
    x, y = x[x >= 0], y[y >= 0]
    if not len(x) or not len(y):
        return 0.0
    both, inverse = np.unique(np.concatenate((x, y)), return_inverse=True)
    vx = np.log1p(np.bincount(inverse[: len(x)], minlength=len(both)))
    vy = np.log1p(np.bincount(inverse[len(x) :], minlength=len(both)))
    return float(vx @ vy / (np.linalg.norm(vx) * np.linalg.norm(vy)))


def _rescue(c: _Cluster, a: Tokens, b: Tokens, da: _Doc, db: _Doc, params: AlignParams) -> None:
    """A case merged from several exact runs whose words differ too much to be
    near-verbatim (reordered, heavily edited) but whose stems agree is rewritten
    text: mark it a paraphrase (cosine as its similarity) instead of losing it."""
    words = Indel.normalized_similarity(a.words[c.a_s : c.a_e], b.words[c.b_s : c.b_e])
    if words >= params.near_verbatim_similarity:
        return
    cosine = _span_cosine(da.stems[c.a_s : c.a_e], db.stems[c.b_s : c.b_e])
    if cosine >= params.rescue_cosine:
        c.paraphrase = True
        c.sims = [cosine]


def _own_stems(c: _Cluster, da: _Doc, db: _Doc) -> int:
    """Distinct content stems both stretches of ``c`` hold that occur at most
    ``RARE_OUTSIDE`` times in the rest of the two texts."""
    in_a, in_b = da.stems[c.a_s : c.a_e], db.stems[c.b_s : c.b_e]
    shared = np.intersect1d(in_a[in_a >= 0], in_b[in_b >= 0])
    if not len(shared):
        return 0
    outside = np.zeros(len(shared), np.int64)
    for stems, lo, hi in ((da.stems, c.a_s, c.a_e), (db.stems, c.b_s, c.b_e)):
        for part in (stems[:lo], stems[hi:]):
            idx = np.searchsorted(shared, part)
            ok = idx < len(shared)
            idx, vals = idx[ok], part[ok]
            outside += np.bincount(idx[shared[idx] == vals], minlength=len(shared))
    return int(np.count_nonzero(outside <= RARE_OUTSIDE))


def _common_stems(
    c: _Cluster, a: Tokens, b: Tokens, da: _Doc, db: _Doc, a_text: str, b_text: str
) -> int:
    """Distinct content stems both stretches of ``c`` hold in a word written in
    lower case (not a name, not a number)."""

    def lower(tokens: Tokens, doc: _Doc, lo: int, hi: int, text: str) -> set[int]:
        stems = doc.stems
        return {
            int(stems[k])
            for k in range(lo, hi)
            if stems[k] >= 0 and text[tokens.starts[k]].islower()
        }

    return len(lower(a, da, c.a_s, c.a_e, a_text) & lower(b, db, c.b_s, c.b_e, b_text))


def _shared_grams(a: Tokens, b: Tokens, c: _Cluster, n: int) -> int:
    """Distinct word n-grams both stretches of ``c`` hold."""
    wa, wb = a.words[c.a_s : c.a_e], b.words[c.b_s : c.b_e]
    ga = set(zip(*(wa[k:] for k in range(n)), strict=False))
    gb = set(zip(*(wb[k:] for k in range(n)), strict=False))
    return len(ga & gb)


def _drop_tails(
    clusters: list[_Cluster], da: _Doc, db: _Doc, params: AlignParams
) -> list[_Cluster]:
    """Drop paraphrase sentence pairs that would merge onto a long copy (an exact
    run of ``tail_run`` words) although their own words hardly agree (stem cosine
    below ``tail_cosine``): the rest of the copied sentences, not rewritten text."""
    gap = params.merge_gap
    long_runs = [c for c in clusters if c.summary is None and c.longest >= params.tail_run]
    if not long_runs:
        return clusters
    out: list[_Cluster] = []
    for c in clusters:
        if (
            c.paraphrase
            and c.summary is None
            and c.longest == 0
            and any(
                c.a_s <= m.a_e + gap
                and m.a_s <= c.a_e + gap
                and c.b_s <= m.b_e + gap
                and m.b_s <= c.b_e + gap
                for m in long_runs
            )
            and max(c.sims, default=0.0) < TAIL_KEEP_COSINE
            and _span_cosine(da.stems[c.a_s : c.a_e], db.stems[c.b_s : c.b_e]) < params.tail_cosine
        ):
            continue
        out.append(c)
    return out


def _explained(summary: _Cluster, c: _Cluster, share: float, echoes: float = 0.5) -> bool:
    """True when case ``c`` holds ``share`` of the summary's own span (the
    summarising side) and most of the sentences it echoes: a rewritten passage
    plus a few chance echoes further away, not a summary."""
    if summary.summary == "a":
        lo, hi, c_lo, c_hi, o_lo, o_hi = summary.a_s, summary.a_e, c.a_s, c.a_e, c.b_s, c.b_e
    else:
        lo, hi, c_lo, c_hi, o_lo, o_hi = summary.b_s, summary.b_e, c.b_s, c.b_e, c.a_s, c.a_e
    if max(0, min(hi, c_hi) - max(lo, c_lo)) < share * max(1, hi - lo):
        return False
    inside = sum(1 for e_lo, e_hi in summary.echoes if o_lo <= e_lo and e_hi <= o_hi)
    return inside >= echoes * len(summary.echoes)


def _drop_overlaps(clusters: list[_Cluster], copy_run: int = 0) -> list[_Cluster]:
    """Of cases that overlap in either text, keep a summary, else the one with most
    matched words; with ``copy_run`` > 0, a case holding an exact run of that many
    words comes before a summary (a summary that swallows a copy is a chance echo)."""
    kept: list[_Cluster] = []

    def rank(c: _Cluster) -> tuple[bool, bool, int, int, int]:
        verbatim = 0 < copy_run <= c.longest and c.summary is None
        return (not verbatim, c.summary is None, -c.matched, c.a_s, c.b_s)

    for c in sorted(clusters, key=rank):
        if any(
            (c.a_s < k.a_e and k.a_s < c.a_e) or (c.b_s < k.b_e and k.b_s < c.b_e) for k in kept
        ):
            continue
        kept.append(c)
    return kept


def _sentences_in(c: _Cluster, a_starts: Sequence[int], b_starts: Sequence[int]) -> int:
    """Sentences a case touches on its sparser side (at least 1)."""
    n_a = bisect.bisect_left(a_starts, c.a_e) - bisect.bisect_right(a_starts, c.a_s) + 1
    n_b = bisect.bisect_left(b_starts, c.b_e) - bisect.bisect_right(b_starts, c.b_s) + 1
    return max(1, min(n_a, n_b))


def _word_similarity(c: _Cluster, a: Tokens, b: Tokens) -> float:
    """Indel's normalised similarity of the cluster's words, the same float as
    ``Indel.normalized_similarity`` on them (see :func:`_similarity_of`)."""
    return _similarity_of(c, a.words, b.words)


def _similarity_of(c: _Cluster, a: str | Sequence[str], b: str | Sequence[str]) -> float:
    """:func:`_word_similarity` on the words ``a`` and ``b`` of the two sides, or on
    their :meth:`_Doc.id_chars` (equal where the words are: the same distance, and
    Indel reads a str's characters directly, a list's items one by one): the
    distance is worked out on the words between the exact runs known at its ends
    (a common head and tail leave the distance as it is), over the whole length. A
    cluster is mostly its runs, and Indel's cost is in reading the words."""
    len_a, len_b = c.a_e - c.a_s, c.b_e - c.b_s
    most = min(len_a, len_b)
    h_a, h_b, head = c.head
    head = min(head, most) if h_a == c.a_s and h_b == c.b_s else 0
    t_a, t_b, tail = c.tail
    tail = min(tail, most - head) if t_a == c.a_e and t_b == c.b_e else 0
    words_a = a[c.a_s + head : c.a_e - tail]
    words_b = b[c.b_s + head : c.b_e - tail]
    if words_a == words_b:  # (one exact run, most often)
        return 1.0
    return 1.0 - Indel.distance(words_a, words_b) / (len_a + len_b)


def _finish(
    clusters: list[_Cluster],
    a: Tokens,
    b: Tokens,
    params: AlignParams,
    a_text: str | None = None,
    b_text: str | None = None,
    da_starts: Sequence[int] = (),
    db_starts: Sequence[int] = (),
    a_chars: str = "",
    b_chars: str = "",
) -> list[Passage]:
    """The passages of ``clusters``; ``a_chars``, ``b_chars``: the sides' id characters
    (:meth:`_Doc.id_chars`), when both are known."""
    out: list[Passage] = []
    for c in clusters:
        if (
            c.paraphrase
            and not c.exact
            and c.summary is None
            and _sentences_in(c, da_starts, db_starts) <= params.lone_seeds
            and c.sims
            and float(np.mean(c.sims)) < params.lone_paraphrase_cosine
            and (
                params.lone_grams <= 0
                or _shared_grams(a, b, c, params.seed_words) < params.lone_grams
            )
        ):
            continue
        a_start, a_end = a.starts[c.a_s], a.ends[c.a_e - 1]
        b_start, b_end = b.starts[c.b_s], b.ends[c.b_e - 1]
        if params.end_punctuation:
            a_end = _after_punctuation(a_text, a_end)
            b_end = _after_punctuation(b_text, b_end)
        if min(a_end - a_start, b_end - b_start) < params.min_chars:
            continue
        kind: Kind
        if c.paraphrase:
            kind = "paraphrase"
            similarity = float(np.mean(c.sims)) if c.sims else 0.0
            if c.matched > max(c.a_e - c.a_s, c.b_e - c.b_s) // 2:
                # mostly verbatim runs joined with rewritten sentences
                similarity = (
                    _similarity_of(c, a_chars, b_chars)
                    if a_chars and b_chars
                    else _word_similarity(c, a, b)
                )
                similarity = max(similarity, float(np.mean(c.sims)) if c.sims else 0.0)
        else:
            if c.longest == c.a_e - c.a_s == c.b_e - c.b_s:
                # one exact run spans it (spans only grow around their runs): the
                # same words, without copying and comparing them
                similarity = 1.0
            else:
                similarity = (
                    _similarity_of(c, a_chars, b_chars)
                    if a_chars and b_chars
                    else _word_similarity(c, a, b)
                )
            if similarity >= params.verbatim_similarity:
                kind = "verbatim"
            elif similarity >= params.near_verbatim_similarity:
                kind = "near-verbatim"
            else:
                continue
        # (by position: a third faster than by keyword)
        words = int(min(c.matched, c.a_e - c.a_s, c.b_e - c.b_s))
        out.append(
            Passage(kind, a_start, a_end, b_start, b_end, words, round(float(similarity), 4))
        )
    out.sort(key=lambda p: (p.a_start, p.a_end, p.b_start))
    return out
