"""Article-extraction benchmark: word-level scoring, line labels and model fitting.

The benchmark is scrapinghub's article-extraction-benchmark (181 real pages,
``html/<id>.html.gz`` and ``ground-truth.json`` with ``articleBody`` per id).
The text cleaner sees only the page's visible text, rendered from the HTML by
inscriptis (which lays text out like a browser); its kept words are scored
against ``articleBody`` as bags of words (precision, recall, F1; micro over all
words of all pages and macro as the mean of per-page F1).

The same module fits the cleaner's line model (:class:`copytrace.clean.LineModel`):
each rendered line is labelled article text when most of its words occur, in
order, in ``articleBody``; a logistic regression (Newton's method, L2) is fit to
those labels, weighted by the line's words. :func:`cross_validate` fits on k-1
folds and scores the held-out fold, so the reported F1 is never measured on pages
the weights saw.
"""

from __future__ import annotations

import gzip
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from copytrace import clean as cl
from copytrace.errors import InputError
from copytrace.text import tokenize

logger = logging.getLogger(__name__)

__all__ = [
    "CrossValidation",
    "ExtractionReport",
    "FoldResult",
    "MetadataScore",
    "Page",
    "Score",
    "cross_validate",
    "evaluate",
    "fit_cleaner",
    "format_cleaner",
    "line_labels",
    "load_pages",
    "metadata_agreement",
    "render_text",
    "score_pages",
    "word_counts",
]

# Regularisation of the logistic fits (L2 penalty on the weights, not the bias),
# chosen by 5-fold cross-validation on the scrapinghub pages among 0.1, 1, 10.
L2_PENALTY = 1.0
# A line of 4+ words is labelled article text when at least this share of its
# word 4-grams occur in articleBody.
LABEL_MIN_SHINGLE_SHARE = 0.5
_SHINGLE = 4
# Weight of each page's bare article body, added as a chrome-free page (see fit_cleaner).
BARE_WEIGHT = 0.25
# Candidate decision thresholds; the fit keeps the one with the best micro F1 on
# its training pages.
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))
# Candidate half-widths of the band of unsettled scores (see copytrace.clean.decide).
MARGINS = (0.0, 0.1, 0.2, 0.3)


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page: its HTML, the text a browser shows, and the true body."""

    id: str
    html: str
    text: str
    truth: str


@dataclass(frozen=True, slots=True)
class Counts:
    """Bag-of-words overlap of one prediction with its truth."""

    tp: int
    predicted: int
    true: int

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.true if self.true else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Score:
    """Micro (pooled words) and macro (mean per page) precision/recall/F1."""

    pages: int
    precision: float
    recall: float
    f1: float
    macro_precision: float
    macro_recall: float
    macro_f1: float

    def as_dict(self) -> dict[str, float | int]:
        """Plain dict for JSON output."""
        return {
            "pages": self.pages,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "macro_precision": round(self.macro_precision, 4),
            "macro_recall": round(self.macro_recall, 4),
            "macro_f1": round(self.macro_f1, 4),
        }


@dataclass(frozen=True, slots=True)
class FoldResult:
    """One cross-validation fold: its held-out pages' score and chosen threshold."""

    fold: int
    pages: int
    score: Score
    threshold: float
    margin: float


@dataclass(slots=True)
class CrossValidation:
    """Held-out score over all folds (each page scored by the model not fit on it)."""

    folds: list[FoldResult] = field(default_factory=list)
    held_out: Score | None = None
    bare: Score | None = None  # held-out pages' bare article bodies (no chrome at all)
    per_page: dict[str, Counts] = field(default_factory=dict)  # held-out counts by page id

    def f1_spread(self) -> tuple[float, float]:
        """Lowest and highest micro F1 among the folds."""
        f1s = [f.score.f1 for f in self.folds]
        return (min(f1s), max(f1s)) if f1s else (0.0, 0.0)


# --------------------------------------------------------------------------------------
# Loading and rendering
# --------------------------------------------------------------------------------------


