"""Pictures on pages: stored renditions as ``<picture>`` (WebP first, the original format as fallback) with
``srcset``/``sizes``, ``width``/``height`` (no layout shift) and lazy loading except for the page's lead picture;
and a tidy placeholder wherever a picture is not stored (never a hotlinked or broken image).

Routes do not ask for pictures: ``Portal.render`` finds the articles in a page's context and looks up their
covers (and the article's own images) in one query each, so every template can call ``thumb``/``picture``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from jinja2 import pass_context
from markupsafe import Markup, escape

from newsloom.media.images import RENDITIONS, Renditions, fallback_extension
from newsloom.model import Article, Media
from newsloom.web.i18n import N_

SIZES = {
    "thumbnail": "(max-width: 600px) 96px, 160px",
    "card": "(max-width: 600px) 100vw, 480px",
    "full": "(max-width: 800px) 100vw, 760px",
    "mark": "48px",
}
DEFAULT_WIDTH = {
    "thumbnail": RENDITIONS["thumbnail"],
    "card": RENDITIONS["card"],
    "full": RENDITIONS["full"],
    "mark": RENDITIONS["thumbnail"],
}


def media_url(media: Media, width: int, extension: str) -> str:
    return "/media/" + Renditions.name(media.digest or "", width, extension)


def best_width(media: Media, role: str) -> int:
    wanted = DEFAULT_WIDTH.get(role, RENDITIONS["card"])
    fitting = [w for w in media.widths if w >= wanted]
    return fitting[0] if fitting else media.widths[-1]


def rendition_size(media: Media, width: int) -> tuple[int, int]:
    if not media.width or not media.height:
        return width, width
    return width, max(1, round(media.height * width / media.width))


def picture_html(media: Media | None, alt: str, role: str = "card", lead: bool = False, label: str = "") -> Markup:
    if media is None or not media.ok:
        return placeholder_html(role, label)
    fallback = fallback_extension(media.mime)
    width = best_width(media, role)
    shown_width, shown_height = rendition_size(media, width)
    webp = ", ".join(f"{media_url(media, w, 'webp')} {w}w" for w in media.widths)
    plain = ", ".join(f"{media_url(media, w, fallback)} {w}w" for w in media.widths)
    sizes = SIZES.get(role, SIZES["card"])
    loading = 'fetchpriority="high" decoding="async"' if lead else 'loading="lazy" decoding="async"'
    return Markup(
        f'<picture class="pic pic-{role}"><source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        f'<img src="{media_url(media, width, fallback)}" srcset="{plain}" sizes="{sizes}" '
        f'width="{shown_width}" height="{shown_height}" alt="{escape(alt)}" {loading}></picture>'
    )


def placeholder_html(role: str, label: str = "") -> Markup:
    text = escape(label[:1].upper()) if label else ""
    return Markup(f'<span class="pic pic-{role} pic-placeholder" aria-hidden="true"><span>{text}</span></span>')


@pass_context
def thumb(context: Any, article: Article, role: str = "thumbnail", lead: bool = False, label: str = "") -> Markup:
    """The article's stored cover (a placeholder when there is none)."""
    covers = context.get("covers") or {}
    return picture_html(covers.get(article.id), article.title, role, lead, label or article.site_name or "")


