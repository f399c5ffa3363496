"""The incremental DuckDB index: add, replace, query, locking, atomic batches."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pytest

import copytrace.index as index_module
from copytrace.compare import compare
from copytrace.errors import InputError
from copytrace.fingerprint import FingerprintParams, content_text, fingerprint_texts
from copytrace.index import (
    QUERY_MIN_SHARED,
    Index,
    IndexLockedError,
    Match,
    query_df_limit,
)
from copytrace.ingest.files import read_article_file
from copytrace.model import Article

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# A fixed vocabulary of plain words: seeded random sentences from it share no
# 5-word shingle by chance, so every match below is one we put there.
_VOCAB_TEXT = (
    "harbour council minister ferry strike budget river bridge school hospital tunnel "
    "election mayor police station market farmers drought rain summer winter court judge "
    "union workers company profits shares bank rates inflation housing rents tenants "
    "village festival museum library railway airport runway pilots fishermen quota coast "
    "storm flood warning roads traffic cyclists energy prices wind solar grid factory "
    "jobs export import tariff treaty border talks envoy navy army defence security "
    "agreed rejected announced delayed approved opened closed raised cut plans report "
    "said warned told expected reported claimed added noted"
)
_VOCAB = _VOCAB_TEXT.split()


def sentences(seed: int, n_words: int) -> str:
    """Deterministic pseudo-prose of ``n_words`` words, a full stop every 12 words."""
    rng = np.random.default_rng(seed)
    words = [_VOCAB[i] for i in rng.integers(0, len(_VOCAB), n_words)]
    out = []
    for i in range(0, n_words, 12):
        chunk = words[i : i + 12]
        out.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
    return " ".join(out)


def art(article_id: str, text: str, **meta: object) -> Article:
    """An already-cleaned article: the whole text is content."""
    return Article(article_id, text, content=((0, len(text)),), **meta)  # type: ignore[arg-type]


def fingerprint_rows(db: Path) -> dict[str, int]:
    """Fingerprint rows per article id, read straight from the file."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT a.id, count(f.hash) FROM articles a LEFT JOIN "
            "(SELECT * FROM fingerprints UNION ALL SELECT * FROM fingerprints_tail) f "
            "USING (doc) GROUP BY a.id"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: int(r[1]) for r in rows}


def distinct_fingerprints(a: Article) -> int:
    return len(np.unique(fingerprint_texts([content_text(a)]).hash))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "news.duckdb"


@pytest.fixture
def index(db: Path) -> Iterator[Index]:
    with Index(db) as ix:
        yield ix


# ----------------------------------------------------------------------------- seed pair


def test_query_with_tass_finds_nikkei_with_both_verbatim_passages(
    index: Index, nikkei_path: Path, tass_path: Path
) -> None:
    nikkei = read_article_file(nikkei_path)
    tass = read_article_file(tass_path)
    unrelated = [art(f"other-{i}", sentences(i, 300)) for i in range(5)]
    index.add([*unrelated, nikkei])

    matches = index.query(tass)

    assert [m.article.id for m in matches] == [nikkei.id]
    m = matches[0]
    assert isinstance(m, Match)
    assert m.result.a.id == tass.id and m.result.b.id == nikkei.id
    assert m.article.text == nikkei.text  # the original text comes back
    assert m.score == sum(p.words for p in m.result.passages)
    pieces = []
    for p in m.result.passages:
        a_piece = tass.text[p.a_start : p.a_end]
        b_piece = nikkei.text[p.b_start : p.b_end]
        assert a_piece and b_piece
        pieces.append((p.kind, a_piece, b_piece))
    tokyo = [x for x in pieces if x[2].startswith("Tokyo hopes that cultivating closer security")]
    assert tokyo and tokyo[0][0] == "verbatim"
    assert "unlikely to agree to such an arrangement this time" in " ".join(
        b for kind, _, b in pieces if kind != "paraphrase"
    )
    deepen = [x for x in pieces if "If we deepen our cooperation with Russia too much" in x[1]]
    assert deepen and deepen[0][0] in {"verbatim", "near-verbatim"}
    assert "relationship with the U.S. could deteriorate" in deepen[0][2]
    assert "relationship with the US could deteriorate" in deepen[0][1]
    # TASS names Nikkei: the indexed article is the source.
    assert m.result.direction.source == "b"


