"""An article's body as HTML: its blocks in reading order, and the figures of its pictures.

Python rather than template code because every first render of an article runs it over two dozen blocks, where a
template loop with a branch per block kind and a macro per figure cost about as much as the rest of the page's
template. The markup is what ``article.html`` had: ``<p>``, ``<h2>``, ``<blockquote>``, ``<ul>``, ``<table>``,
``<figure>`` with ``<figcaption>`` and its credit, and the video blocks of ``pictures.video``. Every text is
escaped here; nothing of a publisher's markup is kept (blocks hold text, not HTML).
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from markupsafe import Markup, escape

from newsloom.model import Article, Block, BlockKind, Image
from newsloom.web import pictures
from newsloom.web.i18n import N_

_WEB = ("http://", "https://")
_TEXT_TAGS = {BlockKind.PARAGRAPH: "p", BlockKind.HEADING: "h2", BlockKind.QUOTE: "blockquote"}
# Marked on its own: pybabel does not look inside the arguments of a ``gettext(context, …)`` call.
_PHOTO_CREDIT = N_("Photo: %(credit)s")


@pass_context
def figure(context: Any, image: Image, lead: bool = False) -> Markup:
    """A picture with its caption and credit (``Photo: …`` in the edition's language)."""
    article = context.get("article")
    fallback = article.title if isinstance(article, Article) else ""
    stored = (context.get("pictures") or {}).get(image.url)
    shown = pictures.picture_html(stored, image.alt or image.caption or fallback, "full", lead)
    caption = ""
    if image.caption or image.credit:
        credit = ""
        if image.credit:
            gettext = context.environment.globals["gettext"]
            credit = f' <span class="credit">({gettext(context, _PHOTO_CREDIT, credit=image.credit)})</span>'
        caption = f"\n        <figcaption>{escape(image.caption or '')}{credit}</figcaption>"
    return Markup(f"\n      <figure>\n        {shown}{caption}\n      </figure>\n")


@pass_context
def article_body(context: Any, article: Article) -> Markup:
    """The blocks of ``article`` (the cover marked lead where the body shows it)."""
    cover = article.cover_image
    hosts = context.get("video_hosts") or frozenset()
    parts = [_block(context, block, cover, hosts) for block in article.blocks]
    return Markup("\n  ".join(part for part in parts if part))


def _block(context: Any, block: Block, cover: Image | None, hosts: frozenset[str]) -> str:
    kind = block.kind
    tag = _TEXT_TAGS.get(kind)
    if tag is not None:
        return f"<{tag}>{escape(block.text)}</{tag}>"
    if kind == BlockKind.LIST:
        return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + "</ul>"
    if kind == BlockKind.TABLE:
        rows = ("".join(f"<td>{escape(cell)}</td>" for cell in row.split("\t")) for row in block.items)
        return "<table>" + "".join(f"<tr>{row}</tr>" for row in rows) + "</table>"
    if kind == BlockKind.IMAGE:
        image = block.image
        if image is None or not image.url.startswith(_WEB):
            return ""
        return figure(context, image, cover is not None and image.url == cover.url)
    if kind == BlockKind.VIDEO:
        return pictures.video(context, block, hosts)
    return ""
