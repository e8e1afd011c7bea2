"""Stories: articles from many outlets about one event, grouped as they arrive.

Each new article joins the story whose centroid it is most similar to, if that similarity clears ``threshold``
and the story's reports are within ``window`` of its date; otherwise it starts a story. Articles already in a
story stay there (story pages are linked from everywhere); new ones join or start stories.

What "similar" means (each part measured in BENCHMARKS.md, ``make bench-stories``, ablation table):

- **words**: TF-IDF of the headline (twice) and the body's start (scikit-learn ``TfidfVectorizer``, sublinear tf,
  words in more than half the articles dropped);
- **names, numbers and dates** (``story_signals.names_and_numbers``): a second TF-IDF, weighted ``NAMES_WEIGHT``
  in the concatenated unit vector: look-alike events (two earthquakes) share words, not names and figures;
- **the article's own date**: a story only takes reports within ``window`` of its reports' dates;
- **the outlet**: one outlet's two reports on one day are rarely one story, so their similarity counts
  ``SAME_OUTLET_FACTOR`` times; lines an outlet repeats on many pages (a footer) are dropped first.

Articles are read in time order (a first pass, as a wire desk would), then each new article is offered again to
every story with the others in place (``REFINE_ROUNDS``): a one-pass result depends on the order articles come
in, and the second look removes most of that. The centroid cosine never needs the centroid: with unit vectors,
``cos(v, Σm) = Σ s(v, m) / sqrt(Σ s(a, b))`` over members ``m`` and member pairs ``(a, b)``, so only similarities
between articles are needed, computed in blocks as one sparse product and pruned of near-zero entries.

The input is an interface (``StoryDoc``: text, date, outlet, language), so a translation stage may hand in an
English rendering of a Vietnamese report and stories cross languages.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from scipy import sparse

from newsloom.enrich.story_signals import names_and_numbers, strip_repeated_lines

THRESHOLD = 0.2  # tuned on the dev topics of ECB+ and PAC only (bench/stories_bench.py)
WINDOW = timedelta(days=3)
BODY_CHARS = 3000
NAMES_CHARS = 1500  # names early in a report say which event it is about; later ones are background
NAMES_WEIGHT = 0.3  # share of the names vector in the combined one (dev grid: 0.3-0.85 × threshold 0.15-0.25)
SAME_OUTLET_FACTOR = 0.5
SAME_OUTLET_SPAN = timedelta(days=1)
REFINE_ROUNDS = 3
MIN_SIMILARITY = 0.03  # smaller entries of the similarity matrix are dropped: they never decide a story
MAX_DOCUMENT_SHARE = 0.5  # a word in more than half the articles says nothing about which event one is about
BLOCK_ROWS = 512
_WORD_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
_WORD = re.compile(_WORD_PATTERN)
MIN_WORDS = 8  # a headline and body of fewer words ("Update") say nothing about which event they report


@dataclass(slots=True)
class StoryDoc:
    """What clustering needs of an article: its text, its time, its outlet and language, and its story if it
    already has one. ``text`` may be a translation: grouping reads only these fields."""

    id: int
    title: str
    text: str
    published: datetime | None = None
    story: int | None = None
    checked: bool = False  # considered by an earlier run and left alone: a fixed one-article story now
    outlet: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Signals:
    """Which signals the grouping uses (all by default; the benchmark turns them off one at a time)."""

    names_weight: float = NAMES_WEIGHT
    own_date: bool = True
    outlet: bool = True
    refine_rounds: int = REFINE_ROUNDS
    strip_repeated: bool = True


ALL_SIGNALS = Signals()


def story_vectors(docs: list[StoryDoc], signals: Signals = ALL_SIGNALS) -> sparse.csr_matrix:
    """Rows are unit vectors: words TF-IDF and names TF-IDF side by side, weighted by ``signals.names_weight``."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # here: a second of start-up for every command

    texts = [doc.text for doc in docs]
    if signals.strip_repeated:
        texts = strip_repeated_lines(texts, [doc.outlet for doc in docs])
    max_df = MAX_DOCUMENT_SHARE if len(docs) >= 10 else 1.0
    words = _tfidf(
        [f"{d.title}\n{d.title}\n{t[:BODY_CHARS]}" for d, t in zip(docs, texts, strict=True)],
        TfidfVectorizer(sublinear_tf=True, max_df=max_df, token_pattern=_WORD_PATTERN, dtype=np.float32),
    )
    parts = [words * math.sqrt(1 - signals.names_weight)]
    if signals.names_weight > 0:
        names = _tfidf(
            [f"{d.title}\n{d.title}\n{t[:NAMES_CHARS]}" for d, t in zip(docs, texts, strict=True)],
            TfidfVectorizer(analyzer=names_and_numbers, sublinear_tf=True, max_df=max_df, dtype=np.float32),
        )
        parts.append(names * math.sqrt(signals.names_weight))
    matrix = sparse.csr_matrix(sparse.hstack(parts))
    keep = [
        float(len(_WORD.findall(f"{d.title} {t[:BODY_CHARS]}")) >= MIN_WORDS) for d, t in zip(docs, texts, strict=True)
    ]
    if not all(keep):  # no body, a one-word body: nothing to tell an event by, so it joins nothing
        matrix = sparse.csr_matrix(sparse.diags(keep) @ matrix)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _tfidf(texts: list[str], vectorizer: Any) -> sparse.csr_matrix:
    try:
        return sparse.csr_matrix(vectorizer.fit_transform(texts))
    except ValueError:  # no document has a usable word (empty bodies, every word too common)
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32)


