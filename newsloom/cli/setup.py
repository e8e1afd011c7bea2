"""``newsloom init`` and ``newsloom settings``."""

from __future__ import annotations

import click
from rich.table import Table

from newsloom.cli.context import AppContext, err_console, out_console


@click.command("init")
@click.pass_obj
def init_command(app: AppContext) -> None:
    """Create the store, or migrate it to the newest schema."""
    store = app.store  # opening migrates
    err_console.print(f"store ready: {app.settings.resolved_database_url} ({store.count_articles()} articles)")


@click.command("settings")
@click.pass_obj
def settings_command(app: AppContext) -> None:
    """Print every setting: value in force, environment variable, meaning."""
    from newsloom.settings import Settings

    table = Table("setting", "env", "value", "meaning")
    current = app.settings
    for name, field in Settings.model_fields.items():
        value = getattr(current, name)
        if name == "secret_key" and value:
            value = "(set)"
        table.add_row(name, f"NEWSLOOM_{name.upper()}", str(value), field.description or "")
    out_console.print(table)
