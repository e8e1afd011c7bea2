"""Page chrome that must never reach an article body: comment counters, empty-widget placeholders, "Same tag"
style related blocks, share/follow/subscribe calls, ad labels, copyright lines, headings with nothing under them.

Only short blocks are judged (a real paragraph that mentions "share" is text, not chrome).
"""

from __future__ import annotations

import itertools
import re

from newsloom.model import Block, BlockKind

# Headers of widgets that list other articles: chrome wherever they stand, and near the end of the body the
# start of the widget they announce.
_WIDGET_HEADERS = r"""
    same\s+(?:tag|category|author|topic)|related(?:\s+\w+)?|recommended(?:\s+for\s+you)?|
    you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy)|more\s+(?:from|on|stories|news|to\s+read)\b.*|
    (?:what\s+to\s+)?read\s+next|tin\s+(?:liên\s+quan|cùng\s+chuyên\s+mục)|xem\s+thêm
"""
_CHROME = re.compile(
    rf"""^(?:
        {_WIDGET_HEADERS}|
        comments?\s*\(\d+\)|\d+\s+comments?|bình\s+luận\s*\(\d+\)|no\s+data|no\s+videos?\s+available|
        read\s+(?:more|also)|see\s+also|
        share(?:\s+this(?:\s+(?:article|story|post))?)?(?:\s+on\s+\w+)?|(?:follow|like)\s+us(?:\s+on\s+.+)?|
        sign\s+up(?:\s+for.+)?|subscribe(?:\s+.+)?|newsletter|advertisement|advertising|anzeige|sponsored|
        (?:copyright|©|\(c\)).*|all\s+rights\s+reserved.*|tags?\s*:.*|topics?\s*:.*|filed\s+under\s*:?.*|
        print|email|facebook|twitter|linkedin|whatsapp|pinterest|reddit|telegram|zalo|
        loading\.*|please\s+enable\s+javascript.*|image|photo|video|figure|
        tải\s+(?:ứng\s+dụng|app)(?:\s+\S+){{0,4}}|
        order\s+reprints|print\s+article|an\s+error\s+(?:has\s+)?occurred.*|thank\s+you(?:\s+for\s+\w+ing)?!?|
        this\s+(?:article|story)\s+has\s+been\s+sent\s+to.*|(?:last\s+)?updated(?:\s+at|:)?\s+[\d:.apm ]+\S*
    )[.…:!]*$""",
    re.IGNORECASE | re.VERBOSE,
)
# Near the end of the body, everything after one of these belongs to the widget it announces (other articles'
# teasers, the comment section).
_TAIL_WIDGET = re.compile(
    rf"""^(?:
        {_WIDGET_HEADERS}|trending(?:\s+now)?|most\s+(?:read|popular)|tell\s+us\s+what\s+you\s+think|comments?|
        leave\s+a\s+(?:comment|reply)|join\s+the\s+(?:discussion|conversation)
    )[.…:!]*$""",
    re.IGNORECASE | re.VERBOSE,
)
TAIL_SHARE = 0.6  # a widget header counts only after this share of the body's text
# Calls to action between and after paragraphs: links to other articles, author bios' follow lines, newsletter
# sign-ups. Judged on blocks up to MAX_PROMO_CHARS only.
_PROMO = re.compile(
    r"""^(?:see|read|watch|listen)\s+(?:more|also)\s*:|^(?:related|also\s+read|read\s+also|more)\s*:\s|
        ^don'?t\s+miss\b|\bfollow\s+(?:him|her|them|us)\s+on\s+(?:twitter|x|facebook|instagram)\b|
        \b(?:sign\s+up|subscribe)\b.{0,80}\bnewsletters?\b|\bnewsletters?\b.{0,80}\b(?:sign\s+up|subscribe)\b""",
    re.IGNORECASE | re.VERBOSE,
)
MAX_PROMO_CHARS = 300
_BARE_URL = re.compile(r"^https?://\S+$")
_REPRINT_NOTICE = re.compile(r"^this copy is for your personal,? non-commercial use only", re.IGNORECASE)
MAX_CHROME_CHARS = 90


