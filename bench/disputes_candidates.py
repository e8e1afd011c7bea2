"""Candidate sentences for the disputes labelled set: sentences of the shared corpora holding a deny/confirm word.

    .venv/bin/python bench/disputes_candidates.py en 150 > /tmp/candidates-en.jsonl
    .venv/bin/python bench/disputes_candidates.py vi 150 > /tmp/candidates-vi.jsonl
    .venv/bin/python bench/disputes_candidates.py vi 900 --fresh 220 > /tmp/candidates-vi-fresh.jsonl

Picks by keyword only (seed 12, at most two sentences a document, sentences already labelled left out); the label
is given by a person reading each sentence (``bench/disputes_labelled.jsonl``), never by this script.

``--fresh N`` draws for a new held-out set: of the same picks, in the same order, it drops every sentence whose
source document any labelled set already uses (``LABELLED_SETS``) and every sentence already labelled, keeps one
sentence a document (the first) and stops at ``N``. ``disputes_vi_heldout2.jsonl`` was drawn so before it joined
``LABELLED_SETS``; ``disputes_vi_heldout3.jsonl`` with ``vi 1400 --fresh 220`` before it joined; then
``vi 3000 --fresh 620`` drew the next 620, the first 400 for ``disputes_vi_train3.jsonl`` (training the learned
filter) and the last 220 for ``disputes_vi_heldout4.jsonl``.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
LABELLED = Path(__file__).with_name("disputes_labelled.jsonl")
LABELLED_SETS = tuple(
    Path(__file__).with_name(name)
    for name in (
        "disputes_labelled.jsonl",
        "disputes_vi_dev2.jsonl",
        "disputes_vi_heldout.jsonl",
        "disputes_vi_heldout2.jsonl",
        "disputes_vi_heldout3.jsonl",
    )
)
SEED = 12

KEYWORDS = {
    "en": re.compile(
        r"\b(?:den(?:y|ies|ied|ying|ial)|refut(?:e|es|ed|ing)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|"
        r"confirm(?:s|ed|ing)?|rebuff(?:s|ed)?)\b",
        re.IGNORECASE,
    ),
    "vi": re.compile(r"phủ nhận|bác bỏ|bác tin|khẳng định|xác nhận|cải chính|bác thông tin", re.IGNORECASE),
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ỸĐ\"“])|\n+")


def documents(language: str) -> Iterator[tuple[str, str]]:
    """(source id, text) of the shared corpora in ``language``."""
    if language == "en":
        for name in ("ecbplus", "pac"):
            for line in (CORPORA / "stories" / f"{name}.jsonl").read_text().splitlines():
                row = json.loads(line)
                yield f"stories/{row['id']}", f"{row['title']}\n{row['body']}"
        with gzip.open(CORPORA / "bbc-news" / "bbc.jsonl.gz", "rt") as lines:
            for line in lines:
                row = json.loads(line)
                yield f"bbc-news/{row['id']}", f"{row['title']}\n{row['body']}"
        for line in (CORPORA / "fundus-publishers" / "ground-truth.jsonl").read_text().splitlines():
            row = json.loads(line)
            if row["country"] in ("us", "uk", "ca", "au", "za", "ind") and row.get("body"):
                yield f"fundus-publishers/{row['id']}", row["body"]
    else:
        for split in ("train", "test"):
            with gzip.open(CORPORA / "vntc" / f"{split}.jsonl.gz", "rt") as lines:
                for line in lines:
                    row = json.loads(line)
                    yield f"vntc/{row['id']}", f"{row['title']}\n{row['body']}"


def fresh(picked: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    """The first ``limit`` picks from documents no labelled set uses, one sentence a document, in the picks' order."""
    rows = [json.loads(line) for path in LABELLED_SETS for line in path.read_text().splitlines() if line.strip()]
    used_sources = {row["source"] for row in rows}
    used_sentences = {row["sentence"] for row in rows}
    kept: list[tuple[str, str]] = []
    for source, sentence in picked:
        if len(kept) == limit:
            break
        if source not in used_sources and sentence not in used_sentences:
            kept.append((source, sentence))
            used_sources.add(source)
    return kept


def main() -> None:
    language, count = sys.argv[1], int(sys.argv[2])
    limit = int(sys.argv[sys.argv.index("--fresh") + 1]) if "--fresh" in sys.argv else None
    known = {json.loads(line)["sentence"] for line in LABELLED.read_text().splitlines() if line.strip()}
    candidates = []
    for source, text in documents(language):
        found = [
            s.strip()
            for s in _SENTENCE.split(text)
            if 40 <= len(s.strip()) <= 400 and KEYWORDS[language].search(s) and s.strip() not in known
        ]
        candidates.extend((source, sentence) for sentence in found[:2])
    random.Random(SEED).shuffle(candidates)
    # round robin over the keyword families, so that rarer words (refute, bác bỏ) are not drowned by "confirmed"
    families: dict[str, list[tuple[str, str]]] = {}
    for source, sentence in candidates:
        match = KEYWORDS[language].search(sentence)
        assert match is not None
        families.setdefault(match.group(0).casefold()[:4], []).append((source, sentence))
    picked: list[tuple[str, str]] = []
    while len(picked) < count and any(families.values()):
        for family in sorted(families):
            if families[family] and len(picked) < count:
                picked.append(families[family].pop(0))
    if limit is not None:
        picked = fresh(picked, limit)
    for source, sentence in picked:
        print(json.dumps({"language": language, "source": source, "sentence": sentence}, ensure_ascii=False))


if __name__ == "__main__":
    main()
