"""`newsloom sections train` / `classify` as users run them, on small labelled files in the corpora's format."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
from pathlib import Path

from tests.support.cli import run_cli
from tests.support.pages import make_pages


def newsloom(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("--data-dir", str(data_dir), *args)


TOPICS = {
    "Sports": "bóng đá cầu thủ trận đấu ghi bàn huấn luyện viên giải đấu sân vận động",
    "Business": "doanh nghiệp lợi nhuận cổ phiếu ngân hàng lãi suất thị trường xuất khẩu",
    "Health": "bệnh viện bác sĩ bệnh nhân điều trị vắc xin dịch bệnh sức khỏe",
}


def _write(path: Path, count: int, seed: int, labelled_as: str = "label_en") -> None:
    rng = random.Random(seed)
    lines = []
    for number in range(count):
        label = list(TOPICS)[number % 3]
        words = [*TOPICS[label].split(), "hôm", "nay", "người", "dân", "cho", "biết", "theo", "thông", "tin"]
        body = " ".join(rng.choice(words) for _ in range(60))
        lines.append(json.dumps({"id": f"{label}/{number}", "title": body[:40], "body": body, labelled_as: label}))
    path.write_bytes(gzip.compress("\n".join(lines).encode()) if path.suffix == ".gz" else "\n".join(lines).encode())


def test_train_then_classify_prints_one_line_per_input(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _write(tmp_path / "train.jsonl.gz", 90, seed=1)
    _write(tmp_path / "test.jsonl", 30, seed=2, labelled_as="label")
    trained = newsloom(data, "sections", "train", str(tmp_path / "train.jsonl.gz"))
    assert trained.returncode == 0, trained.stderr
    assert "trained on 90 articles, 3 sections" in trained.stderr
    assert (data / "sections-model.joblib").is_file()
    classified = newsloom(data, "sections", "classify", str(tmp_path / "test.jsonl"))
    assert classified.returncode == 0, classified.stderr
    rows = [json.loads(line) for line in classified.stdout.splitlines()]
    expected = [json.loads(line) for line in (tmp_path / "test.jsonl").read_text().splitlines()]
    assert [row["id"] for row in rows] == [row["id"] for row in expected]
    assert {row["section"] for row in rows} <= set(TOPICS)
    assert all(0 < row["confidence"] <= 1 for row in rows)
    right = sum(1 for row, truth in zip(rows, expected, strict=True) if row["section"] == truth["label"])
    assert right >= 27


def test_missing_or_corrupt_model_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _write(tmp_path / "test.jsonl", 3, seed=2)
    missing = newsloom(data, "sections", "classify", str(tmp_path / "test.jsonl"))
    assert missing.returncode != 0 and "newsloom sections train" in missing.stderr
    data.mkdir(exist_ok=True)
    (data / "sections-model.joblib").write_bytes(b"not a model")
    corrupt = newsloom(data, "sections", "classify", str(tmp_path / "test.jsonl"))
    assert corrupt.returncode != 0 and "unreadable" in corrupt.stderr
    assert "Traceback" not in corrupt.stderr


def test_train_without_files_needs_placed_articles(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    make_pages(pages, 2)
    data = tmp_path / "data"
    assert newsloom(data, "import", str(pages)).returncode == 0
    result = newsloom(data, "sections", "train")
    assert result.returncode != 0 and "at least two sections" in result.stderr
