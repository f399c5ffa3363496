"""record_to_article's path for plain string records (taken without the surrogate
checks) gives what the general path gives, article or error, on every mix of
field values and types."""

from __future__ import annotations

import datetime as dt
import random
from collections import OrderedDict
from typing import Any

import pytest

from copytrace.ingest.records import MAX_TEXT_CHARS, RecordError, record_to_article
from copytrace.model import Article

VALUES: list[Any] = [
    None,
    "",
    "  ",
    "\u3000",
    "x",
    " padded value ",
    "2024-05-01T10:00:00+02:00",
    7,
    0,
    1.5,
    True,
    False,
    [],
    {"a": 1},
    dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC),
    dt.date(2024, 5, 1),
]
TEXTS: list[Any] = [None, "", " \n ", "Body text.\nMore.", "x" * (MAX_TEXT_CHARS + 1), 5]
IDS: list[Any] = [None, "", "  ", "a1", " a2 ", 3, True, 2.5, "\u00e9t\u00e9"]
FIELDS = ("title", "published", "date", "source", "series", "url")


def _outcome(rec: Any, *, check: bool) -> Article | str:
    try:
        return record_to_article(rec, "x.jsonl", check_surrogates=check)
    except RecordError as exc:
        return f"error: {exc}"


def _record(rng: random.Random) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    for name, pool in (("id", IDS), ("text", TEXTS), ("html", TEXTS)):
        if rng.random() < 0.8:
            rec[name] = rng.choice(pool)
    for name in FIELDS:
        if rng.random() < 0.6:
            rec[name] = rng.choice(VALUES)
    return rec


@pytest.mark.parametrize("seed", range(5))
def test_plain_records_as_the_general_path(seed: int) -> None:
    # (no lone surrogates here: the checks find nothing, so with them on, the
    # general path decides)
    rng = random.Random(seed)
    for _ in range(2000):
        rec = _record(rng)
        assert _outcome(rec, check=False) == _outcome(rec, check=True), rec


def test_every_field_lands_in_its_place() -> None:
    rec = {
        "id": " i ",
        "text": "T",
        "title": "Ti",
        "date": " 2024-01-02 ",
        "series": "Se",
        "url": "U",
    }
    a = record_to_article(rec, "p.jsonl", check_surrogates=False)
    assert a == Article(
        id="i",
        text="T",
        title="Ti",
        published="2024-01-02",
        source="Se",
        url="U",
        path="p.jsonl",
    )
    assert record_to_article(
        {**rec, "published": "P", "source": "S"}, "p", check_surrogates=False
    ) == (Article(id="i", text="T", title="Ti", published="P", source="S", url="U", path="p"))


@pytest.mark.parametrize("rec", [OrderedDict(id="a", text="t"), ["id", "text"], "s", 3, None])
def test_other_records_as_the_general_path(rec: Any) -> None:
    assert _outcome(rec, check=False) == _outcome(rec, check=True)
