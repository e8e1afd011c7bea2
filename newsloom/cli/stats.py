"""``newsloom stats``: what the store holds, by source, section and language."""

from __future__ import annotations

import click

from newsloom.cli.context import AppContext
from newsloom.cli.output import print_json, print_table, say


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of tables.")
@click.pass_obj
def stats_command(app: AppContext, as_json: bool) -> None:
    """Counts by source, section and language, and the store's size (tab-separated when piped)."""
    stats = app.store.stats()
    groups = {"source": stats.by_source, "section": stats.by_section, "language": stats.by_language}
    ordered = {name: sorted(counts.items(), key=lambda item: (-item[1], item[0])) for name, counts in groups.items()}
    if as_json:
        print_json(
            {
                "articles": stats.articles,
                "size_bytes": stats.size_bytes,
                **{f"by_{name}": dict(items) for name, items in ordered.items()},
            }
        )
        return
    say(f"articles: {stats.articles}")
    if stats.size_bytes is not None:
        say(f"store size: {stats.size_bytes / 1_048_576:.1f} MiB")
    for name, items in ordered.items():
        print_table((name, "articles"), items)
