"""``ask``: an extractive cited answer (default), an LLM answer when configured, or an honest refusal."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.evidence import (
    Verdict,
    judge,
    names_as_written,
    names_term,
    own_words_used,
    province_fallback,
    term_coverage,
)
from assistant.followup import Resolved, resolve
from assistant.types import Answer, Citation, Turn
from policytext.asks import KINDS, enumerates, is_framing, provisions
from policytext.dates import YEAR_WITH_UNIT, chinese_date
from policytext.lexicon import longest_tokens, tokenize
from policytext.numbering import is_outline_level, numbering_level, strip_number
from policytext.question import QueryAnalysis, listed_noun
from policytext.sentences import cjk_count, normalize_for_match, split_sentences
from retrieval.search import Retriever
from retrieval.types import Hit, SearchFilters
from settings import Settings

SEARCH_K = 8
CONTEXT_CLAUSES = 5  # clauses an answer may draw on (and an LLM is given)
NEARBY_ON_REFUSAL = 3
MAX_ANSWER_CHARS = 280
MAX_SENTENCES = 3
SHORT_LABEL_CHARS = 14
LIST_FIT = 1.5  # for a 哪些… question, a sentence that lists (…、…、…) is likelier to be the answer
KIND_FIT = 2.0  # a sentence stating the kind of fact asked (a sum, a share, a deadline …) is likelier the answer
FRAMING_WEIGHT = 0.1  # a framing sentence (为贯彻…, 现就…提出如下意见) answers only a question on purpose or basis
UNASKED_WEIGHT = 0.5  # a follow-up's answer names what it adds (谁来指导? -> …的指导); one without it weighs less
SYNONYM_SHARE = 0.25  # a question word found only as a synonym (老师 as 教师) counts this share of its weight
PREDICATE_WEIGHT = 2.0  # for a yes/no question, the words of what it asks whether count this much more
OWN_WORDS_FOUND = 0.75  # share of a short follow-up's words its own search must find to stand on its own
RELATED_SHARE = 0.6  # clauses scoring below this share of the best one are not drawn on
ITEM_WORD_CHARS = 3  # an item heading naming this many characters of the question's words is on it
MIN_SENTENCE_CHARS = 8  # shorter pieces state nothing on their own
NOTHING_MORE = "文件中没有更多与此相关的规定：上面的回答已列出检索到的条款。"
_FACT_NAMES = {"number": "文号", "date": "印发日期", "issuer": "发文机关"}


@dataclass(frozen=True)
class _Sentence:
    text: str
    hit: Hit
    score: float
    rest: bool = False  # what a given sentence says besides what the question says it got: it leads


def ask(
    question: str,
    retriever: Retriever,
    history: Sequence[Turn] = (),
    filters: SearchFilters | None = None,
    settings: Settings | None = None,
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    """Answer a question from the library with [n] citations, or refuse and show the closest clauses."""
    settings = settings or retriever.settings
    chosen = _stand_or_lean(resolve(question, history), retriever, filters)
    answer, hits, resolved = _answer_reading(question, chosen, retriever, filters)
    for other in chosen.alternatives if answer.abstained else ():
        candidate = _answer_reading(question, other, retriever, filters)
        if not candidate[0].abstained:  # 谁来指导? read alone in the conversation's documents finds the answer
            answer, hits, resolved = candidate
            break
    if answer.abstained or settings.answer_mode != "llm" or not settings.llm_configured:
        if on_token:
            on_token(answer.answer)
        return answer
    from assistant.llm import llm_answer

    rewritten = llm_answer(_llm_context(answer, hits), settings, on_token=on_token)
    if answer.unstated and not rewritten.abstained:  # the same note on the part not stated, before the model's text
        rewritten = replace(rewritten, answer=f"{answer.unstated}\n{rewritten.answer}", unstated=answer.unstated)
    return replace(rewritten, reading=resolved.reading)


def _answer_reading(
    question: str, resolved: Resolved, retriever: Retriever, filters: SearchFilters | None
) -> tuple[Answer, list[Hit], Resolved]:
    """The extractive answer (or refusal) for one reading of the question, with the hits it drew on."""
    filters = _with_conversation_scope(filters, resolved)
    analysis = retriever.analyze(resolved.text, asked_by=resolved.asks)
    scope_note = ""
    if (province := province_fallback(analysis, retriever.regions())) and not analysis.regions:
        filters = replace(filters or SearchFilters(), regions=(province,))
        missing = "、".join(analysis.unknown_regions)
        scope_note = f"文库中没有{missing}的文件，以下依据{province}的规定（适用于其辖区）。"
        analysis = replace(analysis, unknown_regions=())
    scope_note = scope_note or _lower_level_note(analysis, retriever)
    hits = retriever.search(resolved.text, k=SEARCH_K, filters=filters, analysis=analysis)
    hits += _clauses_given(resolved, hits, retriever)
    hits = _last_lead_first(resolved, analysis, hits, retriever)
    covered = sorted({d.meta.region for d in retriever.library.documents.values() if d.meta.region})
    verdict = judge(analysis, hits, covered, retriever.library)  # on what the search found, in its order
    if verdict.refuse:
        answer = _refusal(question, resolved.text, verdict, hits)
    elif analysis.document_facts and not analysis.comparative:
        answer = document_fact_answer(question, resolved.text, hits[0], analysis.document_facts)
    else:
        items = kinds_listed(hits[0], analysis) if _lists_kinds(analysis) else []
        note = "\n".join(n for n in (scope_note, verdict.reason) if n)  # 文件未明确规定…: the part not stated
        answer = compose(question, analysis, hits, note, items, given=resolved.exclude, besides=resolved.besides)
        answer = replace(answer, unstated=verdict.reason)
    return replace(answer, reading=resolved.reading), hits, resolved


def compose(
    question: str,
    analysis: QueryAnalysis,
    hits: list[Hit],
    note: str = "",
    items: list[Hit] | None = None,
    given: Sequence[str] = (),
    besides: str = "",
) -> Answer:
    """The extractive answer: the most direct sentence first, the rest grouped by document, each with [n].

    ``analysis`` is that of the question as resolved against the conversation. ``items``: for a question
    asking which kinds/ways there are, the sibling items of the best clause, listed by their headings first.
    """
    comparative = analysis.comparative
    top = hits[0].score if hits else 0.0
    if given:  # 还有呢?: any clause of the search may hold what was not yet said
        context = list(hits)
    else:
        context = [h for h in hits[:CONTEXT_CLAUSES] if comparative or h.score >= RELATED_SHARE * top]
    context = _with_introduced_items(context)
    sentences = _not_given(_ranked_sentences(analysis, context), given, besides)
    if not sentences and given:
        return Answer(question, NOTHING_MORE, True, (), resolved_question=analysis.text, outcome="not_stated")
    chosen = _choose(sentences, analysis, context[0] if context else None)
    if analysis.asks_for_purpose and not comparative:
        chosen += _purpose_sentence(sentences, chosen)
    citations: dict[str, Citation] = {}

    def cite(hit: Hit) -> int:
        cid = hit.clause.clause_id
        if cid not in citations:
            citations[cid] = citation_for(hit, len(citations) + 1)
        return citations[cid].n

    lines: list[str] = [note] if note else []
    if items:
        listed = "；".join(f"{_item_label(item)}[{cite(item)}]" for item in items)
        lines.append(f"{_doc_label(items[0])}列出{len(items)}项：{listed}。")
    for group in _group_by_document(chosen):
        parts = [f"{sentence.text}[{cite(sentence.hit)}]" for sentence in group]
        lines.append(f"{_doc_label(group[0].hit)}：{''.join(parts)}")
    return Answer(question, "\n".join(lines), False, tuple(citations.values()), resolved_question=analysis.text)


def _lists_kinds(analysis: QueryAnalysis) -> bool:
    """哪几种/哪些形式…, asked of one document and for nothing more particular (named schools, a count …)."""
    return analysis.asks_for_kinds and not analysis.comparative and not analysis.strict_kinds


def document_fact_answer(question: str, resolved: str, hit: Hit, facts: Sequence[str]) -> Answer:
    """The document's own 文号 / date / issuer asked for, from its metadata, cited to the line that states it.

    Said outright: a sentence picked from the title block would quote the title, not the fact asked for.
    """
    meta = hit.document.meta
    values = {"number": meta.doc_number, "date": chinese_date(meta.date), "issuer": meta.issuer}
    stated = [values[f] for f in facts if values.get(f)]
    source = next((c for c in hit.document.clauses if stated and all(v in c.text for v in stated)), hit.clause)
    citation = citation_for(Hit(hit.rank, hit.score, source, hit.document), 1)
    parts = [f"{_FACT_NAMES[f]}为{values[f]}" if values.get(f) else f"文中未写明{_FACT_NAMES[f]}" for f in facts]
    text = f"{_doc_label(hit)}：{'，'.join(parts)}。[1]"
    return Answer(question, text, False, (citation,), resolved_question=resolved)


def sibling_items(hit: Hit) -> list[Hit]:
    """The numbered items that stand beside the hit's clause under the same heading (itself included)."""
    path = hit.clause.path
    level = numbering_level(path[-1]) if path else None
    if len(path) < 2 or level is None or is_outline_level(level):
        return []
    seen: dict[str, Hit] = {}
    for clause in hit.document.clauses:
        if len(clause.path) == len(path) and clause.path[:-1] == path[:-1] and clause.path[-1] not in seen:
            seen[clause.path[-1]] = Hit(0, 0.0, clause, hit.document)
    return list(seen.values()) if len(seen) >= 2 else []


