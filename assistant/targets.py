"""Quantitative goals (and statements of the current state) read from the clauses of the library.

A goal is a number with a unit in a sentence that asks for or plans something: 覆盖面达到60%以上,
至少确定2—3所学校, 每学期至少开展二次以上专题活动. A sentence that reports the present
(截止2019年底…占比为87.4%) yields kind="status" records, kept apart from the goals.
Document numbers (〔2015〕27号), dates (2016年2月底前), article numbers (第111项), enumerations
(一是) and names (十八大, 二道区) are not quantities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.types import Target
from ingest.types import Clause, Document
from policytext.dates import BRACKETED_YEAR_NUMBER, YEAR_RANGE, YEAR_WITH_UNIT
from policytext.numerals import ARABIC_NUMERAL as _AR_NUM
from policytext.numerals import NUMERAL as _NUM
from policytext.numerals import parse_number
from policytext.places import COUNTY, NATIONAL, region_named
from policytext.sentences import split_sentences

_RANGE_SEP = r"\s*(?:[—–\-~～]+|至|到)\s*"

# Units, longest first so 小时 wins over a bare 时. 年 only as a duration (see _is_duration_year).
UNITS = tuple("小时 学时 课时 万元 % ％ 所 个 名 项 次 人 位 周 份 遍 年 区 县 倍".split())
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
_QUANTITY = re.compile(rf"(?P<lo>{_NUM})(?:{_RANGE_SEP}(?P<hi>{_NUM}))?\s*(?P<unit>{_UNIT_RE})")

# Comparators: words before the number, words after it. 以上/以下 are more specific than 达到.
_BEFORE_CMP = ("不少于", "不低于", "不超过", "不高于", "至少", "最多", "最少", "达到", "超过", "平均在", "覆盖")
_AFTER_CMP = ("以上", "以下", "以内", "左右")
_STRICT_CMP = ("不少于", "不低于", "不超过", "不高于", "至少", "最多", "最少")

# Words that make a sentence a report of the present state.
_STATUS_CUES = ("截止", "截至", "目前", "现有", "已有", "已经", "占比为", "比例为", "共有")

# A Chinese numeral counts as a quantity only after one of these cues (close before it) or after 每…;
# otherwise 一 is mostly an article (一所优质学校为龙头) and 三/四/五 mostly part of a name (三中全会).
_CN_CUES = tuple(
    "至少 不少于 最多 不超过 新增 创建 建立 组建 推举 选派 派出 引入 对 听取 召开 进行 开展 轮训 掌握 学会 "
    "坚持每天 每天 每周 每月 每年 每学期 每学年".split()
)
_CN_CUE_WINDOW = 6

_YEAR_RANGE = YEAR_RANGE
_YEAR = YEAR_WITH_UNIT
_DOC_NUMBER = re.compile(rf"{BRACKETED_YEAR_NUMBER.pattern}|\d+\s*号")  # 〔2015〕27号, or a bare 27号
_PAREN = re.compile(r"[（(][^（()）]{0,40}[)）]")
_ENUM_AFTER = re.compile(r"^(?:是|要|则)")

SCOPES = tuple(
    "全省 全市 全州 全区 全县 全国 本市 本省 本地区 本区 我市 我区 我州 各省 各市 各州 各县(市、区) 各县(市)区 "
    "各县市 各区县 各县 各区 各地区 各地 县域内 区域内 城区 各成员学校 各学科 各学校".split()
)



@dataclass(frozen=True)
class _Found:
    """One number-with-unit inside a sentence."""

    start: int
    end: int
    value: float
    value_max: float | None
    unit: str


def extract_targets(library) -> list[Target]:
    """Library -> every goal (kind="target") and present-state figure (kind="status"), document by document."""
    found: list[Target] = []
    for doc in sorted(library.documents.values(), key=lambda d: d.source):
        found.extend(targets_in_document(doc))
    return found


def filter_targets(
    targets: Iterable[Target],
    regions: Sequence[str] = (),
    year_from: int | None = None,
    year_to: int | None = None,
    kinds: Sequence[str] = ("target",),
) -> list[Target]:
    """Targets -> those of the given kinds whose region names one of ``regions`` and whose years overlap the range."""
    out = []
    for t in targets:
        if kinds and t.kind not in kinds:
            continue
        if regions and not any(region_named(t.region, r) for r in regions):
            continue
        if (year_from is not None or year_to is not None) and not _years_overlap(t.year, year_from, year_to):
            continue
        out.append(t)
    return out


def targets_in_document(doc: Document) -> list[Target]:
    """Document -> its targets and status figures, in text order, each sentence read once.

    Heading lines between clauses (1.合理规划,完成4所新优质学校建设。) are read too, credited to the clause
    that follows them.
    """
    out: list[Target] = []
    seen: set[str] = set()  # a sentence shared by a clause and its parent is read once
    default_year = document_period(doc)
    for clause, text in _texts_in_order(doc):
        for sentence in (s.strip() for s in split_sentences(text) if s.strip()):
            if sentence in seen:
                continue
            seen.add(sentence)
            out.extend(targets_in_sentence(sentence, doc, clause, default_year))
    return out


def _texts_in_order(doc: Document) -> list[tuple[Clause, str]]:
    """Document -> (clause, text) pairs: for each clause, the heading lines before it, then its own text."""
    pairs: list[tuple[Clause, str]] = []
    prev_end = 0
    for clause in sorted(doc.clauses, key=lambda c: (c.start, c.ordinal)):
        if doc.text[clause.start : clause.end] == clause.text and clause.start > prev_end:
            gap = doc.text[prev_end : clause.start].strip()
            if gap:
                pairs.append((clause, gap))
        pairs.append((clause, clause.text))
        if doc.text[clause.start : clause.end] == clause.text:
            prev_end = max(prev_end, clause.end)
    return pairs


def document_period(doc: Document) -> str:
    """Document -> the period it plans for (meta.period, or a 2014—2016 range in its title), else ""."""
    if doc.meta.period:
        return doc.meta.period
    m = _YEAR_RANGE.search(doc.meta.title or "")
    return f"{m.group(1)}—{m.group(2)}" if m else ""


def targets_in_sentence(sentence: str, doc: Document, clause: Clause, default_year: str = "") -> list[Target]:
    """One sentence -> its targets/status records (empty when it holds no quantity)."""
    out = []
    issued = doc.meta.year
    for q in find_quantities(sentence):
        year = year_for(sentence, q.start)
        past = bool(issued and year[:4].isdigit() and int(year[:4]) < issued and "—" not in year)
        kind = "status" if past or is_status(sentence, q) else "target"
        out.append(
            Target(
                document=doc,
                clause=clause,
                year=year or ("" if kind == "status" else default_year),
                measure=measure_for(sentence, q),
                value=q.value,
                unit=_normal_unit(q.unit),
                comparator=comparator_for(sentence, q),
                scope=scope_for(sentence, q) or _default_scope(doc),
                sentence=sentence,
                kind=kind,
                value_max=q.value_max,
            )
        )
    return out


def find_quantities(sentence: str) -> list[_Found]:
    """Sentence -> the numbers with units in it that are quantities (not years, document numbers or names)."""
    blocked = _blocked_spans(sentence)
    found = []
    for m in _QUANTITY.finditer(sentence):
        if any(a <= m.start() < b for a, b in blocked):
            continue
        lo, hi, unit = m.group("lo"), m.group("hi"), m.group("unit")
        if not _plausible(sentence, m, lo, hi, unit):
            continue
        low, high = parse_number(lo), parse_number(hi) if hi else None
        if low is None or (hi and high is None):
            continue
        found.append(_Found(m.start(), m.end(), low, high, unit))
    return found


def is_status(sentence: str, q: _Found) -> bool:
    """True when the quantity reports the present (截止…占比为, 已有, 在…4区先行试点的基础上)."""
    head = sentence[: q.start]
    clause_part = _enclosing_piece(sentence, q.start)
    if any(cue in clause_part for cue in _STATUS_CUES) or any(cue in head[-20:] for cue in ("截止", "截至")):
        return True
    if re.search(r"已|(?<![为除])了", clause_part):
        return True  # 已建成12所, 新建了3所: done, not to do
    # "在 … N区先行试点的基础上": the number lies inside the 在…基础上 span that sets the starting point.
    span = re.search(r"在[^，,。；;]*基础上", sentence)
    return bool(span and span.start() <= q.start < span.end())


def year_for(sentence: str, pos: int) -> str:
    """Sentence and a position -> the year or range named before it in the sentence (to 2017年底 -> '2017')."""
    head = _strip_dates(sentence[:pos])
    ranges = list(_YEAR_RANGE.finditer(head))
    years = list(_YEAR.finditer(head))
    last_range = ranges[-1] if ranges else None
    last_year = years[-1] if years else None
    if last_range and (not last_year or last_range.end() >= last_year.end()):
        return f"{last_range.group(1)}—{last_range.group(2)}"
    if last_year:
        return last_year.group(1)
    m = _YEAR.search(_strip_dates(sentence[pos:]))
    return m.group(1) if m and _is_goal_year_after(sentence[pos:], m) else ""


def comparator_for(sentence: str, q: _Found) -> str:
    """The comparison word of a quantity: 至少/不少于… before it, else 以上… after it, else 达到/覆盖 before it."""
    before = _enclosing_piece(sentence, q.start, upto=q.start)
    best, best_pos = "", -1
    for word in _BEFORE_CMP:
        pos = before.rfind(word)
        if pos > best_pos:
            best, best_pos = word, pos
    if best in _STRICT_CMP:
        return best
    after = sentence[q.end : q.end + 3]
    for word in _AFTER_CMP:
        if after.startswith(word) or after.startswith("的" + word):
            return word
    return best.replace("平均在", "平均")


def scope_for(sentence: str, q: _Found) -> str:
    """The area a quantity covers (全市, 各县市, 本地区 …): nearest scope word before it, else any in the sentence."""
    head = sentence[: q.start]
    best, best_pos = "", -1
    for word in SCOPES:
        pos = head.rfind(word)
        if pos > best_pos:
            best, best_pos = word, pos
    if best:
        return best
    return next((w for w in SCOPES if w in sentence), "")


def measure_for(sentence: str, q: _Found) -> str:
    """The phrase a quantity measures: its comma-delimited part without years, scope, number and comparator."""
    piece = _enclosing_piece(sentence, q.start)
    offset = sentence.find(piece)
    items = _list_items(piece)
    if len(items) > 1:  # 到2015年22%的县(2个)、2018年78%的县市(7个)…基本实现…: own noun + shared predicate
        own = next(i for i in items if offset + i[0] <= q.start < offset + i[1])
        last = items[-1]
        text = piece[own[0] : own[1]] + ("" if own == last else _after_quantity(piece[last[0] : last[1]]))
        return _clean_measure(text)
    return _clean_measure(piece[: q.start - offset], piece[q.end - offset :])


def _list_items(piece: str) -> list[tuple[int, int]]:
    """Spans of the 、-separated items of a piece when two or more of them hold a quantity, else [whole piece]."""
    spans, start = [], 0
    for m in re.finditer("、", piece):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(piece)))
    with_quantity = [sp for sp in spans if find_quantities(piece[sp[0] : sp[1]])]
    return with_quantity if len(with_quantity) > 1 else [(0, len(piece))]


def _after_quantity(item: str) -> str:
    """'2020年100%的县市(9个)基本实现…' -> '基本实现…': what follows the quantity, its noun and its bracket."""
    found = find_quantities(item)
    tail = item[found[-1].end :] if found else item
    bracket = re.search(r"[)）]", tail)
    return tail[bracket.end() :] if bracket else tail


def _clean_measure(head: str, tail: str = "") -> str:
    """Text around a quantity -> the measured phrase: comparators, years, scope words and brackets removed."""
    for word in _AFTER_CMP:
        if tail.startswith(word):
            tail = tail[len(word) :]
    tail = tail[1:] if tail.startswith("的") else tail
    for word in _BEFORE_CMP:
        if head.endswith(word):
            head = head[: -len(word)]
    text = _PAREN.sub("", head + tail)
    text = _YEAR_RANGE.sub("", text)
    text = re.sub(r"(?:到|至|于)?(?:19|20)\d{2}年(?:底|末|初)?(?:前|起)?", "", text)
    for q in reversed(find_quantities(text)):
        text = text[: q.start] + text[q.end :].removeprefix("的")
    for word in sorted(SCOPES, key=len, reverse=True):
        text = text.replace(word, "")
    text = re.sub(r"^(?:为完成|为|要|的|是|并|和|与|等|到|即|在)+(?!校)", "", text)
    text = re.sub(r"(?:的|要|为|总数的)+$", "", text)
    return text.strip(" “”\"'。")


def _plausible(sentence: str, m: re.Match, lo: str, hi: str | None, unit: str) -> bool:
    """Filter out years (2015年), dates, article numbers (第111项), enumerations and Chinese-numeral names."""
    start, end = m.start(), m.end()
    before = sentence[max(0, start - 1) : start]
    after = sentence[end : end + 2]
    if before == "第" or (before.isdigit() and not lo.isdigit()):
        return False
    if re.fullmatch(_AR_NUM, lo) and before and re.fullmatch(r"[\d.]", before):
        return False
    if unit == "年" and not _is_duration_year(lo, after):
        return False
    if unit in ("区", "县") and not re.fullmatch(_AR_NUM, lo):
        return False  # 二道区, 三县 as names; Arabic counts (4区) are kept
    if after.startswith("号"):
        return False
    if _in_count_bracket(sentence, start, end):
        return False  # (2个) restating the percentage it follows
    if after.startswith("或") or _ENUM_AFTER.match(after):
        return False  # 一所或几所分校 (vague), 一是 (enumeration)
    if not re.fullmatch(_AR_NUM, lo):
        return _chinese_number_is_quantity(sentence, start)
    return True


def _is_duration_year(number: str, after: str) -> bool:
    """'4年作为一个任期' is a duration; '2015年', '三年内', '三年级' are not quantities."""
    value = parse_number(number)
    if value is None or value >= 100:
        return False
    return after[:1] not in ("内", "来", "底", "前", "后", "级", "初", "末", "度", "间")


def _chinese_number_is_quantity(sentence: str, start: int) -> bool:
    """A Chinese numeral counts only close after a cue (至少, 创建, 每学期 …); otherwise it is an article or a name."""
    window = sentence[max(0, start - _CN_CUE_WINDOW) : start]
    window = re.split(r"[，,。；;：:、“”]", window)[-1]
    return any(cue in window for cue in _CN_CUES)


def _in_count_bracket(sentence: str, start: int, end: int) -> bool:
    """True for a bracket that only restates a count right after another quantity, as in 22%的县(2个)."""
    if start == 0 or sentence[start - 1] not in "(（" or sentence[end : end + 1] not in ")）":
        return False
    return bool(_QUANTITY.search(sentence[max(0, start - 12) : start - 1]))


def _blocked_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans holding document numbers (〔2015〕27号) and full dates (2014年3月15日, 4月20日前)."""
    spans = [(m.start(), m.end()) for m in _DOC_NUMBER.finditer(sentence)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"(?:\d{1,2}|[-—]{1,2})月(?:\d{1,2}|[-—]{1,2})日", sentence)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"\d{1,2}月底?前?", sentence)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"[“\"]\s*\d[\d+\-—]*\d\s*[”\"]", sentence)]  # “2+1”项目
    return spans


