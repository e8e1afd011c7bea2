"""Replayed answers (``web.replay``) on a real uvicorn running the portal's HTTP protocol, over raw sockets: a repeat
of a page-cache answer is the same bytes (its ``date`` apart), counts as a read and a request, ends with the store
change or the header that changes the answer, and keeps a connection's answers in order."""

from __future__ import annotations

import re
import socket
import sqlite3

from newsloom.settings import Settings
from newsloom.web import ops
from newsloom.web.page_cache import EdgeCache
from newsloom.web.portal import article_path
from newsloom.web.replay import ReplaySlot, ReplayTable
from tests.support.web import login
from tests.web.conftest import Site

BROTLI = b"Accept-Encoding: gzip, br\r\n"


def edge(site: Site) -> EdgeCache:
    found: EdgeCache = site.app.state.edge
    return found


def article_url(site: Site, index: int = 0) -> bytes:
    return article_path(site.store.get_article(site.ids[index])).encode()


def request(path: bytes, method: bytes = b"GET", headers: bytes = BROTLI) -> bytes:
    return method + b" " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"\r\n"


class Connection:
    """A raw keep-alive connection to the test's server, reading whole answers off it in order."""

    def __init__(self, site: Site) -> None:
        port = int(site.url.rsplit(":", 1)[1])
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.data = b""

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def send(self, *requests: bytes) -> None:
        self.sock.sendall(b"".join(requests))

    def answers(self, count: int, heads: bool = False) -> list[bytes]:
        """The next ``count`` whole answers (``heads``: they answer HEAD, so no body follows the head)."""
        found: list[bytes] = []
        while len(found) < count:
            end = self.data.find(b"\r\n\r\n")
            length = re.search(rb"\r\ncontent-length: (\d+)\r\n", self.data[: end + 2]) if end >= 0 else None
            size = 0 if heads or length is None else int(length.group(1))
            if end >= 0 and len(self.data) >= end + 4 + size:
                found.append(self.data[: end + 4 + size])
                self.data = self.data[end + 4 + size :]
                continue
            chunk = self.sock.recv(65536)
            assert chunk, "connection closed early"
            self.data += chunk
        return found

    def answer(self, *requests: bytes) -> bytes:
        self.send(*requests)
        return self.answers(1)[0]


def undated(answer: bytes) -> bytes:
    return re.sub(rb"\r\ndate: [^\r]+", b"", answer)


def test_a_repeated_read_is_replayed_with_the_same_bytes_and_counted(site: Site) -> None:
    replays, path = edge(site).replays, article_url(site, 4)
    portal = site.app.state.portal
    requests_before = ops.REQUESTS[("article", 200)]
    with Connection(site) as connection:
        first = connection.answer(request(path))  # rendered and kept
        assert len(replays) == 0  # a page read once costs no replay
        replayed = replays.replayed
        for _ in range(3):  # read again: from memory, offered for replay; then replayed
            assert undated(connection.answer(request(path))) == undated(first)
    assert first.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\ncontent-encoding: br\r\n" in first
    assert replays.replayed == replayed + 2
    assert portal.views.views_of(site.ids[4]) == 4  # every replay is a read of the article
    assert ops.REQUESTS[("article", 200)] == requests_before + 4


def test_a_commit_from_another_process_ends_the_replay(site: Site, settings: Settings) -> None:
    replays, path = edge(site).replays, article_url(site)
    with Connection(site) as connection:
        for _ in range(3):
            assert b"Article number 1 about" in connection.answer(request(path, headers=b""))
        replayed = replays.replayed
        assert replayed == 1
        with sqlite3.connect(settings.data_dir / "newsloom.db") as other:  # outside this process's connections
            other.execute("UPDATE articles SET title = 'Retitled by the night editor' WHERE id = ?", (site.ids[0],))
        moved = connection.answer(request(path, headers=b""))  # the slug follows the title
        assert moved.startswith(b"HTTP/1.1 301 ") and replays.replayed == replayed
        location = re.search(rb"\r\nlocation: ([^\r]+)", moved).group(1)  # type: ignore[union-attr]
        assert b"Retitled by the night editor" in connection.answer(request(location, headers=b""))
        site.store.set_hidden(site.ids[0], True)  # and hiding it, in this process, at once
        assert connection.answer(request(path, headers=b"")).startswith(b"HTTP/1.1 404 ")


