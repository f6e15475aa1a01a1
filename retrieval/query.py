"""Query analysis: regions, years and modes a question names, and glossary expansions."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.meta import find_places, gazetteer
from retrieval.lexical import glossary, tokenize
from retrieval.library import Library
from retrieval.types import QueryAnalysis

_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_COMPARATIVE = re.compile(r"各地|各省|各市|各文件|各份文件|各份|分别|对比|比较|异同|不同地区|哪些地方|几份文件")
# Words that ask rather than say what about; cut out before tokenising, so 哪些方面 still yields 方面.
INTERROGATIVES = re.compile(
    r"哪几种|哪几个|哪几项|哪一天|哪一年|哪些|哪几|哪种|哪个|哪天|什么样的?|什么|怎么样|怎样|怎么|如何|多少|由谁|是谁|"
    r"是否|有没有|能否|可否|干啥|啥|吗|呢|几(?=[个所项次名类种条位批家年天周])"
)
LIST_QUESTION = re.compile(r"哪些|哪几|什么内容|哪方面|几个方面")  # the answer is likely an enumeration
_MEASURE = "个所项次名类种条位批家"
SHORT_VARIANT_CHARS = 2
_NUMERAL = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+)(?:\s*[—\-~至到]\s*(?:\d+|[一二两三四五六七八九十]+))?\s*"
_ASKED_COUNT = re.compile(rf"(?:几|多少)([{_MEASURE}])\s*([\u4e00-\u9fff]{{2}})")
_ASKED_SHARE = re.compile(r"比例|比重|占比|百分之几|百分比|多少%|覆盖率")
_SHARE = r"\d+(?:\.\d+)?\s*%|百分之[一二三四五六七八九十百]+"
_ASKED_TIME = re.compile(r"哪一?年|哪个月|几月|什么时候|何时|截止|期限|时间表|时间节点")
_TIME = r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月|年底"
_ISSUING = r"(?:发布|印发|出台|颁布|签发|发文|成文|下发|制定|公布)"
_WHEN = r"(?:日期|时间|哪天|哪一天|何时|什么时候|哪年|哪一年|几月|哪个月|年份)"
# Facts about the document itself that a question can ask for; each names the pattern that answers it.
DOCUMENT_FACT_QUESTIONS = {
    "date": re.compile(rf"{_ISSUING}\S{{0,6}}?{_WHEN}|{_WHEN}\S{{0,6}}?{_ISSUING}|落款日期"),
    "number": re.compile(r"文号|发文字号|字号|文件编号"),
    "issuer": re.compile(
        rf"(?:哪个|哪一?家|什么)(?:部门|单位|机关|机构)(?:{_ISSUING}|发的)|发文(?:机关|单位|部门)|(?:由|是)谁{_ISSUING}|落款单位"
    ),
}


def region_forms(name: str) -> set[str]:
    """Every way a region may be written: full name and gazetteer aliases."""
    gaz = gazetteer()
    forms = {name}
    if name in gaz["provinces"]:
        forms.update(gaz["provinces"][name])
    for table in (gaz["cities"], gaz["districts"]):
        if name in table:
            forms.update(table[name][-1])
    return {f for f in forms if len(f) >= 2}


def region_named(region: str, name: str) -> bool:
    """True when name (上海, 巴州, 二道区 …) names the region string or a part of it."""
    name = name.strip()
    if not name:
        return False
    return name in region or any(full in region for full in canonical_regions(name))


@lru_cache(maxsize=256)
def canonical_regions(name: str) -> frozenset[str]:
    """Full gazetteer names written as name (巴州 -> 巴音郭楞蒙古自治州)."""
    gaz = gazetteer()
    names = [*gaz["provinces"], *gaz["cities"], *gaz["districts"]]
    return frozenset(full for full in names if name in region_forms(full))


def library_regions(library: Library) -> dict[str, set[str]]:
    """Region name -> ids of the documents from that region (province, city and county levels)."""
    regions: dict[str, set[str]] = {}
    for doc in library.documents.values():
        for name in (doc.meta.province, doc.meta.city, doc.meta.county):
            if name:
                regions.setdefault(name, set()).add(doc.doc_id)
    return regions


def analyze(question: str, library: Library) -> QueryAnalysis:
    """What the question names: regions the library has, regions it lacks, years, modes, expansions."""
    known = library_regions(library)
    provinces, cities, counties = find_places(question)
    named = provinces + cities + counties
    named += [p for p in unlisted_places(question) if not any(p in n or n in p for n in named)]
    regions = tuple(n for n in named if n in known)
    variants = _variant_terms(question)
    unknown = tuple(n for n in named if n not in known and not _contains_known(n, regions))
    return QueryAnalysis(
        text=question,
        regions=regions,
        unknown_regions=unknown,
        years=tuple(int(y) for y in _YEAR.findall(question)),
        modes=_modes(question),
        variant_terms=variants,
        region_forms=tuple(f for r in regions for f in region_forms(r) if f in question),
        scope_words=tuple(_COMPARATIVE.findall(question)),
        comparative=bool(_COMPARATIVE.search(question)),
        document_facts=document_facts(question),
        answer_patterns=answer_patterns(question),
        asks_for_list=bool(LIST_QUESTION.search(question)),
    )


def answer_patterns(question: str) -> tuple[str, ...]:
    """Regexes for how the answer is worded, from what the question asks for: a count, a share, a time.

    A question about the document's own date is left to the front matter (document_facts).
    """
    patterns = list(count_patterns(question))
    if _ASKED_SHARE.search(question):
        patterns.append(_SHARE)
    if _ASKED_TIME.search(question) and not document_facts(question):
        patterns.append(_TIME)
    return tuple(patterns)


def count_patterns(question: str) -> tuple[str, ...]:
    """Regexes for the answer to a 'how many' question: 几所新优质学校 -> a numeral + 所新优 (4所新优质学校)."""
    return tuple(
        _NUMERAL + re.escape(measure) + r"\s*" + re.escape(noun) for measure, noun in _ASKED_COUNT.findall(question)
    )


def document_facts(question: str) -> tuple[str, ...]:
    """Facts about the document itself the question asks for and a front-matter line states: date, 文号, issuer."""
    return tuple(kind for kind, pattern in DOCUMENT_FACT_QUESTIONS.items() if pattern.search(question))


_PLACE = re.compile(r"([\u4e00-\u9fa5]{2,5}?)(省|市|县|自治州|自治区)")
_LEADING_WORD = re.compile(r"^(?:关于|对于|对|在|从|与|和|及|向|据)")
# Characters no place name the gazetteer may lack holds (和/于/来/从 do: 和田, 于都, 来宾, 从江): a name starts after them.
_NOT_IN_NAME = re.compile(r".*[的到去在向往派赴跨与及或是了给把被让为]")
_NOT_A_PLACE = re.compile(
    r"^(?:[各本全我该此其每外邻]|设区的|地级|城|县级|省级|市级|直辖|所在|所属|上级|下级|城乡|县域|区域|农村|乡镇|"
    r"兄弟|其他|其它|别的|周边|附近|相邻)"
)


def unlisted_places(question: str) -> list[str]:
    """Place names the gazetteer lacks, read from their suffix (绵阳市, 某某县), minus generic words (各市, 本市)."""
    found = []
    for match in _PLACE.finditer(question):
        stem = match.group(1)
        stem = _LEADING_WORD.sub("", _NOT_IN_NAME.sub("", stem))
        if len(stem) >= 2 and not _NOT_A_PLACE.match(stem):
            found.append(stem + match.group(2))
    return found


def doc_ids_for_regions(regions: tuple[str, ...], library: Library) -> set[str]:
    """Documents from any of the regions."""
    known = library_regions(library)
    return set().union(*(known.get(r, set()) for r in regions)) if regions else set()


def _contains_known(name: str, regions: tuple[str, ...]) -> bool:
    """A province named next to one of its known cities is not an unknown region (吉林省长春市)."""
    gaz = gazetteer()
    for region in regions:
        info = gaz["cities"].get(region) or gaz["districts"].get(region)
        if info and name in info[:-1]:
            return True
    return False


def _modes(question: str) -> tuple[str, ...]:
    data = glossary()
    found = []
    for group in data["groups"]:
        if group[0] in data["modes"] and any(term in question for term in group):
            found.append(group[0])
    return tuple(found)


def _variant_terms(question: str) -> tuple[tuple[str, str], ...]:
    """(variant, glossary term) for each glossary group the question names by a variant: (老师, 教师).

    Only the group's own term stands in: adding every sibling drowns the question in loosely related terms.
    """
    words = set(tokenize(question))
    pairs = []
    for group in glossary()["groups"]:
        if group[0] not in question:
            pairs += [(term, group[0]) for term in group[1:] if _names(term, group[0], question, words)]
    return tuple(pairs)


@lru_cache(maxsize=1024)
def _words(term: str) -> frozenset[str]:
    """The search words of a glossary term (asked for every term of every group, on every question)."""
    return frozenset(tokenize(term))


def _names(term: str, canonical: str, question: str, words: set[str]) -> bool:
    """A variant of the canonical term occurs in the question; a short one (带, 师大) only as a word of it.

    As a bare substring a short variant turns up inside other words (师大 in 教师大量). A variant that is a
    word of the canonical term (集团化 of 集团化办学) adds nothing: its search already matches the term, and
    adding the longer term would only over-weight it. 带 is no word of 带动, so 带 does bring 带动 in.
    """
    if term in _words(canonical):
        return False
    return term in question if len(term) > SHORT_VARIANT_CHARS else term in words
