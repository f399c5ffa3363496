"""The scan's stages as pure batch functions, shared by every engine.

read -> clean -> fingerprint -> candidates -> align -> attribute -> cluster -> write

Each function takes and returns plain data or Arrow record batches and never
touches files, so the local engine calls them over batches in worker
processes and a Spark engine calls the very same functions per partition
through ``mapInArrow`` (signatures and schemas in ``docs/scan.md``):

- read: :func:`articles_to_batch`, ``list[Article]`` -> ``RAW_SCHEMA``
- chrome, count: :func:`line_hashes_batch`, ``RAW_SCHEMA`` -> ``LINES_SCHEMA``
- chrome, decide: :func:`copytrace.chrome.chrome_from_counts`, counts -> chrome per source
- clean: :func:`clean_batch`, ``RAW_SCHEMA`` -> ``CLEAN_SCHEMA``
- fingerprint: :func:`fingerprint_batch`, ``CLEAN_SCHEMA`` -> ``FINGERPRINT_SCHEMA``
- candidates: :func:`copytrace.candidates.group_pairs`, ``count_pairs`` (numpy arrays)
- align + attribute: :func:`align_batch`, ``PAIR_INPUT_SCHEMA`` -> ``PAIR_SCHEMA``
- cluster: :func:`cluster_pairs`, ``list[PairRecord]`` -> ``list[Cluster]``
- write: :func:`pair_rows`, :func:`passage_rows`, records -> output rows
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from copytrace.align import PRESETS, AlignParams, prepared
from copytrace.chrome import flat_line_hashes, learning_key
from copytrace.cluster import Cluster, Edge, build_clusters
from copytrace.fingerprint import FingerprintParams, content_text, fingerprint_texts
from copytrace.model import Article, Passage
from copytrace.store import PASSAGES_SCHEMA, SPANS_TYPE

log = logging.getLogger(__name__)

# Floats in the outputs are rounded so they read well and compare exactly.
FLOAT_DIGITS = 4
# Pairs whose articles align_pairs prepares at once (as the local engine's chunks).
ALIGN_BATCH_PAIRS = 256

RAW_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("text", pa.large_string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("published", pa.string()),
        pa.field("source", pa.string()),
        pa.field("url", pa.string()),
        pa.field("path", pa.string()),
        pa.field("is_html", pa.bool_(), nullable=False),
    ]
)
CLEAN_SCHEMA = pa.schema(
    [
        *RAW_SCHEMA,
        pa.field("content", SPANS_TYPE),
        pa.field("dateline", pa.string()),
    ]
)
# ``copytrace clean --out``: one row per article, the input's fields, the
# content spans (character offsets into ``text``, the input's text or HTML as
# read) and the article as a reader sees it (``article_text``: the spans,
# paragraphs apart).
CLEANED_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("title", pa.string()),
        pa.field("published", pa.string()),
        pa.field("dateline", pa.string()),
        pa.field("url", pa.string()),
        pa.field("path", pa.string()),
        pa.field("content", SPANS_TYPE),
        pa.field("article_text", pa.large_string()),
        pa.field("text", pa.large_string()),
    ]
)
LINES_SCHEMA = pa.schema(
    [
        pa.field("page", pa.int32(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("line_hash", pa.uint64(), nullable=False),
    ]
)
FINGERPRINT_SCHEMA = pa.schema(
    [
        pa.field("row", pa.int32(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("hash", pa.uint64(), nullable=False),
        pa.field("pos", pa.int32(), nullable=False),
    ]
)
PAIR_INPUT_SCHEMA = pa.schema(
    [pa.field(f"a_{f.name}", f.type, f.nullable) for f in CLEAN_SCHEMA]
    + [pa.field(f"b_{f.name}", f.type, f.nullable) for f in CLEAN_SCHEMA]
)
PASSAGE_STRUCT = pa.struct(list(PASSAGES_SCHEMA))
PAIR_SCHEMA = pa.schema(
    [
        pa.field("a_id", pa.string(), nullable=False),
        pa.field("b_id", pa.string(), nullable=False),
        pa.field("source_id", pa.string()),
        pa.field("confidence", pa.float64(), nullable=False),
        pa.field("coverage_a", pa.float64(), nullable=False),
        pa.field("coverage_b", pa.float64(), nullable=False),
        pa.field("passages", pa.list_(PASSAGE_STRUCT), nullable=False),
        pa.field("evidence", pa.list_(pa.string()), nullable=False),
    ]
)
# A stage's rows as an engine that keeps going past failures collects them (Spark):
# the stage's columns and ``failure``: null, or why the stage failed on the row
# (the article kept with no content, the pair without passages; reported with
# the rejects).
FAILURE_FIELD = pa.field("failure", pa.string())
CLEAN_RESULT_SCHEMA = pa.schema([*CLEAN_SCHEMA, FAILURE_FIELD])
PAIR_RESULT_SCHEMA = pa.schema([*PAIR_SCHEMA, FAILURE_FIELD])


@dataclass(frozen=True, slots=True)
class PassageRecord:
    """One row of ``passages.jsonl``: offsets oriented source -> target."""

    source_id: str
    target_id: str
    source_start: int
    source_end: int
    target_start: int
    target_end: int
    kind: str
    words: int
    similarity: float
    attributed: bool

    def to_dict(self) -> dict[str, object]:
        """The output row, keys in the documented order."""
        return {
            "source_id": self.source_id,
            "target_id": self.target_id,
            "source_start": self.source_start,
            "source_end": self.source_end,
            "target_start": self.target_start,
            "target_end": self.target_end,
            "kind": self.kind,
            "words": self.words,
            "similarity": self.similarity,
            "attributed": self.attributed,
        }

    def __reduce__(self) -> tuple[type[PassageRecord], tuple[Any, ...]]:
        # (the fields as a tuple: pickled and unpickled ~2x faster than through the
        # dataclass's state methods; the workers send every record this way)
        return (PassageRecord, _PASSAGE_FIELDS(self))


@dataclass(frozen=True, slots=True)
class PairRecord:
    """Everything the scan keeps about one aligned pair (``a_id < b_id``)."""

    a_id: str
    b_id: str
    source_id: str | None
    confidence: float
    coverage_a: float
    coverage_b: float
    passages: tuple[PassageRecord, ...]
    evidence: tuple[str, ...] = ()

    @property
    def words(self) -> int:
        """Reused words over all passages."""
        return sum(map(_WORDS, self.passages))

    @property
    def target_id(self) -> str | None:
        """The copying article when the direction is decided."""
        if self.source_id is None:
            return None
        return self.b_id if self.source_id == self.a_id else self.a_id

    def to_dict(self) -> dict[str, object]:
        """The ``pairs.jsonl`` row."""
        return {
            "a_id": self.a_id,
            "b_id": self.b_id,
            "source_id": self.source_id,
            "confidence": self.confidence,
            "coverage_a": self.coverage_a,
            "coverage_b": self.coverage_b,
            "passages": len(self.passages),
            "words": self.words,
        }

    def __reduce__(self) -> tuple[type[PairRecord], tuple[Any, ...]]:
        return (PairRecord, _PAIR_FIELDS(self))


_WORDS = operator.attrgetter("words")
_PASSAGE_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(PassageRecord)))
_PAIR_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(PairRecord)))


# ----------------------------------------------------------------------------- read


def articles_to_batch(
    articles: Sequence[Article], schema: pa.Schema = RAW_SCHEMA
) -> pa.RecordBatch:
    """Articles -> a record batch of ``RAW_SCHEMA`` (or ``CLEAN_SCHEMA``).

    Example:
        >>> b = articles_to_batch([Article("x", "Some text.", source="S")])
        >>> b.num_rows, b.column("source")[0].as_py()
        (1, 'S')
    """
    # Column by column (the content spans as they are: tuples convert as lists do).
    cols = {f.name: list(map(operator.attrgetter(f.name), articles)) for f in schema}
    return pa.RecordBatch.from_pydict(cols, schema=schema)


def batch_to_articles(batch: pa.RecordBatch, prefix: str = "") -> list[Article]:
    """A ``RAW_SCHEMA``/``CLEAN_SCHEMA`` batch (columns maybe prefixed) -> articles.

    Example:
        >>> arts = batch_to_articles(articles_to_batch([Article("x", "t")]))
        >>> arts[0].id, arts[0].content
        ('x', ())
    """
    names = set(batch.schema.names)
    n = batch.num_rows
    # Article's fields in order, each a column or its default (positional arguments,
    # column by column: no dict a row).
    args: list[Iterable[object]] = []
    for f in dataclasses.fields(Article):
        name = prefix + f.name
        if name in names and f.name in CLEAN_SCHEMA.names:
            values = batch.column(name).to_pylist()
            if f.name == "content":
                values = [tuple([(int(s), int(e)) for s, e in c]) if c else () for c in values]
            elif f.name == "is_html":
                values = list(map(bool, values))
            args.append(values)
        elif f.default is not dataclasses.MISSING:
            args.append(itertools.repeat(f.default, n))
        else:
            raise TypeError(f"batch_to_articles: no column {name!r}")
    return list(map(Article, *args))


# ----------------------------------------------------------------------------- chrome


def line_hashes_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Distinct line-key hashes of every page with a :func:`copytrace.chrome.learning_key`
    (its source, else the outlet a plain-text page names; of an HTML page, the lines
    a reader sees).

    ``page`` is the page's row in ``batch``, ``source`` its learning key. The chrome
    pass counts the rows per ``(source, line_hash)``, and the distinct pages per
    source (pages with at least one line).

    Example:
        >>> b = articles_to_batch([Article("x", "Menu\\nMenu\\nText", source="S")])
        >>> line_hashes_batch(b).column("page").to_pylist()
        [0, 0]
    """
    keys = [
        learning_key(s, t, html)
        for s, t, html in zip(
            batch.column("source").to_pylist(),
            batch.column("text").to_pylist(),
            batch.column("is_html").to_pylist(),
            strict=True,
        )
    ]
    rows = np.array([row for row, k in enumerate(keys) if k], np.int64)
    texts = batch.column("text").take(pa.array(rows)).to_pylist()
    html = batch.column("is_html").take(pa.array(rows)).to_pylist()
    if any(html):
        from copytrace.htmltext import readable_html

        # (an HTML page's lines: the blocks a reader sees)
        texts = [readable_html(t) if h else t for t, h in zip(texts, html, strict=True)]
    page, hashes = flat_line_hashes(texts)
    pages = pa.array(rows[page], pa.int32())
    return pa.RecordBatch.from_arrays(
        [pages, pa.array(keys, pa.string()).take(pages), pa.array(hashes, pa.uint64())],
        schema=LINES_SCHEMA,
    )


