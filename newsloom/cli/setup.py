"""``newsloom init`` and ``newsloom settings``."""

from __future__ import annotations

import click

from newsloom.cli.context import AppContext, safe_url
from newsloom.cli.output import print_json, print_table, say


@click.command("init")
@click.pass_obj
def init_command(app: AppContext) -> None:
    """Create the store, or migrate it to the newest schema."""
    store = app.store  # opening migrates; an unreachable database is one line on stderr, exit status 1
    say(f"store ready: {safe_url(app.settings.resolved_database_url)} ({store.count_articles()} articles)")


@click.command("settings")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per setting instead of a table.")
@click.pass_obj
def settings_command(app: AppContext, as_json: bool) -> None:
    """Print every setting: value in force, environment variable, meaning (tab-separated when piped)."""
    from newsloom.settings import Settings

    current = app.settings
    rows = []
    for name, field in Settings.model_fields.items():
        value = getattr(current, name)
        if name == "secret_key" and value:
            value = "(set)"
        elif name == "database_url" and value:
            value = safe_url(value)
        rows.append((name, f"NEWSLOOM_{name.upper()}", value, field.description or ""))
    if as_json:
        print_json(
            [
                {
                    "setting": name,
                    "env": env,
                    "value": value if isinstance(value, int | float | str | None) else str(value),
                    "meaning": meaning,
                }
                for name, env, value, meaning in rows
            ]
        )
        return
    print_table(("setting", "env", "value", "meaning"), rows)
