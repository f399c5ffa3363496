"""The web viewer's JSON API, pages and safety layers, through Starlette's test client.

The corpus is tests/data/web/corpus.jsonl (the seed pair plus real news), scanned
and indexed for real once per session (see tests/data/web/build.py).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from click.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from copytrace.cli import main
from copytrace.errors import InputError
from copytrace.model import Article, Direction, PairResult, Passage
from copytrace.web import create_app, views
from copytrace.web.app import CONTENT_SECURITY_POLICY

DATA = Path(__file__).resolve().parent / "data" / "web"


def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("web_build", DATA / "build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


build = load_build()


@pytest.fixture(scope="session")
def scan_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real scan of the test corpus, with no index beside it."""
    out = tmp_path_factory.getbasetemp() / "web-scan-only"
    return build.build_scan(build.CORPUS, out, with_index=False)


@pytest.fixture(scope="session")
def index_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index of the test corpus without TASS (which is pasted)."""
    db = tmp_path_factory.getbasetemp() / "web-index.duckdb"
    return build.build_index(db, build.index_articles())


@pytest.fixture(scope="session")
def hostile_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scan (with index) of hostile articles and two ordinary ones."""
    base = tmp_path_factory.getbasetemp()
    corpus = build.write_hostile(base / "web-hostile.jsonl")
    return build.build_scan(corpus, base / "web-hostile-scan", with_index=True)


@pytest.fixture(scope="session")
def scan_client(scan_only: Path) -> TestClient:
    return TestClient(create_app(scan_only))


@pytest.fixture(scope="session")
def index_client(index_db: Path) -> TestClient:
    return TestClient(create_app(index_db))


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


# --------------------------------------------------------------------------------------
# views: pure layout functions
# --------------------------------------------------------------------------------------


def test_segments_cover_the_text_exactly_with_their_offsets() -> None:
    text = "MENU\nBody one two three. More body.\nFOOTER"
    marks = [views.Mark(5, 19, "p p-verbatim", 0, "r0"), views.Mark(10, 32, "p p-para", 0, "r1")]
    segs = views.text_segments(text, [(5, 35)], marks)
    assert "".join(s.text for s in segs) == text
    for s in segs:
        assert text[s.start : s.start + len(s.text)] == s.text
    chrome = [s.text for s in segs if "chrome" in s.classes.split()]
    assert chrome == ["MENU\n", "\nFOOTER"]
    both = [s for s in segs if "p-verbatim" in s.mark and "p-para" in s.mark]
    assert [s.text for s in both] == ["one two t"]
    assert both[0].ref == "r0"  # the earlier passage names the run
    assert "overlap" in both[0].mark.split()
    assert all("overlap" not in s.mark.split() for s in segs if s is not both[0])


def test_text_reused_from_several_sources_names_them_all() -> None:
    text = "one two three four"
    marks = [
        views.Mark(0, 13, "p src-0", 0, "x", "from X"),
        views.Mark(4, 18, "p src-1", 0, "y", "from Y"),
    ]
    segs = views.text_segments(text, [], marks)
    assert [(s.text, s.title, "overlap" in s.mark.split()) for s in segs] == [
        ("one ", "from X", False),
        ("two three", "from X; from Y", True),
        (" four", "from Y", False),
    ]


def test_segments_without_content_spans_treat_everything_as_content() -> None:
    segs = views.text_segments("plain text", [])
    assert [(s.text, s.classes, s.mark) for s in segs] == [("plain text", "", "")]


def test_blocks_nest_word_marks_inside_their_passage() -> None:
    text = "said the US envoy today"
    marks = [views.Mark(5, 17, "p p-near", 0, "r0"), views.Mark(9, 11, "w-edit", 1)]
    blocks = views.text_blocks(text, [], marks)
    assert [(b.ref, "".join(s.text for s in b.parts)) for b in blocks] == [
        (None, "said "),
        ("r0", "the US envoy"),
        (None, " today"),
    ]
    assert [(s.text, s.classes) for s in blocks[1].parts] == [
        ("the ", ""),
        ("US", "w-edit"),
        (" envoy", ""),
    ]


def test_word_marks_flag_the_dropped_word_in_the_seed_quote() -> None:
    a = Article("a", "a concerned Japanese government insider said.", content=((0, 46),))
    b = Article("b", "a Japanese government insider said as cited", content=((0, 43),))
    p = Passage("near-verbatim", 0, 45, 0, 34, 5, 0.9)
    wa, wb = views.word_marks(a, b, p)
    assert [a.text[s:e] for s, e, same in wa if not same] == ["concerned"]
    assert all(same for *_, same in wb)
    assert [b.text[s:e] for s, e, _ in wb] == ["a", "Japanese government insider said"]


