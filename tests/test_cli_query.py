"""``copytrace query`` by indexed id and over many articles (one JSON line each)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from tests.test_cli_index import CORPUS, EXAMPLES, NIKKEI_ID, run

from copytrace.cli import query_cmd
from copytrace.ingest.files import read_article_file
from copytrace.text import tokenize

TASS_ID = "000_3f926fbd34ea6708"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed pair and the JSONL fixture (five articles, two bad records)."""
    path = tmp_path_factory.mktemp("cli-query") / "news.duckdb"
    code, _, err = run("index", "add", str(path), str(EXAMPLES), str(CORPUS))
    assert code == 0, err
    return path


def _texts() -> dict[str, str]:
    """Every indexed article's original text, by id."""
    texts = {p.stem: read_article_file(p).text for p in EXAMPLES.glob("*.txt")}
    for line in CORPUS.read_text().splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if row.get("text"):
            texts[row["id"]] = row["text"]
    return texts


def _assert_spans_hold_the_text(query_text: str, match: dict, texts: dict[str, str]) -> None:
    indexed = texts[match["id"]]
    assert match["passages"]
    for p in match["passages"]:
        a = query_text[p["a_start"] : p["a_end"]]
        b = indexed[p["b_start"] : p["b_end"]]
        assert a.strip() and b.strip()
        if p["kind"] == "verbatim":  # (quotes and line breaks may differ)
            assert tokenize(a).words == tokenize(b).words


