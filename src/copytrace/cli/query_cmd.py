"""``copytrace query DB [INPUT...] [--id ID...]``: what indexed articles a text reuses.

One query (a page file, ``-`` or one ``--id``) prints the view or one JSON list;
many (a corpus file or folder, several INPUTs or ids) print one JSON line each.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import logging
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.rule import Rule

from copytrace.clean import keep_all
from copytrace.cli import main
from copytrace.cli.compare_cmd import InputFailure
from copytrace.cli.index_cmd import IndexFailure, open_index
from copytrace.cli.inputs import check_inputs
from copytrace.errors import InputError
from copytrace.index import Index, Match
from copytrace.ingest import format_of, read_inputs, reject_to_dict
from copytrace.ingest.fetch import fetch_page, is_web_url
from copytrace.ingest.files import looks_like_html
from copytrace.ingest.folder import read_page_file
from copytrace.model import Article, Reject
from copytrace.report.jsonout import pair_to_dict
from copytrace.report.terminal import render_pair
from copytrace.store import atomic_writer, json_line, remove_temporaries

# What a reject from --id names as its file.
ID_OPTION = "--id"
# Many queries with --jobs: articles per task (a query is ~10-20 ms: a task of
# 32 makes the pipe's cost small), and tasks in flight per process.
CHUNK = 32
IN_FLIGHT = 2

# One answer: the query's JSON line, or why it failed.
_Answer = tuple[str, str]


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
    if is_web_url(file):
        try:
            return fetch_page(file)
        except InputError as exc:
            raise InputFailure(str(exc)) from None
    path = Path(file)
    if path.is_dir():
        raise InputFailure(f"{file}: is a directory, expected one .txt or .html file")
    if not path.exists():
        raise InputFailure(f"{file}: no such file")
    item = read_page_file(path)
    if isinstance(item, Reject):
        raise InputFailure(f"{item.file}: {item.reason}")
    return item


def _failed(exc: BaseException) -> str:
    """One line: the query failed, and the exception's first line."""
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"query failed: {type(exc).__name__}" + (f": {first}" if first else "")


def _match_to_dict(rank: int, m: Match) -> dict[str, object]:
    row: dict[str, object] = {"id": m.article.id, "rank": rank, "score": m.score}
    row["shared_fingerprints"] = m.shared
    row.update(pair_to_dict(m.result))
    return row


def _one_query(inputs: tuple[str, ...], ids: tuple[str, ...]) -> bool:
    """Whether the command asks one query: one page file, ``-`` or one id (a
    corpus file or folder is many queries, however many records it holds)."""
    if len(inputs) + len(ids) != 1:
        return False
    if ids:
        return True
    (file,) = inputs
    if file == "-" or is_web_url(file):
        return True
    return format_of(file) == "page" and not Path(file).is_dir()


@dataclass(frozen=True)
class _Settings:
    """What each query of one run asks (the keyword arguments of ``Index.query``)."""

    limit: int
    same_source: bool
    sources_only: bool

    def asdict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@main.command("query")
