"""The command line: a thin layer over the library.

Each command lives in its own module here and registers itself on ``main``.
"""

from __future__ import annotations

import click

from copytrace import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copytrace")
def main() -> None:
    """Find which news articles reuse text from which others."""


# Command modules register themselves on ``main`` when imported.
from copytrace.cli import commands  # noqa: E402,F401
