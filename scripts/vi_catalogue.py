"""One-off helper kept for maintainers: fills the Vietnamese catalogue's empty entries from VIETNAMESE below.

    .venv/bin/python scripts/vi_catalogue.py     # after `make i18n` added new msgids

Entries already translated in the .po file are left as they are (the .po file is the reference, edited by hand).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "newsloom/web/locale/vi/LC_MESSAGES/messages.po"

VIETNAMESE: dict[str, str | tuple[str, ...]] = {
    "Skip to content": "Bỏ qua, đến nội dung chính",
    "Sections": "Chuyên mục",
    "Home": "Trang chủ",
    "Outlets": "Các báo",
    "Search": "Tìm kiếm",
    "Search articles": "Tìm bài viết",
    "Search news": "Tìm tin tức",
    "Edition": "Phiên bản ngôn ngữ",
    "%(site_name)s aggregates articles from their publishers; each links to its original.": "%(site_name)s tổng hợp bài viết từ các cơ quan báo chí; mỗi bài đều dẫn về bản gốc.",
    "Sitemap": "Sơ đồ trang",
    "untranslated": "chưa dịch",
    "Other languages": "Ngôn ngữ khác",
    "Translation pending": "Đang chờ dịch",
    "%(language)s original (no %(own)s translation)": "Bản gốc %(language)s (không có bản dịch %(own)s)",
    "Shown in the original %(language)s until the translation is made.": "Đang hiển thị bản gốc %(language)s cho đến khi có bản dịch.",
    "translated": "bản dịch",
    "Latest news from %(count)s outlets, by section and story.": "Tin mới nhất từ %(count)s cơ quan báo chí, theo chuyên mục và sự kiện.",
    "Nothing here yet": "Chưa có gì ở đây",
    "The store has no articles. Import saved pages or WARC archives, or add sources and crawl:": "Kho chưa có bài viết nào. Hãy nhập các trang đã lưu hoặc tệp WARC, hoặc thêm nguồn tin rồi thu thập:",
    "Then reload this page.": "Sau đó tải lại trang này.",
    "Latest news": "Tin mới nhất",
    "Top stories": "Sự kiện nổi bật",
    ("%(n)s article", "%(n)s articles"): ("%(n)s bài viết",),
    "Most read": "Đọc nhiều nhất",
    "Nothing has been read in the last two days.": "Chưa có bài nào được đọc trong hai ngày qua.",
    "Tags": "Thẻ",
    "About this outlet": "Về cơ quan báo chí này",
    "%(name)s logo": "Biểu trưng %(name)s",
    "Last fetched %(when)s": "Thu thập lần cuối lúc %(when)s",
    "Not crawled (imported articles)": "Chưa thu thập (bài viết được nhập)",
    ("%(count)s error in a row: %(error)s", "%(count)s errors in a row: %(error)s"): ("%(count)s lỗi liên tiếp: %(error)s",),
    "Older articles": "Bài cũ hơn",
    "No articles here yet.": "Chưa có bài viết nào ở đây.",
    "unhealthy": "đang gặp lỗi",
    "No outlets yet.": "Chưa có cơ quan báo chí nào.",
    "Back to the latest news": "Quay lại tin mới nhất",
    "Section": "Chuyên mục",
    "any": "tất cả",
    "Outlet": "Báo",
    "Search with filters": "Tìm kiếm có bộ lọc",
    "Words": "Từ khóa",
    "Language": "Ngôn ngữ",
    "From": "Từ ngày",
    "To": "Đến ngày",
    ("%(n)s result for “%(query)s”", "%(n)s results for “%(query)s”"): ("%(n)s kết quả cho “%(query)s”",),
    "No articles match “%(query)s”.": "Không có bài viết nào khớp với “%(query)s”.",
    "Type words to search titles, leads and article text.": "Nhập từ khóa để tìm trong tiêu đề, sapo và nội dung bài viết.",
    "Full coverage": "Toàn cảnh sự kiện",
    ("%(count)s article", "%(count)s articles"): ("%(count)s bài viết",),
    ("from %(count)s outlet", "from %(count)s outlets"): ("từ %(count)s cơ quan báo chí",),
    "(%(count)s of them the same text as an earlier report)": "(%(count)s bài trong số đó trùng nội dung với một bài đăng trước)",
    "first reported by <strong>%(outlet)s</strong>": "đưa tin đầu tiên: <strong>%(outlet)s</strong>",
    "on": "lúc",
    "Timeline": "Diễn biến",
    "same text as": "trùng nội dung với",
    "Who cites whom": "Ai trích dẫn ai",
    "cites": "trích dẫn",
    "(not followed here)": "(không được theo dõi tại đây)",
    "No report in this story names another outlet as its source.": "Không bài nào trong sự kiện này ghi nguồn từ báo khác.",
    "Image": "Hình ảnh",
    "Photo: %(credit)s": "Ảnh: %(credit)s",
    "By": "Tác giả:",
    "Translated from %(language)s": "Dịch từ %(language)s",
    "Read the original": "Đọc bản gốc",
    "Translation only": "Chỉ xem bản dịch",
    "Side by side": "Song ngữ",
    "Also in:": "Các phiên bản khác:",
    "original": "bản gốc",
    ("Translation check: %(count)s point to verify", "Translation check: %(count)s points to verify"): ("Kiểm tra bản dịch: %(count)s điểm cần xem lại",),
    "Watch the video": "Xem video",
    "According to %(name)s": "Theo %(name)s",
    "Source:": "Nguồn:",
    "Tags:": "Thẻ:",
    "Comment": "Bình luận",
    "Thank you: your comment is waiting for moderation.": "Cảm ơn bạn: bình luận đang chờ kiểm duyệt.",
    "Your comment is published.": "Bình luận của bạn đã được đăng.",
    "No comments yet. Be the first.": "Chưa có bình luận nào. Hãy là người đầu tiên.",
    "Leave this empty": "Để trống ô này",
    "Display name": "Tên hiển thị",
    "Reply to": "Trả lời",
    "(new comment)": "(bình luận mới)",
    "Post comment": "Gửi bình luận",
    "Same tag": "Cùng chủ đề",
    "Same category": "Cùng chuyên mục",
    "Same author": "Cùng tác giả",
    "Same story": "Cùng sự kiện",
    "Full coverage of this story": "Toàn cảnh sự kiện này",
    "No other article shares a tag with this one yet.": "Chưa có bài nào khác cùng chủ đề với bài này.",
    "This article has no tags.": "Bài viết này không có thẻ.",
    "No other article in this section yet.": "Chưa có bài nào khác trong chuyên mục này.",
    "This article has no section.": "Bài viết này không thuộc chuyên mục nào.",
    "No other article by this author yet.": "Chưa có bài nào khác của tác giả này.",
    "No byline on this article.": "Bài viết này không ghi tên tác giả.",
    "No other outlet has covered this story yet.": "Chưa có báo nào khác đưa tin về sự kiện này.",
    "Not grouped into a story yet.": "Chưa được xếp vào sự kiện nào.",
    "Tag: %(name)s": "Chủ đề: %(name)s",
    "By %(name)s": "Bài của %(name)s",
    "unknown language": "ngôn ngữ chưa rõ",
    "Bad request: check the address or form fields": "Yêu cầu không hợp lệ: hãy kiểm tra địa chỉ hoặc các ô trong biểu mẫu",
    "Form expired or forged; reload the page and try again": "Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang và thử lại",
    "No such article": "Không tìm thấy bài viết",
    "No such author": "Không tìm thấy tác giả",
    "No such outlet": "Không tìm thấy cơ quan báo chí",
    "No such section": "Không tìm thấy chuyên mục",
    "No such story": "Không tìm thấy sự kiện",
    "No such tag": "Không tìm thấy chủ đề",
    "Not found": "Không tìm thấy trang",
    "Too many comments; please wait a few minutes": "Quá nhiều bình luận; vui lòng đợi vài phút",
    "number or amount": "số liệu", "date": "ngày tháng", "name": "tên riêng", "quote": "trích dẫn",
    "left untranslated": "chưa được dịch",
    # Section names (newsloom.web.i18n.SECTION_NAMES)
    "World": "Thế giới", "Business": "Kinh doanh", "Sport": "Thể thao", "Technology": "Công nghệ",
    "Culture": "Văn hóa", "Entertainment": "Giải trí", "Science": "Khoa học", "Health": "Sức khỏe",
    "Politics": "Chính trị", "News": "Thời sự", "Education": "Giáo dục", "Law": "Pháp luật", "Travel": "Du lịch",
    "Society": "Xã hội", "Opinion": "Góc nhìn", "Cars": "Xe", "Real estate": "Bất động sản",
}  # fmt: skip


def main() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    missing = []
    for message in catalog:
        if not message.id or (message.string if isinstance(message.string, str) else any(message.string)):
            continue
        wanted = VIETNAMESE.get(message.id)
        if wanted is None:
            missing.append(message.id)
            continue
        message.string = wanted if isinstance(message.id, str) else tuple(wanted)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=120, omit_header=False)
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main()
