"""JSON API, mounted at ``/api/v1`` with its OpenAPI document at ``/api/v1/openapi.json``.

Listings are cursor-paginated: each page returns ``next_cursor``; pass it back as ``cursor`` for the next page.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from pydantic import BaseModel, Field

from newsloom.enrich.disputes import story_disputes
from newsloom.enrich.provenance import citations
from newsloom.model import Article
from newsloom.web.portal import (
    BadCursor,
    ItemId,
    Portal,
    article_path,
    decode_cursor,
    encode_cursor,
    public_url,
)

MAX_LIMIT = 100
TAGS_OVER = 20_000  # newest articles /api/v1/tags counts over by default (the home page's window)
MAX_TAGS_OVER = 200_000
# The API is the same for every edition; a client wanting one language asks for it.
LANG_HELP = "Only articles in this language (ISO code: originals written in it and translations into it)."


class ArticleOut(BaseModel):
    id: int
    title: str
    lead: str | None
    portal_url: str
    source_url: str | None = Field(description="The original's http(s) address; null for a saved local page.")
    canonical_url: str | None = Field(description="The canonical http(s) address; null for a saved local page.")
    outlet: str | None
    section: str | None
    tags: list[str]
    authors: list[str]
    language: str | None
    published: datetime | None
    story_id: int | None


class ArticleDisputeOut(BaseModel):
    """The other side of a dispute the article is part of: ``denied_by`` (this article carries the claim, the other
    denies it) or ``denies`` (this article denies the other's report)."""

    role: Literal["denied_by", "denies"]
    article_id: int
    portal_url: str
    outlet: str
    denial_sentence: str
    actor: str | None
    whose_report: str | None


class ArticleFull(ArticleOut):
    body: str
    images: list[dict[str, object]]
    attribution: list[dict[str, object]]
    disputes: list[ArticleDisputeOut] = []
    disputed: bool = False


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    next_cursor: str | None


class SearchHitOut(BaseModel):
    article: ArticleOut
    snippet: str


class SearchResult(BaseModel):
    query: str
    items: list[SearchHitOut]


class NamedOut(BaseModel):
    slug: str
    name: str
    articles: int


class OutletOut(BaseModel):
    slug: str
    name: str
    homepage: str
    language: str | None
    articles: int
    portal_url: str


class CitationOut(BaseModel):
    article_id: int
    citing: str
    cited: str
    cited_article_id: int | None


class DisputeOut(BaseModel):
    """A report of the story and the report denying it: the denying sentence, its actor, whose report it names."""

    claim_article_id: int
    denial_article_id: int
    denial_sentence: str
    actor: str | None
    whose_report: str | None


class StoryOut(BaseModel):
    id: int
    title: str
    portal_url: str
    first_published: datetime | None
    last_published: datetime | None
    first_reporter: str | None
    articles: list[ArticleOut]
    citations: list[CitationOut]
    disputes: list[DisputeOut] = []
    disputed: bool = False


class StorySummary(BaseModel):
    id: int
    title: str
    portal_url: str
    articles: int
    last_published: datetime | None


class CommentOut(BaseModel):
    id: int
    parent_id: int | None
    author_name: str
    body: str
    created_at: datetime | None


class ErrorOut(BaseModel):
    detail: str


NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": ErrorOut, "description": "No such item"}}
BAD_CURSOR: dict[int | str, dict[str, object]] = {400: {"model": ErrorOut, "description": "Not a cursor we gave"}}


def _portal(request: Request) -> Portal:
    return request.app.state.portal  # type: ignore[no-any-return]


def _article_out(portal: Portal, article: Article, outlets: dict[int, str]) -> ArticleOut:
    assert article.id is not None
    return ArticleOut(
        id=article.id,
        title=article.title,
        lead=article.lead,
        portal_url=portal.settings.base_url.rstrip("/") + article_path(article),
        source_url=public_url(article.url),
        canonical_url=public_url(article.canonical_url),
        outlet=outlets.get(article.source_id or -1),
        section=article.section,
        tags=article.tags,
        authors=article.authors,
        language=article.language,
        published=article.published,
        story_id=article.story_id,
    )


def _outlet_names(portal: Portal, articles: list[Article]) -> dict[int, str]:
    return {key: value.name for key, value in portal.outlets_for(articles).items()}


def create_api(portal: Portal) -> FastAPI:
    api = FastAPI(
        title=f"{portal.settings.site_name} API",
        version="1",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    api.state.portal = portal

    @api.get("/articles", response_model=ArticlePage, responses=BAD_CURSOR)
    def articles(
        request: Request,
        limit: int = Query(20, ge=1, le=MAX_LIMIT),
        cursor: str | None = Query(None, max_length=80),
        section: str | None = Query(None, max_length=200),
        tag: str | None = Query(None, max_length=200),
        outlet: str | None = Query(None, max_length=200),
        lang: str | None = Query(None, max_length=20, description=LANG_HELP),
    ) -> ArticlePage:
        portal = _portal(request)
        source = portal.queries.outlet(outlet) if outlet else None
        if outlet and source is None:
            return ArticlePage(items=[], next_cursor=None)
        try:
            before = decode_cursor(cursor)
        except BadCursor as error:
            raise HTTPException(400, "Bad cursor: pass back a next_cursor this API returned") from error
        found = portal.store.latest_articles(
            limit,
            before=before,
            section=section,
            tag=tag,
            source_id=source.id if source else None,
            language=lang or None,
            summaries=True,
        )
        names = _outlet_names(portal, found)
        next_cursor = encode_cursor(found[-1]) if len(found) == limit else None
        return ArticlePage(items=[_article_out(portal, a, names) for a in found], next_cursor=next_cursor)

    @api.get("/articles/{article_id}", response_model=ArticleFull, responses=NOT_FOUND)
    def article(request: Request, article_id: ItemId) -> ArticleFull:
        portal = _portal(request)
        found = portal.store.get_article(article_id)
        if found is None:
            raise HTTPException(404, "No such article")
        base = _article_out(portal, found, _outlet_names(portal, [found]))
        data = found.to_dict()
        disputes = [
            ArticleDisputeOut(
                role=item.link.role.value,
                article_id=item.link.other_id,
                portal_url=portal.settings.base_url.rstrip("/") + article_path(item.other),
                outlet=item.outlet,
                denial_sentence=item.link.denial.sentence,
                actor=item.link.denial.actor,
                whose_report=item.link.denial.whose,
            )
            for item in portal.article_disputes(found)
        ]
        return ArticleFull(
            **base.model_dump(),
            body=data["body"],
            images=data["images"],
            attribution=data["attribution"],
            disputes=disputes,
            disputed=any(item.role == "denied_by" for item in disputes),
        )

    @api.get("/search", response_model=SearchResult)
    def search(
        request: Request,
        q: str = Query(..., min_length=1, max_length=200),
        limit: int = Query(20, ge=1, le=MAX_LIMIT),
        lang: str | None = Query(None, max_length=20, description=LANG_HELP),
    ) -> SearchResult:
        portal = _portal(request)
        hits = portal.store.search(q, limit=limit, language=lang or None)
        names = _outlet_names(portal, [hit.article for hit in hits])
        items = [
            SearchHitOut(
                article=_article_out(portal, h.article, names),
                snippet=h.snippet.replace("\x02", "").replace("\x03", ""),
            )
            for h in hits
        ]
        return SearchResult(query=q, items=items)

    @api.get("/sections", response_model=list[NamedOut])
    def sections(request: Request) -> list[NamedOut]:
        # Counted as the header counts them: reused up to a minute where counting is slow (a million articles).
        return [NamedOut(slug=s.slug, name=s.name, articles=s.articles) for s in _portal(request).section_counts()]

    @api.get("/tags", response_model=list[NamedOut])
    def tags(
        request: Request,
        limit: int = Query(50, ge=1, le=MAX_LIMIT),
        over: int = Query(
            TAGS_OVER, ge=1, le=MAX_TAGS_OVER, description="Count tag links over the newest `over` articles."
        ),
    ) -> list[NamedOut]:
        """The most used tags of the newest articles (what is in the news), as the home page counts them: counting
        every tag link of the store would grow with the store, without bound."""
        queries = _portal(request).queries
        return [NamedOut(slug=t.slug, name=t.name, articles=t.articles) for t in queries.top_tags(limit, recent=over)]

    @api.get("/outlets", response_model=list[OutletOut])
    def outlets(request: Request) -> list[OutletOut]:
        portal = _portal(request)
        base = portal.settings.base_url.rstrip("/")
        return [
            OutletOut(
                slug=o.slug,
                name=o.name,
                homepage=o.homepage,
                language=o.language,
                articles=o.articles,
                portal_url=f"{base}/outlet/{o.slug}",
            )
            for o in portal.outlet_counts()
        ]

    @api.get("/stories/{story_id}", response_model=StoryOut, responses=NOT_FOUND)
    def story(request: Request, story_id: ItemId) -> StoryOut:
        portal = _portal(request)
        found = portal.queries.story(story_id)
        if found is None or not found[1]:  # every report hidden: nothing of it may show
            raise HTTPException(404, "No such story")
        story_row, items = found
        outlets, labels = portal.outlet_labels(items)
        names = {key: outlet.name for key, outlet in outlets.items()}
        assert story_row.id is not None
        disputes = [
            DisputeOut(
                claim_article_id=pair.claim_id,
                denial_article_id=pair.denial_id,
                denial_sentence=pair.denial.sentence,
                actor=pair.denial.actor,
                whose_report=pair.denial.whose,
            )
            for pair in story_disputes(items, labels)
        ]
        return StoryOut(
            id=story_row.id,
            title=story_row.title,
            portal_url=f"{portal.settings.base_url.rstrip('/')}/story/{story_row.id}",
            first_published=story_row.first_published,
            last_published=story_row.last_published,
            first_reporter=labels.get(items[0].id) if items and items[0].id is not None else None,
            articles=[_article_out(portal, a, names) for a in items],
            citations=[CitationOut(**asdict(c)) for c in citations(items, labels)],
            disputes=disputes,
            disputed=bool(disputes),
        )

    @api.get("/stories", response_model=list[StorySummary])
    def stories(request: Request, limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[StorySummary]:
        """Top stories: the largest of the fresh ones, as on the home page."""
        portal = _portal(request)
        base = portal.settings.base_url.rstrip("/")
        return [
            StorySummary(
                id=s.id or 0,
                title=s.title,
                portal_url=f"{base}/story/{s.id}",
                articles=n,
                last_published=s.last_published,
            )
            for s, n in portal.queries.top_stories(limit)
        ]

    @api.get("/articles/{article_id}/comments", response_model=list[CommentOut], responses=NOT_FOUND)
    def comments(request: Request, article_id: ItemId) -> list[CommentOut]:
        portal = _portal(request)
        if portal.store.get_article(article_id) is None:
            raise HTTPException(404, "No such article")
        return [
            CommentOut(
                id=c.id or 0, parent_id=c.parent_id, author_name=c.author_name, body=c.body, created_at=c.created_at
            )
            for c in portal.comments.for_article(article_id)
        ]

    return api
