"""Language editions in the address: ``/vi/…`` and ``/en/…`` are the portal in Vietnamese and in English.

``EditionRouter`` sits in front of everything else (page cache included). A path that starts with an edition's
code is served as that edition, the code taken off the path, so the routes see ``/article/12/slug`` whatever the
edition. Any other path (``/``, ``/article/12/slug``, feeds, the API) keeps working as before: pages there are in
the edition the reader's ``Accept-Language`` asks for, else ``default_edition`` (``Vary: Accept-Language``), and
their links stay un-prefixed (the HTML answer's ``Vary: Accept-Language`` is added with the headers every answer
gets, ``VARY_LANGUAGE_KEY``). Routes read the edition and the prefix their links need from the scope
(``edition_of``, ``prefix_of``); the page cache keys by both.

The edition decides the interface language, and which version of an article a listing shows: the one written in
or translated into the edition's language, else the original, labelled untranslated (``PortalQueries.in_edition``).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from newsloom.web.i18n import negotiate

EDITION_KEY = "newsloom.edition"
PREFIX_KEY = "newsloom.prefix"
# In the scope of a page chosen by Accept-Language: its HTML answer varies by that header. The app's outer layer
# (``app.SecurityHeaders``, which adds the headers every answer gets) says so, in the one wrapper of ``send`` a
# request goes through (a second one here cost a tenth of a cached page's time in the app).
VARY_LANGUAGE_KEY = "newsloom.vary_language"
VARY_LANGUAGE = (b"vary", b"Accept-Language")


def edition_of(scope: Scope, default: str = "en") -> str:
    return str(scope.get(EDITION_KEY) or default)


def prefix_of(scope: Scope) -> str:
    return str(scope.get(PREFIX_KEY, ""))


class EditionRouter:
    """Pure ASGI: takes the edition off the path, or chooses one by ``Accept-Language``; everything else passes.

    Attribute access falls through to the wrapped application, so ``app.state`` keeps working.
    """

    def __init__(self, app: ASGIApp, editions: list[str], default: str) -> None:
        self.app = app
        self.editions = editions
        self.default = default
        self._choices: dict[bytes, str] = {}

    def __getattr__(self, name: str) -> object:
        return getattr(self.app, name)

    def _negotiated(self, accept: bytes) -> str:
        """``negotiate`` remembered per header value (browsers send a handful; parsing one on every cached page
        cost a tenth of the answer)."""
        found = self._choices.get(accept)
        if found is None:
            found = negotiate(accept.decode("latin-1"), self.editions, self.default)
            if len(self._choices) < 1024:  # a bound: headers are the client's to vary
                self._choices[accept] = found
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        first, slash, rest = path[1:].partition("/")
        if first in self.editions and not slash:  # ``/vi`` is ``/vi/``'s one address: moved there for good
            query = scope.get("query_string", b"")
            location = f"/{first}/".encode() + (b"?" + query if query else b"")
            await send({"type": "http.response.start", "status": 301,
                        "headers": [(b"location", location), (b"content-length", b"0")]})  # fmt: skip
            await send({"type": "http.response.body", "body": b""})
            return
        if first in self.editions:
            inner = dict(scope, path="/" + rest if slash else "/")
            inner.pop("raw_path", None)  # the routes see the path without the edition
            inner[EDITION_KEY] = first
            inner[PREFIX_KEY] = "/" + first
            await self.app(inner, receive, send)
            return
        accept = next((value for name, value in scope["headers"] if name == b"accept-language"), b"")
        scope[EDITION_KEY] = self._negotiated(accept)
        scope[PREFIX_KEY] = ""
        scope[VARY_LANGUAGE_KEY] = True
        await self.app(scope, receive, send)
