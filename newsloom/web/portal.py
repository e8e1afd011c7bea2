"""What every route needs, built once per application: store and queries, templates, guards and limits."""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import secrets
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import Path as FastAPIPath
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from newsloom.domains import registrable_domain
from newsloom.enrich.disputes import DisputeLink, dispute_links, story_disputes
from newsloom.enrich.tags.aliases import tag_label
from newsloom.known_outlets import logo_for
from newsloom.media.storage import MediaStorage, open_storage
from newsloom.model import Article, Media
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.store.base import Cursor
from newsloom.store.comments import CommentStore
from newsloom.store.media import MediaStore
from newsloom.store.portal_queries import Named, Outlet, PortalQueries
from newsloom.store.rate_limits import SharedRateLimits
from newsloom.store.read_counts import ViewCounter
from newsloom.store.users import UserStore
from newsloom.text import slugify
from newsloom.urls import strip_userinfo
from newsloom.web import body, pictures
from newsloom.web.article_blocks import ArticleBlocks, fragment_mark
from newsloom.web.editions import edition_of, prefix_of
from newsloom.web.i18n import Edition, primary_language
from newsloom.web.sanitize import highlight_snippet
from newsloom.web.security import CSRF_COOKIE, Guard, Limiter, Network, client_address, load_secret, parse_networks
from newsloom.web.static import fingerprint

WEB_DIR = Path(__file__).parent
# Row ids as path parameters: bounded so a huge number is a 404/422, never an integer overflow in the database.
ItemId = Annotated[int, FastAPIPath(ge=1, le=2**62)]
PAGE_SIZE = 20
# Shared fragments (newest of a tag, section, author...) and aggregate lists: a few KB each.
MEMO_ENTRIES = 4096
# The store's change token as a request first read it (``Portal.pin``): a page asks the memo for a few dozen
# shared values, and each would otherwise read the token again (a query on PostgreSQL). One token a request also
# makes a page consistent: every part of it from one state of the store.
_PINNED_VERSION: ContextVar[object | None] = ContextVar("newsloom_pinned_version", default=None)
CACHE_HEADER = "x-newsloom-cache"  # read by web.page_cache: this response may be kept for its value in seconds
_MISSING = object()
COUNTS_REUSE = 60.0  # seconds: see Portal._counted
SLOW_COUNT = 0.05  # seconds: counting that took longer is reused across store changes


@dataclass(frozen=True)
class _KeptCounts:
    identity: object  # what was counted: the sections or outlets, by name
    counts: list[Any]
    at: float  # time.monotonic() when counted
    slow: bool


# Where a shared page's form token goes: random per process, so no publisher text, tag or image URL can contain it
# (a fixed string would have the token substituted into an article that quotes it). It never leaves the process:
# every response has it replaced on the way out by the form's token, the same for every reader (``web.page_cache``).
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
T = TypeVar("T")


def article_path(article: Article) -> str:
    return f"/article/{article.id}/{slugify(article.title, 60)}"


def outlet_logo_url(outlet: Outlet) -> str | None:
    """Where the outlet's logo comes from: its own, else the registry's, else its favicon (``known_outlets``); the
    media stage fetches the same addresses."""
    return logo_for(outlet.logo_url, outlet.homepage, registrable_domain(outlet.homepage) if outlet.homepage else None)


def outlet_label(article: Article, outlets: dict[int, Outlet]) -> str:
    """The outlet a report is from: its source's name, else the name the page gives, else its site's host."""
    if article.source_id is not None and article.source_id in outlets:
        return outlets[article.source_id].name
    return article.site_name or (urlsplit(article.url).hostname or "").removeprefix("www.") or "unknown outlet"


