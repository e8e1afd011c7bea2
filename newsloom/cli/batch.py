"""The batch stages after a command stored pages (``newsloom import``, ``reprocess``): ``pipeline.Batch`` runs them
in their one order over whatever the store holds pending; this shows their progress and prints what they did."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from newsloom.cli.context import AppContext, Ticker, err_console

if TYPE_CHECKING:
    from collections.abc import Callable

    from newsloom.pipeline import StageReport
    from newsloom.pipeline.enrichment import EnrichChanges
    from newsloom.settings import Settings
    from newsloom.store.sql import SQLStore

STAGE_LABELS = {
    "media": "fetching images",
    "translation": "translating",
    "stories": "grouping stories",
    "enrichment": "tags and sections",
    "pages": "storing article pages",
}


def page_stage(store: SQLStore, settings: Settings) -> Callable[[], int]:
    """The batches' pages stage (``web.prerender.PageStage``): the web layer, loaded when a batch first runs."""
    from newsloom.web.prerender import PageStage

    return PageStage(store, settings)


def with_page_stage() -> None:
    """Batches this command runs (import, crawl rounds, queue tasks) end by storing their articles' pages."""
    from newsloom.pipeline import store_pages_with

    store_pages_with(page_stage)


def run_batch_stages(app: AppContext) -> StageReport:
    """Media, translation, stories, enrichment, pages; a status line on a terminal, a summary line per stage."""
    from newsloom.pipeline import run_batch

    with_page_stage()

    with Ticker("after store") as tick:  # a spinner on a terminal, a line every 10 s otherwise
        stages = run_batch(app.store, app.settings, on_stage=lambda name: tick.update(STAGE_LABELS[name]))
    if stages.media is not None and stages.media.counts:
        counts = stages.media.counts
        err_console.print(f"images: {counts['stored']} stored, {counts['failed']} unavailable, {counts['known']} known")
    if stages.translation_error is not None:
        err_console.print(
            f"translate: {stages.translation_error} (articles stored untranslated)", markup=False, soft_wrap=True
        )
    if stages.translation is not None:
        from newsloom.cli.translate import print_translation

        print_translation(stages.translation)
    changes = stages.stories
    click.echo(f"stories: {changes.stories_created} new, {changes.articles_linked} articles linked to stories")
    if stages.enrichment is not None:
        print_enrichment(stages.enrichment)
    if stages.pages:
        err_console.print(f"pages: {stages.pages} article pages stored")
    return stages


def print_enrichment(changes: EnrichChanges) -> None:
    if not changes.articles:
        return
    trained = ", section model trained from the store" if changes.model_trained else ""
    err_console.print(
        f"enrich: {changes.articles} articles, {changes.entity_tags} entity tags, "
        f"{changes.placed} placed by the classifier{trained}"
    )
