"""Tables of the store (SQLAlchemy Core). Migrations in ``migrations/versions`` must produce exactly this;
``tests/store/test_migrations.py`` compares them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from newsloom.store.types import UTCDateTime

metadata = sa.MetaData()

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(200), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("homepage", sa.Text, nullable=False),
    sa.Column("language", sa.String(20)),
    sa.Column("country", sa.String(10)),
    sa.Column("logo_url", sa.Text),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("domain", sa.String(253)),  # registrable domain: one outlet per publisher
    sa.Column("name_rank", sa.Integer, nullable=False, server_default="0"),  # evidence of the name; 100: operator's
    sa.Index("ix_sources_domain", "domain"),
)

# An outlet's former slugs (a rename, or an outlet absorbed by an operator's source): /outlet/<old> answers 301.
outlet_slugs = sa.Table(
    "outlet_slugs",
    metadata,
    sa.Column("slug", sa.String(200), primary_key=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
)

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("section", sa.String(200)),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_success_at", UTCDateTime()),
    sa.Column("last_error", sa.Text),
    sa.Column("last_error_at", UTCDateTime()),
    sa.Column("error_streak", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_poll_at", UTCDateTime()),
    sa.Column("poll_interval_seconds", sa.Integer, nullable=False, server_default="900"),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

crawl_urls = sa.Table(
    # Every article URL the crawler has taken from a feed, so each goes through the pipeline once; ``marker`` is
    # what the feed said about its version (updated date, sitemap lastmod), a changed marker means fetch again.
    "crawl_urls",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE")),
    sa.Column("marker", sa.Text),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    sa.Column("first_seen_at", UTCDateTime(), nullable=False),
    sa.Column("fetched_at", UTCDateTime()),
    sa.Index("ix_crawl_urls_source_id", "source_id"),
)

sections = sa.Table(
    "sections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(200), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("parent_slug", sa.String(200)),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("first_published_at", UTCDateTime()),
    sa.Column("last_published_at", UTCDateTime()),
    sa.Column("article_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("canonical_url", sa.Text, nullable=False, unique=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("lead", sa.Text),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("blocks", sa.JSON, nullable=False),
    sa.Column("images", sa.JSON, nullable=False),
    sa.Column("attribution", sa.JSON, nullable=False),
    sa.Column("authors", sa.JSON, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("published_at", UTCDateTime()),
    sa.Column("modified_at", UTCDateTime()),
    sa.Column("language", sa.String(20)),
    sa.Column("site_name", sa.String(300)),
    sa.Column("section_slug", sa.String(200)),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL")),
    sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="SET NULL")),
    sa.Column("story_checked_at", UTCDateTime()),  # when the stories stage last considered the article
    sa.Column("translated_from", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    sa.Column("translation_backend", sa.String(40)),  # on a translated edition: which backend and model made it
    sa.Column("translation_model", sa.String(300)),
    sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("content_hash", sa.String(64), nullable=False),
    # When the article sorts in listings: its publication date, else when we first stored it.
    sa.Column("listed_at", UTCDateTime(), nullable=False),
    sa.Column("fetched_at", UTCDateTime()),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("carried_by_source_id", sa.Integer),  # the source whose feed listed another outlet's article
    sa.Column("publisher_section", sa.String(300)),  # the publisher's own label; section_slug is the scheme's
    sa.Column("section_rule", sa.String(20)),  # feed | publisher | breadcrumb | url | classifier; NULL: unplaced
    sa.Column("section_confidence", sa.Float),
    sa.Column("enriched_at", UTCDateTime()),  # when the batch enrichment (entities, classifier) last saw it
    sa.Column("media_checked_at", UTCDateTime()),  # when the media stage last handled its pictures; NULL: waiting
    sa.Index("ix_articles_listed_at", "listed_at"),
    sa.Index("ix_articles_section_listed", "section_slug", "listed_at"),
    sa.Index("ix_articles_source_listed", "source_id", "listed_at"),
    sa.Index("ix_articles_story_id", "story_id"),
    sa.Index("ix_articles_story_checked_at", "story_checked_at"),
    sa.Index("ix_articles_updated_at", "updated_at"),
    sa.Index("ix_articles_translated_from", "translated_from"),
    sa.Index("ix_articles_enriched_at", "enriched_at"),
    sa.Index("ix_articles_media_checked_at", "media_checked_at"),
    sa.Index(  # the newest dated report of any story, without walking the articles in no story
        "ix_articles_story_published",
        "published_at",
        sqlite_where=sa.text("story_id IS NOT NULL"),
        postgresql_where=sa.text("story_id IS NOT NULL"),
    ),
    sa.Index("ix_articles_section_hidden", "section_slug", "hidden"),  # counts per section from the index alone
    sa.Index("ix_articles_source_hidden", "source_id", "hidden"),  # counts per outlet from the index alone
)

article_tags = sa.Table(
    "article_tags",
    metadata,
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_slug", sa.String(200), primary_key=True),
    sa.Column("tag_name", sa.String(300), nullable=False),
    sa.Column("listed_at", UTCDateTime()),  # the article's, so "newest with this tag" is an index range
    sa.Column("tag_kind", sa.String(20)),  # person | organisation | place | topic
    sa.Index("ix_article_tags_tag_slug", "tag_slug"),
    sa.Index("ix_article_tags_tag_listed", "tag_slug", "listed_at"),
    sa.Index("ix_article_tags_listed", "listed_at", "tag_slug", "tag_name"),  # the newest articles' tags, counted
)

article_authors = sa.Table(
    "article_authors",
    metadata,
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("author_slug", sa.String(200), primary_key=True),
    sa.Column("author_name", sa.String(300), nullable=False),
    sa.Column("listed_at", UTCDateTime()),  # the article's, so "newest by this author" is an index range
    sa.Index("ix_article_authors_author_slug", "author_slug"),
    sa.Index("ix_article_authors_author_listed", "author_slug", "listed_at"),
)

article_html = sa.Table(
    "article_html",
    metadata,
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("html_gz", sa.LargeBinary, nullable=False),
    sa.Column("final_url", sa.Text),
    sa.Column("fetched_at", UTCDateTime()),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("comments.id", ondelete="CASCADE")),
    sa.Column("author_name", sa.String(100), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
    sa.Column("ip_hash", sa.String(64)),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_comments_article_status", "article_id", "status"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

extraction_health = sa.Table(
    # Per outlet and day (UTC, of fetching), how many new articles came out of extraction with each field: a
    # template change shows as a field's share falling below the outlet's own baseline (store/health.py).
    "extraction_health",
    metadata,
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("articles", sa.Integer, nullable=False, server_default="0"),
    sa.Column("with_title", sa.Integer, nullable=False, server_default="0"),
    sa.Column("with_date", sa.Integer, nullable=False, server_default="0"),
    sa.Column("with_authors", sa.Integer, nullable=False, server_default="0"),
    sa.Column("with_lead", sa.Integer, nullable=False, server_default="0"),
    sa.Column("with_cover", sa.Integer, nullable=False, server_default="0"),
    sa.Column("with_body", sa.Integer, nullable=False, server_default="0"),
)

# Syndicated copies (the copies stage): each checked article's MinHash signature and, for a copy, the earliest
# report of its text; ``copy_bands`` is the LSH index (one row per band of a signature), kept with the store.
article_copies = sa.Table(
    "article_copies",
    metadata,
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("signature", sa.LargeBinary),  # MinHash hash values; null for a text too short to compare
    sa.Column("original_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    sa.Index("ix_article_copies_original_id", "original_id"),
)

copy_bands = sa.Table(
    "copy_bands",
    metadata,
    sa.Column("band", sa.Integer, primary_key=True),
    sa.Column("bucket", sa.BigInteger, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)

# Admin sessions, so logging out ends one for good and deleting an account ends its sessions (the cookie carries
# a signed random token; only its SHA-256 is kept here).
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

translation_jobs = sa.Table(
    # One row per (original article, target language): whether its translated edition is made, failed (and
    # when to try again), and which version of the original it was made from (``source_hash``), so an updated
    # original is translated again.
    "translation_jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("target", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # done | partial | failed
    sa.Column("reason", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("source_hash", sa.String(64)),
    sa.Column("translation_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    sa.Column("next_attempt_at", UTCDateTime()),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("article_id", "target", name="uq_translation_jobs_article_target"),
    sa.Index("ix_translation_jobs_status", "status"),
)

translation_flags = sa.Table(
    # What the translation checks found in a translated edition, per block ("part": title, lead, block 3, ...).
    "translation_flags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("part", sa.String(60), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # number | date | name | quote | untranslated
    sa.Column("original", sa.Text, nullable=False),
    sa.Column("translated", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Index("ix_translation_flags_article_id", "article_id"),
    sa.Index("ix_translation_flags_kind", "kind"),
)

translation_memory = sa.Table(
    # Every segment ever translated, keyed by a hash of (backend, model, source, target, text): an identical
    # sentence (boilerplate, a syndicated copy, a recurring caption) is never sent to a backend twice.
    "translation_memory",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("translation", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

media = sa.Table(
    # Every image URL the media stage has tried (cover, body image, outlet logo), keyed by that URL: a stored
    # picture ("ok": its content hash names the files of its renditions) or a failure with its reason, so each
    # URL is fetched once. Several URLs may share one digest: the files are stored once.
    "media",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("digest", sa.String(64)),
    sa.Column("mime", sa.String(40)),
    sa.Column("width", sa.Integer),
    sa.Column("height", sa.Integer),
    sa.Column("widths", sa.String(60)),  # rendition widths, comma-separated, smallest first
    sa.Column("fetched_at", UTCDateTime(), nullable=False),
)


article_blocks = sa.Table(
    # An article page's reader-independent parts as last rendered (``web.article_blocks``), per edition and link
    # prefix (``variant``): valid while no ``block_changes`` row newer than ``stamp`` names one of its ``keys``
    # and the portal's ``fingerprint`` (settings and templates) is the one it was made with.
    "article_blocks",
    metadata,
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("variant", sa.String(60), primary_key=True),
    sa.Column("fingerprint", sa.String(32), nullable=False),
    sa.Column("stamp", sa.BigInteger, nullable=False),
    sa.Column("slug", sa.String(200), nullable=False),
    sa.Column("keys", sa.JSON, nullable=False),
    sa.Column("page", sa.LargeBinary, nullable=False),  # zstd-compressed UTF-8 (``store.article_blocks``)
)

block_changes = sa.Table(
    # What changed, by key ("a:12" an article, "t:storm" a tag's links, "s:world" a section's articles, "m:<url>"
    # a picture...): one row per change, appended by triggers on the tables pages are made of (migration 0112),
    # so every write path, in any process, invalidates the blocks it affects and no other.
    "block_changes",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("key", sa.Text, nullable=False),
    sa.Index("ix_block_changes_key", "key", "id"),
)


def inserted_id(result: sa.CursorResult[Any]) -> int:
    """The new row's id from an INSERT of one row (SQLAlchemy types the key as optional: it is absent only for
    statements that insert no single row, which would be a bug here)."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the INSERT returned no primary key")
    return int(key[0])
