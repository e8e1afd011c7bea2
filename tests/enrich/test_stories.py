"""Stories: one pass in time order, each article joining the closest story of its time or starting one."""

from __future__ import annotations

import dataclasses
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import sparse

from newsloom.enrich import stories
from newsloom.enrich.stories import StoryDoc, group_into_stories
from newsloom.enrich.story_signals import names_and_numbers, strip_repeated_lines
from tests.conftest import corpus, floor
from tests.support.articles import JACKSON, MERRIMAN

T0 = datetime(2024, 5, 1, 8, tzinfo=UTC)
QUAKE = "A magnitude {m} earthquake struck {place} on {day}, collapsing buildings and cutting power to {n} homes."
RESCUE = "Rescue teams in {place} searched the rubble through the night while aftershocks shook the region."
FILLER = [
    "The central bank left interest rates unchanged and signalled cuts later in the year as inflation eased.",
    "The home side won the cup final after extra time in front of a sold-out stadium on Saturday evening.",
    "A new smartphone with a folding screen went on sale, with reviewers praising its battery and camera.",
    "Parliament passed the budget after a long debate over spending on schools, roads and hospitals.",
    "The museum reopened its modern art wing after a renovation that took four years to complete.",
    "Farmers warned that the dry spring would cut the wheat harvest and push up the price of bread.",
]


def _quake(doc_id: int, place: str, hours: float, magnitude: str = "6.1") -> StoryDoc:
    text = QUAKE.format(m=magnitude, place=place, day="Tuesday", n=doc_id * 1000) + " " + RESCUE.format(place=place)
    return StoryDoc(doc_id, f"Earthquake hits {place}", text, T0 + timedelta(hours=hours))


def _filler() -> list[StoryDoc]:
    return [
        StoryDoc(100 + i, text.split(" after")[0][:60], text, T0 + timedelta(hours=i)) for i, text in enumerate(FILLER)
    ]


def _groups(grouping: dict[int, int]) -> list[set[int]]:
    by_key: defaultdict[int, set[int]] = defaultdict(set)
    for doc_id, key in grouping.items():
        by_key[key].add(doc_id)
    return sorted((members for members in by_key.values()), key=min)


def test_reports_of_one_event_group_and_others_stay_apart() -> None:
    docs = [_quake(1, "Nepal", 0), _quake(2, "Nepal", 2), _quake(3, "Nepal", 5), *_filler()]
    groups = _groups(group_into_stories(docs))
    assert {1, 2, 3} in groups
    assert all(len(members) == 1 for members in groups if members != {1, 2, 3})


CHILE = (
    "A powerful earthquake off the coast of Chile triggered a tsunami warning for Valparaíso and shut two copper "
    "mines near Antofagasta, the national emergency office said. {extra}"
)


def test_the_same_kind_of_event_elsewhere_is_another_story() -> None:
    chile = [
        StoryDoc(3, "Chile quake triggers tsunami warning", CHILE.format(extra="Ports were closed."), T0),
        StoryDoc(4, "Tsunami warning after Chile earthquake", CHILE.format(extra="Mines may reopen Friday."), T0),
    ]
    docs = [_quake(1, "Nepal", 0), _quake(2, "Nepal", 2), *chile, *_filler()]
    groups = _groups(group_into_stories(docs))
    assert {1, 2} in groups and {3, 4} in groups


def test_a_report_weeks_later_starts_a_new_story() -> None:
    docs = [_quake(1, "Nepal", 0), _quake(2, "Nepal", 2), _quake(3, "Nepal", 24 * 20), *_filler()]
    grouping = group_into_stories(docs)
    assert grouping[1] == grouping[2] != grouping[3]


def test_existing_stories_keep_their_key_and_new_reports_join_them() -> None:
    earlier = _quake(1, "Nepal", 0)
    earlier.story = 42
    grouping = group_into_stories([earlier, _quake(2, "Nepal", 3), *_filler()])
    assert grouping[1] == grouping[2] == 42
    assert all(key < 0 for doc_id, key in grouping.items() if doc_id >= 100)


def test_nothing_in_nothing_out() -> None:
    assert group_into_stories([]) == {}


def _bcubed_f1(predicted: dict[int, int], gold: dict[int, str]) -> float:
    by_predicted: defaultdict[int, set[int]] = defaultdict(set)
    by_gold: defaultdict[str, set[int]] = defaultdict(set)
    for doc_id in gold:
        by_predicted[predicted[doc_id]].add(doc_id)
        by_gold[gold[doc_id]].add(doc_id)
    precision = sum(len(by_predicted[predicted[d]] & by_gold[gold[d]]) / len(by_predicted[predicted[d]]) for d in gold)
    recall = sum(len(by_predicted[predicted[d]] & by_gold[gold[d]]) / len(by_gold[gold[d]]) for d in gold)
    precision, recall = precision / len(gold), recall / len(gold)
    return 2 * precision * recall / (precision + recall)


