"""Reading JSON lines for import (``newsloom/fetch/records.py``): each line on its own, by its number."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from newsloom.fetch import records
from newsloom.fetch.records import count_lines, is_records, iter_records
from newsloom.model import LoadFailure


def test_which_inputs_are_records() -> None:
    assert is_records(Path("-")) and is_records(Path("a/out.JSONL")) and is_records(Path("x.jsonl.gz"))
    assert not is_records(Path("page.html")) and not is_records(Path("pages")) and not is_records(Path("a.warc.gz"))


def test_lines_by_number_blank_lines_counted_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\n\n  \n{"a": 2\n["x"]\n\xff\xfe\n{"a": 3}')
    got = list(iter_records(path))
    assert [origin for origin, _ in got] == [f"{path}:{n}" for n in (1, 4, 5, 6, 7)]
    assert got[0][1] == {"a": 1} and got[2][1] == ["x"] and got[4][1] == {"a": 3}
    assert isinstance(got[1][1], LoadFailure) and got[1][1].reason.startswith("not JSON")
    assert isinstance(got[3][1], LoadFailure) and got[3][1].reason.startswith("not UTF-8")
    assert count_lines(path) == 6


def test_gzip_by_content_and_a_cut_stream_ends_with_a_failure(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"n": n, "pad": "x" * 200}) + "\n" for n in range(200)).encode()
    whole = tmp_path / "in.jsonl.gz"
    whole.write_bytes(gzip.compress(lines))
    assert [data for _, data in iter_records(whole)] == [{"n": n, "pad": "x" * 200} for n in range(200)]
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(lines)[:300])
    got = list(iter_records(cut))
    assert isinstance(got[-1][1], LoadFailure) and "unreadable" in got[-1][1].reason
    assert all(isinstance(data, dict) for _, data in got[:-1])


def test_a_line_too_long_is_refused_and_the_next_read(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(records, "MAX_RECORD_BYTES", 1000)
    path = tmp_path / "in.jsonl"
    path.write_text('{"a": 1}\n{"body": "' + "x" * 5000 + '"}\n{"a": 2}\n')
    got = list(iter_records(path))
    assert [data for _, data in got][::2] == [{"a": 1}, {"a": 2}]
    assert isinstance(got[1][1], LoadFailure) and got[1][1].reason == "line too long: 5,013 bytes (at most 1,000)"
    assert got[2][0].endswith(":3")


def test_json_python_refuses_is_a_failed_line_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + "1" * 5000 + '\n{"a": 1}\n')
    got = [data for _, data in iter_records(path)]
    assert [type(data) for data in got] == [LoadFailure, LoadFailure, dict]
    assert "RecursionError" in got[0].reason and "ValueError" in got[1].reason  # type: ignore[union-attr]


def test_a_missing_file(tmp_path: Path) -> None:
    [(origin, failure)] = list(iter_records(tmp_path / "nope.jsonl"))
    assert isinstance(failure, LoadFailure) and "No such file" in failure.reason and origin.endswith("nope.jsonl")
