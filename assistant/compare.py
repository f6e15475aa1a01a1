"""A topic side by side across documents: each document's best clauses on it, or 未涉及.

Retrieval runs once per document (a search restricted to that document), so provisions of similar
documents never mix. Whether a document covers the topic is decided by the topic's own words, not
by a score threshold:

1. The topic is cut to its core (各地对组织领导分别有什么要求? -> 组织领导) and split into *concepts*
   with the shared jieba tokenizer: the longest tokens (组织领导, 干部培养, 校长), each with its
   glossary synonyms (组织领导 ≈ 领导小组 ≈ 加强领导 …). Region names in the topic are not concepts.
2. A clause (its text plus its own heading) mentions a concept when it contains the concept or a
   synonym, or all of the concept's parts close together (教师…交流 within a few characters:
   教师相互交流 counts, 教师教育教学能力提升、干部交流 does not).
3. Concepts are weighted by how rare they are in the library (IDF over all clauses), so generic words
   (学校, 义务教育) count little. A clause is on topic when the concepts it mentions carry at least
   MIN_COVERAGE (60%) of the topic's weight: of two equally rare concepts, both are needed. A compound
   named only in part (parts scattered or missing) earns PART_CREDIT, never enough on its own, and the
   clause's own text (not just its heading) must name something of the topic. A document with no clause
   on topic is 未涉及, however high its best search score: a nonsense or foreign topic (量子计算机芯片)
   shares no words with any clause, so every row is 未涉及, and a weak semantic neighbour is never
   shown as a provision.
4. Clauses on topic are ranked by relevance = 0.7 × weighted coverage + 0.3 × search score relative
   to the document's best hit, and the best ``per_doc`` (1–3) are kept with that relevance as score.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.evidence import per_library, province_fallback
from assistant.types import ComparedClause, Comparison, ComparisonRow
from errors import BadQuery
from ingest.types import Clause, Document
from policytext.asks import QUANTITY_NOUNS, enumerates, is_preamble, kinds_named, provisions
from policytext.lexicon import glossary, parts_of
from policytext.places import region_forms
from policytext.question import KINDS_QUESTION, LIST_QUESTION, core_topic, topic_head, topic_tokens
from policytext.sentences import normalize_for_match
from retrieval.query import doc_ids_for_regions, library_regions
from retrieval.search import matches_filters
from retrieval.types import SearchFilters

MIN_COVERAGE = 0.3  # share of the topic's concept weight a clause must mention to be shown, at the least
RELATIVE_COVERAGE = 0.45  # … and this share of the best coverage any document reaches (a long question's
# extra words lower every document's coverage alike); below half, so that of a two-word topic (绩效工资分配) one word
# alone (落实绩效工资倾斜政策) keeps a document in when another names both
HEAD_SHARE = 0.6  # for an 'A的B' topic, a clause must name this share of B's concept weight in full
LISTED_ONLY_WEIGHT = 0.5  # a clause naming the topic only in a list (…、人才流动、…) does not lead its row
ENUMERATION_ITEMS = 3  # a list: at least this many 、-separated items
SHORT_ITEM_CHARS = 8  # … the inner ones this short
PART_WINDOW = 8  # max characters between the parts of a concept mentioned piecewise (教师相互交流)
PART_CREDIT = 0.4  # a compound named only in part (统一管理 vs 整体管理): below MIN_COVERAGE on its own
COVERAGE_WEIGHT = 0.7  # relevance = 0.7 × coverage + 0.3 × relative search score
MAX_PER_DOC = 3
_COORDINATION = re.compile(r"^(?:和|与|及|以及|或|或者|、|跟|同|和其他)$")
_GENERIC_HEAD = re.compile(r"(?:工作|问题|情况|事项|事宜)$")
_PHRASE_END = re.compile(r"$|[的、，,。?？;；和与及或跟同等这那上里中在方面分各有]")
QUANTITY_BONUS = 0.3  # a topic naming a quantity (节数, 比例, 数额): a clause stating one ranks first in its row
# (and a topic asking which kinds there are, 哪些模式: a clause listing them)
HEAD_WEIGHT = 2.0  # weight of the head's concepts in an 'A的B' topic, relative to the modifier's

@dataclass(frozen=True)
class Concept:
    """One idea of the topic: the words that name it, and its parts (each with synonyms) for piecewise mention."""

    name: str
    forms: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...] = ()


def compare(topic: str, retriever, filters: SearchFilters | None = None, per_doc: int = 3) -> Comparison:
    """Topic -> one row per document in scope with its 1–``per_doc`` best clauses, or none (未涉及).

    Raises BadQuery for an empty topic, a topic with no content words, a region the library has no
    document for, or filters that leave no document.
    """
    library = retriever.library
    analysis = retriever.analyze(topic)
    concepts = topic_concepts(topic, library, analysis.regions + analysis.unknown_regions)
    docs = documents_in_scope(library, filters, analysis)
    per_doc = max(1, min(per_doc, MAX_PER_DOC))
    query = core_topic(topic)
    head_text = topic_head(query)
    concepts = _used_by_library(concepts, library)
    weights = concept_weights(concepts, library, head_text)
    head = [c for c in concepts if c.name in head_text]
    search = _DocumentSearch(retriever, query)
    stated = kinds_named(query)
    listing = bool(KINDS_QUESTION.search(topic) or LIST_QUESTION.search(topic))
    scored = {doc.doc_id: _scored_clauses(doc, concepts, weights, head, search, stated, listing) for doc in docs}
    best = max((cov for clauses in scored.values() for _, cov, _ in clauses), default=0.0)
    floor = max(MIN_COVERAGE, RELATIVE_COVERAGE * best)
    rows = [ComparisonRow(doc, tuple(_kept(scored[doc.doc_id], floor, per_doc))) for doc in docs]
    return Comparison(topic=topic.strip(), rows=tuple(rows))


def topic_terms(topic: str) -> list[str]:
    """Topic -> its content tokens (longest forms first kept); BadQuery when it has none."""
    text = (topic or "").strip()
    if not text:
        raise BadQuery("Empty topic", zh="请输入要对比的主题。")
    tokens = topic_tokens(core_topic(text)) or topic_tokens(text)
    if not tokens:
        raise BadQuery(f"No content words in topic {text[:20]!r}", zh="主题中没有可检索的实际内容,请换个说法。")
    return tokens


def topic_concepts(topic: str, library=None, named_regions: Sequence[str] = ()) -> list[Concept]:
    """Topic -> its concepts (longest tokens with glossary synonyms and parts), region names left out."""
    tokens = topic_terms(topic)
    regions = _region_words(library) if library is not None else set()
    regions |= {form for name in named_regions for form in region_forms(name)}
    quantities = {n for nouns in QUANTITY_NOUNS.values() for n in nouns}
    kept = [t for t in tokens if not any(t in r for r in regions) and t not in quantities] or tokens
    maximal = _maximal(kept, library)
    concepts = []
    forms = glossary().forms
    # where a question word was taken out (人员[要不要]追责), a phrase ended
    for words in _coordinated(maximal, normalize_for_match(re.sub(r"\s+", ",", core_topic(topic))).lower()):
        if len(words) > 1:  # 干部和教师: a clause on either is on the topic
            name = "、".join(words)
            said = [w for i, w in enumerate(words) if not _elliptical(w, words[:i])]
            concepts.append(Concept(name, tuple(dict.fromkeys(f for w in said for f in forms(w)))))
            continue
        concepts.append(_single_concept(words[0], kept))
    return concepts


def _maximal(tokens: list[str], library=None) -> list[str]:
    """The tokens no other contains; one the library never writes gives way to those inside it (择校热 -> 择校)."""
    maximal = _outermost(tokens)
    if library is None:
        return maximal
    unused = {t for t in maximal if _holds_others(t, tokens) and not _written_in(library, _single_concept(t, tokens))}
    return _outermost([t for t in tokens if t not in unused]) if unused else maximal


def _holds_others(word: str, tokens: list[str]) -> bool:
    return any(t != word and t in word for t in tokens)


def _outermost(tokens: list[str]) -> list[str]:
    return list(dict.fromkeys(t for t in tokens if not any(t != o and t in o for o in tokens)))


def _single_concept(word: str, tokens: list[str]) -> Concept:
    """One topic word as a concept: its forms, and its parts when the other tokens spell it out."""
    parts = tuple(glossary().forms(p) for p in parts_of(word, tokens))
    return Concept(word, _forms_with_stem(word), parts if len(parts) > 1 else ())


def _written_in(library, concept: Concept) -> bool:
    return _clause_frequencies([concept], library)[concept.name] > 0


def _forms_with_stem(word: str) -> tuple[str, ...]:
    """A word's forms, and its stem's when it ends in a generic head (德育工作 is said 德育模式, 德育活动 …)."""
    forms = glossary().forms
    stem = _GENERIC_HEAD.sub("", word)
    return tuple(dict.fromkeys(forms(word) + forms(stem))) if len(stem) >= 2 and stem != word else forms(word)


def _elliptical(word: str, before: Sequence[str]) -> bool:
    """A conjunct that leaves out what an earlier one said (教师交流、流动: 流动 is 教师流动, a synonym of it)."""
    forms = glossary().forms
    return any(f != word and f.endswith(word) for w in before for f in forms(w))


def _coordinated(words: Sequence[str], text: str) -> list[list[str]]:
    """Words in topic order, those joined by 和/与/及/或/、 (干部和教师, 联盟、集团) grouped as alternatives."""
    groups: list[list[str]] = []
    for word in words:
        joined = _COORDINATION.search(_text_between(text, groups[-1][-1], word) or "-") if groups else None
        if joined and _ends_phrase(text, word):
            groups[-1].append(word)
        else:
            groups.append([word])
    return groups


def _ends_phrase(text: str, word: str) -> bool:
    """The word closes its phrase (干部和教师的…), not opens one (经费保障、提高待遇: 提高 is half a conjunct)."""
    at = text.find(word)
    return at >= 0 and bool(_PHRASE_END.match(text, at + len(word)))


def _text_between(text: str, left: str, right: str) -> str | None:
    """The text between the first ``left`` and the ``right`` after it, or None when they do not occur so."""
    start = text.find(left)
    end = text.find(right, start + len(left)) if start >= 0 else -1
    return text[start + len(left):end] if end >= 0 else None


def _used_by_library(concepts: Sequence[Concept], library) -> list[Concept]:
    """The concepts some clause of the library mentions (a word none uses, 哪年 or 各提, tells no document apart).

    All of them when none is used: a topic foreign to the library is 未涉及 everywhere.
    """
    frequencies = _clause_frequencies(concepts, library)
    return [c for c in concepts if frequencies[c.name]] or list(concepts)


def concept_weights(concepts: Sequence[Concept], library, head: str = "") -> dict[str, float]:
    """Concept name -> IDF over every clause of the library (rare concepts weigh more).

    Concepts of the topic's head (督导评估 in 办学模式改革的督导评估) weigh HEAD_WEIGHT times more: the
    topic is about the head, and a clause on the modifier alone (办学模式改革) is not on topic.
    """
    n = max(1, len(library.clauses()))
    frequencies = _clause_frequencies(concepts, library)
    weights = {}
    for concept in concepts:
        weight = math.log(1 + n / (frequencies[concept.name] + 0.5))
        weights[concept.name] = weight * (HEAD_WEIGHT if head and concept.name in head else 1.0)
    return weights


def _clause_frequencies(concepts: Sequence[Concept], library) -> dict[str, int]:
    """Concept name -> how many clauses of the library mention it (counted once per library and concept)."""
    texts = per_library(library, "compare", lambda: tuple(_clause_text(c) for c in library.clauses()))
    counts = per_library(library, "compare frequencies", dict)
    for concept in concepts:
        if concept not in counts:
            counts[concept] = sum(1 for t in texts if mentions(t, concept))
    return {c.name: counts[c] for c in concepts}


def coverage(clause: Clause, concepts: Sequence[Concept], weights: dict[str, float]) -> float:
    """Share (0–1) of the topic's concept weight that a clause mentions (partial mentions count in part)."""
    text = _clause_text(clause)
    total = sum(weights[c.name] for c in concepts) or 1.0
    return sum(weights[c.name] * mention_score(text, c) for c in concepts) / total


