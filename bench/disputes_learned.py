"""Disputes, learned: a logistic regression over the words around the stance verb and the rules' own cues
(negation, passive, claim-like object, withheld object, purpose "to", non-actor subject), trained on the dev half
of ``bench/disputes_labelled.jsonl`` only and measured on test beside the rules.

    nice .venv/bin/python bench/disputes_learned.py

It would ship only if it measured better on test than the rules (see the Disputes section of BENCHMARKS.md); it
did not. What ships instead for Vietnamese is a filter on the rules' stances, trained on all the Vietnamese dev sets
(``bench/train_stance_filter.py``, ``newsloom/enrich/stance_filter.py``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from bench.disputes_bench import LABELLED, split
from newsloom.enrich import stances
from newsloom.enrich.stances import find_stances

_VERB = re.compile(
    r"\b(den(?:y|ies|ied|ying)|refut\w*|reject\w*|dismiss\w*|rebuff\w*|confirm\w*)\b|"
    r"(phủ nhận|bác bỏ|bác tin|cải chính|xác nhận|khẳng định)",
    re.IGNORECASE,
)


def features(sentence: str, language: str) -> dict[str, float]:
    """Cues around the first stance verb of the sentence."""
    found: dict[str, float] = {f"lang={language}": 1.0}
    match = _VERB.search(sentence)
    if match is None:
        return found
    verb = match.group(0).casefold()
    before, after = sentence[: match.start()], sentence[match.end() :]
    found[f"verb={verb[:5]}"] = 1.0
    for word in re.findall(r"\w+", before.casefold())[-3:]:
        found[f"before={word}"] = 1.0
    for word in re.findall(r"\w+", after.casefold())[:3]:
        found[f"after={word}"] = 1.0
    english = language == "en"
    cues = {
        "negated": (stances._EN_NOT_ASSERTED if english else stances._VI_NOT_ASSERTED).search(before),
        "passive": stances._EN_PASSIVE.search(before) if english else re.search(r"(?:được|bị)\s+$", before),
        "claim": (stances._EN_CLAIM_OBJECT if english else stances._VI_CLAIM).match(after),
        "withheld": (stances._EN_WITHHELD if english else stances._VI_WITHHELD).match(after),
        "purpose": stances._EN_PURPOSE.search(before) if english else None,
        "not_actor": (stances._EN_NOT_ACTOR if english else stances._VI_NOT_ACTOR).search(before),
    }
    found.update({f"cue={name}": 1.0 for name, hit in cues.items() if hit})
    return found


def main() -> None:
    rows = [json.loads(line) for line in LABELLED.read_text().splitlines() if line.strip()]
    dev = split(rows)
    train = [r for r in rows if r["source"] in dev]
    vectorizer = DictVectorizer()
    model = LogisticRegression(max_iter=2000, C=1.0, class_weight="balanced")
    model.fit(
        vectorizer.fit_transform([features(r["sentence"], r["language"]) for r in train]), [r["label"] for r in train]
    )
    for part in ("dev", "test"):
        for language in sorted({r["language"] for r in rows}):
            chosen = [r for r in rows if (r["source"] in dev) == (part == "dev") and r["language"] == language]
            learned = model.predict(vectorizer.transform([features(r["sentence"], language) for r in chosen]))
            for name, predicted in (
                ("rules", [(find_stances(r["sentence"], language) or [None])[0] for r in chosen]),
                ("learned", list(learned)),
            ):
                labels = [
                    (p.kind.value if p is not None else "neither") if name == "rules" else str(p) for p in predicted
                ]
                tp = sum(p != "neither" and r["label"] != "neither" for p, r in zip(labels, chosen, strict=True))
                fp = sum(p != "neither" and r["label"] == "neither" for p, r in zip(labels, chosen, strict=True))
                fn = sum(p == "neither" and r["label"] != "neither" for p, r in zip(labels, chosen, strict=True))
                print(
                    f"{part} {language} {name:7}: precision {tp / max(1, tp + fp):.3f}  recall {tp / max(1, tp + fn):.3f}"
                )


if __name__ == "__main__":
    main()
