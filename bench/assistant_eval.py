"""Answers, comparisons and targets, measured against the dev questions and the hand-checked targets.

Each ``run_*`` returns ``{"skipped": reason}`` when the assistant part it measures cannot be imported.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from bench.metrics import (
    Cited,
    answer_support,
    match_targets,
    median,
    percentile,
    precision_recall,
    row_recall,
    share,
    squash,
)
from bench.retrieval_eval import forget_queries
from settings import REPO_ROOT

TARGETS_EXPECTED = REPO_ROOT / "tests" / "data" / "targets_expected.json"


def _answerable(q: dict) -> bool:
    return q.get("type") != "unanswerable" and bool(q["expect"])


def run_answers(retriever, settings, questions: list[dict], rounds: int) -> dict:
    """Support, refusals, length and warm latency of ``assistant.answer.ask`` on the dev questions."""
    try:
        from assistant.answer import ask
    except ImportError as err:
        return {"skipped": f"assistant.answer.ask not importable ({err})"}
    support, refused, wrongly_refused, lengths, per_q = [], [], [], [], {}
    for q in questions:
        ans = ask(q["q"], retriever, settings=settings)
        per_q[q["id"]] = {"abstained": ans.abstained, "chars": len(ans.answer), "citations": len(ans.citations)}
        if not _answerable(q):
            refused.append(ans.abstained)
            continue
        wrongly_refused.append(ans.abstained)
        if not ans.abstained:
            lengths.append(len(ans.answer))
        cited = [Cited(Path(c.source).name, c.text) for c in ans.citations]
        s = answer_support(ans.answer, cited, q["expect"])
        per_q[q["id"]].update(s)
        support.append(s)
    times = _timed_rounds(lambda q: ask(q["q"], retriever, settings=settings), questions, rounds, retriever)
    return {
        "support_in_answer": round(share([s["in_answer"] for s in support]), 4),
        "support_in_cited": round(share([s["in_cited"] for s in support]), 4),
        "refusal_rate": round(share(refused), 4),
        "false_refusals": round(share(wrongly_refused), 4),
        "median_chars": median(lengths),
        "latency_ms": _ms(times),
        "mode": settings.answer_mode,
        "per_question": per_q,
    }


def run_compare(retriever, questions: list[dict], rounds: int) -> dict:
    """Key recall of ``assistant.compare.compare`` on the dev compare questions, and its time per call."""
    try:
        from assistant.compare import compare
    except ImportError as err:
        return {"skipped": f"assistant.compare.compare not importable ({err})"}
    cases = [q for q in questions if q["type"] == "compare"]
    if not cases:
        return {"skipped": "no compare questions in the dev set"}
    found, per_q = [], {}
    for q in cases:
        result = compare(q["q"], retriever)
        rows = [(Path(r.source).name, [c.text for c in r.clauses]) for r in result.rows]
        keys = row_recall(rows, q["expect"])
        per_q[q["id"]] = {"keys_found": keys, "rows": len(rows), "covered": sum(1 for r in result.rows if r.covered)}
        found.extend(keys)
    times = _timed_rounds(lambda q: compare(q["q"], retriever), cases, rounds, retriever)
    return {
        "recall": round(share(found), 4),
        "questions_all_keys": sum(1 for v in per_q.values() if all(v["keys_found"])),
        "questions": len(cases),
        "seconds_p50": round(percentile(times, 50), 4),
        "seconds_max": round(max(times), 4),
        "per_question": per_q,
    }


def run_targets(library, expected_path: Path = TARGETS_EXPECTED, rounds: int = 5) -> dict:
    """Precision/recall of ``assistant.targets.extract_targets`` against the hand-checked list, and its time."""
    try:
        from assistant.targets import extract_targets
    except ImportError as err:
        return {"skipped": f"assistant.targets.extract_targets not importable ({err})"}
    if not expected_path.exists():
        return {"skipped": f"{expected_path.name} not found"}
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    times = []
    for _ in range(max(1, rounds)):
        t0 = time.perf_counter()
        found = extract_targets(library)
        times.append(time.perf_counter() - t0)
    names = {doc_id: Path(doc.source).name for doc_id, doc in library.documents.items()}
    extracted = [_target_dict(t, names) for t in found]
    out = {"seconds": round(median(times), 4)}
    for kind, key in (("target", "targets"), ("status", "status")):
        got = [x for x in extracted if x["kind"] == kind]
        out[key] = _scored(expected.get(key, []), got)
    out["precision"] = out["targets"]["precision"]
    out["recall"] = out["targets"]["recall"]
    return out


def _scored(expected: list[dict], got: list[dict]) -> dict:
    pairs, missed, unexpected = match_targets(expected, got)
    p, r = precision_recall(len(pairs), len(expected), len(got))
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "expected": len(expected),
        "extracted": len(got),
        "matched": len(pairs),
        "matched_same_sentence": sum(1 for e, x in pairs if _key_in(e, x)),
        "matched_same_range": sum(1 for e, x in pairs if e.get("value_max") == x["value_max"]),
        "matched_same_year": sum(1 for e, x in pairs if "year" in e and e["year"] == x["year"]),
        "missed": [f"{e['doc']} {_fmt(e)} {e.get('key', '')}" for e in missed],
        "unexpected": [f"{x['doc'][:3]} {_fmt(x)} {x['text'][:40]}" for x in unexpected],
    }


def _key_in(exp: dict, got: dict) -> bool:
    return squash(exp.get("key", "")) in squash(got["text"])


def _fmt(item: dict) -> str:
    value = f"{item['value']:g}"
    if item.get("value_max") is not None:
        value += f"-{item['value_max']:g}"
    return f"{value}{item['unit']}"


def _target_dict(t, names: dict[str, str]) -> dict:
    return {
        "doc": names.get(t.doc_id, t.doc_id),
        "value": t.value,
        "value_max": getattr(t, "value_max", None),
        "unit": t.unit,
        "year": t.year,
        "kind": t.kind,
        "text": t.text,
    }


def _timed_rounds(fn, items: list[dict], rounds: int, retriever) -> list[float]:
    """Seconds per call of fn over items, ``rounds`` passes (the first pass above served as warm-up).

    Cached query vectors are forgotten before each call, so every call embeds its question as a new one would.
    """
    times = []
    for _ in range(max(1, rounds)):
        for item in items:
            forget_queries(retriever)
            t0 = time.perf_counter()
            fn(item)
            times.append(time.perf_counter() - t0)
    return times


def _ms(times: list[float]) -> dict:
    return {
        "p50": round(percentile(times, 50) * 1000, 2),
        "p95": round(percentile(times, 95) * 1000, 2),
        "n": len(times),
    }
