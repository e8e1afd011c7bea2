"""Helpers shared by the test modules: builders of articles and pages, in-process and live servers, CLI runners.

Test modules import from here (or from a ``conftest.py``), never from one another: a ``test_*`` module imported by
another is collected twice over (its fixtures with it) and ties one file's edits to another's run.
"""