def _strip_dates(text: str) -> str:
    """Text without full dates (2014年3月15日前, 2016年2月底前), whose years are deadlines, not target years."""
    text = re.sub(r"(?:19|20)\d{2}年(?:\d{1,2}|[-—]{1,2})月(?:(?:\d{1,2}|[-—]{1,2})日|底)?前?", "", text)
    return _DOC_NUMBER.sub("", re.sub(r"[〔\[［]\s*(?:19|20)\d{2}\s*[〕\]］]", "", text))


def _is_goal_year_after(tail: str, m: re.Match) -> bool:
    """A year after the quantity counts only when it reads as a deadline for it (…于2018年底前完成)."""
    return m.start() < 12 and "前" in tail[m.end() : m.end() + 4]


def _enclosing_piece(sentence: str, pos: int, upto: int | None = None) -> str:
    """The comma/colon/semicolon-delimited part of a sentence that holds position pos (cut at upto)."""
    start = max(sentence.rfind(ch, 0, pos) for ch in "，,：:；;") + 1
    ends = [i for i in (sentence.find(ch, pos) for ch in "，,：:；;。") if i != -1]
    end = min(ends) if ends else len(sentence)
    return sentence[start : upto if upto is not None else end]


def _normal_unit(unit: str) -> str:
    """Full-width percent sign -> '%'."""
    return "%" if unit == "％" else unit


def _default_scope(doc: Document) -> str:
    """Document -> the area it governs (全省 / 全市 / 全区 …) from its level, else its region name."""
    level = doc.meta.level
    if level == COUNTY:
        return "全区" if doc.meta.county.endswith("区") else "全县"
    if level == NATIONAL:
        return "全国"
    return "全" + level if level else doc.meta.region


def _years_overlap(year: str, year_from: int | None, year_to: int | None) -> bool:
    """'2017' or '2014—2016' -> True when it overlaps [year_from, year_to]; '' never does."""
    years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", year)]
    if not years:
        return False
    lo, hi = min(years), max(years)
    return (year_from is None or hi >= year_from) and (year_to is None or lo <= year_to)