def valid_datetime(value: datetime | None) -> str:
    """An RFC 3339 / HTML ``datetime`` value: whole seconds, an explicit offset (UTC when the value has none).
    Six-digit fractions of a second are valid Python but not valid HTML."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.replace(microsecond=0).isoformat()


def breadcrumb_list(trail: list[tuple[str, str]]) -> dict[str, Any]:
    """A BreadcrumbList over ``(name, URL)`` steps, home first (JSON-LD: a result shows where the page sits)."""
    return {
        "@context": "https://schema.org", "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": n, "name": name, "item": url}
                            for n, (name, url) in enumerate(trail, 1)],
    }  # fmt: skip


# The query parameters that choose what a page shows; any other (utm_*, fbclid, gclid, a stray one) is left out of
# the page's canonical address and its alternates, so every tracked link names the one page.
PAGE_PARAMETERS = ("before", "q", "section", "outlet", "language", "from", "to", "page")


def own_query(request: Request) -> str:
    """The request's query string with only ``PAGE_PARAMETERS``, in the order given."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k in PAGE_PARAMETERS]
    return urlencode(kept)


def public_base(settings: Settings, request: Request | None) -> str:
    """The scheme and host absolute URLs name: ``base_url`` when an operator set it; else, when
    ``trust_proxy_headers`` is on, the forwarded scheme and host of this request; else the default."""
    if request is not None and settings.trust_proxy_headers and not settings.base_url_is_set:
        host = (request.headers.get("x-forwarded-host") or request.headers.get("host") or "").split(",")[0].strip()
        scheme = (request.headers.get("x-forwarded-proto") or request.url.scheme).split(",")[0].strip()
        if host and scheme in ("http", "https") and all(c.isalnum() or c in ".-:[]" for c in host):
            return f"{scheme}://{host}"
    return settings.base_url.rstrip("/")


