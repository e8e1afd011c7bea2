"""Commands that put articles into the store or take them out: import, extract, reprocess, export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsloom.cli.batch import run_batch_stages
from newsloom.cli.context import AppContext, Ticker, err_console, progress_bar
from newsloom.errors import NewsloomError
from newsloom.model import Article, FetchedPage, LoadFailure
from newsloom.records import Record

if TYPE_CHECKING:  # the pipeline, the store and the stories stage load in the commands that use them
    from rich.progress import Progress

    from newsloom.pipeline import BatchReport
    from newsloom.store import SQLStore
    from newsloom.store.stories import StoryChanges


ALLOW_FAILURES_HELP = "Exit 0 even when some pages failed (for cron jobs); by default any failure exits 1."


def _say(text: str) -> None:
    """A line of the command's result: stdout, never wrapped or styled, whatever the terminal's width."""
    click.echo(text)


def _print_report(report: BatchReport, verb: str) -> None:
    from newsloom.pipeline import Outcome

    counts = report.counts
    _say(
        f"{verb}: {counts[Outcome.NEW]} new, {counts[Outcome.UPDATED]} updated, "
        f"{counts[Outcome.SKIPPED]} skipped, {counts[Outcome.FAILED]} failed"
    )
    for problem in report.problems:
        if problem.reason == "unchanged":
            continue
        _say(f"  {problem.outcome.value}: {problem.origin}: {problem.reason}")
    unchanged = sum(1 for problem in report.problems if problem.reason == "unchanged")
    if unchanged:
        _say(f"  skipped {unchanged} unchanged")
    for result in report.cut:
        _say(f"  cut: {result.origin}: {'; '.join(result.cuts)}")


def exit_on_failures(failed: int, allow_failures: bool, what: tuple[str, str] = ("page", "pages")) -> None:
    """Exit 1 when something failed, unless the operator asked for 0 (``--allow-failures``); ``what`` failed, in
    the singular and plural."""
    if failed and not allow_failures:
        pages = f"1 {what[0]}" if failed == 1 else f"{failed} {what[1]}"
        err_console.print(
            f"newsloom: {pages} failed (exit status 1; --allow-failures exits 0)", markup=False, highlight=False
        )
        raise SystemExit(1)


def page_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--url`` must be an http(s) URL that parses: it becomes the article's key and its "Source:" link, so a
    bad one is a usage error (one line, exit status 2), not a page stored under ``javascript:`` or a traceback."""
    if value is None:
        return None
    from newsloom.errors import InvalidURL
    from newsloom.urls import parse_http_url

    try:
        parse_http_url(value)
    except InvalidURL as error:
        raise click.BadParameter(error.reason) from None
    return value


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--url",
    callback=page_url,
    help="Original URL of the page (only with a single HTML file).",
)
@click.option("--allow-failures", is_flag=True, help=ALLOW_FAILURES_HELP.replace("pages", "pages or records"))
@click.pass_obj
def import_command(app: AppContext, paths: tuple[Path, ...], url: str | None, allow_failures: bool) -> None:
    """Ingest .html, .html.gz, directories of them, WARC files (.warc, .warc.gz), and article records.

    Article records are JSON lines (.jsonl, .jsonl.gz, .ndjson; `-` reads standard input), one article a line with
    at least `url`, `title` and `body` (or export's `blocks`), and optionally `published`, `lead`, `outlet`,
    `language`, `authors`, `section` or `category`, `tags`, `images`; other keys are ignored. What `newsloom export`
    writes imports as it is, with its stories, translated editions, comments and sections: `newsloom export |
    newsloom --database-url URL import -` moves a store (from SQLite to PostgreSQL, say).

    Re-importing is safe: articles are keyed by canonical URL and updated in place, never duplicated. A page or
    line that fails is reported with its reason (a line by its number) and the others go on; the exit status is 1
    when any failed.
    """
    from newsloom.fetch.local import expand_paths
    from newsloom.fetch.records import is_records
    from newsloom.pipeline import BatchKeys, BatchReport, process_page

    record_files = [path for path in paths if is_records(path)]
    files = expand_paths(path for path in paths if not is_records(path))
    if url and (len(files) != 1 or record_files):
        raise click.UsageError("--url applies to a single HTML file")
    store = app.store
    report = BatchReport()
    from newsloom.fetch.warc import is_warc
    from newsloom.media.archive import store_warc_images

    batch = BatchKeys()  # two pages with one canonical URL: the first is kept, the second is a copy
    with progress_bar() as progress:
        if files:
            extract = app.extract_stage()
            task = progress.add_task("importing", total=len(files))
            for path in files:
                for page in _pages_of(path, url):
                    report.add(process_page(page, store, extract=extract, batch=batch))
                if app.settings.fetch_images and is_warc(path):
                    store_warc_images(path, app.settings, store)
                progress.advance(task)
        for path in record_files:
            _import_records(app, path, report, progress)
    _print_report(report, "import")
    run_batch_stages(app)  # over everything pending, so a re-run finishes what a killed run stored
    what = ("page", "pages") if not record_files else ("record", "records") if not files else ("input", "inputs")
    exit_on_failures(report.failed, allow_failures, what)


