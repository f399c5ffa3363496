"""``copytrace eval``: quality measurements on standard corpora.

Each corpus has its own subcommand module that registers on ``eval_group``.
"""

from __future__ import annotations

from copytrace.cli import main


@main.group("eval")
def eval_group() -> None:
    """Measure copytrace on standard evaluation corpora."""


# The corpus modules register themselves on ``eval_group`` when imported.
from copytrace.cli import eval_extraction_cmd, eval_pan_cmd  # noqa: E402,F401
