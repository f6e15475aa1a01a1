"""Chinese and Arabic numerals as policy texts write them (二, 两, 十二, 一百零五, 87.4)."""

from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# A Chinese numeral as a character class body, for patterns built elsewhere (numbering, quantities).
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"
CN_NUMERAL = f"[{CN_NUMERAL_CHARS}]+"
ARABIC_NUMERAL = r"\d+(?:\.\d+)?"
NUMERAL = rf"(?:{ARABIC_NUMERAL}|{CN_NUMERAL})"
_PLACES = (("千", 1000), ("百", 100), ("十", 10))
_WRITTEN = "零一二三四五六七八九"


def parse_number(text: str) -> float | None:
    """'87.4' / '二' / '两' / '十二' / '二十' / '一百零五' -> the number, or None when it is no plain numeral."""
    text = (text or "").strip()
    if re.fullmatch(ARABIC_NUMERAL, text):
        return float(text)
    if not re.fullmatch(CN_NUMERAL, text):
        return None
    value = _parse_chinese(text)
    return None if value is None else float(value)


def _parse_chinese(text: str) -> int | None:
    """A Chinese numeral below ten thousand -> int, or None when it is malformed (十十, 二三)."""
    for char, unit in _PLACES:
        if char in text:
            head, _, tail = text.partition(char)
            lead = DIGITS.get(head, -1) if head else 1
            rest = _parse_chinese(tail.lstrip("零〇")) if tail else 0
            if lead < 0 or rest is None or rest >= unit:
                return None
            return lead * unit + rest
    if len(text) == 1:
        return DIGITS.get(text)
    return None


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (0 < n < 10000), as headings number items."""
    if not 0 < n < 10000:
        raise ValueError(f"expected 0 < n < 10000; got {n}")
    out, pending_zero = "", False
    for char, unit in _PLACES:
        digit, n = divmod(n, unit)
        if digit:
            if pending_zero:
                out += "零"
            out += ("" if digit == 1 and unit == 10 and not out else _WRITTEN[digit]) + char
            pending_zero = False
        elif out:
            pending_zero = True
    if n:
        out += ("零" if pending_zero else "") + _WRITTEN[n]
    return out


def ordinal_value(token: str) -> int | None:
    """'3' / '三' / '十二' -> 3 / 3 / 12: the number of an ordinal such as 第三条; None when it is none."""
    value = parse_number(token)
    return int(value) if value is not None and value == int(value) and value > 0 else None
