"""Decide, from the retrieved clauses alone, whether the library answers a question (before any LLM)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.clean import normalize_for_match
from ingest.meta import gazetteer
from ingest.segment import split_sentences
from retrieval.lexical import glossary, tokenize
from retrieval.query import INTERROGATIVES
from retrieval.types import Hit, QueryAnalysis

MIN_COVERAGE = 0.25  # share of the question's content terms the best clauses must contain
_NUMBER = r"(?:\d[\d,.]*|[一二两三四五六七八九十百千万]+)\s*"
_MONEY = r"(?:补贴|补助|津贴|工资|奖金|奖励金|经费|费用|交通费|生活费|钱)"


@dataclass(frozen=True)
class _Quantity:
    """A kind of number a question can ask for, and how a clause that gives one writes it."""

    asked: re.Pattern
    given: re.Pattern
    what: str  # in the refusal: 没有条款给出…的具体{what}


# Only kinds whose unit tells whether a clause answers: 几个县 may be answered by 22%的县, so plain counts
# are not checked; a sum of money, a head count or a duration must be stated with its unit.
_QUANTITIES = (
    _Quantity(
        re.compile(
            r"多少(万?元|钱)|金额|具体.{0,4}标准|发放标准|每[月年人]多少|"
            rf"{_MONEY}.{{0,6}}(?:多少|几)|(?:多少|几).{{0,6}}{_MONEY}"
        ),
        re.compile(_NUMBER + r"(?:万?元|块)"),
        "金额或发放标准",
    ),
    _Quantity(re.compile(r"(?:多少|几)(?:个)?(?:人|名)(?![员师])"), re.compile(_NUMBER + r"(?:人|名)"), "人数"),
    _Quantity(
        re.compile(r"多久|多长时间|多少(?:小时|分钟|天|周|年)|几(?:小时|分钟|天|周|年)"),
        re.compile(_NUMBER + r"(?:个)?(?:小时|分钟|天|周|星期|个?月|年|学期)"),
        "时长",
    ),
)


@dataclass(frozen=True)
class Verdict:
    """Refuse (with the reason shown to the user, in Chinese) or answer (reason empty)."""

    refuse: bool
    reason: str = ""


def judge(question: str, analysis: QueryAnalysis, hits: list[Hit], library_regions: list[str]) -> Verdict:
    """Check region coverage, the kind of answer asked for, and term coverage of the best clauses."""
    if analysis.unknown_regions and not analysis.regions:
        return _unknown_region(analysis, library_regions)
    if not hits:
        return Verdict(True, "现有文件中未找到与问题相关的条款。")
    terms = _topic_terms(question, analysis)
    for quantity in _QUANTITIES:
        if quantity.asked.search(question) and not _states_quantity(quantity, terms, hits[:5]):
            topic = "、".join(terms[:3]) or "该事项"
            return Verdict(True, f"现有文件中未找到依据：没有条款给出{topic}的具体{quantity.what}。")
    coverage = term_coverage(question, analysis, hits[:3])
    if coverage < MIN_COVERAGE:
        return Verdict(True, "现有文件中未找到依据：检索到的条款与问题关系不大。")
    return Verdict(False)


def _states_quantity(quantity: _Quantity, terms: list[str], hits: list[Hit]) -> bool:
    """Some sentence gives a number of the asked kind and names at least half of the question's terms.

    A number anywhere is not enough: 每年引入1-2名学科带头人 gives a head count, but not of a class size.
    """
    for hit in hits:
        for sentence in split_sentences(normalize_for_match(hit.clause.text)):
            if quantity.given.search(sentence):
                named = sum(1 for term in terms if any(form in sentence for form in _forms(term)))
                if not terms or named / len(terms) >= 0.5:
                    return True
    return False


def _unknown_region(analysis: QueryAnalysis, library_regions: list[str]) -> Verdict:
    names = "、".join(analysis.unknown_regions)
    held = "、".join(library_regions) or "（无）"
    return Verdict(True, f"文库中没有来自{names}的文件，不能用其他地区的规定代替作答。现有文件来自：{held}。")


def province_fallback(analysis: QueryAnalysis, library_regions: list[str]) -> str | None:
    """For an unknown city/county whose province the library holds: that province (its rules apply there)."""
    gaz = gazetteer()
    for name in analysis.unknown_regions:
        info = gaz["cities"].get(name) or gaz["districts"].get(name)
        if info and info[0] in library_regions:
            return info[0]
    return None


def term_coverage(question: str, analysis: QueryAnalysis, hits: list[Hit]) -> float:
    """Share of the question's content terms (or their glossary synonyms) found in the clauses."""
    terms = _topic_terms(question, analysis)
    if not terms:
        return 1.0
    text = normalize_for_match(" ".join(h.clause.heading + h.clause.text + h.document.meta.title for h in hits))
    found = sum(1 for term in terms if any(form in text for form in _forms(term)))
    return found / len(terms)


def _topic_terms(question: str, analysis: QueryAnalysis | None = None) -> list[str]:
    if analysis:
        for form in analysis.region_forms:
            question = question.replace(form, " ")
    tokens = [t for t in tokenize(INTERROGATIVES.sub(" ", question)) if len(t) >= 2 and not t.isdigit()]
    # keep the longest tokens: search-mode tokenisation repeats a word's parts (集团 / 集团化 / 集团化办学)
    kept = [t for t in tokens if not any(t != o and t in o for o in tokens)]
    return list(dict.fromkeys(kept))


def _forms(term: str) -> set[str]:
    forms = {term}
    for group in glossary()["groups"]:
        if any(term == t or (len(t) >= 2 and t in term) for t in group):
            forms.update(t for t in group if len(t) >= 2)
    return forms
