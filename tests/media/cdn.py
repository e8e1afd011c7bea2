"""A loopback image server standing in for publishers' CDNs, and a transport routing every host to it.

The server draws a picture for any path (its colour from the path, so pictures differ), answers 404 for paths
containing ``missing`` and sends bytes that are no image for paths containing ``broken``. ``LoopbackCDN`` is an
httpx transport for the fetcher: each request keeps its path and query, names its original host in the path, and
goes to ``127.0.0.1:PORT`` through the real guarded transport (so the SSRF guard still checks the connection;
tests allow 127.0.0.0/8). Nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from PIL import Image

from newsloom.fetch.guard import AddressGuard
from newsloom.fetch.transport import guarded_transport


def picture(seed: str, size: tuple[int, int] = (960, 540), kind: str = "JPEG") -> bytes:
    digest = hashlib.sha256(seed.encode()).digest()
    image = Image.new("RGB", size, (digest[0], digest[1], digest[2]))
    image.paste((digest[3], digest[4], digest[5]), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


class ImageServer:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.hits[self.path] += 1
                if "missing" in self.path or self.path.endswith("/robots.txt"):
                    status, body, kind = 404, b"not found", "text/plain"
                elif "broken" in self.path:
                    status, body, kind = 200, b"<html>not a picture</html>", "image/jpeg"
                else:
                    status, body, kind = 200, picture(self.path), "image/jpeg"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ImageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class LoopbackCDN(httpx.AsyncBaseTransport):
    """Every request, whatever its host or scheme, to the loopback image server (path ``/HOST/PATH``)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = guarded_transport(AddressGuard("127.0.0.0/8"), max_connections=8, http2=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        original = request.url
        request.url = original.copy_with(scheme="http", host="127.0.0.1", port=self.port,
                                         path=f"/{original.host}{original.path}")  # fmt: skip
        request.headers["host"] = f"127.0.0.1:{self.port}"
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
