"""PAN 2013 text alignment: corpus reader, detection writer and the PlagDet scorer.

Only the I/O is PAN's: every pair goes through the same aligner as ``compare``
(``copytrace.align.align``), the suspicious document as article ``a`` and the
source document as ``b``, both uncleaned (``content`` is the whole text), and
the suspicious document named the reuser (``reuser="a"``), as PAN's task
defines it: a summary is only looked for on the suspicious side.

The scorer re-implements the official PAN 2013 measures
(``pan13-text-alignment-perfmeasures.py`` by Martin Potthast, webis.de) line for
line: character-level recall macro-averaged over cases, precision macro-averaged
over detections, granularity over detected cases, ``plagdet = F1 / log2(1 +
granularity)``. See docs/eval-pan.md for the formulas and the script's quirks.

Corpus layout (PAN 2013 training and test corpora)::

    ROOT/pairs                 "suspicious-documentNNNNN.txt source-documentNNNNN.txt" per line
    ROOT/src/*.txt, ROOT/susp/*.txt
    ROOT/<category>/<susp stem>-<src stem>.xml   truth, <feature name="plagiarism" .../>
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import pickle
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from xml.sax.saxutils import quoteattr

from copytrace.errors import InputError, WorkerDiedError
from copytrace.model import Article, Passage

if TYPE_CHECKING:
    from copytrace.align import AlignParams

log = logging.getLogger(__name__)

TRUTH_TAG = "plagiarism"
DETECTION_TAG = "detected-plagiarism"
# Folders of a PAN corpus root that hold documents, not truth.
_DOC_DIRS = frozenset({"src", "susp"})

Aligner = Callable[[Article, Article, Any], Sequence[Passage]]
Progress = Callable[[int, int], None]


class Annotation(NamedTuple):
    """One plagiarism case or detection, as the official PAN script models it.

    ``this_*`` locate the text in the suspicious document, ``source_*`` in the
    source document; offsets and lengths count characters of the UTF-8 text.
    ``is_external`` is False only for an annotation without a source part.
    """

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int
    is_external: bool = True


@dataclass(frozen=True, slots=True)
class PanPair:
    """One suspicious/source document pair of a PAN corpus.

    ``category`` is the name of the folder holding the pair's truth XML
    (``"02-no-obfuscation"``), None when the corpus has no truth for the pair.
    """

    susp: str  # file name, "suspicious-document00001.txt"
    src: str  # file name, "source-document00294.txt"
    susp_path: Path
    src_path: Path
    category: str | None = None
    truth_path: Path | None = None

    @property
    def name(self) -> str:
        """``<susp stem>-<src stem>``: the stem of the pair's truth and detection XML."""
        return f"{Path(self.susp).stem}-{Path(self.src).stem}"


@dataclass(frozen=True, slots=True)
class Scores:
    """PAN measures for one set of cases and detections."""

    recall: float
    precision: float
    granularity: float
    plagdet: float
    cases: int
    detections: int


