"""policytext/: every rule of reading policy text, pinned by a table of wordings it must and must not match.

The wordings are written for these tests, not taken from any question set: a rule that only holds for the
questions it was tuned on fails here.
"""

from __future__ import annotations

import re

import pytest

from policytext.asks import (
    KINDS,
    asks_yes_no,
    count_patterns,
    is_framing,
    is_preamble,
    kinds_asked,
    names_a_school,
    yes_no_predicate,
    yes_no_subject,
)
from policytext.dates import (
    chinese_date,
    doc_number_key,
    doc_numbers_named,
    header_parenthesis,
    is_date_line,
    is_doc_number_line,
    is_timestamp,
    iso_date,
    known_number_named,
    period,
    years_named,
)
from policytext.doctypes import doc_type, ends_with_type, is_draft, is_organ, organ_forms
from policytext.lexicon import glossary, longest_tokens, names_as_words, parts_of, tokenize
from policytext.numbering import (
    INLINE_ENUMERATION,
    LEVELS,
    NUMBER_PREFIX,
    is_outline_level,
    numbering_level,
    strip_number,
)
from policytext.numerals import chinese_numeral, ordinal_value, parse_number
from policytext.places import (
    CITY,
    COUNTY,
    NATIONAL,
    PROVINCE,
    Division,
    find_places,
    gazetteer,
    issuer_division,
    region_named,
    unlisted_places,
)
from policytext.question import (
    ABOUT_DOCUMENT,
    ANAPHORA,
    COMPARATIVE,
    DOCUMENT_FACT_ANSWERS,
    DOCUMENT_POINTER,
    KINDS_QUESTION,
    LIST_QUESTION,
    MORE_CUE,
    ORDINAL_REFERENCE,
    TRAILING_PARTICLES,
    analyze,
    answer_patterns,
    core_topic,
    document_facts,
    listed_noun,
    strip_framing,
    topic_head,
    topic_tokens,
    variant_terms,
)
from policytext.sentences import cjk_count, ends_sentence, normalize_for_match, sentence_spans, split_sentences

# --- numerals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("87.4", 87.4), ("3", 3), ("二", 2), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("三十五", 35),
     ("一百", 100), ("一百零五", 105), ("两千", 2000), ("〇", 0)],
)  # fmt: skip
def test_numerals_read(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["几", "若干", "十十", "二三", "", "3所", "一些"])
def test_not_numerals(text):
    assert parse_number(text) is None, f"{text!r} is no plain numeral"


@pytest.mark.parametrize("n", [1, 9, 10, 11, 20, 21, 99, 100, 101, 110, 999, 1000, 1005, 2024, 9999])
def test_chinese_numeral_round_trips(n):
    assert parse_number(chinese_numeral(n)) == n


def test_chinese_numerals_as_headings_write_them():
    assert [chinese_numeral(n) for n in (1, 10, 12, 20, 105)] == ["一", "十", "十二", "二十", "一百零五"]
    with pytest.raises(ValueError):
        chinese_numeral(0)


@pytest.mark.parametrize(("token", "n"), [("三", 3), ("3", 3), ("十二", 12), ("两", 2), ("几", None), ("0", None)])
def test_ordinal_value(token, n):
    assert ordinal_value(token) == n


# --- numbering -------------------------------------------------------------------------------------

LEVEL_OF = {level.name: rank for rank, level in enumerate(LEVELS)}


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("第一章 总则", "chapter"),
        ("第十二章　附则", "chapter"),
        ("第二节 教师配备", "section"),
        ("第三部分 保障措施", "division"),
        ("第一条 为规范学校管理，制定本办法。", "article"),
        ("第二十一条　本办法自发布之日起施行。", "article"),
        ("第3条 适用范围", "article"),
        ("一、总体要求", "part"),
        ("十二、组织实施", "part"),
        ("三．工作任务", "part"),
        ("（一）指导思想", "item"),
        ("(二十一)加强督导", "item"),
        ("1.合理规划学区", "point"),
        ("12、建立档案", "point"),
        ("（3）按时报送", "subpoint"),
        ("①开齐开足课程", "circled"),
        ("一是引入名师机制", "enumeration"),
    ],
)
def test_numbering_levels(line, level):
    assert numbering_level(line) == LEVEL_OF[level], f"{line!r} opens a {level}"


@pytest.mark.parametrize(
    "line",
    ["1.5倍的比例", "第一条件是安全", "各学校要高度重视。", "二〇一五年十二月", "2015年起实施", "统一是关键", "第二批名单"],
)
def test_lines_that_open_no_numbered_item(line):
    assert numbering_level(line) is None, f"{line!r} opens no item"


def test_levels_nest_outermost_first():
    order = ["chapter", "section", "division", "article", "part", "item", "point", "subpoint", "circled", "bullet",
             "enumeration"]
    assert [level.name for level in LEVELS] == order


def test_outline_levels_are_chapters_sections_and_parts():
    outline = {level.name for rank, level in enumerate(LEVELS) if is_outline_level(rank)}
    assert outline == {"chapter", "section", "division", "part"}
    assert not is_outline_level(None)


def test_number_prefix_and_strip():
    assert strip_number("（二）推进集团化办学") == "推进集团化办学"
    assert strip_number("第五条　本办法适用于区属学校。") == "本办法适用于区属学校。"
    assert strip_number("一是引入名师") == "一是引入名师", "the inline 一是 form is part of the sentence"
    assert not NUMBER_PREFIX.match("学校要做好三件事")


def test_inline_enumeration_cuts_before_each_marker():
    text = "主要措施：一是统一招生；二是统一教研，三是统一考核。"
    assert [m.start() for m in INLINE_ENUMERATION.finditer(text)] == [text.index("二是"), text.index("三是")]
    assert not INLINE_ENUMERATION.search("这是一是非问题"), "一是 only after the punctuation that ends a part"


# --- sentences -------------------------------------------------------------------------------------


def test_sentences_split_at_full_stops_semicolons_and_lines():
    text = "第一句。第二句；第三句！\n第四句"
    assert split_sentences(text) == ["第一句。", "第二句；", "第三句！", "第四句"]
    assert split_sentences("以“走教&quot;方式”任教。") == ["以“走教&quot;方式”任教。"], "an entity's ; ends nothing"


def test_sentence_spans_are_offsets():
    text = "甲乙。丙丁；戊"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["甲乙。", "丙丁；", "戊"]


@pytest.mark.parametrize(("line", "ends"), [("开展工作。", True), ("具体如下：", True), ("要求”。", True),
                                            ("（一）工作目标", False), ("学校应当", False), ("", False)])  # fmt: skip
def test_ends_sentence(line, ends):
    assert ends_sentence(line) is ends


def test_match_form_and_cjk_count():
    assert normalize_for_match("（２０１５）　年\n底") == "(2015)年底"
    assert cjk_count("2015年底abc") == 2


# --- dates and 文号 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2015年11月12日", "2015-11-12"), ("2015 年 1 月 5 日印发", "2015-01-05"), ("发布日期：2017-3-8", "2017-03-08"),
     ("2015年13月40日", ""), ("十二月", ""), ("2015年", "")],
)  # fmt: skip
def test_iso_date(text, iso):
    assert iso_date(text) == iso


def test_chinese_date():
    assert chinese_date("2015-11-02") == "2015年11月2日"
    assert chinese_date("") == "" and chinese_date("2015") == "2015"


@pytest.mark.parametrize(("line", "is_date"), [("2016年3月1日", True), ("2016-03-01", True),
                                               ("2016年3月1日前完成", False), ("自2016年起", False)])  # fmt: skip
def test_date_lines(line, is_date):
    assert is_date_line(line) is is_date


def test_timestamps_are_no_dates_of_issue():
    assert is_timestamp("发布时间：2016-01-05 10:23") and not is_timestamp("2016-01-05")


@pytest.mark.parametrize(
    ("line", "is_number"),
    [("晋教基〔2015〕27号", True), ("闽教办体[2017]5号", True), ("长二府发（2014）60号", True), ("国办发〔2015〕第71号", True),
     ("根据晋教基〔2015〕27号文件", False), ("〔2015〕27号", False), ("2015年27号", False)],
)  # fmt: skip
def test_doc_number_lines(line, is_number):
    assert is_doc_number_line(line) is is_number


_OWN_NUMBERS = ("晋教基〔2015〕27号", "沪教委基〔2015〕80号", "")


@pytest.mark.parametrize(
    ("question", "named"),
    [("晋教基〔2015〕27号文里提了哪几种模式?", ("晋教基〔2015〕27号文",)),
     ("按照晋教基 [2015] 第27号,学区怎么划?", ("晋教基 [2015] 第27号",)),  # another spelling; 按照 is no organ
     ("沪教委基（2015）80号文件适用哪些学校?", ("沪教委基（2015）80号文件",)),
     ("晋教基〔2015〕28号文里提了哪几种模式?", ()),  # another serial: not the library's document
     ("辽政办发〔2018〕53号要求什么?", ()),  # cited by a document, not one of its own
     ("山西2015年的27号文件讲什么?", ())],
)  # fmt: skip
def test_a_question_names_a_library_document_by_its_number(question, named):
    assert doc_numbers_named(question, _OWN_NUMBERS) == named


