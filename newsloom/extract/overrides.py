"""Per-site extraction overrides for operators: one small TOML file per publisher, XPath selectors only.

The generic extractor needs none of these to meet its targets; they exist for the odd site an operator cares
about. A file ``<dir>/<anything>.toml`` looks like::

    hosts = ["dantri.com.vn", "www.dantri.com.vn"]
    body = "//div[@class='singular-content']"         # the article body container (blocks come from inside it)
    remove = ["//div[@class='related']", "//aside"]   # dropped before anything else runs
    title = "//h1[@class='title-page']"
    authors = "//div[@class='author-name']"
    section = "//ul[@class='breadcrumbs']/li[last()]"

Selectors that match nothing fall back to the generic result; a broken selector is reported when the file loads.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from newsloom.errors import ConfigError
from newsloom.text import normalize_space
from newsloom.urls import host_of

FIELDS = ("body", "title", "authors", "section")


@dataclass(frozen=True, slots=True)
class SiteOverride:
    hosts: tuple[str, ...]
    remove: tuple[str, ...] = ()
    body: str | None = None
    title: str | None = None
    authors: str | None = None
    section: str | None = None

    def prune(self, tree: lxml_html.HtmlElement) -> None:
        for selector in self.remove:
            for element in tree.xpath(selector):
                if etree.iselement(element) and element.getparent() is not None:
                    element.drop_tree()

    def text(self, tree: lxml_html.HtmlElement, name: str) -> list[str]:
        selector = getattr(self, name)
        if not selector:
            return []
        found = tree.xpath(selector)
        texts = [normalize_space(el.text_content() if etree.iselement(el) else str(el)) for el in found]
        return [text for text in texts if text]

    def body_element(self, tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
        if not self.body:
            return None
        found = [el for el in tree.xpath(self.body) if etree.iselement(el)]
        return found[0] if found else None


@dataclass(slots=True)
class SiteOverrides:
    by_host: dict[str, SiteOverride] = field(default_factory=dict)

    def for_url(self, url: str | None) -> SiteOverride | None:
        if not url or not self.by_host:
            return None
        return self.by_host.get(host_of(url))


def _checked(selector: object, where: Path) -> str:
    if not isinstance(selector, str):
        raise ConfigError("selectors must be strings", str(where))
    try:
        etree.XPath(selector)
    except etree.XPathSyntaxError as error:
        raise ConfigError(f"bad XPath {selector!r}: {error}", str(where)) from error
    return selector


def load_overrides(directory: Path) -> SiteOverrides:
    overrides = SiteOverrides()
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"unreadable override file: {error}", str(path)) from error
        hosts = data.get("hosts")
        if not isinstance(hosts, list) or not hosts:
            raise ConfigError("an override file needs hosts = [...]", str(path))
        values = {name: _checked(data[name], path) for name in FIELDS if name in data}
        remove = tuple(_checked(selector, path) for selector in data.get("remove", []))
        override = SiteOverride(hosts=tuple(str(h).lower() for h in hosts), remove=remove, **values)
        for host in override.hosts:
            overrides.by_host[host] = override
    return overrides
