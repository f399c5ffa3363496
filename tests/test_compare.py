"""``compare``: the seed pair end to end, JSON schema, mirror symmetry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copytrace import compare as compare_api
from copytrace.compare import compare, compare_files, ensure_clean
from copytrace.ingest.files import read_article_file
from copytrace.model import Article, PairResult
from copytrace.report.jsonout import pair_to_dict
from copytrace.text import tokenize


def _has_cleaner() -> bool:
    try:
        from copytrace.clean import clean  # noqa: F401
    except ImportError:
        return False
    return True


HAS_CLEANER = _has_cleaner()
needs_cleaner = pytest.mark.skipif(not HAS_CLEANER, reason="copytrace.clean not there yet")


@pytest.fixture(scope="module")
def seed_result() -> PairResult:
    root = Path(__file__).resolve().parent.parent / "examples"
    return compare_files(root / "004_3080a4ee7dd42127.txt", root / "000_3f926fbd34ea6708.txt")


def check_offsets(result: PairResult) -> None:
    """Every passage starts and ends on words and lies inside content."""
    for p in result.passages:
        for art, s, e in ((result.a, p.a_start, p.a_end), (result.b, p.b_start, p.b_end)):
            words = tokenize(art.text)
            assert s in words.starts and e in words.ends
            assert any(lo <= s and e <= hi for lo, hi in art.content) or any(
                lo <= s < hi for lo, hi in art.content
            )


def test_compare_is_exported_from_the_package() -> None:
    assert compare_api is compare


def test_seed_pair_finds_nikkei_as_credited_source(seed_result: PairResult) -> None:
    r = seed_result
    check_offsets(r)
    assert r.direction.source == "a"  # 004_..., Nikkei
    assert any("Nikkei" in e for e in r.direction.evidence)
    verbatim = [p for p in r.passages if p.kind != "paraphrase"]
    starts = [r.a.text[p.a_start : p.a_end][:40] for p in verbatim]
    assert any(s.startswith("Tokyo hopes that cultivating closer") for s in starts)
    assert any(s.startswith("If we deepen our cooperation") for s in starts)
    assert all(p.attributed for p in verbatim)
    assert 0 < r.coverage_a < 1 and 0 < r.coverage_b < 1


def test_seed_pair_tokyo_stretch_is_one_passage(seed_result: PairResult) -> None:
    r = seed_result
    hits = [p for p in r.passages if "Tokyo hopes" in r.b.text[p.b_start : p.b_end]]
    assert len(hits) == 1
    assert r.b.text[hits[0].b_start : hits[0].b_end].endswith(
        "unlikely to agree to such an arrangement this time"
    )


def test_compare_mirrors_when_sides_swap(nikkei_path: Path, tass_path: Path) -> None:
    a, b = read_article_file(nikkei_path), read_article_file(tass_path)
    ab, ba = compare(a, b), compare(b, a)
    assert [
        (p.a_start, p.a_end, p.b_start, p.b_end, p.kind, p.attributed) for p in ab.passages
    ] == sorted((p.b_start, p.b_end, p.a_start, p.a_end, p.kind, p.attributed) for p in ba.passages)
    assert ab.coverage_a == ba.coverage_b and ab.coverage_b == ba.coverage_a
    assert {ab.direction.source, ba.direction.source} == {"a", "b"}
    assert ab.direction.confidence == ba.direction.confidence


def test_json_has_exactly_the_documented_schema(seed_result: PairResult) -> None:
    d = json.loads(json.dumps(pair_to_dict(seed_result)))
    assert set(d) == {"a", "b", "passages", "coverage", "direction"}
    for side in ("a", "b"):
        assert set(d[side]) == {"path", "title", "published", "source", "dateline", "content"}
        assert all(len(span) == 2 and span[0] < span[1] for span in d[side]["content"])
    assert d["passages"]
    for p in d["passages"]:
        assert set(p) == {
            "kind",
            "a_start",
            "a_end",
            "b_start",
            "b_end",
            "words",
            "similarity",
            "attributed",
        }
        assert p["kind"] in {"verbatim", "near-verbatim", "paraphrase"}
    assert set(d["coverage"]) == {"a", "b"}
    assert all(0 <= v <= 1 for v in d["coverage"].values())
    assert set(d["direction"]) == {"source", "confidence", "evidence"}
    assert d["direction"]["source"] in {"a", "b", None}


def test_articles_with_content_are_not_recleaned() -> None:
    art = Article("x", "MENU\nBody text here.", content=((5, 20),))
    assert ensure_clean(art) is art


@needs_cleaner
def test_cleaner_keeps_chrome_out_of_passages(seed_result: PairResult) -> None:
    for p in seed_result.passages:
        assert "Sponsored Content" not in seed_result.a.text[p.a_start : p.a_end]
        assert "Show more" not in seed_result.b.text[p.b_start : p.b_end]
    assert seed_result.a.content != ((0, len(seed_result.a.text)),)


def test_unrelated_articles_compare_without_verbatim() -> None:
    data = Path(__file__).resolve().parent / "data" / "align"
    r = compare_files(data / "harbour_storm.txt", data / "chip_plant.txt")
    assert not [p for p in r.passages if p.kind != "paraphrase"]
