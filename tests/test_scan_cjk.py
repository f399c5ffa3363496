"""A small Chinese corpus scanned end to end: a Nikkei story, TASS's reprint of it
and a portal's reprint of TASS's, beside two unrelated stories that name the same
prime minister."""

from __future__ import annotations

import json
from pathlib import Path

from copytrace.scan import ScanConfig, scan

CJK = Path(__file__).resolve().parent / "data" / "cjk"
# id: (file, source, published)
ROWS = {
    "nikkei": ("nikkei_zh.txt", "日本经济新闻", "2018-05-21T06:00:00+09:00"),
    "tass": ("tass_zh.txt", "塔斯社", "2018-05-21T09:56:00+03:00"),
    "portal": ("zh_page.txt", "某某网", "2018-05-21T20:00:00+08:00"),
    "visit": ("abe_visit_zh.txt", "人民网", "2018-05-26T18:00:00+08:00"),
    "investors": ("japan_investors_zh.txt", "财新网", "2018-05-28T09:00:00+08:00"),
}


def test_a_chinese_corpus_pairs_the_reprints_only(tmp_path: Path) -> None:
    corpus = tmp_path / "zh.jsonl"
    texts = {k: (CJK / f).read_text(encoding="utf-8") for k, (f, _, _) in ROWS.items()}
    corpus.write_text(
        "".join(
            json.dumps({"id": k, "text": texts[k], "source": s, "published": t}, ensure_ascii=False)
            + "\n"
            for k, (_, s, t) in ROWS.items()
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    scan([corpus], out, config=ScanConfig(jobs=1))
    pairs = {
        (p["a_id"], p["b_id"]): p
        for p in map(json.loads, (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines())
    }
    assert set(pairs) == {("nikkei", "tass"), ("nikkei", "portal"), ("portal", "tass")}
    assert pairs[("nikkei", "tass")]["source_id"] == "nikkei"
    assert pairs[("portal", "tass")]["source_id"] == "tass"
    passages = [json.loads(x) for x in (out / "passages.jsonl").read_text().splitlines()]
    for p in passages:  # every span holds reused text of its article
        src, dst = texts[p["source_id"]], texts[p["target_id"]]
        assert src[p["source_start"] : p["source_end"]].strip()
        assert dst[p["target_start"] : p["target_end"]].strip()
    # TASS credits Nikkei ("据日本经济新闻周一报道") next to the first passage
    from_nikkei = [p for p in passages if (p["source_id"], p["target_id"]) == ("nikkei", "tass")]
    assert from_nikkei[0]["attributed"]
    # the portal's copy keeps TASS's dateline "塔斯社5月21日电": credited to TASS
    from_tass = [p for p in passages if (p["source_id"], p["target_id"]) == ("tass", "portal")]
    assert any(p["attributed"] for p in from_tass)
