"""An article page's first render from its precomputed parts: one row read, one check, a few splices.

Most of an article page is the same for every reader until the article itself changes: its body, JSON-LD and meta
tags, the same-story list and the story box, the outlet and edition links, its comments. ``precompute`` renders that page through the live path (``pages.article``, the
reference) once per edition and link prefix, with marks where the parts that change otherwise go, and stores it in
``article_blocks`` (``store.article_blocks``: valid while nothing it names changed; ``web.prerender`` does it). A
first render then reads that
row and splices in:

- the header's and footer's fragments (``Portal._fragment``: one per edition and prefix per store change);
- "Most read in <section>" (read counts live outside the store): recomputed at most every ``MOST_READ_SECONDS``
  (and on a store change), per section and edition, shared by every page of the section;
- "Same tag", "Same category", "Same author": the newest few of each of its tags, its section, its authors
  (``PortalQueries.related``), the same list for every article of that name, so kept out of the row: each name's
  entries are rendered once per store change, edition and prefix (``neighbour_items``), and a page merges those of
  its names, its own language family left out. A new article in a section thus leaves the section's stored pages
  valid (the row's keys name only what is the article's own), and their lists still show it;
- the CSRF placeholder of this process (``web.page_cache`` swaps each reader's token in).

Rows are written by ``precompute`` only, never while serving: a write moves the store's change counter, which would
make every worker drop its page cache on each first render. A page whose row is missing or stale is rendered live
(as before), and the next ``precompute`` stores it again: the batch's last stage for the articles it wrote
(``prerender.PageStage``), ``newsloom prerender`` for the rest. Pages that depend on the request (``?side=1``, ``?posted=``, an address taken from proxy headers) are
always rendered live.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.requests import Request

from newsloom.store.article_blocks import BlockStore, StoredBlocks
from newsloom.store.portal_queries import RELATED_SIZE, _group, _newest_first, _slugs
from newsloom.web.editions import prefix_of
from newsloom.web.i18n import N_
from newsloom.web.pictures import ListItems

if TYPE_CHECKING:
    from newsloom.model import Article
    from newsloom.settings import Settings

MOST_READ_SECONDS = 60  # "most read" in an article's side column is at most this old (or one store change)
CSRF_MARK = "<!--newsloom:csrf-->"
NO_STORED_PAGE = "newsloom.no_stored_page"  # in a request's scope: the page cache found no valid row for it
# Marks are HTML comments: publisher text, titles and URLs are escaped (``<`` never reaches the page raw, and in
# JSON-LD it is ``\\u003c``), so only the template can put one in a page.
_MARK_START = "<!--newsloom:"
_MOST_READ_MARK = "<!--newsloom:most-read:{section}-->"
_FRAGMENT_MARK = "<!--newsloom:fragment:{name}-->"
# kind, whether the article has any such name (which empty note), its language family, its names (URL-quoted)
_NEIGHBOURS_MARK = "<!--newsloom:neighbours:{kind}:{has}:{own}:{names}-->"
NEIGHBOURS = ("tag", "category", "author")  # the related lists spliced in; "story" is the article's own
_NONE_YET = {
    "tag": (N_("No other article shares a tag with this one yet."), N_("This article has no tags.")),
    "category": (N_("No other article in this section yet."), N_("This article has no section.")),
    "author": (N_("No other article by this author yet."), N_("No byline on this article.")),
}
FRAGMENTS = ("_site_nav.html", "_site_footer.html")
_SOURCES = (".py", ".html", ".mo", ".css", ".svg", ".toml", ".json")


def fragment_mark(name: str) -> Markup:
    return Markup(_FRAGMENT_MARK.format(name=name))


def most_read_mark(section: str | None) -> Markup:
    return Markup(_MOST_READ_MARK.format(section=section or ""))


def neighbour_names(article: Article) -> dict[str, tuple[list[str], bool]]:
    """Per spliced kind, the names its list is made of (as ``PortalQueries.related`` takes them) and whether the
    article has any (which empty note shows)."""
    return {
        "tag": (_slugs(article.tags), bool(article.tags)),
        "category": ([article.section] if article.section else [], bool(article.section)),
        "author": (_slugs(article.authors), bool(article.authors)),
    }


def neighbours_mark(kind: str, names: list[str], has: bool, own: int) -> Markup:
    quoted = ",".join(quote(name, safe="") for name in names)
    return Markup(_NEIGHBOURS_MARK.format(kind=kind, has=int(has), own=own, names=quoted))


def code_fingerprint(root: Path) -> str:
    """What pages are made with besides the store: the package's code, templates, catalogues and static files."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in root.rglob("*") if p.suffix in _SOURCES and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def page_settings(settings: Settings) -> str:
    """The settings an article page shows or depends on, as text: a row made under others is not served. Only
    these: a worker's settings and ``newsloom prerender``'s may differ in the rest (paths, caches, secrets)."""
    from newsloom.pipeline.translation import active_backend

    names = ("site_name", "base_url", "base_url_is_set", "trust_proxy_headers", "syndication", "edition_list",
             "timezone", "sections", "editions_readable_only", "video_hosts", "translate_target_list",
             "translate_skip_sources")  # fmt: skip
    return repr([(name, getattr(settings, name)) for name in names] + [("backend", active_backend(settings))])


