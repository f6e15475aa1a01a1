"""The records the assistant hands to the app and the CLIs.

A record that cites a clause holds the clause and its document; the display fields (title, 文号, date,
region …) are read from them, and flattened only in ``to_json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.types import Clause, Document


@dataclass(frozen=True)
class OfDocument:
    """A record about one document, with the document fields every view shows."""

    document: Document

    @property
    def doc_id(self) -> str:
        """The document's id."""
        return self.document.doc_id

    @property
    def source(self) -> str:
        """The document's file, relative to the repo root."""
        return self.document.source

    @property
    def title(self) -> str:
        """The document's title."""
        return self.document.meta.title

    @property
    def doc_number(self) -> str:
        """The document's 文号."""
        return self.document.meta.doc_number

    @property
    def date(self) -> str:
        """The document's date of issue (ISO)."""
        return self.document.meta.date

    @property
    def region(self) -> str:
        """The document's region, province down."""
        return self.document.meta.region


@dataclass(frozen=True)
class Cited(OfDocument):
    """A clause together with the document it belongs to."""

    clause: Clause

    @property
    def clause_id(self) -> str:
        """The clause's stable id."""
        return self.clause.clause_id

    @property
    def heading(self) -> str:
        """The clause's heading path."""
        return self.clause.heading

    @property
    def text(self) -> str:
        """The clause's text."""
        return self.clause.text


@dataclass(frozen=True)
class Citation(Cited):
    """A numbered reference from an answer to one clause."""

    n: int = 0

    def to_json(self) -> dict:
        """The CLI/JSON contract fields plus display fields."""
        return {
            "n": self.n,
            "clause_id": self.clause_id,
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "doc_number": self.doc_number,
            "date": self.date,
            "heading": self.heading,
            "text": self.text,
        }


@dataclass(frozen=True)
class Answer:
    """A cited answer, or a refusal with the closest clauses kept apart."""

    question: str
    answer: str  # Chinese text; every sentence carries [n]
    abstained: bool
    citations: tuple[Citation, ...] = ()
    nearby: tuple[Citation, ...] = ()  # closest clauses shown under a separate heading when abstaining
    resolved_question: str = ""  # the follow-up rewritten against the conversation
    notice: str = ""  # e.g. LLM fell back to the extractive answer
    unsupported: tuple[str, ...] = ()  # LLM sentences whose citation does not support them
    mode: str = "extractive"
    outcome: str = ""  # answered / not_stated / refused; left empty, it follows from abstained
    reading: str = ""  # how a follow-up was read: ordinal / region / more / fragment / scope ("" standing alone)
    unstated: str = ""  # answered in part: the note on what was asked and is not stated (文件未明确规定…)

    def __post_init__(self) -> None:
        if not self.outcome:
            object.__setattr__(self, "outcome", "refused" if self.abstained else "answered")

    @property
    def not_stated(self) -> bool:
        """The documents address the topic but do not state what was asked."""
        return self.outcome == "not_stated"

    def to_json(self, qid: str | None = None) -> dict:
        """The CLI/JSON contract: id, answer, abstained, outcome, citations (+ nearby, notice)."""
        return {
            "id": qid,
            "question": self.question,
            "resolved_question": self.resolved_question or self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "outcome": self.outcome,
            "reading": self.reading,
            "citations": [c.to_json() for c in self.citations],
            "nearby": [c.to_json() for c in self.nearby],
            "notice": self.notice,
            "unsupported": list(self.unsupported),
            "mode": self.mode,
            "unstated": self.unstated,
        }


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation, used to resolve follow-ups."""

    question: str
    resolved_question: str
    answer: Answer


@dataclass(frozen=True)
class ComparedClause(Cited):
    """One clause shown in a document's row of a comparison, with its relevance to the topic."""

    score: float = 0.0

    def to_json(self) -> dict:
        """JSON-ready dict."""
        return {"clause_id": self.clause_id, "heading": self.heading, "text": self.text, "score": self.score}


@dataclass(frozen=True)
class ComparisonRow(OfDocument):
    """One document's provisions on the topic (empty clauses = 未涉及)."""

    clauses: tuple[ComparedClause, ...] = ()

    @property
    def covered(self) -> bool:
        """False when the document says nothing worth showing on the topic."""
        return bool(self.clauses)

    def to_json(self) -> dict:
        """JSON-ready dict: the document's fields, its clauses, and whether it covers the topic."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "region": self.region,
            "doc_number": self.doc_number,
            "date": self.date,
            "source": self.source,
            "clauses": [c.to_json() for c in self.clauses],
            "covered": self.covered,
        }


@dataclass(frozen=True)
class Comparison:
    """A topic side by side across documents."""

    topic: str
    rows: tuple[ComparisonRow, ...] = field(default=())

    def to_json(self) -> dict:
        """JSON-ready dict."""
        return {"topic": self.topic, "rows": [r.to_json() for r in self.rows]}


@dataclass(frozen=True)
class Target(Cited):
    """A quantitative goal (kind="target") or a statement of the current state (kind="status") in a clause."""

    year: str = ""  # "2017", or a range "2014—2016", or "" when none is named
    measure: str = ""  # what is measured, e.g. 学区化、集团化办学覆盖义务教育阶段学校
    value: float = 0.0
    unit: str = ""  # %, 所, 个, 名, 项, 次 …
    comparator: str = ""  # 以上 / 不少于 / 达到 / 覆盖 / 至少 / "" …
    scope: str = ""  # e.g. 全市, 各县市
    sentence: str = ""  # the sentence it comes from
    kind: str = "target"
    value_max: float | None = None  # upper end of a range such as 2—3所 (value holds the lower end)

    @property
    def text(self) -> str:
        """The sentence the figure comes from (not the whole clause)."""
        return self.sentence

    def to_json(self) -> dict:
        """JSON-ready dict."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "region": self.region,
            "year": self.year,
            "measure": self.measure,
            "value": self.value,
            "unit": self.unit,
            "comparator": self.comparator,
            "scope": self.scope,
            "clause_id": self.clause_id,
            "text": self.sentence,
            "kind": self.kind,
            "value_max": self.value_max,
        }
