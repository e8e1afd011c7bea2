"""Reader pages: home, section, tag, author, outlet, story, article and search. Server-rendered, no JS needed."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from newsloom.copy_signatures import copy_groups
from newsloom.enrich.disputes import story_disputes
from newsloom.enrich.provenance import citations
from newsloom.enrich.tags.aliases import tag_label
from newsloom.model import Article, Story
from newsloom.pipeline.translation import translation_pending
from newsloom.store.base import SearchHit
from newsloom.store.copies import CopyStore
from newsloom.store.portal_queries import Named
from newsloom.store.search import query_terms
from newsloom.text import slugify
from newsloom.web import search_page
from newsloom.web.article_blocks import NO_STORED_PAGE, keys_of, most_read_mark, picture_keys
from newsloom.web.copies import fold_copies
from newsloom.web.editions import prefix_of
from newsloom.web.i18n import N_, primary_language
from newsloom.web.pictures import image_urls
from newsloom.web.portal import (
    CACHE_HEADER,
    CSRF_PLACEHOLDER,
    PAGE_SIZE,
    BadCursor,
    ItemId,
    Portal,
    article_path,
    breadcrumb_list,
    decode_cursor,
    encode_cursor,
    outlet_logo_url,
    public_base,
)
from newsloom.web.search_share import NOTHING_FOUND, settings_mark, shared_pages, shared_token
from newsloom.web.security import SESSION_COOKIE
from newsloom.web.structured import (
    article_ld,
    canonical_for,
    cover_image,
    edition_path,
    hreflang_paths,
    item_list_ld,
    website_ld,
)


def _portal(request: Request) -> Portal:
    return request.app.state.portal  # type: ignore[no-any-return]


def _listing(
    request: Request,
    heading: str,
    kind: str,
    before: str | None,
    filters: dict[str, object],
    *,
    every_language: bool = False,
    **extra: Any,
) -> Response:
    """A paginated listing (section, tag, author, outlet): newest first, "Older articles" by keyset cursor.

    What the edition's readers can read (``editions_readable_only``); with ``every_language`` (an outlet's page),
    every article, each in the edition's version when it has one, else labelled untranslated."""
    portal = _portal(request)
    try:
        cursor = decode_cursor(before)
    except BadCursor as error:
        raise HTTPException(400, "Bad request: this “older articles” link is not one of ours") from error
    edition = portal.edition(request)
    chosen: dict[str, object] = {"edition": edition, "untranslated": every_language or portal.untranslated}
    chosen.update(filters)

    def render(token: str) -> Response:
        page = portal.store.latest_articles(
            PAGE_SIZE,
            before=cursor,
            summaries=True,
            **chosen,  # type: ignore[arg-type]
        )
        next_cursor = encode_cursor(page[-1]) if len(page) == PAGE_SIZE else None
        articles, also = fold_copies(page, CopyStore(portal.store.engine), portal.outlet_directory())
        return portal.render(
            request,
            "listing.html",
            heading=heading,
            articles=articles,
            also=also,
            outlets=portal.outlets_for(articles),
            next_cursor=next_cursor,
            kind=kind,
            csrf_token=token,
            crumb=heading,
            **extra,
        )

    return portal.page(render)


