"""``copytrace clean``: show what the cleaner keeps of a page (text or HTML), or clean a
whole corpus into one Parquet or JSON Lines file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from copytrace.clean import article_text, clean
from copytrace.cli import main
from copytrace.errors import InputError
from copytrace.ingest import format_of
from copytrace.ingest.files import read_article_file
from copytrace.ingest.folder import page_stem, page_suffix
from copytrace.model import Article
from copytrace.store import corpus_format


class InputFailure(click.ClickException):
    """A bad input file: one line on stderr naming it, exit 2."""

    exit_code = 2


def _expand(inputs: tuple[Path, ...]) -> Iterator[tuple[Path, bool]]:
    """``(path, from_folder)`` for every file to clean, folders expanded (sorted)."""
    for path in inputs:
        if path.is_dir():
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


def _out_name(path: Path, used: set[str]) -> str:
    stem = name = page_stem(path.name)
    if name in used:  # "a.txt" and "a.html" (or "a.html.gz") in one run: keep both
        suffix = page_suffix(path.name) or path.suffix
        name = f"{stem}_{suffix.lstrip('.').replace('.', '_')}"
    used.add(name)
    return name


@main.command("clean")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
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
def clean_command(
    inputs: tuple[Path, ...],
    out_dir: Path | None,
    as_json: bool,
    jobs: int | None,
    no_resume: bool,
) -> None:
    """Show what the cleaner keeps of each INPUT page: article text and metadata.

    INPUT is a .txt (page text as copied from a browser) or .html/.htm file (or
    one gzipped: .html.gz), or a folder of them. A bad file stops a single-file
    run with exit status 2; in a folder or multi-file run it is reported and
    skipped.

    With --out FILE.parquet (or .jsonl, .jsonl.gz) INPUT is anything `copytrace
    scan` reads (folders, JSON Lines, Parquet, WARC): each source's chrome is
    learned from the corpus, every article is cleaned on all cores, and FILE
    gets one row per article in input order (its fields, `content` spans into
    the original text and `article_text`). Records that cannot be read go to
    FILE.rejects.jsonl; the run goes on. Run again after a kill or Ctrl-C, it
    goes on after the batches already cleaned.

    Example:

        copytrace clean examples/000_3f926fbd34ea6708.txt

        copytrace clean examples/ --out cleaned/

        copytrace clean crawl.warc.gz wire.jsonl.gz --out cleaned.parquet
    """
    if out_dir is not None and corpus_format(out_dir) is not None:
        _clean_corpus(inputs, out_dir, jobs, not no_resume)
        return
    for path in inputs:
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
    files = list(_expand(inputs))
    single = len(inputs) == 1 and len(files) == 1 and not files[0][1]
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    done = failed = 0
    for path, _ in files:
        try:
            article = clean(read_article_file(path))
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


def _clean_corpus(inputs: tuple[Path, ...], out: Path, jobs: int | None, resume: bool) -> None:
    """``clean --out FILE``: the whole corpus into one file (engines/cleaning.py)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from copytrace.cli.inputs import check_inputs
    from copytrace.cli.scan_cmd import ScanFailure, _RichProgress, nothing_read
    from copytrace.engines.cleaning import clean_corpus
    from copytrace.engines.local import skip_pandas_check
    from copytrace.errors import ScanLockedError, WorkerDiedError
    from copytrace.scan import ScanConfig

    console = Console(stderr=True)
    check_inputs(inputs, console)
    skip_pandas_check()  # (this process runs the clean only)
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=False) as bars:
            summary = clean_corpus(
                list(inputs),
                out,
                ScanConfig(jobs=jobs, resume=resume),
                progress=_RichProgress(bars),
            )
    except (ScanLockedError, WorkerDiedError) as exc:
        raise ScanFailure(str(exc)) from None
    rate = summary.articles / summary.seconds if summary.seconds else 0.0
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
        *([("resumed after", "read (a killed run's)")] if summary.resumed_stages else []),
    ):
        table.add_row(label, value)
    for stage, seconds in summary.stage_seconds.items():
        cpu = summary.stage_cpu_seconds.get(stage, 0.0)
        table.add_row(f"  {stage}", f"{seconds:,.1f} s ({cpu:,.1f} s CPU)")
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