def test_an_answer_is_replayed_only_to_the_same_headers(site: Site) -> None:
    path = article_url(site, 2)
    with Connection(site) as connection:
        for coding in (b"br", b"gzip", b"br", b"gzip"):
            page = connection.answer(request(path, headers=b"Accept-Encoding: " + coding + b"\r\n"))
            assert b"\r\ncontent-encoding: " + coding + b"\r\n" in page
        assert b"content-encoding" not in connection.answer(request(path, headers=b""))


def test_head_and_not_modified_are_replayed_as_such_and_the_connection_goes_on(site: Site) -> None:
    replays, path = edge(site).replays, article_url(site, 1)
    with Connection(site) as connection:
        page = connection.answer(request(path))
        heads = []
        for _ in range(3):  # one after the other: a request behind one in progress waits its turn, not replayed
            connection.send(request(path, b"HEAD"))
            heads += connection.answers(1, heads=True)
        etag = re.search(rb"\r\netag: ([^\r]+)", page).group(1)  # type: ignore[union-attr]
        assert replays.replayed == 2  # the second and third HEAD (the first was the page's second read)
        replayed = replays.replayed
        conditional = BROTLI + b"If-None-Match: " + etag + b"\r\n"
        not_modified = []
        for _ in range(3):
            connection.send(request(path, headers=conditional))
            not_modified += connection.answers(1, heads=True)
        last = connection.answer(request(path))
    assert undated(heads[0]) == undated(heads[2]) == undated(page[: page.index(b"\r\n\r\n") + 4])
    assert [answer.split(b"\r\n", 1)[0] for answer in not_modified] == [b"HTTP/1.1 304 Not Modified"] * 3
    assert undated(last) == undated(page)
    assert replays.replayed == replayed + 2  # the second and third 304 (the last page is its GET's second read)


def test_pipelined_reads_are_answered_in_order(site: Site) -> None:
    one, two = article_url(site, 0), article_url(site, 1)
    with Connection(site) as connection:
        connection.send(request(one), request(two))
        first = connection.answers(2)
        connection.send(request(one), request(two))  # read again: offered
        assert [undated(answer) for answer in connection.answers(2)] == [undated(answer) for answer in first]
        replayed = edge(site).replays.replayed
        # Two replays in one read, then a route's answer, then one waiting behind it (answered by its route).
        connection.send(request(one), request(two), request(b"/healthz"), request(one))
        again = connection.answers(4)
    assert edge(site).replays.replayed == replayed + 2
    assert [undated(answer) for answer in again[:2]] == [undated(answer) for answer in first]
    assert again[2].endswith(b"\r\n\r\nok") and undated(again[3]) == undated(first[0])


def test_an_administrator_is_never_replayed_a_readers_page(site: Site) -> None:
    path = article_url(site, 3)
    with site.client() as editor:
        login(editor, site)
        cookie = "; ".join(f"{name}={value}" for name, value in editor.cookies.items()).encode()
    with Connection(site) as connection:
        connection.send(request(path), request(path), request(path))  # a reader's page, kept and replayable
        connection.answers(3)
        replayed = edge(site).replays.replayed
        for _ in range(2):
            page = connection.answer(request(path, headers=BROTLI + b"Cookie: " + cookie + b"\r\n"))
            assert b"\r\ncache-control: private, no-store\r\n" in page
    assert edge(site).replays.replayed == replayed


class Kept:
    def still(self) -> bool:
        return True

    def __call__(self) -> None:
        pass


def test_the_replays_are_bounded_by_count_and_bytes() -> None:
    defaults = [(b"server", b"uvicorn")]

    def keep(table: ReplayTable, number: int, body: bytes) -> ReplaySlot:
        slot = ReplaySlot((b"GET", b"/%d" % number, "1.1", ()))
        slot.offer(table, Kept(), body)
        table.keep(slot, defaults, b"HTTP/1.1 200 OK\r\nserver: uvicorn\r\nx: y\r\n\r\n" + body)
        return slot

    by_count = ReplayTable(max_bytes=1_000_000, max_replays=3)
    slots = [keep(by_count, number, b"a" * 100) for number in range(5)]
    assert len(by_count) == 3 and by_count.get(slots[1].key) is None and by_count.get(slots[4].key) is not None
    by_bytes = ReplayTable(max_bytes=40_000)
    slots = [keep(by_bytes, number, b"b" * 9_500) for number in range(5)]
    assert len(by_bytes) == 4 and by_bytes.get(slots[0].key) is None and by_bytes.get(slots[4].key) is not None
    keep(by_bytes, 5, b"c" * 11_000)  # over a quarter of the budget: never kept
    assert len(by_bytes) == 4 and by_bytes.get((b"GET", b"/5", "1.1", ())) is None
