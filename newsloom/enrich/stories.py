"""Stories: articles from many outlets about one event, grouped as they arrive.

Each new article joins the story whose centroid it is most similar to, if that similarity clears ``threshold``
and the story's reports are within ``window`` of its date; otherwise it starts a story. Articles already in a
story stay there (story pages are linked from everywhere); new ones join or start stories.

What "similar" means (each part measured in BENCHMARKS.md, ``make bench-stories``, ablation table):

- **words**: TF-IDF of the headline (twice) and the body's start (as scikit-learn's ``TfidfVectorizer`` weighs
  them, sublinear tf, words in more than half the articles dropped: its ``TfidfTransformer`` over token counts
  kept from one run to the next);
- **names, numbers and dates** (``story_signals.names_and_numbers``): a second TF-IDF, weighted ``NAMES_WEIGHT``
  in the concatenated unit vector: look-alike events (two earthquakes) share words, not names and figures;
- **the article's own date**: a story only takes reports within ``window`` of its reports' dates;
- **the outlet**: one outlet's two reports on one day are rarely one story, so their similarity counts
  ``SAME_OUTLET_FACTOR`` times (not for Vietnamese reports: their outlets file one event in several pieces);
  lines an outlet repeats on many pages (a footer) are dropped first;
- **Vietnamese syllables**: Vietnamese writes a word as one to four syllables separated by spaces, and a single
  syllable ("người", "động", "thị") occurs in most reports whatever their event; so for a Vietnamese report
  (``language`` "vi") the words are its syllables and each pair of adjacent syllables (what ``lãi suất``,
  ``thị trường`` are), over the first ``SYLLABIC_BODY_CHARS`` of the body, and its story must clear
  ``SYLLABIC_THRESHOLD``. Syllables alone make unrelated Vietnamese reports about as alike as the threshold asks
  of a story: a centroid cosine of ``n`` loosely related members tends to ``sqrt(mean pairwise similarity)``
  as ``n`` grows, so a story that had taken a few unrelated reports took every other one. For the same reason a
  Vietnamese report joins a story only if one of the story's reports is itself that alike to it (``_best_story``):
  one outlet's week of a war, each report 0.2-0.26 from the next, no longer gathers into one story.

Articles are read in time order (a first pass, as a wire desk would), then each new article is offered again to
every story with the others in place (``REFINE_ROUNDS``): a one-pass result depends on the order articles come
in, and the second look removes most of that. Last, a story that is two look-alike events (two earthquakes, two
arrests of one team's players: one vocabulary, other names and dates) is cut in two (``_split_mixed``).

The centroid cosine never needs the centroid: with unit vectors, ``cos(v, Σm) = Σ s(v, m) / sqrt(Σ s(a, b))``
over members ``m`` and member pairs ``(a, b)``, so only similarities between articles are needed, computed in
blocks as one sparse product and pruned of near-zero entries.

The input is an interface (``StoryDoc``: text, date, outlet, language), so a translation stage may hand in an
English rendering of a Vietnamese report and stories cross languages.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeAlias

from newsloom.enrich.story_signals import MIN_LINE_CHARS, REPEATED_LINE_PAGES, names_and_numbers
from newsloom.lazy import LazyModule
from newsloom.story_doc import BODY_CHARS, StoryDoc

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
else:  # imported on first use: most processes that import the pipeline never group a story (newsloom/lazy.py)
    np = LazyModule("numpy")
    sparse = LazyModule("scipy.sparse")

THRESHOLD = 0.2  # tuned on the dev topics of ECB+ and PAC only (bench/stories_bench.py)
SYLLABIC_THRESHOLD = 0.3  # tuned on the dev events of the Vietnamese stream only
SYLLABIC_BODY_CHARS = 1500
WINDOW = timedelta(days=3)
NAMES_CHARS = 1500  # names early in a report say which event it is about; later ones are background
NAMES_WEIGHT = 0.3  # share of the names vector in the combined one (dev-tuned, BENCHMARKS.md)
SAME_OUTLET_FACTOR = 0.5
SAME_OUTLET_SPAN = timedelta(days=1)
REFINE_ROUNDS = 3
MIN_SIMILARITY = 0.03  # smaller entries of the similarity matrix are dropped: they never decide a story
MAX_DOCUMENT_SHARE = 0.5  # a word in more than half the articles says nothing about which event one is about
BLOCK_ENTRIES = 1 << 22  # entries of one block of the similarity product before pruning (~50 MB)
OUTLET_BLOCK_ENTRIES = 1 << 18  # similarities the outlet rule weighs at once (``_Similar.of``)
_WORD_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
_WORD = re.compile(_WORD_PATTERN)
MIN_WORDS = 8  # a headline and body of fewer words ("Update") say nothing about which event they report
SPLIT_RATIO = 0.68  # cut when names across the halves are this much less alike than within (dev-tuned)
SPLIT_MIN_MEMBERS = 4  # two halves of two reports at least
SPLIT_MAX_MEMBERS = 400  # the test is a dense eigenproblem over the members; bigger stories are left whole


@dataclass(frozen=True, slots=True)
class Signals:
    """Which signals the grouping uses (all by default; the benchmark turns them off one at a time)."""

    names_weight: float = NAMES_WEIGHT
    own_date: bool = True
    outlet: bool = True
    refine_rounds: int = REFINE_ROUNDS
    strip_repeated: bool = True
    split_mixed: bool = True
    syllable_pairs: bool = True


ALL_SIGNALS = Signals()


def story_vectors(docs: list[StoryDoc], signals: Signals = ALL_SIGNALS) -> sparse.csr_matrix:
    """Rows are unit vectors: words TF-IDF and names TF-IDF side by side, weighted by ``signals.names_weight``."""
    return _vectors(docs, signals)[0]


def _vectors(docs: list[StoryDoc], signals: Signals) -> tuple[sparse.csr_matrix, int]:
    """``story_vectors`` and the first column of its names part."""
    analyses = _PAGES.analyses(docs, signals)
    max_df = MAX_DOCUMENT_SHARE if len(docs) >= 10 else 1.0
    words = _tfidf([analysis.words for analysis in analyses], max_df, _PAGES.word_numbers)
    parts = [words * math.sqrt(1 - signals.names_weight)]
    if signals.names_weight > 0:
        names = _tfidf([analysis.names for analysis in analyses], max_df, _PAGES.name_numbers)  # type: ignore[misc]
        parts.append(names * math.sqrt(signals.names_weight))
    matrix = sparse.csr_matrix(sparse.hstack(parts))
    # no body, a one-word body: nothing to tell an event by, so it joins nothing
    keep = np.fromiter((analysis.word_count >= MIN_WORDS for analysis in analyses), bool, len(analyses))
    return _unit_rows(matrix, keep), words.shape[1]


def _unit_rows(matrix: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    """Each kept row over its norm (scikit-learn's ``normalize``); the other rows emptied."""
    from sklearn.preprocessing import normalize  # here: scikit-learn's import is start-up of every command

    if not keep.all():
        matrix = sparse.csr_matrix(sparse.diags(keep.astype(matrix.dtype)) @ matrix)
        matrix.eliminate_zeros()
    return sparse.csr_matrix(normalize(matrix, norm="l2", copy=False))


_Counts: TypeAlias = (
    "tuple[np.ndarray, np.ndarray]"  # a text's distinct tokens (as vocabulary numbers, first seen first), counts
)


class _Vocabulary:
    """Every token of the kept texts, numbered in the order first met.

    A text's counts are kept as token numbers, so a run gathers the window's tokens with one concatenation instead
    of a dictionary look-up per token."""

    def __init__(self) -> None:
        self.number: defaultdict[str, int] = defaultdict()
        self.number.default_factory = self.number.__len__
        self.live_at_check = 0  # tokens in use when ``_PagesOfLastRun.end_run`` last counted them

    def count(self, tokens: Iterable[str]) -> _Counts:
        """The distinct tokens, in the order they first occur, as numbers, and how often each occurs."""
        counts = Counter(tokens)
        numbers = np.fromiter(map(self.number.__getitem__, counts), dtype=np.int64, count=len(counts))
        return numbers, np.fromiter(counts.values(), dtype=np.intc, count=len(counts))

    def compact(self, live: np.ndarray) -> np.ndarray:
        """Keep only the tokens numbered ``live`` (sorted, distinct), renumbered in the same order; returns the new
        number of each old one (-1 if dropped), for the kept texts' counts."""
        terms = list(self.number)
        self.number = defaultdict()
        self.number.default_factory = self.number.__len__
        self.number.update((terms[i], new) for new, i in enumerate(live.tolist()))
        renumber = np.full(len(terms), -1, dtype=np.int64)
        renumber[live] = np.arange(len(live))
        return renumber


@dataclass(slots=True)
class _Analysis:
    """What grouping reads of one doc's (cleaned) text: word counts, name counts (only when names are used), and
    the number of words."""

    words: _Counts
    word_count: int
    names: _Counts | None = None
    pairs: bool = False  # the words include pairs of adjacent syllables (``_syllabic``)


@dataclass(slots=True)
class _Page:
    """A doc's title and raw text as last analysed: digests of its long lines (to count an outlet's chrome) and
    its analyses by the set of lines dropped as chrome (``None``: nothing stripped at all)."""

    lines: frozenset[bytes]
    analyses: dict[frozenset[bytes] | None, _Analysis]


class _PagesOfLastRun:
    """Each doc's analysis, remembered for the docs of the stage's last run.

    A crawler runs the stage after every round, over the same few days of articles plus a few new ones: without
    this, each run tokenised (and first, hashed and split into lines) the whole window again. Keyed by the doc's id
    and its title's and text's lengths and hashes (``_page_key``); an analysis is also keyed by which of the text's
    lines its outlet repeats (chrome, dropped first), so a text that loses a line is analysed again. Only the last run's docs are kept, so memory
    follows the window; the vocabularies are renumbered when they outgrow it."""

    def __init__(self) -> None:
        self.kept: dict[_PageKey, _Page] = {}
        self.used: dict[_PageKey, _Page] = {}
        self.word_numbers = _Vocabulary()
        self.name_numbers = _Vocabulary()

    def analyses(self, docs: list[StoryDoc], signals: Signals) -> list[_Analysis]:
        keys = [_page_key(doc) for doc in docs]
        pages = [self._page(key, doc.text) for key, doc in zip(keys, docs, strict=True)]
        no_stripping: list[frozenset[bytes] | None] = [None] * len(docs)
        removed = self._repeated(pages, [doc.outlet for doc in docs]) if signals.strip_repeated else no_stripping
        found = []
        for doc, page, lines in zip(docs, pages, removed, strict=True):
            analysis = page.analyses.get(lines)
            if analysis is not None and analysis.pairs != (signals.syllable_pairs and _syllabic(doc)):
                analysis = None  # read by an earlier run with the other setting (the benchmark's ablation)
            if analysis is None:
                analysis = page.analyses[lines] = self._analyse(doc, lines, signals)
            elif analysis.names is None and signals.names_weight > 0:
                analysis.names = self._names(doc.title, _cleaned(doc.text, lines))
            found.append(analysis)
        self.end_run(list(zip(keys, pages, removed, strict=True)))
        return found

    def _page(self, key: _PageKey, text: str) -> _Page:
        page = self.used.get(key) or self.kept.get(key)
        if page is None:
            lines = {line.strip() for line in text.splitlines()}
            page = _Page(frozenset(_digest(line) for line in lines if len(line) >= MIN_LINE_CHARS), {})
        self.used[key] = page  # a text twice in one run is read once
        return page

    @staticmethod
    def _repeated(pages: list[_Page], outlets: list[str | None]) -> list[frozenset[bytes] | None]:
        """Each doc's lines its outlet repeats on ``REPEATED_LINE_PAGES`` or more pages in hand (as
        ``strip_repeated_lines`` counts them)."""
        pages_with_line: defaultdict[str, Counter[bytes]] = defaultdict(Counter)
        for page, outlet in zip(pages, outlets, strict=True):
            if outlet is not None:
                pages_with_line[outlet].update(page.lines)
        repeated = {
            outlet: frozenset(line for line, pages in counts.items() if pages >= REPEATED_LINE_PAGES)
            for outlet, counts in pages_with_line.items()
        }
        nothing: frozenset[bytes] = frozenset()
        return [
            page.lines & repeated[outlet] if outlet is not None and repeated[outlet] else nothing
            for page, outlet in zip(pages, outlets, strict=True)
        ]

    def _analyse(self, doc: StoryDoc, lines: frozenset[bytes] | None, signals: Signals) -> _Analysis:
        text = _cleaned(doc.text, lines)
        pairs = signals.syllable_pairs and _syllabic(doc)
        tokens, word_count = _words_and_count(doc.title, text[: SYLLABIC_BODY_CHARS if pairs else BODY_CHARS])
        if pairs:
            tokens += [f"{first} {second}" for first, second in itertools.pairwise(tokens)]
        analysis = _Analysis(self.word_numbers.count(tokens), word_count, pairs=pairs)
        if signals.names_weight > 0:
            analysis.names = self._names(doc.title, text)
        return analysis

    def _names(self, title: str, text: str) -> _Counts:
        return self.name_numbers.count(names_and_numbers(f"{title}\n{title}\n{text[:NAMES_CHARS]}"))

    def end_run(self, used: list[tuple[_PageKey, _Page, frozenset[bytes] | None]]) -> None:
        """Keep this run's docs (and of each, the analysis this run read), and renumber a vocabulary once most of
        its tokens are no longer in any kept text."""
        kept: dict[_PageKey, _Page] = {}
        for key, page, lines in used:
            mine = kept.get(key)
            if mine is None:
                if len(page.analyses) == 1:  # the usual page: one analysis, this run's
                    kept[key] = page
                    continue
                mine = kept[key] = _Page(page.lines, {})
            mine.analyses[lines] = page.analyses[lines]
        self.kept, self.used = kept, {}
        for vocabulary, part in ((self.word_numbers, "words"), (self.name_numbers, "names")):
            if len(vocabulary.number) < max(_COMPACT_AT, 2 * vocabulary.live_at_check):
                continue  # checked again once the vocabulary has doubled: the check reads every kept text
            counted = [getattr(a, part) for p in kept.values() for a in p.analyses.values()]
            counted = [c for c in counted if c is not None]
            live = np.unique(np.concatenate([numbers for numbers, _ in counted] or [np.zeros(0, np.int64)]))
            vocabulary.live_at_check = len(live)
            if 2 * len(live) >= len(vocabulary.number):
                continue
            renumber = vocabulary.compact(live)
            for page in kept.values():
                for analysis in page.analyses.values():
                    old = getattr(analysis, part)
                    if old is not None:
                        setattr(analysis, part, (renumber[old[0]], old[1]))


_COMPACT_AT = 50_000  # tokens in a vocabulary before it is worth checking how many are still in use


_PageKey = tuple[int, int, int, int, int]


def _page_key(doc: StoryDoc) -> _PageKey:
    """A doc's page as last analysed: its id, and its title's and text's lengths and (64-bit, per process) hashes.
    Cheaper than a digest of every text of the window each run; a change goes unseen only if the new text's length
    and hash both equal the old one's (about 2**-64)."""
    return doc.id, len(doc.title), hash(doc.title), len(doc.text), hash(doc.text)


def _digest(text: str) -> bytes:
    try:
        encoded = text.encode()  # the same bytes as below when it succeeds, and much faster on ASCII text
    except UnicodeEncodeError:  # a lone surrogate
        encoded = text.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(encoded, digest_size=16).digest()


def _cleaned(text: str, dropped: frozenset[bytes] | None) -> str:
    """The text as ``strip_repeated_lines`` leaves it when ``dropped`` are its outlet's repeated lines (``None``:
    the text as it is, no stripping)."""
    if dropped is None:
        return text
    lines = text.splitlines()
    whole = "\n".join(lines)
    if not dropped:
        return whole
    kept = "\n".join(line for line in lines if len(s := line.strip()) < MIN_LINE_CHARS or _digest(s) not in dropped)
    # most of the page repeated: the same text run again (a correction, a copy), not chrome around news
    return kept if 2 * len(kept) >= len(whole) else whole


def _words_and_count(title: str, body: str) -> tuple[list[str], int]:
    """The words TF-IDF's tokens (``_words`` of the title twice and the body) and the number of words of the title
    and body as written (``len(_WORD.findall(f"{title} {body}"))``).

    When lowercasing maps every character to one character, the count is read off the tokens: every such mapping
    keeps a character's kind for ``_WORD`` (word or not, letter or not; ``test_stories.py`` checks every code
    point), so the lowercased text has the same matches as the text, and the title's are counted twice."""
    head = f"{title}\n{title}\n{body}"
    lowered = head.lower()
    tokens = _WORD.findall(lowered)
    if len(lowered) == len(head):
        return tokens, len(tokens) - len(_WORD.findall(title))
    return tokens, len(_WORD.findall(f"{title} {body}"))  # "İ" lowercases to two characters


def _syllabic(doc: StoryDoc) -> bool:
    """Vietnamese: a word is written as syllables separated by spaces (see the module's docstring)."""
    return doc.language is not None and doc.language.lower().split("-")[0] == "vi"


def _words(text: str) -> list[str]:
    """``TfidfVectorizer``'s own word analyzer with ``_WORD_PATTERN`` (lowercase, then the pattern's matches)."""
    return _WORD.findall(text.lower())


_PAGES = _PagesOfLastRun()


def _tfidf(counted: list[_Counts], max_df: float, vocabulary: _Vocabulary) -> sparse.csr_matrix:
    """TF-IDF of texts given as kept token counts: what ``TfidfVectorizer(sublinear_tf=True, max_df=max_df)`` gives
    for them (up to the order of columns), as its own ``TfidfTransformer`` over the counts matrix. Built from counts
    kept between runs, it skips the vectorizer's Python loop over every token of the window."""
    from sklearn.feature_extraction.text import TfidfTransformer  # here: start-up of every command

    indptr = np.zeros(len(counted) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, (numbers for numbers, _ in counted)), np.int64, len(counted)), out=indptr[1:])
    if not indptr[-1]:  # no text has a usable word (empty bodies): nothing to compare by
        return sparse.csr_matrix((len(counted), 1), dtype=np.float32)
    numbers = np.concatenate([numbers for numbers, _ in counted])
    values = np.concatenate([counts for _, counts in counted]).astype(np.float32)
    frequency = np.bincount(numbers, minlength=len(vocabulary.number))  # a text lists a token once
    kept = np.flatnonzero((frequency > 0) & (frequency <= max_df * len(counted)))  # this run's tokens, not too common
    if not len(kept):  # every word too common
        return sparse.csr_matrix((len(counted), 1), dtype=np.float32)
    column = np.full(len(frequency), -1, dtype=np.int64)
    column[kept] = np.arange(len(kept))
    columns = column[numbers]
    entry_kept = columns >= 0
    if not entry_kept.all():
        indptr = np.concatenate([[0], np.cumsum(entry_kept)])[indptr]
        columns, values = columns[entry_kept], values[entry_kept]
    counts = sparse.csr_matrix((values, columns, indptr), shape=(len(counted), len(kept)))
    return sparse.csr_matrix(TfidfTransformer(sublinear_tf=True).fit_transform(counts), dtype=np.float32)