router = APIRouter()
MOST_READ_SECONDS = 60
HOME_TAGS_OVER = 20_000  # the home page's tags are the newest articles' most used (store/portal_queries.py, top_tags)
SEARCH_PAGES = 100  # results are ranked among the newest 2,000 matches: 100 pages of 20
CHEAP_TERMS = 3  # words a search may have and still run in the event loop (see ``search``)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    portal = _portal(request)
    edition = portal.edition(request)
    prefix = prefix_of(request.scope)

    def render(token: str) -> Response:
        copies, directory = CopyStore(portal.store.engine), portal.outlet_directory()
        untranslated = portal.untranslated

        def newest(limit: int, section: str | None = None) -> list[Article]:
            return portal.store.latest_articles(
                limit, section=section, edition=edition, untranslated=untranslated, summaries=True
            )

        latest, also = fold_copies(newest(PAGE_SIZE), copies, directory)
        sections = [s for s in portal.section_counts(edition) if s.articles][:8]
        by_section = {}
        for s in sections:
            by_section[s.slug], also_here = fold_copies(newest(4, s.slug), copies, directory)
            also.update(also_here)
        read = portal.store.visible_summaries(portal.most_read(20))
        most_read = portal.queries.in_edition(read, edition, untranslated=untranslated)[:5]
        shown = latest + [a for items in by_section.values() for a in items] + most_read
        return portal.render(
            request,
            "home.html",
            articles=latest,
            also=also,
            sections=sections,
            by_section=by_section,
            most_read=most_read,
            top_stories=_top_stories(portal, edition),
            outlets=portal.outlets_for(shown),
            tags=_home_tags(portal, None if untranslated else edition),
            outlet_list=sorted(portal.outlet_directory().values(), key=lambda o: o.name.casefold())[:16],
            elsewhere=(elsewhere := _elsewhere(portal, edition) if not latest else {}),
            feeds_followed=_feeds_followed(portal) if not (latest or elsewhere) else 0,
            csrf_token=token,
            extra_ld=website_ld(portal.settings.site_name, f"{public_base(portal.settings, request)}{prefix}/"),
        )

    # "Most read" lives outside the store: the page is rebuilt at least once a minute for it.
    return portal.page(render, seconds=MOST_READ_SECONDS)


def _home_tags(portal: Portal, edition: str | None) -> list[Named]:
    """The home page's tags, counted once per store change: the page is rebuilt every minute for its "most read",
    and counting the newest 20,000 articles' tags was most of that (150 ms at 100,000 articles)."""
    return portal.memo(
        ("home-tags", edition), lambda: portal.queries.top_tags(12, recent=HOME_TAGS_OVER, edition=edition)
    )


def _elsewhere(portal: Portal, edition: str) -> dict[str, int]:
    """An empty edition's articles in other languages, by language code ("und": unknown), most first: an edition
    with nothing readable must not tell its reader the store is empty when it holds articles it cannot show."""
    counts = portal.store.other_language_counts(edition)
    return dict(sorted(((code or "und", n) for code, n in counts.items()), key=lambda item: -item[1]))


def _feeds_followed(portal: Portal) -> int:
    """The entry points the crawler follows: an empty store with some is filling (a first `make run`), and its
    home says so rather than how to add sources."""
    from newsloom.store.sources import SourceStore

    return sum(len(source.feeds) for source in SourceStore(portal.store.engine).list_sources())


def _top_stories(portal: Portal, edition: str, most: int = 5) -> list[tuple[Story, int]]:
    """The home page's top stories: with ``editions_readable_only``, those with a report in the edition's language,
    each titled by its newest such report (a Vietnamese story's title is no headline for an English reader)."""
    if portal.untranslated:
        return portal.queries.top_stories(most)
    found = portal.queries.top_stories(most * 4)
    titles = portal.queries.story_titles_in([story.id for story, _ in found if story.id is not None], edition)
    shown = [(replace(story, title=titles[story.id]), count) for story, count in found if story.id in titles]
    return shown[:most]


@router.get("/section/{slug}", response_class=HTMLResponse)
def section(request: Request, slug: str, before: str | None = None) -> Response:
    portal = _portal(request)
    name = portal.queries.section_name(slug)
    if name is None:
        raise HTTPException(404, N_("No such section"))
    edition = portal.editions[portal.edition(request)]
    heading = portal.section_labels(edition).get(slug) or edition.section_name(slug, name)
    return _listing(request, heading, "section", before, {"section": slug}, feed=f"/section/{slug}/feed.xml")


