"""``scan``: find every reused passage in a corpus, without comparing all pairs.

read -> clean (with chrome learned from the corpus) -> fingerprint ->
candidates -> align -> attribute -> cluster -> write. The stages are the pure
functions of :mod:`copytrace.stages`; an engine (:mod:`copytrace.engines`)
runs them. Outputs (``docs/scan.md``): ``articles.parquet``,
``passages.parquet``, ``passages.jsonl``, ``pairs.jsonl``, ``clusters.jsonl``,
``rejects.jsonl`` and ``report.html``, each written atomically, rows sorted, so
two runs on the same inputs give byte-identical files.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from copytrace.align import PRESETS
from copytrace.candidates import CandidateParams
from copytrace.chrome import ChromeParams
from copytrace.engines import Progress, get_engine
from copytrace.fingerprint import FingerprintParams

log = logging.getLogger(__name__)

# Articles per batch: what one worker cleans and fingerprints at a time, and
# what bounds the reader's memory (~1,000 news articles = a few MB of text).
BATCH_SIZE = 1000
# Pairs in the side-by-side views of report.html (the largest by reused words).
REPORT_PAIRS = 200

OUTPUT_FILES = (
    "articles.parquet",
    "passages.parquet",
    "passages.jsonl",
    "pairs.jsonl",
    "clusters.jsonl",
    "rejects.jsonl",
    "report.html",
)


@dataclass(frozen=True, slots=True)
class SparkOptions:
    """Settings of the Spark engine (``engine="spark"``); the local engine ignores them.

    Attributes:
        master: master URL when the engine starts its own session (default
            ``local[jobs]``); ignored when a session is already active.
        partitions: partitions of the article tables (default: 2 per core).
        shuffle_partitions: ``spark.sql.shuffle.partitions`` for the joins and
            group-bys (default: ``partitions``).
        stages_dir: where each stage is checkpointed as Parquet (any path Spark
            can write; default ``DIR/_stages``).
        resume: skip stages already checkpointed by an earlier run with the
            same inputs and settings.
        driver_memory: ``spark.driver.memory`` of a session the engine starts.
        articles_file: write ``articles.parquet`` through the driver; at 100M
            articles (hundreds of GB of text) leave it off and use the
            distributed ``clean`` checkpoint (same columns, plus ``path``
            and ``is_html``) instead.

    Example:
        >>> SparkOptions(partitions=8).resume
        True
    """

    master: str | None = None
    partitions: int | None = None
    shuffle_partitions: int | None = None
    stages_dir: str | None = None
    resume: bool = True
    driver_memory: str | None = None
    articles_file: bool = True


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Every setting of a scan.

    Attributes:
        same_source: also report reuse between articles of the same source.
        jobs: worker processes (None: all cores; 1: no pool, all in-process).
        preset: aligner preset, ``news`` or ``pan``.
        batch_size: articles per batch.
        fingerprint: fingerprint settings.
        candidates: candidate-join settings (``same_source`` is taken from above).
        chrome: chrome-learning settings.
        keep_text: the inputs' texts are article text already (extracted before):
            all of each is content, as it stands (no page cleaning, no chrome
            pass); HTML pages are still extracted.
        report_pairs: pairs with a side-by-side view in ``report.html``.
        report: write ``report.html``.
        work_dir: where temporary spill files go (default: inside ``out_dir``).
        resume: local engine: a rerun of a killed scan (same inputs and settings)
            goes on after the killed run's last finished stage, and a scan stopped
            by Ctrl-C or a killed worker keeps its spill for that; False: start over.
        spark: settings of the Spark engine.

    Example:
        >>> ScanConfig(jobs=2).effective_jobs()
        2
    """

    same_source: bool = False
    jobs: int | None = None
    preset: str = "news"
    batch_size: int = BATCH_SIZE
    fingerprint: FingerprintParams = field(default_factory=FingerprintParams)
    candidates: CandidateParams = field(default_factory=CandidateParams)
    chrome: ChromeParams = field(default_factory=ChromeParams)
    keep_text: bool = False
    report_pairs: int = REPORT_PAIRS
    report: bool = True
    work_dir: str | None = None
    resume: bool = True
    spark: SparkOptions = field(default_factory=SparkOptions)

    def __post_init__(self) -> None:
        if self.preset not in PRESETS:
            raise ValueError(f"unknown preset {self.preset!r}; choose one of: {', '.join(PRESETS)}")
        if self.jobs is not None and self.jobs < 1:
            raise ValueError(f"jobs must be >= 1, got {self.jobs}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")

    def effective_jobs(self) -> int:
        """Worker processes to use."""
        return self.jobs if self.jobs is not None else max(1, os.cpu_count() or 1)

    def candidate_params(self) -> CandidateParams:
        """Candidate settings with this scan's ``same_source``."""
        return dataclasses.replace(self.candidates, same_source=self.same_source)