def test_pair_marks_link_both_sides_of_each_passage() -> None:
    a = Article("a", "x one two three y", content=((0, 17),))
    b = Article("b", "one two four", content=((0, 12),))
    r = PairResult(
        a,
        b,
        (Passage("near-verbatim", 2, 15, 0, 12, 2, 0.8, True),),
        0.7,
        1.0,
        Direction("a", 0.8),
    )
    ma, mb = views.pair_marks(r, prefix="m1-")
    pa = [m for m in ma if m.layer == 0]
    pb = [m for m in mb if m.layer == 0]
    assert [(m.ref, a.text[m.start : m.end]) for m in pa] == [("m1-0", "one two three")]
    assert [(m.ref, b.text[m.start : m.end]) for m in pb] == [("m1-0", "one two four")]
    assert "p-credited" in pa[0].cls
    assert [b.text[m.start : m.end] for m in mb if m.cls == "w-edit"] == ["four"]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://tass.com/politics/1005300", True),
        ("HTTP://example.com", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ('https://example.com/"onmouseover="alert(1)', False),
        ("vbscript:msgbox", False),
    ],
)
def test_only_plain_web_addresses_become_links(url: str, ok: bool) -> None:
    assert (views.safe_url(url) is not None) is ok


def test_graph_keeps_the_busiest_nodes_and_points_copier_to_source() -> None:
    edges = [("blog", "wire", 5, 500), ("paper", "wire", 2, 100), ("tiny", "paper", 1, 10)]
    g = views.layout_graph(edges, {"wire": "Wire"}, max_nodes=3)
    assert {n.key for n in g.nodes} == {"wire", "paper", "blog"}
    assert [(e.copier, e.source) for e in g.edges] == [("blog", "wire"), ("paper", "wire")]
    wire = next(n for n in g.nodes if n.key == "wire")
    assert wire.label == "Wire" and wire.given == 7 and wire.copied == 0
    assert all(0 <= n.x <= g.width and 0 <= n.y <= g.height for n in g.nodes)


def test_timeline_orders_by_time_across_zones_and_puts_undated_last() -> None:
    t = views.layout_timeline(
        [
            ("tass", "TASS story", "TASS", "2018-05-21T09:56:00+03:00", False),
            ("undated", "No date", "Blog", None, False),
            ("nikkei", "Nikkei story", "Nikkei", "2018-05-20T06:00:00+09:00", True),
            ("naive", "Naive", "X", "2018-05-21T12:00:00", False),
        ]
    )
    assert [r.article_id for r in t.rows] == ["nikkei", "tass", "naive", "undated"]
    assert t.rows[-1].x is None
    xs = [r.x for r in t.rows[:-1]]
    assert xs == sorted(xs) and xs[0] == t.left and xs[-1] == t.right


# --------------------------------------------------------------------------------------
# Opening corpora
# --------------------------------------------------------------------------------------


