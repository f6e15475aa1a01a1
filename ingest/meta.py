"""Read document metadata from the cleaned text. A field the text does not give stays empty.

An optional sidecar ``<file>.meta.json`` beside a document overrides fields by name.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from errors import UnsupportedFile
from ingest.clean import CleanText, is_date_line, is_doc_number_line, is_title_line
from ingest.types import DocumentMeta

_DATA = Path(__file__).parent / "data"
_TYPE_WORDS = ("意见", "通知", "方案", "规划", "办法", "决定", "纲要", "细则", "规定", "计划", "条例", "通报", "报告")
_ORGAN_END = ("教育厅", "教育局", "教育委员会", "教委", "人民政府", "政府", "办公厅", "办公室", "委员会", "厅", "局")
_PERIOD = re.compile(r"(\d{4})\s*年?\s*[—\-–~～至到]+\s*(\d{4})")
_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_GENERIC_PLACE = re.compile(r"([\u4e00-\u9fa5]{2,6}?(?:省|自治区|自治州|地区|市|盟|州|县|区|旗))")
HEADER_LINES = 8


def sidecar_path(path: Path) -> Path:
    """Where a document's optional metadata sidecar lives."""
    return path.with_name(path.name + ".meta.json")


def is_sidecar(path: Path) -> bool:
    """True for a metadata sidecar file (not a document)."""
    return path.name.endswith(".meta.json")


def read_meta(clean: CleanText) -> DocumentMeta:
    """Metadata read from the cleaned text and the header lines dropped around the title."""
    lines = [line for line in clean.text.split("\n") if line]
    title = _title(lines[:HEADER_LINES])
    issuer = _issuer(title, lines)
    province, city, county = _region(issuer, title, clean.text)
    return DocumentMeta(
        title=title,
        issuer=issuer,
        doc_number=next((line for line in lines[:HEADER_LINES] if is_doc_number_line(line)), ""),
        date=_date(lines, clean.dropped_header),
        province=province,
        city=city,
        county=county,
        level="县区" if county else "市" if city else "省" if province else "",
        doc_type=_doc_type(title),
        status="征求意见稿" if "征求意见稿" in "".join(lines[:HEADER_LINES]) + title else "现行",
        period=_period(title, lines[:HEADER_LINES]),
    )


def apply_sidecar(meta: DocumentMeta, path: Path) -> DocumentMeta:
    """Override fields from ``<file>.meta.json`` when it exists; unknown keys are an error."""
    side = sidecar_path(path)
    if not side.exists():
        return meta
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise UnsupportedFile(
            f"{side.name}: sidecar is not valid JSON ({err})", zh=f"{side.name}：元数据文件不是有效的 JSON。"
        ) from None
    unknown = sorted(set(data) - set(DocumentMeta.field_names()))
    if unknown or not isinstance(data, dict):
        raise UnsupportedFile(
            f"{side.name}: unknown fields {unknown}; expected some of {DocumentMeta.field_names()}",
            zh=f"{side.name}：元数据文件含未知字段 {unknown}。",
        )
    return replace(meta, **{k: str(v) for k, v in data.items()})


def _title(header: list[str]) -> str:
    candidates = [line for line in header if is_title_line(line)]
    return max(candidates, key=len, default="")


def _issuer(title: str, lines: list[str]) -> str:
    prefix = title.split("关于")[0] if "关于" in title else ""
    if prefix.endswith(_ORGAN_END):
        return prefix
    for line in lines:
        if len(line) <= 20 and line.endswith(_ORGAN_END) and not line.startswith(("各", "州直")):
            return line
    return ""


@lru_cache(maxsize=1)
def gazetteer() -> dict:
    """Region names: provinces, cities and districts with their aliases (ingest/data/regions.json)."""
    return json.loads((_DATA / "regions.json").read_text(encoding="utf-8"))


def find_places(text: str) -> tuple[list[str], list[str], list[str]]:
    """Provinces, cities and districts named in text (full names, aliases resolved), in order of appearance."""
    gaz = gazetteer()
    found: list[tuple[int, str, str]] = []
    for kind, table in (("province", gaz["provinces"]), ("city", gaz["cities"]), ("county", gaz["districts"])):
        for name, info in table.items():
            aliases = info if kind == "province" else info[-1]
            for form in (name, *aliases):
                pos = text.find(form)
                if pos >= 0 and len(form) >= 2:
                    found.append((pos, kind, name))
                    break
    found.sort()
    return tuple([n for _, k, n in found if k == kind] for kind in ("province", "city", "county"))  # type: ignore[return-value]


def _region(issuer: str, title: str, body: str) -> tuple[str, str, str]:
    for text, generic in ((issuer, True), (title, False)):
        region = _region_of(text, generic)
        if any(region):
            return region
    return _region_of_body(body)


def _region_of(text: str, generic: bool) -> tuple[str, str, str]:
    """Province, city, county named in a short text (issuer or title)."""
    if not text:
        return "", "", ""
    gaz = gazetteer()
    provinces, cities, counties = find_places(text)
    if counties:
        province, city, _ = gaz["districts"][counties[0]]
        return province, city if city != province else "", counties[0]
    if cities:
        return gaz["cities"][cities[0]][0], cities[0], ""
    if provinces:
        return provinces[0], "", ""
    return _generic_region(text) if generic else ("", "", "")


def _generic_region(text: str) -> tuple[str, str, str]:
    """A place the gazetteer lacks, read from its suffix (XX市教育局 → city XX市)."""
    match = _GENERIC_PLACE.match(text)
    if not match:
        return "", "", ""
    place = match.group(1)
    if place.endswith(("省", "自治区")):
        return place, "", ""
    if place.endswith(("市", "州", "盟", "地区")):
        return "", place, ""
    return "", "", place


def _region_of_body(body: str) -> tuple[str, str, str]:
    """The city a body speaks for (我市/本市 + the city it names most), else its most named province."""
    gaz = gazetteer()
    counts = Counter()
    for name, (_province, aliases) in gaz["cities"].items():
        counts[name] = sum(body.count(form) for form in {name, *aliases})
    city, hits = counts.most_common(1)[0] if counts else ("", 0)
    if hits and ("我市" in body or "本市" in body):
        return gaz["cities"][city][0], city, ""
    return "", "", ""


def _date(lines: list[str], dropped_header: tuple[str, ...]) -> str:
    for line in lines:
        if is_date_line(line):
            return _iso(line)
    for line in dropped_header:
        match = _ISO_DATE.search(line)
        if match and not re.search(r"\d{1,2}:\d{2}", line):
            return _iso(match.group(0))
    return ""


def _iso(text: str) -> str:
    match = _CN_DATE.search(text) or _ISO_DATE.search(text)
    if not match:
        return ""
    y, m, d = (int(g) for g in match.groups())
    return f"{y:04d}-{m:02d}-{d:02d}"


def _doc_type(title: str) -> str:
    """The kind of document; for a cover notice (印发/征求/转发《X》) the kind of X."""
    inner = re.search(r"《([^》]+)》", title)
    target = inner.group(1) if inner and re.search(r"印发|征求|转发|颁布", title) else title
    target = re.sub(r"[（(][^）)]*[）)]", "", target)
    positions = [(target.rfind(word), word) for word in _TYPE_WORDS if word in target]
    return max(positions)[1] if positions else ""


def _period(title: str, header: list[str]) -> str:
    for text in (title, *header):
        match = _PERIOD.search(text)
        if match and int(match.group(1)) < int(match.group(2)):
            return f"{match.group(1)}—{match.group(2)}"
    return ""
