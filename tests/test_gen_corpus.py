"""The syndicated-corpus generator (bench/gen_corpus.py) and its scorer (bench/score_scan.py).

The truth is checked against the text itself, with copytrace's own tokenizer:
passages point at reused words, unrelated articles share no 8-word run, and the
scorer gives the hand-computed numbers on a perturbed copy.
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.util
import itertools
import json
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from copytrace.ingest import read_inputs
from copytrace.model import Article, Reject
from copytrace.text import tokenize

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up
    spec.loader.exec_module(module)
    return module


gen_corpus = _load("gen_corpus")
score_scan = _load("score_scan")


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


class Corpus:
    """A generated corpus loaded for checking."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.articles = {r["id"]: r for r in _rows(out / "articles.jsonl")}
        self.pairs = _rows(out / "truth" / "pairs.jsonl")
        self.passages = _rows(out / "truth" / "passages.jsonl")
        self.clusters = _rows(out / "truth" / "clusters.jsonl")
        self.content = {r["id"]: r for r in _rows(out / "truth" / "content.jsonl")}
        self.manifest = json.loads((out / "manifest.json").read_text("utf-8"))

    def body_spans(self, aid: str) -> list[tuple[int, int]]:
        """Content spans without the headline (the first span)."""
        return [tuple(s) for s in self.content[aid]["content"][1:]]  # type: ignore[misc]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    out = tmp_path_factory.mktemp("corpus")
    params = gen_corpus.Params(articles=1500, seed=3)
    gen_corpus.generate(out, params, chunk_articles=500, check_ngrams=True)
    return Corpus(out)


def test_corpus_has_every_kind_of_article_in_realistic_shares(corpus: Corpus) -> None:
    roles: dict[str, int] = defaultdict(int)
    for row in corpus.content.values():
        roles[row["role"]] += 1
    n = len(corpus.articles)
    assert n == 1500 and sum(roles.values()) == n
    assert roles["original"] / n > 0.6  # most of the corpus is unrelated
    assert roles["wire"] > 20 and roles["reprint"] > 2 * roles["wire"]
    assert roles["reprint-of-reprint"] > 5 and roles["quote"] > 10
    sources = {r["source"] for r in corpus.articles.values()}
    assert {"wire:AP", "wire:Reuters"} <= sources and len(sources) > 10
    mean_chars = sum(len(r["text"]) for r in corpus.articles.values()) / n
    assert 2000 < mean_chars < 5000  # ~3 GB per million articles


def test_articles_read_back_through_the_ingest_readers(corpus: Corpus) -> None:
    items = list(read_inputs([corpus.out / "articles.jsonl"]))
    assert not [i for i in items if isinstance(i, Reject)]
    arts = [i for i in items if isinstance(i, Article)]
    assert len(arts) == 1500 and len({a.id for a in arts}) == 1500
    assert all(a.published and a.source and a.url and a.title for a in arts)
    assert all(a.title in a.text for a in arts)


def _word_spans(text: str, start: int, end: int) -> list[str]:
    return tokenize(text, [(start, end)]).words


def test_every_truth_passage_points_at_the_reused_words(corpus: Corpus) -> None:
    kinds: dict[str, int] = defaultdict(int)
    for p in corpus.passages:
        src = corpus.articles[p["source_id"]]["text"]
        tgt = corpus.articles[p["target_id"]]["text"]
        s_words = _word_spans(src, p["source_start"], p["source_end"])
        t_words = _word_spans(tgt, p["target_start"], p["target_end"])
        # spans start and end on whole words
        assert tokenize(src[p["source_start"] : p["source_end"]]).words == s_words
        assert src[p["source_start"]].isalnum() and src[p["source_end"] - 1].isalnum()
        assert tgt[p["target_start"]].isalnum() and tgt[p["target_end"] - 1].isalnum()
        assert p["words"] >= gen_corpus.MIN_PASSAGE_WORDS
        assert p["words"] <= min(len(s_words), len(t_words))
        kinds[p["kind"]] += 1
        if p["kind"] == "verbatim":
            assert s_words == t_words and p["similarity"] == 1.0
        else:
            ratio = difflib.SequenceMatcher(None, s_words, t_words, autojunk=False).ratio()
            assert ratio >= 0.75, (p, ratio)
    assert kinds["verbatim"] > 50 and kinds["near-verbatim"] > 50


