"""``copytrace clean``: show what the cleaner keeps of a page (text or HTML), or clean a
whole corpus into one Parquet or JSON Lines file."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from copytrace.clean import article_text, clean
from copytrace.cli import main
from copytrace.cli.inputs import InputArg, check_inputs
from copytrace.cli.options import spark_options
from copytrace.errors import InputError
from copytrace.ingest import format_of
from copytrace.ingest.fetch import is_web_url, read_page, url_stem
from copytrace.ingest.folder import page_stem, page_suffix
from copytrace.model import Article
from copytrace.scan import ScanConfig, SparkOptions
from copytrace.store import corpus_format


class InputFailure(click.ClickException):
    """A bad input file: one line on stderr naming it, exit 2."""

    exit_code = 2


def _expand(inputs: Sequence[Path | str]) -> Iterator[tuple[Path | str, bool]]:
    """``(path, from_folder)`` for every file to clean, folders expanded (sorted); a
    web page's URL as it is."""
    for path in inputs:
        if isinstance(path, str):
            yield path, False
        elif path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and page_suffix(child.name) is not None:
                    yield child, True
        else:
            yield path, False


def record(article: Article, with_text: bool = True) -> dict[str, object]:
    """The JSON object for one cleaned article (``text`` only when ``with_text``)."""
    out: dict[str, object] = {
        "path": article.path,
        "title": article.title,
        "published": article.published,
        "source": article.source,
        "dateline": article.dateline,
        "content": [[s, e] for s, e in article.content],
    }
    if with_text:
        out["text"] = article_text(article)
    return out


def _show(console: Console, article: Article) -> None:
    meta = [
        f"[bold]{escape(article.title or '(no title found)')}[/bold]",
        f"file       {escape(article.path or article.id)}",
        f"published  {escape(article.published or '-')}",
        f"source     {escape(article.source or '-')}",
        f"dateline   {escape(article.dateline or '-')}",
        f"content    {len(article.content)} spans, "
        f"{sum(e - s for s, e in article.content)} of {len(article.text)} characters",
    ]
    console.print(Panel("\n".join(meta), expand=False))
    console.print(escape(article_text(article)) or "[dim](no article text found)[/dim]")
    console.print()


def _out_name(path: Path | str, used: set[str]) -> str:
    if isinstance(path, str):  # (a fetched page)
        stem = name = url_stem(path)
        suffix = "url"
    else:
        stem = name = page_stem(path.name)
        suffix = page_suffix(path.name) or path.suffix
    if name in used:  # "a.txt" and "a.html" (or "a.html.gz") in one run: keep both
        name = f"{stem}_{suffix.lstrip('.').replace('.', '_')}"
    used.add(name)
    return name


@main.command("clean")
@click.argument("inputs", nargs=-1, required=True, type=InputArg())
@click.option(
    "--out",
    "out_name",
    help="A folder: write <name>.txt (article text) and <name>.json (metadata, content "
    "spans) there for each page. A file ending in .parquet, .jsonl or .jsonl.gz: clean "
    "the whole corpus into it, one row per article.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per line).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that clean a corpus (--out FILE) [default: all cores].",
)
@click.option(
    "--no-resume",
    is_flag=True,
    help="A corpus (--out FILE): start over, not after the batches a killed run cleaned.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="A corpus (--out FILE): local: this machine's cores; spark: a Spark session "
    "writing FILE.parquet as a folder of part files (any path Spark writes).",
)
@spark_options(".FILE.stages beside FILE, removed when the run ends")
def clean_command(
    inputs: tuple[Path | str, ...],
    out_name: str | None,
    as_json: bool,
    jobs: int | None,
    no_resume: bool,
    engine: str,
    spark_master: str | None,
    partitions: int | None,
    shuffle_partitions: int | None,
    stages_dir: str | None,
) -> None:
    """Show what the cleaner keeps of each INPUT page: article text and metadata.

    INPUT is a .txt (page text as copied from a browser) or .html/.htm file (or
    one gzipped: .html.gz), a folder of them, or a web page's http(s):// URL
    (fetched once). A bad file stops a single-file run with exit status 2; in
    a folder or multi-file run it is reported and skipped.

    With --out FILE.parquet (or .jsonl, .jsonl.gz) INPUT is anything `copytrace
    scan` reads (folders, JSON Lines, Parquet, WARC): each source's chrome is
    learned from the corpus, every article is cleaned on all cores, and FILE
    gets one row per article in input order (its fields, `content` spans into
    the original text and `article_text`). Records that cannot be read go to
    FILE.rejects.jsonl; the run goes on. Run again after a kill or Ctrl-C, it
    goes on after the batches already cleaned. With --engine spark the same
    stages run on a Spark session and FILE.parquet is a folder of Parquet part
    files sorted by id (a local folder, hdfs://, s3a://...).

    Example:

        copytrace clean examples/000_3f926fbd34ea6708.txt

        copytrace clean examples/ --out cleaned/

        copytrace clean crawl.warc.gz wire.jsonl.gz --out cleaned.parquet

        copytrace clean crawl/ --out hdfs:///news/cleaned.parquet --engine spark
    """
    out_dir = Path(out_name) if out_name is not None else None
    corpus = out_name is not None and corpus_format(Path(out_name)) is not None
    if engine == "spark":
        if not corpus or corpus_format(Path(out_name or "")) != "parquet":
            raise click.UsageError(
                "--engine spark cleans a corpus into a Parquet dataset: --out NAME.parquet"
            )
        spark = SparkOptions(
            master=spark_master,
            partitions=partitions,
            shuffle_partitions=shuffle_partitions,
            stages_dir=stages_dir,
            resume=not no_resume,
        )
        _clean_corpus(
            inputs, str(out_name), ScanConfig(jobs=jobs, resume=not no_resume, spark=spark)
        )
        return
    if out_dir is not None and corpus:
        _clean_corpus(inputs, out_dir, ScanConfig(jobs=jobs, resume=not no_resume))
        return
    pages: list[Path | str] = []
    for path in inputs:
        if isinstance(path, str):
            if not is_web_url(path):
                raise click.UsageError(
                    f"{path}: a URL is read by the Spark engine: --engine spark --out NAME.parquet"
                )
            pages.append(path)
            continue
        pages.append(path)
        if format_of(path) in ("jsonl", "parquet", "warc"):
            raise click.UsageError(
                f"{path} is a corpus file: clean it into one file with "
                "--out FILE.parquet (or .jsonl, .jsonl.gz)"
            )
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise click.UsageError(
            f"{out_dir} is a file: --out takes a folder, or a .parquet/.jsonl/.jsonl.gz file"
        )
    console = Console()
    errors = Console(stderr=True)
    files = list(_expand(pages))
    single = len(inputs) == 1 and len(files) == 1 and not files[0][1]
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    done = failed = 0
    for path, _ in files:
        try:
            article = clean(read_page(path))
        except InputError as exc:
            if single:
                raise InputFailure(str(exc)) from None
            errors.print(f"[red]skipped[/red] {escape(str(exc))}", highlight=False)
            failed += 1
            continue
        done += 1
        if out_dir is not None:
            name = _out_name(path, used)
            (out_dir / f"{name}.txt").write_text(article_text(article) + "\n", encoding="utf-8")
            meta = json.dumps(record(article, with_text=False), ensure_ascii=False)
            (out_dir / f"{name}.json").write_text(meta + "\n", encoding="utf-8")
        elif as_json:
            click.echo(json.dumps(record(article), ensure_ascii=False))
        else:
            _show(console, article)
    if out_dir is not None:
        errors.print(f"cleaned {done} file(s) into {escape(str(out_dir))}", highlight=False)
    if not done:
        if not files:
            raise InputFailure(
                "no .txt/.html/.htm files (plain or .gz) in " + ", ".join(map(str, inputs))
            )
        raise InputFailure(f"none of the {failed} input file(s) could be read")


