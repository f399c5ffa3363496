"""Every command is documented: its --help ends with an example, and the README's
command table names it (the sqlite-utils habit)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from copytrace.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _leaves() -> list[tuple[str, click.Command]]:
    import copytrace.cli.commands  # noqa: F401  (registers them all)

    out: list[tuple[str, click.Command]] = []

    def walk(prefix: str, group: click.Group) -> None:
        for name in group.list_commands(click.Context(group)):
            cmd = group.get_command(click.Context(group), name)
            assert cmd is not None, name
            full = f"{prefix} {name}".strip()
            if isinstance(cmd, click.Group):
                walk(full, cmd)
            else:
                out.append((full, cmd))

    walk("", main)
    return out


@pytest.mark.parametrize(("name", "cmd"), _leaves(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_an_example_and_a_readme_row(name: str, cmd: click.Command) -> None:
    help_text = cmd.help or ""
    assert "Example" in help_text, f"{name}: --help has no example"
    example = help_text.rsplit("Example", 1)[1]
    assert f"copytrace {name}" in example, f"{name}: the example does not run it"
    assert f"`copytrace {name} " in README, f"{name}: not in the README's command table"
