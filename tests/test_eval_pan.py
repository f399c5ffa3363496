"""PAN 2013 harness: the official measures on hand-computed cases, XML I/O, runs, CLI."""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from copytrace.cli import main
from copytrace.errors import InputError, WorkerDiedError
from copytrace.eval.pan import (
    DETECTION_TAG,
    TRUTH_TAG,
    Annotation,
    PanPair,
    align_suspicious,
    detection_xml,
    document_order,
    plagdet_score,
    pool_context,
    read_annotations,
    read_corpus,
    read_document,
    run,
    score,
    score_detections,
    write_detections,
)
from copytrace.model import Article, Passage
from copytrace.text import tokenize

MINI = Path(__file__).resolve().parent / "data" / "pan" / "mini"
NO_PLAG = "01-no-plagiarism"
VERBATIM = "02-no-obfuscation"
RANDOM = "03-random-obfuscation"


def ann(t_off: int, t_len: int, s_off: int, s_len: int, t: str = "s1", s: str = "r1") -> Annotation:
    return Annotation(t, t_off, t_len, s, s_off, s_len)


CASE = ann(0, 100, 0, 100)


# --------------------------------------------------------------------------- scorer


def test_exact_detection_scores_one() -> None:
    got = score([CASE], [CASE])
    assert (got.recall, got.precision, got.granularity, got.plagdet) == (1, 1, 1, 1)
    assert (got.cases, got.detections) == (1, 1)


def test_half_detected_case_has_recall_one_half() -> None:
    got = score([CASE], [ann(0, 50, 0, 50)])
    assert got.recall == 0.5  # (50 + 50) / (100 + 100) characters
    assert got.precision == 1.0
    assert got.granularity == 1.0
    assert got.plagdet == pytest.approx(2 / 3)


def test_case_split_in_two_detections_has_granularity_two() -> None:
    got = score([CASE], [ann(0, 50, 0, 50), ann(50, 50, 50, 50)])
    assert (got.recall, got.precision, got.granularity) == (1, 1, 2)
    assert got.plagdet == pytest.approx(1 / math.log2(3))


def test_false_detection_halves_macro_precision() -> None:
    got = score([CASE], [CASE, ann(500, 80, 700, 80)])
    assert got.recall == 1.0
    assert got.precision == 0.5  # mean of 1 (true) and 0 (no overlap)
    assert got.granularity == 1.0
    assert got.plagdet == pytest.approx(2 / 3)


def test_no_detections_scores_zero() -> None:
    got = score([CASE], [])
    assert (got.recall, got.precision, got.granularity, got.plagdet) == (0, 0, 1, 0)


def test_no_cases_and_no_detections_scores_one() -> None:
    assert score([], []).plagdet == 1.0


def test_any_detection_without_cases_scores_zero() -> None:
    got = score([], [CASE])
    assert (got.recall, got.precision, got.plagdet) == (0, 0, 0)


def test_detection_of_same_span_from_another_source_does_not_count() -> None:
    got = score([CASE], [ann(0, 100, 0, 100, s="r2")])
    assert (got.recall, got.precision) == (0, 0)


def test_detection_overlapping_only_in_suspicious_text_does_not_count() -> None:
    got = score([CASE], [ann(0, 100, 300, 100)])
    assert (got.recall, got.precision) == (0, 0)


def test_source_side_partly_covered_counts_per_character() -> None:
    got = score([CASE], [ann(0, 100, 50, 100)])
    assert got.recall == 0.75  # 100 suspicious + 50 source chars of 200
    assert got.precision == 0.75  # the detection's source side is half outside


def test_overlapping_detections_count_each_character_once() -> None:
    got = score([CASE], [ann(0, 60, 0, 60), ann(40, 60, 40, 60)])
    assert got.recall == 1.0
    assert got.granularity == 2.0


def test_identical_detections_count_once_like_the_official_sets() -> None:
    assert score([CASE], [CASE, CASE]) == score([CASE], [CASE])


def test_recall_is_macro_averaged_over_cases() -> None:
    small = ann(1000, 10, 1000, 10)
    got = score([CASE, small], [CASE])
    assert got.recall == 0.5  # not 200/220: each case weighs the same


def test_detection_in_a_document_without_cases_costs_precision() -> None:
    got = score([CASE], [CASE, ann(0, 100, 0, 100, t="s2", s="r2")])
    assert got.recall == 1.0
    assert got.precision == 0.5


def test_granularity_counts_only_detected_cases() -> None:
    other = ann(1000, 100, 1000, 100)
    got = score([CASE, other], [ann(0, 50, 0, 50), ann(50, 50, 50, 50)])
    assert got.granularity == 2.0
    assert got.recall == 0.5