def kinds_listed(hit: Hit, analysis: QueryAnalysis) -> list[Hit]:
    """The hit's sibling items, when the heading over them names what the question asks the kinds of.

    Under 三、主要模式 the items are the modes (哪几种办学模式); under 五、保障措施 they are measures, and a
    question on 哪几种补贴 is answered by the sentence that names them (分别发放农村教师津贴和交通补贴).
    """
    noun = listed_noun(analysis.text)
    parent = strip_number(hit.clause.path[-2]) if len(hit.clause.path) >= 2 else ""
    return sibling_items(hit) if len(noun) >= 2 and noun[-2:] in parent else []


def _item_label(hit: Hit) -> str:
    """An item's heading, cut at its first comma when the heading runs on (一是引入名师机制,在… → 一是引入名师机制)."""
    label = strip_number(hit.clause.path[-1]).rstrip("…")
    head = re.split(r"[,，]", label, maxsplit=1)[0]
    return head if len(head) >= 4 else label


def _lower_level_note(analysis, retriever: Retriever) -> str:
    """Say so when a region is asked about but the library holds only documents of places inside it."""
    docs = retriever.library.documents.values()
    notes = []
    for region in analysis.regions:
        own = [d for d in docs if d.meta.place == region]
        inner = sorted({d.meta.region for d in docs if region in (d.meta.province, d.meta.city) and d not in own})
        if not own and inner:
            notes.append(f"文库中没有{region}本级的文件，以下为{'、'.join(inner)}的规定，仅适用于该地。")
    return "".join(notes)


