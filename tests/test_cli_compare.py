"""``copytrace compare`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrace.cli import main

DATA = Path(__file__).resolve().parent / "data" / "align"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["compare", *args])
    return result.exit_code, result.stdout, result.stderr


def test_view_shows_source_passages_and_shares(nikkei_path: Path, tass_path: Path) -> None:
    code, out, _ = run(str(nikkei_path), str(tass_path))
    assert code == 0
    assert "Source: a" in out
    assert "of its text reused" in out
    assert "verbatim" in out and "credited" in out
    assert "Tokyo hopes" in out


def test_json_prints_one_object(nikkei_path: Path, tass_path: Path) -> None:
    code, out, _ = run(str(tass_path), str(nikkei_path), "--json")
    assert code == 0
    d = json.loads(out)
    assert d["direction"]["source"] == "b"
    assert d["a"]["path"] == str(tass_path)
    text = tass_path.read_text(encoding="utf-8")
    assert any(text[p["a_start"] : p["a_end"]].startswith("Tokyo hopes") for p in d["passages"])


def test_nothing_reused_still_exits_zero() -> None:
    code, out, _ = run(str(DATA / "harbour_storm.txt"), str(DATA / "chip_plant.txt"), "--json")
    assert code == 0
    assert json.loads(out)["direction"]["source"] is None


def test_view_shows_whole_passages_of_text_without_spaces() -> None:
    # Chinese has no spaces to wrap at: each passage's text is folded onto more
    # lines, never cut off with an ellipsis.
    a, b = DATA.parent / "cjk" / "nikkei_zh.txt", DATA.parent / "cjk" / "tass_zh.txt"
    code, out, _ = run(str(a), str(b), "--json")
    passages = json.loads(out)["passages"]
    assert code == 0 and any(p["a_end"] - p["a_start"] > 60 for p in passages)
    code, out, _ = run(str(a), str(b))
    text_a, text_b = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    for p in passages:
        # (the two columns' lines alternate: each side's text is in order in the output)
        for reused in (text_a[p["a_start"] : p["a_end"]], text_b[p["b_start"] : p["b_end"]]):
            rest = iter(out)
            assert all(ch in rest for ch in reused.replace(" ", "")), reused
    assert "…" not in out


def test_pan_preset_is_accepted(nikkei_path: Path, tass_path: Path) -> None:
    code, out, _ = run(str(nikkei_path), str(tass_path), "--json", "--preset", "pan")
    assert code == 0
    assert json.loads(out)["passages"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"\x00\x01\x02 data", "binary"),
        ("latin1.txt", "caf\u00e9 au lait".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_file_is_one_line_error_exit_2(
    tmp_path: Path, nikkei_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    code, out, err = run(str(nikkei_path), str(bad))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert str(bad) in lines[0] and reason in lines[0]
