"""The three outcomes, the lead sentence, conversations and per-document comparison, on the blind sets.

Sets (JSON Lines; ``doc`` is a file-name prefix and ``key`` a verbatim span, as in the dev set):
- answers: ``type`` "colloquial" (answerable: ``expect`` holds the spans that state the fact) or
  "unanswerable" (``expect`` empty: the documents do not state it);
- conversations: ``turns`` of ``{"q", "expect", "followup"}``, asked in order with the history;
- comparisons: ``expect`` one span per document that addresses the topic, ``absent`` the documents that do not.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from bench.metrics import Cited, answer_support, row_recall, share, squash

_CITED_SENTENCE = re.compile(r"^.*?\[\d+\](?:\[\d+\])*")  # up to its first citation mark(s)
_LIST_LINE = re.compile(r"列出\d+项：")


def load_jsonl(path: Path) -> list[dict]:
    """One JSON object per non-empty line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def lead_sentence(answer: str) -> str:
    """The answer's first cited sentence, without the document label before it (a listing line whole)."""
    for line in answer.splitlines():
        if "[" not in line:
            continue  # a note (文库中没有…) is no answer sentence
        if _LIST_LINE.search(line):
            return line
        body = line.split("：", 1)[1] if "：" in line else line
        match = _CITED_SENTENCE.search(body)
        return match.group(0) if match else body
    return ""


def judge_answer(answer, expect: list[dict]) -> dict:
    """Outcome, support and whether the lead sentence holds an expected span, for one answer."""
    cited = [Cited(Path(c.source).name, c.text) for c in answer.citations]
    outcome = getattr(answer, "outcome", "") or ("refused" if answer.abstained else "answered")  # older records
    out = {"outcome": outcome, "lead": False, **answer_support(answer.answer, cited, expect)}
    if expect and not answer.abstained:
        lead = squash(lead_sentence(answer.answer))
        out["lead"] = any(squash(e["key"]) in lead for e in expect if any(c.name.startswith(e["doc"]) for c in cited))
    return out


def run_answer_set(ask, questions: list[dict]) -> dict:
    """Outcome counts and support for answerable and unanswerable questions; ``ask(q) -> Answer``."""
    answerable, unanswerable, per_q = [], [], {}
    for q in questions:
        result = judge_answer(ask(q["q"]), q["expect"])
        per_q[q["id"]] = result
        (answerable if q["expect"] else unanswerable).append(result)
    return {
        "answerable": _answerable_figures(answerable),
        "unanswerable": _unanswerable_figures(unanswerable),
        "per_question": per_q,
    }


def run_conversations(ask_in, conversations: list[dict]) -> dict:
    """Each conversation asked turn by turn; ``ask_in(q, history) -> Answer``. Follow-up turns are scored."""
    from assistant.types import Turn

    first, followups, per_turn = [], [], {}
    by_kind: dict[str, list[bool]] = {}
    for conv in conversations:
        history: list = []
        for i, turn in enumerate(conv["turns"]):
            answer = ask_in(turn["q"], history)
            result = judge_answer(answer, turn["expect"])
            result["right"] = result["in_answer"] if turn["expect"] else answer.abstained
            result["resolved"] = answer.resolved_question
            result["reading"] = getattr(answer, "reading", "")  # how the follow-up was read (absent in older code)
            per_turn[f"{conv['id']}.{i + 1}"] = result
            if i == 0:
                first.append(result["right"])
            else:
                followups.append(result)
                by_kind.setdefault(turn.get("followup", "?"), []).append(result["right"])
            history.append(Turn(turn["q"], answer.resolved_question or turn["q"], answer))
    return {
        "first_turns_right": round(share(first), 4),
        "followups_right": round(share([r["right"] for r in followups]), 4),
        "followups_in_cited": round(share([r["in_cited"] for r in followups]), 4),
        "followups": len(followups),
        "by_kind": {
            kind: {"right": round(share(flags), 4), "n": len(flags)} for kind, flags in sorted(by_kind.items())
        },
        "per_turn": per_turn,
    }


def run_compare_rows(compare, questions: list[dict]) -> dict:
    """Per document: is the expected span in its row, does it lead the row, is an absent document 未涉及."""
    found, leads, absent_right, per_q = [], [], [], {}
    for q in questions:
        result = compare(q["q"])
        rows = [(Path(r.source).name, [c.text for c in r.clauses]) for r in result.rows]
        keys = row_recall(rows, q["expect"])
        led = row_recall([(name, texts[:1]) for name, texts in rows], q["expect"])
        absent = q.get("absent", [])
        empty = [not r.covered for r in result.rows if any(Path(r.source).name.startswith(d) for d in absent)]
        per_q[q["id"]] = {"keys_found": keys, "leads": led, "absent_right": empty}
        found += keys
        leads += led
        absent_right += empty
    return {
        "row_recall": round(share(found), 4),
        "row_lead": round(share(leads), 4),
        "absent_right": round(share(absent_right), 4),
        "documents": len(found),
        "absent_documents": len(absent_right),
        "per_question": per_q,
    }


def _answerable_figures(results: list[dict]) -> dict:
    answered = [r for r in results if r["outcome"] == "answered"]
    return {
        "n": len(results),
        "outcomes": dict(Counter(r["outcome"] for r in results)),
        "support_in_answer": round(share([r["in_answer"] for r in results]), 4),
        "support_in_cited": round(share([r["in_cited"] for r in results]), 4),
        "not_answered": round(share([r["outcome"] != "answered" for r in results]), 4),
        "lead_holds_fact": round(share([r["lead"] for r in answered]), 4),
    }


def _unanswerable_figures(results: list[dict]) -> dict:
    return {
        "n": len(results),
        "outcomes": dict(Counter(r["outcome"] for r in results)),
        "not_answered": round(share([r["outcome"] != "answered" for r in results]), 4),
    }