# A tag's page says what it names: a person, an organisation, a place, or a topic ("Tag").
_TAG_HEADINGS = {
    "person": N_("Person: %(name)s"),
    "organisation": N_("Organisation: %(name)s"),
    "place": N_("Place: %(name)s"),
    "topic": N_("Tag: %(name)s"),
}


@router.get("/tag/{slug}", response_class=HTMLResponse)
def tag(request: Request, slug: str, before: str | None = None) -> Response:
    portal = _portal(request)
    name = portal.queries.tag_name(slug)
    if name is None:
        raise HTTPException(404, N_("No such tag"))
    template = _TAG_HEADINGS.get(portal.queries.tag_kind(slug) or "topic", _TAG_HEADINGS["topic"])
    heading = portal.gettext(request, template) % {"name": tag_label(name, portal.edition(request))}
    return _listing(request, heading, "tag", before, {"tag": slug}, feed=f"/tag/{slug}/feed.xml")


@router.get("/author/{slug}", response_class=HTMLResponse)
def author(request: Request, slug: str, before: str | None = None) -> Response:
    portal = _portal(request)
    name = portal.queries.author_name(slug)
    if name is None:
        raise HTTPException(404, N_("No such author"))
    heading = portal.gettext(request, N_("By %(name)s")) % {"name": name}
    return _listing(request, heading, "author", before, {"author": slug})


@router.get("/videos", response_class=HTMLResponse)
def videos(request: Request) -> Response:
    """The newest articles with a video in their body, those the edition's readers can read."""
    portal = _portal(request)
    heading = portal.gettext(request, N_("Videos"))

    def render(token: str) -> Response:
        ids = portal.memo(("videos",), lambda: portal.media.with_videos(PAGE_SIZE))
        found = portal.store.visible_summaries(ids)  # one query: the list shows no body
        articles = portal.queries.in_edition(found, portal.edition(request), untranslated=portal.untranslated)
        return portal.render(
            request, "listing.html", heading=heading, articles=articles, outlets=portal.outlets_for(articles),
            next_cursor=None, kind="videos", csrf_token=token, crumb=heading,
        )  # fmt: skip

    return portal.page(render)


@router.get("/outlets", response_class=HTMLResponse)
def outlets(request: Request) -> Response:
    portal = _portal(request)
    return portal.render(
        request, "outlets.html", outlet_list=portal.outlet_counts(), crumb=portal.gettext(request, N_("Outlets"))
    )


@router.get("/outlet/{slug}", response_class=HTMLResponse)
def outlet(request: Request, slug: str, before: str | None = None) -> Response:
    portal = _portal(request)
    found = portal.queries.outlet(slug)
    if found is None:
        if moved := portal.queries.outlet_moved_to(slug):  # renamed or taken over: old links keep working
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(f"{prefix_of(request.scope)}/outlet/{moved}{query}", status_code=301)
        raise HTTPException(404, N_("No such outlet"))
    feed = f"/outlet/{slug}/feed.xml"
    return _listing(
        request, found.name, "outlet", before, {"source_id": found.id}, every_language=True, outlet=found, feed=feed
    )


@router.get("/other-languages", response_class=HTMLResponse)
def other_languages(request: Request, before: str | None = None) -> Response:
    """The articles an edition does not list (``editions_readable_only``): originals in other languages with no
    translation into the edition's, newest first, each labelled with its language. Linked from the footer."""
    portal = _portal(request)
    edition = portal.edition(request)
    heading = portal.gettext(request, N_("Other languages"))
    return _listing(request, heading, "other-languages", before, {"edition": None, "other_than": edition})


def _copy_of(articles: list[Article]) -> dict[int, Article]:
    """For each report that repeats an earlier one's text, the earliest report of that text (the timeline is
    oldest first, so the first of a group is the one the others copy)."""
    by_id = {a.id: a for a in articles}
    return {copy: by_id[group[0]] for group in copy_groups(articles) for copy in group[1:]}


