"""One tag per thing an article is about: entities found in the text merged with each other and with the
publisher's tags.

- Titles and honorifics are not part of a name ("Tổng thống Putin", "President Putin" -> "Putin").
- The names of one entity across spellings and languages are one tag (``aliases.py``: "Mỹ", "Hoa Kỳ", "U.S." are
  United States; "Trump" is Donald Trump where the article names no other Trump).
- A short name is the long one when the article itself links them: "Putin" is "Vladimir Putin" in an article that
  names Vladimir Putin (the short form is the long one's last word, as news style refers back to people); the
  tag keeps the full name.
- Case and diacritics do not make two tags ("HÀ NỘI", "Hà Nội"); the most frequent spelling, longest first, wins.
- A place in capitals is a dateline ("WASHINGTON (AP) —"), not a subject: it makes no tag.
- An entity becomes a tag when it is in the title or lead (as whole words), or named at least twice; at most
  ``MAX_ENTITIES``.
- A publisher tag naming an entity takes its kind (and its full name); every other publisher tag is a topic.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from newsloom.enrich.tags.aliases import canonical_tag, is_abbreviation, known_by_surname, known_entity
from newsloom.enrich.tags.clean import is_noise
from newsloom.enrich.tags.ner import Entity
from newsloom.section_scheme import fold
from newsloom.size_caps import MAX_TAGS

MAX_ENTITIES = 8
_TITLES = sorted(
    (
        "tổng thống",
        "thủ tướng",
        "phó thủ tướng",
        "chủ tịch",
        "phó chủ tịch",
        "chủ tịch nước",
        "tổng bí thư",
        "bộ trưởng",
        "thứ trưởng",
        "giám đốc",
        "tổng giám đốc",
        "ông",
        "bà",
        "anh",
        "chị",
        "cô",
        "thầy",
        "bác sĩ",
        "tiến sĩ",
        "giáo sư",
        "đại tướng",
        "thượng tướng",
        "trung tướng",
        "thiếu tướng",
        "đại tá",
        "ca sĩ",
        "nghệ sĩ",
        "cầu thủ",
        "huấn luyện viên",
        "hlv",
        "president",
        "vice president",
        "prime minister",
        "chancellor",
        "minister",
        "secretary",
        "senator",
        "sen.",
        "rep.",
        "representative",
        "governor",
        "gov.",
        "mayor",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "dr",
        "dr.",
        "sir",
        "dame",
        "lord",
        "lady",
        "judge",
        "justice",
        "general",
        "gen.",
        "coach",
        "ceo",
        "chairman",
        "spokesman",
        "spokeswoman",
        "former",
        "late",
        "u.s.",
        "us",
        "russian",
        "chinese",
        "ukrainian",
        "french",
        "german",
        "british",
        "american",
        "israeli",
        "iranian",
    ),
    key=len,
    reverse=True,
)
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def clean_name(name: str) -> str:
    """ "President Vladimir Putin's" -> "Vladimir Putin"; "Tổng thống Putin" -> "Putin"."""
    name = " ".join(name.split())
    name = re.sub(r"(?:'s|’s)$", "", name)
    changed = True
    while changed:
        changed = False
        lowered = name.casefold()
        for title in _TITLES:
            if lowered.startswith(title + " ") and len(name) > len(title) + 1:
                name = name[len(title) + 1 :].lstrip()
                changed = True
                break
    if name[:4].casefold() == "the " and len(name) > 4:
        name = name[4:]  # "the United States", "the Bank of Canada"
    stripped = _EDGE.sub("", name)
    return stripped + "." if name.endswith(".") and "." in stripped else stripped  # "U.S." keeps its last dot


def _usable(name: str) -> bool:
    folded = fold(name)
    return len(folded) >= 2 and not folded.isdigit() and not is_noise(name) and len(name) <= 60


def is_dateline(name: str, kind: str) -> bool:
    """A place in capitals, as a dateline opens a report ("WASHINGTON (AP) —", "HÀ NỘI -"): where it was filed,
    not what it is about. Acronyms (NATO, ASEAN) are organisations, and a place's abbreviation (TPHCM) is no
    dateline (``aliases.is_abbreviation``)."""
    return kind == "place" and name.upper() == name and sum(ch.isalpha() for ch in name) >= 5


_DATELINE = re.compile(r"^\s*([^\W\d_][^()\-–—:\n]{1,60}?)\s*(?:\([^)]{1,40}\))?\s*[-–—:]\s")


def strip_dateline(text: str) -> str:
    """``text`` without the dateline it opens with, if any ("WASHINGTON (AP) — The ..." -> "The ...")."""
    match = _DATELINE.match(text)
    if match is None:
        return text
    place = match.group(1).split(",")[0].strip()
    return text[match.end() :] if place.upper() == place and any(ch.isalpha() for ch in place) else text


class _Headline:
    """Whether a name is in the title or lead: as whole words (the folded "nga", Russia, is not in "ngày"), or, for
    a long name, anywhere in the folded text."""

    def __init__(self, title: str, lead: str | None) -> None:
        text = f"{title} {strip_dateline(lead or '')}"
        words = [folded for word in re.findall(r"\w+", text) if (folded := fold(word))]
        self.runs = {"".join(words[i : i + n]) for n in range(1, 6) for i in range(len(words) - n + 1)}
        self.folded = "".join(words)

    def names(self, form: str) -> bool:
        return form in self.runs or (len(form) >= 8 and form in self.folded)


def merge_tags(
    publisher_tags: list[str], entities: list[Entity], title: str, lead: str | None
) -> tuple[list[str], dict[str, str]]:
    """The article's tags (publisher's first, then entities) and each one's kind."""
    mentions: Counter[tuple[str, str]] = Counter()  # (kind, folded) -> count
    spellings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    forms: dict[tuple[str, str], set[str]] = defaultdict(set)  # the folded names the article used for each key
    for entity in entities:
        name = clean_name(entity.text)
        if not _usable(name):
            continue
        kind = entity.kind
        entity_known = known_entity(name, kind)
        if is_dateline(name, entity_known.kind if entity_known else kind) and not is_abbreviation(name):
            continue
        forms_of = fold(name)
        if entity_known is not None:  # "Mỹ", "Hoa Kỳ", "U.S." are United States, whatever kind the model said
            name, kind = entity_known.name, entity_known.kind
        key = (kind, fold(name))
        mentions[key] += 1
        spellings[key][name] += 1
        forms[key].add(forms_of)
    _join_short_names(mentions, spellings, forms)
    headline = _Headline(title, lead)
    chosen = []
    for key, count in mentions.most_common():
        display = max(spellings[key].items(), key=lambda item: (item[1], len(item[0])))[0]
        short = fold(display.split()[-1]) if key[0] == "person" else key[1]
        in_headline = any(headline.names(form) for form in forms[key])
        if count >= 2 or in_headline or (key[0] == "person" and len(short) > 3 and headline.names(short)):
            chosen.append((key, display))
        if len(chosen) >= MAX_ENTITIES:
            break
    tags: list[str] = []
    kinds: dict[str, str] = {}
    by_fold = {key[1]: (key, display) for key, display in chosen}
    by_short = {fold(display.split()[-1]): (key, display) for key, display in chosen if key[0] == "person"}
    used: set[str] = set()
    for tag in publisher_tags:
        if is_noise(tag):
            continue
        tag, known_kind = canonical_tag(tag)  # the tag as the publisher wrote it: "US Open" is no title and a name
        folded = fold(clean_name(tag) or tag)
        match = by_fold.get(folded) or by_short.get(folded)
        if match is not None:
            key, display = match
            if display not in kinds:
                tags.append(display)
                kinds[display] = key[0]
            used.add(key[1])
        elif fold(tag) not in {fold(seen) for seen in kinds}:  # "US politics" beside "Politics" is its own
            tags.append(tag)
            kinds[tag] = known_kind or "topic"
    listed = {fold(tag) for tag in tags}
    tags = tags[: MAX_TAGS - len(chosen)] if len(tags) + len(chosen) > MAX_TAGS else tags  # room for entities
    for key, display in chosen:
        if key[1] not in used and key[1] not in listed:
            tags.append(display)
            kinds[display] = key[0]
            listed.add(key[1])
    return tags, kinds


