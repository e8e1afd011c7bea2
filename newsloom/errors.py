"""Every error newsloom raises on purpose, so callers catch at the level they can handle.

::

    NewsloomError                 anything newsloom reports as data rather than a stack trace
    ├── ConfigError               a setting is missing or malformed
    ├── FetchError                getting bytes failed (carries the URL)
    │   ├── BlockedError          robots.txt, SSRF guard or policy refused the request
    │   └── TooLargeError         the response exceeded a size cap (or inflated past it)
    ├── InputError                a local file cannot be read as a page, feed or WARC (carries the path)
    │   └── InvalidURL            a URL that cannot be parsed (bad port, unclosed IPv6 bracket, too long)
    ├── ExtractError              the bytes are not a usable article
    │   └── NotAnArticle          a page that is fine but not an article (listing, paywall stub, too short)
    ├── DropItem                  a pipeline stage decided to drop the item, with a reason
    └── StoreError                the store refused or failed a write

Each carries ``reason`` (a short human sentence) and ``where`` (URL or path) so reports can list them.
"""

from __future__ import annotations


class NewsloomError(Exception):
    """Base class: a failure with a human reason and the URL or path it concerns."""

    def __init__(self, reason: str, where: str | None = None) -> None:
        super().__init__(f"{where}: {reason}" if where else reason)
        self.reason = reason
        self.where = where


class ConfigError(NewsloomError):
    pass


class FetchError(NewsloomError):
    pass


class BlockedError(FetchError):
    pass


class TooLargeError(FetchError):
    pass


class InputError(NewsloomError):
    pass


class InvalidURL(InputError):
    pass


class ExtractError(NewsloomError):
    pass


class NotAnArticle(ExtractError):
    pass


class DropItem(NewsloomError):
    pass


class StoreError(NewsloomError):
    pass
