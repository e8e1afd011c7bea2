"""What every command receives: settings resolved once, the store opened on first use, logging configured."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

if TYPE_CHECKING:  # settings, store, pipeline and extractor load in the commands that use them (start-up time)
    from rich.progress import Progress

    from newsloom.extract.overrides import SiteOverrides
    from newsloom.model import Article, FetchedPage
    from newsloom.settings import Settings
    from newsloom.store import SQLStore


@dataclass
class AppContext:
    data_dir: Path | None = None
    database_url: str | None = None
    verbosity: int = 0
    _settings: Settings | None = field(default=None, repr=False)
    _store: SQLStore | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        from newsloom.logs import configure_logging

        level = {0: None, 1: logging.INFO}.get(self.verbosity, logging.DEBUG)
        configure_logging(level or self.settings.log_level)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from newsloom.settings import load_settings

            self._settings = load_settings(data_dir=self.data_dir, database_url=self.database_url)
        return self._settings

    @property
    def overrides(self) -> SiteOverrides | None:
        """Operators' per-site extraction selectors, if a directory is configured."""
        from newsloom.extract.overrides import load_overrides

        directory = self.settings.extract_overrides_dir
        return load_overrides(directory) if directory else None

    def extract_stage(self) -> Callable[[FetchedPage], Article]:
        from newsloom.domains import parse_aliases
        from newsloom.pipeline import extract_stage

        aliases = parse_aliases(self.settings.canonical_aliases)
        return partial(extract_stage, overrides=self.overrides, canonical_aliases=aliases)

    @property
    def store(self) -> SQLStore:
        if self._store is None:
            import sqlalchemy as sa

            from newsloom.errors import ConfigError
            from newsloom.store import open_store

            OPENED_URLS.append(self.settings.resolved_database_url)
            try:
                self._store = open_store(self.settings)
            # ValueError: a URL SQLAlchemy cannot split (a port "[::1"); ImportError: a dialect whose driver is
            # not installed (mysql://). Both are the URL's fault: one line, never a traceback.
            except (
                sa.exc.DBAPIError,
                sa.exc.ArgumentError,
                sa.exc.NoSuchModuleError,
                ConfigError,
                OSError,
                ValueError,
                ImportError,
            ) as error:
                raise database_error(self.settings.resolved_database_url, error) from error
        return self._store


OPENED_URLS: list[str] = []  # for the one-line message of a connection lost mid-command (``cli.main``)


def database_error(url: str, error: BaseException) -> click.ClickException:
    """One line naming the database (password hidden) and the driver's first line of complaint."""
    original = getattr(error, "orig", None) or error
    reason = next((line.strip() for line in str(original).splitlines() if line.strip()), type(original).__name__)
    return click.ClickException(f"cannot open the store at {safe_url(url)}: {reason}")


def safe_url(url: str) -> str:
    """A database URL as it may be shown: the password replaced by ***."""
    import sqlalchemy as sa  # only when a URL is shown: `--help` and `extract` never load the store's stack

    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("://", 1)[0] + "://…" if "://" in url else "(unparsable URL)"


# Reports and progress go to stderr so stdout stays machine-readable (extract/export print JSON there).
err_console = Console(stderr=True, soft_wrap=True)  # soft wrap: a long line is never cut into two when piped
out_console = Console(file=sys.stdout, soft_wrap=True)


PROGRESS_EVERY = 10.0  # seconds between progress lines when stderr is not a terminal


def progress_bar() -> Progress:
    """A bar with a count on stderr on a terminal; piped or redirected, a plain progress line on stderr every
    ``PROGRESS_EVERY`` seconds (a long import into a log file would otherwise say nothing until its summary)."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    class LineProgress(Progress):
        def __init__(self) -> None:
            super().__init__(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
                disable=not err_console.is_terminal,
            )
            self.started = self.said = time.monotonic()

        def advance(self, task_id: TaskID, advance: float = 1) -> None:
            super().advance(task_id, advance)
            self.say_progress()

        def say_progress(self) -> None:
            now = time.monotonic()
            if not self.disable or now - self.said < PROGRESS_EVERY:
                return
            self.said = now
            for task in self.tasks:
                if task.finished:
                    continue
                done = f"{task.completed:,.0f}"
                if task.total:
                    done += f" of {task.total:,.0f} ({task.completed / task.total:.0%})"
                err_console.print(
                    f"{task.description}: {done}, {now - self.started:.0f} s", markup=False, highlight=False
                )

    return LineProgress()


class Ticker:
    """Progress of a long step that has no count to advance (grouping stories, translating, the batch stages after
    an import, a crawl round): a spinner on a terminal; piped or redirected, a plain line on stderr every
    ``PROGRESS_EVERY`` seconds from a background thread (``description: N s``, then what ``detail`` says), so a log
    file shows the command alive through minutes of work instead of silence until its summary.

    ``with Ticker("grouping stories") as tick: ...; tick.update("translating")``. ``spinner=False`` leaves the
    terminal to a display of the caller's own (the crawl's live line)."""

    def __init__(self, description: str, detail: Callable[[], str] | None = None, *, spinner: bool = True) -> None:
        import threading
        import time

        self.description = description
        self.detail = detail
        self.spinner = spinner
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status: Any = None

    def update(self, description: str) -> None:
        self.description = description
        if self._status is not None:
            self._status.update(description)

    def line(self) -> str:
        """What the next progress line says."""
        import time

        text = f"{self.description}: {time.monotonic() - self.started:.0f} s"
        if self.detail is not None and (detail := self.detail()):
            text += f"; {detail}"
        return text

    def _tick(self) -> None:
        while not self._stop.wait(max(PROGRESS_EVERY, 0.05)):  # read each time: tests shorten it
            err_console.print(self.line(), markup=False, highlight=False)

    def __enter__(self) -> Ticker:
        import threading

        if err_console.is_terminal:
            if self.spinner:
                self._status = err_console.status(self.description)
                self._status.__enter__()
        else:
            self._thread = threading.Thread(target=self._tick, name="newsloom-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._status is not None:
            self._status.__exit__(None, None, None)
