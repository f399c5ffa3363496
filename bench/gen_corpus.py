#!/usr/bin/env python
"""Generate a syndicated news corpus of any size from real text, with known reuse truth.

What it makes (docs/corpus-generator.md has the full story):

* **Unrelated articles** (most of the corpus): every sentence is a real news
  sentence from ``bench/data/seed-news.jsonl`` whose content words are replaced
  by random words of the same shape class from the seed vocabulary (``-ing``
  words by ``-ing`` words, names by names, numbers by numbers of the same digit
  shape) and whose function words are sometimes swapped within their class
  (``in``/``on``/``at``). The result keeps real vocabulary, punctuation and
  sentence lengths, and no two articles share an 8-word run except by chance
  (each 8-word window carries at least ``MIN_WINDOW_BITS`` bits of randomness).
* **Wire families**: a wire story (source ``wire:AP`` ...) reprinted by several
  outlets with copy edits (substituted, dropped and inserted words, US/UK
  spelling, ``U.S.``/``US``, straight or curly quotes), truncation, new ledes,
  new headlines, the dateline kept or stripped, credit lines; reprints of
  reprints; articles that quote one paragraph of another, mostly with
  attribution ("According to The Riverton Courier, ...").
* **Chrome** around every page: menus, bylines, share bars, "Advertisement"
  breaks, paywall notices, sponsored-content blocks shared by every outlet on
  one ad network, per-outlet footers, shared CMS lines.

Every token of every article body carries an *origin* (the article and
position where it was first written); truth passages are maximal runs of
shared origins, so the truth is exact by construction. Output::

    OUT/articles.jsonl | articles.jsonl.gz | articles.parquet   (or OUT/articles/part-NNNNN.*)
    OUT/articles.warc.gz (--format warc.gz) | OUT/pages/ID.html (--format html)
    OUT/truth/pairs.jsonl      {"a_id","b_id","source_id","confidence","coverage_a",
                                "coverage_b","passages","words","relation","attributed"}
    OUT/truth/passages.jsonl   {"source_id","target_id","source_start","source_end",
                                "target_start","target_end","kind","words","similarity",
                                "attributed"}
    OUT/truth/clusters.jsonl   {"cluster_id","article_ids","origin_id"}
    OUT/truth/content.jsonl    {"id","role","parent_id","family","content":[[s,e],...]}
    OUT/manifest.json          parameters, counts, timings

Usage::

    python bench/gen_corpus.py --articles 10000 --out /tmp/corpus10k --seed 1
    python bench/gen_corpus.py --articles 1000000 --out /tmp/corpus1m --format jsonl.gz \\
        --part-size 100000 --workers 2
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import email.utils
import functools
import gzip
import hashlib
import itertools
import json
import logging
import math
import multiprocessing
import re
import shutil
import sys
import time
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from html import escape as html_escape
from pathlib import Path
from typing import Any, cast

import numpy as np

from copytrace.text import WORD_RE, normalize_word, sentence_spans

log = logging.getLogger("gen_corpus")

HERE = Path(__file__).resolve().parent
SEED_FILE = HERE / "data" / "seed-news.jsonl"

# --- truth definition ---------------------------------------------------------
# Shortest passage the truth reports, in matched words: the scan aligner's
# NEWS_MIN_WORDS (copytrace.align) is 8, and 8 words is where accidental overlap
# of news prose stops (the PAN/Clough-Stevenson convention for reuse).
MIN_PASSAGE_WORDS = 8
# Largest gap (unmatched tokens on either side) bridged inside one passage: a
# copy edit replaces, drops or inserts 1-2 words, so 4 keeps an edited
# paragraph one passage while a new sentence (>= 5 words) splits it.
MAX_GAP = 4

# --- text model ---------------------------------------------------------------
# Minimum randomness (bits) in every 8-word window of a seed sentence. Content
# slots draw uniformly from their class (a class of 1,000 words = 10 bits), so
# 36 bits means >= 3-4 random content words per window. A 1M-article corpus
# uses each skeleton ~5,000 times, ~1e12 same-position window pairs in all, so
# 2^-36 per pair keeps accidental shared 8-grams between unrelated articles in
# the tens (measured: docs/corpus-generator.md), far below the 3 shared
# fingerprints a scan needs to pair two articles.
MIN_WINDOW_BITS = 36.0
WINDOW = 8
# Synthetic surnames/place names added to the proper-noun class (recombined
# from seed names: "Neumann" + "Letitia" -> "Neutitia"), so a name slot carries
# ~14 bits instead of ~11.
SYNTHETIC_NAMES = 20_000
# Probability that a function word (in, on, at ...) is swapped within its class.
P_SWAP = 0.3
# Seed sentences kept for bodies: between these word counts.
MIN_SENT_WORDS, MAX_SENT_WORDS = 5, 45
# Headline skeletons: between these word counts.
MIN_HEAD_WORDS, MAX_HEAD_WORDS = 6, 14
# Articles per chunk: the unit of planning, generation and truth (all reuse
# stays inside a chunk), fixed so the corpus does not depend on --workers.
CHUNK_ARTICLES = 1000
# Single-file output is written as this many buckets, each chunk's articles
# scattered over them at random, then concatenated: related articles (one
# chunk) end up far apart in the file, as in a real crawl.
MAX_BUCKETS = 16

FUNCTION_CLASSES: dict[str, tuple[str, ...]] = {
    "det": ("the", "this", "its", "their", "his", "our"),
    "prep": (
        "of", "in", "on", "at", "for", "with", "from", "by", "about", "into", "over",
        "after", "under", "against", "during", "without", "between", "through", "across",
        "before", "near", "toward",
    ),
    "subj": ("he", "she", "they", "we"),
    "obj": ("him", "them", "us"),
    "modal": ("will", "would", "could", "should", "might", "may", "can", "must"),
    "be_sg": ("is", "was"),
    "be_pl": ("are", "were"),
    "have": ("has", "had"),
    "conj": ("and", "but"),
    "say": ("said", "added", "noted", "stated", "explained", "argued"),
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "month": (
        "January", "February", "March", "April", "June", "July", "August", "September",
        "October", "November", "December",
    ),
    "numw": ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
}  # fmt: skip
FIXED_WORDS = frozenset(
    """a an to not no nor as than then so if when while who whom whose which what that
    there here it i you me my your be been being do does did done also more most very just
    only up out all some any each every other such both either neither many much few how why
    where because although though since until unless whether yet still even ever never
    her hers mine ours theirs itself himself herself themselves ourselves myself yourself
    this these those one is was are were has have had having am""".split()  # noqa: SIM905
)
# Lower-case content classes by ending (checked in order).
SUFFIX_CLASSES = (
    ("ly", "adv"), ("ing", "ing"), ("ed", "ed"), ("tion", "noun"), ("sion", "noun"),
    ("ment", "noun"), ("ness", "noun"), ("ity", "noun"), ("ance", "noun"), ("ence", "noun"),
    ("ss", "word"), ("s", "s"), ("er", "er"), ("al", "adj"), ("ous", "adj"),
    ("ive", "adj"), ("able", "adj"), ("ible", "adj"), ("ful", "adj"), ("ic", "adj"),
)  # fmt: skip
# Copy-desk spelling swaps (US <-> UK and house style); both directions.
STYLE_SWAPS = (
    ("toward", "towards"), ("color", "colour"), ("center", "centre"), ("defense", "defence"),
    ("program", "programme"), ("labor", "labour"), ("favor", "favour"), ("analyze", "analyse"),
    ("organization", "organisation"), ("traveled", "travelled"), ("catalog", "catalogue"),
    ("honor", "honour"), ("behavior", "behaviour"), ("neighbor", "neighbour"),
)  # fmt: skip
AGENCIES = (
    # (code, source label, name used in credits, weight)
    ("AP", "wire:AP", "The Associated Press", 0.40),
    ("Reuters", "wire:Reuters", "Reuters", 0.30),
    ("AFP", "wire:AFP", "Agence France-Presse", 0.15),
    ("DPA", "wire:DPA", "Deutsche Presse-Agentur", 0.08),
    ("UPI", "wire:UPI", "United Press International", 0.07),
)
# Each agency's site, in HTML corpora (a crawl).
AGENCY_SITES = {
    "AP": "apnews.com",
    "Reuters": "reuters.com",
    "AFP": "afp.com",
    "DPA": "dpa.com",
    "UPI": "upi.com",
}
PAPER_NOUNS = (
    "Courier", "Gazette", "Herald", "Tribune", "Times", "Post", "Chronicle", "Journal",
    "Observer", "Sentinel", "Examiner", "Register", "Dispatch", "Star", "Ledger", "Bulletin",
    "Record", "Press", "Telegraph", "Inquirer", "Standard", "Mercury", "Beacon", "Enterprise",
)  # fmt: skip
PLACE_PARTS = (
    ("River", "Oak", "Ash", "Elm", "Stone", "Clear", "Fair", "Green", "High", "Lake", "Maple",
     "North", "Pine", "Red", "Silver", "South", "Spring", "West", "East", "Cedar", "Iron",
     "Cold", "Bright", "Wolf", "Fox", "Hazel", "Marble", "Copper", "Willow", "Glen"),
    ("ton", "field", "ford", "brook", "dale", "wood", "port", "ville", "bury", "mont", "haven",
     "bridge", "stead", "wick", "view", "land", "ridge", "water", "side", "gate"),
)  # fmt: skip
_STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
SECTIONS = ("news", "local", "business", "world", "politics", "nation", "economy", "science")


# ============================================================================
# Vocabulary and sentence skeletons from the seed text
# ============================================================================


class Vocab:
    """Word strings with ids (arrays grow in place); class ranges are contiguous."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.index: dict[str, int] = {}
        self._norm_ids: dict[str, int] = {}
        self._arr = np.empty(1024, dtype=object)
        self._len = np.zeros(1024, dtype=np.int64)
        self._norm = np.zeros(1024, dtype=np.int64)

    def add(self, word: str) -> int:
        """Append ``word`` (duplicates allowed: classes own their ranges)."""
        i = len(self.words)
        if i == len(self._arr):
            self._arr = np.concatenate([self._arr, np.empty(i, dtype=object)])
            self._len = np.concatenate([self._len, np.zeros(i, dtype=np.int64)])
            self._norm = np.concatenate([self._norm, np.zeros(i, dtype=np.int64)])
        self.words.append(word)
        self.index.setdefault(word, i)
        self._arr[i] = word
        self._len[i] = len(word)
        norm = normalize_word(word)
        self._norm[i] = self._norm_ids.setdefault(norm, len(self._norm_ids))
        return i

    def id(self, word: str) -> int:
        """The id of ``word``, adding it when new."""
        found = self.index.get(word)
        return found if found is not None else self.add(word)

    @property
    def arr(self) -> np.ndarray:
        """Words as an object array (index with ids)."""
        return self._arr[: len(self.words)]

    @property
    def lens(self) -> np.ndarray:
        """Length of each word."""
        return self._len[: len(self.words)]

    @property
    def norm(self) -> np.ndarray:
        """Id of each word's normalised form (``U.S`` and ``US`` share one)."""
        return self._norm[: len(self.words)]


@dataclass
class Model:
    """The text model: vocabulary classes and sentence skeletons."""

    vocab: Vocab
    glue: Vocab  # glue strings between words; id 0 is ""
    class_names: list[str]
    cls_start: np.ndarray
    cls_size: np.ndarray
    cls_content: np.ndarray  # bool: content class (always redrawn) vs function class
    cls_cap: np.ndarray  # class id of the capitalised twin
    content_lower: np.ndarray  # lower-case content classes (for inserted words)
    proper_cls: int
    # skeletons: slots of sentence s are slot_*[sk_off[s] : sk_off[s] + sk_len[s]]
    sk_off: np.ndarray
    sk_len: np.ndarray
    sk_trail: np.ndarray  # trailing glue id
    slot_word: np.ndarray
    slot_cls: np.ndarray  # -1: fixed word
    slot_gb: np.ndarray  # glue id before the word (leading glue for the first slot)
    body_sk: np.ndarray
    head_sk: np.ndarray
    para_sizes: np.ndarray  # sentences per paragraph, sampled
    to_uk: dict[int, int] = field(default_factory=dict)  # US -> UK spelling word ids
    to_us: dict[int, int] = field(default_factory=dict)
    style_mask: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=bool))
    _codes_key: tuple[int, int] = (-1, -1)
    _codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))
    _voff: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _goff: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def code_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """UTF-32 code points of all words then all glue, with each string's offset."""
        key = (len(self.vocab.words), len(self.glue.words))
        if key != self._codes_key:
            joined = "".join(self.vocab.words) + "".join(self.glue.words)
            self._codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
            vl, gl = self.vocab.lens, self.glue.lens
            self._voff = np.cumsum(vl) - vl
            self._goff = int(vl.sum()) + np.cumsum(gl) - gl
            self._codes_key = key
        return self._codes, self._voff, self._goff

    stats: dict[str, float] = field(default_factory=dict)