def test_create_app_refuses_a_path_that_is_neither_index_nor_scan(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        create_app(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no articles\.parquet"):
        create_app(tmp_path / "empty")
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    with pytest.raises(InputError, match=r"junk\.duckdb"):
        create_app(junk)


def test_serve_command_defaults_to_loopback_and_reports_bad_paths(tmp_path: Path) -> None:
    cmd = main.commands["serve"]
    defaults = {p.name: p.default for p in cmd.params}
    assert defaults["host"] == "127.0.0.1"
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(main, ["serve", str(tmp_path / "empty")])
    assert res.exit_code == 1
    assert "no articles.parquet" in res.output and "Traceback" not in res.output


@pytest.mark.slow
def test_serve_command_serves_the_scan_on_loopback(scan_only: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("copytrace")
    proc = subprocess.Popen(
        [str(exe), "serve", str(scan_only), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/info", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "copytrace serve did not answer in 60 s"
                time.sleep(0.3)
        assert r.status_code == 200 and r.json()["kind"] == "scan"
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# --------------------------------------------------------------------------------------
# Scan folder: API
# --------------------------------------------------------------------------------------


def test_info_describes_a_scan_without_index(scan_client: TestClient) -> None:
    info = scan_client.get("/api/info").json()
    assert info["kind"] == "scan"
    assert info["can_query"] is False
    assert info["texts"] is True
    assert info["articles"] == len(jsonl(build.CORPUS))


def test_overview_figures_match_the_scan_files(scan_client: TestClient, scan_only: Path) -> None:
    ov = scan_client.get("/api/overview").json()
    pairs = jsonl(scan_only / "pairs.jsonl")
    clusters = jsonl(scan_only / "clusters.jsonl")
    assert ov["figures"]["pairs"] == len(pairs)
    assert ov["figures"]["directed_pairs"] == sum(p["source_id"] is not None for p in pairs)
    assert ov["figures"]["reused_words"] == sum(p["words"] for p in pairs)
    assert ov["figures"]["clusters"] == len(clusters)
    assert ov["figures"]["passages"] == len(jsonl(scan_only / "passages.jsonl"))
    sizes = sorted((len(c["article_ids"]) for c in clusters), reverse=True)
    assert [c["size"] for c in ov["clusters"]] == sizes[: len(ov["clusters"])]
    assert ov["group_by"] == "outlet"
    # Every directed pair is one edge unit: copier outlet -> source outlet.
    assert sum(e["pairs"] for e in ov["edges"]) == ov["figures"]["directed_pairs"]
    assert sum(r["pairs"] for r in ov["top_copiers"]) <= ov["figures"]["directed_pairs"]


def test_seed_pair_is_a_cluster_with_nikkei_as_origin(scan_client: TestClient) -> None:
    art = scan_client.get(f"/api/articles/{build.TASS_ID}").json()
    cid = art["cluster_id"]
    assert cid is not None
    cluster = scan_client.get(f"/api/clusters/{cid}").json()
    ids = [m["article"]["id"] for m in cluster["members"]]
    assert ids == [build.NIKKEI_ID, build.TASS_ID]  # Nikkei ran it first
    assert cluster["origin_id"] == build.NIKKEI_ID
    assert [m["is_origin"] for m in cluster["members"]] == [True, False]


def test_article_stretches_point_into_its_text(scan_client: TestClient, scan_only: Path) -> None:
    art = scan_client.get(f"/api/articles/{build.TASS_ID}").json()
    text = art["text"]
    assert text == json.loads(build.CORPUS.read_text("utf-8").splitlines()[1])["text"]
    passages = [
        p
        for p in jsonl(scan_only / "passages.jsonl")
        if build.TASS_ID in (p["source_id"], p["target_id"])
    ]
    assert len(art["stretches"]) == len(passages) > 0
    for s in art["stretches"]:
        assert s["other_id"] == build.NIKKEI_ID
        assert s["role"] == "from"  # Nikkei is the source of every TASS stretch
        assert 0 <= s["start"] < s["end"] <= len(text)
    got = sorted((s["start"], s["end"]) for s in art["stretches"])
    assert got == sorted((p["target_start"], p["target_end"]) for p in passages)
    assert any(
        text[s["start"] : s["end"]].startswith("Tokyo hopes that cultivating closer security")
        for s in art["stretches"]
    )


def test_pair_endpoint_speaks_the_compare_schema(scan_client: TestClient) -> None:
    r = scan_client.get("/api/pair", params={"a": build.NIKKEI_ID, "b": build.TASS_ID})
    assert r.status_code == 200
    pair = r.json()
    assert set(pair) == {"a", "b", "passages", "coverage", "direction"}
    assert pair["direction"]["source"] == "a"
    nikkei = scan_client.get(f"/api/articles/{build.NIKKEI_ID}").json()["text"]
    tass = scan_client.get(f"/api/articles/{build.TASS_ID}").json()["text"]
    verbatim = [p for p in pair["passages"] if p["kind"] == "verbatim"]
    assert verbatim
    for p in verbatim:
        assert (
            nikkei[p["a_start"] : p["a_end"]].split()[:6]
            == tass[p["b_start"] : p["b_end"]].split()[:6]
        )
    flipped = scan_client.get("/api/pair", params={"a": build.TASS_ID, "b": build.NIKKEI_ID}).json()
    assert flipped["direction"]["source"] == "b"
    assert flipped["passages"][0]["a_start"] == min(p["b_start"] for p in pair["passages"])


def test_article_search_filters_by_outlet(scan_client: TestClient) -> None:
    res = scan_client.get("/api/articles", params={"q": "TASS"}).json()
    assert res["total"] == 1 and res["articles"][0]["id"] == build.TASS_ID
    page = scan_client.get("/api/articles", params={"limit": 5, "offset": 5}).json()
    assert page["total"] == len(jsonl(build.CORPUS)) and len(page["articles"]) == 5


def test_unknown_ids_get_404_with_a_message(scan_client: TestClient) -> None:
    for url in ("/api/articles/no-such", "/api/clusters/no-such"):
        r = scan_client.get(url)
        assert r.status_code == 404
        assert "no-such" in r.json()["detail"]
    r = scan_client.get("/api/pair", params={"a": build.NIKKEI_ID, "b": "reuters-57d46c"})
    assert r.status_code == 404


def test_query_without_index_is_409_with_how_to_fix(scan_client: TestClient) -> None:
    r = scan_client.post("/api/query", json={"text": "Some article text."})
    assert r.status_code == 409
    assert "index" in r.json()["detail"]
    page = scan_client.get("/paste").text
    assert "holds no index" in page and "<form" not in page
    assert scan_client.post("/query", data={"text": "Some text."}).status_code == 409


# --------------------------------------------------------------------------------------
# Scan folder: pages
# --------------------------------------------------------------------------------------


def test_overview_page_draws_graph_and_timeline(scan_client: TestClient) -> None:
    r = scan_client.get("/overview")
    assert r.status_code == 200
    html = r.text
    for heading in ("Largest clusters", "Top copiers", "Most-copied sources", "Who copies whom"):
        assert heading in html
    assert html.count('class="edge"') >= 1
    assert 'class="timeline"' in html
    assert ">TASS<" in html and "Nikkei Asian Review" in html


def test_article_page_colours_reuse_and_greys_chrome(scan_client: TestClient) -> None:
    html = scan_client.get(f"/articles/{build.TASS_ID}").text
    assert re.search(r'<mark class="p src-0 p-[a-z]+[^"]*" data-ref="nikkei-2018-05-20"', html)
    assert '<span class="chrome">Currency converter' in html
    assert "Tokyo hopes that cultivating closer security" in html


def test_pair_page_marks_the_dropped_word(scan_client: TestClient) -> None:
    html = scan_client.get("/pair", params={"a": build.NIKKEI_ID, "b": build.TASS_ID}).text
    quote = re.search(r'<mark class="p p-near[^"]*" data-ref="p\d+"[^>]*>(.*?)</mark>', html, re.S)
    assert quote is not None
    assert '<span class="w-edit">concerned</span>' in quote.group(1)
    assert "If we deepen our cooperation" in quote.group(1)


def test_root_sends_a_scan_to_its_overview(scan_client: TestClient) -> None:
    r = scan_client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/overview"


# --------------------------------------------------------------------------------------
# Safety
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/overview", "/api/info", "/static/app.css", "/no-such-page", "/api/articles/x"]
)
def test_every_response_carries_the_security_headers(scan_client: TestClient, url: str) -> None:
    r = scan_client.get(url)
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(scan_client: TestClient) -> None:
    for url in ("/overview", f"/articles/{build.TASS_ID}", "/articles"):
        html = scan_client.get(url).text
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
        assert " style=" not in html and "<style" not in html
        assert not re.search(r"\son[a-z]+=", html)


def test_oversized_body_gets_413_with_the_limit(scan_only: Path) -> None:
    client = TestClient(create_app(scan_only, max_body_bytes=1000))
    r = client.post("/api/query", json={"text": "x" * 5000})
    assert r.status_code == 413
    assert r.json()["detail"] == "request body too large: the limit is 1000 bytes (1 KiB)"
    page = client.post("/query", data={"text": "x" * 5000})
    assert page.status_code == 413
    assert "request body too large" in page.text and "text/html" in page.headers["content-type"]
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_streamed_body_without_length_is_cut_off_at_the_limit(scan_only: Path) -> None:
    client = TestClient(create_app(scan_only, max_body_bytes=1000))

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(50):
            yield b"y" * 100
        yield b'"}'

    r = client.post("/api/query", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["detail"].startswith("request body too large: the limit is 1000 bytes")


def test_bad_json_and_bad_fields_get_422_not_500(index_client: TestClient) -> None:
    bad = [
        b"{not json",
        b'{"text": ""}',
        b'{"text": "ok", "limit": 0}',
        b'{"text": "a\\u0000b"}',
        b'{"text": 5}',
        b'{"text": "ok", "extra": 1}',
        b"[]",
    ]
    for body in bad:
        r = index_client.post(
            "/api/query", content=body, headers={"content-type": "application/json"}
        )
        assert r.status_code == 422, body
        assert r.json()["detail"]


@pytest.mark.parametrize("text", ["   \n\t ", "!!! ???", "ok", "\u200b\ufeff", "<p></p>"])
def test_texts_without_words_match_nothing(index_client: TestClient, text: str) -> None:
    r = index_client.post("/api/query", json={"text": text})
    assert r.status_code == 200
    assert r.json()["matches"] == [] and r.json()["chars"] == len(text)


def test_lone_surrogates_are_refused_with_a_message(index_client: TestClient) -> None:
    for body in (b'{"text": "abc \\ud800 def"}', b'{"text": "ok", "\\udfff": 1}'):
        r = index_client.post(
            "/api/query", content=body, headers={"content-type": "application/json"}
        )
        assert r.status_code == 422, body
        assert r.json()["detail"][0]["msg"]


def test_upload_that_is_not_utf8_is_400_naming_the_file(index_client: TestClient) -> None:
    r = index_client.post(
        "/api/query/file", files={"file": ("page.txt", "caf\xe9 au lait".encode("latin-1"))}
    )
    assert r.status_code == 400
    assert r.json()["detail"].startswith("page.txt: not valid UTF-8")
    page = index_client.post("/query", files={"file": ("bin.html", b"\x00\x01\x02")})
    assert page.status_code == 400 and "bin.html" in page.text


def test_empty_paste_is_400_on_the_page(index_client: TestClient) -> None:
    r = index_client.post("/query", data={"text": "   "})
    assert r.status_code == 400
    assert "paste an article or choose a file" in r.text


def test_hostile_metadata_and_text_are_escaped(hostile_scan: Path) -> None:
    client = TestClient(create_app(hostile_scan))
    hostile_id = build.HOSTILE_ROWS[0]["id"]
    pages = [
        client.get("/overview").text,
        client.get("/articles", params={"q": "hostile"}).text,
        client.get(f"/articles/{hostile_id}").text,
        client.get("/pair", params={"a": hostile_id, "b": "hostile-2"}).text,
        client.post("/query", data={"text": build.HOSTILE_TEXT}).text,
    ]
    article_page = pages[2]
    assert "&lt;script&gt;window.__pwned" in article_page
    assert "javascript:alert(&#39;url&#39;)" in article_page  # shown as text ...
    for html in pages:
        assert "<script>" not in html and "<svg onload" not in html
        assert 'href="javascript:' not in html.lower()
        assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", html)
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
        assert "<iframe" not in html


# --------------------------------------------------------------------------------------
# Index: paste and query
# --------------------------------------------------------------------------------------


def test_pasted_tass_page_ranks_nikkei_first(index_client: TestClient) -> None:
    tass = build.TASS_PAGE.read_text("utf-8")
    r = index_client.post("/api/query", json={"text": tass, "limit": 5})
    assert r.status_code == 200
    out = r.json()
    assert out["chars"] == len(tass)
    top = out["matches"][0]
    assert top["article"]["id"] == build.NIKKEI_ID
    assert top["rank"] == 1
    assert top["pair"]["direction"]["source"] == "b"  # the indexed Nikkei is the source
    kinds = [p["kind"] for p in top["pair"]["passages"]]
    assert "verbatim" in kinds
    quoted = [tass[p["a_start"] : p["a_end"]] for p in top["pair"]["passages"]]
    assert any(q.startswith("Tokyo hopes that cultivating closer security") for q in quoted)
    assert any("If we deepen our cooperation with Russia too much" in q for q in quoted)
    scores = [m["score"] for m in out["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_uploaded_file_gives_the_same_answer_as_pasted_text(index_client: TestClient) -> None:
    data = build.TASS_PAGE.read_bytes()
    up = index_client.post(
        "/api/query/file", files={"file": ("tass.txt", data)}, data={"limit": "3"}
    ).json()
    pasted = index_client.post("/api/query", json={"text": data.decode("utf-8"), "limit": 3}).json()
    assert up["matches"] == pasted["matches"]


def test_results_page_highlights_both_seed_passages(index_client: TestClient) -> None:
    tass = build.TASS_PAGE.read_text("utf-8")
    r = index_client.post("/query", data={"text": tass, "limit": "5"})
    assert r.status_code == 200
    first = r.text.split('<li class="match"', 2)[1]
    assert f'data-article-id="{build.NIKKEI_ID}"' in first
    marks = re.findall(r'<mark class="([^"]*)" data-ref="(m1-\d+)"[^>]*>(.*?)</mark>', first, re.S)
    texts = " ".join(t for _, _, t in marks)
    assert "Tokyo hopes that cultivating closer security" in texts
    assert "If we deepen our cooperation with Russia too much" in texts


def test_index_article_page_shows_reuse_found_by_query(index_client: TestClient) -> None:
    r = index_client.get("/api/articles/courier-markets")
    assert r.status_code == 200
    art = r.json()
    assert art["cluster_id"] is None
    roles = {s["other_id"]: s["role"] for s in art["stretches"]}
    assert roles.get("reuters-57d46c") == "from"  # the Courier reprinted Reuters
    assert roles.get("post-markets") == "to"  # and the Evening Post reprinted the Courier
    assert "courier-markets" not in roles
    for s in art["stretches"]:
        assert 0 <= s["start"] < s["end"] <= len(art["text"])


def test_overview_of_an_index_is_409(index_client: TestClient) -> None:
    assert index_client.get("/api/overview").status_code == 409
    assert index_client.get("/overview").status_code == 409


def test_scan_folder_with_an_index_in_it_can_query(
    scan_only: Path, index_db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "scan"
    shutil.copytree(scan_only, folder)
    shutil.copy(index_db, folder / "index.duckdb")
    client = TestClient(create_app(folder))
    assert client.get("/api/info").json()["can_query"] is True
    r = client.post("/api/query", json={"text": build.TASS_PAGE.read_text("utf-8")})
    assert r.json()["matches"][0]["article"]["id"] == build.NIKKEI_ID


def test_app_survives_repeated_server_starts(index_db: Path) -> None:
    app = create_app(index_db)
    for _ in range(3):  # each `with` runs the lifespan: startup, then shutdown
        with TestClient(app) as client:
            r = client.get("/api/articles/courier-markets")
            assert r.status_code == 200 and r.json()["text"]


PAGE_BAD_INPUT = [
    ("post", "/query", {"data": {"text": "Some text.", "format": "pdf"}}, 422),
    ("post", "/query", {"data": {"text": "Some text.", "limit": "0"}}, 422),
    ("post", "/query", {"data": {"text": "Some text.", "limit": "many"}}, 422),
    ("post", "/query", {"data": {"text": "Some text.", "title": "t" * 1001}}, 422),
    ("post", "/query", {"data": {"text": "Some\x00text."}}, 400),
    ("post", "/query", {"files": {"file": ("empty.txt", b"")}}, 400),
    (
        "post",
        "/query",
        {
            "content": b"--xx\r\nContent-Disposition: form-data; name=text\r\n\r\nunterminated",
            "headers": {"content-type": "multipart/form-data; boundary=xx"},
        },
        400,
    ),
]


@pytest.mark.parametrize(("method", "url", "kwargs", "status"), PAGE_BAD_INPUT)
def test_bad_form_input_gets_a_4xx_page_with_a_message(
    index_client: TestClient, method: str, url: str, kwargs: dict[str, Any], status: int
) -> None:
    r = getattr(index_client, method)(url, **kwargs)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    message = re.search(r'<p class="error" role="alert">(.+?)</p>', r.text, re.S)
    assert message and message.group(1).strip(), r.text[:300]


FORM_NOT_UTF8 = [
    # a multipart text field in Latin-1 (Starlette read it as Latin-1: mojibake, 200)
    (
        b"--xx\r\nContent-Disposition: form-data; name=text\r\n\r\ncaf\xe9 au lait\r\n--xx--\r\n",
        "multipart/form-data; boundary=xx",
        "'text'",
    ),
    # percent-escapes that are not UTF-8 (read as replacement characters, 200)
    (b"text=caf%E9+au+lait&limit=5", "application/x-www-form-urlencoded", "'text'"),
    # raw bytes in a URL-encoded body (browsers percent-encode them)
    (b"text=caf\xc3\xa9", "application/x-www-form-urlencoded", "non-ASCII"),
    (
        b"--xx\r\nContent-Disposition: form-data; name=text\r\n\r\nx\r\n--xx--\r\n",
        "multipart/form-data; boundary=xx; charset=no-such-codec",
        "unknown charset",
    ),
]


@pytest.mark.parametrize(("body", "content_type", "named"), FORM_NOT_UTF8)
def test_form_text_that_is_not_in_its_encoding_gets_a_400_naming_it(
    index_client: TestClient, body: bytes, content_type: str, named: str
) -> None:
    r = index_client.post("/query", content=body, headers={"content-type": content_type})
    assert r.status_code == 400, r.text[:300]
    message = re.search(r'<p class="error" role="alert">(.+?)</p>', r.text, re.S)
    assert message and named in unescape(message.group(1)), r.text[:500]
    assert r.headers["content-security-policy"]


def test_form_text_in_utf8_or_its_declared_charset_is_answered(index_client: TestClient) -> None:
    pasted = "Café au lait: " + build.TASS_PAGE.read_text("utf-8")[:2000]
    for body, content_type in (
        (
            b"--xx\r\nContent-Disposition: form-data; name=text\r\n\r\n"
            + pasted.encode("utf-8")
            + b"\r\n--xx--\r\n",
            "multipart/form-data; boundary=xx",
        ),
        (
            b"--xx\r\nContent-Disposition: form-data; name=text\r\n\r\n"
            + pasted.encode("latin-1", "replace")
            + b"\r\n--xx--\r\n",
            "multipart/form-data; boundary=xx; charset=latin-1",
        ),
        (urlencode({"text": pasted}).encode("ascii"), "application/x-www-form-urlencoded"),
    ):
        r = index_client.post("/query", content=body, headers={"content-type": content_type})
        assert r.status_code == 200, r.text[:300]
        assert "Café au lait" in unescape(r.text)
    # an uploaded file is not a text field: decoded (and judged) by the route
    r = index_client.post(
        "/query", files={"file": ("page.txt", "caf\xe9 au lait".encode("latin-1"))}
    )
    assert r.status_code in (200, 400) and "not UTF-8" not in r.text


def test_form_body_over_the_limit_still_gets_the_413(index_db: Path) -> None:
    client = TestClient(create_app(index_db, max_body_bytes=1000))
    body = urlencode({"text": "word " * 400}).encode("ascii")

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        for i in range(0, len(body), 300):
            yield body[i : i + 300]

    r = client.post(
        "/query", content=chunked(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 413, r.text[:300]
    assert "1000 bytes" in r.text


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/articles?offset=-1", 422),
        ("/articles?q=" + "x" * 201, 422),
        ("/pair?a=x", 422),
        ("/pair?a=no-such&b=other", 404),
        ("/articles/no%00such", 404),
        ("/clusters/no-such", 404),
        ("/no-such-page", 404),
    ],
)
def test_bad_page_requests_get_a_4xx_page_with_a_message(
    scan_client: TestClient, url: str, status: int
) -> None:
    r = scan_client.get(url)
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert 'class="error"' in r.text


def test_lexicon_ids_are_safe_to_use_from_threads() -> None:
    # The server aligns pasted articles in threads sharing align's Lexicon: every id a
    # thread gets must already have its stem (once raced: "index N is out of bounds").
    from copytrace.paraphrase import Lexicon

    lex = Lexicon()
    failures: list[str] = []
    words = [[f"w{t}x{k}" for k in range(4000)] + ["shared", "words"] for t in range(8)]

    def work(batch: list[str]) -> None:
        for lo in range(0, len(batch), 200):
            ids = lex.ids([*batch[lo : lo + 200], "shared", "words"])
            try:
                lex.stems[ids]
            except IndexError as exc:
                failures.append(str(exc))

    threads = [threading.Thread(target=work, args=(w,)) for w in words]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(lex.words) == 8 * 4000 + 2 == len(lex.stems)


def test_concurrent_queries_give_the_sequential_answers(
    index_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server answers queries in threads (one index handle each): same answers.
    from concurrent.futures import ThreadPoolExecutor

    from copytrace import align
    from copytrace.paraphrase import Lexicon
    from copytrace.web.corpus import Corpus
    from copytrace.web.service import make_query_article

    # Threads first, on an empty word lexicon: they add words at the same time.
    monkeypatch.setattr(align, "_LEXICON", Lexicon())
    monkeypatch.setattr(align, "_DOCS", {})

    corpus = Corpus(index_db, index_handles=4)
    corpus.open()
    try:
        pasted = [make_query_article(a.text, a.is_html) for a in build.load_articles()]

        def answer(art: Article) -> list[tuple[str, float, int]]:
            return [(m.article.id, m.score, len(m.result.passages)) for m in corpus.query(art, 5)]

        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(answer, pasted * 3))
        expected = [answer(a) for a in pasted]
        assert sum(1 for e in expected if e) >= 8  # most articles have a match
        assert got == expected * 3
    finally:
        corpus.close()


@pytest.mark.slow
def test_query_processes_give_the_in_process_answers(index_db: Path) -> None:
    # serve --workers N: one web process, queries answered by N worker processes.
    from concurrent.futures import ThreadPoolExecutor

    from copytrace.web.corpus import Corpus
    from copytrace.web.service import make_query_article

    pasted = [make_query_article(a.text, a.is_html) for a in build.load_articles()]

    def answers(corpus: Corpus) -> list[list[tuple[str, float, PairResult]]]:
        def one(art: Article) -> list[tuple[str, float, PairResult]]:
            return [(m.article.id, m.score, m.result) for m in corpus.query(art, 5)]

        with ThreadPoolExecutor(6) as pool:
            return list(pool.map(one, pasted * 2))

    local = Corpus(index_db, index_handles=2)
    remote = Corpus(index_db, index_handles=1, query_processes=2)
    try:
        local.open()
        remote.open()
        assert remote.processes is not None
        expected = answers(local)
        assert sum(1 for e in expected if e) >= 8
        assert answers(remote) == expected
        # cleaning the paste and querying, both in a query process
        paste = {"text": build.TASS_PAGE.read_text("utf-8"), "html": None, "title": "T"}
        art_local, views_local = local.paste_query(paste, 5)
        art_remote, views_remote = remote.paste_query(paste, 5)
        assert art_remote == art_local and art_remote.title == "T" and art_remote.content
        assert views_remote == views_local
        assert views_remote[0].article.id == build.NIKKEI_ID
        # the web process's own handle still serves articles
        assert remote.article(build.NIKKEI_ID) is not None
    finally:
        local.close()
        remote.close()
    with pytest.raises(RuntimeError, match="not running"):
        remote.query(pasted[0], 5)

    with TestClient(create_app(index_db, query_processes=2)) as client:
        r = client.post("/api/query", json={"text": build.TASS_PAGE.read_text("utf-8")})
        assert r.status_code == 200
        assert r.json()["matches"][0]["article"]["id"] == build.NIKKEI_ID
        r = client.post("/api/query", json={"text": "x", "limit": 0})
        assert r.status_code == 422


def test_a_paraphrase_index_answers_pasted_reworded_text(tmp_path: Path) -> None:
    """`index add --paraphrase`: the viewer's query finds the article a pasted text
    rewords (a plain index finds nothing: no 5-word run survives)."""
    para = Path(__file__).resolve().parent / "data" / "paraphrase"
    rewrite = (para / "rewrite.txt").read_text("utf-8")
    for flag, expected in (([], []), (["--paraphrase"], ["original"])):
        db = tmp_path / f"ix{len(flag)}.duckdb"
        args = ["index", "add", str(db), str(para / "original.txt"), str(para / "unrelated.txt")]
        result = CliRunner().invoke(main, args + flag)
        assert result.exit_code == 0, result.output
        r = TestClient(create_app(db)).post("/api/query", json={"text": rewrite})
        assert r.status_code == 200
        matches = r.json()["matches"]
        assert [m["article"]["id"] for m in matches] == expected
        original = (para / "original.txt").read_text("utf-8")
        for m in matches:  # offsets into the pasted text and the indexed article
            spans = [
                (rewrite[p["a_start"] : p["a_end"]], original[p["b_start"] : p["b_end"]])
                for p in m["pair"]["passages"]
            ]
            assert all(len(a.split()) >= 8 and len(b.split()) >= 8 for a, b in spans)
            assert any("container terminal" in a and "container terminal" in b for a, b in spans)


# -- comparing two pasted articles (no index needed) ------------------------------------


def _seed_texts() -> tuple[str, str]:
    root = Path(__file__).resolve().parent.parent / "examples"
    return (
        (root / "004_3080a4ee7dd42127.txt").read_text("utf-8"),
        (root / "000_3f926fbd34ea6708.txt").read_text("utf-8"),
    )


def test_api_compare_answers_as_compare_json(scan_client: TestClient) -> None:
    from copytrace.compare import compare
    from copytrace.ingest.files import read_article_file
    from copytrace.report.jsonout import pair_to_dict

    nikkei, tass = _seed_texts()
    r = scan_client.post("/api/compare", json={"a": {"text": nikkei}, "b": {"text": tass}})
    assert r.status_code == 200, r.text
    got = r.json()
    root = Path(__file__).resolve().parent.parent / "examples"
    want = pair_to_dict(
        compare(
            read_article_file(root / "004_3080a4ee7dd42127.txt"),
            read_article_file(root / "000_3f926fbd34ea6708.txt"),
        )
    )
    for side in ("a", "b"):
        got[side].pop("path"), want[side].pop("path")
    assert got == want
    assert got["direction"]["source"] == "a" and len(got["passages"]) == 4
    for p in got["passages"]:  # offsets into the posted texts
        assert nikkei[p["a_start"] : p["a_end"]].strip() and tass[p["b_start"] : p["b_end"]].strip()


def test_api_compare_refuses_bad_bodies(scan_client: TestClient) -> None:
    ok = {"text": "Some article text."}
    for body in (
        {"a": ok},
        {"a": ok, "b": ok, "extra": 1},
        {"a": ok, "b": {"text": "nul \x00 here"}},
        {"a": ok, "b": {"text": ""}},
        {"a": ok, "b": ok, "preset": "legal"},
    ):
        assert scan_client.post("/api/compare", json=body).status_code == 422, body


def test_compare_page_pasted_and_uploaded(
    index_client: TestClient, scan_client: TestClient
) -> None:
    nikkei, tass = _seed_texts()
    for client in (index_client, scan_client):
        form = client.get("/compare")
        assert form.status_code == 200
        assert 'name="text_a"' in form.text and 'name="file_b"' in form.text
        assert 'href="/compare" aria-current="page"' in form.text
    pasted = scan_client.post(
        "/compare", data={"text_a": nikkei.replace("\n", "\r\n"), "text_b": tass}
    )
    assert pasted.status_code == 200, pasted.text
    page = pasted.text
    assert "Side by side" in page and "4 passages" in page
    assert "<strong>the left article is the likely source</strong>" in page
    assert "<h3>Japan and Russia plan high-level talks on defense, diplomacy</h3>" in page
    assert 'href="/articles/' not in page  # (pasted articles have no pages)
    uploaded = scan_client.post(
        "/compare",
        data={"text_a": nikkei},
        files={"file_b": ("tass.txt", tass.encode("utf-8"), "text/plain")},
    )
    assert uploaded.status_code == 200
    marks = re.compile(r'<mark class="[^"]*" data-ref="p\d+" title="[^"]*">')
    assert len(marks.findall(page)) == 8  # (4 passages, each on both sides)
    assert marks.findall(uploaded.text) == marks.findall(page)
    empty = scan_client.post("/compare", data={"text_a": nikkei, "text_b": "  "})
    assert empty.status_code == 400
    assert "paste the second article or choose a file for it" in empty.text


def test_a_server_with_nothing_loaded_compares(tmp_path: Path) -> None:
    client = TestClient(create_app(None))
    home = client.get("/", follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (303, "/compare")
    info = client.get("/api/info").json()
    assert (info["kind"], info["articles"], info["can_query"], info["texts"]) == (
        "none", 0, False, False,
    )  # fmt: skip
    form = client.get("/compare")
    assert "no index or scan" in form.text and 'href="/overview"' not in form.text
    nikkei, tass = _seed_texts()
    r = client.post("/api/compare", json={"a": {"text": nikkei}, "b": {"text": tass}})
    assert r.status_code == 200 and len(r.json()["passages"]) == 4
    assert client.get("/overview").status_code == 409
    assert client.get("/articles/x").status_code == 404
    assert client.post("/api/query", json={"text": tass}).status_code == 409
