"""The test suite's own layout: no test module imports from another ``test_*`` module.

A test module imported by another runs its module-level code twice over, drags its fixtures into the importer,
and ties one file's edits to another's results; what two modules share lives in tests/support/ or a conftest.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every ``tests.…`` module ``path`` imports, at any depth of the file, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name == "tests" or name.startswith("tests.")]


def test_no_test_module_imports_another() -> None:
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}: imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, name in imported_modules(path)
        if name.rsplit(".", 1)[-1].startswith("test_")
    ]
    assert offenders == [], "move what they share to tests/support/:\n" + "\n".join(offenders)


def test_the_check_finds_such_an_import(tmp_path: Path) -> None:
    """The scan above is not vacuous: it sees a module-level import and one inside a function."""
    module = tmp_path / "test_example.py"
    module.write_text(
        "from tests.support.articles import make_article\n"
        "def test_x():\n    from tests.store.test_store import helper\n",
        encoding="utf-8",
    )
    names = [name for _, name in imported_modules(module)]
    assert names == ["tests.support.articles", "tests.store.test_store"]
