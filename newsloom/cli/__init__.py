"""The ``newsloom`` command. Its ``--help`` pages are the CLI reference (docs/cli.md is generated from them).

Commands live beside this module by theme (``ingest``, ``serve``); this module only assembles them and holds
the options every command shares.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsloom import __version__
from newsloom.cli.admin import admin_group
from newsloom.cli.context import AppContext
from newsloom.cli.crawl import crawl_command, run_command
from newsloom.cli.ingest import (
    export_command,
    extract_command,
    import_command,
    reprocess_command,
    stories_command,
)
from newsloom.cli.pages import precompute_command
from newsloom.cli.scale import beat_command, worker_command
from newsloom.cli.sections import enrich_command, sections_group
from newsloom.cli.serve import serve_command
from newsloom.cli.setup import init_command, settings_command
from newsloom.cli.sources import sources_group
from newsloom.cli.stats import stats_command
from newsloom.cli.translate import models_group, translate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="NEWSLOOM_DATA_DIR",
    help="Where the store lives (default ./newsloom-data).",
)
@click.option("--database-url", envvar="NEWSLOOM_DATABASE_URL", help="SQLAlchemy URL; overrides the SQLite file.")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(__version__, prog_name="newsloom")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, database_url: str | None, verbose: int) -> None:
    """newsloom: aggregate news from publishers' sites into a searchable portal."""
    ctx.obj = AppContext(data_dir=data_dir, database_url=database_url, verbosity=verbose)


for command in (
    init_command,
    import_command,
    extract_command,
    reprocess_command,
    export_command,
    stats_command,
    stories_command,
    serve_command,
    precompute_command,
    settings_command,
    sources_group,
    admin_group,
    crawl_command,
    run_command,
    sections_group,
    enrich_command,
    worker_command,
    beat_command,
    translate_command,
    models_group,
):
    cli.add_command(command)


def main() -> None:
    try:
        cli(prog_name="newsloom")
    except Exception as error:
        # The database went away mid-command: one line, no traceback. sqlalchemy is looked up, not imported: a
        # command that never loaded it (``--help``, ``extract``) cannot have raised its errors, and starts faster.
        exc = sys.modules.get("sqlalchemy.exc")
        if exc is None or not isinstance(error, exc.OperationalError):
            raise
        from newsloom.cli.context import OPENED_URLS, database_error

        database_error(OPENED_URLS[-1] if OPENED_URLS else "(database)", error).show()
        raise SystemExit(1) from None