def similarities(rows: sparse.csr_matrix, matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Cosine of each of ``rows`` with every row of ``matrix``, in blocks and pruned, so memory follows the number
    of related pairs."""
    blocks = []
    transposed = matrix.T.tocsc()
    for start in range(0, rows.shape[0], BLOCK_ROWS):
        block = sparse.csr_matrix(rows[start : start + BLOCK_ROWS] @ transposed)
        block.data[block.data < MIN_SIMILARITY] = 0
        block.eliminate_zeros()
        blocks.append(block)
    return sparse.csr_matrix(sparse.vstack(blocks)) if blocks else sparse.csr_matrix((0, matrix.shape[0]))


@dataclass
class _Clusters:
    """Labels of every doc and, per story key, its members, the squared norm of its members' vector sum, and its
    members' dates in order (so the window test reads two ends instead of every member's date)."""

    docs: list[StoryDoc]
    label: list[int]
    members: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    mass: dict[int, float] = field(default_factory=dict)
    dates: defaultdict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    labels: np.ndarray = field(init=False)  # ``label`` as an array, for the vectorised sums of ``_to_stories``
    outlets: np.ndarray = field(init=False)  # outlet of each doc as a code, -1 for none
    times: np.ndarray = field(init=False)  # date of each doc in microseconds, ``_UNDATED`` for none

    def __post_init__(self) -> None:
        self.labels = np.asarray(self.label, dtype=np.int64)
        codes: dict[str, int] = {}
        self.outlets = np.asarray(
            [-1 if d.outlet is None else codes.setdefault(d.outlet, len(codes)) for d in self.docs], dtype=np.int64
        )
        self.times = np.asarray(
            [_UNDATED if d.published is None else round(d.published.timestamp() * 1e6) for d in self.docs],
            dtype=np.int64,
        )

    def add(self, index: int, key: int) -> None:
        self.label[index] = key
        self.labels[index] = key
        self.members[key].add(index)
        if (published := self.docs[index].published) is not None:
            bisect.insort(self.dates[key], published)

    def move(self, index: int, key: int, raw_to: dict[int, float]) -> None:
        old = self.label[index]
        if old != 0:
            self.members[old].discard(index)
            self.mass[old] = max(self.mass[old] - 2 * raw_to.get(old, 0.0) - 1.0, 1e-9)
            if (published := self.docs[index].published) is not None:
                dates = self.dates[old]
                del dates[bisect.bisect_left(dates, published)]
            if not self.members[old]:
                del self.members[old], self.mass[old]
                self.dates.pop(old, None)
        self.add(index, key)
        self.mass[key] = self.mass.get(key, 0.0) + 2 * raw_to.get(key, 0.0) + 1.0

    def in_window(self, index: int, key: int, window: timedelta | None) -> bool:
        """The doc's date is within ``window`` of the story's other reports' dates (or one side has none)."""
        published = self.docs[index].published
        if published is None or window is None:
            return True
        dates = self.dates.get(key)
        if not dates:
            return True
        first, last = dates[0], dates[-1]
        if self.label[index] == key:  # the doc's own date is not the story's other reports'
            if len(dates) == 1:
                return True
            if published == first:
                first = dates[1]
            if published == last:
                last = dates[-2]
        return first - window <= published <= last + window


_UNDATED = np.iinfo(np.int64).min


