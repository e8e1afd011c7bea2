"""Where stories are read from and written to: the articles around the ones still without a story, and the
story rows and ``articles.story_id`` links the stories stage decides.

A story row exists only once two articles share it: a lone article is not a story yet, and it is offered to the
stories stage again on the next run, when a later article may join it. Writes happen in one transaction, so a
crash leaves the previous grouping intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from newsloom.model import UNDATED
from newsloom.store import schema
from newsloom.story_doc import BODY_CHARS, StoryDoc

MAX_DOCS = 20_000


def outlet_key(source_id: int | None, site_name: str | None, url: str) -> str:
    """One outlet, however a report came in: its source, else the name the page gives, else its site's host (the
    portal's outlet label, reduced to what tells outlets apart)."""
    if source_id is not None:
        return f"source:{source_id}"
    if site_name:
        return f"name:{site_name.casefold()}"
    return "host:" + (urlsplit(url).hostname or "").removeprefix("www.")


@dataclass(frozen=True, slots=True)
class StoryChanges:
    stories_created: int = 0
    articles_linked: int = 0


class StoryStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def pending_window(self, window: timedelta, limit: int = MAX_DOCS) -> list[StoryDoc]:
        """Articles the stories stage has not considered yet, and every article within ``window`` of them: the
        stories they may join, and the lone articles they may pair with.

        Newest first up to ``limit``: on a store far larger than that (an archive imported at once), the oldest
        new articles are considered in a later run, once the newer ones are checked.
        """
        a = schema.articles
        unchecked = sa.and_(a.c.story_checked_at.is_(None), a.c.story_id.is_(None), a.c.hidden.is_(False))
        with self.engine.connect() as conn:
            oldest = conn.execute(sa.select(sa.func.min(a.c.listed_at)).where(unchecked)).scalar()
            if oldest is None:
                return []
            try:
                since = oldest - window
            except OverflowError:  # a page dated in year 1
                since = oldest
            query = (
                sa.select(
                    a.c.id,
                    a.c.title,
                    a.c.lead,
                    sa.func.substr(a.c.body, 1, BODY_CHARS).label("body"),  # all the grouping reads
                    a.c.published_at,
                    a.c.listed_at,
                    a.c.story_id,
                    a.c.story_checked_at,
                    a.c.source_id,
                    a.c.site_name,
                    a.c.canonical_url,
                    a.c.language,
                )
                .where(a.c.listed_at >= since, a.c.hidden.is_(False))
                .order_by(a.c.listed_at.desc(), a.c.id.desc())
                .limit(limit)
            )
            return [
                StoryDoc(
                    id=row.id,
                    title=row.title,
                    text=f"{row.lead or ''}\n{row.body}",
                    published=row.published_at or row.listed_at,
                    story=row.story_id,
                    checked=row.story_checked_at is not None,
                    outlet=outlet_key(row.source_id, row.site_name, row.canonical_url),
                    language=row.language,
                )
                for row in conn.execute(query)
            ]

    def create_story(self, title: str, article_ids: list[int], now: datetime) -> int:
        """Groups articles into a story under a given title (tests and administrators; the stage uses ``save``)."""
        a = schema.articles
        with self.engine.begin() as conn:
            story_id = schema.inserted_id(
                conn.execute(schema.stories.insert().values(title=title, created_at=now, updated_at=now))
            )
            conn.execute(a.update().where(a.c.id.in_(article_ids)).values(story_id=story_id, updated_at=now))
            self.refresh(conn, story_id, now)
        return story_id

    def save(
        self,
        grouping: dict[int, int],
        considered: list[int],
        now: datetime,
        central: dict[int, int] | None = None,
    ) -> StoryChanges:
        """Apply a grouping: new stories (negative keys with two or more members) are created, their articles
        linked, and every touched story's dates and count refreshed. A new story is titled by its most central
        report (``central``: key → article id, as the stage finds it), else by its first report; ``considered``
        articles are marked as checked, so later runs compare them only with newer articles."""
        members: dict[int, list[int]] = {}
        for article_id, key in grouping.items():
            members.setdefault(key, []).append(article_id)
        a, s = schema.articles, schema.stories
        created = linked = 0
        with self.engine.begin() as conn:
            touched: set[int] = set()
            for key, ids in members.items():
                if key < 0 and len(ids) < 2:
                    continue
                if key < 0:
                    title = ""
                    if central and central.get(key) in ids:
                        title = conn.execute(sa.select(a.c.title).where(a.c.id == central[key])).scalar() or ""
                    key = schema.inserted_id(
                        conn.execute(s.insert().values(title=title, created_at=now, updated_at=now))
                    )
                    created += 1
                result = conn.execute(
                    a.update().where(a.c.id.in_(ids), a.c.story_id.is_(None)).values(story_id=key, updated_at=now)
                )
                if result.rowcount:
                    linked += result.rowcount
                    touched.add(key)
            for key in touched:
                self.refresh(conn, key, now)
            for start in range(0, len(considered), 500):
                conn.execute(a.update().where(a.c.id.in_(considered[start : start + 500])).values(story_checked_at=now))
        return StoryChanges(created, linked)

    @staticmethod
    def refresh(conn: sa.Connection, story_id: int, now: datetime) -> None:
        """Dates and count from the members; a story without a title takes its first report's headline (a
        title, once given, stays: it is what links to the story say)."""
        a = schema.articles
        # An undated report (listed at UNDATED) dates nothing: a story of undated reports has no dates, and so is
        # never among the fresh top stories.
        first_seen = sa.case((a.c.listed_at > UNDATED, a.c.listed_at))
        first, last, count = conn.execute(
            sa.select(sa.func.min(first_seen), sa.func.max(first_seen), sa.func.count(a.c.id)).where(
                a.c.story_id == story_id
            )
        ).one()
        values: dict[str, object] = {
            "first_published_at": first,
            "last_published_at": last,
            "article_count": count,
            "updated_at": now,
        }
        stories = schema.stories
        untitled = conn.execute(sa.select(stories.c.title).where(stories.c.id == story_id)).scalar() == ""
        if untitled:
            values["title"] = conn.execute(
                sa.select(a.c.title).where(a.c.story_id == story_id).order_by(first_seen, a.c.id).limit(1)
            ).scalar()
        conn.execute(stories.update().where(stories.c.id == story_id).values(**values))

    @staticmethod
    def retitle_visible(conn: sa.Connection, story_id: int, now: datetime) -> None:
        """After an article is hidden or shown again: a story titled by a report readers may not see takes the
        headline of its first visible report instead (moderation reaches story titles too). A story with no
        visible report keeps its row; the portal does not show it."""
        a, stories = schema.articles, schema.stories
        first_seen = sa.func.coalesce(a.c.published_at, a.c.listed_at)
        members = conn.execute(
            sa.select(a.c.title, a.c.hidden).where(a.c.story_id == story_id).order_by(first_seen, a.c.id)
        ).all()
        visible = [row.title for row in members if not row.hidden]
        hidden = {row.title for row in members if row.hidden}
        title = conn.execute(sa.select(stories.c.title).where(stories.c.id == story_id)).scalar()
        # Only a title taken from a hidden report changes: one an editor gave stays.
        if visible and title in hidden and title not in visible:
            conn.execute(stories.update().where(stories.c.id == story_id).values(title=visible[0], updated_at=now))