def citation_for(hit: Hit, n: int) -> Citation:
    """A numbered citation of a hit's clause."""
    return Citation(document=hit.document, clause=hit.clause, n=n)


def _refusal(question: str, resolved: str, verdict: Verdict, hits: list[Hit]) -> Answer:
    """No answer: the reason, with the closest clauses kept apart (for "not stated": the clauses on the topic)."""
    nearby = tuple(citation_for(h, i) for i, h in enumerate(hits[:NEARBY_ON_REFUSAL], 1))
    return Answer(question, verdict.reason, True, (), nearby, resolved_question=resolved, outcome=verdict.outcome)


def _stand_or_lean(resolved: Resolved, retriever: Retriever, filters: SearchFilters | None) -> Resolved:
    """A follow-up read in the conversation's scope stands there when a search finds its words.

    In the conversation's documents, else in the whole library (开放日期间各校展示什么? after a question on
    another document); when neither search finds its words, its ``fallback`` reading is taken (a short one
    leans on the previous turn; a long one stands alone, without the carried region).
    """
    if resolved.fallback is None:
        return resolved
    if _finds_its_words(resolved, retriever, filters):
        return resolved
    unscoped = replace(resolved, doc_ids=())
    if resolved.doc_ids and _finds_its_words(unscoped, retriever, filters):
        return unscoped
    return resolved.fallback


