"""``newsloom sections`` (train and use the section classifier, list what is unplaced) and ``newsloom enrich``
(the batch enrichment after store: entity tags and classifier placement; import and crawl run it themselves)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from newsloom.cli.context import AppContext, err_console, progress_bar
from newsloom.errors import NewsloomError


def run_enrichment(app: AppContext) -> None:
    """Entity tags and classifier placement for every article not yet enriched, with progress on a terminal."""
    from newsloom.cli.batch import print_enrichment
    from newsloom.pipeline.enrichment import enrich_stored
    from newsloom.store.enrichment import EnrichmentStore

    store = app.store
    pending = EnrichmentStore(store.engine).count_pending()
    if not pending:
        return
    with progress_bar() as progress:
        task = progress.add_task("tags and sections", total=pending)
        changes = enrich_stored(store, app.settings, on_progress=lambda n: progress.advance(task, n))
    print_enrichment(changes)


@click.command("enrich")
@click.pass_obj
def enrich_command(app: AppContext) -> None:
    """Find entity tags and place unplaced articles for every article not yet enriched (import and crawl do it)."""
    run_enrichment(app)


@click.group("sections")
def sections_group() -> None:
    """The section classifier: train it, classify with it, list unplaced articles."""


@sections_group.command("train")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def train_command(app: AppContext, files: tuple[Path, ...]) -> None:
    """Train the section classifier and store it in the data directory.

    FILES are JSON lines (plain or .gz), one article a line with `id`, `title`, `body` and a label in `label_en`,
    else `label`. Without FILES, it learns from the store's articles placed by the rules (feed mapping, the
    publisher's section, breadcrumb, URL path).
    """
    from newsloom.enrich.sections.classifier import Labelled, SectionClassifier, model_path, read_jsonl
    from newsloom.store.enrichment import EnrichmentStore

    try:
        if files:
            items = [item for path in files for item in read_jsonl(path)]
        else:
            placed = EnrichmentStore(app.store.engine).placed_articles()
            items = [Labelled(str(i), title, body, name) for i, (title, body, name) in enumerate(placed)]
        with err_console.status(f"training on {len(items)} articles"):
            model = SectionClassifier.train(items)
        model.origin = "files" if files else "store"
        path = model_path(app.settings.data_dir)
        model.save(path)
    except NewsloomError as error:
        raise click.ClickException(str(error)) from error
    err_console.print(
        f"trained on {model.trained_on} articles, {len(model.labels)} sections: {', '.join(model.labels)}"
    )
    err_console.print(f"model: {path}")


@sections_group.command("classify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def classify_command(app: AppContext, file: Path) -> None:
    """Print one JSON line per input line of FILE: {"id", "section", "confidence"}, with the trained model."""
    from newsloom.enrich.sections.classifier import SectionClassifier, model_path, read_jsonl

    try:
        model = SectionClassifier.load(model_path(app.settings.data_dir))
        batch: list = []

        def flush() -> None:
            for item, (section, confidence) in zip(
                batch, model.predict([(i.title, i.body) for i in batch]), strict=True
            ):
                sys.stdout.write(
                    json.dumps({"id": item.id, "section": section, "confidence": confidence}, ensure_ascii=False) + "\n"
                )
            batch.clear()

        for item in read_jsonl(file):
            batch.append(item)
            if len(batch) >= 512:
                flush()
        flush()
    except NewsloomError as error:
        raise click.ClickException(str(error)) from error


@sections_group.command("unplaced")
@click.option("--limit", default=50, show_default=True)
@click.pass_obj
def unplaced_command(app: AppContext, limit: int) -> None:
    """List articles on no section of the scheme (newest first), with the publisher's own section label."""
    from newsloom.store.enrichment import EnrichmentStore

    store = EnrichmentStore(app.store.engine)
    err_console.print(f"{store.count_unplaced()} unplaced")
    for article_id, title, label in store.unplaced(limit):
        click.echo(f"{article_id}\t{label or '-'}\t{title}")
