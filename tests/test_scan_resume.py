"""A killed local scan goes on from its last finished stage (engines/resume.py).

Each test interrupts a real in-process scan at one point (KeyboardInterrupt, as
Ctrl-C), makes its spill folder look like a dead process's, and reruns the same
scan: the outputs must be byte-identical to an uninterrupted run's, and the
stages the killed run finished must not run again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from copytrace.engines import local, resume
from copytrace.scan import OUTPUT_FILES, ScanConfig, scan
from test_scan import write_corpus

DEAD_PID = 999_999_999  # (above any pid_max: never a live process)


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


def spills(out: Path) -> list[Path]:
    return sorted(out.glob(local.WORK_PREFIX + "*"))


def as_dead(out: Path) -> Path:
    """The interrupted run's spill folder, renamed as a dead process's."""
    (work,) = spills(out)
    dead = work.with_name(f"{local.WORK_PREFIX}{DEAD_PID}-x")
    work.rename(dead)
    return dead


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("ref") / "out"
    scan([corpus], out, config=ScanConfig(jobs=1))
    return outputs(out)


def _interrupt(*_: object, **__: object) -> None:
    raise KeyboardInterrupt


def test_a_scan_stopped_after_reading_cleans_again_but_reads_nothing(
    corpus: Path, reference: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    with monkeypatch.context() as m:
        m.setattr(local, "_clean_and_fingerprint", _interrupt)
        with pytest.raises(KeyboardInterrupt):
            scan([corpus], out, config=ScanConfig(jobs=1))
    dead = as_dead(out)
    assert resume.read_state(dead)["stage"] == "read"  # type: ignore[index]
    with monkeypatch.context() as m:
        m.setattr(local, "_read", _interrupt)  # (reading again would fail)
        summary = scan([corpus], out, config=ScanConfig(jobs=1))
    assert summary.resumed_stages == ["read"]
    assert summary.rejected == 1 and summary.articles == 22  # (the killed run's counts)
    assert outputs(out) == reference
    assert spills(out) == []


def test_a_scan_stopped_in_the_join_fingerprints_again_but_does_not_clean(
    corpus: Path, reference: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    with monkeypatch.context() as m:
        m.setattr(local.PairCounter, "pairs", _interrupt)
        with pytest.raises(KeyboardInterrupt):
            scan([corpus], out, config=ScanConfig(jobs=1))
    as_dead(out)
    with monkeypatch.context() as m:
        m.setattr(local, "_clean_task", _interrupt)
        summary = scan([corpus], out, config=ScanConfig(jobs=1))
    assert summary.resumed_stages == ["read", "clean"]
    assert outputs(out) == reference


def test_a_scan_stopped_while_aligning_aligns_only_the_pairs_left(
    corpus: Path, reference: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    calls: list[int] = []
    align_task = local._align_task

    def some_then_stop(chunk: object) -> object:
        calls.append(len(chunk))  # type: ignore[arg-type]
        if len(calls) == 2:
            raise KeyboardInterrupt
        return align_task(chunk)  # type: ignore[arg-type]

    monkeypatch.setattr(local, "ALIGN_CHUNK", 2)  # (many chunks)
    with monkeypatch.context() as m:
        m.setattr(local, "_align_task", some_then_stop)
        with pytest.raises(KeyboardInterrupt):
            scan([corpus], out, config=ScanConfig(jobs=1))
    dead = as_dead(out)
    finished = resume.read_aligned(dead)
    assert len(finished) == 1
    done = {k for numbers, _ in finished for k in numbers}
    seen: list[int] = []

    def counting(chunk: object) -> object:
        seen.extend(int(k) for k in chunk[:, 0])  # type: ignore[index]
        return align_task(chunk)  # type: ignore[arg-type]

    monkeypatch.setattr(local, "_align_task", counting)
    summary = scan([corpus], out, config=ScanConfig(jobs=1))
    assert summary.resumed_stages == ["read", "clean", "candidates"]
    assert seen and not done & set(seen)  # (no pair aligned twice)
    assert len(done) + len(seen) == summary.candidate_pairs
    assert outputs(out) == reference


def test_other_settings_or_no_resume_start_over_and_remove_the_leftover(
    corpus: Path, reference: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    for config in (ScanConfig(jobs=1, preset="pan"), ScanConfig(jobs=1, resume=False)):
        with monkeypatch.context() as m:
            m.setattr(local, "_clean_and_fingerprint", _interrupt)
            with pytest.raises(KeyboardInterrupt):
                scan([corpus], out, config=ScanConfig(jobs=1))
        as_dead(out)
        summary = scan([corpus], out, config=config)
        assert summary.resumed_stages == []
        assert spills(out) == []
    assert outputs(out) == reference  # (the last run: news preset, started over)


def test_a_scan_stopped_without_resume_keeps_no_spill(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    monkeypatch.setattr(local, "_clean_and_fingerprint", _interrupt)
    with pytest.raises(KeyboardInterrupt):
        scan([corpus], out, config=ScanConfig(jobs=1, resume=False))
    assert spills(out) == []


def test_the_run_key_follows_inputs_and_settings_but_not_jobs(corpus: Path, tmp_path: Path) -> None:
    key = resume.run_key([corpus], ScanConfig(jobs=1))
    assert key == resume.run_key([corpus], ScanConfig(jobs=4, report=False, resume=False))
    assert key != resume.run_key([corpus], ScanConfig(jobs=1, same_source=True))
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text("one")
    before = resume.run_key([folder], ScanConfig())
    (folder / "a.txt").write_text("one two")  # (a file inside a folder changed)
    assert resume.run_key([folder], ScanConfig()) != before


def test_a_scan_stopped_while_cleaning_cleans_only_the_batches_left(
    corpus: Path, reference: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    config = ScanConfig(jobs=1, batch_size=5)  # (5 batches of the 23 records)
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
            scan([corpus], out, config=config)
    dead = as_dead(out)
    assert resume.cleaned_batches(dead) == {0, 1}
    clean_task = local._clean_task
    cleaned: list[int] = []

    def counting(piece: tuple[int, int, int]) -> object:
        cleaned.append(piece[0])
        return clean_task(piece)

    monkeypatch.setattr(local, "_clean_task", counting)
    summary = scan([corpus], out, config=config)
    assert summary.resumed_stages == ["read"]
    assert sorted(set(cleaned)) == [2, 3, 4]  # (the kept batches are not cleaned again)
    assert outputs(out) == reference
    assert spills(out) == []
