"""Decide, from the retrieved clauses alone, what the library allows for a question (before any LLM).

Three outcomes: *refused* (a region the library does not cover, or nothing on the topic), *not stated*
(the clauses on the topic state no fact of the kind asked: no sum, no share, no deadline …; or, for a
yes/no question, none names what it asks whether) and *answered*.

Whether a sentence is on the question's topic is read from the words it names in context (the document's
title, the clause's heading, the sentence before it), each question word weighed by its rarity in the
library: a sentence naming 学校 and 部门 but not 县管校聘 is not on a question about 县管校聘.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from policytext.asks import (
    COUNTED_BY,
    QUALIFIER,
    AnswerKind,
    is_framing,
    is_preamble,
    match_form,
    provisions,
    quoted_terms,
)
from policytext.dates import doc_number_key, years_named
from policytext.lexicon import MIN_SYNONYM_CHARS, glossary, tokenize
from policytext.places import gazetteer
from policytext.question import FRAMING_WORDS, QueryAnalysis
from policytext.sentences import normalize_for_match
from retrieval.types import Hit

MIN_COVERAGE = 0.25  # share of the question's content terms the best clauses must contain
MIN_COMPOUND_CHARS = 4  # a word this long no text names may be read as its parts (民办小学)
STATED_TERM_SHARE = 0.5  # share of the question's term weight a stating sentence's context must name
STATING_CLAUSES = 5  # the best clauses searched for a sentence that states what was asked

_OF_AN_ACT = ("procedure", "criteria")  # kinds asked of what is done: the library must write the act
FOCUSED_KINDS = ("duration", "date", "day", "amount", "frequency", "share", "penalty", "criteria")
_OF_WHAT_FOLLOWS = ("share",)  # 多大比例的县区推开改革: a share is of what follows it
_PARTS = re.compile(r"[,，;；。?？!！]")
_NOT_A_FOCUS = re.compile(
    r"计划|打算|准备|预计|开始|完成|结束|启动|实现|做到|达到|开展|进行|必须|需要|要求|规定|明确|"
    r"时间|时限|期限|日期|数量|人数|数目|比例|标准|金额"  # what is asked for, not what it is of
)
# In a yes/no predicate: verbs too light to be what it asks whether (让高校参与进来: of 高校), a count (一所帮一所
# is written 一对一), and asking for something like X (类似X的做法), which the documents may well word otherwise.
_LIGHT_VERB = re.compile(r"参与|参加|加入|进入|进来|实施|实行|推行|执行|落实|搞|做|办")
_LEVEL = re.compile(r"层面|层级|级别|一级|一层|这级|这层|内部")  # and where within: 学校内部
_COUNT_WORD = re.compile(r"[一二两三四五六七八九十百千几\d]+[所个名位项次届年类种家级]")
# A quantity compared in a yes/no question (占到…的一半以上了吗): what is weighed, not what it is of
_QUANTITY = re.compile(
    r"(?:一半|半数|多数|大多数|[\d.]+%|百分之[\d一二三四五六七八九十百]+|[一二三四五六七八九]成)(?:以上|以下|左右|以内)?"
)
_ANALOGUE = re.compile(r"类似|相似|相近|之类|这样的|那样的")
# Being in charge, said in many ways (牵头, 挂帅, 担任组长 ≈ 以区长为组长): asks who leads, a specific act does not.
_IN_CHARGE = re.compile(r"牵头|负责|总责|主管|分管|主抓|挂帅|担任|担当|点头|拍板|领导|统筹|出面|管")
ANSWERED, NOT_STATED, REFUSED = "answered", "not_stated", "refused"
T = TypeVar("T")


@dataclass(frozen=True)
class Verdict:
    """What the evidence allows: answer, say the documents do not state it, or refuse (with the reason, in Chinese)."""

    outcome: str = ANSWERED
    reason: str = ""

    @property
    def refuse(self) -> bool:
        """True for both "not stated" and "refused": no answer is composed."""
        return self.outcome != ANSWERED


@dataclass(frozen=True)
class _Topic:
    """The question's words the library uses (a word no document uses cannot tell sentences apart), weighed."""

    terms: tuple[str, ...]
    weights: dict[str, float]
    asked: tuple[str, ...] = ()  # a follow-up's own words: a stating sentence must name one of them
    action: str = ""  # what the question asks who does (牵头): a sentence stating the body must name it
    event: str = ""  # what the question asks the date of (投入使用): a sentence stating the date must name it
    question: str = ""  # the question, normalized for matching
    quoted: tuple[str, ...] = ()  # the terms it quotes (“1+X”): a stating sentence's context must name one
    action_unused: bool = False  # the action's words are all words the library never uses
    unused_of: tuple[str, ...] = ()  # kinds asked of a word the library never uses (退出 of 想退出,要走什么手续)
    years: frozenset[int] = frozenset()  # the years the question names: a sentence of others is of another stage
    unwritten: tuple[str, ...] = ()  # terms no text writes as such, named only by a synonym (往下掉 ≈ 下滑)

    def focus_of(self, kind: AnswerKind, fall_back: bool = True) -> tuple[str, ...]:
        """What the kind is asked of: a stating sentence must write one of these terms as such.

        The terms before the words asking for it in their part (实施方案 of 实施方案哪天前报州里?, not 州里);
        when that names none, the last term of the part before it, the head of what was said (…到成员学校
        蹲点,要蹲多久?), else the terms after them (什么时候实现集团化办学全覆盖?) — unless ``fall_back`` is
        off (the question names an event or an action the sentence must name instead) and the part names a
        word of its own. A share is of what follows it too (多大比例的县区推开改革).
        """
        last_in_part = {len(_PARTS.findall(self.question, 0, m.start())): m for m in kind.asked.finditer(self.question)}
        focus = {}  # 农村学校占多大比重?学生又占多少?: asked twice, of either
        for match in last_in_part.values():
            focus.update(dict.fromkeys(self._focus_at(kind, match, fall_back)))
        return tuple(focus)

    def _focus_at(self, kind: AnswerKind, match: re.Match, fall_back: bool) -> tuple[str, ...]:
        parts = _PARTS.split(self.question[: match.start()])
        after = _PARTS.split(self.question[match.end() :])[0]
        before, earlier = parts[-1], parts[:-1]
        if kind.name in _OF_WHAT_FOLLOWS:
            return tuple(self._terms_in(before + after))
        if terms := self._terms_in(before):
            return tuple(terms)
        if not fall_back and _names_a_word(before):
            return ()  # 意见最晚哪天要反馈: of 意见, which the library uses too widely to be a term
        for part in reversed(earlier):
            if terms := self._terms_in(part):
                return (max(terms, key=terms.get),)
        return tuple(self._terms_in(after))

    def as_asked(self, term: str) -> str:
        """The term with the word for a whole the question writes before it (全覆盖 of 覆盖), else itself."""
        whole = re.search(rf"(?:全面|全|完全){re.escape(term)}", self.question)
        return whole.group(0) if whole else term

    def _terms_in(self, part: str) -> dict[str, int]:
        """The terms written in a part of the question that may be what a fact is of, with where each ends."""
        return {t: part.rfind(t) + len(t) for t in self.terms if t in part and not _NOT_A_FOCUS.fullmatch(t)}

    def rarest(self, terms: tuple[str, ...]) -> str:
        """The rarest of the terms."""
        return max(terms, key=lambda t: self.weights[t])

    def rarest_in(self, text: str) -> str:
        """The rarest term inside the text ("" when none)."""
        inside = [t for t in self.terms if t in text]
        return max(inside, key=lambda t: self.weights[t]) if inside else ""

    def rare_terms(self) -> tuple[str, ...]:
        """The terms at least as rare as the terms' mean."""
        if not self.terms:
            return ()
        mean = sum(self.weights.values()) / len(self.weights)
        return tuple(t for t in self.terms if self.weights[t] >= mean)

    def names_a_weighty_term(self, sentence: str) -> bool:
        """The sentence itself names a term at least as rare as the terms' mean (its context names the rest)."""
        return not self.terms or any(names_term(sentence, t) for t in self.rare_terms())

    def share_named(self, text: str, terms: tuple[str, ...] | None = None) -> float:
        """Share of the terms' weight the text names (1.0 when there are none)."""
        terms = self.terms if terms is None else terms
        total = sum(self.weights[t] for t in terms)
        return sum(self.weights[t] for t in terms if names_term(text, t)) / total if total else 1.0


