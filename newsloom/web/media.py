"""``/media/NAME``: stored picture renditions. Names are content hashes, so a response never changes: browsers
and proxies keep it a year without asking again."""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from newsloom.media.storage import NAME

router = APIRouter()
IMMUTABLE = "public, max-age=31536000, immutable"


@router.get("/media/{prefix}/{name}")
def media_file(request: Request, prefix: str, name: str) -> Response:
    path = f"{prefix}/{name}"
    if not NAME.match(path):
        raise HTTPException(404, "No such picture")
    storage = request.app.state.portal.media_storage
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    headers = {"Cache-Control": IMMUTABLE}
    local = storage.path(path)
    if local is not None:
        return FileResponse(local, media_type=kind, headers=headers)
    data = storage.read(path)
    if data is None:
        raise HTTPException(404, "No such picture")
    return Response(data, media_type=kind, headers=headers)
