"""``copytrace index add|info|compact`` and ``copytrace query`` end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrace.cli import main
from copytrace.ingest.files import read_article_file
from copytrace.text import tokenize

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CORPUS = Path(__file__).resolve().parent / "data" / "index" / "corpus.jsonl"
NIKKEI_ID = "004_3080a4ee7dd42127"


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """An index of the seed pair's folder and the JSONL fixture (two bad records)."""
    db = tmp_path_factory.mktemp("cli-index") / "news.duckdb"
    code, out, err = run("index", "add", str(db), str(EXAMPLES), str(CORPUS), "--batch-size", "2")
    assert code == 0, err
    return db, out, err


def test_index_add_prints_a_summary_and_writes_rejects(built: tuple[Path, str, str]) -> None:
    db, out, err = built
    assert "records read" in out and "7" in out
    assert "articles added" in out
    assert "2 record(s) rejected" in err
    rejects = [json.loads(line) for line in Path(f"{db}.rejects.jsonl").read_text().splitlines()]
    assert [(r["file"], r["record"]) for r in rejects] == [(str(CORPUS), 2), (str(CORPUS), 4)]
    assert all(r["reason"] for r in rejects)


def test_index_info_counts_the_articles(built: tuple[Path, str, str]) -> None:
    db, _, _ = built
    code, out, _ = run("index", "info", str(db), "--json")
    assert code == 0
    info = json.loads(out)
    assert info["articles"] == 5
    assert info["fingerprints"] + info["tail_fingerprints"] > 100


def test_query_shows_nikkei_for_the_tass_page(built: tuple[Path, str, str]) -> None:
    db, _, _ = built
    code, out, _ = run("query", str(db), str(EXAMPLES / "000_3f926fbd34ea6708.txt"))
    assert code == 0
    assert "shares text with 1 of the 5 articles" in out
    assert f"#1  {NIKKEI_ID}: Japan and Russia plan high-level talks" in out
    assert "reused words]" in out and re.search(r"#\d verbatim +\d+ words", out)
    assert "Tokyo hopes" in out


def test_query_json_lists_pairs_whose_spans_hold_the_text(built: tuple[Path, str, str]) -> None:
    db, _, _ = built
    tass_path = EXAMPLES / "000_3f926fbd34ea6708.txt"
    code, out, _ = run("query", str(db), str(tass_path), "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [NIKKEI_ID]
    row = rows[0]
    assert {"id", "rank", "score", "shared_fingerprints", "a", "b", "passages"} <= set(row)
    assert {"coverage", "direction"} <= set(row)
    assert row["score"] == sum(p["words"] for p in row["passages"])
    assert row["direction"]["source"] == "b"
    tass = read_article_file(tass_path).text
    nikkei = read_article_file(EXAMPLES / f"{NIKKEI_ID}.txt").text
    verbatim = [p for p in row["passages"] if p["kind"] == "verbatim"]
    assert verbatim
    for p in verbatim:  # the same words (quotes and line breaks may differ)
        a_words = tokenize(tass[p["a_start"] : p["a_end"]]).words
        assert a_words and a_words == tokenize(nikkei[p["b_start"] : p["b_end"]]).words
    assert any(
        nikkei[p["b_start"] : p["b_end"]].startswith("Tokyo hopes that cultivating")
        for p in verbatim
    )


def test_query_reads_the_article_from_stdin(built: tuple[Path, str, str]) -> None:
    db, _, _ = built
    text = json.loads(CORPUS.read_text().splitlines()[2])["text"]
    code, out, _ = run("query", str(db), "-", "--json", stdin=text)
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == ["daily-harbour", "wire-harbour"]


def test_query_with_nothing_shared_says_so(built: tuple[Path, str, str], tmp_path: Path) -> None:
    db, _, _ = built
    page = tmp_path / "other.txt"
    page.write_text("A quiet week in the hills: shepherds moved their flocks to lower pastures.\n")
    code, out, _ = run("query", str(db), str(page))
    assert code == 0
    assert "No article among the 5" in out
    code, out, _ = run("query", str(db), str(page), "--json")
    assert (code, json.loads(out)) == (0, [])


def test_query_of_a_missing_file_is_a_one_line_error(built: tuple[Path, str, str]) -> None:
    db, _, _ = built
    code, _, err = run("query", str(db), "nope.txt")
    assert code == 2
    assert err.strip() == "error: nope.txt: no such file"


def test_query_of_a_missing_index_is_a_one_line_error(tmp_path: Path) -> None:
    db = tmp_path / "none.duckdb"
    code, _, err = run("query", str(db), str(EXAMPLES / "000_3f926fbd34ea6708.txt"))
    assert code == 1
    assert err.strip() == f"error: {db}: no such index file"
    assert not db.exists()


def test_re_adding_through_the_cli_replaces(tmp_path: Path) -> None:
    db = tmp_path / "ix.duckdb"
    assert run("index", "add", str(db), str(EXAMPLES))[0] == 0
    code, out, _ = run("index", "add", str(db), str(EXAMPLES / f"{NIKKEI_ID}.txt"))
    assert code == 0
    assert "articles replaced" in out
    assert "2 -> 2" in out
    assert not Path(f"{db}.rejects.jsonl").exists()


def test_index_compact_sorts_everything(tmp_path: Path) -> None:
    db = tmp_path / "ix.duckdb"
    assert run("index", "add", str(db), str(EXAMPLES), "--no-compact")[0] == 0
    code, out, _ = run("index", "compact", str(db))
    assert code == 0 and "all sorted" in out
    info = json.loads(run("index", "info", str(db), "--json")[1])
    assert info["tail_fingerprints"] == 0 and info["fingerprints"] > 0


def test_index_add_while_another_process_writes_fails_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "ix.duckdb"
    holder = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT / "src")!r})
        from copytrace.index import Index
        ix = Index({str(db)!r})
        print("ready", flush=True)
        sys.stdin.read()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        code, _, err = run("index", "add", str(db), str(EXAMPLES))
        assert code == 1
        assert err.startswith(f"error: {db}: index DB is locked by another process")
        assert err.count("\n") == 1
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=60)
    assert run("index", "add", str(db), str(EXAMPLES))[0] == 0


