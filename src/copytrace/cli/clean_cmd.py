"""``copytrace clean``: show what the cleaner keeps of a page (text or HTML)."""

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
from copytrace.ingest.files import read_article_file
from copytrace.ingest.folder import page_stem, page_suffix
from copytrace.model import Article


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
    type=click.Path(path_type=Path, file_okay=False),
    help="Write <name>.txt (article text) and <name>.json (metadata, content spans) here.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per line).")
def clean_command(inputs: tuple[Path, ...], out_dir: Path | None, as_json: bool) -> None:
    """Show what the cleaner keeps of each INPUT page: article text and metadata.

    INPUT is a .txt (page text as copied from a browser) or .html/.htm file (or
    one gzipped: .html.gz), or a folder of them. A bad file stops a single-file
    run with exit status 2; in a folder or multi-file run it is reported and
    skipped.

    Example:

        copytrace clean examples/000_3f926fbd34ea6708.txt

        copytrace clean examples/ --out cleaned/
    """
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
