"""No module of newsloom reaches into another package's private names.

A third-party library keeps the right to rename or drop anything whose name starts with ``_`` in any release;
code that uses such a name breaks on an ordinary upgrade, and silently when the name stays but its meaning moves.
This test walks every module of ``newsloom`` with ``ast`` and fails on:

* ``from pkg._private import ...`` or ``import pkg._private`` for a third-party ``pkg``;
* an attribute ``X._name`` (dunders aside) whose base ``X`` is a third-party module, a name imported from one, or a
  local name assigned from an expression built on one (``transport = httpx.HTTPTransport(); transport._pool``);
* ``getattr``/``setattr``/``hasattr`` with a literal private name on such a base.

A module may also import a library's inner modules (``underthesea.pipeline.*``) only where :data:`INNER_MODULES`
says so, with the reason.

The base is followed through attribute chains, calls and subscripts, so ``lxml.html.Cls._table.items()`` counts.
Names are tracked per module, not per function: a local name reused for one of our own objects after holding a
third-party one would be reported; rename it rather than growing the allow-list.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "newsloom"

# (module, attribute) pairs that are public API despite the underscore, or justified exceptions, with the reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("collections", "_replace"): "namedtuple's documented API (underscore only avoids clashing with field names)",
    ("urllib", "_replace"): "urlsplit's SplitResult is a namedtuple: _replace is its documented API",
    ("os", "_exit"): "documented API: leave a forked worker without running the parent's cleanup",
}

# Modules allowed to import a third-party package's inner modules (public names, but not the package's API), with
# the reason. Each must be small, check at run time that what it replaces still matches, and have a test that
# fails when the library changes.
INNER_MODULES: dict[str, tuple[str, str]] = {
    "newsloom/enrich/tags/vi_features.py": (
        "underthesea.pipeline",
        "linear-time CRF features for underthesea's predictors, six times faster than its public ner on an article "
        "(module docstring); swapped in only where they equal underthesea's own on sample sentences",
    ),
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _is_third_party(module: str) -> bool:
    top = module.split(".")[0]
    return bool(top) and top not in sys.stdlib_module_names and top not in {"newsloom", "__future__"}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _base_name(node: ast.expr) -> str | None:
    """The name an expression is built on: ``a`` for ``a.b(c)[0].d``; None for literals and the like."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute | ast.Subscript | ast.Starred):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Await):
            node = node.value
        else:
            return None


def _origins(tree: ast.Module) -> dict[str, str]:
    """Every name bound to something third-party, mapped to the top-level package it comes from."""
    origins: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_third_party(alias.name):
                    origins[alias.asname or alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _is_third_party(node.module):
            for alias in node.names:
                origins[alias.asname or alias.name] = node.module.split(".")[0]
    changed = True
    while changed:  # names assigned from third-party expressions, to a fixed point
        changed = False
        for node in ast.walk(tree):
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and node.value is not None:
                targets, value = [node.target], node.value
            elif isinstance(node, ast.With | ast.AsyncWith):
                for item in node.items:
                    base = _base_name(item.context_expr)
                    target = item.optional_vars
                    if isinstance(target, ast.Name) and base in origins and target.id not in origins:
                        origins[target.id] = origins[base]
                        changed = True
                continue
            if value is None:
                continue
            base = _base_name(value)
            if base not in origins:
                continue
            for target in targets:
                if isinstance(target, ast.Name) and target.id not in origins:
                    origins[target.id] = origins[base]
                    changed = True
    return origins


def private_uses(source: str, path: str) -> list[Finding]:
    """What :data:`ALLOWED` does not excuse in one module's source."""
    tree = ast.parse(source, filename=path)
    origins = _origins(tree)
    findings: list[Finding] = []

    def report(node: ast.AST, base: str | None, name: str, what: str) -> None:
        package = origins.get(base or "", "")
        if (package, name) in ALLOWED:
            return
        findings.append(Finding(path, getattr(node, "lineno", 0), what))

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _is_third_party(node.module):
            parts = node.module.split(".")
            private = [part for part in parts if _is_private(part)]
            private += [alias.name for alias in node.names if _is_private(alias.name)]
            if private:
                findings.append(Finding(path, node.lineno, f"from {node.module} import {private[-1]}"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _is_third_party(alias.name) and any(_is_private(part) for part in alias.name.split(".")):
                    findings.append(Finding(path, node.lineno, f"import {alias.name}"))
        elif isinstance(node, ast.Attribute) and _is_private(node.attr):
            base = _base_name(node.value)
            if base in origins:
                report(node, base, node.attr, f"{base}…{node.attr} ({origins[base]})")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _is_private(node.args[1].value)
        ):
            base = _base_name(node.args[0])
            if base in origins:
                report(node, base, node.args[1].value, f"{node.func.id}({base}, {node.args[1].value!r})")
    return findings


def test_no_module_uses_private_names_of_other_packages() -> None:
    findings = []
    for path in sorted(PACKAGE.rglob("*.py")):
        findings += private_uses(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    assert not findings, "private names of other packages used:\n" + "\n".join(map(str, findings))


def _imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_inner_modules_of_other_packages_are_reached_only_where_allowed() -> None:
    """``underthesea.pipeline`` is reached from one module only, and that module still needs it."""
    reaching: dict[str, set[str]] = {}
    prefixes = {prefix for prefix, _ in INNER_MODULES.values()}
    for path in sorted(PACKAGE.rglob("*.py")):
        imported = _imports(ast.parse(path.read_text(encoding="utf-8")))
        for prefix in prefixes:
            if any(name == prefix or name.startswith(prefix + ".") for name in imported):
                reaching.setdefault(prefix, set()).add(str(path.relative_to(PACKAGE.parent)))
    expected: dict[str, set[str]] = {}
    for module, (prefix, _reason) in INNER_MODULES.items():
        expected.setdefault(prefix, set()).add(module)
    assert reaching == expected


def test_detects_private_attributes_imports_and_assigned_names() -> None:
    """The checker itself: each pattern it must catch, and the public ones it must leave."""
    source = """
import httpx
from lxml import etree
from lxml import html as lxml_html
from httpcore._async import pool
import httpcore._sync
from urllib.parse import urlsplit
import os

def hint(element: etree._Element) -> None: ...
table = lxml_html.HtmlElementClassLookup._default_element_classes.items()
transport = httpx.HTTPTransport()
transport._pool = None
with httpx.Client() as client:
    client._transport
getattr(transport, "_mounts")
urlsplit("http://a/")._replace(netloc="b")
os._exit(0)
etree.__name__
"""
    found = [finding.what for finding in private_uses(source, "sample.py")]
    assert any("_async" in what for what in found)
    assert any("httpcore._sync" in what for what in found)
    assert any(what.startswith("etree…_Element") for what in found)
    assert any("_default_element_classes" in what for what in found)
    assert any("transport…_pool" in what for what in found)
    assert any("client…_transport" in what for what in found)
    assert any("_mounts" in what for what in found)
    assert not any("_replace" in what or "_exit" in what or "__name__" in what for what in found)
    assert len(found) == 7


def test_own_privates_and_stdlib_are_not_reported() -> None:
    """Only third-party packages are in scope: our own modules and the stdlib's documented underscores pass."""
    source = """
from newsloom.store import links
import collections
links._read_stories(None, set())
point = collections.namedtuple("Point", "x y")(1, 2)
point._replace(x=3)
"""
    assert private_uses(source, "sample.py") == []
