"""Dates, years, planning periods and document numbers (文号) as policy texts write them."""

from __future__ import annotations

import re
from collections.abc import Collection

from policytext.numerals import parse_number

YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")  # a four-digit year of this or the last century
YEAR_WITH_UNIT = re.compile(r"((?:19|20)\d{2})年")  # 2017年
YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*[—–\-~～至到]+\s*((?:19|20)\d{2})年?")  # 2014—2016年
_PERIOD = re.compile(r"(\d{4})\s*年?\s*[—\-–~～至到]+\s*(\d{4})")
CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")  # 2015年11月12日
_CN_DIGIT = "〇○零一二三四五六七八九"  # ○ (a white circle) stands for 〇 in many typed signatures
_YEAR_DIGITS = {ch: (0 if ch in "〇○零" else "一二三四五六七八九".index(ch) + 1) for ch in _CN_DIGIT}
# 二〇一一年十一月九日: a date written in Chinese numerals, as some signatures are.
_SMALL = "[一二三四五六七八九十]"
CN_NUMERAL_DATE = re.compile(rf"([{_CN_DIGIT}]{{4}})\s*年\s*({_SMALL}{{1,2}})\s*月\s*({_SMALL}{{1,3}})\s*日")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")  # 2015-11-12
_DATE_LINE = re.compile(
    rf"^(?:\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|\d{{4}}-\d{{1,2}}-\d{{1,2}}|{CN_NUMERAL_DATE.pattern})$"
)
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
# 文号: an organ's short name, the year in brackets, the serial number and 号 (晋教基〔2015〕27号).
DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,10}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d+\s*号")
BRACKETED_YEAR_NUMBER = re.compile(r"[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*\d+\s*号")  # 〔2015〕27号
_DOC_NUMBER_LINE = re.compile(rf"^(?:{DOC_NUMBER.pattern})$")
# The parenthesis under a title that gives the 文号, the date or both: （鲁教体发〔2018〕1号 2018年4月16日）.
_HEADER_PARENTHESIS = re.compile(
    rf"^[（(]\s*(?P<number>{DOC_NUMBER.pattern})?\s*"
    rf"(?P<date>\d{{4}}\s*年(?:\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?)?|{CN_NUMERAL_DATE.pattern})?\s*[）)]$"
)


def years_named(text: str) -> frozenset[int]:
    """The years a text names: written (2017年, 2017), or inside a period it writes (2014—2016年 names 2015).

    Not the year of a 文号 it cites (葫教发〔2020〕4号 names no year of what it says).
    """
    text = BRACKETED_YEAR_NUMBER.sub(" ", DOC_NUMBER.sub(" ", text))
    years = {int(y) for y in YEAR.findall(text)}
    for start, end in YEAR_RANGE.findall(text):
        years |= set(range(int(start), int(end) + 1)) if 0 < int(end) - int(start) <= 20 else set()
    return frozenset(years)


def iso_date(text: str) -> str:
    """The first date in text (2015年11月12日, 2015-11-12, 二〇一五年十一月十二日) as YYYY-MM-DD, or ''."""
    match = CN_DATE.search(text) or ISO_DATE.search(text)
    if match:
        y, m, d = (int(g) for g in match.groups())
    elif written := CN_NUMERAL_DATE.search(text):
        y = int("".join(str(_YEAR_DIGITS[ch]) for ch in written.group(1)))
        m, d = (int(parse_number(g) or 0) for g in written.groups()[1:])
    else:
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= m <= 12 and 1 <= d <= 31 else ""


def chinese_date(iso: str) -> str:
    """2015-11-12 -> 2015年11月12日 (as the documents write it); anything else comes back as it is."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{match[1]}年{int(match[2])}月{int(match[3])}日" if match else iso


def is_date_line(line: str) -> bool:
    """A line that is only a date (a signature's date, a header's date)."""
    return bool(_DATE_LINE.match(line))


def is_timestamp(line: str) -> bool:
    """A line holding a clock time (2016-01-05 10:23): a web page's publishing stamp, not a date of issue."""
    return bool(_CLOCK.search(line))


def doc_number_key(number: str) -> str:
    """A 文号 in one spelling, to compare two (晋教基 [2015] 第27号 and 晋教基〔2015〕27号文 are one)."""
    number = re.sub(r"\s+|第|(?:文件|文)$", "", number)
    return re.sub(r"[\]］)）】]", "〕", re.sub(r"[\[［(（【]", "〔", number))


# Words a question may write right before a 文号, which its organ part would otherwise take in
_BEFORE_NUMBER = re.compile(r"^(?:按照|根据|依据|参照|遵照|落实|执行|贯彻|对照|关于|看看|查查|说说|请问)+")


_NUMBER_WRITTEN = re.compile(rf"(?:{DOC_NUMBER.pattern})(?:文件|文)?")  # with a 文/文件 after it (…27号文里)


def doc_numbers_written(text: str) -> tuple[str, ...]:
    """Every 文号 the text names, as written (按照京教基〔2019〕5号文里 -> 京教基〔2019〕5号文)."""
    return tuple(_BEFORE_NUMBER.sub("", m.group(0)) for m in _NUMBER_WRITTEN.finditer(text))


def doc_numbers_named(text: str, known: Collection[str]) -> tuple[str, ...]:
    """The known 文号 the text names, each as written (see ``doc_numbers_written``).

    The organ's name is cut where the known number's begins: 遵循晋教基〔2015〕27号 names 晋教基〔2015〕27号.
    """
    keys = [doc_number_key(k) for k in known if k]
    named = []
    for written in doc_numbers_written(text):
        if (key := known_number_named(written, keys)) and (organ := key.split("〔", 1)[0]) in written:
            named.append(written[written.find(organ) :])
    return tuple(named)


def known_number_named(written: str, keys: Collection[str]) -> str | None:
    """The known 文号 (given as ``doc_number_key``) a written one names, None when it names none.

    The written one may carry words before the organ (遵循晋教基〔2015〕27号); of two known numbers it ends on,
    the longer (晋教基〔2015〕27号, not 教基〔2015〕27号).
    """
    key = doc_number_key(written)
    return max((k for k in keys if key.endswith(k)), key=len, default=None)


def is_doc_number_line(line: str) -> bool:
    """A line that is only a 文号 (晋教基〔2015〕27号)."""
    return bool(_DOC_NUMBER_LINE.match(line))


def header_parenthesis(line: str) -> tuple[str, str] | None:
    """(文号, ISO date) of a header parenthesis such as （沪府办发〔2016〕24号） or （2017年08月14日）, else None.

    Either part may be '' (a year alone gives no date); a parenthesis holding neither is no header line.
    """
    match = _HEADER_PARENTHESIS.match(line.strip())
    if not match or not (match.group("number") or match.group("date")):
        return None
    return (match.group("number") or "").strip(), iso_date(match.group("date") or "")


def period(text: str) -> str:
    """The first planning period in text (2014—2016年, 2014-2016) as '2014—2016', or ''.

    A range whose end comes before its start is no period.
    """
    for match in _PERIOD.finditer(text):
        if int(match.group(1)) < int(match.group(2)):
            return f"{match.group(1)}—{match.group(2)}"
    return ""
