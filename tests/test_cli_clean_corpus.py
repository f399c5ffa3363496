"""``copytrace clean INPUT... --out FILE``: a whole corpus cleaned into one file."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from copytrace.clean import article_text
from copytrace.cli import main
from copytrace.engines.cleaning import CLEANED_SCHEMA, clean_corpus
from copytrace.model import Article
from copytrace.scan import ScanConfig, scan
from test_scan import CMS_LINES, corpus_rows, write_corpus

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BAD_JSONL = Path(__file__).resolve().parent / "data" / "index" / "corpus.jsonl"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def rows_of(path: Path) -> list[dict[str, object]]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    with (gzip.open if path.suffix == ".gz" else open)(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _spans(row: dict[str, object]) -> list[tuple[int, int]]:
    return [(int(s), int(e)) for s, e in row["content"]]  # type: ignore[attr-defined]


def test_a_corpus_is_cleaned_into_parquet_in_input_order_with_its_rejects(tmp_path: Path) -> None:
    out = tmp_path / "cleaned.parquet"
    code, stdout, err = run("clean", str(EXAMPLES), str(BAD_JSONL), "--out", str(out))
    assert code == 0, err
    assert "records read" in stdout and "2 record(s) rejected" in err
    assert pq.read_schema(out).names == CLEANED_SCHEMA.names
    rows = rows_of(out)
    # the folder's pages (sorted), then the JSON Lines records that could be read
    assert [r["id"] for r in rows][:2] == ["000_3f926fbd34ea6708", "004_3080a4ee7dd42127"]
    assert len(rows) == 5
    for row in rows:
        text = str(row["text"])
        spans = _spans(row)
        assert spans and all(0 <= s < e <= len(text) for s, e in spans)
        art = Article(str(row["id"]), text, content=tuple(spans))
        assert row["article_text"] == article_text(art)  # (the spans, paragraphs apart)
    tass = rows[0]
    assert tass["source"] == "TASS" and "Sponsored" not in str(tass["article_text"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cleaned.parquet",
        "cleaned.parquet.rejects.jsonl",
    ]  # (no lock, spill or temporary file left)
    rejects = [json.loads(x) for x in Path(f"{out}.rejects.jsonl").read_text().splitlines()]
    assert [(r["file"], r["record"]) for r in rejects] == [(str(BAD_JSONL), 2), (str(BAD_JSONL), 4)]


def test_json_lines_outputs_hold_the_parquet_rows_without_the_original_text(
    tmp_path: Path,
) -> None:
    outs = [tmp_path / name for name in ("c.parquet", "c.jsonl", "c.jsonl.gz")]
    for out in outs:
        assert run("clean", str(EXAMPLES), "--out", str(out), "--jobs", "1")[0] == 0
        assert not Path(f"{out}.rejects.jsonl").exists()
    table, lines, zipped = (rows_of(out) for out in outs)
    for row in table:
        row.pop("text")
        row["content"] = [list(span) for span in row["content"]]  # type: ignore[attr-defined]
    assert table == lines == zipped


@pytest.mark.slow
def test_chrome_is_learned_from_the_corpus_as_the_scan_learns_it(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    # A site's prose-like block on each of its 4 pages: chrome the scan learns,
    # which a page cleaned on its own keeps.
    block = "Readers of the Valley Courier can now follow every council decision live " * 2
    extra = [
        {"id": f"valley-{k}", "source": "Valley Courier", "title": f"Valley story {k}",
         "text": f"Valley story {k}\n\n{block.strip()}\n\n" + rows["text"]}
        for k, rows in enumerate(corpus_rows()[-4:])
    ]  # fmt: skip
    with corpus.open("a", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in extra)
    out = tmp_path / "cleaned.parquet"
    summary = clean_corpus([corpus], out, ScanConfig(jobs=2))
    assert summary.chrome_lines >= 1 and summary.rejected == 1
    scanned = tmp_path / "scan"
    scan([corpus], scanned, jobs=1)
    by_id = {r["id"]: r for r in pq.read_table(scanned / "articles.parquet").to_pylist()}
    rows = rows_of(out)
    assert len(rows) == len(by_id)
    for row in rows:  # the same content spans, title and time as the scan's
        twin = by_id[row["id"]]
        assert _spans(row) == _spans(twin), row["id"]
        assert (row["title"], row["published"]) == (twin["title"], twin["published"])
    valley = [r for r in rows if str(r["id"]).startswith("valley-")]
    assert valley and all("Valley Courier can now" not in str(r["article_text"]) for r in valley)
    assert all(CMS_LINES[1] not in str(r["article_text"]) for r in rows)
    alone = Article("v", str(valley[0]["text"]))
    from copytrace.clean import clean

    assert "Valley Courier can now" in article_text(clean(alone))  # (what chrome adds)
    one = tmp_path / "one.parquet"
    clean_corpus([corpus], one, ScanConfig(jobs=1))
    assert rows_of(one) == rows  # (workers or not: the same rows)


def test_a_corpus_file_needs_an_output_file(tmp_path: Path) -> None:
    code, _, err = run("clean", str(BAD_JSONL))
    assert code == 2 and "is a corpus file" in err and "--out FILE.parquet" in err
    code, _, err = run("clean", str(BAD_JSONL), "--out", str(tmp_path / "folder"))
    assert code == 2 and "is a corpus file" in err
    (tmp_path / "notes.txt").write_text("x")
    code, _, err = run("clean", str(EXAMPLES), "--out", str(tmp_path / "notes.txt"))
    assert code == 2 and "is a file" in err


def test_url_inputs_and_the_spark_engine_need_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = BAD_JSONL.as_uri()
    code, _, err = run("clean", url, "--out", str(tmp_path / "c.parquet"))
    assert (code, err.strip()) == (
        2,
        f"error: {url}: a URL is read by the Spark engine (--engine spark)",
    )
    code, _, err = run("clean", url)
    assert code == 2 and "--engine spark --out NAME.parquet" in err
    code, _, err = run("scan", url, "--out", str(tmp_path / "scan"))
    assert code == 2 and f"{url}: a URL is read by the Spark engine" in err
    code, _, err = run("index", "add", str(tmp_path / "ix.duckdb"), url)
    assert code == 2 and f"{url}: a URL is read by the Spark engine" in err
    assert not (tmp_path / "ix.duckdb").exists()
    for out in ("c.jsonl", "c.jsonl.gz", "folder"):
        code, _, err = run(
            "clean", str(BAD_JSONL), "--out", str(tmp_path / out), "--engine", "spark"
        )
        assert code == 2 and "into a Parquet dataset: --out NAME.parquet" in err
    code, _, err = run("clean", str(BAD_JSONL), "--engine", "spark")
    assert code == 2 and "into a Parquet dataset" in err
    # without PySpark: a usage error naming the extra, not a traceback
    monkeypatch.delitem(sys.modules, "copytrace.engines.spark", raising=False)
    for name in [m for m in sys.modules if m.split(".")[0] == "pyspark"] or ["pyspark"]:
        monkeypatch.setitem(sys.modules, name, None)
    code, _, err = run(
        "clean", str(BAD_JSONL), "--out", str(tmp_path / "s.parquet"), "--engine", "spark"
    )
    assert code == 2 and "pip install 'copytrace[spark]'" in err, err
    code, _, err = run("scan", str(BAD_JSONL), "--out", str(tmp_path / "scan"), "--engine", "spark")
    assert code == 2 and "pip install 'copytrace[spark]'" in err, err


def test_a_corpus_with_nothing_readable_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1\n{"id": "x"}\n', encoding="utf-8")
    out = tmp_path / "c.jsonl"
    code, _, err = run("clean", str(bad), "--out", str(out))
    assert code == 1
    assert "error: no article could be read: 2 record(s) rejected" in err
    assert out.exists() and out.read_text() == ""


def test_a_warc_crawl_is_cleaned_with_its_urls_and_rejects(tmp_path: Path) -> None:
    from test_ingest_warc import _records

    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(b"".join(gzip.compress(r) for r in _records()))
    out = tmp_path / "crawl.jsonl"
    code, _, err = run("clean", str(warc), "--out", str(out), "--jobs", "1")
    assert code == 0, err
    rows = rows_of(out)
    assert [r["url"] for r in rows] == [
        "https://www.Port-News.com/a",
        "https://legacy.example.org/b",
    ]
    assert [r["source"] for r in rows] == ["port-news.com", "legacy.example.org"]
    assert rows[0]["article_text"] == "The port reopened."  # (from the HTML, offsets into it)
    reasons = [
        json.loads(x)["reason"] for x in Path(f"{out}.rejects.jsonl").read_text().splitlines()
    ]
    assert len(reasons) == 3 and all(reasons)  # (the image, the redirect, the empty page)


def test_a_corpus_clean_stopped_midway_cleans_only_the_batches_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copytrace.engines import cleaning, local, resume

    corpus = write_corpus(tmp_path / "in")
    config = ScanConfig(jobs=1, batch_size=5)
    whole = tmp_path / "whole.parquet"
    clean_corpus([corpus], whole, config)
    out = tmp_path / "part.parquet"
    save = resume.save_cleaned
    saved: list[int] = []

    def two_then_stop(work: Path, batch: int, result: object) -> None:
        if len(saved) == 2:
            raise KeyboardInterrupt
        save(work, batch, result)
        saved.append(batch)

    with monkeypatch.context() as m:
        m.setattr(resume, "save_cleaned", two_then_stop)
        with pytest.raises(KeyboardInterrupt):
            clean_corpus([corpus], out, config)
    assert not out.exists()
    (work,) = tmp_path.glob(local.WORK_PREFIX + "*")
    work.rename(work.with_name(f"{local.WORK_PREFIX}999999999-x"))  # (as a dead run's)
    task = cleaning._clean_text_task
    cleaned: list[int] = []

    def counting(piece: tuple[int, int, int]) -> object:
        cleaned.append(piece[0])
        return task(piece)

    monkeypatch.setattr(cleaning, "_clean_text_task", counting)
    summary = clean_corpus([corpus], out, config)
    assert summary.resumed_stages == ["read"] and summary.rejected == 1
    assert sorted(set(cleaned)) == [2, 3, 4]
    assert out.read_bytes() == whole.read_bytes()
    assert not list(tmp_path.glob(local.WORK_PREFIX + "*"))
    assert Path(f"{out}.rejects.jsonl").read_bytes() == Path(f"{whole}.rejects.jsonl").read_bytes()
