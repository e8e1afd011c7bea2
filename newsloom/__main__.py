"""Allows ``python -m newsloom``."""

from newsloom.cli import main

main()
