"""Translation benchmark: the translation checks' precision and recall, the tiny model's throughput, the translation
memory's hit rate on syndicated copies, and the import rate with ``translate_backend = "none"``.

    make bench-translate        (or: nice .venv/bin/python bench/translate_bench.py)

1. **Checks.** No Vietnamese-English parallel corpus is shared, so pairs are real paragraphs beside themselves (a
   perfect "translation"; VNTC Vietnamese with target vi, BBC English with target en) and copies with one injected
   error: a changed number, a shifted date, a dropped name, a sentence of the other language left in
   (untranslated). A clean pair's flags are false positives. Paragraphs are split dev/test by a seeded hash of their
   document id; rules are tuned on dev only and both are printed. What identity pairs cannot measure: how the
   checks read a date or amount written differently across languages (the unit tests cover those forms).
2. **Throughput** of the tiny model (random weights, 2 layers; a lower bound of a real model's cost): sentences/s
   through the stage's path (segmentation, memory, batching) against ctranslate2 called directly (the peer).
3. **Memory hit rate** on syndicated copies: VNTC articles stored once, then again under another outlet with the
   first sentence rewritten and an outlet's boilerplate line added (how wire copy is republished).
4. **Import rate** with ``none``: the import loop as in main (store, then stories) against the same loop with the
   translation stage and the stories' translated-text lookup, same pages, same process.

Speeds are CPU time of this process (ctranslate2 runs one thread), so a busy machine changes them less than wall
time. The tiny model's random weights never emit an end of sentence: every sentence decodes to its length limit,
the worst case of a real model.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsloom.enrich.translate.checks import check_pair, names
from newsloom.enrich.translate.dates import find_dates, find_numbers
from newsloom.enrich.translate.segment import split_sentences

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
KINDS = ("number", "date", "name", "untranslated")


def _split(doc_id: str, seed: int) -> str:
    digest = hashlib.sha256(f"{seed}:{doc_id}".encode()).digest()
    return "test" if digest[0] % 2 else "dev"


def paragraphs(path: Path, language: str, limit: int) -> list[tuple[str, str]]:
    found = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            for number, text in enumerate(re.split(r"\n+", row.get("body", ""))):
                text = " ".join(text.split())
                if 150 <= len(text) <= 1200:
                    found.append((f"{row['id']}#{number}", text))
            if len(found) >= limit:
                break
    return found[:limit]


def inject(kind: str, text: str, language: str, other: list[str], rng: random.Random) -> str | None:
    """A copy of ``text`` with one error of ``kind``, or None when the paragraph offers nothing to change."""
    if kind == "number":
        _, masked = find_dates(text)
        numbers = find_numbers(masked, language)
        if not numbers:
            return None
        item = rng.choice(numbers)
        digits = re.search(r"\d+", item.text)
        assert digits is not None
        changed = str(int(digits.group(0)) + rng.choice([1, 2, 3, 10]))
        start = item.start + digits.start()
        return text[:start] + changed + text[start + len(digits.group(0)) :]
    if kind == "date":
        dates = find_dates(text)[0]
        dated = [d for d in dates if isinstance(d.key, tuple) and len(d.key) == 2]
        if not dated:
            return None
        item = rng.choice(dated)
        day = re.search(r"\d{1,2}", item.text)
        assert day is not None
        shifted = str((int(day.group(0)) % 28) + 1) if item.key[1] == int(day.group(0)) else day.group(0)
        if shifted == day.group(0):  # the first number was the month: shift it
            shifted = str(int(day.group(0)) % 12 + 1)
        start = item.start + day.start()
        return text[:start] + shifted + text[start + len(day.group(0)) :]
    if kind == "name":
        found = names(text)
        if not found:
            return None
        name = rng.choice(found)
        return re.sub(re.escape(name), "", text)
    if kind == "untranslated":
        sentences, separators = split_sentences(text)
        index = rng.randrange(len(sentences))
        sentences[index] = rng.choice(other)
        return "".join(s + sep for s, sep in zip(sentences, separators, strict=True))
    raise ValueError(kind)


def score_checks(limit: int, seed: int) -> None:
    rng = random.Random(seed)
    sets = []
    vi = paragraphs(CORPORA / "vntc" / "test.jsonl.gz", "vi", limit)
    en = paragraphs(CORPORA / "bbc-news" / "bbc.jsonl.gz", "en", limit)
    foreign_for = {
        "vi": [s for _, t in en for s in split_sentences(t)[0] if len(s.split()) >= 8],
        "en": [s for _, t in vi for s in split_sentences(t)[0] if len(s.split()) >= 8],
    }
    for language, items in (("vi", vi), ("en", en)):
        for doc_id, text in items:
            sets.append((_split(doc_id, seed), language, text, text, None))
            for kind in KINDS:
                corrupted = inject(kind, text, language, foreign_for[language], rng)
                if corrupted is not None and corrupted != text:
                    sets.append((_split(doc_id, seed), language, text, corrupted, kind))
    for split in ("dev", "test"):
        flagged: Counter[str] = Counter()
        true_positive: Counter[str] = Counter()
        injected: Counter[str] = Counter()
        clean = clean_flagged = 0
        for where, language, original, translated, kind in sets:
            if where != split:
                continue
            kinds = {flag.kind for flag in check_pair("p", original, translated, language, language)}
            if kind is None:
                clean += 1
                clean_flagged += bool(kinds)
            else:
                injected[kind] += 1
                true_positive[kind] += kind in kinds
            for found in kinds:
                if kind is None or kind == found:  # another injected error may rightly raise other kinds
                    flagged[found] += 1
        print(f"checks {split}: {clean} clean pairs, {clean_flagged / max(clean, 1):.1%} flagged (false alarms)")
        for kind in KINDS:
            precision = true_positive[kind] / flagged[kind] if flagged[kind] else 0.0
            recall = true_positive[kind] / injected[kind] if injected[kind] else 0.0
            print(
                f"  {kind:13} injected {injected[kind]:4}  precision {precision:.3f}  recall {recall:.3f}"
                f"  (flags of this kind: {flagged[kind]})"
            )


def throughput(sentences: int) -> None:
    from newsloom.enrich.translate.offline import CTranslate2Translator
    from newsloom.enrich.translate.tiny import build_tiny_model
    from newsloom.pipeline.translation import TranslationMemory, TranslationStats
    from newsloom.settings import Settings
    from newsloom.store import open_store
    from newsloom.store.translations import TranslationStore

    texts = [s for _, t in paragraphs(CORPORA / "vntc" / "train.jsonl.gz", "vi", 400) for s in split_sentences(t)[0]]
    texts = list(dict.fromkeys(texts))[:sentences]
    with tempfile.TemporaryDirectory() as scratch:
        model = build_tiny_model(Path(scratch) / "vi_en", texts[:200], texts[:200])
        translator = CTranslate2Translator(Path(scratch))
        translator.translate(texts[:4], "vi", "en")  # load once, outside the timing
        loaded = translator._load("vi", "en")
        start = time.process_time()
        tokens = [loaded.source_sp.encode(t, out_type=str) for t in texts]
        for i in range(0, len(tokens), 32):
            batch = tokens[i : i + 32]
            limit = min(256, 2 * max(len(t) for t in batch) + 10)  # one limit per batch, by its longest
            outputs = loaded.translator.translate_batch(batch, beam_size=2, max_decoding_length=limit)
            [loaded.target_sp.decode(o.hypotheses[0]) for o in outputs]
        direct = time.process_time() - start
        store = open_store(Settings(data_dir=Path(scratch) / "data"))
        memory = TranslationMemory(TranslationStore(store.engine))
        stats = TranslationStats()
        start = time.process_time()
        memory.translate(translator, texts, "vi", "en", stats)
        staged = time.process_time() - start
        store.close()
        del model
    print(
        f"tiny model: {len(texts) / staged:.1f} sentences/s through the stage (memory, length buckets), "
        f"{len(texts) / direct:.1f} sentences/s ctranslate2 direct (peer), ratio {direct / staged:.2f}x"
    )


def memory_hit_rate(articles: int) -> None:
    from newsloom.model import Article, Block, BlockKind
    from newsloom.pipeline.translation import translate_pending
    from newsloom.settings import Settings
    from newsloom.store import open_store

    rows = []
    with gzip.open(CORPORA / "vntc" / "test.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
            if len(rows) >= articles:
                break

    class Echo:
        """Counts what reaches the backend; the memory's hit rate does not depend on the model."""

        name, model, sent = "echo", "echo", 0

        def translate(self, texts: list[str], source: str, target: str) -> list[str]:
            self.sent += len(texts)
            return [text.upper() for text in texts]

    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(Settings(data_dir=Path(scratch)))
        settings = Settings(data_dir=Path(scratch), translate_backend="echo")

        def article(row: dict, outlet: str, rewrite: bool) -> Article:
            paras = [p for p in row["body"].split("\n") if p.strip()]
            if rewrite and paras:
                sentences = split_sentences(paras[0])[0]
                paras[0] = " ".join([f"({outlet}) - Theo tin từ đồng nghiệp, {sentences[0][:1].lower()}{sentences[0][1:]}",
                                     *sentences[1:]])  # fmt: skip
                paras.append(f"Mời bạn đọc theo dõi các tin tức mới nhất trên {outlet}.")
            url = f"https://{outlet}/{hashlib.md5(row['id'].encode()).hexdigest()}"
            blocks = [Block(BlockKind.PARAGRAPH, p) for p in paras]
            return Article(url=url, canonical_url=url, title=row["title"][:200], language="vi", blocks=blocks)

        for row in rows:
            store.upsert_article(article(row, "goc.example.vn", False))
        first = translate_pending(store, settings, translator=Echo())
        for row in rows:
            store.upsert_article(article(row, "bao-khac.example.vn", True))
        copies = translate_pending(store, settings, translator=Echo())
        store.close()
    print(
        f"translation memory: originals {first.hit_rate:.1%} hits ({first.segments} sentences), syndicated copies "
        f"{copies.hit_rate:.1%} hits ({copies.segments} sentences, {copies.segments - copies.memory_hits} sent)"
    )


