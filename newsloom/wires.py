"""Wire agencies' labels (folded): a publisher tag that names one is noise (``enrich/tags/clean.py``), and a page
that credits one as its publisher belongs to the site it is on, not to the wire (``outlets.py``).
"""

from __future__ import annotations

from newsloom.section_scheme import fold

WIRE_LABELS = frozenset(
    fold(label)
    for label in (
        "AP",
        "A Wire",
        "AP Wire",
        "Associated Press",
        "AFP",
        "Agence France-Presse",
        "Reuters",
        "dpa",
        "UPI",
        "PA",
        "PA Media",
        "AAP",
        "ANSA",
        "EFE",
        "IANS",
        "PTI",
        "ANI",
        "Xinhua",
        "TTXVN",
        "Kyodo",
        "Yonhap",
        "Wire",
        "Wires",
        "Newswire",
        "Wire service",
        "Wire Services",
        "Syndicated",
        "Syndication",
        "Press release",
        "PR Newswire",
        "Business Wire",
        "Globe Newswire",
        "APTN",
        "AP Photo",
        "Getty",
        "Getty Images",
    )
)
