"""The portal application: routes for the reader-facing pages and health."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from newsloom.model import Article
from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store
from newsloom.text import slugify
from newsloom.web.sanitize import highlight_snippet

WEB_DIR = Path(__file__).parent
PAGE_SIZE = 30


def _format_date(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


def article_path(article: Article) -> str:
    return f"/article/{article.id}/{slugify(article.title, 60)}"


def create_app(settings: Settings, store: SQLStore | None = None) -> FastAPI:
    store = store or open_store(settings)
    app = FastAPI(title=settings.site_name, docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=WEB_DIR / "templates")
    templates.env.filters["date"] = _format_date
    templates.env.filters["highlight"] = highlight_snippet
    templates.env.globals.update(site_name=settings.site_name, article_path=article_path)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.state.store = store

    def outlet_names(articles: list[Article]) -> dict[int, str]:
        ids = {article.source_id for article in articles if article.source_id is not None}
        return {source_id: store.source_name(source_id) or "" for source_id in ids}

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        articles = store.latest_articles(PAGE_SIZE)
        return render(request, "home.html", articles=articles, outlets=outlet_names(articles))

    @app.get("/article/{article_id}", response_class=HTMLResponse)
    def article_short(article_id: int) -> RedirectResponse:
        article = store.get_article(article_id)
        if article is None:
            raise HTTPException(404, "No such article")
        return RedirectResponse(article_path(article), status_code=301)

    @app.get("/article/{article_id}/{slug}", response_class=HTMLResponse)
    def article_page(request: Request, article_id: int, slug: str) -> HTMLResponse:
        article = store.get_article(article_id)
        if article is None:
            raise HTTPException(404, "No such article")
        outlet = store.source_name(article.source_id) if article.source_id else None
        return render(request, "article.html", article=article, outlet=outlet or article.site_name)

    @app.get("/search", response_class=HTMLResponse)
    def search(request: Request, q: str = "") -> HTMLResponse:
        query = q.strip()[:200]
        hits = store.search(query, limit=PAGE_SIZE) if query else []
        return render(request, "search.html", query=query, hits=hits)

    @app.get("/healthz", response_class=PlainTextResponse)
    def healthz() -> str:
        store.count_articles()
        return "ok"

    @app.exception_handler(HTTPException)
    def not_found(request: Request, error: HTTPException) -> HTMLResponse:
        return render(request, "error.html", status_code=error.status_code, message=error.detail)

    return app
