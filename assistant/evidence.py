"""Decide, from the retrieved clauses alone, whether the library answers a question (before any LLM)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from policytext.lexicon import MIN_SYNONYM_CHARS, glossary
from policytext.places import gazetteer
from policytext.question import Quantity, QueryAnalysis
from policytext.sentences import normalize_for_match, split_sentences
from retrieval.types import Hit

MIN_COVERAGE = 0.25  # share of the question's content terms the best clauses must contain
QUANTITY_TERM_SHARE = 0.5  # a sentence giving the quantity asked must name this share of the question's terms


@dataclass(frozen=True)
class Verdict:
    """Refuse (with the reason shown to the user, in Chinese) or answer (reason empty)."""

    refuse: bool
    reason: str = ""


def judge(analysis: QueryAnalysis, hits: list[Hit], library_regions: list[str]) -> Verdict:
    """Check region coverage, the kind of answer asked for, and term coverage of the best clauses."""
    if analysis.unknown_regions and not analysis.regions:
        return _unknown_region(analysis, library_regions)
    if not hits:
        return Verdict(True, "现有文件中未找到与问题相关的条款。")
    terms = analysis.content_terms
    for quantity in analysis.quantities:
        if not _states_quantity(quantity, terms, hits[:5]):
            topic = "、".join(terms[:3]) or "该事项"
            return Verdict(True, f"现有文件中未找到依据：没有条款给出{topic}的具体{quantity.what}。")
    if term_coverage(analysis, hits[:3]) < MIN_COVERAGE:
        return Verdict(True, "现有文件中未找到依据：检索到的条款与问题关系不大。")
    return Verdict(False)


def _states_quantity(quantity: Quantity, terms: list[str], hits: list[Hit]) -> bool:
    """Some sentence gives a number of the asked kind and names at least half of the question's terms.

    A number anywhere is not enough: 每年引入1-2名学科带头人 gives a head count, but not of a class size.
    """
    for hit in hits:
        for sentence in split_sentences(normalize_for_match(hit.clause.text)):
            if quantity.given.search(sentence):
                named = sum(1 for term in terms if names_term(sentence, term))
                if not terms or named / len(terms) >= QUANTITY_TERM_SHARE:
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
        province = gaz.division(name).province
        if province and province != name and province in library_regions:
            return province
    return None


def term_coverage(analysis: QueryAnalysis, hits: list[Hit]) -> float:
    """Share of the question's content terms the clauses name (see ``names_term``)."""
    terms = analysis.content_terms
    if not terms:
        return 1.0
    text = normalize_for_match(" ".join(h.clause.heading + h.clause.text + h.document.meta.title for h in hits))
    return sum(1 for term in terms if names_term(text, term)) / len(terms)


def names_term(text: str, term: str) -> bool:
    """True when normalized text names the term, or a glossary word inside it, or a synonym of either.

    Lenient on purpose: a colloquial compound (评职称, 穷孩子) counts as named when the documents' word inside
    it (职称, 孩子 ≈ 学生) is. The check only has to tell a question on the library's topics from one off them.
    """
    text = text.lower()
    return any(form in text for form in _forms_within(term))


@lru_cache(maxsize=4096)
def _forms_within(term: str) -> tuple[str, ...]:
    """The forms of a term and of every glossary word inside it (computed once per term, not per check)."""
    words = [term, *(m for m in glossary().members() if len(m) >= MIN_SYNONYM_CHARS and m != term and m in term)]
    return tuple(dict.fromkeys(form for word in words for form in glossary().forms(word)))

