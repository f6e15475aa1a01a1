"""A briefing on one or more topics: per topic, the clauses quoted region by region, a comparison, sources.

The briefing is a record; assistant/export.py renders it as Markdown or DOCX. Quotes cite their
document as [n], the number of its entry in the source list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.compare import compare, topic_terms
from assistant.types import Cited, Comparison, OfDocument
from errors import BadQuery
from retrieval.types import SearchFilters


@dataclass(frozen=True)
class Source(OfDocument):
    """One document in the source list: the number quotes cite it by, and how to find it."""

    n: int = 0

    @property
    def issuer(self) -> str:
        """The document's issuing organ."""
        return self.document.meta.issuer

    def to_json(self) -> dict:
        """JSON-ready dict."""
        fields = ("n", "doc_id", "title", "issuer", "doc_number", "date", "region")
        return {**{name: getattr(self, name) for name in fields}, "file": self.source}


@dataclass(frozen=True)
class Quote(Cited):
    """One quoted clause: where it comes from and the source number it cites."""

    n: int = 0
    score: float = 0.0

    def to_json(self) -> dict:
        """JSON-ready dict."""
        fields = ("n", "region", "title", "heading", "text", "clause_id", "score")
        return {name: getattr(self, name) for name in fields}


@dataclass(frozen=True)
class BriefSection:
    """One topic: its comparison across documents and its quotes, grouped region by region in row order."""

    topic: str
    comparison: Comparison
    quotes: tuple[Quote, ...]

    @property
    def uncovered(self) -> tuple[str, ...]:
        """Titles of the documents in scope that say nothing on the topic (未涉及)."""
        return tuple(r.title for r in self.comparison.rows if not r.covered)


@dataclass(frozen=True)
class Briefing:
    """A briefing document: title, date (ISO), one section per topic, and the sources quoted."""

    title: str
    date: str
    sections: tuple[BriefSection, ...]
    sources: tuple[Source, ...]

    def to_json(self) -> dict:
        """JSON-ready dict (sections carry their comparison and quotes)."""
        return {
            "title": self.title,
            "date": self.date,
            "sections": [
                {"topic": s.topic, "comparison": s.comparison.to_json(), "quotes": [q.to_json() for q in s.quotes]}
                for s in self.sections
            ],
            "sources": [s.to_json() for s in self.sources],
        }


def build_brief(
    topics: Sequence[str],
    retriever,
    filters: SearchFilters | None = None,
    today: dt.date | None = None,
) -> Briefing:
    """Topics -> a Briefing; BadQuery when no topic is given or no document in scope covers any of them."""
    topics = _distinct_topics(topics)
    comparisons = [compare(t, retriever, filters) for t in topics]
    if not any(row.covered for c in comparisons for row in c.rows):
        raise BadQuery(
            f"No document in scope covers: {'; '.join(topics)}",
            zh=f"现有文件均未涉及“{'、'.join(topics)}”,无法生成简报。",
        )
    sources = _sources(comparisons, retriever.library)
    number = {s.doc_id: s.n for s in sources}
    sections = tuple(BriefSection(c.topic, c, _quotes(c, number)) for c in comparisons)
    date = (today or dt.date.today()).isoformat()
    return Briefing(title=f"政策简报:{'、'.join(topics)}", date=date, sections=sections, sources=sources)


def _distinct_topics(topics: Sequence[str]) -> list[str]:
    """Topics stripped, empty ones dropped, duplicates removed; BadQuery when none is left."""
    out: list[str] = []
    for t in topics:
        t = (t or "").strip()
        if t and t not in out:
            out.append(t)
    if not out:
        raise BadQuery("Give at least one topic for the briefing", zh="请至少输入一个简报主题。")
    for t in out:
        topic_terms(t)  # BadQuery on a topic with nothing to search for
    return out


def _sources(comparisons: Sequence[Comparison], library) -> tuple[Source, ...]:
    """Documents quoted anywhere in the briefing, numbered in order of first appearance."""
    seen: list[str] = []
    for c in comparisons:
        for row in c.rows:
            if row.covered and row.doc_id not in seen:
                seen.append(row.doc_id)
    return tuple(Source(library.documents[doc_id], n) for n, doc_id in enumerate(seen, start=1))


def _quotes(c: Comparison, number: dict[str, int]) -> tuple[Quote, ...]:
    """A comparison's clauses as quotes, row (region) by row, each citing its document's source number."""
    return tuple(
        Quote(cl.document, cl.clause, number[row.doc_id], cl.score)
        for row in c.rows
        for cl in row.clauses
    )
