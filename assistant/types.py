"""The records the assistant hands to the app and the CLIs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Citation:
    """A numbered reference from an answer to one clause."""

    n: int
    clause_id: str
    doc_id: str
    source: str
    title: str
    doc_number: str
    date: str
    heading: str
    text: str

    def to_json(self) -> dict:
        """The CLI/JSON contract fields plus display fields."""
        return asdict(self)


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

    def to_json(self, qid: str | None = None) -> dict:
        """The CLI/JSON contract: id, answer, abstained, citations (+ nearby, notice)."""
        return {
            "id": qid,
            "question": self.question,
            "resolved_question": self.resolved_question or self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "nearby": [c.to_json() for c in self.nearby],
            "notice": self.notice,
            "unsupported": list(self.unsupported),
            "mode": self.mode,
        }


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation, used to resolve follow-ups."""

    question: str
    resolved_question: str
    answer: Answer


@dataclass(frozen=True)
class ComparedClause:
    """One clause shown in a document's column of a comparison."""

    clause_id: str
    heading: str
    text: str
    score: float


@dataclass(frozen=True)
class ComparisonRow:
    """One document's provisions on the topic (empty clauses = 未涉及)."""

    doc_id: str
    title: str
    region: str
    doc_number: str
    date: str
    source: str
    clauses: tuple[ComparedClause, ...] = ()

    @property
    def covered(self) -> bool:
        """False when the document says nothing worth showing on the topic."""
        return bool(self.clauses)


@dataclass(frozen=True)
class Comparison:
    """A topic side by side across documents."""

    topic: str
    rows: tuple[ComparisonRow, ...] = field(default=())

    def to_json(self) -> dict:
        """JSON-ready dict."""
        return {"topic": self.topic, "rows": [{**asdict(r), "covered": r.covered} for r in self.rows]}


@dataclass(frozen=True)
class Target:
    """A quantitative goal (kind="target") or a statement of the current state (kind="status")."""

    doc_id: str
    title: str
    region: str
    year: str  # "2017", or a range "2014—2016", or "" when none is named
    measure: str  # what is measured, e.g. 学区化、集团化办学覆盖义务教育阶段学校
    value: float
    unit: str  # %, 所, 个, 名, 项, 次 …
    comparator: str  # 以上 / 不少于 / 达到 / 覆盖 / 至少 / "" …
    scope: str  # e.g. 全市, 各县市
    clause_id: str
    text: str  # the sentence it comes from
    kind: str = "target"
    value_max: float | None = None  # upper end of a range such as 2—3所 (value holds the lower end)

    def to_json(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)
