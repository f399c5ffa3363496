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
    return load(target)


# name -> "module:function" of ``copytrace clean --out FILE``'s corpus cleaners.
CLEANERS: dict[str, str] = {
    "local": "copytrace.engines.cleaning:clean_corpus",
    "spark": "copytrace.engines.spark:run_clean",
}


class EngineUnavailable(ValueError):
    """An engine whose extra is not installed (PySpark for ``spark``)."""


def load(target: str) -> Callable[..., ScanSummary]:
    """The function ``"module:function"`` names.

    Raises:
        EngineUnavailable: the module needs PySpark and it is not installed.

    Example:
        >>> load(CLEANERS["local"]).__name__
        'clean_corpus'
    """
    module, func = target.split(":")
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in ("pyspark", "py4j"):
            raise
        raise EngineUnavailable(
            f"{module.rsplit('.', 1)[-1]} engine needs PySpark: pip install 'copytrace[spark]'"
        ) from None
    fn: Callable[..., ScanSummary] = getattr(loaded, func)
    return fn
