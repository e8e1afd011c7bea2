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
        description="Public base URL of the portal, used in feeds, sitemaps and canonical links; "
        "`serve` warns when it is unset or names another address.",
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
    fetch_connect_timeout: float = Field(10.0, description="Seconds to wait for a TCP/TLS connection.")
    fetch_read_timeout: float = Field(20.0, description="Seconds to wait for each read from a server.")
    fetch_retries: int = Field(3, description="Retries after a timeout, 5xx or 429 (exponential backoff, jitter).")
    fetch_backoff_seconds: float = Field(
        1.0, description="First retry delay; doubles each retry. Retry-After wins when a server sends it."
    )
    fetch_max_retry_after: float = Field(
        300.0, description="Longest Retry-After honoured within a crawl; longer waits fail the fetch."
    )
    fetch_max_redirects: int = Field(5, description="Redirects followed per fetch (each target is SSRF-checked).")
    fetch_http2: bool = Field(True, description="Offer HTTP/2 to servers that support it (HTTPS only).")
    crawl_concurrency: int = Field(16, description="Requests in flight across all hosts.")
    crawl_per_host_concurrency: int = Field(2, description="Requests in flight per host (1 or 2 is polite).")
    crawl_min_delay: float = Field(
        1.0, description="Seconds between request starts to one host; a longer robots.txt Crawl-delay wins."
    )
    crawl_max_delay: float = Field(60.0, description="Cap on the Crawl-delay honoured from robots.txt.")
    robots_cache_seconds: int = Field(3600, description="How long a host's robots.txt is cached.")
    poll_interval_seconds: int = Field(900, description="First poll interval of a new feed.")
    poll_min_seconds: int = Field(120, description="Shortest adaptive poll interval (busy feeds).")
    poll_max_seconds: int = Field(21600, description="Longest adaptive poll interval (idle or failing feeds).")
    crawl_max_articles_per_poll: int = Field(500, description="New article URLs taken from one feed poll.")
    crawl_workers: int = Field(
        2, description="Processes extracting pages while fetching continues; 0 extracts in a thread instead."
    )
    warc_dir: Path | None = Field(
        None, description="If set, every fetched response is appended to rotating WARC files in this directory."
    )
    warc_max_bytes: int = Field(
        200_000_000, description="Size at which a crawl WARC file is closed and a new one begun."
    )
    log_level: str = Field("WARNING", description="Log level of the structured logs (quiet by default).")
    secret_key: str | None = Field(
        None,
        description="Key signing sessions and CSRF tokens; generated and kept in the data directory if unset.",
    )

    extract_overrides_dir: Path | None = Field(
        None, description="Directory of per-site extraction override files (TOML, XPath selectors); none by default."
    )
    comment_policy: str = Field(
        "moderate", description="'moderate' holds reader comments for approval; 'publish' shows them at once."
    )
    secure_cookies: bool | None = Field(
        None, description="Mark session cookies Secure; default: on when base_url is https."
    )
    page_cache_mb: int = Field(
        128, description="Memory per server process for rendered pages, served until the store changes (0: off)."
    )

    fetch_images: bool = Field(
        True,
        description="After storing articles (crawl and import), fetch their cover and body images and outlet logos "
        "into the media store; off: pages show tidy placeholders.",
    )
    media_dir: Path | None = Field(
        None, description="Directory of stored images and their renditions; default: media/ in the data directory."
    )
    image_max_bytes: int = Field(8_000_000, description="Largest image file accepted.")
    image_max_pixels: int = Field(
        40_000_000, description="Largest image accepted, in pixels (Pillow's decompression-bomb limit)."
    )
    images_per_article: int = Field(8, description="Images fetched per article (the cover first, then the body's).")
    syndication: str = Field(
        "canonical",
        description="Republished full text: 'canonical' points rel=canonical at the original; 'noindex' keeps "
        "pages out of search engines; 'self' makes the portal's page canonical (publisher of record).",
    )
    trust_proxy_headers: bool = Field(
        False,
        description="Take the public scheme and host from X-Forwarded-Proto/-Host (only behind a proxy you run) "
        "when base_url is unset.",
    )
    video_hosts: str = Field(
        "",
        description="Comma-separated hosts whose video players may be embedded in frames (none: poster + link).",
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'newsloom.db').resolve()}"

    @property
    def resolved_media_dir(self) -> Path:
        return self.media_dir or self.data_dir / "media"

    @property
    def base_url_is_set(self) -> bool:
        """Whether an operator chose base_url (environment, file or flag) rather than leaving the default."""
        return "base_url" in self.model_fields_set

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
