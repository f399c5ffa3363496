"""Gzipped page files (``story.html.gz``), and folders with nothing to read.

Crawls often store each page gzipped; a folder of them once scanned as zero
articles with exit status 0.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrace.cli import main
from copytrace.compare import compare_files
from copytrace.errors import InputError
from copytrace.ingest import folder as folder_mod
from copytrace.ingest import format_of, read_inputs, survey_folder
from copytrace.ingest.files import read_article_file
from copytrace.ingest.folder import page_stem, page_suffix, read_page_file, relative_id
from copytrace.model import Article, Reject
from copytrace.scan import scan

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEEDS = sorted(EXAMPLES.glob("*.txt"))
HTML = (
    b"<html><head><title>Port deal</title></head><body>"
    b"<p>Caf\xc3\xa9 owners said the port deal was signed.</p></body></html>"
)


def _gz(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data))
    return path


def test_page_suffix_and_stem_know_the_gzipped_extensions() -> None:
    assert page_suffix("a.HTML.gz") == ".html.gz" and page_suffix("a.txt.gz") == ".txt.gz"
    assert page_suffix("a.htm") == ".htm" and page_suffix("a.json.gz") is None
    assert page_stem("2026/a.b.html.gz") == "2026/a.b" and page_stem("a.b.txt") == "a.b"
    assert page_stem("dir.d/file") == "dir.d/file" and page_stem("x.csv") == "x"
    assert relative_id(Path("c/2026/story.htm.gz"), Path("c")) == "2026/story"
    assert format_of("x.txt.gz") == format_of("x.HTM.GZ") == "page"
    assert format_of("x.jsonl.gz") == "jsonl" and format_of("x.warc.gz") == "warc"
    assert format_of("x.xml.gz") is None


def test_gzipped_pages_read_as_their_plain_selves(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    zipped = tmp_path / "zipped"
    plain.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, plain / seed.name)
        _gz(zipped / "2018" / (seed.name + ".gz"), seed.read_bytes())
    (plain / "page.html").write_bytes(HTML)
    _gz(zipped / "2018" / "page.html.gz", HTML)
    want = {a.id: a for a in read_inputs([plain]) if isinstance(a, Article)}
    got = {a.id: a for a in read_inputs([zipped]) if isinstance(a, Article)}
    assert set(got) == {f"2018/{k}" for k in want}
    for k, a in want.items():
        b = got[f"2018/{k}"]
        assert (b.text, b.is_html) == (a.text, a.is_html)
        assert b.path is not None and b.path.endswith(".gz")
    assert got["2018/page"].is_html and "Café owners" in got["2018/page"].text
    # a single file given by name: the id drops both extensions
    one = read_page_file(zipped / "2018" / "page.html.gz")
    assert isinstance(one, Article) and one.id == "page" and one.is_html


def test_broken_gzip_pages_are_rejects_with_their_reason(tmp_path: Path) -> None:
    whole = gzip.compress(SEEDS[0].read_bytes())
    (tmp_path / "cut.txt.gz").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "bad.html.gz").write_bytes(b"\x1f\x8b" + b"\x08\x00" + b"not deflate at all" * 4)
    _gz(tmp_path / "blank.txt.gz", b"  \n\n ")
    # a page named .gz but stored plain is read as it is
    shutil.copy(SEEDS[0], tmp_path / "plain.txt.gz")
    items = list(read_inputs([tmp_path]))
    rejects = {Path(r.file).name: r.reason for r in items if isinstance(r, Reject)}
    assert rejects["cut.txt.gz"].startswith("truncated gzip")
    assert rejects["bad.html.gz"].startswith("corrupt gzip")
    assert rejects["blank.txt.gz"] == "file is empty"
    arts = [a for a in items if isinstance(a, Article)]
    assert [a.id for a in arts] == ["plain"] and arts[0].text == SEEDS[0].read_text()


def test_a_gzipped_page_that_inflates_past_the_limit_is_rejected_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folder_mod, "_MAX_PAGE_BYTES", 1000)
    bomb = _gz(tmp_path / "bomb.txt.gz", b"word " * 100_000)  # 500 kB from ~1 kB
    item = read_page_file(bomb)
    assert isinstance(item, Reject) and item.reason.startswith("text too long: at least")


def test_compare_reads_gzipped_files_and_offsets_are_into_the_decompressed_text(
    tmp_path: Path,
) -> None:
    a, b = (_gz(tmp_path / (s.name + ".gz"), s.read_bytes()) for s in reversed(SEEDS))
    zipped = compare_files(a, b)
    plain = compare_files(*reversed(SEEDS))
    assert zipped.a.id == "004_3080a4ee7dd42127"
    spans = [(p.a_start, p.a_end, p.b_start, p.b_end) for p in zipped.passages]
    assert spans == [(p.a_start, p.a_end, p.b_start, p.b_end) for p in plain.passages]
    assert spans  # (the seed pair shares passages)
    text_a = gzip.decompress(a.read_bytes()).decode("utf-8")
    for p in zipped.passages:
        assert text_a[p.a_start : p.a_end] == zipped.a.text[p.a_start : p.a_end]
    (tmp_path / "cut.txt.gz").write_bytes(a.read_bytes()[:40])
    with pytest.raises(InputError, match="truncated gzip"):
        read_article_file(tmp_path / "cut.txt.gz")


def test_scan_of_gzipped_pages_finds_what_the_plain_pages_give(tmp_path: Path) -> None:
    plain, zipped = tmp_path / "plain", tmp_path / "zipped"
    plain.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, plain / seed.name)
        _gz(zipped / (seed.name + ".gz"), seed.read_bytes())
    scan([plain], tmp_path / "out-plain", jobs=1)
    scan([zipped], tmp_path / "out-zipped", jobs=1)
    for name in ("passages.jsonl", "pairs.jsonl", "clusters.jsonl"):
        assert (tmp_path / "out-plain" / name).read_bytes() == (
            tmp_path / "out-zipped" / name
        ).read_bytes(), name
    texts = {s.name.removesuffix(".txt"): s.read_text() for s in SEEDS}
    rows = [json.loads(line) for line in (tmp_path / "out-zipped" / "passages.jsonl").open()]
    assert rows
    for r in rows:  # the spans hold text of both articles: the decompressed files'
        src = texts[r["source_id"]][r["source_start"] : r["source_end"]]
        tgt = texts[r["target_id"]][r["target_start"] : r["target_end"]]
        assert src.strip() and tgt.strip()


def test_spark_input_listing_gives_gzipped_pages_their_plain_ids(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from copytrace.engines.spark import _input_tasks

    _gz(tmp_path / "2026" / "a.b.html.gz", HTML)
    (tmp_path / "notes.md").write_text("not an input")
    tasks = _input_tasks([tmp_path])
    assert [(Path(t[2]).name, t[3]) for t in tasks] == [("a.b.html.gz", "2026/a.b")]


def test_survey_counts_readable_and_skipped_files(tmp_path: Path) -> None:
    _gz(tmp_path / "a.html.gz", HTML)
    _gz(tmp_path / "sitemap.xml.gz", b"<urlset/>")
    (tmp_path / "b.pdf").write_bytes(b"%PDF")
    (tmp_path / "README").write_text("x")
    (tmp_path / ".hidden.pdf").write_bytes(b"%PDF")
    survey = survey_folder(tmp_path)
    assert survey.readable == 1
    assert dict(survey.skipped) == {".xml.gz": 1, ".pdf": 1, "(none)": 1}


@pytest.mark.parametrize("command", ["scan", "index"])
def test_cli_folder_with_nothing_to_read_is_a_one_line_usage_error(
    command: str, tmp_path: Path
) -> None:
    crawl = tmp_path / "crawl"
    _gz(crawl / "sitemap.xml.gz", b"<urlset/>")
    (crawl / "b.pdf").write_bytes(b"%PDF")
    (crawl / "c.pdf").write_bytes(b"%PDF")
    out = tmp_path / "out"
    args = ["scan", str(crawl), "--out", str(out)] if command == "scan" else [
        "index", "add", str(tmp_path / "i.duckdb"), str(crawl)
    ]  # fmt: skip
    result = CliRunner().invoke(main, [*args, "--jobs", "1"])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and line.startswith(f"error: {crawl}: no file to read in it")
    assert "found 2 .pdf, 1 .xml.gz" in line and ".html" in line
    assert not out.exists() and not (tmp_path / "i.duckdb").exists()  # nothing started


def test_cli_scan_notes_skipped_files_and_reads_the_rest(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    for seed in SEEDS:
        _gz(crawl / (seed.name + ".gz"), seed.read_bytes())
    (crawl / "robots.txt.bak").write_text("x")
    result = CliRunner().invoke(
        main, ["scan", str(crawl), "--out", str(tmp_path / "out"), "--jobs", "1"]
    )
    assert result.exit_code == 0, result.output
    assert f"note: {crawl}: 1 file(s) of other types skipped (1 .bak)" in result.output
    assert len((tmp_path / "out" / "pairs.jsonl").read_text().splitlines()) == 1


@pytest.mark.parametrize("command", ["scan", "index"])
def test_cli_run_that_reads_no_article_fails_after_writing_the_rejects(
    command: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n{broken\n')
    out = tmp_path / "out"
    db = tmp_path / "i.duckdb"
    args = ["scan", str(bad), "--out", str(out)] if command == "scan" else [
        "index", "add", str(db), str(bad)
    ]  # fmt: skip
    result = CliRunner().invoke(main, [*args, "--jobs", "1"])
    assert result.exit_code == 1, result.output
    rejects = out / "rejects.jsonl" if command == "scan" else tmp_path / "i.duckdb.rejects.jsonl"
    last = result.output.strip().splitlines()[-1]
    assert last == f"error: no article could be read: 2 record(s) rejected (see {rejects})"
    assert [json.loads(line)["record"] for line in rejects.open()] == [1, 2]


def test_clean_cli_reads_gzipped_pages_in_a_folder_and_names_outputs_apart(
    tmp_path: Path,
) -> None:
    pages = tmp_path / "pages"
    page = SEEDS[0]
    _gz(pages / (page.stem + ".txt.gz"), page.read_bytes())
    shutil.copy(page, pages / page.name)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["clean", str(pages), "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            f"{page.stem}.txt",
            f"{page.stem}.json",
            f"{page.stem}_txt_gz.txt",
            f"{page.stem}_txt_gz.json",
        ]
    )
    assert (out / f"{page.stem}.txt").read_text() == (out / f"{page.stem}_txt_gz.txt").read_text()