@pytest.mark.corpus
def test_ecb_plus_stories_hold() -> None:
    rows = [json.loads(line) for line in (corpus("stories") / "ecbplus.jsonl").read_text().splitlines()]
    docs = [StoryDoc(i, row["title"], row["body"]) for i, row in enumerate(rows)]
    f1 = _bcubed_f1(group_into_stories(docs), {i: row["story_id"] for i, row in enumerate(rows)})
    assert f1 >= floor("stories", "ecbplus_all_bcubed_f1")  # 0.953; the published TF-IDF reference 0.857


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=40), st.text(max_size=200), st.booleans(), st.none() | st.integers(1, 3)),
        max_size=25,
    )
)
def test_any_documents_get_a_story_key_each(rows: list[tuple[str, str, bool, int | None]]) -> None:
    docs = [
        StoryDoc(
            i,
            title,
            text,
            T0 + timedelta(hours=i) if dated else None,
            story=story,
            checked=story is None and i % 3 == 0,
        )
        for i, (title, text, dated, story) in enumerate(rows)
    ]
    grouping = group_into_stories(docs)
    assert set(grouping) == {doc.id for doc in docs}
    assert all(grouping[doc.id] == doc.story for doc in docs if doc.story is not None)


FOOTER = "Subscribe to the Daily Courier newsletter for the best of our journalism every morning, free."


def test_bad_input_makes_no_false_merges_and_stays_bounded() -> None:
    """No body, one-word bodies, a footer on every page of one outlet, 1 MB bodies, a thousand reports in one
    hour: no errors, nothing merged on boilerplate, and the run stays fast."""
    import time

    docs = [StoryDoc(1, "", "", T0), StoryDoc(2, "Update", "Update", T0), StoryDoc(3, "Update", "Update", T0)]
    docs += [
        StoryDoc(10 + i, text.split(" after")[0][:60], f"{text}\n{FOOTER}", T0 + timedelta(minutes=i), outlet="courier")
        for i, text in enumerate(FILLER)
    ]
    docs.append(StoryDoc(30, "A very long page", "word " * 200_000, T0))
    docs += [
        StoryDoc(1000 + i, f"Brief {i}", f"Item {i}: " + FILLER[i % len(FILLER)][:30] + f" code {i * 7919}", T0)
        for i in range(1000)
    ]
    start = time.process_time()
    grouping = group_into_stories(docs)
    assert time.process_time() - start < 60
    assert set(grouping) == {doc.id for doc in docs}
    assert len({grouping[1], grouping[2], grouping[3]}) == 3  # empty and one-word bodies join nothing
    assert len({grouping[10 + i] for i in range(len(FILLER))}) == len(FILLER)  # the shared footer joins nothing


def _assert_same_vectors(ours: sparse.csr_matrix, theirs: sparse.csr_matrix) -> None:
    """Same rows, up to the order of columns (what grouping reads: every similarity between two rows)."""
    assert ours.shape == theirs.shape
    assert np.allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-6)
    assert np.allclose(np.sort(ours.toarray(), axis=1), np.sort(theirs.toarray(), axis=1), atol=1e-6)


