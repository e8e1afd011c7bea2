"""A learned second opinion on Vietnamese stance sentences: the rules of ``newsloom.enrich.stances`` find a
candidate, and a logistic regression over the words around the verb and the rules' own cues keeps it or not.

Why: each new blind set of Vietnamese sentences brought new kinds of look-alike ("phủ nhận tất cả bằng bản hợp
đồng", a loudspeaker used "để bác bỏ tin đồn", a paper that "xác nhận"), which keyword-and-context rules written on
the earlier sets did not foresee; the words around the verb, weighed on every labelled sentence at once, catch more
of them. Kept only because it measured better on sentences neither the rules nor the model had seen (BENCHMARKS.md,
Disputes). The weights ship as ``stance_filter_vi.json``; ``bench/train_stance_filter.py`` retrains them
(scikit-learn) from the labelled sets the rules were written on. Scoring needs no scikit-learn: a dot product.
Without the file the rules decide alone.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("stance_filter_vi.json")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Cues:
    """What the rules saw around the sentence's first stance verb, and the actor of the stance they found."""

    claim: bool
    bare: bool
    actor: str | None = None
    actor_is_agent: bool = False


def features(verb: str, before: str, after: str, cues: Cues) -> dict[str, float]:
    """Features of the sentence's first stance verb: the verb, up to four words on each side, and the cues."""
    found = {f"verb={verb.casefold()}": 1.0}
    words_before = _WORD.findall(before.casefold())
    words_after = _WORD.findall(after.casefold())
    for word in words_before[-4:]:
        found[f"b={word}"] = 1.0
    for word in words_before[-2:]:
        found[f"b2={word}"] = 1.0
    for word in words_after[:4]:
        found[f"a={word}"] = 1.0
    for word in words_after[:2]:
        found[f"a2={word}"] = 1.0
    if words_after:
        found[f"a1={words_after[0]}"] = 1.0
    if len(words_after) > 1:
        found[f"a12={words_after[0]}_{words_after[1]}"] = 1.0
    if words_before:
        found[f"b1={words_before[-1]}"] = 1.0
    cue_values = {
        "claim": cues.claim,
        "bare": cues.bare,
        "quote_before": bool(re.search(r"[\"“]", before)),
        "start": len(words_before) < 3,
    }
    found.update({name: 1.0 for name, hit in cue_values.items() if hit})
    if cues.actor:
        if cues.actor_is_agent:
            found["actor_agent"] = 1.0
        found["actor_len"] = min(len(cues.actor.split()), 8) / 8
    return found


@dataclass(frozen=True, slots=True)
class StanceFilter:
    weights: dict[str, float]
    intercept: float
    threshold: float

    def probability(self, found: dict[str, float]) -> float:
        score = self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in found.items())
        return 1.0 / (1.0 + math.exp(-score))

    def keeps(self, found: dict[str, float]) -> bool:
        return self.probability(found) >= self.threshold


@cache
def loaded(path: Path = MODEL_PATH) -> StanceFilter | None:
    """The shipped filter, or None when its file is absent (the rules then decide alone)."""
    if not path.exists():
        return None
    model = json.loads(path.read_text(encoding="utf-8"))
    return StanceFilter(model["weights"], model["intercept"], model["threshold"])
