"""Write docs/cli.md from the commands' own --help, so the reference never drifts from the code.

Run: .venv/bin/python scripts/gen_cli_docs.py   (tests/cli/test_docs.py fails when the file is stale)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from newsloom.cli import cli

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _walk(command: click.Command, path: list[str]) -> list[list[str]]:
    paths = [path]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            paths.extend(_walk(command.commands[name], [*path, name]))
    return paths


def render() -> str:
    runner = CliRunner()
    parts = [
        "# newsloom command reference",
        "",
        "Generated from `--help` by `scripts/gen_cli_docs.py`; do not edit.",
        "",
    ]
    for path in _walk(cli, []):
        result = runner.invoke(cli, [*path, "--help"], prog_name="newsloom", terminal_width=100)
        title = " ".join(["newsloom", *path])
        parts += [f"## `{title}`", "", "```", result.output.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUTPUT}\n")