def test_raw_articles_are_cleaned_before_indexing(index: Index, nikkei_path: Path) -> None:
    nikkei = read_article_file(nikkei_path)
    assert nikkei.content == ()
    index.add([nikkei])
    stored = index.get(nikkei.id)
    assert stored is not None
    assert stored.content and stored.text == nikkei.text
    assert all(0 <= s < e <= len(stored.text) for s, e in stored.content)
    assert "Sponsored Content" not in stored.content_text()
    assert stored.title == "Japan and Russia plan high-level talks on defense, diplomacy"


# ----------------------------------------------------------------------------- ranking


def test_matches_are_ranked_by_reused_words(index: Index) -> None:
    p1, p2, p3 = sentences(101, 60), sentences(102, 60), sentences(103, 60)
    query = art("q", " ".join([p1, p2, p3, sentences(104, 40)]))
    index.add(
        [
            art("one-paragraph", sentences(201, 80) + " " + p1),
            art("three-paragraphs", p3 + " " + sentences(202, 50) + " " + p1 + " " + p2),
            art("unrelated", sentences(203, 200)),
        ]
    )

    matches = index.query(query)

    assert [m.article.id for m in matches] == ["three-paragraphs", "one-paragraph"]
    assert matches[0].score > matches[1].score >= 50
    assert matches[0].shared > matches[1].shared >= QUERY_MIN_SHARED
    for m in matches:
        verbatim = [p for p in m.result.passages if p.kind == "verbatim"]
        assert verbatim
        for p in verbatim:
            assert query.text[p.a_start : p.a_end] == m.article.text[p.b_start : p.b_end]


def test_query_limit_keeps_the_best(index: Index) -> None:
    shared = sentences(7, 40)
    index.add([art(f"copy-{k}", sentences(300 + k, 10 * k + 20) + " " + shared) for k in range(6)])
    query = art("q", shared + " " + sentences(8, 30))
    assert len(index.query(query, limit=10)) == 6
    assert len(index.query(query, limit=2)) == 2
    with pytest.raises(ValueError, match="limit"):
        index.query(query, limit=0)


def test_query_leaves_out_the_indexed_article_with_the_same_id(index: Index) -> None:
    text = sentences(11, 120)
    index.add([art("a", text), art("b", "Intro words here. " + text)])
    assert [m.article.id for m in index.query(art("a", text))] == ["b"]


def test_stock_phrases_above_the_df_limit_do_not_make_matches(index: Index) -> None:
    stock = sentences(50, 40)  # boilerplate every indexed article carries
    n = 30
    assert query_df_limit(n) < n
    index.add([art(f"site-{i}", sentences(400 + i, 150) + " " + stock) for i in range(n)])
    own = sentences(51, 150)
    assert index.query(art("q", own + " " + stock)) == []
    # ... while text shared with only one of them still matches it.
    reuse = art("q2", own + " " + stock + " " + sentences(400 + 3, 150))
    assert [m.article.id for m in index.query(reuse)] == ["site-3"]


def test_a_story_in_more_articles_than_the_limit_is_found_in_its_earliest_copy(
    db: Path,
) -> None:
    story = sentences(60, 150)
    n = 30
    assert query_df_limit(n) < n
    copies = [
        art(f"copy-{i:02d}", sentences(500 + i, 30) + " " + story,
            published=f"2026-10-10T{10 + i % 10:02d}:{i:02d}:00Z")
        for i in range(n)
    ]  # fmt: skip
    copies[7] = replace(copies[7], published="2026-10-10T08:00:00Z")  # the first
    with Index(db) as ix:
        ix.add([*copies, *(art(f"other-{i}", sentences(700 + i, 150)) for i in range(5))])
    reprint = art("q", sentences(61, 20) + " " + story)
    for memory in (False, True):
        with Index(db, read_only=True, memory=memory) as ix:
            matches = ix.query(reprint)
            assert [m.article.id for m in matches] == ["copy-07"]
            assert matches[0].score >= 150


