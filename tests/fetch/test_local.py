from __future__ import annotations

import gzip
from pathlib import Path

from newsloom.fetch.local import expand_paths, iter_local_pages
from newsloom.model import FetchedPage, LoadFailure


def test_reads_html_gzip_and_directories(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<html>a</html>")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html.gz").write_bytes(gzip.compress(b"<html>b</html>"))
    (tmp_path / "notes.txt").write_text("ignored in directories")
    pages = list(iter_local_pages([tmp_path]))
    assert [p.content for p in pages if isinstance(p, FetchedPage)] == [b"<html>a</html>", b"<html>b</html>"]


def test_truncated_gzip_and_missing_files_are_failures(tmp_path: Path) -> None:
    truncated = tmp_path / "cut.html.gz"
    truncated.write_bytes(gzip.compress(b"<html>" + b"x" * 10_000 + b"</html>")[:60])
    results = list(iter_local_pages([truncated, tmp_path / "missing.html"]))
    assert all(isinstance(r, LoadFailure) for r in results)
    assert "unreadable" in results[0].reason  # type: ignore[union-attr]
    assert results[1].reason == "no such file"  # type: ignore[union-attr]


def test_url_applies_to_a_single_file(tmp_path: Path) -> None:
    page = tmp_path / "one.html"
    page.write_text("<html></html>")
    [result] = list(iter_local_pages([page], url="https://example.com/one"))
    assert isinstance(result, FetchedPage) and result.url == "https://example.com/one"


def test_expand_paths_is_sorted_and_recursive(tmp_path: Path) -> None:
    for name in ("b.html", "a.htm", "c.warc.gz"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.htm", "b.html", "c.warc.gz"]
