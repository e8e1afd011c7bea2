"""ASGI entry point for process managers (uvicorn ``--workers``, gunicorn): the portal built from settings in
the environment (``NEWSLOOM_*``). Each worker process keeps its own page cache and rate-limit windows.

    uvicorn --factory newsloom.web.asgi:app_from_environment
"""

from __future__ import annotations

from fastapi import FastAPI

from newsloom.settings import load_settings
from newsloom.web.app import create_app


def app_from_environment() -> FastAPI:
    return create_app(load_settings())
