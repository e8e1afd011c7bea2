"""Fetch stage: getting page bytes, from disk and WARC archives (``local``, ``warc``) or from the web.

From the web: ``fetcher`` (the crawler's downloader) built on ``transport`` (SSRF guard at connect time, rules in
``guard``), ``politeness`` (robots.txt, per-host pacing), ``inflate`` (decompression-bomb guard) and
``warc_writer`` (archive of responses); ``single`` fetches one page for ``newsloom extract URL``.

Every loader yields :class:`~newsloom.model.FetchedPage` objects or :class:`LoadFailure` records, never raises
on bad input: a broken file is a line in the import report, not the end of the import.
"""