class ArticleBlocks:
    """Stored article pages of one portal. ``portal`` is its ``web.portal.Portal`` (which makes this object: typed
    loosely, as this module sits below it); ``csrf_placeholder`` and ``article_path`` are that module's."""

    def __init__(self, portal: Any, csrf_placeholder: str, article_path: Callable[[Article], str]) -> None:
        self.portal = portal
        self.csrf_placeholder = csrf_placeholder
        self.article_path = article_path
        self.store = BlockStore(portal.store.engine)
        package = Path(__file__).resolve().parents[1]
        made_with = page_settings(portal.settings) + code_fingerprint(package)
        self.fingerprint = hashlib.blake2b(made_with.encode(), digest_size=16).hexdigest()

    def usable(self, request: Request | None) -> bool:
        """Pages name their public address: when it comes from each request's proxy headers, none is shared."""
        settings = self.portal.settings
        return not settings.trust_proxy_headers or settings.base_url_is_set

    @staticmethod
    def variant(edition: str, prefix: str) -> str:
        return f"{edition}|{prefix}"

    # -- serving -----------------------------------------------------------------------------------------------

    def serve(self, request: Request, article_id: int, slug: str) -> Response | None:
        """The page from its stored row, or None when there is no valid one (the caller renders it live)."""
        edition, prefix = self.portal.edition(request), prefix_of(request.scope)
        found = self.page(article_id, edition, prefix)
        if found is None:
            return None
        stored_slug, page = found
        if stored_slug != slug:  # one address per page, as the live path answers
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(f"{prefix}/article/{article_id}/{stored_slug}{query}", status_code=301)
        return HTMLResponse(page, headers={"Content-Language": edition})

    def page(self, article_id: int, edition: str, prefix: str) -> tuple[str, str] | None:
        """``(slug, page)`` from the stored row when it is valid, the page assembled (``assemble``)."""
        if not self.usable(None):
            return None
        found = self.store.valid(article_id, self.variant(edition, prefix), self.fingerprint)
        if found is None:
            return None
        return found.slug, self.assemble(found.page, article_id, edition, prefix)

    def assemble(self, page: str, article_id: int, edition: str, prefix: str) -> str:
        """A stored page with this moment's header, footer and most read, and this process's CSRF placeholder:
        split once at its marks (``<!--newsloom:name-->``), each mark's part put in."""
        pieces = page.split(_MARK_START)
        out = [pieces[0]]
        for piece in pieces[1:]:
            name, _, rest = piece.partition("-->")
            if name == "csrf":
                out.append(self.csrf_placeholder)
            elif name.startswith("fragment:"):
                out.append(str(self.portal.fragment_html(name.removeprefix("fragment:"), edition, prefix)))
            elif name.startswith("most-read:"):
                section = name.removeprefix("most-read:") or None
                out.append(str(self.most_read_html(section, article_id, edition, prefix)))
            elif name.startswith("neighbours:"):
                kind, has, own, quoted = name.removeprefix("neighbours:").split(":", 3)
                names = [unquote(part) for part in quoted.split(",")] if quoted else []
                out.append(str(self.neighbours_html(kind, names, has == "1", int(own), edition, prefix)))
            out.append(rest)
        return "".join(out)

    # -- most read ---------------------------------------------------------------------------------------------

    def most_read_html(self, section: str | None, but: int | None, edition: str, prefix: str) -> Markup:
        """The side column's ranked list (or its empty note), as the template wrote it: the section's most read
        the edition's readers can read, the page's own article left out."""
        bucket = int(time.time() // MOST_READ_SECONDS)
        ranked = self.portal.memo(
            ("most-read-html", section, edition, prefix, bucket), lambda: self._ranked(section, edition, prefix)
        )
        shown = [html for article_id, html in ranked if article_id != but][:5]
        if shown:
            return Markup('\n    <ol class="ranked">' + "".join(shown) + "</ol>\n    ")
        message = Markup(self.portal.editions[edition].translations.gettext("Nothing else to read here yet.")) % {}
        return Markup('<p class="empty">') + message + Markup("</p>")

    def _ranked(self, section: str | None, edition: str, prefix: str) -> list[tuple[int | None, str]]:
        article_path = self.article_path
        items = self.portal.most_read_in(section, edition)
        covers = self.portal.covers_for(items)
        path_of = (lambda article: prefix + article_path(article)) if prefix else article_path
        listed = ListItems(covers, path_of, {}, self.portal.editions[edition].foreign, "")
        return [(item.id, str(listed(item, ranked=True))) for item in items]

    # -- same tag, same category, same author --------------------------------------------------------------------

    def neighbours(self, article: Article, edition: str, prefix: str, stored: bool) -> dict[str, Markup]:
        """The spliced related lists of an article's page, per kind: as marks for its stored row, else rendered
        (what the marks become, so a stored page and a live one are the same bytes)."""
        own = _group(article)
        found = {}
        for kind, (names, has) in neighbour_names(article).items():
            found[kind] = (
                neighbours_mark(kind, names, has, own)
                if stored
                else self.neighbours_html(kind, names, has, own, edition, prefix)
            )
        return found

    def neighbours_html(self, kind: str, names: list[str], has: bool, own: int, edition: str, prefix: str) -> Markup:
        """One list: the newest of its names' entries merged, each article once, the page's own family left out
        (``PortalQueries.related``'s order and size), or its empty note."""
        found: dict[int, tuple[tuple[float, int], str]] = {}
        for name in names:
            for article_id, group, order, html in self.neighbour_items(kind, name, edition, prefix):
                if group != own:
                    found[article_id] = (order, html)
        shown = sorted(found.values())[:RELATED_SIZE]
        if shown:
            return Markup('<ul class="side-list">' + "".join(html for _, html in shown) + "</ul>")
        note = _NONE_YET[kind][0 if has else 1]
        message = Markup(self.portal.editions[edition].translations.gettext(note)) % {}
        return Markup('<p class="empty">') + message + Markup("</p>")

    def neighbour_items(
        self, kind: str, name: str, edition: str, prefix: str
    ) -> list[tuple[int, int, tuple[float, int], str]]:
        """The newest of one tag, section or author as the edition shows them, each entry rendered: ``(id, family,
        order, html)``, shared by every page of that name until the store changes."""
        items: list[tuple[int, int, tuple[float, int], str]] = self.portal.memo(
            ("neighbour-items", kind, name, edition, prefix),
            partial(self._neighbour_items, kind, name, edition, prefix),
        )
        return items

    def _neighbour_items(
        self, kind: str, name: str, edition: str, prefix: str
    ) -> list[tuple[int, int, tuple[float, int], str]]:
        portal = self.portal
        untranslated = portal.untranslated
        wanted = RELATED_SIZE + 1  # the page's own article may be among them (as ``related`` asks, and shares)
        # Read here, not shared through ``memo`` as a live page's lists are: kept, its article objects (a dozen
        # lists each) were most of what the garbage collector's full passes walked on a busy portal.
        newest = portal.queries._newest_in(kind, name, wanted, edition, untranslated)
        article_path = self.article_path
        path_of = (lambda article: prefix + article_path(article)) if prefix else article_path
        shown = portal.editions[edition]
        listed = ListItems(portal.covers_for(newest), path_of, portal.outlet_directory(), shown.foreign,
                           shown.translations.gettext("untranslated"))  # fmt: skip
        return [(item.id, _group(item), _newest_first(item), str(listed(item))) for item in newest if item.id]

    # -- storing -----------------------------------------------------------------------------------------------

    def stored_page(self, page: str) -> str:
        return page.replace(self.csrf_placeholder, CSRF_MARK)


def keys_of(article: Article, related: dict[str, list[Article]], editions: list[Article]) -> set[str]:
    """What an article page's row is made of, as ``block_changes`` names it (migrations 0112, 0113): the article,
    its family, comments, translation flags and jobs, its story and the articles ``related`` and ``editions``
    list. Not its tags', section's or authors' newest: those lists are spliced in (``ArticleBlocks.neighbours``)."""
    keys = {"outlets", "sections", f"c:{article.id}", f"fl:{article.id}", f"tj:{article.id}"}
    keys.update(_article_keys(article))
    if article.story_id:
        keys.add(f"st:{article.story_id}")
    for item in [*editions, *(a for items in related.values() for a in items)]:
        keys.update(_article_keys(item))
    return keys


def _article_keys(article: Article) -> Iterable[str]:
    yield f"a:{article.id}"
    yield f"f:{article.translated_from or article.id}"


def picture_keys(urls: Iterable[str | None]) -> set[str]:
    return {f"m:{url}" for url in urls if url}


def stored_blocks(fingerprint: str, stamp: int, slug: str, keys: set[str], page: str) -> StoredBlocks:
    return StoredBlocks(fingerprint, stamp, slug, sorted(keys), page)