@click.argument("db", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("inputs", nargs=-1, type=str)
@click.option(
    "--id",
    "ids",
    multiple=True,
    metavar="ID",
    help="Ask about the indexed article with this id (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of the view (one query).")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Show at most this many indexed articles per query.",
)
@click.option(
    "--no-clean",
    is_flag=True,
    help="The texts are article text already: keep all of each (HTML is still extracted).",
)
@click.option(
    "--same-source",
    is_flag=True,
    help="Also match indexed articles of the query's own source (left out by "
    "default, as `scan` does: two pages of one site share its chrome).",
)
@click.option(
    "--sources-only",
    is_flag=True,
    help="Leave out indexed articles found to copy the query: only what it may have "
    "copied from (undecided pairs included).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Many queries: processes that answer them (default: all cores).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Many queries: write the JSON lines to this file instead of stdout.",
)
@click.option(
    "--rejects",
    "rejects_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Many queries: write the records that could not be read or queried here "
    "(default: OUT.rejects.jsonl with --out, else one line each on stderr).",
)
def query_cmd(
    db: Path,
    inputs: tuple[str, ...],
    ids: tuple[str, ...],
    as_json: bool,
    limit: int,
    no_clean: bool,
    same_source: bool,
    sources_only: bool,
    jobs: int | None,
    out_path: Path | None,
    rejects_path: Path | None,
) -> None:
    """Show which articles in the index DB the given articles reuse text from.

    INPUT is one page (.txt, or .html/.htm, either also gzipped), a web page's
    http(s):// URL (fetched once), or - to read it from stdin; --id ID asks
    about an article already in the index. One query
    prints the indexed articles it shares text with, most reused words first,
    each with its passages side by side, the direction and whether the reuse is
    credited; with --json, a list of objects in the `compare --json` schema (`a`
    is the query, `b` the indexed article) plus `id`, `rank`, `score` (reused
    words) and `shared_fingerprints`. An indexed article with the query's id is
    never its own match, nor are those of the query's source unless
    --same-source. Exit status 0 whether or not anything matches.

    Many queries (INPUT a folder, JSON Lines, Parquet or WARC file as `scan`
    reads; several INPUTs; several --id) print one JSON line per query, in input
    order: {"query": id, "matches": [...]} with the list above, to stdout or
    --out FILE. Records that cannot be read, and unknown ids, are skipped and
    reported; the run goes on.

    Examples:

        copytrace query news.duckdb examples/000_3f926fbd34ea6708.txt --limit 5

        copytrace query news.duckdb --id 004_3080a4ee7dd42127

        copytrace query news.duckdb today.jsonl.gz --out today-matches.jsonl
    """
    if not inputs and not ids:
        raise click.UsageError("give an INPUT to look up, or --id ID")
    settings = _Settings(limit, same_source, sources_only)
    if _one_query(inputs, ids):
        if out_path is not None or rejects_path is not None or jobs is not None:
            raise click.UsageError("--out, --rejects and --jobs are for many queries")
        _query_one(db, (*inputs, *ids)[0], bool(ids), as_json, no_clean, settings)
        return
    if "-" in inputs:
        raise click.UsageError("- (stdin) is one query: give it alone")
    for given in inputs:
        if is_web_url(given):
            raise click.UsageError(f"{given}: a web page's URL is one query: give it alone")
    console = Console(stderr=True)
    check_inputs(tuple(Path(i) for i in inputs), console)
    jobs = jobs or os.cpu_count() or 1
    _query_many(db, inputs, ids, no_clean, settings, jobs, out_path, rejects_path, console)


