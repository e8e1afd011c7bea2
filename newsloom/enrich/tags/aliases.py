"""One tag per entity across spellings and languages: the names news uses for the entities it names most, each
mapped to one tag name ("Mỹ", "Hoa Kỳ", "US", "U.S.", "USA" and "United States" are the tag "United States").

A tag is one page of the portal whatever the article's language, so each entity has a single name: the one of the
default edition (English). Articles in every language then share its tag: a Vietnamese report on "Mỹ" and an
English one on "the U.S." are both under United States.

Three kinds of alias:
- ``aliases``: another name of the entity whatever the recogniser called it ("Trump" is often tagged a place);
- ``place_aliases``: a name that is the entity only when it was recognised as a place ("Anh" is the United
  Kingdom as a place, a given name as a person; "Đức" Germany, or a man);
- ``surnames``: a bare surname, the entity only when the article names no other person of that surname (an
  article on Melania Trump that says "Trump" means her), so it is applied after the article's own short names were
  joined to its long ones (``merge.py``).

Matching is on the folded name (case, diacritics and punctuation ignored: "U.S." is "US"), except that a name
written without diacritics is not an alias written with them: "Nha Trang", the city, is not "Nhà Trắng", the White
House (an unaccented alias that is a name, "Ha Noi", is listed as such). Only entities whose names news spells many
ways across languages are listed; others keep their own spelling.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsloom.section_scheme import fold


@dataclass(frozen=True, slots=True)
class KnownEntity:
    name: str
    kind: str  # person | organisation | place
    aliases: tuple[str, ...] = ()
    place_aliases: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()


def _place(name: str, *aliases: str, place_aliases: tuple[str, ...] = ()) -> KnownEntity:
    return KnownEntity(name, "place", aliases, place_aliases)


def _person(name: str, *aliases: str, surnames: tuple[str, ...] = ()) -> KnownEntity:
    return KnownEntity(name, "person", aliases, (), surnames)


def _organisation(name: str, *aliases: str) -> KnownEntity:
    return KnownEntity(name, "organisation", aliases)


KNOWN: tuple[KnownEntity, ...] = (
    _place("United States", "Mỹ", "Hoa Kỳ", "nước Mỹ", "US", "USA", "U.S.A.", "United States of America"),
    _place("China", "Trung Quốc", "Trung Hoa", "PRC"),
    _place("Russia", "Nga", "Liên bang Nga", "Russian Federation"),
    _place("Vietnam", "Việt Nam", "Viet Nam"),
    _place("United Kingdom", "Vương quốc Anh", "UK", "Britain", "Great Britain", "nước Anh", place_aliases=("Anh",)),
    _place("Japan", "Nhật Bản", place_aliases=("Nhật",)),
    _place("South Korea", "Hàn Quốc", "Republic of Korea"),
    _place("North Korea", "Triều Tiên", "Bắc Triều Tiên", "DPRK"),
    _place("France", "Pháp", "nước Pháp"),
    _place("Germany", "CHLB Đức", "nước Đức", place_aliases=("Đức",)),
    _place("India", "Ấn Độ"),
    _place("Australia", "Úc"),
    _place("Thailand", "Thái Lan"),
    _place("Cambodia", "Campuchia"),
    _place("Laos", "Lào"),
    _place("Taiwan", "Đài Loan"),
    _place("Italy", "Ý", "Italia"),
    _place("Spain", "Tây Ban Nha"),
    _place("Netherlands", "Hà Lan"),
    _place("Switzerland", "Thụy Sĩ"),
    _place("Turkey", "Thổ Nhĩ Kỳ", "Türkiye"),
    _place("Egypt", "Ai Cập"),
    _place("Saudi Arabia", "Ả Rập Xê Út", "Saudi"),
    _place("Brazil", "Brasil"),
    _place("Ho Chi Minh City", "TP HCM", "TPHCM", "TP.HCM", "HCM", "HCMC", "Thành phố Hồ Chí Minh", "TP Hồ Chí Minh"),
    _place("Hanoi", "Hà Nội", "Ha Noi", "Thủ đô Hà Nội"),
    _place("Beijing", "Bắc Kinh"),
    _place("Moscow", "Moskva", "Mátxcơva", "Matxcova"),
    _place("Kyiv", "Kiev", "Kyiv"),
    _place("Europe", "Châu Âu"),
    _place("Gaza", "Dải Gaza", "Gaza Strip"),
    _organisation("European Union", "EU", "Liên minh châu Âu", "E.U."),
    _organisation("United Nations", "Liên Hợp Quốc", "LHQ", "UN", "U.N."),
    _organisation("White House", "Nhà Trắng"),
    _organisation(
        "Federal Reserve", "Fed", "Cục Dự trữ Liên bang", "Cục Dự trữ Liên bang Mỹ", "US Federal Reserve", "FED"
    ),
    _organisation("NATO", "Khối NATO", "North Atlantic Treaty Organization"),
    _organisation("World Health Organization", "WHO", "Tổ chức Y tế Thế giới"),
    _organisation("ASEAN", "Hiệp hội các quốc gia Đông Nam Á"),
    _person("Donald Trump", "Donald J. Trump", "Donald John Trump", surnames=("Trump",)),
    _person("Vladimir Putin", "Vladimir Vladimirovich Putin", surnames=("Putin",)),
    _person("Xi Jinping", "Tập Cận Bình", "Cận Bình", surnames=("Xi",)),
    _person(
        "Volodymyr Zelensky",
        "Volodymyr Zelenskyy",
        "Volodymyr Zelenskiy",
        surnames=("Zelensky", "Zelenskyy", "Zelenskiy"),
    ),
    _person("Joe Biden", "Joseph Biden", "Joseph R. Biden", surnames=("Biden",)),
    _person("Kim Jong-un", "Kim Jong Un", "Kim Jong-Un", "Kim Châng-ưn"),
    _person("Benjamin Netanyahu", surnames=("Netanyahu",)),
    _person("Elon Musk", surnames=("Musk",)),
    _person("Emmanuel Macron", surnames=("Macron",)),
    _person("Keir Starmer", surnames=("Starmer",)),
    _person("Tô Lâm", "To Lam"),
)


# What a Vietnamese reader calls the listed entities whose one tag name is English ("United States" is "Mỹ" on the
# Vietnamese edition): a tag keeps one page and one slug, only its label changes with the edition.
VIETNAMESE_NAMES: dict[str, str] = {
    "United States": "Mỹ", "China": "Trung Quốc", "Russia": "Nga", "Vietnam": "Việt Nam", "United Kingdom": "Anh",
    "Japan": "Nhật Bản", "South Korea": "Hàn Quốc", "North Korea": "Triều Tiên", "France": "Pháp",
    "Germany": "Đức", "India": "Ấn Độ", "Australia": "Úc", "Thailand": "Thái Lan", "Cambodia": "Campuchia",
    "Laos": "Lào", "Taiwan": "Đài Loan", "Italy": "Italy", "Spain": "Tây Ban Nha", "Netherlands": "Hà Lan",
    "Switzerland": "Thụy Sĩ", "Turkey": "Thổ Nhĩ Kỳ", "Egypt": "Ai Cập", "Saudi Arabia": "Ả Rập Xê Út",
    "Ho Chi Minh City": "TP HCM", "Hanoi": "Hà Nội", "Beijing": "Bắc Kinh", "Moscow": "Moskva",
    "Europe": "Châu Âu", "European Union": "EU", "United Nations": "Liên Hợp Quốc", "White House": "Nhà Trắng",
    "Federal Reserve": "Fed", "World Health Organization": "WHO", "Xi Jinping": "Tập Cận Bình",
}  # fmt: skip


def tag_label(name: str, language: str) -> str:
    """A tag's name as the readers of ``language`` write it (its stored name where no other is listed)."""
    return VIETNAMESE_NAMES.get(name, name) if language == "vi" else name


