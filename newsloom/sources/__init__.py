"""Sources: the publishers newsloom follows, their entry points, and the crawl loop that polls them.

``registry`` reads source lists (TOML, the shipped ``default.toml``); ``discover`` finds a site's feeds and
sitemaps; ``listing`` turns a feed, sitemap or section page into article URLs; ``schedule`` picks each feed's next
poll; ``crawler`` ties them to the fetcher and the pipeline. SQL lives in ``newsloom.store.sources``.
"""
