"""What a question asks: the regions, years and modes it names, the kind of answer it wants, its content words.

A question is analysed once (``analyze``) and the analysis travels with it: search, the evidence check,
the answer and the comparison all read the same record. The library's regions come in as a plain mapping,
so this module stays free of the stages above it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from policytext.asks import (
    BASIS_QUESTION,
    DURATION,
    KINDS,
    AnswerKind,
    asked_action,
    asked_event,
    asks_yes_no,
    count_patterns,
    kinds_asked,
    quoted_term_patterns,
    yes_no_predicate,
    yes_no_subject,
)
from policytext.dates import (
    BRACKETED_YEAR_NUMBER,
    CN_DATE,
    YEAR,
    doc_number_key,
    doc_numbers_named,
    doc_numbers_written,
    known_number_named,
)
from policytext.doctypes import ORGAN_AT_LINE_END
from policytext.lexicon import MIN_SYNONYM_CHARS, glossary, longest_tokens, tokenize, words_of
from policytext.places import find_places, gazetteer, region_forms, unlisted_places

# Asks across documents: the answer is spread over them.
COMPARATIVE = re.compile(r"各地|各省|各市|各文件|各份文件|各份|分别|对比|比较|异同|不同地区|哪些地方|几份文件")
_WITHIN_ONE_REGION = {"各地", "各省", "各市"}  # with one region named, its parts: no comparison across documents
# Words that ask rather than say what about; cut out before tokenising, so 哪些方面 still yields 方面.
INTERROGATIVES = re.compile(
    r"(?:几|多少)[个所项次名类种条位批家节门人](?!级)|"
    r"哪几种|哪几个|哪几项|哪一天|哪一年|哪些|哪几|哪种|哪个|哪天|什么样的?|什么|怎么样|怎样|怎么|如何|多少|由谁|是谁|"
    r"能不能|可不可以|会不会|要不要|需不需要|是不是|用不用|算不算|多久|多长时间|"
    r"是否|有没有|能否|可否|干啥|啥|吗|呢|谁|几(?=[年天周])"
)
# The answer is likely an enumeration (…、…、…).
LIST_QUESTION = re.compile(r"哪些|哪几|什么内容|哪方面|几个方面|几[种类]|分别(?:是|有|叫)(?:什么|啥|哪)")
# Asks for the kinds or ways there are: the sibling items of the best clause answer it.
KINDS_QUESTION = re.compile(r"哪几|几种|几类|几项|几个方面|哪些(?:种类|类型|形式|模式|方式|行动|途径|渠道)")
# Asks about the document itself (its 文号, title, issuer …): its front matter may answer.
ABOUT_DOCUMENT = re.compile(r"文号|发文|印发|颁布|发布日期|印发日期|标题|名称|文件名|全称|哪个部门|机关|单位|征求意见")

# Kinds asked of the document itself (印发日期, 发文机关): its metadata answers them.
_DOCUMENT_FACT_KINDS = ("date", "day", "body")
_ASKED_SHARE = re.compile(r"比例|比重|占比|百分之几|百分比|多少%|覆盖率")
SHARE = r"\d+(?:\.\d+)?\s*%|百分之[一二三四五六七八九十百]+"  # how a share is written
_PERIOD = re.compile(DURATION)  # a period a question may be framed by: 三年, 两个学期
_ASKED_TIME = re.compile(r"哪一?年|哪个月|几月|什么时候|何时|截止|期限|时间表|时间节点")
TIME = r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月|年底"  # how a year or a month is written
SCHEDULE = r"((?:19|20)\d{2})\s*年[^。]{0,120}?(?!\1)(?:19|20)\d{2}\s*年"  # two years in one sentence
_ISSUING = r"(?:发布|印发|出台|颁布|签发|发文|成文|下发|制定|公布|发表)"
_WHEN = r"(?:日期|时间|哪天|哪一天|何时|什么时候|哪年|哪一年|几月|哪个月|年份)"
# Facts about the document itself that a question can ask for, and how a front-matter line states each.
DOCUMENT_FACT_QUESTIONS = {
    "date": re.compile(rf"{_ISSUING}\S{{0,6}}?{_WHEN}|{_WHEN}\S{{0,6}}?{_ISSUING}|落款日期"),
    "number": re.compile(r"文号|发文字号|字号|文件编号"),
    "issuer": re.compile(
        rf"(?:哪个|哪一?家|什么)(?:部门|单位|机关|机构)(?:{_ISSUING}|发的)|发文(?:机关|单位|部门)|(?:由|是)谁{_ISSUING}|落款单位"
    ),
}
DOCUMENT_FACT_ANSWERS = {"date": CN_DATE, "number": BRACKETED_YEAR_NUMBER, "issuer": ORGAN_AT_LINE_END}
# The 文号 of the document a notice transmits or cites (原文号), not the notice's own: its body states it.
CITED_NUMBER_QUESTION = re.compile(
    r"原(?:文件|文|件)?的?(?:文号|发文字号)|(?:被|所)转发(?:的)?(?:文件|原文)?的?(?:文号|发文字号)"
)

# A reference to an item of the previous answer: 第二条, 第3点 (the number is group 1).
ORDINAL_REFERENCE = re.compile(r"第\s*([一二两三四五六七八九十]|\d{1,2})\s*(?:条|点|项|个|款|部分)")
# A question that opens by pointing back at the conversation: 那上海呢, 这个…, 还有…
ANAPHORA = re.compile(
    r"^(?:那边|这边|那里|这里|那么?|那个|这个|这些|那些|这笔|那笔|这种|那种|这项|那项|这块|那块|这样|那样|这|它|其(?![他它余])|上述|以上|还有|另外|该)"
)
# What a question ends with besides its words (没 of 渠道没?, but not of 有没有)
TRAILING_PARTICLES = re.compile(r"(?:呢|吗|么|(?<!有)没有?)?[?？。!！\s]*$")
# Asks for more on the previous turn's topic: 还有呢? 另外呢? 还有别的要求吗? 除了X,还…?
MORE_CUE = re.compile(
    r"^(?:还有呢|另外呢|其他呢|其它呢|别的呢|还有吗|还有没有|然后呢|此外呢|再说说|继续)|还有(?:别的|其他|其它|什么|哪些|啥)|^此外|"
    r"^(?:其他|其它|别的|其余)[^,，。?？]{1,8}呢|"  # 其他几所新学校呢?: the others of what was given
    r"^除了[^,，]{1,16}?(?:以外|之外)?[,，](?=.*(?:还|另外))|^除了[^,，还]{1,16}?(?:以外|之外)?(?=还)"
)  # 除了X, …还…: X was given; what follows is asked
_BESIDES = re.compile(r"^除了([^,，还]{1,16}?)(?:以外|之外)?(?=[,，]|还)")


def besides_named(question: str) -> str:
    """What a 'more' question says it has been given (除了覆盖率,还有别的指标吗? -> 覆盖率); "" if it says none."""
    match = _BESIDES.search(question.strip())
    return match.group(1) if match else ""


_DOCUMENT_NOUN = r"(?:通知|文件|规划|方案|意见|规定|办法|细则|指引)"
_LOCATIVE = r"(?:里|中|上|里面|当中)"
# Points at a document of the conversation (那份通知, 这个规划里): says where to look, not what about.
DOCUMENT_POINTER = re.compile(
    r"(?:那|这|该)?(?:份|个|篇)?(?:通知|文件|规划|方案|意见|规定|办法|文)(?:里|中|上|里面|当中)?"
)
# The same, pointed at with the kind of document it is (那份实施意见里, 这个工作方案).
KIND_OF_DOCUMENT_POINTER = re.compile(rf"(?:那|这|该)(?:份|个|篇)?(?:实施|工作|指导){_DOCUMENT_NOUN}{_LOCATIVE}?")
# A document named by pointing at it (那个通知, 这份规划里, 该方案): in a follow-up about another region, the
# previous region's document.
NAMED_DOCUMENT = re.compile(rf"(?:那|这|该)(?:份|个|篇)?[\u4e00-\u9fff]{{0,6}}?{_DOCUMENT_NOUN}{_LOCATIVE}?")
# Pointed at for where to look (那份实施方案里, 这份通知, 那个…规划里), not what the question is about; without
# 份/篇 or a 里, 这个方案 may be the plan asked about; 文件里 is always where.
POINTED_DOCUMENT = re.compile(
    rf"(?:那|这|该)(?:份|篇)[\u4e00-\u9fff]{{0,6}}?{_DOCUMENT_NOUN}{_LOCATIVE}?|"
    rf"(?:那|这|该)个[\u4e00-\u9fff]{{0,6}}?{_DOCUMENT_NOUN}(?:里|中|里面|当中)|"
    rf"(?:政策)?文件{_LOCATIVE}"  # 文件中提到的“捆绑考核”: the documents, where to look
)


_LISTED_NOUN = re.compile(
    r"(?:哪些|哪几|几(?=[种类]))(?:种|类|项|个|所)?([\u4e00-\u9fff]{2,8}?)(?=[的可以要能有呢吗啊了在是]|[^\u4e00-\u9fff]|$)"
)


_LIST_FILLER = re.compile(r"一共|总共|共有|都有|还有|主要|具体|分别|到底|究竟")


_LISTING_WORD = re.compile(r"哪些|哪几|几[种类]")


def listed_noun(question: str) -> str:
    """What a 哪些/哪几种 question asks the kinds of (主推哪几种办学模式 -> 办学模式), "" if it names none."""
    match = _LISTED_NOUN.search(question)
    if match:
        return match.group(1)
    # 帮扶形式总共有哪几种? 办学模式有几种?: the word before it
    parts = _LISTING_WORD.split(question, maxsplit=1)
    before = re.split(r"[,，;；]", parts[0])[-1]
    words = [w for w in tokenize(before) if len(w) >= 2 and not _LIST_FILLER.fullmatch(w)]
    return words[-1] if words and len(parts) > 1 else ""


@dataclass(frozen=True)
class QueryAnalysis:
    """What a question names and asks for; built once by ``analyze`` and passed along."""

    text: str
    regions: tuple[str, ...] = ()  # region names found in the question that the library holds
    unknown_regions: tuple[str, ...] = ()  # region names the library has no document for
    years: tuple[int, ...] = ()
    modes: tuple[str, ...] = ()  # glossary terms of the modes named, e.g. 集团化办学
    variant_terms: tuple[tuple[str, str], ...] = ()  # (variant, glossary term) pairs: (老师, 教师)
    region_forms: tuple[str, ...] = ()  # how the question wrote the regions it names (kept out of content words)
    doc_numbers: tuple[str, ...] = ()  # the library documents' own 文号 it names, as written (a filter, like regions)
    unknown_numbers: tuple[str, ...] = ()  # 文号 it names that are no library document's own
    scope_words: tuple[str, ...] = ()  # 各地/分别…: say where to look, not what about (kept out of content words)
    comparative: bool = False  # asks across documents (各地/分别/对比…)
    document_facts: tuple[str, ...] = ()  # asks for the document's own date / number / issuer
    about_document: bool = False  # names the document itself (文号, 印发, 标题 …)
    answer_patterns: tuple[str, ...] = ()  # how the answer is worded: 4所新优质学校, a percentage, a year
    asks_for_list: bool = False  # 哪些/哪几…: the answer is likely an enumeration
    asks_for_kinds: bool = False  # 哪几种/哪些形式…: the sibling items of the best clause answer it
    kinds: tuple[AnswerKind, ...] = ()  # the kinds of fact asked for (a sum, a share, a deadline, a body …)
    yes_no: bool = False  # 能不能/是否/会不会 …: the clause that decides it leads
    predicate: str = ""  # what a yes/no question asks whether (派老师来上课)
    subject: str = ""  # of whom it asks it (民办学校 of 民办学校能不能参加联盟)
    action: str = ""  # what a question asks who does (由哪个部门来审核 -> 审核)
    event: str = ""  # what a question asks the date of (哪一年能投入使用 -> 投入使用)
    asks_for_basis: bool = False  # 依据/背景…: framing sentences (为贯彻…, 根据…) may lead
    words: tuple[str, ...] = ()  # search tokens of the question without its regions and interrogatives
    asked_words: tuple[str, ...] = ()  # for a follow-up read against the conversation: tokens of its own words
    kind_words: tuple[str, ...] = ()  # the words that ask for a kind of fact (时间要求, 多少钱): not the topic

    @property
    def asks_for_purpose(self) -> bool:
        """作用/目的/意义…: the sentence stating a purpose or an effect answers it."""
        return any(k.name in ("purpose", "reason") for k in self.kinds)

    @property
    def strict_kinds(self) -> tuple[AnswerKind, ...]:
        """The kinds asked for that a sentence must state for the question to count as answered."""
        return tuple(k for k in self.kinds if k.strict)

    @property
    def content_terms(self) -> list[str]:
        """The question's content words: longest tokens of two or more characters, digits left out.

        And the term a one-character word of the question stands for when that word names a thing
        (有没有专门的钱 is on 经费), not an action or a position (带几所, 几号前: the documents say 捆绑2-3所,
        2月底前 without the glossary's term).
        """
        stood_for = [
            term
            for variant, term in self.variant_terms
            if len(variant) < MIN_SYNONYM_CHARS and variant in self.words and names_a_thing(variant)
        ]
        return longest_tokens([t for t in [*self.words, *stood_for] if len(t) >= 2 and not t.isdigit()])

    @property
    def topic_terms(self) -> list[str]:
        """The content words that say what the question is about.

        Not those asking for a kind (时间 of 时间要求), nor a period that only frames it (这三年 of
        这三年要建成几所学校?), unless a yes/no question asks it (任期是不是三年?).
        """
        return [
            t
            for t in self.content_terms
            if not any(t in w for w in self.kind_words) and not (_PERIOD.fullmatch(t) and t not in self.predicate)
        ]

    @property
    def asked_terms(self) -> list[str]:
        """A follow-up's own content words (谁来指导 -> 指导): what it adds to the topic it leans on.

        Not those asking for a kind (激励 of 还有其他激励吗?): a sentence states the kind (…倾斜政策) without them.
        """
        own = longest_tokens([t for t in self.asked_words if len(t) >= 2 and not t.isdigit()])
        return [t for t in own if not any(t in w for w in self.kind_words)]


def analyze(
    question: str,
    known_regions: Collection[str] = (),
    asked_by: str = "",
    known_numbers: Collection[str] | None = None,
) -> QueryAnalysis:
    """Analyse a question; ``known_regions`` are the region names the library has documents for.

    ``known_numbers``: the library documents' own 文号 (None: not known). One the question names picks its
    document, so its characters (晋教基, 27) are no content words: the clauses of that document do not repeat them.

    ``asked_by``: the words that say what is asked, when they are not the whole question (a follow-up
    read against the conversation: its topic comes from the previous turn, what it asks from its own words).
    """
    asking = asked_by or question
    named = find_places(question).all
    named += [p for p in unlisted_places(question) if not any(p in n or n in p for n in named)]
    regions = tuple(n for n in named if n in known_regions)
    unknown = tuple(n for n in named if n not in known_regions and not _inside_known(n, regions))
    forms = tuple(f for r in regions for f in region_forms(r) if f in question)
    numbers = doc_numbers_named(question, known_numbers or ())
    unknown_numbers = () if known_numbers is None else _unknown_numbers(question, known_numbers)
    scope = tuple(COMPARATIVE.findall(question))
    if len(regions) == 1 and set(scope) <= _WITHIN_ONE_REGION:
        scope = ()  # 山西…督查各市改革: the cities of the one region asked of, not documents to compare
    facts = document_facts(asking)
    about_document = bool(ABOUT_DOCUMENT.search(CITED_NUMBER_QUESTION.sub("", question)))
    # 那份实施方案里有奖惩的规定吗? is about 奖惩; 这份通知的文号是多少? is about the notice
    topic = question if about_document else POINTED_DOCUMENT.sub("，", question)
    return QueryAnalysis(
        text=question,
        regions=regions,
        unknown_regions=unknown,
        years=tuple(int(y) for y in YEAR.findall(question)),
        modes=glossary().modes_named(question),
        variant_terms=variant_terms(question),
        region_forms=forms,
        doc_numbers=numbers,
        unknown_numbers=unknown_numbers,
        scope_words=scope,
        comparative=bool(scope),
        document_facts=facts,
        about_document=about_document,
        answer_patterns=answer_patterns(asking, facts),
        asks_for_list=bool(LIST_QUESTION.search(asking)),
        asks_for_kinds=bool(KINDS_QUESTION.search(asking)),
        kinds=tuple(k for k in kinds_asked(asking) if not (facts and k.name in _DOCUMENT_FACT_KINDS)),
        yes_no=asks_yes_no(asking),
        predicate=yes_no_predicate(asking) if asks_yes_no(asking) else "",
        subject=yes_no_subject(asking) if asks_yes_no(asking) else "",
        action=asked_action(asking),
        event=asked_event(asking),
        asks_for_basis=bool(BASIS_QUESTION.search(asking)),
        words=tuple(tokenize(strip_framing(topic, forms + numbers))),
        asked_words=_own_words(asked_by if about_document else POINTED_DOCUMENT.sub("，", asked_by), forms)
        if asked_by and asked_by != question
        else (),
        kind_words=tuple(m.group(0) for k in kinds_asked(asking) for m in k.asked.finditer(asking)),
    )


def _unknown_numbers(question: str, known: Collection[str]) -> tuple[str, ...]:
    """The 文号 the question names that are no library document's own, in one spelling (see ``doc_number_key``)."""
    keys = [doc_number_key(k) for k in known if k]
    written = (doc_number_key(n) for n in doc_numbers_written(question))
    return tuple(n for n in written if known_number_named(n, keys) is None)


def _own_words(asked_by: str, forms: tuple[str, ...]) -> tuple[str, ...]:
    """A follow-up's own words, without those that ask for a kind of fact (时间 of 有时间要求吗: the date asked)."""
    for kind in kinds_asked(asked_by):
        asked_by = kind.asked.sub(" ", asked_by)
    return tuple(tokenize(strip_framing(asked_by, forms)))


def strip_framing(text: str, names: tuple[str, ...] = ()) -> str:
    """Text without the given names (regions, scope words; longest first) and without interrogatives.

    Each is cut to a comma, not to nothing: the words either side would otherwise be read as one (州局 + 部门 -> 局部).
    """
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "，")
    return INTERROGATIVES.sub("，", text)


