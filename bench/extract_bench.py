"""Extraction benchmark: newsloom's extractor beside trafilatura, same process, same pages, dev and test parts.

    make bench-extract                      # every corpus present, dev and test figures
    .venv/bin/python bench/extract_bench.py --corpus aeb --part dev --worst 10

Each corpus is split once into a dev part (look at it, tune on it) and a test part (score it at the end of a piece
of work, never debug on it) by ``bench/extract_split.py`` (seed and share there; AEB by page, the others by
publisher or host). Both parts are printed, each beside trafilatura 2.3.1 on the same pages, with each corpus' own
metric (see bench/extract_metrics.py), fundus-publishers field accuracy, and pages/s of both systems (one core, CPU
time of one pass each over the same decoded inputs). trafilatura runs as the AEB runs it:
``extract(html, include_comments=False)``. newsloom's figures include what the pipeline learns from the outlet's
other stored pages (template blocks, extract/template.py), simulated with the other pages of the same publisher or
host in the same part. ``--worst N`` lists the weakest dev pages only.
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
    BodyScore,
    SnippetCounts,
    best_variant_precision_recall,
    body_score,
    normalise_field,
    page_precision_recall,
    same_minute,
)
from extract_split import SEED, TEST_SHARE, fundus_evaluation_group, host_group, split_groups
from floors import stage_floors

from newsloom.errors import NewsloomError
from newsloom.extract import extract_article
from newsloom.extract.template import drop_template_blocks, repeated_keys
from newsloom.model import Article

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
PARTS = ("dev", "test")


@dataclass(slots=True)
class Page:
    key: str
    html: bytes
    url: str | None
    group: str
    truth: dict[str, object] = field(default_factory=dict)
    part: str = "dev"


def _read(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def _assign(pages: list[Page]) -> list[Page]:
    parts = split_groups(page.group for page in pages)
    for page in pages:
        page.part = parts[page.group]
    return pages


def load_aeb() -> list[Page]:
    root = CORPORA / "article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text())
    return _assign(
        [
            Page(key, _read(root / "html" / f"{key}.html.gz"), value.get("url"), key, value)
            for key, value in truth.items()
        ]
    )


def load_fundus_evaluation() -> list[Page]:
    root = CORPORA / "fundus-evaluation"
    truth = json.loads((root / "ground_truth.json").read_text())
    return _assign(
        [
            Page(name, _read(root / "html" / name), value.get("url"), fundus_evaluation_group(name), value)
            for name, value in truth.items()
        ]
    )


def load_trafilatura_eval() -> list[Page]:
    root = CORPORA / "trafilatura-eval"
    truth = json.loads((root / "evaldata.json").read_text())
    pages = []
    for url, value in truth.items():
        for folder in ("cache", "eval"):
            path = root / folder / f"{value['file']}.gz"
            if path.exists():
                pages.append(Page(url, _read(path), None, host_group(url), value))
                break
    return _assign(pages)


def load_fundus_publishers() -> list[Page]:
    root = CORPORA / "fundus-publishers"
    pages = []
    for line in (root / "ground-truth.jsonl").read_text().splitlines():
        record = json.loads(line)
        pages.append(Page(record["id"], _read(root / record["html"]), record.get("url"), record["publisher"], record))
    return _assign(pages)


def run_newsloom(page: Page, with_url: bool) -> Article | None:
    try:
        return extract_article(page.html, url=page.url if with_url else None)
    except NewsloomError:
        return None


def run_trafilatura(page: Page) -> str:
    text = page.html.decode("utf-8", errors="replace")
    return trafilatura.extract(text, include_comments=False) or ""


def with_outlet_memory(pages: list[Page], ours: list[object]) -> list[object]:
    """What the pipeline does with the outlet's stored articles (extract/template.py), here with the other pages
    of the same publisher or host in the same part: an aggregator has them, a one-page extractor does not."""
    texts = [[b.plain_text() for b in a.blocks] if isinstance(a, Article) else [] for a in ours]
    result: list[object] = []
    for index, (page, article) in enumerate(zip(pages, ours, strict=True)):
        if isinstance(article, Article):
            others = [texts[j] for j, other in enumerate(pages) if j != index and other.group == page.group]
            article = drop_template_blocks(article, repeated_keys(others))
        result.append(article)
    return result


def timed_pair(
    ours: Callable[[Page], object], theirs: Callable[[Page], object], pages: list[Page]
) -> tuple[list[object], float, list[object], float]:
    """Both extractors in one interleaved pass, taking turns at going first: a shared machine's load drifts over
    a corpus, and two passes one after the other each meet a different part of that drift. The peer works half
    a corpus away from ours (page i beside page i + n/2): on the same page, whichever went second would find the
    first's string caches warm (trafilatura memoises per string, and newsloom runs trafilatura)."""
    count = len(pages)
    ours_results: list[object] = [None] * count
    theirs_results: list[object] = [None] * count
    ours_seconds = theirs_seconds = 0.0
    for index in range(count):
        other = (index + count // 2) % count
        for which in (0, 1) if index % 2 == 0 else (1, 0):
            start = time.process_time()
            if which == 0:
                ours_results[index] = ours(pages[index])
                ours_seconds += time.process_time() - start
            else:
                theirs_results[other] = theirs(pages[other])
                theirs_seconds += time.process_time() - start
    return ours_results, ours_seconds, theirs_results, theirs_seconds


def body_of(article: object) -> str:
    return article.body if isinstance(article, Article) else ""


def _f1_line(score: BodyScore) -> str:
    return f"{score.f1:.3f} / {score.precision:.3f} / {score.recall:.3f}"


@dataclass(slots=True)
class Rows:
    """Figures of one part: (label, newsloom, trafilatura or "")."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, label: str, ours: str, theirs: str = "") -> None:
        self.rows.append((label, ours, theirs))


def score_aeb(pages: list[Page], ours: list[object], theirs: list[str]) -> Rows:
    rows = Rows()
    ours_score = body_score(
        [page_precision_recall(str(p.truth["articleBody"]), body_of(a)) for p, a in zip(pages, ours, strict=True)]
    )
    theirs_score = body_score(
        [page_precision_recall(str(p.truth["articleBody"]), t) for p, t in zip(pages, theirs, strict=True)]
    )
    rows.add("body F1 / P / R (4-shingle, mean over pages)", _f1_line(ours_score), _f1_line(theirs_score))
    output_dir = CORPORA / "article-extraction-benchmark" / "output"
    for path in sorted(output_dir.glob("*.json")):
        published = json.loads(path.read_text())["output"]
        score = body_score(
            [
                page_precision_recall(str(p.truth["articleBody"]), published.get(p.key, {}).get("articleBody", ""))
                for p in pages
            ]
        )
        rows.add(f"  (published) {path.stem}", _f1_line(score))
    return rows


def score_fundus_evaluation(pages: list[Page], ours: list[object], theirs: list[str]) -> Rows:
    rows = Rows()
    scores = [
        body_score(
            [best_variant_precision_recall(list(p.truth["body"]), o) for p, o in zip(pages, outputs, strict=True)]
        )  # type: ignore[call-overload]
        for outputs in ([body_of(a) for a in ours], theirs)
    ]
    rows.add("body F1 / P / R (AEB metric, best variant)", _f1_line(scores[0]), _f1_line(scores[1]))
    return rows


def score_trafilatura_eval(pages: list[Page], ours: list[object], theirs: list[str]) -> Rows:
    rows = Rows()
    lines = []
    for outputs in ([body_of(a) for a in ours], theirs):
        counts = SnippetCounts()
        for page, output in zip(pages, outputs, strict=True):
            counts.add(output, list(page.truth["with"]), list(page.truth["without"]))  # type: ignore[call-overload]
        lines.append(f"{counts.f1:.3f} / {counts.precision:.3f} / {counts.recall:.3f}")
    rows.add("body F1 / P / R (snippets, micro)", lines[0], lines[1])
    return rows


def _image_key(url: str) -> str:
    """Host and path: the same picture served at another size differs only in its query string."""
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}"


def _share(values: list[bool]) -> str:
    return f"{sum(values) / max(1, len(values)):6.1%} ({sum(values)}/{len(values)})"


def score_fundus_publishers(pages: list[Page], ours: list[object], theirs: list[str]) -> Rows:
    checks: dict[str, list[bool]] = {
        "title": [],
        "authors": [],
        "date (minute)": [],
        "cover (exact URL)": [],
        "cover (same image)": [],
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
            checks["date (minute)"].append(
                same_minute(str(truth["publishing_date"]), found.published if found else None)
            )
        if truth.get("topics"):
            expected_topics = {normalise_field(t) for t in truth["topics"]}  # type: ignore[union-attr]
            got = {normalise_field(t) for t in found.tags} if found else set()
            topic_recall.append(len(expected_topics & got) / len(expected_topics))
        images = truth.get("images") or []
        our_urls = {image.url for image in found.images} if found else set()
        covers = [image for image in images if image.get("is_cover")]  # type: ignore[union-attr]
        if covers:
            versions = {version["url"] for version in covers[0].get("versions", [])}
            checks["cover (exact URL)"].append(bool(versions & our_urls))
            checks["cover (same image)"].append(
                bool({_image_key(v) for v in versions} & {_image_key(u) for u in our_urls})
            )
        our_captions = " ".join(normalise_field(image.caption) for image in found.images) if found else ""
        for image in images:  # type: ignore[union-attr]
            if image.get("caption"):
                captions_found.append(normalise_field(image["caption"]) in our_captions)
    rows = Rows()
    ours_score = body_score(
        [page_precision_recall(str(p.truth["body"]), body_of(a)) for p, a in zip(pages, ours, strict=True)]
    )
    theirs_score = body_score(
        [page_precision_recall(str(p.truth["body"]), t) for p, t in zip(pages, theirs, strict=True)]
    )
    rows.add("body F1 / P / R (4-shingle)", _f1_line(ours_score), _f1_line(theirs_score))
    for name, values in checks.items():
        rows.add(name, _share(values))
    rows.add(
        "topics recall", f"{statistics.fmean(topic_recall) if topic_recall else 0:6.1%} ({len(topic_recall)} pages)"
    )
    rows.add("captions", _share(captions_found))
    return rows


@dataclass(frozen=True, slots=True)
class Corpus:
    folder: str
    unit: str
    load: Callable[[], list[Page]]
    score: Callable[[list[Page], list[object], list[str]], Rows]
    with_url: bool


BENCHES = {
    "aeb": Corpus("article-extraction-benchmark", "page", load_aeb, score_aeb, False),
    "fundus-publishers": Corpus(
        "fundus-publishers", "publisher", load_fundus_publishers, score_fundus_publishers, True
    ),
    "fundus-evaluation": Corpus(
        "fundus-evaluation", "publisher", load_fundus_evaluation, score_fundus_evaluation, True
    ),
    "trafilatura-eval": Corpus("trafilatura-eval", "host", load_trafilatura_eval, score_trafilatura_eval, False),
}


@dataclass(slots=True)
class Speed:
    pages: int = 0
    ours: float = 0.0
    theirs: float = 0.0

    def line(self) -> str:
        ours, theirs = self.pages / max(self.ours, 1e-9), self.pages / max(self.theirs, 1e-9)
        return f"newsloom {ours:6.1f} pages/s   trafilatura {theirs:6.1f} pages/s   ratio {ours / theirs:.2f}x"


def bench(name: str, corpus: Corpus, parts: tuple[str, ...], worst: int, total: Speed) -> None:
    pages = [page for page in corpus.load() if page.part in parts]
    ours, ours_seconds, theirs_raw, theirs_seconds = timed_pair(
        lambda p: run_newsloom(p, corpus.with_url), run_trafilatura, pages
    )
    start = time.process_time()
    ours = with_outlet_memory(pages, ours)
    ours_seconds += time.process_time() - start
    theirs = [str(t) for t in theirs_raw]
    total.pages += len(pages)
    total.ours += ours_seconds
    total.theirs += theirs_seconds
    by_part = {}
    for part in parts:
        chosen = [index for index, page in enumerate(pages) if page.part == part]
        selected = [pages[i] for i in chosen]
        by_part[part] = (selected, corpus.score(selected, [ours[i] for i in chosen], [theirs[i] for i in chosen]))
    header = ", ".join(
        f"{part} {len(selected)} pages / {len({p.group for p in selected})} {corpus.unit}s"
        for part, (selected, _) in by_part.items()
    )
    print(f"{name} ({header})")
    labels = [label for label, _, _ in next(iter(by_part.values()))[1].rows]
    heading = "".join(f" | {part + ' newsloom':<24} | {part + ' trafilatura':<24}" for part in parts)
    print(f"  {'figure':<46}{heading}")
    for row_index, label in enumerate(labels):
        cells = "".join(
            f" | {rows.rows[row_index][1]:<24} | {rows.rows[row_index][2]:<24}" for _, rows in by_part.values()
        )
        print(f"  {label:<46}{cells}")
    print(f"  speed  {Speed(len(pages), ours_seconds, theirs_seconds).line()}")
    if worst and "dev" in by_part and name != "fundus-publishers":
        dev = [(i, page) for i, page in enumerate(pages) if page.part == "dev"]
        truth_key = {"aeb": "articleBody"}.get(name)
        if truth_key:
            ranked = sorted(
                dev, key=lambda item: sum(page_precision_recall(str(item[1].truth[truth_key]), body_of(ours[item[0]])))
            )
            for index, page in ranked[:worst]:
                precision, recall = page_precision_recall(str(page.truth[truth_key]), body_of(ours[index]))
                print(f"    worst (dev) P {precision:.2f} R {recall:.2f} {page.key[:12]} {page.url}")


def warm_up() -> None:
    """One page through each extractor before any clock runs: the first call loads models and tables (language
    identification, public suffixes, trafilatura's own lists) once a process; that is start-up, timed with the CLI,
    and it would otherwise be charged to whichever corpus comes first."""
    for corpus in BENCHES.values():
        if (CORPORA / corpus.folder).exists():
            page = corpus.load()[0]
            run_newsloom(page, corpus.with_url)
            run_trafilatura(page)
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=[*BENCHES, "all"], default="all")
    parser.add_argument("--part", choices=[*PARTS, "both"], default="both", help="dev while tuning; both at the end")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst AEB dev pages")
    args = parser.parse_args()
    parts = PARTS if args.part == "both" else (args.part,)
    print(f"split: seed {SEED}, test share {TEST_SHARE} of the groups (bench/extract_split.py)\n")
    total = Speed()
    warm_up()
    for name, corpus in BENCHES.items():
        if args.corpus not in ("all", name):
            continue
        if not (CORPORA / corpus.folder).exists():
            print(f"{name}: corpus not found at {CORPORA / corpus.folder}, skipped")
            continue
        bench(name, corpus, parts, args.worst, total)
        print()
    if total.pages:
        print(f"throughput over all pages run ({total.pages}): {total.line()}")
    gate = ", ".join(f"{name} >= {value}" for name, value in stage_floors("extract").items())
    print(f"floors the tests enforce (bench/floors.json): {gate}")


if __name__ == "__main__":
    main()
