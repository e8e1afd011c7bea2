"""Serving an ASGI app to a test: in-process (no socket, no server start) or as a real uvicorn on 127.0.0.1.

``AppServer`` runs the app on an event loop of its own, in a thread, with the app's lifespan entered once as a
server enters it. ``client()`` talks to the app in-process; ``url`` starts a real uvicorn on that same loop the
first time a test asks for it (a browser, ``httpx.get``, a checker that fetches by URL), so one app never runs on
two loops. Most portal tests only need ``client()`` and never pay for a server; the ones where the server is the
point (workers, shutdown, concurrency over sockets) use ``url`` or ``LiveServer``.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import MutableMapping
from typing import Any

import httpx
import uvicorn

from newsloom.web.http_protocol import uvicorn_settings

Message = MutableMapping[str, Any]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real uvicorn server on 127.0.0.1 in a background thread."""

    def __init__(self, app: object) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, **{**uvicorn_settings(), "log_level": "error"})  # type: ignore[arg-type]
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class _Lifespan:
    """The ASGI lifespan protocol driven by hand, as uvicorn drives it: startup when serving begins, shutdown at the
    end (the portal flushes its read counts then). An app that does not speak it is served all the same."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.outbox: asyncio.Queue[Message] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.supported = True

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
        try:
            await self.app(scope, self.inbox.get, self.outbox.put)
        except BaseException:  # an app without lifespan support raises on the scope: serve it without
            self.supported = False
            await self.outbox.put({"type": "lifespan.unsupported"})

    async def _step(self, event: str) -> None:
        await self.inbox.put({"type": f"lifespan.{event}"})
        reply = await self.outbox.get()
        if reply["type"] == f"lifespan.{event}.failed":
            raise RuntimeError(f"lifespan {event} failed: {reply.get('message', '')}")

    async def startup(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())
        await self._step("startup")

    async def shutdown(self) -> None:
        if self.supported and self.task is not None and not self.task.done():
            await self._step("shutdown")
        if self.task is not None:
            await asyncio.wait([self.task], timeout=10)


class InProcessTransport(httpx.BaseTransport):
    """A synchronous httpx transport that hands each request to the app on the ``AppServer``'s loop.

    It buffers the whole answer (the portal streams none that a test reads piecemeal), drops the body of a HEAD
    answer as a server does, and turns an exception escaping the app into a 500, as uvicorn does."""

    def __init__(self, server: AppServer) -> None:
        self.server = server
        self.asgi = httpx.ASGITransport(app=server.app, raise_app_exceptions=False, client=("127.0.0.1", 50000))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=body)

        async def call() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            response = await self.asgi.handle_async_request(forwarded)
            raw = b"".join([chunk async for chunk in response.stream])  # type: ignore[union-attr]
            return response.status_code, response.headers.raw, raw

        status, headers, raw = self.server.call(call(), timeout=120)
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(raw), request=request)


class AppServer:
    """An ASGI app on a private event loop: in-process clients at once, a real server on ``url`` on demand."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.app = app
        self.port = port or free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="app-server", daemon=True)
        self.lifespan = _Lifespan(app)
        self._server: uvicorn.Server | None = None
        self._serving: Any = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """The URL the app is (or would be) served on; in-process clients use it so absolute links agree."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The base URL of a real uvicorn serving the app, started on first use."""
        with self._lock:
            if self._server is None:
                self._start_server()
        return self.base_url

    @property
    def live(self) -> bool:
        return self._server is not None

    def call(self, coroutine: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def client(self, **options: Any) -> httpx.Client:
        """An httpx client talking to the app in-process; ``options`` go to ``httpx.Client``."""
        options.setdefault("base_url", self.base_url)
        return httpx.Client(transport=InProcessTransport(self), **options)

    def _start_server(self) -> None:
        settings = {**uvicorn_settings(), "log_level": "error"}  # as `newsloom serve` runs: its HTTP protocol
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, lifespan="off", **settings)
        server = uvicorn.Server(config)
        self._serving = asyncio.run_coroutine_threadsafe(server.serve(), self.loop)
        deadline = time.monotonic() + 10
        while not server.started:
            if self._serving.done():
                self._serving.result()  # raises what stopped it
                raise RuntimeError("server stopped before it started")
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.005)
        self._server = server

    def __enter__(self) -> AppServer:
        self.thread.start()
        self.call(self.lifespan.startup())
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._server is not None:
                self._server.should_exit = True
                self._serving.result(timeout=15)
            self.call(self.lifespan.shutdown(), timeout=15)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
            if not self.thread.is_alive():
                self.loop.close()


def form_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


class Site:
    """The ``site`` fixture's portal: a store seeded with related articles, served by an ``AppServer``.

    ``client()`` is in-process; ``url`` starts a real server on first use (browsers, checkers fetching by URL).
    Built on a URL instead (``Site(url, store, ids, story_id)``, as before), it is that server's."""

    def __init__(self, server: AppServer | str, store: Any, ids: list[int], story_id: int, app: Any = None) -> None:
        self.server, self.store, self.ids, self.story_id = server, store, ids, story_id
        self._app = app

    @property
    def app(self) -> Any:
        return self.server.app if isinstance(self.server, AppServer) else self._app

    @property
    def url(self) -> str:
        return self.server.url if isinstance(self.server, AppServer) else self.server

    def client(self) -> httpx.Client:
        if isinstance(self.server, AppServer):
            return self.server.client(follow_redirects=False, timeout=10)
        return httpx.Client(base_url=self.server, follow_redirects=False, timeout=10)


def open_article(client: httpx.Client, site: Site) -> tuple[str, str]:
    """The path of the site's first article and the CSRF token of its comment form."""
    page = client.get(f"/article/{site.ids[0]}", follow_redirects=True)
    return str(page.url.path), form_token(page.text)


def origin_of(client: httpx.Client) -> dict[str, str]:
    """The Origin header a browser sends with a form posted from a page of the client's site."""
    return {"Origin": f"{client.base_url.scheme}://{client.base_url.netloc.decode()}"}


def post(
    client: httpx.Client, site: Site, token: str, headers: dict[str, str] | None = None, **fields: str
) -> httpx.Response:
    """A comment posted on the site's first article, from one of its pages unless ``headers`` say otherwise."""
    data = {"author_name": "Reader", "body": "Thoughtful remark.", "csrf_token": token, **fields}
    return client.post(
        f"/article/{site.ids[0]}/comments", data=data, headers=origin_of(client) if headers is None else headers
    )


def login(client: httpx.Client, site: Site) -> None:
    """Creates the ``editor`` account and logs ``client`` in with it."""
    from newsloom.store.users import UserStore

    UserStore(site.store.engine).create("editor", "correct horse battery")
    token = form_token(client.get("/admin/login").text)
    response = client.post(
        "/admin/login", data={"username": "editor", "password": "correct horse battery", "csrf_token": token}
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin"
