"""The portal's HTTP protocol (``web.http_protocol``) on a real uvicorn on 127.0.0.1: a response's head and body
leave in one write, and every shape of response still arrives whole and in order (HEAD, 304, streamed, after
``Expect: 100-continue``, pipelined, an app failing after its head)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from newsloom.web.http_protocol import PortalHttpProtocol, uvicorn_settings
from tests.support.web import free_port

WRITES: list[bytes] = []  # every write the server made to a connection, in order
READ_FIRST_CHUNK = threading.Event()


class _Recording:
    """The connection's transport, each write recorded (the protocol under test wraps this as it would the real
    one)."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport

    def write(self, data: bytes) -> None:
        WRITES.append(bytes(data))
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class RecordingProtocol(PortalHttpProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_Recording(transport))  # type: ignore[arg-type]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/page":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
        await send({"type": "http.response.body", "body": b"hello"})
    elif path == "/not-modified":
        await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", b'"x"')]})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})  # chunked
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        await asyncio.to_thread(READ_FIRST_CHUNK.wait, 10)  # the client has the first chunk before the rest
        await send({"type": "http.response.body", "body": b"second", "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/echo":
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})
    elif path == "/fails":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
        raise RuntimeError("after the head")


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    port = free_port()
    settings = {**uvicorn_settings(), "http": RecordingProtocol, "log_level": "critical"}
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", **settings))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.01)
    yield port
    running.should_exit = True
    thread.join(timeout=10)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    WRITES.clear()
    return sock


def read_until(sock: socket.socket, ending: bytes, have: bytes = b"") -> bytes:
    while not have.endswith(ending):
        chunk = sock.recv(65536)
        if not chunk:
            break
        have += chunk
    return have


def test_a_response_head_and_body_leave_in_one_write(server: int) -> None:
    with connect(server) as sock:
        for _ in range(2):  # and again on the same connection
            sock.sendall(b"GET /page HTTP/1.1\r\nHost: x\r\n\r\n")
            response = read_until(sock, b"hello")
            assert response.startswith(b"HTTP/1.1 200 OK\r\n") and response.endswith(b"\r\n\r\nhello")
    assert len(WRITES) == 2 and all(write.endswith(b"\r\n\r\nhello") for write in WRITES)


def test_head_and_304_answers_have_no_body_and_still_leave(server: int) -> None:
    with connect(server) as sock:
        sock.sendall(b"HEAD /page HTTP/1.1\r\nHost: x\r\n\r\n")
        head = read_until(sock, b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"content-length: 5\r\n" in head
        sock.sendall(b"GET /not-modified HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_until(sock, b"\r\n\r\n").startswith(b"HTTP/1.1 304 Not Modified\r\n")
        sock.sendall(b"GET /page HTTP/1.1\r\nHost: x\r\n\r\n")  # nothing of the HEAD answer's body came before
        assert read_until(sock, b"hello").startswith(b"HTTP/1.1 200 OK\r\n")
    assert len(WRITES) == 3


def test_a_streamed_body_flows_after_its_first_chunk(server: int) -> None:
    READ_FIRST_CHUNK.clear()
    with connect(server) as sock:
        sock.sendall(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        first = read_until(sock, b"first\r\n")  # the app waits for this before sending the rest
        assert first.startswith(b"HTTP/1.1 200 OK\r\n") and b"transfer-encoding: chunked" in first
        READ_FIRST_CHUNK.set()
        assert read_until(sock, b"0\r\n\r\n").endswith(b"6\r\nsecond\r\n0\r\n\r\n")


def test_100_continue_goes_at_once_and_the_answer_follows(server: int) -> None:
    with connect(server) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        assert read_until(sock, b"\r\n\r\n") == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"ping")
        assert read_until(sock, b"ping").startswith(b"HTTP/1.1 200 OK\r\n")


def test_pipelined_requests_are_answered_in_order(server: int) -> None:
    with connect(server) as sock:
        sock.sendall(b"HEAD /page HTTP/1.1\r\nHost: x\r\n\r\nGET /not-modified HTTP/1.1\r\nHost: x\r\n\r\n"
                     b"GET /page HTTP/1.1\r\nHost: x\r\n\r\n")  # fmt: skip
        answers = read_until(sock, b"hello")
    assert [line.split(b" ")[1] for line in answers.split(b"\r\n") if line.startswith(b"HTTP/1.1")] == [
        b"200", b"304", b"200"
    ]  # fmt: skip


def test_an_app_failing_after_its_head_sends_the_head_then_closes(server: int) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /fails HTTP/1.1\r\nHost: x\r\n\r\n")
        received = read_until(sock, b"never")  # until the server closes the connection
    assert received.startswith(b"HTTP/1.1 200 OK\r\n") and received.endswith(b"\r\n\r\n")


def test_the_settings_turn_off_what_the_portal_does_itself() -> None:
    settings = uvicorn_settings()
    assert settings["http"] == "newsloom.web.http_protocol:PortalHttpProtocol"
    assert settings["access_log"] is False and settings["proxy_headers"] is False
