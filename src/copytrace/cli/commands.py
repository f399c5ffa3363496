"""Imports every command module so each registers on ``main``."""

from copytrace.cli import eval_cmd  # noqa: F401
from copytrace.cli import eval_pan_cmd  # noqa: F401
from copytrace.cli import compare_cmd  # noqa: F401
from copytrace.cli import scan_cmd  # noqa: F401
from copytrace.cli import serve_cmd  # noqa: F401
from copytrace.cli import index_cmd  # noqa: F401
from copytrace.cli import clean_cmd  # noqa: F401
from copytrace.cli import eval_extraction_cmd  # noqa: F401
