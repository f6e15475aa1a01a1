"""Read document metadata from the cleaned text. A field the text does not give stays empty.

An optional sidecar ``<file>.meta.json`` beside a document overrides fields by name.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from errors import UnsupportedFile
from ingest.clean import CleanText, is_issuer_line, is_title_line
from ingest.types import DocumentMeta
from policytext.dates import (
    CN_DATE,
    ISO_DATE,
    header_parenthesis,
    is_date_line,
    is_doc_number_line,
    is_timestamp,
    iso_date,
    period,
)
from policytext.doctypes import doc_type, is_draft, is_organ
from policytext.places import Division, find_places, gazetteer, issuer_division

HEADER_LINES = 8
MAX_ISSUER_LINE = 20
# A salutation (各区县教育局, 市直各学校) ends like an organ but names the addressees.
_ADDRESSEES = re.compile(r"^(?:各|[省市州盟县区旗]直)")
_OWN_CITY = ("我市", "本市")  # a body that speaks for its city
_TITLE_VERB = re.compile(r"关于|印发|转发")  # the organ that issues a document opens its title, before these
_SOURCE_ORGAN = re.compile(r"(?:信息)?来源[：:]\s*([\u4e00-\u9fff]{2,20})")  # a page's 信息来源：天河区教育局


def sidecar_path(path: Path) -> Path:
    """Where a document's optional metadata sidecar lives."""
    return path.with_name(path.name + ".meta.json")


def is_sidecar(path: Path) -> bool:
    """True for a metadata sidecar file (not a document)."""
    return path.name.endswith(".meta.json")


def read_meta(clean: CleanText) -> DocumentMeta:
    """Metadata read from the cleaned text and the header lines dropped around the title."""
    lines = [line for line in clean.text.split("\n") if line]
    header = lines[:HEADER_LINES]
    title = _title(header)
    issuer = _issuer(title, lines, clean.dropped_header)
    place = _division(issuer, title, clean.text)
    return DocumentMeta(
        title=title,
        issuer=issuer,
        doc_number=_doc_number(header),
        date=_date(lines, clean.dropped_header),
        province=place.province,
        city=place.city,
        county=place.county,
        level=place.level,
        doc_type=doc_type(title),
        status="征求意见稿" if is_draft("".join(header) + title) else "现行",
        period=next((p for p in map(period, (title, *header)) if p), ""),
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
    unknown = sorted(set(data) - set(DocumentMeta.field_names())) if isinstance(data, dict) else []
    if unknown or not isinstance(data, dict):
        raise UnsupportedFile(
            f"{side.name}: unknown fields {unknown}; expected some of {DocumentMeta.field_names()}",
            zh=f"{side.name}：元数据文件含未知字段 {unknown}。",
        )
    return replace(meta, **{k: str(v) for k, v in data.items()})


def _title(header: list[str]) -> str:
    """The longest title-like line of the header; of equal ones the later.

    A 北大法宝 export prints the document's own heading under the database's copy of the title.
    """
    candidates = [(len(line), i, line) for i, line in enumerate(header) if is_title_line(line)]
    return max(candidates)[2] if candidates else ""


def _issuer(title: str, lines: list[str], dropped_header: tuple[str, ...] = ()) -> str:
    """The organs that sign the document (joined by 、), else the organ opening its title, else a page's source.

    The signature gives the full name where a title shortens it (市政府办公厅 for 市人民政府办公厅); a web page
    without either may name its organ as its source (信息来源：天河区教育局).
    """
    if signature := _signature_organs(lines):
        return "、".join(signature)
    prefix = _TITLE_VERB.split(title, maxsplit=1)[0] if _TITLE_VERB.search(title) else ""
    if is_organ(prefix):
        return prefix
    sources = (m.group(1) for line in dropped_header for m in _SOURCE_ORGAN.finditer(line))
    return next((name for name in sources if is_organ(name)), "")


def _signature_organs(lines: list[str]) -> list[str]:
    """The run of organ-only lines that ends at the last one in the text (one per signing organ)."""
    ends = [i for i, line in enumerate(lines) if is_issuer_line(line) and not _ADDRESSEES.match(line)]
    if not ends:
        return []
    start = ends[-1]
    while start > 0 and is_issuer_line(lines[start - 1]) and not _ADDRESSEES.match(lines[start - 1]):
        start -= 1
    return lines[start : ends[-1] + 1]


def _division(issuer: str, title: str, body: str) -> Division:
    """The region the document speaks for: from its issuer, else its title, else what its body calls 我市."""
    for text, by_suffix in ((issuer, True), (title, False)):
        place = _division_named(text, by_suffix)
        if place.level:
            return place
    return _division_of_body(body)


def _division_named(text: str, by_suffix: bool) -> Division:
    """The most specific region a short text (issuer or title) names; by its suffix when the gazetteer lacks it."""
    if not text:
        return Division()
    places = find_places(text)
    named = places.counties or places.cities or places.provinces
    if named:
        return gazetteer().division(named[0])
    return issuer_division(text) if by_suffix else Division()


def _division_of_body(body: str) -> Division:
    """The city a body speaks for (我市/本市 + the city it names most), else nothing."""
    gaz = gazetteer()
    counts = Counter(
        {name: sum(body.count(form) for form in gaz.forms(name)) for name in find_places(body).cities}
    )
    city, hits = counts.most_common(1)[0] if counts else ("", 0)
    if hits and any(word in body for word in _OWN_CITY):
        return gaz.division(city)
    return Division()


def _doc_number(header: list[str]) -> str:
    """The document's own 文号: a header line that is only one, or the 文号 of the parenthesis under the title.

    A 文号 inside a sentence is one the document cites, never its own.
    """
    for line in header:
        if is_doc_number_line(line):
            return line
        if parenthesis := header_parenthesis(line):
            if parenthesis[0]:
                return parenthesis[0]
    return ""


def _date(lines: list[str], dropped_header: tuple[str, ...]) -> str:
    """The date under the title, else the first date line (the signature), else a date the page header gives.

    A page's publishing time (发表时间：2026-04-29 09:22) comes last: a document's own date is its date of issue.
    """
    for line in lines[:HEADER_LINES]:
        if (parenthesis := header_parenthesis(line)) and parenthesis[1]:
            return parenthesis[1]
    for line in lines:
        if is_date_line(line):
            return iso_date(line)
    stamps = [line for line in dropped_header if ISO_DATE.search(line) or CN_DATE.search(line)]
    for line in sorted(stamps, key=is_timestamp):
        return iso_date(line)
    return ""
