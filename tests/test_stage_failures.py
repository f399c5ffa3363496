"""An article the cleaner fails on, or a pair the aligner fails on, never ends a
scan (session 21): it is reported in ``rejects.jsonl`` with its stage and ids
and skipped; every other article and pair comes out as usual.

Before, one exception in a worker (a ``MemoryError`` on a pair of repetitive
pages, see test_repetitive_texts.py) ended the whole run with a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from _failing import PEACE, corpus, failing_align_pair, failing_clean_many
from copytrace import clean, stages
from copytrace.cli import main
from copytrace.model import Article
from copytrace.scan import scan


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cleaner fails on article "bad"; the aligner on the pair x-y."""
    monkeypatch.setattr(clean, "clean_many", failing_clean_many(clean.clean_many))
    monkeypatch.setattr(stages, "align_pair", failing_align_pair(stages.align_pair))


@pytest.mark.usefixtures("failing")
def test_failures_are_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = scan([corpus(tmp_path)], out, jobs=1)
    assert (summary.articles, summary.rejected, summary.failed) == (5, 0, 2)
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert [(p["a_id"], p["b_id"]) for p in pairs] == [("copy", "orig")]
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert rejects == [
        {
            "file": None,
            "record": None,
            "reason": "cleaning failed (kept with no content): ValueError: unreadable",
            "stage": "clean",
            "ids": ["bad"],
        },
        {
            "file": None,
            "record": None,
            "reason": "aligning failed: MemoryError: Unable to allocate 15.6 GiB",
            "stage": "align",
            "ids": ["x", "y"],
        },
    ]
    arts = pq.read_table(out / "articles.parquet").to_pylist()
    assert {a["id"]: a["content"] for a in arts}["bad"] == []
    assert len(arts) == 5


@pytest.mark.usefixtures("failing")
def test_the_cli_says_how_many_failed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["scan", str(corpus(tmp_path)), "--out", str(out), "--jobs", "1"]
    )
    assert res.exit_code == 0, res.output
    assert "2 article(s) or pair(s) failed in cleaning or alignment" in res.output


@pytest.mark.usefixtures("failing")
def test_the_stage_functions_spark_runs_skip_failures_too() -> None:
    arts = [Article(r, f"Officials said on Monday. {PEACE}") for r in ("bad", "x", "y", "z")]
    cleaned, failed = stages.clean_articles_guarded(arts)
    assert [f.ids for f in failed] == [("bad",)]
    assert [a.content == () for a in cleaned] == [True, False, False, False]
    recs = stages.align_pairs([(cleaned[1], cleaned[2]), (cleaned[1], cleaned[3])])
    assert [(r.a_id, r.b_id) for r in recs] == [("x", "z")]


def test_index_add_indexes_an_article_the_cleaner_fails_on_without_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copytrace import index as index_module

    ensure_clean = index_module.ensure_clean

    def bad(article: Article) -> Article:
        if article.id == "bad":
            raise ValueError("unreadable")
        return ensure_clean(article)

    monkeypatch.setattr(index_module, "ensure_clean", bad)
    db = tmp_path / "ix.duckdb"
    res = CliRunner().invoke(main, ["index", "add", str(db), str(corpus(tmp_path)), "--jobs", "1"])
    assert res.exit_code == 0, res.output
    assert "1 article(s) the cleaner failed on" in res.output
    rejects = (tmp_path / "ix.duckdb.rejects.jsonl").read_text().splitlines()
    assert [json.loads(line)["ids"] for line in rejects] == [["bad"]]
    with index_module.Index(db, read_only=True) as ix:
        assert len(ix) == 5
        found = ix.query(Article("q", "Officials met on Tuesday. " + PEACE))
        assert {m.article.id for m in found} == {"orig", "copy"}
