"""Static files under fingerprinted names (``portal.3f2a9c01de.css``): the name changes with the content, so a
browser or CDN may keep each file for a year (``immutable``); an unfingerprinted or outdated name is served with
a short lifetime so nothing stale sticks."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

FINGERPRINTED = re.compile(r"^(?P<stem>[\w-]+)\.(?P<digest>[0-9a-f]{10})(?P<suffix>\.[a-z0-9]+)$")
IMMUTABLE = b"public, max-age=31536000, immutable"
SHORT = b"public, max-age=3600"


@cache
def fingerprint(directory: Path, name: str) -> str:
    """``name`` with the first ten hex digits of its content's hash (read once per process)."""
    path = directory / name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return f"{path.stem}.{digest}{path.suffix}"


class FingerprintedStatic(StaticFiles):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self.root = directory

    async def get_response(self, path: str, scope: Scope) -> Response:
        match = FINGERPRINTED.match(path)
        lifetime = SHORT
        if match is not None:
            plain = match["stem"] + match["suffix"]
            if (self.root / plain).is_file() and fingerprint(self.root, plain) == path:
                path, lifetime = plain, IMMUTABLE
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["cache-control"] = lifetime.decode()
        return response
