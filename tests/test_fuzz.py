"""Fuzzing the readers and the page cleaner with hypothesis.

Each target takes bytes, mostly valid seed files with random mutations (byte
flips, inserts, deletes, cuts, splices), and must never raise: the readers
turn anything into articles or rejects (and every article can be stored in
Arrow), the cleaner returns content spans inside the text. CI runs a few dozen
examples per target (``COPYTRACE_FUZZ_EXAMPLES``); ``bench/fuzz.py`` runs the
same targets for as long as asked. A crash found either way becomes a test in
``test_fuzz_regressions.py``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from copytrace.clean import clean
from copytrace.ingest import read_inputs
from copytrace.model import Article, Reject
from copytrace.stages import articles_to_batch

EXAMPLES = int(os.environ.get("COPYTRACE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ----------------------------------------------------------------------------- seeds

PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Port reopens</title>"
    "<script>var x = '<p>no</p>';</script><style>p{}</style></head><body>"
    "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
    "<article><h1>Port reopens after the storm</h1><time datetime='2026-10-01'>1 Oct</time>"
    "<p>The port reopened on Monday after a week of repairs, officials said.</p>"
    "<p>Ferries will run on the usual timetable from Tuesday &amp; freight follows.</p>"
    "<!-- comment --><p>Caf\u00e9 owners on the quay welcomed the news.</p></article>"
    "<footer>\u00a9 2026 Port News. Subscribe to our newsletter.</footer></body></html>"
)
TEXT = (
    "Port reopens\n\nThe port reopened on Monday after a week of repairs.\r\nFerries run again.\n"
)


def seed_jsonl() -> bytes:
    rows = [
        {"id": "a", "text": TEXT, "title": "Port", "published": "2026-10-01", "source": "PN"},
        {"id": 2, "html": PAGE, "date": 1760000000, "series": "AP", "url": "https://x.y/2"},
        {"id": "c", "text": "caf\u00e9 \u65e5\u672c", "published": None},
    ]
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def seed_parquet() -> bytes:
    table = pa.table(
        {
            "id": ["a", "b", "c"],
            "text": [TEXT, None, "short"],
            "html": [None, PAGE, None],
            "published": ["2026-10-01", None, "x"],
            "source": ["PN", "AP", None],
        }
    )
    buf = io.BytesIO()
    pq.write_table(table, buf, row_group_size=2)
    return buf.getvalue()


def warc_record(uri: str, payload: bytes, ctype: str = "text/html; charset=utf-8") -> bytes:
    block = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: 2026-10-01T10:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def seed_warc() -> bytes:
    return (
        warc_record("https://www.port.example/a", PAGE.encode())
        + warc_record("https://port.example/b", PAGE.encode("cp1252", "replace"), "text/html")
        + warc_record("https://port.example/i.png", b"\x89PNG\r\n\x1a\n\x00", "image/png")
    )


SEEDS = {
    "jsonl": seed_jsonl(),
    "parquet": seed_parquet(),
    "warc": seed_warc(),
    "html": PAGE.encode(),
    "txt": TEXT.encode(),
}

# ----------------------------------------------------------------------------- mutations


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few random edits; hypothesis shrinks towards fewer, smaller ones."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "cut", "dup", "splice"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "cut":
            del data[at:]
        elif op == "dup":
            n = draw(st.integers(1, 200))
            data[at:at] = data[at : at + n]
        elif op == "splice":
            other = draw(st.sampled_from(sorted(SEEDS)))
            lo = draw(st.integers(0, len(SEEDS[other])))
            data[at:at] = SEEDS[other][lo : lo + draw(st.integers(1, 300))]
    return bytes(data)


def inputs(kind: str) -> st.SearchStrategy[bytes]:
    return st.one_of(mutated(SEEDS[kind]), st.binary(max_size=512))


# ----------------------------------------------------------------------------- targets


def read_bytes_as(data: bytes, name: str) -> list[Article | Reject]:
    """Write ``data`` to a file called ``name`` and read it; checks what must always hold."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        items = list(read_inputs([path]))
        arts = [i for i in items if isinstance(i, Article)]
        for item in items:
            assert isinstance(item, (Article, Reject))
            if isinstance(item, Reject):
                assert item.reason and item.file == str(path)
                assert item.record is None or item.record >= 1
            else:
                assert item.id and item.text.strip()
        articles_to_batch(arts)  # storable: valid UTF-8, types right
    return items


