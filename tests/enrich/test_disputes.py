"""Stance rules on hand-written sentences: denials and confirmations of reports and claims, in English and
Vietnamese, with actor and whose report; look-alikes that are neither."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

import pytest

from newsloom.enrich.disputes import DisputedPair, DisputeRole, dispute_links, disputed_pairs, is_background
from newsloom.enrich.stances import StanceKind, find_stances
from newsloom.enrich.stories import StoryDoc, group_into_stories
from tests.conftest import corpus


@pytest.mark.parametrize(
    ("sentence", "language", "kind", "actor", "whose"),
    [
        (
            "Kremlin spokesman Dmitry Peskov on October 25 denied a Wall Street Journal report that troops had moved.",
            "en",
            StanceKind.DENIAL,
            "Kremlin spokesman Dmitry Peskov",
            "Wall Street Journal",
        ),
        (
            "Ukraine denies Russian claims of a breakthrough near the river.",
            "en",
            StanceKind.DENIAL,
            "Ukraine",
            "Russian",
        ),
        ("The mayor denied that she had known about the contract.", "en", StanceKind.DENIAL, "The mayor", None),
        ("The ministry dismissed the reports as fabricated.", "en", StanceKind.DENIAL, "The ministry", None),
        (
            "The harbour master's claim was denied by the Port Authority.",
            "en",
            StanceKind.DENIAL,
            "the Port Authority",
            None,
        ),
        (
            "A company spokesman confirmed the plant would close in May.",
            "en",
            StanceKind.CONFIRMATION,
            "A company spokesman",
            None,
        ),
        ("Bộ Y tế bác bỏ thông tin về dịch bệnh lan rộng.", "vi", StanceKind.DENIAL, "Bộ Y tế", None),
        ("Công ty phủ nhận cáo buộc trốn thuế của báo Tuổi Trẻ.", "vi", StanceKind.DENIAL, "Công ty", "Tuổi Trẻ"),
        (
            "Tuy nhiên, Sở Giao thông xác nhận có hai người bị thương.",
            "vi",
            StanceKind.CONFIRMATION,
            "Sở Giao thông",
            None,
        ),
        ("Ông Minh bác bỏ những dẫn chứng của tờ báo về khoản vay.", "vi", StanceKind.DENIAL, "Ông Minh", None),
        ("Nhưng Hà Nội bác bỏ đồng thời lên án vụ tấn công.", "vi", StanceKind.DENIAL, "Hà Nội", None),
        ("Về tin đồn đó, ca sĩ bác bỏ: Thật vô lý.", "vi", StanceKind.DENIAL, "ca sĩ", None),
        ("Bộ Công Thương bác bỏ kết luận sơ bộ của ủy ban.", "vi", StanceKind.DENIAL, "Bộ Công Thương", None),
        (
            "Người phát ngôn của hãng xác nhận có hai nhân viên bị thương.",
            "vi",
            StanceKind.CONFIRMATION,
            "Người phát ngôn của hãng",
            None,
        ),
        ("Sáng nay, Hải Phòng xác nhận ca bệnh thứ ba.", "vi", StanceKind.CONFIRMATION, "Hải Phòng", None),
        ("Bị cáo Hùng bác bỏ những lời khai của nhân chứng.", "vi", StanceKind.DENIAL, "Bị cáo Hùng", None),
        (
            "Tuần trước các nhà chức trách xác nhận có ba người mất tích.",
            "vi",
            StanceKind.CONFIRMATION,
            "các nhà chức trách",
            None,
        ),
        ("Apple xác nhận máy mới sẽ dùng chip riêng.", "vi", StanceKind.CONFIRMATION, "Apple", None),
    ],
)
def test_stances_with_actor_and_whose_report(
    sentence: str, language: str, kind: StanceKind, actor: str, whose: str | None
) -> None:
    [stance] = find_stances(sentence, language)
    assert (stance.kind, stance.actor, stance.whose) == (kind, actor, whose)


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("He was denied entry at the border crossing.", "en"),
        ("The court denied bail to both men.", "en"),
        ("The minister did not deny the report.", "en"),
        ("She refused to confirm whether talks had taken place.", "en"),
        ("It is too early to confirm the cause of the fire.", "en"),
        ("The council rejected calls for an inquiry.", "en"),
        ("A late tackle denied him a goal.", "en"),
        ("The ruling confirms that the law applies to contractors.", "en"),
        ("Không ai có thể phủ nhận vai trò của đội trưởng.", "vi"),
        ("Chính phủ nhận định tăng trưởng sẽ chậm lại.", "vi"),
        ("Người lao động phải có giấy xác nhận của chính quyền địa phương.", "vi"),
        ("Quốc hội bác bỏ đề xuất tăng thuế.", "vi"),
        ("Số ca nhiễm đã được xác nhận là 12.", "vi"),
        ("Hai người lại đến nhờ bà Lan xác nhận tình trạng nhà để vay ngân hàng.", "vi"),
        ("Nếu kẻ gian cố gắng phủ nhận thì chỉ cần cho xem đoạn phim.", "vi"),
        ("Đơn xin ân xá của hai bị cáo đã bị Tổng thống bác bỏ.", "vi"),
        ("Bức ảnh là dấu xác nhận rõ ràng sự có mặt của ông ta.", "vi"),
        ("Xã xem xét hồ sơ, thông qua biên bản xác nhận rồi gửi lên huyện.", "vi"),
        ("Phường có trách nhiệm kiểm tra, xác nhận trên bản vẽ hiện trạng.", "vi"),
        ("Kết quả xét nghiệm là dấu hiệu xác nhận bệnh tiểu đường.", "vi"),
        ("Một báo cáo mật của WHO xác nhận dịch đã lan rộng.", "vi"),
    ],
)
def test_look_alikes_are_neither(sentence: str, language: str) -> None:
    assert find_stances(sentence, language) == []


def test_a_denial_naming_an_outlet_disputes_that_outlets_report_and_both_sides_link() -> None:
    reports = [
        (1, "Daily Item", "Roads closed after the storm.", "en"),
        (2, "Harbour Post", "The port will close for a month, officials said.", "en"),
        (3, "City Wire", "The port authority denied a Harbour Post report that the port would close.", "en"),
    ]
    [pair] = disputed_pairs(reports)
    assert (pair.claim_id, pair.denial_id) == (2, 3)
    [claim_side] = dispute_links(2, [pair])
    [denial_side] = dispute_links(3, [pair])
    assert (claim_side.role, claim_side.other_id) == (DisputeRole.DENIED_BY, 3)
    assert (denial_side.role, denial_side.other_id) == (DisputeRole.DENIES, 2)
    assert dispute_links(1, [pair]) == []


@pytest.mark.parametrize(
    ("denial", "language", "disputed"),
    [
        ("He denied the report that the port would close.", "en", False),
        ("She dismissed the reports as fabricated.", "en", False),
        ("Ông phủ nhận thông tin cảng sẽ đóng cửa.", "vi", False),
        ("Anh bác bỏ thông tin này.", "vi", False),
        ("Ông Trump phủ nhận thông tin cảng sẽ đóng cửa.", "vi", True),
        ("Bộ Y tế bác bỏ thông tin này.", "vi", True),
        ("The ministry denied the report.", "en", True),
    ],
)
def test_only_someone_named_disputes_a_story_never_a_pronoun(denial: str, language: str, disputed: bool) -> None:
    """A denial by "He" or "Ông" read out of its article says nothing of who denies: the story is not disputed."""
    [stance] = find_stances(denial, language)
    assert stance.kind is StanceKind.DENIAL and stance.actor  # the rules find the denial and its subject
    reports = [
        (1, "Harbour Post", "The port will close for a month, officials said.", "en"),
        (2, "City Wire", denial, language),
    ]
    assert bool(disputed_pairs(reports)) is disputed


CLAIM = (1, "Harbour Post", "Port to close\nThe port will close for a month, officials said.", "en")
FILLER = "The storm cut power to the old town. Roads were closed overnight. Schools stay shut on Monday."


@pytest.mark.parametrize(
    ("denial", "language"),
    [
        ("Trước đó, Tổng thống Zelensky đã bác bỏ một lời mời tương tự vào năm ngoái.", "vi"),
        ("Dù vậy, ở thời điểm cuối năm 2025, cả Lý Đức lẫn Phí Thanh Thảo đều từng lên tiếng phủ nhận.", "vi"),
        ("Bộ Y tế từng bác bỏ thông tin này.", "vi"),
        ("Hồi đầu tuần, Bộ Y tế đã bác bỏ thông tin này.", "vi"),
        ("The ministry had denied the report.", "en"),
        ("The ministry previously dismissed the reports as fabricated.", "en"),
        ("Last year the ministry denied a Harbour Post report that the port would close.", "en"),
    ],
)
def test_a_denial_told_as_the_past_disputes_nothing_even_in_the_title(denial: str, language: str) -> None:
    """Background about the past ("previously", "từng", "năm ngoái") is no denial of this story's report, even
    where it names the story's outlet."""
    [stance] = find_stances(denial, language)
    assert stance.kind is StanceKind.DENIAL and is_background(denial, 2026)
    assert disputed_pairs([CLAIM, (2, "City Wire", denial, language)], {1: 2026, 2: 2026}) == []
    now = denial.replace("Trước đó, ", "").replace(" từng", "").replace("Hồi đầu tuần, ", "").replace(" had", "")
    now = now.replace(" previously", "").replace("Last year the", "The").replace("ở thời điểm cuối năm 2025, ", "")
    now = now.replace(" vào năm ngoái", "")
    assert not is_background(now, 2026)  # the same denial told as news is read as one