def _names_a_word(part: str) -> bool:
    """The part names a word of its own (意见 of 意见最晚), not only qualifiers and asking (具体要在几月)."""
    return any(
        len(t) >= 2 and not QUALIFIER.fullmatch(t) and not _NOT_A_FOCUS.fullmatch(t) and not _ASKING.search(t)
        for t in tokenize(part)
    )


_ASKING = re.compile(r"几|多少|什么|啥|哪|怎么|如何|何时")


def judge(analysis: QueryAnalysis, hits: list[Hit], library_regions: list[str], library=None) -> Verdict:
    """The outcome for a question from its best hits; ``library`` (default: the hits' clauses) weighs its words."""
    if analysis.unknown_regions and not analysis.regions:
        return _unknown_region(analysis, library_regions)
    if analysis.unknown_numbers and not analysis.doc_numbers and not _cited_by(analysis.unknown_numbers, hits):
        return _unknown_number(analysis.unknown_numbers)
    if not hits:
        return Verdict(REFUSED, "现有文件中未找到与问题相关的条款。")
    if term_coverage(analysis, hits[:3]) < MIN_COVERAGE:
        return Verdict(REFUSED, "现有文件中未找到依据：检索到的条款与问题关系不大。")
    if analysis.document_facts and not analysis.comparative:
        return Verdict(ANSWERED)  # the document's own 文号 / date / issuer: read from its metadata
    stating = hits[:STATING_CLAUSES]
    if library is not None:
        topic = _topic(analysis, library_texts(library), term_counts(library))
    else:
        topic = _topic(analysis, _hit_texts(stating))
    strict = analysis.strict_kinds
    missing = [kind for kind in strict if not states_kind(kind, topic, stating)]
    if missing and _asked_apart(analysis, strict, missing):  # 结对的是哪几所,归谁安排? the body alone is stated
        return Verdict(ANSWERED, partly_stated_note(missing[0].what))
    if missing:  # every kind asked must be stated: 会追究谁的责任 asks for a sanction, not just a body
        return Verdict(NOT_STATED, not_stated_reason(analysis, topic, missing[0].what))
    if analysis.yes_no and not strict and not decides(analysis, topic, stating):
        return Verdict(NOT_STATED, not_stated_reason(analysis, topic, "这一点"))
    return Verdict(ANSWERED)


