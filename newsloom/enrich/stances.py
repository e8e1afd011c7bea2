"""Stance sentences: an actor denies, refutes, rejects or confirms a report or a claim, in English and Vietnamese,
with the actor and, where named, whose report ("Kremlin spokesman Dmitry Peskov denied a Wall Street Journal
report", "Ukraine denies Russian claims", "Bộ Y tế bác bỏ thông tin …", "Sứ quán Anh xác nhận việc …").

Rule-based, verb first. Each stance verb is read with what stands around it:

- *deny / refute / phủ nhận* are stances in themselves: a denial unless the object is something withheld ("denied
  bail", "deny him the chance", "a tackle denying a try") or the verb is not asserted ("did not deny", "refused to
  deny", "hard to deny", "challenged him to deny", "if …", "không thể phủ nhận");
- *reject / dismiss / rebuff / bác bỏ* are stances only over a claim-like object ("rejected accusations",
  "dismissed reports", "bác bỏ thông tin / cáo buộc / điều này"); "rejected calls / a bid / the plan" are not;
- *confirm / xác nhận* are confirmations when an actor (not "the decision", "data", "which") asserts them, not in
  the passive without an agent ("was confirmed Wednesday", "được xác nhận"), not as a noun ("giấy xác nhận") and not
  as a purpose ("DNA testing to confirm"); in Vietnamese only a person or a body confirms (a name, a pronoun, a
  role or an institution heads the subject): "xác nhận" after anything else certifies a paper.

The rules were written against the dev half of ``bench/disputes_labelled.jsonl`` only (``bench/disputes_bench.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from newsloom.enrich import stance_filter


class StanceKind(StrEnum):
    DENIAL = "denial"
    CONFIRMATION = "confirmation"


@dataclass(frozen=True, slots=True)
class Stance:
    kind: StanceKind
    sentence: str
    actor: str | None
    whose: str | None  # the report's author where the sentence names it ("Wall Street Journal", "Russian")


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ỸĐ\"“])|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def find_stances(text: str, language: str | None = None) -> list[Stance]:
    """Every denial or confirmation of a report or claim in ``text`` (English and Vietnamese rules both run
    unless ``language`` says which)."""
    english = language is None or not language.startswith("vi")
    vietnamese = language is None or language.startswith("vi")
    found = []
    for sentence in sentences(text):
        stance = _english(sentence) if english else None
        if stance is None and vietnamese:
            stance = _vietnamese(sentence)
        if stance is not None:
            found.append(stance)
    return found


# --- English -------------------------------------------------------------------------------------------------------

_EN_VERB = re.compile(
    r"\b(?P<verb>(?P<deny>den(?:y|ies|ied|ying))|(?P<refute>refut(?:e|es|ed|ing))|"
    r"(?P<reject>reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|rebuff(?:s|ed|ing)?)|(?P<confirm>confirm(?:s|ed|ing)?))\b",
    re.IGNORECASE,
)
# claims, reports and their kin: what a reject/dismiss verb must govern to be a stance
_CLAIM = (
    r"(?:claims?|allegations?|accusations?|reports?|suggestions?|contentions?|assertions?|rumou?rs?|speculation|"
    r"stor(?:y|ies)|predictions?|charges?|notion|wrongdoing|involvement|links?|knowledge|responsibility)"
)
_EN_CLAIM_OBJECT = re.compile(rf"^\s*(?:[\w'’.,-]+\s+){{0,5}}?{_CLAIM}\b", re.IGNORECASE)
# what "deny" takes when it withholds rather than disputes: "denied bail", "deny him the right", "deny a quorum"
_EN_WITHHELD = re.compile(
    r"^\s*(?:(?:him|her|them|me|us|you|it|people|\w+s)\s+(?:a|an|the|any|his|her|their|its)?\s*)?"
    r"(?:(?:a|an|the|any|his|her|their|its|further|certain)\s+)*"
    r"(?:entry|access|bail|visas?|permission|requests?|appeals?|applications?|chances?|opportunit(?:y|ies)|rights?|"
    r"coverage|time|quorum|funding|funds|service|try|goal|space|tenure|choice|relief|petitions?|benefits?)\b",
    re.IGNORECASE,
)
_EN_OBJECT_PERSON = re.compile(r"^\s*(?:him|her|them|me|us)\b", re.IGNORECASE)
_EN_NOT_ASSERTED = re.compile(
    r"(?:\b(?:not|never|no|nor|neither|cannot|without|if|whether|unless|refused|declined|failed|yet|unable|"
    r"refusing|declining|failing|hard|difficult|impossible|too early|challenged|urged|asked|pleaded|called on|"
    r"will|would|could|can|may|might|should|must|expected|likely|set|going|able|wants?|wanted|trying|tried|"
    r"seeks?|sought)\b|n't)\s+(?:(?:\w+\s+){0,3}?to\s+)?(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
_EN_PURPOSE = re.compile(r"\bto\s+(?:\w+\s+){0,1}$", re.IGNORECASE)
_EN_ASSERTED_TO = re.compile(r"\b(?:forced|quick|quickly|moved|rushed|hastened|was quick|were quick)\s+to\s+$", re.I)
_EN_PASSIVE = re.compile(r"\b(?:was|were|been|being|be|is|are|'s)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_EN_AGENT = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:by\s+(?P<by>(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)|in\s+"
    r"(?P<statement>an?\s+(?:\w+\s+)?statement))",
)
_EN_IT_DENIED = re.compile(r"^\s*(?:[,.;:]|$|but\b|and\b|by\b)")
# subjects that hold no stance of their own: "the decision confirms", "data confirms", "which confirmed"
_EN_NOT_ACTOR = re.compile(
    r"\b(?:which|decision|ruling|verdict|data|figures|statistics|results?|findings?|study|research|evidence|tests?|"
    r"analysis|entry|records?|documents?|survey|polls?|footage|images?|win|victory|move|predictions|"
    r"it|this|that)\s+(?:\w+ly\s+|also\s+|has\s+|have\s+|had\s+|'s\s+)*$",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"[A-ZÀ-ỸĐ][\w'’.-]*(?:\s+(?:of|the|de)?\s*[A-ZÀ-ỸĐ][\w'’.-]*)*")
_WHOSE_AFTER = re.compile(
    r"^\s*(?:by|from|in|of|published by|carried by)\s+(?:the\s+)?(?P<name>[A-ZÀ-ỸĐ][\w'’.-]*(?:\s+[A-ZÀ-ỸĐ][\w'’.-]*)*)"
)


def _english(sentence: str) -> Stance | None:
    for match in _EN_VERB.finditer(sentence):
        before, after = sentence[: match.start()], sentence[match.end() :]
        if _EN_NOT_ASSERTED.search(before) and not _EN_ASSERTED_TO.search(before):
            continue
        if _EN_PURPOSE.search(before) and not _EN_ASSERTED_TO.search(before):
            continue
        passive = _EN_PASSIVE.search(before) is not None and not match.group("verb").casefold().endswith("ing")
        stance = _english_passive(match, before, after) if passive else None
        if stance is None and not passive:
            stance = _english_active(match, before, after)
        if stance is not None:
            return Stance(stance[0], sentence, stance[1], stance[2])
    return None


def _english_active(match: re.Match[str], before: str, after: str) -> tuple[StanceKind, str | None, str | None] | None:
    claim = _EN_CLAIM_OBJECT.match(after)
    whose = _whose_english(after[: claim.end()], after[claim.end() :]) if claim else None
    if match.group("confirm"):
        if _EN_NOT_ACTOR.search(before) or re.match(r"\s*or\s+deny", after, re.I):
            return None
        return StanceKind.CONFIRMATION, _actor_english(before), whose
    if match.group("reject") and not claim:
        return None
    if match.group("reject") and re.search(r"\b(?:court|judge|jury|panel)\b", before, re.I):
        return None  # a court dismissing charges ends a case; it disputes no report
    if _EN_WITHHELD.match(after) or (match.group("deny") and _EN_OBJECT_PERSON.match(after)):
        return None
    if _EN_NOT_ACTOR.search(before) and not match.group("deny"):
        return None
    return StanceKind.DENIAL, _actor_english(before), whose


def _english_passive(match: re.Match[str], before: str, after: str) -> tuple[StanceKind, str | None, str | None] | None:
    """'That charge was denied by Mr Mandelson', 'was confirmed in a family statement', 'It was immediately denied';
    not 'was denied bail', 'was confirmed Wednesday'."""
    agent = _EN_AGENT.match(after)
    kind = StanceKind.CONFIRMATION if match.group("confirm") else StanceKind.DENIAL
    claim = re.search(rf"(?:(?P<name>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*)['’]s\s+)?(?:\w+\s+)?{_CLAIM}\b", before)
    if agent is not None:
        whose = claim.group("name") if claim is not None and kind is StanceKind.DENIAL else None
        return kind, (agent.group("by") or agent.group("statement")).rstrip("."), whose
    if (
        match.group("deny")
        and _EN_IT_DENIED.match(after)
        and re.search(r"\b(?:it|this|that|claim|report)\b", before, re.I)
    ):
        return kind, None, None
    return None


def _whose_english(object_words: str, after: str) -> str | None:
    names = [m.group(0) for m in _CAPITALISED.finditer(object_words)]
    if names:
        return names[-1].removesuffix("'s").removesuffix("’s")
    match = _WHOSE_AFTER.match(after)
    return match.group("name") if match else None


_EN_LEAD = re.compile(
    r"^(?:(?:but|however|and|yet|so|meanwhile|earlier|later|instead|still|now|then|also|though|although|while)\b[\s,]*)+",
    re.IGNORECASE,
)
_EN_TAIL = re.compile(
    r"(?:\s+(?:has|have|had|is|are|was|were|also|again|later|earlier|repeatedly|continually|always|quickly|strongly|flatly|publicly|"
    r"emphatically|immediately|vehemently|steadfastly|firmly|categorically|totally|now|today|yesterday|"
    r"(?:on|last|this)\s+(?:\w+\s+)?\d{0,2}|on\s+[A-Z][a-z]+\s+\d{1,2}|(?:on\s+)?(?:Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday)|last\s+week|this\s+morning|\w+ly)\s*)+$"
)


def _actor_english(before: str) -> str | None:
    """The subject in front of the stance verb: the last clause, less its lead-in words and trailing adverbs;
    for a verb that shares its subject ("hailed growth but denied …", "…, dismissing predictions") the sentence's
    own subject."""
    clauses = re.split(
        r"[:“\"(;—]|\s-\s|\b(?:but|while|although|though|after|before|when|because|since|as|if|which|who|that)\s+",
        before,
    )
    clause = clauses[-1]
    segments = [_EN_TAIL.sub("", _EN_LEAD.sub("", part.strip()).strip(" ,")).strip(" ,") for part in clause.split(",")]
    subject = next((part for part in reversed(segments) if part), "")
    if not subject or re.search(r",\s*$", before):
        subject = _leading_subject(before)
    return subject or None


def _leading_subject(sentence: str) -> str:
    """'The chancellor also hailed …' → 'The chancellor': the words before the sentence's first verb-like word."""
    match = re.match(
        r"^\s*(?P<subject>(?:[\w'’.-]+\s+){0,6}?[\w'’.-]+)\s+(?:also\s+|has\s+|have\s+|had\s+)?"
        r"(?:said|says|told|\w+ed|is|are|was|were|will|would|remains?)\b",
        sentence,
    )
    if match is None:
        return ""
    return _EN_LEAD.sub("", match.group("subject")).strip(" ,")


