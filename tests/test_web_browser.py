"""End-to-end: headless Chromium drives the running viewer (uvicorn on 127.0.0.1).

Needs Debian's chromium at /usr/bin/chromium (``sh scripts/system-deps.sh``
installs it); a missing browser fails these tests, it never skips them.
Screenshots go to a temp folder, or to ``$COPYTRACE_SCREENSHOTS_DIR`` when set
(``COPYTRACE_SCREENSHOTS_DIR=docs/screenshots pytest -m browser`` refreshes the
README's pictures).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import uvicorn

from copytrace.web import create_app

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parent / "data" / "web"
CHROMIUM = os.environ.get("COPYTRACE_CHROMIUM", "/usr/bin/chromium")
# The test corpus's derived blog post that reuses several wire stories.
MULTI_SOURCE_ID = "blog-week"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("web_build", DATA / "build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


build = load_build()


class LiveServer:
    """uvicorn serving an app on a free loopback port, in a background thread."""

    def __init__(self, path: Path) -> None:
        config = uvicorn.Config(create_app(path), host="127.0.0.1", port=0, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the viewer did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium "
            "(run `sh scripts/system-deps.sh`, or set COPYTRACE_CHROMIUM to its path)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def full_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test corpus scanned, with its index inside the scan folder."""
    base = tmp_path_factory.getbasetemp()
    folder = base / "web-browser-scan"
    if not folder.is_dir():
        only = build.build_scan(build.CORPUS, base / "web-scan-only", with_index=False)
        db = build.build_index(base / "web-index.duckdb", build.index_articles())
        shutil.copytree(only, folder)
        shutil.copy(db, folder / "index.duckdb")
    return folder


@pytest.fixture(scope="session")
def server(full_scan: Path) -> Iterator[LiveServer]:
    s = LiveServer(full_scan)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base = tmp_path_factory.getbasetemp()
    corpus = build.write_hostile(base / "web-hostile.jsonl")
    s = LiveServer(build.build_scan(corpus, base / "web-hostile-scan", with_index=True))
    yield s
    s.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("COPYTRACE_SCREENSHOTS_DIR")
    folder = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Scrolls each side-by-side column so its first mark with the given text is near the top
# (the columns scroll on their own), for screenshots that show the passages.
_SCROLL_TO_MARKS = """(needle) => {
  for (const box of document.querySelectorAll('.sbs .article-text')) {
    const mark = Array.from(box.querySelectorAll('mark')).find(m => m.textContent.includes(needle));
    if (mark) {
      box.scrollTop += mark.getBoundingClientRect().top - box.getBoundingClientRect().top - 60;
    }
  }
}"""


def highlighted(mark: Any) -> bool:
    """The element is shown with a non-transparent background."""
    colour = mark.evaluate("el => getComputedStyle(el).backgroundColor")
    return bool(mark.is_visible()) and colour not in ("rgba(0, 0, 0, 0)", "transparent")


def test_pasted_tass_page_ranks_nikkei_first_with_both_passages_highlighted(
    server: LiveServer, page: Any, shots: Path
) -> None:
    page.goto(f"{server.url}/paste")
    page.screenshot(path=str(shots / "paste.png"))
    page.fill("textarea[name=text]", build.TASS_PAGE.read_text("utf-8"))
    page.click("button[type=submit]")
    page.wait_for_selector("ol.matches li.match")
    first = page.locator("li.match").first
    assert first.get_attribute("data-article-id") == build.NIKKEI_ID
    assert "Japan and Russia plan high-level talks" in first.locator("h2").inner_text()
    for column in ("col-a", "col-b"):  # the pasted TASS page and the indexed Nikkei
        marks = first.locator(f".{column} mark")
        texts = [" ".join(t.split()) for t in marks.all_inner_texts()]
        verbatim = [t for t in texts if "Tokyo hopes that cultivating closer security" in t]
        quote = [t for t in texts if "If we deepen our cooperation with Russia too much" in t]
        assert verbatim and quote, texts
        for needle in ("Tokyo hopes that cultivating", "If we deepen our cooperation"):
            assert highlighted(marks.filter(has_text=needle).first)
    # Nikkei's "concerned" is marked as an edit inside the quote.
    edit = first.locator(".col-b mark .w-edit", has_text="concerned")
    assert edit.count() == 1 and highlighted(edit.first)
    page.evaluate(_SCROLL_TO_MARKS, "Tokyo hopes that cultivating")
    first.screenshot(path=str(shots / "results.png"))


