"""The Spark engine (``local[2]``, a real SparkSession) against the local engine.

Parity: both engines on a generated syndicated corpus (with a broken line and
a repeated id) and on the seed pair give the same passages, pairs, clusters,
rejects and articles. Resume: a rerun takes every stage from its checkpoint;
removing one checkpoint recomputes that stage and the ones after it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

pyspark = pytest.importorskip("pyspark")

from copytrace.chrome import ChromeParams  # noqa: E402
from copytrace.scan import ScanConfig, SparkOptions, scan  # noqa: E402

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
COMPARED = ("passages.jsonl", "pairs.jsonl", "clusters.jsonl", "rejects.jsonl")


@pytest.fixture(scope="module")
def spark() -> object:
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("copytrace-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus of 300 articles, plus one broken line and one repeated id."""
    out = tmp_path_factory.mktemp("gen")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "--articles", "300",
         "--seed", "3", "--out", str(out), "--force"],
        check=True, capture_output=True,
    )  # fmt: skip
    path = out / "articles.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    lines.insert(5, '{"id": "broken", "text": "no closing brace"')
    lines.append(json.dumps({**first, "text": "A later record with the same id."}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _spark_config(stages: Path | None = None, resume: bool = True) -> ScanConfig:
    return ScanConfig(
        batch_size=64,
        spark=SparkOptions(partitions=3, stages_dir=str(stages) if stages else None, resume=resume),
    )


def _assert_same_outputs(local: Path, spark_out: Path) -> None:
    for name in COMPARED:
        assert (spark_out / name).read_bytes() == (local / name).read_bytes(), name
    for name in ("articles.parquet", "passages.parquet"):
        assert pq.read_table(spark_out / name).equals(pq.read_table(local / name)), name


def test_spark_engine_matches_the_local_engine_on_a_generated_corpus(
    spark: object, corpus: Path, tmp_path: Path
) -> None:
    from copytrace.engines.spark import scan as spark_scan

    local = tmp_path / "local"
    ls = scan([corpus], local, jobs=1)
    out = tmp_path / "spark"
    ss = spark_scan(spark, [corpus], out, config=_spark_config())  # type: ignore[arg-type]
    assert ls.pairs > 20 and ls.clusters > 5 and ls.rejected == 2  # the corpus has reuse
    _assert_same_outputs(local, out)
    assert (ss.articles, ss.rejected, ss.fingerprints, ss.candidate_pairs) == (
        ls.articles, ls.rejected, ls.fingerprints, ls.candidate_pairs,
    )  # fmt: skip
    assert (ss.chrome_lines, ss.empty_articles, ss.df_limit) == (
        ls.chrome_lines, ls.empty_articles, ls.df_limit,
    )  # fmt: skip
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not (out / "_stages" / "_read_rows").exists()  # an intermediate, removed
    # every passage holds the reported text of both articles
    texts = {r["id"]: r["text"] for r in pq.read_table(out / "articles.parquet").to_pylist()}
    for line in (out / "passages.jsonl").read_text(encoding="utf-8").splitlines()[:50]:
        p = json.loads(line)
        assert texts[p["source_id"]][p["source_start"] : p["source_end"]].strip()
        assert texts[p["target_id"]][p["target_start"] : p["target_end"]].strip()


def test_hub_pairs_over_a_low_df_limit_are_the_local_engines(
    spark: object, corpus: Path, tmp_path: Path
) -> None:
    """With the df limit at 3, the corpus's families of 4 and more pair through hubs."""
    import dataclasses

    from copytrace.candidates import CandidateParams
    from copytrace.engines.spark import scan as spark_scan

    low = CandidateParams(max_df=3, min_df_limit=3)
    local, out = tmp_path / "local", tmp_path / "spark"
    ls = scan([corpus], local, config=ScanConfig(jobs=1, batch_size=64, candidates=low))
    config = dataclasses.replace(_spark_config(), candidates=low)
    ss = spark_scan(spark, [corpus], out, config=config)  # type: ignore[arg-type]
    assert ls.hub_pairs > 5 and ls.df_limit == 3
    assert (ss.candidate_pairs, ss.hub_pairs) == (ls.candidate_pairs, ls.hub_pairs)
    _assert_same_outputs(local, out)


def test_spark_engine_matches_the_local_engine_on_the_seed_pair(
    spark: object, tmp_path: Path
) -> None:
    from copytrace.engines.spark import scan as spark_scan

    examples = ROOT / "examples"
    local, out = tmp_path / "local", tmp_path / "spark"
    ls = scan([examples], local, jobs=1)
    spark_scan(spark, [examples], out, config=_spark_config())  # type: ignore[arg-type]
    assert ls.pairs == 1
    _assert_same_outputs(local, out)


def test_url_inputs_are_fetched_by_spark_and_read_alike(
    spark: object, corpus: Path, tmp_path: Path
) -> None:
    """A ``file://`` URL goes the way of ``s3a://`` or ``hdfs://``: Spark fetches the bytes."""
    from copytrace.engines.spark import scan as spark_scan

    local, out = tmp_path / "local", tmp_path / "url"
    scan([corpus, ROOT / "examples"], local, jobs=1)
    urls = [corpus.as_uri(), (ROOT / "examples").as_uri()]
    spark_scan(spark, urls, out, config=_spark_config())  # type: ignore[arg-type]
    for name in ("passages.jsonl", "pairs.jsonl", "clusters.jsonl"):
        assert (out / name).read_bytes() == (local / name).read_bytes(), name
    rejects = [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]
    assert [(r["record"], r["reason"][:12]) for r in rejects] == [
        (6, "invalid JSON"),
        (302, "duplicate id"),
    ]
    assert all(r["file"].startswith("file:") for r in rejects)


def test_gzipped_pages_by_path_and_by_url_read_as_the_plain_pages(
    spark: object, tmp_path: Path
) -> None:
    """``story.txt.gz`` pages: the same ids and outputs as the plain pages, whether
    the driver lists them or Spark fetches them (a URL)."""
    import gzip

    from copytrace.engines.spark import scan as spark_scan

    zipped = tmp_path / "zipped"
    zipped.mkdir()
    for page in sorted((ROOT / "examples").glob("*.txt")):
        (zipped / (page.name + ".gz")).write_bytes(gzip.compress(page.read_bytes()))
    local = tmp_path / "local"
    scan([ROOT / "examples"], local, jobs=1)
    for name, inputs in (("by-path", [zipped]), ("by-url", [zipped.as_uri()])):
        out = tmp_path / name
        spark_scan(spark, inputs, out, config=_spark_config())  # type: ignore[arg-type]
        for f in ("passages.jsonl", "pairs.jsonl", "clusters.jsonl"):
            assert (out / f).read_bytes() == (local / f).read_bytes(), (name, f)


def test_keep_text_runs_alike_on_spark_and_skips_the_chrome_stage(
    spark: object, corpus: Path, tmp_path: Path
) -> None:
    """``keep_text``: every text whole as content, no chrome stage, same outputs."""
    import dataclasses

    from copytrace.engines.spark import scan as spark_scan

    local, out = tmp_path / "local", tmp_path / "spark"
    scan([corpus], local, config=ScanConfig(jobs=1, batch_size=64, keep_text=True))
    config = dataclasses.replace(_spark_config(), keep_text=True)
    summary = spark_scan(spark, [corpus], out, config=config)  # type: ignore[arg-type]
    assert "chrome" not in summary.stage_seconds and summary.chrome_lines == 0
    _assert_same_outputs(local, out)
    arts = pq.read_table(out / "articles.parquet").to_pylist()
    assert all(len(a["content"]) == 1 for a in arts if a["text"].strip())


def test_stem_fingerprints_run_alike_on_spark(spark: object, corpus: Path, tmp_path: Path) -> None:
    """``scan --paraphrase`` on both engines: the reworded pair found, same outputs."""
    import dataclasses

    from copytrace.engines.spark import scan as spark_scan
    from copytrace.fingerprint import FingerprintParams

    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("original.txt", "rewrite.txt", "unrelated.txt"):
        shutil.copy(ROOT / "tests" / "data" / "paraphrase" / name, pages / name)
    stems = FingerprintParams(stems=True)
    local, out = tmp_path / "local", tmp_path / "spark"
    scan([corpus, pages], local, config=ScanConfig(jobs=1, batch_size=64, fingerprint=stems))
    config = dataclasses.replace(_spark_config(), fingerprint=stems)
    spark_scan(spark, [corpus, pages], out, config=config)  # type: ignore[arg-type]
    _assert_same_outputs(local, out)
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert any({p["a_id"], p["b_id"]} == {"original", "rewrite"} for p in pairs)


def test_a_pair_with_one_source_unknown_is_a_candidate_as_in_the_local_engine(
    spark: object, tmp_path: Path
) -> None:
    """One article with a source, its copy without: a pair on both engines (Spark's
    same-source test once came out null for it, and the pair was dropped)."""
    from copytrace.engines.spark import scan as spark_scan

    body = (
        "The port authority closed the inner harbour on Thursday afternoon after "
        "forecasters upgraded a gale warning for the coast, leaving more than forty "
        "fishing boats tied up. Harbour officials said the closure would last at least "
        "until Saturday morning, when the next forecast is due, and ferry services to "
        "the islands were suspended until further notice."
    )
    rows = [
        {"id": "known", "text": body, "source": "Harbour Herald"},
        {"id": "unknown", "text": body},
        {"id": "empty", "text": body, "source": ""},
    ]
    corpus = tmp_path / "mixed.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    local, out = tmp_path / "local", tmp_path / "spark"
    scan([corpus], local, jobs=1)
    spark_scan(spark, [corpus], out, config=_spark_config())  # type: ignore[arg-type]
    pairs = [json.loads(x) for x in (out / "pairs.jsonl").read_text().splitlines()]
    assert {(p["a_id"], p["b_id"]) for p in pairs} == {
        ("empty", "known"),
        ("empty", "unknown"),
        ("known", "unknown"),
    }
    _assert_same_outputs(local, out)


def test_a_folder_of_pages_without_sources_learns_chrome_alike_on_spark(
    spark: object, tmp_path: Path
) -> None:
    """Source-less text pages count their lines under the outlet they name; Spark's
    page counts per source must use the same key (they once used the raw source)."""
    from copytrace.engines.spark import scan as spark_scan
    from test_clean_source import PROMO, _site_pages

    pages = tmp_path / "pages"
    pages.mkdir()
    for outlet, first in (("The Ashport Mercury", 0), ("The Ashmont Tribune", 6)):
        for k, text in enumerate(_site_pages(outlet, first)):
            (pages / f"{outlet.split()[1].lower()}-{k}.txt").write_text(text, encoding="utf-8")
    # A fourth page of one outlet without the promo: with min_share 0.9 the promo (on
    # 3 of its 4 pages) is that outlet's chrome only if its pages are counted as 3.
    (pages / "ashport-3.txt").write_text(
        _site_pages("The Ashport Mercury", 12)[0].replace(PROMO + "\n\n", ""), encoding="utf-8"
    )
    chrome = ChromeParams(min_pages=3, min_share=0.9)
    local, out = tmp_path / "local", tmp_path / "spark"
    ls = scan([pages], local, jobs=1, config=ScanConfig(chrome=chrome))
    config = dataclasses.replace(_spark_config(), chrome=chrome)
    ss = spark_scan(spark, [pages], out, config=config)  # type: ignore[arg-type]
    # (menu, masthead, footer of both outlets; the promo of the Tribune only)
    texts = {r["id"]: r for r in pq.read_table(local / "articles.parquet").to_pylist()}
    kept = {i: [r["text"][a:b] for a, b in r["content"]] for i, r in texts.items()}
    assert PROMO in kept["ashport-0"] and PROMO not in kept["ashmont-0"]
    assert all(r["published"] is None for r in texts.values())  # (no stamps here)
    assert (ss.chrome_sources, ss.chrome_lines) == (ls.chrome_sources, ls.chrome_lines)
    _assert_same_outputs(local, out)


def test_a_generated_corpus_as_a_folder_of_pages_runs_alike_on_spark(
    spark: object, corpus: Path, tmp_path: Path
) -> None:
    """No metadata given: sources, times and titles come from the pages themselves
    (Spark once chose cluster origins by the reader's times, None here)."""
    from copytrace.engines.spark import scan as spark_scan

    pages = tmp_path / "pages"
    pages.mkdir()
    for line in corpus.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue  # (the fixture's broken line)
        (pages / f"{row['id']}.txt").write_text(row["text"], encoding="utf-8")
    local, out = tmp_path / "local", tmp_path / "spark"
    ls = scan([pages], local, jobs=1)
    spark_scan(spark, [pages], out, config=_spark_config())  # type: ignore[arg-type]
    assert ls.pairs > 20 and ls.clusters > 5 and ls.chrome_lines > 0
    _assert_same_outputs(local, out)


def test_a_generated_crawl_runs_alike_on_spark(spark: object, tmp_path: Path) -> None:
    """HTML pages in a WARC, learned from by their hosts' lines (session 26): the same
    chrome, pairs, passages and credits on both engines."""
    from copytrace.engines.spark import scan as spark_scan

    gen = tmp_path / "crawl"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "--articles", "300",
         "--seed", "4", "--format", "warc.gz", "--out", str(gen)],
        check=True, capture_output=True,
    )  # fmt: skip
    warc = gen / "articles.warc.gz"
    local, out = tmp_path / "local", tmp_path / "spark"
    ls = scan([warc], local, jobs=1)
    ss = spark_scan(spark, [warc], out, config=_spark_config())  # type: ignore[arg-type]
    assert ls.pairs > 20 and ls.chrome_lines > 0
    assert (ss.chrome_lines, ss.chrome_sources) == (ls.chrome_lines, ls.chrome_sources)
    _assert_same_outputs(local, out)


