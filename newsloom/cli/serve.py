"""``newsloom serve``: the portal on uvicorn, with the settings and HTTP protocol of ``web.http_protocol``
(uvicorn's proxy handling and access log off, each response's head and body in one write).
"""

from __future__ import annotations

import gc
import os
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from newsloom.cli.context import AppContext, err_console
from newsloom.domains import registrable_domain

if TYPE_CHECKING:
    from fastapi import FastAPI

    from newsloom.settings import Settings


def settle_heap() -> None:
    """Hide what the process built at start (modules, templates, schema: ~125,000 objects) from the garbage
    collector, once the app exists and before it serves.

    Under load the collector's full passes walked all of it over and over, stopping the event loop each time: the
    slowest first renders waited for those. After this, full passes walk only what the page and fragment caches
    keep. The public suffix list (``newsloom.domains``: ~21,000 objects, 5 ms of every full pass) loads on a first
    render that shows an outlet; it is loaded here first, to be frozen with the rest. A process-wide switch, so only
    the command that owns the process throws it: the app itself (``newsloom.web``) leaves the collector to whoever
    embeds it.
    """
    registrable_domain("https://example.org/")
    gc.collect()
    gc.freeze()


def worker_app() -> FastAPI:
    """A ``serve --workers N`` worker process: the app built from the environment, then its heap settled."""
    from newsloom.web.asgi import app_from_environment

    app = app_from_environment()
    settle_heap()
    return app


def base_url_warning(settings: Settings, host: str, port: int) -> str | None:
    """Why absolute URLs (canonical links, feeds, sitemaps) may name the wrong address, or None."""
    if settings.trust_proxy_headers and not settings.base_url_is_set:
        return None
    if not settings.base_url_is_set:
        return (
            f"base_url is unset: feeds, sitemaps and canonical links will name {settings.base_url}; "
            "set NEWSLOOM_BASE_URL to the portal's public address (or trust_proxy_headers behind your proxy)"
        )
    parts = urlsplit(settings.base_url)
    named_host = (parts.hostname or "").lower()
    local = {"127.0.0.1", "localhost", "::1", "0.0.0.0", host.lower()}
    if named_host in local and (parts.port or (443 if parts.scheme == "https" else 80)) != port:
        return f"base_url {settings.base_url} names port {parts.port or 'default'} but the portal serves port {port}"
    return None


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes (uvicorn).")
@click.pass_obj
def serve_command(app: AppContext, host: str, port: int, workers: int) -> None:
    """Serve the portal (server-rendered pages, no JavaScript needed)."""
    import uvicorn  # the web stack loads only here (start-up time of the other commands)

    from newsloom.web import create_app
    from newsloom.web.http_protocol import uvicorn_settings
    from newsloom.web.security import load_secret

    err_console.print(f"newsloom portal on http://{host}:{port}/ ({app.store.count_articles()} articles)")
    warning = base_url_warning(app.settings, host, port)
    if warning:
        err_console.print(f"warning: {warning}", markup=False, soft_wrap=True)
    if workers > 1:
        # Made here, once, so every worker signs CSRF tokens and sessions with the same key (each making its own
        # at start-up would race, and a form from one worker would fail on another).
        load_secret(app.settings)
        # Worker processes build their own app from the environment: hand them this command's settings.
        os.environ["NEWSLOOM_DATA_DIR"] = str(app.settings.data_dir)
        if app.settings.database_url:
            os.environ["NEWSLOOM_DATABASE_URL"] = app.settings.database_url
        factory = "newsloom.cli.serve:worker_app"
        uvicorn.run(factory, factory=True, host=host, port=port, workers=workers, **uvicorn_settings())
        return
    portal = create_app(app.settings, app.store)
    settle_heap()
    uvicorn.run(portal, host=host, port=port, **uvicorn_settings())