def test_query_by_id_shows_the_indexed_article_s_matches(db: Path) -> None:
    code, out, _ = run("query", str(db), "--id", "daily-harbour")
    assert code == 0, out
    assert "daily-harbour shares text with 1 of the 5 articles" in out
    assert "#1  wire-harbour: Harbour council approves ferry plan (Wire)" in out
    code, out, _ = run("query", str(db), "--id", TASS_ID, "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [NIKKEI_ID]  # (never itself)
    assert rows[0]["direction"]["source"] == "b"
    texts = _texts()
    _assert_spans_hold_the_text(texts[TASS_ID], rows[0], texts)


def test_query_by_an_unknown_id_is_a_one_line_error(db: Path) -> None:
    code, _, err = run("query", str(db), "--id", "nope")
    assert code == 2
    assert err.strip() == f"error: nope: no article with this id in {db}"


def test_many_queries_print_one_json_line_each_in_order(db: Path) -> None:
    code, out, err = run(
        "query", str(db), str(CORPUS), "--id", TASS_ID, "--id", "nope", "--jobs", "1"
    )
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [r["query"] for r in lines] == [
        TASS_ID,
        "wire-harbour",
        "daily-harbour",
        "daily-rail",
    ]
    found = {r["query"]: [m["id"] for m in r["matches"]] for r in lines}
    assert found == {
        TASS_ID: [NIKKEI_ID],
        "wire-harbour": ["daily-harbour"],
        "daily-harbour": ["wire-harbour"],
        "daily-rail": [],
    }
    texts = _texts()
    for r in lines:
        for rank, m in enumerate(r["matches"], 1):
            assert m["rank"] == rank and m["score"] == sum(p["words"] for p in m["passages"])
            _assert_spans_hold_the_text(texts[r["query"]], m, texts)
    # the bad records and the unknown id are reported, one line each, and skipped
    assert f"skipped: --id: no article with id 'nope' in {db}" in err
    assert f"skipped: {CORPUS}:2: invalid JSON" in err
    assert f"skipped: {CORPUS}:4: missing text" in err
    assert "4 queries, 3 with matches, 3 rejected" in err


def test_many_queries_to_a_file_write_their_rejects_beside_it(db: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "matches.jsonl"
    code, out, err = run("query", str(db), str(CORPUS), str(EXAMPLES), "--out", str(out_file))
    assert code == 0, err
    assert out == ""
    lines = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [r["query"] for r in lines] == [
        "wire-harbour",
        "daily-harbour",
        "daily-rail",
        TASS_ID,
        NIKKEI_ID,
    ]
    rejects = [json.loads(x) for x in Path(f"{out_file}.rejects.jsonl").read_text().splitlines()]
    assert [(r["file"], r["record"]) for r in rejects] == [(str(CORPUS), 2), (str(CORPUS), 4)]
    assert f"see {out_file}.rejects.jsonl" in err
    # with nothing rejected, no rejects file is left
    code, _, _ = run("query", str(db), str(EXAMPLES), "--out", str(out_file))
    assert code == 0
    assert len(out_file.read_text().splitlines()) == 2
    assert not Path(f"{out_file}.rejects.jsonl").exists()


def test_a_folder_is_many_queries_even_with_one_page(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "tass.txt").write_text(read_article_file(EXAMPLES / f"{TASS_ID}.txt").text)
    code, out, _ = run("query", str(db), str(folder))
    assert code == 0
    (line,) = out.splitlines()
    row = json.loads(line)
    # (the indexed TASS page is of the query's own source, TASS: left out)
    assert row["query"] == "tass" and [m["id"] for m in row["matches"]] == [NIKKEI_ID]
    code, out, _ = run("query", str(db), str(folder), "--same-source")
    row = json.loads(out)
    assert [m["id"] for m in row["matches"]] == [TASS_ID, NIKKEI_ID]  # (all of it reused)


def test_many_queries_with_none_readable_fail(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\nnot json\n')
    code, out, err = run("query", str(db), str(bad))
    assert code == 1
    assert out == ""
    assert err.strip().splitlines()[-1] == "error: no query could be made: 2 rejected"


@pytest.mark.parametrize(
    "args",
    [
        (),  # nothing to look up
        ("-", str(CORPUS)),  # stdin is one query
        (str(EXAMPLES / f"{TASS_ID}.txt"), "--out", "x.jsonl"),  # --out is for many
        ("--id", TASS_ID, "--jobs", "2"),  # and so is --jobs
    ],
)
def test_query_usage_errors(db: Path, args: tuple[str, ...]) -> None:
    code, _, err = run("query", str(db), *args)
    assert code == 2
    assert "Usage:" in err or "Error:" in err


def test_many_queries_stop_on_a_missing_input(db: Path) -> None:
    code, _, err = run("query", str(db), str(CORPUS), "nope.jsonl")
    assert code == 2
    assert err.strip() == "error: input not found: nope.jsonl"


def test_worker_processes_answer_the_same_in_the_same_order(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query_cmd, "CHUNK", 2)  # (many tasks, more than in flight at once)
    many = tmp_path / "many.jsonl"
    rows = []
    for line in CORPUS.read_text().splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            rows.append(json.loads(line))
    with many.open("w") as fh:  # (more queries than one task's chunk, bad records among them)
        for k in range(3):
            for row in rows:
                if "text" in row:
                    row = {**row, "id": f"{row['id']}-{k}"}
                fh.write(json.dumps(row) + "\n")
            fh.write("not json\n")
    args = ("query", str(db), str(many), str(EXAMPLES), "--id", NIKKEI_ID, "--id", "nope")
    outputs = []
    for jobs in ("1", "2"):
        out_file = tmp_path / f"out-{jobs}.jsonl"
        code, _, err = run(*args, "--jobs", jobs, "--out", str(out_file))
        assert code == 0, err
        outputs.append(
            (out_file.read_text(), Path(f"{out_file}.rejects.jsonl").read_text(), err.strip())
        )
    assert outputs[0][:2] == outputs[1][:2]
    lines = outputs[0][0].splitlines()
    assert len(lines) == 1 + 3 * 3 + 2  # (the id, three copies of the 3 readable, the seed pair)
    assert outputs[0][2].split(", ")[:3] == outputs[1][2].split(", ")[:3]


def test_sources_only_keeps_what_each_query_may_have_copied_from(db: Path) -> None:
    code, out, _ = run("query", str(db), "--id", "wire-harbour", "--json")
    rows = json.loads(out)
    assert [(r["id"], r["direction"]["source"]) for r in rows] == [("daily-harbour", "a")]
    code, out, _ = run("query", str(db), "--id", "wire-harbour", "--json", "--sources-only")
    assert (code, json.loads(out)) == (0, [])
    code, out, err = run(
        "query", str(db), "--id", "wire-harbour", "--id", "daily-harbour", "--sources-only",
        "--jobs", "1",
    )  # fmt: skip
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(q["query"], [m["id"] for m in q["matches"]]) for q in lines] == [
        ("wire-harbour", []),
        ("daily-harbour", ["wire-harbour"]),
    ]
