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
import hashlib
import itertools
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

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
T = TypeVar("T")
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
    texts = [doc.text for doc in docs]
    if signals.strip_repeated:
        texts = strip_repeated_lines(texts, [doc.outlet for doc in docs])
    max_df = MAX_DOCUMENT_SHARE if len(docs) >= 10 else 1.0
    words = _tfidf(
        [_WORD_COUNTS(f"{d.title}\n{d.title}\n{t[:BODY_CHARS]}") for d, t in zip(docs, texts, strict=True)], max_df
    )
    _WORD_COUNTS.end_run()
    parts = [words * math.sqrt(1 - signals.names_weight)]
    if signals.names_weight > 0:
        names = _tfidf(
            [_NAME_COUNTS(f"{d.title}\n{d.title}\n{t[:NAMES_CHARS]}") for d, t in zip(docs, texts, strict=True)],
            max_df,
        )
        _NAME_COUNTS.end_run()
        parts.append(names * math.sqrt(signals.names_weight))
    matrix = sparse.csr_matrix(sparse.hstack(parts))
    keep = [float(_WORD_COUNT(f"{d.title} {t[:BODY_CHARS]}") >= MIN_WORDS) for d, t in zip(docs, texts, strict=True)]
    _WORD_COUNT.end_run()
    if not all(keep):  # no body, a one-word body: nothing to tell an event by, so it joins nothing
        matrix = sparse.csr_matrix(sparse.diags(keep) @ matrix)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


class _MemoOfLastRun(Generic[T]):
    """A text's analysis (its tokens, its word count), remembered for the texts of the stage's last run.

    A crawler runs the stage after every round, over the same few days of articles plus a few new ones: without
    this, each run tokenised the whole window again, most of its cost. Keyed by a digest of the exact text
    analysed (a changed text, or a line dropped as repeated chrome, is analysed again); only the texts of the last
    run are kept, so memory follows the window."""

    def __init__(self, analyse: Callable[[str], T]) -> None:
        self.analyse = analyse
        self.kept: dict[bytes, T] = {}
        self.used: dict[bytes, T] = {}

    def __call__(self, text: str) -> T:
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        found = self.used.get(key)
        if found is None:
            found = self.kept.get(key)
            if found is None:
                found = self.analyse(text)
            self.used[key] = found
        return found

    def end_run(self) -> None:
        self.kept, self.used = self.used, {}


def _counted(analyse: Callable[[str], list[str]]) -> Callable[[str], _Counts]:
    """A text's distinct tokens in the order they first occur (interned: the window repeats its vocabulary, so
    each word is kept once) and how often each occurs."""

    def count(text: str) -> _Counts:
        counts = Counter(analyse(text))
        return tuple(map(sys.intern, counts)), np.fromiter(counts.values(), dtype=np.intc, count=len(counts))

    return count


def _words(text: str) -> list[str]:
    """``TfidfVectorizer``'s own word analyzer with ``_WORD_PATTERN`` (lowercase, then the pattern's matches)."""
    return _WORD.findall(text.lower())


_Counts = tuple[tuple[str, ...], np.ndarray]
_WORD_COUNTS = _MemoOfLastRun(_counted(_words))
_NAME_COUNTS = _MemoOfLastRun(_counted(names_and_numbers))
_WORD_COUNT = _MemoOfLastRun(lambda text: len(_WORD.findall(text)))