# ----------------------------------------------------------------------------- clean


def clean_articles(
    articles: Iterable[Article],
    chrome: Mapping[str, frozenset[int]] | None = None,
    *,
    keep_text: bool = False,
) -> list[Article]:
    """Clean each article, dropping the lines that are its source's learned chrome.

    ``keep_text``: the texts are article text already (extracted before): all of a
    text is content, as it stands; HTML pages are still extracted.

    Example:
        >>> text = "The talks will resume in the autumn, officials said."
        >>> [a.id for a in clean_articles([Article("x", text)])]
        ['x']
        >>> clean_articles([Article("x", " Menu\\nThe talks. ")], keep_text=True)[0].content
        ((1, 16),)
    """
    from copytrace.clean import clean_many, keep_all

    arts = list(articles)
    if keep_text:
        pages = [a for a in arts if a.is_html]
        extracted = iter(clean_articles(pages, chrome) if pages else [])
        return [next(extracted) if a.is_html else keep_all(a) for a in arts]
    model = chrome or {}
    # Each page's source's chrome hashes: clean_many finds the page's chrome lines
    # from the keys it computes anyway (as chrome_for would, without keying it twice).
    # (by the learning key of the raw page, as the chrome pass counted it: the same
    # function on the same text, not the cleaner's own reading of the source)
    known = [
        model.get(learning_key(art.source, art.text, art.is_html) or "", frozenset())
        if model
        else frozenset()
        for art in arts
    ]
    return clean_many(arts, chrome_hashes=known)