def mention_score(text: str, concept: Concept) -> float:
    """1 when text mentions the concept; PART_CREDIT × share of its parts when only some parts occur; else 0."""
    if mentions(text, concept):
        return 1.0
    if not concept.parts:
        return 0.0
    present = sum(1 for forms in concept.parts if any(f in text for f in forms))
    return PART_CREDIT * present / len(concept.parts)


def mentions(text: str, concept: Concept) -> bool:
    """True when normalized text names the concept, a synonym, or all its parts within PART_WINDOW characters."""
    if any(f in text for f in concept.forms):
        return True
    return bool(concept.parts) and _parts_close(text, concept.parts)


def documents_in_scope(library, filters: SearchFilters | None, analysis=None) -> list[Document]:
    """Documents the comparison covers, in source order.

    Those the filters keep, else those of the regions the topic names (上海和山西的教师交流), else all.
    BadQuery when the filters leave none, or when the topic names only regions the library lacks.
    """
    docs = sorted(library.documents.values(), key=lambda d: d.source)
    if not docs:
        raise BadQuery("The library holds no document", zh="资料库中还没有文件。")
    if filters is not None and not filters.empty:
        docs = [d for d in docs if matches_filters(d, filters)]
        if not docs:
            raise BadQuery("No document matches the filters", zh="没有符合筛选条件的文件,请放宽地区或年份条件。")
        return docs
    if analysis is None:
        return docs
    named = set(analysis.regions)
    if analysis.unknown_regions and not named:
        fallback = province_fallback(analysis, sorted(library_regions(library)))
        if fallback is None:
            names = "、".join(analysis.unknown_regions)
            raise BadQuery(f"No document from {names} in the library", zh=f"资料库中没有{names}的文件。")
        named = {fallback}
    if named:
        ids = doc_ids_for_regions(tuple(named), library)
        return [d for d in docs if d.doc_id in ids]
    return docs


