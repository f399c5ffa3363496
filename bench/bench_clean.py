"""Benchmark the page cleaner's throughput on the scrapinghub pages, beside trafilatura.

Times, in this process (one core), whole passes over the benchmark's pages of:

- ``text cleaner``: ``copytrace.clean.clean_text`` on each page's rendered text
  (what copytrace does with plain page text: line model, title, date, dateline);
- ``lines of 10+ words``: the trivial baseline, for scale;
- ``trafilatura.extract``: trafilatura on the HTML;
- ``copytrace HTML path``: ``copytrace.htmltext.clean_html`` (trafilatura plus
  mapping its paragraphs back onto HTML source spans);
- ``inscriptis render``: rendering the HTML to text (the benchmark's input step,
  not part of the cleaner).

Passes run round-robin (A B C ... A B C ...), so machine load falls on every
method alike. Rates come from each method's median CPU seconds per pass (this
process's CPU time, steadier than wall time on a shared machine; wall time is
reported too): pages/s, MB/s (of its own input: text for the text methods, HTML
for the HTML ones) and the speed ratio to the reference (trafilatura; with
``--text-only`` the text cleaner). The text cleaner's word, stamp, page and line caches
are cleared before each of its passes (and seed runs). Last, the median CPU
milliseconds of ``clean_text`` on each seed page (examples/).

``text cleaner, batch`` is ``copytrace.clean.clean_many`` over all pages of a pass
(what the scan's clean stage calls): the lines its pages have not met before are
worked out together before the pages are cleaned.

``--baseline FILE`` adds the ``clean_text`` of another copy of ``clean.py`` (an
older commit's, ``git show REV:src/copytrace/clean.py > FILE``) to the round-robin,
so a speed-up is measured side by side; ``--text-only`` leaves out the HTML
methods; ``--articles JSONL`` also times both cleaners on the first ``--limit``
articles of a JSONL file (``id``, ``text``), e.g. the generated scan corpus.

Usage:
    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_clean.py ../shared/data/extraction/scrapinghub \\
        [--repeat 5] [--json OUT] [--baseline OLD_CLEAN_PY] [--text-only] \\
        [--articles JSONL --limit 500]
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from copytrace import clean as cl
from copytrace.eval.extraction import Page, load_pages, render_text
from copytrace.model import Article
from copytrace.text import tokenize


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _clear_caches(mod: ModuleType) -> None:
    """Start cold: the word cache and (where the module has them) the stamp, page and line caches.

    The line memo (``_line``) is emptied too, so a pass only reuses the lines it
    meets twice itself, as a scan worker does over its share of a corpus.
    """
    mod._normalize.cache_clear()
    for name in ("_parse_published", "_cached_page", "_line"):
        if hasattr(mod, name):
            getattr(mod, name).cache_clear()


def _text_cleaner(pages: list[Page]) -> None:
    _clear_caches(cl)
    for p in pages:
        cl.clean_text(Article(id=p.id, text=p.text))


def _text_cleaner_many(pages: list[Page]) -> None:
    _clear_caches(cl)
    cl.clean_many([Article(id=p.id, text=p.text) for p in pages])


def _load_module(path: Path) -> ModuleType:
    """Another copy of the cleaner module, imported under its own name."""
    spec = importlib.util.spec_from_file_location("baseline_clean", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["baseline_clean"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def _cleaner_of(mod: ModuleType) -> Callable[[list[Page]], None]:
    def run(pages: list[Page]) -> None:
        _clear_caches(mod)
        for p in pages:
            mod.clean_text(Article(id=p.id, text=p.text))

    return run


def _articles(path: Path, limit: int) -> list[Page]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in itertools.islice(fh, limit)]
    return [Page(id=r["id"], html="", text=r["text"], truth="") for r in rows]


def _long_lines(pages: list[Page]) -> None:
    for p in pages:
        for s, e in cl.line_spans(p.text):
            len(tokenize(p.text[s:e]).words) >= 10  # noqa: B015 - the work being timed


def _trafilatura(pages: list[Page]) -> None:
    import trafilatura

    for p in pages:
        trafilatura.extract(p.html)


def _html_path(pages: list[Page]) -> None:
    from copytrace.htmltext import clean_html

    for p in pages:
        clean_html(Article(id=p.id, text=p.html, is_html=True))


def _render(pages: list[Page]) -> None:
    for p in pages:
        render_text(p.html)


def _seed_ms(repeat: int = 50) -> dict[str, float]:
    """Median CPU milliseconds of ``clean_text`` on each seed page (examples/)."""
    from copytrace.ingest.files import read_article_file

    out = {}
    for path in sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.txt")):
        art = read_article_file(path)
        cl.clean_text(art)
        runs = []
        for _ in range(repeat):
            _clear_caches(cl)  # the same page again would reuse its lines
            c0 = time.process_time()
            cl.clean_text(art)
            runs.append((time.process_time() - c0) * 1000)
        out[path.name] = round(statistics.median(runs), 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", type=Path, help="scrapinghub benchmark root")
    ap.add_argument("--repeat", type=int, default=5, help="passes per method")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    ap.add_argument("--baseline", type=Path, help="another clean.py to time side by side")
    ap.add_argument("--text-only", action="store_true", help="leave out the HTML methods")
    ap.add_argument("--articles", type=Path, help="JSONL articles to time the cleaners on too")
    ap.add_argument("--limit", type=int, default=500, help="articles to take from --articles")
    args = ap.parse_args()
    baseline = _load_module(args.baseline) if args.baseline else None

    pages = load_pages(args.root)
    text_mb = sum(len(p.text.encode()) for p in pages) / 1e6
    html_mb = sum(len(p.html.encode()) for p in pages) / 1e6
    methods: dict[str, tuple[Callable[[list[Page]], None], float]] = {
        "text cleaner (clean_text)": (_text_cleaner, text_mb),
        "text cleaner, batch (clean_many)": (_text_cleaner_many, text_mb),
        "lines of 10+ words": (_long_lines, text_mb),
    }
    if baseline is not None:
        methods["baseline text cleaner"] = (_cleaner_of(baseline), text_mb)
    if not args.text_only:
        methods["trafilatura.extract (HTML)"] = (_trafilatura, html_mb)
        methods["copytrace HTML path (clean_html)"] = (_html_path, html_mb)
        methods["inscriptis render (HTML -> text)"] = (_render, html_mb)
    reference = "text cleaner (clean_text)" if args.text_only else "trafilatura.extract (HTML)"
    for fn, _ in methods.values():  # warm-up: imports, stoplists, regex caches
        fn(pages[:5])
    load_before = _load()
    times: dict[str, list[float]] = {name: [] for name in methods}
    cpu: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(args.repeat):
        for name, (fn, _) in methods.items():
            t0, c0 = time.perf_counter(), time.process_time()
            fn(pages)
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    articles = _article_figures(args, baseline) if args.articles else None
    load_after = _load()
    seeds = _seed_ms()

    base = statistics.median(cpu[reference])
    rows = []
    for name, (_, mb) in methods.items():
        med = statistics.median(cpu[name])
        rows.append(
            {
                "method": name,
                "median_cpu_s": round(med, 3),
                "median_wall_s": round(statistics.median(times[name]), 3),
                "min_cpu_s": round(min(cpu[name]), 3),
                "max_cpu_s": round(max(cpu[name]), 3),
                "pages_per_s": round(len(pages) / med, 1),
                "mb_per_s": round(mb / med, 2),
                "input_mb": round(mb, 2),
                "speed_vs_reference": round(base / med, 2),
            }
        )
    result = {
        "pages": len(pages),
        "repeat": args.repeat,
        "text_mb": round(text_mb, 2),
        "html_mb": round(html_mb, 2),
        "load_before": load_before,
        "load_after": load_after,
        "python": platform.python_version(),
        "machine": platform.processor() or platform.machine(),
        "rows": rows,
        "reference": reference,
        "seed_pages_cpu_ms": seeds,
        "articles": articles,
    }
    print(
        f"{len(pages)} pages, {text_mb:.2f} MB text, {html_mb:.2f} MB HTML, "
        f"{args.repeat} passes each; load {load_before} -> {load_after}"
    )
    print(
        f"{'method':36} {'CPU s':>7} {'wall s':>7} {'pages/s':>8} {'MB/s':>6} {'x reference':>12}"
    )
    for r in rows:
        print(
            f"{r['method']:36} {r['median_cpu_s']:7.2f} {r['median_wall_s']:7.2f} "
            f"{r['pages_per_s']:8.1f} {r['mb_per_s']:6.2f} {r['speed_vs_reference']:12.2f}"
        )
    print(f"reference: {reference}")
    if articles:
        print(f"articles: {articles}")
    for name, ms in seeds.items():
        print(f"seed page {name}: clean_text {ms:.1f} ms CPU (median of 50)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


def _article_figures(args: argparse.Namespace, baseline: ModuleType | None) -> dict[str, object]:
    """Median CPU ms per article of each cleaner on ``--articles``, round-robin."""
    arts = _articles(args.articles, args.limit)
    runs: dict[str, Callable[[list[Page]], None]] = {
        "text cleaner": _text_cleaner,
        "text cleaner, batch": _text_cleaner_many,
    }
    if baseline is not None:
        runs["baseline text cleaner"] = _cleaner_of(baseline)
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for fn in runs.values():
        fn(arts[:5])
    for _ in range(args.repeat):
        for name, fn in runs.items():
            c0 = time.process_time()
            fn(arts)
            cpu[name].append(time.process_time() - c0)
    out: dict[str, object] = {"file": str(args.articles), "n": len(arts)}
    for name, vals in cpu.items():
        out[f"{name} ms/article"] = round(statistics.median(vals) / len(arts) * 1000, 2)
        out[f"{name} min ms/article"] = round(min(vals) / len(arts) * 1000, 2)
    if baseline is not None:
        base = statistics.median(cpu["baseline text cleaner"])
        out["speed-up"] = round(base / statistics.median(cpu["text cleaner"]), 2)
        out["speed-up, batch"] = round(base / statistics.median(cpu["text cleaner, batch"]), 2)
        out["min speed-up, batch"] = round(
            min(cpu["baseline text cleaner"]) / min(cpu["text cleaner, batch"]), 2
        )
    return out


if __name__ == "__main__":
    main()
