"""Crawling loopback sites in tests: settings with delays shrunk, one crawl round, a source registered by hand."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from newsloom.settings import Settings


def crawl_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for loopback crawling with delays and backoff shrunk so fault tests run in milliseconds.

    Timeouts stay generous: on a loaded 2-core CI machine a loopback answer has taken over half a second, and
    a test that wants a timeout sets its own."""
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "allow_networks": "127.0.0.0/8",
        "crawl_min_delay": 0.0,
        "fetch_backoff_seconds": 0.01,
        "fetch_retries": 2,
        "fetch_read_timeout": 5.0,
        "fetch_connect_timeout": 5.0,
        "crawl_workers": 0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def crawl(settings: Settings, store: Any, source: str | None = None) -> Any:
    """One crawl round (``Crawler.run_once``) of every source, or of ``source``; returns its report."""
    from newsloom.sources.crawler import Crawler

    async def run() -> Any:
        async with Crawler(settings, store) as crawler:
            return await crawler.run_once(source)

    return asyncio.run(run())


def register(store: Any, name: str, site: Any, *feeds: tuple[str, str]) -> Any:
    """Adds source ``name`` with ``site``'s home page and ``feeds`` as (path, kind) pairs."""
    from newsloom.model import Feed, Source
    from newsloom.store.sources import SourceStore

    return SourceStore(store.engine).add_source(
        Source(name=name, homepage=site.url("/"), feeds=[Feed(url=site.url(path), kind=kind) for path, kind in feeds])
    )