def _import_records(app: AppContext, path: Path, report: BatchReport, progress: Progress) -> None:
    """The records of one file (or standard input) through the pipeline. An edition whose original comes later in
    the file waits for the end of the file."""
    from newsloom.fetch.records import count_lines, iter_records
    from newsloom.pipeline import process_record

    store = app.store
    waiting: list[tuple[str, Record]] = []
    task = progress.add_task(f"importing {'records' if str(path) == '-' else path.name}", total=count_lines(path))
    for origin, data in iter_records(path):
        record = _record_or_failure(origin, data)
        if isinstance(record, Record) and record.translation_of and not _stored(store, record.translation_of):
            waiting.append((origin, record))
        else:
            report.add(process_record(record, origin, store))
        progress.advance(task)
    for origin, record in waiting:
        report.add(process_record(record, origin, store))


def _record_or_failure(origin: str, data: object) -> Record | LoadFailure:
    from newsloom.records import record_from_dict

    if isinstance(data, LoadFailure):
        return data
    try:
        return record_from_dict(data)
    except NewsloomError as error:
        return LoadFailure(origin, error.reason)


def _stored(store: SQLStore, url: str) -> bool:
    try:
        return store.get_article_by_url(url) is not None
    except NewsloomError:
        return False


def _pages_of(path: Path, url: str | None) -> Iterator[FetchedPage | LoadFailure]:
    """The pages of one file; a reader that breaks part-way (a damaged WARC) ends that file with a failure."""
    from newsloom.fetch.local import iter_local_pages

    try:
        yield from iter_local_pages([path], url=url)
    except Exception as error:
        yield LoadFailure(str(path), f"unreadable: {type(error).__name__}: {' '.join(str(error).split())[:200]}")


def _print_stories(changes: StoryChanges) -> None:
    _say(f"stories: {changes.stories_created} new, {changes.articles_linked} articles linked to stories")


@click.command("stories")
@click.pass_obj
def stories_command(app: AppContext) -> None:
    """Group articles without a story into stories (import and crawl do this after each batch)."""
    from newsloom.pipeline import update_stories

    with Ticker("grouping stories"):
        changes = update_stories(app.store)
    _print_stories(changes)


def _load_one(target: str, app: AppContext) -> FetchedPage:
    from newsloom.fetch.local import read_html_file

    if target.startswith(("http://", "https://")):
        from newsloom.fetch.single import fetch_url

        return fetch_url(target, app.settings)
    path = Path(target)
    try:
        return FetchedPage(content=read_html_file(path), origin=target)
    except (OSError, EOFError) as error:
        raise NewsloomError(f"unreadable: {error}", target) from error
    except Exception as error:  # zlib/gzip errors on truncated files
        raise NewsloomError(f"unreadable: {type(error).__name__}: {error}", target) from error


