"""Readable tables of the results, and the project's goals marked PASS/FAIL."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from bench.metrics import Goal, lookup, verdict


def _library_goals(name: str) -> tuple[Goal, ...]:
    """The library targets on one library question set: hit@1, compare recall, search p95 vs the baseline."""
    base = f"library.sets.{name}.retrieval"
    return (
        Goal(f"library {name}: hit@1", f"{base}.project.hit@1", ">=", 0.85),
        Goal(f"library {name}: compare recall@10", f"{base}.project.compare_recall@10", ">=", 0.90),
        Goal(f"library {name}: search p95 ms <= 2x baseline", f"{base}.project.latency_ms.p95", "<=",
             lambda r: _twice(lookup(r, f"{base}.baseline.latency_ms.p95"))),  # fmt: skip
    )


def _dialogue_goals(name: str) -> tuple[Goal, ...]:
    """The targets of the three outcomes, the lead sentence, follow-ups and per-document compare on one set."""
    base = f"dialogue.{name}"
    return (
        Goal(f"{name}: stated provision in the answer", f"{base}.answers.answerable.support_in_answer", ">=", 0.85),
        Goal(f"{name}: answerable refused or not stated", f"{base}.answers.answerable.not_answered", "<=", 0.05),
        Goal(f"{name}: unanswerable refused or not stated", f"{base}.answers.unanswerable.not_answered", ">=", 0.90),
        Goal(f"{name}: first sentence holds the fact", f"{base}.answers.answerable.lead_holds_fact", ">=", 0.80),
        Goal(f"{name}: follow-up turns answered right", f"{base}.conversations.followups_right", ">=", 0.85),
        Goal(f"{name}: compare row shows the expected clause", f"{base}.compare.row_recall", ">=", 0.90),
    )


def _twice(value):
    """2x a figure, None when it is missing (a run without that section)."""
    return None if value is None else 2 * value


DIALOGUE_SETS = (
    "dev", "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9", "blind10",
    "blind11", "blind12", "blind13", "blind14", "blind15", "blind16",
)
GOALS = (
    Goal("hit@1", "retrieval.project.hit@1", ">=", 0.90),
    Goal("hit@5", "retrieval.project.hit@5", ">=", 0.98),
    Goal("MRR", "retrieval.project.mrr", ">=", 0.93),
    Goal("MRR vs baseline (+0.10)", "retrieval.project.mrr", ">=", lambda r: r["retrieval"]["baseline"]["mrr"] + 0.10),
    Goal("compare recall@10", "retrieval.project.compare_recall@10", ">=", 0.95),
    Goal("paraphrase hit@5", "retrieval.project.paraphrase_hit@5", ">=", 0.95),
    Goal("median top-1 hit chars", "retrieval.project.median_top1_chars", "<=", 200),
    Goal("search p95 ms (warm)", "retrieval.project.latency_ms.p95", "<=", 50),
    Goal("search p95 ms at scale", "scale.search_ms.p95", "<=", 250),
    Goal("answer support (key in answer or cited clause)", "answers.support_in_cited", ">=", 0.90),
    Goal("answer support, strict (key in answer text)", "answers.support_in_answer", ">=", 0.90),
    Goal("median answer chars", "answers.median_chars", "<=", 300),
    Goal("unanswerable refused", "answers.refusal_rate", ">=", 1.0),
    Goal("false refusals", "answers.false_refusals", "<=", 0.05),
    Goal("answer p95 ms (extractive, warm)", "answers.latency_ms.p95", "<=", 100),
    Goal("compare key recall", "compare.recall", ">=", 0.95),
    Goal("compare s per call (max)", "compare.seconds_max", "<", 1.0),
    Goal("targets precision", "targets.precision", ">=", 0.90),
    Goal("targets recall", "targets.recall", ">=", 0.90),
    Goal("extract_targets s", "targets.seconds", "<", 1.0),
    *(goal for name in ("questions", "questions2") for goal in _library_goals(name)),
    Goal("library: ingest / embedding floor", "library.ingest_over_floor", "<=", 1.5),
    *(goal for name in DIALOGUE_SETS for goal in _dialogue_goals(name)),
)


def judge(results: dict) -> list[dict]:
    """Every goal with its value, limit and verdict."""
    rows = []
    for goal in GOALS:
        value, limit = lookup(results, goal.path), goal.limit(results)
        rows.append({"goal": goal.label, "value": value, "op": goal.op, "limit": limit,
                     "verdict": verdict(value, goal.op, limit)})  # fmt: skip
    return rows


def width(text: str) -> int:
    """Display width in a terminal (CJK characters take two columns)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fmt(value) -> str:
    """A cell: floats to 3 significant decimals, None as '-'."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    """Rows as a left-aligned text table."""
    cells = [[fmt(c) for c in row] for row in [list(headers), *rows]]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def section(title: str) -> str:
    """A section heading."""
    return f"\n== {title} " + "=" * max(0, 70 - len(title))


def ingest_table(ing: dict) -> str:
    """Ingest figures."""
    return table(
        ["run", "seconds", "clauses embedded", "note"],
        [
            ["full ingest (fresh index)", ing["full_s"], ing["full_embedded"],
             f"{ing['documents']} documents, {ing['clauses']} clauses, {len(ing['failed'])} failed"],
            ["re-run, nothing changed", ing["rerun_s"], ing["rerun_embedded"], f"{ing['rerun_unchanged']} unchanged"],
        ],
    )  # fmt: skip


RETRIEVAL_ROWS = ("hit@1", "hit@3", "hit@5", "hit@10", "mrr", "compare_recall@10", "paraphrase_hit@5",
                  "median_top1_chars")  # fmt: skip


def quality_table(project: dict, baseline: dict) -> str:
    """Project vs baseline, quality metrics only."""
    return table(["metric", "project", "naive baseline"], _quality_rows(project, baseline))


def _quality_rows(project: dict, baseline: dict) -> list[list]:
    return [[m, project.get(m), baseline.get(m)] for m in RETRIEVAL_ROWS]


def retrieval_table(project: dict, baseline: dict) -> str:
    """Project vs baseline, one metric per row."""
    rows = _quality_rows(project, baseline)
    for side in ("p50", "p95"):
        rows.append([f"search {side} ms (warm)", project["latency_ms"][side], baseline["latency_ms"][side]])
    if "latency_cached_ms" in project:
        for side in ("p50", "p95"):
            rows.append([f"search {side} ms (repeat, cached vector)", project["latency_cached_ms"][side], None])
    return table(["metric", "project", "naive baseline"], rows)


def per_question_table(questions: list[dict], project: dict, baseline: dict) -> str:
    """Rank of each expected key per question (- = not in the top 10)."""
    rows = []
    for q in questions:
        if q["id"] not in project["per_question"]:
            continue
        p = project["per_question"][q["id"]]["ranks"]
        b = baseline["per_question"][q["id"]]["ranks"]
        rows.append([q["id"], q["type"], _ranks(p), _ranks(b), q["q"]])
    return table(["id", "type", "project ranks", "baseline ranks", "question"], rows)


def _ranks(ranks: list) -> str:
    return ",".join("-" if r is None else str(r) for r in ranks)


def goals_table(rows: list[dict]) -> str:
    """Goals with value, target and verdict."""
    return table(
        ["goal", "value", "target", "verdict"],
        [[r["goal"], r["value"], f"{r['op']} {fmt(r['limit'])}", r["verdict"]] for r in rows],
    )


def seed_sets_table(seed_sets: dict) -> str:
    """The seeds' question sets with the library in the index and without it, all and region-named questions."""
    rows = []
    for name, w in seed_sets["with_library"].items():
        s = seed_sets["seeds_only"][name]
        rows.append([name, w["hit@1"], s["hit@1"], w["mrr"], s["mrr"], w["named"]["hit@1"], s["named"]["hit@1"],
                     w["named"]["mrr"], s["named"]["mrr"], w["named"]["questions"]])  # fmt: skip
    headers = ["set", "hit@1 +lib", "seeds", "MRR +lib", "seeds", "named hit@1 +lib", "seeds", "named MRR +lib",
               "seeds", "named n"]  # fmt: skip
    return table(headers, rows)