@dataclass(frozen=True, slots=True)
class StageFailure:
    """An article (``clean``) or a pair (``align``) a stage failed on: the run goes
    on without it, and it is reported beside the rejected records."""

    stage: str
    ids: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict[str, object]:
        """The row written to ``rejects.jsonl`` (``file`` and ``record`` null: the
        record was read; ``stage`` and ``ids`` say what failed)."""
        return {
            "file": None,
            "record": None,
            "reason": self.reason,
            "stage": self.stage,
            "ids": list(self.ids),
        }


def failure_reason(stage: str, exc: BaseException) -> str:
    """One line: what failed and the exception (its first line, at most 200 characters)."""
    text = str(exc).strip().splitlines()
    detail = f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__
    what = "cleaning failed (kept with no content)" if stage == "clean" else "aligning failed"
    return f"{what}: {detail}"


def clean_articles_guarded(
    articles: Sequence[Article],
    chrome: Mapping[str, frozenset[int]] | None = None,
    *,
    keep_text: bool = False,
) -> tuple[list[Article], list[StageFailure]]:
    """:func:`clean_articles`, one article at a time when the batch fails: an article
    the cleaner fails on is kept with no content (it pairs with nothing) and
    reported, and the others are cleaned as usual.

    Example:
        >>> arts, failed = clean_articles_guarded([Article("x", "The talks resume.")])
        >>> [a.id for a in arts], failed
        (['x'], [])
    """
    try:
        return clean_articles(articles, chrome, keep_text=keep_text), []
    except Exception:  # (one bad page must not end a corpus run)
        log.warning("cleaning a batch of %d failed: one article at a time", len(articles))
    out: list[Article] = []
    failed: list[StageFailure] = []
    for art in articles:
        try:
            out += clean_articles([art], chrome, keep_text=keep_text)
        except Exception as exc:
            failed.append(StageFailure("clean", (art.id,), failure_reason("clean", exc)))
            out.append(dataclasses.replace(art, content=()))
    return out, failed