def similarities(rows: sparse.csr_matrix, matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Cosine of each of ``rows`` with every row of ``matrix``, in blocks and pruned of entries under
    ``MIN_SIMILARITY``, so memory follows the number of related pairs."""
    by_feature = sparse.csr_matrix(matrix.T)  # once, not once per block
    reach = _reach(rows, by_feature)
    parts: list[sparse.csr_matrix] = []
    start = 0
    while start < rows.shape[0]:  # blocks of at most BLOCK_ENTRIES possible entries (one row at least)
        end = start + max(1, int(np.searchsorted(np.cumsum(reach[start:]), BLOCK_ENTRIES, side="right")))
        block = sparse.csr_matrix(rows[start:end] @ by_feature)
        block.data[block.data < MIN_SIMILARITY] = 0
        block.eliminate_zeros()
        parts.append(block)
        start = end
    if not parts:
        return sparse.csr_matrix((0, matrix.shape[0]), dtype=np.result_type(rows.dtype, matrix.dtype))
    return sparse.csr_matrix(sparse.vstack(parts, format="csr"))


def _reach(rows: sparse.csr_matrix, by_feature: sparse.csr_matrix) -> np.ndarray:
    """How many entries each row's product can have (the docs its features reach, with repeats, at most every
    doc): the size of a block's product before it is pruned."""
    per_entry = np.diff(by_feature.indptr)[rows.indices]
    row_of = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
    return np.minimum(np.bincount(row_of, weights=per_entry, minlength=rows.shape[0]), by_feature.shape[1]).astype(
        np.int64
    )


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

    def add_first(self, keys: list[int]) -> None:
        """``add`` the first ``len(keys)`` docs to these stories, in one pass: the window's thousands of fixed docs.
        Each story's dates end sorted as ``add``'s insertions leave them (equal dates in the order added)."""
        slot_of, key_of_slot, members, dates = self.slot_of, self.key_of_slot, self.members, self.dates
        for key in keys:
            if key not in slot_of:
                slot_of[key] = len(key_of_slot)
                key_of_slot.append(key)
        while len(key_of_slot) > len(self.mass_of_slot):
            self.mass_of_slot = np.concatenate([self.mass_of_slot, np.zeros(len(self.mass_of_slot))])
        self.label[: len(keys)] = keys
        self.slots[: len(keys)] = [slot_of[key] for key in keys]
        for index, (key, doc) in enumerate(zip(keys, self.docs, strict=False)):
            members[key].add(index)
            if doc.published is not None:
                dates[key].append(doc.published)
        for listed in dates.values():
            listed.sort()

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


