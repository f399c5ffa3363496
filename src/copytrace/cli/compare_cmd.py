"""``copytrace compare A B``: what one article reuses from another."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console

from copytrace.align import PRESETS
from copytrace.cli import main
from copytrace.compare import compare_files
from copytrace.errors import InputError
from copytrace.report.jsonout import pair_to_dict
from copytrace.report.terminal import render_pair


class InputFailure(click.ClickException):
    """A file that cannot be read: one line on stderr, exit 2."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


@main.command("compare")
@click.argument("file_a", type=click.Path(path_type=Path, dir_okay=True))
@click.argument("file_b", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the view.")
@click.option(
    "--preset",
    type=click.Choice(sorted(PRESETS)),
    default="news",
    show_default=True,
    help="Aligner settings: news articles, or PAN-style obfuscated excerpts.",
)
def compare_cmd(file_a: Path, file_b: Path, as_json: bool, preset: str) -> None:
    """Show the passages FILE_B reuses from FILE_A (or the other way round).

    Each file is plain page text or HTML (.html/.htm), either also gzipped (.gz). Prints the reused
    passages side by side with differing words marked, the share of each
    article reused, which one is the source and why, and whether the reuse is
    credited. Exit status 0 whether or not anything is reused, 2 for a file
    that cannot be read.

    Example:

        copytrace compare examples/004_3080a4ee7dd42127.txt examples/000_3f926fbd34ea6708.txt
    """
    try:
        result = compare_files(file_a, file_b, params=PRESETS[preset])
    except InputError as exc:
        raise InputFailure(str(exc)) from None
    if as_json:
        click.echo(json.dumps(pair_to_dict(result), ensure_ascii=False))
    else:
        Console().print(render_pair(result))
