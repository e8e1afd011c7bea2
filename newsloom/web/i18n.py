"""The portal's interface languages: message catalogues, and dates, numbers and section names per edition.

Each edition (``editions`` setting, e.g. ``vi,en``) speaks through a Babel message catalogue,
``newsloom/web/locale/CODE/LC_MESSAGES/messages.po``. Catalogues are compiled in memory when the portal starts,
from the ``.po`` files themselves: there is no build step to forget, and a fresh checkout serves translated pages.
English is the language of the templates, so an edition without a catalogue shows English text with its own
locale's dates and numbers. To add a language: ``pybabel init -i newsloom/web/locale/messages.pot -d
newsloom/web/locale -l CODE``, translate, and add CODE to ``editions`` (``make i18n`` refreshes the template and the
catalogues after template changes).

Dates are shown in the portal's time zone (``timezone`` setting), written as the edition's readers write them
(``DATE_PATTERNS``), the zone's offset named: "07/03/2026 08:07 (GMT+7)", "7 March 2026, 08:07 (GMT+7)".
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from newsloom.errors import ConfigError
from newsloom.section_scheme import scheme_from_settings
from newsloom.text import slugify

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks text shown later through a catalogue (error messages rendered by ``error.html``): ``make i18n``
    extracts it; the text itself is returned unchanged."""
    return message


# Sections the classifier and most outlets name, by slug (English and Vietnamese), to the English name the
# catalogues translate. A section not listed keeps the name its outlet gave it.
SECTION_NAMES = {
    "world": N_("World"), "the-gioi": N_("World"), "quoc-te": N_("World"),
    "business": N_("Business"), "kinh-doanh": N_("Business"), "kinh-te": N_("Business"),
    "sport": N_("Sport"), "sports": N_("Sport"), "the-thao": N_("Sport"),
    "technology": N_("Technology"), "cong-nghe": N_("Technology"), "so-hoa": N_("Technology"),
    "culture": N_("Culture"), "van-hoa": N_("Culture"),
    "entertainment": N_("Entertainment"), "giai-tri": N_("Entertainment"),
    "science": N_("Science"), "khoa-hoc": N_("Science"),
    "health": N_("Health"), "suc-khoe": N_("Health"),
    "politics": N_("Politics"), "chinh-tri": N_("Politics"), "thoi-su": N_("News"),
    "news": N_("News"), "education": N_("Education"), "giao-duc": N_("Education"),
    "law": N_("Law"), "phap-luat": N_("Law"), "travel": N_("Travel"), "du-lich": N_("Travel"),
    "society": N_("Society"), "xa-hoi": N_("Society"), "opinion": N_("Opinion"), "goc-nhin": N_("Opinion"),
    "cars": N_("Cars"), "oto-xe-may": N_("Cars"), "o-to-xe-may": N_("Cars"), "real-estate": N_("Real estate"), "bat-dong-san": N_("Real estate"),
}  # fmt: skip


# Per edition language: (the day's CLDR pattern, what separates it from the 24-hour time). Vietnamese news
# portals print numeric day/month/year (Babel's medium form, "7 thg 3, 2026", is rarely seen there); English
# spells the month, day first, as a world news desk does.
DATE_PATTERNS = {
    "vi": ("dd/MM/y", " "),
    "en": ("d MMMM y", ", "),
    "": ("d MMMM y", ", "),  # any other edition: its own month names
}


def gmt_offset(value: datetime, zone: ZoneInfo) -> str:
    """The zone's offset from UTC at ``value``, as portals print it: "GMT+7", "GMT+5:30", "GMT-3", "GMT"."""
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "GMT"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    return f"GMT{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def primary_language(tag: str | None) -> str:
    """The language of a tag, lower-cased: ``en-US``, ``en_gb`` and ``EN`` are all ``en`` (pages name their
    language in many ways; an edition is a language)."""
    return (tag or "").replace("_", "-").split("-")[0].strip().lower()


