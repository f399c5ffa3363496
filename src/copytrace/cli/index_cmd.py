"""``copytrace index add DB INPUT...`` and ``copytrace query DB FILE``: the incremental index."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.rule import Rule
from rich.table import Table

from copytrace.clean import keep_all
from copytrace.cli import main
from copytrace.cli.compare_cmd import InputFailure
from copytrace.cli.inputs import check_inputs
from copytrace.errors import InputError
from copytrace.index import DEFAULT_BATCH_SIZE, Index, IndexLockedError, Match
from copytrace.ingest import iter_batches, reject_to_dict
from copytrace.ingest.files import looks_like_html
from copytrace.ingest.folder import read_page_file
from copytrace.model import Article, Reject
from copytrace.report.jsonout import pair_to_dict
from copytrace.report.terminal import render_pair
from copytrace.store import atomic_writer, json_line, remove_temporaries


class IndexFailure(click.ClickException):
    """The index cannot be opened (locked, not an index), or an add read no article:
    one line on stderr, exit 1."""

    def show(self, file: object = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _open(db: Path, *, read_only: bool, paraphrase: bool | None = None) -> Index:
    try:
        return Index(db, read_only=read_only, paraphrase=paraphrase)
    except (IndexLockedError, InputError) as exc:
        raise IndexFailure(str(exc)) from None


def _default_rejects(db: Path) -> Path:
    return db.with_name(db.name + ".rejects.jsonl")


@main.group("index")
def index_group() -> None:
    """Build and inspect an incremental index (a DuckDB file) for `copytrace query`."""


@index_group.command("add")
@click.argument("db", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Articles per transaction (bounds memory; a killed run loses at most one batch).",
)
@click.option(
    "--rejects",
    "rejects_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write records that could not be read [default: DB.rejects.jsonl].",
)
@click.option(
    "--compact/--no-compact",
    default=None,
    help="Merge new fingerprints into the sorted run at the end "
    "[default: when more than 4M are pending].",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that clean and fingerprint [default: all cores].",
)
@click.option(
    "--no-clean",
    is_flag=True,
    help="The texts are article text already: keep all of each (HTML is still extracted).",
)
@click.option(
    "--paraphrase",
    is_flag=True,
    help="A new index also keeps stem fingerprints, so queries find reworded reuse "
    "(as `scan --paraphrase`). An index keeps the way it was made: later adds need "
    "not repeat the flag, and it is an error on an index made without it.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log each batch to stderr.")
def index_add_cmd(
    db: Path,
    inputs: tuple[Path, ...],
    batch_size: int,
    rejects_path: Path | None,
    compact: bool | None,
    jobs: int | None,
    no_clean: bool,
    paraphrase: bool,
    verbose: bool,
) -> None:
    """Add the articles in INPUT... to the index DB (created if missing).

    INPUT is anything `copytrace scan` reads: a folder of .txt/.html pages, a
    JSON Lines file (.jsonl, .jsonl.gz), a Parquet file or a WARC file. Each
    article is cleaned and fingerprinted; an id already in the index is
    replaced. Records that cannot be read are skipped, counted and written to
    DB.rejects.jsonl; the run goes on. Each batch is one transaction, so an
    interrupted run keeps every finished batch. Only one process may write an
    index at a time.

    Example:

        copytrace index add news.duckdb wire-2026-11.jsonl.gz crawl/
    """
    console = Console(stderr=True)
    check_inputs(inputs, console)
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    rejects_file = rejects_path or _default_rejects(db)
    counts = {"read": 0, "rejected": 0}
    with _open(db, read_only=False, paraphrase=paraphrase or None) as index:
        remove_temporaries(rejects_file)  # left by a killed add; the index lock is ours
        before = len(index)
        columns = (
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            MofNCompleteColumn(),
            TextColumn("rejected: {task.fields[rejected]}"),
            TimeElapsedColumn(),
        )
        with (
            atomic_writer(rejects_file) as rejects_out,
            Progress(*columns, console=console, transient=False) as bars,
        ):
            task = bars.add_task("indexing articles", total=None, rejected=0)

            def articles() -> Iterator[Article]:
                for batch, rejects in iter_batches(inputs, batch_size):
                    for reject in rejects:
                        rejects_out.write(json_line(reject_to_dict(reject)) + "\n")
                    counts["read"] += len(batch) + len(rejects)
                    counts["rejected"] += len(rejects)
                    bars.update(task, rejected=counts["rejected"])
                    if no_clean:  # (content given: the index does not clean them)
                        batch = [a if a.is_html else keep_all(a) for a in batch]
                    yield from batch

            summary = index.add(
                articles(),
                batch_size=batch_size,
                progress=lambda done: bars.update(task, completed=done),
                compact=compact,
                jobs=jobs or os.cpu_count() or 1,
            )
            bars.update(task, total=summary.articles, completed=summary.articles)
            for failure in summary.failures:
                rejects_out.write(json_line(failure.to_dict()) + "\n")
        stats = index.stats()
    if not counts["rejected"] and not summary.failures:
        rejects_file.unlink(missing_ok=True)
    table = Table(title=f"copytrace index add -> {db}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    rate = summary.articles / summary.seconds if summary.seconds > 0 else 0.0
    for label, value in (
        ("records read", f"{counts['read']:,}"),
        ("rejected", f"{counts['rejected']:,}"),
        ("articles added", f"{summary.articles - summary.replaced:,}"),
        ("articles replaced", f"{summary.replaced:,}"),
        ("without fingerprints (too short)", f"{summary.empty:,}"),
        ("fingerprints written", f"{summary.fingerprints:,}"),
        ("index articles (before -> after)", f"{before:,} -> {stats.articles:,}"),
        ("index file size", f"{stats.file_bytes / 1e6:,.1f} MB"),
        ("compacted", "yes" if summary.compacted else "no"),
        ("time", f"{summary.seconds:,.1f} s ({rate:,.0f} articles/s)"),
    ):
        table.add_row(label, value)
    Console().print(table)
    if counts["rejected"]:
        console.print(f"[yellow]{counts['rejected']:,} record(s) rejected: see {rejects_file}")
    if summary.failures:
        console.print(
            f"[yellow]{len(summary.failures):,} article(s) the cleaner failed on were "
            f"indexed with no content: see {rejects_file}"
        )
    if not summary.articles:
        if counts["rejected"]:
            why = f"{counts['rejected']:,} record(s) rejected (see {rejects_file})"
        else:
            why = "the inputs hold no records"
        raise IndexFailure(f"no article could be read: {why}")


@index_group.command("info")
@click.argument("db", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def index_info_cmd(db: Path, as_json: bool) -> None:
    """Show how many articles and fingerprints the index DB holds.

    Example:

        copytrace index info news.duckdb
    """
    with _open(db, read_only=True) as index:
        stats = index.stats()
    row = {
        "path": str(db),
        "articles": stats.articles,
        "fingerprints": stats.fingerprints,
        "tail_fingerprints": stats.tail_fingerprints,
        "file_bytes": stats.file_bytes,
        "ngram": stats.params.ngram,
        "window": stats.params.window,
        "paraphrase": stats.params.stems,
    }
    if as_json:
        click.echo(json.dumps(row))
        return
    table = Table(title=f"copytrace index {db}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for key, value in row.items():
        table.add_row(key, f"{value:,}" if isinstance(value, int) else str(value))
    Console().print(table)


@index_group.command("compact")
@click.argument("db", type=click.Path(path_type=Path, dir_okay=False))
def index_compact_cmd(db: Path) -> None:
    """Merge recently added fingerprints into the sorted run (faster queries).

    `index add` does this on its own when many are pending; run it after
    several small adds to make queries as fast as possible.

    Example:

        copytrace index compact news.duckdb
    """
    with _open(db, read_only=False) as index:
        index.compact()
        stats = index.stats()
    click.echo(f"{db}: {stats.fingerprints:,} fingerprints, all sorted")


def _read_query(file: str) -> Article:
    if file == "-":
        data = sys.stdin.buffer.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputFailure(f"<stdin>: not valid UTF-8 (byte {exc.start})") from None
        if not text.strip():
            raise InputFailure("<stdin>: no article text")
        return Article(id="stdin", text=text, path="<stdin>", is_html=looks_like_html("-", data))
    path = Path(file)
    if path.is_dir():
        raise InputFailure(f"{file}: is a directory, expected one .txt or .html file")
    if not path.exists():
        raise InputFailure(f"{file}: no such file")
    item = read_page_file(path)
    if isinstance(item, Reject):
        raise InputFailure(f"{item.file}: {item.reason}")
    return item


def _match_to_dict(rank: int, m: Match) -> dict[str, object]:
    row: dict[str, object] = {"id": m.article.id, "rank": rank, "score": m.score}
    row["shared_fingerprints"] = m.shared
    row.update(pair_to_dict(m.result))
    return row


@main.command("query")
@click.argument("db", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("file", type=str)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of the view.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Show at most this many indexed articles.",
)
@click.option(
    "--no-clean",
    is_flag=True,
    help="The texts are article text already: keep all of each (HTML is still extracted).",
)
def query_cmd(db: Path, file: str, as_json: bool, limit: int, no_clean: bool) -> None:
    """Show which articles in the index DB the article in FILE reuses text from.

    FILE is one page (.txt, or .html/.htm, either also gzipped), or - to read it
    from stdin. Prints the indexed articles it shares text with, most reused words first, each
    with its passages side by side, the direction and whether the reuse is
    credited. With --json, prints a list of objects in the `compare --json`
    schema (`a` is FILE, `b` the indexed article) plus `id`, `rank`, `score`
    (reused words) and `shared_fingerprints`. Exit status 0 whether or not
    anything matches.

    Example:

        copytrace query news.duckdb examples/000_3f926fbd34ea6708.txt --limit 5
    """
    article = _read_query(file)
    if no_clean and not article.is_html:
        article = keep_all(article)
    with _open(db, read_only=True) as index:
        matches = index.query(article, limit=limit)
        size = len(index)
    if as_json:
        rows = [_match_to_dict(i + 1, m) for i, m in enumerate(matches)]
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    console = Console()
    if not matches:
        console.print(
            f"No article among the {size:,} in {db} shares text with {file}.", soft_wrap=True
        )
        return
    console.print(
        f"{file} shares text with {len(matches)} of the {size:,} articles in {db}:",
        soft_wrap=True,
    )
    for rank, m in enumerate(matches, 1):
        title = m.article.title or m.article.id
        source = f" ({m.article.source})" if m.article.source else ""
        console.print(Rule())
        console.print(
            f"#{rank}  {m.article.id}: {title}{source}  [{m.score:.0f} reused words]",
            style="bold",
            soft_wrap=True,
            markup=False,
        )
        console.print(render_pair(m.result))