def target_jsonl(data: bytes) -> None:
    items = read_bytes_as(data, "f.jsonl")
    if not data.startswith(b"\x1f\x8b"):
        lines = [ln for ln in data.split(b"\n") if ln.strip()]
        assert len(items) == len(lines)  # one item per non-blank line
    read_bytes_as(gzip.compress(data), "f.jsonl.gz")


def target_jsonl_gz(data: bytes) -> None:
    read_bytes_as(data, "f.jsonl.gz")


def target_parquet(data: bytes) -> None:
    read_bytes_as(data, "f.parquet")


def target_warc(data: bytes) -> None:
    items = read_bytes_as(data, "f.warc")
    numbers = [i.record for i in items if isinstance(i, Reject) and i.record is not None]
    assert numbers == sorted(numbers)
    read_bytes_as(gzip.compress(data), "f.warc.gz")


def target_page(data: bytes) -> None:
    read_bytes_as(data, "f.html")
    read_bytes_as(data, "f.txt")


def target_clean(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    if not text.strip():
        return
    for is_html in (True, False):
        art = clean(Article("x", text, is_html=is_html))
        assert art.text == text
        last = 0
        for s, e in art.content:
            assert last <= s < e <= len(text)
            last = e
        for value in (art.title, art.published, art.dateline, art.source):
            assert value is None or isinstance(value, str)


TARGETS: dict[str, tuple[Callable[[bytes], None], st.SearchStrategy[bytes]]] = {
    "jsonl": (target_jsonl, inputs("jsonl")),
    "jsonl_gz": (target_jsonl_gz, mutated(gzip.compress(SEEDS["jsonl"]))),
    "parquet": (target_parquet, inputs("parquet")),
    "warc": (target_warc, inputs("warc")),
    "warc_gz": (
        lambda d: read_bytes_as(d, "f.warc.gz") and None,
        mutated(b"".join(gzip.compress(r) for r in SEEDS["warc"].split(b"WARC/1.0")[1:])),
    ),
    "page": (target_page, st.one_of(inputs("html"), inputs("txt"))),
    "clean": (target_clean, st.one_of(inputs("html"), inputs("txt"))),
}


def _test(name: str) -> Callable[[], None]:
    target, strategy = TARGETS[name]

    @FUZZ
    @given(strategy)
    def run(data: bytes) -> None:
        note(f"data={data!r}")
        target(data)

    run.__name__ = f"test_fuzz_{name}"
    return run


test_fuzz_jsonl = _test("jsonl")
test_fuzz_jsonl_gz = _test("jsonl_gz")
test_fuzz_parquet = _test("parquet")
test_fuzz_warc = _test("warc")
test_fuzz_warc_gz = _test("warc_gz")
test_fuzz_page = _test("page")
test_fuzz_clean = _test("clean")


@FUZZ
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "id": st.one_of(st.none(), st.text(max_size=5), st.integers(), st.booleans()),
                "text": st.one_of(st.none(), st.text(max_size=50)),
                "html": st.one_of(st.none(), st.text(max_size=50)),
                "published": st.one_of(
                    st.none(), st.text(max_size=10), st.integers(-(10**12), 10**12)
                ),
                "title": st.one_of(st.none(), st.text(max_size=10), st.floats()),
            },
        ),
        min_size=1,
        max_size=5,
    )
)
def test_fuzz_parquet_tables_of_any_column_types(rows: list[dict[str, object]]) -> None:
    """Tables hypothesis makes up (mixed types become Arrow columns of one type each)."""
    try:
        table = pa.Table.from_pylist(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return  # not a table Arrow can hold: nothing to read
    buf = io.BytesIO()
    pq.write_table(table, buf)
    read_bytes_as(buf.getvalue(), "t.parquet")
