"""Read a follow-up (那上海呢? / 还有呢? / 要交给谁? / 第二条具体怎么做?) against the conversation.

A follow-up is read one of these ways, and the reading is kept so the app can show it (理解为：…):
- *ordinal*: 第二条… points at an item of the previous answer; its document is searched;
- *region*: it names another region or document and nothing else new (巴州的方案里呢?): the previous
  question, about the new region;
- *more*: 还有呢? / 另外呢? / 除了X还…?: the previous question again, with the clauses already given left out;
- *fragment*: a short question without a topic or place of its own (要交给谁? 哪一年之前?): the previous
  topic with the new question, in the previous scope.
Any other question stands alone; when it names no region, the previous turn's region scope carries over
(the conversation stays on 巴州 until a question names another place), unless a search there finds nothing
of the question's words (a new topic, asked of the whole library).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.types import Citation, Turn
from policytext.asks import kinds_asked
from policytext.lexicon import tokenize
from policytext.numerals import ordinal_value
from policytext.places import find_places, unlisted_places, without_places
from policytext.question import (
    ANAPHORA,
    DOCUMENT_POINTER,
    KIND_OF_DOCUMENT_POINTER,
    MORE_CUE,
    NAMED_DOCUMENT,
    ORDINAL_REFERENCE,
    TRAILING_PARTICLES,
    besides_named,
    strip_framing,
)

# A question word and the general noun after it name what was asked, not the topic (遵循什么原则)
_ASKED_HEAD = re.compile(
    r"(?:依据|按照|根据)?(?:的是|是)?(?:什么|啥|哪些|哪种|怎样的)(?:样的)?(?:原则|规定|要求|标准|办法|内容|措施|条件|形式|方式|做法|政策)"
)
_LEANING_READINGS = ("more", "fragment", "scope", "ordinal")  # a turn read on an earlier turn's topic
FRAGMENT_CHARS = 14  # a question this short (without punctuation) and without a place of its own leans on the last turn
_PUNCTUATION = re.compile(r"[\s,，、。?？!！;；:：“”\"'（）()]")
_FILLER = re.compile(
    r"^(?:那边|这边|那么?|的|里|呢|在|对|关于|换成|换到|如果是|要是|再看看?|看看|说说)+|(?:那边|这边|的|里|呢|怎么样|如何|又)+$"
)


@dataclass(frozen=True)
class Resolved:
    """How a question was read: the text to search, what it asks (its own words), scope and exclusions."""

    text: str
    citation: Citation | None = None  # the item a 第N条 reference points at
    doc_ids: tuple[str, ...] = ()  # documents the conversation is about (when it names no region)
    exclude: tuple[str, ...] = ()  # sentences already given (还有呢? asks for others)
    besides: str = ""  # what a 'more' question says it was given (除了覆盖率…): the rest of its sentence is not
    given_clauses: tuple[str, ...] = ()  # with ``besides``: the clauses given, whose other parts may answer
    asks: str = ""  # the follow-up's own words: what kind of fact is asked is read from them
    reading: str = ""  # ordinal / region / more / fragment / scope, or "" for a question standing alone
    last_lead: str = ""  # a short follow-up: the clause the last answer led with, which may hold the detail
    fallback: Resolved | None = None  # the reading to take when this one's search finds nothing on its words
    alternatives: tuple[Resolved, ...] = ()  # readings in the same scope, tried in turn when this one answers nothing


def resolve(question: str, history: Sequence[Turn]) -> Resolved:
    """Rewrite a follow-up into a standalone question; a standalone question comes back unchanged."""
    question = question.strip()
    if not history:
        return Resolved(question)
    previous = history[-1]
    base = previous.resolved_question or previous.question
    if cited := _ordinal_citation(question, previous):
        rest = ORDINAL_REFERENCE.sub("", question)
        item = cited.clause.path[-1] if cited.clause.path else cited.text[:30]  # the item's own heading
        return Resolved(f"{item} {_strip(rest)}".strip(), cited, asks=rest, reading="ordinal")
    named = _places(question)
    if named:
        if not own_content(question, named):
            # 那山西呢? asks what the previous question asked (a schedule, a body …), of another region
            return Resolved(_swap_region(base, named), reading="region")
        # 二道区那边有啥讲究? stands alone; when that finds no answer, it asks the previous topic of 二道区
        there = Resolved(f"{_swap_region(_topic_of(previous), named)} {_own_words(question, named)}".strip(),
                         asks=question, reading="region")  # fmt: skip
        return Resolved(question, alternatives=(there,))
    regions = _places(base)
    scope = () if regions else _documents_of(previous)
    where = f"{'、'.join(regions)} " if regions else ""
    if MORE_CUE.search(question):
        return _asking_for_more(question, history, where, scope)
    if _is_fragment(question):
        return _fragment(question, previous, where, scope)
    if regions:  # the region carries over, unless nothing of the question is found there (a new topic)
        return _in_scope(question, previous, where)
    return Resolved(question)


def _asking_for_more(question: str, history: Sequence[Turn], where: str, scope: tuple[str, ...]) -> Resolved:
    """还有呢? / 除了X还…?: the previous topic again (or the question's own words), leaving out what was given."""
    previous = history[-1]
    base = previous.resolved_question or previous.question
    rest = _strip(ANAPHORA.sub("", MORE_CUE.sub(" ", question).strip()))  # 还有其他激励吗? -> 激励
    besides = besides_named(question)
    besides = "" if ANAPHORA.match(besides) else besides  # 除了这种联盟: all that was given
    given = _sentences_given(history[-1:], every=True) if besides else _sentences_given(history)  # 除了X: X was given
    clauses = tuple(c.clause_id for c in previous.answer.citations) if besides else ()
    topic = _topic_of(previous, without_ask=_has_topic(rest))  # 还有别的激励吗? asks the previous question again
    leaning = Resolved(f"{where}{topic} {rest}".strip(), doc_ids=scope, exclude=given,
                       besides=besides, given_clauses=clauses, asks=rest or base, reading="more")  # fmt: skip
    if not _has_topic(rest):
        return _chained(leaning, previous, rest, where, without_ask=False)
    # 除了经费,人员上还有哪些保障: its own words, in scope; else (还有别的讲究吗) the previous topic with them
    alone = Resolved(f"{where}{rest}", doc_ids=scope, exclude=given, besides=besides, given_clauses=clauses,
                     asks=rest, reading="more")  # fmt: skip
    return _chained(replace(alone, alternatives=(leaning,)), previous, rest, where)


def _fragment(question: str, previous: Turn, where: str, scope: tuple[str, ...]) -> Resolved:
    """要交给谁? / 开放日期间各校展示什么?: read in the previous scope, with or without the previous topic."""
    rest = _strip(ANAPHORA.sub("", question))
    lead = previous.answer.citations[0].clause_id if previous.answer.citations else ""
    alone = Resolved(f"{where}{question}", doc_ids=scope, asks=question, reading="scope", last_lead=lead)
    leaning = Resolved(f"{where}{_topic_of(previous)} {rest}".strip(), doc_ids=scope, asks=question,
                       reading="fragment", last_lead=lead)  # fmt: skip
    if _points_back(question) or not _has_topic(rest):
        # 谁来指导? after a question on 集体备课: the previous topic with it, else (when that states no
        # answer) its own words in the same documents (…各联盟捆绑活动的指导)
        return _chained(replace(leaning, alternatives=(alone,)), previous, rest, where)
    # 开放日期间各校展示什么? has a topic of its own: searched as it stands, in scope, unless that finds nothing
    return replace(alone, fallback=replace(leaning, alternatives=(alone,)), alternatives=(leaning,))


def _in_scope(question: str, previous: Turn, where: str) -> Resolved:
    """A question with words of its own, in the region the conversation is on; alone when they are not found there.

    When alone it answers nothing either (中间2017年有没有阶段性的比例要求?: 中间 and 阶段性 are found nowhere),
    it is read in the region after all, and then on the previous topic there.
    """
    scoped = Resolved(f"{where}{question}", asks=question, reading="scope")
    leaning = Resolved(f"{where}{_topic_of(previous)} {_strip(question)}".strip(), asks=question, reading="fragment")
    return replace(scoped, fallback=Resolved(question, alternatives=(scoped, leaning)))


def own_content(question: str, regions: list[str]) -> bool:
    """A question naming a region says something of its own besides it (北京由谁主管? vs 北京呢?)."""
    return any(len(t) >= 2 for t in tokenize(_own_words(question, regions)))


def _is_fragment(question: str) -> bool:
    """Opens by pointing back (这个…, 那…), or is short (由谁负责? 哪天截止?): it may lean on the last turn.

    A short one with a topic of its own (开放日期间各校展示什么?) is first searched as it stands, in scope.
    """
    if _points_back(question):
        return True
    return len(_PUNCTUATION.sub("", question)) <= FRAGMENT_CHARS


def _points_back(question: str) -> bool:
    """Opens with a word pointing at what was said (这个…, 那些…); a bare 那/那么 only leads on (那我们的方案…)."""
    match = ANAPHORA.match(question)
    if match and match.group(0) in _CONNECTIVES:
        return bool(ANAPHORA.match(question[match.end() :]))  # 那这些集团…: 这些 points back
    return bool(match)


_CONNECTIVES = ("那", "那么")


def _documents_of(previous: Turn) -> tuple[str, ...]:
    """The documents the previous answer drew on (or, for a refusal, the closest ones it showed)."""
    cited = previous.answer.citations or previous.answer.nearby
    return tuple(dict.fromkeys(c.doc_id for c in cited))


def _sentences_given(history: Sequence[Turn], every: bool = False) -> tuple[str, ...]:
    """The sentences the conversation gave as answers on its current topic: 还有呢? asks for others.

    Of each document's part of an answer, its lead and any later sentence stating the kind of fact asked
    (任期几年: the sentence with the term); the rest only came along and may lead now (``every``: all).
    Those of the previous answer and, back along the follow-ups that leaned on earlier turns, of those
    (补充老师 → 公开招聘每年招多少? → 还有别的渠道吗?: the first answer's 公开招聘 was given too).
    """
    given: list[str] = []
    for turn in reversed(history):
        kinds = [k for k in kinds_asked(turn.resolved_question or turn.question) if k.strict]
        for line in turn.answer.answer.splitlines():
            sentences = [s for s in re.split(r"\[\d+\]", line) if len(s.strip()) >= 8]
            answering = [s for s in sentences[1:] if any(kind.states(s) for kind in kinds)]
            given += sentences if every else sentences[:1] + answering
        if every or turn.answer.reading not in _LEANING_READINGS:
            break
    return tuple(given)


def _places(text: str) -> list[str]:
    named = find_places(text).all
    return named + [p for p in unlisted_places(text) if not any(p in n or n in p for n in named)]


def _own_words(question: str, regions: list[str]) -> str:
    """What a question says besides its places, document pointers, anaphora and question words."""
    text = without_places(_strip(question), regions)
    text = DOCUMENT_POINTER.sub("", ANAPHORA.sub("", KIND_OF_DOCUMENT_POINTER.sub("", text)))
    return _FILLER.sub("", _PUNCTUATION.sub("", strip_framing(text)).strip())


def _has_topic(text: str) -> bool:
    """Two or more content words of its own: enough to search on (the scope narrows where)."""
    return len([t for t in tokenize(strip_framing(text)) if len(t) >= 2]) >= 2


def _chained(reading: Resolved, previous: Turn, rest: str, where: str, without_ask: bool = True) -> Resolved:
    """The reading, tried after its alternatives with the topic the previous follow-up leaned on.

    那轮岗的校长有什么待遇? was read about 巴州's 校长轮岗; 还有别的保障吗? after it may need that too.
    Last, as most follow-ups with words of their own start a topic of their own (能连任几届?).
    """
    if previous.answer.reading not in ("fragment", "more") or not _has_topic(previous.question):
        return reading
    topic = _topic_of(previous, without_ask=without_ask, chained=True)
    chained = replace(reading, text=f"{where}{topic} {rest}".strip(), alternatives=(), fallback=None)
    return replace(reading, alternatives=(*reading.alternatives, chained))


def _topic_of(previous: Turn, without_ask: bool = True, chained: bool = False) -> str:
    """What the previous turn was about, without question words or places (the scope carries those).

    Its own words when it had a topic of its own, else (or ``chained``) how it was read.
    ``without_ask``: for a follow-up asking a thing of its own, the words the previous question asked with
    (遵循的是什么原则) are left out when the rest holds its topic.
    """
    own = previous.question if _has_topic(previous.question) and not chained else previous.resolved_question
    own = without_places(own, _places(own))
    if without_ask:
        stated = _without_asked_head(own)
        own = stated if _has_topic(stated) else own
    return re.sub(r"\s+", " ", _PUNCTUATION.sub(" ", strip_framing(_strip(own)))).strip()


def _without_asked_head(question: str) -> str:
    """A question without its question word and the general noun it asked for (遵循的是什么原则).

    Not the words of a kind of fact (问责, 倾斜): those often are the topic a follow-up goes on with.
    """
    return _ASKED_HEAD.sub(" ", question)


def _strip(text: str) -> str:
    return TRAILING_PARTICLES.sub("", text).strip()


def _swap_region(base: str, new_regions: list[str]) -> str:
    """The previous question about the new region(s) instead of the old one (and not its document: 那个通知)."""
    stripped = NAMED_DOCUMENT.sub("", without_places(base, _places(base))).strip("的 ,，")
    return f"{'、'.join(new_regions)}{stripped}"


def _ordinal_citation(question: str, previous: Turn) -> Citation | None:
    match = ORDINAL_REFERENCE.search(question)
    if not match:
        return None
    n = ordinal_value(match.group(1)) or 0
    citations = previous.answer.citations or previous.answer.nearby
    return next((c for c in citations if c.n == n), citations[n - 1] if 0 < n <= len(citations) else None)
