"""``newsloom crawl`` (poll sources once or forever) and ``newsloom run`` (crawl forever and serve the portal)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import click

from newsloom.cli.context import AppContext, Ticker, err_console

if TYPE_CHECKING:  # the crawler, the pipeline and the web stack load when a command runs (start-up time)
    from rich.progress import Progress

    from newsloom.sources.crawler import CrawlReport


def _line(report: CrawlReport) -> str:
    from newsloom.pipeline import Outcome

    articles = report.articles
    stats = report.fetch_stats
    return (
        f"feeds: {report.feeds_polled} polled, {report.feeds_not_modified} not modified (304), "
        f"{len(report.feed_errors)} failed; articles: {articles[Outcome.NEW]} new, {articles[Outcome.UPDATED]} updated, "
        f"{articles[Outcome.SKIPPED]} skipped, {len(report.page_failures)} failed; "
        f"{report.known_skipped} known URLs not refetched; requests: {stats['requests']}, "
        f"304s: {stats['not_modified']}, retries: {stats['retries']}"
    )


def _print_report(report: CrawlReport) -> None:
    """The round's summary on stdout, one unwrapped line per fact (so it reads the same piped or in a terminal)."""
    click.echo(f"crawl: {_line(report)}")
    if report.translation is not None:
        from newsloom.cli.translate import print_translation

        print_translation(report.translation)
    if report.stories.articles_linked:
        click.echo(f"stories: {report.stories.stories_created} new, {report.stories.articles_linked} articles linked")
    for source, url, reason in report.feed_errors:
        click.echo(f"  feed failed: {source}: {url}: {reason}")
    for url, reason in report.page_failures[:50]:
        click.echo(f"  page failed: {url}: {reason}")
    if len(report.page_failures) > 50:
        click.echo(f"  … and {len(report.page_failures) - 50} more page failures")


def _progress() -> Progress:
    """A live line on stderr while crawling, only on a terminal (piped output stays the summary alone)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )


@click.command("crawl")
@click.option("--once", is_flag=True, help="Poll every entry point now, then exit (default: poll due ones forever).")
@click.option("--source", "source_name", help="Only this publisher (name or slug).")
@click.option("--allow-failures", is_flag=True, help="With --once: exit 0 even when some feeds or pages failed.")
@click.pass_obj
def crawl_command(app: AppContext, once: bool, source_name: str | None, allow_failures: bool) -> None:
    """Poll sources' feeds and sitemaps and store new articles (each URL goes through the pipeline once).

    With --once the exit status is 1 when any feed or page failed (each is listed with its reason).
    """

    from newsloom.cli.batch import with_page_stage
    from newsloom.sources.crawler import Crawler

    with_page_stage()
    store = app.store

    latest: list[CrawlReport] = []

    async def crawl() -> CrawlReport | None:
        # --once not on a terminal: a line every 10 s (a round over many feeds takes minutes); crawling forever logs
        # what fails instead, not a line every 10 s for ever.
        ticker = Ticker("crawling", lambda: _line(latest[-1]) if latest else "", spinner=False)
        with _progress() as progress, ticker if once else contextlib.nullcontext():
            task = progress.add_task("crawling…")

            def show(report: CrawlReport) -> None:
                latest[:] = [report]
                progress.update(task, description=_line(report))

            async with Crawler(app.settings, store, on_progress=show) as crawler:
                if once:
                    return await crawler.run_once(source_name)
                await crawler.run_forever(source_name)
        return None

    try:
        from newsloom.aio import run_to_completion

        report = run_to_completion(crawl())
    except KeyboardInterrupt:
        return
    if report is not None:
        _print_report(report)
        failed = len(report.feed_errors) + len(report.page_failures)
        if failed and not allow_failures:
            err_console.print(
                f"newsloom: failed: {len(report.feed_errors)} feed(s), {len(report.page_failures)} page(s) "
                "(exit status 1; --allow-failures exits 0)",
                markup=False,
                highlight=False,
            )
            raise SystemExit(1)


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface the portal listens on.")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port of the portal.")
@click.option(
    "--starter-sources",
    is_flag=True,
    help="On an empty store (no sources, no articles), first import the starter source list shipped with "
    "newsloom (as `newsloom sources import` does); a store with either is left as it is. `make run` passes it.",
)
@click.pass_obj
def run_command(app: AppContext, host: str, port: int, starter_sources: bool) -> None:
    """Crawl due sources forever and serve the portal, in one process (one portal worker).

    For several portal workers, run `newsloom crawl` and `newsloom serve --workers N` side by side instead.
    """
    import asyncio

    import uvicorn

    from newsloom.cli.batch import with_page_stage
    from newsloom.sources.crawler import Crawler
    from newsloom.web import create_app
    from newsloom.web.http_protocol import uvicorn_settings

    with_page_stage()
    store = app.store
    if starter_sources:
        _seed(app)
    portal = create_app(app.settings, store)
    server = uvicorn.Server(uvicorn.Config(portal, host=host, port=port, **uvicorn_settings()))
    err_console.print(f"newsloom: portal on http://{host}:{port}/, crawling due sources")

    async def main() -> None:
        stop = asyncio.Event()
        async with Crawler(app.settings, store) as crawler:
            crawling = asyncio.create_task(crawler.run_forever(stop=stop))
            try:
                await server.serve()
            finally:
                stop.set()
                with contextlib.suppress(asyncio.CancelledError):
                    await crawling

    with contextlib.suppress(KeyboardInterrupt):
        from newsloom.aio import run_to_completion

        run_to_completion(main())


def _seed(app: AppContext) -> None:
    """A fresh install's first start: the starter sources, so the portal fills itself instead of staying empty.
    Only into an empty store: an operator's own sources (or removals) and imported articles are never overridden."""
    from newsloom.sources.registry import DEFAULT_SOURCES, load_sources
    from newsloom.store.sources import SourceStore

    registry = SourceStore(app.store.engine)
    if registry.list_sources() or app.store.count_articles():
        return
    sources = load_sources(DEFAULT_SOURCES)
    for source in sources:
        registry.add_source(source)
    feeds = sum(len(source.feeds) for source in sources)
    err_console.print(
        f"newsloom: empty store: imported the {len(sources)} starter sources ({feeds} entry points); "
        "`newsloom sources list` shows them and their health",
        markup=False,
        highlight=False,
    )