def test_a_rerun_resumes_from_the_stage_checkpoints(
    spark: object, corpus: Path, tmp_path: Path
) -> None:
    from copytrace.engines.spark import STAGES
    from copytrace.engines.spark import scan as spark_scan

    out, stages = tmp_path / "out", tmp_path / "stages"
    first = spark_scan(spark, [corpus], out, config=_spark_config(stages))  # type: ignore[arg-type]
    assert first.resumed_stages == []
    before = {n: (out / n).read_bytes() for n in COMPARED}

    again = spark_scan(spark, [corpus], out, config=_spark_config(stages))  # type: ignore[arg-type]
    assert again.resumed_stages == list(STAGES)
    assert {n: (out / n).read_bytes() for n in COMPARED} == before

    # a lost checkpoint: that stage and every later one are computed again
    shutil.rmtree(stages / "align")
    third = spark_scan(spark, [corpus], out, config=_spark_config(stages))  # type: ignore[arg-type]
    assert third.resumed_stages == ["read", "chrome", "clean", "fingerprint", "candidates"]
    assert {n: (out / n).read_bytes() for n in COMPARED} == before

    # other settings: nothing is reused
    other = ScanConfig(
        batch_size=64, same_source=True, spark=SparkOptions(partitions=3, stages_dir=str(stages))
    )
    fourth = spark_scan(spark, [corpus], out, config=other)  # type: ignore[arg-type]
    assert fourth.resumed_stages == []
    assert fourth.pairs >= first.pairs


