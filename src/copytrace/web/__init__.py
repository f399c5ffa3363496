"""Web viewer and JSON API: paste an article and see its sources; browse a scan.

Start it with ``copytrace serve DB_OR_SCAN_DIR`` or build the app yourself::

    from copytrace.web import create_app
    app = create_app("scan-out")  # an index file or a scan output folder
"""

from copytrace.web.app import create_app

__all__ = ["create_app"]