@pytest.mark.parametrize("max_df", [1.0, 0.5, 0.2])
def test_tfidf_from_kept_counts_is_scikit_learns(max_df: float) -> None:
    """The stage builds its TF-IDF from token counts kept between runs; it must be what ``TfidfVectorizer`` gives,
    or a warm run would group differently from a cold one."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [doc.text for doc in _filler()] + [_quake(1, "Nepal", 0).text, "", "a", _quake(2, "Peru", 1).text]
    texts += [f"{text}\n{text.upper()}" for text in FILLER[:3]]
    vocabulary = stories._Vocabulary()
    vocabulary.count(["unused", "words", "of", "an", "earlier", "run"])
    ours = stories._tfidf([vocabulary.count(stories._words(text)) for text in texts], max_df, vocabulary)
    theirs = TfidfVectorizer(sublinear_tf=True, max_df=max_df, token_pattern=stories._WORD_PATTERN, dtype=np.float32)
    _assert_same_vectors(ours, theirs.fit_transform(texts))


def test_a_run_with_kept_tokens_groups_as_a_first_run_does(monkeypatch: pytest.MonkeyPatch) -> None:
    window = [*_filler(), _quake(1, "Nepal", 0), _quake(2, "Nepal", 1), _quake(3, "Peru", 2, "5.2")]
    for doc in window:
        doc.checked = True
    first = group_into_stories([*window, _quake(4, "Nepal", 3)])
    warm = group_into_stories([*window, _quake(5, "Peru", 4, "5.2"), _quake(6, "Chile", 5, "7.0")])
    monkeypatch.setattr(stories, "_PAGES", stories._PagesOfLastRun())
    cold = group_into_stories([*window, _quake(5, "Peru", 4, "5.2"), _quake(6, "Chile", 5, "7.0")])
    assert warm == cold and first[4] == first[1]


def _plain_story_vectors(docs: list[StoryDoc], signals: stories.Signals) -> sparse.csr_matrix:
    """``story_vectors`` as it reads, without anything kept between runs: ``strip_repeated_lines`` and scikit-learn's
    ``TfidfVectorizer`` on the texts of this run."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [doc.text for doc in docs]
    if signals.strip_repeated:
        texts = strip_repeated_lines(texts, [doc.outlet for doc in docs])
    max_df = stories.MAX_DOCUMENT_SHARE if len(docs) >= 10 else 1.0
    words = TfidfVectorizer(sublinear_tf=True, max_df=max_df, token_pattern=stories._WORD_PATTERN, dtype=np.float32)
    head = [f"{d.title}\n{d.title}\n{t[: stories.BODY_CHARS]}" for d, t in zip(docs, texts, strict=True)]
    parts = [words.fit_transform(head) * math.sqrt(1 - signals.names_weight)]
    if signals.names_weight > 0:
        names = TfidfVectorizer(
            sublinear_tf=True, max_df=max_df, analyzer=names_and_numbers, dtype=np.float32, lowercase=False
        )
        head = [f"{d.title}\n{d.title}\n{t[: stories.NAMES_CHARS]}" for d, t in zip(docs, texts, strict=True)]
        parts.append(names.fit_transform(head) * math.sqrt(signals.names_weight))
    matrix = sparse.csr_matrix(sparse.hstack(parts))
    keep = [
        float(len(stories._WORD.findall(f"{d.title} {t[: stories.BODY_CHARS]}")) >= stories.MIN_WORDS)
        for d, t in zip(docs, texts, strict=True)
    ]
    if not all(keep):
        matrix = sparse.csr_matrix(sparse.diags(keep) @ matrix)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _chrome_window(count: int, start: int = 0) -> list[StoryDoc]:
    """Reports of three outlets with footers (one on every page, one on a few), some in CRLF or indented lines."""
    docs = []
    for i in range(start, start + count):
        outlet = f"outlet{i % 3}"
        lines = [f"{FILLER[i % len(FILLER)]} Item {i}.", QUAKE.format(m=i % 7, place=f"Town{i % 5}", day="Monday", n=i)]
        lines.append(f"Read more from {outlet} every morning in our newsletter, free.")
        if i % 4 == 0:
            lines.insert(0, f"A line {outlet} prints on a quarter of its pages only")
        if i % 11 == 0:  # most of the page is chrome: kept whole
            lines = lines[-1:] * 3
        text = ("\r\n" if i % 5 == 0 else "\n").join(("  " if i % 2 else "") + line for line in lines)
        docs.append(StoryDoc(i, f"Report {i % 9}", text, T0 + timedelta(hours=i), checked=i < start + count - 4))
        docs[-1].outlet = outlet
    return docs


@pytest.mark.parametrize("signals", [stories.ALL_SIGNALS, stories.Signals(names_weight=0.0, strip_repeated=False)])
def test_vectors_from_kept_pages_are_the_plain_ones(monkeypatch: pytest.MonkeyPatch, signals: stories.Signals) -> None:
    """What the stage keeps between runs (line digests, analyses by dropped lines, token numbers, a vocabulary
    renumbered as it outgrows the window) must not change the vectors: runs over sliding windows, warm,
    are compared with the plain computation, and their groups with a cold run's."""
    monkeypatch.setattr(stories, "_PAGES", stories._PagesOfLastRun())
    monkeypatch.setattr(stories, "_COMPACT_AT", 10)  # renumber as soon as the window has moved on
    for start in (0, 0, 15, 40, 41, 90):
        docs = _chrome_window(30, start)
        if start == 41:
            docs = [*docs, *_filler(), _quake(1, "Nepal", 0), _quake(2, "Nepal", 1)]
        ordered = [d for d in docs if d.checked] + sorted((d for d in docs if not d.checked), key=lambda d: d.id)
        _assert_same_vectors(stories.story_vectors(ordered, signals), _plain_story_vectors(ordered, signals))
        warm = group_into_stories(docs, signals=signals)
        kept = stories._PAGES
        monkeypatch.setattr(stories, "_PAGES", stories._PagesOfLastRun())
        assert group_into_stories(docs, signals=signals) == warm
        monkeypatch.setattr(stories, "_PAGES", kept)


def test_a_vocabulary_renumbers_its_live_tokens_in_order() -> None:
    vocabulary = stories._Vocabulary()
    terms = [f"{c}{n}" for n in range(40) for c in ("b", "a", "é")]
    numbers, counts = vocabulary.count(terms + terms[:3])
    assert list(numbers[:3]) == [0, 1, 2] and list(counts[:4]) == [2, 2, 2, 1]
    renumber = vocabulary.compact(np.array([1, 5, 6, 30]))
    assert list(vocabulary.number) == [terms[i] for i in (1, 5, 6, 30)] and renumber[5] == 1 and renumber[2] == -1
    assert vocabulary.count(["new", terms[6]])[0].tolist() == [4, 2]


