"""CLI start-up: a command loads only what it uses, so `newsloom --help` and `newsloom extract` start fast."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import article_html

pytestmark = pytest.mark.slow  # fresh interpreters, as a user's shell starts them

# Loaded only by the commands that serve, store or group: never by `--help` or `extract`.
HEAVY = (
    "fastapi",
    "celery",
    "redis",
    "kombu",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "jinja2",
    "newsloom.store",
    "newsloom.web",
    "newsloom.enrich.stories",
    "newsloom.pipeline",
    "datasketch",
    "warcio",  # only a WARC import reads it
)


def loaded_after(code: str) -> set[str]:
    """Modules present after running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def heavy_in(modules: set[str]) -> set[str]:
    return {name for name in modules if any(name == h or name.startswith(h + ".") for h in HEAVY)}


def test_importing_the_cli_loads_no_web_stack_store_or_extractor() -> None:
    modules = loaded_after("import newsloom.cli")
    assert "click" in modules  # the probe sees what was imported
    assert heavy_in(modules) == set()
    assert "trafilatura" not in modules and "pydantic_settings" not in modules and "asyncio" not in modules


def test_help_lists_every_command_without_loading_them() -> None:
    code = (
        "import contextlib, io, sys\nfrom newsloom.cli import main\n"
        "sys.argv = ['newsloom', '--help']\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
        "    main()  # the console script's entry point, error handling included\n"
        "assert 'extract' in out.getvalue() and 'serve' in out.getvalue(), out.getvalue()"
    )
    modules = loaded_after(code)
    assert heavy_in(modules) == set()


def test_extract_loads_the_extractor_only(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(article_html())
    code = (
        "import contextlib, io\nfrom newsloom.cli import cli\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
        f"    cli.main(['--data-dir', {str(tmp_path / 'd')!r}, 'extract', {str(page)!r}], prog_name='newsloom')\n"
        "assert 'Storm hits the coast' in out.getvalue(), out.getvalue()"
    )
    modules = loaded_after(code)
    assert "trafilatura" in modules
    assert heavy_in(modules) == set()
    assert not (tmp_path / "d").exists()  # extract opens no store
