"""``newsloom serve``: the portal on uvicorn."""

from __future__ import annotations

import click
import uvicorn

from newsloom.cli.context import AppContext, err_console
from newsloom.web import create_app


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes (uvicorn).")
@click.pass_obj
def serve_command(app: AppContext, host: str, port: int, workers: int) -> None:
    """Serve the portal (server-rendered pages, no JavaScript needed)."""
    portal = create_app(app.settings, app.store)
    err_console.print(f"newsloom portal on http://{host}:{port}/ ({app.store.count_articles()} articles)")
    uvicorn.run(portal, host=host, port=port, log_level="warning", workers=workers if workers > 1 else None)
