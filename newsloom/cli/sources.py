"""``newsloom sources …``: the publishers and entry points the crawler follows, and their health."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsloom.cli.context import AppContext, err_console
from newsloom.cli.output import print_json, print_table, say
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
@click.option(
    "--as",
    "as_kind",
    type=click.Choice(["section_page", "rss", "atom", "jsonfeed", "sitemap"]),
    help="Follow URL itself as this kind of entry point (section_page: the page's article links) instead of "
    "discovering; needed for a page without feeds or sitemaps.",
)
@click.pass_obj
def add_command(
    app: AppContext,
    url: str,
    name: str | None,
    language: str | None,
    country: str | None,
    section: str | None,
    as_kind: str | None,
) -> None:
    """Add a publisher by its homepage URL, discovering feeds (<link rel=alternate>) and robots.txt sitemaps.

    URL may also be a feed or a sitemap itself. A page offering neither is refused unless --as section_page.
    Entry points another source already follows stay with it (and are named).
    """

    from newsloom.fetch.fetcher import Fetcher
    from newsloom.sources.discover import discover_source

    async def discover() -> Source:
        async with Fetcher(app.settings) as fetcher:
            return await discover_source(fetcher, url, as_kind)

    try:
        from newsloom.aio import run_to_completion

        source = run_to_completion(discover())
    except NewsloomError as error:
        raise click.ClickException(f"cannot add {url}: {error.reason}") from error
    source.name = name or source.name
    source.language = language or source.language
    source.country = country or source.country
    registry = _registry(app)
    existing = registry.get_source(source.name)
    owners = registry.feed_owners([feed.url for feed in source.feeds])
    taken = {u: owner for u, owner in owners.items() if existing is None or owner != existing.name}
    source.feeds = [feed for feed in source.feeds if feed.url not in taken]
    for feed in source.feeds:
        feed.section = section or feed.section
    for feed_url, owner in taken.items():
        err_console.print(f"already followed by {owner}, left there: {feed_url}", markup=False)
    if not source.feeds:
        raise click.ClickException(f"nothing new to follow at {url}: every entry point found belongs to another source")
    stored = registry.add_source(source)
    added = [feed for feed in stored.feeds if feed.url in {f.url for f in source.feeds}]
    say(f"added {stored.name} ({stored.slug}): {len(added)} entry points")
    for feed in added:
        say(f"{feed.kind}\t{feed.url}")


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
    say(f"imported {len(sources)} sources with {feeds} entry points")


@sources_group.command("remove")
@click.argument("name")
@click.pass_obj
def remove_command(app: AppContext, name: str) -> None:
    """Remove a publisher (by name or slug) and its entry points; its stored articles stay."""
    if not _registry(app).remove_source(name):
        raise click.ClickException(f"no source named {name!r}")
    say(f"removed {name}")


def _when(value: datetime | None) -> str:
    if value is None:
        return "-"
    seconds = (value - datetime.now(UTC)).total_seconds()
    span = abs(seconds)
    text = f"{span:.0f}s" if span < 120 else f"{span / 60:.0f}m" if span < 7200 else f"{span / 3600:.1f}h"
    return f"in {text}" if seconds > 0 else f"{text} ago"


@sources_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON document: sources with their entry points.")
@click.pass_obj
def list_command(app: AppContext, as_json: bool) -> None:
    """Every publisher and entry point with its health: last success, last error, error streak, next poll.

    Tab-separated when piped. Publishers with no entry point (outlets met in imports) are counted on stderr and
    listed by --json.
    """
    sources = _registry(app).list_sources()
    if as_json:
        print_json([_source_json(source) for source in sources])
        return
    if not sources:
        err_console.print("no sources yet: try `newsloom sources import` or `newsloom sources add URL`")
        return
    rows = []
    for source in sources:
        for feed in source.feeds:
            rows.append(
                (
                    source.name,
                    feed.kind,
                    feed.url,
                    feed.section or "",
                    _when(feed.last_success_at),
                    str(feed.error_streak),
                    feed.last_error or "",
                    _when(feed.next_poll_at) if feed.next_poll_at else "due now",
                )
            )
    headers = ("source", "kind", "entry point", "section", "last success", "error streak", "last error", "next poll")
    if rows:
        print_table(headers, rows)
    idle = [source.name for source in sources if not source.feeds]
    if idle:  # outlets met in imports, or sources whose entry points were removed: not polled
        err_console.print(f"{len(idle)} more publishers with no entry point (not polled; --json lists them)")


def _source_json(source: Source) -> dict[str, object]:
    return {
        "name": source.name,
        "slug": source.slug,
        "homepage": source.homepage,
        "language": source.language,
        "country": source.country,
        "entry_points": [
            {
                "kind": feed.kind,
                "url": feed.url,
                "section": feed.section,
                "last_success_at": _iso(feed.last_success_at),
                "last_error": feed.last_error,
                "last_error_at": _iso(feed.last_error_at),
                "error_streak": feed.error_streak,
                "next_poll_at": _iso(feed.next_poll_at),
            }
            for feed in source.feeds or []
        ],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