def test_official_reference_values() -> None:
    # The official script's own unit tests.
    assert plagdet_score(1, 1, 2) == pytest.approx(0.63092975)
    assert plagdet_score(0.25, 0.75, 2) == pytest.approx(0.23659865)
    assert plagdet_score(0.5, 1, 1) == pytest.approx(2 / 3)
    assert plagdet_score(0, 0, 1) == 0


def test_zero_length_annotation_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        score([CASE], [ann(0, 0, 0, 10)])


# --------------------------------------------------------------------------- XML I/O


def test_detection_xml_round_trips(tmp_path: Path) -> None:
    pair = PanPair("susp & co.txt", "src<1>.txt", tmp_path / "a", tmp_path / "b")
    dets = [
        Annotation(pair.susp, 0, 17, pair.src, 3, 21),
        Annotation(pair.susp, 400, 1200, pair.src, 90, 1000),
    ]
    path = write_detections(tmp_path, pair, dets)
    assert path.name == "susp & co-src<1>.xml"
    assert read_annotations(path, DETECTION_TAG) == dets
    assert read_annotations(path, TRUTH_TAG) == []


def test_detection_xml_has_the_pan_shape() -> None:
    xml = detection_xml(
        "suspicious-document00001.txt",
        [Annotation("suspicious-document00001.txt", 5, 10, "source-document00002.txt", 7, 12)],
    )
    assert xml.splitlines() == [
        '<document reference="suspicious-document00001.txt">',
        '<feature name="detected-plagiarism" this_offset="5" this_length="10"'
        ' source_reference="source-document00002.txt" source_offset="7" source_length="12"/>',
        "</document>",
    ]


def test_truth_xml_reads_plagiarism_features_only() -> None:
    path = MINI / VERBATIM / "suspicious-document00716-source-document02705.xml"
    assert read_annotations(path) == [
        Annotation("suspicious-document00716.txt", 1172, 291, "source-document02705.txt", 620, 291)
    ]
    assert (
        read_annotations(MINI / NO_PLAG / "suspicious-document01811-source-document03076.xml") == []
    )


def test_truth_offsets_point_at_the_copied_text() -> None:
    (case,) = read_annotations(
        MINI / VERBATIM / "suspicious-document00716-source-document02705.xml"
    )
    susp = read_document(MINI / "susp" / case.this_reference)
    src = read_document(MINI / "src" / case.source_reference)
    copied = susp[case.this_offset : case.this_offset + case.this_length]
    original = src[case.source_offset : case.source_offset + case.source_length]
    assert " ".join(copied.split()) == " ".join(original.split())
    assert copied.split()[:3] == original.split()[:3]