def _decode_html(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def render_text(html: str) -> str:
    """The page's visible text as a browser lays it out (inscriptis).

    Example:
        >>> render_text("<p>One</p><p>Two &amp; three</p>").split()
        ['One', 'Two', '&', 'three']
    """
    try:
        from inscriptis import get_text
    except ImportError as exc:  # pragma: no cover - declared in the dev extra
        raise RuntimeError(
            "rendering benchmark pages needs inscriptis: pip install 'copytrace[dev]'"
        ) from exc
    return str(get_text(html))


def load_pages(root: str | Path, ids: Iterable[str] | None = None) -> list[Page]:
    """Read the benchmark in ``root`` (``ground-truth.json``, ``html/<id>.html.gz``).

    Example:
        >>> pages = load_pages("tests/data/clean/scrapinghub")  # doctest: +SKIP

    Raises:
        InputError: missing or malformed truth file, or a missing page.
    """
    root = Path(root)
    truth_path = root / "ground-truth.json"
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(truth_path), "no such file (expected the benchmark root)") from None
    except (OSError, ValueError) as exc:
        raise InputError(str(truth_path), f"cannot read truth: {exc}") from None
    if not isinstance(truth, dict):
        raise InputError(str(truth_path), "expected an object mapping page id to truth")
    wanted = sorted(truth) if ids is None else list(ids)
    pages = []
    for pid in wanted:
        entry = truth.get(pid)
        if not isinstance(entry, dict) or not isinstance(entry.get("articleBody"), str):
            raise InputError(str(truth_path), f"page {pid}: no articleBody")
        path = root / "html" / f"{pid}.html.gz"
        try:
            html = _decode_html(gzip.decompress(path.read_bytes()))
        except FileNotFoundError:
            raise InputError(str(path), "no such file") from None
        except (OSError, EOFError) as exc:
            raise InputError(str(path), f"cannot read gzip: {exc}") from None
        pages.append(Page(pid, html, render_text(html), entry["articleBody"]))
    return pages


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


def word_counts(
    text: str, spans: Sequence[tuple[int, int]] | None = None, is_html: bool = False
) -> Counter[str]:
    """Bag of normalised words (``copytrace.text.tokenize``) of ``text``."""
    return Counter(tokenize(text, spans, is_html=is_html).words)


def overlap(predicted: Counter[str], true: Counter[str]) -> Counts:
    """Bag-of-words overlap counts of a prediction and its truth.

    Example:
        >>> c = overlap(Counter("a b b c".split()), Counter("a b d".split()))
        >>> (c.tp, c.predicted, c.true)
        (2, 4, 3)
    """
    return Counts(sum((predicted & true).values()), sum(predicted.values()), sum(true.values()))


def summarise(counts: Sequence[Counts]) -> Score:
    """Micro and macro scores over pages' counts."""
    tp = sum(c.tp for c in counts)
    pred = sum(c.predicted for c in counts)
    true = sum(c.true for c in counts)
    micro = Counts(tp, pred, true)
    n = max(1, len(counts))
    return Score(
        pages=len(counts),
        precision=micro.precision,
        recall=micro.recall,
        f1=micro.f1,
        macro_precision=sum(c.precision for c in counts) / n,
        macro_recall=sum(c.recall for c in counts) / n,
        macro_f1=sum(c.f1 for c in counts) / n,
    )


def score_pages(
    pages: Sequence[Page], extract: Callable[[Page], Counter[str]]
) -> tuple[Score, list[Counts]]:
    """Score ``extract`` (page -> bag of kept words) on ``pages``."""
    counts = [overlap(extract(p), word_counts(p.truth)) for p in pages]
    return summarise(counts), counts


# --------------------------------------------------------------------------------------
# Labels and fitting
# --------------------------------------------------------------------------------------


