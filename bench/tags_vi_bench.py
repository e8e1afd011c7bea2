"""Entity tags on real Vietnamese news: precision and recall against hand labels, beside underthesea's raw NER.

    nice .venv/bin/python bench/tags_vi_bench.py

Articles: 100 of the 402 in ``vietnamese-stream/articles.jsonl`` (VnExpress, Dân trí, 24h; texts © the newspapers,
read by path, none kept here), drawn per outlet by ``random.Random(25).sample`` over sorted ids (34 VnExpress, 33
Dân trí, 33 24h), split into dev and test (50 each) by ``random.Random(7).shuffle``. Rules are tuned on dev only.

Labels (``bench/tags_vi_stream_labels.jsonl``, labelled by hand from each article's title and body before any rule
was changed): the people, organisations and places the article is ABOUT, the tags a reader would expect, not every
passing mention. Counted: who acts in the story (and the country or organisation they act for when the story is
about it: "Mỹ" in a report on a US decision), the place a local story happens in, the company a business story
reports on, the subject of a human-interest story. Not counted: photo and news-agency credits, officials only quoted
as the source of information, examples and bystanders, Vietnam in domestic news. Names are canonical: the tag
merging's name where ``tags/aliases.py`` has one ("Mỹ", "Hoa Kỳ" -> "United States"), otherwise the most common
Vietnamese form; "A|B" lists other names of one entity (a tag matching any of them matches the label).

Scores: an article's entity tags (kind person, organisation or place) against its labels, matched by folded name
through the aliases, each label at most once. Per kind the tag's kind must be the label's; "overall" ignores kind
(an organisation tagged a place is still the right tag). Newsloom: the record's article (``newsloom import``'s path:
``record_from_dict``, the per-article enrichment steps), then the batch entity stage as
``newsloom/pipeline/enrichment.py`` runs it (recogniser on title, lead and stored body, ``merge_tags``). Peer:
underthesea's ``ner`` alone on the same text window, its PER/ORG/LOC spans as they come, deduplicated.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsloom.enrich.steps import enrich_article
from newsloom.enrich.tags.aliases import known_by_surname, known_entity
from newsloom.enrich.tags.merge import merge_tags
from newsloom.enrich.tags.ner import TEXT_CHARS, _sentences, recognizer_for
from newsloom.records import record_from_dict
from newsloom.section_scheme import fold
from newsloom.store.enrichment import BODY_CHARS

STREAM = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "vietnamese-stream" / "articles.jsonl"
LABELS = Path(__file__).resolve().parent / "tags_vi_stream_labels.jsonl"
KINDS = {"people": "person", "organisations": "organisation", "places": "place"}
SAMPLE_SEED, SPLIT_SEED = 25, 7
QUOTA = {"VnExpress": 34, "Dân trí": 33, "24h": 33}
_PEER_KINDS = {"PER": "person", "ORG": "organisation", "LOC": "place"}

Tagged = list[tuple[str, str]]  # (name, kind)


def sample_ids(rows: list[dict]) -> list[str]:
    """The labelled ids: a fixed per-outlet sample, so every outlet's style is in both halves."""
    rng = random.Random(SAMPLE_SEED)
    chosen: list[str] = []
    for outlet in sorted(QUOTA):
        chosen += rng.sample(sorted(r["id"] for r in rows if r["outlet"] == outlet), QUOTA[outlet])
    return sorted(chosen)


def split(ids: list[str]) -> tuple[list[str], list[str]]:
    shuffled = sorted(ids)
    random.Random(SPLIT_SEED).shuffle(shuffled)
    return sorted(shuffled[:50]), sorted(shuffled[50:])


def key(name: str, kind: str | None) -> str:
    """A name as the entity it names, folded: "Mỹ" and "United States" are one."""
    known = known_entity(name, kind or "place") or (known_by_surname(name) if kind in (None, "person") else None)
    return fold(known.name if known is not None else name)