def test_index_remove_takes_ids_and_a_file_of_ids_and_lists_unknown_ones(tmp_path: Path) -> None:
    db = tmp_path / "ix.duckdb"
    assert run("index", "add", str(db), str(EXAMPLES), str(CORPUS))[0] == 0
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(f"\n{NIKKEI_ID}\nnope-2\n", encoding="utf-8")
    code, out, err = run("index", "remove", str(db), "nope-1", "--ids-from", str(ids_file))
    assert code == 0, err
    assert f"{db}: removed 1 of 3 id(s), 4 article(s) left" in out
    assert err.splitlines() == ["not in the index: nope-1", "not in the index: nope-2"]
    code, out, _ = run("query", str(db), str(EXAMPLES / "000_3f926fbd34ea6708.txt"), "--json")
    assert code == 0 and NIKKEI_ID not in {m["id"] for m in json.loads(out)}
    code, out, _ = run("index", "remove", str(db), "-", "--ids-from", "-", stdin=f"{NIKKEI_ID}\n")
    assert code == 0 and "removed 0 of 2 id(s)" in out


def test_index_remove_needs_ids_and_an_existing_index(tmp_path: Path) -> None:
    db = tmp_path / "ix.duckdb"
    code, _, err = run("index", "remove", str(db), "x")
    assert code == 1 and err.strip() == f"error: {db}: no such index file"
    code, _, err = run("index", "compact", str(db))
    assert code == 1 and err.strip() == f"error: {db}: no such index file"
    assert not db.exists()
    assert run("index", "add", str(db), str(EXAMPLES))[0] == 0
    code, _, err = run("index", "remove", str(db))
    assert code == 2 and "give the ids to remove" in err
    code, _, err = run("index", "remove", str(db), "--ids-from", str(tmp_path / "missing.txt"))
    assert code == 2 and "missing.txt" in err


def test_index_add_skip_existing_goes_on_where_an_add_stopped(tmp_path: Path) -> None:
    db = tmp_path / "ix.duckdb"
    assert run("index", "add", str(db), str(EXAMPLES))[0] == 0
    code, out, err = run("index", "add", str(db), str(EXAMPLES), str(CORPUS), "--skip-existing")
    assert code == 0, err
    assert re.search(r"skipped \(id already indexed\)\s*│\s*2", out)
    assert re.search(r"articles replaced\s*│\s*0", out)
    assert "2 -> 5" in out
    code, out, err = run("index", "add", str(db), str(EXAMPLES), "--skip-existing")
    assert code == 0, err  # (nothing new: not an error)
    assert "5 -> 5" in out