_UNDATED = -(1 << 63)  # np.iinfo(np.int64).min, without importing numpy at start-up


def group_into_stories(
    docs: Iterable[StoryDoc],
    threshold: float | None = None,
    window: timedelta = WINDOW,
    signals: Signals = ALL_SIGNALS,
    central: dict[int, int] | None = None,
) -> dict[int, int]:
    """Story key for every doc id: existing stories keep their key, anything else gets a negative key, shared by
    the docs of one new story (a lone doc checked by an earlier run keeps a key of its own, which a new doc may
    join). ``threshold`` is the centroid cosine a story must reach; by default ``THRESHOLD``, and
    ``SYLLABIC_THRESHOLD`` for a Vietnamese doc. ``central``, if given, receives each new story's most central
    report (key → doc id): the one most alike to the story's other reports, whose headline says what the story is
    (a story's first report may be a brief or a side angle); of equal ones, the earliest.

    Only the docs neither in a story nor checked before are compared with the others, so a run costs (new docs ×
    docs in the window), not (docs in the window)²; a story's centroid norm comes from its members' vectors.

    Python's cycle collector is paused for the run: the run allocates enough to set off full collections, each
    walking every object the process holds (the analyses kept for a whole window among them); what the run leaves
    for the collector is collected at its next pass after the run.
    """
    with _collector_paused():
        return _group(list(docs), threshold, window, signals, central)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _group(
    docs: list[StoryDoc],
    threshold: float | None,
    window: timedelta,
    signals: Signals,
    central: dict[int, int] | None = None,
) -> dict[int, int]:
    fixed = [d for d in docs if d.story is not None or d.checked]
    pending = sorted(
        (d for d in docs if d.story is None and not d.checked),
        key=lambda d: (d.published is None, d.published or datetime.min, d.id),
    )
    ordered = fixed + pending
    if not ordered:
        return {}
    matrix, names_from = _vectors(ordered, signals)
    clusters = _Clusters(ordered, [0] * len(ordered))
    keys, new_keys = [], 0
    for doc in fixed:
        if doc.story is None:
            new_keys += 1
        keys.append(doc.story if doc.story is not None else -new_keys)
    clusters.add_first(keys)
    _story_masses(clusters, matrix)
    start = len(fixed)
    if not pending:
        return {doc.id: key for doc, key in zip(ordered, clusters.label, strict=True)}
    sims = similarities(matrix[start:], matrix)
    linked = _vietnamese(pending, signals)
    similar = _Similar.of(sims, start, clusters, signals, linked)
    rounds = [False] + [True] * signals.refine_rounds
    thresholds = [
        threshold
        if threshold is not None
        else SYLLABIC_THRESHOLD
        if signals.syllable_pairs and _syllabic(doc)
        else THRESHOLD
        for doc in pending
    ]
    story_window = window if signals.own_date else None
    # A row's sums per story change only when a doc in the row moves: a second look keeps each row's sums until
    # then (``rows_with`` tells which rows a moved doc is in), instead of summing every row again each round.
    kept_rows: dict[int, _Row] = {}
    rows_with: sparse.csc_matrix | None = None
    for again in rounds:
        moved = 0
        for row_number in range(len(pending)):
            index = start + row_number
            row = kept_rows.get(row_number)
            if row is None:
                row = _to_stories(similar, row_number, index, clusters, not again, linked[row_number])
                if again and _KEEP_ROW_SUMS:
                    kept_rows[row_number] = row
            slots, raw = row[0], row[1]
            current = clusters.label[index]
            key = _best_story(clusters, index, row, thresholds[row_number], story_window, linked[row_number])
            if key == 0:
                if current != 0 and len(clusters.members[current]) == 1:
                    continue  # already alone
                new_keys += 1
                key = -new_keys
            if key != current:
                raw_to = {k: _raw_to(clusters, k, slots, raw) for k in (current, key) if k != 0}
                clusters.move(index, key, raw_to)
                moved += 1
                if kept_rows:
                    rows_with = sims.tocsc() if rows_with is None else rows_with
                    for stale in rows_with.indices[rows_with.indptr[index] : rows_with.indptr[index + 1]].tolist():
                        kept_rows.pop(stale, None)
        if again and not moved:
            break
    if signals.split_mixed:
        _split_mixed(clusters, matrix, names_from, start, new_keys)
    if central is not None:
        central.update(_central_reports(ordered, clusters.label, matrix))
    return {doc.id: key for doc, key in zip(ordered, clusters.label, strict=True)}