def _shape_class(word: str) -> str | None:
    """Number class by digit shape (``9,999`` -> ``num:9``, ``2019`` -> ``year``)."""
    if not word.isdigit():
        return None
    if len(word) == 4 and word[:2] in {"19", "20"}:
        return "year"
    return f"num:{len(word)}:{'0' if word[0] == '0' and len(word) > 1 else '1'}"


def _number_pool(name: str, rng: np.random.Generator) -> list[str]:
    if name == "year":
        return [str(y) for y in range(1960, 2027)]
    _, n, lead0 = name.split(":")
    digits = int(n)
    lo = 0 if lead0 == "0" or digits == 1 else 10 ** (digits - 1)
    hi = 10**digits
    if hi - lo <= 5000:
        return [str(v).zfill(digits) for v in range(lo, hi)]
    return [str(v).zfill(digits) for v in rng.integers(lo, hi, 5000)]


_VOWELS = re.compile(r"[aeiouy]+", re.I)


def _synthetic_names(names: Sequence[str], rng: np.random.Generator) -> list[str]:
    """Plausible new names: the head of one seed name joined to the tail of another."""
    heads: list[str] = []
    tails: list[str] = []
    for name in names:
        if not (name.isalpha() and name[0].isupper() and name[1:].islower() and len(name) >= 5):
            continue
        m = _VOWELS.search(name, 1)
        if m and 2 <= m.end() < len(name) - 1:
            heads.append(name[: m.end()])
            tails.append(name[m.end() :])
    if not heads:
        return []
    existing = set(names)
    out: dict[str, None] = {}
    hi = rng.integers(0, len(heads), SYNTHETIC_NAMES * 3)
    ti = rng.integers(0, len(tails), SYNTHETIC_NAMES * 3)
    for h, t in zip(hi.tolist(), ti.tolist(), strict=True):
        cand = heads[h] + tails[t]
        if 5 <= len(cand) <= 11 and cand not in existing:
            out[cand] = None
            if len(out) >= SYNTHETIC_NAMES:
                break
    return list(out)


def _lower_class(lw: str) -> str:
    if "'" in lw or "’" in lw:
        return "apos"
    if len(lw) <= 3:
        return "short"
    for suffix, name in SUFFIX_CLASSES:
        if lw.endswith(suffix):
            return name
    return "word"


FUNC_OF = {w.lower(): name for name, words in FUNCTION_CLASSES.items() for w in words}


def _classify(word: str, initial: bool, lower_seen: set[str]) -> tuple[str | None, bool]:
    """(class name or None for a fixed word, capitalised?) for one seed token."""
    lw = word.lower()
    num = _shape_class(word)
    if num:
        return num, False
    if any(c.isdigit() for c in word) or "." in word or "_" in word:
        return None, False
    if lw in FUNC_OF:
        return FUNC_OF[lw], word[0].isupper()
    if lw in FIXED_WORDS:
        return None, False
    if word.isupper() and len(word) > 1:
        return "acr", False
    if word[0].isupper():
        if initial and lw in lower_seen:
            return _lower_class(lw), True
        return ("prop_apos" if ("'" in word or "’" in word) else "prop"), False
    return _lower_class(lw), False


@dataclass
class _SeedSentence:
    words: list[str]
    glues: list[str]  # len(words) + 1: leading, between..., trailing


def _seed_sentences(texts: Iterable[str]) -> Iterator[_SeedSentence]:
    for text in texts:
        for para in re.split(r"\n\s*\n|\n", text):
            if not para.strip():
                continue
            for s, e in sentence_spans(para):
                sent = para[s:e]
                matches = list(WORD_RE.finditer(sent))
                if not matches:
                    continue
                glues = [sent[: matches[0].start()]]
                glues += [sent[a.end() : b.start()] for a, b in itertools.pairwise(matches)]
                glues.append(sent[matches[-1].end() :])
                yield _SeedSentence([m.group() for m in matches], glues)


_TRAIL_OK = re.compile(r"^[.!?][\"'”’)]*$|^[\"'”’)]*[.!?]$")
_GLUE_OK = re.compile(r"^[ ,;:\-–—\"'“”‘’()]{0,4}$")


def _usable(s: _SeedSentence) -> bool:
    if not MIN_SENT_WORDS <= len(s.words) <= MAX_SENT_WORDS:
        return False
    if not _TRAIL_OK.match(s.glues[-1]) or s.glues[0] not in ("", "“", '"', "‘", "'", "("):
        return False
    if not (s.words[0][0].isupper() or s.words[0][0].isdigit()):
        return False
    if sum(w.isupper() and len(w) > 1 for w in s.words) > len(s.words) // 3:
        return False  # SHOUTED lines, tickers, scores
    return all(_GLUE_OK.match(g) and "  " not in g for g in s.glues[1:-1])


