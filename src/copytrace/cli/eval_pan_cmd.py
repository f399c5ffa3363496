"""``copytrace eval pan``: align a PAN 2013 text-alignment corpus and score it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from copytrace.cli.eval_cmd import eval_group
from copytrace.errors import InputError, WorkerDiedError
from copytrace.eval.pan import Report, Scores, categories_of, read_corpus, report_dict, run

PRESET_NAMES = ("pan", "news")


class InputFailure(click.ClickException):
    """A bad corpus, pairs file, document or truth XML: one line on stderr, exit 2."""

    exit_code = 2


def _table(report: Report, pair_counts: dict[str, int]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Category", no_wrap=True)
    for name in ("Pairs", "Cases", "Detections", "Recall", "Precision", "Granularity", "PlagDet"):
        table.add_column(name, justify="right", no_wrap=True)

    def row(label: str, pairs: int, s: Scores, bold: bool = False) -> None:
        cells = [
            label,
            str(pairs),
            str(s.cases),
            str(s.detections),
            f"{s.recall:.4f}",
            f"{s.precision:.4f}",
            f"{s.granularity:.4f}",
            f"{s.plagdet:.4f}",
        ]
        table.add_row(*cells, style="bold" if bold else None)

    for name, s in report.categories.items():
        row(name, pair_counts.get(name, 0), s)
    if report.overall is not None:
        table.add_section()
        row("overall", sum(pair_counts.get(n, 0) for n in report.categories), report.overall, True)
    return table


@eval_group.command("pan")
@click.argument("root", type=click.Path(path_type=Path))
@click.option(
    "--pairs",
    "pairs_file",
    type=click.Path(path_type=Path),
    help="Pairs to run, one 'susp src' per line [default: ROOT/pairs].",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("pan-detections"),
    show_default=True,
    help="Folder for the detection XMLs, one <susp>-<src>.xml per pair.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: all cores].",
)
@click.option(
    "--preset",
    type=click.Choice(PRESET_NAMES),
    default="pan",
    show_default=True,
    help="Aligner settings: 'pan' (tuned on PAN 2013 training) or 'news' (compare's default).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
def pan_command(
    root: Path,
    pairs_file: Path | None,
    out_dir: Path,
    jobs: int | None,
    preset: str,
    as_json: bool,
) -> None:
    """Align every pair of a PAN 2013 corpus, write PAN detection XMLs and score them.

    ROOT holds src/, susp/, a pairs file and (optionally) the truth XMLs in
    category folders. With truth, prints recall, precision, granularity and
    PlagDet per category and overall (official PAN 2013 measures).

    Example:

        copytrace eval pan pan13-train --out dets --jobs 2
    """
    from copytrace.align import PRESETS

    err = Console(stderr=True)
    try:
        pairs = read_corpus(root, pairs_file)
    except InputError as exc:
        raise InputFailure(str(exc)) from None
    workers = jobs or os.cpu_count() or 1
    try:
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=as_json or not err.is_terminal,
        ) as bar:
            task = bar.add_task(f"aligning ({workers} jobs)", total=len(pairs))

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done)

            report = run(
                root, out_dir, workers, PRESETS[preset], pairs_file=pairs_file, progress=advance
            )
    except InputError as exc:
        raise InputFailure(str(exc)) from None
    except WorkerDiedError as exc:  # (not the input's fault: exit 1)
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report_dict(report) | {"preset": preset}, indent=2))
        return
    out = Console()
    if not out.is_terminal:  # piped or captured: never truncate the table
        out = Console(width=120)
    out.print(
        f"{report.pairs} pairs in {report.seconds:.1f} s ({report.pairs_per_second:.1f} pairs/s, "
        f"{report.jobs} jobs, preset {preset}); detections in {report.out_dir}/"
    )
    if report.overall is None:
        out.print("No truth XMLs found: nothing scored.")
        return
    out.print(_table(report, dict(categories_of(pairs))))
    out.print(
        f"Detections in the {report.no_plagiarism_pairs} pairs without plagiarism: "
        f"{report.no_plagiarism_detections}"
    )
