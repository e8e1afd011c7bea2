"""Tags benchmark: recall against fundus-publishers' ``topics``, precision on a hand-labelled sample, speed.

    nice .venv/bin/python bench/tags_bench.py [--sample-out FILE]

- Recall (per language): the share of the ground truth's topics (case and diacritics folded, an entity's names as
  one: "USA" is found as United States) that are among the article's tags, for newsloom (publisher tags cleaned + entity tags merged) beside the peer run in the same
  process: the tags extraction gave before this stage (the page's keywords, uncleaned).
- Precision (per language): of the entity tags (person, organisation, place) newsloom adds, the share judged right
  in ``bench/tags_labels.jsonl`` (labelled by hand: is this a real name of that kind, named in the article?). Pages:
  the Vietnamese pages of ``vietnamese-news`` and the English pages of ``fundus-publishers``. ``--sample-out``
  writes the current entity tags of those pages for labelling; unlabelled tags are reported, not counted.
- Speed (CPU time, one process): articles/s of extraction (the peer), of the per-page enrichment before this work
  (language only) and now (language, tag cleaning, section rules, outlet name), and of the batch entity stage per
  language. "import rate kept" = (extract + enrich before) / (extract + enrich now + entities).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsloom.enrich.language import detect_language
from newsloom.enrich.steps import enrich_article
from newsloom.enrich.tags.aliases import known_by_surname, known_entity
from newsloom.enrich.tags.merge import merge_tags
from newsloom.enrich.tags.ner import recognizer_for
from newsloom.errors import NewsloomError
from newsloom.extract import extract_article
from newsloom.model import Article
from newsloom.section_scheme import fold

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
LABELS = Path(__file__).resolve().parent / "tags_labels.jsonl"


def pages() -> list[tuple[str, bytes, str | None, list[str] | None]]:
    """(id, html, url, topics) of the fundus-publishers pages and the Vietnamese pages."""
    found = []
    for line in (CORPORA / "fundus-publishers/ground-truth.jsonl").read_text().splitlines():
        row = json.loads(line)
        html = gzip.decompress((CORPORA / "fundus-publishers" / row["html"]).read_bytes())
        found.append((row["id"], html, row.get("url"), row.get("topics")))
    for path in sorted((CORPORA / "vietnamese-news/html").glob("*.html*")):
        data = path.read_bytes()
        found.append((f"vi/{path.name}", gzip.decompress(data) if path.suffix == ".gz" else data, None, None))
    return found


def entity_key(tag: str, kind: str | None = "place") -> str:
    """A tag as the entity it names, folded: "USA", "U.S." and "United States" are one topic (``tags/aliases.py``),
    so a topic counts as found under the one name newsloom gives it, and a label holds for its entity."""
    known = known_entity(tag, kind) or known_by_surname(tag)
    return fold(known.name if known is not None else tag)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample-out", type=Path)
    args = parser.parse_args()
    items = pages()
    extracted: list[tuple[str, Article, list[str] | None]] = []
    start = time.process_time()
    for page_id, html, url, topics in items:
        try:
            extracted.append((page_id, extract_article(html, url=url), topics))
        except NewsloomError:
            continue
    extract_seconds = time.process_time() - start
    raw_tags = {page_id: list(article.tags) for page_id, article, _ in extracted}
    detect_language(extracted[0][1])  # loads the language model: start-up, not per-article cost
    start = time.process_time()
    for _, article, _ in extracted:
        detect_language(
            Article(**{f: getattr(article, f) for f in ("url", "canonical_url", "title", "lead", "language", "blocks")})
        )
    before_seconds = time.process_time() - start
    start = time.process_time()
    enriched = [(page_id, enrich_article(article), topics) for page_id, article, topics in extracted]
    now_seconds = time.process_time() - start
    by_language: dict[str, list[tuple[str, Article, list[str] | None]]] = defaultdict(list)
    for row in enriched:
        by_language[row[1].language or "?"].append(row)
    final: dict[str, tuple[list[str], dict[str, str]]] = {}
    entity_seconds = 0.0
    entity_rates = {}
    for language, group in sorted(by_language.items()):
        recognizer = recognizer_for(language)
        start = time.process_time()
        texts = [f"{a.title}.\n{a.lead or ''}\n{a.body}" for _, a, _ in group]
        found = recognizer.entities(texts) if recognizer is not None else [[] for _ in group]
        for (page_id, article, _), entities in zip(group, found, strict=True):
            final[page_id] = merge_tags(article.tags, entities, article.title, article.lead)
        spent = time.process_time() - start
        entity_seconds += spent
        if recognizer is not None:
            entity_rates[language] = len(group) / max(spent, 1e-9)
    n = len(extracted)
    print(f"{n} articles extracted ({len(items)} pages)")
    print(
        f"speed: extraction (peer) {n / extract_seconds:.1f}/s; enrichment per page before {n / before_seconds:.0f}/s,"
        f" now {n / now_seconds:.0f}/s; entity stage " + ", ".join(f"{k} {v:.1f}/s" for k, v in entity_rates.items())
    )
    kept = (extract_seconds + before_seconds) / (extract_seconds + now_seconds + entity_seconds)
    print(f"import rate kept with everything on: {kept:.0%} of before (per-page + batch entity stage, CPU time)")

    recall: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for page_id, article, topics in enriched:
        if not topics:
            continue
        wanted = {entity_key(t) for t in topics if fold(t)}
        ours = {entity_key(t) for t in final[page_id][0]}
        peer = {entity_key(t) for t in raw_tags[page_id]}
        bucket = recall["en" if article.language == "en" else "other"]
        for total in (recall["all"], bucket):
            total[0] += len(wanted)
            total[1] += len(wanted & ours)
            total[2] += len(wanted & peer)
    for name, (total, ours, peer) in recall.items():
        print(
            f"recall vs fundus topics ({name}): newsloom {ours / total:.3f}, peer (raw keywords) {peer / total:.3f}"
            f" of {total} topics"
        )

    sample = [
        {"id": page_id, "tag": tag, "kind": kinds[tag]}
        for page_id, article, _ in enriched
        if article.language in ("vi", "en")
        for tag in (final[page_id][0])
        if (kinds := final[page_id][1])[tag] != "topic"
    ]
    if args.sample_out:
        args.sample_out.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in sample) + "\n")
        print(f"wrote {len(sample)} entity tags to label to {args.sample_out}")
    if LABELS.exists():
        labels = {
            (r["id"], entity_key(r["tag"], r["kind"])): r["correct"]
            for r in map(json.loads, LABELS.read_text().splitlines())
            if r
        }
        scores: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for row in sample:
            language = "vi" if row["id"].startswith("vi/") else "en"
            judged = labels.get((row["id"], entity_key(row["tag"], row["kind"])))
            score = scores[language]
            if judged is None:
                score[2] += 1
            else:
                score[0] += 1
                score[1] += int(bool(judged))
        for language, (judged, right, unlabelled) in sorted(scores.items()):
            if judged:
                print(
                    f"precision of entity tags ({language}): {right / judged:.3f} of {judged} labelled"
                    f" ({unlabelled} unlabelled)"
                )


if __name__ == "__main__":
    main()
