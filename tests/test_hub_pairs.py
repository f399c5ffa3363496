"""A story in more articles than the df limit pairs each copy with the earliest.

Below the limit every two articles sharing a fingerprint may pair; over it that
would be N * (N - 1) / 2 pairs, so each article holding an over-common
fingerprint pairs with that fingerprint's hub, the earliest article holding it,
when it shares at least ``HUB_MIN_SHARE`` of its text with it: a reprint does, a
page carrying a common footer does not.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from copytrace.cli import main
from copytrace.scan import scan

DATA = Path(__file__).parent / "data" / "scan" / "paragraphs.txt"
FOOTER = (
    "Our journalism is supported by readers like you: the newsroom makes every story "
    "free to read, and the members who give each month keep it that way for everyone "
    "in the valley and beyond."
)


def _corpus(tmp_path: Path, footer: str = FOOTER) -> Path:
    paras = [p for p in DATA.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 40]
    story = "\n\n".join(paras[:3])
    rows = [
        {
            "id": f"r{i:02d}",
            "text": f"Reported for the Gazette {i}.\n\n{story}\n\n{footer}",
            "source": f"outlet{i}",
            # r17 is the first published
            "published": f"2026-10-10T{9 + (i + 13) % 30 // 10:02d}:{(i + 13) % 10:02d}:00Z",
        }
        for i in range(30)
    ]
    others = paras[3:]
    rows += [
        {
            "id": f"u{k:02d}",
            "text": f"{others[2 * k]}\n\n{others[2 * k + 1]}\n\n{footer}",
            "source": f"site{k}",
            "published": "2026-10-09T12:00:00Z",
        }
        for k in range(min(20, len(others) // 2))
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return src


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_copies_over_the_limit_pair_with_the_earliest_and_a_footer_pairs_none(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["scan", str(_corpus(tmp_path)), "--out", str(out), "--jobs", "1", "--max-df", "10"]
    )
    assert res.exit_code == 0, res.output
    assert "through hubs over the df limit" in res.output
    pairs = _lines(out / "pairs.jsonl")
    got = {(p["a_id"], p["b_id"]) for p in pairs}
    want = {tuple(sorted(("r17", f"r{i:02d}"))) for i in range(30) if i != 17}
    assert got == want  # 29 pairs, not 435; no page pairs through the footer alone
    assert all(p["source_id"] == "r17" for p in pairs)
    clusters = _lines(out / "clusters.jsonl")
    assert [sorted(c["article_ids"]) for c in clusters] == [[f"r{i:02d}" for i in range(30)]]  # type: ignore[arg-type]
    assert clusters[0]["origin_id"] == "r17"
    # the passages hold the story in both articles
    texts = {r["id"]: r["text"] for r in map(json.loads, (tmp_path / "in.jsonl").open())}
    story = texts["r00"].split("\n\n")[1:4]
    passages = _lines(out / "passages.jsonl")
    assert len(passages) == 29
    for p in passages:
        a = texts[p["source_id"]][p["source_start"] : p["source_end"]]  # type: ignore[index]
        b = texts[p["target_id"]][p["target_start"] : p["target_end"]]  # type: ignore[index]
        assert all(para in a and para in b for para in story)


def test_under_the_limit_every_two_copies_pair(tmp_path: Path) -> None:
    summary = scan([_corpus(tmp_path, footer="")], tmp_path / "out", jobs=1)
    assert summary.hub_pairs == 0 and summary.pairs == 30 * 29 // 2
