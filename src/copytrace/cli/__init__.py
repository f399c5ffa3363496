"""The command line: a thin layer over the library.

Each command lives in its own module here and registers itself on ``main``
when imported. The modules are imported only when their command runs (or for
``--help``): a scan does not pay for the index's DuckDB, the web server or the
evaluation code, and neither do its worker processes, which re-import the
``copytrace`` script as they start.
"""

from __future__ import annotations

import importlib

import click

from copytrace import __version__

# command name -> the module that registers it on ``main``
LAZY_COMMANDS = {
    "clean": "clean_cmd",
    "compare": "compare_cmd",
    "eval": "eval_cmd",
    "index": "index_cmd",
    "query": "query_cmd",
    "scan": "scan_cmd",
    "serve": "serve_cmd",
}


class _LazyCommands(dict[str, click.Command]):
    """``main.commands``: a command's module is imported on first lookup."""

    def __missing__(self, name: str) -> click.Command:
        module = LAZY_COMMANDS.get(name)
        if module is None:
            raise KeyError(name)
        importlib.import_module(f"copytrace.cli.{module}")
        return dict.__getitem__(self, name)

    def get(self, name: str, default: object = None) -> click.Command | None:  # type: ignore[override]
        try:
            return self[name]
        except KeyError:
            return default  # type: ignore[return-value]


class _LazyGroup(click.Group):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.commands = _LazyCommands(self.commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copytrace")
def main() -> None:
    """Find which news articles reuse text from which others."""
