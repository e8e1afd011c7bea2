"""Absolute URLs, canonical links by the syndication setting, robots.txt, HTML 404s and the favicon."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.web import create_app
from tests.conftest import LiveServer, free_port
from tests.support.articles import make_article

PAGES = ["/", "/section/world", "/outlets", "/search?q=storm", "/feed.xml", "/atom.xml", "/feed.json",
         "/sitemap.xml", "/news-sitemap.xml", "/robots.txt", "/tag/storms", "/section/world/feed.xml"]  # fmt: skip


def _serve(settings: Settings, store: SQLStore) -> LiveServer:
    return LiveServer(create_app(settings, store))


def test_every_absolute_url_names_base_url(settings: Settings, store: SQLStore) -> None:
    ids = [store.upsert_article(make_article(n)).article_id for n in range(1, 4)]
    configured = Settings(data_dir=settings.data_dir, base_url="https://news.example.net/portal", syndication="self")
    with _serve(configured, store) as server:
        assert server.port != 8000
        seen = 0
        for path in [*PAGES, f"/article/{ids[0]}"]:
            response = httpx.get(server.url + path, follow_redirects=True)
            assert response.status_code == 200, path
            text = response.text.replace("\\/", "/")
            own = re.findall(r"https?://(?:127\.0\.0\.1|localhost)[:/][^\"'<\s]*", text)
            assert own == [], (path, own)
            seen += text.count("https://news.example.net/portal/")
        assert seen > 30
        article = httpx.get(f"{server.url}/article/{ids[0]}", follow_redirects=True).text
        assert re.search(r'<link rel="canonical" href="https://news\.example\.net/portal(/en)?/article/', article)


def test_syndication_setting_decides_the_canonical(settings: Settings, store: SQLStore) -> None:
    article_id = store.upsert_article(make_article(1)).article_id
    for mode, canonical, robots in (
        ("canonical", "https://news.example.com/a/1?utm_source=feed", None),
        ("noindex", "http://127.0.0.1:8000/en/article/", "noindex, follow"),
        ("self", "http://127.0.0.1:8000/en/article/", None),
    ):
        with _serve(settings.model_copy(update={"syndication": mode}), store) as server:
            page = httpx.get(f"{server.url}/article/{article_id}", follow_redirects=True).text
        found = re.search(r'<link rel="canonical" href="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        assert found.startswith(canonical), (mode, found)
        assert (f'<meta name="robots" content="{robots}">' in page) == bool(robots)
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
        assert data["isBasedOn"] == "https://news.example.com/a/1?utm_source=feed"
        assert data["author"][0] == {
            "@type": "Person",
            "name": "Jane Roe",
            "url": "http://127.0.0.1:8000/author/jane-roe",
        }
        assert "null" not in json.dumps(data)
        assert 'name="twitter:card"' in page and 'property="og:url"' in page


def test_robots_404_and_favicon(site) -> None:  # type: ignore[no-untyped-def]
    with site.client() as client:
        robots = client.get("/robots.txt")
        assert robots.status_code == 200 and robots.headers["content-type"].startswith("text/plain")
        assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots.text
        assert "Sitemap: http://127.0.0.1:8000/news-sitemap.xml" in robots.text
        for path in ("/nonexistent", "/a/b", "/x/y/z", "/static/nothing.css", "/section/nope", "/media/x"):
            missing = client.get(path)
            assert missing.status_code == 404, path
            assert missing.headers["content-type"].startswith("text/html"), path
            assert "<h1>" in missing.text
        assert client.get("/api/v1/nothing").headers["content-type"].startswith("application/json")
        icon = client.get("/favicon.ico")
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
        for path in ("/", "/outlets", f"/story/{site.story_id}", "/search?q=storm", "/section/world"):
            page = client.get(path).text
            assert 'property="og:title"' in page and 'name="twitter:card"' in page, path


@pytest.mark.slow
@pytest.mark.services
@pytest.mark.parametrize("base_url", [None, "http://127.0.0.1:8000"])
def test_serve_warns_about_base_url(tmp_path: Path, base_url: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSLOOM_")}
    env["NEWSLOOM_DATA_DIR"] = str(tmp_path / "data")
    if base_url:
        env["NEWSLOOM_BASE_URL"] = base_url
    port = free_port()
    command = [str(Path(sys.executable).parent / "newsloom"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=20)
    if base_url is None:
        assert "warning: base_url is unset" in errors
    else:
        assert f"but the portal serves port {port}" in errors