def _index() -> tuple[dict[str, KnownEntity], dict[str, KnownEntity], dict[str, KnownEntity], frozenset[str]]:
    names: dict[str, KnownEntity] = {}
    places: dict[str, KnownEntity] = {}
    surnames: dict[str, KnownEntity] = {}
    plain: set[str] = set()  # folded aliases some alias spells without diacritics
    for entity in KNOWN:
        for alias in (entity.name, *entity.aliases):
            names[fold(alias)] = entity
        for alias in entity.place_aliases:
            places[fold(alias)] = entity
        for alias in entity.surnames:
            surnames[fold(alias)] = entity
        plain.update(
            fold(alias)
            for alias in (entity.name, *entity.aliases, *entity.place_aliases, *entity.surnames)
            if not _accented(alias)
        )
    return names, places, surnames, frozenset(plain)


def _accented(name: str) -> bool:
    """Whether a name has a letter with a diacritic ("Nhà Trắng", "Mỹ"; not "Nha Trang", "USA")."""
    return any(ch.isalpha() and not ch.isascii() for ch in name)


_NAMES, _PLACES, _SURNAMES, _PLAIN = _index()
# Names written in capitals on purpose ("TPHCM", "NATO"): in capitals in a text, one of these is no dateline.
_ABBREVIATIONS = frozenset(
    fold(alias) for entity in KNOWN for alias in (entity.name, *entity.aliases) if alias.upper() == alias
)


def is_abbreviation(name: str) -> bool:
    return fold(name) in _ABBREVIATIONS


def known_entity(name: str, kind: str | None = None) -> KnownEntity | None:
    """The entity ``name`` is one of the names of (a place alias only for a place), bare surnames aside."""
    folded = fold(name)
    if not _accented(name) and folded not in _PLAIN:
        return None  # "Nha Trang" is no spelling of "Nhà Trắng"
    return _NAMES.get(folded) or (_PLACES.get(folded) if kind == "place" else None)


def known_by_surname(name: str) -> KnownEntity | None:
    """The person a bare surname stands for, where the article names no other person of that name."""
    folded = fold(name)
    return _SURNAMES.get(folded) if _accented(name) or folded in _PLAIN else None


def canonical_tag(tag: str) -> tuple[str, str | None]:
    """A publisher's tag under its entity's one name, with the entity's kind (None: not a known entity)."""
    entity = known_entity(tag, "place") or known_by_surname(tag)
    return (entity.name, entity.kind) if entity is not None else (tag, None)