def _finds_its_words(resolved: Resolved, retriever: Retriever, filters: SearchFilters | None) -> bool:
    """A follow-up searched as it stands finds clauses naming most of its words (else it leans on the last turn)."""
    scoped = _with_conversation_scope(filters, resolved)
    analysis = retriever.analyze(resolved.text, asked_by=resolved.asks)
    hits = retriever.search(resolved.text, k=NEARBY_ON_REFUSAL, filters=scoped, analysis=analysis)
    return term_coverage(analysis, hits) >= OWN_WORDS_FOUND


def _clauses_given(resolved: Resolved, hits: list[Hit], retriever: Retriever) -> list[Hit]:
    """For 除了X,还…?: the clauses given before, not found again, standing with the best hit.

    What they say besides X may be what is asked (the satisfaction target after the coverage target).
    """
    if not (resolved.besides and resolved.given_clauses and hits):
        return []
    found = {h.clause.clause_id for h in hits}
    index = retriever.library.clause_index()
    return [
        Hit(len(hits) + n, hits[0].score, *index[cid])
        for n, cid in enumerate(c for c in resolved.given_clauses if c in index and c not in found)
    ]


def _last_lead_first(resolved: Resolved, analysis: QueryAnalysis, hits: list[Hit], retriever: Retriever) -> list[Hit]:
    """A short follow-up on a detail the last answer's lead clause names (运行模式呢? of 构建…的运行模式): that clause.

    The lead must name every word the follow-up adds (what a clause elsewhere naming some of them is about is
    another thing), and not only list one (委托管理式、单一法人式、…): that item is told of in a clause of its own.
    """
    index = retriever.library.clause_index()
    if not (resolved.last_lead in index and hits):
        return hits
    own = own_words_used(analysis, retriever.library)
    clause, document = index[resolved.last_lead]
    text = normalize_for_match(clause.text).lower()
    if not own or not all(names_term(text, w) and not _listed_item(text, w, resolved.asks) for w in own):
        return hits
    rest = [h for h in hits if h.clause.clause_id != resolved.last_lead]
    return [Hit(hits[0].rank, hits[0].score, clause, document), *rest]


def _listed_item(text: str, word: str, question: str) -> bool:
    """The word is in an item of a list in the text that the question names, or is that item.

    单一法人 of …、单一法人式、… (asked as 单一法人那种), 学区制 of 学区制管理; not 统一 of 人事管理统一、经费管理统一.
    """
    items = (item for part in re.split(r"[,，;；。:：]", text) if "、" in part for item in part.split("、"))
    return any(
        word in item and (len(item) <= len(word) + LISTED_ITEM_SLACK or item[:-1] in question) for item in items
    )


LISTED_ITEM_SLACK = 2  # characters an item may add to the word it is (单一法人式, 学区制管理)


def _with_introduced_items(hits: list[Hit]) -> list[Hit]:
    """Hits with the items below each of the best clauses that ends by introducing them, right after it.

    …其次建立教师补充机制。 is said by its items (一是…二是…三是…), which the search may miss or rank low.
    They join the clauses drawn on; none of those is pushed out.
    """
    out: list[Hit] = []
    placed: set[str] = set()
    for n, hit in enumerate(hits):
        if hit.clause.clause_id in placed:
            continue
        out.append(hit)
        placed.add(hit.clause.clause_id)
        if n < CONTEXT_CLAUSES and _ends_introducing(hit.clause.text):
            items = [c for c in _items_below(hit) if c.clause_id not in placed]
            out += [Hit(hit.rank, hit.score, clause, hit.document) for clause in items]
            placed.update(c.clause_id for c in items)
    return out


def _ends_introducing(text: str) -> bool:
    """A clause whose last sentence is a short heading (其次建立教师补充机制。) may introduce items below it."""
    sentences = split_sentences(text)
    return bool(sentences) and cjk_count(sentences[-1]) <= SHORT_LABEL_CHARS


def _items_below(hit: Hit) -> list:
    """The clauses one level below the hit's clause, in document order."""
    path = hit.clause.path
    return [c for c in hit.document.clauses if len(c.path) == len(path) + 1 and c.path[:-1] == path]


