"""Running the ``newsloom`` command in tests in-process, through click's runner (``run_cli``). Tests where the
process is the point (start-up time, signals, the hash seed) start ``python -m newsloom`` themselves.

``run_cli`` returns a ``subprocess.CompletedProcess`` (``returncode``, ``stdout``, ``stderr``), so a test reads as
it did against a process. It goes through ``newsloom.cli.main`` as the console script does (its one-line database
errors included), with the environment a process would get, and leaves no logging handler or console pointing at
its closed streams.
"""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

# Shrunk crawl delays and backoff so loopback crawls run in milliseconds.
FAST = {"NEWSLOOM_CRAWL_MIN_DELAY": "0", "NEWSLOOM_CRAWL_WORKERS": "0", "NEWSLOOM_FETCH_BACKOFF_SECONDS": "0.01"}
COLUMNS = 250  # wide enough that no table cell is cut


def count_articles(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "newsloom.db") as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


@contextmanager
def _quiet_globals(columns: int) -> Iterator[None]:
    """What one command leaves in the process, undone: the JSON log handler (bound to the runner's stream), the
    log level, and the consoles' stream and width."""
    from newsloom.cli import context

    logger = logging.getLogger("newsloom")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    try:
        logger.handlers = [h for h in logger.handlers if type(h.formatter).__name__ != "JsonFormatter"]
        with (
            mock.patch.object(context.out_console, "_file", None),  # None: the console writes to sys.stdout now
            mock.patch.object(context.out_console, "_width", columns),
            mock.patch.object(context.err_console, "_width", columns),
        ):
            yield
    finally:
        logger.handlers, logger.level, logger.propagate = saved


def run_cli(
    *args: str, env: Mapping[str, str | None] | None = None, input: str | None = None, columns: int = COLUMNS
) -> subprocess.CompletedProcess[str]:
    """``newsloom ARGS`` in this process through click's runner, its output piped as to ``| cat`` on a terminal
    ``columns`` wide; ``env`` entries set to None are unset for the command. An exception escaping the command is a
    traceback on stderr and status 1, as in a process."""
    import traceback

    from click.testing import CliRunner

    from newsloom.cli import main

    runner = CliRunner()
    environment: dict[str, str | None] = {"COLUMNS": str(columns), **(env or {})}
    code: int = 0
    with _quiet_globals(columns), runner.isolation(input=input, env=environment) as (stdout, stderr, _):
        with mock.patch.object(sys, "argv", ["newsloom", *args]):
            try:
                main()
            except SystemExit as stop:
                if stop.code is None:
                    code = 0
                elif isinstance(stop.code, int):
                    code = stop.code
                else:
                    sys.stderr.write(f"{stop.code}\n")
                    code = 1
            except Exception:
                sys.stderr.write(traceback.format_exc())
                code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        out, err = stdout.getvalue(), stderr.getvalue()
    return subprocess.CompletedProcess(
        ["newsloom", *args], code, out.decode(errors="replace"), err.decode(errors="replace")
    )


def newsloom_in(
    data_dir: Path, *args: str, allow: str | None = "127.0.0.0/8", **env: str
) -> subprocess.CompletedProcess[str]:
    """``newsloom --data-dir DATA ARGS`` in-process with fast crawl settings and loopback allowed (``allow=None``:
    the default guard, loopback refused)."""
    environment: dict[str, str | None] = {**FAST, "NEWSLOOM_ALLOW_NETWORKS": allow, **env}
    return run_cli("--data-dir", str(data_dir), *args, env=environment)