@router.get("/story/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: ItemId) -> Response:
    portal = _portal(request)
    found = portal.queries.story(story_id)
    if found is None or not found[1]:  # every report hidden: nothing of it may show
        raise HTTPException(404, N_("No such story"))
    story_row, articles = found
    outlets, labels = portal.outlet_labels(articles)
    base = public_base(portal.settings, request)
    # the timeline lists each text once, oldest first; its copies are folded into it: another outlet's as "also
    # published by", the same outlet's own repost as "republished" (naming the outlet again would read as a slip)
    copy_of = _copy_of(articles)
    copied_by: dict[int, list[int]] = {}
    reposted: dict[int, list[int]] = {}
    for copy_id, original in copy_of.items():
        original_id = cast(int, original.id)  # a stored article's
        folded = reposted if labels[copy_id] == labels[original_id] else copied_by
        folded.setdefault(original_id, []).append(copy_id)

    def render(token: str) -> Response:
        return portal.render(
            request,
            "story.html",
            story=story_row,
            articles=articles,
            outlets=outlets,
            labels=labels,
            citations=citations(articles, labels),
            copy_of=copy_of,
            copied_by=copied_by,
            reposted=reposted,
            disputes=story_disputes(articles, labels),
            first=articles[0] if articles else None,
            outlet_count=len(set(labels.values())),
            csrf_token=token,
            crumb=story_row.title,
            extra_ld=item_list_ld(story_row.title, [base + edition_path(a, portal.editions) for a in articles]),
        )

    return portal.page(render)


@router.get("/article/{article_id}")
def article_short(request: Request, article_id: ItemId) -> Response:
    found = _portal(request).store.get_article(article_id)
    if found is None:
        raise HTTPException(404, N_("No such article"))
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(prefix_of(request.scope) + article_path(found) + query, status_code=301)


@router.get("/article/{article_id}/{slug}", response_class=HTMLResponse)
async def article(
    request: Request,
    article_id: ItemId,
    slug: str,
    side_by_side: bool = Query(False),
    side: bool = Query(False),
) -> Response:
    """Rendered in the event loop, not a worker thread: a first render reads the page's stored parts (two indexed
    reads, ``web.article_blocks``) or, when they are missing or stale, a few small indexed reads and the template
    (the related blocks come from shared lists); under load a thread per render cost more than the render, in hops
    and in threads queueing for the GIL (the long tail of first renders: BENCHMARKS.md, "Web").

    In an edition (``/en/article/…``), an article in another language sends the reader to its translation into
    the edition's language, or its original, when there is one; otherwise it is shown labelled untranslated.
    """
    portal = _portal(request)
    posted = request.query_params.get("posted")
    posted = posted if posted in ("held", "published") else None
    plain = not (posted or side or side_by_side)  # the page every reader of this address gets
    if plain and not request.scope.get(NO_STORED_PAGE):
        stored = portal.blocks.serve(request, article_id, slug)
        if stored is not None:
            stored.headers[CACHE_HEADER] = "0"  # as ``Portal.page``: kept until the store changes
            return stored
    article = portal.store.get_article(article_id)
    if article is None:
        raise HTTPException(404, N_("No such article"))
    edition = portal.edition(request)
    prefix = prefix_of(request.scope)
    editions = portal.queries.editions(article)
    if moved := _edition_redirect(portal, article, editions, edition, prefix):
        return RedirectResponse(moved, status_code=302)
    if slug != slugify(article.title, 60):  # one address per page: a wrong or old slug moves to the right one
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(prefix + article_path(article) + query, status_code=301)
    return portal.page(
        lambda token: article_page(
            portal, request, article, editions, token, posted=posted, beside=side or side_by_side
        )[0]
    )


def _edition_redirect(portal: Portal, article: Article, editions: list[Article], edition: str, prefix: str) -> str:
    """In an edition's address, the version of the article in that edition's language, if it is another one."""
    if prefix and portal.editions[edition].foreign(article.language):
        version = next((e for e in editions if primary_language(e.language) == edition), None)
        if version is not None:
            return prefix + article_path(version)
    return ""


def article_page(
    portal: Portal,
    request: Request,
    article: Article,
    editions: list[Article],
    token: str,
    *,
    posted: str | None = None,
    beside: bool = False,
    stored: bool = False,
) -> tuple[Response, set[str]]:
    """An article's page, and the keys of what it is made of (``web.article_blocks``). With ``stored``, the header,
    footer, most read and the same-tag, same-category and same-author lists are marks (``ArticleBlocks.assemble`` puts them in): the page to keep in
    ``article_blocks``. This is the reference every stored page is compared with."""
    assert article.id is not None
    article_id = article.id
    edition = portal.edition(request)
    prefix = prefix_of(request.scope)
    comments = portal.comments.for_article(article_id)
    related = portal.queries.related(
        article, shared=portal.memo, edition=edition, untranslated=portal.untranslated, kinds=("story",)
    )
    outlet_map = portal.outlets_for([article, *[a for items in related.values() for a in items], *editions])
    original = next((e for e in editions if e.id == article.translated_from), None)
    beside_article = portal.store.get_article(original.id) if original and original.id and beside else None
    story_found = portal.queries.story(article.story_id) if article.story_id else None
    roots = [c for c in comments if c.parent_id is None]
    outlet = outlet_map.get(article.source_id or -1)
    section_name = portal.section_name(article.section) if article.section else None
    base = public_base(portal.settings, request)
    untranslated = portal.editions[edition].foreign(article.language)
    urls = image_urls(article)
    pictures = portal.media.lookup(urls)
    # One address per text: an article's own page is in the edition of its own language.
    page_url = base + edition_path(article, portal.editions)
    canonical, robots = canonical_for(article, portal.settings, page_url)
    # og:url: this page, in the edition it is shown in (a negotiated, un-prefixed page: its language's).
    own_url = base + prefix + article_path(article) if prefix else page_url
    hreflang = [(code, base + path) for code, path in hreflang_paths(article, editions, portal.settings,
                                                                       portal.editions)]  # fmt: skip
    logo = portal.logos().get(outlet.logo_url) if outlet and outlet.logo_url else None
    # The JSON-LD names the canonical page, as rel=canonical and og:url do (the publisher's, by default).
    jsonld = article_ld(article, base=base, site_name=portal.settings.site_name, outlet=outlet, outlet_logo=logo,
                        section_name=section_name, pictures=pictures, page_url=canonical,
                        zone=portal.editions[edition].timezone)  # fmt: skip
    trail = [(portal.settings.site_name, f"{base}{prefix}/")]
    if article.section and section_name:
        trail.append((section_name, f"{base}{prefix}/section/{article.section}"))
    keys = keys_of(article, related, editions)
    keys.update(picture_keys([*urls, outlet.logo_url if outlet else None, outlet_logo_url(outlet) if outlet else None]))
    if beside_article is not None:
        keys.add(f"a:{beside_article.id}")
    most_read = (
        most_read_mark(article.section)
        if stored
        else portal.blocks.most_read_html(article.section, article_id, edition, prefix)
    )
    response = portal.render(
        request,
        "article.html",
        article=article,
        outlet=outlet,
        pictures=pictures,
        canonical=canonical,
        robots=robots,
        page_url=own_url,
        jsonld=jsonld,
        og_image=cover_image(article, pictures, base),
        most_read_html=most_read,
        outlets=outlet_map,
        related=related,
        neighbours=portal.blocks.neighbours(article, edition, prefix, stored),
        editions=editions,
        translated_from=original,
        original_outlet=outlet_map.get(original.source_id or -1) if original else None,
        original_href=edition_path(original, portal.editions) if original else None,
        original=beside_article,
        untranslated=untranslated,
        translation_pending=untranslated
        and translation_pending(
            portal.store, portal.settings, article, edition, (outlet.slug, outlet.name) if outlet else ()
        ),
        translation_flags=portal.translation_flags(article_id) if article.translated_from else [],
        alternates=portal.alternates(request, _edition_paths(portal, article, editions)),
        hreflang=hreflang,
        breadcrumbs=breadcrumb_list([*trail, (article.title, own_url)]),
        comments=roots,
        replies={c.id: [r for r in comments if r.parent_id == c.id] for c in roots},
        comment_count=len(comments),
        section_name=section_name,
        story=story_found[0] if story_found else None,
        disputes=portal.article_disputes(article),
        posted=posted,
        csrf_token=token,
        fragment_marks=stored,
    )
    return response, keys


def _edition_paths(portal: Portal, article: Article, editions: list[Article]) -> dict[str, str]:
    """Per edition, the page of this article that edition shows: the version in its language, else the original
    (which that edition labels untranslated). Feeds the hreflang links and the language switch."""
    family = [article, *editions]
    root = next((a for a in family if a.id == (article.translated_from or article.id)), article)
    paths = {"x-default": article_path(article)}
    for code in portal.editions:
        version = next((a for a in family if primary_language(a.language) == code), root)
        paths[code] = article_path(version)
    return paths


@router.get("/search", response_class=HTMLResponse)
async def search(
    request: Request,
    q: str = Query("", max_length=200),
    section: str | None = Query(None, max_length=200),
    outlet: str | None = Query(None, max_length=200),
    language: str | None = Query(None, max_length=10),
    date_from: str | None = Query(None, alias="from", max_length=10),
    date_to: str | None = Query(None, alias="to", max_length=10),
    page: int = Query(1, ge=1, le=SEARCH_PAGES),
) -> Response:
    filters = {"section": section, "outlet": outlet, "language": language, "from": date_from, "to": date_to}
    return await search_response(_portal(request), request, q, filters, page)


# The address format of shared search entries: a server of another version (another format) never reads them.
SHARED_FORMAT = "2"
# The search route's parameters as the page cache reads them (``direct_search``): name, longest value.
SEARCH_PARAMETERS = {"q": 200, "section": 200, "outlet": 200, "language": 10, "from": 10, "to": 10, "page": 3}
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,2}")