def test_passages_lie_inside_article_content_never_in_chrome(corpus: Corpus) -> None:
    for p in corpus.passages:
        for aid, s, e in (
            (p["source_id"], p["source_start"], p["source_end"]),
            (p["target_id"], p["target_start"], p["target_end"]),
        ):
            text = corpus.articles[aid]["text"]
            spans = corpus.body_spans(aid)
            toks = tokenize(text, [(s, e)])
            inside = [
                any(a <= ts and te <= b for a, b in spans)
                for ts, te in zip(toks.starts, toks.ends, strict=True)
            ]
            assert all(inside), (aid, text[s:e])


def _content_8grams(corpus: Corpus) -> dict[int, set[str]]:
    grams: dict[int, set[str]] = defaultdict(set)
    for aid, art in corpus.articles.items():
        words = tokenize(art["text"], [tuple(s) for s in corpus.content[aid]["content"]]).words
        for i in range(len(words) - 7):
            grams[hash(tuple(words[i : i + 8]))].add(aid)
    return grams


def test_articles_sharing_an_8_word_run_are_exactly_the_truth_pairs(corpus: Corpus) -> None:
    truth = {(p["a_id"], p["b_id"]) for p in corpus.pairs}
    sharing: set[tuple[str, str]] = set()
    for ids in _content_8grams(corpus).values():
        if 1 < len(ids) < 100:
            sharing.update(itertools.combinations(sorted(ids), 2))
    assert sharing - truth == set()  # unrelated articles share no 8-word run of content
    assert len(truth & sharing) >= 0.95 * len(truth)  # edited copies still share some
    assert corpus.manifest["accidental_shared_8grams"] == 0


def test_pairs_are_consistent_with_their_passages(corpus: Corpus) -> None:
    per_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for p in corpus.passages:
        per_pair[tuple(sorted((p["source_id"], p["target_id"])))].append(p)  # type: ignore[index]
    assert len(corpus.pairs) == len(per_pair)
    relations: dict[str, int] = defaultdict(int)
    for row in corpus.pairs:
        a, b = row["a_id"], row["b_id"]
        assert a < b and row["source_id"] in (a, b, None)
        found = per_pair[(a, b)]
        assert row["passages"] == len(found) and row["words"] == sum(p["words"] for p in found)
        assert 0 < row["coverage_a"] <= 1 and 0 < row["coverage_b"] <= 1
        assert row["confidence"] == (1.0 if row["source_id"] else 0.0)
        if row["source_id"]:
            assert all(p["source_id"] == row["source_id"] for p in found)
            assert all(p["attributed"] == row["attributed"] for p in found)
        relations[row["relation"]] += 1
    assert set(relations) == {"reprint", "reprint-of-reprint", "quote", "indirect", "sibling"}
    assert any(r["attributed"] for r in corpus.pairs)
    assert any(r["source_id"] and not r["attributed"] for r in corpus.pairs)


def _when(aid: str, corpus: Corpus) -> dt.datetime:
    return dt.datetime.fromisoformat(corpus.articles[aid]["published"])


def test_sources_are_published_before_their_copies(corpus: Corpus) -> None:
    for row in corpus.pairs:
        if row["source_id"]:
            target = row["b_id"] if row["source_id"] == row["a_id"] else row["a_id"]
            assert _when(row["source_id"], corpus) < _when(target, corpus)


def test_no_source_appears_twice_in_one_cluster(corpus: Corpus) -> None:
    for c in corpus.clusters:
        sources = [corpus.articles[a]["source"] for a in c["article_ids"]]
        assert len(sources) == len(set(sources))


def test_clusters_are_the_connected_components_of_the_pairs(corpus: Corpus) -> None:
    cluster_of: dict[str, str] = {}
    for c in corpus.clusters:
        assert len(c["article_ids"]) > 1 and c["origin_id"] in c["article_ids"]
        for aid in c["article_ids"]:
            assert aid not in cluster_of  # exactly one cluster per article
            cluster_of[aid] = c["cluster_id"]
    in_pairs = {a for r in corpus.pairs for a in (r["a_id"], r["b_id"])}
    assert in_pairs == set(cluster_of)
    for row in corpus.pairs:
        assert cluster_of[row["a_id"]] == cluster_of[row["b_id"]]
    targets = {
        (r["b_id"] if r["source_id"] == r["a_id"] else r["a_id"])
        for r in corpus.pairs
        if r["source_id"]
    }
    assert not {c["origin_id"] for c in corpus.clusters} & targets  # origins copy nobody


def test_content_truth_excludes_chrome_lines(corpus: Corpus) -> None:
    for aid, art in list(corpus.articles.items())[:300]:
        text = art["text"]
        spans = corpus.content[aid]["content"]
        assert text[spans[0][0] : spans[0][1]] == art["title"]
        inside = "".join(text[s:e] for s, e in spans)
        for chrome in ("Most read", "All rights reserved", "READ MORE", "Advertisement\n"):
            assert chrome not in inside


