"""Retrain the learned title chooser (newsloom/extract/title_model.json) and print its leave-publisher-out figure.

    .venv/bin/python bench/train_title_chooser.py            # cross-validate, then write the model
    .venv/bin/python bench/train_title_chooser.py --dry-run  # cross-validate only

Trained on the **dev** part of fundus-publishers only (bench/extract_split.py; the test part is never read here).
Each page's title candidates (newsloom/extract/title.py) are rows, labelled by whether they equal the page's true
title; a logistic regression (scikit-learn) scores them and the best-scoring candidate of a page is its title.
Leave-publisher-out: each publisher's pages are chosen by a model fitted on the other publishers only; the figure
is printed beside the hand-written rule's on the same pages, and the model is written only when it beats the rule.
scikit-learn is needed here only (``pip install scikit-learn``), not at run time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extract_bench import load_fundus_publishers
from extract_metrics import normalise_field
from extract_split import SEED

from newsloom.extract import title_chooser
from newsloom.extract.article import _parse, _to_text
from newsloom.extract.metadata import read_metadata
from newsloom.extract.title import rule_title, title_candidates

C = 1.0  # inverse regularisation; fixed, not searched (a search would tune on the cross-validation)


def page_rows(html: bytes, url: str | None, truth: str) -> tuple[list[list[float]], list[int], list[str], str | None]:
    text = _to_text(html, None, url)
    tree = _parse(text, url)
    meta = read_metadata(tree, url)
    rule = rule_title(tree, meta)
    pool = title_chooser.candidates(title_candidates(tree, meta))
    rows = [title_chooser.features(c, pool, rule, meta.site_name) for c in pool]
    labels = [int(normalise_field(c.text) == normalise_field(truth)) for c in pool]
    return rows, labels, [c.text for c in pool], rule


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="cross-validate without writing the model")
    args = parser.parse_args()
    pages = []
    for page in load_fundus_publishers():
        if page.part != "dev":
            continue
        rows, labels, texts, rule = page_rows(page.html, page.url, str(page.truth.get("title")))
        pages.append((page.group, rows, labels, texts, rule, str(page.truth.get("title"))))
    publishers = sorted({group for group, *_ in pages})

    def fit(train: list[tuple[object, ...]]) -> LogisticRegression:
        x = [row for _, rows, *_ in train for row in rows]  # type: ignore[attr-defined]
        y = [label for _, _, labels, *_ in train for label in labels]  # type: ignore[attr-defined]
        return LogisticRegression(C=C, max_iter=2000, fit_intercept=False).fit(x, y)

    chosen_right = rule_right = reachable = 0
    for publisher in publishers:
        model = fit([p for p in pages if p[0] != publisher])
        for _, rows, labels, _texts, rule, truth in (p for p in pages if p[0] == publisher):
            reachable += any(labels)
            rule_right += normalise_field(rule or "") == normalise_field(truth)
            if len(rows) < 2:
                chosen_right += normalise_field(rule or "") == normalise_field(truth)
                continue
            scores = model.decision_function(rows)
            best = max(range(len(rows)), key=lambda i: scores[i])
            chosen_right += labels[best]
    total = len(pages)
    print(f"fundus-publishers dev, split seed {SEED}: {total} pages, {len(publishers)} publishers")
    print(f"  a candidate equals the true title on {reachable / total:.1%} ({reachable}/{total})")
    print(f"  hand-written rule                {rule_right / total:.1%} ({rule_right}/{total})")
    print(f"  learned, leave-publisher-out     {chosen_right / total:.1%} ({chosen_right}/{total})")
    if args.dry_run:
        return
    if chosen_right <= rule_right:
        title_chooser.MODEL_PATH.unlink(missing_ok=True)
        print(f"  not better than the rule: no model shipped ({title_chooser.MODEL_PATH.name} removed if present)")
        return
    model = fit(pages)
    title_chooser.MODEL_PATH.write_text(
        json.dumps(
            {
                "about": "Title chooser weights; retrain with bench/train_title_chooser.py (fundus-publishers dev).",
                "features": list(title_chooser.FEATURE_NAMES),
                "weights": [round(float(w), 6) for w in model.coef_[0]],
                "leave_publisher_out": round(chosen_right / total, 4),
                "rule": round(rule_right / total, 4),
                "pages": total,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"  wrote {title_chooser.MODEL_PATH}")


if __name__ == "__main__":
    main()