def line_labels(text: str, spans: Sequence[tuple[int, int]], truth: str) -> np.ndarray:
    """1.0 for lines of ``text`` that belong to ``truth`` (the article body), else 0.0.

    A line of 4+ words is article text when most of its word 4-grams occur in the
    truth; a shorter one when it is a whole line of the truth, or occurs in the
    truth right next to an article line.

    Example:
        >>> t = "Menu\\nThe cat sat on the mat today.\\nShare"
        >>> line_labels(t, cl.line_spans(t), "The cat sat on the mat today.").tolist()
        [0.0, 1.0, 0.0]
    """
    twords = tokenize(truth).words
    shingles = {tuple(twords[i : i + _SHINGLE]) for i in range(len(twords) - _SHINGLE + 1)}
    truth_lines = {" ".join(tokenize(ln).words) for ln in truth.splitlines()}
    joined = " " + " ".join(twords) + " "
    words = [tokenize(text[s:e]).words for s, e in spans]
    y = np.zeros(len(spans))
    maybe = np.zeros(len(spans), dtype=bool)
    for i, w in enumerate(words):
        if len(w) >= _SHINGLE:
            grams = [tuple(w[j : j + _SHINGLE]) for j in range(len(w) - _SHINGLE + 1)]
            share = sum(g in shingles for g in grams) / len(grams)
            y[i] = share >= LABEL_MIN_SHINGLE_SHARE
        elif w:
            line = " ".join(w)
            if line in truth_lines:
                y[i] = 1.0
            else:
                maybe[i] = f" {line} " in joined
    for j in np.flatnonzero(maybe):
        i = int(j)
        if (i > 0 and y[i - 1]) or (i + 1 < len(y) and y[i + 1]):
            y[i] = 1.0
    return y


def fit_logistic(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2_PENALTY, iterations: int = 50
) -> tuple[np.ndarray, float]:
    """Weighted L2-penalised logistic regression by Newton's method.

    Returns ``(weights, bias)``.

    Example:
        >>> x = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> coef, bias = fit_logistic(x, np.array([0, 0, 1, 1.0]), np.ones(4), l2=0.1)
        >>> bool(coef[0] > 0)
        True
    """
    n, d = x.shape
    a = np.hstack([np.ones((n, 1)), x])
    theta = np.zeros(d + 1)
    penalty = np.full(d + 1, l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ theta, -30, 30)))
        grad = a.T @ (w * (p - y)) + penalty * theta
        hess = (a * (w * p * (1 - p))[:, None]).T @ a + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if float(np.max(np.abs(step))) < 1e-7:
            break
    return theta[1:], float(theta[0])


def sample_weights(x: np.ndarray) -> np.ndarray:
    """Each line counts by its words (capped), as word-level F1 does."""
    nwords = np.expm1(x[:, cl.FEATURES.index("log_words")])
    return np.sqrt(np.clip(nwords, 1.0, 200.0))


@dataclass(slots=True)
class _Prepared:
    page: Page
    spans: list[tuple[int, int]]
    x: np.ndarray
    y: np.ndarray
    words: list[Counter[str]]
    truth: Counter[str]
    hard: np.ndarray
    passed: np.ndarray


def _prepare(page: Page) -> _Prepared:
    spans = cl.line_spans(page.text)
    x = cl.line_features(page.text, spans)
    y = line_labels(page.text, spans, page.truth)
    words = [word_counts(page.text[s:e]) for s, e in spans]
    hard = cl.hard_chrome_mask(page.text, spans)
    passed = cl.passed_mask(page.text, spans)
    return _Prepared(page, spans, x, y, words, word_counts(page.truth), hard, passed)


def _page_counts(prep: _Prepared, keep: np.ndarray) -> Counts:
    bag: Counter[str] = Counter()
    for k, c in zip(keep, prep.words, strict=True):
        if k:
            bag.update(c)
    return overlap(bag, prep.truth)


def _cleaned_counts(prep: _Prepared, cleaner: cl.Cleaner) -> Counts:
    """What ``clean_text`` keeps of the page with ``cleaner`` (its fallback and
    title included), scored against the truth."""
    from copytrace.model import Article

    art = cl.clean_text(Article(id=prep.page.id, text=prep.page.text), cleaner=cleaner)
    return overlap(word_counts(art.text, art.content), prep.truth)


def _bare(page: Page) -> Page:
    """The page's true article body as a page of its own: text without any chrome."""
    return Page(page.id + "#bare", "", page.truth, page.truth)


def fit_cleaner(
    pages: Sequence[Page], l2: float = L2_PENALTY, bare_weight: float = BARE_WEIGHT
) -> cl.Cleaner:
    """Fit the two-stage line model and its threshold on ``pages``.

    Each page's bare article body is added as a page of its own (every line
    article text, weighted by ``bare_weight``), so the model also learns to keep
    a text that has no chrome at all.

    Example:
        >>> cleaner = fit_cleaner(load_pages("/path/to/scrapinghub"))  # doctest: +SKIP
    """
    preps = [_prepare(p) for p in pages]
    bare = [_prepare(_bare(p)) for p in pages] if bare_weight > 0 else []
    return _fit(preps, bare, l2, bare_weight)


