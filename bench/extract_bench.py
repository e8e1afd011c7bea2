"""Extraction benchmark: newsloom's extractor beside trafilatura, same process, same pages.

    make bench-extract                      # every corpus present
    .venv/bin/python bench/extract_bench.py --corpus aeb --limit 50

Prints body precision/recall/F1 per corpus with each corpus' own metric (see bench/extract_metrics.py), the
published systems' AEB scores from ``output/``, fundus-publishers field accuracy, and pages/s of both systems
(one core, one timed pass each over the same decoded inputs). trafilatura runs as the AEB runs it:
``extract(html, include_comments=False)``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extract_metrics import (
    SnippetCounts,
    best_variant_precision_recall,
    body_score,
    normalise_field,
    page_precision_recall,
    same_minute,
)

from newsloom.errors import NewsloomError
from newsloom.extract import extract_article
from newsloom.model import Article

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


@dataclass(slots=True)
class Page:
    key: str
    html: bytes
    url: str | None
    truth: dict[str, object] = field(default_factory=dict)


def _read(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def load_aeb(limit: int | None) -> list[Page]:
    root = CORPORA / "article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text())
    pages = [
        Page(key, _read(root / "html" / f"{key}.html.gz"), value.get("url"), value) for key, value in truth.items()
    ]
    return pages[:limit]


def load_fundus_evaluation(limit: int | None) -> list[Page]:
    root = CORPORA / "fundus-evaluation"
    truth = json.loads((root / "ground_truth.json").read_text())
    return [Page(name, _read(root / "html" / name), value.get("url"), value) for name, value in truth.items()][:limit]


def load_trafilatura_eval(limit: int | None) -> list[Page]:
    root = CORPORA / "trafilatura-eval"
    truth = json.loads((root / "evaldata.json").read_text())
    pages = []
    for url, value in truth.items():
        for folder in ("cache", "eval"):
            path = root / folder / f"{value['file']}.gz"
            if path.exists():
                pages.append(Page(url, _read(path), None, value))
                break
    return pages[:limit]


def load_fundus_publishers(limit: int | None) -> list[Page]:
    root = CORPORA / "fundus-publishers"
    pages = []
    for line in (root / "ground-truth.jsonl").read_text().splitlines():
        record = json.loads(line)
        pages.append(Page(record["id"], _read(root / record["html"]), record.get("url"), record))
    return pages[:limit]


def run_newsloom(page: Page, with_url: bool) -> Article | None:
    try:
        return extract_article(page.html, url=page.url if with_url else None)
    except NewsloomError:
        return None


def run_trafilatura(page: Page) -> str:
    text = page.html.decode("utf-8", errors="replace")
    return trafilatura.extract(text, include_comments=False) or ""


def timed(function: Callable[[Page], object], pages: list[Page]) -> tuple[list[object], float]:
    start = time.process_time()
    results = [function(page) for page in pages]
    return results, time.process_time() - start


def body_of(article: Article | None) -> str:
    return article.body if article else ""


def report_speed(name: str, pages: list[Page], ours_seconds: float, theirs_seconds: float) -> None:
    ours, theirs = len(pages) / ours_seconds, len(pages) / theirs_seconds
    print(f"  speed  newsloom {ours:6.1f} pages/s   trafilatura {theirs:6.1f} pages/s   ratio {ours / theirs:.2f}x")


def bench_aeb(limit: int | None, show_worst: int) -> None:
    pages = load_aeb(limit)
    ours, ours_seconds = timed(lambda p: run_newsloom(p, with_url=False), pages)
    theirs, theirs_seconds = timed(run_trafilatura, pages)
    ours_pairs = [
        page_precision_recall(str(p.truth["articleBody"]), body_of(a)) for p, a in zip(pages, ours, strict=True)
    ]  # type: ignore[arg-type]
    theirs_pairs = [
        page_precision_recall(str(p.truth["articleBody"]), str(t)) for p, t in zip(pages, theirs, strict=True)
    ]
    print(f"AEB ({len(pages)} pages; metric: 4-shingle P/R/F1, mean over pages)")
    for name, score in (("newsloom", body_score(ours_pairs)), ("trafilatura 2.3.1", body_score(theirs_pairs))):
        print(f"  {name:<28} F1 {score.f1:.3f}  P {score.precision:.3f}  R {score.recall:.3f}")
    output_dir = CORPORA / "article-extraction-benchmark" / "output"
    keys = {page.key for page in pages}
    for path in sorted(output_dir.glob("*.json")):
        published = json.loads(path.read_text())["output"]
        pairs = [
            page_precision_recall(str(p.truth["articleBody"]), published.get(p.key, {}).get("articleBody", ""))
            for p in pages
            if p.key in keys
        ]
        score = body_score(pairs)
        print(f"  {'(published) ' + path.stem:<28} F1 {score.f1:.3f}  P {score.precision:.3f}  R {score.recall:.3f}")
    report_speed("aeb", pages, ours_seconds, theirs_seconds)
    if show_worst:
        ranked = sorted(
            zip(ours_pairs, pages, strict=True), key=lambda item: 2 * item[0][0] * item[0][1] / (sum(item[0]) or 1)
        )
        for (precision, recall), page in ranked[:show_worst]:
            print(f"    worst P {precision:.2f} R {recall:.2f} {page.key[:12]} {page.url}")


def bench_fundus_evaluation(limit: int | None) -> None:
    pages = load_fundus_evaluation(limit)
    ours, ours_seconds = timed(lambda p: run_newsloom(p, with_url=True), pages)
    theirs, theirs_seconds = timed(run_trafilatura, pages)
    print(f"fundus-evaluation ({len(pages)} pages; AEB metric, best variant over optional paragraphs)")
    for name, outputs in (("newsloom", [body_of(a) for a in ours]), ("trafilatura 2.3.1", theirs)):  # type: ignore[misc]
        pairs = [
            best_variant_precision_recall(list(p.truth["body"]), str(o)) for p, o in zip(pages, outputs, strict=True)
        ]  # type: ignore[call-overload]
        score = body_score(pairs)
        print(f"  {name:<28} F1 {score.f1:.3f}  P {score.precision:.3f}  R {score.recall:.3f}")
    report_speed("fundus-evaluation", pages, ours_seconds, theirs_seconds)


def bench_trafilatura_eval(limit: int | None) -> None:
    pages = load_trafilatura_eval(limit)
    ours, ours_seconds = timed(lambda p: run_newsloom(p, with_url=False), pages)
    theirs, theirs_seconds = timed(run_trafilatura, pages)
    print(f"trafilatura-eval ({len(pages)} pages; with/without snippets, micro counts)")
    for name, outputs in (("newsloom", [body_of(a) for a in ours]), ("trafilatura 2.3.1", theirs)):  # type: ignore[misc]
        counts = SnippetCounts()
        for page, output in zip(pages, outputs, strict=True):
            counts.add(str(output), list(page.truth["with"]), list(page.truth["without"]))  # type: ignore[call-overload]
        print(f"  {name:<28} F1 {counts.f1:.3f}  P {counts.precision:.3f}  R {counts.recall:.3f}")
    report_speed("trafilatura-eval", pages, ours_seconds, theirs_seconds)


def _image_key(url: str) -> str:
    """Host and path: the same picture served at another size differs only in its query string."""
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}"


def bench_fundus_publishers(limit: int | None) -> None:
    pages = load_fundus_publishers(limit)
    ours, ours_seconds = timed(lambda p: run_newsloom(p, with_url=True), pages)
    theirs, theirs_seconds = timed(run_trafilatura, pages)
    checks: dict[str, list[bool]] = {
        "title": [],
        "authors": [],
        "date": [],
        "cover image (exact URL)": [],
        "cover image (same image)": [],
    }
    topic_recall: list[float] = []
    captions_found: list[bool] = []
    for page, article in zip(pages, ours, strict=True):
        truth = page.truth
        found = article if isinstance(article, Article) else None
        checks["title"].append(
            normalise_field(str(truth.get("title"))) == normalise_field(found.title if found else "")
        )
        if truth.get("authors"):
            expected = {normalise_field(name) for name in truth["authors"]}  # type: ignore[union-attr]
            checks["authors"].append(found is not None and {normalise_field(n) for n in found.authors} == expected)
        if truth.get("publishing_date"):
            checks["date"].append(same_minute(str(truth["publishing_date"]), found.published if found else None))
        if truth.get("topics"):
            expected_topics = {normalise_field(t) for t in truth["topics"]}  # type: ignore[union-attr]
            got = {normalise_field(t) for t in found.tags} if found else set()
            topic_recall.append(len(expected_topics & got) / len(expected_topics))
        images = truth.get("images") or []
        our_urls = {image.url for image in found.images} if found else set()
        covers = [image for image in images if image.get("is_cover")]  # type: ignore[union-attr]
        if covers:
            versions = {version["url"] for version in covers[0].get("versions", [])}
            checks["cover image (exact URL)"].append(bool(versions & our_urls))
            checks["cover image (same image)"].append(
                bool({_image_key(v) for v in versions} & {_image_key(u) for u in our_urls})
            )
        our_captions = " ".join(normalise_field(image.caption) for image in found.images) if found else ""
        for image in images:  # type: ignore[union-attr]
            if image.get("caption"):
                captions_found.append(normalise_field(image["caption"]) in our_captions)
    ours_pairs = [page_precision_recall(str(p.truth["body"]), body_of(a)) for p, a in zip(pages, ours, strict=True)]  # type: ignore[arg-type]
    theirs_pairs = [page_precision_recall(str(p.truth["body"]), str(t)) for p, t in zip(pages, theirs, strict=True)]
    print(f"fundus-publishers ({len(pages)} pages, {len({p.truth['publisher'] for p in pages})} publishers)")
    for name, values in checks.items():
        print(f"  {name:<25} {sum(values) / max(1, len(values)):6.1%}  ({sum(values)}/{len(values)})")
    print(
        f"  {'topics recall':<14} {statistics.fmean(topic_recall) if topic_recall else 0:6.1%}  ({len(topic_recall)} pages)"
    )
    print(
        f"  {'captions':<14} {sum(captions_found) / max(1, len(captions_found)):6.1%}  ({sum(captions_found)}/{len(captions_found)})"
    )
    for name, pairs in (("newsloom", ours_pairs), ("trafilatura 2.3.1", theirs_pairs)):
        score = body_score(pairs)
        print(f"  body {name:<23} F1 {score.f1:.3f}  P {score.precision:.3f}  R {score.recall:.3f}")
    report_speed("fundus-publishers", pages, ours_seconds, theirs_seconds)


BENCHES = {
    "aeb": "article-extraction-benchmark",
    "fundus-publishers": "fundus-publishers",
    "fundus-evaluation": "fundus-evaluation",
    "trafilatura-eval": "trafilatura-eval",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=[*BENCHES, "all"], default="all")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each corpus")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst AEB pages")
    args = parser.parse_args()
    for name, folder in BENCHES.items():
        if args.corpus not in ("all", name):
            continue
        if not (CORPORA / folder).exists():
            print(f"{name}: corpus not found at {CORPORA / folder}, skipped")
            continue
        if name == "aeb":
            bench_aeb(args.limit, args.worst)
        elif name == "fundus-publishers":
            bench_fundus_publishers(args.limit)
        elif name == "fundus-evaluation":
            bench_fundus_evaluation(args.limit)
        else:
            bench_trafilatura_eval(args.limit)
        print()


if __name__ == "__main__":
    main()
