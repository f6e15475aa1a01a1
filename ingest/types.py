"""The records ingestion hands to the other stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from policytext.places import NATIONAL

PATH_SEP = " › "


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata read from a document's text (or its sidecar). Empty string = the text does not say."""

    title: str = ""
    issuer: str = ""
    doc_number: str = ""  # 文号, e.g. 晋教基〔2015〕27号
    date: str = ""  # ISO date of issue, YYYY-MM-DD
    province: str = ""
    city: str = ""
    county: str = ""  # county / district
    level: str = ""  # 国家 / 省 / 市 / 县区
    doc_type: str = ""  # 意见 / 通知 / 方案 / 规划 …
    status: str = ""  # 征求意见稿 / 现行
    period: str = ""  # e.g. 2014—2016

    @property
    def region(self) -> str:
        """Region name joined from province down, e.g. 吉林省长春市二道区; 全国 for a central organ's document."""
        if self.level == NATIONAL:
            return "全国"
        return "".join(part for part in (self.province, self.city, self.county) if part)

    @property
    def place(self) -> str:
        """The most specific region the issuing government governs (二道区, 长春市, 吉林省), or ''."""
        return self.county or self.city or self.province

    @property
    def year(self) -> int | None:
        """Year of issue, if the date is known."""
        return int(self.date[:4]) if self.date[:4].isdigit() else None

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of the metadata fields, in display order."""
        return [f.name for f in fields(cls)]


@dataclass(frozen=True)
class Clause:
    """One citable unit of a document: its text, where it sits, and where it is in the cleaned body."""

    clause_id: str
    doc_id: str
    path: tuple[str, ...]  # heading path, outermost first, e.g. ("三、主要模式", "2.集团化办学")
    text: str
    start: int  # offsets into Document.text
    end: int
    ordinal: int  # position in the document

    @property
    def heading(self) -> str:
        """The heading path as one display string."""
        return PATH_SEP.join(self.path)


@dataclass(frozen=True)
class Document:
    """A cleaned document with its metadata and clauses."""

    doc_id: str
    source: str  # file path relative to the repo root (or absolute when outside it)
    content_hash: str  # sha256 of the raw file bytes
    text: str  # cleaned body, the text clause offsets point into
    meta: DocumentMeta
    clauses: tuple[Clause, ...] = field(default=())
    parser: str = ""  # fingerprint of the ingest code that built it; another one means parse again
    body_hash: str = ""  # hash of the body text alone: the same text saved with other header lines shares it

    def to_dict(self) -> dict:
        """A JSON-ready dict (round-trips through ``from_dict``)."""
        data = asdict(self)
        data["clauses"] = [asdict(c) for c in self.clauses]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        """Inverse of ``to_dict``."""
        clauses = tuple(Clause(**{**c, "path": tuple(c["path"])}) for c in data["clauses"])
        return cls(
            doc_id=data["doc_id"],
            source=data["source"],
            content_hash=data["content_hash"],
            text=data["text"],
            meta=DocumentMeta(**data["meta"]),
            clauses=clauses,
            parser=data.get("parser", ""),
            body_hash=data.get("body_hash", ""),
        )
