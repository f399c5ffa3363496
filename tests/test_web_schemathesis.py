"""Property-based API tests: schemathesis generates requests from the OpenAPI spec.

Every operation is called with generated inputs (valid and invalid); each answer
must be a documented status (never a 5xx) whose body matches the declared
schema. Examples per operation are bounded so the module runs in well under a
minute.
"""

from __future__ import annotations

import importlib.util
import shutil
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from copytrace.web import create_app

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent / "data" / "web"
# Generated examples per API operation (and per generation mode).
MAX_EXAMPLES = 25


def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("web_build", DATA / "build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


build = load_build()


@pytest.fixture(scope="session")
def web_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The OpenAPI schema of an app serving a scan folder with an index in it."""
    base = tmp_path_factory.getbasetemp()
    folder = base / "web-schemathesis-scan"
    if not folder.is_dir():
        only = build.build_scan(build.CORPUS, base / "web-scan-only", with_index=False)
        db = build.build_index(base / "web-index.duckdb", build.index_articles())
        shutil.copytree(only, folder)
        shutil.copy(db, folder / "index.duckdb")
    # A small body limit so generated bodies also exercise the 413 path.
    app = create_app(folder, max_body_bytes=64 * 1024)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return schemathesis.openapi.from_asgi("/openapi.json", app)


# (method, path) of every API operation; test_spec_documents_every_api_route keeps
# this list honest. Operations are parametrized here rather than through
# schemathesis's pytest plugin, whose lazy fixture loader does not run on pytest 9.
OPERATIONS = [
    ("GET", "/api/info"),
    ("POST", "/api/query"),
    ("POST", "/api/query/file"),
    ("POST", "/api/compare"),
    ("GET", "/api/articles"),
    ("GET", "/api/articles/{article_id}"),
    ("GET", "/api/pair"),
    ("GET", "/api/overview"),
    ("GET", "/api/clusters/{cluster_id}"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_answers_match_the_spec_and_never_fail(web_schema: Any, method: str, path: str) -> None:
    operation = web_schema[path][method]
    # A schema-valid upload may be binary or not UTF-8, which the spec cannot
    # express (OpenAPI "format: binary" allows any bytes): the server answers 400
    # with a message there, so "valid data must be accepted" does not apply.
    excluded = [schemathesis.checks.positive_data_acceptance] if path == "/api/query/file" else []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: Any) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            case.call_and_validate(excluded_checks=excluded)

    check()


def test_spec_documents_every_api_route(web_schema: Any) -> None:
    spec = {
        (method.upper(), path)
        for path, ops in web_schema.raw_schema["paths"].items()
        for method in ops
    }
    assert spec == set(OPERATIONS)
    query = web_schema.raw_schema["paths"]["/api/query"]["post"]
    assert {"400", "409", "413", "422"} <= set(query["responses"])
