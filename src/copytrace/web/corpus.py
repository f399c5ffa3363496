"""What the web viewer serves: an index file, a scan output folder, or both.

``open_corpus(path)`` accepts

* a DuckDB index file (``copytrace index add``): paste-and-query and article pages;
* a scan output folder (``copytrace scan --out DIR``): overview, clusters, pairs
  and article pages. Article texts come from the first of: a ``text`` column in
  ``articles.parquet``, a ``texts.parquet`` (``id``, ``text``) beside it, an index
  file in the folder (``index.duckdb``, or the only ``*.duckdb`` file). An index
  file in the folder also enables paste-and-query.

The scan tables are read with DuckDB into an in-memory database (article texts
stay on disk and are read one article at a time), so pages answer with small
point queries. Every method returns plain data; nothing here renders HTML.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from copytrace.errors import InputError
from copytrace.ingest.files import looks_like_html
from copytrace.model import Article, Direction, PairResult, Passage
from copytrace.web.views import Stretch

logger = logging.getLogger(__name__)

INDEX_SUFFIXES = (".duckdb", ".db", ".ddb")
# Outlets with no name are grouped under this label in the overview.
UNKNOWN_OUTLET = "(no outlet)"


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What the pages show about an article besides its text."""

    id: str
    title: str | None = None
    source: str | None = None
    published: str | None = None
    url: str | None = None

    @property
    def label(self) -> str:
        """Title, else id."""
        return self.title or self.id


@dataclass(frozen=True, slots=True)
class MatchView:
    """One ranked answer to a paste-and-query: the indexed article and the pair."""

    rank: int
    score: float
    article: Article
    result: PairResult


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """A cluster of articles that share reused text."""

    cluster_id: str
    article_ids: list[str]
    origin_id: str | None