class _DocumentSearch:
    """The topic searched within one document at a time, its question analysed once for all documents."""

    def __init__(self, retriever, query: str):
        self._retriever = retriever
        self._query = query
        self._analysis = retriever.analyze(query)

    def hits(self, doc: Document, k: int):
        """The topic's k best clauses of ``doc``."""
        only = SearchFilters(doc_ids=(doc.doc_id,))
        return self._retriever.search(self._query, k=k, filters=only, analysis=self._analysis)


def _scored_clauses(
    doc: Document,
    concepts: Sequence[Concept],
    weights: dict[str, float],
    head: Sequence[Concept],
    search: _DocumentSearch,
    stated: Sequence = (),
    kinds_asked: bool = False,
) -> list[tuple[float, float, object]]:
    """A document's clauses that name the topic, as (relevance, coverage, hit), best first.

    For an 'A的B' topic a clause must name most of B. ``stated``: kinds of fact the topic names (比例): a
    clause stating one ranks higher.

    A clause that names the topic only as an item of a list (…、人才流动、…) is kept but ranked down:
    it mentions the topic without stating a provision on it.
    """
    hits = search.hits(doc, len(doc.clauses))
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    scored = []
    for h in hits:
        cov = coverage(h.clause, concepts, weights)
        names_head = not head or _head_share(h.clause, head, weights) >= HEAD_SHARE
        if cov > 0 and names_head and _text_mentions_any(h.clause, concepts) and not _framing_only(h.clause, concepts):
            relevance = COVERAGE_WEIGHT * cov + (1 - COVERAGE_WEIGHT) * h.score / top
            if _listed_only(h.clause, concepts):
                relevance *= LISTED_ONLY_WEIGHT
            if any(kind.states(h.clause.text) for kind in stated):  # 比例 asked: the clause with the share
                relevance += QUANTITY_BONUS
            elif kinds_asked and _enumerates_any(h.clause, concepts):  # 哪些模式: the clause listing them
                relevance += QUANTITY_BONUS
            scored.append((relevance, cov if not _names_head(h.clause, head) else 1.0, h))
    scored.sort(key=lambda item: (-item[0], item[2].rank))
    return scored