def import_rate(pages: int, rounds: int) -> None:
    from newsloom.enrich.stories import WINDOW, group_into_stories
    from newsloom.fetch.local import expand_paths, iter_local_pages
    from newsloom.pipeline import process_page, update_stories
    from newsloom.pipeline.translation import translate_pending
    from newsloom.settings import Settings
    from newsloom.store import open_store
    from newsloom.store.stories import StoryStore
    from newsloom.store.translations import TranslationStore

    files = expand_paths([CORPORA / "article-extraction-benchmark" / "html"])[:pages]
    loaded = [page for path in files for page in iter_local_pages([path])]

    def main_stories(store) -> None:  # type: ignore[no-untyped-def]
        stories = StoryStore(store.engine)
        docs = stories.pending_window(WINDOW)
        considered = [doc.id for doc in docs if doc.story is None and not doc.checked]
        if considered:
            from datetime import UTC, datetime

            stories.save(group_into_stories(docs), considered, datetime.now(UTC))

    extra: list[float] = []

    def run(with_translation: bool) -> float:
        with tempfile.TemporaryDirectory() as scratch:
            settings = Settings(data_dir=Path(scratch))
            store = open_store(settings)
            start = time.process_time()
            for page in loaded:
                process_page(page, store)
            if with_translation:
                before = time.process_time()
                translate_pending(store, settings)
                TranslationStore(store.engine).with_translated_text(StoryStore(store.engine).pending_window(WINDOW))
                extra.append(time.process_time() - before)  # what translation adds (with one more window read)
                update_stories(store)
            else:
                main_stories(store)
            elapsed = time.process_time() - start
            store.close()
        return len(loaded) / elapsed

    results: dict[bool, list[float]] = {False: [], True: []}
    run(False)  # warm-up: lazy imports and caches are paid before either is timed
    for round_number in range(rounds):
        for flag in (False, True) if round_number % 2 == 0 else (True, False):  # alternate who goes first
            results[flag].append(run(flag))
    today, none = max(results[False]), max(results[True])
    print(
        f"import rate: {none:.1f} pages/s with translate_backend = none, {today:.1f} pages/s main's loop (peer), "
        f"ratio {none / today:.3f} (best of {rounds}, CPU time); the translation stage and the stories' "
        f"translated-text lookup cost {1000 * min(extra):.1f} ms per batch of {len(loaded)} pages"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=600, help="paragraphs per language for the checks")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parts", default="checks,throughput,memory,import", help="comma-separated parts to run")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if "checks" in parts:
        score_checks(args.paragraphs, args.seed)
    if "throughput" in parts:
        throughput(args.sentences)
    if "memory" in parts:
        memory_hit_rate(args.articles)
    if "import" in parts:
        import_rate(args.pages, args.rounds)


if __name__ == "__main__":
    main()