def test_a_year_before_the_reports_makes_a_denial_background_only_when_the_year_is_known() -> None:
    denial = "Bộ Y tế bác bỏ thông tin này vào cuối tháng 12/2025."
    assert is_background(denial, 2026)
    assert not is_background(denial, 2025)
    assert not is_background(denial)
    assert disputed_pairs([CLAIM, (2, "City Wire", denial, "vi")], {2: 2026}) == []
    assert len(disputed_pairs([CLAIM, (2, "City Wire", denial, "vi")], {2: 2025})) == 1


@pytest.mark.parametrize(
    ("head", "language"),
    [
        ("Bộ Y tế bác bỏ thông tin cảng sẽ đóng cửa\nTin từ Hải Phòng.", "vi"),
        ("Tin mới\nSáng nay, Bộ Giao thông bác bỏ thông tin cảng sẽ đóng cửa.", "vi"),
        ("Ministry denies port closure\nThe port stays open.", "en"),
        ("Port stays open\nThe ministry on Tuesday denied reports that the port would close.", "en"),
    ],
)
def test_a_denial_naming_no_one_disputes_the_story_only_as_its_reports_news(head: str, language: str) -> None:
    """In the title or the first sentences it is the report's news; deep in the body ("Epstein bác bỏ mọi cáo
    buộc …", "Tuy nhiên, ông Maduro đã bác bỏ cáo buộc này.") it is background to something else."""
    title, _, lead = head.partition("\n")
    news = f"{head} {FILLER}"
    [pair] = disputed_pairs([CLAIM, (2, "City Wire", news, language)])
    assert (pair.claim_id, pair.denial_id) == (1, 2)
    denial = title if pair.denial.sentence == title else lead
    buried = f"Port news\n{FILLER} {denial}"
    assert disputed_pairs([CLAIM, (2, "City Wire", buried, language)]) == []