def answer_patterns(question: str, facts: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Regexes for how the answer is worded, from what the question asks: a count, a share, a time, a term it quotes.

    A question about the document's own date (``facts``) is left to the front matter.
    """
    patterns = list(count_patterns(question))
    patterns += quoted_term_patterns(question)  # “1+X”: the clause that names the quoted term
    if CITED_NUMBER_QUESTION.search(question):
        patterns.append(BRACKETED_YEAR_NUMBER.pattern)
    if _ASKED_SHARE.search(question):
        patterns.append(SHARE)
    if _ASKED_TIME.search(question) and not facts:
        patterns.append(TIME)
    if KINDS["schedule"].asked.search(question):  # 时间表, 进度: a clause giving years of a rollout
        patterns.append(SCHEDULE)
    return tuple(patterns)


def document_facts(question: str) -> tuple[str, ...]:
    """Facts about the document itself the question asks for and a front-matter line states: date, 文号, issuer."""
    cited = bool(CITED_NUMBER_QUESTION.search(question))
    asked = [kind for kind, pattern in DOCUMENT_FACT_QUESTIONS.items() if pattern.search(question)]
    return tuple(kind for kind in asked if not (cited and kind == "number"))


def variant_terms(question: str) -> tuple[tuple[str, str], ...]:
    """(variant, glossary term) for each glossary group the question names by a variant: (老师, 教师).

    Only the group's own term stands in: adding every sibling drowns the question in loosely related terms.
    """
    words = set(tokenize(question))
    pairs = []
    for group in glossary().groups:
        if group.term not in question:
            pairs += [(v, group.term) for v in group.variants if _names(v, group.term, question, words)]
    return tuple(pairs)


def _names(variant: str, term: str, question: str, words: set[str]) -> bool:
    """A variant of the term occurs in the question; a short one (带, 师大) only as a word of it.

    As a bare substring a short variant turns up inside other words (师大 in 教师大量). A variant that is a
    word of the term (集团化 of 集团化办学) adds nothing: its search already matches the term, and adding the
    longer term would only over-weight it. 带 is no word of 带动, so 带 does bring 带动 in.
    """
    if variant in words_of(term):
        return False
    return variant in question if len(variant) > MIN_SYNONYM_CHARS else variant in words


@lru_cache(maxsize=256)
def names_a_thing(word: str) -> bool:
    """Jieba's dictionary tags the word a noun (钱), not a verb (带) or a locative (前)."""
    import jieba.posseg  # its tag table loads on first use, and only questions with such a word need it

    return all(pair.flag.startswith("n") for pair in jieba.posseg.lcut(word))


def _inside_known(name: str, regions: tuple[str, ...]) -> bool:
    """A region named next to a known region inside it is not unknown (吉林省长春市: 吉林省 holds 长春市)."""
    gaz = gazetteer()
    return any(name in {a.name for a in gaz.ancestors(region)} for region in regions)


# --- topics: what a comparison or a briefing is about ------------------------------------------------

# Question framing before a topic: 各地/各文件 … 分别 … 对/关于 …
_FRAME_HEAD = re.compile(
    r"^(?:请问)?(?:(?:各地区?|各省市?|各市县?|各区县|不同地区)(?:的?文件|的?政策)?|各份?文件|各政策|这些文件|这?[几两二三四五六七八九十]+[份个]文件(?:里|中)?|不同文件)?"
    r"的?(?:分别|各自|都)?是?(?:怎样|怎么|如何)?(?:对于?|在|关于|就)?"
)
# Question framing after a topic: … 分别有什么要求/措施/规定?
_FRAME_TAIL = re.compile(
    r"(?:方面)?(?:分别|各自|都|又|具体)?是?(?:有|做了|作了|提出了?|作出了?)?"
    r"(?:什么|哪些|怎样的?|何种|如何|怎么|多少)?的?(?:要求|规定|措施|做法|安排|举措|政策|部署|内容)?的?"
    r"(?:分别|各自)?(?:是什么|有哪些|是多少|如何|怎样)?[?？。!！\s]*$"
)
# Talk about the documents anywhere in a comparison question (几个文件里…, …帮我列一下, …有说法吗): no topic.
_META_PHRASES = re.compile(
    r"(?:帮我|请)?(?:列一下|列个表|列出来|说说|讲讲|总结一下|对比一下|比较一下|对比|比较|比一下)|"
    r"(?:哪些|哪几份|哪几个|这几份|这几个|这些|各份|各个|不同|[几两二三四五六七八九十]+[份个])?(?:文件|地方|地区|地市)(?:里|中|上|里面)?(?:都|分别|各自)?|"
    r"(?:是)?(?:怎么|如何|怎样)(?:说|讲|表述|规定|安排|要求|设置)的?|有(?:什么|没有|何)?说法吗?|有什么不同|有何不同|异同|"
    r"分别|各自|各地|(?:或者?|以及|和)?(?:类似|相似|相近)的?"  # X或类似的Y: Y is another X, not what X is of
)
# 'A方面, …' or '(在)A上, …': the topic is A, what follows asks about it (组织领导方面, 谁牵头?).
_ASPECT = re.compile(r"([\u4e00-\u9fff]{2,8})方面\s*[,，、]|^([\u4e00-\u9fff]{2,8}?)上\s*[,，、]")
# '(对)A开展B': B is what is asked about A (对改革工作开展督导检查 -> 督导检查).
_DONE_TO = re.compile(r"^对?[^对]{2,}?(?:开展|进行|实施|做好)(.{2,})$")
# The interrogatives, plus framing a topic does without (哪些方面 goes whole: 方面 is no topic).
_TOPIC_QUESTION_WORDS = re.compile(
    rf"哪些方面|(?:哪个|哪些|什么|哪一?级)(?:部门|单位|机构)|需要|分别|各自|{INTERROGATIVES.pattern}"
)  # 向哪个部门报送: the body is asked for, it is no topic word
# Words that frame a topic rather than name it (各地对X的要求): dropped unless nothing else is left.
FRAMING_WORDS = frozenset(
    {"文件", "措施", "做法", "举措", "政策", "情况", "内容", "各地", "各个", "方面", "各自", "安排", "规定", "要求",
     "部署", "之间", "专门", "说法", "表述", "份文件", "地方", "这些", "哪些", "提出", "推行", "有关", "两地",
     "三地", "几地", "提了", "或者", "模式", "提到", "提及", "涉及", "谈到", "讲到", "说到",
     "类型", "种类", "对象", "时限"}
)  # fmt: skip
_HANZI = re.compile(r"[\u4e00-\u9fff]")


def core_topic(topic: str) -> str:
    """'各地对组织领导分别有什么要求?' -> '组织领导' (the text itself when nothing would be left)."""
    text = (topic or "").strip()
    core = _FRAME_TAIL.sub("", _FRAME_HEAD.sub("", text, count=1), count=1)
    core = _META_PHRASES.sub(" ", core)
    core = _TOPIC_QUESTION_WORDS.sub(" ", core).strip(" ,，、。?？")
    return re.sub(r"\s+", " ", core) or text


def topic_head(core: str) -> str:
    """The head of a topic, or '' when it has no such shape.

    'A的B' or '(对)A开展B': B, what is asked about A; 'A方面, …': A, which the questions after it ask about.
    """
    if aspect := _ASPECT.search(core):
        return aspect.group(1) or aspect.group(2)
    if "的" in core:
        head = core.rsplit("的", 1)[1]
    else:
        done_to = _DONE_TO.search(core)
        head = done_to.group(1) if done_to else ""
    head = head.strip()
    return head if len(head) >= 2 else ""


def topic_tokens(text: str) -> list[str]:
    """Tokens of a topic without single characters and framing words (文件, 措施 …) unless nothing else is left.

    Adjacent single characters that jieba split off are joined back (校长任用 -> 校长, 任, 用 -> 校长, 任用).
    """
    joined = _join_singles(tokenize(text), text)
    tokens = [t for t in joined if len(t) > 1 or not _HANZI.fullmatch(t)]
    content = [t for t in tokens if t not in FRAMING_WORDS]
    return list(dict.fromkeys(content or tokens))


def _join_singles(tokens: list[str], text: str) -> list[str]:
    """Join runs of single CJK characters that stand side by side in text into one token."""
    out: list[str] = []
    joinable = False  # the last token in out was built from single characters
    for t in tokens:
        single = len(t) == 1 and bool(_HANZI.fullmatch(t))
        if single and joinable and out[-1] + t in text:
            out[-1] += t
        else:
            out.append(t)
            joinable = single
    return out
