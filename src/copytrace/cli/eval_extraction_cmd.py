"""``copytrace eval extraction``: score the page cleaner on an extraction benchmark."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.table import Table

from copytrace.cli.eval_cmd import eval_group
from copytrace.errors import InputError
from copytrace.eval.extraction import (
    ExtractionReport,
    evaluate,
    fit_cleaner,
    format_cleaner,
    load_pages,
)


class InputFailure(click.ClickException):
    """A missing or malformed benchmark: one line on stderr, exit 2."""

    exit_code = 2


def _table(report: ExtractionReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Method", no_wrap=True)
    for name in ("Precision", "Recall", "F1 micro", "F1 macro", "Seconds"):
        table.add_column(name, justify="right", no_wrap=True)
    for name, s in report.scores.items():
        secs = report.seconds.get(name, report.seconds.get("cross-validation", 0.0))
        table.add_row(
            name,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            f"{s.macro_f1:.3f}",
            f"{secs:.0f}",
            style="bold" if "held out" in name else None,
        )
    return table


@eval_group.command("extraction")
@click.argument("root", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--folds",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Cross-validation folds for the text cleaner (0: skip cross-validation).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the fold split.")
@click.option("--no-html", is_flag=True, help="Skip trafilatura and the HTML path (faster).")
@click.option(
    "--fit",
    is_flag=True,
    help="Fit the line model on all pages and print its constants block for copytrace/clean.py.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
def extraction_command(
    root: Path, folds: int, seed: int, no_html: bool, fit: bool, as_json: bool
) -> None:
    """Score article extraction on ROOT (scrapinghub's article-extraction-benchmark).

    ROOT holds ground-truth.json and html/<id>.html.gz. Each page's visible text
    is rendered with inscriptis; the text cleaner sees only that text. Kept words
    are scored against articleBody as bags of words: precision, recall, F1 micro
    (all words pooled) and macro (mean per page). The text cleaner is scored with
    its shipped weights and, held out, by k-fold cross-validation; trafilatura
    and copytrace's HTML path (words of its content spans) are scored on the HTML.

    Example:

        copytrace eval extraction ../shared/data/extraction/scrapinghub --folds 5
    """
    err = Console(stderr=True)
    try:
        with err.status("rendering pages", spinner="dots") as status:
            pages = load_pages(root)
            if fit:
                status.update("fitting the line model on every page")
                cleaner = fit_cleaner(pages)
                click.echo(
                    format_cleaner(
                        cleaner,
                        f"fit by `copytrace eval extraction --fit` on the {len(pages)} "
                        f"pages of {root.name}",
                    )
                )
                return

            def progress(name: str) -> None:
                status.update(f"scoring: {name}")

            report = evaluate(pages, folds=folds, seed=seed, html=not no_html, progress=progress)
    except InputError as exc:
        raise InputFailure(str(exc)) from None
    except RuntimeError as exc:  # inscriptis missing
        raise InputFailure(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    out = Console()
    if not out.is_terminal:
        out = Console(width=120)
    out.print(f"{len(pages)} pages of {root}")
    out.print(_table(report))
    cv = report.cv
    if cv is not None and cv.held_out is not None:
        lo, hi = cv.f1_spread()
        out.print(
            f"{report.folds}-fold cross-validation: held-out F1 {cv.held_out.f1:.3f} micro, "
            f"{cv.held_out.macro_f1:.3f} macro; folds {lo:.3f} to {hi:.3f} "
            f"({', '.join(f'{f.score.f1:.3f}' for f in cv.folds)})"
        )
        if cv.bare is not None:
            out.print(
                f"On the held-out pages' bare article bodies (no chrome at all) the cleaner "
                f"keeps {cv.bare.recall:.3f} of the words."
            )
    meta = report.metadata
    if meta is not None:
        d = meta.as_dict()
        out.print(
            f"Metadata against the page markup: title agrees on {d['title_agree']:.3f} of "
            f"{meta.title_pages} pages (given on {d['title_found']:.3f}); publication date "
            f"the same day on {d['date_same_day']:.3f} of {meta.date_pages} "
            f"(within a day {d['date_within_day']:.3f}, given on {d['date_found']:.3f})."
        )