def test_a_buried_denial_naming_the_storys_outlet_still_disputes_its_report() -> None:
    buried = f"Port news\n{FILLER} The port authority denied a Harbour Post report that the port would close."
    [pair] = disputed_pairs([CLAIM, (2, "City Wire", buried, "en")])
    assert (pair.claim_id, pair.denial_id) == (1, 2)


# the stream's background denials that once marked four stories "Disputed" (none disputes its story's report)
STREAM_BACKGROUND = [
    "Trước đó, Tổng thống Zelensky đã bác bỏ một lời mời tương tự vào năm ngoái",
    "Epstein bác bỏ mọi cáo buộc và bị giam ở nhà tù Manhattan, New York.",
    "Tuy nhiên, ông Maduro đã bác bỏ cáo buộc này.",
    "Dù vậy, ở thời điểm cuối năm 2025, cả Lý Đức lẫn Phí Thanh Thảo đều từng lên tiếng phủ nhận.",
]


@pytest.mark.corpus
def test_the_vietnamese_streams_background_denials_dispute_no_story() -> None:
    """The week of VnExpress, Dân trí and 24h, grouped into stories as the import groups them. Every denial the
    rules find there was read: all are background (the four above; "Andrew phủ nhận cáo buộc …" and "đến cuối
    tháng 12/2025, … vẫn đồng loạt phủ nhận" deep in Epstein and Lý Đức reports; "Mỹ bác bỏ cáo buộc này", a
    former first lady who "từng" denied, a football agent's denial in a round-up, each alone in its story) but
    one: the 24h title "Chappell Roan phủ nhận mặc phản cảm ở Grammy", the singer answering the Grammy reports of
    her dress, which may dispute its story. So at most one disputed story."""
    path = corpus("vietnamese-stream") / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    docs = [
        StoryDoc(i, r["title"], r["body"], datetime.fromisoformat(r["published"]), outlet=r["outlet"], language="vi")
        for i, r in enumerate(rows)
    ]
    members: defaultdict[int, list[int]] = defaultdict(list)
    for doc_id, story in group_into_stories(docs).items():
        members[story].append(doc_id)
    pairs: list[DisputedPair] = []
    all_reports: list[tuple[int, str, str, str | None]] = []
    disputed = 0
    for ids in members.values():
        ids.sort(key=lambda i: docs[i].published)
        reports = [
            (i, rows[i]["outlet"], f"{rows[i]['title']}\n{rows[i]['lead'] or ''}\n{rows[i]['body']}", "vi") for i in ids
        ]
        all_reports += reports
        found = disputed_pairs(reports, {i: docs[i].published.year for i in ids})
        pairs += found
        disputed += bool(found)
    said = [" ".join(pair.denial.sentence.split()) for pair in pairs]
    assert not any(background in denial for denial in said for background in STREAM_BACKGROUND)
    assert disputed <= 1
    # the background denials are still found as denials: what changed is that they dispute no story
    found_denials = [
        " ".join(stance.sentence.split())
        for _, _, text, _ in all_reports
        for stance in find_stances(text, "vi")
        if stance.kind is StanceKind.DENIAL
    ]
    assert all(any(background in found for found in found_denials) for background in STREAM_BACKGROUND)
