"""``copytrace index add|info|remove|compact``: the incremental index (``query`` is in
query_cmd)."""

from __future__ import annotations

import json
import logging
import os
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
from rich.table import Table

from copytrace.clean import keep_all
from copytrace.cli import main
from copytrace.cli.inputs import InputArg, check_inputs
from copytrace.errors import InputError
from copytrace.index import DEFAULT_BATCH_SIZE, Index, IndexLockedError
from copytrace.ingest import iter_batches, reject_to_dict
from copytrace.model import Article
from copytrace.store import atomic_writer, json_line, remove_temporaries


class IndexFailure(click.ClickException):
    """The index cannot be opened (locked, not an index), or an add read no article:
    one line on stderr, exit 1."""

    def show(self, file: object = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def open_index(
    db: Path, *, read_only: bool, paraphrase: bool | None = None, memory: bool = False
) -> Index:
    """``Index(db, ...)``; a locked or wrong file is an :class:`IndexFailure`."""
    try:
        return Index(db, read_only=read_only, paraphrase=paraphrase, memory=memory)
    except (IndexLockedError, InputError) as exc:
        raise IndexFailure(str(exc)) from None


def open_existing(db: Path) -> Index:
    """A writable handle on the index ``db``, which must exist (``add`` alone creates one)."""
    if not db.exists():
        raise IndexFailure(f"{db}: no such index file")
    return open_index(db, read_only=False)


def _default_rejects(db: Path) -> Path:
    return db.with_name(db.name + ".rejects.jsonl")


@main.group("index")
def index_group() -> None:
    """Build and inspect an incremental index (a DuckDB file) for `copytrace query`."""


@index_group.command("add")
@click.argument("db", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("inputs", nargs=-1, required=True, type=InputArg())
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
@click.option(
    "--skip-existing",
    is_flag=True,
    help="Leave out articles whose id is in the index already (not cleaned again), "
    "instead of replacing them: run an interrupted add again to go on where it stopped.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log each batch to stderr.")
def index_add_cmd(
    db: Path,
    inputs: tuple[Path | str, ...],
    batch_size: int,
    rejects_path: Path | None,
    compact: bool | None,
    jobs: int | None,
    no_clean: bool,
    paraphrase: bool,
    skip_existing: bool,
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
    with open_index(db, read_only=False, paraphrase=paraphrase or None) as index:
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
                skip_existing=skip_existing,
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
        *([("skipped (id already indexed)", f"{summary.skipped:,}")] if skip_existing else []),
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
    if not summary.articles and not summary.skipped:
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
    with open_index(db, read_only=True) as index:
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
    with open_existing(db) as index:
        index.compact()
        stats = index.stats()
    click.echo(f"{db}: {stats.fingerprints:,} fingerprints, all sorted")


# Unknown ids named one per line on stderr up to this many, then counted.
SHOW_UNKNOWN = 20


def _ids_from(path: Path) -> list[str]:
    """One id per line of ``path`` (``-``: stdin); blank lines skipped."""
    try:
        with click.open_file(str(path), encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--ids-from") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


@index_group.command("remove")
@click.argument("db", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("ids", nargs=-1)
@click.option(
    "--ids-from",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=None,
    help="Also remove the ids in this file, one per line (- for stdin).",
)
def index_remove_cmd(db: Path, ids: tuple[str, ...], ids_from: Path | None) -> None:
    """Remove the articles with these IDs from the index DB.

    A removed article is no longer found by queries. Ids not in the index are
    listed on stderr and skipped (exit status 0: removing twice is harmless).
    All removals are one transaction. The file does not shrink: later adds
    reuse the space.

    Example:

        copytrace index remove news.duckdb retracted-0042 retracted-0043
    """
    wanted = list(ids) + (_ids_from(ids_from) if ids_from is not None else [])
    if not wanted:
        raise click.UsageError("give the ids to remove (ID... or --ids-from FILE)")
    distinct = list(dict.fromkeys(wanted))
    with open_existing(db) as index:
        removed = index.remove(distinct)
        left = len(index)
    gone = set(removed)
    unknown = [i for i in distinct if i not in gone]
    for article_id in unknown[:SHOW_UNKNOWN]:
        click.echo(f"not in the index: {article_id}", err=True)
    if len(unknown) > SHOW_UNKNOWN:
        click.echo(f"... and {len(unknown) - SHOW_UNKNOWN:,} more not in the index", err=True)
    click.echo(
        f"{db}: removed {len(removed):,} of {len(distinct):,} id(s), {left:,} article(s) left"
    )
