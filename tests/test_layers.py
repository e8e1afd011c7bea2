"""The package's layers hold: every import points down (or within its own part), and no modules import in a circle.

Layers, lowest first; a part may import its own modules and any part of a lower layer, never a higher one nor a
sibling of its own layer (``enrich`` and ``store`` both stand on the model and never import each other: the
pipeline joins them):

    the model and its small shared modules (model, settings, urls, outlets, story_doc, ...)
    fetch, extract
    enrich, store
    media
    pipeline
    sources
    queue
    web
    cli

Every import counts: at module level, inside a function, under ``TYPE_CHECKING``. A cycle between modules is an
error even inside one part. A new top-level module or package must be given a layer here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "newsloom"

BASE = frozenset(
    {
        "",  # the package itself (``newsloom/__init__.py``)
        "aio",
        "copy_signatures",
        "domains",
        "errors",
        "html_gz",
        "identity",
        "known_outlets",
        "lazy",
        "logs",
        "model",
        "outlets",
        "records",
        "section_scheme",
        "settings",
        "size_caps",
        "story_doc",
        "text",
        "urls",
        "wires",
    }
)
LAYERS: tuple[frozenset[str], ...] = (
    BASE,
    frozenset({"fetch", "extract"}),
    frozenset({"enrich", "store"}),
    frozenset({"media"}),
    frozenset({"pipeline"}),
    frozenset({"sources"}),
    frozenset({"queue"}),
    frozenset({"web"}),
    frozenset({"cli"}),
    frozenset({"__main__"}),
)
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package (a package is its ``__init__``)."""
    modules: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py")):
        parts = [package.name, *path.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: Mapping[str, Path]) -> str | None:
    """The module an imported name lives in: ``a.b.C`` is ``a.b`` when ``a.b.C`` is no module of its own."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path, modules: Mapping[str, Path]) -> set[tuple[str, int]]:
    """The package's modules that ``module`` imports anywhere in its file, with the line of each import."""
    found: set[tuple[str, int]] = set()
    root = module.split(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            if node.level:
                base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            names = [f"{origin}.{alias.name}" for alias in node.names]
        for name in names:
            if name == root or name.startswith(root + "."):
                target = _resolve(name, modules)
                if target is not None and target != module:
                    found.add((target, node.lineno))
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[tuple[str, int]]]:
    modules = module_files(package)
    return {module: imports_of(module, path, modules) for module, path in modules.items()}


def part_of(module: str) -> str:
    """``newsloom.store.sql`` -> ``store``; ``newsloom.model`` -> ``model``; the package itself -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def upward_imports(graph: Mapping[str, Iterable[tuple[str, int]]]) -> list[str]:
    """Imports of a higher layer, or of a sibling part of the same layer (base modules may import each other)."""
    problems = []
    for module, targets in sorted(graph.items()):
        source = part_of(module)
        for target, line in sorted(targets):
            goal = part_of(target)
            if goal == source or (source in BASE and goal in BASE):
                continue
            if RANK[goal] >= RANK[source]:
                problems.append(f"{module} (line {line}) imports {target}: {source} may not import {goal}")
    return problems


def cycles(graph: Mapping[str, Iterable[tuple[str, int]]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a circle (Tarjan's strongly connected
    components, iterative so a deep chain of imports cannot exhaust the stack)."""
    edges = {module: sorted({target for target, _ in targets}) for module, targets in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = edges.get(node, [])
            if position < len(children):
                work.append((node, position + 1))
                child = children[position]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {part_of(module) for module in module_files(PACKAGE)}
    assert parts - set(RANK) == set(), "give each new top-level module or package a layer in tests/test_layers.py"


@pytest.fixture(scope="module")
def graph() -> dict[str, set[tuple[str, int]]]:
    """The real package's import graph, walked once for the three tests that read it (a second of parsing each)."""
    return import_graph()


def test_the_walk_sees_imports_at_every_level(graph: dict[str, set[tuple[str, int]]]) -> None:
    """The checks below are only as good as the walk: it must see module-level, function-level and relative
    imports of the real package."""
    assert len(graph) > 100
    pipeline = {target for target, _ in graph["newsloom.pipeline"]}
    assert "newsloom.store.sql" in pipeline  # at module level
    ingest = {target for target, _ in graph["newsloom.cli.ingest"]}
    assert "newsloom.fetch.local" in ingest  # inside a function


def test_no_import_points_up(graph: dict[str, set[tuple[str, int]]]) -> None:
    assert upward_imports(graph) == []


def test_no_modules_import_in_a_circle(graph: dict[str, set[tuple[str, int]]]) -> None:
    assert cycles(graph) == []


@pytest.mark.parametrize(
    ("source", "text", "problem"),
    [
        ("store/sql.py", "from newsloom.enrich.outlets import name\n", "store may not import enrich"),
        ("enrich/batch.py", "def run():\n    from newsloom.store import sql\n", "enrich may not import store"),
        ("model.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import newsloom.web\n", "model may"),
    ],
)
def test_an_upward_import_is_found(tmp_path: Path, source: str, text: str, problem: str) -> None:
    package = _package(tmp_path, {source: text})
    found = upward_imports(import_graph(package))
    assert len(found) == 1 and problem in found[0]


def test_a_circle_is_found(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "fetch/a.py": "from . import b\n",
            "fetch/b.py": "from .c import x\n",
            "fetch/c.py": "import newsloom.fetch.a\n",
        },
    )
    assert cycles(import_graph(package)) == [["newsloom.fetch.a", "newsloom.fetch.b", "newsloom.fetch.c"]]
    assert upward_imports(import_graph(package)) == []


def _package(root: Path, files: dict[str, str]) -> Path:
    """A throwaway ``newsloom`` package with the given files (and the parts they import, empty)."""
    package = root / "newsloom"
    for name in ["__init__.py", "model.py", "web/__init__.py", "enrich/__init__.py", "enrich/outlets.py",
                 "store/__init__.py", "store/sql.py", "fetch/__init__.py"]:  # fmt: skip
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("")
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    return package
