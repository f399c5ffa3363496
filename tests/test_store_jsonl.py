"""store.json_line / write_jsonl: the text json.dumps writes, with the scan's options."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from copytrace import store
from copytrace.store import json_line, write_jsonl


def _dumps(row: object) -> str:
    return json.dumps(row, ensure_ascii=False, allow_nan=False)


def _odd_rows(n: int) -> list[object]:
    rng = random.Random(3)
    scalars: list[object] = [
        None,
        True,
        False,
        0,
        -7,
        2**70,
        0.1,
        1.0,
        -0.0,
        1e-300,
        123456789.125,
        0.9615,
        "",
        "plain",
        'quote " and \\ back',
        "caf\u00e9 \u2014 \u6771\u4eac \U0001f600",
        "ctrl \x00\x01\n\t\r\x7f \u2028",
        "\ud800 lone",
    ]

    def value(depth: int) -> object:
        kind = rng.random()
        if depth < 2 and kind < 0.15:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        if depth < 2 and kind < 0.25:
            return {rng.choice(["k", "\u00e9", "x y"]): value(depth + 1)}
        return rng.choice(scalars)

    rows: list[object] = []
    for _ in range(n):
        keys = rng.sample(["a_id", "b_id", "words", "\u00e9t\u00e9", "n", "s"], rng.randint(0, 6))
        rows.append({k: value(0) for k in keys})
    odd_keys = {1: "int key", 2.5: "float key", False: "bool key", None: "null key"}
    rows += [odd_keys, [1, "x"], "s", 3]
    return rows


def test_json_line_is_json_dumps_with_the_scan_options() -> None:
    for row in _odd_rows(3000):
        assert json_line(row) == _dumps(row)  # type: ignore[arg-type]


def test_json_line_refuses_what_json_dumps_refuses() -> None:
    for bad in ({"x": math.nan}, {"x": math.inf}, {"x": {1, 2}}, {"x": object()}):
        with pytest.raises((ValueError, TypeError)) as want:
            _dumps(bad)
        with pytest.raises(want.type):
            json_line(bad)
    # after a failed row the next one is written as ever
    assert json_line({"a": [1, {"b": None}]}) == '{"a": [1, {"b": null}]}'


@pytest.mark.parametrize("n", [0, 1, 4095, 4096, 4097, 10_000])
def test_write_jsonl_writes_every_row_in_order(tmp_path: Path, n: int) -> None:
    rows = [{"i": i, "s": f"row \u00e9 {i}"} for i in range(n)]
    path = tmp_path / "rows.jsonl"
    assert write_jsonl(path, iter(rows)) == n
    assert path.read_bytes() == "".join(_dumps(r) + "\n" for r in rows).encode("utf-8")


def test_write_jsonl_failing_row_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    rows = [{"i": i} for i in range(5000)] + [{"x": math.nan}]
    with pytest.raises(ValueError):
        write_jsonl(path, rows)
    assert not path.exists() and not list(tmp_path.iterdir())


def test_python_encoder_fallback_writes_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "_encode_row", store._encode_in_python)
    for row in _odd_rows(200):
        assert json_line(row) == _dumps(row)  # type: ignore[arg-type]