# --- Vietnamese ----------------------------------------------------------------------------------------------------

_VI_VERB = re.compile(
    r"(?P<verb>(?P<deny>phủ nhận|bác tin|cải chính)|(?P<reject>bác bỏ)|(?P<confirm>xác nhận))", re.IGNORECASE
)
# what a report or claim is called: a denial's object ("bác bỏ thông tin …"), or what a passive one rejected
_VI_CLAIM_NOUN = (
    r"(?:thông tin|tin|tin đồn|đồn đoán|lời đồn|cáo buộc|cáo trạng|buộc tội|luận điểm|lập luận|ý kiến cho rằng|"
    r"nhận định|kết luận|ý kiến|sự liên quan|mối liên hệ|báo cáo|dẫn chứng|trách nhiệm|bài báo|tuyên bố|luận điệu|câu chuyện|chuyện|điều này|điều đó|"
    r"điều trên|mọi chuyện|khả năng|những lời|lời)(?:\s|$|[,.;:])"
)
_VI_CLAIM = re.compile(r"^\s*(?:\S+\s+){0,3}?" + _VI_CLAIM_NOUN, re.IGNORECASE)
_VI_NAMES_CLAIM = re.compile(_VI_CLAIM_NOUN, re.IGNORECASE)
_VI_WITHHELD = re.compile(
    r"^\s*(?:\S+\s+){0,2}?(?:yêu cầu|đề xuất|đề nghị|lời kêu gọi|kế hoạch|hiến pháp|hiệp ước|"
    r"dự thảo|phán quyết|kháng cáo|chứng cứ|sự lựa chọn)",
    re.IGNORECASE,
)
_VI_NOT_ASSERTED = re.compile(
    r"(?:không|chưa|chẳng|chớ|đừng|nếu|khó|muốn|từ chối|để|sẽ|có thể|phải|hãy|yêu cầu|đòi)\s+(?:\S+\s+){0,2}$",
    re.IGNORECASE,
)
# "xác nhận" as a thing, not an act: "giấy xác nhận", "ký xác nhận", "xác nhận khống", "có xác nhận"
_VI_CONFIRM_NOUN = re.compile(
    r"(?:giấy|giấy tờ|ký|sự|có|văn bản|xin|hình thức|bản tường trình|hành vi|lời|đăng|số người|chứng thực,|dấu|tái)\s+$",
    re.IGNORECASE,
)
_VI_NOT_ACTOR = re.compile(
    r"(?:phát hiện|kết quả|nghiên cứu|dữ liệu|số liệu|visa|hệ thống|quyết định|phán quyết|chứng nhận)\s+(?:\S+\s+){0,4}$",
    re.IGNORECASE,
)
_VI_WHOSE = re.compile(
    r"^\s*(?:(?:này|đó|trên)\s+)?(?:mà|do|của|từ|theo)\s+(?:tờ|báo|hãng|đài|trang|phía)?\s*"
    r"(?P<name>\w[\w'’.-]*(?:\s+\w[\w'’.-]*){0,4})"
)