def _tfidf(counted: list[_Counts], max_df: float) -> sparse.csr_matrix:
    """What ``TfidfVectorizer(sublinear_tf=True, max_df=max_df, dtype=np.float32).fit_transform`` gives for texts
    with these token counts, to the bit: the same vocabulary order (first seen, then alphabetical after pruning
    words in more than ``max_df`` of the texts), the same entry order in each row, and scikit-learn's own
    ``TfidfTransformer`` for the weights. Built from counts kept between runs, it skips the Python loop over every
    token of the window that the vectorizer runs (most of a run's cost once the texts are tokenised)."""
    from sklearn.feature_extraction.text import TfidfTransformer  # here: a second of start-up for every command

    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    indptr = np.zeros(len(counted) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(tokens) for tokens, _ in counted])
    if not indptr[-1]:  # no text has a usable word (empty bodies): nothing to compare by
        return sparse.csr_matrix((len(counted), 1), dtype=np.float32)
    every_token = itertools.chain.from_iterable(tokens for tokens, _ in counted)
    indices = np.fromiter(map(vocabulary.__getitem__, every_token), dtype=np.int32, count=int(indptr[-1]))
    values = np.concatenate([counts for _, counts in counted])
    matrix = sparse.csr_matrix(
        (values.astype(np.float32), indices, indptr.astype(np.int32)), shape=(len(counted), len(vocabulary))
    )
    matrix.sort_indices()
    frequent = np.bincount(matrix.indices, minlength=matrix.shape[1]) <= max_df * len(counted)
    kept = np.nonzero(frequent)[0]
    if not len(kept):  # every word too common
        return sparse.csr_matrix((len(counted), 1), dtype=np.float32)
    matrix = matrix[:, kept]
    terms = list(vocabulary)
    kept_terms = [terms[i] for i in kept.tolist()]
    alphabetical = np.empty(len(kept_terms), dtype=matrix.indices.dtype)
    alphabetical[sorted(range(len(kept_terms)), key=kept_terms.__getitem__)] = np.arange(len(kept_terms))
    matrix.indices = alphabetical.take(matrix.indices, mode="clip")
    weights = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True)
    return sparse.csr_matrix(weights.fit(matrix).transform(matrix, copy=False))


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
    members' dates in order (so the window test reads two ends instead of every member's date).

    Each story key also has a slot, a dense number: the norms live in an array by slot and every doc's slot in
    another, so that a new doc's sums and cosines over thousands of stories are array operations."""

    docs: list[StoryDoc]
    label: list[int]
    members: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    dates: defaultdict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    slot_of: dict[int, int] = field(default_factory=dict)
    key_of_slot: list[int] = field(default_factory=list)
    mass_of_slot: np.ndarray = field(init=False)
    slots: np.ndarray = field(init=False)  # slot of each doc's story, -1 for none
    outlets: np.ndarray = field(init=False)  # outlet of each doc as a code, -1 for none
    times: np.ndarray = field(init=False)  # date of each doc in microseconds, ``_UNDATED`` for none

    def __post_init__(self) -> None:
        self.mass_of_slot = np.zeros(max(16, len(self.docs)), dtype=np.float64)
        self.slots = np.full(len(self.docs), -1, dtype=np.int64)
        codes: dict[str, int] = {}
        self.outlets = np.asarray(
            [-1 if d.outlet is None else codes.setdefault(d.outlet, len(codes)) for d in self.docs], dtype=np.int64
        )
        self.times = np.asarray(
            [_UNDATED if d.published is None else round(d.published.timestamp() * 1e6) for d in self.docs],
            dtype=np.int64,
        )

    def slot(self, key: int) -> int:
        slot = self.slot_of.get(key)
        if slot is None:
            slot = self.slot_of[key] = len(self.key_of_slot)
            self.key_of_slot.append(key)
            if slot >= len(self.mass_of_slot):
                self.mass_of_slot = np.concatenate([self.mass_of_slot, np.zeros(len(self.mass_of_slot))])
        return slot

    def set_mass(self, key: int, mass: float) -> None:
        self.mass_of_slot[self.slot(key)] = mass

    def mass(self, key: int) -> float:
        return float(self.mass_of_slot[self.slot(key)])

    def add(self, index: int, key: int) -> None:
        self.label[index] = key
        self.slots[index] = self.slot(key)
        self.members[key].add(index)
        if (published := self.docs[index].published) is not None:
            bisect.insort(self.dates[key], published)

    def move(self, index: int, key: int, raw_to: dict[int, float]) -> None:
        old = self.label[index]
        if old != 0:
            self.members[old].discard(index)
            self.set_mass(old, max(self.mass(old) - 2 * raw_to.get(old, 0.0) - 1.0, 1e-9))
            if (published := self.docs[index].published) is not None:
                dates = self.dates[old]
                del dates[bisect.bisect_left(dates, published)]
            if not self.members[old]:
                del self.members[old]
                self.set_mass(old, 0.0)
                self.dates.pop(old, None)
        self.add(index, key)
        self.set_mass(key, self.mass(key) + 2 * raw_to.get(key, 0.0) + 1.0)

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
            slots, raw, weighted = _to_stories(sims, row_number, index, clusters, signals, earlier_only=not again)
            current = clusters.label[index]
            key = _best_story(clusters, index, slots, raw, weighted, threshold, window if signals.own_date else None)
            if key == 0:
                if current != 0 and len(clusters.members[current]) == 1:
                    continue  # already alone
                new_keys += 1
                key = -new_keys
            if key != current:
                raw_to = {k: _raw_to(clusters, k, slots, raw) for k in (current, key) if k != 0}
                clusters.move(index, key, raw_to)
                moved += 1
        if again and not moved:
            break
    return {doc.id: key for doc, key in zip(ordered, clusters.label, strict=True)}