def public_url(url: str | None) -> str | None:
    """``url`` if readers may be shown it and follow it (http or https), else None: a saved page's local
    ``file:`` path and a ``javascript:`` or ``data:`` address never reach a page, feed or API answer."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return strip_userinfo(url)  # credentials a feed listed are never published (rows stored before too)


def encode_cursor(article: Article) -> str:
    """An opaque, URL-safe position after ``article`` in a newest-first listing (base64url, no padding): clients
    pass it back unchanged, and nothing in it (a ``+`` in a time offset) can be mangled by form encoding."""
    listed = article.listed_at or article.published
    plain = f"{listed.isoformat() if listed else ''}_{article.id}"
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")


class BadCursor(ValueError):
    """A ``before``/``cursor`` value this portal never handed out: the route answers 400, never page 1 again."""


def decode_cursor(value: str | None) -> Cursor | None:
    """The position a listing continues from; None for the first page. A malformed value, or one whose id is
    beyond what the database can hold (an integer overflow there was a 500), raises ``BadCursor``."""
    if not value:
        return None
    try:
        if not value.replace("-", "").replace("_", "").isalnum():
            raise ValueError("not base64url")
        plain = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        stamp, separator, identifier = plain.rpartition("_")
        if not separator:
            raise ValueError("no position")
        listed = datetime.fromisoformat(stamp)
        # The store compares in UTC: a time near either end of the calendar with a large offset
        # (9999-12-31T23:59:59-23:59) does not exist there, and converting it raised OverflowError (a 500).
        listed = (listed if listed.tzinfo else listed.replace(tzinfo=UTC)).astimezone(UTC)
        cursor = Cursor(listed, int(identifier))
    except (ValueError, OverflowError, UnicodeDecodeError, binascii.Error) as error:
        raise BadCursor(value) from error
    if not 0 <= cursor.article_id <= 2**62:
        raise BadCursor(value)
    return cursor


def _flag_reader(store: SQLStore) -> Callable[[int], list[Any]] | None:
    try:  # the translation stage's store, once that stage is part of newsloom
        from newsloom.store.translations import TranslationStore  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return TranslationStore(store.engine).flags_for


@dataclass(frozen=True, slots=True)
class ArticleDispute:
    """One link of an article page to the other side of a dispute: the article that denies it, or the one it
    denies."""

    link: DisputeLink
    other: Article
    outlet: str


@dataclass
class Portal:
    settings: Settings
    store: SQLStore
    templates: Jinja2Templates = field(init=False)  # the default edition's
    editions: dict[str, Edition] = field(init=False)
    _templates: dict[str, Jinja2Templates] = field(init=False)
    queries: PortalQueries = field(init=False)
    comments: CommentStore = field(init=False)
    users: UserStore = field(init=False)
    guard: Guard = field(init=False)
    # Shared by every serving process (``store.rate_limits``): set in ``__post_init__``.
    comment_limit_ip: Limiter = field(init=False)
    comment_limit_article: Limiter = field(init=False)
    login_limit_pair: Limiter = field(init=False)  # per client address and account name together
    login_limit: Limiter = field(init=False)  # per client address, whatever the account
    login_limit_global: Limiter = field(init=False)  # every attempt from a browser not known to the account
    views: ViewCounter = field(init=False)
    media: MediaStore = field(init=False)
    media_storage: MediaStorage = field(init=False)
    trusted_proxies: tuple[Network, ...] = field(init=False)
    metrics_allow: tuple[Network, ...] = field(init=False)
    # Aggregate lists, valid while the store's change token is the one they were built on.
    _memo: OrderedDict[tuple[object, ...], tuple[object, object]] = field(default_factory=OrderedDict)
    _locks: dict[tuple[object, ...], threading.Lock] = field(default_factory=dict)
    _locks_guard: threading.Lock = field(default_factory=threading.Lock)
    _flag_reader: Callable[[int], list[Any]] | None = field(init=False, default=None)
    _kept_counts: dict[str, _KeptCounts] = field(default_factory=dict)
    blocks: ArticleBlocks = field(init=False)  # article pages' stored parts
    # The editions as at start, the default first (``Settings.edition_list`` parses the setting on every read).
    _edition_codes: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.queries = PortalQueries(self.store.engine)
        self.comments = CommentStore(self.store.engine)
        self.users = UserStore(self.store.engine)
        self.views = ViewCounter(self.settings.data_dir / "views.db")
        self.media = MediaStore(self.store.engine)
        self.media_storage = open_storage(self.settings)
        limits = SharedRateLimits(self.settings.data_dir / "views.db")
        self.comment_limit_ip = limits.limiter("comment-ip", 5, 600)
        self.comment_limit_article = limits.limiter("comment-article", 30, 600)
        # Logins: ten tries per address and account in ten minutes, thirty per address over all accounts, and a
        # slower ceiling over everything. A limit per account alone let anyone lock the administrator out.
        self.login_limit_pair = limits.limiter("login-pair", 10, 600)
        self.login_limit = limits.limiter("login-ip", 30, 600)
        self.login_limit_global = limits.limiter("login-all", 100, 3600)
        self.trusted_proxies = parse_networks(self.settings.trusted_proxies, "trusted_proxies")
        self.metrics_allow = parse_networks(self.settings.metrics_allow, "metrics_allow")
        secure = self.settings.secure_cookies
        if secure is None:
            secure = self.settings.base_url.startswith("https://")
        self.guard = Guard(load_secret(self.settings), secure)
        self._flag_reader = _flag_reader(self.store)
        codes = self._edition_codes = self.settings.edition_list
        self.editions = {code: Edition.load(code, self.settings.timezone, self.settings.sections) for code in codes}
        self._templates = {code: self._edition_templates(edition) for code, edition in self.editions.items()}
        self.templates = self._templates[codes[0]]
        self.blocks = ArticleBlocks(self, CSRF_PLACEHOLDER, article_path)

    def _edition_templates(self, edition: Edition) -> Jinja2Templates:
        """One template environment per edition, its catalogue installed: a compiled template is then shared by
        every page of that edition, with no per-request translation lookup set-up."""
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(WEB_DIR / "templates"),
            autoescape=True,
            extensions=["jinja2.ext.i18n"],
            auto_reload=False,  # templates change with a deploy, not while serving: no stat() per page
        )
        templates = Jinja2Templates(env=env)
        env.install_gettext_translations(edition.translations, newstyle=True)  # type: ignore[attr-defined]
        translations = edition.translations

        def translate(message: str, **variables: Any) -> Markup:
            # ``_()`` as the i18n extension's newstyle gettext has it (escaped variables, always a format string),
            # as a plain function: Jinja gives every context function called in a loop or block a derived context
            # of its own, which made the page's two dozen ``_()`` calls a tenth of a first render.
            return Markup(translations.gettext(message)) % variables

        env.globals["_"] = translate
        env.filters["date"] = edition.format_date
        env.filters["day"] = edition.format_day
        env.filters["number"] = edition.format_number
        env.filters["language_name"] = edition.language_name
        env.filters["tag_label"] = partial(tag_label, language=edition.code)
        env.filters["section_label"] = lambda slug, name: (
            self.section_labels(edition).get(slug or "") or (edition.section_name(slug, name))
        )
        env.filters["highlight"] = highlight_snippet
        env.globals.update(
            site_name=self.settings.site_name,
            article_path=article_path,
            plain_path=article_path,
            slugify=slugify,
            edition=edition.code,
            foreign=edition.foreign,
            primary_language=primary_language,
            edition_names={code: other.own_name() for code, other in self.editions.items()},
            public_url=public_url,
        )
        env.filters["datetime"] = valid_datetime
        env.globals["static_url"] = lambda name: "/static/" + fingerprint(WEB_DIR / "static", name)
        env.globals.update(thumb=pictures.thumb, picture=pictures.picture, logo=self._logo, video=pictures.video)
        env.globals["outlet_mark"] = self._outlet_mark
        env.globals.update(figure=body.figure, article_body=body.article_body)
        env.globals["nav_sections"] = lambda most=9: self.nav_sections(most, edition=edition.code)
        env.globals["fragment"] = self._fragment
        env.globals["video_hosts"] = frozenset(pictures.allowed_hosts(self.settings.video_hosts))
        env.filters["zip_longest"] = lambda left, right: list(itertools.zip_longest(left, right))
        return templates

    def edition(self, request: Request) -> str:
        """The edition a request is served in (its address's prefix, else its Accept-Language, else the default)."""
        default = self._edition_codes[0]
        code = edition_of(request.scope, default)
        return code if code in self.editions else default

    def translation_flags(self, article_id: int) -> list[Any]:
        """What the translation checks flagged in a translated edition, per part (title, lead, block N): each flag
        has ``part``, ``kind`` (number, date, name, quote, untranslated), ``original`` and ``translated`` spans.

        Read through the translation stage's store (``newsloom.store.translations``, the ``translate`` branch);
        without that stage there are no flags and the article page shows no note.
        """
        if self._flag_reader is None:
            return []
        return list(self._flag_reader(article_id))

    def gettext(self, request: Request, message: str) -> str:
        """``message`` in the request's edition (for text built outside templates: listing headings)."""
        return self.editions[self.edition(request)].gettext(message)

    def alternates(self, request: Request, paths: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """``hreflang`` alternates of a page: each edition's path, and the un-prefixed one as x-default (the page
        shown in the edition the reader's browser asks for). Paths, not URLs: the language switch links them as
        they are, the ``<link rel=alternate>`` tags put ``base_url`` in front.

        ``paths`` gives an edition its own page (an article's translation); the others show the same path.
        """
        query = own_query(request)
        here = request.scope["path"] + (f"?{query}" if query else "")
        paths = paths or {}
        found = [(code, f"/{code}{paths.get(code, here)}") for code in self.editions]
        return [*found, ("x-default", paths.get("x-default", here))]

    def client_address(self, request: Request) -> str:
        """The reader's address; ``X-Forwarded-For`` counts only from a ``trusted_proxies`` peer."""
        peer = request.client.host if request.client else None
        return client_address(peer, request.headers.get("x-forwarded-for"), self.trusted_proxies)

    def article_disputes(self, article: Article) -> list[ArticleDispute]:
        """The other side of each disputed pair (claim and denial) of the article's story that the article is part
        of, with its outlet label; a story's pairs are found once per store change."""
        story_id = article.story_id
        if article.id is None or story_id is None:
            return []

        def build() -> tuple[list[Any], dict[int, Article], dict[int, str]]:
            found = self.queries.story(story_id)
            if found is None:
                return [], {}, {}
            _, labels = self.outlet_labels(found[1])
            return story_disputes(found[1], labels), {a.id: a for a in found[1] if a.id is not None}, labels

        pairs, by_id, labels = self.memo(("story-disputes", story_id), build)
        return [
            ArticleDispute(link, by_id[link.other_id], labels[link.other_id])
            for link in dispute_links(article.id, pairs)
            if link.other_id in by_id
        ]

    def outlet_labels(self, articles: list[Article]) -> tuple[dict[int, Outlet], dict[int, str]]:
        """The outlets of some reports, and each report's outlet label (for stories: timeline, provenance)."""
        outlets = self.outlets_for(articles)
        return outlets, {a.id: outlet_label(a, outlets) for a in articles if a.id is not None}

    def outlets_for(self, articles: list[Article]) -> dict[int, Outlet]:
        every = self.outlet_directory()
        return {i: every[i] for i in {a.source_id for a in articles} if i is not None and i in every}

    def search_menus(self, section: str | None, outlet: str | None, edition: str | None = None) -> Markup:
        """The search form's section and outlet menus, by name. Names only, so no count over every article after
        each commit; rendered once per store change for the many searches that select neither (a third of a
        search page's template time), and per request for the others (their choices do not become memo keys)."""
        code = edition if edition in self.editions else self.settings.edition_list[0]
        if not section and not outlet:
            return self.memo(("search-menus", code), lambda: self._search_menus(None, None, code))
        return self._search_menus(section, outlet, code)

    def _search_menus(self, section: str | None, outlet: str | None, edition: str) -> Markup:
        sections = sorted(self.queries.section_names(), key=lambda s: (s.name.casefold(), s.slug))
        outlets = sorted(self.outlet_directory().values(), key=lambda o: (o.name.casefold(), o.slug))
        template = self._templates[edition].env.get_template("_search_menus.html")
        html = template.render(sections=sections, outlet_list=outlets, selected_section=section, selected_outlet=outlet)
        return Markup(html)  # already escaped: the template autoescapes

    def outlet_named(self, slug: str) -> Outlet | None:
        return next((outlet for outlet in self.outlet_directory().values() if outlet.slug == slug), None)

    def outlet_directory(self) -> dict[int, Outlet]:
        """Every outlet's name and address by id, shared by all pages until the store changes (a short table)."""
        return self.memo(("outlet-names",), lambda: self.queries.outlet_names(None))

    def section_name(self, slug: str) -> str | None:
        return self.memo(("section-name", slug), lambda: self.queries.section_name(slug))

    def covers_for(self, articles: list[Article]) -> dict[int, Media]:
        """Stored covers of these articles: each article's answer kept until the store changes, the misses
        looked up in one query (lists share most of their articles with other pages)."""
        found: dict[int, Media] = {}
        missing = []
        version = self.validator()
        for article in articles:
            if article.id is None:
                continue
            hit = self._lookup(("cover", article.id), version)
            if hit is _MISSING:
                missing.append(article.id)
            elif hit is not None:
                found[article.id] = hit  # type: ignore[assignment]
        if missing:
            looked_up = self.media.covers(missing)
            with self._locks_guard:
                for article_id in missing:
                    self._memo[("cover", article_id)] = (version, looked_up.get(article_id))
                while len(self._memo) > MEMO_ENTRIES:
                    self._memo.popitem(last=False)
            found.update(looked_up)
        return found

    def section_labels(self, edition: Edition) -> dict[str, str]:
        """Each section's name in an edition, told apart where two would read the same: an English outlet's
        "World" and a Vietnamese outlet's "Thế giới" both read "World" in English, so the second shows as
        "World (Thế giới)" (one header link, menu entry and home block per name; shared until the store changes)."""

        def build() -> dict[str, str]:
            named = self.queries.section_names()
            labels = {s.slug: edition.section_name(s.slug, s.name) for s in named}
            shared = Counter(labels.values())
            for section in named:
                label = labels[section.slug]
                if shared[label] > 1 and section.name and section.name.casefold() != label.casefold():
                    labels[section.slug] = f"{label} ({section.name})"
            return labels

        return self.memo(("section-labels", edition.code), build)

    @property
    def untranslated(self) -> bool:
        """Whether edition listings also show originals their readers cannot read (``editions_readable_only`` off)."""
        return not self.settings.editions_readable_only

    def section_counts(self, edition: str | None = None) -> list[Named]:
        """Every section with its article count, busiest first: what orders the header and the home page's blocks.
        With ``edition`` (and ``editions_readable_only``), only the articles in that language count: the Vietnamese
        header offers the sections Vietnamese readers find articles in. Counting is a pass over an index of the
        whole store, which grows with it: see ``_counted``."""
        language = None if self.untranslated else edition
        return self._counted(
            f"sections-{language or ''}",
            lambda: tuple(sorted((n.slug, n.name) for n in self.queries.section_names())),
            lambda: self.queries.sections(language),
        )

    def outlet_counts(self) -> list[Outlet]:
        """Every outlet with its article count and feed health, busiest first (the outlets page and API): counting
        every outlet's articles grows with the store; see ``_counted``."""
        return self._counted(
            "outlets",
            lambda: tuple(sorted((o.id, o.slug, o.name, o.logo_url) for o in self.outlet_directory().values())),
            self.queries.outlets,
        )

    def _counted(self, name: str, identity: Callable[[], object], count: Callable[[], list[T]]) -> list[T]:
        """``count()``, reused while the store does not change, and, where counting is slow, for up to
        ``COUNTS_REUSE`` seconds across changes unless ``identity()`` (the cheap list of what is counted:
        a new section, a renamed outlet) changes.

        A crawling store changes every few seconds: counted again on every change, every page's first render after
        a write paid for the count. Counts only reorder what they order when one overtakes another, so a minute of
        lag is invisible to a reader; where counting is cheap (a small store, every test) it is exact."""

        def build() -> list[T]:
            current = identity()
            kept, now = self._kept_counts.get(name), time.monotonic()
            if kept and kept.slow and kept.identity == current and now - kept.at < COUNTS_REUSE:
                return kept.counts
            counts = count()
            self._kept_counts[name] = _KeptCounts(current, counts, now, time.monotonic() - now > SLOW_COUNT)
            return counts

        return self.memo(("counts", name), build)

    def nav_sections(self, most: int = 9, edition: str | None = None) -> list[Named]:
        """The header's sections: those with articles (in ``edition``'s language), the busiest first (shared until
        the store changes)."""

        def build() -> list[Named]:
            counts = self.section_counts(edition)
            busy = sorted((s for s in counts if s.articles), key=lambda s: (-s.articles, s.name))
            return busy[:most]

        return self.memo(("nav-sections", most, edition), build)

    @jinja2.pass_context
    def _fragment(self, context: Any, name: str) -> Markup:
        """A part every page repeats (the sections bar, the footer), rendered once per edition and link prefix
        until the store changes: as template code on every page it cost a fifth of an article's first render.
        A page being stored (``web.article_blocks``) gets a mark instead, filled in when it is served."""
        if context.get("fragment_marks"):
            return fragment_mark(name)
        return self.fragment_html(name, context.get("edition") or "", context.get("prefix") or "")

    def fragment_html(self, name: str, edition: str, prefix: str) -> Markup:
        def build() -> Markup:
            template = self._templates[edition].env.get_template(name)
            return Markup(template.render(prefix=prefix))  # autoescaped already

        return self.memo(("fragment", name, edition, prefix), build)

    def most_read_in(self, section: str | None, edition: str, most: int = 5) -> list[Article]:
        """The most read articles of a section (of the whole portal when the article has none) that the edition's
        readers can read, one more than an article page's side column shows (its own article is left out there);
        the section's newest fill in while too few are read. Shared until the store changes."""
        untranslated = self.untranslated

        def build() -> list[Article]:
            read = self.store.visible_summaries(self.most_read(40))
            read = self.queries.in_edition(read, edition, untranslated=untranslated)
            found = [article for article in read if section is None or article.section == section][: most + 1]
            if len(found) <= most:  # too few read yet: the section's newest fill the column
                known = {a.id for a in found}
                newest = self.store.latest_articles(
                    most * 2, section=section, summaries=True, edition=edition, untranslated=untranslated
                )
                found += [a for a in newest if a.id not in known]
            return found

        return self.memo(("most-read-in", section, edition), build)

    def logos(self) -> dict[str, Media]:
        """Stored outlet logos by their URL (a handful, shared by every page until the store changes)."""

        def build() -> dict[str, Media]:  # the addresses too: working them out for every outlet was a page's 5%
            urls = [url for o in self.outlet_directory().values() if (url := outlet_logo_url(o))]
            return {u: m for u, m in self.media.lookup(urls).items() if m.ok}

        return self.memo(("logos",), build)

    def _logo(self, outlet: Outlet | None, role: str = "logo") -> Markup:
        url = outlet_logo_url(outlet) if outlet is not None else None
        stored = self.logos().get(url) if url else None
        if outlet is None or stored is None:
            return Markup("")
        return pictures.picture_html(stored, f"{outlet.name} logo", role)

    def _outlet_mark(self, outlet: Outlet) -> Markup:
        """The outlet's logo where one is stored, else its monogram: a list of outlets never shows a hole."""
        return self._logo(outlet, "mark") or pictures.placeholder_html("mark", outlet.name)

    def _picture_context(self, context: dict[str, Any], edition: Edition) -> None:
        article = context.get("article")
        if "pictures" not in context and isinstance(article, Article):
            context["pictures"] = self.media.lookup(pictures.image_urls(article))
        if "covers" not in context:
            listed = pictures.articles_in(context.values())
            own: dict[int, Media] = {}
            if isinstance(article, Article) and article.id is not None:
                # The page's own article is new to the memo on its first render, and its pictures were just
                # looked up: its cover comes from them, not from two more queries.
                cover = article.cover_image
                stored = context["pictures"].get(cover.url) if cover is not None else None
                if stored is not None and stored.ok:
                    own[article.id] = stored
                listed = [a for a in listed if a.id != article.id]
            context["covers"] = {**self.covers_for(listed), **own}
        if "list_item" not in context:
            context["list_item"] = pictures.ListItems(
                covers=context["covers"],
                path_of=context.get("article_path") or article_path,
                outlets=context.get("outlets") or {},
                foreign=edition.foreign,
                untranslated=edition.translations.gettext("untranslated"),
            )

    def _prepare(self, request: Request, context: dict[str, Any]) -> str:
        """The context every part of a page reads (address, link prefix, pictures), and the page's edition."""
        context.setdefault("base_url", public_base(self.settings, request))
        edition = self.edition(request)
        prefix = prefix_of(request.scope)
        context.setdefault("prefix", prefix)
        if prefix:  # links stay in the edition the reader chose
            context.setdefault("article_path", lambda article: prefix + article_path(article))
        self._picture_context(context, self.editions[edition])
        return edition

    def render_part(self, request: Request, name: str, **context: Any) -> Markup:
        """A part of a page (an included template) as ``render`` would render it within the page."""
        edition = self._prepare(request, context)
        return Markup(self._templates[edition].env.get_template(name).render(context))  # autoescaped already

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """A page in the request's edition: its catalogue, its links under its prefix, its hreflang alternates."""
        edition = self._prepare(request, context)
        prefix = prefix_of(request.scope)
        if "alternates" not in context:
            context["alternates"] = self.alternates(request)
        if status_code == 200 and not name.startswith("admin"):
            # A listing is canonical to itself, its tracking parameters left out; its editions are its hreflang
            # alternates. An article page gives its own (``canonical_for``, ``hreflang_paths``).
            query = own_query(request)
            own = context["base_url"] + prefix + request.scope["path"] + (f"?{query}" if query else "")
            context.setdefault("canonical", own)
            context.setdefault("hreflang", [(code, context["base_url"] + path) for code, path in context["alternates"]])
            if "crumb" in context and "breadcrumbs" not in context:  # a listing: home, then the page itself
                home = (self.settings.site_name, f"{context['base_url']}{prefix}/")
                context["breadcrumbs"] = breadcrumb_list([home, (context["crumb"], context["canonical"])])
        templates = self._templates[edition]
        response_headers = {"Content-Language": edition}
        if context.get("csrf_token") == CSRF_PLACEHOLDER or not name.startswith("admin"):
            # A public page: no cookie, nothing of its reader's; a form's token is put in by the edge (``web.security``).
            context.setdefault("csrf_token", "")
            return templates.TemplateResponse(request, name, context, status_code=status_code, headers=response_headers)
        csrf_cookie = request.cookies.get(CSRF_COOKIE) or self.guard.new_csrf_cookie()
        context.setdefault("csrf_token", self.guard.csrf_token(csrf_cookie))
        response = templates.TemplateResponse(request, name, context, status_code=status_code, headers=response_headers)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(
                CSRF_COOKIE, csrf_cookie, httponly=True, samesite="lax", secure=self.guard.secure_cookies
            )
        return response

    def validator(self) -> object:
        pinned = _PINNED_VERSION.get()
        return pinned if pinned is not None else self.store.change_token()

    def pin(self, version: object) -> Token[object | None]:
        """Until ``unpin``, in this request's context, ``validator()`` is ``version`` without reading the store."""
        return _PINNED_VERSION.set(version)

    def unpin(self, pinned: Token[object | None]) -> None:
        _PINNED_VERSION.reset(pinned)

    def count_view(self, article_id: int) -> None:
        self.views.count(article_id)

    def most_read(self, limit: int) -> list[int]:
        return self.views.most_read(limit)

    def memo(self, key: tuple[object, ...], build: Callable[[], T]) -> T:
        """``build()``, reused until anything in the store changes (aggregate lists several pages share).

        Single flight: when many requests miss the same key at once, one builds and the others wait for it,
        instead of all of them running the same expensive queries.
        """
        version = self.validator()
        found = self._lookup(key, version)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        with self._locks_guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            found = self._lookup(key, version)
            if found is not _MISSING:
                return found  # type: ignore[return-value]
            value = build()
            with self._locks_guard:
                self._memo[key] = (version, value)
                while len(self._memo) > MEMO_ENTRIES:
                    self._memo.popitem(last=False)
        with self._locks_guard:
            self._locks.pop(key, None)
        return value

    def _lookup(self, key: tuple[object, ...], version: object) -> object:
        with self._locks_guard:
            hit = self._memo.get(key)
            if hit is None or hit[0] != version:
                return _MISSING
            self._memo.move_to_end(key)  # least recently used go first: a page's fragments stay while read
        return hit[1]

    def cached(self, request: Request, *parts: object) -> tuple[str, Response | None]:
        """Weak ETag from what the response depends on; a 304 when the client already has it."""
        digest = hashlib.sha256("|".join(str(p) for p in (self.validator(), *parts)).encode()).hexdigest()
        etag = f'W/"{digest[:32]}"'
        if request.headers.get("if-none-match") == etag:
            return etag, Response(status_code=304, headers={"ETag": etag})
        return etag, None

    def page(self, render: Callable[[str], Response], seconds: int = 0) -> Response:
        """A page the edge cache may keep (see ``web.page_cache``) until the store changes, or ``seconds`` at most.

        ``render`` receives a placeholder for a form's token: the rendered bytes are shared by every reader, and the
        edge puts the form's token in, the same for every reader of the day (``web.security.Guard.form_token``).
        """
        response = render(CSRF_PLACEHOLDER)
        response.headers[CACHE_HEADER] = str(seconds)
        return response
