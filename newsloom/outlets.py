"""Outlets: which publisher an article belongs to, and what to call it.

An outlet is identified by the registrable domain of the article's canonical URL (``newsloom/domains.py``), not by
the feed that listed it: a feed listing another outlet's article records it as "carried by" (the store does that).
Its name comes from the page's own evidence, most trusted first (JSON-LD ``publisher.name``, ``og:site_name``,
``application-name``, the ``<title>`` suffix), never a URL or host name, never a section name ("Security" on a
heise.de page), never an aggregator that only carried the page ("MSN" on a CNN article). A name that looks like the
domain wins over one that does not; without any usable evidence the domain's own label stands in ("Newsnation").
A paper newsloom knows (``newsloom/known_outlets.py``) keeps its own spelling where the page's name is missing, a
domain, capitals or another spelling of the same name ("cafef" → "CafeF", "Báo Dân Trí" → "Dân trí").
"""

from __future__ import annotations

import re
import unicodedata

from newsloom.domains import registrable_domain
from newsloom.known_outlets import KnownOutlet, known_outlet
from newsloom.model import Article
from newsloom.section_scheme import all_section_words
from newsloom.size_caps import MAX_NAME_CHARS
from newsloom.wires import WIRE_LABELS

# Aggregators and portals that re-publish other outlets' articles under their own site name.
CARRIERS = frozenset(
    {
        "msn",
        "msn.com",
        "yahoo",
        "yahoo news",
        "yahoo finance",
        "google news",
        "apple news",
        "flipboard",
        "newsbreak",
        "smartnews",
        "ground news",
        "pressreader",
        "news break",
        "bao moi",
        "baomoi",
    }
)
_WIRES = WIRE_LABELS | {"associatedpress", "agencefrancepresse", "reuters"}
# Rank of each kind of evidence: the higher, the more it is trusted.
RANKS = {"registry": 7, "json-ld": 5, "og": 4, "application": 3, "site": 3, "title": 2, "domain": 1}
_URLISH = re.compile(r"(?:^https?:|://|^www\.|^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/|$))", re.IGNORECASE)
_GENERIC = frozenset({"home", "homepage", "news", "latest news", "breaking news", "article", "articles", "video"})


def fold(text: str) -> str:
    """Lower case, no diacritics, letters and digits only: what two spellings of one name share."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).casefold()


def domain_label(domain: str) -> str:
    """``timeslive.co.za`` -> ``timeslive``: the part of the domain a publisher chose."""
    return domain.split(".", 1)[0] if domain else ""


def looks_like_domain(name: str, domain: str) -> bool:
    """Whether a name plausibly names the site at ``domain``: "CNN" for cnn.com, "stern.de" never (a host)."""
    label, folded = fold(domain_label(domain)), fold(name)
    if not label or not folded:
        return False
    if folded in label or label in folded:
        return True
    initials = "".join(word[0] for word in re.findall(r"\w+", name.casefold()) if word)
    return len(initials) >= 2 and initials in label


def usable_name(name: str, *, section_words: frozenset[str], own_sections: set[str]) -> bool:
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS or _URLISH.search(name):
        return False
    folded = fold(name)
    if not folded or folded in _GENERIC or name.casefold() in _GENERIC:
        return False
    return folded not in section_words and folded not in own_sections


def domain_name(domain: str) -> str:
    """A last-resort name from the domain: ``newsnation.in`` -> "Newsnation" (never the host itself)."""
    label = domain_label(domain)
    if len(label) <= 3:
        return label.upper()  # aa.com.tr -> "AA"
    return label[:1].upper() + label[1:] if label else ""


def _weak_name(name: str, domain: str, known: KnownOutlet) -> bool:
    """A page's name for a known paper that the paper's own spelling should replace: its domain label
    ("cafef"), capitals ("TUOI TRE ONLINE"), or one of its spellings of itself ("Báo Dân Trí")."""
    letters = [ch for ch in name if ch.isalpha()]
    shouting = len(letters) > 4 and all(ch.isupper() for ch in letters)
    return shouting or fold(name) == fold(domain_label(domain)) or known.is_called(name)


def choose_outlet_name(article: Article, domain: str) -> tuple[str | None, int]:
    """The best name the page gives its publisher, and the rank of that evidence (0: none at all)."""
    own_sections = {fold(name) for name in (article.publisher_section, *article.breadcrumbs) if name}
    section_words = all_section_words()
    candidates: list[tuple[int, int, str]] = []  # (matches the domain, rank, name)
    evidence = article.outlet_evidence or ([("site", article.site_name)] if article.site_name else [])
    for order, (kind, whole) in enumerate(evidence):
        # "The Jerusalem Post | JPost.com": the first part that is a name, not an address.
        parts = [part.strip() for part in re.split(r"\s[|·]\s", whole) if part.strip()]
        name = next((part for part in parts if not _URLISH.search(part)), whole.strip())
        matches = looks_like_domain(name, domain) if domain else False
        if not matches and fold(name) in _WIRES:
            continue  # a wire agency credited as publisher of a page on someone else's site: the wire, not the outlet
        # A breadcrumb often starts with the site's own name: a name that looks like the domain stays a name.
        if not usable_name(name, section_words=section_words, own_sections=set() if matches else own_sections):
            continue
        if kind == "title" and not matches:
            continue  # a title's last part names the site only where it reads like the domain; else a headline
        if fold(name) in {fold(carrier) for carrier in CARRIERS} and not matches:
            continue  # the aggregator that carried the page, not the page's publisher
        candidates.append((int(matches), RANKS.get(kind, 1) * 100 - order, name))
    chosen: tuple[str | None, int] = (None, 0)
    if candidates:
        best_matches, rank, best = max(candidates)
        chosen = best, rank // 100 + (1 if best_matches else 0)
    elif domain and not domain.replace(".", "").isdigit() and "." in domain:
        chosen = domain_name(domain), RANKS["domain"]
    # A known paper whose page names it weakly (nothing, its domain, capitals, another spelling of its own name):
    # the name as the paper writes it (newsloom/known_outlets.py), ranked above any page's evidence.
    known = known_outlet(domain) if domain else None
    if known is not None and (chosen[1] <= RANKS["domain"] or _weak_name(chosen[0] or "", domain, known)):
        return known.name, RANKS["registry"]
    return chosen


def distinct_name(name: str, domain: str) -> str:
    """The name to show for an outlet whose name another domain's outlet already has ("Express" of express.de beside
    express.co.uk's): the name with its country or domain suffix, so every outlet is named once."""
    suffix = domain.split(".", 1)[1] if "." in domain else domain
    country = suffix.rsplit(".", 1)[-1]
    return f"{name} ({country.upper() if len(country) == 2 else domain})"


def settle_outlet(article: Article) -> Article:
    """Enrichment step: name the article's outlet (``article.outlet``) from its page's evidence and its domain."""
    domain = registrable_domain(article.canonical_url or article.url or "")
    article.outlet, _ = choose_outlet_name(article, domain)
    return article
