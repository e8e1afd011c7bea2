"""``newsloom prerender``: article pages' reader-independent parts stored ahead of their first render."""

from __future__ import annotations

import click

from newsloom.cli.context import AppContext, progress_bar


@click.command("prerender")
@click.option(
    "--all-editions",
    is_flag=True,
    help="Every edition's page, un-prefixed and under its prefix, not only the default edition's un-prefixed one.",
)
@click.option("--everything", is_flag=True, help="Render every page again, not only those missing or stale.")
@click.option("--batch", default=200, show_default=True, help="Pages stored per transaction.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes rendering at once (one per core renders a large store that many times faster).",
)
@click.pass_obj
def precompute_command(app: AppContext, all_editions: bool, everything: bool, batch: int, workers: int) -> None:
    """Store article pages' reader-independent parts (body, JSON-LD, story box, editions, comments).

    A first render of a stored page is then one read of one row; a page whose parts are missing or stale (the
    article, its story, translations or comments changed since) is rendered live, as without this. Imports and
    crawls store their new articles' pages themselves; run this once on an existing store, or after a deploy (new
    code or settings outdate every page): it renders only the pages missing or gone stale.
    """
    from newsloom.web.portal import Portal
    from newsloom.web.prerender import precompute, precompute_in_processes, visible_article_ids

    settings = app.settings
    portal = Portal(settings, app.store)
    editions = settings.edition_list
    variants = [(code, prefix) for code in editions for prefix in ("", f"/{code}")] if all_editions else None
    ids = visible_article_ids(portal)
    with progress_bar() as progress:
        task = progress.add_task("rendering pages", total=len(ids))

        def done(articles: int) -> None:
            progress.advance(task, articles)

        if workers > 1:
            stored = precompute_in_processes(portal, ids, workers, variants, batch, not everything, done)
        else:
            stored = precompute(portal, ids, variants, batch, only_stale=not everything, done=done)
    click.echo(f"pages stored: {stored}")