def _query_one(
    db: Path, label: str, by_id: bool, as_json: bool, no_clean: bool, settings: _Settings
) -> None:
    """One query: ``label`` is the page file (or ``-``), or the indexed id."""
    if by_id:
        with open_index(db, read_only=True) as index:
            article = index.get(label)
            if article is None:
                raise InputFailure(f"{label}: no article with this id in {db}")
            matches = index.query(article, **settings.asdict())
            size = len(index)
    else:
        article = _read_query(label)
        if no_clean and not article.is_html:
            article = keep_all(article)
        with open_index(db, read_only=True) as index:
            matches = index.query(article, **settings.asdict())
            size = len(index)
    if as_json:
        rows = [_match_to_dict(i + 1, m) for i, m in enumerate(matches)]
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    console = Console()
    if not matches:
        console.print(
            f"No article among the {size:,} in {db} shares text with {label}.", soft_wrap=True
        )
        return
    console.print(
        f"{label} shares text with {len(matches)} of the {size:,} articles in {db}:",
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


def _queries(
    index: Index, db: Path, inputs: tuple[str, ...], ids: tuple[str, ...], no_clean: bool
) -> Iterator[Article | Reject]:
    """The ids' indexed articles, then the INPUTs' records, in order."""
    for article_id in ids:
        found = index.get(article_id)
        yield found or Reject(ID_OPTION, None, f"no article with id {article_id!r} in {db}")
    if inputs:
        for item in read_inputs(inputs):
            if no_clean and isinstance(item, Article) and not item.is_html:
                item = keep_all(item)
            yield item


def _query_many(
    db: Path,
    inputs: tuple[str, ...],
    ids: tuple[str, ...],
    no_clean: bool,
    settings: _Settings,
    jobs: int,
    out_path: Path | None,
    rejects_path: Path | None,
    console: Console,
) -> None:
    if rejects_path is None and out_path is not None:
        rejects_path = out_path.with_name(out_path.name + ".rejects.jsonl")
    counts = {"queries": 0, "matched": 0, "rejected": 0}
    started = time.perf_counter()
    # (many queries: the fingerprints in memory pay for their loading; with
    # worker processes each holds them, and this one only reads --id articles)
    with contextlib.ExitStack() as stack:
        index = stack.enter_context(open_index(db, read_only=True, memory=jobs == 1))
        out: IO[str] = stack.enter_context(atomic_writer(out_path)) if out_path else sys.stdout
        rejects_out: IO[str] | None = None
        if rejects_path is not None:
            remove_temporaries(rejects_path)
            rejects_out = stack.enter_context(atomic_writer(rejects_path))
        bars = stack.enter_context(
            Progress(
                SpinnerColumn(),
                TextColumn("querying"),
                MofNCompleteColumn(),
                TextColumn("with matches: {task.fields[matched]}"),
                TextColumn("rejected: {task.fields[rejected]}"),
                console=console,
                transient=True,
            )
        )
        task = bars.add_task("querying", total=None, matched=0, rejected=0)
        queries = _queries(index, db, inputs, ids, no_clean)
        answered: Iterator[tuple[Article | Reject, _Answer]]
        if jobs == 1:
            answered = ((q, _answer(index, q, settings)) for q in queries)
        else:
            answered = _answered_by_workers(queries, db, settings, jobs, stack)
        for item, answer in answered:
            if isinstance(item, Article) and answer[0] == "failed":
                item = Reject(item.path or item.id, None, answer[1])
            if isinstance(item, Reject):
                counts["rejected"] += 1
                if rejects_out is not None:
                    rejects_out.write(json_line(reject_to_dict(item)) + "\n")
                else:
                    where = item.file if item.record is None else f"{item.file}:{item.record}"
                    console.print(f"skipped: {where}: {item.reason}", markup=False, soft_wrap=True)
            else:
                counts["queries"] += 1
                counts["matched"] += answer[0] == "matched"
                out.write(answer[1] + "\n")
            bars.update(task, advance=1, matched=counts["matched"], rejected=counts["rejected"])
    if rejects_path is not None and not counts["rejected"]:
        rejects_path.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    summary = (
        f"{counts['queries']:,} queries, {counts['matched']:,} with matches, "
        f"{counts['rejected']:,} rejected, {seconds:,.1f} s"
    )
    if counts["rejected"] and rejects_path is not None:
        summary += f" (see {rejects_path})"
    console.print(summary, markup=False, soft_wrap=True)
    if not counts["queries"]:
        why = f"{counts['rejected']:,} rejected" if counts["rejected"] else "nothing to read"
        raise IndexFailure(f"no query could be made: {why}")


# A worker process's read-only index handle.
_WORKER: list[Index] = []


def _answer(index: Index, item: Article | Reject, settings: _Settings) -> _Answer:
    """``("matched" | "none", json line)`` for an article, ``("failed", why)`` if
    the query fails; a reject is passed through (``("reject", "")``)."""
    if isinstance(item, Reject):
        return "reject", ""
    try:
        matches = index.query(item, **settings.asdict())
        rows = [_match_to_dict(i + 1, m) for i, m in enumerate(matches)]
        line = json_line({"query": item.id, "matches": rows})
    except Exception as exc:  # (one bad article must not end the run)
        return "failed", _failed(exc)
    return ("matched" if matches else "none"), line


def _open_worker(db: str) -> None:
    logging.getLogger("copytrace").setLevel(logging.WARNING)
    _WORKER[:] = [Index(db, read_only=True, memory=True)]


def _answer_chunk(chunk: list[Article | Reject], settings: _Settings) -> list[_Answer]:
    return [_answer(_WORKER[0], item, settings) for item in chunk]


def _answered_by_workers(
    queries: Iterable[Article | Reject],
    db: Path,
    settings: _Settings,
    jobs: int,
    stack: contextlib.ExitStack,
) -> Iterator[tuple[Article | Reject, _Answer]]:
    """``(query, answer)`` in input order, answered by ``jobs`` processes, with a
    bounded number of chunks in flight (a corpus is never all in memory)."""
    pool = stack.enter_context(
        ProcessPoolExecutor(
            jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_open_worker,
            initargs=(str(db),),
        )
    )
    pending: deque[tuple[list[Article | Reject], Future[list[_Answer]]]] = deque()
    it = iter(queries)
    while chunk := list(itertools.islice(it, CHUNK)):
        pending.append((chunk, pool.submit(_answer_chunk, chunk, settings)))
        while len(pending) >= jobs * IN_FLIGHT:
            done, future = pending.popleft()
            yield from zip(done, future.result(), strict=True)
    while pending:
        done, future = pending.popleft()
        yield from zip(done, future.result(), strict=True)