# "cáo buộc trốn thuế của báo Tuổi Trẻ": further off, only a named outlet ("của X" alone may be the accused)
_VI_WHOSE_OUTLET = re.compile(
    r"^\s*(?:\S+\s+){0,4}?(?:mà|do|của|từ|theo)\s+(?:tờ|báo|hãng|đài|trang)\s+(?P<name>\w[\w'’.-]*(?:\s+\w[\w'’.-]*){0,4})"
)


def _whose_vietnamese(after_object: str) -> str | None:
    """'cáo buộc này của SCO' → 'SCO'; a name is capitalised word by word ('báo Tuổi Trẻ đưa' → 'Tuổi Trẻ')."""
    match = _VI_WHOSE.match(after_object) or _VI_WHOSE_OUTLET.match(after_object)
    if match is None:
        return None
    words = []
    for word in match.group("name").split():
        if not word[0].isupper():
            break
        words.append(word)
    return " ".join(words).rstrip(".") or None


# the verb in a request, a condition or an attempt: "nhờ bà Bích xác nhận", "nếu kẻ gian cố gắng phủ nhận"
_VI_UNREAL = re.compile(r"(?:^|\s)(?:nhờ|nếu|cố gắng)\s+[^,;:.!?]*$", re.IGNORECASE)
_VI_BARE = re.compile(r"^\s*(?:[.!;]?\s*$|:|,?\s*(?:đồng thời|và)\s)", re.IGNORECASE)
_VI_PASSIVE_AGENT = re.compile(
    r"(?P<patient>[^,;:.!?]*)\bbị\s+(?!cáo\b|can\b|hại\b|đơn\b)[^,;:.!?]*$", re.IGNORECASE
)  # "bị cáo", "bị can", "bị hại", "bị đơn" are people (the accused, the victim, the defendant), not a passive


