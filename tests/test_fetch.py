"""Pages fetched by their URLs (``compare URL URL``, ``clean URL``) from a real HTTP
server on the loopback: the same results as the same bytes read from files."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrace.cli import main
from copytrace.compare import compare_files
from copytrace.errors import InputError
from copytrace.ingest.fetch import FETCH_MAX_BYTES, fetch_page, is_web_url, save_page
from copytrace.report.jsonout import pair_to_dict

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NIKKEI, TASS = "004_3080a4ee7dd42127.txt", "000_3f926fbd34ea6708.txt"
CAFE_HTML = (
    "<html><head><meta charset='windows-1252'><title>Caf\u00e9 prices rise</title></head>"
    "<body><nav>Home | World | Business</nav><article><h1>Caf\u00e9 prices rise</h1>"
    "<p>Coffee prices at Paris caf\u00e9s rose by a fifth this year, the trade body said "
    "on Monday, blaming the cost of beans and rent.</p></article></body></html>"
)

# path -> (status, headers, body)
PAGES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/nikkei": (
        200,
        {"Content-Type": "text/plain; charset=utf-8"},
        (EXAMPLES / NIKKEI).read_bytes(),
    ),
    "/tass": (200, {"Content-Type": "text/plain"}, (EXAMPLES / TASS).read_bytes()),
    "/cafe": (200, {"Content-Type": "text/html"}, CAFE_HTML.encode("cp1252")),
    "/cafe-gz": (
        200,
        {"Content-Type": "text/html; charset=windows-1252", "Content-Encoding": "gzip"},
        gzip.compress(CAFE_HTML.encode("cp1252")),
    ),
    "/logo.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + bytes(64)),
    "/empty": (200, {"Content-Type": "text/html"}, b"  \n"),
    "/huge": (200, {"Content-Type": "text/html"}, b"<p>" + b"x" * FETCH_MAX_BYTES),
    "/binary": (200, {"Content-Type": "text/plain"}, b"\x00\x01\x02" * 50),
    "/caf%C3%A9%20news": (
        200,
        {"Content-Type": "text/html; charset=cp1252"},
        CAFE_HTML.encode("cp1252"),
    ),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # (the stdlib's name)
        if self.path in ("/moved", "/loop"):
            self.send_response(301)
            self.send_header("Location", "/nikkei" if self.path == "/moved" else "/loop")
            self.end_headers()
            return
        if self.path == "/short":  # (promises more than it sends)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"<p>only a bit</p>")
            self.close_connection = True
            return
        status, headers, body = PAGES.get(self.path.split("?")[0], (404, {}, b"not here"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_web_urls_are_told_from_paths() -> None:
    assert is_web_url("https://asia.nikkei.com/a") and is_web_url("HTTP://x.org/")
    assert not is_web_url("examples/x.txt") and not is_web_url("s3a://bucket/x")


def test_the_seed_pair_by_url_gives_the_files_result(site: str) -> None:
    files = compare_files(EXAMPLES / NIKKEI, EXAMPLES / TASS)
    urls = compare_files(f"{site}/nikkei", f"{site}/tass")
    got, want = pair_to_dict(urls), pair_to_dict(files)
    assert got["a"]["path"] == f"{site}/nikkei"
    for side in ("a", "b"):
        got[side].pop("path"), want[side].pop("path")
    assert got == want
    assert urls.a.text == files.a.text and urls.a.url == f"{site}/nikkei"
    # every passage's offsets hold its words in the fetched text
    for p in urls.passages:
        assert urls.a.text[p.a_start : p.a_end] == files.a.text[p.a_start : p.a_end]


def test_a_url_with_spaces_and_accents_is_sent_encoded(site: str) -> None:
    page = fetch_page(f"{site}/caf\u00e9 news")
    assert page.id == f"{site}/caf\u00e9 news" and "Coffee prices" in page.text


def test_a_redirect_is_followed_and_the_page_decoded_by_its_charset(site: str) -> None:
    moved = fetch_page(f"{site}/moved")
    assert moved.id == f"{site}/moved" and moved.url == f"{site}/nikkei"
    for path in ("/cafe", "/cafe-gz"):
        page = fetch_page(site + path)
        assert page.is_html and "Caf\u00e9 prices rise" in page.text


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/logo.png", "not a page (Content-Type image/png)"),
        ("/empty", "the page is empty"),
        ("/huge", "larger than 20 MB: not one page"),
        ("/binary", "not a page: binary data (NUL bytes)"),
        ("/loop", "HTTP 301: too many redirects, or a loop"),
        ("/short", "the answer was cut short (17 of 1000 bytes)"),
    ],
)
def test_a_page_that_cannot_be_had_is_an_input_error(site: str, path: str, reason: str) -> None:
    with pytest.raises(InputError) as err:
        fetch_page(site + path)
    assert str(err.value) == f"{site}{path}: {reason}"


def test_a_server_that_is_not_there_is_an_input_error() -> None:
    import socket

    with socket.socket() as s:  # (a port nobody listens on)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match=rf"^http://127.0.0.1:{port}/x: cannot fetch: "):
        fetch_page(f"http://127.0.0.1:{port}/x", timeout=5)


def test_cli_compare_fetches_saves_and_fails_in_one_line(site: str, tmp_path: Path) -> None:
    runner = CliRunner()
    saved = tmp_path / "pages"
    res = runner.invoke(
        main, ["compare", f"{site}/nikkei", f"{site}/tass", "--json", "--save", str(saved)]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    files = {f.name for f in saved.iterdir()}
    assert files == {"127.0.0.1_nikkei.txt", "127.0.0.1_tass.txt"}
    a_text = (saved / "127.0.0.1_nikkei.txt").read_text(encoding="utf-8")
    b_text = (saved / "127.0.0.1_tass.txt").read_text(encoding="utf-8")
    assert d["a"]["path"] == str(saved / "127.0.0.1_nikkei.txt")
    assert d["passages"] and all(
        a_text[p["a_start"] : p["a_end"]].split()[0] and b_text[p["b_start"] : p["b_end"]].strip()
        for p in d["passages"]
    )
    assert a_text == (EXAMPLES / NIKKEI).read_text(encoding="utf-8")
    assert f"saved {site}/nikkei as " in res.stderr
    res = runner.invoke(main, ["compare", f"{site}/nikkei", f"{site}/gone"])
    assert res.exit_code == 2
    assert res.stderr.strip() == f"error: {site}/gone: HTTP 404 Not Found"


def test_cli_clean_shows_a_fetched_page(site: str) -> None:
    res = CliRunner().invoke(main, ["clean", f"{site}/cafe", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["title"] == "Caf\u00e9 prices rise" and d["path"] == f"{site}/cafe"
    assert "Coffee prices at Paris caf\u00e9s rose" in d["text"] and "World" not in d["text"]


def test_save_page_names_files_by_url(tmp_path: Path) -> None:
    from copytrace.model import Article

    page = Article("https://www.example.com/world/2026/a story?id=1", "<p>x</p>", is_html=True)
    assert save_page(page, tmp_path).name == "www.example.com_world_2026_a_story.html"


def test_two_urls_with_one_name_are_saved_apart(site: str, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main,
        ["compare", f"{site}/nikkei?v=1", f"{site}/nikkei?v=2", "--json", "--save", str(tmp_path)],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert Path(d["a"]["path"]).name == "127.0.0.1_nikkei.txt"
    assert Path(d["b"]["path"]).name == "127.0.0.1_nikkei_2.txt"
    assert len(list(tmp_path.iterdir())) == 2


def test_cli_query_asks_the_index_about_a_fetched_page(site: str, tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "news.duckdb")
    assert runner.invoke(main, ["index", "add", db, str(EXAMPLES / NIKKEI)]).exit_code == 0
    res = runner.invoke(main, ["query", db, f"{site}/tass", "--json"])
    assert res.exit_code == 0, res.output
    (match,) = json.loads(res.stdout)
    assert match["id"] == "004_3080a4ee7dd42127" and match["a"]["path"] == f"{site}/tass"
    assert match["direction"]["source"] == "b"  # (the indexed Nikkei is the source)
    res = runner.invoke(main, ["query", db, f"{site}/gone"])
    assert res.exit_code == 2 and res.stderr.strip() == f"error: {site}/gone: HTTP 404 Not Found"
    res = runner.invoke(main, ["query", db, f"{site}/tass", str(EXAMPLES / TASS)])
    assert res.exit_code == 2 and "a web page's URL is one query: give it alone" in res.stderr
