"""``scan --no-clean`` (``ScanConfig.keep_text``): texts that are article text already.

Data teams often hold text extracted before (a crawl run through trafilatura, a
news dataset): the page cleaner would only lose lines of it (on the 181
scrapinghub articles' own clean text it keeps 97% on average, under 90% of 8),
and it is half of a scan's CPU.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from copytrace.cli import main
from copytrace.scan import ScanConfig, scan

WIRE = (
    "The band will tour North America next summer for its 50th anniversary, the "
    "promoter said on Monday, with tickets on sale from Friday at the venues below.\n\n"
    "June 17 -- Bridgestone Arena, Nashville, TN\n"  # (a list: the page cleaner's chrome)
    "June 19 -- PNC Music Pavilion, Charlotte, NC\n"
    "June 20 -- Coastal Credit Union Music Park, Raleigh, NC\n"
    "June 23 -- Veterans United Home Loans Amphitheater, Virginia Beach, VA\n"
    "June 24 -- Jiffy Lube Live, Bristow, VA\n\n"
    "More dates will follow in the autumn, the band's manager said in a statement, "
    "and a new album is expected before the first show of the tour in Nashville."
)
HTML = (
    "<html><head><title>Talks</title></head><body><nav>Home | World | Sport</nav>"
    f"<article><p>{WIRE.replace(chr(10) * 2, '</p><p>')}</p></article>"
    "<footer>© 2026 Harbour Herald</footer></body></html>"
)


def _corpus(tmp_path: Path) -> Path:
    rows = [
        {"id": "wire", "text": WIRE, "source": "Wire"},
        {"id": "copy", "text": "Reported by the wire.\n\n" + WIRE, "source": "Paper"},
        {"id": "page", "html": HTML, "source": "Herald"},
    ]
    path = tmp_path / "texts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_keep_text_keeps_every_text_whole_and_still_extracts_html(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    summary = scan([corpus], tmp_path / "kept", config=ScanConfig(jobs=1, keep_text=True))
    arts = {r["id"]: r for r in pq.read_table(tmp_path / "kept" / "articles.parquet").to_pylist()}
    assert arts["wire"]["content"] == [[0, len(WIRE)]]
    copy = arts["copy"]
    assert copy["content"] == [[0, len(copy["text"])]]
    page = arts["page"]  # HTML: its article, not its markup
    spans = [(s, e) for s, e in page["content"]]
    assert spans and all(e - s < len(HTML) / 2 for s, e in spans)
    assert "Home | World" not in "".join(page["text"][s:e] for s, e in spans)
    assert summary.chrome_lines == 0 and summary.stage_cpu_seconds.get("chrome", 0.0) == 0.0
    # the tour dates (a list, which the page cleaner may take for chrome) are reused
    rows = [json.loads(x) for x in (tmp_path / "kept" / "passages.jsonl").open()]
    held = [
        arts[r["target_id"]]["text"][r["target_start"] : r["target_end"]]
        for r in rows
        if {r["source_id"], r["target_id"]} == {"wire", "copy"}
    ]
    assert any("June 19 -- PNC Music Pavilion" in h for h in held)


def test_cli_no_clean_flag(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(corpus), "--out", str(out), "--no-clean",
                                       "--jobs", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    arts = {r["id"]: r for r in pq.read_table(out / "articles.parquet").to_pylist()}
    assert arts["wire"]["content"] == [[0, len(WIRE)]]


def test_index_add_and_query_no_clean_keep_the_texts_whole(tmp_path: Path) -> None:
    from copytrace.index import Index

    corpus = _corpus(tmp_path)
    db = tmp_path / "i.duckdb"
    result = CliRunner().invoke(main, ["index", "add", str(db), str(corpus), "--no-clean",
                                       "--jobs", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    with Index(db, read_only=True) as index:
        wire = index.get("wire")
        page = index.get("page")
    assert wire is not None and wire.content == ((0, len(WIRE)),)
    assert page is not None and len(page.content) >= 1 and page.content[0][0] > 0  # extracted
    query = tmp_path / "q.txt"
    query.write_text("Tour news\n\n" + WIRE, encoding="utf-8")
    result = CliRunner().invoke(main, ["query", str(db), str(query), "--json", "--no-clean"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and rows[0]["id"] in {"wire", "copy"}
    text = query.read_text(encoding="utf-8")
    # the query's side of each passage: offsets into the query file's text
    assert any("June 19 -- PNC" in text[p["a_start"] : p["a_end"]] for p in rows[0]["passages"])
