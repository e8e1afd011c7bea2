"""``newsloom prerender``'s work shared by processes (``web.prerender.precompute_in_processes``): the pages they
store are those one process stores, and the command shows its progress."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsloom.cli import cli
from newsloom.cli import context as cli_context
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.web.portal import Portal
from newsloom.web.prerender import precompute, precompute_in_processes, visible_article_ids
from tests.support.stored_pages import generate


def stored_rows(database: Path) -> dict[tuple[int, str], tuple[str, str, bytes]]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT article_id, variant, fingerprint, slug, page FROM article_blocks")
        return {(row[0], row[1]): (row[2], row[3], row[4]) for row in rows}


@pytest.mark.slow  # spawns two processes that load the portal: in `make test`, not in `make check`
def test_pages_rendered_by_two_processes_are_those_one_process_renders(
    settings: Settings, store: SQLStore, tmp_path: Path
) -> None:
    generate(store, 60)
    portal = Portal(settings, store)
    ids = visible_article_ids(portal, page=7)  # several pages of ids
    assert ids == sorted(ids) and len(ids) >= 60
    heard: list[int] = []
    stored = precompute_in_processes(portal, ids, 2, batch=4, done=heard.append)
    assert stored > 0 and sum(heard) == len(ids) and len(heard) == -(-len(ids) // 20)  # parts of batch * 5
    in_processes = stored_rows(settings.data_dir / "newsloom.db")
    assert len(in_processes) == stored
    with sqlite3.connect(settings.data_dir / "newsloom.db") as conn:
        conn.execute("DELETE FROM article_blocks")
    assert precompute(portal, ids, batch=4) == stored
    assert stored_rows(settings.data_dir / "newsloom.db") == in_processes
    # nothing is stale now: a second run renders nothing, and still goes through every article
    heard.clear()
    assert precompute_in_processes(portal, ids, 2, only_stale=True, done=heard.append) == 0
    assert sum(heard) == len(ids)


@pytest.mark.slow  # the same
def test_the_command_renders_with_workers_and_shows_its_progress(
    settings: Settings, store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_context, "PROGRESS_EVERY", 0.0)  # stderr is not a terminal here: a line each time
    generate(store, 30)
    visible = len(visible_article_ids(Portal(settings, store)))
    runner = CliRunner()
    where = ["--data-dir", str(settings.data_dir)]
    result = runner.invoke(cli, [*where, "prerender", "--workers", "2", "--batch", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    stored = int(re.search(r"^pages stored: (\d+)$", result.stdout, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert 0 < stored <= visible
    assert re.search(rf"^rendering pages: 10 of {visible} \(\d+%\), \d+ s$", result.stderr, re.MULTILINE), result.stderr
    again = runner.invoke(cli, [*where, "prerender"], catch_exceptions=False)
    assert again.exit_code == 0 and "pages stored: 0" in again.stdout
    bad = runner.invoke(cli, [*where, "prerender", "--workers", "0"])
    assert bad.exit_code == 2 and "--workers" in bad.output
