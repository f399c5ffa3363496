"""Extraction benchmark: scorer, labels, model fitting, quality floors, CLI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from copytrace.clean import line_spans
from copytrace.cli import main
from copytrace.errors import InputError
from copytrace.eval.extraction import (
    Counts,
    Page,
    cross_validate,
    fit_cleaner,
    fit_logistic,
    format_cleaner,
    line_labels,
    load_pages,
    metadata_agreement,
    overlap,
    score_pages,
    summarise,
    word_counts,
)

DATA = Path(__file__).resolve().parent / "data" / "clean" / "scrapinghub"

# Quality floors on the five fixture pages: the shipped cleaner must not get worse.
TEXT_CLEANER_MIN_F1 = 0.93
HTML_PATH_MIN_F1 = 0.97


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    return load_pages(DATA)


def test_overlap_counts_bag_of_words() -> None:
    c = overlap(Counter(["a", "b", "b", "c"]), Counter(["a", "b", "d"]))
    assert (c.tp, c.predicted, c.true) == (2, 4, 3)
    assert c.precision == 0.5 and c.recall == pytest.approx(2 / 3)


def test_micro_pools_words_and_macro_averages_pages() -> None:
    big = Counts(tp=90, predicted=100, true=100)  # F1 0.9
    small = Counts(tp=0, predicted=10, true=10)  # F1 0
    s = summarise([big, small])
    assert s.f1 == pytest.approx(90 / 110)
    assert s.macro_f1 == pytest.approx(0.45)
    assert s.pages == 2


def test_word_counts_use_normalised_tokens() -> None:
    assert word_counts("The U.S. said “No”") == Counter(["the", "us", "said", "no"])


def test_line_labels_mark_lines_of_the_truth() -> None:
    text = "Home\nNews\nThe cat sat on the mat all day.\nIt purred\nShare this\n"
    truth = "The cat sat on the mat all day.\n\nIt purred"
    assert line_labels(text, line_spans(text), truth).tolist() == [0, 0, 1, 1, 0]


def test_fit_logistic_separates_separable_data() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2))
    y = (x[:, 0] - x[:, 1] > 0).astype(float)
    coef, bias = fit_logistic(x, y, np.ones(len(y)), l2=0.1)
    pred = (x @ coef + bias) > 0
    assert (pred == (y > 0)).mean() > 0.97
    assert coef[0] > 0 > coef[1]


def test_load_pages_renders_text_and_reads_truth(pages: list[Page]) -> None:
    assert len(pages) == 5
    for page in pages:
        assert page.truth and page.html.lstrip().startswith("<")
        assert "<div" not in page.text  # rendered, not markup


def test_load_pages_names_a_missing_benchmark(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"ground-truth\.json"):
        load_pages(tmp_path)
    (tmp_path / "ground-truth.json").write_text('{"x": {"articleBody": "a"}}')
    with pytest.raises(InputError, match=r"x\.html\.gz"):
        load_pages(tmp_path)


def test_shipped_text_cleaner_meets_its_floor(pages: list[Page]) -> None:
    from copytrace.eval.extraction import _text_cleaner_counter

    score, _ = score_pages(pages, _text_cleaner_counter)
    assert score.f1 >= TEXT_CLEANER_MIN_F1


def test_html_path_meets_its_floor(pages: list[Page]) -> None:
    from copytrace.eval.extraction import _html_path_counter

    score, _ = score_pages(pages, _html_path_counter)
    assert score.f1 >= HTML_PATH_MIN_F1


@pytest.mark.slow
def test_cross_validation_scores_every_page_held_out(pages: list[Page]) -> None:
    cv = cross_validate(pages, folds=2, seed=1)
    assert len(cv.folds) == 2
    assert cv.held_out is not None and cv.held_out.pages == 5
    assert set(cv.per_page) == {p.id for p in pages}
    assert cv.bare is not None and cv.bare.precision == 1.0
    lo, hi = cv.f1_spread()
    assert 0.0 <= lo <= hi <= 1.0


def test_fit_cleaner_prints_a_constants_block(pages: list[Page]) -> None:
    cleaner = fit_cleaner(pages[:3])
    block = format_cleaner(cleaner, "test fit")
    assert block.startswith("# BEGIN FITTED\n# test fit\n") and block.endswith("# END FITTED")
    namespace: dict[str, object] = {}
    exec(block, namespace)  # the block is valid Python defining the constants
    assert set(namespace) >= {"_STAGE1", "_STAGE2", "_THRESHOLD", "_MARGIN"}


def test_cross_validation_refuses_one_fold(pages: list[Page]) -> None:
    with pytest.raises(ValueError, match="folds"):
        cross_validate(pages, folds=1)


@pytest.mark.slow
def test_cli_reports_every_method_as_json() -> None:
    result = CliRunner().invoke(main, ["eval", "extraction", str(DATA), "--folds", "2", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    for name in (
        "every line",
        "lines of 10+ words",
        "text cleaner (shipped weights)",
        "text cleaner (held out)",
        "trafilatura on the HTML",
        "copytrace HTML path (mapped spans)",
    ):
        assert 0.0 <= report[name]["f1"] <= 1.0 and report[name]["pages"] == 5
    assert len(report["cross_validation"]["fold_f1"]) == 2
    assert report["metadata"]["title_pages"] == 5


def test_cli_missing_benchmark_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "extraction", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "ground-truth.json" in result.output


def test_metadata_agreement_counts_titles_and_days(pages: list[Page]) -> None:
    from copytrace.clean import clean_text
    from copytrace.model import Article

    arts = [clean_text(Article(id=p.id, text=p.text)) for p in pages]
    # The cleaner's own metadata as the reference agrees wherever it is given ...
    own = [(a.title, a.published) for a in arts]
    assert sum(bool(t) for t, _ in own) >= 2 and sum(bool(d) for _, d in own) >= 2
    score = metadata_agreement(pages, own)
    assert (
        score.title_pages
        == score.title_found
        == score.title_agree
        == sum(bool(a.title) for a in arts)
    )
    assert score.date_same_day == score.date_within_day == score.date_pages
    # ... and a reference two days off or with another title does not.
    moved = [("Nothing like it at all here", "1999-01-01" if p else None) for _, p in own]
    score = metadata_agreement(pages, moved)
    assert score.title_agree == 0 and score.date_within_day == 0
