"""Page chrome that must never reach an article body: comment counters, empty-widget placeholders, "Same tag"
style related blocks, share/follow/subscribe calls, ad labels, copyright lines, headings with nothing under them.

Only short blocks are judged (a real paragraph that mentions "share" is text, not chrome).
"""

from __future__ import annotations

import re

from newsloom.model import Block, BlockKind

_CHROME = re.compile(
    r"""^(?:
        comments?\s*\(\d+\)|\d+\s+comments?|bình\s+luận\s*\(\d+\)|no\s+data|no\s+videos?\s+available|
        same\s+(?:tag|category|author|topic)|related(?:\s+(?:articles?|stories|news|posts|content|topics))?|
        read\s+(?:more|next|also)|see\s+also|more\s+(?:from|on|stories|news)|recommended(?:\s+for\s+you)?|
        you\s+(?:may|might)\s+also\s+like|tin\s+(?:liên\s+quan|cùng\s+chuyên\s+mục)|xem\s+thêm|
        share(?:\s+this(?:\s+(?:article|story|post))?)?(?:\s+on\s+\w+)?|(?:follow|like)\s+us(?:\s+on\s+.+)?|
        sign\s+up(?:\s+for.+)?|subscribe(?:\s+.+)?|newsletter|advertisement|advertising|anzeige|sponsored|
        (?:copyright|©|\(c\)).*|all\s+rights\s+reserved.*|tags?\s*:.*|topics?\s*:.*|filed\s+under\s*:?.*|
        print|email|facebook|twitter|linkedin|whatsapp|pinterest|reddit|telegram|zalo|
        loading\.*|please\s+enable\s+javascript.*|image|photo|video|figure|
        order\s+reprints|print\s+article|an\s+error\s+(?:has\s+)?occurred.*|thank\s+you(?:\s+for\s+\w+ing)?!?|
        this\s+(?:article|story)\s+has\s+been\s+sent\s+to.*|(?:last\s+)?updated(?:\s+at|:)?\s+[\d:.apm ]+\S*
    )\.?$""",
    re.IGNORECASE | re.VERBOSE,
)
_BARE_URL = re.compile(r"^https?://\S+$")
_REPRINT_NOTICE = re.compile(r"^this copy is for your personal,? non-commercial use only", re.IGNORECASE)
MAX_CHROME_CHARS = 90


def is_chrome(text: str) -> bool:
    line = text.strip()
    if not line:
        return False
    if _BARE_URL.match(line) or _REPRINT_NOTICE.match(line):
        return True
    return len(line) <= MAX_CHROME_CHARS and bool(_CHROME.match(line))


def drop_chrome(blocks: list[Block]) -> list[Block]:
    kept = [block for block in blocks if not (block.kind != BlockKind.IMAGE and is_chrome(block.plain_text()))]
    while kept and kept[-1].kind == BlockKind.HEADING:  # a trailing heading introduces a widget we removed
        kept.pop()
    return kept
