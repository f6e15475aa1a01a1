"""What kind of fact a question asks for, and how a sentence of a policy text states that kind of fact.

Each ``AnswerKind`` pairs the question wordings that ask for it with the sentence wordings that state it.
A *strict* kind is one whose statement is recognisable from the sentence alone (a sum is written with 元,
a share with %, a deadline with a year or month): when no sentence on the question's topic states it, the
documents address the topic but do not state what was asked ("not stated"). The other kinds (a
definition, a purpose, a target …) only decide which sentence leads the answer.

Framing sentences (为贯彻…, 现就…提出如下意见, …是…的重要举措, 各地要高度重视) state no provision of their
own; they never lead an answer unless the question asks for a purpose or a basis.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from policytext.lexicon import glossary, longest_tokens, tokenize
from policytext.places import find_places, without_places
from policytext.sentences import normalize_for_match, split_sentences

_NUMBER = r"(?:\d[\d,.]*|[一二两三四五六七八九十百千万半]+)\s*"
# A count: a numeral other than a lone 一 (一所优质学校 is "a school"), or a range (2—3所).
_COUNT_NUMERAL = (
    r"(?:\d+(?:\.\d+)?|[二两三四五六七八九十百千万][一二两三四五六七八九十百千万]*|一[一二两三四五六七八九十百千万]+)"
    r"(?:\s*[—\-~～〜–至到]\s*(?:\d+|[一二两三四五六七八九十]+))?\s*"
)
_ANY_NUMERAL = (
    r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+)"
    r"(?:\s*[—\-~～〜–至到]\s*(?:\d+|[一二两三四五六七八九十]+))?\s*"
)
_MEASURES = "个所项次名类种条位批家节门"
# 几 after these is no count asked: 哪几所, 这几个, 好几个, 其他几所 (the other few), 其余几个, 另外几所
_NOT_COUNTING = "(?<![哪那这好面边近围他余外])"
_ASKED_COUNT = re.compile(rf"{_NOT_COUNTING}(?:几|多少)([{_MEASURES}])\s*[\u4e00-\u9fff]")
_LESSONS = "节"  # 几节课: lessons, whatever words follow
_SELF_SAYING_MEASURES = "所" + _LESSONS  # the measure alone says what is counted (schools, institutions; lessons)
_ASKED_COUNT_AT = re.compile(rf"{_NOT_COUNTING}(?:几|多少)((?!名[师校])[{_MEASURES}人])")  # 名师: no measure
# A one-character unit counted (几个区, 多少个县): policy text counts it without the measure (4区先行试点).
_ASKED_UNIT = re.compile(rf"{_NOT_COUNTING}(?:几|多少)(个)?([区县市省州乡镇村校])(?![长委级属])")  # not 几个区长
# A duration: a small number of years, months … (2018年 is a year, not a duration; 九年一贯制, 三年级 are none).
DURATION = (
    r"(?<![\d])(?:\d{1,2}|[一二两三四五六七八九十半]+)\s*(?:个)?(?:小时|分钟|天|周|星期|个?月|年(?!一贯|制|级)|学期|学年)"
)
_SHARE = (
    r"\d+(?:\.\d+)?\s*%|百分之[一二三四五六七八九十百]+|[一二三四五六七八九十]+分之[一二三四五六七八九十]+|"
    r"半数|一半|全覆盖"
)
_YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年)")
_REACHED = re.compile(r"\d+(?:\.\d+)?\s*%|覆盖|全部|所有|全面")
# A year or month that is written out (2014年--月--日 is a blank left in a draft, no date).
_DATE = re.compile(
    r"(?:19|20)\d{2}\s*年(?![-－—_×xX\s]{2})|\d{1,2}\s*月(?:底|末|份|\d)|[一二三四五六七八九十]+月|"
    r"年底|年末|学年末|学期末|每年|每学年|每学期"
)
_MONEY = (
    r"(?:补贴|补助|津贴|工资|奖金|奖励金|绩效|经费|资金|费用|交通费|生活费|钱|报酬|待遇|资助|助学金|奖学金|投资|造价)"
)
# A body that can be responsible for something: organs, offices, schools and their heads.
_BODY = (
    r"(?:教育局|教育厅|教委|教育委员会|教育行政部门|教育部门|教育主管部门|人民政府|政府|财政|人社|人力资源|编办|机构编制|"
    r"发改|督导|教研|教科院|教科所|科学研究院|研究院|研究所|普教所|进修学校|进修院校|高校|大学|师范|部门|委员会|领导小组|"
    r"办公室|中心校|龙头学校|牵头学校|核心校|学区长|集团|理事会|校长|书记|学校|科|机构|第三方|专家)"
)
# A body word after an activity verb names the activity (开展教研、提供资源), not a body doing it
_AS_BODY = r"(?<!开展)(?<!进行)(?<!加强)(?<!参与)(?<!参加)"
# …办公室将定期对各市…工作进行督导检查: a body acting on something, however long what it acts on
_BODY_ACTS_ON = (
    r"(?:办公室|委员会|教育局|教育厅|教委|教研室|督导室|部门|政府)[^,，。；;]{0,5}对[^,，。；;]{1,24}?"
    r"(?:进行|开展|实施|指导|督导|督查|检查|评估|考核|监督)"
)
# 以一所优质学校为学区长学校, 由区长为组长: who is made the head
_AS_THE_HEAD = (
    rf"[以由][^,，。；;]{{0,10}}?(?:{_BODY}|领导|校)为[^,，。；;]{{0,6}}?(?:龙头|核心|牵头|组长|学区长|总校|理事长)"
)
_RESPONSIBLE = (
    r"(?:负责|牵头|承担|主管|统筹|组织|审核|审批|认定|报送|上报|报|提交|交|制定|由|落实|指导|监督|考核|"
    r"建立|成立|设立|提供|进行)"
)
# Nouns that qualify schools in general (优质学校, 成员学校) rather than name one.
_GENERIC_SCHOOL = re.compile(
    r"(?:优质|薄弱|农村|乡村|城区|城镇|城市|成员|龙头|牵头|核心|新建|新优质|中小|义务教育|民办|公办|有关|相关|帮扶|结对|"
    r"集团|联盟|学区|各|所有|每|一所|若干|其他|所在|本|该|这些|分|母体|示范|特色|品牌|试点|寄宿制|九年一贯制|完全|普通|"
    r"初级|高级|小|大|好|名|弱|强|村|城|乡镇|县域|县城|辖区|属地|对口|支援|受援|托管|委托|高等|职业|中等|业余|家门口的好|"
    r"被帮扶|附属|同类|同级|两|多|一贯制|中心|完小|外|本部|这所|那所|各类|城乡|市区|郊区|中|阶段|初级|全日制)"
    r"(?:小学|中学|大学|学院|实验学校|外国语学校|附属学校|附中|附小)$"
)
# A school's name starts after these.
_NOT_IN_SCHOOL_NAME = re.compile(r"[的和与及、或等为对在把被向从建以将到了,，。；;：:（）()“”\s]")
# 大学区 is a large school district, not a university
_SCHOOL_NAME = re.compile(
    r"([\u4e00-\u9fff\d]{2,14}?)(?:小学|中学|大学(?!区)|学院|实验学校|外国语学校|附属学校|附中|附小)"
)
_TITLE = re.compile(r"《[^》]*》")
# Nouns for an aspect of a provision (its focus, aim, rule …): 重点是啥 asks for the content, not a definition
_ASPECT = (
    "重点|目标|任务|要求|内容|原则|标准|方式|办法|措施|依据|条件|范围|对象|职责|程序|流程|时间|期限|原因|目的|作用|"
    "意义|形式|方向|思路|途径|政策|规定|做法|安排|分工|指标|比例|时限"
)
_SANCTIONS = r"免职|撤职|降职|降级|撤换|解聘|停职|摘牌"  # asked for and stated alike
_PURPOSE = r"通过.{2,40}?(?:实现|达到|促进|提高|提升|推动|带动)|旨在|为了|目的是|以便|从而|有利于|有助于"


@dataclass(frozen=True)
class AnswerKind:
    """A kind of fact: how a question asks for it, how a sentence states it, and what it is called."""

    name: str
    asked: re.Pattern
    states: Callable[[str], bool]
    what: str  # its name in a "not stated" sentence: 文件未明确规定…的{what}
    strict: bool = True  # no sentence stating it means the question is not answered
    quantity: bool = False  # a number; inside a yes/no question it is a given, not asked (能不能跟几所小学…)
    framing_states: bool = False  # a framing sentence (为贯彻…, 是…的重要举措) may state it: a reason


def _pattern(regex: str | re.Pattern) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda sentence: bool(compiled.search(sentence))


def names_a_school(sentence: str, besides: str = "") -> bool:
    """A sentence naming a particular school (长春市第二实验中学), not schools in general (优质学校).

    Not one ``besides`` names (the question's own school: 长江小学结对的是哪所学校?), nor one listed with
    it by 、 (学院附中、学院附小帮扶工作由市教育局安排: both are the subject, neither is the other's partner).
    """
    text = _TITLE.sub("", sentence)
    runs = _listed_runs(_school_names(text), text)
    return any(not (besides and any(name in besides for name in run)) for run in runs)


def _listed_runs(names: list[tuple[str, int, int]], text: str) -> list[list[str]]:
    """The school names in runs: those listed one after another by 、 form one run."""
    runs: list[list[str]] = []
    for i, (name, start, _) in enumerate(names):
        if runs and _LIST_JOINER.fullmatch(text[names[i - 1][2] : start]):
            runs[-1].append(name)
        else:
            runs.append([name])
    return runs


def _school_names(text: str) -> list[tuple[str, int, int]]:
    """The particular schools a text names, with where each is written."""
    names = []
    for match in _SCHOOL_NAME.finditer(text):
        stem = _NOT_IN_SCHOOL_NAME.split(match.group(1))[-1]
        name = stem + match.group(0)[len(match.group(1)) :]
        if len(stem) >= 2 and not _GENERIC_SCHOOL.search(name):
            names.append((name, match.end() - len(name), match.end()))
    return names


_LIST_JOINER = re.compile(r"\s*、\s*")  # 与/和 may join partners (A与B结对): only 、 lists alike


def names_schools_or_places(sentence: str) -> bool:
    """A sentence naming a particular school, or listing regions (two or more, outside document titles)."""
    return names_a_school(sentence) or len(set(find_places(_TITLE.sub("", sentence)).all)) >= 2


def count_patterns(question: str) -> tuple[str, ...]:
    """Regexes for the answer to a 'how many' question.

    A numeral and its measure, then a word of what is counted close after (建成几所优质校 -> 4所优质校;
    有多少个部门参加 -> 15个部门和单位).
    """
    patterns = []
    for match in _ASKED_COUNT.finditer(question):
        words = longest_tokens(_counted_words(question[match.end(1):]))
        if match.group(1) in _LESSONS:
            patterns.append(_COUNT_NUMERAL + _measure_of(match.group(1)))
        elif words:
            named = "(?:" + "|".join(map(re.escape, words)) + ")"
            patterns.append(rf"{_ANY_NUMERAL}{_measure_of(match.group(1))}\s*[\u4e00-\u9fff]{{0,6}}?{named}")
    return tuple(patterns)


def _measure_of(measure: str) -> str:
    """The measures a count may be written with: 个 stands for any; 名/位/人 count people alike."""
    if measure == "个":
        return f"[{_MEASURES}人]"
    if measure == "节":
        return "(?:节|课时)"  # 每周16～18课时: lessons are counted in class hours too
    return "[名位人]" if measure in "名位人" else re.escape(measure)


_COUNT_ENDS = r"(?=$|[^\u4e00-\u9fff]|以上|以内|及以上|左右)"  # the number ends the phrase: no noun follows


def _states_count_of(question: str) -> Callable[[str], bool]:
    """A count of what the question counts.

    几名骨干教师 -> 3名骨干教师, 骨干教师3名; 几个市里的骨干教师 -> 2名市级骨干教师. A measure that says what is
    counted (所: schools, institutions) is enough alone; others need a word of the counted phrase beside the
    number. A lone 一 is an article, 若干 no count.
    """
    asked = [(m.group(1), _counted_words(question[m.end(1):])) for m in _ASKED_COUNT_AT.finditer(question)]
    counted = " ".join(w for _, words in asked for w in words) or _counted_after_many(question)
    units = _ASKED_UNIT.findall(question)
    # 多少县区 / 覆盖多少学校, with no measure word, is also answered by a share (80%以上的县, 50%的学校);
    # 几所 / 多少个 asks for a number.
    # people (多少学生) are counted by head: 50%的学校 gives no head count
    places = (counted or units) and not _COUNTED_PEOPLE.match(counted)
    share = re.compile(_SHARE) if not asked and not any(m for m, _ in units) and places else None
    # 几个区 -> 4区 (the unit needs no 个), or the unit and then its number: 22%的县(2个)
    patterns = [
        re.compile(rf"{_COUNT_NUMERAL}(?:{re.escape(m)})?{u}|{u}\s*[（(]\s*{_COUNT_NUMERAL}(?:{re.escape(m)})?\s*[）)]")
        for m, u in units
    ]
    for measure, words in asked:
        number = _COUNT_NUMERAL + _measure_of(measure)
        if measure in _SELF_SAYING_MEASURES or not words:
            patterns.append(re.compile(number))
            continue
        named = "(?:" + "|".join(map(re.escape, words)) + ")"
        # 骨干教师3名 counts them; in 捆绑区域内…的2—3所薄弱学校 the number counts what follows it
        after = rf"{named}[\u4e00-\u9fff]{{0,8}}?{number}{_COUNT_ENDS}"
        patterns.append(re.compile(rf"{number}\s*[\u4e00-\u9fff]{{0,6}}?{named}|{after}"))
    if not patterns:
        patterns = [re.compile(rf"{_COUNT_NUMERAL}[{_MEASURES}人]")]
    return lambda sentence: any(p.search(sentence) for p in patterns) or bool(share and share.search(sentence))


_COUNTED_PEOPLE = re.compile(r"学生|教师|老师|孩子|家长|校长")


def _counted_after_many(question: str) -> str:
    """What 多少 counts when no measure follows it (多少县区 -> 县区)."""
    match = re.search(r"多少([\u4e00-\u9fff]{1,4})", question)
    return match.group(1) if match else ""


def _counted_words(rest: str) -> list[str]:
    """The words of the phrase a count question counts (up to its first punctuation or question particle)."""
    phrase = re.split(r"[,，。?？!！;；、]|吗|呢", rest, maxsplit=1)[0]
    return [w for w in tokenize(phrase) if len(w) >= 2]


# What a figure counts by (学生人数: of 学生): a word of what is asked for, like 比例, not of what it is of
COUNTED_BY = re.compile(r"人数|数量|数目|个数")
_COUNTED_AS = re.compile(rf"{COUNTED_BY.pattern}|总数|学校数|校数")  # 学校数占比: of the schools
# Adverbs that qualify what is asked (至少要几所, 一共多少, 只能一对一吗), and the scope of the whole region
# (全省所有县区: a province's document says 所有县 without 全省): no sentence must name them to be on its topic.
QUALIFIER = re.compile(
    r"至少|最少|最多|一共|总共|大概|大约|具体|一般|通常|只能|只可以|仅能|必须|一定|务必|已经|"
    r"(?:全|本)(?:国|省|市|州|盟|县|区|旗)"
)
_SHARE_OF = re.compile(r"([\u4e00-\u9fff]{2,16}?)(?:在[\u4e00-\u9fff]{1,16}?)?占")  # 乡村教师在全县教师中占…的比例


def _share_of(question: str, share: AnswerKind) -> AnswerKind:
    """The share kind for this question: a share stated of what it measures, when it says (X占…的比例).

    农村学校的老师占全市教师的比例 is not stated by 农村学校数占比为87.4%: the sentence must name what the
    share is of (every word of X, or a synonym), not only hold a percentage.
    """
    part = re.split(r"[,，;；]", without_places(question, find_places(question).all, mark=","))
    match = next((m for m in map(_SHARE_OF.search, reversed(part)) if m), None)
    words = longest_tokens([w for w in tokenize(match.group(1)) if len(w) >= 2]) if match else []
    # 学生人数占比: a share of 学生 (在校生占比为55.7%); 人数 only says what is counted
    # 全市的城区学校大约占几成: the scope and the hedge say nothing of what the share is of
    words = [w for w in words if not find_places(w).all and not _COUNTED_AS.fullmatch(w) and not QUALIFIER.fullmatch(w)]
    if not words:
        return share
    forms = [glossary().forms(w) for w in words]

    def states(sentence: str) -> bool:
        return share.states(sentence) and all(any(f in sentence for f in word) for word in forms)

    return replace(share, states=states)


_SCHOOLS_ASKED = re.compile(r"学校|小学|中学|大学|高校|院校|所")


def _named_of(question: str, named: AnswerKind) -> AnswerKind:
    """The named kind for this question: asked for schools (哪些学校, 哪几所), only a school's name states it.

    杨浦、徐汇、闸北、金山4区 lists regions, not the schools a question asks for; 哪些区县 takes either.
    """
    if all(_SCHOOLS_ASKED.search(question, m.start(), m.end() + 6) for m in named.asked.finditer(question)):
        return replace(named, states=lambda sentence: names_a_school(sentence, question), what="学校名单")
    return named


_TIMES_ASKED = re.compile(r"(?:几|多少)次")
_TIMES_STATED = re.compile(r"[一二两三四五六七八九十\d][\d\-—～~至到]*\s*次")


def _frequency_of(question: str, frequency: AnswerKind) -> AnswerKind:
    """The frequency kind for this question: 开几次 asks a number of times, which 定期 or 每年 alone does not give."""
    if _TIMES_ASKED.search(question):
        return replace(frequency, states=_pattern(_TIMES_STATED))
    return frequency


def _count_of(question: str, count: AnswerKind) -> AnswerKind:
    """The count kind for this question: stated by a count of what it counts; of people, named 人数."""
    people = re.search(rf"(?:几|多少)(?:个)?(?:人|名(?![师校])|位|{_COUNTED_PEOPLE.pattern})", question)
    return replace(count, states=_states_count_of(question), what="人数" if people else count.what)


_HOW_MUCH = r"(?:多少|几)(?![种类样项])"  # 几种补贴 asks which kinds, not how much
_LENGTH_OR_AREA = r"公里|千米|平方米|平米|米|亩"

ANSWER_KINDS = (
    AnswerKind(
        "amount",
        re.compile(
            rf"多少(?:万?元|钱)|金额|(?:发|给|补|奖|拨|出|配套)了?多少(?![所名个人位家批条项次节门])|{_MONEY}.{{0,6}}{_HOW_MUCH}|{_HOW_MUCH}.{{0,6}}{_MONEY}|"
            r"(?:发放|补助|补贴|奖励)标准|每[月年人].{0,4}多少(?![名个所人位项次节家门条批])|"  # 每年引进多少名: count
            rf"{_MONEY}[^,，?？]{{0,8}}(?:什么|啥|多少)标准|(?:什么|啥|多少)标准[^,，?？]{{0,8}}{_MONEY}"
        ),
        _pattern(_NUMBER + r"(?:万?元|块)"),
        "金额或标准",
        quantity=True,
    ),
    AnswerKind(
        "count",
        re.compile(
            # 多少名师 counts 名师 (famous teachers) or teachers by 名: a count either way
            rf"{_NOT_COUNTING}(?:几|多少)(?:个(?!方面)|所|名|人|项|条|位|批|家|次|节|门)|至少(?:要|得|需要)?(?:有)?几|"
            r"多少(?:县|区|市|乡镇|学校|学生|教师|老师|孩子|班)"
        ),
        _pattern(rf"{_COUNT_NUMERAL}[{_MEASURES}人]"),
        "数量",
        quantity=True,
    ),
    AnswerKind(
        "share",
        # 覆盖面(目标)要达到多少: coverage is a share (覆盖面 itself stays a word of the topic)
        re.compile(r"多大比例|比例|比重|占比|百分之几|百分之多少|百分比|多少%|覆盖率|几成|占多少|多大比|[率度](?:要|要求|需要|得)?(?:达到)?多少|"
                   r"(?<=覆盖面)[^,，;；?？]{0,6}?多少"),
        _pattern(_SHARE),
        "比例",
        quantity=True,
    ),
    AnswerKind(
        "ratio",  # 师生比是多少: a ratio is written 1:19, not as a share
        re.compile(rf"(?:师生比|生师比|班师比|师班比|比值)[^,，?？]{{0,8}}(?:{_HOW_MUCH}|什么标准|怎么定|标准是)"),
        _pattern(r"\d+(?:\.\d+)?\s*[:：∶]\s*\d+|1\s*比\s*\d+"),
        "比值",
        quantity=True,
    ),
    AnswerKind(
        "measure",  # 不超过多少公里: a distance or an area, stated with its unit
        re.compile(rf"(?:多少|几)(?:{_LENGTH_OR_AREA})|多远|多大面积|距离(?:是|有|要)?多少"),
        _pattern(rf"{_NUMBER}(?:{_LENGTH_OR_AREA})"),
        "距离或面积",
        quantity=True,
    ),
    AnswerKind(
        "frequency",
        re.compile(r"(?:多久|多长时间|隔多久|几年|多少年|几个月|几周)[^,，?？]{0,8}一次|频次|频率|次数|几次|多少次"),
        _pattern(r"每(?:个|一)?(?:年|学年|学期|季度|月|周|星期|天|日)|[一二两三四五六七八九十\d]+\s*(?:年|个月|周)\s*一次|定期|"
                 r"(?:年|学期|学年)\s*[一二两三四五六七八九十\d]+\s*次|[一二两三四五六七八九十\d]+\s*次"),
        "频次",
        quantity=True,
    ),
    AnswerKind(
        "duration",
        # 任期几年 / 任期呢? ask how long; 任期内如何评价, 任期目标 do not
        re.compile(r"多久|多长时间|多长|多少(?:小时|分钟|天|周|个?月|年(?!级))|几(?:小时|分钟|天|周|个月|年(?!级))|"
                   r"(?:任期|期限)(?=[是为有]?(?:多|几|怎么定|如何定)|\s*[?？呢吗]|\s*$)"),
        _pattern(DURATION),
        "时长或期限",
        quantity=True,
    ),
    AnswerKind(
        "schedule",
        re.compile(r"时间表|时间安排|进度(?:[^,，?？]{0,3}安排|计划)?|(?:工作|实施)步骤|分几年|分几步|几个阶段|分阶段|分步|路线图|时间节点"),
        # the years of a rollout, or a year with what is reached by then (2017年,各市80%以上的县推行改革)
        lambda s: len(set(_YEAR.findall(s))) >= 2 or bool(_YEAR.search(s) and _REACHED.search(s)),
        "分年度的进度安排",
    ),
    AnswerKind(
        "date",
        re.compile(r"什么时候|什么时间(?!段)|啥时间|何时|哪一?年|哪个月|几月|时间节点|时间表|时间要求|时限|之前要|以前要|前要完成|最晚|最迟|多会儿|啥时候"),
        _pattern(_DATE),
        "时间",
    ),
    AnswerKind(
        "day",
        re.compile(r"(?:截止|截至)(?:到|于)?(?:哪一?天|几号|几日|日期)|哪一?天|几号|几日|具体日期|哪月哪日"),
        # not the serial of a document number (辽政办发〔2018〕53号)
        _pattern(r"(?<![\d〕\]）)])\d{1,2}\s*[日号]|[一二三四五六七八九十]+日|月底|月末|年底|年末|底前"),
        "具体日期",
    ),
    AnswerKind(
        "body",
        re.compile(r"谁|哪(?:个|些|一)?[\u4e00-\u9fff]{0,2}(?:部门|单位|机构|机关|中心)|哪个(?:科|处|室|股)|什么(?:部门|单位|机构)|哪家|哪一级|哪级|"
            r"由哪(?!(?:些|几)[\u4e00-\u9fff]{0,4}?(?:组成|构成))|由哪些人员?(?:组成|构成)|哪边|哪一?方(?!面)|找哪|归哪|(?:报|交)(?:到|给)?哪(?:里|儿|个|一级|级)|哪里|责任主体"),
        _pattern(rf"{_AS_BODY}{_BODY}.{{0,8}}{_RESPONSIBLE}|{_RESPONSIBLE}.{{0,6}}{_AS_BODY}{_BODY}|{_BODY_ACTS_ON}|{_AS_THE_HEAD}|责任单位|牵头单位"),
        "责任部门或人员",
    ),
    AnswerKind(
        "named",
        # 哪所学校 may ask for a kind of school (中心校); 哪两个县, 哪所大学, 哪个县, 分别是哪所 ask for names
        re.compile(r"哪(?:些|几|一)(?:个|所)?(?:(?!方面|环节|内容|措施)[\u4e00-\u9fff]){1,4}?(?:学校|小学|中学)|"
            r"哪(?:些|几|[一二两三四五六七八九十])(?:个|所|家|座)?(?:学校|小学|中学|区县?|县|市|州|地区|省|学区|集团|大学|高校|院校)"
            r"|哪(?:所|家)(?:大学|高校|院校)|分别(?:是|由|在|以|跟|和|与|同|向|对)?哪(?:所|家|几|些)|哪个?(?:县|区|市|州|省)(?!级)|哪几所|哪[两二三四五六七八九十]+(?:个|所|家|座)(?!方面|环节|阶段|步)|哪一?家[\u4e00-\u9fff]{0,6}(?:机构|公司|企业)|具体是哪一?[家所]|是哪一?[家所](?=\s*[?？呢]|\s*$)|具体是哪(?:几|些)(?:个|所|家)?(?=\s*[?？]|\s*$)|的是哪(?:一|几)?(?:所|家)|叫什么|名称是|"
            r"名单(?:是什么|有哪些|呢)?\s*[?？]?\s*$"),
        names_schools_or_places,
        "具体名单",
    ),
    AnswerKind(
        "penalty",
        re.compile(rf"惩罚|处罚|处分|问责|追责|追究|后果|{_SANCTIONS}|会怎么样|会怎样|(?:怎么|如何|什么)处理|不合格|不达标|没达标|没完成|完不成|做不好|扣分|"
                   r"(?:(?:达|做)不到|(?:没|未)(?:达到|做到|完成))[^?？]{0,20}?(?:怎么办|会被|要被|会怎|被要求|还是)"),
        # 建立问责机制 says there will be one, not what befalls whom
        _pattern(rf"问责(?!机制|制度|体系)|追究|通报|约谈|一票否决|扣减|扣发|取消|责令|整改|处分|处理|降低|撤销|减少|不得|限期|{_SANCTIONS}"),
        "处理办法",
    ),
    AnswerKind(
        "reward",
        re.compile(r"奖励|奖惩|表彰|激励|好处|鼓励措施|奖金|奖补|优待|倾斜"),
        _pattern(r"奖励|表彰|奖惩|奖补|以奖代补|评优|评先|优先|激励|倾斜|嘉奖"),
        "奖励办法",
    ),
    AnswerKind(
        "procedure",
        re.compile(r"怎么申请|如何申请|(?:怎么|如何|怎样)申报|申报(?:程序|流程|手续|步骤|方式)|流程|程序|步骤|手续|怎么报|如何报|审批|备案|"
                   r"办理|走什么|怎么加入|如何加入|怎么退出|(?:怎么|如何|怎样)(?:产生|选出|选拔|遴选)"),
        _pattern(r"申报|申请|审批|审核|备案|报送|上报|提交|程序|公示|遴选|评审|认定|批准|同意|任命|选聘|聘任|推选|推举|选派|选拔|报.{0,6}(?:部门|教育局|审定)"),
        "办理程序",
    ),
    AnswerKind(
        "criteria",
        re.compile(
            r"什么标准|什么条件|哪些条件|够什么|认定标准|怎么认定|如何认定|怎样认定|任职条件|资格|门槛|评定标准|"
            r"(?:评分|打分|验收|考核|评估)(?:细则|标准)"
        ),
        # 依据什么标准配置? is stated by the basis it is done by (统一按师生比配备教师)
        _pattern(r"具备|符合|须|必须|应当具有|具有.{1,20}(?:资格|经历|职称)|(?:条件|标准)(?:为|是|包括|如下)|达到.{0,12}标准|认定为|评定为|"
                 r"按(?:照)?[^,，。;；]{1,12}?(?:配备|配置|核定|确定|分配|计算)"),
        "认定标准或条件",
    ),
    AnswerKind(
        "definition",
        # 考核的重点是啥 / 总的原则是啥 ask what an aspect holds, not what a term means
        re.compile(rf"什么是|什么叫|是什么意思|啥意思|什么意思|指什么|指的是|何谓|含义|定义|是怎么回事|(?<!分别)(?<!{_ASPECT})是啥"),
        _pattern(r"是指|指的是|即|就是|是以|以.{2,20}为(?:龙头|核心|基础|纽带|单位)|由.{2,20}组成"),
        "定义",
        strict=False,
    ),
    AnswerKind(
        "purpose",
        re.compile(r"作用|目的|意义|效果|为了什么"),
        _pattern(_PURPOSE),
        "目的",
        strict=False,
    ),
    AnswerKind(
        "reason",
        re.compile(r"为什么|为啥|为何|什么原因|原因是|理由"),
        lambda sentence: bool(re.search(_PURPOSE + r"|由于|因为|鉴于|是.{2,40}的(?:需要|举措|要求)", sentence))
        or is_framing(sentence),
        "原因",
        framing_states=True,
    ),
    AnswerKind(
        "target",
        re.compile(r"目标|指标|要达到|达到什么|要实现"),
        _pattern(r"(?:到|至)\s*(?:19|20)\d{2}\s*年|\d+(?:\.\d+)?\s*%|达到|覆盖|实现|基本形成|形成"),
        "目标",
        strict=False,
    ),
)
KINDS = {kind.name: kind for kind in ANSWER_KINDS}

# Nouns that name a kind of fact, not a topic (节数要求, 所占比例, 资金数额): a clause answers them by stating it.
QUANTITY_NOUNS = {
    "share": ("比例", "比重", "占比", "百分比"),
    "count": ("节数", "课时数", "人数", "数量", "个数", "名额", "次数"),
    "amount": ("数额", "金额", "额度"),
}


def kinds_named(topic: str) -> tuple[AnswerKind, ...]:
    """The kinds of fact a topic names by a quantity noun (各地美育教师的比例 -> share)."""
    return tuple(KINDS[name] for name, nouns in QUANTITY_NOUNS.items() if any(n in topic for n in nouns))


# A-not-A (给不给, 发没发), or a modal …吗 question: asks whether.
_A_NOT_A = r"([\u4e00-\u9fff])[不没]\1"
YES_NO_QUESTION = re.compile(
    rf"{_A_NOT_A}|能否|可否|是否|有没有|需不需要|允不允许|可不可以|"
    r"(?:能|可以|会|要|需要|必须|得|允许|应该|应当|算|有|用|让|给)[^?？]{1,24}(?:吗|(?<![什怎这那多])么)[?？]?\s*$"
)
# A question word: a …吗 question holding one asks for that (要交什么材料吗?), not whether.
_WH_WORD = re.compile(r"哪|谁|多少|怎么|怎样|如何")  # 要写什么总结吗? 几个学校要一起研究吗? still ask whether
_STRONG_MODAL = re.compile(rf"可不可以|需不需要|允不允许|{_A_NOT_A}|能否|可否|是否|有没有")
_MODAL = re.compile(r"可以|能|会|需要|必须|允许|应该|应当|要|得|让|给|有|用")
# Framing: a sentence that introduces, motivates or exhorts rather than provides.
FRAMING_SENTENCE = re.compile(
    r"^(?:(?:深入|认真|全面)贯彻|以.{2,40}为(?:指导|指针|指引|统领|引领)|坚持以.{2,30}为|为(?:了)?(?:深入)?(?:贯彻|落实|进一步|推进|加快|促进|深化|全面)|"
    r"根据.{2,60}(?:精神|要求|规定|意见|通知)|按照.{2,60}(?:精神|要求|部署)|"
    r"现(?:就|将|提出|制定)|特制定|制定本|结合.{2,30}实际,?(?:特|现)|经研究)|"
    r"(?<![作列成视])(?:是|为).{2,60}的(?:重要举措|重要途径|重要手段|有效途径|重大举措|必然要求|重要内容|关键)|"
    r"提出(?:如下|以下)|特制定本|[如以]下(?:意见|指导意见|方案|通知|实施意见)|高度重视|充分认识|切实增强|统一思想|提高认识"
)
# A question asking on what grounds: framing sentences (为贯彻…, 根据…) answer it.
BASIS_QUESTION = re.compile(r"依据|根据什么|出台背景|背景|为什么出台|政策来源")


def _body_of(question: str, body: AnswerKind) -> AnswerKind:
    """The body kind for this question: a body written as the doer of the act asked states it too.

    由哪家单位来研究: 教师进修院校要积极研究…问题 says who does it, though it names no verb of being in charge.
    """
    acts = [w for w in longest_tokens([t for t in tokenize(asked_action(question)) if len(t) >= 2])]
    if not acts:
        return body
    doer = re.compile(rf"{_BODY}[^,，。;；]{{0,6}}?(?:{'|'.join(map(re.escape, acts))})")
    return replace(body, states=lambda sentence: body.states(sentence) or bool(doer.search(sentence)))


_SHARPENED = {
    "count": _count_of, "share": _share_of, "named": _named_of, "frequency": _frequency_of, "body": _body_of
}  # fmt: skip


def kinds_asked(question: str) -> tuple[AnswerKind, ...]:
    """The kinds of fact a question asks for, in table order (none: it asks for provisions in general).

    A count is of what the question counts (几名骨干教师: a number of 骨干…, not any number); in a yes/no
    question a number is part of what is asked whether, not the thing asked for, and so is a value asked
    what it is set by (招多少人是按什么定的).
    """
    yes_no = asks_yes_no(question)
    kinds = []
    asking = _asking_part(question)
    asked = {kind.name for kind in ANSWER_KINDS if kind.asked.search(asking)}
    for kind in ANSWER_KINDS:
        given = kind.quantity and (
            (yes_no and not _asks_whether_quantity_set(asking, kind) and not _asks_quantity_apart(asking, kind))
            or bool(_BASIS_OF_A_VALUE.search(asking))
        )
        if kind.name not in asked or given or kind.name in _shadowed_kinds(question, asked):
            continue
        sharpen = _SHARPENED.get(kind.name)
        kinds.append(sharpen(question, kind) if sharpen else kind)
    contents = _contents_of(question) if not yes_no and not any(k.strict for k in kinds) else None
    parts = _parts_of(question) if not yes_no and not contents else None
    if parts and not _WHICH_PARTS.search(question) and any(k.name == "count" for k in kinds):
        kinds, parts = _count_or_parts(kinds, parts), None
    return tuple(k for k in (*kinds, contents, parts) if k)


_WHICH_PARTS = re.compile(r"哪(?:些|几)")


def _count_or_parts(kinds: list[AnswerKind], parts: AnswerKind) -> list[AnswerKind]:
    """几项 asks how many, which a number (学会1-2项) or the list of the items (A、B、C三项) states."""
    return [
        replace(k, states=lambda s, count=k: count.states(s) or parts.states(s)) if k.name == "count" else k
        for k in kinds
    ]


# A quantity named as a thing (比例, 补助标准, 任期), not asked by 几/多少: 有没有设定比例 asks whether one is set.
_QUANTITY_NAMED = re.compile(r"(?<![按照])比例|比重|占比|百分比|覆盖率|金额|数额|额度|标准|期限|任期|名额|人数|次数")
_SETTING = re.compile(r"定|规定|明确|设定|设置|要求|提出|有|给出|写")  # …of it, before it: 有没有规定(交流)比例
_SET_AFTER = re.compile(r"(?:上)?(?:有没有|有无|有|是否有)(?:明确|具体|硬性)?(?:的)?(?:规定|要求)")  # 次数有规定吗
_VALUE_GIVEN = re.compile(r"\d|百分之[一二三四五六七八九十]|[一二两三四五六七八九十]+(?:成|个百分点)")


# 招多少人是按什么定的: what a value is set by, not the value
_BASIS_OF_A_VALUE = re.compile(r"(?:多少|几)[^;；?？。]{0,8}?(?:按|根据|依据|参照|比照|拿)(?:着)?(?:什么|啥|哪些|哪个)")


def _asks_whether_quantity_set(question: str, kind: AnswerKind) -> bool:
    """A yes/no question asking whether a quantity is set (是否规定了交流比例), not whether a given one holds.

    The quantity is named by a noun after a verb of setting it, and given no value: 有没有定比例 needs a clause
    stating a share; 是否要达到50%的比例, 算覆盖率时村小单独算吗 and 能不能跟几所小学结对 ask whether of the rest.
    """
    if _VALUE_GIVEN.search(question):
        return False
    return any(
        _QUANTITY_NAMED.search(m.group(0))
        and (
            _SETTING.search(re.split(r"[,，;；?？]", question[: m.start()])[-1][-8:])
            or _SET_AFTER.match(question, m.end())
        )
        for m in kind.asked.finditer(question)
    )


_INTERROGATIVE = re.compile(r"几|多少|多大|多长|多久|啥|什么")


def _asks_quantity_apart(question: str, kind: AnswerKind) -> bool:
    """A yes/no question that asks for the quantity too, in a part of its own (有没有硬指标,要达到百分之几?).

    The part asking whether holds no request for the value: 拨多少钱,有具体标准吗? asks the sum; 能不能跟几所
    小学结对 asks whether of a number.
    """
    parts = [p for p in re.split(r"[,，;；?？]", question) if p.strip()]
    if any(_BARE_VALUE_QUESTION.fullmatch(p.strip()) for p in parts[1:]) and kind.asked.search(question):
        return True  # 比例有硬性规定吗,定的多少?: the last part asks the value of the quantity named before
    return any(
        kind.asked.search(part) and _INTERROGATIVE.search(part) and not YES_NO_QUESTION.search(part + "?")
        for part in parts
    )


_BARE_VALUE_QUESTION = re.compile(r"(?:具体)?(?:是|有|要|定的?|定了|达到)?(?:多少|几|百分之几)(?:呢|啊)?")


# 要是哪个单位应付了事 / 山西哪个县要是没推开: a condition, whoever it is said of first
_CONDITION = re.compile(r"^[^,，]{0,8}?(?:要是|如果|假如|万一|若是|倘若)")
# A part saying which kind of thing is meant (一个法人带几个校区的那种): it describes, it asks nothing
_DESCRIBING = re.compile(r"(?:那|这)(?:种|类|样)(?:的)?$")
_OWN_QUESTION_WORD = re.compile(r"什么|啥|怎么|怎样|如何|哪|谁|吗|么")


def _asking_part(question: str) -> str:
    """The question without a condition or a description before what it asks.

    要是哪个单位应付了事,…会怎么处理?: any unit; 一个法人带几个校区的那种,校区校长怎么产生?: no count is asked.
    """
    parts = [p for p in re.split(r"[,，;；]", question) if p.strip()]
    if len(parts) < 2 or not _OWN_QUESTION_WORD.search(parts[-1]):
        return question
    kept = (p for p in parts[:-1] if not _CONDITION.match(p.strip()) and not _DESCRIBING.search(p.strip()))
    return "，".join([*kept, parts[-1]])


# A term the question quotes (“绿色指标”): a thing the documents name, whose content is asked.
_QUOTED = re.compile(r"[“\"「『]([^”\"」』“「『]{2,20})[”\"」』]")
# What a quoted term means or holds: 指什么, 包括哪些, 是怎么回事, 分别是…
# With the noun after it (哪些指标, 是个啥结构): what the contents are called, which an explanation need not name.
_CONTENTS_ASKED = re.compile(
    r"(?:指(?:什么|啥|的是)|(?:什么|啥)意思|是(?:个)?(?:什么|啥)|怎么(?:一)?回事|怎么个|包括(?:哪些|什么|啥)|包含|"
    r"哪些|哪几)[\u4e00-\u9fff]{0,2}"
)
# …what it is for (干什么用的, 作用): a purpose, which a sentence states without explaining the term
_USE_ASKED = re.compile(r"作用|目的|意义|干(?:什么|嘛|啥)用|用来|用于|图(?:什么|啥)|为(?:什么|啥|何)|为了")
# Words after which a sentence names what it has just described: 组成“1+X”学区管理模式
_INTRODUCED_BY = re.compile(r"(?:组成|形成|构建|称为|叫做|简称|即|名为|统称|俗称)[“\"「]?$")
# Words after a term (and its head noun) that say what it is: “2—1—2”…工程,即创建两个教育集团…
_EXPLAINED_BY = re.compile(
    r"^[”\"」]?(?:[\u4e00-\u9fff]{0,12}?[,，]?(?:即|是指|指的是|就是|包括|包含|主要有|分为|涵盖|[：:（(])|(?:由|是|以)|"
    r"[\u4e00-\u9fff]{1,12}、)"  # or a list right after it: 统一课程设置、教学安排… (not “三爱”、“八字道德”)
)
# The term as an item's heading: 1.委托管理式。 / (三)单一法人式:
_HEADING_BEFORE = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）.、．]?)?[“\"「]?$")
_HEADING_AFTER = re.compile(r"^[”\"」]?[。.：:,，]")


def quoted_terms(question: str) -> tuple[str, ...]:
    """The terms a question quotes, in the form used to match text (“1+X” -> 1+x)."""
    return tuple(dict.fromkeys(match_form(m.group(1)) for m in _QUOTED.finditer(question)))


def quoted_term_patterns(question: str) -> tuple[str, ...]:
    """Regexes finding the question's quoted terms in raw text: any case, width and dash (“2-1-2” = 2—1—2)."""
    return tuple("".join(_char_class(c) for c in term) for term in quoted_terms(question))


def _char_class(char: str) -> str:
    if char == "-":
        return "[-—–－]"
    if char.isascii() and char.isalnum():
        return f"[{char.lower()}{char.upper()}{chr(ord(char.lower()) + 0xFEE0)}{chr(ord(char.upper()) + 0xFEE0)}]"
    if char.isascii():
        return f"[{re.escape(char)}{re.escape(chr(ord(char) + 0xFEE0))}]" if char != " " else r"\s*"
    return re.escape(char)


def match_form(text: str) -> str:
    """Text as quoted terms are matched: normalized, lower-case, any dash as -."""
    return re.sub(r"[—–－]", "-", normalize_for_match(text).lower())


def explains(term: str, sentence: str) -> bool:
    """The sentence says what the term is or holds, not just names it (“绿色指标”和…为基本依据 names it).

    The term introduced after its description (组成“1+X”…), followed by what it is (…工程,即…; X:…; X包括…),
    or heading an item (1.委托管理式。).
    """
    text = match_form(sentence)
    for match in re.finditer(re.escape(term), text):
        before, after = text[: match.start()], text[match.end():]
        if _INTRODUCED_BY.search(before) or _EXPLAINED_BY.match(after):
            return True
        if _HEADING_BEFORE.match(before) and _HEADING_AFTER.match(after):
            return True
    return False


# A、B、C等X / A、B,C等方面 / A统一、B统一的管理模式
_ITEM = r"[^、,，。;；]{1,16}"
_LIST_BEFORE = re.compile(rf"(?:{_ITEM}、){{2,}}{_ITEM}(?:[,，]{_ITEM})?(?:等[^,，。;；]{{0,6}}|的)$")
_LIST_AFTER = re.compile(r"^[^,，。;；]{0,8}?(?:包括|主要有|有|分为|[：:])(?:[^、,，。;；]{1,16}、){2,}")


def enumerates(term: str, sentence: str) -> bool:
    """The sentence lists kinds of the term: A、B、C等多种办学模式, or 办学形式包括A、B、C."""
    text = match_form(sentence)
    for match in re.finditer(re.escape(match_form(term)), text):
        if _LIST_BEFORE.search(text[: match.start()]) or _LIST_AFTER.match(text[match.end():]):
            return True
    return False


def _contents_of(question: str) -> AnswerKind | None:
    """For a question on what a quoted term means or holds: the kind stated by a sentence explaining it."""
    terms = quoted_terms(question)
    if not terms or not _CONTENTS_ASKED.search(question) or _USE_ASKED.search(question):
        return None
    return AnswerKind(
        "contents",
        _CONTENTS_ASKED,
        lambda sentence: any(explains(term, sentence) for term in terms),
        "具体内容",
    )


# The items of something: 考哪几项, 有哪些栏目, 章程里写哪些条款
_PARTS_ASKED = re.compile(r"哪(?:些|几)(?:个|条|块)?(?:项|栏目|条款|指标|部分|环节|块|板块|要素)|几项")
# Nouns a list of items is said of: 在办学理念、管理理念…等方面
_PART_NOUNS = ("方面", "内容", "项目", "环节", "指标", "措施", "工作")


def _parts_of(question: str) -> AnswerKind | None:
    """For a question on the items of something: the kind stated by a sentence listing items of what it names.

    A list of other things beside it (搭建A、B、C平台,实施一体化考核) does not give the items of 一体化考核.
    """
    if not _PARTS_ASKED.search(question):
        return None
    nouns = (*(t for t in tokenize(question) if len(t) >= 2), *_PART_NOUNS)
    return AnswerKind(
        "parts",
        _PARTS_ASKED,
        lambda sentence: any(enumerates(noun, sentence) for noun in nouns),
        "具体项目",
    )


# A standard of money is a sum (补贴按什么标准发), not criteria to meet.
_MONEY_STANDARD = re.compile(
    rf"{_MONEY}[^,，?？]{{0,8}}(?:什么|啥|多少)标准|(?:什么|啥|多少)标准[^,，?？]{{0,8}}{_MONEY}"
)


def _shadowed_kinds(question: str, asked: set[str]) -> set[str]:
    """Kinds whose wording is part of another kind asked: 多久开展一次 asks how often, not how long."""
    shadowed = set()
    if "frequency" in asked:
        shadowed |= {"duration", "count"}
    if "schedule" in asked:  # 时间表呢? / 分几年推开? ask for the years of a rollout, not one date or a length
        shadowed |= {"date", "duration"}
    if _MONEY_STANDARD.search(question):
        shadowed.add("criteria")
    return shadowed


_WHO = re.compile(r"谁|哪(?:个|些|一|家|级)?(?:[\u4e00-\u9fff]{0,2}?(?:部门|单位|机构|机关|中心|科室|科|处|室|股))?")


def asked_action(question: str) -> str:
    """What a question asks who does (由哪个部门来审核 -> 审核; 由谁批准的 -> 批准).

    The words after its last 谁/哪个部门.
    """
    text = re.split(r"[,，;；?？]", re.sub(r"[吗么呢]?[?？。!！\s]*$", "", question.strip()))
    for part in reversed(text):
        matches = list(_WHO.finditer(part))
        if matches and KINDS["body"].asked.search(part):
            rest = part[matches[-1].end():]
            return re.sub(r"的$", "", re.sub(r"^(?:来|去|负责来?|的|是)", "", rest)).strip()
    return ""


_WHEN = re.compile(
    r"什么时候|啥时候|何时|哪一?年|哪个月|几月|哪一?天|几号|多会儿|最晚|最迟|截止日期|截至日期"
)
# 截止到哪天: a deadline, of no event
_WHEN_FILLERS = re.compile(
    r"^(?:之前|以前|前|底前|为止|能|要|会|才|可以|得|就|把|将|定在|定|的|到|至)+|(?:定在|定|在|要|能|的|从|自|截止|截至|到)+$"
)


# The phase of an event (开始, 完成 …) is written in many ways (从2016年起, 2017年底前): not what is dated.
_PHASE = re.compile(r"开始|完成|结束|启动|实现|做到|达到|开展|进行|从|自")
MAX_EVENT_BEFORE = 8  # 全覆盖定在哪一年: what comes before a date word is the event only in a short part


def asked_event(question: str) -> str:
    """What a question asks the date of (哪一年能投入使用 -> 投入使用; 全覆盖定在哪一年 -> 全覆盖).

    The words after its date word in that part of the question, else the words before it; not its phase.
    """
    for part in reversed(re.split(r"[,，;；、?？]", re.sub(r"[吗么呢]?[?？。!！\s]*$", "", question.strip()))):
        if matches := list(_WHEN.finditer(part)):
            # 最迟什么时候报: the words after the last one; 从何时到何时: none
            after = _WHEN_FILLERS.sub("", _PHASE.sub("", part[matches[-1].end():]))
            before = _WHEN_FILLERS.sub("", _PHASE.sub("", _WHEN.sub("", part[: matches[-1].start()])))
            return after or (before if len(before) <= MAX_EVENT_BEFORE else "")  # a long one is the subject
    return ""


_INSTRUCTION = re.compile(r"[,，](?=请|望|务请)")  # …现印发你们,请于3月15日前报…: what the framing asks follows
MIN_INSTRUCTION_CHARS = 10


def provisions_of(sentence: str) -> list[str]:
    """A sentence as the parts that state something: a framing sentence that goes on to instruct is two.

    为贯彻…精神,…现印发你们,请组织讨论,于2014年3月15日前将意见报州教育局: the framing, then what it asks (a
    deadline, a recipient), which can answer a question the framing cannot.
    """
    if is_framing(sentence) and (cut := _INSTRUCTION.search(sentence)):
        tail = sentence[cut.end():]
        if len(tail.strip()) >= MIN_INSTRUCTION_CHARS:
            return [sentence[: cut.start() + 1], tail]
    return [sentence]


def provisions(text: str) -> list[str]:
    """A clause's text as the parts that state something: its sentences, an instructing framing one cut in two."""
    return [part for sentence in split_sentences(text) for part in provisions_of(sentence)]


def is_framing(sentence: str) -> bool:
    """A sentence that frames (为贯彻…, 现就…提出如下意见, …是…的重要举措, 各地要高度重视) instead of providing."""
    text = sentence.strip()
    match = FRAMING_SENTENCE.search(text)
    if match and match.start() == 0 and _PURPOSE_OPENER.match(text) and _PROVIDES_AFTER.search(text):
        # 为促进…工作,各县市要给予经费保障,对农村教师…分别发放…: a purpose, then what bodies are to do
        others = FRAMING_SENTENCE.search(text, match.end())
        return bool(others) or bool(_ANNOUNCES.search(text))
    return bool(match)


_PURPOSE_OPENER = re.compile(r"为(?:了)?(?:深入)?(?:进一步|推进|加快|促进|深化|全面)")
_PROVIDES_AFTER = re.compile(
    r"[,，][^,，。;；]{0,12}?(?:要|应当|应|须|必须)(?:给予|建立|发放|落实|实行|实施|制定|安排|设立|保障|提供)"
)


_ANNOUNCES = re.compile(r"现(?:就|将|提出|制定)|[如以]下|特制定|制定本")


def is_preamble(sentence: str) -> bool:
    """A framing sentence that announces the document (为落实…,按照…考核要求,现将…要求如下): it decides nothing."""
    return is_framing(sentence) and bool(_ANNOUNCES.search(sentence))


def asks_yes_no(question: str) -> bool:
    """能不能/是否/会不会/给不给/有没有 …, or a 可以…吗 question without a question word in its last part."""
    match = YES_NO_QUESTION.search(question.strip())
    if not match:
        return False
    if match.group(0).endswith(("吗", "么", "吗?", "吗？", "么?", "么？")) and not match.group(1):
        return not _WH_WORD.search(re.split(r"[,，;；?？]", question.strip().rstrip("?？ "))[-1])
    return True


def yes_no_predicate(question: str) -> str:
    """What a yes/no question asks whether (会派老师来上课吗 -> 派老师来上课).

    The words after its modal (能不能/是否… first, else the first plain one: 会, 可以, 有 …) in its last part.
    """
    clause, match = _yes_no_modal(question)
    return clause[match.end():].strip() if match else ""


def yes_no_subject(question: str) -> str:
    """Of whom a yes/no question asks it: the words before its modal in its last part (民办学校 of 民办学校能不能…)."""
    clause, match = _yes_no_modal(question)
    return clause[: match.start()].strip() if match else ""


def _yes_no_modal(question: str) -> tuple[str, re.Match | None]:
    text = re.sub(r"[吗么呢]?[?？。!！\s]*$", "", question.strip())
    clauses = re.split(r"[,，;；?？]", text)
    # the part that asks whether, when a later part asks for the detail (有没有硬性条件,具体是什么)
    clause = next((c for c in reversed(clauses) if _STRONG_MODAL.search(c)), clauses[-1])
    return clause, _STRONG_MODAL.search(clause) or _MODAL.search(clause)