def _head_share(clause: Clause, head: Sequence[Concept], weights: dict[str, float]) -> float:
    """Share of the head's concept weight the clause names in full."""
    text = _clause_text(clause)
    total = sum(weights[c.name] for c in head) or 1.0
    return sum(weights[c.name] for c in head if mentions(text, c)) / total


def _kept(scored: list[tuple[float, float, object]], floor: float, per_doc: int) -> list[ComparedClause]:
    """The best per_doc clauses covering at least ``floor`` of the topic (none: the document is 未涉及)."""
    kept = [(rel, h) for rel, cov, h in scored if cov >= floor]
    return [ComparedClause(h.document, h.clause, round(rel, 4)) for rel, h in kept[:per_doc]]


def _names_head(clause: Clause, head: Sequence[Concept]) -> bool:
    """For an 'A的B' topic: the clause names all of B (督导评估, or a synonym), in its own text too."""
    return bool(head) and all(mentions(_clause_text(clause), c) for c in head) and _text_mentions_any(clause, head)


def _listed_only(clause: Clause, concepts: Sequence[Concept]) -> bool:
    """Every sentence naming the topic names it only inside an enumeration of short items (A、B、C)."""
    naming = [s for s in re.split(r"[。；;]", normalize_for_match(clause.text).lower()) if _names_any(s, concepts)]
    return bool(naming) and all(_in_enumeration(s, concepts) for s in naming)


