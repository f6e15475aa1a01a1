"""Dates, years, planning periods and document numbers (文号) as policy texts write them."""

from __future__ import annotations

import re

YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")  # a four-digit year of this or the last century
YEAR_WITH_UNIT = re.compile(r"((?:19|20)\d{2})年")  # 2017年
YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*[—–\-~～至到]+\s*((?:19|20)\d{2})年?")  # 2014—2016年
_PERIOD = re.compile(r"(\d{4})\s*年?\s*[—\-–~～至到]+\s*(\d{4})")
CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")  # 2015年11月12日
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")  # 2015-11-12
_DATE_LINE = re.compile(r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2})$")
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
# 文号: an organ's short name, the year in brackets, the serial number and 号 (晋教基〔2015〕27号).
DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,10}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d+\s*号")
BRACKETED_YEAR_NUMBER = re.compile(r"[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*\d+\s*号")  # 〔2015〕27号
_DOC_NUMBER_LINE = re.compile(rf"^(?:{DOC_NUMBER.pattern})$")


def iso_date(text: str) -> str:
    """The first date in text (2015年11月12日 or 2015-11-12) as YYYY-MM-DD, or '' when it names none."""
    match = CN_DATE.search(text) or ISO_DATE.search(text)
    if not match:
        return ""
    y, m, d = (int(g) for g in match.groups())
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


def is_doc_number_line(line: str) -> bool:
    """A line that is only a 文号 (晋教基〔2015〕27号)."""
    return bool(_DOC_NUMBER_LINE.match(line))


def period(text: str) -> str:
    """The first planning period in text (2014—2016年, 2014-2016) as '2014—2016', or ''.

    A range whose end comes before its start is no period.
    """
    for match in _PERIOD.finditer(text):
        if int(match.group(1)) < int(match.group(2)):
            return f"{match.group(1)}—{match.group(2)}"
    return ""
