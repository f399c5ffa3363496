"""Shared fixtures: the bundled seed pair (copied from the user's pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
NIKKEI = EXAMPLES / "004_3080a4ee7dd42127.txt"
TASS = EXAMPLES / "000_3f926fbd34ea6708.txt"


@pytest.fixture
def nikkei_path() -> Path:
    return NIKKEI


@pytest.fixture
def tass_path() -> Path:
    return TASS


@pytest.fixture(scope="session")
def bundled_pages() -> list[str]:
    """The text of every bundled page: examples/ and tests/data/**/*.txt."""
    from copytrace.ingest.files import read_article_file

    texts = [read_article_file(p).text for p in sorted(EXAMPLES.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(DATA.rglob("*.txt"))]
    return texts
