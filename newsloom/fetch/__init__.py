"""Fetch stage: getting page bytes, from disk and WARC archives (``local``, ``warc``) or from the web.

Every loader yields :class:`~newsloom.model.FetchedPage` objects or :class:`LoadFailure` records, never raises
on bad input: a broken file is a line in the import report, not the end of the import.
"""
