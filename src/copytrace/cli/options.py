"""Options more than one command takes (kept apart so that each command imports
only what it runs)."""

from __future__ import annotations

from collections.abc import Callable

import click


def spark_options(stages_default: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The Spark engine's options of a command (``--spark-master``, ``--partitions``,
    ``--shuffle-partitions``, ``--stages-dir``), in the order --help lists them."""
    options = [
        click.option(
            "--spark-master", default=None, help="Spark master URL [default: local[JOBS]]."
        ),
        click.option(
            "--partitions",
            type=click.IntRange(min=1),
            default=None,
            help="Spark: partitions of the article tables [default: 2 per core].",
        ),
        click.option(
            "--shuffle-partitions",
            type=click.IntRange(min=1),
            default=None,
            help="Spark: partitions of joins and group-bys [default: --partitions].",
        ),
        click.option(
            "--stages-dir",
            default=None,
            help="Spark: where stages are checkpointed (any Spark path) "
            f"[default: {stages_default}].",
        ),
    ]

    def add(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            command = option(command)
        return command

    return add
