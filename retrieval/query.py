"""The library's regions, as question analysis and search filters need them."""

from __future__ import annotations

from policytext.question import QueryAnalysis, analyze
from retrieval.library import Library


def library_regions(library: Library) -> dict[str, set[str]]:
    """Region name -> ids of the documents from that region (province, city and county levels)."""
    regions: dict[str, set[str]] = {}
    for doc in library.documents.values():
        for name in (doc.meta.province, doc.meta.city, doc.meta.county):
            if name:
                regions.setdefault(name, set()).add(doc.doc_id)
    return regions


def analyze_in(question: str, library: Library) -> QueryAnalysis:
    """Analyse a question against the regions this library covers."""
    return analyze(question, library_regions(library))


def doc_ids_for_regions(regions: tuple[str, ...], library: Library) -> set[str]:
    """Documents from any of the regions."""
    known = library_regions(library)
    return set().union(*(known.get(r, set()) for r in regions)) if regions else set()
