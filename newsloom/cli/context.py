"""What every command receives: settings resolved once, the store opened on first use, logging configured."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from rich.console import Console

from newsloom.domains import parse_aliases
from newsloom.extract.overrides import SiteOverrides, load_overrides
from newsloom.logs import configure_logging
from newsloom.model import Article, FetchedPage
from newsloom.pipeline import extract_stage
from newsloom.settings import Settings, load_settings
from newsloom.store import SQLStore, open_store


@dataclass
class AppContext:
    data_dir: Path | None = None
    database_url: str | None = None
    verbosity: int = 0
    _settings: Settings | None = field(default=None, repr=False)
    _store: SQLStore | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        level = {0: None, 1: logging.INFO}.get(self.verbosity, logging.DEBUG)
        configure_logging(level or self.settings.log_level)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(data_dir=self.data_dir, database_url=self.database_url)
        return self._settings

    @property
    def overrides(self) -> SiteOverrides | None:
        """Operators' per-site extraction selectors, if a directory is configured."""
        directory = self.settings.extract_overrides_dir
        return load_overrides(directory) if directory else None

    def extract_stage(self) -> Callable[[FetchedPage], Article]:
        aliases = parse_aliases(self.settings.canonical_aliases)
        return partial(extract_stage, overrides=self.overrides, canonical_aliases=aliases)

    @property
    def store(self) -> SQLStore:
        if self._store is None:
            self._store = open_store(self.settings)
        return self._store


# Reports and progress go to stderr so stdout stays machine-readable (extract/export print JSON there).
err_console = Console(stderr=True)
out_console = Console(file=sys.stdout, soft_wrap=True)
