"""The PAN evaluation gate: PlagDet on a fixed sample must stay at or above pinned floors.

The sample (tests/data/pan/gate/pan13-gate.tar.gz, made by bench/make_pan_sample.py)
is a stratified draw of the PAN 2013 training pairs. tests/data/pan/floors.json
pins the floors and keeps their history; raising a floor is an edit plus a
history entry, lowering one needs ``"lowered": true`` and a ``"reason"`` in the
entry (see docs/eval-pan.md).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from copytrace.eval.pan import (
    read_annotations,
    read_corpus,
    run,
    score_detections,
    write_detections,
)

DATA = Path(__file__).resolve().parent / "data" / "pan"
FLOORS = DATA / "floors.json"
TOLERANCE = 1e-9  # float noise only; floors carry their own margin


def load_floors(path: Path = FLOORS) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def ledger_problems(data: dict[str, Any]) -> list[str]:
    """Why a floors file is not acceptable (empty list: acceptable).

    The current ``floors`` and ``max_no_plagiarism_detections`` must equal the last
    history entry; an entry that lowers any floor (or drops one, or allows more
    detections in pairs without plagiarism) must say ``"lowered": true`` and give
    a ``"reason"``.
    """
    problems: list[str] = []
    history = data.get("history") or []
    if not history:
        return ["floors.json has no history"]
    last = history[-1]
    if data.get("floors") != last.get("floors"):
        problems.append("'floors' differs from the last history entry: add an entry")
    if data.get("max_no_plagiarism_detections") != last.get("max_no_plagiarism_detections"):
        problems.append("'max_no_plagiarism_detections' differs from the last history entry")
    for n, (before, after) in enumerate(itertools.pairwise(history), start=2):
        lowered = [
            f"{key} {value} -> {after['floors'].get(key, 'removed')}"
            for key, value in before["floors"].items()
            if after["floors"].get(key, -1.0) < value
        ]
        if after["max_no_plagiarism_detections"] > before["max_no_plagiarism_detections"]:
            lowered.append(
                "max_no_plagiarism_detections "
                f"{before['max_no_plagiarism_detections']} -> "
                f"{after['max_no_plagiarism_detections']}"
            )
        if lowered and not (after.get("lowered") is True and str(after.get("reason", "")).strip()):
            problems.append(
                f"history entry {n} lowers {', '.join(lowered)} without "
                '"lowered": true and a "reason"'
            )
    return problems


def _committed_floors() -> dict[str, Any] | None:
    """floors.json as committed at HEAD, when this is a git checkout."""
    root = Path(__file__).resolve().parent.parent
    rel = FLOORS.relative_to(root).as_posix()
    try:
        got = subprocess.run(
            ["git", "show", f"HEAD:{rel}"], cwd=root, capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if got.returncode != 0:
        return None
    data: dict[str, Any] = json.loads(got.stdout)
    return data


def test_floors_file_only_lowers_with_flag_and_reason() -> None:
    assert ledger_problems(load_floors()) == []


def test_floors_history_is_only_appended_to() -> None:
    committed = _committed_floors()
    if committed is None:
        pytest.skip("not a git checkout with a committed floors.json")
    old, new = committed["history"], load_floors()["history"]
    assert new[: len(old)] == old, "floors.json history entries were edited or removed"


def test_ledger_refuses_silent_lowering() -> None:
    entry = {"floors": {"overall": 0.8}, "max_no_plagiarism_detections": 0}
    lower = {"floors": {"overall": 0.7}, "max_no_plagiarism_detections": 0}
    data = {"floors": lower["floors"], "max_no_plagiarism_detections": 0}
    assert "lowers overall 0.8 -> 0.7" in ledger_problems(data | {"history": [entry, lower]})[0]
    flagged = lower | {"lowered": True, "reason": "tokeniser change; see commit"}
    assert ledger_problems(data | {"history": [entry, flagged]}) == []
    more_dets = {"floors": {"overall": 0.9}, "max_no_plagiarism_detections": 2}
    data2 = {"floors": {"overall": 0.9}, "max_no_plagiarism_detections": 2}
    assert ledger_problems(data2 | {"history": [entry, more_dets]})
    raised = {"floors": {"overall": 0.9}, "max_no_plagiarism_detections": 0}
    assert (
        ledger_problems(data2 | {"max_no_plagiarism_detections": 0, "history": [entry, raised]})
        == []
    )


def test_gate_sample_is_the_pinned_one() -> None:
    floors = load_floors()
    sample = DATA / floors["sample"]["file"]
    assert hashlib.sha256(sample.read_bytes()).hexdigest() == floors["sample"]["sha256"]


@pytest.fixture(scope="module")
def gate_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    floors = load_floors()
    root = tmp_path_factory.mktemp("pan-gate")
    with tarfile.open(DATA / floors["sample"]["file"]) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4
            tar.extractall(root, filter="data")
        else:  # pragma: no cover
            tar.extractall(root)  # our own committed archive
    return root


def test_gate_sample_is_stratified_and_truth_scores_one(gate_corpus: Path, tmp_path: Path) -> None:
    pairs = read_corpus(gate_corpus)
    floors = load_floors()
    assert len(pairs) == floors["sample"]["pairs"]
    per_category: dict[str | None, int] = {}
    for p in pairs:
        per_category[p.category] = per_category.get(p.category, 0) + 1
    assert set(per_category) == set(floors["floors"]) - {"overall"}
    assert len(set(per_category.values())) == 1  # same number of pairs per category
    # The truth, written as detections, scores 1.0 everywhere.
    for p in pairs:
        assert p.truth_path is not None
        write_detections(tmp_path, p, read_annotations(p.truth_path))
    cats, overall = score_detections(pairs, tmp_path)
    assert overall is not None and overall.plagdet == 1.0
    assert all(s.plagdet == 1.0 for s in cats.values())


@pytest.mark.slow
def test_plagdet_stays_above_pinned_floors(gate_corpus: Path) -> None:
    from copytrace.align import PRESETS

    floors = load_floors()
    report = run(gate_corpus, None, jobs=os.cpu_count(), params=PRESETS[floors["preset"]])
    assert report.overall is not None
    measured = {name: s.plagdet for name, s in report.categories.items()}
    measured["overall"] = report.overall.plagdet
    summary = ", ".join(f"{k} {v:.4f}" for k, v in sorted(measured.items()))
    below = {
        key: (round(measured.get(key, 0.0), 4), floor)
        for key, floor in floors["floors"].items()
        if measured.get(key, 0.0) < floor - TOLERANCE
    }
    assert not below, f"PlagDet below floor (measured, floor): {below}; measured: {summary}"
    assert report.no_plagiarism_detections is not None
    assert report.no_plagiarism_detections <= floors["max_no_plagiarism_detections"], (
        f"{report.no_plagiarism_detections} detections in pairs without plagiarism"
    )
