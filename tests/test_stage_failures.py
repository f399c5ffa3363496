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

from copytrace import clean, stages
from copytrace.cli import main
from copytrace.model import Article
from copytrace.scan import scan

PEACE = (
    "Tokyo hopes that cultivating closer security and economic ties with Moscow will bring "
    "the two sides closer to a postwar peace treaty to resolve the dispute over the southern "
    "Kuril Islands, which are effectively controlled by Moscow and claimed by Japan."
)
GRAVES = (
    "Abe and Putin will also agree to repeat a program this year allowing former residents "
    "of the Russia-controlled islands to visit the graves of their relatives without visas. "
    "Japan hopes to make the visit an annual event, but the Russian side is unlikely to agree."
)


def _corpus(tmp_path: Path) -> Path:
    rows = [
        {"id": "orig", "text": "Talks were held in Moscow on Monday. " + PEACE, "source": "A"},
        {"id": "copy", "text": "Officials spoke on Monday. " + PEACE, "source": "B"},
        {"id": "bad", "text": "A page the cleaner cannot read. " + GRAVES, "source": "C"},
        {"id": "x", "text": "Visas were discussed. " + GRAVES, "source": "D"},
        {"id": "y", "text": "A program was agreed. " + GRAVES, "source": "E"},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return src


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cleaner fails on article "bad"; the aligner on the pair x-y."""
    clean_many = clean.clean_many

    def bad_clean(arts: list[Article], **kw: object) -> list[Article]:
        if any(a.id == "bad" for a in arts):
            raise ValueError("unreadable\nsecond line")
        return clean_many(arts, **kw)  # type: ignore[arg-type]

    align_pair = stages.align_pair

    def bad_align(a: Article, b: Article, params: object = None) -> stages.PairRecord:
        if {a.id, b.id} == {"x", "y"}:
            raise MemoryError("Unable to allocate 15.6 GiB")
        return align_pair(a, b) if params is None else align_pair(a, b, params)  # type: ignore[arg-type]

    monkeypatch.setattr(clean, "clean_many", bad_clean)
    monkeypatch.setattr(stages, "align_pair", bad_align)


@pytest.mark.usefixtures("failing")
def test_failures_are_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = scan([_corpus(tmp_path)], out, jobs=1)
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
        main, ["scan", str(_corpus(tmp_path)), "--out", str(out), "--jobs", "1"]
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
    res = CliRunner().invoke(main, ["index", "add", str(db), str(_corpus(tmp_path)), "--jobs", "1"])
    assert res.exit_code == 0, res.output
    assert "1 article(s) the cleaner failed on" in res.output
    rejects = (tmp_path / "ix.duckdb.rejects.jsonl").read_text().splitlines()
    assert [json.loads(line)["ids"] for line in rejects] == [["bad"]]
    with index_module.Index(db, read_only=True) as ix:
        assert len(ix) == 5
        found = ix.query(Article("q", "Officials met on Tuesday. " + PEACE))
        assert {m.article.id for m in found} == {"orig", "copy"}
