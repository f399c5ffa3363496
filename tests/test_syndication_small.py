"""A wire story reprinted by many outlets in a small corpus (sessions 21, 22).

The candidate join drops a fingerprint found in more documents than its limit;
below 10,000 articles that limit was 20, so a story reprinted by 30 outlets in
a corpus of a few hundred articles made no pair at all through the text they
all share. It is now ``MAX_DF`` (100) at any size up to 10,000 articles. Over the limit,
each copy pairs with the earliest (a hub; candidates.hub_pairs) when it shares
half its text with it: N - 1 pairs instead of N * (N - 1) / 2.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from copytrace.candidates import MAX_DF, df_limit
from copytrace.cli import main
from copytrace.scan import scan

DATA = Path(__file__).parent / "data" / "scan" / "paragraphs.txt"


def _paragraphs() -> list[str]:
    return [p for p in DATA.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 40]


def test_small_corpora_keep_the_absolute_df_limit() -> None:
    assert [df_limit(n) for n in (50, 1_000, 9_999, 10**6)] == [MAX_DF] * 4


# A footer on every page below (each site has one page: no chrome is learned).
FOOTER = (
    "Our journalism is supported by readers like you: the newsroom makes every story "
    "free to read, and the members who give each month keep it that way for everyone "
    "in the valley and beyond."
)


def _story_corpus(tmp_path: Path, first: int = 0, footer: str = "") -> Path:
    """A story reprinted by 30 outlets (``r{first}`` published first), 20 other articles."""
    paras = _paragraphs()
    story = "\n\n".join(paras[:3])
    end = f"\n\n{footer}" if footer else ""
    rows = []
    for i in range(30):
        j = (i - first) % 30  # (the order of publication)
        rows.append(
            {
                "id": f"r{i:02d}",
                "text": f"Reported for the Gazette {i}.\n\n{story}{end}",
                "source": f"outlet{i}",
                "published": f"2026-10-10T{8 + j // 10:02d}:{j % 10:02d}:00+00:00",
            }
        )
    # unrelated articles: two other paragraphs each, none shared (published before)
    others = paras[3:]
    rows += [
        {
            "id": f"u{k:02d}",
            "text": f"{others[2 * k]}\n\n{others[2 * k + 1]}{end}",
            "source": f"s{k}",
            "published": "2026-10-09T12:00:00+00:00",
        }
        for k in range(min(20, len(others) // 2))
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return src


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_story_reprinted_by_thirty_outlets_pairs_them_all(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = scan([_story_corpus(tmp_path)], out, jobs=1)
    pairs = _lines(out / "pairs.jsonl")
    want = {(f"r{i:02d}", f"r{j:02d}") for i, j in itertools.combinations(range(30), 2)}
    assert {(p["a_id"], p["b_id"]) for p in pairs} == want
    assert summary.hub_pairs == 0
    clusters = _lines(out / "clusters.jsonl")
    assert [sorted(c["article_ids"]) for c in clusters] == [sorted(f"r{i:02d}" for i in range(30))]
    assert clusters[0]["origin_id"] == "r00"  # (the first published)


def test_over_the_limit_copies_pair_with_the_earliest_and_a_footer_pairs_none(
    tmp_path: Path,
) -> None:
    """Over the df limit each copy pairs with the earliest (its hub), when it shares
    half its text with it: a reprint does, a page sharing the footer only does not."""
    src = _story_corpus(tmp_path, first=17, footer=FOOTER)
    out = tmp_path / "out"
    args = ["scan", str(src), "--out", str(out), "--jobs", "1", "--max-df", "10"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "through hubs over the df limit" in res.output
    pairs = _lines(out / "pairs.jsonl")
    want = {tuple(sorted(("r17", f"r{i:02d}"))) for i in range(30) if i != 17}
    assert {(p["a_id"], p["b_id"]) for p in pairs} == want  # 29 pairs, not 435
    assert all(p["source_id"] == "r17" for p in pairs)
    clusters = _lines(out / "clusters.jsonl")
    assert [sorted(c["article_ids"]) for c in clusters] == [[f"r{i:02d}" for i in range(30)]]
    assert clusters[0]["origin_id"] == "r17"
    # the passages hold the story in both articles
    texts = {r["id"]: r["text"] for r in map(json.loads, src.open(encoding="utf-8"))}
    story = texts["r00"].split("\n\n")[1:4]
    passages = _lines(out / "passages.jsonl")
    assert len(passages) == 29
    for p in passages:
        a = texts[p["source_id"]][p["source_start"] : p["source_end"]]
        b = texts[p["target_id"]][p["target_start"] : p["target_end"]]
        assert all(para in a and para in b for para in story)


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
    # pairs with the earliest (by id, as none has a time) only
    assert found == {None: 66, 11: 11, 12: 66}
