"""Stem fingerprints (``scan --paraphrase``): reworded passages become candidates."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace import stem_fingerprint
from copytrace.candidates import candidate_pairs
from copytrace.cli import main
from copytrace.errors import InputError
from copytrace.fingerprint import (
    FingerprintParams,
    batch_words,
    fingerprint_texts,
    normalize_text,
)
from copytrace.index import Index
from copytrace.model import Article
from copytrace.scan import ScanConfig, scan
from copytrace.stem_fingerprint import content_stems, stem_fingerprints

DATA = Path(__file__).parent / "data" / "paraphrase"
ORIGINAL = (DATA / "original.txt").read_text(encoding="utf-8")
REWRITE = (DATA / "rewrite.txt").read_text(encoding="utf-8")
UNRELATED = (DATA / "unrelated.txt").read_text(encoding="utf-8")


def _shared(texts: list[str], params: FingerprintParams) -> int:
    fp = fingerprint_texts(texts, params)
    return len(set(fp.hash[fp.doc == 0].tolist()) & set(fp.hash[fp.doc == 1].tolist()))


def test_the_reworded_article_shares_stem_fingerprints_and_no_word_ones() -> None:
    # (no 5-word run survives winnowing; runs of content stems do)
    assert _shared([ORIGINAL, REWRITE], FingerprintParams()) == 0
    assert _shared([ORIGINAL, REWRITE], FingerprintParams(stems=True)) >= 2
    assert _shared([ORIGINAL, UNRELATED], FingerprintParams(stems=True)) == 0
    fp = fingerprint_texts([ORIGINAL, REWRITE, UNRELATED], FingerprintParams(stems=True))
    pairs = candidate_pairs(fp.hash, fp.doc.astype(np.int64), 3)
    assert list(zip(pairs.a.tolist(), pairs.b.tolist(), strict=True)) == [(0, 1)]


def test_content_stems_fold_inflections_and_drop_stop_words() -> None:
    texts = ["The army was deploying missiles", "an army deployed the missile"]
    stems, offsets, at = content_stems(batch_words(texts))
    assert offsets.tolist() == [0, 3, 6]
    assert stems[:3].tolist() == stems[3:].tolist()
    assert at.tolist() == [1, 3, 4, 1, 2, 4]  # (word numbers of army, deploy, missile)


def test_spelled_words_are_the_normalised_words() -> None:
    texts = [
        "The U.S. envoy’s café in São Paulo",
        "ﬁnal ΟΔΟΣ Straße naïve co-operate",
        "東京で会議 rock'n'roll 3.5% O'Neill",
        "x",
        "",
    ]
    words = batch_words(texts)
    spelled = words.spell(np.arange(len(words.hashes)))
    expected = [
        w
        for t in texts
        for w in re.findall(
            r"[\u3040-\u30ff\u4e00-\u9fff]|[^\W\u3040-\u30ff\u4e00-\u9fff]+", normalize_text(t)
        )
    ]
    assert spelled == expected
    # each spelled word hashes to its own hash
    again = batch_words(spelled)
    assert again.hashes.tolist() == words.hashes.tolist()


def test_hashes_depend_on_the_text_alone() -> None:
    alone = fingerprint_texts([REWRITE], FingerprintParams(stems=True))
    stem_fingerprint._CACHE.clear()
    batched = fingerprint_texts([UNRELATED, REWRITE, ORIGINAL], FingerprintParams(stems=True))
    assert sorted(alone.hash.tolist()) == sorted(batched.hash[batched.doc == 1].tolist())
    # positions are word numbers of the text, as for word fingerprints
    _doc, hashes, pos = stem_fingerprints(batch_words([REWRITE]))
    assert len(hashes) and int(pos.max()) < len(batch_words([REWRITE]).hashes)
    assert (np.diff(pos) >= 0).all()


def test_stem_hashes_never_meet_word_hashes() -> None:
    plain = set(fingerprint_texts([ORIGINAL], FingerprintParams(window=1)).hash.tolist())
    both = fingerprint_texts([ORIGINAL], FingerprintParams(window=1, stems=True)).hash.tolist()
    stems = set(both) - plain
    assert stems and not stems & plain


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("original.txt", "rewrite.txt", "unrelated.txt"):
        shutil.copy(DATA / name, folder / name)
    return folder


def test_scan_with_paraphrase_finds_the_reworded_article(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    plain, para = tmp_path / "plain", tmp_path / "para"
    scan([folder], plain, config=ScanConfig(jobs=1, report=False))
    assert (plain / "pairs.jsonl").read_text() == ""
    config = ScanConfig(jobs=1, report=False, fingerprint=FingerprintParams(stems=True))
    scan([folder], para, config=config)
    pairs = [json.loads(line) for line in (para / "pairs.jsonl").read_text().splitlines()]
    assert [(p["a_id"], p["b_id"]) for p in pairs] == [("original", "rewrite")]
    passages = [json.loads(line) for line in (para / "passages.jsonl").read_text().splitlines()]
    assert len(passages) >= 3 and {p["kind"] for p in passages} == {"paraphrase"}
    texts = {"original": ORIGINAL, "rewrite": REWRITE}
    for p in passages:  # the offsets hold the reworded sentences
        src = texts[p["source_id"]][p["source_start"] : p["source_end"]]
        dst = texts[p["target_id"]][p["target_start"] : p["target_end"]]
        assert src.strip() == src and dst.strip() == dst and len(src.split()) >= 8
    first = min(passages, key=lambda p: p["source_start"] if p["source_id"] == "original" else 0)
    assert "container terminal" in ORIGINAL[first["source_start"] : first["source_end"]]


def test_cli_scan_paraphrase_flag(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = CliRunner().invoke(
        main, ["scan", str(folder), "--out", str(tmp_path / "o"), "--jobs", "1", "--paraphrase"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "pairs.jsonl").read_text().count("\n") == 1


def test_an_index_made_with_paraphrase_answers_for_reworded_articles(tmp_path: Path) -> None:
    def article(name: str, text: str) -> Article:
        return Article(name, text, content=((0, len(text)),))

    with Index(tmp_path / "para.duckdb", paraphrase=True) as ix:
        ix.add([article("original", ORIGINAL), article("unrelated", UNRELATED)])
        assert ix.params.stems
        hits = ix.query(article("q", REWRITE))
        assert [m.article.id for m in hits] == ["original"]
    with Index(tmp_path / "plain.duckdb") as ix:
        ix.add([article("original", ORIGINAL), article("unrelated", UNRELATED)])
        assert ix.query(article("q", REWRITE)) == []
    # an index keeps the way it was made
    with Index(tmp_path / "para.duckdb") as ix:
        assert ix.params.stems
    with pytest.raises(InputError, match="made without --paraphrase"):
        Index(tmp_path / "plain.duckdb", paraphrase=True)
    result = CliRunner().invoke(
        main, ["index", "add", str(tmp_path / "plain.duckdb"), str(DATA), "--paraphrase"]
    )
    assert result.exit_code != 0 and "made without --paraphrase" in result.output
    info = CliRunner().invoke(main, ["index", "info", str(tmp_path / "para.duckdb"), "--json"])
    assert json.loads(info.output)["paraphrase"] is True


def test_a_small_table_and_cache_give_the_same_stems(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slots shared by many words, and a dictionary cleared between batches: the
    stems are the text's all the same."""
    texts = [ORIGINAL, REWRITE, UNRELATED]
    expected = content_stems(batch_words(texts))
    monkeypatch.setattr(stem_fingerprint, "_TABLE", [])
    monkeypatch.setattr(stem_fingerprint, "_TABLE_BITS", 3)
    monkeypatch.setattr(stem_fingerprint, "_TABLE_MASK", np.uint64(7))
    monkeypatch.setattr(stem_fingerprint, "_CACHE", {})
    monkeypatch.setattr(stem_fingerprint, "_CACHE_MAX", 50)
    for _ in range(2):
        got = content_stems(batch_words(texts))
        for a, b in zip(got, expected, strict=True):
            assert a.tolist() == b.tolist()


# (no lone surrogate: the readers refuse them)
_CHARS = st.sampled_from([*"abcXYZ019 .'’-\n\t,", *"éÉßﬁΣς東アİ", "\u0301"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_CHARS, max_size=40), min_size=1, max_size=4))
def test_spelled_words_hash_back_to_themselves(texts: list[str]) -> None:
    """Any text: each word written out by ``spell`` is one word whose hash is the
    word's own (what the stem cache keys on)."""
    words = batch_words(texts)
    spelled = words.spell(np.arange(len(words.hashes)))
    again = batch_words(spelled)
    assert np.diff(again.offsets).tolist() == [1] * len(spelled)
    assert again.hashes.tolist() == words.hashes.tolist()