def test_story_masses_are_the_squared_norms_of_member_sums() -> None:
    rng = np.random.default_rng(3)
    dense = rng.random((40, 60)).astype(np.float32) * (rng.random((40, 60)) < 0.3)
    dense[[5, 17]] = 0  # empty rows
    matrix = sparse.csr_matrix(dense)
    clusters = stories._Clusters([StoryDoc(i, "", "") for i in range(40)], [0] * 40)
    for index in range(40):
        clusters.add(index, 1 + index // 3 if index < 12 else 100 + index)  # four stories of three, the rest alone
    stories._story_masses(clusters, matrix)
    for key, members in clusters.members.items():
        total = dense[sorted(members)].sum(axis=0, dtype=np.float64)
        assert clusters.mass(key) == pytest.approx(max(float(total @ total), 1e-9), rel=1e-5)


def test_a_doc_whose_text_changed_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages are kept by doc id, title and text lengths and hashes: an edited report (same id) is analysed anew."""
    monkeypatch.setattr(stories, "_PAGES", stories._PagesOfLastRun())
    window = _chrome_window(20)
    stories.story_vectors(window)
    edited = [StoryDoc(d.id, d.title, d.text.replace("Town", "City"), d.published, outlet=d.outlet) for d in window]
    _assert_same_vectors(stories.story_vectors(edited), _plain_story_vectors(edited, stories.ALL_SIGNALS))


@pytest.mark.corpus
def test_rows_kept_between_rounds_group_as_rows_summed_every_round(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second look keeps each row's sums per story until a doc in the row moves; on ECB+ (where the second look
    moves reports) that must group exactly as summing every row again each round."""
    rows = [json.loads(line) for line in (corpus("stories") / "ecbplus.jsonl").read_text().splitlines()]
    docs = [StoryDoc(i, row["title"], row["body"]) for i, row in enumerate(rows)]
    kept = group_into_stories(docs)
    monkeypatch.setattr(stories, "_KEEP_ROW_SUMS", False)
    assert group_into_stories(docs) == kept
    assert group_into_stories(docs, signals=stories.Signals(refine_rounds=0)) != kept  # the second look moves some


def test_the_collector_is_paused_for_a_run_and_left_as_it_was() -> None:
    import gc

    seen: list[bool] = []
    original = stories._group

    def spy(*args: object) -> dict[int, int]:
        seen.append(gc.isenabled())
        return original(*args)  # type: ignore[arg-type]

    docs = [StoryDoc(1, "Flood in Hue", "Heavy rain flooded the old city of Hue on Monday night, officials said.")]
    stories._group = spy  # type: ignore[assignment]
    try:
        assert gc.isenabled()
        assert group_into_stories(docs) == {1: -1}
        assert gc.isenabled()
        gc.disable()
        group_into_stories(docs)
        assert not gc.isenabled()  # an operator's own choice is kept
    finally:
        gc.enable()
        stories._group = original  # type: ignore[assignment]
    assert seen == [False, False]


@pytest.mark.parametrize("drop", [False, True])
def test_unit_rows_empty_short_docs_and_scale_the_rest_to_unit_length(drop: bool) -> None:
    rng = np.random.default_rng(5)
    dense = rng.random((30, 50)).astype(np.float32) * (rng.random((30, 50)) < 0.4)
    dense[[4, 9]] = 0  # empty rows
    keep = rng.random(30) < 0.7 if drop else np.ones(30, dtype=bool)
    ours = stories._unit_rows(sparse.csr_matrix(dense), keep).toarray()
    expected = dense * keep[:, None]
    norms = np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(ours, expected / np.where(norms == 0, 1, norms), atol=1e-6)
    assert ours.shape == dense.shape and not ours[~keep].any()


@pytest.mark.parametrize("block_entries", [1 << 22, 100, 1])
def test_similarities_are_the_pruned_product(monkeypatch: pytest.MonkeyPatch, block_entries: int) -> None:
    """In blocks of a bounded size, the similarities must be ``rows @ matrix.T`` pruned below ``MIN_SIMILARITY``."""
    monkeypatch.setattr(stories, "BLOCK_ENTRIES", block_entries)
    rng = np.random.default_rng(7)
    dense = (rng.random((60, 40)) * (rng.random((60, 40)) < 0.2)).astype(np.float32)
    dense[[3, 50]] = 0  # docs without a feature
    matrix = sparse.csr_matrix(dense)
    expected = dense[45:] @ dense.T
    expected[expected < stories.MIN_SIMILARITY] = 0
    ours = stories.similarities(matrix[45:], matrix)
    assert ours.shape == expected.shape and np.allclose(ours.toarray(), expected, atol=1e-6)
    assert ours.nnz == np.count_nonzero(expected)
    assert stories.similarities(matrix[:0], matrix).shape == (0, 60)


@pytest.mark.parametrize("block_entries", [1 << 18, 37, 1])
def test_outlet_rule_weighed_in_blocks_is_the_rule_over_every_similarity(
    monkeypatch: pytest.MonkeyPatch, block_entries: int
) -> None:
    """``_Similar.of`` weighs the similarities a block of rows at a time (its temporaries stay small): whatever the
    block size, a similarity counts ``SAME_OUTLET_FACTOR`` exactly where the whole-matrix rule says (same outlet,
    within ``SAME_OUTLET_SPAN`` or undated, the row's doc not exempt)."""
    monkeypatch.setattr(stories, "OUTLET_BLOCK_ENTRIES", block_entries)
    rng = np.random.default_rng(11)
    docs, start = 90, 30
    dense = (rng.random((docs - start, docs)) * (rng.random((docs - start, docs)) < 0.3)).astype(np.float32)
    dense[[4, 40]] = 0  # rows without a similarity
    sims = sparse.csr_matrix(dense)
    day = timedelta(days=1) // timedelta(microseconds=1)
    times = rng.integers(0, 4 * day, docs)
    times[rng.random(docs) < 0.1] = stories._UNDATED
    outlets = rng.integers(-1, 5, docs)
    clusters = SimpleNamespace(outlets=outlets, times=times)
    exempt = rng.random(docs - start) < 0.2
    similar = stories._Similar.of(sims, start, clusters, stories.ALL_SIGNALS, exempt)  # type: ignore[arg-type]

    row_of = np.repeat(np.arange(docs - start), np.diff(sims.indptr))
    doc, other = start + row_of, sims.indices
    span = stories.SAME_OUTLET_SPAN // timedelta(microseconds=1)
    dated = (times[doc] != stories._UNDATED) & (times[other] != stories._UNDATED)
    same = (~exempt[row_of]) & (outlets[doc] >= 0) & (outlets[doc] == outlets[other])
    same &= ~(dated & (np.abs(times[other] - times[doc]) > span))
    assert same.any() and not same.all()
    raw = sims.data.astype(np.float64)
    assert similar.raw.tolist() == raw.tolist()
    assert similar.weighted.tolist() == np.where(same, raw * stories.SAME_OUTLET_FACTOR, raw).tolist()
    assert similar.any_same.tolist() == (np.bincount(row_of[same], minlength=docs - start) > 0).tolist()


def test_lowercasing_one_character_to_one_keeps_its_kind_for_the_word_pattern() -> None:
    """A doc's word count is read off its lowercased tokens when lowercasing keeps the length: that holds only if
    no character that lowercases to one character changes kind (word or not, letter or not). Every code point."""
    single = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if len(c.lower()) == 1)
    lowered = single.lower()
    assert len(lowered) == len(single)
    for kind in (r"[^\W\d_]", r"\w"):
        pattern = re.compile(kind)
        assert [m.start() for m in pattern.finditer(single)] == [m.start() for m in pattern.finditer(lowered)]