def is_chrome(text: str) -> bool:
    line = text.strip()
    if not line:
        return False
    if _BARE_URL.match(line) or _REPRINT_NOTICE.match(line):
        return True
    if len(line) <= MAX_PROMO_CHARS and _PROMO.search(line):
        return True
    return len(line) <= MAX_CHROME_CHARS and bool(_CHROME.match(line))


def _cut_tail_widget(blocks: list[Block]) -> list[Block]:
    total = sum(len(block.plain_text()) for block in blocks)
    seen = 0
    for index, block in enumerate(blocks):
        text = block.plain_text().strip()
        if seen >= TAIL_SHARE * total and len(text) <= MAX_CHROME_CHARS and _TAIL_WIDGET.match(text):
            return blocks[:index]
        seen += len(text)
    return blocks


def _is_tag_list(text: str, tags: set[str]) -> bool:
    """ "stock car 2018, stock car brasil, ...": the page's keywords printed as a line, not a sentence."""
    items = [item.strip().casefold() for item in text.split(",") if item.strip()]
    return len(items) >= 3 and sum(item in tags for item in items) >= 0.6 * len(items)


def drop_tag_lists(blocks: list[Block], tags: list[str]) -> list[Block]:
    folded = {tag.strip().casefold() for tag in tags}
    if not folded:
        return blocks
    return [block for block in blocks if not (block.kind == BlockKind.PARAGRAPH and _is_tag_list(block.text, folded))]


# "China furious at Macron [INSIGHT]| Lakers vs Nets: NBA make final decision [VIDEO]": links to other articles,
# each labelled with a bracketed capitalised kind, run together inside one paragraph.
_TEASER_LABEL = re.compile(r"\s*\[[A-Z][A-Z ]{2,14}\]\s*\|?\s*")
MAX_TEASER_CHARS = 200
_LAST_SENTENCE_END = re.compile(r".*[.!?…»”\"]\s")


def _without_teaser_run(text: str) -> str:
    """The paragraph with its run of two or more labelled teasers cut out ("" when nothing else is left).

    The teasers are the pieces ending in a label; the first piece may be sentences of the article followed by the
    first teaser headline (headlines carry no full stop), which then starts after that piece's last sentence end."""
    labels = list(_TEASER_LABEL.finditer(text))
    if len(labels) < 2:
        return text
    pieces = [text[start.end() : end.start()] for start, end in itertools.pairwise(labels)]
    if any(len(piece) > MAX_TEASER_CHARS for piece in pieces):
        return text
    head = text[: labels[0].start()] + " "
    sentence = _LAST_SENTENCE_END.match(head)
    head = head[: sentence.end()] if sentence else ("" if len(head) <= MAX_TEASER_CHARS else head)
    return f"{head.strip()} {text[labels[-1].end() :].strip()}".strip()


def drop_teaser_runs(blocks: list[Block]) -> list[Block]:
    kept = []
    for block in blocks:
        if block.kind == BlockKind.PARAGRAPH and "]" in block.text:
            text = _without_teaser_run(block.text)
            if not text:
                continue
            block.text = text
        kept.append(block)
    return kept


def _is_chrome_block(block: Block) -> bool:
    """A text block of chrome; a list is when each of its items is ("Order Reprints", "Print Article")."""
    if block.kind == BlockKind.LIST:
        return bool(block.items) and all(is_chrome(item) for item in block.items)
    return block.kind != BlockKind.IMAGE and is_chrome(block.plain_text())


def drop_chrome(blocks: list[Block]) -> list[Block]:
    blocks = drop_teaser_runs(_cut_tail_widget(blocks))
    kept = [block for block in blocks if not _is_chrome_block(block)]
    while kept and kept[-1].kind == BlockKind.HEADING:  # a trailing heading introduces a widget we removed
        kept.pop()
    return kept