def test_of_two_known_numbers_a_written_one_ends_on_it_names_the_longer():
    keys = [doc_number_key(n) for n in ("教基〔2015〕27号", "晋教基〔2015〕27号")]
    assert known_number_named("遵循晋教基〔2015〕27号文", keys) == "晋教基〔2015〕27号"
    assert known_number_named("教基〔2015〕27号", keys) == "教基〔2015〕27号"
    assert known_number_named("晋教基〔2015〕28号", keys) is None


def test_numbers_the_library_lacks_are_told_apart():
    unknown = analyze("按照京教基〔2019〕5号文件,集团化办学有什么要求?", known_numbers=_OWN_NUMBERS)
    assert unknown.unknown_numbers == ("京教基〔2019〕5号",) and unknown.doc_numbers == ()
    known = analyze("晋教基[2015]27号文件提了哪些模式?", known_numbers=_OWN_NUMBERS)
    assert known.unknown_numbers == () and known.doc_numbers
    assert analyze("京教基〔2019〕5号文件要求什么?").unknown_numbers == (), "no library to tell by"
    assert analyze("集团化办学有什么要求?", known_numbers=_OWN_NUMBERS).unknown_numbers == ()


def test_a_named_document_number_is_no_content_word():
    analysis = analyze("晋教基〔2015〕27号文里推荐了哪几种办学模式?", known_numbers=_OWN_NUMBERS)
    assert analysis.doc_numbers == ("晋教基〔2015〕27号文",)
    assert not any(t in "晋教基〔2015〕27号文" for t in analysis.topic_terms) and "办学模式" in analysis.topic_terms
    cited = analyze("辽政办发〔2018〕53号要求什么?", known_numbers=_OWN_NUMBERS)
    assert cited.doc_numbers == () and any("办发" in t for t in cited.topic_terms)


@pytest.mark.parametrize(
    ("text", "span"),
    [("三年行动计划（2021—2023年）", "2021—2023"), ("2014-2016年规划", "2014—2016"), ("2016至2020年", "2016—2020"),
     ("2020—2018", ""), ("2015年", "")],
)  # fmt: skip
def test_periods(text, span):
    assert period(text) == span


# --- places ----------------------------------------------------------------------------------------


def test_places_by_level_full_names_and_aliases():
    found = find_places("巴州和上海、葫芦岛的做法，与吉林省长春市二道区相比")
    assert found.provinces == ["上海市", "吉林省"]
    assert "巴音郭楞蒙古自治州" in found.cities and "葫芦岛市" in found.cities and "长春市" in found.cities
    assert found.counties == ["二道区"]
    assert found.all[:2] == ["上海市", "吉林省"]


@pytest.mark.parametrize("text", ["沪上学校", "晋升为高级教师", "各区县", "城区学校", "本市", ""])
def test_no_place_in(text):
    assert not find_places(text).all, f"{text!r} names no region (one-character abbreviations never count)"


def test_regions_have_levels_and_parents():
    gaz = gazetteer()
    assert gaz.division("二道区") == Division("吉林省", "长春市", "二道区")
    assert gaz.division("杨浦区") == Division("上海市", "", "杨浦区"), "a 直辖市 district has no city"
    assert gaz.division("二道区").level == COUNTY and gaz.division("长春市").level == CITY
    assert gaz.division("山西省").level == PROVINCE and gaz.division("火星市") == Division()
    assert [r.name for r in gaz.ancestors("二道区")] == ["长春市", "吉林省"]
    assert gaz.named_by("巴州") == {"巴音郭楞蒙古自治州"}


@pytest.mark.parametrize(
    ("region", "name", "named"),
    [("吉林省长春市二道区", "二道区", True), ("吉林省长春市二道区", "长春", True), ("新疆维吾尔自治区巴音郭楞蒙古自治州", "巴州", True),
     ("上海市", "上海", True), ("山西省", "上海", False), ("吉林省长春市二道区", "", False)],
)  # fmt: skip
def test_region_named(region, name, named):
    assert region_named(region, name) is named


@pytest.mark.parametrize(
    ("text", "places"),
    [("绵阳市有什么规定", ["绵阳市"]), ("在某某县怎么做", ["某某县"]), ("派老师到外县支教", []), ("各市要落实", []),
     ("本市和县级市", []), ("对宝鸡市的要求", ["宝鸡市"]), ("推进县域均衡发展", []), ("加强省级统筹", []),
     ("能不能去外县支教", []), ("学校和区县签协议", []), ("能引进几个省的专家", []), ("对延安市和榆林市", ["延安市", "榆林市"]),
     ("县里的规划啥时候交省里", []), ("方案什么时候报省里", []), ("什邡市怎么规定", ["什邡市"]),
     ("另外对市县还有什么要求", []), ("此外县里还要做什么", []), ("另外对绵阳市呢", ["绵阳市"]),
     ("那曲市有什么规定", ["那曲市"]), ("这是依据省里哪份文件", []), ("按照市里的要求", []), ("参照县里的做法", []),
     ("依兰县的做法", ["依兰县"]), ("根据绵阳市的规定", ["绵阳市"]),
     ("如果县里的帮扶方案牵涉到社会稳定", []), ("要是市里不批呢", []), ("咱们县想搞学区制", []), ("整个县的学校", []),
     ("如果绵阳市要搞学区制", ["绵阳市"])],
)  # fmt: skip
def test_places_read_from_their_suffix(text, places):
    assert unlisted_places(text) == places


@pytest.mark.parametrize(
    ("issuer", "division"),
    [("绵阳市教育局", Division(city="绵阳市")), ("某某省教育厅", Division(province="某某省")),
     ("某某县人民政府", Division(county="某某县")), ("教育局", Division())],
)  # fmt: skip
def test_issuer_region_from_its_suffix(issuer, division):
    assert issuer_division(issuer) == division


# --- document types --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind"),
    [("关于积极推进义务教育办学模式改革的指导意见", "意见"), ("关于印发《学区制管理实施方案》的通知", "方案"),
     ("关于印发学校美育工作实施方案的通知", "方案"), ("关于转发省教育厅工作通知的通知", "通知"),
     ("关于召开学习贯彻意见座谈会的通知", "通知"), ("关于同意建立联席会议制度的复函", "复函"),
     ("学校体育美育兼职教师管理办法（试行）", "办法"), ("三年行动计划（2021—2023年）", "计划"), ("工作简报", "")],
)  # fmt: skip
def test_document_types(title, kind):
    assert doc_type(title) == kind


@pytest.mark.parametrize(("name", "organ"), [("山西省教育厅", True), ("某市人民政府办公室", True), ("州教育局", True),
                                             ("学区长学校", False), ("各成员校", False)])  # fmt: skip
def test_organs(name, organ):
    assert is_organ(name) is organ


def test_drafts():
    assert is_draft("（征求意见稿）") and not is_draft("广泛征求意见")


# --- lexicon ---------------------------------------------------------------------------------------


def test_tokenizer_keeps_domain_terms_whole_and_drops_function_words():
    tokens = tokenize("推进集团化办学和学区制管理的")
    assert "集团化办学" in tokens and "学区制管理" in tokens and "的" not in tokens and "和" not in tokens
    assert tokenize("ＡＢＣ，。") == ["abc"], "normalised, lower-cased, punctuation dropped"


def test_glossary_forms_are_the_members_of_the_words_groups():
    forms = glossary().forms("教师")
    assert "老师" in forms and forms[0] == "教师"
    assert glossary().forms("量子计算") == ("量子计算",), "a word of no group is only itself"
    assert "老师" not in glossary().forms("教师交流"), "a compound does not borrow the synonyms of its parts"
    assert "引入" in glossary().forms("引进"), "引入名师 is how a plan says it brings teachers in"
    assert "异地建设" in glossary().forms("易地重建"), "rebuilt elsewhere, in the words plans use"
    assert "乡镇中心学校" in glossary().forms("中心校")
    assert "纸质" in glossary().forms("书面") and "下滑" in glossary().forms("往下掉")


def test_modes_are_named_by_any_member():
    assert "集团化办学" in glossary().modes_named("名校办分校怎么搞")
    assert glossary().modes_named("教师培训") == ()


def test_longest_tokens_and_parts():
    assert longest_tokens(["集团", "集团化办学", "教师", "集团"]) == ["集团化办学", "教师"]
    assert parts_of("组织领导", ["组织领导", "组织", "领导"]) == ["组织", "领导"]
    assert parts_of("组织领导", ["组织领导", "组织"]) == [], "parts must cover the word"