def test_uploaded_tass_page_gives_the_same_ranking(server: LiveServer, page: Any) -> None:
    page.goto(f"{server.url}/paste")
    page.set_input_files("input[type=file]", str(build.TASS_PAGE))
    page.click("button[type=submit]")
    page.wait_for_selector("ol.matches li.match")
    assert page.locator("li.match").first.get_attribute("data-article-id") == build.NIKKEI_ID
    assert "Japan, Russia to hold two-plus-two" in page.locator("h1").inner_text()
    assert page.locator("li.match").first.locator(".col-b mark").count() >= 2


def test_clicking_a_passage_lights_its_counterpart(server: LiveServer, page: Any) -> None:
    page.goto(f"{server.url}/pair?a={build.NIKKEI_ID}&b={build.TASS_ID}")
    left = page.locator(".col-a mark", has_text="Tokyo hopes that cultivating").first
    ref = left.get_attribute("data-ref")
    left.hover()
    right = page.locator(f'.col-b mark[data-ref="{ref}"]')
    assert right.count() >= 1
    assert "lit" in (right.first.get_attribute("class") or "")


def test_scan_overview_shows_figures_graph_and_timeline(
    server: LiveServer, page: Any, shots: Path
) -> None:
    page.goto(server.url)
    assert page.url.endswith("/overview")
    figures = dict(
        zip(
            page.locator("dl.figures-grid dt").all_inner_texts(),
            page.locator("dl.figures-grid dd").all_inner_texts(),
            strict=True,
        )
    )
    assert figures["articles"] == str(len(build.load_articles()))
    assert int(figures["article pairs with reuse"]) >= 1
    graph = page.locator("svg.graph")
    assert graph.locator("a.node").count() >= 2
    assert graph.locator("line.edge").count() >= 1
    labels = graph.locator("text").all_text_contents()
    assert "TASS" in labels and "Nikkei Asian Review" in labels
    assert page.locator("svg.timeline a.trow").count() >= 2
    page.screenshot(path=str(shots / "overview.png"), full_page=True)
    page.locator("section.clusters a").first.click()
    page.wait_for_selector("svg.timeline")
    assert page.locator("h1").inner_text().startswith("Cluster ")
    page.screenshot(path=str(shots / "cluster.png"), full_page=True)


def test_article_page_colours_reuse_and_hides_chrome_on_request(
    server: LiveServer, page: Any, shots: Path
) -> None:
    page.goto(f"{server.url}/articles/{build.TASS_ID}")
    reused = page.locator("#article-text mark.src-0")
    assert reused.count() >= 2 and highlighted(reused.first)
    chrome = page.locator("#article-text .chrome", has_text="Currency converter")
    assert chrome.is_visible()
    page.screenshot(path=str(shots / "article-chrome.png"), full_page=True)
    page.check("input.hide-chrome")
    assert not chrome.is_visible()
    assert reused.first.is_visible()
    # An article reusing several sources: one colour per source, listed in the legend.
    page.goto(f"{server.url}/articles/{MULTI_SOURCE_ID}")
    colours = page.evaluate(
        """() => Array.from(document.querySelectorAll('#article-text mark'))
             .map(m => getComputedStyle(m).backgroundColor)"""
    )
    legend = page.locator("ul.source-legend li .swatch")
    assert len(set(colours)) >= 2 and legend.count() >= 2, colours
    # The Reuters quote also ran in two reprints this post could have taken it from.
    several = page.locator("#article-text mark.overlap")
    assert several.count() >= 1
    assert (several.first.get_attribute("title") or "").count("from ") >= 2
    page.screenshot(path=str(shots / "article.png"), full_page=True)


