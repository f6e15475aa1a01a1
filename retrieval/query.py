"""The library's regions and issuing organs, as question analysis and search scoping need them."""

from __future__ import annotations

from policytext.dates import doc_number_key, known_number_named
from policytext.doctypes import organ_forms
from policytext.lexicon import names_as_words
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


def analyze_in(question: str, library: Library, asked_by: str = "") -> QueryAnalysis:
    """Analyse a question against the regions this library covers (``asked_by``: see ``analyze``)."""
    numbers = [doc.meta.doc_number for doc in library.documents.values()]
    return analyze(question, library_regions(library), asked_by=asked_by, known_numbers=numbers)


def documents_numbered(numbers: tuple[str, ...], library: Library) -> set[str]:
    """Documents whose own 文号 is one of those named (as written, see ``doc_numbers_named``)."""
    own = {d: doc_number_key(doc.meta.doc_number) for d, doc in library.documents.items() if doc.meta.doc_number}
    named = {known_number_named(n, own.values()) for n in numbers}
    return {d for d, key in own.items() if key in named}


def documents_issued_by_named_organ(question: str, library: Library) -> set[str]:
    """Documents whose issuing organ the question names (西安市教育局办公室…的那份文件); empty when it names none.

    Only the organs named by the longest form count: 陕西省教育厅 inside 陕西省教育厅办公室 is that office's.
    """
    named = {}
    for doc in library.documents.values():
        for form in organ_forms(doc.meta.issuer):
            if form in question and names_as_words(question, form):
                named.setdefault(form, set()).add(doc.doc_id)
    longest = [f for f in named if not any(f != o and f in o for o in named)]
    return set().union(*(named[f] for f in longest)) if longest else set()


def doc_ids_for_regions(regions: tuple[str, ...], library: Library) -> set[str]:
    """Documents of the named regions' own governments; where a region has none, those of places inside it.

    A question naming 江苏 asks for the province's provisions, not those of its cities' documents (which the
    province's regions also hold); a question naming 吉林省 when only a district of it has a document gets that.
    """
    known = library_regions(library)
    docs = library.documents
    found: set[str] = set()
    for region in regions:
        inside = known.get(region, set())
        own = {d for d in inside if docs[d].meta.place == region}
        found |= own or inside
    return found
