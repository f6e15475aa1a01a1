"""The numbering of policy texts, outermost level first.

第一章 › 第一节 › 第一部分 › 第一条 › 一、 › （一） › 1. › （1） › ① › - (a bullet) › 一是.

One table serves the segmenter (which level a line opens), the cleaner (a numbered line is content) and the
answer (a heading without its number). Levels are compared by rank only, so a text that starts at 一、 or at
（一） nests the same way as one that starts at 第一章.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN = "一二三四五六七八九十百零〇"
_ORDINAL = rf"第[{_CN}\d]+"


@dataclass(frozen=True)
class Level:
    """One level of numbering: its name, the pattern that opens it at a line start, and whether it is outline."""

    name: str
    opens: re.Pattern
    outline: bool = False  # chapters, sections, 一、: the document's outline, not a list of items


LEVELS: tuple[Level, ...] = (
    Level("chapter", re.compile(rf"^{_ORDINAL}章"), outline=True),  # 第一章 总则
    Level("section", re.compile(rf"^{_ORDINAL}节"), outline=True),  # 第一节
    Level("division", re.compile(rf"^{_ORDINAL}部分"), outline=True),  # 第一部分 总体要求
    Level("article", re.compile(rf"^{_ORDINAL}条(?![件例])")),  # 第一条 为了… (not 第一条件)
    Level("part", re.compile(rf"^[{_CN}]+[、．]"), outline=True),  # 一、总体要求 (一．in some PDFs)
    Level("item", re.compile(rf"^[（(][{_CN}]+[）)]")),  # （一）
    Level("point", re.compile(r"^\d{1,2}[\.．、](?!\d)")),  # 1.  (not 1.5)
    Level("subpoint", re.compile(r"^[（(]\d{1,2}[）)]")),  # （1）
    Level("circled", re.compile(r"^[①-⑳]")),  # ①
    Level("bullet", re.compile(r"^[-－—–•●▪◆■](?![-－—–])\s*(?=\S)")),  # - 开齐课程 / • 开齐课程 (not a —— rule)
    Level("enumeration", re.compile(r"^[一二三四五六七八九十]是")),  # 一是…，二是…
)
# An attachment's label (附件, 附件2：): what follows it is the attachment, never the document's title.
ATTACHMENT_LABEL = re.compile(r"^附件\s*\d*\s*[：:]?")
# A label alone on its line opens the attachment itself (附件2), unlike a list of attachments (附件：1.xx表).
BARE_ATTACHMENT = re.compile(r"^附件\s*[\d一二三四五六七八九十]*\s*[：:]?$")
# A note on the item above it: who is responsible, by when (责任单位：市教育局; （牵头单位：…）).
ANNOTATION = re.compile(r"^[（(]?\s*(?:(?:责任|牵头|配合|参与|协办|主办)(?:单位|部门)|完成(?:时限|时间))\s*[：:]")
ENUMERATION = next(i for i, level in enumerate(LEVELS) if level.name == "enumeration")
_NUMBERED = [level for level in LEVELS[:ENUMERATION] if level.name != "bullet"]
# The numbering that opens an item on its own line (not a bullet, not the inline 一是), optional spaces first.
NUMBER_PREFIX = re.compile(r"^\s*(?:" + "|".join(level.opens.pattern.lstrip("^") for level in _NUMBERED) + ")")
# 二是/三是… inside a paragraph, after the punctuation that ends the part before it.
INLINE_ENUMERATION = re.compile(r"(?<=[；;。，,])\s*(?=[一二三四五六七八九十]是)")
# A line that starts any numbered item, 一是 included: it never continues the line before it.
ITEM_START = re.compile("|".join(level.opens.pattern for level in LEVELS))


def numbering_level(line: str) -> int | None:
    """The rank of the numbering a line opens with (0 = 第一章 … 10 = 一是), or None for a plain line."""
    for rank, level in enumerate(LEVELS):
        if level.opens.match(line):
            return rank
    return None


def is_outline_level(rank: int | None) -> bool:
    """True for chapters, sections and 一、 parts: siblings there are the outline, not items of a list."""
    return rank is not None and LEVELS[rank].outline


def strip_number(text: str) -> str:
    """A numbered line without its numbering: '（二）推进集团化办学' -> '推进集团化办学'."""
    return NUMBER_PREFIX.sub("", text).lstrip()
