"""Stance rules on hand-written sentences: denials and confirmations of reports and claims, in English and
Vietnamese, with actor and whose report; look-alikes that are neither."""

from __future__ import annotations

import pytest

from newsloom.enrich.disputes import DisputeRole, dispute_links, disputed_pairs
from newsloom.enrich.stances import StanceKind, find_stances


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