def _extract_one(target: str, url: str | None, app: AppContext) -> Article:
    from newsloom.extract import extract_article

    page = _load_one(target, app)
    return extract_article(
        page.content, url=url or page.final_url or page.url, content_type=page.content_type, overrides=app.overrides
    )


def _body_opens_with(article: Article, text: str) -> bool:
    """Many pages repeat the deck as the first paragraph; the text view shows it once."""
    first = next((block.plain_text() for block in article.blocks if block.plain_text().strip()), "")
    wanted = " ".join(text.split()).casefold().rstrip(" .…")  # a deck cut short ends in an ellipsis
    return bool(wanted) and " ".join(first.split()).casefold().startswith(wanted)


def _text_view(article: Article) -> str:
    lines = [article.title, ""]
    meta = [article.site_name, article.section, article.published.isoformat() if article.published else None]
    if any(meta):
        lines += [" · ".join(filter(None, meta)), ""]
    if article.authors:
        lines += ["By " + ", ".join(article.authors), ""]
    if article.lead and not _body_opens_with(article, article.lead):
        lines += [article.lead, ""]
    lines.append(article.body)
    for item in article.attribution:
        lines.append(f"[{item.kind.value}] {item.name or ''} {item.url or ''}".rstrip())
    return "\n".join(lines)


@click.command("extract")
@click.argument("targets", nargs=-1, required=True)
@click.option(
    "--url",
    callback=page_url,
    help="Original URL of the page (with a single FILE).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "text", "jsonl"]),
    default="json",
    show_default=True,
)
@click.pass_obj
def extract_command(app: AppContext, targets: tuple[str, ...], url: str | None, output_format: str) -> None:
    """Print the article extracted from FILE or URL (several with --format jsonl: one object per input).

    The exit status is 1 when any input failed, in every format (jsonl still prints a line for each input)."""
    if output_format == "jsonl" or len(targets) > 1:
        if output_format != "jsonl":
            raise click.UsageError("several inputs need --format jsonl")
        failed = 0
        for target in targets:
            try:
                record = {
                    "file": target,
                    **_extract_one(target, url if len(targets) == 1 else None, app).to_dict(),
                }
            except NewsloomError as error:
                record = {"file": target, "error": error.reason}
                failed += 1
            click.echo(json.dumps(record, ensure_ascii=False))
        if failed:  # every line is printed first: a script reads the good ones and still learns of the bad
            inputs = "1 input" if failed == 1 else f"{failed} inputs"
            err_console.print(f"newsloom: {inputs} failed (exit status 1)", markup=False, highlight=False)
            raise SystemExit(1)
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
        if article.translated_from is not None:
            continue  # a translated edition has no page of its own: it is remade from its original
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
@click.option("--allow-failures", is_flag=True, help=ALLOW_FAILURES_HELP)
@click.pass_obj
def reprocess_command(app: AppContext, allow_failures: bool) -> None:
    """Re-run extraction and enrichment on every stored article's original HTML."""
    from newsloom.pipeline import BatchReport, Outcome, PageResult, process_page

    store = app.store
    extract = app.extract_stage()
    report = BatchReport()
    with progress_bar() as progress:
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
    run_batch_stages(app)
    exit_on_failures(report.failed, allow_failures)


@click.command("export")
@click.option("--format", "output_format", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.pass_obj
def export_command(app: AppContext, output_format: str) -> None:
    """Print every stored article as JSON lines: the keys of `extract`, plus ids and what the store decided.

    Besides `id`, `source_id` and `story_id`: `hidden`, `listed_at`, `fetched_at`, `publisher_section`,
    `section_rule`, `section_confidence`, `tag_kinds`, `enriched`, `story` (its title and first report's URL),
    `comments`, and on a translated edition `translation_of` (its original's URL), `translation_backend`,
    `translation_model`, `translation_status`, `translation_flags`. `newsloom import -` reads it back as it is.
    """
    from newsloom.store.records import export_records

    for record in export_records(app.store):
        click.echo(json.dumps(record, ensure_ascii=False))