def not_stated_reason(analysis: QueryAnalysis, topic: _Topic, what: str) -> str:
    """文件未明确规定…: the documents are on the topic (its three rarest words), but none states the fact asked."""
    where = "、".join(analysis.regions) + "的文件" if analysis.regions else "现有文件"
    rarest = sorted(topic.terms, key=lambda t: -topic.weights[t])[:3]
    about = "、".join(t for t in topic.terms if t in rarest) or "该事项"
    return f"文件未明确规定{what}：{where}中涉及{about}的条款，没有写明所问的{what}。相关条款列在下方，仅供参考。"


def _asked_apart(analysis: QueryAnalysis, strict: tuple, missing: list) -> bool:
    """Some kind asked is stated, and the missing ones are asked in parts of their own.

    结对的是哪几所,归谁安排? asks two things: the documents say who decides, and not which schools; 会追究谁的
    责任 asks one (a sanction on someone), so a body alone does not answer it.
    """
    if len(missing) == len(strict):
        return False
    parts = [p for p in _PARTS.split(analysis.text) if p.strip()]
    others = [(k, o) for k in missing for o in strict if o is not k]
    shares_a_part = any(k.asked.search(p) and o.asked.search(p) for k, o in others for p in parts)
    return not shares_a_part and all(any(k.asked.search(p) for p in parts) for k in strict)


def partly_stated_note(what: str) -> str:
    """The line before an answer that states part of what was asked."""
    return f"文件未明确规定{what}；以下是文件写明的部分。"


