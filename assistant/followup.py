"""Resolve a follow-up question (那上海呢? / 这个有时间要求吗? / 第二条具体怎么做?) against the conversation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.types import Citation, Turn
from policytext.numerals import ordinal_value
from policytext.places import find_places, region_forms
from policytext.question import ANAPHORA as _ANAPHORA
from policytext.question import ORDINAL_REFERENCE as _ORDINAL
from policytext.question import TRAILING_PARTICLES as _TRAILING

SHORT_FOLLOWUP = 12  # characters: a question this short leans on the previous turn


@dataclass(frozen=True)
class Resolved:
    """The question to search for, and the citation a 第N条 reference points at (if any)."""

    text: str
    citation: Citation | None = None


def resolve(question: str, history: Sequence[Turn]) -> Resolved:
    """Rewrite a follow-up into a standalone question; a standalone question comes back unchanged."""
    question = question.strip()
    if not history or not _is_followup(question):
        return Resolved(question)
    previous = history[-1]
    base = previous.resolved_question or previous.question
    if cited := _ordinal_citation(question, previous):
        rest = _ORDINAL.sub("", question)
        item = cited.clause.path[-1] if cited.clause.path else cited.text[:30]  # the item's own heading
        return Resolved(f"{item} {_strip(rest)}".strip(), cited)
    provinces, cities, counties = find_places(question)
    new_regions = provinces + cities + counties
    if new_regions and len(_strip_regions(_strip(question), new_regions)) <= 2:
        return Resolved(_swap_region(base, new_regions))
    return Resolved(f"{_strip(base)} {_strip(_ANAPHORA.sub('', question))}".strip())


def _is_followup(question: str) -> bool:
    return bool(_ANAPHORA.match(question) or _ORDINAL.search(question) or len(_strip(question)) <= SHORT_FOLLOWUP
                and question.rstrip("?？ ").endswith("呢"))


def _strip(text: str) -> str:
    return _TRAILING.sub("", text).strip()


def _strip_regions(text: str, regions: list[str]) -> str:
    for region in regions:
        for form in sorted(region_forms(region), key=len, reverse=True):
            text = text.replace(form, "")
    return _ANAPHORA.sub("", text).strip("的 ")


def _swap_region(base: str, new_regions: list[str]) -> str:
    """The previous question about the new region(s) instead of the old one."""
    provinces, cities, counties = find_places(base)
    stripped = _strip_regions(base, provinces + cities + counties) if (provinces or cities or counties) else base
    return f"{'、'.join(new_regions)}{stripped}"


def _ordinal_citation(question: str, previous: Turn) -> Citation | None:
    match = _ORDINAL.search(question)
    if not match:
        return None
    token = match.group(1)
    n = ordinal_value(token) or 0
    citations = previous.answer.citations or previous.answer.nearby
    return next((c for c in citations if c.n == n), citations[n - 1] if 0 < n <= len(citations) else None)
