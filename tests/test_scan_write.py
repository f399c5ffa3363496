"""The scan's write stage: articles.parquet from the spill's columns, report views."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import random
from pathlib import Path

import pyarrow as pa
import pytest

from copytrace.engines.local import (
    META_SCHEMA,
    Spill,
    _article_batches,
    _clusters,
    _empty_content,
    _passage_columns,
    _passage_lines,
    _passages_batch,
    _sorted_passages,
)
from copytrace.model import Article
from copytrace.report.html import esc, pair_view, render_report, render_text, shown_pairs
from copytrace.scan import ScanSummary
from copytrace.stages import (
    CLEAN_SCHEMA,
    RAW_SCHEMA,
    PairRecord,
    PassageRecord,
    articles_to_batch,
    cluster_pairs,
    pair_order,
    pair_rows,
    passage_order,
    passage_rows,
)
from copytrace.store import ARTICLES_SCHEMA, PASSAGES_SCHEMA, json_line
from copytrace.text import merge_spans


def _spill(work: Path, batches: list[list[Article]]) -> None:
    with (
        pa.OSFile(str(work / "raw.arrow"), "wb") as raw_sink,
        pa.ipc.new_file(raw_sink, RAW_SCHEMA) as raw,
        pa.OSFile(str(work / "meta.arrow"), "wb") as meta_sink,
        pa.ipc.new_file(meta_sink, META_SCHEMA) as meta,
    ):
        for arts in batches:
            raw.write_batch(articles_to_batch(arts))
            clean = articles_to_batch(arts, CLEAN_SCHEMA).drop_columns(["text"])
            meta.write_batch(clean.cast(META_SCHEMA))


def test_article_batches_equal_the_articles_rebuilt_one_by_one(tmp_path: Path) -> None:
    rng = random.Random(5)
    arts = [
        Article(
            f"id-{rng.randrange(10**6):06d}-{k}",
            "Text ünïcode\n" * rng.randrange(0, 4),
            content=tuple((s, s + 3) for s in range(0, rng.randrange(0, 12), 4)),
            title=rng.choice([None, "T", "Tïtle"]),
            published=rng.choice([None, "2024-01-01T00:00:00+00:00"]),
            source=rng.choice([None, "S", ""]),
            dateline=rng.choice([None, "PARIS"]),
            url=rng.choice([None, "https://x.example/a"]),
        )
        for k in range(23)
    ]
    _spill(tmp_path, [arts[:10], arts[10:11], arts[11:]])
    spill = Spill(tmp_path)
    order = sorted(range(len(arts)), key=lambda d: arts[d].id)
    import copytrace.engines.local as local

    old = local.WRITE_CHUNK
    local.WRITE_CHUNK = 7  # several batches, each across spill batches
    try:
        got = list(_article_batches(spill, order))
    finally:
        local.WRITE_CHUNK = old
    want = [
        articles_to_batch([spill.article(d) for d in order[lo : lo + 7]], ARTICLES_SCHEMA)
        for lo in range(0, len(order), 7)
    ]
    assert [b.num_rows for b in got] == [7, 7, 7, 2]
    assert all(g.equals(w) for g, w in zip(got, want, strict=True))
    assert got[0].column("id").to_pylist() == sorted(a.id for a in arts)[:7]
    assert list(_article_batches(spill, [])) == []


def test_spill_articles_are_the_spilled_articles(tmp_path: Path) -> None:
    # Spill.article reads the columns' buffers itself: every field as written,
    # nulls, empty strings, non-ASCII text, no content, HTML pages, several batches
    rng = random.Random(9)
    arts = [
        Article(
            f"id-{k}-" + rng.choice(["", "é", "\U0001f600"]),
            rng.choice(["", "Text ünïcode\n", "東京 text\u2028more", "a" * 300])
            * rng.randrange(1, 4),
            content=tuple((s, s + 2) for s in range(0, rng.randrange(0, 9), 3)),
            title=rng.choice([None, "", "T", "Tïtle"]),
            published=rng.choice([None, "2024-01-01T00:00:00+00:00"]),
            source=rng.choice([None, "S", ""]),
            dateline=rng.choice([None, "PARIS", "SÃO PAULO"]),
            url=rng.choice([None, "https://x.example/a"]),
            path=rng.choice([None, "in/ä.jsonl"]),
            is_html=rng.random() < 0.3,
        )
        for k in range(40)
    ]
    _spill(tmp_path, [arts[:13], arts[13:14], [], arts[14:]])
    spill = Spill(tmp_path)
    assert len(spill) == len(arts)
    got = [spill.article(d) for d in range(len(arts))]
    assert got == arts
    assert all(type(a.content) is tuple for a in got)
    assert all(type(s) is tuple and type(s[0]) is int for a in got for s in a.content)


def _render_text_by_scanning(art: Article, marks: list[tuple[int, int, str]]) -> str:
    """render_text as it was: every piece tested against every span and mark."""
    from copytrace.report.html import _elide

    text = art.text
    content = merge_spans(art.content or [(0, len(text))])
    cuts = {0, len(text)}
    for s, e in content:
        cuts.update((s, e))
    for s, e, _ in marks:
        cuts.update((s, e))
    out = []
    for lo, hi in itertools.pairwise(sorted(cuts)):
        if hi <= lo:
            continue
        piece = text[lo:hi]
        in_content = any(s <= lo and hi <= e for s, e in content)
        mark = next((c for s, e, c in marks if s <= lo and hi <= e), None)
        if mark == "mark":
            out.append(f"<mark>{esc(piece)}</mark>")
        elif mark == "para":
            out.append(f'<mark class="para">{esc(piece)}</mark>')
        elif mark == "diff":
            out.append(f'<span class="diff">{esc(piece)}</span>')
        elif not in_content:
            out.append(f'<span class="chrome">{_elide(piece)}</span>')
        else:
            out.append(_elide(piece))
    return "".join(out)


def test_render_text_equals_scanning_every_span() -> None:
    rng = random.Random(9)
    for _ in range(300):
        n = rng.randrange(0, 3000)
        text = "".join(rng.choice("ab <&\n") for _ in range(n))
        spans = [tuple(sorted((rng.randrange(n + 1), rng.randrange(n + 1)))) for _ in range(5)]
        art = Article("a", text, content=tuple(spans[: rng.randrange(0, 5)]))  # type: ignore[arg-type]
        marks = []
        for _ in range(rng.randrange(0, 8)):
            s, e = sorted((rng.randrange(n + 1), rng.randrange(n + 1)))
            marks.append((s, e, rng.choice(["mark", "diff"])))
        if rng.random() < 0.5:  # as word_marks gives them: sorted, apart
            marks = [m for m in sorted(marks) if m[0] < m[1]]
            marks = [m for k, m in enumerate(marks) if k == 0 or marks[k - 1][1] <= m[0]]
        assert render_text(art, marks) == _render_text_by_scanning(art, marks)


def test_report_with_views_rendered_elsewhere_is_the_same_page() -> None:
    texts = {
        "a": "Menu\nThe talks will resume in the autumn, officials said on Monday.",
        "b": "The talks will resume in the autumn, officials said. More text.",
        "c": "Officials said the talks will resume in the autumn.",
    }
    arts = {k: Article(k, t, content=((0, len(t)),), source=k.upper()) for k, t in texts.items()}

    def pair(a: str, b: str, words: int) -> PairRecord:
        p = PassageRecord(a, b, 5, 40, 0, 35, "near-verbatim", words, 0.9, False)
        return PairRecord(a, b, a, 0.8, 0.5, 0.5, (p,))

    pairs = [pair("a", "b", 7), pair("a", "c", 9), pair("b", "c", 3)]
    summary = ScanSummary(out_dir="out", pairs=3)
    default = render_report(summary, pairs, [], arts.get, max_pairs=2)
    views = [pair_view(p, anchor, arts.get) for p, anchor in shown_pairs(pairs, 2)]
    assert [p.b_id for p, _ in shown_pairs(pairs, 2)] == ["c", "b"]
    assert render_report(summary, pairs, [], arts.get, max_pairs=2, views=views) == default
    chosen = shown_pairs(pairs, 2)
    assert render_report(summary, pairs, [], arts.get, max_pairs=2, chosen=chosen) == default
    assert 'id="pair-2"' in default and 'id="pair-3"' not in default


def test_a_run_failing_after_pass_3_leaves_no_articles_parquet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """articles.parquet is written ahead in the work folder; a run that fails
    later (here in the align stage) stops that thread and places no file, and
    the outputs of an earlier run stay as they were."""
    import threading

    from copytrace.engines import local
    from copytrace.scan import scan

    rows = [
        {"id": f"a{i}", "source": f"s{i % 3}", "text": f"Story {i}.\n\n" + "word " * 50}
        for i in range(30)
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    scan([corpus], out, jobs=1)
    before = (out / "articles.parquet").read_bytes()
    (out / "articles.parquet").unlink()
    threads = threading.active_count()

    def boom(*args: object, **kwargs: object) -> object:
        raise RuntimeError("align failed")

    monkeypatch.setattr(local, "_align", boom)
    with pytest.raises(RuntimeError, match="align failed"):
        scan([corpus], out, jobs=1)
    assert not (out / "articles.parquet").exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] in (
        [],
        [local.LOCK_NAME],
    )
    assert threading.active_count() == threads
    monkeypatch.undo()
    scan([corpus], out, jobs=1)
    assert (out / "articles.parquet").read_bytes() == before


def _random_pairs(rng: random.Random, n: int) -> list[PairRecord]:
    ids = [f"a{i:03d}" for i in range(40)]
    pairs: dict[tuple[str, str], PairRecord] = {}
    for _ in range(n):
        a, b = sorted(rng.sample(ids, 2))
        source = rng.choice([a, b, None])
        src, tgt = (b, a) if source == b else (a, b)
        flip = rng.random() < 0.2  # (not made by the scan: rows of both orientations)
        passages = tuple(
            PassageRecord(
                *((tgt, src) if flip and rng.random() < 0.5 else (src, tgt)),
                s := rng.randint(0, 5),  # few offsets: ties on the first keys
                s + rng.randint(1, 3),
                t := rng.randint(0, 5),
                t + rng.randint(1, 3),
                rng.choice(["verbatim", "near-verbatim", "paraphrase"]),
                rng.randint(1, 99),
                round(rng.random(), 4),
                rng.random() < 0.5,
            )
            for _ in range(rng.randint(0, 4))
        )
        pairs[a, b] = PairRecord(a, b, source, 0.5, rng.random(), rng.random(), passages)
    out = list(pairs.values())
    out += out[: len(out) // 10]  # (nor this: pairs twice, so rows tie on every key)
    rng.shuffle(out)
    return out


def test_passage_and_pair_rows_in_the_order_and_columns_of_stages() -> None:
    # the write stage sorts with C-built keys and builds passages.parquet column by
    # column: the rows must be stages.passage_rows' and pair_rows', in their order
    rng = random.Random(5)
    for n in (0, 1, 30, 300):
        pairs = _random_pairs(rng, n)
        passages = _sorted_passages(pairs)
        want = passage_rows(pairs)
        assert [r.to_dict() for r in passages] == want
        assert [id(r) for r in passages] == [
            id(r) for r in sorted((r for p in pairs for r in p.passages), key=passage_order)
        ]
        columns = _passage_columns(passages)
        batch = _passages_batch(columns)
        assert batch.equals(pa.RecordBatch.from_pylist(want, schema=PASSAGES_SCHEMA))
        assert batch.schema.equals(PASSAGES_SCHEMA, check_metadata=True)
        lines = _passage_lines(columns)
        assert lines is not None and list(lines) == [json_line(row) for row in want]
        assert [p.to_dict() for p in sorted(pairs, key=pair_order)] == pair_rows(pairs)


def test_clusters_are_stages_cluster_pairs() -> None:
    # (the scan clusters from the pairs' id columns, without Edge records)
    rng = random.Random(7)
    for n in (0, 1, 30, 300):
        pairs = _random_pairs(rng, n)  # (pairs without passages among them)
        published = {p.a_id: rng.choice([None, "2024-01-01T00:00:00Z"]) for p in pairs}
        assert _clusters(pairs, published) == cluster_pairs(pairs, published)


def test_passage_lines_are_json_line_or_left_to_it() -> None:
    # odd values json writes its own way (or refuses): the lines are json_line's,
    # or None (then the scan writes the rows with json_line)
    base = PassageRecord('s\u00e9 "q"', "t\n\u2028", 0, 10, 2, 12, "verbatim", 3, 0.25, True)
    odd: list[dict[str, object]] = [
        {},
        {"source_id": "\ud800 \x00 \U0001f600"},
        {"similarity": 1e-300},
        {"similarity": 123456789.125},
        {"similarity": -0.0},
        {"words": 2**70},
        {"attributed": False},
        {"source_start": True},
        {"similarity": 1},
        {"similarity": math.nan},
        {"similarity": math.inf},
        {"attributed": 1},
        {"kind": None},
    ]
    for change in odd:
        r = dataclasses.replace(base, **change)  # type: ignore[arg-type]
        lines = _passage_lines(_passage_columns([base, r]))
        try:
            want = [json_line(base.to_dict()), json_line(r.to_dict())]
        except ValueError:
            assert lines is None, change
            continue
        assert lines is None or list(lines) == want, change
        typed = all(type(v) is type(getattr(base, k)) for k, v in change.items())
        finite = math.isfinite(r.similarity) if isinstance(r.similarity, float) else True
        assert (lines is not None) == (typed and finite), change


def test_records_survive_pickling_field_for_field() -> None:
    # (the workers send them to the scan's process pickled, by their own __reduce__)
    import pickle

    passage = PassageRecord("a", "b", 1, 9, 3, 11, "verbatim", 2, 0.5, True)
    pair = PairRecord("a", "b", "a", 0.9, 0.25, 0.5, (passage, passage), ("older",))
    bare = PairRecord("a", "b", None, 0.0, 0.0, 0.0, ())
    for rec in (passage, pair, bare):
        back = pickle.loads(pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == rec and type(back) is type(rec)
        assert [getattr(back, f.name) for f in dataclasses.fields(rec)] == [
            getattr(rec, f.name) for f in dataclasses.fields(rec)
        ]


def test_empty_content_counts_missing_and_empty_span_lists() -> None:
    content = pa.array([[[0, 4]], [], None, [[1, 2], [5, 9]], []], pa.list_(pa.list_(pa.int64())))
    assert _empty_content(content) == 3
    assert _empty_content(content.slice(3)) == 1  # (an offset into the offsets)


def _rss_file_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssFile:"):
            return int(line.split()[1])
    raise AssertionError("no RssFile")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_spill_release_lets_the_read_pages_go_and_keeps_the_articles(tmp_path: Path) -> None:
    # 40 MB of text: its pages, once read, are in this process's resident set
    # until release() drops them; the articles read the same after it
    rng = random.Random(3)
    arts = [
        Article(f"id-{k}", "".join(rng.choice("abcdefgh \n") for _ in range(200)) * 200)
        for k in range(1000)
    ]
    _spill(tmp_path, [arts[:500], arts[500:]])
    spill = Spill(tmp_path)
    before = _rss_file_kb()
    texts = [spill.article(d).text for d in range(len(arts))]
    spill.meta_batches()
    read = _rss_file_kb()
    assert read - before > 30_000  # (kB: most of the 40 MB mapped in)
    spill.release()
    assert _rss_file_kb() - before < 2_000
    assert texts == [a.text for a in arts]
    spill.article.cache_clear()
    assert [spill.article(d).text for d in (0, 499, 500, 999)] == [
        arts[d].text for d in (0, 499, 500, 999)
    ]