def load_seed_texts(seed_file: Path = SEED_FILE, text_dir: Path | None = None) -> list[str]:
    """Seed prose: the bundled news bodies plus every ``*.txt`` under ``text_dir``."""
    texts = [json.loads(line)["text"] for line in seed_file.read_text("utf-8").splitlines()]
    if text_dir is not None:
        for path in sorted(text_dir.rglob("*.txt")):
            raw = path.read_text("utf-8", errors="replace")
            # hard-wrapped prose: single line breaks inside paragraphs become spaces
            texts.append(re.sub(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)", " ", raw))
    return texts


@functools.lru_cache(maxsize=2)
def cached_model(text_dir: str | None = None) -> Model:
    """The text model for the bundled seed (plus ``text_dir``), built once per process.

    Words added later (outlet names) extend the vocabulary past every class
    range, so sharing one model between corpora does not change what is drawn.
    """
    return build_model(load_seed_texts(text_dir=Path(text_dir) if text_dir else None))


def build_model(texts: Sequence[str], seed: int = 0) -> Model:
    """Turn seed prose into vocabulary classes and sentence skeletons.

    Example:
        >>> m = build_model(load_seed_texts())  # doctest: +SKIP
        >>> len(m.body_sk) > 1000  # doctest: +SKIP
        True
    """
    rng = np.random.default_rng(seed)
    sentences = [s for s in _seed_sentences(texts) if _usable(s)]
    lower_seen = {w for s in sentences for w in s.words if w.islower()}
    # pass 1: class members
    members: dict[str, dict[str, None]] = {}
    tagged: list[list[tuple[str | None, bool, str]]] = []
    for s in sentences:
        row = []
        for i, w in enumerate(s.words):
            name, cap = _classify(w, i == 0, lower_seen)
            if name is not None:
                form = w.lower() if (cap or name in FUNC_OF.values()) else w
                if name in ("day", "month"):
                    form = w[0].upper() + w[1:].lower()
                members.setdefault(name, {})
                if not name.startswith(("num:", "year")):
                    members[name][form] = None
            row.append((name, cap, w))
        tagged.append(row)
    for name, words in FUNCTION_CLASSES.items():
        members[name] = dict.fromkeys(words)
    for name in _synthetic_names(list(members.get("prop", {})), rng):
        members.setdefault("prop", {})[name] = None
    for name in list(members):
        if name.startswith(("num:", "year")):
            members[name] = dict.fromkeys(_number_pool(name, rng))
    # class layout: each class and its capitalised twin are contiguous ranges
    vocab = Vocab()
    glue = Vocab()
    glue.add("")
    names: list[str] = []
    starts: list[int] = []
    sizes: list[int] = []
    content: list[bool] = []
    cap_of: list[int] = []
    class_id: dict[tuple[str, bool], int] = {}
    for name in sorted(members):
        class_words = list(members[name])
        is_content = name not in FUNCTION_CLASSES
        for cap in (False, True):
            if cap and (
                name in ("prop", "prop_apos", "acr", "day", "month") or name[:3] in ("num", "yea")
            ):
                class_id[(name, True)] = class_id[(name, False)]
                continue
            class_id[(name, cap)] = len(names)
            names.append(name + ("^" if cap else ""))
            starts.append(len(vocab.words))
            sizes.append(len(class_words))
            content.append(is_content)
            for w in class_words:
                vocab.add(w[0].upper() + w[1:] if cap else w)
    for (name, _cap), cid in class_id.items():
        while len(cap_of) <= cid:
            cap_of.append(-1)
        cap_of[cid] = class_id.get((name, True), cid)
    # pass 2: skeletons
    sk_off: list[int] = []
    sk_len: list[int] = []
    sk_trail: list[int] = []
    slot_word: list[int] = []
    slot_cls: list[int] = []
    slot_gb: list[int] = []
    bits_per_class = np.log2(np.maximum(np.array(sizes, dtype=float), 1.0))
    func_bits = -(1 - P_SWAP) * math.log2(1 - P_SWAP)
    kept = 0
    head: list[int] = []
    for s, row in zip(sentences, tagged, strict=True):
        cls_ids = [class_id[(name, cap)] if name is not None else -1 for name, cap, _ in row]
        bits = np.array(
            [0.0 if c < 0 else (bits_per_class[c] if content[c] else func_bits) for c in cls_ids]
        )
        win = min(WINDOW, len(bits))
        csum = np.concatenate([[0.0], np.cumsum(bits)])
        if (csum[win:] - csum[:-win]).min() < MIN_WINDOW_BITS * win / WINDOW:
            continue
        sk = len(sk_off)
        sk_off.append(len(slot_word))
        sk_len.append(len(row))
        sk_trail.append(glue.id(s.glues[-1]))
        for i, ((_name, _cap, w), c) in enumerate(zip(row, cls_ids, strict=True)):
            slot_word.append(vocab.id(w))
            slot_cls.append(c)
            slot_gb.append(glue.id(s.glues[i]))
        kept += 1
        if (
            MIN_HEAD_WORDS <= len(row) <= MAX_HEAD_WORDS
            and s.glues[0] == ""
            and s.glues[-1] == "."
            and not any(g.strip(" ,") for g in s.glues[1:-1])
        ):
            head.append(sk)
    # paragraphs: sentences per paragraph as in the seed
    para_sizes = []
    for text in texts[:2000]:
        for para in re.split(r"\n\s*\n|\n", text):
            n = len(sentence_spans(para))
            if 1 <= n <= 5:
                para_sizes.append(n)
    to_uk: dict[int, int] = {}
    to_us: dict[int, int] = {}
    for us, uk in STYLE_SWAPS:
        for a, b in ((us, uk), (us.capitalize(), uk.capitalize())):
            to_uk[vocab.id(a)] = vocab.id(b)
            to_us[vocab.id(b)] = vocab.id(a)
    model = Model(
        vocab=vocab,
        glue=glue,
        class_names=names,
        cls_start=np.array(starts, dtype=np.int64),
        cls_size=np.array(sizes, dtype=np.int64),
        cls_content=np.array(content, dtype=bool),
        cls_cap=np.array(cap_of, dtype=np.int64),
        content_lower=np.array(
            [
                class_id[(n, False)]
                for n in ("word", "s", "noun", "adj", "ing", "ed")
                if (n, False) in class_id
            ],
            dtype=np.int64,
        ),
        proper_cls=class_id[("prop", False)],
        sk_off=np.array(sk_off, dtype=np.int64),
        sk_len=np.array(sk_len, dtype=np.int64),
        sk_trail=np.array(sk_trail, dtype=np.int64),
        slot_word=np.array(slot_word, dtype=np.int64),
        slot_cls=np.array(slot_cls, dtype=np.int64),
        slot_gb=np.array(slot_gb, dtype=np.int64),
        body_sk=np.arange(len(sk_off), dtype=np.int64),
        head_sk=np.array(head, dtype=np.int64),
        para_sizes=np.array(para_sizes or [1, 1, 2, 2, 3], dtype=np.int64),
        to_uk=to_uk,
        to_us=to_us,
    )
    for dotted in ("U.S", "U.K", "U.N"):
        vocab.id(dotted.replace(".", ""))
    # glue variants edits create (registered now so workers never grow the tables)
    leads = {glue.words[int(i)] for i in set(slot_gb) if i >= 0}
    for g in list(glue.words):
        glue.id(g.translate(_STRAIGHT))
        if g.startswith("."):
            glue.id(g[1:])
        glue.id(g.replace(".", ",", 1) if "." in g else g + ",")
    for lead in leads:
        for pre in (", ", ") — "):
            glue.id(pre + lead)
            glue.id((pre + lead).translate(_STRAIGHT))
    glue.id(" (")
    model.style_mask = np.zeros(len(vocab.words), dtype=bool)
    model.style_mask[list(to_uk) + list(to_us)] = True
    model.stats = {
        "seed_sentences": float(len(sentences)),
        "skeletons": float(kept),
        "headline_skeletons": float(len(head)),
        "vocabulary": float(len(vocab.words)),
        "mean_words_per_sentence": float(np.mean(sk_len)) if sk_len else 0.0,
    }
    return model


# ============================================================================
# Token arrays: one article body, every token with its origin
# ============================================================================

SEP_NONE, SEP_SENT, SEP_PARA = 0, 1, 2


@dataclass
class Toks:
    """Body tokens. Rendering per token: glue[gb] word glue[ga] sep.

    ``origin`` is unique per token at creation (article number << 20 | position)
    and survives copying: shared origins between two articles are reused text.
    """

    word: np.ndarray
    cls: np.ndarray  # class to redraw from when edited (-1: fixed word)
    gb: np.ndarray  # glue before (leading glue for a sentence's first token)
    ga: np.ndarray  # glue after (trailing glue on a sentence's last token, else 0)
    sep: np.ndarray  # separator after the token: 0 none, 1 space, 2 paragraph, >=3 extra
    first: np.ndarray  # bool: first token of a sentence
    last: np.ndarray  # bool: last token of a sentence
    para: np.ndarray  # paragraph number
    origin: np.ndarray

    def __len__(self) -> int:
        return int(self.word.shape[0])

    def take(self, idx: np.ndarray) -> Toks:
        return Toks(*(getattr(self, f)[idx] for f in _TOK_FIELDS))

    def copy(self) -> Toks:
        return Toks(*(getattr(self, f).copy() for f in _TOK_FIELDS))

    @staticmethod
    def concat(parts: Sequence[Toks]) -> Toks:
        return Toks(*(np.concatenate([getattr(p, f) for p in parts]) for f in _TOK_FIELDS))


_TOK_FIELDS = ("word", "cls", "gb", "ga", "sep", "first", "last", "para", "origin")


def draw_sentences(model: Model, rng: np.random.Generator, sk: np.ndarray) -> Toks:
    """Fresh sentences from skeletons ``sk`` (one sentence each; ``para``/``origin`` unset)."""
    lens = model.sk_len[sk]
    total = int(lens.sum())
    starts = np.cumsum(lens) - lens
    pos = np.arange(total) - np.repeat(starts, lens)
    slot = np.repeat(model.sk_off[sk], lens) + pos
    cls = model.slot_cls[slot]
    word = model.slot_word[slot].copy()
    has = cls >= 0
    c = np.where(has, cls, 0)
    redraw = has & (model.cls_content[c] | (rng.random(total) < P_SWAP))
    r = rng.random(total)
    drawn = model.cls_start[c] + (r * model.cls_size[c]).astype(np.int64)
    word = np.where(redraw, drawn, word)
    first = pos == 0
    last = pos == np.repeat(lens - 1, lens)
    ga = np.zeros(total, dtype=np.int64)
    ga[last] = model.sk_trail[sk]
    sep = np.where(last, SEP_SENT, SEP_NONE).astype(np.int64)
    return Toks(
        word=word,
        cls=cls,
        gb=model.slot_gb[slot],
        ga=ga,
        sep=sep,
        first=first,
        last=last,
        para=np.zeros(total, dtype=np.int64),
        origin=np.full(total, -1, dtype=np.int64),
    )


class TextStream:
    """Fresh paragraphs and headlines, drawn in large batches.

    Drawing and rendering cost numpy calls per batch, not per article; a body
    is a slice of whole paragraphs of the stream.
    """

    def __init__(self, model: Model, rng: np.random.Generator, batch: int = 20_000) -> None:
        self.m = model
        self.rng = rng
        self.batch = batch
        self._toks: Toks | None = None
        self._pstart = np.zeros(1, dtype=np.int64)
        self._cur = 0
        self._heads: list[str] = []
        self.mean_para = float(model.para_sizes.mean())

    def _refill(self) -> None:
        n = self.batch
        m, rng = self.m, self.rng
        toks = draw_sentences(m, rng, m.body_sk[rng.integers(0, len(m.body_sk), n)])
        sizes = m.para_sizes[rng.integers(0, len(m.para_sizes), n)]
        para_of_sent = np.repeat(np.arange(n), sizes)[:n]
        sent_of_tok = np.cumsum(toks.first) - 1
        toks.para = para_of_sent[sent_of_tok]
        ends = np.flatnonzero(toks.last)
        para_end = np.append(para_of_sent[1:] != para_of_sent[:-1], True)
        toks.sep[ends[para_end]] = SEP_PARA
        self._toks = toks
        self._pstart = np.append(
            np.flatnonzero(toks.first)[np.append(True, para_end[:-1])], len(toks)
        )
        self._cur = 0

    def body(self, n_para: int) -> Toks:
        """``n_para`` fresh paragraphs (``origin`` unset)."""
        if self._toks is None or self._cur + n_para >= len(self._pstart):
            self._refill()
        assert self._toks is not None
        a = int(self._pstart[self._cur])
        b = int(self._pstart[self._cur + n_para])
        self._cur += n_para
        t = self._toks
        return Toks(
            t.word[a:b],
            t.cls[a:b],
            t.gb[a:b],
            t.ga[a:b],
            t.sep[a:b],
            t.first[a:b],
            t.last[a:b],
            t.para[a:b] - t.para[a],
            t.origin[a:b],
        )

    def headline(self) -> str:
        """A fresh headline: a short real-sentence skeleton, words redrawn, no full stop."""
        if not self._heads:
            m, rng = self.m, self.rng
            toks = draw_sentences(m, rng, m.head_sk[rng.integers(0, len(m.head_sk), 2000)])
            toks.ga[:] = 0
            toks.sep = np.where(toks.last, 3, SEP_NONE)
            (r,) = render_batch(m, [(toks, None, ["\n"])])
            self._heads = r.text.split("\n")[::-1]
        return self._heads.pop()


class Origins:
    """Issues origins: ``(article number << 20) | serial``, never repeated."""

    def __init__(self) -> None:
        self._next: dict[int, int] = {}

    def stamp(self, toks: Toks, article_no: int) -> None:
        """Give every token without an origin a new one belonging to ``article_no``."""
        fresh = np.flatnonzero(toks.origin < 0)
        start = self._next.get(article_no, 0)
        self._next[article_no] = start + len(fresh)
        toks.origin[fresh] = (np.int64(article_no) << np.int64(20)) + start + np.arange(len(fresh))


@dataclass
class Rendered:
    """A body rendered to text with each token's ``[start, end)`` and paragraph spans."""

    text: str
    starts: np.ndarray
    ends: np.ndarray
    paras: list[tuple[int, int]]
    seg: np.ndarray  # body segment per token (chrome between paragraphs splits segments)


def render_batch(
    model: Model, docs: Sequence[tuple[Toks, np.ndarray | None, Sequence[str]]]
) -> list[Rendered]:
    """Render many bodies at once: ``(tokens, separators or None, extra separator strings)``.

    Separator ``k >= 3`` of a document is its ``extras[k - 3]`` (chrome between
    paragraphs). Offsets of words and paragraphs are exact.
    """
    table: list[str] = ["", " ", "\n\n"]
    seps = []
    for toks, sep, extras in docs:
        s = (toks.sep if sep is None else sep).copy()
        if extras:
            s[s >= 3] += len(table) - 3
            table.extend(extras)
        s[-1] = SEP_NONE
        seps.append(s)
    counts = np.array([len(d[0]) for d in docs], dtype=np.int64)
    tok_end = np.cumsum(counts)
    tok_start = tok_end - counts
    word = np.concatenate([d[0].word for d in docs])
    gb = np.concatenate([d[0].gb for d in docs])
    ga = np.concatenate([d[0].ga for d in docs])
    sep = np.concatenate(seps)
    codes, voff, goff = model.code_table()
    extra = "".join(table)
    sep_len = np.array([len(x) for x in table], dtype=np.int64)
    sep_off = len(codes) + np.cumsum(sep_len) - sep_len
    codes = np.concatenate([codes, np.frombuffer(extra.encode("utf-32-le"), dtype=np.uint32)])
    n = len(word)
    poff = np.empty((n, 4), dtype=np.int64)
    plen = np.empty((n, 4), dtype=np.int64)
    poff[:, 0], plen[:, 0] = goff[gb], model.glue.lens[gb]
    poff[:, 1], plen[:, 1] = voff[word], model.vocab.lens[word]
    poff[:, 2], plen[:, 2] = goff[ga], model.glue.lens[ga]
    poff[:, 3], plen[:, 3] = sep_off[sep], sep_len[sep]
    lens = plen.ravel()
    cum = np.cumsum(lens)
    excl = cum - lens
    # gather every character in one go (UTF-32: one code point per character,
    # so array positions are Python string offsets)
    idx = np.repeat(poff.ravel() - excl, lens) + np.arange(int(cum[-1]) if n else 0)
    big = codes[idx].tobytes().decode("utf-32-le")
    w_start, w_end = excl[1::4], cum[1::4]
    # paragraphs end at a paragraph/chrome separator or at a document's end
    is_end = sep >= SEP_PARA
    is_end[tok_end - 1] = True
    p_last = np.flatnonzero(is_end)
    p_first = np.concatenate([[0], p_last[:-1] + 1])
    p_s = excl[0::4][p_first].tolist()
    p_e = cum[2::4][p_last].tolist()
    p_doc_end = np.searchsorted(p_last, tok_end - 1, side="right").tolist()
    segc = np.concatenate([[0], np.cumsum(sep[:-1] > SEP_PARA)])
    d_start = excl[0::4][tok_start].tolist()
    d_end = cum[3::4][tok_end - 1].tolist()
    out = []
    p0 = 0
    for k, (t0, t1) in enumerate(zip(tok_start.tolist(), tok_end.tolist(), strict=True)):
        c0 = d_start[k]
        p1 = p_doc_end[k]
        out.append(
            Rendered(
                big[c0 : d_end[k]],
                w_start[t0:t1] - c0,
                w_end[t0:t1] - c0,
                [(a - c0, b - c0) for a, b in zip(p_s[p0:p1], p_e[p0:p1], strict=True)],
                segc[t0:t1] - segc[t0],
            )
        )
        p0 = p1
    return out


def render_body(model: Model, toks: Toks, extra_seps: Sequence[str] = ()) -> Rendered:
    """Render one body (see ``render_batch``)."""
    return render_batch(model, [(toks, None, extra_seps)])[0]


# ============================================================================
# Outlets, wire agencies and the chrome around their pages
# ============================================================================

CMS_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "menu": "Home | News | Local | Business | Sports | Opinion | Obituaries | Subscribe",
        "top": "Sign in | Subscribe | e-Edition",
        "byline": "By {author}, {outlet}",
        "date": "Published {date}",
        "share": "Share this article: Facebook | Twitter | Email | Print",
        "mid": ("Advertisement", "Story continues below advertisement"),
        "paywall": "You have reached your limit of free articles this month. Subscribe to "
        "{outlet} for unlimited digital access to local news.",
        "footer": (
            "© 2026 {outlet}. All rights reserved.",
            "Contact us | Privacy policy | Terms of service | Advertise with us",
            "Powered by NewsPress CMS",
        ),
    },
    {
        "menu": "NEWS  SPORTS  BUSINESS  ENTERTAINMENT  LIFESTYLE  OPINION  CLASSIFIEDS",
        "top": "Today's paper | Newsletters | Log in",
        "byline": "{author} | {outlet}",
        "date": "Updated {date}",
        "share": "Facebook  Twitter  LinkedIn  WhatsApp  Copy link",
        "mid": ("ADVERTISEMENT", "Continue reading below"),
        "paywall": "This article is for subscribers only. Already a subscriber? Log in. "
        "Get unlimited access to {outlet} from 99 cents a week.",
        "footer": (
            "Copyright © 2026 {outlet} | All rights reserved | Site by Lantern Digital",
            "About us | Careers | Corrections | Accessibility | Cookie settings",
        ),
    },
    {
        "menu": "Menu  Search  Latest  Politics  World  Money  Tech  Health  Weather",
        "top": "Breaking news alerts: sign up here",
        "byline": "Written by {author}",
        "date": "{date}",
        "share": "Share  Tweet  Email  Comments",
        "mid": ("Advertisement", "RELATED COVERAGE"),
        "paywall": "Subscribe now to keep reading. Your subscription supports independent "
        "journalism at {outlet}.",
        "footer": (
            "{outlet} is part of the Meridian Media Group.",
            "Terms of use · Privacy notice · Manage cookies · Contact the newsroom",
            "© Meridian Media Group 2026",
        ),
    },
    {
        "menu": "Home › News › Region",
        "top": "Weather | Traffic | Jobs | Real estate | Announcements",
        "byline": "{author}, staff writer",
        "date": "Posted {date}",
        "share": "Print this story  Email this story  Share on social media",
        "mid": ("Sponsored", "Read next"),
        "paywall": "Thank you for reading {outlet}. Please sign in or subscribe to "
        "continue reading this story.",
        "footer": (
            "{outlet} · All content © 2026",
            "Site map | Help | Privacy | Terms | Ad choices",
            "Published by Harbor Community Newspapers",
        ),
    },
)
AD_NETWORKS = ("Outbrain-style", "Taboola-style", "Revcontent-style")
SPONSORED_HEADS = ("Sponsored Content", "Promoted Stories", "From Around the Web")
AUTHOR_FIRST = (
    "Anna", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hiro", "Irene", "James",
    "Karen", "Luis", "Maria", "Nadia", "Omar", "Paula", "Quinn", "Rosa", "Sam", "Tara",
    "Uma", "Victor", "Wendy", "Yusuf", "Zoe", "Priya", "Lars", "Mei", "Ahmed", "Sofia",
)  # fmt: skip