def _best_story(
    clusters: _Clusters,
    index: int,
    slots: np.ndarray,
    raw: np.ndarray,
    weighted: np.ndarray,
    threshold: float,
    window: timedelta | None,
) -> int:
    """The story (key) of highest centroid cosine at or above ``threshold`` whose dates take the doc, or 0; of equal
    cosines, the story met last in the doc's row. The cosine leaves the doc out of its own story's centroid."""
    if not len(slots):
        return 0
    masses = clusters.mass_of_slot[slots]
    own = np.nonzero(slots == clusters.slots[index])[0] if clusters.label[index] != 0 else ()
    if len(own):
        masses[own] = np.maximum(masses[own] - 2 * raw[own] - 1.0, 1e-9)
    cosines = weighted / np.sqrt(masses)
    eligible = np.nonzero(cosines >= threshold)[0]
    if not len(eligible):
        return 0
    for position in eligible[np.lexsort((-eligible, -cosines[eligible]))].tolist():
        story = clusters.key_of_slot[int(slots[position])]
        if clusters.in_window(index, story, window):  # second: most stories fall short of the cosine
            return story
    return 0


def _raw_to(clusters: _Clusters, key: int, slots: np.ndarray, raw: np.ndarray) -> float:
    slot = clusters.slot_of.get(key)
    found = np.nonzero(slots == slot)[0] if slot is not None else ()
    return float(raw[found[0]]) if len(found) else 0.0


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
        clusters.set_mass(key, max(float(mass), 1e-9))


def _to_stories(
    sims: sparse.csr_matrix, row_number: int, index: int, clusters: _Clusters, signals: Signals, earlier_only: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum of similarities of one doc to each story's members (itself excluded), as the stories' slots and two
    sums: raw, and with a same-outlet, same-day report counting ``SAME_OUTLET_FACTOR``. Stories come in the order
    their first member appears in the row."""
    begin, end = sims.indptr[row_number], sims.indptr[row_number + 1]
    others, values = sims.indices[begin:end], sims.data[begin:end].astype(np.float64)
    keep = (others != index) if not earlier_only else (others < index)
    slots = clusters.slots[others]
    keep &= slots >= 0
    others, values, slots = others[keep], values[keep], slots[keep]
    if not len(slots):
        return slots, values, values
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
    stories, first, inverse = np.unique(slots, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    raw_sums = np.bincount(inverse, weights=values, minlength=len(stories))
    weighted_sums = np.bincount(inverse, weights=weighted, minlength=len(stories))
    return stories[order], raw_sums[order], weighted_sums[order]
