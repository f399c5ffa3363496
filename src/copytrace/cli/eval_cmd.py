"""``copytrace eval``: quality measurements on standard corpora.

Each corpus has its own subcommand module that registers on ``eval_group``.
"""

from __future__ import annotations

from copytrace.cli import main


@main.group("eval")
def eval_group() -> None:
    """Measure copytrace on standard evaluation corpora."""