def _python_tasks(df: object) -> int:
    """``mapInArrow`` operators in ``df``'s plan: each runs its Python task over its input."""
    plan = df._jdf.queryExecution().optimizedPlan().toString()  # type: ignore[attr-defined]
    return int(plan.count("MapInArrow"))


def test_the_read_and_chrome_tasks_run_once(spark: object, corpus: Path, tmp_path: Path) -> None:
    """Everything the parsed rows feed reads them from one checkpoint, not from the
    input files again; the chrome pass scans the line hashes once, not per group-by."""
    from copytrace.engines.spark import LINES, RAW, Checkpoints, _chrome, _lines_task, _read

    ckpt = Checkpoints(spark, str(tmp_path / "stages"), "key", resume=False)  # type: ignore[arg-type]
    saved: list[tuple[str, int]] = []

    def save(name: str, df: object) -> object:
        saved.append((name, _python_tasks(df)))
        return ckpt.save(name, df)  # type: ignore[arg-type]

    config = _spark_config()
    articles, rejects = _read(spark, [corpus], config, 3, save)  # type: ignore[arg-type]
    assert saved == [("_read_rows", 1)]
    assert (_python_tasks(articles), _python_tasks(rejects)) == (0, 0)
    assert rejects.count() == 2  # type: ignore[attr-defined]
    lines = articles.select(*RAW.fieldNames()).mapInArrow(_lines_task, LINES)
    assert _python_tasks(_chrome(lines, config)) == 1