def _vietnamese(pending: list[StoryDoc], signals: Signals) -> np.ndarray:
    """Which new docs are Vietnamese reports read as syllables and their pairs: a story takes one only if it is
    linked to one of the story's reports (``_best_story``), and the same-outlet rule leaves it alone: Vietnamese
    outlets file one event in several pieces (a match's preview, live report and video; a press
    conference cut into three reports), each as alike to the others as two outlets' reports are: on the stream's
    dev events, 7 of the 11 events left in pieces were one outlet's reports halved by the rule, which never moved
    ECB+ or PAC either way (BENCHMARKS.md)."""
    return np.fromiter((signals.syllable_pairs and _syllabic(doc) for doc in pending), bool, len(pending))


def _central_reports(ordered: list[StoryDoc], labels: list[int], matrix: sparse.csr_matrix) -> dict[int, int]:
    """Doc id of the report of highest summed cosine with the other members, for each new story of two or more."""
    members: defaultdict[int, list[int]] = defaultdict(list)
    for index, key in enumerate(labels):
        if key < 0:
            members[key].append(index)
    found = {}
    for key, indices in members.items():
        if len(indices) < 2:
            continue
        rows = matrix[indices]
        alike = np.round(np.asarray((rows @ rows.T).sum(axis=1)).ravel(), 6)
        by_time = sorted(
            range(len(indices)),
            key=lambda i: (
                ordered[indices[i]].published is None,
                ordered[indices[i]].published or datetime.min,
                ordered[indices[i]].id,
            ),
        )
        best = max(by_time, key=lambda i: alike[i])  # the first of equals: the earliest
        found[key] = ordered[indices[best]].id
    return found