def group_into_stories(
    docs: Iterable[StoryDoc],
    threshold: float = THRESHOLD,
    window: timedelta = WINDOW,
    signals: Signals = ALL_SIGNALS,
) -> dict[int, int]:
    """Story key for every doc id: existing stories keep their key, anything else gets a negative key, shared by
    the docs of one new story (a lone doc checked by an earlier run keeps a key of its own, which a new doc may
    join).

    Only the docs neither in a story nor checked before are compared with the others, so a run costs (new docs ×
    docs in the window), not (docs in the window)²; a story's centroid norm comes from its members' vectors.
    """
    docs = list(docs)
    fixed = [d for d in docs if d.story is not None or d.checked]
    pending = sorted(
        (d for d in docs if d.story is None and not d.checked),
        key=lambda d: (d.published is None, d.published or datetime.min, d.id),
    )
    ordered = fixed + pending
    if not ordered:
        return {}
    matrix = story_vectors(ordered, signals)
    clusters = _Clusters(ordered, [0] * len(ordered))
    new_keys = 0
    for index, doc in enumerate(fixed):
        if doc.story is None:
            new_keys += 1
        clusters.add(index, doc.story if doc.story is not None else -new_keys)
    _story_masses(clusters, matrix)
    start = len(fixed)
    if not pending:
        return {doc.id: key for doc, key in zip(ordered, clusters.label, strict=True)}
    sims = similarities(matrix[start:], matrix)
    rounds = [False] + [True] * signals.refine_rounds
    for again in rounds:
        moved = 0
        for row_number in range(len(pending)):
            index = start + row_number
            raw_to, weighted_to = _to_stories(sims, row_number, index, clusters, signals, earlier_only=not again)
            key, best = 0, threshold
            for story, total in weighted_to.items():
                cosine = total / math.sqrt(_mass_without(clusters, story, index, raw_to))
                # the window test second: it has no effect, and most stories fall short of the cosine
                if cosine >= best and clusters.in_window(index, story, window if signals.own_date else None):
                    key, best = story, cosine
            current = clusters.label[index]
            if key == 0:
                if current != 0 and len(clusters.members[current]) == 1:
                    continue  # already alone
                new_keys += 1
                key = -new_keys
            if key != current:
                clusters.move(index, key, raw_to)
                moved += 1
        if again and not moved:
            break
    return {doc.id: key for doc, key in zip(ordered, clusters.label, strict=True)}


def _story_masses(clusters: _Clusters, matrix: sparse.csr_matrix) -> None:
    """|sum of member vectors|² of every existing story, from one sparse product (stories × features)."""
    keys = list(clusters.members)
    if not keys:
        return
    rows = [row for row, key in enumerate(keys) for _ in clusters.members[key]]
    columns = [member for key in keys for member in clusters.members[key]]
    membership = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(keys), matrix.shape[0])
    )
    sums = sparse.csr_matrix(membership @ matrix)
    masses = np.asarray(sums.multiply(sums).sum(axis=1)).ravel()
    for key, mass in zip(keys, masses, strict=True):
        clusters.mass[key] = max(float(mass), 1e-9)


def _mass_without(clusters: _Clusters, story: int, index: int, raw_to: dict[int, float]) -> float:
    if clusters.label[index] == story:
        return max(clusters.mass[story] - 2 * raw_to.get(story, 0.0) - 1.0, 1e-9)
    return clusters.mass[story]


def _to_stories(
    sims: sparse.csr_matrix, row_number: int, index: int, clusters: _Clusters, signals: Signals, earlier_only: bool
) -> tuple[dict[int, float], dict[int, float]]:
    """Sum of similarities of one doc to each story's members (itself excluded): raw, and with a same-outlet,
    same-day report counting ``SAME_OUTLET_FACTOR``. Stories come in the order their first member appears in the
    row (ties between stories go to the later one, as the caller reads them)."""
    begin, end = sims.indptr[row_number], sims.indptr[row_number + 1]
    others, values = sims.indices[begin:end], sims.data[begin:end].astype(np.float64)
    keep = (others != index) if not earlier_only else (others < index)
    keys = clusters.labels[others]
    keep &= keys != 0
    others, values, keys = others[keep], values[keep], keys[keep]
    if not len(keys):
        return {}, {}
    weighted = values
    outlet = clusters.outlets[index]
    if signals.outlet and outlet >= 0:
        same = clusters.outlets[others] == outlet
        when = clusters.times[index]
        if when != _UNDATED:
            times = clusters.times[others]
            apart = (times != _UNDATED) & (np.abs(times - when) > SAME_OUTLET_SPAN // timedelta(microseconds=1))
            same &= ~apart
        weighted = np.where(same, values * SAME_OUTLET_FACTOR, values)
    stories, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    raw_sums = np.bincount(inverse, weights=values)
    weighted_sums = np.bincount(inverse, weights=weighted)
    order = np.argsort(first, kind="stable").tolist()
    story_list, raw_list, weighted_list = stories.tolist(), raw_sums.tolist(), weighted_sums.tolist()
    return (
        {story_list[i]: raw_list[i] for i in order},
        {story_list[i]: weighted_list[i] for i in order},
    )
