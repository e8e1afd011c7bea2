"""Commands that put articles into the store or take them out: import, extract, reprocess, export, stats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsloom.cli.context import AppContext, err_console, out_console
from newsloom.errors import NewsloomError
from newsloom.extract import extract_article
from newsloom.fetch.local import expand_paths, iter_local_pages, read_html_file
from newsloom.fetch.single import fetch_url
from newsloom.fetch.warc import is_warc
from newsloom.media.archive import store_warc_images
from newsloom.media.stage import run_media_stage
from newsloom.model import Article, FetchedPage, LoadFailure
from newsloom.pipeline import BatchReport, Outcome, PageResult, process_page, update_stories
from newsloom.store.stories import StoryChanges


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )


def _print_report(report: BatchReport, verb: str) -> None:
    counts = report.counts
    err_console.print(
        f"{verb}: {counts[Outcome.NEW]} new, {counts[Outcome.UPDATED]} updated, "
        f"{counts[Outcome.SKIPPED]} skipped, {counts[Outcome.FAILED]} failed"
    )
    for problem in report.problems:
        if problem.reason == "unchanged":
            continue
        err_console.print(f"  {problem.outcome.value}: {problem.origin}: {problem.reason}", markup=False)
    unchanged = sum(1 for problem in report.problems if problem.reason == "unchanged")
    if unchanged:
        err_console.print(f"  skipped {unchanged} unchanged")


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="Original URL of the page (only with a single HTML file).")
@click.pass_obj
def import_command(app: AppContext, paths: tuple[Path, ...], url: str | None) -> None:
    """Ingest .html, .html.gz, directories of them, and WARC files (.warc, .warc.gz).

    Re-importing is safe: articles are keyed by canonical URL and updated in place, never duplicated.
    """
    store = app.store
    extract = app.extract_stage()
    files = expand_paths(paths)
    if url and len(files) != 1:
        raise click.UsageError("--url applies to a single HTML file")
    report = BatchReport()
    stored_ids: list[int] = []
    with _progress() as progress:
        task = progress.add_task("importing", total=len(files))
        for path in files:
            for page in iter_local_pages([path], url=url):
                result = process_page(page, store, extract=extract)
                report.add(result)
                if result.article_id is not None and result.outcome in (Outcome.NEW, Outcome.UPDATED):
                    stored_ids.append(result.article_id)
            if app.settings.fetch_images and is_warc(path):
                store_warc_images(path, app.settings, store)
            progress.advance(task)
    _print_report(report, "import")
    if report.counts[Outcome.NEW] or report.counts[Outcome.UPDATED]:
        _print_stories(update_stories(store))
    if stored_ids and app.settings.fetch_images:
        _fetch_images(app, stored_ids)
    if report.counts[Outcome.FAILED] and not (report.counts[Outcome.NEW] or report.counts[Outcome.UPDATED]):
        raise SystemExit(1)


def _fetch_images(app: AppContext, article_ids: list[int]) -> None:
    """The media stage after the batch: images are tried once each, and a host that cannot be reached fails its
    other pictures at once, so an offline import pays one short failure per image host."""
    settings = app.settings.model_copy(update={"fetch_retries": min(app.settings.fetch_retries, 1)})
    with err_console.status("fetching images"):
        media = run_media_stage(article_ids, settings, app.store)
    counts = media.counts
    err_console.print(f"images: {counts['stored']} stored, {counts['failed']} unavailable, {counts['known']} known")


def _print_stories(changes: StoryChanges) -> None:
    err_console.print(f"stories: {changes.stories_created} new, {changes.articles_linked} articles linked to stories")


@click.command("stories")
@click.pass_obj
def stories_command(app: AppContext) -> None:
    """Group articles without a story into stories (import and crawl do this after each batch)."""
    with err_console.status("grouping stories"):
        changes = update_stories(app.store)
    _print_stories(changes)


def _load_one(target: str, app: AppContext) -> FetchedPage:
    if target.startswith(("http://", "https://")):
        return fetch_url(target, app.settings)
    path = Path(target)
    try:
        return FetchedPage(content=read_html_file(path), origin=target)
    except (OSError, EOFError) as error:
        raise NewsloomError(f"unreadable: {error}", target) from error
    except Exception as error:  # zlib/gzip errors on truncated files
        raise NewsloomError(f"unreadable: {type(error).__name__}: {error}", target) from error


def _extract_one(target: str, url: str | None, app: AppContext) -> Article:
    page = _load_one(target, app)
    return extract_article(
        page.content, url=url or page.final_url or page.url, content_type=page.content_type, overrides=app.overrides
    )


def _text_view(article: Article) -> str:
    lines = [article.title, ""]
    meta = [article.site_name, article.section, article.published.isoformat() if article.published else None]
    if any(meta):
        lines += [" · ".join(filter(None, meta)), ""]
    if article.authors:
        lines += ["By " + ", ".join(article.authors), ""]
    if article.lead:
        lines += [article.lead, ""]
    lines.append(article.body)
    for item in article.attribution:
        lines.append(f"[{item.kind.value}] {item.name or ''} {item.url or ''}".rstrip())
    return "\n".join(lines)


@click.command("extract")
@click.argument("targets", nargs=-1, required=True)
@click.option("--url", help="Original URL of the page (with a single FILE).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "text", "jsonl"]),
    default="json",
    show_default=True,
)
@click.pass_obj
def extract_command(app: AppContext, targets: tuple[str, ...], url: str | None, output_format: str) -> None:
    """Print the article extracted from FILE or URL (several with --format jsonl: one object per input)."""
    if output_format == "jsonl" or len(targets) > 1:
        if output_format != "jsonl":
            raise click.UsageError("several inputs need --format jsonl")
        for target in targets:
            try:
                record = {
                    "file": target,
                    **_extract_one(target, url if len(targets) == 1 else None, app).to_dict(),
                }
            except NewsloomError as error:
                record = {"file": target, "error": error.reason}
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    try:
        article = _extract_one(targets[0], url, app)
    except NewsloomError as error:
        err_console.print(f"error: {targets[0]}: {error.reason}", markup=False)
        raise SystemExit(1) from error
    if output_format == "text":
        click.echo(_text_view(article))
    else:
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))


def _stored_pages(app: AppContext) -> Iterator[tuple[Article, FetchedPage | LoadFailure]]:
    store = app.store
    for article in store.iter_articles():
        assert article.id is not None
        record = store.raw_html_record(article.id)
        if record is None:
            yield article, LoadFailure(article.canonical_url, "no stored HTML")
            continue
        html, final_url = record
        yield (
            article,
            FetchedPage(
                content=html,
                origin=article.canonical_url,
                url=article.url,
                final_url=final_url or article.url,
            ),
        )


@click.command("reprocess")
@click.pass_obj
def reprocess_command(app: AppContext) -> None:
    """Re-run extraction and enrichment on every stored article's original HTML."""
    store = app.store
    extract = app.extract_stage()
    report = BatchReport()
    with _progress() as progress:
        task = progress.add_task("reprocessing", total=store.count_articles())
        for article, page in _stored_pages(app):
            if isinstance(page, FetchedPage):
                page.fetched_at = article.fetched_at
                page.source_id = article.source_id
            result = process_page(page, store, extract=extract)
            if result.outcome == Outcome.NEW:  # canonical URL moved: the old row stays, say so
                result = PageResult(
                    result.origin, Outcome.UPDATED, "stored under a new canonical URL", result.article_id
                )
            report.add(result)
            progress.advance(task)
    _print_report(report, "reprocess")


@click.command("export")
@click.option("--format", "output_format", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.pass_obj
def export_command(app: AppContext, output_format: str) -> None:
    """Print every stored article as JSON lines (the keys of `extract`, plus ids)."""
    for article in app.store.iter_articles():
        record = {
            "id": article.id,
            "source_id": article.source_id,
            "story_id": article.story_id,
            **article.to_dict(),
        }
        click.echo(json.dumps(record, ensure_ascii=False))


@click.command("stats")
@click.pass_obj
def stats_command(app: AppContext) -> None:
    """Counts by source, section and language, and the store's size."""
    stats = app.store.stats()
    out_console.print(f"articles: {stats.articles}")
    if stats.size_bytes is not None:
        out_console.print(f"store size: {stats.size_bytes / 1_048_576:.1f} MiB")
    for title, counts in (
        ("source", stats.by_source),
        ("section", stats.by_section),
        ("language", stats.by_language),
    ):
        table = Table(title, "articles")
        for name, count in sorted(counts.items(), key=lambda item: -item[1]):
            table.add_row(name, str(count))
        out_console.print(table)
