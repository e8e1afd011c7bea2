"""``newsloom translate`` (make the translated editions due, retry failed ones) and ``newsloom models`` (install
offline translation models)."""

from __future__ import annotations

from pathlib import Path

import click

from newsloom.cli.context import AppContext, Ticker, err_console
from newsloom.errors import NewsloomError


def summary_line(stats: object) -> str:
    """The run in one line, counting what it made and what it set aside, nothing else: "translate: 12 editions
    made, 40 sentences from the translation memory; skipped: 30 (no model for pt→en), 2 (no model for it→en)"."""
    from newsloom.pipeline.translation import TranslationStats

    assert isinstance(stats, TranslationStats)
    line = (
        f"translate: {stats.editions} editions made, {stats.memory_hits} sentences from the translation memory; "
        "skipped: "
    )
    skipped = sorted(stats.skipped.items(), key=lambda item: (-item[1], item[0]))
    return line + (", ".join(f"{count} ({reason})" for reason, count in skipped) or "none")


def print_translation(stats: object, *, always: bool = False) -> None:
    """The summary line for import, crawl and translate (import and crawl: only when the stage did anything), then
    each failure with its reason and, if the run stopped early, why."""
    from newsloom.pipeline.translation import TranslationStats

    assert isinstance(stats, TranslationStats)
    if not (always or stats.editions or stats.failed or stats.stopped or stats.skipped):
        return
    err_console.print(summary_line(stats), markup=False, soft_wrap=True)
    for article_id, reason in stats.failures[:20]:
        err_console.print(
            f"  failed: article {article_id}: {reason} (kept untranslated, retried later)", markup=False, soft_wrap=True
        )
    if stats.stopped:
        err_console.print(f"  {stats.stopped}", markup=False, soft_wrap=True)


def run_translation(app: AppContext, *, retry_now: bool = False, always: bool = False) -> object | None:
    """The stage after a batch: never fails the batch (articles are stored; translation is retried later)."""
    from newsloom.pipeline.translation import active_backend, translate_pending

    if active_backend(app.settings) == "none":
        return None
    try:
        with Ticker("translating"):  # a spinner on a terminal, a line every 10 s otherwise
            stats = translate_pending(app.store, app.settings, retry_now=retry_now)
    except NewsloomError as error:
        err_console.print(f"translate: {error.reason} (articles stored untranslated)", markup=False, soft_wrap=True)
        return None
    print_translation(stats, always=always)
    return stats


@click.command("translate")
@click.pass_obj
def translate_command(app: AppContext) -> None:
    """Make the translated editions due (translate_backend, translate_targets) and retry failed ones now.

    Import and crawl translate after each batch; this command catches up after a backend was down or newly
    configured. A failed article stays stored untranslated and is retried on the next run; an article whose
    language pair has no model is skipped ("no model for pt→en") until one is installed. Exit status 1 only when
    articles failed and no edition was made.
    """
    from newsloom.pipeline.translation import active_backend

    if active_backend(app.settings) == "none":
        backend = app.settings.translate_backend.strip().lower() or "none"
        if backend == "auto":
            err_console.print(
                f"translate: off: no translation model in {app.settings.resolved_model_dir}; run `newsloom models "
                "install vi en` (or set translate_backend, see `newsloom settings`)",
                markup=False,
                soft_wrap=True,
            )
        else:
            err_console.print("translate: translate_backend is 'none': nothing to do (see `newsloom settings`)")
        return
    stats = run_translation(app, retry_now=True, always=True)
    if stats is None:
        raise SystemExit(1)
    if getattr(stats, "failed", 0) and not getattr(stats, "editions", 0):
        raise SystemExit(1)


@click.group("models")
def models_group() -> None:
    """Offline translation models (in translate_model_dir): with translate_backend = "auto" (the default) or
    "ctranslate2", installing one turns translation on."""


@models_group.command("install")
@click.argument("source")
@click.argument("target")
@click.option(
    "--file",
    "package_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An Argos Translate package (.argosmodel) already downloaded, installed without network.",
)
@click.pass_obj
def models_install(app: AppContext, source: str, target: str, package_file: Path | None) -> None:
    """Install the SOURCE→TARGET model (e.g. `vi en`): an Argos Translate package from its index, or --file."""
    from newsloom.enrich.translate.models import ModelInstallError, install_from_file, install_from_index

    model_dir = app.settings.resolved_model_dir
    try:
        if package_file is not None:
            installed = install_from_file(package_file, model_dir, source, target)
        else:
            installed = install_from_index(source, target, model_dir, app.settings)
    except ModelInstallError as error:
        err_console.print(f"models: {error.reason}", markup=False, soft_wrap=True)
        raise SystemExit(1) from error
    err_console.print(f"models: installed {source}→{target} in {installed}", markup=False, soft_wrap=True)


@models_group.command("list")
@click.pass_obj
def models_list(app: AppContext) -> None:
    """The installed models and where they are."""
    from newsloom.enrich.translate.models import installed_models

    model_dir = app.settings.resolved_model_dir
    found = installed_models(model_dir)
    if not found:
        err_console.print(f"no models in {model_dir}: `newsloom models install vi en`", markup=False, soft_wrap=True)
        return
    for source, target, path in found:
        click.echo(f"{source}\t{target}\t{path}")