class ListItems:
    """One entry of a side or related list: thumbnail, title, and (unless ``ranked``) outlet and "untranslated".

    Made in Python for the page (``Portal.render`` puts one in every page's context as ``list_item``), not in
    template code: an article page lists about twenty, and as template code each entry cost about a tenth of a
    millisecond (a fifth of a first render); a context function would still pay Jinja a derived context per call.
    """

    __slots__ = ("covers", "foreign", "outlets", "path_of", "untranslated")

    def __init__(
        self, covers: dict[int, Media], path_of: Callable[[Article], str], outlets: dict[int, Any],
        foreign: Callable[[str | None], bool], untranslated: str,
    ) -> None:  # fmt: skip
        self.covers = covers
        self.path_of = path_of
        self.outlets = outlets
        self.foreign = foreign
        self.untranslated = escape(untranslated)

    def __call__(self, item: Article, ranked: bool = False) -> Markup:
        path = escape(self.path_of(item))
        is_foreign = self.foreign(item.language)
        lang = f' lang="{escape(item.language)}"' if is_foreign and item.language else ""
        picture = picture_html(self.covers.get(item.id or -1), item.title, "thumbnail", False, item.site_name or "")
        head = f'<li><a class="thumb-link" href="{path}" tabindex="-1" aria-hidden="true">{picture}</a>'
        title = f'<a href="{path}"{lang}>{escape(item.title)}</a>'
        if ranked:
            return Markup(f"{head}{title}</li>")
        outlet = self.outlets.get(item.source_id) if item.source_id is not None else None
        tail = f'<span class="outlet">{escape(outlet.name)}</span>' if outlet else ""
        if is_foreign:
            tail += f' <span class="untranslated">{self.untranslated}</span>'
        return Markup(f"{head}<div>{title}\n    {tail}</div></li>")


@pass_context
def picture(context: Any, url: str | None, alt: str, role: str = "full", lead: bool = False) -> Markup:
    pictures = context.get("pictures") or {}
    return picture_html(pictures.get(url) if url else None, alt, role, lead)


def stored_picture(context: Any, url: str | None) -> Media | None:
    found = (context.get("pictures") or {}).get(url) if url else None
    return found if found is not None and found.ok else None


def articles_in(values: Iterable[object]) -> list[Article]:
    """Articles anywhere in a page's context: lists, dicts of lists, search hits, (story, count) pairs."""
    found: list[Article] = []
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, Article):
            found.append(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif hasattr(value, "article") and isinstance(value.article, Article):
            found.append(value.article)
    return found


def image_urls(article: Article) -> list[str]:
    cover = article.cover_image
    urls = [cover.url] if cover else []
    urls += [block.image.url for block in article.blocks if block.image is not None]
    return urls


EMBEDDABLE = {
    "www.youtube.com": lambda url: "https://www.youtube-nocookie.com/embed/" + url.split("v=", 1)[-1].split("&")[0],
    "vimeo.com": lambda url: "https://player.vimeo.com/video/" + url.rstrip("/").rsplit("/", 1)[-1],
}


def allowed_hosts(setting: str) -> set[str]:
    return {host.strip().lower() for host in setting.split(",") if host.strip()}


@pass_context
def video(context: Any, block: Any, allowed: frozenset[str] = frozenset()) -> Markup:
    """A video block: its poster (stored) with a play link to the source; a player frame only for a host the
    operator allowed (``video_hosts``), so no third party sees readers by default."""
    url = block.url or ""
    if not url.startswith(("http://", "https://")):
        return Markup("")
    host = (urlsplit(url).hostname or "").lower()
    gettext = context.environment.globals["gettext"]  # the edition's catalogue (newstyle: escapes the host)
    label = gettext(context, N_("Watch the video on %(host)s"), host=host.removeprefix("www."))
    if host in allowed and host in EMBEDDABLE:
        frame = EMBEDDABLE[host](url)
        return Markup(
            f'<figure class="video"><div class="video-frame"><iframe src="{escape(frame)}" title="{escape(label)}" '
            f'loading="lazy" allowfullscreen referrerpolicy="strict-origin-when-cross-origin"></iframe></div></figure>'
        )
    poster = stored_picture(context, block.image.url) if block.image is not None else None
    # The link's own text names it; the poster repeats nothing (empty alt) unless the page described it.
    shown = picture_html(poster, (block.image.alt or "") if block.image else "", "full")
    return Markup(
        f'<figure class="video"><a class="video-link" href="{escape(url)}" rel="noopener nofollow">{shown}'
        f'<span class="play" aria-hidden="true"></span><span class="video-label">{escape(label)}</span></a></figure>'
    )