Key = tuple[str, str]


def _join_short_names(mentions: Counter[Key], spellings: dict[Key, Counter[str]], forms: dict[Key, set[str]]) -> None:
    """One-word names folded into the person the article names in full: "Putin" -> "Vladimir Putin", "Kamala" ->
    "Kamala Harris" (whatever kind the model gave the short form: "Trump" is often tagged an organisation); then a
    bare surname news uses for one person ("Trump", "Putin") is that person, where the article names no other of
    that name, or names that person among others (Donald and Eric Trump: "Trump" is Donald)."""
    full_names = {key: spellings[key].most_common(1)[0][0] for key in mentions}
    people = [key for key in mentions if key[0] == "person" and len(full_names[key].split()) > 1]
    for key in list(mentions):
        if len(full_names[key].split()) != 1:
            continue
        longer = [
            other
            for other in people
            if other != key and key[1] in (fold(full_names[other].split()[-1]), fold(full_names[other].split()[0]))
        ]
        target: Key | None = None
        person = known_by_surname(full_names[key])
        if person is not None:  # a surname news uses alone joins a full name by its last word ("Trump Organization")
            longer = [other for other in longer if key[1] == fold(full_names[other].split()[-1])]
        if len(longer) == 1:  # only when unambiguous: two Trumps in one article stay apart
            target = longer[0]
        elif person is not None and (not longer or ("person", fold(person.name)) in longer):
            # ... unless one of them is the one news calls by the bare name: "Trump" beside Eric Trump is Donald
            target = ("person", fold(person.name))
            spellings[target][person.name] += 0
        if target is None:
            continue
        # The full name stays the tag's name however often the short one was used: one tag across articles.
        mentions[target] += mentions.pop(key)
        spellings.pop(key)
        forms[target] |= forms.pop(key)
