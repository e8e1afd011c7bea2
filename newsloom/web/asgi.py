"""ASGI entry point for process managers (uvicorn ``--workers``, gunicorn): the portal built from settings in
the environment (``NEWSLOOM_*``). Each worker process keeps its own page cache; rate limits are shared (in
``views.db`` in the data directory).

    uvicorn --factory --no-proxy-headers --no-access-log --http newsloom.web.http_protocol:PortalHttpProtocol \
        newsloom.web.asgi:app_from_environment

``--no-proxy-headers``: the portal reads X-Forwarded-For itself, from ``trusted_proxies`` only. ``--http``: the
protocol ``newsloom serve`` runs (``web.http_protocol``: a response's head and body in one write). The app leaves
the process's garbage collector as it is; ``newsloom serve``, which owns its processes, tunes it
(``newsloom.cli.serve.worker_app``).
"""

from __future__ import annotations

from fastapi import FastAPI

from newsloom.settings import load_settings
from newsloom.web.app import create_app


def app_from_environment() -> FastAPI:
    return create_app(load_settings())