# --- question analysis -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "positive", "negative"),
    [
        (COMPARATIVE, ["各地怎么安排经费", "几个文件分别怎么说", "对比一下两地"], ["学区怎样划分", "地方财政怎么投入"]),
        (LIST_QUESTION, ["有哪些要求", "包括什么内容", "从哪方面考核"], ["由谁负责", "什么时候开始"]),
        (KINDS_QUESTION, ["有哪几种模式", "分几类", "有哪些形式"], ["有哪些要求", "怎么考核"]),
        (KINDS["purpose"].asked, ["这样做有什么作用", "目的是什么", "有什么意义"], ["怎么轮岗", "轮岗多久"]),
        (KINDS["reason"].asked, ["为什么要轮岗", "为啥选这几个区", "出于什么原因"], ["轮岗有什么作用", "怎么轮岗"]),
        (ABOUT_DOCUMENT, ["文号是多少", "哪个部门印发的", "这份文件标题是什么"], ["教师怎么交流", "经费从哪来"]),
    ],
)
def test_what_a_question_asks(pattern, positive, negative):
    assert all(pattern.search(q) for q in positive), [q for q in positive if not pattern.search(q)]
    assert not any(pattern.search(q) for q in negative), [q for q in negative if pattern.search(q)]


@pytest.mark.parametrize(
    ("sentence", "states"),
    [("通过名校带动，实现资源共享。", True), ("旨在缩小校际差距。", True), ("从而提高整体水平。", True),
     ("各校要按时报送材料。", False), ("建立学区长联席会议制度。", False)],
)  # fmt: skip
def test_purpose_sentences(sentence, states):
    assert KINDS["purpose"].states(sentence) is states


@pytest.mark.parametrize(
    ("question", "answer", "other"),
    [("要新建几所新学校?", "新建4所新学校", "新建学校若干"), ("覆盖率要达到多大比例?", "覆盖60%以上", "全面覆盖"),
     ("哪一年完成?", "到2018年完成", "尽快完成"), ("几月份报送?", "3月底前报送", "及时报送")],
)  # fmt: skip
def test_answer_shapes(question, answer, other):
    patterns = [re.compile(p) for p in answer_patterns(question)]
    assert patterns and any(p.search(answer) for p in patterns) and not any(p.search(other) for p in patterns)


def test_no_answer_shape_without_a_question_for_one():
    assert answer_patterns("学区怎样划分?") == ()
    assert answer_patterns("这份通知哪一年印发的?", document_facts("这份通知哪一年印发的?")) == (), "asked of the document"


@pytest.mark.parametrize(
    ("question", "facts"),
    [("文号是多少", ("number",)), ("什么时候印发的", ("date",)), ("哪个部门发的", ("issuer",)),
     ("落款单位和落款日期", ("date", "issuer")), ("什么时候开始轮岗", ()), ("这份转发通知自己的文号", ("number",)),
     ("转发的那份意见原文号是多少", ()), ("被转发文件的文号", ())],
)  # fmt: skip
def test_document_facts(question, facts):
    assert document_facts(question) == facts


def test_the_number_of_a_transmitted_document_is_looked_for_in_the_body():
    (pattern,) = answer_patterns("转发的那份意见原文号是多少")
    assert re.search(pattern, "现将《实施意见》（洪府厅发〔2017〕50号）转发给你们") and not re.search(pattern, "现转发给你们")
    assert answer_patterns("这份通知的文号是多少", document_facts("这份通知的文号是多少")) == ()


def test_document_fact_answers():
    assert DOCUMENT_FACT_ANSWERS["date"].search("2015年12月25日")
    assert DOCUMENT_FACT_ANSWERS["number"].search("晋教基〔2015〕27号") and not DOCUMENT_FACT_ANSWERS["number"].search("27号")
    assert DOCUMENT_FACT_ANSWERS["issuer"].search("山西省教育厅\n") and not DOCUMENT_FACT_ANSWERS["issuer"].search("教育厅要")


def test_a_reason_is_stated_by_a_purpose_or_by_framing():
    reason = KINDS["reason"]
    assert reason.strict and reason.framing_states
    assert reason.states("为进一步扩大优质教育资源,推进集团化办学。") and reason.states("以便统筹使用师资。")
    assert not reason.states("2015年完成长江小学异地建设的立项工作。")


@pytest.mark.parametrize(
    ("kind", "asked", "not_asked", "given", "not_given"),
    [
        ("amount", ["每月补贴多少钱", "发放标准是什么", "给多少万元", "每月发多少绩效工资", "一年资助多少", "新校总投资是多少", "每月补贴几百块钱"],
         ["补贴由谁发", "经费怎么保障", "投资建设哪些学校", "会发哪几种补贴", "补贴有多少种", "经费有几类来源"],
         "每人每月500元", "给予适当补贴"),
        ("count", ["要派几名教师", "至少要有几所成员学校", "一共几个集团", "有多少名师工作室", "每班不超过多少学生"], ["从哪几个方面考核", "几年级"],
         "选派3名骨干教师", "选派骨干教师"),
        ("share", ["覆盖率要提高到什么比例", "满意度要达到多少", "占比多少"], ["覆盖哪些学校", "怎么提高满意度"],
         "覆盖60%以上的学校", "逐步扩大覆盖面"),
        ("frequency", ["多久开展一次自评", "几年评一次", "每学期搞几次研讨", "开会的频次", "活动次数有规定吗"], ["交流多久", "一次交流多长时间"],
         "学校每学年进行一次美育工作自评", "开展美育工作自评"),
        ("duration", ["交流多久", "任期几年", "多长时间", "校长的任期呢?", "任期是多久"],
         ["几年级学生", "什么时候", "任期内如何评价", "任期目标怎么定"], "交流期限为3年", "自2018年起交流"),
        ("date", ["什么时候报送", "哪一年之前完成", "最晚什么时候交", "要在什么时间前报上去"], ["报给谁", "要多久", "在什么时间段开放"], "2016年2月底前报送",
         "于2014年--月--日前报送"),
        ("day", ["哪一天截止", "几号之前交", "哪一天开始"], ["哪一年完成", "多少天"], "3月15日前反馈", "2014年前反馈"),
        ("body", ["由哪个部门牵头", "要交给谁", "谁来负责"], ["怎么交流", "要交什么材料"], "由县教育局负责组织实施",
         "加强交流合作"),
        ("named", ["有哪些学校参加", "在哪几个县先行", "名单是什么", "同哪所高校共建", "是哪三个区", "在哪个县",
                   "龙头学校是哪两所", "请的是哪家评估机构", "具体是哪一家", "结对的具体是哪所农村学校",
                   "对口的是哪所中学", "先行的县具体是哪几个?", "评估机构是哪一家?"],
         ["有哪些要求", "有哪几种模式", "名单多长时间公布一次", "由哪所学校领衔", "归哪个学校管", "哪个区级部门负责",
          "由哪家单位负责", "从哪两个方面考核", "具体是哪几个方面的要求", "机构是哪一年成立的?"],
         "在杨浦、徐汇、闸北4区先行试点",
         "组织优质学校结对帮扶农村学校"),
        ("penalty", ["考核不达标会怎样", "会被问责吗", "有什么处罚", "完不成会受到什么处理"], ["有什么奖励", "怎么考核"], "对工作不力的追究责任",
         "定期开展考核"),
        ("reward", ["做得好有什么奖励", "有没有好处", "评职称会倾斜吗"], ["不达标怎么办", "怎么评职称"], "对成效突出的学校表彰奖励",
         "开展评估"),
        ("procedure", ["要走什么流程", "怎么申请加入", "需要审批吗", "怎么申报"], ["为什么要加入", "加入以后做什么", "能申报哪类设备"], "报当地人民政府批准后实施",
         "积极推进改革"),
        ("criteria", ["按什么标准评定", "够什么条件才能评上", "任职条件是什么", "考核标准是什么", "验收细则有哪些"],
         ["认定结果怎么用", "认定以后做什么", "考核结果怎么用"],
         "具备条件的学校可以申请", "教育局要明确校长任职条件"),
    ],
)  # fmt: skip
def test_answer_kinds(kind, asked, not_asked, given, not_given):
    k = KINDS[kind]
    assert all(k.asked.search(x) for x in asked), [x for x in asked if not k.asked.search(x)]
    assert not any(k.asked.search(x) for x in not_asked), [x for x in not_asked if k.asked.search(x)]
    assert k.strict and k.states(given) and not k.states(not_given)


@pytest.mark.parametrize(
    ("question", "sentence", "counts"),
    [("要选几名学科带头人?", "选派3名学科带头人", True), ("要选几名学科带头人?", "至少派出1名中层干部", False),
     ("至少选派几个后备干部?", "至少派出1名中层或后备干部", True), ("几所学校?", "以一所优质学校为龙头", False),
     ("几所学校?", "捆绑对应若干所学校", False), ("招几个骨干教师?", "每年招聘2名市级骨干教师", True),
     ("新增多少名音乐教师?", "全市新增音乐专职教师222人", True), ("在多少所学校试点?", "在百所小学一年级开始实施", True),
     ("2017年有多少县区推行?", "各市80%以上的县(市、区)推行改革", True), ("学校每班最多多少人?", "农村学校数占比为87.4%", False),
     ("首批有几个县参加?", "首批确定12县参加", True), ("多少个区要成立指导中心?", "全市7个区成立", True),
     ("有几个区长?", "在4区先行", False), ("几个县的教研员?", "在4区先行", False),
     ("全县一共有多少所初中?", "初中学校数占比为40%", False), ("有多少县推行?", "80%以上的县推行", True),
     ("有多少学生参加?", "覆盖全市50%的学校", False), ("有多少学生参加?", "全市1200名学生参加", True),
     ("到2015年有几个县达标?", "2015年30%的县(3个)达标", True), ("有几个县参加?", "全县学校都要参加", False),
     # the word then its number: the number must end the phrase, not count a noun after it
     ("每校派几名骨干教师?", "选派骨干教师3名以上", True), ("每校派几名骨干教师?", "骨干教师不少于2名。", True),
     ("全县组建了多少个教育集团?", "教育集团吸收合并2-3所薄弱学校", False),
     ("一共组建了几个联盟?", "联盟内每校派出1名干部", False)],
)  # fmt: skip
def test_a_count_is_of_what_the_question_counts(question, sentence, counts):
    (count,) = [k for k in kinds_asked(question) if k.name == "count"]
    assert count.states(sentence) is counts


