"""Rate limits hold across worker processes (F7): `newsloom serve --workers 2` on loopback, requests spread over
fresh connections (so over both workers), each with a different forged X-Forwarded-For."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from newsloom.settings import Settings
from newsloom.store import open_store
from newsloom.store.users import UserStore
from tests.conftest import free_port
from tests.support.articles import make_article
from tests.support.web import form_token

pytestmark = [pytest.mark.services, pytest.mark.slow]  # portals as processes, as an operator runs them


def serve(data: Path, port: int, workers: int = 2, **env: str) -> subprocess.Popen[bytes]:
    environment = {**os.environ, **env}
    command = [sys.executable, "-m", "newsloom", "--data-dir", str(data), "serve", "--workers", str(workers)]
    return subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment
    )


@pytest.fixture
def portal_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    store = open_store(Settings(data_dir=data))
    store.upsert_article(make_article(1))
    UserStore(store.engine).create("editor", "correct horse battery")
    store.close()
    return data


def running(data: Path, workers: int = 2, **env: str) -> Iterator[str]:
    port = free_port()
    process = serve(data, port, workers, **env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "portal did not start"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def portal(portal_dir: Path) -> Iterator[str]:
    yield from running(portal_dir)


@pytest.fixture
def proxied_portal(portal_dir: Path) -> Iterator[str]:
    yield from running(portal_dir, NEWSLOOM_TRUSTED_PROXIES="127.0.0.1/32")


def fresh_client(url: str, cookies: httpx.Cookies) -> httpx.Client:
    """A new connection each time: the kernel hands it to either worker."""
    return httpx.Client(base_url=url, cookies=cookies, timeout=10, follow_redirects=False)


def test_comment_and_login_limits_are_shared_by_workers(portal: str) -> None:
    cookies = httpx.Cookies()
    with fresh_client(portal, cookies) as client:
        page = client.get("/article/1/x", follow_redirects=True)
        cookies.update(client.cookies)
        token = form_token(page.text)
    comments = []
    for number in range(8):
        with fresh_client(portal, cookies) as client:
            comments.append(
                client.post(
                    "/article/1/comments",
                    data={"author_name": "Reader", "body": f"remark {number}", "csrf_token": token},
                    headers={"x-forwarded-for": f"198.51.100.{number}", "Origin": portal},
                ).status_code
            )
    assert comments[:5] == [303] * 5 and set(comments[5:]) == {429}
    logins = []
    for number in range(33):
        with fresh_client(portal, cookies) as client:
            login_token = form_token(client.get("/admin/login").text)
            logins.append(
                client.post(
                    "/admin/login",
                    data={"username": f"guess{number}", "password": "wrong password", "csrf_token": login_token},
                    headers={"x-forwarded-for": f"203.0.113.{number}"},
                ).status_code
            )
    assert logins[:30] == [401] * 30 and set(logins[30:]) == {429}  # per address, whatever the names


def _attempt(url: str, cookies: httpx.Cookies, address: str, password: str, username: str = "editor") -> int:
    with fresh_client(url, cookies) as client:
        token = form_token(client.get("/admin/login").text)
        cookies.update(client.cookies)
        return client.post(
            "/admin/login",
            data={"username": username, "password": password, "csrf_token": token},
            headers={"x-forwarded-for": address},
        ).status_code


def test_wrong_passwords_from_anywhere_never_lock_the_administrator_out(proxied_portal: str) -> None:
    """Behind a trusted proxy each forwarded address is its own client. Wrong passwords for one account from
    many addresses are all checked (no limit per account alone: that let anyone lock the administrator out), one
    address is throttled on that account after ten, and the right password from another address gets in."""
    cookies = httpx.Cookies()
    spread = [_attempt(proxied_portal, cookies, f"203.0.113.{number}", "wrong password") for number in range(12)]
    assert spread == [401] * 12
    assert _attempt(proxied_portal, cookies, "203.0.113.200", "correct horse battery") == 303
    one = [_attempt(proxied_portal, cookies, "198.51.100.7", "wrong password") for _ in range(11)]
    assert one == [401] * 10 + [429]
    assert _attempt(proxied_portal, cookies, "198.51.100.7", "correct horse battery") == 429  # that pair waits
    assert _attempt(proxied_portal, cookies, "198.51.100.7", "wrong password", username="someone") == 401
    assert _attempt(proxied_portal, cookies, "198.51.100.8", "correct horse battery") == 303


def test_two_portal_processes_on_one_data_directory_share_the_limits(portal_dir: Path) -> None:
    """Deterministic: requests alternate between two separate portal processes."""
    first, second = running(portal_dir, 1), running(portal_dir, 1)
    urls = [next(first), next(second)]
    try:
        cookies = httpx.Cookies()
        with fresh_client(urls[0], cookies) as client:
            token = form_token(client.get("/article/1/x", follow_redirects=True).text)
            cookies.update(client.cookies)
        statuses = []
        for number in range(8):
            with fresh_client(urls[number % 2], cookies) as client:
                statuses.append(
                    client.post(
                        "/article/1/comments",
                        data={"author_name": "Reader", "body": f"remark {number}", "csrf_token": token},
                        headers={"Origin": urls[number % 2]},
                    ).status_code
                )
    finally:
        for generator in (first, second):
            generator.close()
    assert statuses[:5] == [303] * 5 and set(statuses[5:]) == {429}
