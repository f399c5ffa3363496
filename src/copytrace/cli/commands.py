"""Imports every command module so each registers on ``main``."""

from copytrace.cli import eval_cmd  # noqa: F401