@dataclass(slots=True)
class ScanSummary:
    """What a scan read, found and wrote, and how long each stage took."""

    out_dir: str
    articles: int = 0  # accepted
    rejected: int = 0
    text_bytes: int = 0  # UTF-8 bytes of the accepted articles' text
    chrome_sources: int = 0
    chrome_lines: int = 0
    empty_articles: int = 0  # nothing left after cleaning
    # articles the cleaner and pairs the aligner failed on (in rejects.jsonl with
    # their stage; the run went on without them)
    failed: int = 0
    fingerprints: int = 0
    df_limit: int = 0
    candidate_pairs: int = 0
    # ... of which sharing text over the df limit with their hub (candidates.hub_pairs)
    hub_pairs: int = 0
    pairs: int = 0  # candidate pairs with at least one reused passage
    directed_pairs: int = 0
    passages: int = 0
    clusters: int = 0
    clustered_articles: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    # CPU seconds per stage, this process and its workers together.
    stage_cpu_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    jobs: int = 1
    # Spark engine: shuffle bytes (read + write) per stage, and the stages a
    # rerun took from their checkpoints instead of computing them.
    stage_shuffle_bytes: dict[str, int] = field(default_factory=dict)
    resumed_stages: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def read(self) -> int:
        """Records read: accepted plus rejected."""
        return self.articles + self.rejected

    def _hubs(self) -> str:
        return f" ({self.hub_pairs:,} through hubs over the df limit)" if self.hub_pairs else ""

    def rows(self) -> list[tuple[str, str]]:
        """The summary as (label, value) rows for a table."""
        rate = self.articles / self.seconds if self.seconds else 0.0
        mbs = self.text_bytes / 1e6 / self.seconds if self.seconds else 0.0
        return [
            ("records read", f"{self.read:,}"),
            ("articles", f"{self.articles:,}"),
            ("rejected", f"{self.rejected:,}"),
            ("text", f"{self.text_bytes / 1e6:,.1f} MB"),
            ("chrome lines learned", f"{self.chrome_lines:,} ({self.chrome_sources:,} sources)"),
            ("fingerprints", f"{self.fingerprints:,} (df limit {self.df_limit})"),
            ("candidate pairs", f"{self.candidate_pairs:,}" + self._hubs()),
            ("pairs with reuse", f"{self.pairs:,} ({self.directed_pairs:,} with a direction)"),
            ("passages", f"{self.passages:,}"),
            ("clusters", f"{self.clusters:,} ({self.clustered_articles:,} articles)"),
            ("time", f"{self.seconds:,.1f} s ({rate:,.0f} articles/s, {mbs:,.2f} MB/s)"),
            ("peak RSS", f"{self.peak_rss_mb:,.0f} MB"),
        ] + ([("failed (see rejects.jsonl)", f"{self.failed:,}")] if self.failed else [])


def scan(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    same_source: bool = False,
    jobs: int | None = None,
    preset: str = "news",
    engine: str = "local",
    config: ScanConfig | None = None,
    progress: Progress | None = None,
) -> ScanSummary:
    """Scan ``inputs`` for reused text and write the outputs into ``out_dir``.

    Args:
        inputs: files and folders (.txt/.html pages, .jsonl[.gz], .parquet, .warc[.gz]).
        out_dir: output folder (created if missing).
        same_source: also report reuse within one source.
        jobs: worker processes (default: all cores).
        preset: aligner preset, ``news`` or ``pan``.
        engine: ``local`` (default) or another registered engine.
        config: full settings; when given, ``same_source``/``jobs``/``preset``
            are taken from it instead.
        progress: called as ``progress(stage, done, total)`` during long stages.

    Returns:
        A :class:`ScanSummary` (counts, per-stage seconds, output paths).

    Example:
        >>> summary = scan(["corpus.jsonl"], "out", jobs=2)  # doctest: +SKIP
        >>> summary.pairs  # doctest: +SKIP
        42
    """
    if not inputs:
        raise ValueError("scan needs at least one input file or folder")
    cfg = config or ScanConfig(same_source=same_source, jobs=jobs, preset=preset)
    run = get_engine(engine)
    out = Path(out_dir)
    log.info("scan of %d input(s) into %s with the %s engine", len(inputs), out, engine)
    return run(list(inputs), out, cfg, progress)
