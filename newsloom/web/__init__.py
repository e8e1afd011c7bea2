"""Serving stage: the server-rendered portal (FastAPI + Jinja2). ``create_app`` builds it.

``web/`` never parses publishers' HTML: it renders the blocks extraction produced, escaped by Jinja's
autoescape, and passes anything that must stay HTML through ``sanitize``.
"""

from newsloom.web.app import create_app

__all__ = ["create_app"]
