"""Interface catalogues and locale formatting: every interface text has its Vietnamese translation, the catalogue
template follows the templates, Accept-Language picks an edition, dates and numbers follow the locale."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from newsloom.errors import ConfigError
from newsloom.web.i18n import LOCALE_DIR, Edition, catalogue_path, load_translations, negotiate

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("newsloom/web/**.py", "python"), ("newsloom/web/templates/*.html", "jinja2.ext.babel_extract")]
OPTIONS = {"newsloom/web/templates/*.html": {"extensions": "jinja2.ext.i18n"}}


def extracted() -> set[str]:
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        METHODS,
        OPTIONS,
        keywords=keywords,  # type: ignore[arg-type]
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(code: str):  # type: ignore[no-untyped-def]
    with catalogue_path(code).open("rb") as handle:
        return read_po(handle, locale=code)


def test_every_interface_text_is_in_the_catalogues_and_translated_into_vietnamese() -> None:
    texts = extracted()
    # "Photo: …" is marked in Python, inside a call pybabel does not look into unless marked on its own
    assert {"Latest news", "Same tag", "Comment", "Search", "No such article", "World", "Photo: %(credit)s"} <= texts
    vietnamese = catalogue("vi")
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in vietnamese if m.id}
    assert texts - ids == set(), "run `make i18n` and translate the new entries"
    untranslated = [m.id for m in vietnamese if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert untranslated == []
    fuzzy = [m.id for m in vietnamese if m.id and m.fuzzy]
    assert fuzzy == []
    assert (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").is_file()


@pytest.mark.parametrize(
    ("english", "translated"),
    [("Latest news", "Tin mới nhất"), ("Comment", "Bình luận"), ("Same tag", "Cùng chủ đề"),
     ("Same category", "Cùng chuyên mục"), ("Same author", "Cùng tác giả"), ("Search", "Tìm kiếm")],
)  # fmt: skip
def test_vietnamese_catalogue_compiles_at_start_up(english: str, translated: str) -> None:
    assert load_translations("vi").gettext(english) == translated
    assert load_translations("en").gettext(english) == english
    assert load_translations("xx").gettext(english) == english  # no catalogue: the templates' English


def test_placeholders_survive_translation() -> None:
    vietnamese = catalogue("vi")
    for message in vietnamese:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for string in strings:
            for name in ("%(name)s", "%(count)s", "%(n)s", "%(query)s", "%(language)s", "%(when)s", "%(credit)s"):
                assert (name in source) == (name in string), (source, string)


@pytest.mark.parametrize(
    ("header", "chosen"),
    [("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", "vi"), ("en-US,en;q=0.9", "en"), ("fr-FR,fr;q=0.9,vi;q=0.5", "vi"),
     ("fr, de", "en"), ("", "en"), ("en;q=0.2, vi;q=0.8", "vi"), ("vi;q=0, en", "en"), ("*", "en"),
     ("vi;q=abc,en", "en"), (";;;,,,", "en")],
)  # fmt: skip
def test_accept_language_negotiation(header: str, chosen: str) -> None:
    assert negotiate(header, ["en", "vi"], "en") == chosen


def test_dates_and_numbers_follow_the_edition_locale_and_portal_time_zone() -> None:
    when = datetime(2026, 11, 15, 17, 5, tzinfo=UTC)  # 00:05 on the 16th in Hà Nội
    english, vietnamese = Edition.load("en", "Asia/Ho_Chi_Minh"), Edition.load("vi", "Asia/Ho_Chi_Minh")
    # As each edition's readers write them, the zone named: Vietnamese portals' numeric form, English's month spelled.
    assert english.format_date(when) == "16 November 2026, 00:05 (GMT+7)"
    assert vietnamese.format_date(when) == "16/11/2026 00:05 (GMT+7)"
    assert vietnamese.format_date(datetime(2026, 3, 7, 1, 7, tzinfo=UTC)) == "07/03/2026 08:07 (GMT+7)"
    assert english.format_day(when) == "16 November 2026" and vietnamese.format_day(when) == "16/11/2026"
    assert Edition.load("en", "UTC").format_date(when) == "15 November 2026, 17:05 (GMT)"
    assert Edition.load("en", "Asia/Kolkata").format_date(when) == "15 November 2026, 22:35 (GMT+5:30)"
    assert Edition.load("vi", "America/New_York").format_date(when) == "15/11/2026 12:05 (GMT-5)"
    assert english.format_number(1234567) == "1,234,567" and vietnamese.format_number(1234567) == "1.234.567"
    assert english.language_name("vi") == "Vietnamese" and vietnamese.language_name("en") == "tiếng Anh"
    assert vietnamese.own_name() == "Tiếng Việt" and english.own_name() == "English"


def test_known_sections_are_translated_and_renamed_ones_kept() -> None:
    vietnamese, english = Edition.load("vi", "UTC"), Edition.load("en", "UTC")
    assert vietnamese.section_name("world", "World") == "Thế giới"
    assert english.section_name("the-gioi", "Thế giới") == "World"
    assert vietnamese.section_name("world", "Planet Earth") == "Planet Earth"  # an administrator's name wins
    assert english.section_name("bong-da-anh", "Bóng đá Anh") == "Bóng đá Anh"
    # The scheme's sections by their names in each edition: Vietnam is "Thời sự" to Vietnamese readers.
    assert (
        vietnamese.section_name("vietnam", "Vietnam") == "Thời sự"
        and english.section_name("vietnam", None) == "Vietnam"
    )
    assert vietnamese.section_name("lifestyle", "Lifestyle") == "Đời sống"


@pytest.mark.parametrize(
    ("code", "zone", "setting"), [("xx-nope", "UTC", "editions"), ("vi", "Mars/Olympus", "timezone")]
)
def test_unknown_language_or_time_zone_is_a_clear_settings_error(code: str, zone: str, setting: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Edition.load(code, zone)
    assert raised.value.where == setting and "unknown" in raised.value.reason