def _fit(
    preps: Sequence[_Prepared], bare: Sequence[_Prepared], l2: float, bare_weight: float
) -> cl.Cleaner:
    every = [*preps, *bare]
    x1 = np.vstack([p.x for p in every])
    y = np.concatenate([p.y for p in every])
    w = sample_weights(x1)
    if bare:
        w[sum(len(p.y) for p in preps) :] *= bare_weight
    coef1, bias1 = fit_logistic(x1, y, w, l2)
    stage1 = cl.LineModel(cl.FEATURES, tuple(float(c) for c in coef1), bias1)
    x2s = [cl.stage2_features(p.x, stage1.score(p.x)) for p in every]
    coef2, bias2 = fit_logistic(np.vstack(x2s), y, w, l2)
    stage2 = cl.LineModel(cl.STAGE2_FEATURES, tuple(float(c) for c in coef2), bias2)
    # The threshold is chosen on the real pages only.
    real = [(p, stage2.score(x2)) for p, x2 in zip(preps, x2s, strict=False)]
    best_t, best_m, best_f1 = 0.5, 0.0, -1.0
    for t in THRESHOLDS:
        for m in MARGINS:
            if not 0.0 < t - m < t + m < 1.0 and m:
                continue
            counts = [_page_counts(p, cl.decide(p.x, pr, t, p.hard, m, p.passed)) for p, pr in real]
            f1 = summarise(counts).f1
            if f1 > best_f1:
                best_t, best_m, best_f1 = t, m, f1
    return cl.Cleaner(stage1, stage2, best_t, best_m)


def cross_validate(
    pages: Sequence[Page],
    folds: int = 5,
    seed: int = 0,
    l2: float = L2_PENALTY,
    bare_weight: float = BARE_WEIGHT,
) -> CrossValidation:
    """Fit on ``folds - 1`` folds, score the held-out one, for every fold.

    Each held-out page is scored on what ``clean_text`` keeps with the fold's
    model (its fallback and title line included), as the shipped weights are.

    Example:
        >>> cv = cross_validate(pages, folds=5)  # doctest: +SKIP
        >>> cv.held_out.f1  # doctest: +SKIP
    """
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    preps = [_prepare(p) for p in pages]
    bares = [_prepare(_bare(p)) for p in pages]
    order = list(range(len(preps)))
    random.Random(seed).shuffle(order)
    assign = {i: k % folds for k, i in enumerate(order)}
    result = CrossValidation()
    held: list[Counts] = []
    held_bare: list[Counts] = []
    for f in range(folds):
        train = [p for i, p in enumerate(preps) if assign[i] != f]
        test = [p for i, p in enumerate(preps) if assign[i] == f]
        if not test or not train:
            continue
        train_bare = [p for i, p in enumerate(bares) if assign[i] != f] if bare_weight else []
        cleaner = _fit(train, train_bare, l2, bare_weight)
        counts = [_cleaned_counts(p, cleaner) for p in test]
        held.extend(counts)
        result.per_page.update((p.page.id, c) for p, c in zip(test, counts, strict=True))
        result.folds.append(
            FoldResult(f, len(test), summarise(counts), cleaner.threshold, cleaner.margin)
        )
        for bare in (p for i, p in enumerate(bares) if assign[i] == f):
            held_bare.append(_cleaned_counts(bare, cleaner))
    result.held_out = summarise(held)
    result.bare = summarise(held_bare)
    return result


def format_cleaner(cleaner: cl.Cleaner, note: str) -> str:
    """Python source of ``cleaner`` as the constants block of ``copytrace.clean``.

    ``note`` says what the weights were fit on; paste the output over the block
    between the ``# BEGIN FITTED`` and ``# END FITTED`` markers.
    """
    lines = ["# BEGIN FITTED", f"# {note}"]
    for name, model in (("_STAGE1", cleaner.stage1), ("_STAGE2", cleaner.stage2)):
        lines.append(f"{name}: dict[str, float] = {{")
        lines.append(f'    "bias": {model.bias:.4f},')
        lines.extend(
            f'    "{n}": {w:.4f},' for n, w in zip(model.names, model.weights, strict=True)
        )
        lines.append("}")
    lines.append(f"_MARGIN = {cleaner.margin}")
    lines.append(f"_THRESHOLD = {cleaner.threshold}")
    lines.append("# END FITTED")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Metadata: the text cleaner's title and time stamp against the page's markup
