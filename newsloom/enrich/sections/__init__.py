"""Sections: every article placed on the portal's scheme (``scheme.py``) by rules first (``rules.py``: feed mapping,
publisher's section, breadcrumb, URL path), then by a text classifier trained on what the rules placed
(``classifier.py``, run in the batch stage ``newsloom/pipeline/enrichment.py``). An article neither places stays unplaced
(``section`` None, ``section_rule`` None) and is listed for the administrator.
"""

from __future__ import annotations

from newsloom.enrich.sections.rules import Placement, place_by_rules
from newsloom.model import Article
from newsloom.section_scheme import DEFAULT_SCHEME, SchemeSection, alias_map, fold, scheme_from_settings

_DEFAULT_ALIASES = alias_map(DEFAULT_SCHEME)
_DEFAULT_NAMES = {section.slug: section.name("en") for section in DEFAULT_SCHEME}


def place_section(article: Article) -> Article:
    """Enrichment step: ``article.section`` becomes a scheme section (by the rules) or None; the publisher's own label
    is kept in ``publisher_section``."""
    if article.publisher_section is None and article.section_rule is None:
        article.publisher_section = article.section
    placement = place_by_rules(article, _DEFAULT_ALIASES)
    if placement is None:
        article.section, article.section_rule, article.section_confidence = None, None, None
    else:
        article.section = _DEFAULT_NAMES[placement.slug]
        article.section_rule, article.section_confidence = placement.rule, placement.confidence
    return article


__all__ = [
    "DEFAULT_SCHEME",
    "Placement",
    "SchemeSection",
    "alias_map",
    "fold",
    "place_by_rules",
    "place_section",
    "scheme_from_settings",
]