@pytest.mark.parametrize(
    ("question", "sentence", "states"),
    [("城区学校的教师占全县教师的比例是多少?", "城区学校教师占比为40%", True),
     ("城区学校的教师占全县教师的比例是多少?", "城区学校数占比为40%", False),
     ("乡村学生占多大比重?", "全县乡村学校在校生占比为55.7%", True),
     ("乡村学生占多大比重?", "乡村学校数占比为87.4%", False),
     ("覆盖率要达到多少?", "帮扶覆盖面达到60%以上", True), ("覆盖率要达到多少?", "帮扶覆盖面逐年扩大", False),
     ("乡村教师人数占比是多少?", "乡村教师占比为30%", True),  # 人数 says what is counted, not of whom
     ("乡村教师人数占比是多少?", "乡村学校数占比为87.4%", False),
     # the region, its scope (全市) and a hedge (大概) say nothing of what the share is of
     ("葫芦岛全市城区学校大约占多大比重?", "我市城区学校数占比为40%", True),
     ("葫芦岛全市城区学校大约占多大比重?", "我市乡村学校数占比为60%", False)],
)  # fmt: skip
def test_a_share_is_of_what_the_question_measures(question, sentence, states):
    (share,) = [k for k in kinds_asked(question) if k.name == "share"]
    assert share.states(sentence) is states


def test_a_school_of_nine_years_is_no_duration():
    duration = KINDS["duration"]
    assert duration.states("校长任期三年") and duration.states("交流时间不少于1学年")
    assert not duration.states("纳入九年一贯制学校管理") and not duration.states("面向三年级学生") and not duration.states("实行五年制")


def test_a_period_frames_a_question_unless_a_yes_no_asks_it():
    assert analyze("这两年里一共要新建几所初中?", []).topic_terms == ["新建", "初中"]
    assert "三年" in analyze("一个任期是不是三年?", []).topic_terms


def test_what_a_follow_up_adds_is_its_own_words_not_the_kind_it_asks_for():
    assert analyze("骨干教师 流动 奖励", [], asked_by="奖励").asked_terms == []
    assert analyze("联片教研 指导", [], asked_by="谁来指导").asked_terms == ["指导"]


@pytest.mark.parametrize(
    ("question", "asks_parts"),
    [
        ("联盟的一体化考核具体考哪几项?", True),
        ("那张登记表上都有哪些栏目要填?", True),
        ("帮扶从哪几块入手?", True),
        ("集团章程要写进哪些条款?", True),
        ("集团化办学有哪些要求?", False),
        ("结对的是哪几所学校?", False),
        ("能不能只考其中几项?", False),
    ],
)
def test_a_question_on_the_items_of_something_asks_for_parts(question, asks_parts):
    assert ("parts" in {k.name for k in kinds_asked(question)}) is asks_parts


def test_parts_are_stated_by_a_list_of_what_the_question_names_not_by_any_list():
    parts = next(k for k in kinds_asked("联盟的一体化考核具体考哪几项?") if k.name == "parts")
    assert parts.strict
    assert parts.states("考核内容包括办学理念、课程建设、教学质量等")
    assert parts.states("在办学理念、管理理念、教学管理等方面进行考核")
    assert not parts.states("通过搭建管理互促、研训互动、资源共享平台,实施一体化评价、考核")
    assert not parts.states("实行一体化考核,考核结果纳入年度评价")
    assert parts.states("全方位考虑师资、课程、设施,管理等方面的帮扶")  # a comma before the last item
    assert parts.states("开展对师德、教学、教研的考核")  # A、B、C的X


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("分几年推开?", {"schedule"}),  # a rollout's years, not a length
        ("进度怎么安排?", {"schedule"}),
        ("校长任期几年?", {"duration"}),
    ],
)
def test_a_schedule_is_not_a_length(question, kinds):
    assert {k.name for k in kinds_asked(question)} == kinds


def test_how_a_schedule_is_arranged_is_no_topic():
    assert "安排" not in analyze("山西的进度怎么安排?", []).topic_terms


def test_function_words_are_no_topic():
    assert analyze("每个县或者每个区都要设中心校吗?", []).topic_terms == ["中心校"]
    assert "实际" not in analyze("交流的老师实际能拿到哪些补助?", []).topic_terms, "an intensifier, like 具体"


def test_a_city_names_itself_as_the_whole_city():
    assert set(glossary().forms("全市")) == {"全市", "本市", "我市"} and "我省" in glossary().forms("全省")
    assert "全省" not in glossary().forms("全市")


@pytest.mark.parametrize(
    ("question", "yes_no", "predicate"),
    [("集团成立以后总校会派老师来代课吗?", True, "派老师来代课"), ("发不发生活补助?", True, "生活补助"),
     ("是否需要审批?", True, "需要审批"), ("能不能连续当两任校长?", True, "连续当两任校长"),
     ("可不可以从外省聘请教练?", True, "从外省聘请教练"), ("交流回来以后要写什么总结吗?", True, "写什么总结"), ("回来以后交到哪个部门吗?", False, ""),
     ("学区怎么划分?", False, ""), ("哪些学校要参加?", False, ""), ("每学期初要上报什么?", False, ""),
     ("可以跨区交流么?", True, "跨区交流")],
)  # fmt: skip
def test_yes_no_questions_and_what_they_ask_whether(question, yes_no, predicate):
    assert asks_yes_no(question) is yes_no
    assert (yes_no_predicate(question) if yes_no else "") == predicate


@pytest.mark.parametrize(
    ("question", "noun"),
    [("山西重点推的办学模式有几种?", "办学模式"), ("集团化办学有几种形式?", "形式"), ("主推哪几种办学模式?", "办学模式"),
     ("帮扶形式总共有哪几种?", "形式"), ("集团化办学有几个学校?", "")],  # 几个 counts, it lists no kinds
)  # fmt: skip
def test_what_a_question_asks_the_kinds_of(question, noun):
    assert listed_noun(question) == noun


@pytest.mark.parametrize(
    ("sentence", "framing"),
    [("为促进城乡均衡发展,各县市要给予经费保障,对农村教师要发放交通补贴。", False),  # a purpose, then a provision
     ("为加快推进学区化办学,区县要建立学区管理委员会。", False),
     ("为深入贯彻全会精神,现提出如下意见。", True),  # it announces the document
     ("为进一步推进改革,各地要高度重视,要建立工作机制。", True),  # it exhorts
     ("为促进教育公平,特制定本方案。", True)],
)  # fmt: skip
def test_a_purpose_opening_a_provision_does_not_frame_it(sentence, framing):
    assert is_framing(sentence) is framing


def test_which_they_are_asks_for_the_items_not_a_definition():
    items = analyze("重点推的办学模式有几种,分别是啥?")
    assert items.asks_for_list and "definition" not in [k.name for k in items.kinds]
    assert [k.name for k in analyze("学区制是啥?").kinds] == ["definition"]


@pytest.mark.parametrize(
    ("question", "definition"),
    [("龙头学校考核的重点是啥?", False), ("上海推骨干教师流动,总的原则是啥?", False),
     ("二道区的集团化办学主要任务是啥?", False),
     ("“2—1—2”工程是啥?", True), ("联盟捆绑是啥?", True), ("“1+X”到底是啥意思?", True)],
)  # fmt: skip
def test_what_an_aspect_is_asks_for_its_content_not_a_definition(question, definition):
    assert ("definition" in [k.name for k in analyze(question).kinds]) is definition


def test_of_whom_a_yes_no_question_asks():
    assert yes_no_subject("巴州的民办学校能不能参加联盟?") == "巴州的民办学校"
    # the part asking whether, not a later part asking for the detail
    assert yes_no_predicate("新教师在学历上有没有硬性要求,具体是什么?") == "硬性要求"
    assert yes_no_subject("新教师在学历上有没有硬性要求,具体是什么?") == "新教师在学历上"
    assert yes_no_subject("集团成立以后,总校会派老师来代课吗?") == "总校"
    assert yes_no_subject("是否需要审批?") == ""


