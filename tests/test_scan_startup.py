"""Start-up of a scan process: the CLI imports only the command it runs, and the
scan's processes skip pyarrow's pandas import."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from copytrace.cli import LAZY_COMMANDS, main


def _run(code: str) -> str:
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return got.stdout.strip()


def test_every_command_is_listed_for_lazy_loading() -> None:
    import copytrace.cli.commands  # noqa: F401  (registers them all)

    assert set(dict.keys(main.commands)) == set(LAZY_COMMANDS)
    for name in LAZY_COMMANDS:
        assert main.commands[name].name == name
        assert main.get_command(None, name) is main.commands[name]  # type: ignore[arg-type]
    assert main.commands.get("no-such-command") is None


def test_scan_command_imports_no_other_command() -> None:
    out = _run(
        "import sys; from copytrace.cli import main; main.commands['scan']; "
        "print(sorted(m for m in ('duckdb', 'scipy', 'fastapi', 'copytrace.index', "
        "'copytrace.eval', 'copytrace.cli.index_cmd', 'copytrace.cli.serve_cmd') "
        "if m in sys.modules))"
    )
    assert out == "[]"
    # a pool worker imports the CLI (the copytrace script is its main module) and
    # the engine: no scipy, no readers
    out = _run(
        "import sys, copytrace.cli, copytrace.engines.local; "
        "print(sorted(m for m in ('scipy', 'copytrace.ingest') if m in sys.modules))"
    )
    assert out == "[]"


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas not installed")
def test_skip_pandas_check_keeps_pandas_working() -> None:
    out = _run(
        "import sys, pyarrow as pa\n"
        "from copytrace.engines.local import skip_pandas_check\n"
        "skip_pandas_check()\n"
        "a = pa.array(['x', None])\n"
        "print('pandas' in sys.modules, a.to_pylist())\n"
        "df = pa.table({'n': [1, 2]}).to_pandas()\n"  # pandas imported when needed
        "import pandas as pd\n"
        "print(type(df).__name__, list(df['n']))\n"
        "print(pa.array(pd.Series(['u', 'v'], dtype='category')).type)\n"
    )
    assert out.splitlines() == [
        "False ['x', None]",
        "DataFrame [1, 2]",
        "dictionary<values=string, indices=int8, ordered=0>",
    ]


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas not installed")
def test_in_process_scan_leaves_pyarrow_pandas_check_alone(tmp_path: object) -> None:
    # jobs=1 runs the tasks in the caller's process, which may use pandas later:
    # only pool workers and the CLI skip the check
    out = _run(
        "import sys, pyarrow as pa\n"
        "from copytrace.engines.local import _init_worker\n"
        "from copytrace.scan import ScanConfig\n"
        f"_init_worker({str(tmp_path)!r}, ScanConfig(jobs=1))\n"
        "pa.array([1])\n"
        "print('pandas' in sys.modules)\n"
    )
    assert out == "True"
