"""Imports every command module so each registers on ``main`` (the CLI itself
imports a command's module only when the command is looked up)."""

from copytrace.cli import (
    clean_cmd,  # noqa: F401
    compare_cmd,  # noqa: F401
    eval_cmd,  # noqa: F401
    eval_extraction_cmd,  # noqa: F401
    eval_pan_cmd,  # noqa: F401
    index_cmd,  # noqa: F401
    query_cmd,  # noqa: F401
    scan_cmd,  # noqa: F401
    serve_cmd,  # noqa: F401
)
