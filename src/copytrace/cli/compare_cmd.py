"""``copytrace compare A B``: what one article reuses from another."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click
from rich.console import Console

from copytrace.align import PRESETS
from copytrace.cli import main
from copytrace.compare import compare
from copytrace.errors import InputError
from copytrace.ingest.fetch import is_web_url, read_page, save_page
from copytrace.model import Article
from copytrace.report.jsonout import pair_to_dict
from copytrace.report.terminal import render_pair


class InputFailure(click.ClickException):
    """A file that cannot be read: one line on stderr, exit 2."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


@main.command("compare")
@click.argument("file_a")
@click.argument("file_b")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the view.")
@click.option(
    "--preset",
    type=click.Choice(sorted(PRESETS)),
    default="news",
    show_default=True,
    help="Aligner settings: news articles, or PAN-style obfuscated excerpts.",
)
@click.option(
    "--save",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Write each page fetched by its URL into this folder (the offsets are into "
    "its text; the live page may change).",
)
def compare_cmd(file_a: str, file_b: str, as_json: bool, preset: str, save: Path | None) -> None:
    """Show the passages FILE_B reuses from FILE_A (or the other way round).

    Each file is plain page text or HTML (.html/.htm), either also gzipped
    (.gz), or a web page's http(s):// URL (fetched once, as a crawler would: no
    script runs). Prints the reused passages side by side with differing
    words marked, the share of each article reused, which one is the source
    and why, and whether the reuse is credited. Exit status 0 whether or not
    anything is reused, 2 for a file that cannot be read or a page that
    cannot be fetched.

    Example:

        copytrace compare examples/004_3080a4ee7dd42127.txt examples/000_3f926fbd34ea6708.txt

        copytrace compare https://example.com/original https://example.org/rewrite --save pages/
    """
    try:
        a, b = read_page(file_a), read_page(file_b)
    except InputError as exc:
        raise InputFailure(str(exc)) from None
    if save is not None:
        taken: set[str] = set()
        a, b = (_saved(x, save, taken) if is_web_url(x.id) else x for x in (a, b))
    result = compare(a, b, params=PRESETS[preset])
    if as_json:
        click.echo(json.dumps(pair_to_dict(result), ensure_ascii=False))
    else:
        Console().print(render_pair(result))
    if save is not None:
        for x in (a, b):
            if is_web_url(x.id):
                click.echo(f"saved {x.id} as {x.path}", err=True)


def _saved(article: Article, folder: Path, taken: set[str]) -> Article:
    """The fetched page written into ``folder``, with that file as its path."""
    return dataclasses.replace(article, path=str(save_page(article, folder, taken)))