@pytest.mark.parametrize(
    "title",
    ["Quake hits Nepal", "", "İstanbul ǅemal ΣΟΦΟΣ", "ΟΔΟΣ Σ", "x_y 42 ab12 a-b", "Ḟ ẞ Ⅻ ＡＢ"],
)
@pytest.mark.parametrize("body", ["", "A body of words, 3 numbers and İzmir. ΚΑΛΟΣ", "snake_case 9lives ÀÉ ǈǋ ﬃ"])
def test_word_count_read_off_the_tokens_is_the_written_count(title: str, body: str) -> None:
    tokens, count = stories._words_and_count(title, body)
    assert tokens == stories._words(f"{title}\n{title}\n{body}")
    assert count == len(stories._WORD.findall(f"{title} {body}"))


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_word_count_read_off_the_tokens_on_any_text(title: str, body: str) -> None:
    tokens, count = stories._words_and_count(title, body)
    assert tokens == stories._words(f"{title}\n{title}\n{body}")
    assert count == len(stories._WORD.findall(f"{title} {body}"))


_DATE_PIECES = ["Jan", "january", "MAY", "Sept.", "oct", "ſept", "december", " ", "  ", "\n", ",", ".", "-", "/"]
_DATE_PIECES += ["1", "07", "15th", "31", "2008", "1999", "20", "of", "ngày", "١٢", "x", "_", "3,500", "1.5", "A"]


@settings(max_examples=400, deadline=None)
@example("On Sept. 15th, 2008, 3,500 of 1.5 and 7; ſept 1 1999 was not 12 MAY 2001")
@given(st.lists(st.sampled_from(_DATE_PIECES) | st.text(max_size=3), max_size=40).map("".join))
def test_date_and_number_patterns_with_their_lookaheads_match_as_without(text: str) -> None:
    """The first-character lookaheads of the month-day-year and number patterns only let the regex engine skip
    positions faster: every match (place, groups) must be the pattern's without them."""
    from newsloom.enrich import story_signals

    plain_months = re.compile(story_signals._MONTH_DAY_YEAR.pattern.removeprefix("(?=[jfmasond])"), re.IGNORECASE)
    plain_numbers = re.compile(r"(?<![\w.])\d[\d,.]*\d|\b\d\b")
    for ours, plain in ((story_signals._MONTH_DAY_YEAR, plain_months), (story_signals._NUMBER, plain_numbers)):
        found = [(m.span(), m.groups()) for m in ours.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in plain.finditer(text)]
    assert story_signals._MONTH_DAY_YEAR.pattern != plain_months.pattern