async def direct_search(portal: Portal, scope: Scope) -> Response | None:
    """``/search`` answered without the framework's routing and parameter checks (a fifth of a new search's CPU),
    for a query string whose parameters the route would take as they are; None sends anything else (a value too
    long, a page that is not a plain number in range, a parameter given twice) to the route, which answers it."""
    request = Request(scope)
    given: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        longest = SEARCH_PARAMETERS.get(name)
        if longest is None:
            continue  # the route ignores it too (utm_*, a stray parameter)
        if name in given or len(value) > longest:
            return None
        given[name] = value
    page = given.pop("page", "1")
    if _PAGE_NUMBER.fullmatch(page) is None or int(page) > SEARCH_PAGES:
        return None
    filters = {name: given.get(name) for name in ("section", "outlet", "language", "from", "to")}
    try:
        return await search_response(portal, request, given.get("q", ""), filters, int(page))
    except HTTPException:
        return None  # the route answers it, with the application's error page


async def search_response(
    portal: Portal, request: Request, q: str, filters: dict[str, str | None], page: int
) -> Response:
    """A search page: the route's answer to its checked parameters (``filters`` by their names in the address)."""
    query = q.strip()
    section, outlet, language, date_from, date_to = (
        filters[k] for k in ("section", "outlet", "language", "from", "to")
    )
    # A page another worker rendered under the same store state is taken from the shared file (see
    # ``web.search_share``); an administrator's pages are always rendered. A search another worker found nothing
    # for is not run again: its page is put together here (from the frame, for a search without filters).
    token = shared_token(portal.store) if query and portal.settings.page_cache_mb > 0 else None
    if token is not None and SESSION_COOKIE in request.cookies:
        token = None
    address, nothing_found = "", False
    if token is not None:
        address = "|".join(
            (SHARED_FORMAT, settings_mark(portal.settings), portal.edition(request), prefix_of(request.scope),
             public_base(portal.settings, request),
             request.url.path, request.scope["query_string"].decode("latin-1"))
        )  # fmt: skip
        shared = shared_pages(portal.settings.data_dir).get(address, token)
        if shared is not None and shared[0] == NOTHING_FOUND:
            nothing_found = True
        elif shared is not None:
            body, placeholder, content_language = shared
            if placeholder != CSRF_PLACEHOLDER:
                body = body.replace(placeholder.encode(), CSRF_PLACEHOLDER.encode())
            again = HTMLResponse(body, headers={"Content-Language": content_language})
            again.headers[CACHE_HEADER] = "0"
            return again
    source = portal.outlet_named(outlet) if outlet else None
    chosen = {
        "section": section or None,
        "source_id": source.id if source else None,
        "language": language or None,
        "since": _day(date_from),
        "until": _day(date_to, end=True),
        # What the edition's readers can read, unless they chose a language themselves.
        "edition": None if language or portal.untranslated else portal.edition(request),
    }

    # Most new searches find nothing: one probe tells, here, with no statement and no thread hop.
    matches = portal.store.search_matches(query) if query and not nothing_found else 0

    def find() -> tuple[list[SearchHit], int]:
        # The page and its count in one statement; a short page is the last one, so most new searches (a word and
        # a number or a name, ending on their first page) are not counted at all.
        return portal.store.search_page(
            query,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            matches=matches,
            **chosen,  # type: ignore[arg-type]
        )

    # A plain search of a few words is bounded (the store ranks only the newest matches) and takes about a
    # millisecond on SQLite: it runs here, in the event loop, with no thread hop. Filters can make the store walk
    # many matches, and each common word adds a long merge: those searches wait in a worker thread instead, as
    # does every search on a server database, where a common word's ranks and snippets take tens of milliseconds
    # the loop would otherwise spend waiting on a socket (PostgreSQL's ts_rank_cd and ts_headline read documents).
    cheap = (
        portal.store.engine.dialect.name == "sqlite"
        and not (section or outlet or language or date_from or date_to)
        and len(query_terms(query)) <= CHEAP_TERMS
    )
    hits, total = ([], 0) if matches == 0 else find() if cheap else await run_in_threadpool(find)
    if hits:
        kept, also = fold_copies([h.article for h in hits], CopyStore(portal.store.engine), portal.outlet_directory())
        kept_ids = {a.id for a in kept}
        hits = [h for h in hits if h.article.id in kept_ids]
    else:
        also = {}
    pages = min(SEARCH_PAGES, -(-total // PAGE_SIZE))

    def render(csrf: str) -> Response:
        if not hits and not total:  # most new searches: their frame with the query filled in
            nothing = search_page.render_nothing_found(portal, request, query, filters, csrf)
            if nothing is not None:
                return nothing
        context = search_page.page_context(
            portal, request, query=query, hits=hits, also=also, total=total, page=page, pages=pages,
            filters=filters, csrf=csrf,
        )  # fmt: skip
        return search_page.render(portal, request, context) or portal.render(request, "search.html", **context)

    response = portal.page(render)
    if token is not None and response.status_code == 200 and not nothing_found:
        language = response.headers.get("content-language", "")
        # Nothing found (most new searches): a row of a few bytes to write, and to trim later, instead of a page.
        body = NOTHING_FOUND if not hits and not total else bytes(response.body)
        shared_pages(portal.settings.data_dir).put(address, token, body, CSRF_PLACEHOLDER, language)
    return response


def _day(value: str | None, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.fromisoformat(value)
    except ValueError:
        return None
    return day.replace(hour=23, minute=59, second=59) if end else day