def _clean_corpus(inputs: tuple[Path | str, ...], out: Path | str, config: ScanConfig) -> None:
    """``clean --out FILE``: the whole corpus into one file (engines/cleaning.py), or
    into a Parquet dataset on Spark (``out`` a string: a URL stays one)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from copytrace.cli.scan_cmd import ScanFailure, _RichProgress, nothing_read
    from copytrace.engines import CLEANERS, EngineUnavailable, load
    from copytrace.errors import ScanLockedError, WorkerDiedError

    console = Console(stderr=True)
    check_inputs(inputs, console, urls=isinstance(out, str))
    if isinstance(out, Path):
        from copytrace.engines.local import skip_pandas_check

        skip_pandas_check()  # (this process runs the clean only)
    try:
        cleaner = load(CLEANERS["local" if isinstance(out, Path) else "spark"])
    except EngineUnavailable as exc:
        raise click.UsageError(f"--engine spark: the {exc}") from None
    run = functools.partial(cleaner, list(inputs), out, config)
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=False) as bars:
            summary = run(progress=_RichProgress(bars))
    except (ScanLockedError, WorkerDiedError) as exc:
        raise ScanFailure(str(exc)) from None
    rate = summary.articles / summary.seconds if summary.seconds else 0.0
    resumed_local = isinstance(out, Path) and bool(summary.resumed_stages)
    table = Table(title=f"copytrace clean -> {out}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for label, value in (
        ("records read", f"{summary.read:,}"),
        ("articles", f"{summary.articles:,}"),
        ("rejected", f"{summary.rejected:,}"),
        ("with no article text left", f"{summary.empty_articles:,}"),
        ("text", f"{summary.text_bytes / 1e6:,.1f} MB"),
        ("chrome lines learned", f"{summary.chrome_lines:,} ({summary.chrome_sources:,} sources)"),
        ("time", f"{summary.seconds:,.1f} s ({rate:,.0f} articles/s)"),
        ("peak RSS", f"{summary.peak_rss_mb:,.0f} MB"),
        *([("resumed after", "read (a killed run's)")] if resumed_local else []),
    ):
        table.add_row(label, value)
    for stage, seconds in summary.stage_seconds.items():
        detail = f"{summary.stage_cpu_seconds.get(stage, 0.0):,.1f} s CPU"
        if stage in summary.resumed_stages and not resumed_local:  # (Spark's checkpoints)
            detail += ", from checkpoint"
        table.add_row(f"  {stage}", f"{seconds:,.1f} s ({detail})")
    Console().print(table)
    rejects = summary.outputs.get("rejects")
    if summary.rejected and rejects:
        console.print(f"[yellow]{summary.rejected:,} record(s) rejected: see {rejects}")
    if summary.failed and rejects:
        console.print(
            f"[yellow]{summary.failed:,} article(s) the cleaner failed on were written "
            f"with no content: see {rejects}"
        )
    if not summary.articles:
        raise ScanFailure(nothing_read(summary.rejected, Path(rejects or out)))