def _enumerates_any(clause: Clause, concepts: Sequence[Concept]) -> bool:
    """Some sentence lists kinds of a concept (A、B、C等多种办学模式)."""
    return any(enumerates(form, s) for s in provisions(clause.text) for c in concepts for form in c.forms)


def _framing_only(clause: Clause, concepts: Sequence[Concept]) -> bool:
    """Every sentence naming the topic is a preamble (为进一步落实…考核工作要求,现将…安排如下): no provision."""
    naming = [s for s in provisions(normalize_for_match(clause.text).lower()) if _names_any(s, concepts)]
    return bool(naming) and all(is_preamble(s) for s in naming)


def _in_enumeration(sentence: str, concepts: Sequence[Concept]) -> bool:
    """Every mention of the topic is an item of a list; …、对口帮扶等多种办学模式: the words after 等 head it."""
    parts = re.split(r"[,，:：]", sentence)
    items = [_before_etc(i) for part in parts for i in [part.split("、")] if len(i) >= ENUMERATION_ITEMS]
    listed = [x for group in items if all(len(x) <= SHORT_ITEM_CHARS for x in group[1:-1]) for x in group]
    rest = re.sub("|".join(map(re.escape, listed)) or "$^", "", sentence) if listed else sentence
    return bool(listed) and not _names_any(rest, concepts)


def _before_etc(items: list[str]) -> list[str]:
    """A list's items, the last one cut at 等 (A、B等多种模式: 多种模式 is what the list is of, not an item)."""
    return [*items[:-1], items[-1].split("等", 1)[0]] if items else items


def _names_any(text: str, concepts: Sequence[Concept]) -> bool:
    return any(mention_score(text, c) > 0 for c in concepts)


def _parts_close(text: str, parts: Sequence[Sequence[str]]) -> bool:
    """True when every part (any of its forms) occurs, each within PART_WINDOW characters of the previous one."""
    spans = [
        [(m.start(), m.start() + len(f)) for f in forms for m in re.finditer(re.escape(f), text)] for forms in parts
    ]
    if not all(spans):
        return False
    for start in spans[0]:
        lo, hi = start
        ok = True
        for options in spans[1:]:
            near = [s for s in options if s[0] - hi <= PART_WINDOW and lo - s[1] <= PART_WINDOW]
            if not near:
                ok = False
                break
            lo, hi = min(lo, near[0][0]), max(hi, near[0][1])
        if ok:
            return True
    return False


def _text_mentions_any(clause: Clause, concepts: Sequence[Concept]) -> bool:
    """True when the clause's own text (not only its heading) names a concept or a part of one."""
    text = normalize_for_match(clause.text).lower()
    return any(mention_score(text, c) > 0 for c in concepts)


def _clause_text(clause: Clause) -> str:
    """A clause's own heading (last path element) and text, normalized for matching."""
    head = clause.path[-1] if clause.path else ""
    return normalize_for_match(f"{head}。{clause.text}").lower()


def _region_words(library) -> set[str]:
    """Every way the library's regions are written (上海市, 上海, 巴州 …)."""
    words: set[str] = set()
    for doc in library.documents.values():
        for name in (doc.meta.province, doc.meta.city, doc.meta.county):
            if name:
                words |= region_forms(name)
    return words


