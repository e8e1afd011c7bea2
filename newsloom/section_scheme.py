"""The portal's section scheme: the sections readers see, each with a name per edition and the words publishers
use for it (in their menus, ``article:section``, breadcrumbs and URL paths), in Vietnamese and English at least.

The default is ``DEFAULT_SCHEME``; the ``sections`` setting replaces it (a list of tables with ``names`` per
edition and optional ``aliases``). Words are compared folded (``fold``: lower case, no diacritics, letters and
digits only), so "Thế giới", "the-gioi" and "THE GIOI" are one word, "thegioi".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True, slots=True)
class SchemeSection:
    slug: str
    names: dict[str, str]  # edition language -> name
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def name(self, edition: str = "en") -> str:
        return self.names.get(edition) or self.names.get("en") or next(iter(self.names.values()), self.slug)


def _section(slug: str, en: str, vi: str, *aliases: str) -> SchemeSection:
    return SchemeSection(slug, {"en": en, "vi": vi}, aliases)


DEFAULT_SCHEME: tuple[SchemeSection, ...] = (
    _section(
        "world",
        "World",
        "Thế giới",
        "world",
        "world news",
        "international",
        "quốc tế",
        "global",
        "europe",
        "asia",
        "africa",
        "americas",
        "middle east",
        "asia pacific",
        "ausland",
        "welt",
        "monde",
        "international news",
        "mundo",
        "internacional",
        "esteri",
        "buitenland",
        "utrikes",
        "kokusai",
        "dunya",
        "foreign",
    ),
    _section(
        "vietnam",
        "Vietnam",
        "Thời sự",
        "thời sự",
        "xã hội",
        "trong nước",
        "tin tức trong ngày",  # 24h's section of the day's domestic news
        "việt nam",
        "vietnam",
        "chính trị xã hội",
        "politics/society",
        "dân sinh",
        "giao thông",
        "đô thị",
    ),
    _section(
        "politics",
        "Politics",
        "Chính trị",
        "politics",
        "chính trị",
        "politik",
        "politique",
        "política",
        "politica",
        "election",
        "elections",
        "government",
        "us politics",
        "uk politics",
        "polityka",
        "democrats",
        "republicans",
    ),
    _section(
        "business",
        "Business",
        "Kinh doanh",
        "business",
        "kinh doanh",
        "kinh tế",
        "economy",
        "economics",
        "finance",
        "finances",
        "markets",
        "money",
        "wirtschaft",
        "économie",
        "economie",
        "economía",
        "economia",
        "tài chính",
        "bất động sản",
        "chứng khoán",
        "companies",
        "finanzen",
        "markt",
        "industry",
        "trade",
        "personal finance",
        "real estate",
        "property",
        "ekonomi",
        "keizai",
        "biz",
        "investing",
        "energie",
        "landwirtschaft",
        "gospodarka",
    ),
    _section(
        "technology",
        "Technology",
        "Công nghệ",
        "technology",
        "tech",
        "công nghệ",
        "số hóa",
        "vi tính",
        "digital",
        "internet",
        "computing",
        "gadgets",
        "technik",
        "netzwelt",
        "high tech",
        "hightech",
        "sci-tech",
        "science & technology",
        "technologie",
        "tecnología",
        "tecnologia",
        "security",
        "gear",
        "apple",
        "auto news",
        "autos",
        "cars",
        "games",
        "gaming",
        "khoa học công nghệ",
        "innovation",
        "teknologi",
    ),
    _section(
        "science",
        "Science",
        "Khoa học",
        "science",
        "khoa học",
        "wissenschaft",
        "wissen",
        "sciences",
        "ciencia",
        "scienza",
        "space",
        "environment",
        "climate",
        "môi trường",
        "nature",
        "vetenskap",
    ),
    _section(
        "health",
        "Health",
        "Sức khỏe",
        "health",
        "sức khỏe",
        "sức khoẻ",
        "y tế",
        "gesundheit",
        "santé",
        "sante",
        "salud",
        "salute",
        "medicine",
        "wellness",
        "wellbeing",
        "hälsa",
        "coronavirus",
        "covid-19",
    ),
    _section(
        "sports",
        "Sports",
        "Thể thao",
        "sport",
        "sports",
        "thể thao",
        "bóng đá",
        "football",
        "soccer",
        "cricket",
        "tennis",
        "nba",
        "nfl",
        "f1",
        "formula 1",
        "motorsport",
        "golf",
        "rugby",
        "deportes",
        "calcio",
        "fussball",
        "fußball",
        "basketball",
        "baseball",
        "hockey",
        "olympics",
        "esports",
    ),
    _section(
        "culture",
        "Culture",
        "Văn hóa",
        "culture",
        "văn hóa",
        "văn hoá",
        "giải trí",
        "entertainment",
        "arts",
        "art",
        "music",
        "film",
        "films",
        "movies",
        "books",
        "kultur",
        "cinema",
        "tv",
        "television",
        "showbiz",
        "celebrity",
        "celebrities",
        "cultura",
        "kultur & gesellschaft",
        "feuilleton",
        "arts and culture",
        "nöje",
        "entertainment & arts",
        "stars",
    ),
    _section(
        "travel",
        "Travel",
        "Du lịch",
        "travel",
        "du lịch",
        "reise",
        "reisen",
        "voyage",
        "voyages",
        "viajes",
        "viaggi",
        "tourism",
        "resa",
    ),
    _section(
        "lifestyle",
        "Lifestyle",
        "Đời sống",
        "lifestyle",
        "đời sống",
        "life",
        "living",
        "style",
        "fashion",
        "food",
        "family",
        "gia đình",
        "leben",
        "panorama",
        "lifestyle & leisure",
        "home & garden",
        "relationships",
        "beauty",
        "giới trẻ",
        "ẩm thực",
        "vida",
        "stil",
        "life & style",
        "living & style",
        "ratgeber",
        "wohnen",
        "recipes",
        "rezepte",
        "kjendis",
    ),
    _section(
        "opinion",
        "Opinion",
        "Ý kiến",
        "opinion",
        "ý kiến",
        "comment",
        "commentary",
        "editorial",
        "editorials",
        "columns",
        "column",
        "góc nhìn",
        "meinung",
        "opinions",
        "op-ed",
        "oped",
        "kommentar",
        "debatt",
        "tribune",
        "opinión",
        "letters",
        "bạn đọc",
    ),
    _section(
        "law",
        "Law",
        "Pháp luật",
        "law",
        "pháp luật",
        "crime",
        "justice",
        "courts",
        "court",
        "legal",
        "recht",
        "crime and justice",
        "an ninh",
        "hình sự",
        "an ninh trật tự",
        "police",
        "justiz",
        "kriminalität",
        "polizei",
        "judicial",
    ),
)


def scheme_from_settings(value: Iterable[dict[str, Any]] | None) -> tuple[SchemeSection, ...]:
    """The scheme the ``sections`` setting describes, or the default; a clear ``ValueError`` for a bad table.

    Each table has ``names`` per edition (``en`` required: the section's slug is made from it, as the store does)
    and optional ``aliases``; a default section's aliases are kept when none are given."""
    if not value:
        return DEFAULT_SCHEME
    from newsloom.text import slugify

    scheme: list[SchemeSection] = []
    for index, item in enumerate(value):
        names = item.get("names") if isinstance(item, dict) else None
        if not isinstance(names, dict) or not names.get("en"):
            raise ValueError(f"sections[{index}] needs names per edition, with an English one (names.en)")
        slug = slugify(str(names["en"]))
        default = next((s for s in DEFAULT_SCHEME if s.slug == slug), None)
        aliases = tuple(item.get("aliases") or (default.aliases if default else ()))
        scheme.append(SchemeSection(slug, {str(k): str(v) for k, v in names.items()}, aliases))
    return tuple(scheme)


def alias_map(scheme: tuple[SchemeSection, ...] = DEFAULT_SCHEME) -> dict[str, str]:
    """Folded word -> section slug, from every section's slug, names and aliases."""
    mapping: dict[str, str] = {}
    for section in scheme:
        for word in (section.slug, *section.names.values(), *section.aliases):
            mapping.setdefault(fold(word), section.slug)
    mapping.pop("", None)
    return mapping


@lru_cache(maxsize=1)
def all_section_words() -> frozenset[str]:
    """Every folded section word of the default scheme, and common section words besides: never an outlet name."""
    extra = (
        "news",
        "latest",
        "home",
        "breaking news",
        "top stories",
        "local",
        "us",
        "uk",
        "video",
        "videos",
        "photos",
        "nachrichten",
        "actualités",
        "noticias",
        "tin tức",
        "mới nhất",
        "security",
        "politik",
    )
    return frozenset(alias_map()) | {fold(word) for word in extra}