def _vietnamese(sentence: str) -> Stance | None:
    """The rules' stance, kept if the learned filter (``stance_filter``, where its weights ship) agrees."""
    stance = vietnamese_rules(sentence)
    if stance is None or (model := stance_filter.loaded()) is None:
        return stance
    return stance if model.keeps(vietnamese_features(sentence, stance)) else None


def vietnamese_features(sentence: str, stance: Stance | None) -> dict[str, float]:
    """The filter's features of a sentence, given the stance the rules found in it (if any)."""
    first = next(_VI_VERB.finditer(sentence), None)
    if first is None:
        return {}
    before, after = sentence[: first.start()], sentence[first.end() :]
    actor = stance.actor if stance is not None else None
    cues = stance_filter.Cues(
        claim=_VI_CLAIM.match(after) is not None,
        bare=_VI_BARE.match(after) is not None,
        actor=actor,
        actor_is_agent=actor is not None and _can_confirm(actor, sentence),
    )
    return stance_filter.features(first.group(0), before, after, cues)


def vietnamese_rules(sentence: str) -> Stance | None:
    """The Vietnamese rules alone."""
    for match in _VI_VERB.finditer(sentence):
        before, after = sentence[: match.start()], sentence[match.end() :]
        if re.search(r"\bchính\s+$", before, re.IGNORECASE):  # "Chính phủ nhận định": the government notes
            continue
        if _VI_NOT_ASSERTED.search(before) or re.search(r"(?:được|bị)\s+$", before, re.IGNORECASE):
            continue
        if _VI_UNREAL.search(before):
            continue
        if match.group("confirm"):
            stance = _vietnamese_confirmation(sentence, before, after)
        else:
            stance = _vietnamese_denial(match, sentence, before, after)
        if stance is not None:
            return stance
    return None