def test_a_crawlers_rounds_with_kept_pages_group_as_fresh_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rounds as a crawler makes them (the store lists the window newest first; last round's new docs are now in
    stories or checked; the oldest leave; a text is edited): every round with what the stage kept (vocabularies
    renumbered often) groups as a fresh process does, and its vectors are the plain ones."""
    monkeypatch.setattr(stories, "_PAGES", stories._PagesOfLastRun())
    monkeypatch.setattr(stories, "_COMPACT_AT", 10)
    docs = _chrome_window(60)
    for doc in docs:
        doc.checked = False
    window: list[StoryDoc] = []
    for round_number, start in enumerate(range(0, 60, 12)):
        window = [d for d in window if d.id >= start - 24] + docs[start : start + 12]
        if round_number == 2:
            window[3] = dataclasses.replace(window[3], text=window[3].text.replace("Town", "City"))
        listed = sorted(window, key=lambda d: (d.published, d.id), reverse=True)
        warm = group_into_stories(listed)
        kept = stories._PAGES
        monkeypatch.setattr(stories, "_PAGES", stories._PagesOfLastRun())
        assert group_into_stories(listed) == warm, round_number
        monkeypatch.setattr(stories, "_PAGES", kept)
        ordered = [d for d in listed if d.checked or d.story is not None]
        ordered += sorted((d for d in listed if not d.checked and d.story is None), key=lambda d: (d.published, d.id))
        _assert_same_vectors(stories.story_vectors(ordered), _plain_story_vectors(ordered, stories.ALL_SIGNALS))
        sizes = Counter(warm.values())
        for doc in window:
            if not doc.checked and doc.story is None:
                key = warm[doc.id]
                doc.story, doc.checked = (abs(key) + 1000, False) if sizes[key] > 1 else (None, True)


def test_adding_the_fixed_docs_at_once_is_adding_them_in_turn() -> None:
    """The window's fixed docs go into their stories in one pass; stories, slots and each story's dates (equal
    dates and undated docs among them) must be what adding them one by one leaves."""
    docs = [StoryDoc(i, "", "", None if i % 7 == 0 else T0 + timedelta(hours=(i * 5) % 11)) for i in range(60)]
    keys = [(i * 3) % 13 - 6 for i in range(50)]
    at_once, in_turn = stories._Clusters(docs, [0] * 60), stories._Clusters(docs, [0] * 60)
    at_once.add_first(keys)
    for index, key in enumerate(keys):
        in_turn.add(index, key)
    assert at_once.label == in_turn.label and at_once.key_of_slot == in_turn.key_of_slot
    assert np.array_equal(at_once.slots, in_turn.slots) and at_once.members == in_turn.members
    assert {key: [id(d) for d in dates] for key, dates in at_once.dates.items()} == {
        key: [id(d) for d in dates] for key, dates in in_turn.dates.items()
    }


@settings(max_examples=400, deadline=None)
@example("Ngày 25/10/2024, NGÀY 3-4 và 12/16/08, 2008-12-16")
@given(st.lists(st.sampled_from([*_DATE_PIECES, "ngày", "NGÀY", "Ngày", "ngÀy"]) | st.text(max_size=3)).map("".join))
def test_date_patterns_are_skipped_only_on_texts_they_cannot_match(text: str) -> None:
    """``mentioned_dates`` runs the slashed, ISO and Vietnamese patterns only on texts with a slash, a hyphen,
    "ngày" in some case: each must be a condition of any match."""
    from newsloom.enrich import story_signals

    if story_signals._SLASHED.search(text):
        assert "/" in text
    if story_signals._ISO.search(text):
        assert "-" in text
    if story_signals._VIETNAMESE.search(text):
        assert "ngày" in text.lower() and ("/" in text or "-" in text)


def _two_arrests(first_id: int = 1) -> list[StoryDoc]:
    """Two look-alike events (two players of one team, each arrested on suspicion of drunk driving), three
    reports each, undated as ECB+ is: each report shares most words with the other event's reports."""
    docs = []
    for event, (who, sentences) in enumerate((("linebacker", MERRIMAN), ("receiver", JACKSON))):
        for report, kept in enumerate((sentences, sentences[:2], sentences[1:])):
            title = f"Chargers {who} arrested on DUI suspicion" + ("" if report == 0 else f" ({report})")
            docs.append(StoryDoc(first_id + 3 * event + report, title, " ".join(kept)))
    return docs


def test_a_story_of_two_look_alike_events_is_cut_in_two() -> None:
    whole = _groups(group_into_stories(_two_arrests(), signals=stories.Signals(split_mixed=False)))
    assert whole == [{1, 2, 3, 4, 5, 6}]  # the centroid test alone takes them as one story
    assert _groups(group_into_stories(_two_arrests())) == [{1, 2, 3}, {4, 5, 6}]


def test_a_cut_keeps_earlier_reports_in_their_story() -> None:
    docs = _two_arrests()
    for doc in docs[:2]:
        doc.story = 42  # two Merriman reports stored by an earlier run
    grouping = group_into_stories(docs)
    assert grouping[1] == grouping[2] == grouping[3] == 42
    assert grouping[4] == grouping[5] == grouping[6] < 0


def test_no_cut_parts_reports_of_an_earlier_run() -> None:
    docs = _two_arrests()
    for doc in (docs[0], docs[3]):
        doc.story = 42  # an earlier run put one report of each event in one story: it stays one
    grouping = group_into_stories(docs)
    assert set(grouping.values()) == {42}


