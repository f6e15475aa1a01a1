"""Kinds of policy documents (意见, 通知, 方案 …) and the organs that issue them (教育厅, 人民政府 …)."""

from __future__ import annotations

import re
from functools import lru_cache

from policytext.places import find_places, issuer_division

# Kinds a title names, as the last such word of the title (…工作方案的通知 is a 通知 wrapping a 方案).
TYPE_WORDS = (
    "意见", "通知", "方案", "规划", "办法", "决定", "纲要", "细则", "规定", "计划", "条例", "通报", "报告", "复函",
    "函", "批复", "公告", "指引", "指南", "标准",
)  # fmt: skip
# Words only a document title holds among the first lines of a page (征求意见稿 marks a draft's title).
TITLE_WORDS = (*TYPE_WORDS, "关于", "征求意见稿")
# Endings of an issuing organ's name, longest first.
ORGAN_ENDS = (
    "教育厅", "教育局", "教育委员会", "教委", "人民政府", "政府", "办公厅", "办公室", "委员会", "厅", "局", "委", "部",
)  # fmt: skip
ORGAN_AT_LINE_END = re.compile(r"(?:人民政府|教育厅|教育局|教育委员会|委员会|办公厅|办公室)\s*(?:\n|$)")
_COVER_VERB = re.compile(r"印发|征求|转发|颁布")
_QUOTED_TITLE = re.compile(r"《([^》]+)》")
# A cover notice naming what it wraps without quotes: 关于印发X实施方案的通知 wraps X实施方案.
_COVERED = re.compile(r"(?:印发|转发|颁布)(.{2,}?)的?(?:通知|函)$")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
DRAFT = "征求意见稿"


def doc_type(title: str) -> str:
    """The kind of document a title names; for a cover notice (印发/征求/转发《X》, 印发X的通知) the kind of X.

    A notice that wraps no typed document (转发…的通知 of a notice) stays a 通知.
    """
    inner = _QUOTED_TITLE.search(title)
    covered = _COVERED.search(title)
    target = inner.group(1) if inner and _COVER_VERB.search(title) else covered.group(1) if covered else title
    target = _BRACKETED.sub("", target)
    # The word ending last wins; of two ending at the same place, the longer (复函 over 函).
    ends = [(target.rfind(word) + len(word), len(word), word) for word in TYPE_WORDS if word in target]
    return max(ends)[2] if ends else ""


_TRAILING_NOTE = re.compile(r"(?:[（(][^（()）]*[）)]\s*)+$")  # （试行）, (2021—2023年), （征求意见稿）


def ends_with_type(line: str) -> bool:
    """True when a line ends, before any bracketed notes, with a kind of document (…管理办法（试行）): a title."""
    return _TRAILING_NOTE.sub("", line.strip()).endswith(TYPE_WORDS)


_OFFICE = ("办公厅", "办公室")  # the office that issues in an organ's name: 西安市教育局办公室 -> 西安市教育局


@lru_cache(maxsize=4096)
def organ_forms(issuer: str) -> tuple[str, ...]:
    """How a question may name the organ that issued a document: its name, and the name without its office.

    Each signing organ of a joint issuer (A、B) counts on its own. A name that tells no one organ apart
    (市政府办公室, 教育局: no place, no central organ) is left out.
    """
    forms = []
    for organ in issuer.split("、"):
        organ = organ.strip()
        forms.append(organ)
        for office in _OFFICE:
            if organ.endswith(office) and is_organ(organ[: -len(office)]):
                forms.append(organ[: -len(office)])
    return tuple(dict.fromkeys(f for f in forms if _names_one_organ(f)))


def _names_one_organ(name: str) -> bool:
    """An organ's name that says whose it is: a place in it (西安市教育局) or a central organ (教育部)."""
    return is_organ(name) and (bool(find_places(name).all) or bool(issuer_division(name).level))


def is_organ(name: str) -> bool:
    """True when a short name ends like an issuing organ (…教育厅, …人民政府办公厅, …局)."""
    return name.endswith(ORGAN_ENDS)


def is_draft(text: str) -> bool:
    """True when text marks a draft for comment (征求意见稿)."""
    return DRAFT in text