LISTED_WITH_OTHERS = 2  # 、 marks: a list of at least three items
ITEM_SUFFIX_CHARS = 1  # what may follow the word in its item (委托管理式)


def _already_given(text: str, given: Sequence[str]) -> bool:
    return any(text in g for g in given)


def _not_given(sentences: list[_Sentence], given: Sequence[str], besides: str) -> list[_Sentence]:
    """The sentences not given yet; of a given one, what it says besides what the question says it got.

    除了覆盖率,还有别的指标吗? after the sentence 到2017年底…覆盖全市50%…,满意度平均在85%以上…: its parts that do
    not name 覆盖率 are still to say, first: that is what the question says it wants besides.
    """
    words = [w for w in tokenize(besides) if len(w) >= 2] if besides else []
    top = max((s.score for s in sentences), default=0.0)
    out = []
    for sentence in sentences:
        if not _already_given(sentence.text, given):
            out.append(sentence)
        elif words and _listed_with_others(sentence.text, words):  # 除了X,另外几种呢? after a list naming X
            out.append(replace(sentence, score=max(sentence.score, top), rest=True))
        elif words and (rest := _parts_without(sentence.text, words)) and not _already_given(rest, given):
            out.append(replace(sentence, text=rest, score=max(sentence.score, top), rest=True))
        elif words and not any(names_as_written(sentence.text, w) for w in words):
            out.append(sentence)
    return sorted(out, key=lambda s: -s.score)


def _listed_with_others(text: str, words: list[str]) -> bool:
    """Some word is an item of a list (…采取委托管理式、多法人组合式、单一法人式等): the others are asked besides it.

    The word ends its item (委托管理式); one inside a longer item (提交1份有关挂职学校内部管理、师资培养、…) is not
    what the list lists.
    """
    for part in re.split(r"[,，;；:：]", text):
        items = part.split("、")
        if len(items) <= LISTED_WITH_OTHERS:
            continue
        items[-1] = items[-1].split("等", 1)[0]
        if any(_ends_item(item, w) for item in items for w in words):
            return True
    return False


def _ends_item(item: str, word: str) -> bool:
    at = item.rfind(word)
    return at >= 0 and len(item) - (at + len(word)) <= ITEM_SUFFIX_CHARS


def _parts_without(text: str, words: list[str]) -> str:
    """The comma parts of a sentence that name none of the words, when some part does ("" otherwise)."""
    parts = re.split(r"(?<=[,，;；])", text)
    kept = [p for p in parts if not any(names_as_written(p, w) for w in words)]
    rest = "".join(kept).strip(",，;； ")
    return rest if len(kept) < len(parts) and len(rest) >= MIN_SENTENCE_CHARS else ""


def _with_conversation_scope(filters: SearchFilters | None, resolved: Resolved) -> SearchFilters | None:
    """A 第N条 follow-up searches the document it points at; a fragment or 还有呢 those of the last answer.

    Filters the user set in the sidebar win: the conversation's scope narrows only an unfiltered search.
    """
    doc_ids = (resolved.citation.doc_id,) if resolved.citation else resolved.doc_ids
    if not doc_ids or (filters is not None and not filters.empty):
        return filters
    return replace(filters or SearchFilters(), doc_ids=doc_ids)


def _ranked_sentences(analysis: QueryAnalysis, hits: list[Hit]) -> list[_Sentence]:
    """Sentences of the hits by how well they answer, times the hit's standing (squared).

    How well: overlap with the question's words (a yes/no question's predicate words weigh more), raised
    for a sentence stating the kind of fact asked or listing for a 哪些 question, lowered for a framing one.
    A hit stands against the best hit overall, or for a comparative question against the best of its own
    document: each document's provisions are weighed on their own, not against another document's.
    """
    comparative = analysis.comparative
    if not hits:
        return []
    weights, kind_only = _term_weights(analysis), _kind_only(analysis)
    best_of_doc: dict[str, float] = {}
    for hit in hits:
        doc = hit.document.doc_id if comparative else ""
        best_of_doc[doc] = max(best_of_doc.get(doc, 0.0), hit.score)
    out = []
    for hit in hits:
        top = best_of_doc[hit.document.doc_id if comparative else ""] or 1.0
        for raw in provisions(hit.clause.text):
            text = strip_number(raw.strip().replace("\n", ""))
            if len(text) < MIN_SENTENCE_CHARS or _is_heading_label(text, hit):
                continue
            overlap = _kind_stated(analysis, text) if kind_only else _overlap(weights, text)
            out.append(_Sentence(text, hit, overlap * _fit(analysis, text, hit) * (hit.score / top) ** 2))
    return sorted(out, key=lambda s: -s.score)


