"""Posting a reader comment. Every defence runs before anything is stored: the post must come from a page of this
site (Origin/Referer) with the article's form token (stateless, daily: the form sets no cookie, so article pages
are cached and shared), then honeypot, rate limits per address and per article, length and link limits. Comments
are stored as plain text and escaped when shown."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from newsloom.model import Comment
from newsloom.text import normalize_space
from newsloom.web.editions import prefix_of
from newsloom.web.i18n import N_
from newsloom.web.portal import ItemId, Portal, article_path
from newsloom.web.security import same_origin

MAX_NAME = 60
MAX_BODY = 3000
MAX_LINKS = 2
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)

router = APIRouter()
# Characters that show nothing: format (Cf: zero-width space and joiners, bidi controls), controls, unassigned,
# private use, marks and separators. A name made only of these looks empty (or like someone else's) and is refused.
_INVISIBLE = {"Cc", "Cf", "Cn", "Co", "Cs", "Mn", "Me", "Zs", "Zl", "Zp"}
# Bidi embeddings, overrides and isolates can make a name display as another one: dropped from every name.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C])
# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt; the standard library has no lookup for it):
# fonts draw nothing for these, whatever their category. The Hangul fillers are letters (Lo) by category.
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Visible by every property yet drawn as blank space: the blank Braille pattern (So).
_BLANK = frozenset("\u2800")


def _shows_nothing(char: str) -> bool:
    if unicodedata.category(char) in _INVISIBLE or char in _BLANK:
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _DEFAULT_IGNORABLE)


def display_name(raw: str) -> str:
    """A commenter's name as shown: NFKC-normalised (full-width and other compatibility forms folded), controls
    and bidi overrides dropped, spaces collapsed; "" when nothing visible is left."""
    name = unicodedata.normalize("NFKC", raw).translate(_BIDI_CONTROLS)
    name = normalize_space("".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in name))
    if all(_shows_nothing(ch) for ch in name):
        return ""
    return name


def comment_purpose(article_id: int) -> str:
    """What an article's comment form token is bound to (``Guard.form_token``)."""
    return f"comment:{article_id}"


def own_hosts(portal: Portal, request: Request) -> list[str]:
    """The ``host[:port]`` this site answers as: the Host header, the public ``base_url``'s, and the forwarded
    host when proxy headers are trusted."""
    hosts = [request.headers.get("host", ""), urlsplit(portal.settings.base_url).netloc]
    if portal.settings.trust_proxy_headers:
        hosts += request.headers.get("x-forwarded-host", "").split(",")
    return hosts


@router.post("/article/{article_id}/comments")
def post_comment(
    request: Request,
    article_id: ItemId,
    author_name: str = Form("", max_length=200),
    body: str = Form("", max_length=20_000),
    parent_id: int | None = Form(None, ge=1, le=2**62),
    csrf_token: str = Form(""),
    website: str = Form(""),  # honeypot: hidden from people, filled by bots
) -> Response:
    portal: Portal = request.app.state.portal
    article = portal.store.get_article(article_id)
    if article is None:
        raise HTTPException(404, N_("No such article"))
    if not same_origin(request.headers, own_hosts(portal, request)) or not portal.guard.form_token_valid(
        comment_purpose(article_id), csrf_token
    ):
        raise HTTPException(403, N_("Form expired or forged; reload the page and try again"))
    back = prefix_of(request.scope) + article_path(article)  # back to the edition the reader wrote from
    if website:
        return RedirectResponse(f"{back}?posted=held#comments", status_code=303)  # tell the bot nothing
    name = display_name(author_name)
    text = body.strip()
    if not name or len(name) > MAX_NAME:
        raise HTTPException(400, f"A display name of 1 to {MAX_NAME} visible characters is needed")
    if not text or len(text) > MAX_BODY:
        raise HTTPException(400, f"A comment of 1 to {MAX_BODY} characters is needed")
    if len(_LINK.findall(text)) > MAX_LINKS:
        raise HTTPException(400, f"At most {MAX_LINKS} links in a comment")
    address = portal.guard.hash_ip(portal.client_address(request))
    if not portal.comment_limit_ip.allow(address) or not portal.comment_limit_article.allow(str(article_id)):
        raise HTTPException(429, N_("Too many comments; please wait a few minutes"))
    status = "published" if portal.settings.comment_policy == "publish" else "pending"
    try:
        portal.comments.add(Comment(article_id, name, text, status=status, parent_id=parent_id), ip_hash=address)
    except ValueError as error:
        raise HTTPException(400, str(error)) from error
    return RedirectResponse(f"{back}?posted={'published' if status == 'published' else 'held'}#comments", 303)
