"""``copytrace scan INPUT... --out DIR``: every reused passage in a corpus."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from copytrace.align import PRESETS
from copytrace.candidates import MAX_DF, CandidateParams
from copytrace.cli import main
from copytrace.cli.inputs import InputArg, check_inputs
from copytrace.cli.options import spark_options
from copytrace.engines import ENGINES, EngineUnavailable
from copytrace.errors import ScanLockedError, WorkerDiedError
from copytrace.fingerprint import FingerprintParams
from copytrace.scan import ScanConfig, SparkOptions, scan

_STAGE_LABELS = {
    "read": "reading",
    "chrome": "learning site chrome",
    "clean+fingerprint": "cleaning + fingerprinting",
    "candidates": "finding candidate pairs",
    "align": "aligning candidate pairs",
    "write": "writing outputs",
    # the Spark engine's stages (one step each)
    "clean": "cleaning",
    "fingerprint": "fingerprinting",
    "cluster": "clustering reprints",
}


class ScanFailure(click.ClickException):
    """A scan that could not run (its output folder locked by another, a worker
    killed) or read no article: one line on stderr, exit 1."""

    def show(self, file: object = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _RichProgress:
    """Adapts the library's ``progress(stage, done, total)`` calls to rich bars."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        task = self.tasks.get(stage)
        if task is None:
            for other in self.tasks.values():  # a new stage: the earlier ones are done
                t = self.progress.tasks[other]
                if t.total is None:
                    self.progress.update(other, total=t.completed)
            task = self.progress.add_task(_STAGE_LABELS.get(stage, stage), total=total)
            self.tasks[stage] = task
        self.progress.update(task, completed=done, total=total)


@main.command("scan")
@click.argument("inputs", nargs=-1, required=True, type=InputArg())
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the outputs (created if missing).",
)
@click.option("--same-source", is_flag=True, help="Also report reuse within one source.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: all cores].",
)
@click.option(
    "--preset",
    type=click.Choice(sorted(PRESETS)),
    default="news",
    show_default=True,
    help="Aligner settings: news articles, or PAN-style obfuscated excerpts.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=ScanConfig().batch_size,
    show_default=True,
    help="Articles per batch (bounds memory).",
)
@click.option(
    "--no-clean",
    is_flag=True,
    help="The texts are article text already (extracted before): keep all of each, "
    "no page cleaning or site-chrome pass (HTML pages are still extracted).",
)
@click.option(
    "--paraphrase",
    is_flag=True,
    help="Also propose pairs that share reworded passages (runs of content-word stems), "
    "not only copied 5-word runs: finds most paraphrased reuse, for about twice the "
    "alignment work.",
)
@click.option("--no-report", is_flag=True, help="Do not write report.html.")
@click.option(
    "--max-df",
    type=click.IntRange(min=2),
    default=None,
    help="A 5-word fingerprint found in more articles than this pairs each of them with "
    "the earliest only, and only where they share half their text (a reprint, not a "
    f"stock phrase or footer) [default: {MAX_DF}]. Raise it to get every pair of a "
    "heavily syndicated story: N outlets make N*(N-1)/2 pairs.",
)
@click.option(
    "--engine",
    type=click.Choice(sorted(ENGINES)),
    default="local",
    show_default=True,
    help="local: this machine's cores; spark: a Spark session (needs copytrace[spark]).",
)
@spark_options("DIR/_stages")
@click.option(
    "--no-resume",
    is_flag=True,
    help="Start over: do not go on from what a killed run of this scan finished "
    "(its spill, or Spark's checkpoints).",
)
@click.option(
    "--no-articles-file",
    is_flag=True,
    help="Spark: skip articles.parquet (huge corpora: use DIR/_stages/clean instead).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log each stage to stderr.")
