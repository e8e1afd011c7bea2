"""Stories benchmark: newsloom's story grouping beside a plain TF-IDF reference and datasketch's MinHash LSH,
same process, same articles, on a seeded leave-topic-out split.

    make bench-stories                     # dev and test figures, ablation on dev and test, cost at 100k stored
    .venv/bin/python bench/stories_bench.py --threshold 0.25 --part dev    # tuning looks at dev only
    .venv/bin/python bench/stories_bench.py --corpus vietnamese --part dev --misses --no-cost   # what dev misses

Every ``*.jsonl`` of ``../shared/corpora/stories`` (see its SOURCE.md). Topics are independent (ECB+ topics are
event types, PAC topics are policy areas), so each file's topics are shuffled with ``SEED`` and split in half:
dev (tune here) and test (score once). Articles are fed in a seeded random order (the corpus files list a
story's articles together, which would flatter a one-pass method). Figures: BCubed precision/recall/F1 over
articles (the corpus' metric), pairwise F1, stories found, and stories that mix two topics.

Peers: the TF-IDF centroid reference of the corpus' SOURCE.md (one pass, cosine 0.25, words only), and the usual
near-duplicate grouping a news pipeline would otherwise use: MinHash of word 3-shingles, LSH at Jaccard 0.3
(datasketch), connected components. Speed is articles/s of one pass each (CPU time, one core).

The Vietnamese stream (``../shared/corpora/vietnamese-stream``, see its SOURCE.md): a week of VnExpress, Dân trí
and 24h in publication order, each article labelled with its event, most events one article. Its events are
shuffled with ``SEED`` and split in half (dev / test); articles are fed in publication order with their outlet
and ``language="vi"``, as the store keeps them: the JSONL is imported with ``newsloom import`` into a scratch store
and read back with ``newsloom export`` (``--vi-in-process`` reads the JSONL directly); gold events are joined by URL.
Figures: BCubed P/R/F1, multi-article stories and how many mix events. Peer in the same run: the plain TF-IDF
of the corpus' measurement (syllable unigrams and bigrams of the title twice and the body's first 1,500
characters, scikit-learn; each article in time order joins the story of most similar centroid within 3 days
at cosine 0.3, else starts one).

Cost at 100k stored: a crawl round of ``--batch`` new articles against the articles of a 100k-article store that
fall in the stories window (2,000 a day, so the window holds 14,000), CPU time per new article, beside
newsloom's extraction time per page on the shared extraction corpus.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gzip
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from datasketch import MinHash, MinHashLSH

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsloom.enrich import stories
from newsloom.enrich.stories import THRESHOLD, WINDOW, Signals, StoryDoc, group_into_stories

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
CORPUS = SHARED / "stories"
VIETNAMESE = SHARED / "vietnamese-stream" / "articles.jsonl"
SEED = 12
PERMUTATIONS = 128
LSH_JACCARD = 0.3
REFERENCE_THRESHOLD = 0.25
REFERENCE = Signals(
    names_weight=0.0,
    own_date=False,
    outlet=False,
    refine_rounds=0,
    strip_repeated=False,
    split_mixed=False,
    syllable_pairs=False,
)
ABLATIONS = {
    "all signals": Signals(),
    "no names/numbers/dates": Signals(names_weight=0.0),
    "no own date": Signals(own_date=False),
    "no outlet": Signals(outlet=False),
    "no second look (one pass)": Signals(refine_rounds=0),
    "no split of mixed stories": Signals(split_mixed=False),
    "no syllable pairs (Vietnamese)": Signals(syllable_pairs=False),
}
VI_REFERENCE_THRESHOLD = 0.3
VI_REFERENCE_BODY = 1500


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def split_topics(rows: list[dict], seed: int = SEED) -> dict[str, list[dict]]:
    """Half the topics (seeded shuffle) are dev, the rest test; each part's articles in a seeded random order."""
    topics = sorted({str(row.get("topic", "")) for row in rows})
    random.Random(seed).shuffle(topics)
    dev = set(topics[: len(topics) // 2])
    parts = {"dev": [r for r in rows if str(r.get("topic", "")) in dev]}
    parts["test"] = [r for r in rows if str(r.get("topic", "")) not in dev]
    for part in parts.values():
        random.Random(seed).shuffle(part)
    return parts


def as_docs(rows: list[dict]) -> list[StoryDoc]:
    return [
        StoryDoc(
            i,
            row["title"],
            row["body"],
            datetime.fromisoformat(row["published"]) if row.get("published") else None,
            outlet=row.get("source"),
            language=row.get("language"),
        )
        for i, row in enumerate(rows)
    ]


def bcubed(predicted: dict[int, object], gold: dict[int, str]) -> tuple[float, float, float]:
    clusters: defaultdict[object, set[int]] = defaultdict(set)
    classes: defaultdict[str, set[int]] = defaultdict(set)
    for doc_id in gold:
        clusters[predicted[doc_id]].add(doc_id)
        classes[gold[doc_id]].add(doc_id)
    precision = recall = 0.0
    for doc_id in gold:
        shared = len(clusters[predicted[doc_id]] & classes[gold[doc_id]])
        precision += shared / len(clusters[predicted[doc_id]])
        recall += shared / len(classes[gold[doc_id]])
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall or 1)


def pairwise_f1(predicted: dict[int, object], gold: dict[int, str]) -> float:
    ids = sorted(gold)
    same_both = same_predicted = same_gold = 0
    for i, first in enumerate(ids):
        for second in ids[i + 1 :]:
            p, g = predicted[first] == predicted[second], gold[first] == gold[second]
            same_both += p and g
            same_predicted += p
            same_gold += g
    precision, recall = same_both / (same_predicted or 1), same_both / (same_gold or 1)
    return 2 * precision * recall / (precision + recall or 1)


def mixed_topics(predicted: dict[int, object], topics: dict[int, str]) -> int:
    by_story: defaultdict[object, set[str]] = defaultdict(set)
    for doc_id, key in predicted.items():
        by_story[key].add(topics[doc_id])
    return sum(len(found) > 1 for found in by_story.values())


def minhash_groups(docs: list[StoryDoc]) -> dict[int, object]:
    lsh = MinHashLSH(threshold=LSH_JACCARD, num_perm=PERMUTATIONS)
    parent = {doc.id: doc.id for doc in docs}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for doc in docs:
        words = f"{doc.title} {doc.text}".casefold().split()
        signature = MinHash(num_perm=PERMUTATIONS)
        for index in range(max(1, len(words) - 2)):
            signature.update(" ".join(words[index : index + 3]).encode())
        for other in lsh.query(signature):
            parent[root(doc.id)] = root(other)
        lsh.insert(doc.id, signature)
    return {doc.id: root(doc.id) for doc in docs}


def timed(function: Callable[[], dict[int, object]]) -> tuple[dict[int, object], float]:
    """CPU time of one grouping from cold: the stage's kept analyses of an earlier call are dropped first, so no
    method is timed on tokens another one read (as a first run in a process)."""
    stories._PAGES = stories._PagesOfLastRun()
    start = time.process_time()
    result = function()
    return result, time.process_time() - start


def score_line(name: str, found: dict[int, object], seconds: float, rows: list[dict]) -> str:
    gold = {i: str(row["story_id"]) for i, row in enumerate(rows)}
    topics = {i: str(row.get("topic", "")) for i, row in enumerate(rows)}
    p, r, f = bcubed(found, gold)
    return (
        f"    {name:<34} BCubed P {p:.3f} R {r:.3f} F1 {f:.3f}  pairwise F1 {pairwise_f1(found, gold):.3f}  "
        f"{len(set(found.values())):4d} stories  {mixed_topics(found, topics):2d} mixing topics  "
        f"{len(rows) / max(seconds, 1e-9):7.0f} articles/s"
    )


def run_part(name: str, rows: list[dict], threshold: float, ablation: bool) -> None:
    docs = as_docs(rows)
    print(
        f"  {name}: {len(rows)} articles, {len({r['story_id'] for r in rows})} stories, "
        f"{len({str(r.get('topic', '')) for r in rows})} topics"
    )
    ours, ours_s = timed(lambda: dict(group_into_stories(docs, threshold=threshold)))
    ref, ref_s = timed(lambda: dict(group_into_stories(docs, threshold=REFERENCE_THRESHOLD, signals=REFERENCE)))
    lsh, lsh_s = timed(lambda: minhash_groups(docs))
    print(score_line(f"newsloom (cosine {threshold})", ours, ours_s, rows))
    print(score_line(f"TF-IDF reference (cosine {REFERENCE_THRESHOLD})", ref, ref_s, rows))
    print(score_line(f"datasketch MinHash LSH (J {LSH_JACCARD})", lsh, lsh_s, rows))
    print(
        f"    speed ratio newsloom / TF-IDF reference: {ref_s / max(ours_s, 1e-9):.2f}x, "
        f"/ MinHash LSH: {lsh_s / max(ours_s, 1e-9):.2f}x"
    )
    if ablation:
        for label, signals in list(ABLATIONS.items())[1:]:
            found, seconds = timed(lambda s=signals: dict(group_into_stories(docs, threshold=threshold, signals=s)))
            print(score_line(f"  {label}", found, seconds, rows))


def split_events(rows: list[dict], seed: int = SEED) -> dict[str, list[dict]]:
    """Half the events (seeded shuffle) are dev, the rest test; each part keeps the stream's publication order."""
    events = sorted({row["event"] for row in rows})
    random.Random(seed).shuffle(events)
    dev = set(events[: len(events) // 2])
    return {"dev": [r for r in rows if r["event"] in dev], "test": [r for r in rows if r["event"] not in dev]}


def vietnamese_docs(rows: list[dict]) -> list[StoryDoc]:
    return [
        StoryDoc(
            i,
            row["title"],
            row["body"],
            datetime.fromisoformat(row["published"]),
            outlet=row["outlet"],
            language=row.get("language", "vi"),
        )
        for i, row in enumerate(rows)
    ]


def plain_tfidf_stories(rows: list[dict]) -> dict[int, object]:
    """The corpus' reference: syllable unigrams and bigrams, one pass in time order, centroid within 3 days."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{row['title']} {row['title']} {row['body'][:VI_REFERENCE_BODY]}" for row in rows]
    vectors = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts).tocsr()
    dates = [datetime.fromisoformat(row["published"]) for row in rows]
    sums: list = []
    latest: list[datetime] = []
    found: dict[int, object] = {}
    for i in sorted(range(len(rows)), key=lambda i: (dates[i], i)):
        best, chosen = VI_REFERENCE_THRESHOLD, None
        for story, total in enumerate(sums):
            if abs(dates[i] - latest[story]) > WINDOW:
                continue
            norm = math.sqrt(total.multiply(total).sum()) or 1.0
            cosine = (vectors[i] @ total.T).sum() / norm
            if cosine >= best:
                best, chosen = cosine, story
        if chosen is None:
            sums.append(vectors[i])
            latest.append(dates[i])
            chosen = len(sums) - 1
        else:
            sums[chosen] = sums[chosen] + vectors[i]
            latest[chosen] = max(latest[chosen], dates[i])
        found[i] = chosen
    return found


def event_line(name: str, found: dict[int, object], seconds: float, rows: list[dict]) -> str:
    gold = {i: row["event"] for i, row in enumerate(rows)}
    p, r, f = bcubed(found, gold)
    members: defaultdict[object, list[int]] = defaultdict(list)
    for doc_id, key in found.items():
        members[key].append(doc_id)
    several = [ids for ids in members.values() if len(ids) > 1]
    mixing = sum(len({gold[i] for i in ids}) > 1 for ids in several)
    return (
        f"    {name:<34} BCubed P {p:.3f} R {r:.3f} F1 {f:.3f}  {len(several):3d} multi-article stories, "
        f"{mixing:2d} mixing events ({mixing / max(1, len(several)):.0%}), largest {max(map(len, members.values()))}"
        f"  {len(rows) / max(seconds, 1e-9):6.0f} articles/s"
    )


def through_the_store(rows: list[dict]) -> list[dict]:
    """The rows as ``newsloom import`` stores them and ``newsloom export`` gives them back (title, lead and body,
    date, outlet, language), with their gold event, in publication order. Batch stages that read nothing grouping
    needs (entity tags, pictures, translation) are off."""
    import os
    import subprocess
    import tempfile

    event = {row["url"]: row["event"] for row in rows}
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
            "NEWSLOOM_DATA_DIR": scratch,
            "NEWSLOOM_ENTITY_TAGS": "false",
            "NEWSLOOM_FETCH_IMAGES": "false",
            "NEWSLOOM_TRANSLATE_BACKEND": "none",
        }
        command = [sys.executable, "-m", "newsloom"]
        subprocess.run([*command, "import", str(VIETNAMESE)], env=env, check=True, capture_output=True)
        exported = subprocess.run([*command, "export"], env=env, check=True, capture_output=True, text=True).stdout
    back = [json.loads(line) for line in exported.splitlines() if line.strip()]
    stored = [
        {
            "url": record["url"],
            "title": record["title"],
            "body": f"{record.get('lead') or ''}\n{record['body']}",
            "published": record["published"],
            "outlet": record["outlet"],
            "language": record["language"],
            "event": event[record["url"]],
        }
        for record in back
    ]
    return sorted(stored, key=lambda row: (datetime.fromisoformat(row["published"]), row["url"]))


def print_misses(found: dict[int, object], rows: list[dict]) -> None:
    """The events the grouping left in pieces and the stories that mix events, each report with its story, outlet,
    date and headline: what a rule for the stream has to join or keep apart. Dev only (``main`` refuses test): read
    test's misses and test is tuned on."""
    by_event: defaultdict[str, list[int]] = defaultdict(list)
    by_story: defaultdict[object, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_event[row["event"]].append(i)
        by_story[found[i]].append(i)

    def report(i: int, label: object) -> str:
        row = rows[i]
        return f"      {label!s:<36.36} {row['outlet']:<10} {row['published'][:16]}  {row['title'][:70]}"

    for event, ids in by_event.items():
        if len({found[i] for i in ids}) > 1:
            print(f"    left in pieces: {event} ({len(ids)} reports)")
            print("\n".join(report(i, f"story {found[i]}") for i in sorted(ids, key=lambda i: str(found[i]))))
    for key, ids in by_story.items():
        if len({rows[i]["event"] for i in ids}) > 1:
            print(f"    mixes events: story {key} ({len(ids)} reports)")
            print("\n".join(report(i, rows[i]["event"]) for i in ids))


def run_vietnamese(part: str, ablation: bool, in_process: bool = False, misses: bool = False) -> None:
    if not VIETNAMESE.exists():
        print(f"vietnamese-stream: absent ({VIETNAMESE}), skipped")
        return
    rows = load(VIETNAMESE)
    read = "read in process"
    if not in_process:
        rows, read = through_the_store(rows), "imported with `newsloom import`, read back with `newsloom export`"
    parts = split_events(rows)
    print(f"vietnamese-stream ({len(rows)} articles {read}; seed {SEED}: events split in half, dev / test)")
    for name in ("dev", "test"):
        if part not in (name, "both"):
            continue
        rows = parts[name]
        docs = vietnamese_docs(rows)
        several = sum(n > 1 for n in Counter(row["event"] for row in rows).values())
        print(f"  {name}: {len(rows)} articles, {len({r['event'] for r in rows})} events, {several} of 2+ articles")
        ours, ours_s = timed(lambda d=docs: dict(group_into_stories(d)))
        ref, ref_s = timed(lambda r=rows: plain_tfidf_stories(r))
        print(event_line(f"newsloom (cosine {stories.SYLLABIC_THRESHOLD})", ours, ours_s, rows))
        print(event_line(f"plain TF-IDF (cosine {VI_REFERENCE_THRESHOLD})", ref, ref_s, rows))
        if misses:
            print_misses(ours, rows)
        if ablation:
            for label, signals in list(ABLATIONS.items())[1:]:
                found, seconds = timed(lambda s=signals, d=docs: dict(group_into_stories(d, signals=s)))
                print(event_line(f"  {label}", found, seconds, rows))


def cost_at_100k(batch: int) -> None:
    """CPU time per new article of a stories run over a 100k-article store's window, beside extraction: the first
    run in a process (every text of the window tokenised) and the next one, as a crawler's next round runs it (the
    same window, another ``batch`` of new articles: the stage keeps the tokens of its last run's texts)."""
    rows = [row for path in sorted(CORPUS.glob("*.jsonl")) for row in load(path)]
    per_day = 2000
    in_window = per_day * (2 * WINDOW.days + 1)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rng = random.Random(SEED)
    docs = []
    for i in range(in_window + 2 * batch):
        row = rows[i % len(rows)]
        words = row["body"].split()
        rng.shuffle(words)  # distinct texts with the corpus' vocabulary and lengths
        docs.append(
            StoryDoc(
                i,
                row["title"],
                " ".join(words),
                now - timedelta(days=rng.uniform(0, 2 * WINDOW.days + 1)),
                checked=i < in_window,
                outlet=f"outlet{i % 70}",
            )
        )
    window, first_batch, next_batch = docs[:in_window], docs[in_window : in_window + batch], docs[in_window + batch :]
    reread = [  # the next round reads the window from the store again: the same texts, new string objects
        dataclasses.replace(doc, title=_fresh(doc.title), text=_fresh(doc.text)) for doc in window
    ]
    costs = []
    for in_hand in (window + first_batch, reread + next_batch):
        start = time.process_time()
        group_into_stories(in_hand)
        costs.append((time.process_time() - start) / batch)
    from newsloom.extract import extract_article

    # every AEB page, decompressed before the clock; one page first, untimed: the first call loads the language
    # model and tables once a process (start-up, not a page's cost)
    pages = [
        gzip.decompress(p.read_bytes())
        for p in sorted((SHARED / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    ]
    with contextlib.suppress(Exception):
        extract_article(pages[0])
    start = time.process_time()
    for page in pages:
        with contextlib.suppress(Exception):  # a page that is not an article still cost its time
            extract_article(page)
    extraction = (time.process_time() - start) / max(1, len(pages))
    print(
        f"cost at 100k stored ({in_window} articles in the window, {batch} new), extraction "
        f"{extraction * 1000:.1f} ms per page: first run {costs[0] * 1000:.1f} ms per new article "
        f"({costs[0] / extraction:.0%}), next run {costs[1] * 1000:.1f} ms ({costs[1] / extraction:.0%})"
    )


def _fresh(text: str) -> str:
    """An equal string that is another object (a string caches its hash: a text read again has not computed it)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="newsloom's centroid cosine threshold")
    parser.add_argument("--part", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--no-ablation", action="store_true", help="skip the one-signal-off rows")
    parser.add_argument("--batch", type=int, default=200, help="new articles per run in the cost measurement")
    parser.add_argument("--no-cost", action="store_true", help="skip the cost at 100k stored")
    parser.add_argument("--corpus", choices=["all", "stories", "vietnamese"], default="all")
    parser.add_argument("--vi-in-process", action="store_true", help="read the Vietnamese JSONL without the store")
    parser.add_argument("--misses", action="store_true", help="list the stream's split events and mixed stories (dev)")
    args = parser.parse_args()
    if args.misses and args.part != "dev":
        parser.error("--misses reads what the grouping got wrong: dev only (--part dev)")
    files = sorted(CORPUS.glob("*.jsonl"))
    if not files:
        sys.exit(f"no corpus at {CORPUS}")
    print(f"seed {SEED}: topics split in half, dev / test")
    group_into_stories(as_docs(load(files[0])[:20]))  # untimed: the first call's one-off set-up
    for path in files if args.corpus in ("all", "stories") else []:
        parts = split_topics(load(path))
        print(path.stem)
        for name in ("dev", "test"):
            if args.part in (name, "both"):
                run_part(name, parts[name], args.threshold, not args.no_ablation)
    if args.corpus in ("all", "vietnamese"):
        run_vietnamese(args.part, not args.no_ablation, args.vi_in_process, args.misses)
    if not args.no_cost:
        cost_at_100k(args.batch)


if __name__ == "__main__":
    main()
