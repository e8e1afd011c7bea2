"""``newsloom serve``: the portal on uvicorn.

uvicorn's own proxy handling is off: by default it believes ``X-Forwarded-For`` from any loopback peer, before the
app sees the request. The portal reads that header itself, only from ``trusted_proxies`` (``web.security``).
"""

from __future__ import annotations

import os

import click

from newsloom.cli.context import AppContext, err_console


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes (uvicorn).")
@click.pass_obj
def serve_command(app: AppContext, host: str, port: int, workers: int) -> None:
    """Serve the portal (server-rendered pages, no JavaScript needed)."""
    import uvicorn  # the web stack loads only here (start-up time of the other commands)

    from newsloom.web import create_app
    from newsloom.web.asgi import settle_heap
    from newsloom.web.security import load_secret

    err_console.print(f"newsloom portal on http://{host}:{port}/ ({app.store.count_articles()} articles)")
    if workers > 1:
        # Made here, once, so every worker signs CSRF tokens and sessions with the same key (each making its own
        # at start-up would race, and a form from one worker would fail on another).
        load_secret(app.settings)
        # Worker processes build their own app from the environment: hand them this command's settings.
        os.environ["NEWSLOOM_DATA_DIR"] = str(app.settings.data_dir)
        if app.settings.database_url:
            os.environ["NEWSLOOM_DATABASE_URL"] = app.settings.database_url
        factory = "newsloom.web.asgi:app_from_environment"
        uvicorn.run(
            factory, factory=True, host=host, port=port, log_level="warning", workers=workers, proxy_headers=False
        )
        return
    portal = create_app(app.settings, app.store)
    settle_heap()
    uvicorn.run(portal, host=host, port=port, log_level="warning", proxy_headers=False)