def _split_mixed(clusters: _Clusters, matrix: sparse.csr_matrix, names_from: int, start: int, new_keys: int) -> None:
    """Split stories that are two events: look-alike events (two earthquakes, two arrests of one player) share
    enough words to pass the centroid test one report at a time, yet their reports are far more alike within each
    event than across. The story's best cut in two is the sign of the Fiedler vector of its members' cosine graph
    (spectral bisection); it is taken when, in names, numbers and dates alone (what tells look-alike events apart),
    the mean cosine across the cut is below ``SPLIT_RATIO`` times the mean within the less cohesive half. One cut a
    story a run: a half is not cut again until a later run brings it a new report (cutting again at once split
    single events in two on the dev topics).

    Only stories that took a new report this run are looked at. Reports already in a story stay there: a cut
    that would part two of them is not made; the half holding them keeps the story's key, the other half gets a
    new key (numbered on from ``new_keys``, the last one the rounds used)."""
    stories = [
        sorted(members)
        for members in clusters.members.values()
        if SPLIT_MIN_MEMBERS <= len(members) <= SPLIT_MAX_MEMBERS and max(members) >= start
    ]
    for members in stories:
        rows = matrix[members]
        halves = _bisection(rows, _names_rows(rows, names_from))
        if halves is None:
            continue
        first, second = ([members[i] for i in half] for half in halves)
        if min(first) < start and min(second) < start:
            continue  # both halves hold reports of an earlier run
        leave = second if min(first) < min(second) else first  # the half with the earliest report stays
        new_keys += 1
        for index in leave:
            clusters.label[index] = -new_keys