@dataclass
class Outlet:
    """A publisher (or a wire agency) and its page furniture."""

    name: str  # used in credits: "The Riverton Courier", "The Associated Press"
    source: str  # the article's source field: host, or "wire:AP"
    host: str
    tz_minutes: int
    cms: int
    network: int
    paywall: bool
    uk_style: bool
    straight_quotes: bool
    no_dots: bool  # "US" for "U.S."
    edit_rate: float  # copy edits per word on reprints
    authors: tuple[str, ...]
    house_heads: tuple[str, ...]
    code: str = ""  # wire agencies: dateline code ("AP")
    is_wire: bool = False
    page_top: str = ""  # chrome lines above the headline
    page_mid: str = ""  # share bar and sponsored heading
    page_end: str = ""  # "Most read" block and footer

    def __post_init__(self) -> None:
        if self.is_wire:
            self.page_end = (
                f"Copyright 2026 {self.name}. All rights reserved. This material may not be "
                "published, broadcast, rewritten or redistributed without permission."
            )
            return
        tpl = CMS_TEMPLATES[self.cms]
        self.page_top = "\n".join([tpl["top"], self.name, tpl["menu"]])
        self.page_mid = tpl["share"] + "\n" + SPONSORED_HEADS[self.network]
        self.page_end = "\n".join(
            ["Most read", *self.house_heads, *(x.format(outlet=self.name) for x in tpl["footer"])]
        )


@dataclass
class Context:
    """Everything shared by all chunks: outlets, agencies, ad-network lines."""

    outlets: list[Outlet]
    agencies: list[Outlet]
    agency_weights: np.ndarray
    sponsored: list[list[str]]  # per ad network
    cities: list[str]


def _place(rng: np.random.Generator) -> str:
    a, b = PLACE_PARTS
    return a[int(rng.integers(len(a)))] + b[int(rng.integers(len(b)))]