def states_kind(kind: AnswerKind, topic: _Topic, hits: list[Hit]) -> bool:
    """Some sentence of the hits states a fact of that kind, in a context on the question's topic.

    A number anywhere is not enough: 每年引入1-2名学科带头人 gives a head count, but not of a class size;
    时间不少于1周 is a duration of 挂职, not of 蹲点 (see ``_Topic.focus_of``). A quoted term (“1+X”) must be
    named in the context: a count in a clause on another mode is not its count; nor does the quoted word
    state a value asked of it (“定期”是多久一次? is not answered by 要定期…评估). A sentence under an item
    heading naming the topic is on it ((四)提供专业支撑。市教科院普教所建立…课题组), unless the kind is a value
    of one term (a duration, a date …): 3.实行总校长负责制… does not make 校区校长4年作为一个任期 the 总校长's term.
    """
    if kind.name in topic.unused_of:
        return False  # 想退出,要走什么手续: no clause of the library says 退出, so none gives its procedure
    asked = tuple(t for t in topic.terms if t in topic.asked)
    if kind.name == "body":  # 由哪个科室负责审核: the body must be said to do that (审核), not anything
        if topic.action_unused:
            return False  # 由谁来选定: no clause of the library says 选定, so none says who does it
        asked += tuple(t for t in topic.terms if t in topic.action and t not in asked)
    if kind.name in ("date", "day") and (event := topic.rarest_in(topic.event)):
        asked += (event,)  # 哪一年能投入使用: the date of that (投入使用), not of the approval
    # a follow-up's own words say what it asks of; an event or action stands in for what comes after
    focus = topic.focus_of(kind, fall_back=not asked) if not topic.asked and kind.name in FOCUSED_KINDS else ()
    # 什么时候实现全覆盖: a sentence on any 覆盖 does not state when all is covered
    wholes = [w for w in map(topic.as_asked, topic.terms) if w not in topic.terms] if kind.name in FOCUSED_KINDS else []
    return any(
        kind.states(_without(sentence, topic.quoted) if kind.name in FOCUSED_KINDS else sentence)
        and not _LEADS_IN.search(sentence)
        and (kind.framing_states or not is_framing(sentence))
        and topic.share_named(context) >= STATED_TERM_SHARE
        and (not topic.quoted or any(term in match_form(context) for term in topic.quoted))
        and _names_what_it_is_of(sentence, own_heading, kind, topic, focus)
        and (not focus or any(_writes_focus(sentence, term, topic) for term in focus))
        and all(writes_whole(sentence, whole) for whole in wholes)
        and (not asked or topic.share_named(sentence, asked) > 0)
        and not _of_other_years(sentence, context, topic.years)
        for sentence, context, own_heading in _sentences_in_context(hits)
    )


# A line ending in a colon introduces what follows (the addressees 各县区教育局,…,学院附中、学院附小:, 要求如下:)
_LEADS_IN = re.compile(r"[:：]\s*$")


def own_words_used(analysis: QueryAnalysis, library) -> tuple[str, ...]:
    """A follow-up's own words that the library uses: what it adds to the topic it leans on."""
    return _topic(analysis, library_texts(library), term_counts(library)).asked


def _writes_focus(sentence: str, term: str, topic: _Topic) -> bool:
    """The sentence writes the focus term as such; a colloquial term no text writes (往下掉) by its synonym (下滑)."""
    return names_as_written(sentence, term) or (term in topic.unwritten and names_term(sentence, term))


def _names_what_it_is_of(sentence: str, own_heading: str, kind: AnswerKind, topic: _Topic, focus: tuple) -> bool:
    """The sentence itself names a rare word of the question, or stands for one.

    What the fact is of may stand for the rarer words (各市工作方案请于…报送: of 改革工作方案); so may the
    clause's own heading, but not for a value of one term; and so may the year asked (2017年,各市80%以上…).
    """
    return (
        topic.names_a_weighty_term(sentence)
        or bool(focus and names_term(sentence, topic.rarest(focus)))
        or (kind.name not in FOCUSED_KINDS and topic.names_a_weighty_term(own_heading))
        or bool(topic.years and topic.years & years_named(sentence))
    )


def _of_other_years(sentence: str, context: str, years: frozenset[int]) -> bool:
    """The sentence names years, none of those asked, and neither does its context: it states another stage.

    2021年的目标 is not stated by 确立2020年…的总体目标是…60%以上.
    """
    if not years:
        return False
    written = years_named(sentence)
    return bool(written) and not written & years and not years_named(context) & years


def _without(sentence: str, quoted: tuple[str, ...]) -> str:
    """The sentence (in the form quoted terms are matched) with each quoted term blanked out."""
    if not quoted:
        return sentence
    text = match_form(sentence)
    for term in quoted:
        text = text.replace(term, " ")
    return text