def _item_heading(hit: Hit) -> str:
    """The short heading of the item the clause is (3.单一法人式。): what each of its sentences is about."""
    label = strip_number(hit.clause.path[-1]).rstrip("…。.：:") if hit.clause.path else ""
    return label if 0 < len(label) <= SHORT_LABEL_CHARS else ""


def _rest_of_item(best: _Sentence, sentences: list[_Sentence], analysis: QueryAnalysis) -> list[_Sentence]:
    """The other sentences of the lead's clause when it is the item on what is asked (3.单一法人式。…).

    Not for a comparison (one sentence per document), nor what it is for unless that is asked.
    """
    if analysis.comparative or not _item_on_question(best.hit, analysis):
        return []
    purpose = KINDS["purpose"]
    return [
        s
        for s in sentences
        if s.hit.clause.clause_id == best.hit.clause.clause_id and s is not best
        and (analysis.asks_for_purpose or not purpose.states(s.text))
    ]


def _item_on_question(hit: Hit, analysis: QueryAnalysis) -> bool:
    """The clause is an item whose short heading names the question's words (单一法人 in 3.单一法人式)."""
    heading = _item_heading(hit)
    return sum(len(t) for t in analysis.content_terms if t in heading) >= ITEM_WORD_CHARS


def _overlap(weights: dict[str, float], text: str) -> float:
    """The weight of the question's words the sentence writes, and a share for those it names otherwise.

    Otherwise: in the documents' words (评职称: 职称晋升, 老师: 教师). A part of a longer question word counts
    only as written: 孩子 of 外来务工人员的孩子 is not matched by 困难家庭学生.
    """
    whole = _whole_words(tuple(weights))
    return sum(
        weight if term in text else SYNONYM_SHARE * weight
        for term, weight in weights.items()
        if term in text or (term in whole and names_term(text, term))
    )


@lru_cache(maxsize=64)
def _whole_words(words: tuple[str, ...]) -> frozenset[str]:
    """The question words no longer one holds (once per question, not per sentence ranked)."""
    return frozenset(longest_tokens(list(words)))


def _kind_only(analysis: QueryAnalysis) -> bool:
    """All the question's words ask for a kind of fact (巴州的时间表呢?): no topic word to match."""
    return not analysis.topic_terms and bool(analysis.strict_kinds) and not analysis.asked_terms


def _kind_stated(analysis: QueryAnalysis, text: str) -> float:
    return float(any(k.states(text) for k in analysis.strict_kinds))


def _term_weights(analysis: QueryAnalysis) -> dict[str, float]:
    """Each question word weighs its length, PREDICATE_WEIGHT times that for what is asked.

    What is asked: a yes/no question's predicate words and a follow-up's own words (the rest is the topic
    leaned on).
    """
    predicate, asked = analysis.predicate, set(analysis.asked_words)
    stressed = {t for t in analysis.words if (predicate and t in predicate) or t in asked}
    return {t: len(t) * (PREDICATE_WEIGHT if t in stressed else 1.0) for t in set(analysis.words)}


def _fit(analysis: QueryAnalysis, text: str, hit: Hit) -> float:
    """How likely a sentence is the kind of answer asked for, as a factor on its overlap.

    For a definition, a clause whose own heading names a word of the question (（三）单一法人式) defines it.
    """
    fit = LIST_FIT if analysis.asks_for_list and text.count("、") >= 2 else 1.0
    if analysis.asks_for_list and (noun := listed_noun(analysis.text)) and enumerates(noun, text):
        fit *= KIND_FIT  # 哪几种办学模式: the sentence listing them (…等多种办学模式)
    if any(k.name == "definition" for k in analysis.kinds) and _headed_by_question_word(hit, analysis):
        fit *= KIND_FIT
    if analysis.asked_terms and not any(t in text for t in analysis.asked_terms):
        fit *= UNASKED_WEIGHT
    if any(kind.states(text) for kind in analysis.kinds):
        fit *= KIND_FIT
    if is_framing(text) and not (analysis.asks_for_purpose or analysis.asks_for_basis):
        fit *= FRAMING_WEIGHT
    return fit * _year_fit(analysis, text)


