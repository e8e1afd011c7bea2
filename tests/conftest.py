"""Shared fixtures: a real SQLite store in a temporary directory, sample pages, a live portal server."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPORA = SHARED / "corpora"


def corpus(name: str) -> Path:
    """Path of a shared corpus; skips the test where it is absent."""
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"corpus {name} not available at {path}")
    return path


def floor(stage: str, name: str) -> float:
    """A score floor from bench/floors.json, the one file the tests and the benches read."""
    spec = importlib.util.spec_from_file_location("floors", Path(__file__).resolve().parents[1] / "bench" / "floors.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    value: float = module.floor(stage, name)
    return value


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLStore]:
    opened = open_store(settings)
    yield opened
    opened.close()


def article_html(
    title: str = "Storm hits the coast",
    paragraphs: int = 5,
    canonical: str | None = "https://news.example.com/world/storm-hits-the-coast",
    extra_head: str = "",
    body_prefix: str = "",
) -> str:
    """A small, realistic article page: meta tags, chrome around an <article>."""
    text = " ".join(
        [
            "The storm reached the coast early on Tuesday, bringing heavy rain and strong winds to several towns.",
            "Officials said emergency crews were working through the night to restore power to thousands of homes.",
        ]
    )
    body = "\n".join(
        f"<p>{text} Paragraph {index} adds its own detail about the damage.</p>" for index in range(paragraphs)
    )
    canonical_link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Example News</title>
{canonical_link}
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Example News">
<meta name="description" content="A storm brought rain and wind to the coast.">
<meta property="article:published_time" content="2024-10-26T07:24:43+07:00">
{extra_head}
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>{body_prefix}{body}</article>
<footer>Copyright Example News</footer>
</body></html>"""


@pytest.fixture
def sample_page(tmp_path: Path) -> Path:
    path = tmp_path / "pages" / "storm.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_html(), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real uvicorn server on 127.0.0.1 in a background thread."""

    def __init__(self, app: object) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error", proxy_headers=False)
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models directory holding a tiny vi→en translation model built here (random weights, SentencePiece trained
    on a few lines; about half a second), in an Argos package's layout."""
    from tests.enrich.translate.helpers import tiny_model_dir

    root = tmp_path_factory.mktemp("models")
    tiny_model_dir(root)
    return root
