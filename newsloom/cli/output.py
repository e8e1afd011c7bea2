"""How commands print results: to stdout, whole, whatever reads them.

On a terminal a table is drawn by rich (cells fold, never cut). Piped or redirected, the same rows are written
as tab-separated lines with a header line, at full length: ``newsloom stats | cat`` and ``| cut -f2`` see every
character. ``--json`` gives the same data as one JSON document. Diagnostics go to stderr (``err_console``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from newsloom.cli.context import out_console


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def say(text: str) -> None:
    """One result line on stdout, unstyled and unwrapped."""
    click.echo(text)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str | None = None) -> None:
    cells = [["" if value is None else str(value) for value in row] for row in rows]
    if not stdout_is_terminal():
        if title:
            click.echo(f"# {title}")
        click.echo("\t".join(headers))
        for row in cells:
            click.echo("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row))
        return
    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in cells:
        table.add_row(*[Text(cell) for cell in row])  # Text: a "[red]" in a feed's error is not markup
    out_console.print(table)