@pytest.mark.parametrize(
    ("question", "kind", "sentence", "states"),
    [("城区初中的生师比要控制在多少?", "ratio", "初中生师比不高于13.5:1", True),
     ("城区初中的生师比要控制在多少?", "ratio", "按生师比核定教职工编制", False),
     ("班师比按什么标准定?", "ratio", "小学班师比为1∶2.1", True),
     ("新建小学的服务半径不能超过多少米?", "measure", "小学服务半径不超过1000米", True),
     ("新建小学的服务半径不能超过多少米?", "measure", "合理确定学校服务半径", False),
     ("学校离家多远算就近?", "measure", "就近入学距离原则上不超过3公里", True)],
)  # fmt: skip
def test_a_ratio_or_a_distance_is_stated_by_a_number_with_its_unit(question, kind, sentence, states):
    (asked,) = [k for k in kinds_asked(question) if k.name == kind]
    assert asked.states(sentence) is states


@pytest.mark.parametrize(
    ("sentence", "states"),
    [("市、县教师进修院校要积极研究帮扶中出现的问题", True),  # the body as the doer of the act asked
     ("区教育局负责统筹协调", True),  # a body in charge, as before
     ("要积极研究帮扶中出现的问题", False),  # the act, done by no body
     ("教师进修院校要开展专题培训", False)],  # a body doing another act
)  # fmt: skip
def test_who_does_an_act_is_stated_by_a_body_doing_it(sentence, states):
    (body,) = [k for k in kinds_asked("教学上的难题由哪家单位来研究?") if k.name == "body"]
    assert body.states(sentence) is states


@pytest.mark.parametrize(
    ("sentence", "states"),
    [("鼓励义务教育优质学校跨行政区域派驻教师、开展教研、提供资源", False),  # 教研 after 开展 is an activity
     ("省人民政府教育督导委员会办公室将定期对各市办学模式改革工作进行督导检查", True),  # a body acting on a long object
     ("州教研室要加强对各联盟捆绑活动的指导", True),
     ("要加强对各联盟捆绑活动的指导", False),  # the act, done by no body
     ("区教育局负责统筹协调", True),
     ("学区内学校以一所优质学校为学区长学校", True), ("成立由区政府主要领导为组长的领导小组", True),  # made the head
     ("以学生发展为核心", False), ("以资源共享为目标", False)],
)  # fmt: skip
def test_a_body_is_the_doer_not_an_activity_named_like_one(sentence, states):
    (body,) = [k for k in kinds_asked("由哪个部门牵头?") if k.name == "body"]
    assert body.states(sentence) is states


@pytest.mark.parametrize("question", ["生师比偏高怎么办?", "学区覆盖几个乡镇?", "集团里有几所学校?", "比例是多少?"])
def test_no_ratio_or_distance_is_asked_without_asking_its_value(question):
    assert not {"ratio", "measure"} & {k.name for k in kinds_asked(question)}


@pytest.mark.parametrize(
    ("question", "penalty"),
    [("考核达不到要求的学校怎么办?", True), ("任务没完成会怎样?", True), ("满意度没达到目标,会被要求整改还是摘牌?", True),
     ("没做到资源共享的集团要被通报吗?", True), ("达不到条件的学校能不能加入联盟?", False), ("哪年要达到85%?", False)],
)  # fmt: skip
def test_falling_short_with_what_follows_asks_for_a_sanction(question, penalty):
    assert ("penalty" in [k.name for k in kinds_asked(question)]) is penalty


@pytest.mark.parametrize(
    ("question", "kinds"),
    [("教研一学期搞的次数有规定吗?", ["frequency"]), ("交流有没有比例要求?", ["share"]), ("交流比例有没有明确要求?", ["share"]),
     ("次数多了会不会影响教学?", []), ("每学期搞三次教研活动,有没有规定?", [])],
)  # fmt: skip
def test_whether_a_quantity_is_set_asks_for_its_value(question, kinds):
    assert [k.name for k in kinds_asked(question)] == kinds


def test_the_serial_of_a_document_number_is_no_day():
    day = KINDS["day"]
    assert not day.states("结合《实施意见》(辽政办发〔2018〕53号),积极推进") and not day.states("(葫教发〔2020〕4 号)")
    assert day.states("于4月20日前报市教育局") and day.states("15号之前交")


def test_a_mechanism_of_accountability_states_no_sanction():
    penalty = KINDS["penalty"]
    assert not penalty.states("各县要建立督导检查和问责机制,开展督促检查。")
    assert penalty.states("对工作不力的单位实施行政问责。")


@pytest.mark.parametrize(
    ("question", "kinds"),
    [("哪所学校要是没完成帮扶任务,会怎么处理?", ["penalty"]), ("全省哪个县如果没推开,会被问责吗?", ["penalty"]),
     ("帮扶结对的是哪所学校?", ["named"]), ("在哪个县先行,先行的县没完成会怎么处理?", ["named", "penalty"])],
)  # fmt: skip
def test_which_one_said_of_under_a_condition_is_anyone(question, kinds):
    assert [k.name for k in kinds_asked(question)] == kinds


def test_how_many_items_is_stated_by_a_number_or_by_their_list():
    (count,) = kinds_asked("要求学生学会几项特长?")
    assert count.name == "count"
    assert count.states("确保学生学会1-2项音体美等特长技能")
    assert count.states("考核内容包括教学质量、师资建设、资源共享等方面")
    assert not count.states("全面实施素质教育,培养学生的创新意识")
    assert [k.name for k in kinds_asked("联盟的一体化考核具体考哪几项?")] == ["parts"], "哪几项 asks for the items"


def test_a_number_inside_a_yes_no_question_is_no_quantity_asked():
    assert [k.name for k in kinds_asked("可不可以和周边几所初中合办一个集团?")] == []
    assert [k.name for k in kinds_asked("专项经费市里给每个区县拨了多少?")] == ["amount"], "a sum granted, 了 or not"
    assert [k.name for k in kinds_asked("他们对口支援哪一所乡村学校?")] == ["named"], "哪一所 asks which school"
    assert [k.name for k in kinds_asked("给每个试点区拨了多少所学校?")] == ["count"]
    assert [k.name for k in kinds_asked("会被问责吗?")] == ["penalty"], "a yes/no question still asks for its kind"
    assert [k.name for k in kinds_asked("校长要是考核垫底会被撤职吗?")] == ["penalty"], "removal from post is a sanction"


@pytest.mark.parametrize(
    ("question", "kind", "asked"),
    [
        ("对优秀率有没有设定一个比例?", "share", True),
        ("是否明确了交流教师的比例?", "share", True),
        ("有没有规定补助标准?", "amount", True),
        ("交流教师有没有任期?", "duration", True),
        ("是否要求比例达到50%?", "share", False),  # the value is given: asks whether it holds
        ("城区学校是否要按比例派老师?", "share", False),  # 按比例 is a way of sending, not a figure asked
        ("算覆盖率的时候村小是单独算一所吗?", "share", False),  # the share is the setting, not what is set
        # the value asked in a part of its own, beside asking whether one is set
        ("有没有硬性要求,交流比例要到百分之几?", "share", True),
        ("每个集团拨多少钱,有标准吗?", "amount", True),
        ("几所学校组成一个集团,有规定吗?", "count", True),
        ("能不能跟几所小学结对,有限制吗?", "count", False),  # 几所 inside the part asking whether
        # a bare value question after the part naming the quantity asks its value
        ("轮岗教师所占比例有没有个底线,是多少?", "share", True),
        ("补助标准有没有统一规定,具体是多少?", "amount", True),
        ("轮岗教师所占比例有没有个底线?", "share", False),
        ("有没有下限,比例达到50%就行吗?", "share", False),
    ],
)  # fmt: skip
def test_a_yes_no_question_asks_for_a_quantity_when_it_asks_whether_one_is_set(question, kind, asked):
    assert (kind in [k.name for k in kinds_asked(question)]) is asked


@pytest.mark.parametrize(
    ("sentence", "framing"),
    [("为深入贯彻落实全国教育大会精神,现提出如下意见。", True), ("推进学区化办学是深化综合改革的重要举措。", True),
     ("各地要高度重视,加强领导。", True), ("深入贯彻落实党的十八大精神,以促进均衡发展为宗旨。", True),
     ("到2017年底,覆盖全市50%的学校。", False), ("各校要选派骨干教师下乡任教。", False),
     ("根据学校分布合理组建学区。", False), ("以党的十八大精神为指针,以促进教育公平为宗旨,遵循统筹原则。", True),
     ("以优质学校为龙头组建集团。", False), ("测评结果作为学生综合素质评价的重要内容。", False),
     ("美育工作列为学校考核的重要内容。", False)],
)  # fmt: skip
def test_framing_sentences(sentence, framing):
    assert is_framing(sentence) is framing


@pytest.mark.parametrize(
    ("sentence", "preamble"),
    [("为进一步落实省里的部署,按照年度考核工作要求,现将有关事项通知如下:", True),
     ("为深入推进均衡发展,特制定本方案。", True),
     ("为促进城乡均衡发展,各县市要给予经费保障,发放交通补贴。", False),  # framed, but it provides
     ("各校要在年度考核中体现帮扶成效。", False)],
)  # fmt: skip
def test_a_preamble_announces_the_document_and_provides_nothing(sentence, preamble):
    assert is_preamble(sentence) is preamble