def decides(analysis: QueryAnalysis, topic: _Topic, hits: list[Hit]) -> bool:
    """For a yes/no question: some sentence on its topic names the head of what it asks whether.

    The head is the predicate's last word the library uses: what the phrase ends on (教代会 of 要不要先过教代会,
    交通补贴 of 给不给交通补贴, 考核 of 会不会纳入校长的年度考核). A clause naming only the predicate's other
    words (帮扶, 校长) is about something else; a quantity it compares (一半以上) is no head. Lenient where the
    library cannot tell: a predicate none of whose words the library uses (派老师去教书, paraphrased as 派驻教师)
    says nothing against the hits.
    """
    head = _head_of(_QUANTITY.sub(" ", analysis.predicate), topic.terms)
    subject = _rare_subject(analysis.subject, topic)
    if not (head or subject) or _ANALOGUE.search(analysis.predicate):
        return True
    return any(
        _names_both(sentence, context, head, subject)
        and not is_preamble(sentence)
        and topic.share_named(context) >= STATED_TERM_SHARE
        for sentence, context, _ in _sentences_in_context(hits)
    )


def _names_both(sentence: str, context: str, head: str, subject: str) -> bool:
    """The sentence names the head and its context the subject, or the other way round.

    The other way: a list of who may take part (本市小学…普通高中等学校) under a heading naming the mode.
    """
    if not subject:
        return names_term(sentence, head)
    if not head:  # 民办学校能不能参加: the predicate names nothing, so whether is asked of the subject
        return names_term(sentence, subject)
    return (names_term(sentence, head) and names_term(context, subject)) or (
        names_term(sentence, subject) and names_term(context, head)
    )


def _rare_subject(subject: str, topic: _Topic) -> str:
    """The rarest word of whom a yes/no question asks, when it is rarer than the question's mean (民办 of 民办学校).

    A rule on 学校 says nothing of 民办学校; a common subject (学校, 老师) is named anywhere and decides nothing.
    """
    if _ASKING.search(subject):
        return ""  # 每年涨多少有没有个硬杠杠: the words before the modal ask a value, they name no one
    for part in (subject.split("的")[-1], subject):  # the phrase's head first: 工资 of 分校老师的工资
        if rare := [t for t in topic.rare_terms() if t in part and not _light(t)]:
            return topic.rarest(tuple(rare))
    return ""


def _light(term: str) -> bool:
    """A word that frames, asks, counts or places at a level rather than names what is asked whether.

    做法, 标准, 参与, 一所; 层面 of 学校层面也得写方案吗? (the documents say 校级).
    """
    return term in FRAMING_WORDS or any(p.fullmatch(term) for p in (_NOT_A_FOCUS, _LIGHT_VERB, _COUNT_WORD, _LEVEL))


def _head_of(phrase: str, terms: tuple[str, ...]) -> str:
    """The term written last in the phrase that names something (not 做法, 内容, 标准 …; "" when none)."""
    inside = [t for t in terms if t in phrase and not _light(t)]
    return max(inside, key=lambda t: phrase.rfind(t) + len(t)) if inside else ""


def _topic(analysis: QueryAnalysis, texts: tuple[str, ...], counts: dict[str, int] | None = None) -> _Topic:
    """The question's content words some text uses, each weighed by its IDF over those texts.

    ``counts``: how many of the texts name each term, kept across questions (see ``term_counts``).
    """
    counts = {} if counts is None else counts
    n = len(texts) or 1
    weights = {}
    for term in _used_or_parts(
        [*analysis.topic_terms, *analysis.asked_terms, *_words_of(analysis.action), *_words_of(analysis.event)],
        texts,
        counts,
    ):
        df = counts[term]
        if df and not any(p.fullmatch(term) for p in (QUALIFIER, COUNTED_BY, _LEVEL)):  # 人数, 层面: no topic
            weights[term] = math.log(1 + n / df)
    asked = tuple(t for t in analysis.asked_terms if t in weights)
    question = normalize_for_match(analysis.text).lower()
    quoted = quoted_terms(analysis.text)
    action_words = [w for w in _words_of(analysis.action) if not _IN_CHARGE.search(w)]
    unused = bool(action_words) and not any(w in weights for w in action_words)
    unused_of = tuple(k.name for k in analysis.kinds if _asked_of_unused(k, analysis, counts))
    years = years_named(analysis.text)
    unwritten = tuple(t for t in weights if not _written_somewhere(t, texts, counts))
    return _Topic(
        tuple(weights),
        weights,
        asked,
        analysis.action,
        analysis.event,
        question,
        quoted,
        unused,
        unused_of,
        years,
        unwritten,
    )


