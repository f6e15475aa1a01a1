"""The records retrieval hands to the assistant and the app."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.types import Clause, Document


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search. Empty tuples / None mean no restriction."""

    regions: tuple[str, ...] = ()  # matched against province/city/county, e.g. ("上海",)
    doc_ids: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    doc_types: tuple[str, ...] = ()  # e.g. ("意见", "方案")

    @property
    def empty(self) -> bool:
        """True when nothing is restricted."""
        return not (self.regions or self.doc_ids or self.doc_types) and self.year_from is None and self.year_to is None


@dataclass(frozen=True)
class Hit:
    """A clause found for a query, with the document it belongs to."""

    rank: int  # 1-based
    score: float  # fused score; higher is better, comparable within one search only
    clause: Clause
    document: Document

    def to_json(self) -> dict:
        """The CLI/JSON contract: rank, clause_id, doc_id, title, source, path, text, score."""
        return {
            "rank": self.rank,
            "clause_id": self.clause.clause_id,
            "doc_id": self.document.doc_id,
            "title": self.document.meta.title,
            "source": self.document.source,
            "path": self.clause.heading,
            "text": self.clause.text,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True)
class QueryAnalysis:
    """What the question names: regions (known or not), years, modes, glossary variants, answer shape."""

    text: str
    regions: tuple[str, ...] = ()  # region names found in the question that the library holds
    unknown_regions: tuple[str, ...] = ()  # region names the library has no document for
    years: tuple[int, ...] = ()
    modes: tuple[str, ...] = ()  # canonical mode names, e.g. 集团化办学
    variant_terms: tuple[tuple[str, str], ...] = ()  # (variant, canonical) pairs: (老师, 教师)
    region_forms: tuple[str, ...] = ()  # how the question wrote the regions it names (kept out of lexical terms)
    scope_words: tuple[str, ...] = ()  # 各地/分别…: say where to look, not what about (kept out of lexical terms)
    comparative: bool = False  # asks across documents (各地/分别/对比…): results are spread over documents
    document_facts: tuple[str, ...] = ()  # asks for the document's own date / number / issuer
    # Regexes the wording of an answer matches: 4所新优质学校 for 几所新优质学校, a percentage for a share, a year for 'when'
    answer_patterns: tuple[str, ...] = ()
    asks_for_list: bool = False  # 哪些/哪几…: the answer is likely an enumeration (…、…、…)