@pytest.mark.parametrize(
    ("sentence", "named"),
    [("长春市第二实验中学与东站小学组成联盟", True), ("2015年完成长江小学异地建设", True), ("与东北师范大学合作", True),
     ("覆盖全市50%的义务教育阶段学校", False), ("统筹城乡中小学布局", False),
     ("以优质学校为龙头组建集团", False), ("合理组建结对帮扶学校", False), ("建设一所九年一贯制学校", False),
     ("对三个大学区实行统一管理", False)],
)  # fmt: skip
def test_a_named_school(sentence, named):
    assert names_a_school(sentence) is named


def test_variants_stand_for_their_term_but_short_ones_only_as_words():
    assert ("老师", "教师") in variant_terms("老师要去乡下学校吗")
    assert not any(v == "师大" for v, _ in variant_terms("教师大量流失"))
    assert not any(term == "教师" for _, term in variant_terms("教师和老师")), "the term itself is named"
    # how people say migrant workers' children, and how the plans write them
    assert ("外来务工人员的孩子", "流动人口适龄子女") in variant_terms("外来务工人员的孩子上学怎么安排")
    assert ("外来务工人员子女", "流动人口适龄子女") in variant_terms("外来务工人员子女能就近入学吗")


def test_analysis_separates_known_and_unknown_regions():
    analysis = analyze("上海和天津的集团化办学各有什么要求?", {"上海市"})
    assert analysis.regions == ("上海市",) and analysis.unknown_regions == ("天津市",)
    assert "上海" in analysis.region_forms and analysis.comparative is False
    assert analysis.modes == ("集团化办学",) and "上海" not in analysis.words
    inside = analyze("吉林省长春市二道区怎样补充教师", {"二道区"})
    assert inside.regions == ("二道区",) and inside.unknown_regions == (), "吉林省 holds the known district"


def test_a_document_pointed_at_is_where_to_look_not_what_about():
    assert not {"实施", "方案", "实施方案"} & set(analyze("山西那份实施方案里有奖惩的规定吗?", {"山西省"}).words)
    assert "通知" in analyze("葫芦岛这份通知的文号是多少?", {"葫芦岛市"}).words, "asked about the document itself"
    assert "方案" in analyze("实施方案要报给谁?").words, "a plan named without pointing at it is the topic"
    assert "规划" not in analyze("二道区那个规划里明年要建几所学校?", {"二道区"}).words
    assert "方案" in analyze("这个方案要报给谁?").words, "这个方案 without 里 may be the plan asked about"
    assert "文件" not in analyze("省里文件中提到的捆绑考核怎么搞?").words, "文件中 says where to look"
    assert "文件" in analyze("这份文件的文号是什么?").words, "asked about the document itself"


def test_content_terms_leave_out_regions_and_interrogatives():
    analysis = analyze("上海对教师交流有什么规定?", {"上海市"})
    assert "教师交流" in analysis.content_terms
    assert not {"上海", "什么"} & set(analysis.words)
    assert strip_framing("上海有哪些要求", ("上海",)).strip("，").split("，") == ["有", "要求"]
    assert {"部门", "落实"} <= set(tokenize(strip_framing("州局哪个部门来落实"))), "no word across what was cut"
    assert not {"局部", "门来"} & set(tokenize(strip_framing("州局哪个部门来落实")))


@pytest.mark.parametrize(
    ("topic", "core"),
    [("各地对组织领导分别有什么要求?", "组织领导"), ("各文件在校长和干部培养方面有什么措施?", "校长和干部培养"),
     ("学区制管理", "学区制管理"), ("各地文件对校长的选拔任用分别是怎么规定的?", "校长的选拔任用"),
     ("不同地区关于经费投入有哪些规定", "经费投入"), ("请问各省市对教研活动的安排", "教研活动"),
     ("五个文件对校长任期分别怎么讲?", "校长任期"), ("这两份文件里学区划分有何不同", "学区划分")],
)  # fmt: skip
def test_core_topic(topic, core):
    assert core_topic(topic) == core


@pytest.mark.parametrize(
    ("core", "head"),
    [("办学模式改革工作开展督导检查", "督导检查"), ("学区化办学进行绩效评价", "绩效评价"), ("校长的选拔任用", "选拔任用"),
     ("开展教师培训", ""), ("教师交流", ""), ("集团的", ""), ("组织领导方面, 是 分工、 牵头", "组织领导"),
     ("经费保障上, 钱从哪来", "经费保障"), ("上海,集团 办", ""), ("教师交流、流动上", ""),
     ("经费保障方面,各地的标准", "经费保障"), ("用城区学校带动乡村学校", "")],
)  # fmt: skip
def test_topic_head(core, head):
    assert topic_head(core) == head


def test_topic_tokens_join_split_characters_and_drop_framing_words():
    assert "任用" in topic_tokens("校长任用") and "校长" in topic_tokens("校长任用")
    assert topic_tokens("经费的安排") == ["经费"] and topic_tokens("安排") == ["安排"], "kept when nothing else is"


# --- headers of exported and saved documents ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "read"),
    [("（沪府办发〔2016〕24号）", ("沪府办发〔2016〕24号", "")), ("（鲁教体发〔2018〕1号 2018年4月16日）", ("鲁教体发〔2018〕1号", "2018-04-16")),
     ("（2017年08月14日）", ("", "2017-08-14")), ("（泉政办〔2017〕106号 2017年）", ("泉政办〔2017〕106号", "")),
     ("(教体艺厅函〔2019〕52号)", ("教体艺厅函〔2019〕52号", "")), ("（试行）", None), ("（征求意见稿）", None),
     ("（2021—2023年）", None), ("（见附件1）", None)],
)  # fmt: skip
def test_header_parenthesis(line, read):
    assert header_parenthesis(line) == read


@pytest.mark.parametrize(
    ("text", "iso"),
    [("二〇一一年十一月九日", "2011-11-09"), ("二○一一年二月二十四日", "2011-02-24"), ("二〇二〇年十月十日", "2020-10-10"),
     ("二〇一六年十二月三十一日", "2016-12-31"), ("二〇一六年十三月一日", "")],
)  # fmt: skip
def test_dates_in_chinese_numerals(text, iso):
    assert iso_date(text) == iso
    assert is_date_line(text) is bool(re.fullmatch(r"[〇○一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日", text))


@pytest.mark.parametrize(
    ("issuer", "national"),
    [("教育部", True), ("教育部办公厅", True), ("国务院办公厅", True), ("国家体育总局", True), ("中共中央办公厅", True),
     ("某市教育局", False), ("山西省教育厅", False), ("国际学校", False)],
)  # fmt: skip
def test_central_organs_govern_the_country(issuer, national):
    assert (issuer_division(issuer).level == NATIONAL) is national


def test_a_name_inside_a_longer_one_is_no_mention_of_its_own():
    assert find_places("吉林省教育厅").all == ["吉林省"], "吉林 inside 吉林省 is not 吉林市"
    assert find_places("吉林市人民政府").all == ["吉林市"]
    assert find_places("新疆生产建设兵团办公厅").all == ["新疆生产建设兵团"]
    assert find_places("文山州人民政府").cities == ["文山壮族苗族自治州"]


@pytest.mark.parametrize(
    ("pattern", "positive", "negative"),
    [
        (ORDINAL_REFERENCE, ["第二条具体怎么做", "第3点是什么意思", "那第一项呢"], ["第二批名单", "第一次会议", "二条措施"]),
        (ANAPHORA, ["那上海呢", "这个有时间要求吗", "还有别的吗", "上述措施由谁负责"], ["上海有什么规定", "学区怎样划分", "其他几所新学校呢"]),
        (MORE_CUE, ["还有呢", "另外呢?", "还有其他要求吗", "除了经费,还有哪些保障", "除了挂职还有什么交流",
                    "其他几所新学校呢?", "别的形式呢"],
         ["学区怎样划分", "除了学校以外的场所", "有没有补贴", "其他学校有什么要求?", "其他科室分别管什么?"]),
        (DOCUMENT_POINTER, ["那份通知里", "这个规划中", "方案里"], ["学区怎样划分"]),
    ],
)  # fmt: skip
def test_follow_up_cues(pattern, positive, negative):
    assert all(pattern.search(q) for q in positive), [q for q in positive if not pattern.search(q)]
    assert not any(pattern.search(q) for q in negative), [q for q in negative if pattern.search(q)]


@pytest.mark.parametrize(
    ("line", "title"),
    [("某市学校美育工作实施方案", True), ("象山区区属学校体育美育兼职教师管理办法（试行）", True),
     ("三年行动计划（2021—2023年）", True), ("地点：教育部北楼二层报告厅", False), ("学校美育工作", False)],
)  # fmt: skip
def test_a_title_ends_with_its_kind(line, title):
    assert ends_with_type(line) is title


