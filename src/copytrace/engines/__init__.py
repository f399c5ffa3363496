"""Engines run the scan's stages (:mod:`copytrace.stages`) over a corpus.

``local`` runs in this process and a pool of worker processes on all cores;
other engines (Spark) register here under their own name and must write the
same outputs with the same schemas.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from copytrace.scan import ScanConfig, ScanSummary

# name -> "module:function"; the function has the signature of ``Engine``.
ENGINES: dict[str, str] = {
    "local": "copytrace.engines.local:run",
    "spark": "copytrace.engines.spark:run",  # needs the ``spark`` extra (PySpark)
}


class Progress(Protocol):
    """Progress callback: ``stage`` has done ``done`` of ``total`` units (None: unknown)."""

    def __call__(self, stage: str, done: int, total: int | None) -> None: ...


class Engine(Protocol):
    """What an engine is: inputs and settings in, outputs written and summarised."""

    def __call__(
        self,
        inputs: Sequence[str | Path],
        out_dir: Path,
        config: ScanConfig,
        progress: Progress | None = None,
    ) -> ScanSummary: ...


def get_engine(name: str) -> Callable[..., ScanSummary]:
    """The engine registered as ``name``.

    Example:
        >>> get_engine("local").__name__
        'run'

    Raises:
        ValueError: unknown engine name.
    """
    try:
        target = ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise ValueError(f"unknown engine {name!r}; choose one of: {known}") from None
    module, func = target.split(":")
    fn: Callable[..., ScanSummary] = getattr(importlib.import_module(module), func)
    return fn
