"""A module imported on first use: numpy and scipy cost a third of a second of every process's start-up.

The portal's workers, the CLI, the queue's workers and every test that starts one of them import the pipeline, and
through it the story grouping and the copy signatures; most of them never group a story nor sign a text. A module
that needs numpy or scipy only inside its functions binds the name to a ``LazyModule`` at run time and to the real
module under ``TYPE_CHECKING``, so its type hints and its code read as usual::

    if TYPE_CHECKING:
        import numpy as np
    else:
        np = LazyModule("numpy")

The first attribute read imports the module; each attribute is then kept on the proxy, so a hot loop pays one
dictionary look-up per read, as with the module itself.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule:
    """Stands for the module ``name`` until an attribute is read, then imports it (once) and hands the attribute."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> object:
        # only for attributes not yet kept on the proxy (and never for _name/_module, set in __init__)
        if self._module is None:
            self._module = importlib.import_module(self._name)
        value = getattr(self._module, attribute)
        setattr(self, attribute, value)
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