@dataclass
class Overview:
    """Figures and rankings for the scan overview page."""

    figures: dict[str, int]
    group_by: Literal["outlet", "article"]
    clusters: list[dict[str, Any]] = field(default_factory=list)
    copiers: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    edges: list[tuple[str, str, int, int]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


def _spans(value: Any) -> tuple[tuple[int, int], ...]:
    """Content spans from whatever shape a table stored them in.

    Accepts ``[[s, e], ...]``, ``[{"start": s, "end": e}, ...]`` and JSON strings
    of either.

    Example:
        >>> _spans('[[0, 5], [7, 9]]'), _spans([{"start": 1, "end": 2}])
        (((0, 5), (7, 9)), ((1, 2),))
    """
    if value is None:
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return ()
    out: list[tuple[int, int]] = []
    for item in value or ():
        if isinstance(item, dict):
            s, e = item.get("start"), item.get("end")
        elif isinstance(item, list | tuple) and len(item) == 2:
            s, e = item
        else:
            continue
        if isinstance(s, int) and isinstance(e, int) and e > s >= 0:
            out.append((s, e))
    return tuple(sorted(out))


def _str(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _find_index(folder: Path) -> Path | None:
    preferred = folder / "index.duckdb"
    if preferred.is_file():
        return preferred
    found = sorted(p for p in folder.iterdir() if p.suffix in INDEX_SUFFIXES and p.is_file())
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        logger.warning("several index files in %s, using none: %s", folder, found)
    return None


class IndexPool:
    """A few read-only handles on one index file, one per concurrent request.

    DuckDB connections are not safe to share between threads, so each request
    borrows a handle of its own. With ``memory`` the handles hold the
    fingerprints in memory (one copy per process, see ``Index(memory=True)``).
    """

    def __init__(self, path: Path, size: int = 2, memory: bool = True) -> None:
        self.path = path
        self.size = max(1, size)
        self.memory = memory
        self._free: list[Any] = []
        self._all: list[Any] = []
        self._cond = threading.Condition()
        self.open()

    def open(self) -> None:
        """Open the handles (again, after :meth:`close`); a no-op when open."""
        try:
            from copytrace.index import Index
        except ImportError as exc:  # pragma: no cover - the index module ships with copytrace
            raise InputError(str(self.path), f"the index module is unavailable: {exc}") from None
        with self._cond:
            if self._all:
                return
            for _ in range(self.size):
                try:
                    handle = Index(str(self.path), read_only=True, memory=self.memory)
                except InputError:
                    self._close_all()
                    raise
                except Exception as exc:  # duckdb raises its own types for non-index files
                    self._close_all()
                    raise InputError(
                        str(self.path), f"cannot open as a copytrace index: {exc}"
                    ) from None
                self._free.append(handle)
                self._all.append(handle)
            self._cond.notify_all()

    @contextmanager
    def handle(self) -> Iterator[Any]:
        """Borrow an index handle for the duration of a ``with`` block."""
        with self._cond:
            while not self._free:
                if not self._all:
                    raise RuntimeError(f"{self.path}: the index handles are closed")
                self._cond.wait()
            h = self._free.pop()
        try:
            yield h
        finally:
            with self._cond:
                if any(h is x for x in self._all):  # not closed meanwhile
                    self._free.append(h)
                    self._cond.notify()

    def __len__(self) -> int:
        with self.handle() as h:
            return len(h)

    def close(self) -> None:
        """Close every handle (:meth:`open` reopens them)."""
        with self._cond:
            self._close_all()

    def _close_all(self) -> None:
        for h in self._all:
            close = getattr(h, "close", None)
            if close is not None:
                close()
        self._all.clear()
        self._free.clear()


class QueryProcesses:
    """Index queries answered by worker processes fed from one queue.

    ``copytrace serve --workers N`` runs one web process and N of these, each
    with its own read-only index handle holding the fingerprints in memory.
    A free process takes the next query, whichever connection it came on:
    with N web processes instead, each kept the connections it accepted, and
    one of two often got three quarters of the work (measured at 8 clients).
    """

    def __init__(self, path: Path, processes: int) -> None:
        self.path = path
        self.processes = max(1, processes)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def open(self) -> None:
        """Start the processes and wait until each has opened the index."""
        with self._lock:
            if self._pool is not None:
                return
            pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_open_worker_index,
                initargs=(str(self.path),),
            )
            # As many tasks at once as processes: the pool starts them all now.
            ready = [pool.submit(_worker_ready) for _ in range(self.processes)]
            try:
                for f in ready:
                    f.result()
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            self._pool = pool

    def query(self, article: Article, limit: int) -> list[Any]:
        """``Index.query(article, limit=limit)`` in a worker process."""
        result: list[Any] = self._submit(_worker_query, article, limit)
        return result

    def paste_query(self, paste: dict[str, Any], limit: int) -> tuple[Article, list[Any]]:
        """Clean a pasted page (``make_query_article(**paste)``) and query, in a worker.

        Cleaning the paste (~7 ms) is most of what the web process would
        otherwise do for a query; here the query processes share it.
        """
        result: tuple[Article, list[Any]] = self._submit(_worker_paste_query, paste, limit)
        return result

    def _submit(self, fn: Any, *args: Any) -> Any:
        pool = self._pool
        if pool is None:
            raise RuntimeError(f"{self.path}: the query processes are not running")
        return pool.submit(fn, *args).result()

    def close(self) -> None:
        """Stop the processes (:meth:`open` starts them again)."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None


_WORKER_INDEX: Any = None


def _open_worker_index(path: str) -> None:
    from copytrace.index import Index

    global _WORKER_INDEX
    logging.getLogger("copytrace").setLevel(logging.WARNING)
    _WORKER_INDEX = Index(path, read_only=True, memory=True)


def _worker_ready() -> bool:
    return _WORKER_INDEX is not None


def _worker_query(article: Article, limit: int) -> list[Any]:
    try:
        matches: list[Any] = _WORKER_INDEX.query(article, limit=limit)
    except (ValueError, LookupError, InputError) as exc:  # plain types: they pickle back
        raise ValueError(str(exc)) from None
    except Exception as exc:
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None
    return matches


def _worker_paste_query(paste: dict[str, Any], limit: int) -> tuple[Article, list[Any]]:
    from copytrace.web.service import make_query_article

    try:
        article = make_query_article(**paste)
    except InputError as exc:
        raise ValueError(str(exc)) from None
    return article, _worker_query(article, limit)


class ScanData:
    """The tables of one scan output folder, loaded into in-memory DuckDB."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        articles = folder / "articles.parquet"
        if not articles.is_file():
            raise InputError(str(folder), "not a scan output folder: no articles.parquet in it")
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        try:
            cols = self._columns(articles)
            if "id" not in cols:
                raise InputError(str(articles), "no 'id' column")
            self._article_cols = cols
            self._articles_path = articles
            sel = ", ".join(
                f"CAST({c} AS VARCHAR) AS {c}" if c in cols else f"NULL::VARCHAR AS {c}"
                for c in ("title", "source", "published", "url")
            )
            self._con.execute(
                f"CREATE TABLE meta AS SELECT CAST(id AS VARCHAR) AS id, {sel} "
                "FROM read_parquet(?)",
                [str(articles)],
            )
            self._load_passages()
            self._load_pairs()
            self._load_clusters()
        except duckdb.Error as exc:
            raise InputError(str(folder), f"cannot read scan output: {exc}") from None
        self.texts_from: str | None = None
        self._texts_path: Path | None = None
        if "text" in cols:
            self.texts_from = "articles.parquet"
            self._texts_path = articles
        elif (folder / "texts.parquet").is_file():
            tcols = self._columns(folder / "texts.parquet")
            if {"id", "text"} <= tcols:
                self.texts_from = "texts.parquet"
                self._texts_path = folder / "texts.parquet"
        self._overview: Overview | None = None

    # -- loading ----------------------------------------------------------------------

    def _columns(self, path: Path) -> set[str]:
        rows = self._con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        return {r[0] for r in rows}

    def _load_passages(self) -> None:
        cols = (
            "source_id VARCHAR, target_id VARCHAR, source_start BIGINT, source_end BIGINT, "
            "target_start BIGINT, target_end BIGINT, kind VARCHAR, words BIGINT, "
            "similarity DOUBLE, attributed BOOLEAN"
        )
        names = [c.split()[0] for c in cols.split(", ")]
        pq, jl = self.folder / "passages.parquet", self.folder / "passages.jsonl"
        self._con.execute(f"CREATE TABLE passages ({cols})")
        if pq.is_file():
            self._con.execute(
                f"INSERT INTO passages SELECT {', '.join(names)} FROM read_parquet(?)", [str(pq)]
            )
        elif jl.is_file() and jl.stat().st_size > 0:
            self._insert_jsonl("passages", jl, cols)

    def _load_pairs(self) -> None:
        cols = (
            "a_id VARCHAR, b_id VARCHAR, source_id VARCHAR, confidence DOUBLE, "
            "coverage_a DOUBLE, coverage_b DOUBLE, passages BIGINT, words BIGINT"
        )
        self._con.execute(f"CREATE TABLE pairs ({cols})")
        path = self.folder / "pairs.jsonl"
        if path.is_file() and path.stat().st_size > 0:
            self._insert_jsonl("pairs", path, cols)

    def _load_clusters(self) -> None:
        self._con.execute(
            "CREATE TABLE clusters (cluster_id VARCHAR, article_ids VARCHAR[], origin_id VARCHAR)"
        )
        path = self.folder / "clusters.jsonl"
        if path.is_file() and path.stat().st_size > 0:
            self._insert_jsonl(
                "clusters", path, "cluster_id VARCHAR, article_ids VARCHAR[], origin_id VARCHAR"
            )
        self._con.execute(
            "CREATE TABLE members AS SELECT cluster_id, UNNEST(article_ids) AS id FROM clusters"
        )

    def _insert_jsonl(self, table: str, path: Path, cols: str) -> None:
        spec = (
            "{"
            + ", ".join(f"'{c.split()[0]}': '{c.split(maxsplit=1)[1]}'" for c in cols.split(", "))
            + "}"
        )
        self._con.execute(
            f"INSERT INTO {table} SELECT * FROM read_json(?, format='newline_delimited', "
            f"columns={spec})",
            [str(path)],
        )

    # -- queries ----------------------------------------------------------------------

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, params or []).fetchall()

    def article_count(self) -> int:
        """Number of articles in ``articles.parquet``."""
        return int(self._rows("SELECT count(*) FROM meta")[0][0])

    def meta(self, ids: list[str]) -> dict[str, ArticleMeta]:
        """Metadata of the given articles (missing ids are left out)."""
        if not ids:
            return {}
        rows = self._rows(
            "SELECT id, title, source, published, url FROM meta WHERE id IN "
            "(SELECT UNNEST(?::VARCHAR[]))",
            [list(ids)],
        )
        return {r[0]: ArticleMeta(*r) for r in rows}

    def article(self, article_id: str) -> Article | None:
        """The article with its text and content spans (text empty when not stored)."""
        found = self.meta([article_id]).get(article_id)
        if found is None:
            return None
        text, is_html = "", False
        content: tuple[tuple[int, int], ...] = ()
        html_known = False
        if self._texts_path is not None:
            want = ["CAST(text AS VARCHAR)"]
            cols = self._article_cols if self.texts_from == "articles.parquet" else set()
            want.append("content" if "content" in cols else "NULL")
            want.append("is_html" if "is_html" in cols else "NULL")
            rows = self._rows(
                f"SELECT {', '.join(want)} FROM read_parquet(?) WHERE CAST(id AS VARCHAR) = ?",
                [str(self._texts_path), article_id],
            )
            if rows:
                text = rows[0][0] or ""
                content = _spans(rows[0][1])
                html_known = rows[0][2] is not None
                is_html = (
                    bool(rows[0][2]) if html_known else looks_like_html("", text[:512].encode())
                )
        if not content and "content" in self._article_cols:
            rows = self._rows(
                "SELECT content FROM read_parquet(?) WHERE CAST(id AS VARCHAR) = ?",
                [str(self._articles_path), article_id],
            )
            content = _spans(rows[0][0]) if rows else ()
        return Article(
            id=found.id,
            text=text,
            content=content,
            title=found.title,
            published=found.published,
            source=found.source,
            url=found.url,
            is_html=is_html,
        )

    def stretches(self, article_id: str) -> list[Stretch]:
        """Every reused stretch of one article, with the other article and the role."""
        rows = self._rows(
            """
            SELECT p.source_id, p.target_id, p.source_start, p.source_end, p.target_start,
                   p.target_end, p.kind, p.words, p.similarity, p.attributed,
                   pr.a_id IS NOT NULL AND pr.source_id IS NULL AS undecided
            FROM passages p
            LEFT JOIN pairs pr ON (pr.a_id = p.source_id AND pr.b_id = p.target_id)
                               OR (pr.a_id = p.target_id AND pr.b_id = p.source_id)
            WHERE p.source_id = ? OR p.target_id = ?
            ORDER BY least(CASE WHEN p.source_id = ? THEN p.source_start ELSE p.target_start END)
            """,
            [article_id, article_id, article_id],
        )
        out: list[Stretch] = []
        for src, tgt, ss, se, ts, te, kind, words, sim, attr, undecided in rows:
            mine_is_source = src == article_id
            start, end = (ss, se) if mine_is_source else (ts, te)
            other = tgt if mine_is_source else src
            role = "shared" if undecided else ("to" if mine_is_source else "from")
            out.append(
                Stretch(
                    int(start),
                    int(end),
                    str(other),
                    role,
                    str(kind or "verbatim"),
                    int(words or 0),
                    float(sim or 0.0),
                    bool(attr),
                )
            )
        return out

    def pair(self, a_id: str, b_id: str) -> PairResult | None:
        """The scan's result for one pair as a ``PairResult`` (None when not a pair)."""
        rows = self._rows(
            "SELECT a_id, b_id, source_id, confidence, coverage_a, coverage_b FROM pairs "
            "WHERE (a_id = ? AND b_id = ?) OR (a_id = ? AND b_id = ?)",
            [a_id, b_id, b_id, a_id],
        )
        if not rows:
            return None
        pa, _pb, src, conf, cov_a, cov_b = rows[0]
        if pa != a_id:  # keep the caller's order
            cov_a, cov_b = cov_b, cov_a
        art_a, art_b = self.article(a_id), self.article(b_id)
        if art_a is None or art_b is None:
            return None
        prows = self._rows(
            "SELECT source_id, source_start, source_end, target_start, target_end, kind, words, "
            "similarity, attributed FROM passages WHERE (source_id = ? AND target_id = ?) "
            "OR (source_id = ? AND target_id = ?)",
            [a_id, b_id, b_id, a_id],
        )
        passages = []
        for p_src, ss, se, ts, te, kind, words, sim, attr in prows:
            a_side = (ss, se) if p_src == a_id else (ts, te)
            b_side = (ts, te) if p_src == a_id else (ss, se)
            passages.append(
                Passage(
                    kind,
                    int(a_side[0]),
                    int(a_side[1]),
                    int(b_side[0]),
                    int(b_side[1]),
                    int(words or 0),
                    float(sim or 0.0),
                    bool(attr),
                )
            )
        passages.sort(key=lambda p: (p.a_start, p.b_start))
        side: Literal["a", "b"] | None = "a" if src == a_id else "b" if src == b_id else None
        return PairResult(
            art_a,
            art_b,
            tuple(passages),
            float(cov_a or 0.0),
            float(cov_b or 0.0),
            Direction(side, float(conf or 0.0), ()),
        )

    def cluster_of(self, article_id: str) -> str | None:
        """The id of the cluster holding ``article_id``."""
        rows = self._rows("SELECT cluster_id FROM members WHERE id = ? LIMIT 1", [article_id])
        return str(rows[0][0]) if rows else None

    def cluster(self, cluster_id: str) -> ClusterInfo | None:
        """One cluster by id."""
        rows = self._rows(
            "SELECT cluster_id, article_ids, origin_id FROM clusters WHERE cluster_id = ?",
            [cluster_id],
        )
        if not rows:
            return None
        cid, ids, origin = rows[0]
        return ClusterInfo(str(cid), [str(i) for i in ids or []], origin)

    def cluster_pairs(self, ids: list[str]) -> list[tuple[str, str, str | None, int]]:
        """``(a_id, b_id, source_id, words)`` for the pairs inside a set of articles."""
        return [
            (str(a), str(b), s, int(w or 0))
            for a, b, s, w in self._rows(
                "SELECT a_id, b_id, source_id, words FROM pairs WHERE a_id IN "
                "(SELECT UNNEST(?::VARCHAR[])) AND b_id IN (SELECT UNNEST(?::VARCHAR[])) "
                "ORDER BY words DESC, a_id, b_id",
                [ids, ids],
            )
        ]

    def search(self, q: str, offset: int, limit: int) -> tuple[int, list[ArticleMeta]]:
        """Articles whose id, title or outlet contains ``q`` (case-insensitive)."""
        where, params = "", []
        if q:
            where = (
                "WHERE contains(lower(id), ?) OR contains(lower(coalesce(title, '')), ?) "
                "OR contains(lower(coalesce(source, '')), ?)"
            )
            params = [q.lower()] * 3
        total = int(self._rows(f"SELECT count(*) FROM meta {where}", params)[0][0])
        rows = self._rows(
            f"SELECT id, title, source, published, url FROM meta {where} "
            "ORDER BY published NULLS LAST, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return total, [ArticleMeta(*r) for r in rows]

    def overview(self, top: int = 10) -> Overview:
        """Figures, largest clusters, top copiers and sources, graph edges (cached)."""
        if self._overview is None:
            self._overview = self._compute_overview(top)
        return self._overview

    def _compute_overview(self, top: int) -> Overview:
        one = self._rows
        figures = {
            "articles": int(one("SELECT count(*) FROM meta")[0][0]),
            "outlets": int(one("SELECT count(DISTINCT source) FROM meta")[0][0]),
            "pairs": int(one("SELECT count(*) FROM pairs")[0][0]),
            "directed_pairs": int(
                one("SELECT count(*) FROM pairs WHERE source_id IS NOT NULL")[0][0]
            ),
            "passages": int(one("SELECT count(*) FROM passages")[0][0]),
            "reused_words": int(one("SELECT coalesce(sum(words), 0) FROM pairs")[0][0]),
            "clusters": int(one("SELECT count(*) FROM clusters")[0][0]),
            "articles_in_clusters": int(one("SELECT count(DISTINCT id) FROM members")[0][0]),
        }
        group_by: Literal["outlet", "article"] = "outlet" if figures["outlets"] >= 2 else "article"
        key = f"coalesce(m.source, '{UNKNOWN_OUTLET}')" if group_by == "outlet" else "m.id"
        directed = f"""
            WITH d AS (
              SELECT source_id AS src,
                     CASE WHEN source_id = a_id THEN b_id ELSE a_id END AS cop, words
              FROM pairs WHERE source_id IS NOT NULL)
            SELECT {key.replace("m.", "mc.")} AS copier, {key.replace("m.", "ms.")} AS source,
                   d.cop AS cop_id, d.src AS src_id, d.words
            FROM d JOIN meta mc ON mc.id = d.cop JOIN meta ms ON ms.id = d.src
        """
        copiers = [
            {"key": k, "pairs": int(p), "words": int(w or 0), "articles": int(n)}
            for k, p, w, n in one(
                f"SELECT copier, count(*), sum(words), count(DISTINCT cop_id) FROM ({directed}) "
                "GROUP BY copier ORDER BY count(*) DESC, sum(words) DESC, copier LIMIT ?",
                [top],
            )
        ]
        sources = [
            {"key": k, "pairs": int(p), "words": int(w or 0), "articles": int(n)}
            for k, p, w, n in one(
                f"SELECT source, count(*), sum(words), count(DISTINCT src_id) FROM ({directed}) "
                "GROUP BY source ORDER BY count(*) DESC, sum(words) DESC, source LIMIT ?",
                [top],
            )
        ]
        edges = [
            (str(c), str(s), int(p), int(w or 0))
            for c, s, p, w in one(
                f"SELECT copier, source, count(*), sum(words) FROM ({directed}) "
                "GROUP BY copier, source ORDER BY count(*) DESC, copier, source LIMIT 200"
            )
        ]
        clusters = []
        for cid, size, origin, outlets, first, last in one(
            """
            SELECT c.cluster_id, len(c.article_ids) AS size, c.origin_id,
                   count(DISTINCT m.source), min(m.published), max(m.published)
            FROM clusters c JOIN members mb ON mb.cluster_id = c.cluster_id
            LEFT JOIN meta m ON m.id = mb.id
            GROUP BY c.cluster_id, c.article_ids, c.origin_id
            ORDER BY size DESC, c.cluster_id LIMIT ?
            """,
            [top],
        ):
            clusters.append(
                {
                    "cluster_id": str(cid),
                    "size": int(size),
                    "origin_id": origin,
                    "outlets": int(outlets),
                    "first_published": _str(first),
                    "last_published": _str(last),
                }
            )
        labels: dict[str, str] = {}
        if group_by == "article":
            keys = {e[0] for e in edges} | {e[1] for e in edges}
            keys |= {r["key"] for r in copiers + sources}
            labels = {k: m.label for k, m in self.meta(sorted(keys)).items()}
        return Overview(figures, group_by, clusters, copiers, sources, edges, labels)


class Corpus:
    """An index file, a scan folder, a scan folder with an index in it, or nothing
    (``path`` None: a server that only compares pasted articles)."""

    def __init__(
        self,
        path: str | Path | None,
        index_handles: int = 2,
        index_memory: bool = True,
        query_processes: int = 0,
    ) -> None:
        p = Path(path) if path is not None else None
        self.path = p
        self.scan: ScanData | None = None
        self.index: IndexPool | None = None
        self.processes: QueryProcesses | None = None
        # With query processes, this process's handles only read articles.
        memory = index_memory and query_processes < 1
        if p is None:
            pass
        elif p.is_dir():
            self.scan = ScanData(p)
            found = _find_index(p)
            if found is not None:
                self.index = IndexPool(found, index_handles, memory)
        elif p.is_file():
            self.index = IndexPool(p, index_handles, memory)
        else:
            raise InputError(
                str(p), "no such file or folder (expected an index file or a scan folder)"
            )
        if self.index is not None and query_processes > 0:
            self.processes = QueryProcesses(self.index.path, query_processes)
        self.kind: Literal["index", "scan", "none"] = (
            "scan" if self.scan is not None else "index" if self.index is not None else "none"
        )

    def open(self) -> None:
        """(Re)open the index handles after :meth:`close`; start the query processes."""
        if self.index is not None:
            self.index.open()
        if self.processes is not None:
            self.processes.open()

    def close(self) -> None:
        """Release the index handles and stop the query processes."""
        if self.processes is not None:
            self.processes.close()
        if self.index is not None:
            self.index.close()

    @property
    def can_query(self) -> bool:
        """True when pasted articles can be matched (an index is loaded)."""
        return self.index is not None

    def article_count(self) -> int:
        """Articles in the scan, else in the index."""
        if self.scan is not None:
            return self.scan.article_count()
        return len(self.index) if self.index is not None else 0

    def article(self, article_id: str) -> Article | None:
        """One article with its text: from the scan's texts, else from the index."""
        art = self.scan.article(article_id) if self.scan is not None else None
        if (art is None or not art.text) and self.index is not None:
            with self.index.handle() as h:
                found = h.get(article_id)
            if found is not None:
                if art is not None:  # scan metadata wins, index text fills in
                    return Article(
                        id=art.id,
                        text=found.text,
                        content=found.content or art.content,
                        title=art.title or found.title,
                        published=art.published or found.published,
                        source=art.source or found.source,
                        url=art.url or found.url,
                        is_html=found.is_html,
                        dateline=found.dateline,
                    )
                return found
        return art

    def meta(self, ids: list[str]) -> dict[str, ArticleMeta]:
        """Metadata for ids (from the scan, else from the index)."""
        if self.scan is not None:
            return self.scan.meta(ids)
        out: dict[str, ArticleMeta] = {}
        for i in ids:
            art = self.article(i)
            if art is not None:
                out[i] = ArticleMeta(art.id, art.title, art.source, art.published, art.url)
        return out

    def query(self, article: Article, limit: int) -> list[MatchView]:
        """Indexed articles that ``article`` shares text with, best first."""
        if self.index is None:
            raise LookupError("no index loaded")
        if self.processes is not None:
            matches = self.processes.query(article, limit)
        else:
            with self.index.handle() as h:
                matches = h.query(article, limit=limit)
        return _views(matches)

    def paste_query(self, paste: dict[str, Any], limit: int) -> tuple[Article, list[MatchView]]:
        """The cleaned paste (``make_query_article(**paste)``) and its matches.

        With query processes both run in one of them; otherwise here.
        """
        if self.index is None:
            raise LookupError("no index loaded")
        if self.processes is not None:
            article, matches = self.processes.paste_query(paste, limit)
            return article, _views(matches)
        from copytrace.web.service import make_query_article

        article = make_query_article(**paste)
        return article, self.query(article, limit)

    def stretches(self, article: Article) -> list[Stretch]:
        """Reused stretches of an article: from the scan, else by querying the index."""
        if self.scan is not None:
            return self.scan.stretches(article.id)
        out: list[Stretch] = []
        for m in self.query(article, limit=QUERY_LIMIT_FOR_ARTICLE_PAGE):
            if m.article.id == article.id:
                continue
            d = m.result.direction.source
            role = "from" if d == "b" else "to" if d == "a" else "shared"
            for p in m.result.passages:
                out.append(
                    Stretch(
                        p.a_start,
                        p.a_end,
                        m.article.id,
                        role,
                        p.kind,
                        p.words,
                        p.similarity,
                        p.attributed,
                    )
                )
        out.sort(key=lambda s: (s.start, -s.end))
        return out


def _views(matches: list[Any]) -> list[MatchView]:
    return [MatchView(i + 1, float(m.score), m.article, m.result) for i, m in enumerate(matches)]


# How many index matches the article page of an index-only corpus shows.
QUERY_LIMIT_FOR_ARTICLE_PAGE = 20
