"""A real HTTP server on 127.0.0.1 serving a test's own routes, with fault injection and a log of every request.

A route is a fixed :class:`Reply` or a function of the request returning one, so a test can serve 304s on
``If-None-Match``, fail the first N times, answer slowly, redirect in a loop or send a gzip bomb.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    host: str
    received_at: float = 0.0  # time.monotonic() when the request arrived


Route = Reply | Callable[[Request], Reply]


class FaultSite:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.log: list[Request] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0  # most requests being answered at once
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, host, time.monotonic())
                with site.lock:
                    site.hits[self.path] += 1
                    site.log.append(request)
                    site.in_flight += 1
                    site.max_in_flight = max(site.max_in_flight, site.in_flight)
                try:
                    self._answer(request)
                finally:
                    with site.lock:
                        site.in_flight -= 1

            def _answer(self, request: Request) -> None:
                route = site.routes.get(self.path)
                if route is None:
                    reply = Reply(404, b"not found", content_type="text/plain")
                else:
                    reply = route(request) if callable(route) else route
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": reply.content_type, **reply.headers}
                    headers.setdefault("Content-Length", str(len(reply.body)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if reply.status != 304:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.host = host
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, reply: Route) -> None:
        self.routes[path] = reply

    def __enter__(self) -> FaultSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def conditional(body: bytes, etag: str, content_type: str = "application/rss+xml") -> Callable[[Request], Reply]:
    """Serve ``body`` with an ETag, and 304 when the client already has it."""

    def reply(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        return Reply(200, body, headers={"ETag": etag}, content_type=content_type)

    return reply


def failing_first(times: int, then: Reply, failure: Reply) -> Callable[[Request], Reply]:
    state = {"calls": 0}

    def reply(request: Request) -> Reply:
        state["calls"] += 1
        return failure if state["calls"] <= times else then

    return reply
