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
    levels: tuple[str, ...] = ()  # e.g. ("省", "市"): the level of the issuing government

    @property
    def empty(self) -> bool:
        """True when nothing is restricted."""
        named = self.regions or self.doc_ids or self.doc_types or self.levels
        return not named and self.year_from is None and self.year_to is None


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
