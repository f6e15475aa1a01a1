"""Hybrid clause search: dense vectors (Chroma) and BM25 (jieba), fused, with filters and query analysis."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass

import numpy as np

from errors import BadQuery, IndexMismatch, IndexMissing
from policytext.asks import enumerates
from policytext.lexicon import tokenize
from policytext.places import region_named
from policytext.question import DOCUMENT_FACT_ANSWERS, QueryAnalysis, listed_noun, strip_framing
from retrieval.embed import make_embedder
from retrieval.index import bm25_path, build_lexical, lexical_revision, record_ids
from retrieval.lexical import LexicalIndex
from retrieval.library import FORMAT_VERSION, Library, LibraryHome, open_library
from retrieval.query import analyze_in, doc_ids_for_regions, documents_issued_by_named_organ, documents_numbered
from retrieval.store import VectorStore
from retrieval.types import Hit, SearchFilters
from settings import Settings, get_settings

MAX_QUERY_CHARS = 2000  # longer input is cut: no question needs more, and embedding cost grows with length
CANDIDATES = 60
PASSAGES_PER_CANDIDATE = 3  # passages fetched per candidate clause wanted (a clause has ~3)
UNSEEN_TERM_SHARE = 0.5  # a query word no clause holds counts this share of an average word's best score
QUERY_CACHE_SIZE = 256
SCOPE_CACHE_SIZE = 64  # BM25 indexes of a part of the library (a region's documents, one document) kept
DENSE_WEIGHT = 0.5
LEXICAL_WEIGHT = 1.0
FRONT_MATTER_FACTOR = 0.5  # front matter answers questions about the document itself, rarely about content
# Questions about the document itself keep its front matter at full weight. No bare 日期/时间: they sit
# inside content words (开放日期间) and in questions about deadlines; date questions are document facts.
FACT_BOOST = 1.0  # a front-matter line holding the very fact asked for (a date, a 文号) goes first
# A candidate shaped like the answer asked for: the number of a 'how many' question (几所新优质学校 ->
# 4所新优质学校), a percentage for a share, a year or month for 'when', an enumeration (…、…、…、…) for 哪些.
ANSWER_SHAPE_BOOST = 0.3
SHAPE_ONLY_FACTOR = 3.0  # that boost, for a question whose words all ask for a kind of fact
LIST_MIN_SEPARATORS = 3  # 、 in a clause that enumerates (a clause may hold one or two in passing)
log = logging.getLogger(__name__)
_HAS_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


class Retriever:
    """Searches one library (an index folder, or a Chroma server's); reloads it when an ingest changed it."""

    def __init__(self, settings: Settings, store: VectorStore, embedder, home: LibraryHome | None = None):
        self.settings = settings
        self.home = home or open_library(settings)
        self._store = store
        self._embedder = embedder
        self._stamp: str | None = None
        self._checked = 0.0
        self._library = Library()
        self._lexical: LexicalIndex | None = None
        self._scoped: dict[frozenset[str], LexicalIndex] = {}
        self._vectors: dict[str, list[float]] = {}
        self._records: set[str] = set()
        self._clauses: dict[str, tuple] = {}
        self._reloading = threading.Lock()  # the app's sessions search from several threads
        self.refresh()

    @classmethod
    def open(cls, settings: Settings | None = None) -> Retriever:
        """Open the library named by settings; raises IndexMissing / IndexMismatch / StoreUnavailable."""
        settings = settings or get_settings()
        home = open_library(settings)
        check_library(home.load(), home, settings)
        embedder = make_embedder(settings.embedder)
        return cls(settings, VectorStore(settings, embedder, settings.embedder), embedder, home)

    @property
    def library(self) -> Library:
        """The current library (re-read if an ingest, from any process or machine, changed it)."""
        self.refresh()
        return self._library

    def refresh(self) -> None:
        """Reload library and BM25 when the library changed (a server's is looked at every few seconds)."""
        now = time.monotonic()
        if self.home.shared and self._stamp is not None and now - self._checked < self.settings.library_poll_seconds:
            return
        stamp = self.home.stamp()
        self._checked = now
        if stamp == self._stamp:
            return
        with self._reloading:
            if stamp != self._stamp:
                self._reload(stamp)

    def _reload(self, stamp: str) -> None:
        library = self.home.load() or Library()
        lexical, clauses = self._lexical_for(library), library.clause_index()
        # A search running in another thread meanwhile may hold ids of either library: both resolve until the end.
        self._clauses = {**self._clauses, **clauses}
        self._lexical, self._library, self._scoped = lexical, library, {}
        self._records = record_ids(library, self.settings)
        self._front_matter_ids = [cid for cid in clauses if _is_front_matter(clauses[cid][0])]
        self._clauses = clauses
        self._stamp = stamp

    def _lexical_for(self, library: Library) -> LexicalIndex:
        """The BM25 index of this library revision: from the local cache, else built and cached."""
        path = bm25_path(self.home.cache_dir)
        cached = LexicalIndex.load(path)
        if cached is not None and cached.revision == lexical_revision(library):
            return cached
        built = build_lexical(library)
        try:
            built.save(path)
        except OSError as err:  # a read-only folder costs a rebuild at the next start, nothing else
            log.warning("cannot cache the BM25 index in %s: %s", path, err)
        return built

    def regions(self) -> list[str]:
        """Region names the library covers, provinces first."""
        metas = [d.meta for d in self.library.documents.values()]
        names = [m.province for m in metas] + [m.city for m in metas] + [m.county for m in metas]
        return list(dict.fromkeys(n for n in names if n))

    def analyze(self, query: str, asked_by: str = "") -> QueryAnalysis:
        """What the question names and asks for, against the regions of this library."""
        return analyze_in(query, self.library, asked_by=asked_by)

    def search(
        self, query: str, k: int = 10, filters: SearchFilters | None = None, analysis: QueryAnalysis | None = None
    ) -> list[Hit]:
        """The k best clauses for the query, best first. Raises BadQuery when there is nothing to search.

        ``analysis``: the question's analysis when the caller already has it (one analysis per question).
        """
        query = _checked(query)
        self.refresh()
        if analysis is None or analysis.text != query:
            analysis = analyze_in(query, self._library)
        allowed = self._allowed_docs(filters, analysis)
        if allowed is not None and not allowed:
            return []
        fused = self._fuse(query, analysis, allowed)
        self._boost_answer_shape(fused, analysis)
        if analysis.document_facts:
            self._boost_document_facts(fused, analysis.document_facts)
        elif not analysis.about_document:
            fused = {cid: s * (FRONT_MATTER_FACTOR if self._front_matter(cid) else 1.0) for cid, s in fused.items()}
        clauses = self._clauses  # a library reloaded meanwhile by another thread may have dropped some
        ranked = sorted(((cid, s) for cid, s in fused.items() if cid in clauses), key=lambda item: -item[1])
        ranked = _without_repeats(ranked, clauses)
        if analysis.comparative:
            ranked = spread_over_documents(ranked, lambda cid: clauses[cid][1].doc_id)
        ranked = ranked[:k]
        return [Hit(rank, score, *clauses[cid]) for rank, (cid, score) in enumerate(ranked, 1)]

    def _allowed_docs(self, filters: SearchFilters | None, analysis: QueryAnalysis) -> set[str] | None:
        """Documents in scope: filters, the 文号's document, the issuer's, else the regions' (None = all).

        An organ the question names as a document's issuer comes before the regions it names: in
        教育部办公厅通知北京、上海签署备忘录的文件, 北京 and 上海 are the addressees.
        """
        docs = self._library.documents
        if filters and not filters.empty:
            return {d for d, doc in docs.items() if matches_filters(doc, filters)}
        if analysis.doc_numbers:
            return documents_numbered(analysis.doc_numbers, self._library)
        if issued := documents_issued_by_named_organ(analysis.text, self._library):
            return issued
        if analysis.regions:
            return doc_ids_for_regions(analysis.regions, self._library)
        return None

    def _boost_answer_shape(self, fused: dict[str, float], analysis: QueryAnalysis) -> None:
        """Raise candidates shaped like the answer: the count, share or time asked for, or a list for 哪些."""
        shapes = [re.compile(p) for p in analysis.answer_patterns]
        if not shapes and not analysis.asks_for_list:
            return
        # 巴州的时间表呢?: with no word of a topic, the answer's shape is all there is to go by
        boost = ANSWER_SHAPE_BOOST * (SHAPE_ONLY_FACTOR if shapes and not analysis.topic_terms else 1.0)
        noun = listed_noun(analysis.text) if analysis.asks_for_list else ""
        for cid in fused:
            text = self._clauses[cid][0].text
            listed = analysis.asks_for_list and text.count("、") >= LIST_MIN_SEPARATORS
            if listed or any(p.search(text) for p in shapes):
                fused[cid] += boost
            if listed and noun and enumerates(noun, text):
                fused[cid] += ANSWER_SHAPE_BOOST  # 哪几种办学模式: the list of them (…等多种办学模式)

    def _boost_document_facts(self, fused: dict[str, float], facts: tuple[str, ...]) -> None:
        """Put the front-matter line stating the fact asked for (its 文号, its date …) first in its document.

        As high as the document's best clause: the question names which document it means (签署第一批美育备忘录的
        那份文件), and every document of an issuer has a date line alike.
        """
        patterns = [DOCUMENT_FACT_ANSWERS[f] for f in facts]
        best: dict[str, float] = {}
        for cid, score in fused.items():
            doc_id = self._clauses[cid][1].doc_id
            best[doc_id] = max(best.get(doc_id, 0.0), score)
        for cid in self._front_matter_ids:
            clause, doc = self._clauses[cid]
            if doc.doc_id in best and any(p.search(clause.text) for p in patterns):
                fused[cid] = best[doc.doc_id] + FACT_BOOST

    def _front_matter(self, clause_id: str) -> bool:
        """Title, 文号, salutation, issuer and date lines: outside any heading and not a sentence."""
        return _is_front_matter(self._clauses[clause_id][0])

    def _fuse(self, query: str, analysis: QueryAnalysis, allowed: set[str] | None) -> dict[str, float]:
        """Weighted sum of ceiling-normalised BM25 and min-max-normalised dense similarity (best passage).

        BM25 over jieba tokens carries most of the signal on policy text; the small e5 model adds
        recall for paraphrases, so it gets the smaller weight. Both sides read the question in the
        documents' words: the small model, too, bridges 乡下学校 to 农村学校 poorly.
        """
        index = self._lexical_in(allowed)
        wording = document_wording(query, analysis, lambda word: _known_word(index, word))
        lexical = self._lexical_scores(index, _lexical_terms(wording, analysis), allowed)
        dense = self._dense_scores(wording.text, allowed)
        floor = min(dense.values(), default=0.0)
        fused = {cid: LEXICAL_WEIGHT * score for cid, score in lexical.items()}
        for cid, score in dense.items():
            fused[cid] = fused.get(cid, 0.0) + DENSE_WEIGHT * score
        # Clauses the dense side did not return still get its floor, so both sides stay comparable.
        for cid in lexical.keys() - dense.keys():
            fused[cid] += DENSE_WEIGHT * floor
        return fused

    def _dense_scores(self, query: str, allowed: set[str] | None) -> dict[str, float]:
        vector = self._query_vector(query)
        wanted = CANDIDATES * PASSAGES_PER_CANDIDATE
        scope = sorted(allowed) if allowed is not None else None
        found = self._store.query(vector, wanted, scope, valid=self._records)[:CANDIDATES]
        found = [(cid, sim) for cid, sim in found if cid in self._clauses]
        if not found:
            return {}
        lo, hi = min(s for _, s in found), max(s for _, s in found)
        return {cid: (sim - lo) / (hi - lo) if hi > lo else 1.0 for cid, sim in found}

    def clear_query_cache(self) -> None:
        """Forget remembered query vectors (benchmarks time cold embeddings this way)."""
        self._vectors.clear()

    def _query_vector(self, query: str) -> list[float]:
        """Embed a query, remembering recent ones (compare and briefings search one topic per document)."""
        vector = self._vectors.get(query)
        if vector is None:
            vector = self._embedder.embed_query(query)
            if len(self._vectors) >= QUERY_CACHE_SIZE:
                self._vectors.pop(next(iter(self._vectors)))
            self._vectors[query] = vector
        return vector

    def _lexical_in(self, allowed: set[str] | None) -> LexicalIndex | None:
        """The BM25 index to score with: the whole library's, or one of the documents in scope alone.

        A search restricted to some documents (a region named, a filter, one document compared) ranks their
        clauses by their own word statistics: adding documents on other topics must not reshuffle them.
        """
        if allowed is None or self._lexical is None:
            return self._lexical
        key = frozenset(allowed)
        if key not in self._scoped:
            if len(self._scoped) >= SCOPE_CACHE_SIZE:
                self._scoped.pop(next(iter(self._scoped)))
            clause_ids = {cid for cid, (_, doc) in self._clauses.items() if doc.doc_id in key}
            self._scoped[key] = self._lexical.subset(clause_ids)
        return self._scoped[key]

    def knows(self, word: str) -> bool:
        """True when some clause of the library holds the word (all of its tokens)."""
        return _known_word(self._lexical, word)

    def _lexical_scores(
        self, index: LexicalIndex | None, tokens: list[str], allowed: set[str] | None
    ) -> dict[str, float]:
        """BM25 scores as a share of what a clause holding every query word at its best would score.

        Not of the best clause's score: when the only question words the library holds are generic ones
        (机构, 学校) and the rest are colloquial words no clause uses, the best lexical match is weak and
        must not outweigh the dense side.
        """
        if index is None or not tokens:
            return {}
        scores = index.scores(tokens)
        if not len(scores) or float(scores.max()) <= 0:
            return {}
        top = _lexical_ceiling(index, tokens)
        order = np.argsort(-scores)[: CANDIDATES * 4]
        ids = index.clause_ids
        out = {}
        for i in order:
            cid = ids[i]
            if scores[i] <= 0 or cid not in self._clauses:
                continue
            if allowed is None or self._clauses[cid][1].doc_id in allowed:
                out[cid] = float(scores[i]) / top
        return out


def _is_front_matter(clause) -> bool:
    return not clause.path and "。" not in clause.text


def _known_word(index: LexicalIndex | None, word: str) -> bool:
    """True when some clause of the index holds the word (all of its tokens)."""
    tokens = tokenize(word)
    return bool(index) and bool(tokens) and all(b > 0 for b in index.best_scores(tokens).values())


def _lexical_ceiling(index: LexicalIndex, tokens: list[str]) -> float:
    """Sum over query words of each word's best single-clause score; unseen words count part of the mean."""
    best = index.best_scores(tokens)
    seen = [b for b in best.values() if b > 0]
    unseen = [t for t, b in best.items() if b <= 0 and len(t) > 1 and not any(t != o and t in o for o in best)]
    mean = sum(seen) / len(seen) if seen else 1.0
    return sum(seen) + UNSEEN_TERM_SHARE * mean * len(unseen)


@dataclass(frozen=True)
class Wording:
    """A question in the documents' words: its text, and glossary terms to search beside it."""

    text: str
    added: tuple[str, ...] = ()


def document_wording(query: str, analysis: QueryAnalysis, known=lambda word: True) -> Wording:
    """Replace each colloquial variant the documents never use by its glossary term (乡下学校 -> 农村学校).

    A variant they do use keeps its place (it may be the very word of the clause asked about), and its
    glossary term is only added beside it (评估 + 评价).
    """
    added = []
    for variant, canonical in sorted(analysis.variant_terms, key=lambda pair: -len(pair[0])):
        if known(variant):
            added.append(canonical)
        else:
            query = query.replace(variant, canonical)
    return Wording(query, tuple(dict.fromkeys(added)))


def _lexical_terms(wording: Wording, analysis: QueryAnalysis) -> list[str]:
    """Query tokens: region names (a filter), scope words and interrogatives cut, added glossary terms joined.

    Single characters are dropped when words remain: those jieba leaves alone in a question are mostly
    light verbs and particles (能, 会, 去, 好, 里) that match everywhere and blur the ranking.
    """
    stripped = strip_framing(wording.text, analysis.region_forms + analysis.scope_words + analysis.doc_numbers)
    tokens = tokenize(stripped) + tokenize(" ".join(wording.added))
    return [t for t in tokens if len(t) > 1] or tokens


def spread_over_documents(ranked: list[tuple[str, float]], doc_of) -> list[tuple[str, float]]:
    """Reorder so that each document's best clause comes first (round robin by document, best first)."""
    queues: dict[str, list[tuple[str, float]]] = {}
    for item in ranked:
        queues.setdefault(doc_of(item[0]), []).append(item)
    out: list[tuple[str, float]] = []
    while queues:
        for doc in list(queues):
            out.append(queues[doc].pop(0))
            if not queues[doc]:
                del queues[doc]
    return out


def _checked(query: str) -> str:
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    if not _HAS_WORD.search(query):
        raise BadQuery(f"nothing to search for in {query[:20]!r}", zh="请输入有实际内容的问题。")
    return query


def matches_filters(doc, filters: SearchFilters) -> bool:
    """True when a document passes the id, region (any alias), type, level and year filters."""
    meta = doc.meta
    if filters.doc_ids and doc.doc_id not in filters.doc_ids:
        return False
    if filters.regions and not any(region_named(meta.region, r) for r in filters.regions):
        return False
    if filters.doc_types and meta.doc_type not in filters.doc_types:
        return False
    if filters.levels and meta.level not in filters.levels:
        return False
    year = meta.year
    if filters.year_from is not None and (year is None or year < filters.year_from):
        return False
    return not (filters.year_to is not None and (year is None or year > filters.year_to))


def check_library(library: Library | None, home: LibraryHome, settings: Settings) -> Library:
    """The library if it can be searched with these settings; else IndexMissing or IndexMismatch naming the fix."""
    if library is None or not library.documents:
        if home.shared:
            raise IndexMissing(
                f"the library on {home.where} holds no documents; ingest some (`python -m ingest PATHS`)",
                zh=f"共享文库（{home.where}）中还没有文件。",
            )
        raise IndexMissing(f"no index in {home.where}; run `python -m ingest` first")
    if library.version < FORMAT_VERSION:
        raise IndexMismatch(
            f"index in {home.where} has an older format (v{library.version}, now v{FORMAT_VERSION}); "
            "run `python -m ingest` to update it",
            zh="索引格式已更新,请运行 python -m ingest 更新索引。",
        )
    if library.version > FORMAT_VERSION:
        raise IndexMismatch(
            f"index in {home.where} was written by a newer version (format v{library.version}); update this checkout",
            zh=f"文库（{home.where}）由更新版本的程序建立，请先更新本程序。",
        )
    if library.embedder and library.embedder != settings.embedder:
        raise IndexMismatch(
            f"index in {home.where} was built with embedder {library.embedder!r} but {settings.embedder!r} is "
            "configured; set POLICY_EMBEDDER to match"
            + ("" if home.shared else " or run `python -m ingest` to embed the library with it"),
            zh=f"文库（{home.where}）由向量模型 {library.embedder} 建立，与本机设置的 {settings.embedder} 不同，"
            "请改用相同的模型。",
        )
    return library


def _without_repeats(ranked: list[tuple[str, float]], clauses: dict) -> list[tuple[str, float]]:
    """The ranking without a clause that repeats one ranked above it word for word in the same document.

    A 北大法宝 export prints the title twice: the second copy would take a place of its own.
    """
    seen: set[tuple[str, str]] = set()
    kept = []
    for cid, score in ranked:
        clause, doc = clauses[cid]
        key = (doc.doc_id, clause.text.strip())
        if key not in seen:
            seen.add(key)
            kept.append((cid, score))
    return kept
