"""The pool worker's collector pause around clean tasks (engines/local.py)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from copytrace.engines import local


@pytest.fixture
def pool_worker() -> Iterator[None]:
    saved = dict(local._W)
    local._W.clear()
    local._W["pool"] = True
    try:
        yield
    finally:
        local._W.clear()
        local._W.update(saved)
        gc.unfreeze()
        gc.enable()


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_a_task_runs_without_the_collector_and_its_survivors_are_frozen(pool_worker: None) -> None:
    kept = []
    before = gc.get_freeze_count()
    with local._collector_paused():
        assert not gc.isenabled()
        kept = [_Node() for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + 1000
    assert all(isinstance(k, _Node) for k in kept)


def _cycles_task(refs: list[weakref.ref[_Node]], n: int) -> None:
    with local._collector_paused():
        for _ in range(n):
            a, b = _Node(), _Node()
            a.other, b.other = b, a  # a cycle nothing refers to after the task
            refs.append(weakref.ref(a))
            del a, b


def test_cycles_left_by_tasks_are_collected_once_they_add_up(
    pool_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (what one task leaves, as the worker counts it: the cycles and their weakrefs)
    monkeypatch.setattr(local, "UNFREEZE_GROWTH", 10**9)
    probe: list[weakref.ref[_Node]] = []
    _cycles_task(probe, 200)
    left = local._W["grown"]
    assert left >= 400
    local._W["grown"] = 0
    monkeypatch.setattr(local, "UNFREEZE_GROWTH", int(2.5 * left))
    refs: list[weakref.ref[_Node]] = []
    _cycles_task(refs, 200)
    _cycles_task(refs, 200)
    assert all(r() is not None for r in refs)  # frozen: not collected yet
    _cycles_task(refs, 200)  # over the limit now
    assert all(r() is None for r in refs)
    assert local._W["grown"] == 0


def test_a_few_cycles_are_collected_every_so_many_tasks(
    pool_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "UNFREEZE_TASKS", 20)
    refs: list[weakref.ref[_Node]] = []
    for _ in range(19):
        _cycles_task(refs, 1)
    assert all(r() is not None for r in refs)
    _cycles_task(refs, 0)
    assert all(r() is None for r in refs)


def test_outside_a_pool_worker_nothing_changes() -> None:
    assert not local._W.get("pool")
    before = gc.get_freeze_count()
    with local._collector_paused():
        assert gc.isenabled()
        _ = [_Node() for _ in range(100)]
    assert gc.get_freeze_count() == before


def test_the_scans_own_process_pauses_the_collector_and_restores_it() -> None:
    assert gc.isenabled()
    with local._no_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), local._no_collection():
        raise RuntimeError("a failed stage")
    assert gc.isenabled()
    gc.disable()
    try:
        with local._no_collection():
            pass
        assert not gc.isenabled()  # (a caller's own setting is left as it was)
    finally:
        gc.enable()
