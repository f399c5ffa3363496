"""A wire story reprinted by many outlets in a small corpus (session 21).

The candidate join drops a fingerprint found in more documents than its limit;
below 10,000 articles that limit was 20, so a story reprinted by 30 outlets in
a corpus of a few hundred articles made no pair at all through the text they
all share. It is now ``MAX_DF`` (100) at any size up to 10,000 articles.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from click.testing import CliRunner

from copytrace.candidates import MAX_DF, df_limit
from copytrace.cli import main
from copytrace.scan import scan

DATA = Path(__file__).parent / "data" / "scan" / "paragraphs.txt"


def _paragraphs() -> list[str]:
    return [p for p in DATA.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 40]


def test_small_corpora_keep_the_absolute_df_limit() -> None:
    assert [df_limit(n) for n in (50, 1_000, 9_999, 10**6)] == [MAX_DF] * 4


def test_a_story_reprinted_by_thirty_outlets_pairs_them_all(tmp_path: Path) -> None:
    paras = _paragraphs()
    story = "\n\n".join(paras[:3])
    rows = [
        {
            "id": f"r{i:02d}",
            "text": f"Reported for the Gazette {i}.\n\n{story}",
            "source": f"outlet{i}",
            "published": f"2026-10-10T{8 + i // 10:02d}:{i % 10:02d}:00+00:00",
        }
        for i in range(30)
    ]
    # unrelated articles: two other paragraphs each, none shared
    others = paras[3:]
    rows += [
        {"id": f"u{k:02d}", "text": f"{others[2 * k]}\n\n{others[2 * k + 1]}", "source": f"s{k}"}
        for k in range(min(20, len(others) // 2))
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    scan([src], out, jobs=1)
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    want = {(f"r{i:02d}", f"r{j:02d}") for i, j in itertools.combinations(range(30), 2)}
    assert {(p["a_id"], p["b_id"]) for p in pairs} == want
    clusters = [json.loads(line) for line in (out / "clusters.jsonl").read_text().splitlines()]
    assert [sorted(c["article_ids"]) for c in clusters] == [sorted(f"r{i:02d}" for i in range(30))]
    assert clusters[0]["origin_id"] == "r00"  # (the first published)


def _reprints(tmp_path: Path, n: int) -> Path:
    story = "\n\n".join(_paragraphs()[:2])
    rows = [
        {"id": f"r{i:02d}", "text": f"From the wire, outlet {i}.\n\n{story}", "source": f"o{i}"}
        for i in range(n)
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return src


def test_scan_max_df_sets_the_limit(tmp_path: Path) -> None:
    src = _reprints(tmp_path, 12)
    found = {}
    for limit in (None, 11, 12):
        out = tmp_path / f"out{limit}"
        args = ["scan", str(src), "--out", str(out), "--jobs", "1", "--no-report"]
        res = CliRunner().invoke(main, args + (["--max-df", str(limit)] if limit else []))
        assert res.exit_code == 0, res.output
        assert f"(df limit {limit or MAX_DF})" in res.output
        found[limit] = len((out / "pairs.jsonl").read_text().splitlines())
    # twelve reprints: 66 pairs; when the story's fingerprints are too common, each
    # pairs with the earliest (by id, as none has a time) only (see test_hub_pairs.py)
    assert found == {None: 66, 11: 11, 12: 66}