def _names_rows(rows: sparse.csr_matrix, names_from: int) -> sparse.csr_matrix:
    """The names part of each row as a unit vector (the whole row when there is no names part)."""
    if names_from >= rows.shape[1]:
        return rows
    names = rows[:, names_from:].tocsr()
    norms = np.sqrt(np.asarray(names.multiply(names).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ names)


def _bisection(rows: sparse.csr_matrix, judged_by: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray] | None:
    """The two halves (positions in ``rows``) of the cut described in ``_split_mixed``, or None to keep whole: the
    cut is found on ``rows`` and judged on ``judged_by`` (the same members' names vectors)."""
    alike = (rows @ rows.T).toarray()
    np.fill_diagonal(alike, 0.0)
    degree = alike.sum(axis=1)
    if (degree <= 0).any():
        return None  # a member alike to no other: nothing to cut by
    scale = 1.0 / np.sqrt(degree)
    laplacian = np.eye(len(alike)) - scale[:, None] * alike * scale[None, :]
    fiedler = np.linalg.eigh(laplacian)[1][:, 1]
    side = fiedler >= 0
    first, second = np.flatnonzero(side), np.flatnonzero(~side)
    if len(first) < 2 or len(second) < 2:
        return None
    judged = (judged_by @ judged_by.T).toarray()
    np.fill_diagonal(judged, 0.0)
    across = judged[np.ix_(first, second)].mean()
    within = min(_mean_off_diagonal(judged[np.ix_(half, half)]) for half in (first, second))
    return (first, second) if across < SPLIT_RATIO * within else None


def _mean_off_diagonal(square: np.ndarray) -> float:
    return float(square.sum() / (len(square) * (len(square) - 1)))


_KEEP_ROW_SUMS = True  # off only in a test, to compare with summing every row every round


def _best_story(
    clusters: _Clusters,
    index: int,
    row: _Row,
    threshold: float,
    window: timedelta | None,
    linked: bool = False,
) -> int:
    """The story (key) of highest centroid cosine at or above ``threshold`` whose dates take the doc, or 0; of equal
    cosines, the story met last in the doc's row. The cosine leaves the doc out of its own story's centroid.

    ``linked`` (a Vietnamese report): the story must also hold a report at least ``threshold`` alike to the doc.
    A centroid's cosine to a doc grows with the story: ``n`` members each ``q`` alike to the doc and ``p`` to each
    other give ``q / sqrt(p)`` as ``n`` grows, so a story of loosely related reports (one outlet's week of a war,
    0.2-0.26 apart) took a doc alike to none of them; with the link, it takes only what one of its reports would
    have taken alone."""
    slots, raw, weighted, met, closest = row
    if not len(slots):
        return 0
    masses = clusters.mass_of_slot[slots]
    own = np.nonzero(slots == clusters.slots[index])[0] if clusters.label[index] != 0 else ()
    if len(own):
        masses[own] = np.maximum(masses[own] - 2 * raw[own] - 1.0, 1e-9)
    cosines = weighted / np.sqrt(masses)
    passing = cosines >= threshold
    if linked and closest is not None:
        passing &= closest >= threshold
    eligible = np.nonzero(passing)[0]
    if not len(eligible):
        return 0
    if len(eligible) > 1:
        by_cosine = eligible[np.argsort(-cosines[eligible], kind="stable")]
        if np.any(np.diff(cosines[by_cosine]) == 0):  # of equal cosines, the story met last first
            eligible = eligible[np.lexsort((-_first_met(clusters, slots[eligible], met), -cosines[eligible]))]
        else:
            eligible = by_cosine
    for position in eligible.tolist():
        story = clusters.key_of_slot[int(slots[position])]
        if clusters.in_window(index, story, window):  # second: most stories fall short of the cosine
            return story
    return 0


def _first_met(clusters: _Clusters, stories: np.ndarray, met: np.ndarray) -> np.ndarray:
    """Where in the doc's row (``met``: the slot of each similarity, in row order) each of ``stories`` first
    appears."""
    number = np.full(len(clusters.key_of_slot), -1, dtype=np.int64)
    number[stories] = np.arange(len(stories))
    hit = number[met]
    at = np.flatnonzero(hit >= 0)
    _, first = np.unique(hit[at], return_index=True)
    return at[first]


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
    masses = np.asarray(sums.multiply(sums).sum(axis=1), dtype=np.float64).ravel()
    slots = [clusters.slot(key) for key in keys]
    clusters.mass_of_slot[slots] = np.maximum(masses, 1e-9)


_Row: TypeAlias = "tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]"


@dataclass(frozen=True, slots=True)
class _Similar:
    """The new docs' similarities (rows of ``sims``) as float64, raw and weighted by the outlet rule: a
    same-outlet, same-day report counts ``SAME_OUTLET_FACTOR``. Computed once for every round, not per doc and
    round."""

    indptr: np.ndarray
    others: np.ndarray
    raw: np.ndarray
    weighted: np.ndarray
    any_same: np.ndarray  # per row: does any of its similarities count less

    @classmethod
    def of(
        cls, sims: sparse.csr_matrix, start: int, clusters: _Clusters, signals: Signals, exempt: np.ndarray
    ) -> _Similar:
        """``exempt``: per new doc (row), whether the outlet rule leaves it alone (a Vietnamese report: see
        ``_vietnamese``)."""
        raw = sims.data.astype(np.float64)
        weighted, any_same = raw, np.zeros(sims.shape[0], dtype=bool)
        if signals.outlet and not exempt.all():
            same = np.zeros(len(raw), dtype=bool)
            for begin, end in _entry_blocks(sims.indptr):  # a block at a time: the temporaries stay small
                _same_outlet_day(sims, begin, end, start, clusters, exempt, same, any_same)
            if any_same.any():
                weighted = raw.copy()
                np.multiply(raw, SAME_OUTLET_FACTOR, out=weighted, where=same)
        return cls(sims.indptr, sims.indices, raw, weighted, any_same)


def _entry_blocks(indptr: np.ndarray) -> Iterator[tuple[int, int]]:
    """Consecutive row ranges of a sparse matrix (given its ``indptr``) of at most ``OUTLET_BLOCK_ENTRIES`` entries
    each (one row at least): what the outlet rule computes at once, so its temporaries stay a few megabytes however
    many similarities the run has."""
    rows, begin = len(indptr) - 1, 0
    while begin < rows:
        end = int(np.searchsorted(indptr, indptr[begin] + OUTLET_BLOCK_ENTRIES, side="right")) - 1
        end = min(rows, max(begin + 1, end))
        yield begin, end
        begin = end


def _same_outlet_day(
    sims: sparse.csr_matrix,
    begin: int,
    end: int,
    start: int,
    clusters: _Clusters,
    exempt: np.ndarray,
    same: np.ndarray,
    any_same: np.ndarray,
) -> None:
    """Mark in ``same`` the similarities of rows ``begin:end`` between two reports of one outlet within
    ``SAME_OUTLET_SPAN`` (an undated report is within any span), the row's doc not exempt from the rule; and in
    ``any_same`` the rows that have one."""
    first, last = sims.indptr[begin], sims.indptr[end]
    row_of = np.repeat(np.arange(begin, end), np.diff(sims.indptr[begin : end + 1]))
    others = sims.indices[first:last]
    doc_of = start + row_of
    outlet = np.where(exempt[row_of], -1, clusters.outlets[doc_of])
    found = (outlet >= 0) & (clusters.outlets[others] == outlet)
    when, times = clusters.times[doc_of], clusters.times[others]
    span = SAME_OUTLET_SPAN // timedelta(microseconds=1)
    found &= ~((when != _UNDATED) & (times != _UNDATED) & (np.abs(times - when) > span))
    same[first:last] = found
    any_same[begin:end] = np.bincount(row_of[found] - begin, minlength=end - begin) > 0


def _to_stories(
    similar: _Similar, row_number: int, index: int, clusters: _Clusters, earlier_only: bool, closest: bool = False
) -> _Row:
    """Sum of similarities of one doc to each story's members (itself excluded), as the stories' slots (ascending)
    and two sums: raw, and with the outlet rule (``_Similar``); and the slot of each similarity in the row, in row
    order (ties go to the story met last). Sums are by ``np.bincount`` over the slots themselves: no sort of the
    row (thousands of entries, four times per new doc). With ``closest``, also each story's highest raw similarity
    to the doc (``_best_story``'s link), else None."""
    begin, end = similar.indptr[row_number], similar.indptr[row_number + 1]
    others, values = similar.others[begin:end], similar.raw[begin:end]
    weighted = similar.weighted[begin:end] if similar.any_same[row_number] else values
    keep = (others != index) if not earlier_only else (others < index)
    slots = clusters.slots[others]
    keep &= slots >= 0
    if not keep.all():
        values, slots = values[keep], slots[keep]
        weighted = weighted[keep] if similar.any_same[row_number] else values
    if not len(slots):
        return slots, values, values, slots, None
    every = len(clusters.key_of_slot)
    stories = np.flatnonzero(np.bincount(slots, minlength=every))
    raw_sums = np.bincount(slots, weights=values, minlength=every)[stories]
    weighted_sums = raw_sums if weighted is values else np.bincount(slots, weights=weighted, minlength=every)[stories]
    highest = None
    if closest:
        highest = np.zeros(every)
        np.maximum.at(highest, slots, values)
        highest = highest[stories]
    return stories, raw_sums, weighted_sums, slots, highest
