"""The INPUT paths of ``scan`` and ``index add``, checked before a run starts."""

from __future__ import annotations

import re
from pathlib import Path

import click
from rich.console import Console

from copytrace.ingest import SUPPORTED_TYPES, survey_folder


class InputNotFound(click.ClickException):
    """An INPUT that does not exist, or a folder with nothing to read: one line on
    stderr, exit 2 (a usage error)."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


# A URL input ("s3a://...", "hdfs://...") is for Spark to list, not a local path.
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class InputArg(click.ParamType):
    """An INPUT: a local path, or a URL kept as it is (``Path`` would make
    ``s3a://b/x`` ``s3a:/b/x``)."""

    name = "input"

    def convert(self, value: object, param: object, ctx: object) -> Path | str:
        if isinstance(value, Path):
            return value
        return str(value) if _URL_RE.match(str(value)) else Path(str(value))


def check_inputs(inputs: tuple[Path | str, ...], console: Console, *, urls: bool = False) -> None:
    """Stop on a missing INPUT or a folder without one readable file; say which
    files a folder's walk will skip (a folder of ``.pdf`` or ``.xml.gz`` files is
    a mistake worth a line, not a silent run over nothing). A URL INPUT is for
    Spark to read: a usage error unless ``urls``."""
    for given in inputs:
        if _URL_RE.match(str(given)):
            if not urls:
                raise InputNotFound(f"{given}: a URL is read by the Spark engine (--engine spark)")
            continue
        path = Path(given)
        if not path.exists():
            raise InputNotFound(f"input not found: {path}")
        if not path.is_dir():
            continue
        survey = survey_folder(path)
        if not survey.readable:
            found = f"found {survey.skipped_text()}" if survey.skipped else "it is empty"
            raise InputNotFound(f"{path}: no file to read in it ({found}; reads {SUPPORTED_TYPES})")
        if survey.skipped:
            n = sum(survey.skipped.values())
            console.print(
                f"note: {path}: {n:,} file(s) of other types skipped ({survey.skipped_text()})",
                highlight=False,
                soft_wrap=True,
            )