def test_query_df_limit_scales_with_the_index() -> None:
    assert query_df_limit(0) == 20
    assert query_df_limit(50_000) == 500
    assert query_df_limit(10_000_000) == 1000


# ----------------------------------------------------------------------------- empty


def test_empty_index_returns_no_matches(index: Index, tass_path: Path) -> None:
    assert len(index) == 0
    assert index.query(read_article_file(tass_path)) == []
    assert index.get("anything") is None


def test_article_too_short_to_fingerprint_is_stored_but_never_matches(index: Index) -> None:
    summary = index.add([art("tiny", "Two words."), art("long", sentences(1, 100))])
    assert (summary.articles, summary.empty) == (2, 1)
    assert index.get("tiny") is not None
    assert index.query(art("q", "Two words.")) == []


# ----------------------------------------------------------------------------- replace


def test_re_adding_an_id_replaces_it_without_duplicate_fingerprints(index: Index, db: Path) -> None:
    old = art("x", sentences(21, 150), title="old")
    new = art("x", sentences(22, 150), title="new")
    index.add([old, art("y", sentences(23, 150))])
    summary = index.add([new])

    assert (summary.articles, summary.replaced) == (1, 1)
    assert len(index) == 2
    got = index.get("x")
    assert got is not None and got.title == "new" and got.text == new.text
    index.close()
    rows = fingerprint_rows(db)
    assert rows["x"] == distinct_fingerprints(new)
    with Index(db, read_only=True) as ro:
        assert ro.stats().fingerprints + ro.stats().tail_fingerprints == sum(rows.values())
        assert ro.query(art("q", old.text)) == []
        assert [m.article.id for m in ro.query(art("q", new.text))] == ["x"]


def test_articles_are_fetched_by_their_doc_key_across_batches_and_replacements(
    index: Index, db: Path
) -> None:
    texts = {f"a{i}": sentences(200 + i, 40) for i in range(7)}
    index.add([art(k, v) for k, v in texts.items()], batch_size=3)
    texts["a1"] = sentences(300, 40)  # a1 gets a new doc; its old doc is gone
    index.add([art("a1", texts["a1"])])
    index.close()
    con = duckdb.connect(str(db), read_only=True)
    doc_of = dict(con.execute("SELECT id, doc FROM articles").fetchall())
    con.close()
    with Index(db, read_only=True) as ro:
        docs = [doc_of["a6"], doc_of["a0"], doc_of["a1"], 10_000]
        got = {doc: a for doc, a in ro._fetch_articles_by_doc(docs)}
        assert sorted(got) == sorted(docs[:3])
        for aid in ("a6", "a0", "a1"):
            assert got[doc_of[aid]].id == aid and got[doc_of[aid]].text == texts[aid]
        assert ro._fetch_articles_by_doc([]) == []
        assert len(ro) == 7 and len(ro) == 7  # counted once, then cached


def test_repeated_id_within_one_add_keeps_the_last(index: Index, db: Path) -> None:
    first, last = art("x", sentences(31, 100)), art("x", sentences(32, 100))
    summary = index.add([first, art("y", sentences(33, 100)), last], batch_size=10)
    assert summary.articles == 2
    got = index.get("x")
    assert got is not None and got.text == last.text
    index.close()
    assert fingerprint_rows(db)["x"] == distinct_fingerprints(last)


def test_repeated_id_across_batches_keeps_the_last(index: Index, db: Path) -> None:
    arts = [art("x", sentences(41, 100))] + [art(f"a{i}", sentences(42 + i, 50)) for i in range(3)]
    arts.append(art("x", sentences(60, 100)))
    summary = index.add(arts, batch_size=2)
    assert (summary.batches, summary.articles, summary.replaced) == (3, 5, 1)
    assert len(index) == 4
    index.close()
    assert fingerprint_rows(db)["x"] == distinct_fingerprints(arts[-1])