def _year_fit(analysis: QueryAnalysis, text: str) -> float:
    """A sentence writing a year the question names fits it; one writing only other years is on another stage.

    2017年要多大比例的县推开: of 2016年…;2017年,各市80%以上…;到2018年…, the 2017 part.
    """
    written = {int(year) for year in YEAR_WITH_UNIT.findall(text)}
    if not analysis.years or not written:
        return 1.0
    return KIND_FIT if written & set(analysis.years) else UNASKED_WEIGHT


def _headed_by_question_word(hit: Hit, analysis: QueryAnalysis) -> bool:
    """The clause's own heading names one of the question's content words (of three or more characters)."""
    label = hit.clause.path[-1] if hit.clause.path else ""
    return any(len(t) >= 3 and t in label for t in analysis.content_terms)


def _is_heading_label(text: str, hit: Hit) -> bool:
    """A short sentence that only repeats the item's heading (e.g. 集团化办学。)."""
    label = hit.clause.path[-1] if hit.clause.path else ""
    if len(text) > SHORT_LABEL_CHARS:
        return False
    return bool(label) and strip_number(label).rstrip("…").startswith(text.rstrip("。；;：:"))


def _choose(sentences: list[_Sentence], analysis: QueryAnalysis, top_hit: Hit | None) -> list[_Sentence]:
    """The lead (see ``_lead``), then others scoring at least half as well, within budget."""
    comparative = analysis.comparative
    if not sentences:
        return []
    best = next((s for s in sentences if s.rest), None) or _lead(sentences, top_hit, analysis)
    chosen, length, docs = [best], len(best.text), {best.hit.document.doc_id}
    for sentence in _rest_of_item(best, sentences, analysis):  # 3.单一法人式。…: said in all its sentences
        if len(chosen) < MAX_SENTENCES and length + len(sentence.text) <= MAX_ANSWER_CHARS:
            chosen.append(sentence)
            length += len(sentence.text)
    for sentence in sentences:
        if any(sentence is c for c in chosen):
            continue
        if len(chosen) >= MAX_SENTENCES or length + len(sentence.text) > MAX_ANSWER_CHARS:
            continue
        doc = sentence.hit.document.doc_id
        if comparative and doc in docs:
            continue
        if sentence.score >= 0.5 * best.score and sentence.score > 0:
            chosen.append(sentence)
            length += len(sentence.text)
            docs.add(doc)
    return chosen if comparative else _with_items_said(chosen, sentences)


def _with_items_said(chosen: list[_Sentence], sentences: list[_Sentence]) -> list[_Sentence]:
    """Each chosen heading that ends its clause (其次建立教师补充机制。) followed by its items' sentences, in order.

    Within the answer's length: the items may take the place of sentences chosen after the heading.
    """
    out: list[_Sentence] = []
    for sentence in chosen:
        for said in (sentence, *_introduced_by(sentence, sentences)):
            fits = sum(len(o.text) for o in out) + len(said.text) <= MAX_ANSWER_CHARS
            if not any(said is o for o in out) and (fits or not out):
                out.append(said)
    return out


def _introduced_by(heading: _Sentence, sentences: list[_Sentence]) -> list[_Sentence]:
    """When the sentence is the short heading that ends its clause, the sentences of the items below it, in order."""
    clause = heading.hit.clause
    last = split_sentences(clause.text)[-1:]
    if not last or not _ends_introducing(clause.text) or last[0].strip() not in heading.text:
        return []
    order = {c.clause_id: n for n, c in enumerate(_items_below(heading.hit))}
    items = [s for s in sentences if s.hit.clause.clause_id in order]
    return sorted(items, key=lambda s: order[s.hit.clause.clause_id])


