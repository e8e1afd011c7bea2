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
        page = client.get("/article/1/x")
        cookies.update(client.cookies)
        token = form_token(page.text)
    comments = []
    for number in range(8):
        with fresh_client(portal, cookies) as client:
            comments.append(
                client.post(
                    "/article/1/comments",
                    data={"author_name": "Reader", "body": f"remark {number}", "csrf_token": token},
                    headers={"x-forwarded-for": f"198.51.100.{number}"},
                ).status_code
            )
    assert comments[:5] == [303] * 5 and set(comments[5:]) == {429}
    logins = []
    for number in range(13):
        with fresh_client(portal, cookies) as client:
            login_token = form_token(client.get("/admin/login").text)
            logins.append(
                client.post(
                    "/admin/login",
                    data={"username": f"guess{number}", "password": "wrong password", "csrf_token": login_token},
                    headers={"x-forwarded-for": f"203.0.113.{number}"},
                ).status_code
            )
    assert logins[:10] == [401] * 10 and set(logins[10:]) == {429}


def test_login_throttle_per_account_behind_a_trusted_proxy(proxied_portal: str) -> None:
    """Behind a trusted proxy each forwarded address is its own client: the per-address limit does not trip, the
    per-account one does, and a right password is refused too while the account is throttled."""
    cookies = httpx.Cookies()
    statuses = []
    for number in range(12):
        with fresh_client(proxied_portal, cookies) as client:
            token = form_token(client.get("/admin/login").text)
            cookies.update(client.cookies)
            password = "correct horse battery" if number == 11 else "wrong password"
            statuses.append(
                client.post(
                    "/admin/login",
                    data={"username": "editor", "password": password, "csrf_token": token},
                    headers={"x-forwarded-for": f"203.0.113.{number}"},
                ).status_code
            )
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    # Another account from one of those addresses is not throttled: its address made one attempt only.
    with fresh_client(proxied_portal, cookies) as client:
        token = form_token(client.get("/admin/login").text)
        other = client.post(
            "/admin/login",
            data={"username": "someone", "password": "wrong password", "csrf_token": token},
            headers={"x-forwarded-for": "203.0.113.3"},
        )
    assert other.status_code == 401


def test_two_portal_processes_on_one_data_directory_share_the_limits(portal_dir: Path) -> None:
    """Deterministic: requests alternate between two separate portal processes."""
    first, second = running(portal_dir, 1), running(portal_dir, 1)
    urls = [next(first), next(second)]
    try:
        cookies = httpx.Cookies()
        with fresh_client(urls[0], cookies) as client:
            token = form_token(client.get("/article/1/x").text)
            cookies.update(client.cookies)
        statuses = []
        for number in range(8):
            with fresh_client(urls[number % 2], cookies) as client:
                statuses.append(
                    client.post(
                        "/article/1/comments",
                        data={"author_name": "Reader", "body": f"remark {number}", "csrf_token": token},
                    ).status_code
                )
    finally:
        for generator in (first, second):
            generator.close()
    assert statuses[:5] == [303] * 5 and set(statuses[5:]) == {429}
