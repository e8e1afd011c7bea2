"""``newsloom sources …``: the publishers and entry points the crawler follows, and their health."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from newsloom.cli.context import AppContext, err_console, out_console
from newsloom.errors import NewsloomError
from newsloom.model import Source

if TYPE_CHECKING:  # the store and the fetcher load when a command runs (start-up time)
    from newsloom.store.sources import SourceStore


@click.group("sources")
def sources_group() -> None:
    """Publishers and their entry points (feeds, sitemaps, section pages)."""


def _registry(app: AppContext) -> SourceStore:
    from newsloom.store.sources import SourceStore

    return SourceStore(app.store.engine)


@sources_group.command("add")
@click.argument("url")
@click.option("--name", help="Publisher name (default: the site's own name).")
@click.option("--language", help="Language code, e.g. vi or en (default: the homepage's lang).")
@click.option("--country", help="Country code, e.g. VN.")
@click.option("--section", help="Portal section for every entry point found.")
@click.pass_obj
def add_command(
    app: AppContext, url: str, name: str | None, language: str | None, country: str | None, section: str | None
) -> None:
    """Add a publisher by its homepage URL, discovering feeds (<link rel=alternate>) and robots.txt sitemaps."""

    import asyncio  # loaded by the commands that fetch only (start-up time)

    from newsloom.fetch.fetcher import Fetcher
    from newsloom.sources.discover import discover_source

    async def discover() -> Source:
        async with Fetcher(app.settings) as fetcher:
            return await discover_source(fetcher, url)

    try:
        source = asyncio.run(discover())
    except NewsloomError as error:
        raise click.ClickException(f"cannot add {url}: {error.reason}") from error
    source.name = name or source.name
    source.language = language or source.language
    source.country = country or source.country
    for feed in source.feeds:
        feed.section = section or feed.section
    stored = _registry(app).add_source(source)
    err_console.print(f"added {stored.name} ({stored.slug}) with {len(stored.feeds)} entry points:", markup=False)
    for feed in stored.feeds:
        click.echo(f"{feed.kind}\t{feed.url}")


@sources_group.command("import")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_sources_command(app: AppContext, file: Path | None) -> None:
    """Add or update publishers from a TOML source list (default: the starter list shipped with newsloom)."""
    try:
        from newsloom.sources.registry import DEFAULT_SOURCES, load_sources

        sources = load_sources(file or DEFAULT_SOURCES)
    except NewsloomError as error:
        raise click.ClickException(str(error)) from error
    registry = _registry(app)
    for source in sources:
        registry.add_source(source)
    feeds = sum(len(source.feeds) for source in sources)
    err_console.print(f"imported {len(sources)} sources with {feeds} entry points")


@sources_group.command("remove")
@click.argument("name")
@click.pass_obj
def remove_command(app: AppContext, name: str) -> None:
    """Remove a publisher (by name or slug) and its entry points; its stored articles stay."""
    if not _registry(app).remove_source(name):
        raise click.ClickException(f"no source named {name!r}")
    err_console.print(f"removed {name}", markup=False)


def _when(value: datetime | None) -> str:
    if value is None:
        return "-"
    seconds = (value - datetime.now(UTC)).total_seconds()
    span = abs(seconds)
    text = f"{span:.0f}s" if span < 120 else f"{span / 60:.0f}m" if span < 7200 else f"{span / 3600:.1f}h"
    return f"in {text}" if seconds > 0 else f"{text} ago"


@sources_group.command("list")
@click.pass_obj
def list_command(app: AppContext) -> None:
    """Every publisher and entry point with its health: last success, last error, error streak, next poll."""
    sources = _registry(app).list_sources()
    if not sources:
        err_console.print("no sources yet: try `newsloom sources import` or `newsloom sources add URL`")
        return
    table = Table("source", "kind", "entry point", "section", "last success", "error streak", "last error", "next poll")
    for source in sources:
        for feed in source.feeds or []:
            health = "[red]" if feed.error_streak else ""
            table.add_row(
                source.name,
                feed.kind,
                feed.url,
                feed.section or "",
                _when(feed.last_success_at),
                f"{health}{feed.error_streak}",
                (feed.last_error or "")[:80],
                _when(feed.next_poll_at) if feed.next_poll_at else "due now",
            )
    out_console.print(table)