def scan_cmd(
    inputs: tuple[Path | str, ...],
    out_dir: Path,
    same_source: bool,
    jobs: int | None,
    preset: str,
    batch_size: int,
    no_clean: bool,
    paraphrase: bool,
    no_report: bool,
    max_df: int | None,
    engine: str,
    spark_master: str | None,
    partitions: int | None,
    shuffle_partitions: int | None,
    stages_dir: str | None,
    no_resume: bool,
    no_articles_file: bool,
    verbose: bool,
) -> None:
    """Find every passage any article in INPUT... reuses from another.

    INPUT is a folder of .txt/.html pages (also gzipped: .html.gz), a JSON
    Lines file (.jsonl, .jsonl.gz: `id` and `text` or `html`, optional
    `title`, `published`, `source`, `url`), a Parquet file with the same
    columns, or a WARC file. Writes
    articles.parquet, passages.parquet, passages.jsonl, pairs.jsonl,
    clusters.jsonl, rejects.jsonl (records that could not be read) and
    report.html into DIR. Reuse within one source is skipped unless
    --same-source. A scan that was killed, stopped with Ctrl-C or lost a worker
    goes on from its last finished stage when run again with the same inputs
    and settings (--no-resume: start over). With --engine spark the same
    stages run on a Spark session (checkpointed under DIR/_stages, so a rerun
    resumes).

    Example:

        copytrace scan crawl/ wire.jsonl.gz --out scan-out --jobs 2
    """
    console = Console(stderr=True)
    check_inputs(inputs, console, urls=engine == "spark")
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = ScanConfig(
        same_source=same_source,
        jobs=jobs,
        preset=preset,
        batch_size=batch_size,
        keep_text=no_clean,
        fingerprint=FingerprintParams(stems=paraphrase),
        report=not no_report,
        resume=not no_resume,
        candidates=(
            CandidateParams(max_df=max_df, min_df_limit=max_df) if max_df else CandidateParams()
        ),
        spark=SparkOptions(
            master=spark_master,
            partitions=partitions,
            shuffle_partitions=shuffle_partitions,
            stages_dir=stages_dir,
            resume=not no_resume,
            articles_file=not no_articles_file,
        ),
    )
    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    if engine == "local":
        from copytrace.engines.local import skip_pandas_check

        skip_pandas_check()  # (this process runs the scan only)
    try:
        with Progress(*columns, console=console, transient=False) as bars:
            summary = scan(
                list(inputs), out_dir, engine=engine, config=config, progress=_RichProgress(bars)
            )
    except (ScanLockedError, WorkerDiedError) as exc:
        raise ScanFailure(str(exc)) from None
    except EngineUnavailable as exc:
        raise click.UsageError(f"--engine {engine}: the {exc}") from None
    table = Table(title=f"copytrace scan -> {out_dir}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for label, value in summary.rows():
        table.add_row(label, value)
    if summary.resumed_stages and engine == "local":
        table.add_row("resumed after", ", ".join(summary.resumed_stages) + " (a killed run's)")
    for stage, seconds in summary.stage_seconds.items():
        detail = f"{summary.stage_cpu_seconds.get(stage, 0.0):,.1f} s CPU"
        if stage in summary.stage_shuffle_bytes:  # the Spark engine
            detail += f", shuffle {summary.stage_shuffle_bytes[stage] / 1e6:,.1f} MB"
        if stage in summary.resumed_stages:
            detail += ", from checkpoint"
        table.add_row(f"  {stage}", f"{seconds:,.1f} s ({detail})")
    Console().print(table)
    if summary.rejected:
        console.print(
            f"[yellow]{summary.rejected:,} record(s) rejected: see {out_dir / 'rejects.jsonl'}"
        )
    if summary.failed:
        console.print(
            f"[yellow]{summary.failed:,} article(s) or pair(s) failed in cleaning or "
            f"alignment and were skipped: see {out_dir / 'rejects.jsonl'}"
        )
    if not summary.articles:  # (the outputs, empty, and the rejects are written)
        raise ScanFailure(nothing_read(summary.rejected, out_dir / "rejects.jsonl"))


def nothing_read(rejected: int, rejects_file: Path) -> str:
    if rejected:
        return f"no article could be read: {rejected:,} record(s) rejected (see {rejects_file})"
    return "no article could be read: the inputs hold no records"