def _used_or_parts(terms: list[str], texts: tuple[str, ...], counts: dict[str, int]) -> list[str]:
    """The terms, each counted over the texts; a compound no text names stands as its parts (民办小学: 民办, 小学)."""
    out: dict[str, None] = {}
    for term in terms:
        parts = tokenize(term) if len(term) >= MIN_COMPOUND_CHARS else []  # 同一个, 第三届: no compounds
        for word in (term, *(p for p in parts if p != term and len(p) >= 2)):
            if word not in counts:
                counts[word] = sum(1 for text in texts if names_term(text, word))
            if word == term:
                out[term] = None
                if counts[term]:
                    break
            else:
                out[word] = None
    return list(out)


def _written_somewhere(term: str, texts: tuple[str, ...], counts: dict[str, int]) -> bool:
    """Some text writes the term as such, not only a synonym of it; kept in ``counts`` beside how many name it."""
    key = f"{term} as written"
    if key not in counts:
        counts[key] = int(any(names_as_written(text, term) for text in texts))
    return bool(counts[key])


def _asked_of_unused(kind: AnswerKind, analysis: QueryAnalysis, counts: dict[str, int]) -> bool:
    """A procedure or a standard asked for an act the asker means to do (想退出) that no clause of the library writes.

    The act: the word after 想/打算/准备 in the part asking, or in the part before when that part names no
    word of its own (加入集团以后要是想退出,要走什么手续: 退出). A light verb (想加入 ≈ 参与) is left out, as the
    documents say it in other words; a condition (要是牵扯到社会稳定,得走什么程序) is no act meant.
    """
    if kind.name not in _OF_AN_ACT:
        return False
    for match in kind.asked.finditer(analysis.text):
        parts = _PARTS.split(analysis.text[: match.start()])
        phrase = parts[-1] if _names_a_word(parts[-1]) or len(parts) == 1 else parts[-2]
        for meant in _MEANT.finditer(phrase + match.group(0)):
            act = next((t for t in tokenize(meant.group(1)) if len(t) >= 2), "")
            if act in analysis.topic_terms and counts.get(act, 1) == 0 and not _light(act):
                return True
    return False


_MEANT = re.compile(r"(?:想|打算|准备)(?:要)?([\u4e00-\u9fff]{2,6})")


def _words_of(text: str) -> list[str]:
    return [t for t in tokenize(text) if len(t) >= 2] if text else []


def _sentences_in_context(hits: list[Hit]) -> Iterator[tuple[str, str, str]]:
    """Each sentence of the hits, with its context and its clause's own heading.

    The context: the document's title, the clause's heading, the sentence before it and itself.

    Policy text names its topic once and goes on without it (在杨浦…4区先行试点 under a title on 学区化集团化办学).
    """
    for hit in hits:
        previous = ""
        heading = normalize_for_match(f"{hit.document.meta.title} {hit.clause.heading}").lower()
        own = _own_heading(hit)
        for sentence in provisions(normalize_for_match(hit.clause.text).lower()):
            yield sentence, f"{heading} {previous} {sentence}", own
            previous = sentence


def _own_heading(hit: Hit) -> str:
    """The clause's own item heading ((四)提供专业支撑), normalized for matching; "" for a clause without one."""
    return normalize_for_match(hit.clause.path[-1]).lower() if len(hit.clause.path) > 1 else ""


def _hit_texts(hits: list[Hit]) -> tuple[str, ...]:
    return tuple(normalize_for_match(h.clause.heading + h.clause.text).lower() for h in hits)


def library_texts(library) -> tuple[str, ...]:
    """Every clause of the library (heading and text), normalized for matching; kept while the library is unchanged."""
    return per_library(library, "evidence", lambda: tuple(_normalized(c.heading + c.text) for c in library.clauses()))


def term_counts(library) -> dict[str, int]:
    """Term -> how many of ``library_texts`` name it, filled as questions ask; kept while the library is unchanged."""
    return per_library(library, "evidence counts", dict)


def _normalized(text: str) -> str:
    return normalize_for_match(text).lower()


_PER_LIBRARY: dict[str, tuple[tuple, object]] = {}  # name -> (the library's documents, the value derived)