@pytest.mark.parametrize(
    ("issuer", "forms"),
    [("西安市教育局办公室", ("西安市教育局办公室", "西安市教育局")), ("教育部办公厅", ("教育部办公厅", "教育部")),
     ("山西省教育厅", ("山西省教育厅",)), ("江苏省教育厅、江苏省财政厅", ("江苏省教育厅", "江苏省财政厅")),
     ("市政府办公室", ()), ("州教育局", ()), ("南方+", ()), ("", ())],
)  # fmt: skip
def test_how_a_question_names_an_issuing_organ(issuer, forms):
    assert organ_forms(issuer) == forms


@pytest.mark.parametrize(
    ("text", "name", "named"),
    [("教育部要求北京、上海等地", "教育部", True), ("区县教育部门和优质学校之间", "教育部", False),
     ("西安市教育局办公室转发的通知", "西安市教育局", True), ("巴州教育局的班子成员", "巴州教育局", True),
     ("学区长学校", "学区", False)],
)  # fmt: skip
def test_names_as_words(text, name, named):
    assert names_as_words(text, name) is named


def test_a_besides_cue_keeps_what_the_question_asks_besides():
    assert MORE_CUE.sub(" ", "除了经费,人员上还有哪些保障吗").split() == ["人员上", "保障吗"]


def test_a_standard_of_money_asks_for_a_sum_and_how_often_is_no_duration():
    assert [k.name for k in kinds_asked("县里按什么标准发交通补贴?")] == ["amount"]
    assert [k.name for k in kinds_asked("校长任职要符合什么标准?")] == ["criteria"]
    assert [k.name for k in kinds_asked("督导多久搞一次?")] == ["frequency"]
    assert [k.name for k in kinds_asked("老师交流多久?")] == ["duration"]


@pytest.mark.parametrize(
    ("question", "sentence", "counts"),
    [("领导小组有多少个部门参加?", "由省教育厅、省财政厅等15个部门和单位组成", True),
     ("领导小组有多少个部门参加?", "领导小组每年召开1次会议", False),
     ("一周要开几节美术课?", "按照每周16～18课时的标准配足美育教师", True), ("一周要开几节美术课?", "每年安排不少于20人次", False)],
)  # fmt: skip
def test_a_count_is_found_with_a_word_of_what_is_counted_close_after_it(question, sentence, counts):
    patterns = [re.compile(p) for p in count_patterns(question)]
    (count,) = [k for k in kinds_asked(question) if k.name == "count"]
    assert bool(patterns) and any(p.search(sentence) for p in patterns) is counts
    assert count.states(sentence) is counts


def test_a_framing_sentence_that_goes_on_to_instruct_is_two_provisions():
    from policytext.asks import provisions_of

    whole = "为贯彻落实省里精神,我们制定了实施方案,现印发你们,请组织讨论,于2014年3月15日前将意见报州教育局普教科。"
    head, tail = provisions_of(whole)
    assert is_framing(head) and tail.startswith("请组织讨论") and not is_framing(tail)
    assert provisions_of("为贯彻落实省里精神,现提出如下意见。") == ["为贯彻落实省里精神,现提出如下意见。"]
    assert provisions_of("各县要于3月15日前报送方案,请认真落实。") == ["各县要于3月15日前报送方案,请认真落实。"], "no framing"



@pytest.mark.parametrize(
    ("term", "sentence", "explained"),
    [("弹性学制", "试行“弹性学制”,即学生可在三至五年内修完课程。", True),
     ("捆绑评价", "对联盟学校实行“捆绑评价”:统一考核办学质量和教师发展。", True),
     ("1+n", "由一所名校带动若干所学校,组成“1+N”办学共同体。", True),
     ("联合体式", "2.联合体式。", True),
     ("三统一", "各校要落实“三统一”要求,加强常规管理。", False),
     ("双师课堂", "各校可建立“双师课堂”、“名师讲堂”等载体。", False),
     ("阳光指数", "以“阳光指数”和督导结果为依据,评价学校办学。", False),
     ("名校长工作室", "通过名师送教、名校长工作室等形式带动薄弱学校。", False)],
)  # fmt: skip
def test_a_sentence_explains_a_term_or_only_names_it(term, sentence, explained):
    from policytext.asks import explains

    assert explains(term, sentence) is explained


def test_what_a_quoted_term_means_or_holds_must_be_explained():
    from policytext.asks import quoted_term_patterns

    (contents,) = [k for k in kinds_asked("“弹性学制”都包括哪些内容?") if k.name == "contents"]
    assert contents.strict and contents.states("试行“弹性学制”,即学生可在三至五年内修完课程。")
    assert not contents.states("各地要积极推行“弹性学制”,扩大学校办学自主权。"), "named, not explained"
    assert "contents" in [k.name for k in kinds_asked("文件里的“捆绑评价”是什么意思?")]
    assert "contents" not in [k.name for k in kinds_asked("捆绑评价是什么意思?")], "only a term the question quotes"
    assert "contents" not in [k.name for k in kinds_asked("“蓄水池”的作用是什么?")], "a purpose, not contents"
    assert "contents" not in [k.name for k in kinds_asked("“捆绑评价”由哪个部门负责?")], "a body is asked"
    assert [k.name for k in kinds_asked("“捆绑评价”由哪几部分构成?")] == ["contents"], "what it is made of"
    assert "body" in [k.name for k in kinds_asked("领导小组由哪些部门组成?")], "made of bodies"
    assert "结构" not in analyze("“1+N”到底是个啥结构?").topic_terms, "what the contents are called"
    (pattern,) = quoted_term_patterns("“2-1-3”工程包括哪些部分?")
    assert re.search(pattern, "实施“2—1—3”工程") and not re.search(pattern, "实施“2—1—2”工程")
    (pattern,) = quoted_term_patterns("“1+X”指什么?")
    assert re.search(pattern, "组成“１＋ｘ”学区") and re.search(pattern, "组成1+X学区")


@pytest.mark.parametrize(
    ("question", "event"),
    [("图书馆哪一年建成投入使用?", "建成投入使用"), ("覆盖一半以后,全覆盖定在哪一年?", "全覆盖"),
     ("方案最迟什么时候报到市里?", "报到市里"), ("联盟什么时候成立的?", "成立"), ("谁负责审核?", ""),
     ("巡查从哪一年开始、多久一轮?", "巡查"), ("聘期几年、从几月到几月?", ""), ("哪年完成校舍改造?", "校舍改造"),
     ("全省中小学体育场馆向社会开放工作从哪一年开始?", ""), ("报名截止到哪天?", "报名"), ("截止到哪天?", ""), ("截至几号呢?", "")],
)  # fmt: skip
def test_what_a_question_asks_the_date_of(question, event):
    from policytext.asks import asked_event

    assert asked_event(question) == event


@pytest.mark.parametrize(
    ("question", "counts"),
    [("其他几所新学校呢?", False), ("另外几个集团怎么安排?", False), ("其余几所学校呢?", False),
     ("另外还要建几所学校?", True), ("还要新建几所学校?", True)],
)  # fmt: skip
def test_the_other_few_is_no_count_asked(question, counts):
    assert ("count" in [k.name for k in kinds_asked(question)]) is counts


def test_which_school_each_of_several_is_led_by_asks_for_names():
    assert "named" in [k.name for k in kinds_asked("这三个联盟分别由哪所学校牵头?")]
    assert "named" in [k.name for k in kinds_asked("几个学区分别由哪几所学校组成?")]
    assert "named" in [k.name for k in kinds_asked("这几个集团分别以哪所学校为核心?")]
    assert "named" in [k.name for k in kinds_asked("两所初中分别跟哪所小学结对?")]
    assert "named" not in [k.name for k in kinds_asked("结对帮扶由哪所学校牵头?")], "a kind of school may answer"
    assert "named" not in [k.name for k in kinds_asked("集团以哪所学校为龙头?")], "a kind of school may answer"


def test_schools_asked_for_by_name_are_not_answered_by_regions():
    (named,) = kinds_asked("第一批参加改革的是哪些学校?")
    assert not named.states("在杨浦、徐汇、闸北、金山4区先行试点的基础上,各区县选择试点全面推进。")
    assert named.states("首批试点为长春市第二实验中学和吉林省第二实验学校。")
    (places,) = kinds_asked("首批在哪些区县试点?")
    assert places.states("在杨浦、徐汇、闸北、金山4区先行试点的基础上,各区县选择试点全面推进。")
    assert "named" in [k.name for k in kinds_asked("哪些乡镇学校参加了联盟?")]
    assert "named" not in [k.name for k in kinds_asked("哪些方面学校要改进?")], "aspects, not schools"


def test_what_a_more_question_says_it_was_given():
    from policytext.question import besides_named

    assert besides_named("除了覆盖率,还有别的指标吗?") == "覆盖率"
    assert besides_named("除了经费以外还有什么保障?") == "经费"
    assert besides_named("还有别的指标吗?") == ""


@pytest.mark.parametrize(
    ("term", "sentence", "listed"),
    [("办学模式", "大力推行联盟、集团、学区、帮扶等多种办学模式改革", True),
     ("办学形式", "集团的办学形式包括委托管理、多法人组合、单一法人等", True),
     ("办学模式", "推进办学模式改革,提高质量", False),
     ("办学模式", "办学模式改革要与均衡发展、就近入学、教师管理统筹推进", False)],
)  # fmt: skip
def test_a_sentence_lists_kinds_of_a_term(term, sentence, listed):
    from policytext.asks import enumerates

    assert enumerates(term, sentence) is listed