def _vietnamese_confirmation(sentence: str, before: str, after: str) -> Stance | None:
    if re.search(r"\btheo\s+$", before, re.IGNORECASE):  # "Theo xác nhận của BS Trần Công Ngãi, …"
        agent = re.match(r"\s*của\s+(?P<name>[^,.:;]+)", after)
        return Stance(StanceKind.CONFIRMATION, sentence, agent.group("name").strip() if agent else None, None)
    if _VI_CONFIRM_NOUN.search(before) or _VI_NOT_ACTOR.search(before):
        return None
    actor = _actor_vietnamese(before)
    return Stance(StanceKind.CONFIRMATION, sentence, actor, None) if actor and _can_confirm(actor, sentence) else None


# who can confirm a report: a person or a body. Vietnamese puts the head first ("Phát ngôn viên của hãng
# Microsoft"), so the actor's first words are read, after a quantifier; a name (a capitalised word that does not
# open the sentence) is an actor too. "xác nhận" with any other subject certifies a paper or names a procedure
# ("thông qua biên bản xác nhận", "các xác nhận thủ tục", "kiểm tra, xác nhận trên bản vẽ").
_VI_AGENT_HEAD = re.compile(
    r"^(?:(?:một số|một|các|những|nhiều|hai|ba|vài|cả)\s+)?(?:ông|bà|anh|chị|cô|chú|bác|cậu|em|tôi|chúng tôi|"
    r"chúng ta|họ|hắn|y|mình|người|nhà|giới|phía|bên|phe|bác sĩ|bs|cán bộ|quan chức|lãnh đạo|đại diện|"
    r"phát ngôn viên|nhân viên|thư ký|giám đốc|tổng giám đốc|chủ tịch|phó|trưởng|cục trưởng|bộ trưởng|thứ trưởng|"
    r"thủ tướng|tổng thống|chủ nhiệm|viện trưởng|hiệu trưởng|đại tá|tướng|thiếu tướng|trung tướng|sĩ quan|"
    r"cảnh sát|công an|quân đội|binh sĩ|luật sư|thẩm phán|hlv|huấn luyện viên|cầu thủ|ca sĩ|diễn viên|nghệ sĩ|"
    r"nhân chứng|nạn nhân|gia đình|nguồn tin|giới chức|chuyên gia|bệnh viện|công ty|tổng công ty|hãng|tập đoàn|"
    r"tổ chức|cơ quan|chính quyền|chính phủ|bộ|sở|cục|viện|ủy ban|uỷ ban|ubnd|ban|văn phòng|sứ quán|"
    r"đại sứ quán|liên đoàn|câu lạc bộ|clb|đội|ngân hàng|trường|tòa án|toà án|quân|lực lượng|truyền thông|"
    r"báo chí|du khách|dân|cư dân)(?=\s|$|[,.])",
    re.IGNORECASE,
)


def _can_confirm(actor: str, sentence: str) -> bool:
    """A person or a body heads the actor (a role, a pronoun or an institution word), or the actor names one (a
    capitalised word that does not open the sentence, or is the whole subject) and is not headed by a paper, a test
    or a finding ("một báo cáo mật của IAEA", "xét nghiệm ADN"); a time phrase in front is set aside."""
    head = _VI_TIME_LEAD.sub("", actor.lstrip("-–— "))
    if _VI_AGENT_HEAD.match(head):
        return True
    if _VI_NOT_AGENT_HEAD.match(head):
        return False
    opening = sentence.split(maxsplit=1)[0] if sentence.strip() else ""
    words = head.split()
    if len(words) == 1 and words[0][0].isupper():
        return True  # "Apple xác nhận", "Mỹ xác nhận": a one-word subject, capitalised, is a name even in front
    if words and words[0] == opening and sentence.lstrip().startswith(words[0]):
        words = words[1:]
    return any(word[0].isupper() for word in words)


