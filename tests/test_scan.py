"""End-to-end: ``scan`` on a small syndicated corpus built from bundled text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from copytrace.chrome import ChromeParams
from copytrace.cli import main
from copytrace.engines.local import clean_pieces
from copytrace.scan import OUTPUT_FILES, ScanConfig, scan
from copytrace.text import tokenize

PARAGRAPHS = (Path(__file__).parent / "data" / "scan" / "paragraphs.txt").read_text().split("\n\n")

# Prose-like site chrome shared by every page of two sites on one CMS: long
# sentences a line classifier alone would keep.
CMS_LINES = [
    "Our journalism depends on readers like you, and every single contribution helps "
    "keep independent local reporting alive in the community for years to come.",
    "Sign up for the morning briefing to receive the most important stories of the day "
    "delivered straight to your inbox before breakfast every weekday.",
]


def _edit(text: str, every: int) -> str:
    """A copy edit: every ``every``-th word changed."""
    words = text.split(" ")
    for k in range(every // 2, len(words), every):
        words[k] = "edited" if words[k] != "edited" else "changed"
    return " ".join(words)


def _story(*ks: int) -> str:
    return "\n\n".join(PARAGRAPHS[k].strip() for k in ks)


def corpus_rows() -> list[dict[str, str]]:
    """Articles with known reuse (ids tell the story)."""
    rows: list[dict[str, str]] = []

    def add(id_: str, source: str, day: int, title: str, body: str) -> None:
        rows.append(
            {
                "id": id_,
                "source": source,
                "published": f"2024-03-{day:02d}T09:00:00+00:00",
                "title": title,
                "text": f"{title}\n\n{body}\n",
                "url": f"https://{source.lower().replace(' ', '')}.example/{id_}",
            }
        )

    for i in range(5):
        add(f"wire-{i}", "Wire Agency", 1, f"Wire story {i}", _story(*range(4 * i, 4 * i + 4)))
    # Reprints of wire-0 (edited; truncated with a new intro) and of wire-1.
    add("reprint-a", "Daily A", 2, "Daily A runs the story", _edit(_story(0, 1, 2, 3), 13))
    add("reprint-b", "Daily B", 3, "Daily B too", _story(40, 0, 1))
    add("reprint-c", "Daily C", 2, "Another one", _edit(_story(4, 5, 6), 17))
    # One paragraph of wire-2 quoted inside other text, credited.
    add(
        "quote-d",
        "Daily D",
        4,
        "Commentary",
        _story(41, 42)
        + "\n\nAs Wire Agency reported: "
        + PARAGRAPHS[9].strip()
        + "\n\n"
        + _story(43),
    )
    # The wire agency republishing its own story: same-source reuse.
    add("wire-3-again", "Wire Agency", 2, "Wire story 3 (update)", _story(12, 13, 14))
    # Two sites on one CMS: unrelated stories, identical prose-like chrome.
    for s, site in enumerate(("Town Gazette", "City Herald")):
        for p in range(3):
            k = 50 + 6 * s + 2 * p
            body = "\n".join(CMS_LINES) + "\n\n" + _story(k, k + 1) + "\n\n" + CMS_LINES[0]
            add(f"{site.split()[0].lower()}-{p}", site, 5 + p, f"{site} story {p}", body)
    for u in range(6):
        add(f"other-{u}", f"Other {u}", 6, f"Unrelated {u}", _story(70 + 3 * u, 71 + 3 * u))
    return rows


def write_corpus(folder: Path, *, bad_line: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "corpus.jsonl"
    lines = [json.dumps(r) for r in corpus_rows()]
    if bad_line:
        lines.insert(7, '{"id": "broken", "text": "no closing brace"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def pair_set(out: Path) -> set[tuple[str, str]]:
    return {(str(p["a_id"]), str(p["b_id"])) for p in read_jsonl(out / "pairs.jsonl")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def scanned(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scan") / "out"
    scan([corpus], out, jobs=1)
    return out


def test_every_output_is_written_with_its_documented_schema(scanned: Path) -> None:
    for name in OUTPUT_FILES:
        assert (scanned / name).is_file(), name
    arts = pq.read_table(scanned / "articles.parquet")
    assert arts.schema.names[:6] == ["id", "source", "title", "published", "url", "content"]
    assert arts.column("id").to_pylist() == sorted(arts.column("id").to_pylist())
    passages = read_jsonl(scanned / "passages.jsonl")
    assert passages
    for p in passages:
        assert list(p) == [
            "source_id", "target_id", "source_start", "source_end", "target_start",
            "target_end", "kind", "words", "similarity", "attributed",
        ]  # fmt: skip
        assert p["kind"] in {"verbatim", "near-verbatim", "paraphrase"}
    assert pq.read_table(scanned / "passages.parquet").to_pylist() == passages
    for row in read_jsonl(scanned / "pairs.jsonl"):
        assert list(row) == [
            "a_id", "b_id", "source_id", "confidence", "coverage_a", "coverage_b",
            "passages", "words",
        ]  # fmt: skip
        assert str(row["a_id"]) < str(row["b_id"])
        assert row["source_id"] in (row["a_id"], row["b_id"], None)
    for row in read_jsonl(scanned / "clusters.jsonl"):
        assert list(row) == ["cluster_id", "article_ids", "origin_id"]
        assert row["origin_id"] in row["article_ids"]  # type: ignore[operator]


def test_syndicated_reuse_is_found_with_direction(scanned: Path) -> None:
    pairs = {(p["a_id"], p["b_id"]): p for p in read_jsonl(scanned / "pairs.jsonl")}
    for a, b in [("reprint-a", "wire-0"), ("reprint-b", "wire-0"), ("reprint-c", "wire-1"),
                 ("quote-d", "wire-2")]:  # fmt: skip
        assert (a, b) in pairs, (a, b)
        assert pairs[(a, b)]["source_id"] == b  # the wire ran first
    # Nothing between unrelated articles.
    for a, b in pairs:
        assert not (a.startswith("other") or b.startswith("other")), (a, b)


def test_passage_offsets_hold_the_reused_text_in_both_articles(scanned: Path) -> None:
    texts = {r["id"]: r["text"] for r in pq.read_table(scanned / "articles.parquet").to_pylist()}
    for p in read_jsonl(scanned / "passages.jsonl"):
        src = texts[p["source_id"]][p["source_start"] : p["source_end"]]  # type: ignore[misc]
        tgt = texts[p["target_id"]][p["target_start"] : p["target_end"]]  # type: ignore[misc]
        ws, wt = tokenize(src).words, tokenize(tgt).words
        assert ws and wt
        if p["kind"] == "verbatim":
            assert ws == wt
        # Reprinted text is the wire's own text, edits aside.
        shared = len(set(ws) & set(wt)) / max(len(set(ws)), len(set(wt)))
        assert shared > 0.5, (src, tgt)


def test_same_source_reuse_is_skipped_unless_asked_for(
    corpus: Path, scanned: Path, tmp_path: Path
) -> None:
    assert ("wire-3", "wire-3-again") not in pair_set(scanned)
    out = tmp_path / "same"
    scan([corpus], out, jobs=1, same_source=True)
    assert ("wire-3", "wire-3-again") in pair_set(out)


def test_site_chrome_shared_by_pages_never_makes_a_pair(
    corpus: Path, scanned: Path, tmp_path: Path
) -> None:
    cms = ("town-", "city-")
    assert not [p for p in pair_set(scanned) if p[0].startswith(cms) or p[1].startswith(cms)]
    # Without chrome learning the shared lines do pair the two sites: the test can fail.
    out = tmp_path / "nochrome"
    config = ScanConfig(jobs=1, chrome=ChromeParams(min_pages=10**9))
    scan([corpus], out, config=config)
    assert [p for p in pair_set(out) if p[0].startswith("city-") and p[1].startswith("town-")]


def test_bad_jsonl_line_goes_to_rejects_and_the_run_completes(scanned: Path) -> None:
    rejects = read_jsonl(scanned / "rejects.jsonl")
    assert len(rejects) == 1
    assert list(rejects[0]) == ["file", "record", "reason"]
    assert str(rejects[0]["file"]).endswith("corpus.jsonl")
    assert rejects[0]["record"] == 8
    ids = pq.read_table(scanned / "articles.parquet").column("id").to_pylist()
    assert len(ids) == len(corpus_rows())


def test_every_reusing_article_is_in_exactly_one_cluster(scanned: Path) -> None:
    clusters = read_jsonl(scanned / "clusters.jsonl")
    seen: list[str] = [a for c in clusters for a in c["article_ids"]]  # type: ignore[attr-defined]
    assert len(seen) == len(set(seen))
    in_pairs = {a for pair in pair_set(scanned) for a in pair}
    assert set(seen) == in_pairs
    by_member = {a: c for c in clusters for a in c["article_ids"]}  # type: ignore[attr-defined]
    assert by_member["reprint-a"]["origin_id"] == "wire-0"


@pytest.mark.slow
def test_two_runs_give_byte_identical_outputs(corpus: Path, scanned: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    scan([corpus], out, jobs=2)  # the worker pool this time
    for name in OUTPUT_FILES:
        assert (scanned / name).read_bytes() == (out / name).read_bytes(), name


def test_small_batches_are_cleaned_in_pieces_that_cover_each_once() -> None:
    # 3 batches for 4 workers: each cut so that there are >= 2 tasks a worker
    offsets = np.array([0, 1000, 2000, 2037])
    pieces = clean_pieces(offsets, 4)
    assert [p for p in pieces if p[0] == 0] == [(0, 0, 333), (0, 333, 666), (0, 666, 1000)]
    assert [p for p in pieces if p[0] == 2] == [(2, 0, 12), (2, 12, 24), (2, 24, 37)]
    assert clean_pieces(offsets, 1) == [(0, 0, 1000), (1, 0, 1000), (2, 0, 37)]
    assert clean_pieces(np.array([0, 5]), 8) == [(0, 0, 5)]  # (too few to cut)
    many = np.arange(0, 20_001, 1000)
    assert clean_pieces(many, 2) == [(i, 0, 1000) for i in range(20)]  # (enough batches)


@pytest.mark.slow
def test_batches_cleaned_in_pieces_give_the_same_outputs(
    corpus: Path, scanned: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pieces"
    # 2 batches (16 and 6 articles), 2 workers: the first cleaned in 2 pieces
    assert clean_pieces(np.array([0, 16, 22]), 2) == [(0, 0, 8), (0, 8, 16), (1, 0, 6)]
    scan([corpus], out, config=ScanConfig(jobs=2, batch_size=16))
    for name in OUTPUT_FILES:
        assert (scanned / name).read_bytes() == (out / name).read_bytes(), name


def test_cli_scan_writes_outputs_and_prints_a_summary(corpus: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["scan", str(corpus), "--out", str(tmp_path / "out"), "--jobs", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "pairs with reuse" in result.output
    assert "1 record(s) rejected" in result.output
    assert (tmp_path / "out" / "report.html").is_file()


def test_cli_scan_of_a_missing_input_is_a_one_line_usage_error(
    corpus: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-crawl.jsonl"
    result = CliRunner().invoke(
        main, ["scan", str(corpus), str(missing), "--out", str(tmp_path / "out"), "--jobs", "1"]
    )
    assert result.exit_code == 2
    assert result.output.strip() == f"error: input not found: {missing}"
    assert not (tmp_path / "out").exists()  # nothing started


def test_stage_functions_over_arrow_batches_reproduce_the_engine(scanned: Path) -> None:
    """What a Spark engine does per partition gives the local engine's pairs."""
    import numpy as np
    import pyarrow as pa

    from copytrace.candidates import candidate_pairs
    from copytrace.chrome import ChromeLearner
    from copytrace.model import Article
    from copytrace.stages import (
        CLEAN_SCHEMA,
        PAIR_INPUT_SCHEMA,
        align_batch,
        articles_to_batch,
        batch_to_pairs,
        clean_batch,
        fingerprint_batch,
        line_hashes_batch,
        pair_rows,
    )

    rows = corpus_rows()
    arts = [Article(r["id"], r["text"], title=r["title"], published=r["published"],
                    source=r["source"], url=r["url"]) for r in rows]  # fmt: skip
    raw = [articles_to_batch(arts[:10]), articles_to_batch(arts[10:])]  # two partitions
    learner = ChromeLearner()
    for b in raw:
        learner.add_batch(line_hashes_batch(b))
    chrome = learner.finish()
    results = pa.Table.from_batches([clean_batch(b, chrome) for b in raw])
    assert results.column("failure").null_count == len(results)
    cleaned = results.drop_columns(["failure"]).cast(CLEAN_SCHEMA)
    fps = pa.Table.from_batches([fingerprint_batch(b) for b in cleaned.to_batches()])
    ids = cleaned.column("id").to_pylist()
    doc = np.array([ids.index(i) for i in fps.column("id").to_pylist()])
    codes = {s: k for k, s in enumerate(sorted(set(cleaned.column("source").to_pylist())))}
    sources = np.array([codes[s] for s in cleaned.column("source").to_pylist()], dtype=np.int32)
    cands = candidate_pairs(fps.column("hash").to_numpy(), doc, len(ids), sources)
    left = cleaned.take(pa.array(cands.a)).rename_columns([f"a_{n}" for n in cleaned.column_names])
    right = cleaned.take(pa.array(cands.b)).rename_columns([f"b_{n}" for n in cleaned.column_names])
    pair_input = pa.Table.from_arrays(
        left.columns + right.columns, schema=PAIR_INPUT_SCHEMA
    ).to_batches()
    records = [r for b in pair_input for r in batch_to_pairs(align_batch(b))]
    assert pair_rows(records) == read_jsonl(scanned / "pairs.jsonl")