def test_bisection_cuts_two_blocks_and_leaves_one_whole() -> None:
    rng = np.random.default_rng(12)
    first, second = np.zeros(40), np.zeros(40)
    first[:24], second[16:] = 1.0, 1.0  # two vocabularies sharing a third of their words

    def reports(centre: np.ndarray, count: int) -> np.ndarray:
        return centre * rng.random((count, 40))

    def unit(rows: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix(rows / np.linalg.norm(rows, axis=1, keepdims=True))

    two = unit(np.vstack([reports(first, 4), reports(second, 3)]))
    halves = stories._bisection(two, two)
    assert halves is not None and sorted(sorted(half.tolist()) for half in halves) == [[0, 1, 2, 3], [4, 5, 6]]
    one = unit(reports(first, 7))
    assert stories._bisection(one, one) is None
    assert stories._bisection(two, unit(reports(first, 7))) is None  # judged by names that are all alike: kept


def test_names_rows_are_the_names_part_as_unit_vectors() -> None:
    rows = sparse.csr_matrix(np.array([[0.6, 0.0, 0.8, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.6, 0.0, 0.8]]))
    names = stories._names_rows(rows, 2).toarray()
    assert np.allclose(names, [[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    assert stories._names_rows(rows, 4) is rows  # no names part: the whole rows judge


# Vietnamese writes a word as syllables set apart, and one syllable recurs in many unrelated words: 300 made-up
# syllables of Vietnamese onsets and rhymes
_SYLLABLES = [
    onset + rhyme
    for onset in ("b", "c", "d", "đ", "h", "l", "m", "n", "ng", "nh", "ph", "s", "t", "th", "tr")
    for rhyme in (
        "a",
        "an",
        "ang",
        "anh",
        "ao",
        "âm",
        "ân",
        "ên",
        "inh",
        "oa",
        "ong",
        "ông",
        "ơi",
        "ung",
        "ương",
        "ai",
        "ưa",
        "iêu",
        "uôn",
        "ăng",
    )
]


def _vietnamese_stream() -> list[StoryDoc]:
    """Thirty reports of thirty events, each of the same common syllables in its own order (its own words), and a
    second outlet's copy of the first report's opening: what one event's two reports share is words, not only
    syllables."""
    rng = random.Random(12)
    docs = []
    for i in range(30):
        words = [rng.choice(_SYLLABLES) for _ in range(150)]
        docs.append(
            StoryDoc(i, " ".join(words[:8]), " ".join(words[8:]), T0 + timedelta(hours=i), outlet="a", language="vi")
        )
    first = docs[0]
    docs.append(dataclasses.replace(first, id=50, text=first.text[:400], outlet="b"))
    return docs


def test_vietnamese_reports_are_compared_by_syllable_pairs() -> None:
    """Reports that share only syllables stay apart, and one event's two reports join; with syllables alone,
    every report looks like every other and they chain into one story."""
    groups = _groups(group_into_stories(_vietnamese_stream()))
    assert {0, 50} in groups
    assert all(len(members) == 1 for members in groups if members != {0, 50})
    without = _groups(group_into_stories(_vietnamese_stream(), signals=stories.Signals(syllable_pairs=False)))
    assert max(map(len, without)) > 2


def test_only_vietnamese_reports_get_syllable_pairs() -> None:
    docs = [StoryDoc(1, "Tiêu đề", "một hai", language=language) for language in ("vi", "vi-VN", "VI", "en", None)]
    assert [stories._syllabic(doc) for doc in docs] == [True, True, True, False, False]
    english = [dataclasses.replace(doc, language="en") for doc in _vietnamese_stream()]
    stories._PAGES = stories._PagesOfLastRun()
    plain = stories.story_vectors(english)
    paired = stories.story_vectors(_vietnamese_stream())
    assert paired.shape[1] > 2 * plain.shape[1]  # the pairs are columns of their own
    assert max(map(len, _groups(group_into_stories(english)))) > 2  # English text is read as words


def _syllable_words(rng: random.Random, count: int) -> list[str]:
    return [rng.choice(_SYLLABLES) for _ in range(count)]


def _similarity(docs: list[StoryDoc], first: int, second: int) -> float:
    stories._PAGES = stories._PagesOfLastRun()
    matrix = stories.story_vectors(docs)
    return float((matrix[first] @ matrix[second].T).toarray()[0, 0])


def _nothing_vietnamese(pending: list[StoryDoc], signals: stories.Signals) -> np.ndarray:
    return np.zeros(len(pending), dtype=bool)


def test_one_vietnamese_outlets_two_reports_of_an_event_join(monkeypatch: pytest.MonkeyPatch) -> None:
    """24h's live report and its video of one match, three hours apart: as alike as two outlets' reports, so the
    same-outlet rule (which halves their similarity) leaves Vietnamese reports alone."""
    rng = random.Random(8)
    shared = _syllable_words(rng, 90)
    live = StoryDoc(
        1, " ".join(shared[:8]), " ".join(shared + _syllable_words(rng, 110)), T0, outlet="24h", language="vi"
    )
    video = StoryDoc(
        2,
        " ".join(shared[4:12]),
        " ".join(_syllable_words(rng, 110) + shared),
        T0 + timedelta(hours=3),
        outlet="24h",
        language="vi",
    )
    others = [
        StoryDoc(10 + i, " ".join(words[:8]), " ".join(words), T0 + timedelta(hours=i), outlet="dt", language="vi")
        for i, words in enumerate(_syllable_words(rng, 200) for _ in range(8))
    ]
    docs = [live, video, *others]
    alike = _similarity(docs, 0, 1)
    assert alike * stories.SAME_OUTLET_FACTOR < stories.SYLLABIC_THRESHOLD <= alike  # halved, it would fall short
    grouping = group_into_stories(docs)
    assert grouping[1] == grouping[2]
    assert len(set(grouping.values())) == len(docs) - 1
    monkeypatch.setattr(stories, "_vietnamese", _nothing_vietnamese)
    halved = group_into_stories(docs)
    assert halved[1] != halved[2]


def test_a_vietnamese_report_joins_a_story_only_through_one_of_its_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """A story of four loosely related reports (one outlet's week of a war, 0.2 apart) has a centroid alike enough
    to a fifth report that is alike to none of them; it takes the fifth only if one of its reports is alike to it
    as the story's threshold asks. A report close to one member joins."""
    rng = random.Random(5)
    topic = _syllable_words(rng, 60)
    members = []
    for i in range(4):
        own = _syllable_words(rng, 140)
        members.append(
            StoryDoc(
                i,
                " ".join(own[:6]),
                " ".join(topic + own),
                T0 + timedelta(hours=i),
                story=7,
                outlet=f"o{i}",
                language="vi",
            )
        )
    loose = StoryDoc(
        9,
        " ".join(_syllable_words(rng, 6)),
        " ".join(topic + _syllable_words(rng, 140)),
        T0 + timedelta(hours=5),
        outlet="x",
        language="vi",
    )
    docs = [*members, loose]
    assert all(_similarity(docs, 4, i) < stories.SYLLABIC_THRESHOLD for i in range(4))
    assert group_into_stories(docs)[9] != 7
    close = dataclasses.replace(loose, text=" ".join(topic) + " " + members[0].text, title=members[0].title)
    assert group_into_stories([*members, close])[9] == 7
    monkeypatch.setattr(stories, "_vietnamese", _nothing_vietnamese)
    assert group_into_stories(docs)[9] == 7  # the centroid alone takes it


def _stream_rows() -> list[dict]:
    path = corpus("vietnamese-stream") / "articles.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _stream_docs(rows: list[dict]) -> list[StoryDoc]:
    return [
        StoryDoc(
            i, row["title"], row["body"], datetime.fromisoformat(row["published"]), outlet=row["outlet"], language="vi"
        )
        for i, row in enumerate(rows)
    ]


@pytest.mark.corpus
def test_vietnamese_stream_groups_by_event() -> None:
    """The week of VnExpress, Dân trí and 24h (402 reports, most events one report): 0.934 (precision 0.986) when
    this was written; syllables alone gave 0.486, a story of 115 unrelated reports."""
    rows = _stream_rows()
    grouping = group_into_stories(_stream_docs(rows))
    gold = {i: row["event"] for i, row in enumerate(rows)}
    assert _bcubed_f1(grouping, gold) >= floor("stories", "vietnamese_stream_all_bcubed_f1")
    assert max(Counter(grouping.values()).values()) <= 5


@pytest.mark.corpus
def test_vietnamese_stream_test_events_group_by_event() -> None:
    """The benchmark's test half of the stream's events (seed 12, never tuned on): 0.909 (precision 0.994) when this
    was written. The floor follows this half, not the dev half the rules were chosen on (0.967)."""
    rows = _stream_rows()
    events = sorted({row["event"] for row in rows})
    random.Random(12).shuffle(events)
    test = set(events[len(events) // 2 :])
    rows = [row for row in rows if row["event"] in test]
    grouping = group_into_stories(_stream_docs(rows))
    gold = {i: row["event"] for i, row in enumerate(rows)}
    assert _bcubed_f1(grouping, gold) >= floor("stories", "vietnamese_stream_test_bcubed_f1")
    by_story: defaultdict[int, set[str]] = defaultdict(set)
    for doc_id, key in grouping.items():
        by_story[key].add(gold[doc_id])
    assert max(map(len, by_story.values())) <= 2  # no story gathers a topic's many events


def test_a_new_storys_central_report_is_the_one_most_alike_to_the_others() -> None:
    """A story's first report may be a side angle; its title comes from the report most alike to the rest."""
    brief = StoryDoc(
        1,
        "Airport in Nepal shut",
        QUAKE.format(m="6.1", place="Nepal", day="Tuesday", n=1000) + " The airport stayed shut and flights left late.",
        T0,
    )
    docs = [brief, _quake(2, "Nepal", 2), _quake(3, "Nepal", 3), *_filler()]
    central: dict[int, int] = {}
    grouping = group_into_stories(docs, central=central)
    assert grouping[1] == grouping[2] == grouping[3]
    assert central == {grouping[1]: 2}  # 2 and 3 are alike; of equals, the earlier
    pair: dict[int, int] = {}
    grouping = group_into_stories([_quake(4, "Peru", 0), _quake(5, "Peru", 1), *_filler()], central=pair)
    assert pair == {grouping[4]: 4}  # two reports: each as central as the other, so the first