def catalogue_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(code: str) -> gettext.NullTranslations:
    """The compiled catalogue of one language, or no translation (the templates' English) when there is none.

    Fuzzy entries are left out, as ``pybabel compile`` leaves them out: a guess is not shown to readers.
    """
    path = catalogue_path(code)
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def negotiate(accept_language: str, editions: list[str], default: str) -> str:
    """The first edition the reader's ``Accept-Language`` asks for (by quality, then order), else ``default``.

    ``vi-VN`` asks for ``vi``; ``*`` and unknown languages ask for nothing. A malformed header counts as absent.
    """
    wanted: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = tag.strip().split("-")[0].lower()
        if language and language != "*" and quality > 0:
            wanted.append((-quality, position, language))
    for _, _, language in sorted(wanted):
        if language in editions:
            return language
    return default


@dataclass(frozen=True)
class Edition:
    """One language edition's interface: its catalogue, locale and time zone."""

    code: str
    locale: Locale
    translations: gettext.NullTranslations
    timezone: ZoneInfo
    scheme_names: dict[str, str] = field(default_factory=dict)  # the section scheme's names in this edition, by slug

    @classmethod
    def load(cls, code: str, timezone: str, sections: list[dict[str, Any]] | None = None) -> Edition:
        """The edition ``code``; a language or time zone nobody knows is a settings error, said at start-up.

        ``sections`` is the ``sections`` setting: the scheme's sections are named as it names them in this edition
        (Vietnam is "Thời sự" in Vietnamese), else by the catalogue's translation of their English name."""
        try:
            locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError, TypeError) as error:
            raise ConfigError(f"unknown language {code!r} in the editions setting", "editions") from error
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ConfigError(f"unknown time zone {timezone!r} (e.g. Asia/Ho_Chi_Minh, UTC)", "timezone") from error
        translations = load_translations(code)
        try:
            scheme = scheme_from_settings(sections)
        except ValueError as error:
            raise ConfigError(str(error), "sections") from error
        names = {s.slug: s.names.get(code) or translations.gettext(s.name("en")) for s in scheme}
        return cls(code, locale, translations, zone, names)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def format_date(self, value: datetime | None) -> str:
        """Day, month, year and time in the portal's time zone, as the edition's readers write them, the zone named:
        "07/03/2026 08:07 (GMT+7)" as Vietnamese portals print it, "7 March 2026, 08:07 (GMT+7)" in English."""
        if value is None:
            return ""
        pattern = DATE_PATTERNS.get(self.code, DATE_PATTERNS[""])
        shown = format_datetime(value, f"{pattern[0]}{pattern[1]}HH:mm", tzinfo=self.timezone, locale=self.locale)
        return f"{shown} ({gmt_offset(value, self.timezone)})"

    def format_day(self, value: datetime | None) -> str:
        """The day alone, written as ``format_date`` writes it."""
        if value is None:
            return ""
        return format_datetime(value, DATE_PATTERNS.get(self.code, DATE_PATTERNS[""])[0], tzinfo=self.timezone,
                               locale=self.locale)  # fmt: skip

    def format_number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def language_name(self, code: str | None) -> str:
        """A language's name in this edition's language ("Vietnamese" in English, "tiếng Việt" in Vietnamese)."""
        if not code:
            return self.gettext("unknown language")
        try:
            name = Locale.parse(code).get_display_name(self.locale) or code
        except (ValueError, TypeError):
            return code
        # CLDR capitalises Vietnamese language names for lists ("Tiếng Anh"); in a sentence it is "tiếng Anh".
        return "t" + name[1:] if self.code == "vi" and name.startswith("Tiếng ") else name

    def own_name(self) -> str:
        """This edition's language in itself, for the language switch ("Tiếng Việt", "English")."""
        name = self.locale.get_display_name(self.locale) or self.code
        return name[:1].upper() + name[1:]

    def foreign(self, language: str | None) -> bool:
        """Whether text in ``language`` is in another language than this edition's (unknown counts as not)."""
        return bool(language) and primary_language(language) != self.code

    def section_name(self, slug: str | None, name: str | None) -> str:
        """A section's name in this edition: a known section translated, any other as its outlet names it.

        A section an administrator renamed (its name no longer the one its slug was made from) keeps that name.
        """
        unchanged = name is None or slugify(name) == slug
        if slug in self.scheme_names and unchanged:
            return self.scheme_names[slug]
        known = SECTION_NAMES.get(slug or "")
        if known is not None and unchanged:
            return self.gettext(known)
        return name or slug or ""
