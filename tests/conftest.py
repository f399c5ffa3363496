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
