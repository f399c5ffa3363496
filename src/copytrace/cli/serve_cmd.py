"""``copytrace serve``: the web viewer and JSON API over an index or a scan."""

from __future__ import annotations

import click

from copytrace.cli import main
from copytrace.errors import InputError


@main.command("serve")
@click.argument("path", metavar="[DB_OR_SCAN_DIR]", type=click.Path(exists=True), required=False)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default answers this machine only.",
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
@click.option(
    "--max-body-mb",
    default=4.0,
    show_default=True,
    type=click.FloatRange(0.01, 1024),
    help="Largest request body (pasted or uploaded page) in MiB; larger ones get a 413.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes answering index queries (more than 1: one web process hands each "
    "query to the next free one; each holds the index's fingerprints in memory); "
    "about one per core.",
)
@click.option(
    "--query-threads",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Queries one process answers at once (read-only index handles); with "
    "--workers > 1, requests for articles the web process answers at once.",
)
def serve_cmd(
    path: str | None, host: str, port: int, max_body_mb: float, workers: int, query_threads: int
) -> None:
    """Serve pages and a JSON API over an index file or a scan output folder.

    Paste an article to see which indexed articles it reuses (needs an index:
    an index file, or index.duckdb inside the scan folder); browse a scan's
    overview, clusters, pairs and articles; compare two pasted articles side by
    side (/compare: with no DB_OR_SCAN_DIR, that is all the server does). The
    OpenAPI spec is at /openapi.json.

    Example:

    \b
        copytrace serve scan-out --port 8000   # then open http://127.0.0.1:8000/
        copytrace serve                        # /compare only
    """
    import uvicorn

    from copytrace.web.app import create_app

    max_body = int(max_body_mb * 1024 * 1024)
    try:  # opens the index here, so a bad path fails now, with one line
        app = create_app(
            path,
            max_body_bytes=max_body,
            index_handles=query_threads,
            query_processes=workers if workers > 1 else 0,  # started with the server
        )
    except InputError as exc:
        raise click.ClickException(str(exc)) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            f"warning: listening on {host}: anyone who can reach this address can use the "
            "viewer (there is no login)",
            err=True,
        )
    click.echo(f"copytrace viewer on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    options = {"host": host, "port": port, "log_level": "warning", "server_header": False}
    uvicorn.run(app, **options)  # type: ignore[arg-type]