def per_library(library, name: str, build: Callable[[], T]) -> T:
    """A value derived from the library, built once and kept while its documents are unchanged."""
    key = tuple(sorted((d.doc_id, d.content_hash) for d in library.documents.values()))
    held = _PER_LIBRARY.get(name)
    if held is None or held[0] != key:
        held = _PER_LIBRARY[name] = (key, build())
    return held[1]


def _unknown_region(analysis: QueryAnalysis, library_regions: list[str]) -> Verdict:
    names = "、".join(analysis.unknown_regions)
    held = "、".join(library_regions) or "（无）"
    return Verdict(REFUSED, f"文库中没有来自{names}的文件，不能用其他地区的规定代替作答。现有文件来自：{held}。")


def _unknown_number(numbers: tuple[str, ...]) -> Verdict:
    return Verdict(REFUSED, f"文库中没有文号为{'、'.join(numbers)}的文件，不能用其他文件的规定代替作答。")


def _cited_by(numbers: tuple[str, ...], hits: list[Hit]) -> bool:
    """Some hit cites one of the numbers (…(辽政办发〔2018〕53号),积极推进…): it answers what that document asks."""
    keys = [doc_number_key(n) for n in numbers]
    return any(key in doc_number_key(hit.clause.text) for hit in hits for key in keys)


def province_fallback(analysis: QueryAnalysis, library_regions: list[str]) -> str | None:
    """For an unknown city/county whose province the library holds: that province (its rules apply there)."""
    gaz = gazetteer()
    for name in analysis.unknown_regions:
        province = gaz.division(name).province
        if province and province != name and province in library_regions:
            return province
    return None


def term_coverage(analysis: QueryAnalysis, hits: list[Hit]) -> float:
    """Share of the question's content terms the clauses name (see ``names_term``).

    Or of its topic terms, when that is more: the words asking for a kind (比例 of 多大比例) need not be
    found, as 80%以上 states a share; but 问责 may be both (有问责的说法吗?).
    """
    text = normalize_for_match(" ".join(h.clause.heading + h.clause.text + h.document.meta.title for h in hits))
    if not analysis.topic_terms and analysis.strict_kinds:
        return 1.0  # 山西的进度呢?: only what is asked for (a schedule), in a region's documents
    return max(_share_named(text, analysis.content_terms), _share_named(text, analysis.topic_terms))


def _share_named(text: str, terms: list[str]) -> float:
    return sum(1 for term in terms if names_term(text, term)) / len(terms) if terms else 1.0


def names_term(text: str, term: str) -> bool:
    """True when normalized text names the term, or a glossary word inside it, or a synonym of either.

    Lenient on purpose: a colloquial compound (评职称, 穷孩子) counts as named when the documents' word inside
    it (职称, 孩子 ≈ 学生) is. The check only has to tell a question on the library's topics from one off them.
    """
    text = text.lower()
    return any(form in text for form in _forms_within(term))


def names_as_written(text: str, term: str) -> bool:
    """True when the text writes the term, or a shorter glossary word inside it (覆盖 of 覆盖率), as such.

    Strict where ``names_term`` is lenient: 除了引名师 sets aside what names 名师, not every sentence on 教师.
    """
    text = text.lower()
    return term.lower() in text or any(word in text for word in _glossary_words_inside(term))


def writes_whole(text: str, whole: str) -> bool:
    """The text writes a whole (全覆盖) as such, or its word with a word for all (覆盖所有县).

    覆盖全市50%的学校 covers half: 覆盖 alone does not say 全覆盖.
    """
    if whole.lower() in text.lower():
        return True
    said = re.escape(_WHOLE.sub("", whole))
    return bool(re.search(rf"{said}.{{0,4}}?{_ALL}|{_ALL}.{{0,4}}?{said}", text))


_WHOLE = re.compile(r"^(?:全面|全|完全)")
_ALL = "(?:所有|全部|全体|100%)"


@lru_cache(maxsize=4096)
def _glossary_words_inside(term: str) -> tuple[str, ...]:
    """The glossary words written inside a term, other than itself (覆盖 of 覆盖率)."""
    return tuple(m for m in glossary().members() if len(m) >= MIN_SYNONYM_CHARS and m != term and m in term)


@lru_cache(maxsize=4096)
def _forms_within(term: str) -> tuple[str, ...]:
    """The forms of a term and of every glossary word inside it (computed once per term, not per check)."""
    words = [term, *_glossary_words_inside(term)]
    return tuple(dict.fromkeys(form for word in words for form in glossary().forms(word)))