@dataclass(frozen=True, slots=True)
class PairRun:
    """What the aligner detected in one pair, and the pair's truth cases."""

    pair: PanPair
    detections: tuple[Annotation, ...]
    cases: tuple[Annotation, ...] | None  # None: no truth for this pair


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of ``run``: timing and, when truth exists, the scores.

    ``categories`` maps each truth folder to its scores (detections of that
    folder's pairs only); ``overall`` scores all pairs that have truth together.
    ``no_plagiarism_detections`` counts detections in pairs whose truth lists no
    case (None without truth).
    """

    out_dir: Path
    pairs: int
    seconds: float
    jobs: int
    categories: dict[str, Scores] = field(default_factory=dict)
    overall: Scores | None = None
    no_plagiarism_detections: int | None = None
    no_plagiarism_pairs: int = 0
    runs: tuple[PairRun, ...] = ()

    @property
    def pairs_per_second(self) -> float:
        """Pairs aligned per second of wall time."""
        return self.pairs / self.seconds if self.seconds > 0 else float("inf")


# --------------------------------------------------------------------------- reading


def read_document(path: str | Path) -> str:
    """Read a PAN document as PAN does: UTF-8, newlines kept, so offsets match.

    Example:
        >>> text = read_document("pan13-train/susp/suspicious-document00001.txt")  # doctest: +SKIP

    Raises:
        InputError: missing, unreadable, empty or undecodable file.
    """
    name = str(path)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, expected a document") from None
    except UnicodeDecodeError as exc:
        raise InputError(name, f"not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if not text.strip():
        raise InputError(name, "document is empty")
    return text


def _int_attr(node: ET.Element, key: str, path: str, index: int) -> int:
    raw = node.get(key)
    try:
        value = int(raw) if raw is not None else -1
    except ValueError:
        raise InputError(path, f"feature {index}: {key}={raw!r} is not an integer") from None
    if value < 0:
        raise InputError(path, f"feature {index}: {key} must be a non-negative integer")
    return value


def read_annotations(path: str | Path, tag: str = TRUTH_TAG) -> list[Annotation]:
    """Read the ``<feature name=tag>`` annotations of one PAN XML file.

    Follows the official reader: the suspicious document is the root's
    ``reference``; a feature without ``this_offset``/``this_length`` is skipped; one
    without the three ``source_*`` attributes is a non-external annotation.

    Example:
        >>> read_annotations("corpus/02-no-obfuscation/susp1-src2.xml")  # doctest: +SKIP
        [Annotation(this_reference='susp1.txt', this_offset=1172, this_length=291, ...)]

    Raises:
        InputError: missing file, invalid XML, non-integer or zero-length offsets.
    """
    name = str(path)
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except ET.ParseError as exc:
        raise InputError(name, f"not valid XML: {exc}") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    t_ref = root.get("reference")
    if t_ref is None:
        return []
    out: list[Annotation] = []
    for index, node in enumerate(root, start=1):
        if node.get("name") != tag or node.get("this_offset") is None:
            continue
        if node.get("this_length") is None:
            continue
        t_off = _int_attr(node, "this_offset", name, index)
        t_len = _int_attr(node, "this_length", name, index)
        s_ref, s_off, s_len, ext = "", 0, 0, False
        if all(node.get(k) is not None for k in ("source_reference", "source_offset")) and (
            node.get("source_length") is not None
        ):
            s_ref = node.get("source_reference") or ""
            s_off = _int_attr(node, "source_offset", name, index)
            s_len = _int_attr(node, "source_length", name, index)
            ext = True
        if t_len == 0 or (ext and s_len == 0):
            raise InputError(name, f"feature {index}: zero length (the PAN scorer divides by it)")
        out.append(Annotation(t_ref, t_off, t_len, s_ref, s_off, s_len, ext))
    return out


def _truth_index(root: Path) -> dict[str, tuple[str, Path]]:
    """Map ``<susp stem>-<src stem>`` to (category folder, truth XML path)."""
    index: dict[str, tuple[str, Path]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in _DOC_DIRS):
        for xml_path in folder.glob("*.xml"):
            if xml_path.stem in index:
                log.warning(
                    "%s: truth for %s also in %s; using the first",
                    xml_path,
                    xml_path.stem,
                    index[xml_path.stem][0],
                )
                continue
            index[xml_path.stem] = (folder.name, xml_path)
    return index


def read_corpus(root: str | Path, pairs_file: str | Path | None = None) -> list[PanPair]:
    """List the pairs of a PAN 2013-format corpus, with each pair's truth if any.

    Example:
        >>> pairs = read_corpus("tests/data/pan/mini")  # doctest: +SKIP
        >>> [p.category for p in pairs]  # doctest: +SKIP
        ['01-no-plagiarism', '02-no-obfuscation', '03-random-obfuscation']

    Args:
        root: corpus folder holding ``src/``, ``susp/`` and the category folders.
        pairs_file: the pairs to run, one ``susp src`` per line; default ``root/pairs``.

    Raises:
        InputError: missing root, folder or pairs file; a malformed pairs line;
            a document listed in the pairs file that does not exist.
    """
    base = Path(root)
    if not base.exists():
        raise InputError(str(root), "no such corpus folder")
    if not base.is_dir():
        raise InputError(str(root), "not a folder (expected a PAN corpus with src/ and susp/)")
    for sub in ("src", "susp"):
        if not (base / sub).is_dir():
            raise InputError(str(base / sub), "missing: a PAN corpus needs src/ and susp/")
    pairs_path = Path(pairs_file) if pairs_file is not None else base / "pairs"
    try:
        lines = pairs_path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(str(pairs_path), "no such pairs file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(pairs_path), f"cannot read: {exc}") from None
    truth = _truth_index(base)
    pairs: list[PanPair] = []
    for lineno, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2:
            raise InputError(
                str(pairs_path), f"expected 'suspicious-file source-file', got {line!r}", lineno
            )
        susp, src = fields
        susp_path, src_path = base / "susp" / susp, base / "src" / src
        for doc in (susp_path, src_path):
            if not doc.is_file():
                raise InputError(str(doc), f"no such document (listed in {pairs_path}:{lineno})")
        stem = f"{Path(susp).stem}-{Path(src).stem}"
        category, truth_path = truth.get(stem, (None, None))
        pairs.append(PanPair(susp, src, susp_path, src_path, category, truth_path))
    if not pairs:
        raise InputError(str(pairs_path), "lists no pairs")
    return pairs


# --------------------------------------------------------------------------- writing


def passages_to_annotations(pair: PanPair, passages: Iterable[Passage]) -> list[Annotation]:
    """Turn aligner passages (a = suspicious, b = source) into PAN detections.

    Example:
        >>> p = PanPair("s.txt", "r.txt", Path("s.txt"), Path("r.txt"))
        >>> det = passages_to_annotations(p, [Passage("verbatim", 5, 25, 0, 20, 4, 1.0)])[0]
        >>> det.this_offset, det.this_length, det.source_offset, det.source_length
        (5, 20, 0, 20)
    """
    return [
        Annotation(
            pair.susp, p.a_start, p.a_end - p.a_start, pair.src, p.b_start, p.b_end - p.b_start
        )
        for p in passages
    ]


def detection_xml(susp: str, detections: Iterable[Annotation]) -> str:
    """The PAN detection XML for one pair (``<document>`` with one feature per detection).

    Example:
        >>> xml = detection_xml("s.txt", [Annotation("s.txt", 0, 9, "r.txt", 4, 9)])
        >>> print(xml.splitlines()[0])
        <document reference="s.txt">
    """
    lines = [f"<document reference={quoteattr(susp)}>"]
    for d in detections:
        lines.append(
            f'<feature name="{DETECTION_TAG}" this_offset="{d.this_offset}"'
            f' this_length="{d.this_length}" source_reference={quoteattr(d.source_reference)}'
            f' source_offset="{d.source_offset}" source_length="{d.source_length}"/>'
        )
    lines.append("</document>")
    return "\n".join(lines) + "\n"


def write_detections(out_dir: str | Path, pair: PanPair, detections: Iterable[Annotation]) -> Path:
    """Write ``out_dir/<susp stem>-<src stem>.xml`` for one pair and return its path."""
    path = Path(out_dir) / f"{pair.name}.xml"
    path.write_text(detection_xml(pair.susp, detections), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- scoring
# A faithful port of the official PAN 2013 measures; names follow the script.


def _is_overlapping(ann1: Annotation, ann2: Annotation) -> bool:
    """True iff ann2 overlaps ann1 in the suspicious text (and in the source, if both have one)."""
    detected = (
        ann1.this_reference == ann2.this_reference
        and ann2.this_offset + ann2.this_length > ann1.this_offset
        and ann2.this_offset < ann1.this_offset + ann1.this_length
    )
    if ann1.is_external and ann2.is_external:
        detected = (
            detected
            and ann1.source_reference == ann2.source_reference
            and ann2.source_offset + ann2.source_length > ann1.source_offset
            and ann2.source_offset < ann1.source_offset + ann1.source_length
        )
    return detected


def _covered(length: int, spans: list[tuple[int, int]]) -> int:
    """Characters of ``[0, length)`` covered by the union of ``spans`` (relative offsets)."""
    total, reach = 0, 0
    for start, end in sorted((min(max(0, s), length), min(max(0, e), length)) for s, e in spans):
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def _overlapping_chars(ann1: Annotation, others: Iterable[Annotation]) -> int:
    """Characters of ann1 (suspicious plus source side) covered by the others that overlap it."""
    hits = [a for a in others if _is_overlapping(ann1, a)]
    if not hits:
        return 0
    this = _covered(
        ann1.this_length,
        [
            (a.this_offset - ann1.this_offset, a.this_offset + a.this_length - ann1.this_offset)
            for a in hits
        ],
    )
    source = _covered(
        ann1.source_length,
        [
            (
                a.source_offset - ann1.source_offset,
                a.source_offset + a.source_length - ann1.source_offset,
            )
            for a in hits
        ],
    )
    return this + source


def _case_recall(case: Annotation, detections: Sequence[Annotation]) -> float:
    return _overlapping_chars(case, detections) / (case.this_length + case.source_length)


def _index(annotations: Iterable[Annotation]) -> dict[str, list[Annotation]]:
    index: dict[str, list[Annotation]] = defaultdict(list)
    for ann in annotations:
        index[ann.this_reference].append(ann)
    return index


def _macro_avg_recall(cases: set[Annotation], detections: set[Annotation]) -> float:
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    case_index, det_index = _index(cases), _index(detections)
    total = 0.0
    for tref, doc_cases in case_index.items():
        doc_dets = det_index.get(tref)
        if not doc_dets:  # no detection in this suspicious document: recall 0 each
            continue
        for case in doc_cases:
            total += _case_recall(case, doc_dets)
    return total / len(cases)


def _granularity(cases: set[Annotation], detections: set[Annotation]) -> float:
    if not detections:
        return 1.0
    case_index, det_index = _index(cases), _index(detections)
    per_case: list[int] = []
    for tref, doc_cases in case_index.items():
        doc_dets = det_index.get(tref)
        if not doc_dets:
            continue
        for case in doc_cases:
            per_case.append(sum(_is_overlapping(case, d) for d in doc_dets))
    detected = sum(n > 0 for n in per_case)
    if detected == 0:
        return 1.0
    return sum(per_case) / detected


def plagdet_score(recall: float, precision: float, granularity: float) -> float:
    """``F1 / log2(1 + granularity)``; 0 when recall and precision are both 0.

    Example:
        >>> round(plagdet_score(1.0, 1.0, 2.0), 6)
        0.63093
    """
    if (recall == 0 and precision == 0) or precision < 0 or recall < 0 or granularity < 1:
        return 0.0
    return (2 * recall * precision / (recall + precision)) / math.log2(1 + granularity)


def score(cases: Iterable[Annotation], detections: Iterable[Annotation]) -> Scores:
    """Score detections against truth cases with the official PAN 2013 measures.

    Like the official script, identical annotations count once (it reads them into
    sets), and both lists may span many pairs: an annotation only ever overlaps
    one with the same suspicious and source document.

    Example:
        >>> case = Annotation("s.txt", 0, 100, "r.txt", 0, 100)
        >>> score([case], [Annotation("s.txt", 0, 50, "r.txt", 0, 50)]).recall
        0.5

    Raises:
        ValueError: an annotation with zero or negative length (the official
            script would divide by zero).
    """
    case_set, det_set = set(cases), set(detections)
    for ann in (*case_set, *det_set):
        if ann.this_length <= 0 or (ann.is_external and ann.source_length <= 0):
            raise ValueError(f"annotation with empty extent: {ann}")
    recall = _macro_avg_recall(case_set, det_set)
    precision = _macro_avg_recall(det_set, case_set)
    granularity = _granularity(case_set, det_set)
    return Scores(
        recall=recall,
        precision=precision,
        granularity=granularity,
        plagdet=plagdet_score(recall, precision, granularity),
        cases=len(case_set),
        detections=len(det_set),
    )


def score_runs(runs: Sequence[PairRun]) -> tuple[dict[str, Scores], Scores | None]:
    """Per-category and overall scores of the runs that have truth.

    A category is scored on its own pairs' cases and detections, as when the
    official script is run on one category folder and that folder's detections.

    Example:
        >>> score_runs([])
        ({}, None)
    """
    by_category: dict[str, tuple[list[Annotation], list[Annotation]]] = defaultdict(
        lambda: ([], [])
    )
    all_cases: list[Annotation] = []
    all_dets: list[Annotation] = []
    for r in runs:
        if r.cases is None:
            continue
        cat_cases, cat_dets = by_category[r.pair.category or "(uncategorised)"]
        cat_cases.extend(r.cases)
        cat_dets.extend(r.detections)
        all_cases.extend(r.cases)
        all_dets.extend(r.detections)
    if not by_category:
        return {}, None
    categories = {name: score(c, d) for name, (c, d) in sorted(by_category.items())}
    return categories, score(all_cases, all_dets)


# --------------------------------------------------------------------------- running

_worker_state: dict[str, Any] = {}


def _init_worker(aligner: Aligner, params: Any, out_dir: Path | None) -> None:
    _worker_state.update(aligner=aligner, params=params, out_dir=out_dir)


def _align_one(task: tuple[int, PanPair]) -> tuple[int, PairRun | None, tuple[str, str] | None]:
    """Worker: align one pair, write its XML, read its truth. Errors come back as data."""
    index, pair = task
    try:
        run = align_pair(
            pair, _worker_state["aligner"], _worker_state["params"], _worker_state["out_dir"]
        )
    except InputError as exc:  # InputError does not survive pickling; send its parts
        return (
            index,
            None,
            (exc.file if exc.record is None else f"{exc.file}:{exc.record}", exc.reason),
        )
    return index, run, None


def align_pair(
    pair: PanPair, aligner: Aligner, params: Any, out_dir: str | Path | None = None
) -> PairRun:
    """Align one PAN pair, write its detection XML (if ``out_dir``) and read its truth.

    Example:
        >>> from copytrace.align import PRESETS, align  # doctest: +SKIP
        >>> align_pair(pairs[0], align, PRESETS["pan"], "out").detections  # doctest: +SKIP

    Raises:
        InputError: a document or truth file that cannot be read.
        ValueError: the aligner returned a passage outside the texts or empty.
    """
    susp_text = read_document(pair.susp_path)
    src_text = read_document(pair.src_path)
    a = Article(id=pair.susp, text=susp_text, content=((0, len(susp_text)),))
    b = Article(id=pair.src, text=src_text, content=((0, len(src_text)),))
    passages = aligner(a, b, params)
    for p in passages:
        if not (0 <= p.a_start < p.a_end <= len(susp_text)) or not (
            0 <= p.b_start < p.b_end <= len(src_text)
        ):
            raise ValueError(f"{pair.name}: aligner returned an empty or out-of-range {p}")
    detections = tuple(passages_to_annotations(pair, passages))
    if out_dir is not None:
        write_detections(out_dir, pair, detections)
    cases = (
        tuple(read_annotations(pair.truth_path, TRUTH_TAG)) if pair.truth_path is not None else None
    )
    return PairRun(pair, detections, cases)


def align_suspicious(a: Article, b: Article, params: Any) -> list[Passage]:
    """``copytrace.align.align`` with ``a``, the suspicious document, as the known
    reuser: PAN's task definition says the suspicious document reuses the
    source, so a summary is only looked for on the suspicious side."""
    from copytrace.align import align

    return align(a, b, params, reuser="a")


def pool_context(aligner: Aligner, params: Any) -> BaseContext:
    """How the workers start: from a fork server where the aligner pickles, by
    forking this process only where it does not (a closure, as tests and baselines
    pass).

    Forking a process that runs threads (the CLI's progress display does) may
    deadlock the child on a lock a thread held; Python 3.12 warns of it. The fork
    server is a process of its own, started once with the aligner's modules
    imported, so workers start as fast as forked ones.

    Example:
        >>> pool_context(align_suspicious, None).get_start_method() in ("forkserver", "spawn")
        True
    """
    methods = multiprocessing.get_all_start_methods()
    try:
        pickle.dumps((aligner, params))
    except (pickle.PicklingError, AttributeError, TypeError):
        return multiprocessing.get_context("fork" if "fork" in methods else None)
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    module = getattr(aligner, "__module__", None)
    ctx.set_forkserver_preload(["copytrace.align"] + ([module] if module else []))
    return ctx


def _default_aligner() -> tuple[Aligner, Any]:
    from copytrace.align import PRESETS

    return align_suspicious, PRESETS["pan"]


def document_order(pairs: Sequence[PanPair]) -> list[int]:
    """Indexes of ``pairs`` ordered so that pairs sharing a document follow each
    other: each connected group of pairs, walked depth first from document to
    document. A worker that keeps its last few documents then reads and
    tokenises most documents once.

    Example:
        >>> P = lambda s, r: PanPair(s, r, Path(s), Path(r))
        >>> document_order([P("s1", "r1"), P("s2", "r2"), P("s3", "r1"), P("s2", "r3")])
        [0, 2, 1, 3]
    """
    by_doc: dict[str, list[int]] = defaultdict(list)
    for k, p in enumerate(pairs):
        by_doc["s:" + p.susp].append(k)
        by_doc["r:" + p.src].append(k)
    seen = [False] * len(pairs)
    order: list[int] = []
    for start in range(len(pairs)):
        if seen[start]:
            continue
        stack = [start]
        seen[start] = True
        while stack:
            k = stack.pop()
            order.append(k)
            p = pairs[k]
            for doc in ("r:" + p.src, "s:" + p.susp):
                for j in reversed(by_doc[doc]):
                    if not seen[j]:
                        seen[j] = True
                        stack.append(j)
    return order


def run(
    root: str | Path,
    out_dir: str | Path | None,
    jobs: int | None = None,
    params: AlignParams | None = None,
    *,
    pairs_file: str | Path | None = None,
    progress: Progress | None = None,
    aligner: Aligner | None = None,
) -> Report:
    """Align every pair of a PAN corpus, write detection XMLs and score them.

    Example:
        >>> from copytrace.align import PRESETS  # doctest: +SKIP
        >>> rep = run("pan13-train", "dets", jobs=2, params=PRESETS["pan"])  # doctest: +SKIP
        >>> rep.overall.plagdet  # doctest: +SKIP
        0.9...

    Args:
        root: corpus folder (see ``read_corpus``).
        out_dir: where the ``<susp>-<src>.xml`` detections go (created); None: none written.
        jobs: worker processes, default ``os.cpu_count()``; 1 runs in this process.
        params: aligner settings, default ``copytrace.align.PRESETS["pan"]`` (passed
            as given to a custom ``aligner``).
        pairs_file: the pairs to run instead of ``root/pairs``.
        progress: called as ``progress(done, total)`` after each pair.
        aligner: the alignment function, default :func:`align_suspicious`
            (``copytrace.align.align`` told the suspicious side is the reuser;
            another one serves baselines and tests).

    Raises:
        InputError: missing or unreadable corpus, pairs, document or truth file.
    """
    pairs = read_corpus(root, pairs_file)
    if aligner is None:
        aligner, default_params = _default_aligner()
        params = default_params if params is None else params
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(str(out), f"cannot create output folder: {exc.strerror}") from None
    workers = max(1, min(jobs or os.cpu_count() or 1, len(pairs)))
    total = len(pairs)
    results: list[PairRun | None] = [None] * total
    started = time.perf_counter()
    tasks = [(k, pairs[k]) for k in document_order(pairs)]

    def collect(index: int, got: PairRun | None, error: tuple[str, str] | None, done: int) -> None:
        if error is not None:
            raise InputError(error[0], error[1])
        results[index] = got
        if progress is not None:
            progress(done, total)

    if workers == 1:
        _init_worker(aligner, params, out)
        for done, task in enumerate(tasks, start=1):
            collect(*_align_one(task), done)
    else:
        ctx = pool_context(aligner, params)
        # consecutive pairs share documents (document_order): keep them together
        chunk = max(1, min(32, total // (workers * 8)))
        # (concurrent.futures' pool: a killed worker ends the run with an error, where
        # multiprocessing.Pool waited for its task forever)
        pool = ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=_init_worker, initargs=(aligner, params, out)
        )
        try:
            for done, outcome in enumerate(pool.map(_align_one, tasks, chunksize=chunk), 1):
                collect(*outcome, done)
        except BrokenProcessPool:
            raise WorkerDiedError("PAN evaluation") from None
        finally:  # (an error: the pairs not started yet are dropped, not run)
            pool.shutdown(cancel_futures=True)
    seconds = time.perf_counter() - started
    runs = tuple(r for r in results if r is not None)
    categories, overall = score_runs(runs)
    clean = [r for r in runs if r.cases is not None and not r.cases]
    log.info("aligned %d pairs in %.1f s with %d workers", total, seconds, workers)
    return Report(
        out_dir=out if out is not None else Path(),
        pairs=total,
        seconds=seconds,
        jobs=workers,
        categories=categories,
        overall=overall,
        no_plagiarism_detections=(
            sum(len(r.detections) for r in clean) if overall is not None else None
        ),
        no_plagiarism_pairs=len(clean),
        runs=runs,
    )


def report_dict(report: Report) -> dict[str, object]:
    """A JSON-ready summary of a ``Report`` (no per-pair detail).

    Example:
        >>> report_dict(Report(Path("out"), 0, 1.0, 1))["pairs"]
        0
    """

    def scores(s: Scores) -> dict[str, object]:
        return {
            "recall": s.recall,
            "precision": s.precision,
            "granularity": s.granularity,
            "plagdet": s.plagdet,
            "cases": s.cases,
            "detections": s.detections,
        }

    return {
        "out_dir": str(report.out_dir),
        "pairs": report.pairs,
        "jobs": report.jobs,
        "seconds": report.seconds,
        "pairs_per_second": report.pairs_per_second,
        "categories": {k: scores(v) for k, v in report.categories.items()},
        "overall": scores(report.overall) if report.overall is not None else None,
        "no_plagiarism_pairs": report.no_plagiarism_pairs,
        "no_plagiarism_detections": report.no_plagiarism_detections,
    }


def score_detections(
    pairs: Sequence[PanPair], det_dir: str | Path
) -> tuple[dict[str, Scores], Scores | None]:
    """Score detection XMLs already in ``det_dir`` (one per pair; a missing one = none).

    Example:
        >>> cats, overall = score_detections(read_corpus("corpus"), "dets")  # doctest: +SKIP

    Raises:
        InputError: an unreadable truth or detection XML.
    """
    runs: list[PairRun] = []
    for pair in pairs:
        path = Path(det_dir) / f"{pair.name}.xml"
        dets = tuple(read_annotations(path, DETECTION_TAG)) if path.exists() else ()
        cases = (
            tuple(read_annotations(pair.truth_path, TRUTH_TAG))
            if pair.truth_path is not None
            else None
        )
        runs.append(PairRun(pair, dets, cases))
    return score_runs(runs)


def categories_of(pairs: Sequence[PanPair]) -> Mapping[str, int]:
    """Pairs per category (truth folder), for summaries.

    Example:
        >>> categories_of([])
        {}
    """
    counts: dict[str, int] = defaultdict(int)
    for p in pairs:
        counts[p.category or "(no truth)"] += 1
    return dict(sorted(counts.items()))
