"""Attribution in news text: "According to RT", "Theo RT", "Source: <url>", datelines such as "(Dân trí) -" or
"WASHINGTON (Reuters) -", and photo credits in captions such as "(Ảnh: AFP)" or "(Photo: AFP)".

Short lines that only attribute are taken out of the body into ``Attribution`` entries; datelines stay in the text
(they are part of the first sentence) and are recorded as well.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from newsloom.model import Attribution, AttributionKind
from newsloom.text import normalize_space

_URL = re.compile(r"https?://\S+")
_ACCORDING_TO = re.compile(
    r"^(?:according to|theo|nguồn|source|sources|quelle|fuente|fonte|via|cre?dit)\s*:?\s+(?P<name>[^,;]{2,80}?)\.?$",
    re.IGNORECASE,
)
_SOURCE_URL = re.compile(
    r"^(?:source|nguồn|link|original|read more at|xem thêm)\s*:?\s*(?P<url>https?://\S+)$", re.IGNORECASE
)
_DATELINE = re.compile(r"^(?:(?P<place>[A-ZÀ-Ỹ][A-ZÀ-Ỹ .,'/-]{1,40})\s*)?\((?P<name>[^()]{2,40})\)\s*[-–—]\s*\S")
_PHOTO_CREDIT = re.compile(
    r"\(\s*(?:ảnh|photo|photos|foto|fotos|image|picture|bild|credit|nguồn ảnh)\s*:\s*(?P<name>[^()]{1,80})\)\s*\.?$",
    re.IGNORECASE,
)
# A caption that is only a credit ("© BART DEWAELE", "Image Credits: Strava"), or ends with one after a dash.
_CREDIT_ONLY = re.compile(
    r"^(?:©|\(c\)|copyright\b|image\s+credits?\s*:|photo\s+credits?\s*:|credits?\s*:|quelle\s*:|source\s*:)"
    r"\s*(?P<name>[^\n]{1,80})$",
    re.IGNORECASE,
)
_DASH_COPYRIGHT = re.compile(r"\s+(?:[-–—|]\s+)?(?:copyright\b|©)\s*(?P<name>[^©\n]{1,80})$", re.IGNORECASE)
_TRAILING_CREDIT = re.compile(
    r"(?:^|\s|(?<=[.!?]))(?:(?:photo|foto|image|ảnh|bild)\s*(?:credits?)?|credits?)\s*:\s*"
    r"(?P<name>(?=[^\s.()])(?:\w{1,2}\.\s?){0,5}[^.()]{0,60})\.?$",  # initials may open it ("Ảnh: H.Y.T.", "T.T. Dũng")
    re.IGNORECASE,
)
MAX_ATTRIBUTION_LINE = 120
MAX_SOURCE_NAME = 60


def is_source_element(element: lxml_html.HtmlElement) -> bool:
    """A body element whose class says it names the source (``contains(@class, 'source')``)."""
    return "source" in (element.get("class") or "")


def source_texts(elements: list[lxml_html.HtmlElement]) -> list[str]:
    """Texts of the elements whose class says they name the source ("Theo Nhịp sống thị trường"), given in
    document order (``is_source_element`` over the page's class scan)."""
    texts = (normalize_space(element.text_content()) for element in elements[:20])
    return [text for text in texts if text and len(text) <= 4 * MAX_SOURCE_NAME]


def named_source(line: str, texts: list[str]) -> Attribution | None:
    """A short last line of the body that is only the name a source element attributes ("Theo" + name): outlets
    split the "Theo" into an element the body finder drops, and only the bare name reaches the body."""
    name = normalize_space(line)
    if not name or len(name) > MAX_SOURCE_NAME or name[-1] in ".!?":
        return None
    pattern = re.compile(
        rf"(?:^|\s)(?:theo|according to|nguồn|source|quelle|fuente|via)\s*:?\s+{re.escape(name)}", re.I
    )
    if any(pattern.search(text) for text in texts):
        return Attribution(AttributionKind.ACCORDING_TO, name=name, text=line)
    return None


def attribution_line(text: str) -> Attribution | None:
    """The attribution a whole line makes, if the line does nothing else."""
    line = text.strip()
    if not line or len(line) > MAX_ATTRIBUTION_LINE:
        return None
    if match := _SOURCE_URL.match(line):
        return Attribution(AttributionKind.SOURCE_URL, url=match.group("url").rstrip(".,)"), text=line)
    if match := _ACCORDING_TO.match(line):
        name = match.group("name").strip()
        if _URL.fullmatch(name):
            return Attribution(AttributionKind.SOURCE_URL, url=name, text=line)
        if len(name.split()) <= 8:
            return Attribution(AttributionKind.ACCORDING_TO, name=name, text=line)
    return None


def dateline(text: str) -> Attribution | None:
    match = _DATELINE.match(text.strip())
    if not match:
        return None
    name = match.group("name").strip()
    if any(char.isdigit() for char in name) and len(name) < 4:
        return None
    place = (match.group("place") or "").strip(" ,") or None
    return Attribution(AttributionKind.DATELINE, name=name, text=place)


def split_caption_credit(caption: str) -> tuple[str, str | None]:
    """``"Elon Musk (Photo: AFP)."`` → ``("Elon Musk", "AFP")``."""
    text = caption.strip()
    if match := _CREDIT_ONLY.match(text):
        return "", match.group("name").strip()
    for pattern in (_PHOTO_CREDIT, _DASH_COPYRIGHT, _TRAILING_CREDIT):
        if match := pattern.search(text):
            credit = match.group("name").strip()
            rest = text[: match.start()].rstrip(" ,-–—|")
            if rest and text.endswith(".") and not rest.endswith((".", "!", "?")):
                rest += "."
            return rest, credit
    return text, None
