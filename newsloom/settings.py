"""One typed settings object, read from ``NEWSLOOM_*`` environment variables and an optional TOML file.

The TOML file is ``$NEWSLOOM_CONFIG`` if set, else ``newsloom.toml`` in the data directory. Environment wins over
the file. Every field carries a description: ``newsloom settings`` prints the table, and a test fails when a field
lacks one. Nothing deep in the pipeline reads the environment: stages receive this object.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSLOOM_", extra="ignore")

    data_dir: Path = Field(
        Path("newsloom-data"), description="Directory holding the SQLite store, WARC archives and caches."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the store; overrides the SQLite file in the data directory."
    )
    site_name: str = Field("newsloom", description="Portal name shown in page titles and feeds.")
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public base URL of the portal, used in feeds, sitemaps and canonical links.",
    )
    user_agent: str = Field(
        "newsloom/0.1 (+{contact_url})",
        description="User-Agent sent by the fetcher; {contact_url} is filled in.",
    )
    contact_url: str = Field(
        "https://example.invalid/newsloom-bot",
        description="Where publishers can learn about or contact this crawler.",
    )
    allow_networks: str = Field(
        "",
        description="Comma-separated CIDRs the fetcher may reach despite the SSRF guard, e.g. 127.0.0.0/8.",
    )
    max_page_bytes: int = Field(10_000_000, description="Largest page or feed accepted, after decompression.")
    log_level: str = Field("WARNING", description="Log level of the structured logs (quiet by default).")
    secret_key: str | None = Field(
        None,
        description="Key signing sessions and CSRF tokens; generated and kept in the data directory if unset.",
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'newsloom.db').resolve()}"

    @property
    def http_user_agent(self) -> str:
        return self.user_agent.replace("{contact_url}", self.contact_url)


def _toml_values(data_dir: Path | None) -> dict[str, Any]:
    config = os.environ.get("NEWSLOOM_CONFIG")
    candidates = [Path(config)] if config else []
    if data_dir is not None:
        candidates.append(data_dir / "newsloom.toml")
    for path in candidates:
        if path.is_file():
            with path.open("rb") as handle:
                return dict(tomllib.load(handle))
    return {}


def load_settings(**overrides: Any) -> Settings:
    """Settings from file, then environment, then explicit overrides (e.g. CLI flags), later winning."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    env_settings = Settings(**overrides)
    file_values = _toml_values(env_settings.data_dir)
    if not file_values:
        return env_settings
    env_set = {name for name in Settings.model_fields if f"NEWSLOOM_{name.upper()}" in os.environ}
    merged = {k: v for k, v in file_values.items() if k in Settings.model_fields and k not in env_set}
    merged.update(overrides)
    return Settings(**merged)