def _files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


@pytest.mark.slow
def test_same_seed_same_corpus_whatever_the_workers(tmp_path: Path) -> None:
    params = gen_corpus.Params(articles=700, seed=11)
    gen_corpus.generate(tmp_path / "one", params, chunk_articles=300)
    gen_corpus.generate(tmp_path / "two", params, workers=2, chunk_articles=300)
    gen_corpus.generate(
        tmp_path / "other", gen_corpus.Params(articles=700, seed=12), chunk_articles=300
    )
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert one == two
    assert one["articles.jsonl"] != _files(tmp_path / "other")["articles.jsonl"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet"])
def test_parts_in_every_format_read_back_with_their_truth(tmp_path: Path, fmt: str) -> None:
    params = gen_corpus.Params(articles=650, seed=5)
    manifest = gen_corpus.generate(tmp_path, params, fmt=fmt, part_size=300, chunk_articles=300)
    ext = ".jsonl.gz" if fmt == "jsonl.gz" else ".parquet"
    assert manifest["articles_files"] == [f"articles/part-{i:05d}{ext}" for i in range(3)]
    arts = [a for a in read_inputs([tmp_path / "articles"]) if isinstance(a, Article)]
    assert len(arts) == 650
    ids = {a.id for a in arts}
    pairs = _rows(tmp_path / "truth" / "pairs.jsonl")
    assert pairs and all(p["a_id"] in ids and p["b_id"] in ids for p in pairs)


def test_cli_refuses_a_non_empty_out_folder(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("keep me")
    assert gen_corpus.main(["--articles", "10", "--out", str(tmp_path)]) == 2
    assert (tmp_path / "x").read_text() == "keep me"


# ---------------------------------------------------------------------------
# The scorer
# ---------------------------------------------------------------------------


def test_truth_scored_against_itself_is_perfect(corpus: Corpus) -> None:
    res = score_scan.score(corpus.out, corpus.out / "truth")
    assert res["pairs"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert res["direction"]["accuracy"] == 1.0 and res["direction"]["decided"] == 1.0
    assert res["passages"]["char_f1"] == 1.0 and res["passages"]["char_micro"]["f1"] == 1.0
    assert res["clusters"]["ari"] == 1.0 and res["attribution"]["accuracy"] == 1.0
    assert all(v["recall"] == 1.0 for v in res["recall_by_relation"].values())


def _write(folder: Path, name: str, rows: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _pair(a: str, b: str, src: str | None, rel: str = "reprint") -> dict[str, Any]:
    return {"a_id": a, "b_id": b, "source_id": src, "confidence": 1.0, "coverage_a": 0.5,
            "coverage_b": 0.5, "passages": 1, "words": 10, "relation": rel}  # fmt: skip


def _passage(
    src: str, tgt: str, s: tuple[int, int], t: tuple[int, int], attr: bool = False
) -> dict[str, Any]:
    return {"source_id": src, "target_id": tgt, "source_start": s[0], "source_end": s[1],
            "target_start": t[0], "target_end": t[1], "kind": "verbatim", "words": 10,
            "similarity": 1.0, "attributed": attr}  # fmt: skip


def _perturbed(tmp_path: Path) -> tuple[Path, Path]:
    truth, scan = tmp_path / "truth", tmp_path / "scan"
    true_pairs = [_pair("a", "b", "a"), _pair("a", "c", "a"), _pair("b", "c", None, "sibling")]
    _write(truth, "pairs.jsonl", [*true_pairs, _pair("d", "e", "d")])
    _write(truth, "passages.jsonl", [
        _passage("a", "b", (0, 100), (10, 110), attr=True),
        _passage("a", "c", (0, 50), (0, 50)),
        _passage("b", "c", (10, 60), (0, 50)),
        _passage("d", "e", (0, 40), (0, 40)),
    ])  # fmt: skip
    _write(truth, "clusters.jsonl", [
        {"cluster_id": "t1", "article_ids": ["a", "b", "c"], "origin_id": "a"},
        {"cluster_id": "t2", "article_ids": ["d", "e"], "origin_id": "d"},
    ])  # fmt: skip
    # the scan: finds a-b (right direction, passage shifted), a-c (wrong direction),
    # d-e (no direction), misses b-c, and invents d-f
    _write(scan, "pairs.jsonl", [_pair("a", "b", "a"), _pair("a", "c", "c"),
                                 _pair("d", "e", None), _pair("d", "f", "d")])  # fmt: skip
    _write(scan, "passages.jsonl", [
        _passage("a", "b", (50, 150), (60, 160), attr=True),
        _passage("c", "a", (0, 50), (0, 50)),
        _passage("d", "e", (0, 40), (0, 40)),
        _passage("d", "f", (100, 120), (0, 20)),
    ])  # fmt: skip
    _write(scan, "clusters.jsonl", [
        {"cluster_id": "s1", "article_ids": ["a", "b", "c"], "origin_id": "a"},
        {"cluster_id": "s2", "article_ids": ["d", "e", "f"], "origin_id": "d"},
    ])  # fmt: skip
    return truth, scan


def test_perturbed_scan_scores_as_computed_by_hand(tmp_path: Path) -> None:
    truth, scan = _perturbed(tmp_path)
    res = score_scan.score(truth, scan)
    # pairs: 3 of 4 scan pairs are true, 3 of 4 true pairs found
    assert res["pairs"] == {"precision": 0.75, "recall": 0.75, "f1": 0.75}
    assert res["recall_by_relation"]["sibling"]["recall"] == 0.0
    # direction: true directed pairs found are a-b (right), a-c (wrong), d-e (null: wrong)
    assert res["direction"] == {"pairs": 3, "accuracy": round(1 / 3, 4), "decided": round(2 / 3, 4)}
    # passages per found pair: a-b overlaps 50 of 100 chars on each side -> F1 0.5;
    # a-c and d-e are exact -> F1 1.0; mean (0.5 + 1 + 1) / 3
    assert res["passages"]["char_f1"] == round(2.5 / 3, 4)
    # micro: true chars 200 + 100 + 100 + 80 = 480; scan chars 200 + 100 + 80 + 40 = 420;
    # overlap 100 + 100 + 80 = 280
    micro = res["passages"]["char_micro"]
    assert micro["precision"] == round(280 / 420, 4) and micro["recall"] == round(280 / 480, 4)
    # clusters over a..f: truth {a,b,c} {d,e} {f}; scan {a,b,c} {d,e,f}
    # index = C(3,2) + C(2,2) = 4; rows 3 + 1 = 4; cols 3 + 3 = 6; C(6,2) = 15
    # expected = 4 * 6 / 15 = 1.6; ARI = (4 - 1.6) / (5 - 1.6)
    assert res["clusters"]["ari"] == round(2.4 / 3.4, 4)
    # attribution over a-b (agree), a-c (agree, both false), d-e (agree)
    assert res["attribution"]["accuracy"] == 1.0


def test_adjusted_rand_index_matches_known_values() -> None:
    ari = score_scan.adjusted_rand_index
    assert ari(["0", "0", "1", "1"], ["0", "0", "1", "2"]) == round(4 / 7, 4)
    assert ari(["0", "0", "1", "1"], ["1", "1", "0", "0"]) == 1.0
    assert ari(["a", "b", "c"], ["a", "b", "c"]) == 1.0
    with pytest.raises(ValueError):
        ari(["a"], ["a", "b"])


def test_span_overlap_counts_characters_once() -> None:
    assert score_scan.merge([(0, 10), (5, 20), (30, 40)]) == [(0, 20), (30, 40)]
    assert score_scan.overlap([(0, 20), (30, 40)], [(10, 35)]) == 15
    assert score_scan.length([(0, 20), (30, 40)]) == 30


def test_score_cli_prints_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    truth, scan = _perturbed(tmp_path)
    assert score_scan.main([str(truth), str(scan)]) == 0
    out = capsys.readouterr().out
    assert "P 0.7500  R 0.7500" in out and "ARI 0.7059" in out
    assert score_scan.main([str(truth), str(tmp_path / "missing")]) == 2


def test_score_accepts_the_corpus_folder_for_the_truth(tmp_path: Path) -> None:
    truth, scan = _perturbed(tmp_path)
    corpus = tmp_path / "corpus"
    shutil.copytree(truth, corpus / "truth")
    assert score_scan.score(corpus, scan) == score_scan.score(truth, scan)


def test_mega_stories_are_reprinted_by_as_many_outlets_as_asked(tmp_path: Path) -> None:
    params = gen_corpus.Params(articles=1000, seed=3, mega_reprints=9, mega_share=1.0)
    gen_corpus.generate(tmp_path, params, chunk_articles=500)
    mega = Corpus(tmp_path)
    # one family a chunk: the wire and its 9 reprints, each reprint from another outlet
    big = [c for c in mega.clusters if len(c["article_ids"]) >= 10]
    assert len(big) >= 2
    for c in big:
        sources = [mega.articles[a]["source"] for a in c["article_ids"]]
        assert len(set(sources)) == len(sources)
        assert mega.articles[c["origin_id"]]["source"].startswith("wire:")


# ----------------------------------------------------------------------------- HTML and crawls


def test_html_pages_hold_the_text_pages_article_at_the_truths_offsets(
    corpus: Corpus, tmp_path: Path
) -> None:
    """``--html``: the same corpus (same seed) as pages in a site template; every
    truth span (content and passages) holds the text page's words at its place."""
    from html import unescape

    out = tmp_path / "html"
    gen_corpus.generate(
        out, gen_corpus.Params(articles=1500, seed=3, html=True), chunk_articles=500
    )
    pages = {r["id"]: r for r in _rows(out / "articles.jsonl")}
    content = {r["id"]: r for r in _rows(out / "truth" / "content.jsonl")}
    assert pages.keys() == corpus.articles.keys()
    for aid, page in pages.items():
        html, text = page["html"], corpus.articles[aid]["text"]
        assert html.startswith("<!DOCTYPE html>") and "<article>" in html and "text" not in page
        spans = zip(corpus.content[aid]["content"], content[aid]["content"], strict=True)
        for (a, b), (c, d) in spans:
            assert unescape(html[c:d]) == text[a:b]
    passages = _rows(out / "truth" / "passages.jsonl")
    assert len(passages) == len(corpus.passages)
    for p, q in zip(corpus.passages, passages, strict=True):
        for side in ("source", "target"):
            a, b = p[f"{side}_start"], p[f"{side}_end"]
            c, d = q[f"{side}_start"], q[f"{side}_end"]
            words = tokenize(corpus.articles[p[f"{side}_id"]]["text"], [(a, b)]).words
            html = pages[q[f"{side}_id"]]["html"][c:d]  # (paragraphs apart: markup between)
            assert tokenize(unescape(re.sub(r"<[^>]*>", " ", html))).words == words


def test_a_generated_crawl_reads_back_with_urls_as_ids_and_scans_to_its_truth(
    tmp_path: Path,
) -> None:
    """``--format warc.gz``: HTML responses whose URLs are the truth's ids; the
    scan finds the truth's pairs, directions and credits (attribution was 0.11
    before the agencies' sites and the hosts' names were publisher names)."""
    from copytrace.scan import scan

    out = tmp_path / "crawl"
    gen_corpus.generate(out, gen_corpus.Params(articles=400, seed=5), fmt="warc.gz")
    warc = out / "articles.warc.gz"
    items = list(read_inputs([warc]))
    arts = [i for i in items if isinstance(i, Article)]
    content = {r["id"] for r in _rows(out / "truth" / "content.jsonl")}
    assert len(arts) == len(items) == 400 and {a.id for a in arts} == content
    assert all(a.is_html and a.source and a.published for a in arts)
    assert {a.source for a in arts} >= {"apnews.com", "reuters.com"}
    scanned = tmp_path / "scan"
    scan([warc], scanned, jobs=1)
    scores = score_scan.score(out / "truth", scanned)
    assert scores["pairs"]["recall"] >= 0.95 and scores["pairs"]["precision"] >= 0.98
    assert scores["direction"]["accuracy"] >= 0.95
    assert scores["attribution"]["accuracy"] >= 0.95


def test_a_generated_folder_of_pages_is_the_crawls_pages_and_scans_to_its_truth(
    tmp_path: Path,
) -> None:
    """``--format html``: the crawl's pages as files named by the truth's ids, with no
    fetch date or source beside them; the scan of the folder dates each page by its
    own markup (direction was 0.81 on 10k such pages while the canonical URL's day
    won over the page's published time)."""
    from copytrace.scan import scan

    crawl, folder = tmp_path / "crawl", tmp_path / "folder"
    gen_corpus.generate(crawl, gen_corpus.Params(articles=400, seed=5), fmt="warc.gz")
    gen_corpus.generate(folder, gen_corpus.Params(articles=400, seed=5), fmt="html")
    files = sorted((folder / "pages").iterdir())
    content = {r["id"] for r in _rows(folder / "truth" / "content.jsonl")}
    assert {f.stem for f in files} == content and len(files) == 400
    crawled = {a.text for a in read_inputs([crawl / "articles.warc.gz"]) if isinstance(a, Article)}
    assert {f.read_text(encoding="utf-8") for f in files} == crawled
    scanned = tmp_path / "scan"
    scan([folder / "pages"], scanned, jobs=1)
    scores = score_scan.score(folder / "truth", scanned)
    assert scores["pairs"]["recall"] >= 0.95 and scores["pairs"]["precision"] >= 0.98
    assert scores["direction"]["accuracy"] >= 0.95 and scores["direction"]["decided"] >= 0.95