def clean_batch(
    batch: pa.RecordBatch,
    chrome: Mapping[str, frozenset[int]] | None = None,
    *,
    keep_text: bool = False,
) -> pa.RecordBatch:
    """``RAW_SCHEMA`` -> ``CLEAN_RESULT_SCHEMA``: content spans and metadata filled
    in; an article the cleaner fails on has none, and ``failure`` says why.

    Example:
        >>> out = clean_batch(articles_to_batch([Article("x", "The talks went on.")]))
        >>> out.column("content")[0].as_py(), out.column("failure")[0].as_py()
        ([[0, 18]], None)
    """
    arts, failed = clean_articles_guarded(batch_to_articles(batch), chrome, keep_text=keep_text)
    # (by id: an engine's batch holds each id once)
    why = {f.ids[0]: f.reason for f in failed}
    out = articles_to_batch(arts, CLEAN_SCHEMA)
    failure = pa.array([why.get(a.id) for a in arts] if why else [None] * len(arts), pa.string())
    return pa.RecordBatch.from_arrays([*out.columns, failure], schema=CLEAN_RESULT_SCHEMA)


def cleaned_rows(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``CLEAN_SCHEMA`` -> ``CLEANED_SCHEMA``: each cleaned article with its article text.

    Example:
        >>> a = Article("x", "Menu\\nBody.", content=((5, 10),))
        >>> cleaned_rows(articles_to_batch([a], CLEAN_SCHEMA)).column("article_text")[0].as_py()
        'Body.'
    """
    from copytrace.clean import article_text

    texts = [article_text(a) if a.content else "" for a in batch_to_articles(batch)]
    columns = {name: batch.column(name) for name in batch.schema.names}
    columns["article_text"] = pa.array(texts, pa.large_string())
    return pa.RecordBatch.from_arrays(
        [columns[f.name].cast(f.type) for f in CLEANED_SCHEMA], schema=CLEANED_SCHEMA
    )


# ----------------------------------------------------------------------------- fingerprint


def fingerprint_batch(
    batch: pa.RecordBatch, params: FingerprintParams | None = None
) -> pa.RecordBatch:
    """``CLEAN_SCHEMA`` -> ``FINGERPRINT_SCHEMA``: winnowed fingerprints of each content.

    ``row`` is the article's row in ``batch``; ``pos`` the shingle's first word
    in the article's content. An article cleaning left no content for has no
    fingerprints (as in the local engine).

    Example:
        >>> a = Article("x", "one two three four five six seven", content=((0, 33),))
        >>> fp = fingerprint_batch(articles_to_batch([a], CLEAN_SCHEMA), FingerprintParams(ngram=3))
        >>> fp.column("id")[0].as_py()
        'x'
    """
    arts = batch_to_articles(batch)
    texts = [content_text(a) if a.content else "" for a in arts]
    fp = fingerprint_texts(texts, params or FingerprintParams())
    ids = pa.array([a.id for a in arts], pa.string())
    return pa.RecordBatch.from_arrays(
        [
            pa.array(fp.doc, pa.int32()),
            ids.take(pa.array(fp.doc, pa.int32())),
            pa.array(fp.hash, pa.uint64()),
            pa.array(fp.pos, pa.int32()),
        ],
        schema=FINGERPRINT_SCHEMA,
    )


# ----------------------------------------------------------------------------- align


def align_pair(a: Article, b: Article, params: AlignParams = PRESETS["news"]) -> PairRecord:
    """Align, attribute and measure one candidate pair (cleaned articles).

    The record is oriented so that ``a_id < b_id``; passages are oriented from
    the inferred source to the copy (``a`` -> ``b`` when undecided).

    Example:
        >>> tx = "Officials said the two sides will meet in the autumn to talk peace."
        >>> ty = "The two sides will meet in the autumn to talk peace, TASS said."
        >>> x = Article("x", tx, content=((0, len(tx)),), published="2020-01-01T10:00:00+00:00")
        >>> y = Article("y", ty, content=((0, len(ty)),), published="2020-01-01T12:00:00+00:00")
        >>> r = align_pair(y, x)
        >>> r.a_id, r.source_id, r.passages[0].source_id
        ('x', 'x', 'x')
    """
    from copytrace.compare import compare

    if b.id < a.id:
        a, b = b, a
    result = compare(a, b, params=params)
    d = result.direction
    source_id = a.id if d.source == "a" else b.id if d.source == "b" else None
    flip = d.source == "b"
    passages = tuple(
        sorted(
            (_passage_record(p, a.id, b.id, flip) for p in result.passages),
            key=passage_offsets,
        )
    )
    return PairRecord(
        a_id=a.id,
        b_id=b.id,
        source_id=source_id,
        confidence=round(float(d.confidence), FLOAT_DIGITS),
        coverage_a=round(float(result.coverage_a), FLOAT_DIGITS),
        coverage_b=round(float(result.coverage_b), FLOAT_DIGITS),
        passages=passages,
        evidence=tuple(d.evidence),
    )


@contextlib.contextmanager
def prepared_if_possible(
    pairs: Sequence[tuple[Article, Article]], params: AlignParams
) -> Iterator[None]:
    """:func:`copytrace.align.prepared` for ``pairs``; if preparing them together
    fails, each pair prepares its own (and one that fails is reported by
    :func:`align_pair_guarded`)."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(prepared(pairs, params))
        except Exception:  # (one bad article must not end a corpus run)
            log.warning("preparing %d pairs together failed; one by one", len(pairs))
        yield


def align_pair_guarded(
    a: Article, b: Article, params: AlignParams = PRESETS["news"]
) -> PairRecord | StageFailure:
    """:func:`align_pair`, or the failure (the pair is skipped and reported)."""
    try:
        return align_pair(a, b, params)
    except Exception as exc:  # (MemoryError included: the allocation never happened)
        ids = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        return StageFailure("align", ids, failure_reason("align", exc))


def _passage_record(p: Passage, a_id: str, b_id: str, flip: bool) -> PassageRecord:
    if flip:
        src, tgt, ss, se, ts, te = b_id, a_id, p.b_start, p.b_end, p.a_start, p.a_end
    else:
        src, tgt, ss, se, ts, te = a_id, b_id, p.a_start, p.a_end, p.b_start, p.b_end
    return PassageRecord(
        source_id=src,
        target_id=tgt,
        source_start=ss,
        source_end=se,
        target_start=ts,
        target_end=te,
        kind=p.kind,
        words=int(p.words),
        similarity=round(float(p.similarity), FLOAT_DIGITS),
        attributed=bool(p.attributed),
    )


def align_pairs(
    pairs: Iterable[tuple[Article, Article]], params: AlignParams = PRESETS["news"]
) -> list[PairRecord]:
    """:func:`align_pair` over pairs; pairs with no reused passage are left out, and
    pairs the aligner fails on are logged and left out."""
    records, failed = align_pairs_guarded(pairs, params)
    for f in failed:
        log.error("%s %s: %s", *f.ids, f.reason)
    return records


def align_pairs_guarded(
    pairs: Iterable[tuple[Article, Article]], params: AlignParams = PRESETS["news"]
) -> tuple[list[PairRecord], list[StageFailure]]:
    """The pairs with a reused passage aligned (:func:`align_pair`), and the pairs
    the aligner failed on.

    The articles of each ``ALIGN_BATCH_PAIRS`` pairs are prepared together (see
    :func:`copytrace.align.prepared`).
    """
    out: list[PairRecord] = []
    failed: list[StageFailure] = []
    it = iter(pairs)
    while batch := list(itertools.islice(it, ALIGN_BATCH_PAIRS)):
        with prepared_if_possible(batch, params):
            for a, b in batch:
                rec = align_pair_guarded(a, b, params)
                if isinstance(rec, StageFailure):
                    failed.append(rec)
                elif rec.passages:
                    out.append(rec)
    return out, failed


def align_batch(batch: pa.RecordBatch, preset: str = "news") -> pa.RecordBatch:
    """``PAIR_INPUT_SCHEMA`` (both articles of a pair per row) -> ``PAIR_RESULT_SCHEMA``.

    Pairs with no reused passage give no row; a pair the aligner fails on gives
    one with no passages and ``failure`` saying why.
    """
    left = batch_to_articles(batch, prefix="a_")
    right = batch_to_articles(batch, prefix="b_")
    records, failed = align_pairs_guarded(zip(left, right, strict=True), PRESETS[preset])
    out = pairs_to_batch(records)
    failure = pa.array([None] * len(records), pa.string())
    if failed:
        # (no source, no passages: the row only carries the pair's ids and the reason)
        lost = [PairRecord(f.ids[0], f.ids[1], None, 0.0, 0.0, 0.0, ()) for f in failed]
        out = pa.concat_batches([out, pairs_to_batch(lost)])
        failure = pa.concat_arrays([failure, pa.array([f.reason for f in failed], pa.string())])
    return pa.RecordBatch.from_arrays([*out.columns, failure], schema=PAIR_RESULT_SCHEMA)


def pairs_to_batch(records: Sequence[PairRecord]) -> pa.RecordBatch:
    """Pair records -> a ``PAIR_SCHEMA`` batch (passages nested)."""
    rows = [
        {
            **{k: v for k, v in r.to_dict().items() if k not in ("passages", "words")},
            "passages": [p.to_dict() for p in r.passages],
            "evidence": list(r.evidence),
        }
        for r in records
    ]
    return pa.RecordBatch.from_pylist(rows, schema=PAIR_SCHEMA)


def batch_to_pairs(batch: pa.RecordBatch) -> list[PairRecord]:
    """A ``PAIR_SCHEMA`` batch -> pair records (the inverse of :func:`pairs_to_batch`);
    of a ``PAIR_RESULT_SCHEMA`` one, the pairs aligned (not the failures)."""
    out = []
    for row in batch.to_pylist():
        if row.get("failure") is not None:
            continue
        out.append(
            PairRecord(
                a_id=row["a_id"],
                b_id=row["b_id"],
                source_id=row["source_id"],
                confidence=row["confidence"],
                coverage_a=row["coverage_a"],
                coverage_b=row["coverage_b"],
                passages=tuple(PassageRecord(**p) for p in row["passages"]),
                evidence=tuple(row["evidence"]),
            )
        )
    return out


# ----------------------------------------------------------------------------- cluster


def cluster_pairs(
    pairs: Iterable[PairRecord], published: Mapping[str, str | None] | None = None
) -> list[Cluster]:
    """Reprint clusters over the pairs that share reused text."""
    return build_clusters(
        (Edge(p.a_id, p.b_id, p.source_id) for p in pairs if p.passages), published
    )


# ----------------------------------------------------------------------------- write


# The output orders' keys, built in C (no Python call a row): a pair's place in
# pairs.jsonl, a passage's among one pair's passages (offsets, then kind).
pair_order = operator.attrgetter("a_id", "b_id")
passage_offsets = operator.attrgetter(
    "source_start", "source_end", "target_start", "target_end", "kind"
)


def sort_pairs(pairs: Iterable[PairRecord]) -> list[PairRecord]:
    """Pairs in output order: by ``(a_id, b_id)``."""
    return sorted(pairs, key=pair_order)


def pair_rows(pairs: Iterable[PairRecord]) -> list[dict[str, object]]:
    """``pairs.jsonl`` rows, sorted by ``(a_id, b_id)``."""
    return [p.to_dict() for p in sort_pairs(pairs)]


def passage_rows(pairs: Iterable[PairRecord]) -> list[dict[str, object]]:
    """``passages.jsonl`` rows, sorted by source, target and offsets."""
    recs = [p for pair in pairs for p in pair.passages]
    recs.sort(key=passage_order)
    return [r.to_dict() for r in recs]


def passage_order(r: PassageRecord) -> tuple[str, str, int, int, int, int, str]:
    """A passage's sort key in ``passages.jsonl``: source, target, offsets, kind."""
    return (
        r.source_id,
        r.target_id,
        r.source_start,
        r.source_end,
        r.target_start,
        r.target_end,
        r.kind,
    )