def test_connected_components_label_each_node_with_its_components_least_id(
    spark: object,
) -> None:
    from copytrace.cluster import UnionFind
    from copytrace.engines.spark import connected_components

    # a long path (many rounds for naive label propagation), a star, a cycle, a pair
    edges = [(f"p{i:03d}", f"p{i + 1:03d}") for i in range(0, 60)]
    edges += [("s00", f"s{i:02d}") for i in range(1, 20)]
    edges += [("c5", "c3"), ("c3", "c9"), ("c9", "c1"), ("c1", "c5"), ("x", "y")]
    edges.reverse()
    df = spark.createDataFrame(edges, "a_id string, b_id string")  # type: ignore[attr-defined]
    got = {r["id"]: r["label"] for r in connected_components(df).collect()}
    uf = UnionFind()
    for a, b in edges:
        uf.union(a, b)
    want = {x: g[0] for g in uf.groups() for x in g}
    assert got == want


def test_cli_scan_with_the_spark_engine(corpus: Path, tmp_path: Path, spark: object) -> None:
    from click.testing import CliRunner

    from copytrace.cli import main

    out = tmp_path / "cli"
    res = CliRunner().invoke(
        main,
        ["scan", "--engine", "spark", "--partitions", "2", "--no-articles-file",
         str(corpus), "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "pairs with reuse" in res.output
    assert (out / "pairs.jsonl").stat().st_size > 0
    # the articles stay in the distributed checkpoint only
    assert not (out / "articles.parquet").exists()
    assert (out / "_stages" / "clean" / "_SUCCESS").exists()


def test_checkpoints_of_another_copytrace_or_checkpoint_form_are_not_resumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copytrace
    from copytrace.engines import spark as engine

    data = tmp_path / "in.jsonl"
    data.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    cfg = ScanConfig()
    key = engine._checkpoint_key([str(data)], cfg)
    assert engine._checkpoint_key([str(data)], cfg) == key
    monkeypatch.setattr(engine, "CHECKPOINT_FORMAT", engine.CHECKPOINT_FORMAT + 1)
    assert engine._checkpoint_key([str(data)], cfg) != key
    monkeypatch.undo()
    monkeypatch.setattr(copytrace, "__version__", "0.0.0-other")
    assert engine._checkpoint_key([str(data)], cfg) != key


def test_clean_corpus_on_spark_writes_the_local_engines_rows(
    spark: object, corpus: Path, tmp_path: Path
) -> None:
    """``clean --out X.parquet --engine spark``: a folder of part files holding the
    local engine's rows (sorted by id), the same rejects, no stages left."""
    import pyarrow.dataset as ds

    from copytrace.engines.cleaning import clean_corpus as local_clean
    from copytrace.engines.spark import clean_corpus

    local = tmp_path / "local.parquet"
    local_clean([corpus], local, ScanConfig(jobs=1))
    out = tmp_path / "spark.parquet"
    summary = clean_corpus(spark, [corpus], out, config=_spark_config())  # type: ignore[arg-type]
    assert out.is_dir() and (out / "_SUCCESS").exists()
    assert not (tmp_path / ".spark.parquet.stages").exists()
    got = ds.dataset(out).to_table()
    want = pq.read_table(local)
    assert got.column_names == want.column_names
    assert got.column("id").to_pylist() == sorted(want.column("id").to_pylist())
    want = want.sort_by("id")
    for name in want.column_names:
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name
    # every span holds its text, and the article text is the spans'
    for text, spans, body in zip(
        got.column("text").to_pylist(),
        got.column("content").to_pylist(),
        got.column("article_text").to_pylist(),
        strict=True,
    ):
        for s, e in spans or []:
            assert text[s:e].strip() and text[s:e].split()[0] in body
    assert summary.articles == got.num_rows == 300 and summary.rejected == 2
    assert (tmp_path / "spark.parquet.rejects.jsonl").read_bytes() == (
        tmp_path / "local.parquet.rejects.jsonl"
    ).read_bytes()


def test_clean_corpus_on_spark_resumes_from_its_stages(
    spark: object, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that fails while writing keeps its stages; the rerun takes read, chrome
    and clean from them."""
    from copytrace.engines import spark as engine

    out = tmp_path / "c.parquet"
    stages = tmp_path / ".c.parquet.stages"

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(engine, "_write_rejects", broken)
    with pytest.raises(OSError, match="disk full"):
        engine.clean_corpus(spark, [corpus], out, config=_spark_config())  # type: ignore[arg-type]
    assert (stages / "clean" / "_SUCCESS").exists()
    monkeypatch.undo()
    summary = engine.clean_corpus(spark, [corpus], out, config=_spark_config())  # type: ignore[arg-type]
    assert summary.resumed_stages == ["read", "chrome", "clean"]
    assert summary.articles == 300 and not stages.exists()


def test_cli_clean_and_scan_take_url_inputs_with_the_spark_engine(
    corpus: Path, tmp_path: Path, spark: object
) -> None:
    """A ``file://`` INPUT stays a URL (a ``Path`` would make it ``file:/...``)."""
    import pyarrow.dataset as ds
    from click.testing import CliRunner

    from copytrace.cli import main

    out = tmp_path / "cleaned.parquet"
    res = CliRunner().invoke(
        main,
        ["clean", corpus.as_uri(), "--out", str(out), "--engine", "spark", "--partitions", "2"],
    )
    assert res.exit_code == 0, res.output
    assert ds.dataset(out).count_rows() == 300
    assert "2 record(s) rejected" in res.output
    res = CliRunner().invoke(
        main,
        ["scan", "--engine", "spark", "--partitions", "2", "--no-articles-file",
         corpus.as_uri(), "--out", str(tmp_path / "scan")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (tmp_path / "scan" / "pairs.jsonl").stat().st_size > 0


# ----------------------------------------------------------------------------- failures
# The cleaner fails on article "bad", the aligner on the pair x-y (tests/_failing.py):
# in the driver by monkeypatch (the local engine, jobs=1), in Spark's Python workers
# through the engine's task functions (the engine and _failing pickled by value, so
# its tasks call the failing ones; each fails only while it runs, and the real
# guards in copytrace.stages catch the failures).


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> object:
    from pyspark import cloudpickle

    import _failing
    from copytrace import clean, stages
    from copytrace.engines import spark as engine

    monkeypatch.setattr(clean, "clean_many", _failing.failing_clean_many(clean.clean_many))
    monkeypatch.setattr(stages, "align_pair", _failing.failing_align_pair(stages.align_pair))
    monkeypatch.setattr(engine, "clean_batch", _failing.clean_batch_failing)
    monkeypatch.setattr(engine, "align_batch", _failing.align_batch_failing)
    for module in (engine, _failing):
        cloudpickle.register_pickle_by_value(module)
    yield
    for module in (engine, _failing):
        cloudpickle.unregister_pickle_by_value(module)


@pytest.mark.usefixtures("failing")
def test_articles_and_pairs_spark_fails_on_are_reported_in_the_rejects_as_locally(
    spark: object, tmp_path: Path
) -> None:
    """Before session 26 an executor only logged them: a cluster user never saw them."""
    import _failing
    from copytrace.engines.spark import clean_corpus
    from copytrace.engines.spark import scan as spark_scan

    corpus = _failing.corpus(tmp_path, broken_line=True)
    local = tmp_path / "local"
    ls = scan([corpus], local, jobs=1)
    out = tmp_path / "spark"
    ss = spark_scan(spark, [corpus], out, config=_spark_config())  # type: ignore[arg-type]
    assert (ls.articles, ls.rejected, ls.failed) == (ss.articles, ss.rejected, ss.failed) == (
        5, 1, 2,
    )  # fmt: skip
    _assert_same_outputs(local, out)
    rejects = [json.loads(r) for r in (out / "rejects.jsonl").read_text().splitlines()]
    assert [(r["record"], r.get("stage"), r.get("ids")) for r in rejects] == [
        (6, None, None), (None, "clean", ["bad"]), (None, "align", ["x", "y"]),
    ]  # fmt: skip
    assert rejects[2]["reason"] == "aligning failed: MemoryError: Unable to allocate 15.6 GiB"
    pairs = [json.loads(r) for r in (out / "pairs.jsonl").read_text().splitlines()]
    assert [(p["a_id"], p["b_id"]) for p in pairs] == [("copy", "orig")]
    # clean --out on Spark: the cleaner's failure beside the unreadable record
    cleaned = tmp_path / "cleaned.parquet"
    done = clean_corpus(spark, [corpus], cleaned, config=_spark_config())  # type: ignore[arg-type]
    assert (done.rejected, done.failed) == (1, 1)
    rows = [
        json.loads(r) for r in (tmp_path / "cleaned.parquet.rejects.jsonl").read_text().splitlines()
    ]
    assert rows[1] == {
        "file": None,
        "record": None,
        "reason": "cleaning failed (kept with no content): ValueError: unreadable",
        "stage": "clean",
        "ids": ["bad"],
    }