def make_context(model: Model, n_articles: int, seed: int) -> Context:
    """Outlets (about one per 400 articles, 12..1500), agencies and sponsored lines."""
    rng = np.random.default_rng([seed, 7])
    text = TextStream(model, rng, batch=2000)
    cities = [_place(rng).upper() for _ in range(200)]
    n_outlets = int(min(1500, max(12, n_articles // 400)))
    names: dict[str, None] = {}
    while len(names) < n_outlets:
        paper = PAPER_NOUNS[int(rng.integers(len(PAPER_NOUNS)))]
        names[f"The {_place(rng)} {paper}"] = None
    outlets = []
    for name in names:
        host = re.sub(r"[^a-z]", "", name.lower().removeprefix("the ")) + ".com"
        outlets.append(
            Outlet(
                name=name,
                source=host,
                host=host,
                tz_minutes=int(
                    rng.choice([-480, -420, -360, -300, -240, 0, 0, 60, 120, 330, 540, 600])
                ),
                cms=int(rng.integers(len(CMS_TEMPLATES))),
                network=int(rng.integers(len(AD_NETWORKS))),
                paywall=bool(rng.random() < 0.3),
                uk_style=bool(rng.random() < 0.25),
                straight_quotes=bool(rng.random() < 0.5),
                no_dots=bool(rng.random() < 0.3),
                edit_rate=float(rng.uniform(0.0, 0.04)),
                authors=tuple(
                    f"{AUTHOR_FIRST[int(rng.integers(len(AUTHOR_FIRST)))]} {_place(rng)}"
                    for _ in range(6)
                ),
                house_heads=tuple(text.headline() for _ in range(4)),
            )
        )
    agencies = [
        Outlet(
            name=full,
            source=label,
            host="wire.example",
            tz_minutes=0,
            cms=-1,
            network=-1,
            paywall=False,
            uk_style=code in ("Reuters", "AFP"),
            straight_quotes=True,
            no_dots=False,
            edit_rate=0.0,
            authors=tuple(
                f"{AUTHOR_FIRST[int(rng.integers(len(AUTHOR_FIRST)))]} {_place(rng)}"
                for _ in range(8)
            ),
            house_heads=(),
            code=code,
            is_wire=True,
        )
        for code, label, full, _ in AGENCIES
    ]
    for o in (*outlets, *agencies):  # words quotes and datelines use
        for w in WORD_RE.findall(f"{o.name} {o.code} According to As reported according"):
            model.vocab.id(w)
    for city in cities:
        model.vocab.id(city)
    weights = np.array([w for *_, w in AGENCIES])
    sponsored = [[text.headline() for _ in range(40)] for _ in AD_NETWORKS]
    return Context(outlets, agencies, weights / weights.sum(), sponsored, cities)


# ============================================================================
# Copy editing: what an outlet's desk does to a story it reprints
# ============================================================================


def renumber_paragraphs(toks: Toks) -> None:
    """Recompute ``para`` from the paragraph separators."""
    toks.para = np.concatenate([[0], np.cumsum(toks.sep[:-1] >= SEP_PARA)]).astype(np.int64)


def copy_edit(model: Model, rng: np.random.Generator, toks: Toks, rate: float) -> Toks:
    """Substitute, drop and insert words at ``rate`` edits per word (new tokens: no origin)."""
    n = len(toks)
    k = int(rng.binomial(n, rate)) if rate > 0 else 0
    if k == 0:
        return toks
    out = toks.copy()
    pos = np.unique(rng.integers(0, n, k))
    pos = pos[~out.first[pos] & ~out.last[pos]]
    op = rng.random(len(pos))
    sub = pos[(op < 0.5) & (out.cls[pos] >= 0)]
    drop = pos[(op >= 0.5) & (op < 0.75)]
    ins = pos[op >= 0.75]
    c = out.cls[sub]
    out.word[sub] = model.cls_start[c] + (rng.random(len(sub)) * model.cls_size[c]).astype(np.int64)
    out.origin[sub] = -1
    space = model.glue.id(" ")
    nxt = np.minimum(drop + 1, n - 1)
    drop = drop[(out.gb[drop] == space) & (out.gb[nxt] == space)]
    keep = np.ones(n, dtype=bool)
    keep[drop] = False
    if len(ins) == 0:
        return out.take(np.flatnonzero(keep))
    cls = model.content_lower[rng.integers(0, len(model.content_lower), len(ins))]
    zeros = np.zeros(len(ins), dtype=np.int64)
    new = Toks(
        word=model.cls_start[cls] + (rng.random(len(ins)) * model.cls_size[cls]).astype(np.int64),
        cls=cls,
        gb=out.gb[ins].copy(),
        ga=zeros,
        sep=zeros.copy(),
        first=np.zeros(len(ins), dtype=bool),
        last=np.zeros(len(ins), dtype=bool),
        para=out.para[ins],
        origin=np.full(len(ins), -1, dtype=np.int64),
    )
    out.gb[ins] = space
    both = Toks.concat([out, new])
    keys = np.concatenate([2 * np.arange(n) + 1, 2 * ins])
    mask = np.concatenate([keep, np.ones(len(ins), dtype=bool)])
    idx = np.flatnonzero(mask)
    return both.take(idx[np.argsort(keys[idx], kind="stable")])


def apply_style(model: Model, toks: Toks, outlet: Outlet) -> Toks:
    """House style: UK or US spelling, "US" for "U.S.", straight quotes (origins kept)."""
    out = toks.copy()
    mapping = model.to_uk if outlet.uk_style else model.to_us
    mask = model.style_mask
    w = np.minimum(out.word, len(mask) - 1)
    for i in np.flatnonzero(mask[w] & (out.word < len(mask))).tolist():
        out.word[i] = mapping.get(int(out.word[i]), int(out.word[i]))
    if outlet.no_dots:
        for dotted in ("U.S", "U.K", "U.N"):
            wid = model.vocab.index.get(dotted)
            if wid is None:
                continue
            for i in np.flatnonzero(out.word == wid).tolist():
                if out.last[i] or i + 1 >= len(out):
                    continue  # the sentence's own full stop stays
                g = model.glue.words[int(out.gb[i + 1])]
                if g.startswith(".") and len(g) > 1:
                    out.word[i] = model.vocab.id(dotted.replace(".", ""))
                    out.gb[i + 1] = model.glue.id(g[1:])
    if outlet.straight_quotes:
        for arr in (out.gb, out.ga):
            for gid in np.unique(arr).tolist():
                g = model.glue.words[gid]
                t = g.translate(_STRAIGHT)
                if t != g:
                    arr[arr == gid] = model.glue.id(t)
    return out


def keep_paragraphs(toks: Toks, keep: np.ndarray) -> Toks:
    """Only the paragraphs whose numbers are in ``keep`` (renumbered)."""
    mask = np.zeros(int(toks.para.max()) + 1, dtype=bool)
    mask[keep] = True
    out = toks.take(np.flatnonzero(mask[toks.para]))
    renumber_paragraphs(out)
    return out


def phrase_toks(model: Model, text: str, lead: str = "", trail: str = "") -> Toks:
    """Fixed tokens for a short phrase ("According to The Riverton Courier")."""
    words = [m.group() for m in WORD_RE.finditer(text)]
    spans = [m.span() for m in WORD_RE.finditer(text)]
    n = len(words)
    gb = [lead] + [text[spans[i - 1][1] : spans[i][0]] for i in range(1, n)]
    zeros = np.zeros(n, dtype=np.int64)
    ga = zeros.copy()
    ga[-1] = model.glue.id(trail)
    return Toks(
        word=np.array([model.vocab.id(w) for w in words], dtype=np.int64),
        cls=np.full(n, -1, dtype=np.int64),
        gb=np.array([model.glue.id(g) for g in gb], dtype=np.int64),
        ga=ga,
        sep=zeros.copy(),
        first=np.arange(n) == 0,
        last=np.arange(n) == n - 1,
        para=zeros.copy(),
        origin=np.full(n, -1, dtype=np.int64),
    )


# ============================================================================
# Corpus plan: families of articles with known copy relations
# ============================================================================


@dataclass(frozen=True)
class Params:
    """What the corpus looks like (defaults: docs/corpus-generator.md)."""

    articles: int
    seed: int = 1
    wire_share: float = 0.20  # share of articles in wire families (wire + reprints)
    quote_share: float = 0.03  # share of articles quoting one paragraph of another
    mean_reprints: float = 3.0  # reprints per wire story (ordinary stories)
    big_story_prob: float = 0.05  # stories picked up by 8-30 outlets
    reprint_of_reprint_prob: float = 0.12  # per reprint: copied again by another outlet
    truncate_prob: float = 0.35
    lede_prob: float = 0.30  # new first paragraph written by the outlet
    cut_paragraph_prob: float = 0.15  # one middle paragraph cut
    dateline_keep_prob: float = 0.6
    credit_prob: float = 0.45  # credit line naming the source
    quote_attributed_prob: float = 0.8
    paywall_cut_prob: float = 0.4  # on paywalled outlets: only the first paragraphs shown
    missing_date_prob: float = 0.0
    # stories reprinted by very many outlets (off by default): a chunk holds one
    # with this chance, reprinted by mega_reprints outlets (at most all but 2)
    mega_reprints: int = 0
    mega_share: float = 0.0
    mean_sentences: float = 24.0
    days: int = 30
    start: str = "2026-10-01T00:00:00+00:00"
    html: bool = False  # pages as HTML (the same text in a site template), not text


@dataclass
class Gen:
    """One article as generated, before ids and rendering."""

    no: int  # chunk-local creation number
    role: str  # original | wire | reprint | reprint-of-reprint | quote
    family: int
    outlet: Outlet
    time: float
    title: str
    body: Toks
    parent: int | None = None
    credits: set[str] = field(default_factory=set)
    credit_line: str | None = None
    paywalled: bool = False
    wire_copyright: bool = False
    byline: str = ""


class ChunkBuilder:
    """Generates one chunk: plan, families, edits (everything random comes from ``rng``)."""

    def __init__(self, model: Model, ctx: Context, params: Params, rng: np.random.Generator):
        self.m = model
        self.ctx = ctx
        self.p = params
        self.rng = rng
        self.origins = Origins()
        self.text = TextStream(model, rng)
        self.gens: list[Gen] = []
        self.t0 = dt.datetime.fromisoformat(params.start).timestamp()
        self.span = params.days * 86400.0
        self.dateline: dict[int, tuple[np.ndarray, int]] = {}  # family -> origins, lead glue

    # -- helpers ---------------------------------------------------------------
    def n_paragraphs(self) -> int:
        mean = self.p.mean_sentences / self.text.mean_para
        v = self.rng.lognormal(math.log(mean) - 0.1, 0.45)
        return int(min(60, max(3, round(v))))

    def outlet(self, exclude: Collection[int] = ()) -> Outlet:
        """A random outlet whose ``id()`` is not in ``exclude`` (when one is left)."""
        outs = self.ctx.outlets
        for _ in range(20):
            o = outs[int(self.rng.integers(len(outs)))]
            if id(o) not in exclude:
                return o
        left = [o for o in outs if id(o) not in exclude] or outs
        return left[int(self.rng.integers(len(left)))]

    def add(self, gen: Gen) -> Gen:
        self.origins.stamp(gen.body, gen.no)
        self.gens.append(gen)
        return gen

    def new_no(self) -> int:
        return len(self.gens)

    def staff_byline(self, o: Outlet) -> str:
        author = o.authors[int(self.rng.integers(len(o.authors)))]
        if o.is_wire:
            return f"By {author}"
        return CMS_TEMPLATES[o.cms]["byline"].format(author=author, outlet=o.name)

    def maybe_paywall(self, gen: Gen) -> None:
        o = gen.outlet
        if o.is_wire or not o.paywall or self.rng.random() >= self.p.paywall_cut_prob:
            return
        n_para = int(gen.body.para.max()) + 1
        if n_para <= 3:
            return
        shown = int(self.rng.integers(2, min(5, n_para)))
        gen.body = keep_paragraphs(gen.body, np.arange(shown))
        gen.paywalled = True

    # -- article kinds ---------------------------------------------------------
    def original(self, t: float, family: int) -> Gen:
        o = self.outlet()
        gen = Gen(
            self.new_no(),
            "original",
            family,
            o,
            t,
            self.text.headline(),
            self.text.body(self.n_paragraphs()),
        )
        gen.byline = self.staff_byline(o)
        self.maybe_paywall(gen)
        return self.add(gen)

    def wire_family(self, t: float, family: int, n_reprints: int, n_ror: int) -> None:
        rng = self.rng
        ag = self.ctx.agencies[int(rng.choice(len(self.ctx.agencies), p=self.ctx.agency_weights))]
        body = self.text.body(self.n_paragraphs())
        city = self.ctx.cities[int(rng.integers(len(self.ctx.cities)))]
        lead = int(body.gb[0])
        date = phrase_toks(self.m, f"{city} {ag.code}")
        date.gb[1] = self.m.glue.id(" (")
        date.last[:] = False
        body.gb[0] = self.m.glue.id(") — " + self.m.glue.words[lead])
        body.first[0] = False
        body = Toks.concat([date, body])
        renumber_paragraphs(body)
        wire = Gen(self.new_no(), "wire", family, ag, t, self.text.headline(), body)
        wire.byline = self.staff_byline(ag)
        self.add(wire)
        self.dateline[family] = (wire.body.origin[:2].copy(), lead)
        used = {id(ag)}
        reprints = []
        for _ in range(n_reprints):
            o = self.outlet(used)
            used.add(id(o))
            delay = float(np.clip(rng.lognormal(math.log(3 * 3600), 1.0), 600, 2 * 86400))
            reprints.append(self.reprint(wire, o, t + delay, "reprint"))
        for _ in range(n_ror):
            parent = reprints[int(rng.integers(len(reprints)))]
            o = self.outlet(used)
            used.add(id(o))
            delay = float(np.clip(rng.lognormal(math.log(8 * 3600), 0.8), 1800, 3 * 86400))
            self.reprint(parent, o, parent.time + delay, "reprint-of-reprint")

    def reprint(self, parent: Gen, o: Outlet, t: float, role: str) -> Gen:
        rng, m, p = self.rng, self.m, self.p
        body = parent.body.copy()
        n_para = int(body.para.max()) + 1
        if n_para > 3 and rng.random() < p.cut_paragraph_prob:
            cut = int(rng.integers(1, n_para - 1))
            body = keep_paragraphs(body, np.setdiff1d(np.arange(n_para), [cut]))
            n_para -= 1
        if n_para > 2 and rng.random() < p.truncate_prob:
            keep = max(2, math.ceil(n_para * rng.uniform(0.4, 0.9)))
            body = keep_paragraphs(body, np.arange(keep))
        dl_origins, lead = self.dateline[parent.family]
        if body.origin[0] == dl_origins[0] and rng.random() >= p.dateline_keep_prob:
            body = body.take(np.arange(2, len(body)))
            body.gb[0] = lead
            body.first[0] = True
        body = apply_style(m, body, o)
        body = copy_edit(m, rng, body, o.edit_rate * (0.5 if role != "reprint" else 1.0))
        if rng.random() < p.lede_prob:
            lede = self.text.body(1)
            body = Toks.concat([lede, body])
            renumber_paragraphs(body)
        gen = Gen(self.new_no(), role, parent.family, o, t, self.text.headline(), body, parent.no)
        wire = self.gens[self.family_root(parent)]
        if (gen.body.origin == dl_origins[1]).any():
            gen.credits.add(wire.outlet.name)
        if rng.random() < p.credit_prob:
            # credit lines stay under 8 words: unrelated reprints must not share 8-word runs
            named = parent.outlet.name
            if parent.outlet.is_wire:
                gen.credit_line = [
                    f"{named} contributed to this report.",
                    f"— {named}",
                    f"Provided by {named}.",
                ][int(rng.integers(3))]
            else:
                gen.credit_line = [
                    f"Originally published in {named}.",
                    f"Republished with permission from {named}.",
                ][int(rng.integers(2))]
            gen.credits.add(named)
        gen.byline = parent.byline if rng.random() < 0.5 else self.staff_byline(o)
        gen.wire_copyright = wire.outlet.is_wire and rng.random() < 0.3
        self.maybe_paywall(gen)
        return self.add(gen)

    def family_root(self, gen: Gen) -> int:
        while gen.parent is not None:
            gen = self.gens[gen.parent]
        return gen.no

    def quote(self, t: float, source: Gen) -> Gen:
        rng, m = self.rng, self.m
        body = self.text.body(self.n_paragraphs())
        sizes = np.bincount(source.body.para)
        ok = np.flatnonzero(sizes >= 12)
        if len(ok) == 0:
            ok = np.array([int(np.argmax(sizes))])
        p_src = int(ok[int(rng.integers(len(ok)))])
        quoted = source.body.take(np.flatnonzero(source.body.para == p_src))
        sent_end = np.flatnonzero(quoted.last)
        over = np.flatnonzero(sent_end >= 60)
        if len(over) and over[0] > 0:  # long paragraph: its first sentences only
            quoted = quoted.take(np.arange(int(sent_end[over[0] - 1]) + 1))
        quoted.sep[:] = np.where(quoted.last, SEP_SENT, SEP_NONE)
        attributed = rng.random() < self.p.quote_attributed_prob
        name = source.outlet.name
        if attributed:
            form = int(rng.integers(4))
            if form < 2:
                pre = phrase_toks(m, f"According to {name}" if form == 0 else f"As {name} reported")
                pre.last[:] = False
                first_lead = m.glue.words[int(quoted.gb[0])]
                quoted.gb[0] = m.glue.id(", " + first_lead)
                quoted.first[0] = False
                quoted = Toks.concat([pre, quoted])
            else:
                end = int(np.flatnonzero(quoted.last)[-1])
                trail = m.glue.words[int(quoted.ga[end])]
                quoted.ga[end] = m.glue.id(
                    trail.replace(".", ",", 1) if "." in trail else trail + ","
                )
                quoted.last[end] = False
                quoted.sep[end] = SEP_NONE
                phrase = f"{name} reported" if form == 2 else f"according to {name}"
                quoted = Toks.concat([quoted, phrase_toks(m, phrase, " ", ".")])
                quoted.first[end + 1] = False
        quoted.sep[-1] = SEP_PARA
        n_para = int(body.para.max()) + 1
        after = int(rng.integers(0, min(3, n_para)))
        cut = int(np.flatnonzero(body.para == after)[-1])
        body.sep[cut] = SEP_PARA
        body = Toks.concat(
            [body.take(np.arange(cut + 1)), quoted, body.take(np.arange(cut + 1, len(body)))]
        )
        renumber_paragraphs(body)
        # no outlet twice in one family: a scan skips same-source reuse by default
        o = self.outlet({id(g.outlet) for g in self.gens if g.family == source.family})
        gen = Gen(
            self.new_no(), "quote", source.family, o, t, self.text.headline(), body, source.no
        )
        if attributed:
            gen.credits.add(name)
        gen.byline = self.staff_byline(o)
        return self.add(gen)

    # -- the plan ----------------------------------------------------------------
    def build(self, n: int) -> list[Gen]:
        """Generate exactly ``n`` articles."""
        rng, p = self.rng, self.p
        mean_k = (1 - p.big_story_prob) * p.mean_reprints + p.big_story_prob * 16
        fam_size = 1 + mean_k * (1 + p.reprint_of_reprint_prob)
        s = p.wire_share
        q_wire = s / (fam_size * (1 - s) + s) if s < 1 else 1.0
        q_quote = p.quote_share / max(1e-9, 1 - s)
        max_k = max(1, len(self.ctx.outlets) - 2)
        family = 0
        # (no draw unless asked: the default corpus stays the same)
        if p.mega_reprints and n > p.mega_reprints and rng.random() < p.mega_share:
            family += 1
            self.wire_family(
                self.t0 + rng.random() * self.span, family, min(p.mega_reprints, max_k), 0
            )
        while len(self.gens) < n:
            left = n - len(self.gens)
            t = self.t0 + rng.random() * self.span
            family += 1
            if rng.random() < q_wire and left >= 2:
                if rng.random() < p.big_story_prob:
                    k = 8 + int(rng.poisson(8))
                else:
                    k = 1 + int(rng.poisson(max(0.0, p.mean_reprints - 1)))
                k = min(k, max_k // 2, left - 1)
                r = min(int(rng.binomial(k, p.reprint_of_reprint_prob)), left - 1 - k, max_k // 2)
                self.wire_family(t, family, k, r)
            elif self.gens and rng.random() < q_quote:
                src = self.gens[int(rng.integers(len(self.gens)))]
                delay = float(np.clip(rng.lognormal(math.log(12 * 3600), 0.8), 3600, 4 * 86400))
                self.quote(src.time + delay, src)
            else:
                self.original(t, family)
        return self.gens


# ============================================================================
# Pages: chrome + headline + body; exact offsets of every body token
# ============================================================================


@dataclass
class Page:
    """A rendered article: its text and where its body tokens are."""

    text: str
    title: str
    published: str | None
    url: str
    content: list[tuple[int, int]]  # title, body paragraphs, credit line
    starts: np.ndarray  # body token offsets into ``text``
    ends: np.ndarray
    seg: np.ndarray


def _fmt_date(t: float, tz_minutes: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, tz=dt.timezone(dt.timedelta(minutes=tz_minutes)))


def _slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())[:8]
    return "-".join(words) or "story"


@dataclass
class Layout:
    """Everything on a page except the rendered body."""

    head: str  # text before the body
    title_start: int
    tail: str  # text after the body
    sep: np.ndarray | None  # body separators with chrome breaks (None: as drawn)
    extras: list[str]
    published: str | None
    url: str
    when: dt.datetime | None = None  # the article's time in the outlet's zone
    after: list[tuple[str, str]] = field(default_factory=list)  # the tail's parts: (kind, text)


def layout_page(ctx: Context, gen: Gen, rng: np.random.Generator, p: Params) -> Layout:
    """Chrome lines, headline, byline and credit around one body."""
    u = rng.random(12).tolist()  # one draw per page: rng calls dominate otherwise
    o = gen.outlet
    when = _fmt_date(gen.time, o.tz_minutes)
    published = None if u[0] < p.missing_date_prob else when.isoformat(timespec="seconds")
    serial = 1_000_000 + int(u[1] * 9_000_000)
    if o.is_wire:
        url = f"https://{o.host}/{o.code.lower()}/{when:%Y%m%d}/{_slug(gen.title)}-{serial}"
        head = f"{gen.title}\n{gen.byline}\n{when:%Y-%m-%d %H:%M} UTC\n\n"
        tail = "\n\n" + o.page_end + "\n"
        return Layout(head, 0, tail, None, [], published, url, when, [("end", o.page_end)])
    tpl = CMS_TEMPLATES[o.cms]
    section = SECTIONS[int(u[2] * len(SECTIONS))]
    url = f"https://www.{o.host}/{section}/{when:%Y/%m/%d}/{_slug(gen.title)}-{serial}"
    human = when.strftime("%b. %d, %Y %I:%M %p").replace(" 0", " ")
    date_line = tpl["date"].format(date=human)
    head = f"{o.page_top}\n{gen.title}\n{gen.byline}\n{date_line}\n\n"
    parts: list[tuple[str, str]] = []
    if gen.credit_line:
        parts.append(("credit", gen.credit_line))
    if gen.paywalled:
        parts.append(("paywall", tpl["paywall"].format(outlet=o.name)))
    if gen.wire_copyright:
        agency = next(iter(gen.credits & {a.name for a in ctx.agencies}), None)
        if agency:
            parts.append(
                (
                    "copyright",
                    f"Copyright 2026 {agency}. All rights reserved. This material "
                    "may not be published, broadcast, rewritten or redistributed "
                    "without permission.",
                )
            )
    parts.append(("mid", o.page_mid))
    pool = ctx.sponsored[o.network]
    first = int(u[3] * len(pool))
    parts.extend(("sponsored", pool[(first + k) % len(pool)]) for k in (0, 7, 13))
    parts.append(("end", o.page_end))
    after = [text for _, text in parts]
    # chrome between paragraphs: "Advertisement", "READ MORE: <house headline>"
    sep = None
    extras: list[str] = []
    if u[4] < 0.6:
        breaks = np.flatnonzero(gen.body.sep[:-1] == SEP_PARA)
        if len(breaks) >= 2:
            sep = gen.body.sep.copy()
            spots = {int(breaks[int(u[5] * len(breaks))])}
            if len(breaks) >= 4:
                spots.add(int(breaks[int(u[6] * len(breaks))]))
            for k, b in enumerate(sorted(spots)):
                if u[7 + k] < 0.7:
                    line = tpl["mid"][int(u[9 + k] * 2)]
                else:
                    line = "READ MORE: " + o.house_heads[int(u[9 + k] * len(o.house_heads))]
                extras.append(f"\n\n{line}\n\n")
                sep[b] = 2 + len(extras)
    tail = "\n\n" + "\n".join(after) + "\n"
    return Layout(head, len(o.page_top) + 1, tail, sep, extras, published, url, when, parts)


def assemble_page(gen: Gen, lay: Layout, r: Rendered) -> Page:
    """Join chrome, headline and rendered body; offsets shift to the page."""
    off = len(lay.head)
    content = [(lay.title_start, lay.title_start + len(gen.title))]
    content += [(s + off, e + off) for s, e in r.paras]
    if gen.credit_line:
        cs = off + len(r.text) + 2
        content.append((cs, cs + len(gen.credit_line)))
    return Page(
        lay.head + r.text + lay.tail,
        gen.title,
        lay.published,
        lay.url,
        content,
        r.starts + off,
        r.ends + off,
        r.seg,
    )


def render_pages(
    model: Model, ctx: Context, gens: Sequence[Gen], rng: np.random.Generator, p: Params
) -> list[Page]:
    """Every page of a chunk (bodies rendered in one batch)."""
    lays = [layout_page(ctx, g, rng, p) for g in gens]
    docs = [(g.body, lay.sep, lay.extras) for g, lay in zip(gens, lays, strict=True)]
    rendered = render_batch(model, docs)
    pages = [assemble_page(g, lay, r) for g, lay, r in zip(gens, lays, rendered, strict=True)]
    if p.html:
        pages = [
            html_page(g, lay, r, pg)
            for g, lay, r, pg in zip(gens, lays, rendered, pages, strict=True)
        ]
    return pages


# ============================================================================
# HTML pages: the text page's lines in a site template
# ============================================================================

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


class _HtmlOut:
    """HTML being written, with where each character of the text page went."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.parts: list[str] = []
        self.size = 0
        self.start_of = np.full(len(text) + 1, -1, np.int64)  # text char -> its HTML start
        self.end_of = np.full(len(text) + 1, -1, np.int64)  # text char -> its HTML end

    def raw(self, markup: str) -> None:
        self.parts.append(markup)
        self.size += len(markup)

    def line(self, lo: int, hi: int) -> None:
        """The text page's characters ``[lo, hi)``, escaped, each mapped."""
        piece = self.text[lo:hi]
        if not any(c in piece for c in _ESCAPES):
            self.start_of[lo:hi] = np.arange(self.size, self.size + hi - lo)
            self.end_of[lo:hi] = self.start_of[lo:hi] + 1
            self.raw(piece)
            return
        for k, c in enumerate(piece):
            out = _ESCAPES.get(c, c)
            self.start_of[lo + k] = self.size
            self.end_of[lo + k] = self.size + len(out)
            self.raw(out)

    def chrome(self, text: str) -> None:
        """A line that is no article text (not mapped)."""
        self.raw("".join(_ESCAPES.get(c, c) for c in text))


def _links(out: _HtmlOut, line: str, cls: str) -> None:
    """A menu or share bar: its items as links."""
    items = [x.strip() for x in re.split(r"\s*[|·]\s*|\s{2,}", line) if x.strip()]
    out.raw(f'<ul class="{cls}">')
    for item in items:
        out.raw(f'<li><a href="/{_slug(item)}">')
        out.chrome(item)
        out.raw("</a></li>")
    out.raw("</ul>\n")


def html_page(gen: Gen, lay: Layout, r: Rendered, page: Page) -> Page:
    """``page`` (the text page) as an HTML page: header, article, asides and footer,
    the article's lines in ``<h1>`` and ``<p>`` elements and the chrome in the site's
    navigation, promotions and footer; content spans and token offsets moved into the
    HTML (a span ``[s, e)`` of the text: from its first character's start to its
    last character's end)."""
    o, text = gen.outlet, page.text
    out = _HtmlOut(text)
    esc = functools.partial(html_escape, quote=True)
    out.raw('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    out.raw(f"<title>{esc(gen.title)} | {esc(o.name)}</title>\n")
    out.raw(f'<meta property="og:site_name" content="{esc(o.name)}">\n')
    out.raw(f'<meta property="og:title" content="{esc(gen.title)}">\n')
    if lay.published:
        out.raw(f'<meta property="article:published_time" content="{lay.published}">\n')
    out.raw(f'<link rel="canonical" href="{esc(lay.url)}">\n')
    out.raw("<style>body{font-family:serif}.ad{min-height:250px}</style>\n")
    out.raw("<script>window.dataLayer=window.dataLayer||[];dataLayer.push({page:'article'});")
    out.raw("</script>\n</head>\n<body>\n")
    # (the text page's lines with their offsets)
    lines: list[tuple[int, int]] = []
    at = 0
    for ln in text.split("\n"):
        lines.append((at, at + len(ln)))
        at += len(ln) + 1
    head_end = len(lay.head)
    body_end = head_end + len(r.text)
    head = [(a, b) for a, b in lines if b <= head_end and b > a]
    title_at = lay.title_start
    top = [(a, b) for a, b in head if b <= title_at]
    if top:
        out.raw('<header class="site-header">\n')
        for k, (a, b) in enumerate(top):
            if k == len(top) - 1 and len(top) > 1:
                out.raw("<nav>")
                _links(out, text[a:b], "menu")
                out.raw("</nav>\n")
            elif k == 1:
                out.raw('<div class="masthead"><a href="/">')
                out.chrome(text[a:b])
                out.raw("</a></div>\n")
            else:
                _links(out, text[a:b], "account")
        out.raw("</header>\n")
    out.raw("<main>\n<article>\n")
    for a, b in head:
        if a < title_at:
            continue
        if a == title_at:
            out.raw("<h1>")
            out.line(a, b)
            out.raw("</h1>\n")
        elif text[a:b] == gen.byline:
            out.raw('<p class="byline">')
            out.line(a, b)
            out.raw("</p>\n")
        else:
            stamp = lay.when.isoformat(timespec="seconds") if lay.when else ""
            out.raw(f'<p class="dateline"><time datetime="{stamp}">')
            out.line(a, b)
            out.raw("</time></p>\n")
    out.raw('<div class="article-body">\n')
    paras = [(s + head_end, e + head_end) for s, e in r.paras]
    for a, b in lines:
        if a < head_end or b > body_end or b == a:
            continue
        if any(s < b and a < e for s, e in paras):
            out.raw("<p>")
            out.line(a, b)
            out.raw("</p>\n")
        elif text[a:b].startswith("READ MORE"):
            out.raw('<aside class="related"><a href="/more">')
            out.chrome(text[a:b])
            out.raw("</a></aside>\n")
        else:
            out.raw('<div class="ad">')
            out.chrome(text[a:b])
            out.raw("</div>\n")
    # the tail's parts, in the text page's order (each at its place in the text)
    at = body_end + 2
    promos: list[tuple[str, str]] = []
    body_open = True
    for kind, part in lay.after:
        a = at
        at += len(part) + 1
        if kind == "credit":  # (the body's last paragraph, as reprints end)
            out.raw("<p>")
            out.line(a, a + len(part))
            out.raw("</p>\n")
            continue
        if body_open:
            out.raw("</div>\n")
            body_open = False
        if kind == "paywall":
            out.raw('<div class="paywall"><p>')
            out.chrome(part)
            out.raw('</p><a class="button" href="/subscribe">Subscribe</a></div>\n')
        elif kind == "copyright":
            out.raw('<p class="copyright">')
            out.chrome(part)
            out.raw("</p>\n")
        elif kind == "mid":
            share, _, heading = part.partition("\n")
            out.raw('<div class="share">')
            _links(out, share, "share")
            out.raw("</div>\n</article>\n")
            promos.append(("heading", heading))
        else:
            promos.append((kind, part))
    if not any(kind == "mid" for kind, _ in lay.after):
        out.raw("</article>\n")
    sponsored = [t for k, t in promos if k == "sponsored"]
    heading = next((t for k, t in promos if k == "heading"), "")
    if sponsored:
        out.raw('<aside class="sponsored"><h2>')
        out.chrome(heading)
        out.raw("</h2>\n<ul>")
        for t in sponsored:
            out.raw('<li><a href="https://ads.example.net/c?u=1" rel="sponsored">')
            out.chrome(t)
            out.raw("</a></li>")
        out.raw("</ul></aside>\n")
    out.raw("</main>\n")
    for kind, part in promos:
        if kind != "end":
            continue
        rows = part.split("\n")
        if rows[0] == "Most read":
            n_heads = len(o.house_heads)
            out.raw('<aside class="most-read"><h2>Most read</h2>\n<ol>')
            for t in rows[1 : 1 + n_heads]:
                out.raw(f'<li><a href="/story/{_slug(t)}">')
                out.chrome(t)
                out.raw("</a></li>")
            out.raw("</ol></aside>\n")
            rows = rows[1 + n_heads :]
        out.raw("<footer>\n")
        for t in rows:
            out.raw("<p>")
            out.chrome(t)
            out.raw("</p>\n")
        out.raw("</footer>\n")
    out.raw("</body>\n</html>\n")
    html = "".join(out.parts)
    content = [(int(out.start_of[s]), int(out.end_of[e - 1])) for s, e in page.content]
    return Page(
        html,
        page.title,
        page.published,
        page.url,
        content,
        out.start_of[page.starts],
        out.end_of[page.ends - 1],
        page.seg,
    )


# ============================================================================
# Truth: passages from shared origins, pairs, clusters
# ============================================================================


def _ancestors(gens: Sequence[Gen], g: Gen) -> list[int]:
    out = []
    while g.parent is not None:
        out.append(g.parent)
        g = gens[g.parent]
    return out


def _covered(spans: list[tuple[int, int]]) -> int:
    """Tokens covered by ``[start, end)`` token ranges (overlaps counted once)."""
    total, reach = 0, -1
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def chunk_truth(
    model: Model, gens: Sequence[Gen], pages: Sequence[Page], ids: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[list[int]]]:
    """Pairs, passages and reprint clusters of one chunk, from shared token origins.

    All pairs at once: every token origin shared by several articles yields one
    row per two articles holding it; rows sorted by (pair, position) split into
    runs where the positions stop advancing together (a gap over ``MAX_GAP``
    on either side, a step back, or a chrome line). Runs of at least
    ``MIN_PASSAGE_WORDS`` tokens are passages.
    """
    fam_size: dict[int, int] = {}
    for g in gens:
        fam_size[g.family] = fam_size.get(g.family, 0) + 1
    members = [g.no for g in gens if fam_size[g.family] > 1]
    if not members:
        return [], [], []
    lens = np.array([len(gens[k].body) for k in members], dtype=np.int64)
    mem_of = np.repeat(np.arange(len(members)), lens)
    pos_of = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
    origin = np.concatenate([gens[k].body.origin for k in members])
    norm = model.vocab.norm[np.concatenate([gens[k].body.word for k in members])]
    seg = np.concatenate([pages[k].seg for k in members])
    starts = np.concatenate([pages[k].starts for k in members])
    ends = np.concatenate([pages[k].ends for k in members])
    # tokens sorted by origin (then member): each origin's holders are one group
    order = np.lexsort((mem_of, origin))
    o_sorted = origin[order]
    new = np.concatenate([[True], o_sorted[1:] != o_sorted[:-1]])
    g_start = np.flatnonzero(new)
    g_size = np.diff(np.append(g_start, len(order)))
    g_end = np.repeat(g_start + g_size, g_size)
    idx = np.arange(len(order))
    gi_parts, gj_parts = [], []
    for d in range(1, int(g_size.max())):
        p = np.flatnonzero(idx + d < g_end)
        gi_parts.append(order[p])
        gj_parts.append(order[p + d])
    if not gi_parts:
        return [], [], []
    gi, gj = np.concatenate(gi_parts), np.concatenate(gj_parts)  # member(gi) < member(gj)
    key = mem_of[gi] * len(members) + mem_of[gj]
    o = np.lexsort((pos_of[gj], key))
    gi, gj, key = gi[o], gj[o], key[o]
    pi, pj = pos_of[gi], pos_of[gj]
    dx, dy = np.diff(pi), np.diff(pj)
    brk = (
        (key[1:] != key[:-1])
        | (dx < 1)
        | (dx > MAX_GAP + 1)
        | (dy > MAX_GAP + 1)
        | (seg[gi[1:]] != seg[gi[:-1]])
        | (seg[gj[1:]] != seg[gj[:-1]])
    )
    cut = np.flatnonzero(brk) + 1
    run_a = np.concatenate([[0], cut])
    run_b = np.concatenate([cut, [len(gi)]])
    keep = run_b - run_a >= MIN_PASSAGE_WORDS
    run_a, run_b = run_a[keep], run_b[keep]
    eq = np.concatenate([[0], np.cumsum(norm[gi] == norm[gj])])
    same = eq[run_b] - eq[run_a]
    words = run_b - run_a
    sx, ex, sy, ey = pi[run_a], pi[run_b - 1], pj[run_a], pj[run_b - 1]
    span_x, span_y = ex - sx + 1, ey - sy + 1
    verbatim = (same == words) & (span_x == words) & (span_y == words)
    sim = np.round(2 * same / (span_x + span_y), 4)
    runs = zip(
        key[run_a].tolist(), starts[gi[run_a]].tolist(), ends[gi[run_b - 1]].tolist(),
        starts[gj[run_a]].tolist(), ends[gj[run_b - 1]].tolist(), verbatim.tolist(),
        words.tolist(), sim.tolist(), sx.tolist(), (ex + 1).tolist(), sy.tolist(),
        (ey + 1).tolist(), strict=True,
    )  # fmt: skip
    by_pair: dict[int, list[tuple[Any, ...]]] = {}
    for run in runs:
        by_pair.setdefault(run[0], []).append(run)
    anc = {k: set(_ancestors(gens, gens[k])) for k in members}
    pairs: list[dict[str, Any]] = []
    passages: list[dict[str, Any]] = []
    parent = {k: k for k in members}

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for k, found in by_pair.items():
        x, y = members[k // len(members)], members[k % len(members)]
        a, b = (x, y) if ids[x] < ids[y] else (y, x)
        # a is the ancestor, or neither is (siblings: no source, passages run a -> b)
        src, tgt = (b, a) if b in anc[a] else (a, b)
        directed = src in anc[tgt]
        if not directed:
            relation = "sibling"
        elif gens[tgt].parent == src:
            relation = gens[tgt].role
        else:
            relation = "indirect"
        attributed = directed and gens[src].outlet.name in gens[tgt].credits
        src_is_x = src == x
        cov_x = _covered([(r[8], r[9]) for r in found]) / max(1, len(gens[x].body))
        cov_y = _covered([(r[10], r[11]) for r in found]) / max(1, len(gens[y].body))
        cov = {x: round(cov_x, 4), y: round(cov_y, 4)}
        pairs.append(
            {
                "a_id": ids[a],
                "b_id": ids[b],
                "source_id": ids[src] if directed else None,
                "confidence": 1.0 if directed else 0.0,
                "coverage_a": cov[a],
                "coverage_b": cov[b],
                "passages": len(found),
                "words": sum(r[6] for r in found),
                "relation": relation,
                "attributed": attributed,
            }
        )
        for r in found:
            s_off, t_off = (
                ((r[1], r[2]), (r[3], r[4])) if src_is_x else ((r[3], r[4]), (r[1], r[2]))
            )
            passages.append(
                {
                    "source_id": ids[src],
                    "target_id": ids[tgt],
                    "source_start": s_off[0],
                    "source_end": s_off[1],
                    "target_start": t_off[0],
                    "target_end": t_off[1],
                    "kind": "verbatim" if r[5] else "near-verbatim",
                    "words": r[6],
                    "similarity": r[7],
                    "attributed": attributed,
                }
            )
        parent[find(x)] = find(y)
    comps: dict[int, list[int]] = {}
    for k in members:
        comps.setdefault(find(k), []).append(k)
    return pairs, passages, [c for c in comps.values() if len(c) > 1]


# ============================================================================
# One chunk, start to finish (runs in a worker process)
# ============================================================================

NGRAM_CHECK = 8
_HASH_MULT = np.uint64(0x9E3779B97F4A7C15)


@dataclass
class ChunkOut:
    """What a worker hands back: serialised rows and counts."""

    index: int
    n_articles: int
    # one payload per output bucket (html: each page's file name and bytes)
    articles: list[bytes | dict[str, list[Any]] | list[tuple[str, bytes]]]
    pairs: list[str]
    passages: list[str]
    clusters: list[tuple[list[str], str]]
    content: list[str]
    counts: dict[str, int]
    ngrams: tuple[np.ndarray, np.ndarray] | None = None


def id_number(pos: int, n: int) -> int:
    """A bijection of ``[0, n)`` so that ids do not reveal which articles are related.

    >>> sorted(id_number(i, 10) for i in range(10)) == list(range(10))
    True
    """
    a = int(n * 0.6180339887) | 1
    while math.gcd(a, n) != 1:
        a += 2
    return (a * pos + n // 3) % n


def body_ngram_hashes(model: Model, toks: Toks, n: int = NGRAM_CHECK) -> np.ndarray:
    """Hashes of every ``n``-word window of normalised body words."""
    norm = model.vocab.norm[toks.word].astype(np.uint64)
    if len(norm) < n:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(len(norm) - n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _HASH_MULT + norm[k : len(norm) - n + 1 + k] + np.uint64(k + 1)
    return h


@dataclass
class _Job:
    model: Model
    ctx: Context
    params: Params
    fmt: str
    chunk_articles: int
    check_ngrams: bool
    buckets: int = 1


_JOB: _Job | None = None


def _set_job(job: _Job) -> None:
    global _JOB
    _JOB = job


def generate_chunk(index: int, job: _Job | None = None) -> ChunkOut:
    """Generate chunk ``index`` (deterministic in the seed and the index alone)."""
    job = job or _JOB
    assert job is not None, "call _set_job first"
    m, ctx, p = job.model, job.ctx, job.params
    start = index * job.chunk_articles
    n = min(job.chunk_articles, p.articles - start)
    rng = np.random.default_rng([p.seed, index])
    gens = ChunkBuilder(m, ctx, p, rng).build(n)
    pages = render_pages(m, ctx, gens, rng, p)
    width = max(6, len(str(p.articles - 1)))
    perm = rng.permutation(n)  # output position of each generated article
    ids = [f"a{id_number(start + int(perm[i]), p.articles):0{width}d}" for i in range(n)]
    if job.fmt == "warc.gz":
        ids = [pg.url for pg in pages]  # (the WARC reader's id: the target URI)
    out_order = np.argsort(perm)
    # articles, scattered over the output buckets so that related articles
    # (always generated in one chunk) end up far apart in the files
    bucket = rng.integers(0, job.buckets, n)
    payloads: list[bytes | dict[str, list[Any]] | list[tuple[str, bytes]]] = []
    for b in range(job.buckets):
        order = out_order[bucket[out_order] == b].tolist()
        if job.fmt == "warc.gz":
            payloads.append(b"".join(warc_response(pages[i], gens[i].time, ids[i]) for i in order))
            continue
        if job.fmt == "html":  # (a saved page: the markup alone, no fetch date or source)
            payloads.append([(f"{ids[i]}.html", pages[i].text.encode("utf-8")) for i in order])
            continue
        rows = {
            "id": [ids[i] for i in order],
            "html" if p.html else "text": [pages[i].text for i in order],
            "title": [pages[i].title for i in order],
            "published": [pages[i].published for i in order],
            "source": [gens[i].outlet.source for i in order],
            "url": [pages[i].url for i in order],
        }
        if job.fmt == "parquet":
            payloads.append(rows)
            continue
        keys = list(rows)
        data = "".join(
            json.dumps(dict(zip(keys, vals, strict=True)), ensure_ascii=False) + "\n"
            for vals in zip(*(rows[k] for k in keys), strict=True)
        ).encode("utf-8")
        payloads.append(gzip.compress(data, compresslevel=4) if job.fmt == "jsonl.gz" else data)
    # truth
    pair_rows, passage_rows, comps = chunk_truth(m, gens, pages, ids)
    order_of = sorted(
        range(len(pair_rows)), key=lambda i: (pair_rows[i]["a_id"], pair_rows[i]["b_id"])
    )
    starts_at = np.cumsum([0] + [r["passages"] for r in pair_rows]).tolist()
    pairs = [json.dumps(pair_rows[i]) for i in order_of]
    passages = [
        json.dumps(passage_rows[j]) for i in order_of for j in range(starts_at[i], starts_at[i + 1])
    ]
    n_pairs, n_passages = len(pairs), len(passages)
    n_directed = sum(r["source_id"] is not None for r in pair_rows)
    clusters: list[tuple[list[str], str]] = []
    for comp in comps:
        in_comp = set(comp)
        roots = [c for c in comp if not in_comp & set(_ancestors(gens, gens[c]))]
        origin = min(roots or comp, key=lambda c: gens[c].time)
        clusters.append((sorted(ids[c] for c in comp), ids[origin]))
    clusters.sort()
    content = []
    for i in out_order.tolist():
        g = gens[i]
        content.append(
            json.dumps(
                {
                    "id": ids[i],
                    "role": g.role,
                    "parent_id": ids[g.parent] if g.parent is not None else None,
                    "family": f"f{index}-{g.family}",
                    "content": [list(span) for span in pages[i].content],
                }
            )
        )
    roles: dict[str, int] = {}
    for g in gens:
        roles[g.role] = roles.get(g.role, 0) + 1
    counts = {
        "articles": n,
        "text_chars": sum(len(pg.text) for pg in pages),
        "body_words": sum(len(g.body) for g in gens),
        "pairs": n_pairs,
        "directed_pairs": n_directed,
        "passages": n_passages,
        "clusters": len(clusters),
        "clustered_articles": sum(len(c[0]) for c in clusters),
        **{f"role:{k}": v for k, v in roles.items()},
    }
    ngrams = None
    if job.check_ngrams:
        hs = [body_ngram_hashes(m, g.body) for g in gens]
        fam = [
            np.full(len(h), index * 1_000_000 + g.family, dtype=np.int64)
            for h, g in zip(hs, gens, strict=True)
        ]
        ngrams = (np.concatenate(hs), np.concatenate(fam))
    return ChunkOut(index, n, payloads, pairs, passages, clusters, content, counts, ngrams)


# ============================================================================
# Writing the corpus
# ============================================================================


# Article formats: JSON Lines (gzipped or not), Parquet, a crawl's WARC, a folder of pages.
FORMATS = ("jsonl", "jsonl.gz", "parquet", "warc.gz", "html")


class _ArticleWriter:
    """Article rows into ``buckets`` files: the parts, or temporary files merged at the end."""

    def __init__(self, out: Path, fmt: str, buckets: int, parts: bool, html: bool = False) -> None:
        self.out, self.fmt, self.buckets, self.parts = out, fmt, buckets, parts
        self.schema = _article_schema(html) if fmt == "parquet" else None
        self.ext = {
            "jsonl": ".jsonl",
            "jsonl.gz": ".jsonl.gz",
            "parquet": ".parquet",
            "warc.gz": ".warc.gz",
            "html": "",
        }[fmt]
        self._fhs: list[Any] = []
        if fmt == "html":  # (a folder of pages: no bucket files)
            (out / "pages").mkdir(exist_ok=True)
            self.paths = []
            return
        if parts:
            (out / "articles").mkdir(exist_ok=True)
            self.paths = [out / "articles" / f"part-{b:05d}{self.ext}" for b in range(buckets)]
        else:
            tmp = out / ".buckets"
            tmp.mkdir(exist_ok=True)
            self.paths = [tmp / f"bucket-{b:05d}{self.ext}" for b in range(buckets)]
        for path in self.paths:
            if fmt == "parquet":
                import pyarrow.parquet as pq

                self._fhs.append(pq.ParquetWriter(path, self.schema, compression="zstd"))
            else:
                self._fhs.append(path.open("wb"))

    def write(self, chunk: ChunkOut) -> None:
        import pyarrow as pa

        if self.fmt == "html":
            for files in chunk.articles:
                for name, data in cast(list[tuple[str, bytes]], files):
                    (self.out / "pages" / name).write_bytes(data)
            return
        for fh, payload in zip(self._fhs, chunk.articles, strict=True):
            if isinstance(payload, dict):
                if payload["id"]:
                    fh.write_table(pa.table(payload, schema=self.schema))
            else:
                fh.write(payload)

    def close(self) -> list[str]:
        """Close (merging temporary buckets into one file); returns the files written."""
        for fh in self._fhs:
            fh.close()
        self._fhs = []
        if self.fmt == "html":
            return ["pages"]
        if self.parts:
            return [str(p.relative_to(self.out)) for p in self.paths]
        final = self.out / f"articles{self.ext}"
        if self.fmt == "parquet":
            import pyarrow.parquet as pq

            with pq.ParquetWriter(final, self.schema, compression="zstd") as w:
                for path in self.paths:
                    for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000):
                        w.write_batch(batch)
        else:
            with final.open("wb") as dst:
                for path in self.paths:
                    with path.open("rb") as src:
                        shutil.copyfileobj(src, dst, 1 << 20)
        for path in self.paths:
            path.unlink()
        self.paths[0].parent.rmdir()
        return [final.name]


def warc_response(page: Page, t: float, url: str) -> bytes:
    """One gzipped WARC response record of ``page`` (HTTP 200, UTF-8 HTML), fetched
    three hours after ``t``; ``Last-Modified`` is the article's time when the page
    gives one (the reader takes it as the publication time)."""
    body = page.text.encode("utf-8")
    http = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    if page.published:
        stamp = dt.datetime.fromisoformat(page.published).astimezone(dt.UTC)
        http += f"Last-Modified: {email.utils.format_datetime(stamp, usegmt=True)}\r\n"
    block = (http + f"Content-Length: {len(body)}\r\n\r\n").encode("ascii") + body
    fetched = dt.datetime.fromtimestamp(t + 3 * 3600, tz=dt.UTC)
    record_id = uuid.UUID(bytes=hashlib.md5(url.encode("utf-8")).digest())
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{record_id}>\r\n"
        f"WARC-Date: {fetched:%Y-%m-%dT%H:%M:%SZ}\r\n"
        f"WARC-Target-URI: {url}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode("ascii")
    return gzip.compress(head + block + b"\r\n\r\n", compresslevel=4)


def _article_schema(html: bool = False) -> Any:
    """The articles table schema (pyarrow is imported only when Parquet is asked for)."""
    import pyarrow as pa

    body = "html" if html else "text"
    return pa.schema(
        [(k, pa.string()) for k in ("id", body, "title", "published", "source", "url")]
    )


def generate(
    out: Path,
    params: Params,
    fmt: str = "jsonl",
    part_size: int = 0,
    workers: int = 1,
    text_dir: Path | None = None,
    check_ngrams: bool = False,
    chunk_articles: int = CHUNK_ARTICLES,
) -> dict[str, Any]:
    """Write a corpus and its truth under ``out``; returns the manifest.

    Example:
        >>> generate(Path("/tmp/c10k"), Params(articles=10_000, seed=1))  # doctest: +SKIP
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    if fmt in ("warc.gz", "html") and not params.html:
        params = dataclasses.replace(params, html=True)  # (a crawl holds HTML pages)
    if params.articles < 1:
        raise ValueError("articles must be at least 1")
    t_start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    model = cached_model(str(text_dir) if text_dir else None)
    ctx = make_context(model, params.articles, params.seed)
    if params.html:
        # (a crawl holds each agency's own site; text corpora keep one wire host,
        # so that their urls stay as generated before)
        for agency in ctx.agencies:
            agency.host = AGENCY_SITES[agency.code]
    n_chunks = math.ceil(params.articles / chunk_articles)
    buckets = math.ceil(params.articles / part_size) if part_size else min(MAX_BUCKETS, n_chunks)
    job = _Job(model, ctx, params, fmt, chunk_articles, check_ngrams, buckets)
    writer = _ArticleWriter(out, fmt, buckets, parts=part_size > 0, html=params.html)
    totals: dict[str, int] = {}
    hashes: list[tuple[np.ndarray, np.ndarray]] = []
    cluster_no = 0
    truth = out / "truth"
    with (
        (truth / "pairs.jsonl").open("w", encoding="utf-8") as f_pairs,
        (truth / "passages.jsonl").open("w", encoding="utf-8") as f_pass,
        (truth / "clusters.jsonl").open("w", encoding="utf-8") as f_clus,
        (truth / "content.jsonl").open("w", encoding="utf-8") as f_cont,
    ):
        if workers > 1:
            _set_job(job)
            pool = multiprocessing.get_context("fork").Pool(workers)
            results: Iterator[ChunkOut] = pool.imap(generate_chunk, range(n_chunks))
        else:
            pool = None
            results = (generate_chunk(i, job) for i in range(n_chunks))
        try:
            for done, chunk in enumerate(results, start=1):
                writer.write(chunk)
                for lines, fh in (
                    (chunk.pairs, f_pairs),
                    (chunk.passages, f_pass),
                    (chunk.content, f_cont),
                ):
                    if lines:
                        fh.write("\n".join(lines) + "\n")
                for article_ids, origin in chunk.clusters:
                    cluster_no += 1
                    row = {
                        "cluster_id": f"c{cluster_no:07d}",
                        "article_ids": article_ids,
                        "origin_id": origin,
                    }
                    f_clus.write(json.dumps(row) + "\n")
                for k, v in chunk.counts.items():
                    totals[k] = totals.get(k, 0) + v
                if chunk.ngrams is not None:
                    hashes.append(chunk.ngrams)
                if done % 50 == 0 or done == n_chunks:
                    log.info(
                        "%d/%d chunks, %d articles, %.0f s",
                        done,
                        n_chunks,
                        totals["articles"],
                        time.perf_counter() - t_start,
                    )
        finally:
            files = writer.close()
            if pool is not None:
                pool.close()
                pool.join()
    manifest: dict[str, Any] = {
        "generator": "bench/gen_corpus.py",
        "format": fmt,
        "articles_files": files,
        "truth_files": [
            f"truth/{n}"
            for n in ("pairs.jsonl", "passages.jsonl", "clusters.jsonl", "content.jsonl")
        ],
        "params": asdict(params),
        "min_passage_words": MIN_PASSAGE_WORDS,
        "max_gap": MAX_GAP,
        "chunk_articles": chunk_articles,
        "model": model.stats,
        "outlets": len(ctx.outlets),
        "counts": totals,
        "seconds": round(time.perf_counter() - t_start, 1),
    }
    if check_ngrams:
        manifest["accidental_shared_8grams"] = count_cross_family(hashes)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def count_cross_family(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> int:
    """Distinct 8-gram hashes that occur in more than one family (should be ~0)."""
    if not parts:
        return 0
    h = np.concatenate([p[0] for p in parts])
    fam = np.concatenate([p[1] for p in parts])
    order = np.lexsort((fam, h))
    h, fam = h[order], fam[order]
    cross = (np.diff(h) == 0) & (np.diff(fam) != 0)
    return len(np.unique(h[1:][cross]))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python bench/gen_corpus.py --articles N --out DIR``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, required=True, help="number of articles")
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--format",
        choices=FORMATS,
        default="jsonl",
        help="warc.gz: a crawl (HTML pages as WARC responses; ids are the URLs); html: "
        "the crawl's pages saved as files, OUT/pages/ID.html (no fetch date or source)",
    )
    ap.add_argument(
        "--html",
        action="store_true",
        help="pages as HTML in a site template (an 'html' field, not 'text')",
    )
    ap.add_argument(
        "--part-size",
        type=int,
        default=0,
        help="articles per file under OUT/articles/ (0: one file)",
    )
    ap.add_argument("--workers", type=int, default=1, help="processes generating chunks")
    ap.add_argument("--text-dir", type=Path, help="more real prose (*.txt) for the text model")
    ap.add_argument("--wire-share", type=float, default=Params.wire_share)
    ap.add_argument("--quote-share", type=float, default=Params.quote_share)
    ap.add_argument("--missing-date-rate", type=float, default=Params.missing_date_prob)
    ap.add_argument("--days", type=int, default=Params.days)
    ap.add_argument(
        "--mega-reprints",
        type=int,
        default=0,
        help="reprints of a very widely syndicated story (one a chunk of 1,000 articles "
        "with chance --mega-share; at most the outlets but 2)",
    )
    ap.add_argument("--mega-share", type=float, default=0.0)
    ap.add_argument(
        "--check-ngrams",
        action="store_true",
        help="count 8-grams shared between unrelated articles (memory: ~16 B/word)",
    )
    ap.add_argument("--force", action="store_true", help="write into a non-empty OUT")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.out.exists() and any(args.out.iterdir()) and not args.force:
        print(f"error: {args.out} is not empty (use --force)", file=sys.stderr)
        return 2
    params = Params(
        articles=args.articles,
        seed=args.seed,
        wire_share=args.wire_share,
        quote_share=args.quote_share,
        missing_date_prob=args.missing_date_rate,
        days=args.days,
        mega_reprints=args.mega_reprints,
        mega_share=args.mega_share,
        html=args.html,
    )
    manifest = generate(
        args.out,
        params,
        args.format,
        args.part_size,
        args.workers,
        args.text_dir,
        args.check_ngrams,
    )
    print(json.dumps({k: manifest[k] for k in ("counts", "seconds")}, indent=2))
    if "accidental_shared_8grams" in manifest:
        print(f"accidental shared 8-grams between families: {manifest['accidental_shared_8grams']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