def _lead(sentences: list[_Sentence], top_hit: Hit | None, analysis: QueryAnalysis) -> _Sentence:
    """The best sentence of the best clause, unless it frames or states none of the kinds of fact asked.

    A kind of fact: a sum, a deadline, a definition …; then the best sentence that states one leads, the
    best clause's own first.
    """
    own = next((s for s in sentences if top_hit and s.hit.clause.clause_id == top_hit.clause.clause_id), None)
    if own is None:
        return sentences[0]
    if listing := _listing(sentences, analysis, own):
        return listing  # 有哪几种办学模式? the sentence listing them (…等多种办学模式)
    kinds = analysis.kinds
    framing_asked = analysis.asks_for_purpose or analysis.asks_for_basis
    if kinds and not _answers(own.text, analysis):
        better = [s for s in sentences if _answers(s.text, analysis) and not is_framing(s.text)]
    elif is_framing(own.text) and not framing_asked:
        better = [s for s in sentences if not is_framing(s.text)]
    else:
        return own
    own_clause = [s for s in better if s.hit.clause.clause_id == own.hit.clause.clause_id]
    return (own_clause or better or [own])[0]


def _listing(sentences: list[_Sentence], analysis: QueryAnalysis, own: _Sentence) -> _Sentence | None:
    """For a 哪几种 question whose best clause does not list them: the best sentence that does.

    For a follow-up, one naming its own words: 哪些方面要统一? is not answered by 在教育管理…等方面合作互助.
    """
    noun = listed_noun(analysis.text) if analysis.asks_for_list else ""
    if not noun or enumerates(noun, own.text):
        return None
    asked = analysis.asked_terms
    return next(
        (
            s
            for s in sentences
            if enumerates(noun, s.text) and not is_framing(s.text) and (not asked or any(t in s.text for t in asked))
        ),
        None,
    )


def _answers(text: str, analysis: QueryAnalysis) -> bool:
    """States a kind of fact asked, and for a follow-up names one of its own words (谁来指导? -> …指导)."""
    asked = analysis.asked_terms
    return any(k.states(text) for k in analysis.kinds) and (not asked or any(t in text for t in asked))


def _purpose_sentence(sentences: list[_Sentence], chosen: list[_Sentence]) -> list[_Sentence]:
    """The lead clause's sentence that states a purpose or effect, when the answer lacks one and it fits."""
    states_purpose = KINDS["purpose"].states
    if not chosen or any(states_purpose(s.text) for s in chosen):
        return []
    lead = chosen[0].hit.clause.clause_id
    length = sum(len(s.text) for s in chosen)
    for sentence in sentences:
        if sentence.hit.clause.clause_id == lead and sentence not in chosen and states_purpose(sentence.text):
            return [sentence] if length + len(sentence.text) <= MAX_ANSWER_CHARS else []
    return []


def _group_by_document(chosen: list[_Sentence]) -> list[list[_Sentence]]:
    """Groups in order of each document's first (best) sentence; the lead first, then document order."""
    groups: dict[str, list[_Sentence]] = {}
    for sentence in chosen:
        groups.setdefault(sentence.hit.document.doc_id, []).append(sentence)
    return [[group[0], *sorted(group[1:], key=_document_position)] for group in groups.values()]


def _document_position(sentence: _Sentence) -> tuple[int, int]:
    return sentence.hit.clause.ordinal, sentence.hit.clause.text.find(sentence.text)


def _doc_label(hit: Hit) -> str:
    meta = hit.document.meta
    place = meta.place
    return f"{place}《{_short_title(meta.title)}》" if place else f"《{_short_title(meta.title)}》"


def _short_title(title: str) -> str:
    inner = re.search(r"《([^》]+)》", title)
    title = inner.group(1) if inner else title
    return title if len(title) <= 24 else title[:23] + "…"


def _llm_context(answer: Answer, hits: list[Hit]) -> Answer:
    """The extractive answer with every context clause as a citation (cited ones keep their numbers)."""
    cited = {c.clause_id for c in answer.citations}
    extra = [h for h in hits[:CONTEXT_CLAUSES] if h.clause.clause_id not in cited]
    more = tuple(citation_for(h, len(answer.citations) + i) for i, h in enumerate(extra, 1))
    return replace(answer, citations=answer.citations + more)
