"""newsloom: a news aggregation engine and portal.

The pipeline reads top to bottom in the package tree: ``fetch`` gets pages, ``extract`` turns HTML into an
:class:`~newsloom.model.Article`, ``enrich`` adds language, tags and stories, ``store`` keeps it, ``web`` serves it.
``pipeline.py`` holds the order of the stages; ``model.py`` is the one vocabulary they share.
"""

__version__ = "0.1.0"