def newsloom_tags(rows: list[dict]) -> dict[str, Tagged]:
    """Entity tags as an imported record gets them: per-article steps, then the batch stage's recogniser and merge."""
    articles = {}
    for row in rows:
        data = {k: row[k] for k in ("url", "title", "lead", "body", "published", "outlet", "category")}
        articles[row["id"]] = enrich_article(record_from_dict(data).article)
    found: dict[str, Tagged] = {}
    by_language: dict[str, list[str]] = defaultdict(list)
    for article_id, article in articles.items():
        by_language[article.language or ""].append(article_id)
    for language, ids in by_language.items():
        recognizer = recognizer_for(language)
        texts = []
        for article_id in ids:
            a = articles[article_id]
            texts.append(f"{a.title}.\n{a.lead or ''}\n{a.body[:BODY_CHARS]}")
        entities = recognizer.entities(texts) if recognizer is not None else [[] for _ in ids]
        for article_id, found_entities in zip(ids, entities, strict=True):
            a = articles[article_id]
            tags, kinds = merge_tags(a.tags, found_entities, a.title, a.lead)
            found[article_id] = [(tag, kinds[tag]) for tag in tags if kinds[tag] != "topic"]
    return found


def peer_tags(rows: list[dict]) -> dict[str, Tagged]:
    """underthesea's NER alone: every PER/ORG/LOC span of the same text window, deduplicated by folded name."""
    from underthesea import ner

    found: dict[str, Tagged] = {}
    for row in rows:
        text = f"{row['title']}.\n{row['lead'] or ''}\n{row['body']}"[:TEXT_CHARS]
        spans: dict[str, tuple[str, str]] = {}
        for sentence in _sentences(text):
            words: list[str] = []
            kind = None
            for word, _pos, _chunk, tag in [*ner(sentence), ("", "", "", "O")]:
                label = _PEER_KINDS.get(tag[2:]) if tag[:2] in ("B-", "I-") else None
                if words and (label is None or tag.startswith("B-") or label != kind):
                    name = " ".join(words)
                    spans.setdefault(fold(name), (name, kind or ""))
                    words, kind = [], None
                if label is not None:
                    words.append(word)
                    kind = label
        found[row["id"]] = list(spans.values())
    return found


def score(tagged: Tagged, labels: dict) -> dict[str, tuple[int, int, int]]:
    """(right tags, tags, labels) per kind and overall."""
    result = {}
    for name, kind in [*((k, v) for k, v in KINDS.items()), ("overall", None)]:
        wanted = [
            {key(alias, kind or KINDS[group]) for alias in label.split("|")}
            for group in (KINDS if kind is None else [name])
            for label in labels[group]
        ]
        ours = list(dict.fromkeys(key(tag, tag_kind) for tag, tag_kind in tagged if kind in (None, tag_kind)))
        right = 0
        for tag in ours:
            for index, names in enumerate(wanted):
                if tag in names:
                    right += 1
                    wanted[index] = set()
                    break
        result[name] = (right, len(ours), sum(len(labels[g]) for g in (KINDS if kind is None else [name])))
    return result


def report(name: str, ids: Iterable[str], tagged: dict[str, Tagged], labels: dict[str, dict]) -> None:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for article_id in ids:
        for group, counts in score(tagged[article_id], labels[article_id]).items():
            totals[group] = [a + b for a, b in zip(totals[group], counts, strict=True)]
    cells = []
    for group in ("overall", *KINDS):
        right, tags, wanted = totals[group]
        cells.append(
            f"{group} P {right / max(tags, 1):.3f} R {right / max(wanted, 1):.3f} ({tags} tags, {wanted} labels)"
        )
    print(f"  {name:9} " + "; ".join(cells))


def main() -> None:
    if not STREAM.exists():
        print(f"skipped: {STREAM} is absent")
        return
    rows = {r["id"]: r for r in map(json.loads, STREAM.read_text().splitlines())}
    labels = {r["id"]: r for r in map(json.loads, LABELS.read_text().splitlines())}
    ids = sample_ids(list(rows.values()))
    assert sorted(labels) == ids, "the labels are not the seeded sample"
    chosen = [rows[i] for i in ids]
    ours, peer = newsloom_tags(chosen), peer_tags(chosen)
    dev, test = split(ids)
    print(f"entity tags on {len(ids)} labelled articles of vietnamese-stream (dev {len(dev)}, test {len(test)})")
    for part, part_ids in (("dev", dev), ("test", test)):
        print(part)
        report("newsloom", part_ids, ours, labels)
        report("peer", part_ids, peer, labels)
    if "--errors" in sys.argv:  # dev only: what the rules are tuned on
        for article_id in dev:
            wanted = {group: labels[article_id][group] for group in KINDS}
            print(article_id, rows[article_id]["title"][:70], "\n   tags:", ours[article_id], "\n   want:", wanted)


if __name__ == "__main__":
    main()