_VI_NOT_AGENT_HEAD = re.compile(
    r"^(?:(?:một số|một|các|những|nhiều|hai|ba|vài|cả)\s+)?(?:bản\s+)?(?:báo cáo|nghiên cứu|công trình|xét nghiệm|"
    r"kết quả|bằng chứng|chứng cứ|dữ liệu|số liệu|tài liệu|văn bản|hồ sơ|bức ảnh|hình ảnh|ảnh|video|đoạn phim|"
    r"phân tích|khảo sát|thí nghiệm|quan sát|dấu hiệu|biên bản|giấy|thư|phát hiện|việc|sự|điều)(?=\s|$|[,.])",
    re.IGNORECASE,
)


# "Tuần trước các nhà khoa học", "ngày 13/7/1999 VKSND tỉnh Quảng Nam": the time said before the subject
_VI_TIME_LEAD = re.compile(
    r"^(?:(?:từ\s+)?(?:ngày|hôm|tuần|tháng|năm|sáng|trưa|chiều|tối|đêm|đầu|cuối|giữa)(?:\s+(?:qua|nay|trước|sau|"
    r"này|đó|năm|tháng|tuần|ngày|\d[\d/.-]*))*\s*,?\s*)+",
    re.IGNORECASE,
)


def _vietnamese_denial(match: re.Match[str], sentence: str, before: str, after: str) -> Stance | None:
    claim = _VI_CLAIM.match(after)
    if match.group("reject"):
        passive = _VI_PASSIVE_AGENT.search(before)  # "đơn xin ân xá … bị Tổng thống bác bỏ": what was rejected
        if passive and not _VI_NAMES_CLAIM.search(passive.group("patient")):
            return None
        if not passive and not claim and not _VI_BARE.match(after):
            return None
    if _VI_WITHHELD.match(after):
        return None
    if match.group("verb").casefold() == "cải chính" and not re.search(r"đã\s+$", before) and not claim:
        return None
    whose = _whose_vietnamese(after[claim.end() :] if claim else after)
    return Stance(StanceKind.DENIAL, sentence, _actor_vietnamese(before), whose)


_VI_LEAD = re.compile(
    r"^.*(?:\bnhưng\b|\bcòn\b|\bsong\b|\bdù\b|\bmặc dù\b|\bthì\b|\bkhi\b|\bđưa tin\b|\bcho biết\b|"
    r"\bcho rằng\b)\s*",
    re.IGNORECASE,
)
_VI_TAIL = re.compile(
    r"(?:(?:^|\s+)(?:đã|cũng|luôn|liên tục|nhiều lần|hoàn toàn|kiên quyết|một mực|thẳng thừng|hôm qua|hôm nay|"
    r"lên tiếng|tuyên bố|sau đó|đều|vẫn|thì|lại|chỉ|ngay|lập tức|một mặt|còn|luôn luôn|đương nhiệm|mới đây)\s*)+$",
    re.IGNORECASE,
)
_VI_OPENING = re.compile(
    r"^(?:tuy nhiên|trong khi đó|sau đó|ngay lập tức|trước đó|riêng|hiện nay|cũng hôm qua)\s*,?\s*", re.IGNORECASE
)


def _actor_vietnamese(before: str) -> str | None:
    """The subject in front of the verb: the last clause (after "nhưng", "còn", "thì", a comma…), less the
    auxiliaries and adverbs before the verb; "Thực tế này được Cục Thú y xác nhận" gives the agent."""
    clause = _VI_LEAD.sub("", before)
    segments = [_VI_TAIL.sub("", _VI_OPENING.sub("", part.strip())).strip(' ,"“”') for part in clause.split(",")]
    subject = next((part for part in reversed(segments) if part), "")
    subject = re.split(r"\bđược\s+", subject)[-1]
    # "Puerta cũng đã nhiều lần phản đối L'Equipe và": a shared subject ends at its first auxiliary
    if re.search(r"\s(?:và|nhưng)$", subject):
        subject = re.split(r"\s+(?:cũng|đã|đều|luôn|vẫn|sẽ|thì)\s+", subject)[0]
    return _VI_TIME_LEAD.sub("", subject) or None