# --------------------------------------------------------------------------------------

# A title agrees with the markup's when their normalised words overlap with at
# least this F1 (bag of words), with the site name cut off the markup title or not.
TITLE_MIN_F1 = 0.8
# "Headline | Site" / "Headline - Site": the site name follows one of these.
_TITLE_SITE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ")


@dataclass(frozen=True, slots=True)
class MetadataScore:
    """How often the text cleaner's title and publication date agree with the markup's.

    scrapinghub's truth has no title or date, so the reference is what the page's
    own markup declares (``og:title``, JSON-LD ``headline``/``datePublished``,
    ``article:published_time`` and the like), read by trafilatura.
    """

    title_pages: int  # pages whose markup gives a title
    title_found: int  # ... where the text cleaner gives one
    title_agree: int  # ... where it agrees (word F1 >= TITLE_MIN_F1)
    date_pages: int  # pages whose markup gives a publication date
    date_found: int
    date_same_day: int
    date_within_day: int  # one day apart at most (time zones, late-night stamps)

    def as_dict(self) -> dict[str, float | int]:
        """Plain dict for JSON output."""

        def share(n: int, d: int) -> float:
            return round(n / d, 4) if d else 0.0

        return {
            "title_pages": self.title_pages,
            "title_found": share(self.title_found, self.title_pages),
            "title_agree": share(self.title_agree, self.title_pages),
            "date_pages": self.date_pages,
            "date_found": share(self.date_found, self.date_pages),
            "date_same_day": share(self.date_same_day, self.date_pages),
            "date_within_day": share(self.date_within_day, self.date_pages),
        }


def markup_title_words(title: str) -> list[str]:
    """Normalised words of a markup title with the site name cut off.

    Example:
        >>> markup_title_words("Sweden drops Assange case - BBC News")
        ['sweden', 'drops', 'assange', 'case']
    """
    parts = [title]
    for sep in _TITLE_SITE_SEPARATORS:
        parts = [q for part in parts for q in part.split(sep)]
    best = max(parts, key=lambda q: len(tokenize(q).words))
    return tokenize(best).words


def titles_agree(ours: str | None, markup: str) -> bool:
    """Whether the cleaner's title says what the markup's title says.

    Example:
        >>> titles_agree("Sweden drops Assange rape case", "Sweden drops Assange rape case | BBC")
        True
        >>> titles_agree("Follow CNN Business", "Investors puzzle over the trade war")
        False
        >>> titles_agree("Patient files – the long march", "Patient files – the long march")
        True
    """
    if not ours:
        return False
    a = Counter(tokenize(ours).words)
    for words in (markup_title_words(markup), tokenize(markup).words):  # cut or whole
        b = Counter(words)
        tp = sum((a & b).values())
        total = sum(a.values()) + sum(b.values())
        if total and 2 * tp / total >= TITLE_MIN_F1:
            return True
    return False


def _day(stamp: str | None) -> date | None:
    if not stamp:
        return None
    try:
        return date.fromisoformat(stamp[:10])
    except ValueError:
        return None


def metadata_agreement(
    pages: Sequence[Page], markup: Sequence[tuple[str | None, str | None]] | None = None
) -> MetadataScore:
    """Score the text cleaner's title and publication date against the pages' markup.

    ``markup`` gives each page's ``(title, published)`` from its HTML; by default
    trafilatura reads them (:func:`copytrace.htmltext.extract_paragraphs`).
    """
    from copytrace.htmltext import extract_paragraphs
    from copytrace.model import Article

    if markup is None:
        markup = [(e.title, e.published) for e in map(extract_paragraphs, (p.html for p in pages))]
    tp = tf = ta = dp = df = dsame = dnear = 0
    for page, (m_title, m_date) in zip(pages, markup, strict=True):
        art = cl.clean_text(Article(id=page.id, text=page.text))
        if m_title:
            tp += 1
            tf += bool(art.title)
            ta += titles_agree(art.title, m_title)
        ref = _day(m_date)
        if ref is not None:
            dp += 1
            ours = _day(art.published)
            df += ours is not None
            if ours is not None:
                dsame += ours == ref
                dnear += abs((ours - ref).days) <= 1
    return MetadataScore(tp, tf, ta, dp, df, dsame, dnear)


