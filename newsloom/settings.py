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
    canonical_aliases: str = Field(
        "",
        description="Domains that are one publisher, believed as each other's canonical URLs: 'a.com,a.co.uk; b.org,b.net'.",
    )
    fetch_deadline: float = Field(
        60.0, description="Seconds one fetch may take in all (connect and every read, redirects and retries included)."
    )
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
    extract_deadline: float = Field(
        30.0, description="Seconds a crawl's extraction worker may spend on one page before it is failed."
    )
    crawl_round_deadline: float = Field(
        3600.0, description="Seconds one feed's poll may take in all (fetching and processing its new articles)."
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
    sections: list[dict[str, Any]] | None = Field(
        None,
        description="Portal section scheme: a list of tables with names per edition (en, vi) and aliases; "
        "unset: World, Vietnam, Politics, Business, Technology, Science, Health, Sports, Culture, Travel, "
        "Lifestyle, Opinion, Law.",
    )
    section_min_confidence: float = Field(
        0.5, description="Least confidence at which the section classifier places an article the rules left."
    )
    section_autotrain_min: int = Field(
        100, description="Rule-placed articles needed before the store trains its own section classifier."
    )
    entity_tags: bool = Field(
        True, description="Find people, organisations and places in articles (underthesea for vi, spaCy for en)."
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (none by default).",
    )
    metrics_allow: str = Field(
        "127.0.0.0/8,::1/128", description="Comma-separated CIDRs that may read /metrics (loopback by default)."
    )
    page_cache_mb: int = Field(
        128, description="Memory per server process for rendered pages, served until the store changes (0: off)."
    )
    translate_backend: str = Field(
        "auto",
        description="Machine translation into translate_targets: auto | none | ctranslate2 | libretranslate | openai; "
        "auto: ctranslate2 once a model is installed (`newsloom models install vi en`), else none.",
    )
    translate_targets: str = Field(
        "en", description="Comma-separated languages each article gets a translated edition in, e.g. 'en,vi'."
    )
    translate_url: str = Field(
        "", description="LibreTranslate server URL, or OpenAI-compatible base URL ending in /v1 (openai backend)."
    )
    translate_api_key: str | None = Field(None, description="API key for the LibreTranslate or OpenAI endpoint.")
    translate_model: str = Field("", description="Model name sent to the OpenAI-compatible endpoint.")
    translate_model_dir: Path | None = Field(
        None, description="Offline models for ctranslate2 (Argos packages, OPUS-MT); default DATA_DIR/models."
    )
    translate_skip_sources: str = Field(
        "", description="Comma-separated source slugs or names whose articles are never translated."
    )
    translate_max_chars: int = Field(
        20_000, description="Characters translated per article; the rest of a longer page stays untranslated."
    )
    translate_timeout: float = Field(
        60.0, description="Seconds for one translation request, whole: connect, send and the complete answer."
    )
    translate_retries: int = Field(3, description="Retries of a translation request after a timeout, 429 or 5xx.")
    translate_backoff_seconds: float = Field(1.0, description="First translation retry delay; doubles each retry.")
    translate_batch_size: int = Field(50, description="Segments sent to a translation server per request.")

    @property
    def resolved_model_dir(self) -> Path:
        return self.translate_model_dir or self.data_dir / "models"

    @property
    def translate_target_list(self) -> list[str]:
        return [code.strip().lower() for code in self.translate_targets.split(",") if code.strip()]

    broker_url: str | None = Field(
        None,
        description="Celery broker (redis://... or amqp://...) for scale-out: `newsloom worker` and `newsloom beat`; "
        "unset, everything runs in-process.",
    )
    worker_concurrency: int = Field(2, description="Tasks one `newsloom worker` runs at once (processes).")
    queue_visibility_timeout: int = Field(
        600,
        description="Seconds before a task taken by a worker that died is handed to another (Redis broker).",
    )
    task_max_retries: int = Field(
        5, description="Retries of a task after a transient failure (store or broker unreachable), with backoff."
    )
    beat_interval_seconds: int = Field(30, description="How often `newsloom beat` sends due entry points to workers.")
    stories_interval_seconds: int = Field(60, description="How often `newsloom beat` runs the stories stage.")

    editions: str = Field(
        "vi,en",
        description="Portal language editions, comma-separated (URL prefixes /vi/, /en/); each needs a catalogue.",
    )
    default_edition: str = Field(
        "en", description="Edition served when the reader's Accept-Language names none of the editions."
    )
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Time zone in which the portal shows dates and times.")
    editions_readable_only: bool = Field(
        True,
        description="An edition's listings (home, sections, tags, authors, search) show only what its readers can "
        "read: originals in its language and translations into it; the rest is on outlet pages and "
        "/other-languages. Off: untranslated articles in other languages are listed too, labelled.",
    )

    @property
    def edition_list(self) -> list[str]:
        """The editions in order, the default first; an edition named twice or in another case counts once."""
        named = [code.strip().lower() for code in self.editions.split(",") if code.strip()]
        default = self.default_edition.strip().lower()
        return list(dict.fromkeys([default, *named]))

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