# ----------------------------------------------------------------------------- batches


def test_failed_batch_leaves_the_index_as_it_was(
    index: Index, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = art("x", sentences(71, 120))
    index.add([old, art("y", sentences(72, 120))])

    def boom(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk full")

    # The failure hits after the old version of "x" was deleted in the transaction.
    monkeypatch.setattr("copytrace.index._articles_table", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        index.add([art("x", sentences(73, 120)), art("z", sentences(74, 120))])
    monkeypatch.undo()

    assert len(index) == 2 and index.get("z") is None
    got = index.get("x")
    assert got is not None and got.text == old.text
    assert [m.article.id for m in index.query(art("q", old.text))] == ["x"]
    index.close()
    assert fingerprint_rows(db) == {
        "x": distinct_fingerprints(old),
        "y": distinct_fingerprints(art("y", sentences(72, 120))),
    }


def test_each_batch_commits_and_progress_reports_it(index: Index) -> None:
    seen: list[int] = []
    arts = [art(f"a{i}", sentences(500 + i, 60)) for i in range(7)]
    summary = index.add(arts, batch_size=3, progress=seen.append)
    assert seen == [3, 6, 7]
    assert (summary.batches, summary.articles, summary.replaced) == (3, 7, 0)
    with pytest.raises(ValueError, match="batch_size"):
        index.add(arts, batch_size=0)


@pytest.mark.slow
def test_worker_processes_write_the_same_index_as_one_process(tmp_path: Path) -> None:
    arts = [art(f"a{i}", sentences(700 + i, 80)) for i in range(450)]
    arts.append(art("a3", sentences(9_999, 80)))  # a repeat: the last one wins either way
    dbs = {jobs: tmp_path / f"jobs{jobs}.duckdb" for jobs in (1, 2)}
    for jobs, path in dbs.items():
        with Index(path) as ix:
            summary = ix.add(arts, batch_size=300, jobs=jobs)
            assert (summary.articles, summary.replaced, summary.batches) == (451, 1, 2)
    assert fingerprint_rows(dbs[1]) == fingerprint_rows(dbs[2])
    assert fingerprint_rows(dbs[2])["a3"] == distinct_fingerprints(arts[-1])


@pytest.mark.slow
def test_index_killed_during_add_keeps_whole_batches_only(db: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(SRC)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_index import art, sentences
        from copytrace.index import Index

        def articles():
            for i in range(100_000):
                yield art(f"a{{i}}", sentences(i, 200))

        def done(n):
            print(n, flush=True)

        Index({str(db)!r}).add(articles(), batch_size=50, progress=done)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for _ in range(3):  # three batches committed, the fourth under way
        assert proc.stdout.readline().strip()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    rows = fingerprint_rows(db)
    assert len(rows) >= 150 and len(rows) % 50 == 0
    assert set(rows) == {f"a{i}" for i in range(len(rows))}
    for i in (0, len(rows) - 1):
        assert rows[f"a{i}"] == distinct_fingerprints(art(f"a{i}", sentences(i, 200)))
    with Index(db) as ix:  # and the file takes further adds
        ix.add([art("later", sentences(999_999, 100))])
        assert len(ix) == len(rows) + 1


# ----------------------------------------------------------------------------- compaction


def test_compaction_sorts_the_tail_and_keeps_answers(index: Index) -> None:
    shared = sentences(81, 60)
    index.add(
        [art(f"s{i}", sentences(600 + i, 80) + " " + shared) for i in range(4)], compact=False
    )
    index.add([art("t", shared + " " + sentences(610, 80))], compact=False)
    query = art("q", sentences(82, 40) + " " + shared)
    before = [(m.article.id, m.score) for m in index.query(query)]
    stats = index.stats()
    assert stats.fingerprints == 0 and stats.tail_fingerprints > 0

    index.compact()

    after = index.stats()
    assert after.tail_fingerprints == 0
    assert after.fingerprints == stats.tail_fingerprints
    assert [(m.article.id, m.score) for m in index.query(query)] == before
    assert len(before) == 5
    hashes = index._con.execute("SELECT hash FROM fingerprints").fetchnumpy()["hash"]
    assert bool(np.all(np.diff(np.asarray(hashes, dtype=np.uint64)) >= 0))
    # A later add goes to the tail; queries read the sorted run and the tail.
    index.add([art("late", sentences(620, 50) + " " + shared)], compact=False)
    assert index.stats().tail_fingerprints > 0
    assert len(index.query(query)) == 6


def _memory_corpus(db: Path) -> list[Article]:
    """An index with a sorted run, a tail and a replaced article; text shared by several."""
    shared, other = sentences(701, 60), sentences(702, 40)
    with Index(db) as ix:
        ix.add([art(f"s{i}", sentences(710 + i, 80) + " " + shared) for i in range(5)])
        ix.add([art("o", other + " " + sentences(720, 60))], compact=True)
        ix.add([art("t", shared + " " + sentences(721, 50) + " " + other)], compact=False)
        # a replaced article: its old fingerprints (sorted run) and doc key are gone
        ix.add([art("s1", sentences(722, 60) + " " + other)], compact=False)
        assert ix.stats().fingerprints > 0 and ix.stats().tail_fingerprints > 0
    return [
        art("q1", sentences(730, 30) + " " + shared),
        art("q2", other + " " + shared[:200]),
        art("q3", sentences(731, 100)),
    ]


def test_fingerprints_held_in_memory_give_the_same_answers_as_the_file(db: Path) -> None:
    queries = _memory_corpus(db)
    with Index(db, read_only=True) as disk, Index(db, read_only=True, memory=True) as mem:
        assert mem._postings is not None and disk._postings is None
        for q in queries:
            hashes = np.unique(fingerprint_texts([content_text(q)], disk.params).hash)
            rows_disk = sorted(zip(*(a.tolist() for a in disk._lookup(hashes)), strict=True))
            rows_mem = sorted(zip(*(a.tolist() for a in mem._lookup(hashes)), strict=True))
            assert rows_mem == rows_disk
            assert mem.candidates(q) == disk.candidates(q)
            assert [(m.article.id, m.score, m.result) for m in mem.query(q)] == [
                (m.article.id, m.score, m.result) for m in disk.query(q)
            ]
        assert sorted(m.article.id for m in mem.query(queries[0])) == ["s0", "s2", "s3", "s4", "t"]


def test_handles_on_one_file_share_the_fingerprints_in_memory(db: Path) -> None:
    _memory_corpus(db)
    with (
        Index(db, read_only=True, memory=True) as one,
        Index(db, read_only=True, memory=True) as two,
    ):
        assert one._postings is two._postings is not None


def test_too_many_fingerprints_for_memory_are_read_from_the_file(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = _memory_corpus(db)
    monkeypatch.setattr(index_module, "MEMORY_MAX_ROWS", 10)
    with Index(db, read_only=True, memory=True) as ix:
        assert ix._postings is None
        assert sorted(m.article.id for m in ix.query(queries[0])) == ["s0", "s2", "s3", "s4", "t"]


def test_memory_needs_a_read_only_handle(db: Path) -> None:
    with pytest.raises(ValueError, match="read_only"):
        Index(db, memory=True)


def test_each_match_carries_what_compare_says_about_the_pair(index: Index) -> None:
    shared = sentences(741, 50)
    index.add(
        [
            art("src", shared + " " + sentences(742, 60), source="Nikkei"),
            art("copy", sentences(743, 30) + " " + shared, source="TASS"),
            art("part", sentences(744, 40) + " " + shared[:150]),
        ]
    )
    query = art("q", sentences(745, 20) + " " + shared + " Nikkei reported.")
    matches = index.query(query)
    assert len(matches) == 3
    for m in matches:
        assert m.result == compare(query, m.article)
    # with a limit, the best ones still come with the whole pair result
    top = index.query(query, limit=1)
    assert [(m.article.id, m.result) for m in top] == [(matches[0].article.id, matches[0].result)]


def test_add_compacts_when_asked(index: Index) -> None:
    summary = index.add([art("a", sentences(90, 100))], compact=True)
    assert summary.compacted
    assert index.stats().tail_fingerprints == 0
    assert [m.article.id for m in index.query(art("q", sentences(90, 100)))] == ["a"]


# ----------------------------------------------------------------------------- opening


def test_second_writer_process_gets_index_locked_error(db: Path) -> None:
    probe = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(SRC)!r})
        from copytrace.index import Index, IndexLockedError
        try:
            Index({str(db)!r}, read_only=sys.argv[1] == "ro")
        except IndexLockedError as exc:
            print(exc)
            sys.exit(3)
        print("opened")
        """
    )
    with Index(db) as ix:
        ix.add([art("a", sentences(1, 50))])
        for mode in ("rw", "ro"):
            out = subprocess.run(
                [sys.executable, "-c", probe, mode], capture_output=True, text=True, timeout=60
            )
            assert out.returncode == 3, out.stderr
            message = out.stdout.strip()
            assert "index DB is locked by another process" in message
            assert str(db) in message and "\n" not in message
    out = subprocess.run(
        [sys.executable, "-c", probe, "rw"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and out.stdout.strip() == "opened"


def test_second_writer_in_the_same_process_gets_index_locked_error(db: Path) -> None:
    with Index(db), pytest.raises(IndexLockedError, match="already open"):
        Index(db)


def test_several_read_only_handles_share_the_file(db: Path) -> None:
    with Index(db) as ix:
        ix.add([art("a", sentences(3, 80))])
    with Index(db, read_only=True) as r1, Index(db, read_only=True) as r2:
        assert len(r1) == len(r2) == 1
        with pytest.raises(PermissionError, match="read-only"):
            r1.add([art("b", sentences(4, 80))])


def test_read_only_open_of_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such index file"):
        Index(tmp_path / "missing.duckdb", read_only=True)
    assert not (tmp_path / "missing.duckdb").exists()


def test_a_file_that_is_not_an_index_is_an_input_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InputError, match="cannot open as a copytrace index"):
        Index(junk)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(InputError, match="not a copytrace index"):
        Index(other)
    with pytest.raises(InputError, match="not a copytrace index"):
        Index(other, read_only=True)


def test_fingerprint_parameters_stored_in_the_index_win_over_the_defaults(db: Path) -> None:
    with Index(db):
        pass
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '3' WHERE key = 'window'")
    con.close()
    a = art("a", sentences(12, 200))
    with Index(db) as ix:
        assert ix.params.window == 3
        ix.add([a])
    expected = fingerprint_texts([content_text(a)], FingerprintParams(window=3)).hash
    assert fingerprint_rows(db)["a"] == len(np.unique(expected))
    assert len(np.unique(expected)) > distinct_fingerprints(a)


def test_index_survives_close_and_reopen(db: Path) -> None:
    a = art(
        "a",
        sentences(5, 90),
        source="Wire",
        published="2026-11-01T08:00:00+00:00",
        url="https://example.com/a",
        title="A story",
    )
    with Index(db) as ix:
        ix.add([a])
    with Index(db, read_only=True) as ix:
        got = ix.get("a")
        assert got == a
        assert list(ix.ids()) == ["a"]


def test_query_id_asks_with_the_indexed_article_and_knows_unknown_ids(tmp_path: Path) -> None:
    body = "The harbour council approved the new ferry plan on Monday night. " * 3
    with Index(tmp_path / "ix.duckdb") as ix:
        ix.add(
            [
                Article("wire", body, source="Wire"),
                Article("daily", "Daily wrote: " + body, source="Daily"),
                Article("other", "A quiet week in the hills; shepherds moved flocks down. " * 3),
            ]
        )
        got = ix.query_id("daily")
        assert [m.article.id for m in got] == ["wire"]
        direct = ix.query(ix.get("daily"))  # type: ignore[arg-type]
        assert [(m.article.id, m.score, m.shared) for m in got] == [
            (m.article.id, m.score, m.shared) for m in direct
        ]
        assert ix.query_id("other") == []
        with pytest.raises(KeyError):
            ix.query_id("nope")


def test_articles_of_the_query_s_source_are_left_out_unless_asked_for(db: Path) -> None:
    chrome = sentences(80, 40)  # a site's own block, on each of its pages
    story = sentences(81, 150)
    with Index(db) as ix:
        ix.add(
            [
                art("site-1", sentences(82, 120) + " " + chrome, source="Site"),
                art("site-2", sentences(83, 120) + " " + chrome, source="Site"),
                art("wire-1", story, source="Wire"),
                art("blank", sentences(84, 60) + " " + chrome),  # (source unknown)
            ]
        )
    query = art("site-3", story + " " + chrome, source="Site")
    unknown = replace(query, source=None)
    for memory in (False, True):
        with Index(db, read_only=True, memory=memory) as ix:

            def ids(matches: list) -> list[str]:
                return [m.article.id for m in matches]

            assert ids(ix.query(query)) == ["wire-1", "blank"]  # (the story first)
            both = ix.query(query, same_source=True)
            assert ids(both)[0] == "wire-1"
            assert set(ids(both)) == {"wire-1", "blank", "site-1", "site-2"}
            # a query of no known source is matched with every source
            assert set(ids(ix.query(unknown))) == {"wire-1", "blank", "site-1", "site-2"}
            assert ids(ix.query_id("site-1")) == ["blank"]
            assert set(ids(ix.query_id("site-1", same_source=True))) == {"blank", "site-2"}


def test_a_story_over_the_limit_is_found_in_the_earliest_copy_of_another_source(
    db: Path,
) -> None:
    story = sentences(90, 150)
    n = 30
    assert query_df_limit(n) < n
    copies = [
        art(f"copy-{i:02d}", sentences(600 + i, 30) + " " + story, source=f"s{i}",
            published=f"2026-10-10T{10 + i % 10:02d}:{i:02d}:00Z")
        for i in range(n)
    ]  # fmt: skip
    copies[4] = replace(copies[4], published="2026-10-10T07:00:00Z", source="Daily")  # first
    copies[9] = replace(copies[9], published="2026-10-10T08:00:00Z")  # second
    with Index(db) as ix:
        ix.add(copies)
    reprint = art("q", sentences(91, 20) + " " + story, source="Daily")
    for memory in (False, True):
        with Index(db, read_only=True, memory=memory) as ix:
            assert [m.article.id for m in ix.query(reprint)] == ["copy-09"]
            assert [m.article.id for m in ix.query(reprint, same_source=True)] == ["copy-04"]


# ----------------------------------------------------------------------------- remove


def test_removed_articles_leave_both_fingerprint_tables_and_every_answer(db: Path) -> None:
    story = sentences(95, 150)
    with Index(db) as ix:
        ix.add([art("wire", story, source="Wire"), art("a", sentences(96, 100))])
        ix.compact()  # "wire" in the sorted run, "daily" in the tail
        ix.add([art("daily", sentences(97, 20) + " " + story, source="Daily")])
        assert ix.remove(["wire", "nope", "wire", "daily"]) == ["wire", "daily"]
        assert ix.remove(["wire"]) == []  # (twice is harmless)
        assert ix.get("wire") is None and len(ix) == 1
        assert ix.query(art("q", story, source="Q")) == []
        ix.add([art("daily", sentences(97, 20) + " " + story, source="Daily")])
    assert fingerprint_rows(db) == {
        "a": distinct_fingerprints(art("a", sentences(96, 100))),
        "daily": distinct_fingerprints(art("d", sentences(97, 20) + " " + story)),
    }
    rows = sum(fingerprint_rows(db).values())  # (none left without an article)
    for memory in (False, True):
        with Index(db, read_only=True, memory=memory) as ro:
            stats = ro.stats()
            assert stats.fingerprints + stats.tail_fingerprints == rows
            assert [m.article.id for m in ro.query(art("q", story, source="Q"))] == ["daily"]
            with pytest.raises(PermissionError):
                ro.remove(["a"])


def test_a_story_over_the_limit_is_found_in_its_next_copy_once_the_earliest_is_removed(
    db: Path,
) -> None:
    story = sentences(92, 150)
    n = 30
    copies = [
        art(f"copy-{i:02d}", sentences(700 + i, 30) + " " + story, source=f"s{i}",
            published=f"2026-10-10T{10 + i % 10:02d}:{i:02d}:00Z")
        for i in range(n)
    ]  # fmt: skip
    copies[4] = replace(copies[4], published="2026-10-10T07:00:00Z")
    copies[9] = replace(copies[9], published="2026-10-10T08:00:00Z")
    reprint = art("q", sentences(93, 20) + " " + story, source="Q")
    with Index(db) as ix:
        ix.add(copies)
        assert [m.article.id for m in ix.query(reprint)] == ["copy-04"]
        ix.remove(["copy-04"])
        assert [m.article.id for m in ix.query(reprint)] == ["copy-09"]


def test_skip_existing_adds_only_ids_not_yet_indexed(index: Index, db: Path) -> None:
    old = art("x", sentences(51, 100), title="old")
    index.add([old, art("y", sentences(52, 100))])
    summary = index.add(
        [art("x", sentences(53, 100), title="new"), art("z", sentences(54, 100))],
        skip_existing=True,
        batch_size=1,
    )
    assert (summary.articles, summary.skipped, summary.replaced) == (1, 1, 0)
    got = index.get("x")
    assert got is not None and got.title == "old"  # (kept, not replaced)
    assert sorted(index.ids()) == ["x", "y", "z"]
    index.close()
    assert fingerprint_rows(db)["x"] == distinct_fingerprints(old)


def test_sources_only_leaves_out_the_articles_that_copy_the_query(db: Path) -> None:
    story = sentences(56, 150)
    with Index(db) as ix:
        ix.add(
            [
                art("wire", story, source="Wire", published="2026-10-10T07:00:00Z"),
                art("later", sentences(57, 20) + " " + story, source="Later",
                    published="2026-10-12T18:00:00Z"),
            ]
        )  # fmt: skip
        query = art("q", sentences(58, 20) + " " + story, source="Q",
                    published="2026-10-11T10:00:00Z")  # fmt: skip
        both = ix.query(query)
        assert {m.article.id: m.result.direction.source for m in both} == {
            "wire": "b",  # (the indexed article is the query's source)
            "later": "a",  # (it copies the query)
        }
        assert [m.article.id for m in ix.query(query, sources_only=True)] == ["wire"]
        assert [m.article.id for m in ix.query(query, sources_only=True, limit=1)] == ["wire"]
        assert [m.article.id for m in ix.query_id("later", sources_only=True)] == ["wire"]


def test_sources_only_looks_past_many_later_copies(db: Path) -> None:
    # 15 later copies of the whole query share more fingerprints with it than its
    # one source (which holds only its first half): the first candidates aligned
    # are all copies, so the source is found only by aligning more of them.
    first, second = sentences(60, 120), sentences(61, 120)
    copies = [
        art(f"copy{i:02d}", sentences(100 + i, 15) + " " + first + " " + second,
            source=f"Copier {i}", published=f"2026-10-12T{i:02d}:00:00Z")
        for i in range(15)  # (fewer than the df limit's floor: no hub)
    ]  # fmt: skip
    with Index(db) as ix:
        ix.add([art("src", first, source="Wire", published="2026-10-10T07:00:00Z"), *copies])
        query = art("q", first + " " + second, source="Q", published="2026-10-11T10:00:00Z")
        shared = [n for _, n in ix.candidates(query)]
        assert len(shared) == 16 and shared[-1] < min(shared[:-1])  # (the source last)
        assert [m.article.id for m in ix.query(query, sources_only=True, limit=1)] == ["src"]
        assert [m.article.id for m in ix.query(query, sources_only=True)] == ["src"]
        assert len(ix.query(query, limit=25)) == 16
