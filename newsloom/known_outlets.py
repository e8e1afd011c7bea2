"""Outlets newsloom knows by name: Vietnam's national and provincial papers and magazines, as data.

Many Vietnamese pages name their publisher poorly: ``og:site_name`` is the domain's label ("cafef", "baodautu"),
the domain itself ("baochinhphu.vn"), capitals ("TUOI TRE ONLINE"), or a spelling the paper does not use ("Báo Dân
Trí" for "Dân trí"). ``newsloom/known_outlets.toml`` lists each paper once: the name as the paper writes
it, its registrable domain (plus any it served from before) and homepage, the other spellings it uses for itself,
and a logo where one is known for sure. ``newsloom/outlets.py`` asks it when the page's own name is weak; the store
asks it for a logo when the page gives none. Only facts listed by hand: nothing here is fetched.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Words a paper puts around its name that do not tell two papers apart: "Báo", "điện tử", "Online".
_FRAME_WORDS = re.compile(r"\b(?:bao\s+dien\s+tu|bao|dien\s+tu|online|news|tin\s+tuc)\b")


@dataclass(frozen=True, slots=True)
class KnownOutlet:
    name: str
    domain: str
    homepage: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    logo: str | None = None

    def favicon(self) -> str:
        """The site's icon at the conventional address: a logo of last resort that every site serves."""
        return self.homepage.rstrip("/") + "/favicon.ico"

    def is_called(self, name: str) -> bool:
        """Whether ``name`` is one of this paper's spellings of itself, or its domain label ("cafef")."""
        wanted = core_name(name)
        if not wanted:
            return False
        spellings = (self.name, *self.aliases, *(domain.split(".", 1)[0] for domain in (self.domain, *self.domains)))
        return any(core_name(spelling) == wanted for spelling in spellings)


def _fold(text: str) -> str:
    """Lower case, no diacritics, words kept apart by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"[^\W_]+", plain))


def core_name(name: str) -> str:
    """The part of a name that tells papers apart: "Báo điện tử Dân Trí" and "Dân trí" are both "dantri"."""
    folded = _FRAME_WORDS.sub(" ", _fold(name))
    return folded.replace(" ", "") or _fold(name).replace(" ", "")


@cache
def _registry() -> dict[str, KnownOutlet]:
    data = tomllib.loads(Path(__file__).with_suffix(".toml").read_text("utf-8"))
    by_domain: dict[str, KnownOutlet] = {}
    for item in data.get("outlet", []):
        outlet = KnownOutlet(
            name=item["name"],
            domain=item["domain"],
            homepage=item["homepage"],
            aliases=tuple(item.get("aliases", ())),
            domains=tuple(item.get("domains", ())),
            logo=item.get("logo"),
        )
        for domain in (outlet.domain, *outlet.domains):
            by_domain[domain] = outlet
    return by_domain


def known_outlet(domain: str) -> KnownOutlet | None:
    """The known outlet of a registrable domain (``dantri.com.vn``), else ``None``."""
    return _registry().get(domain.lower().removeprefix("www.")) if domain else None


def known_outlets() -> list[KnownOutlet]:
    """Every known outlet once, in the file's order."""
    return list(dict.fromkeys(_registry().values()))


def logo_for(logo_url: str | None, homepage: str | None, domain: str | None) -> str | None:
    """The logo to show for an outlet: the one the publisher gives (page or operator), else the registry's, else
    the favicon at its homepage's root; ``None`` without any address (a monogram stands in)."""
    if logo_url:
        return logo_url
    known = known_outlet(domain or "")
    if known is not None and known.logo:
        return known.logo
    if homepage and homepage.startswith(("http://", "https://")):
        root = homepage.split("://", 1)
        host = root[1].split("/", 1)[0]
        return f"{root[0]}://{host}/favicon.ico" if host else None
    return known.favicon() if known is not None else None