# --------------------------------------------------------------------------------------
# The whole benchmark
# --------------------------------------------------------------------------------------

# Lines of at least this many words: the simplest useful baseline.
BASELINE_MIN_WORDS = 10


@dataclass(slots=True)
class ExtractionReport:
    """Every figure ``copytrace eval extraction`` reports, by method name."""

    scores: dict[str, Score] = field(default_factory=dict)
    cv: CrossValidation | None = None
    metadata: MetadataScore | None = None
    folds: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        out: dict[str, object] = {k: v.as_dict() for k, v in self.scores.items()}
        if self.cv is not None and self.cv.held_out is not None:
            lo, hi = self.cv.f1_spread()
            out["cross_validation"] = {
                "folds": self.folds,
                "held_out": self.cv.held_out.as_dict(),
                "fold_f1": [round(f.score.f1, 4) for f in self.cv.folds],
                "fold_f1_min": round(lo, 4),
                "fold_f1_max": round(hi, 4),
                "bare_bodies": self.cv.bare.as_dict() if self.cv.bare else None,
            }
        if self.metadata is not None:
            out["metadata"] = self.metadata.as_dict()
        out["seconds"] = {k: round(v, 1) for k, v in self.seconds.items()}
        return out


def _lines_counter(text: str, min_words: int) -> Counter[str]:
    bag: Counter[str] = Counter()
    for s, e in cl.line_spans(text):
        words = tokenize(text[s:e]).words
        if len(words) >= min_words:
            bag.update(words)
    return bag


def _trafilatura_counter(page: Page) -> Counter[str]:
    import trafilatura

    return word_counts(trafilatura.extract(page.html) or "")


def _html_path_counter(page: Page) -> Counter[str]:
    from copytrace.htmltext import clean_html
    from copytrace.model import Article

    art = clean_html(Article(id=page.id, text=page.html, is_html=True))
    return word_counts(art.text, art.content, is_html=True)


def _text_cleaner_counter(page: Page) -> Counter[str]:
    from copytrace.model import Article

    art = cl.clean_text(Article(id=page.id, text=page.text))
    return word_counts(art.text, art.content)


def evaluate(
    pages: Sequence[Page],
    folds: int = 5,
    seed: int = 0,
    html: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ExtractionReport:
    """Score the baselines, the text cleaner (shipped and cross-validated) and the HTML paths.

    ``html=False`` skips trafilatura, the HTML path and the metadata check
    (which reads the reference title and date from the HTML markup).

    Example:
        >>> report = evaluate(load_pages("/path/to/scrapinghub"))  # doctest: +SKIP
        >>> report.scores["text cleaner (held out)"].f1  # doctest: +SKIP
    """
    report = ExtractionReport(folds=folds)

    def run(name: str, fn: Callable[[Page], Counter[str]]) -> None:
        if progress:
            progress(name)
        t0 = time.perf_counter()
        report.scores[name], _ = score_pages(pages, fn)
        report.seconds[name] = time.perf_counter() - t0

    run("every line", lambda p: _lines_counter(p.text, 1))
    run(
        f"lines of {BASELINE_MIN_WORDS}+ words",
        lambda p: _lines_counter(p.text, BASELINE_MIN_WORDS),
    )
    run("text cleaner (shipped weights)", _text_cleaner_counter)
    if folds >= 2:
        if progress:
            progress(f"text cleaner, {folds}-fold cross-validation")
        t0 = time.perf_counter()
        report.cv = cross_validate(pages, folds, seed)
        report.seconds["cross-validation"] = time.perf_counter() - t0
        if report.cv.held_out is not None:
            report.scores["text cleaner (held out)"] = report.cv.held_out
    if html:
        run("trafilatura on the HTML", _trafilatura_counter)
        run("copytrace HTML path (mapped spans)", _html_path_counter)
        if progress:
            progress("metadata against the markup")
        t0 = time.perf_counter()
        report.metadata = metadata_agreement(pages)
        report.seconds["metadata"] = time.perf_counter() - t0
    return report