def test_broken_xml_is_reported_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "broken.xml"
    bad.write_text('<document reference="a.txt"><feature name="plagiarism"', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.xml: not valid XML"):
        read_annotations(bad)


def test_non_integer_offset_is_reported_with_feature_number(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text(
        '<document reference="a.txt"><feature name="plagiarism" this_offset="x"'
        ' this_length="3"/></document>',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"bad\.xml: feature 1: this_offset='x'"):
        read_annotations(bad)


def test_document_read_keeps_newlines_as_in_file(tmp_path: Path) -> None:
    doc = tmp_path / "d.txt"
    doc.write_bytes("line one\r\nline “two”\n".encode())
    text = read_document(doc)
    assert text == "line one\r\nline “two”\n"
    with pytest.raises(InputError, match=r"d2\.txt: not valid UTF-8"):
        (tmp_path / "d2.txt").write_bytes(b"caf\xe9")
        read_document(tmp_path / "d2.txt")


# --------------------------------------------------------------------------- corpus


def test_corpus_pairs_carry_their_category_and_truth() -> None:
    pairs = read_corpus(MINI)
    assert [p.category for p in pairs] == [NO_PLAG, VERBATIM, RANDOM]
    assert all(p.truth_path is not None and p.truth_path.exists() for p in pairs)
    assert pairs[1].name == "suspicious-document00716-source-document02705"


def test_corpus_pairs_file_can_select_pairs() -> None:
    pairs = read_corpus(MINI, MINI / VERBATIM / "pairs")
    assert [(p.susp, p.category) for p in pairs] == [("suspicious-document00716.txt", VERBATIM)]


def test_missing_corpus_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such corpus folder"):
        read_corpus(tmp_path / "nope")
    with pytest.raises(InputError, match=r"src: missing"):
        read_corpus(tmp_path)


def test_malformed_pairs_line_is_reported_with_line_number(tmp_path: Path) -> None:
    root = _copy_mini(tmp_path)
    (root / "pairs").write_text(
        "suspicious-document00716.txt source-document02705.txt\nonly-one-name.txt\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"pairs:2: expected"):
        read_corpus(root)


def test_pair_with_missing_document_names_it(tmp_path: Path) -> None:
    root = _copy_mini(tmp_path)
    (root / "src" / "source-document02705.txt").unlink()
    with pytest.raises(InputError, match=r"source-document02705\.txt: no such document"):
        read_corpus(root)


# --------------------------------------------------------------------------- runs


def _copy_mini(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(MINI, root)
    return root


def ngram_matcher(a: Article, b: Article, params: Any) -> list[Passage]:
    """A plain exact word 8-gram matcher (test baseline, not the product's aligner)."""
    n = 8
    ta, tb = tokenize(a.text), tokenize(b.text)
    grams: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(tb) - n + 1):
        grams.setdefault(tuple(tb.words[j : j + n]), []).append(j)
    hits = sorted(
        (i - j, i)
        for i in range(len(ta) - n + 1)
        for j in grams.get(tuple(ta.words[i : i + n]), ())
    )
    runs: list[list[int]] = []  # [diagonal, first i, last i]
    for diag, i in hits:
        if runs and runs[-1][0] == diag and runs[-1][2] + 1 == i:
            runs[-1][2] = i
        else:
            runs.append([diag, i, i])
    passages = []
    for diag, i0, i1 in runs:
        j0, j1 = i0 - diag, i1 - diag
        a_end, b_end = ta.ends[i1 + n - 1], tb.ends[j1 + n - 1]
        words = i1 - i0 + n
        passages.append(Passage("verbatim", ta.starts[i0], a_end, tb.starts[j0], b_end, words, 1.0))
    return passages


def truth_oracle(a: Article, b: Article, params: Any) -> list[Passage]:
    """Returns the truth of the mini corpus as passages: must score 1.0."""
    for xml in MINI.glob(f"*/{Path(a.id).stem}-{Path(b.id).stem}.xml"):
        return [
            Passage(
                "verbatim",
                c.this_offset,
                c.this_offset + c.this_length,
                c.source_offset,
                c.source_offset + c.source_length,
                1,
                1.0,
            )
            for c in read_annotations(xml)
        ]
    return []


def test_detections_equal_to_truth_score_one(tmp_path: Path) -> None:
    report = run(MINI, tmp_path / "out", jobs=1, params=None, aligner=truth_oracle)
    assert report.overall is not None
    assert report.overall.plagdet == 1.0
    assert {k: v.plagdet for k, v in report.categories.items()} == {
        NO_PLAG: 1.0,
        VERBATIM: 1.0,
        RANDOM: 1.0,
    }
    assert report.no_plagiarism_detections == 0
    # The written XMLs score the same when read back.
    cats, overall = score_detections(read_corpus(MINI), tmp_path / "out")
    assert overall == report.overall and cats == report.categories


def test_run_writes_one_xml_per_pair_with_offsets_into_the_documents(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = run(MINI, out, jobs=2, params=None, aligner=ngram_matcher)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{p.name}.xml" for p in read_corpus(MINI)
    )
    assert report.pairs == 3 and report.jobs == 2
    verbatim = next(r for r in report.runs if r.pair.category == VERBATIM)
    assert verbatim.detections, "the 8-gram matcher finds the unobfuscated copy"
    susp = read_document(verbatim.pair.susp_path)
    src = read_document(verbatim.pair.src_path)
    for d in verbatim.detections:
        a = susp[d.this_offset : d.this_offset + d.this_length]
        b = src[d.source_offset : d.source_offset + d.source_length]
        assert tokenize(a).words == tokenize(b).words
    assert report.categories[VERBATIM].recall > 0.9
    assert report.categories[VERBATIM].precision == 1.0


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    one = run(MINI, None, jobs=1, params=None, aligner=ngram_matcher)
    two = run(MINI, None, jobs=2, params=None, aligner=ngram_matcher)
    assert one.categories == two.categories
    assert [r.detections for r in one.runs] == [r.detections for r in two.runs]


def test_unreadable_document_in_a_worker_is_reported_with_its_name(tmp_path: Path) -> None:
    root = _copy_mini(tmp_path)
    (root / "susp" / "suspicious-document00040.txt").write_bytes(b"\xff\xfe bad")
    with pytest.raises(InputError, match=r"suspicious-document00040\.txt: not valid UTF-8"):
        run(root, None, jobs=2, params=None, aligner=ngram_matcher)


def test_a_killed_worker_ends_the_run_with_an_error() -> None:
    # (multiprocessing.Pool waited forever for the task of a killed worker)
    def killed(a: Article, b: Article, params: Any) -> Sequence[Passage]:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return []

    with pytest.raises(WorkerDiedError, match="worker process died during the PAN evaluation"):
        run(MINI, None, jobs=2, params=None, aligner=killed)


def test_out_of_range_passage_is_refused(tmp_path: Path) -> None:
    def broken(a: Article, b: Article, params: Any) -> Sequence[Passage]:
        return [Passage("verbatim", 0, len(a.text) + 5, 0, 5, 1, 1.0)]

    with pytest.raises(ValueError, match="out-of-range"):
        run(MINI, None, jobs=1, params=None, aligner=broken)


def test_progress_reports_every_pair() -> None:
    seen: list[tuple[int, int]] = []
    run(
        MINI,
        None,
        jobs=1,
        params=None,
        aligner=truth_oracle,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]


# --------------------------------------------------------------------------- CLI


def test_cli_scores_the_mini_corpus_and_writes_xmls(tmp_path: Path) -> None:
    out = tmp_path / "dets"
    result = CliRunner().invoke(main, ["eval", "pan", str(MINI), "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    for name in (NO_PLAG, VERBATIM, RANDOM, "overall", "PlagDet", "Granularity"):
        assert name in result.output
    assert "pairs without plagiarism" in result.output
    assert len(list(out.glob("*.xml"))) == 3


def test_cli_json_gives_scores_per_category(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["eval", "pan", str(MINI), "--out", str(tmp_path), "--jobs", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got["pairs"] == 3 and got["preset"] == "pan"
    assert set(got["categories"]) == {NO_PLAG, VERBATIM, RANDOM}
    assert 0 <= got["overall"]["plagdet"] <= 1
    # The verbatim copy is found and lies where the truth says.
    assert got["categories"][VERBATIM]["recall"] > 0.9


def test_cli_missing_root_is_a_one_line_error_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "pan", str(tmp_path / "missing")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "missing: no such corpus folder" in lines[0]


def test_cli_missing_pairs_file_is_a_one_line_error_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["eval", "pan", str(MINI), "--pairs", str(tmp_path / "p.txt")]
    )
    assert result.exit_code == 2
    assert "p.txt: no such pairs file" in result.output


def test_document_order_puts_pairs_sharing_a_document_together() -> None:
    names = [("s1", "r1"), ("s2", "r2"), ("s3", "r1"), ("s2", "r3"), ("s4", "r4"), ("s3", "r5")]
    pairs = [PanPair(s, r, Path(s), Path(r)) for s, r in names]
    order = document_order(pairs)
    assert sorted(order) == list(range(len(pairs)))  # a permutation
    # the group {s1, r1, s3, r5} and the group {s2, r2, r3} each run unbroken
    position = {k: n for n, k in enumerate(order)}
    for group in ({0, 2, 5}, {1, 3}):
        spots = sorted(position[k] for k in group)
        assert spots == list(range(spots[0], spots[0] + len(group)))
    # and each pair after the first of its group shares a document with an earlier one
    seen: set[str] = set()
    for k in order:
        p = pairs[k]
        if k not in (0, 1, 4):
            assert {p.susp, p.src} & seen
        seen |= {p.susp, p.src}


def test_the_suspicious_document_is_the_reuser() -> None:
    # a no-plagiarism pair of the PAN 2013 training corpus where the source side
    # reads as a summary of the whole suspicious document: PAN's task says the
    # suspicious document reuses, so the default aligner does not look there
    from copytrace.align import PRESETS, align
    from copytrace.eval.pan import align_pair, align_suspicious

    folder = Path(__file__).resolve().parent / "data" / "pan" / "reuser"
    pair = PanPair(
        "suspicious-document00697.txt",
        "source-document00869.txt",
        folder / "suspicious-document00697.txt",
        folder / "source-document00869.txt",
    )
    assert len(align_pair(pair, align, PRESETS["pan"]).detections) == 1
    assert align_pair(pair, align_suspicious, PRESETS["pan"]).detections == ()


def test_workers_start_from_a_fork_server_unless_the_aligner_cannot_be_sent() -> None:
    # (forking a process whose threads may hold a lock can deadlock the child;
    # Python 3.12 warns of it, and the CLI runs a progress thread)
    assert pool_context(align_suspicious, None).get_start_method() == "forkserver"
    assert pool_context(ngram_matcher, None).get_start_method() == "forkserver"

    def closure(a: Article, b: Article, params: Any) -> Sequence[Passage]:
        return []

    assert pool_context(closure, None).get_start_method() == "fork"


def test_a_run_beside_a_thread_forks_nothing(tmp_path: Path) -> None:
    stop = threading.Event()
    busy = threading.Thread(target=stop.wait, daemon=True)
    busy.start()
    try:
        with warnings.catch_warnings(record=True) as seen:
            # (Python 3.12+: a DeprecationWarning on fork() with threads running)
            warnings.simplefilter("always")
            report = run(MINI, tmp_path / "out", jobs=2, params=None, aligner=ngram_matcher)
    finally:
        stop.set()
    assert not [w for w in seen if "fork" in str(w.message)]
    assert report.jobs == 2 and report.categories[VERBATIM].recall > 0.9
