"""Bytes to text: the charset a page declares, else what its bytes say.

Order: byte-order mark, HTTP ``Content-Type`` charset (when the fetcher passes it), ``<meta charset>`` /
``http-equiv`` in the first 4 KB, then detection (charset-normalizer), then UTF-8 with replacement. A declared
charset that fails to decode strictly is distrusted and detection decides, so mislabelled Vietnamese pages in
windows-1258 or UTF-8 labelled as latin-1 still come out right.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ALIASES = {
    "iso-8859-1": "windows-1252",
    "latin-1": "windows-1252",
    "ascii": "windows-1252",
    "us-ascii": "windows-1252",
}


def _normalise(name: str) -> str | None:
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _compose(text: str) -> str:
    """Legacy Vietnamese encodings (windows-1258, VISCII) carry tones as combining marks: compose them (NFC)."""
    return unicodedata.normalize("NFC", text)


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    if content_type:
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", content_type, re.IGNORECASE)
        if match and (name := _normalise(match.group(1))):
            return name
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        return _normalise(declared.group(1).decode("ascii", "ignore"))
    return None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding used)``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    declared = declared_charset(data, content_type)
    # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the label says: mislabelled pages are common,
    # and a legacy 8-bit text almost never happens to be valid UTF-8.
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf-8":
        try:
            return _compose(data.decode(declared)), declared
        except (UnicodeDecodeError, LookupError):
            pass
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return _compose(data.decode(best.encoding, errors="replace")), best.encoding
    return data.decode("utf-8", errors="replace"), "utf-8"