def test_pair_page_side_by_side(server: LiveServer, page: Any, shots: Path) -> None:
    page.goto(f"{server.url}/pair?a={build.NIKKEI_ID}&b={build.TASS_ID}")
    assert page.locator(".col-a mark").count() >= 2
    page.evaluate(_SCROLL_TO_MARKS, "If we deepen our cooperation")
    page.screenshot(path=str(shots / "pair.png"), full_page=False)


# Collects every way a script could have run: dialogs, the flag the payloads set,
# script elements that did not come from /static, event-handler attributes, and
# javascript: links.
_INERT_CHECK = """() => {
  const scripts = Array.from(document.scripts).map(s => s.getAttribute('src') || 'inline');
  const handlers = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.toLowerCase().startsWith('on')) handlers.push(el.tagName + ' ' + a.name);
    }
  }
  const jsLinks = Array.from(document.querySelectorAll('[href]'))
    .map(el => el.getAttribute('href'))
    .filter(h => h.trim().toLowerCase().startsWith('javascript:'));
  return {pwned: window.__pwned === undefined ? null : String(window.__pwned),
          scripts, handlers, jsLinks,
          iframes: document.querySelectorAll('iframe, object, embed').length};
}"""


def test_hostile_articles_render_inert(hostile_server: LiveServer, page: Any, shots: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile_id = build.HOSTILE_ROWS[0]["id"]
    urls = [
        "/overview",
        "/articles?q=hostile",
        "/articles/" + hostile_id.replace('"', "%22").replace("'", "%27"),
        "/articles/hostile-2",
    ]
    seen_text = ""
    for url in urls:
        page.goto(hostile_server.url + url)
        page.wait_for_load_state("load")
        state = page.evaluate(_INERT_CHECK)
        assert state == {
            "pwned": None,
            "scripts": ["/static/app.js"],
            "handlers": [],
            "jsLinks": [],
            "iframes": 0,
        }, url
        seen_text += page.locator("main").inner_text()
    page.screenshot(path=str(shots / "hostile-article.png"), full_page=True)
    # Shown as text, not run: the payloads are visible on the pages.
    assert "<script>window.__pwned = 'script'" in seen_text
    assert "javascript:alert('url')" in seen_text
    assert "<svg onload=alert('source')>Evil Outlet</svg>" in seen_text
    # The pair view of the two hostile articles and a hostile paste.
    page.goto(f"{hostile_server.url}/articles/hostile-2")
    page.locator("a", has_text="side by side").first.click()
    page.wait_for_selector(".sbs")
    assert page.evaluate(_INERT_CHECK)["handlers"] == []
    page.goto(f"{hostile_server.url}/paste")
    page.fill("textarea[name=text]", build.HOSTILE_TEXT)
    page.fill("input[name=title]", build.HOSTILE_TITLE)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    state = page.evaluate(_INERT_CHECK)
    assert state["pwned"] is None and state["handlers"] == [] and state["jsLinks"] == []
    assert state["scripts"] == ["/static/app.js"]
    assert page.locator("li.match").count() >= 1  # the hostile articles were matched
    page.wait_for_timeout(300)  # give any stray handler a chance to fire
    assert dialogs == []


def test_two_pasted_articles_side_by_side(server: LiveServer, page: Any, shots: Path) -> None:
    examples = DATA.parents[2] / "examples"
    page.goto(f"{server.url}/")
    page.click("header nav a[href='/compare']")
    page.wait_for_selector("textarea[name=text_a]")
    page.fill("textarea[name=text_a]", (examples / "004_3080a4ee7dd42127.txt").read_text("utf-8"))
    page.set_input_files("input[name=file_b]", str(build.TASS_PAGE))
    page.click("button[type=submit]")
    page.wait_for_selector(".sbs .col-b mark")
    assert "the left article is the likely source" in page.locator("p.figures").inner_text()
    left = page.locator(".col-a mark", has_text="Tokyo hopes that cultivating").first
    assert highlighted(left)
    left.hover()
    right = page.locator(f'.col-b mark[data-ref="{left.get_attribute("data-ref")}"]')
    assert right.count() >= 1 and "lit" in (right.first.get_attribute("class") or "")
    page.screenshot(path=str(shots / "compare.png"))