def test_a_schedule_is_the_years_of_a_rollout():
    (schedule,) = kinds_asked("那边的时间表怎么定的?")
    assert schedule.name == "schedule" and [k.name for k in kinds_asked("改革进度呢?")] == ["schedule"]
    assert schedule.states("2019年试点,2021年推开")
    assert schedule.states("2020年,全市60%以上的学校参加集团化办学")
    assert not schedule.states("2014年3月11日") and not schedule.states("每学期开展一次研讨")
    assert [k.name for k in kinds_asked("方案什么时候报?")] == ["date"]


def test_how_many_famous_teachers_is_a_count():
    (count,) = kinds_asked("区里每年能引进多少名师?")
    assert count.name == "count" and count.states("每年引入3名省级骨干教师") and not count.states("引入名师资源")
    (studios,) = kinds_asked("全区有多少名师工作室?")
    assert studios.states("建成10个名师工作室"), "名 of 名师 is no measure"


@pytest.mark.parametrize(
    ("question", "noun"),
    [("省里主推哪几种办学模式?", "办学模式"), ("集团能采用哪些办学形式呢?", "办学形式"),
     ("帮扶形式总共有哪几种?", "形式"), ("哪些学校可以参加?", "学校"), ("要报给谁?", "")],
)  # fmt: skip
def test_what_a_which_ones_question_asks_the_kinds_of(question, noun):
    from policytext.question import listed_noun

    assert listed_noun(question) == noun


def test_a_condition_or_a_few_is_not_what_is_asked():
    assert [k.name for k in kinds_asked("要是哪所学校敷衍了事,会怎么处理?")] == ["penalty"], "any school, in a condition"
    assert [k.name for k in kinds_asked("和周边几所村小一起办,教研上有什么要求?")] == [], "几所 after 周边: a few"
    assert [k.name for k in kinds_asked("要派几名教师,派到哪里?")] == ["count", "body"]
    assert [k.name for k in kinds_asked("哪个单位负责?")] == ["body"]


def test_until_which_day_asks_for_a_day_and_截止_is_part_of_the_asking():
    (day,) = kinds_asked("截止到几号?")
    assert day.name == "day" and day.states("于5月10日前报市教育局")
    assert "截止" not in analyze("材料截止到哪天?").topic_terms


def test_which_side_pays_and_who_a_body_is_made_of_ask_for_a_body():
    assert "body" in [k.name for k in kinds_asked("交流期间老师的社保由哪边缴?")]
    assert "body" in [k.name for k in kinds_asked("评估小组由哪些人员构成?")]
    assert "body" not in [k.name for k in kinds_asked("学校要在哪方面改进?")], "an aspect, not a side"


def test_how_a_school_or_post_is_chosen_asks_for_a_procedure():
    (procedure,) = kinds_asked("龙头学校如何选出来?")
    assert procedure.name == "procedure"
    assert procedure.states("学区长学校由县级教育行政部门遴选确定。")
    assert procedure.states("执行校长由总校校长推荐,教育局任命。")
    assert not procedure.states("学区内学校以一所优质学校为学区长学校,捆绑对应若干所学校。")
    assert "procedure" not in [k.name for k in kinds_asked("学区范围怎么确定?")], "by what rule, not by what steps"


@pytest.mark.parametrize(
    ("question", "stands_for", "present"),
    [
        ("县里搞集团化有没有专门的钱?", "经费", True),  # 钱 names a thing: the question is on 经费
        ("联盟学校的钱从哪里出?", "经费", True),
        ("一所龙头学校带几所学校?", "带动", False),  # 带 is an action: 捆绑2-3所 states it without 带动
        ("实施方案几号前要报上去?", "时间", False),  # 前 is a position: 2月底前 says no 时间
    ],
)
def test_a_one_character_word_counts_as_its_term_only_when_it_names_a_thing(question, stands_for, present):
    assert (stands_for in analyze(question).content_terms) is present, analyze(question).content_terms


def test_a_trailing_mei_you_is_a_particle_not_a_word_of_the_question():
    assert TRAILING_PARTICLES.sub("", "还有别的进人渠道没?") == "还有别的进人渠道"
    assert TRAILING_PARTICLES.sub("", "方案报上去了没有？") == "方案报上去了"
    assert TRAILING_PARTICLES.sub("", "有没有") == "有没有", "a question made only of 有没有 keeps it"


def test_a_school_the_question_names_is_no_answer_to_which_school():
    question = "长江小学结对帮扶的是哪所学校?"
    assert not names_a_school("长江小学帮扶工作由区教育局安排", question)
    assert names_a_school("长江小学与东站小学结对", question)
    (named,) = kinds_asked(question)
    assert named.name == "named" and not named.states("长江小学帮扶工作由区教育局安排")


def test_how_many_times_is_answered_by_a_number_of_times_not_by_regularly():
    (times,) = kinds_asked("联席会议一年开几次?")
    assert times.states("每年召开两次联席会议") and times.states("每学期至少开展1-2次研讨")
    assert not times.states("定期召开联席会议")
    (often,) = kinds_asked("联席会议多久开一次?")
    assert often.states("定期召开联席会议"), "多久一次 takes 定期 as its answer"


def test_a_school_listed_with_the_question_s_own_is_no_answer_to_which_school():
    question = "学院附中具体对口帮扶的是哪一所农村学校?"
    assert not names_a_school("学院附中、学院附小帮扶工作由市教育局安排", question), "both are the subject"
    assert not names_a_school("《长江小学章程》学院附中帮扶工作由市教育局安排", question), "a title names no partner"
    assert names_a_school("学院附中、学院附小帮扶英俊镇中学", question), "a school outside the list is named"
    assert names_a_school("学院附中与东站小学结对", question), "与 joins partners, not a list"
    assert names_a_school("学院附中、学院附小帮扶工作由市教育局安排"), "asked of no school, both are named"


@pytest.mark.parametrize(
    ("question", "kinds"),
    [("上海一个法人带几个校区的那种,校区校长是怎么产生的?", ["procedure"]),  # the part only says which mode
     ("一个集团带几个校区,校区校长怎么产生?", ["count", "procedure"]),
     ("上海一个法人带几个校区?", ["count"])],
)  # fmt: skip
def test_a_part_describing_which_kind_is_meant_asks_nothing(question, kinds):
    assert [k.name for k in kinds_asked(question)] == kinds


@pytest.mark.parametrize(
    ("text", "years"),
    [("葫芦岛2021年优质校帮扶", {2021}), ("晋教基〔2015〕27号文里", set()), ("二道区(2014—2016年)规划", {2014, 2015, 2016}),
     ("《指导意见(试行)(2020-2022年)》(葫教发〔2020〕4 号)", {2020, 2021, 2022}), ("每年引入1-2名", set())],
)  # fmt: skip
def test_the_years_a_text_names(text, years):
    assert years_named(text) == years


@pytest.mark.parametrize(
    "question", ["葫芦岛的帮扶覆盖面目标是多少?", "覆盖面要达到多少?", "上海到2020年学区化集团化办学覆盖面要达到多少?"]
)
def test_how_far_coverage_reaches_asks_for_a_share(question):
    analysis = analyze(question)
    assert "share" in [k.name for k in analysis.kinds] and "覆盖面" in analysis.topic_terms


@pytest.mark.parametrize(
    ("question", "comparative"),
    [("山西省里是哪个部门来督查各市改革推进情况的?", False),  # the cities of the one region asked of
     ("山西各地的工作方案什么时候报?", False),
     ("各地对教师交流有什么规定?", True), ("上海和山西各市分别怎么规定?", True), ("山西和巴州分别怎么规定教师交流?", True),
     ("山西的文件和巴州的对比一下", True)],
)  # fmt: skip
def test_the_parts_of_one_region_ask_for_no_comparison(question, comparative):
    assert analyze(question, known_regions={"山西省", "上海市", "新疆维吾尔自治区巴音郭楞蒙古自治州"}).comparative is comparative


@pytest.mark.parametrize(
    ("question", "kinds"),
    [("公开招聘每年招多少是按什么定的?", []), ("二道区每年新招老师大概招多少人,按什么来定?", []),
     ("招多少人是拿什么做参照的?", []), ("二道区每年公开招聘多少人?", ["count"])],
)  # fmt: skip
def test_what_a_value_is_set_by_asks_for_no_value(question, kinds):
    assert [k.name for k in kinds_asked(question)] == kinds


@pytest.mark.parametrize(
    ("sentence", "states"),
    [("统一按师生比配备教师。", True), ("按照在校学生人数核定公用经费。", True), ("校长应当具有高级职称。", True),
     ("加强教师队伍建设,配备骨干教师。", False), ("按时完成各项任务。", False)],
)  # fmt: skip
def test_a_standard_asked_is_stated_by_the_basis_a_thing_is_done_by(sentence, states):
    assert KINDS["criteria"].states(sentence) is states
