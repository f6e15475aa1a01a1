"""Pure metric functions: ranks of expected keys, hit@k, MRR, recall, percentiles, answer support, targets.

Everything here works on plain values (file names, texts, numbers), so it can be checked on hand-made
inputs. A *ranking* is a list of ``(file_name, text)`` pairs, best first; an *expectation* is a dev
``expect`` entry ``{"doc": "000", "key": "..."}``: it is found at rank r when the r-th text contains the
key (whitespace removed on both sides) and its file name starts with ``doc``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

Ranking = Sequence[tuple[str, str]]
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text without any whitespace (keys and hits are compared this way)."""
    return _SPACE.sub("", text or "")


def key_rank(ranking: Ranking, doc: str, key: str) -> int | None:
    """1-based rank of the first entry from a file starting with doc whose text holds key; None when absent."""
    wanted = squash(key)
    for rank, (name, text) in enumerate(ranking, 1):
        if name.startswith(doc) and wanted in squash(text):
            return rank
    return None


def key_ranks(ranking: Ranking, expect: Sequence[dict]) -> list[int | None]:
    """Rank of each expected key (None = not in the ranking)."""
    return [key_rank(ranking, e["doc"], e["key"]) for e in expect]


def best_rank(ranks: Iterable[int | None]) -> int | None:
    """Best (smallest) rank among several keys; None when none was found."""
    found = [r for r in ranks if r is not None]
    return min(found) if found else None


def hit_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose best rank is at most k (0.0 for no questions)."""
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr(ranks: Sequence[int | None]) -> float:
    """Mean reciprocal rank; a question whose key was not found counts 0."""
    if not ranks:
        return 0.0
    return sum(1.0 / r for r in ranks if r) / len(ranks)


def recall_at(per_question: Sequence[Sequence[int | None]], k: int) -> float:
    """Mean over questions of the share of their keys found within the top k."""
    shares = [sum(1 for r in ranks if r is not None and r <= k) / len(ranks) for ranks in per_question if ranks]
    return sum(shares) / len(shares) if shares else 0.0


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    """The median (nan for no values)."""
    return percentile(values, 50)


def share(flags: Sequence[bool]) -> float:
    """Share of true flags (nan for none)."""
    return sum(1 for f in flags if f) / len(flags) if flags else math.nan


@dataclass(frozen=True)
class Cited:
    """One citation of an answer, as the metrics see it: the cited file's name and the clause text."""

    name: str
    text: str


def answer_support(answer: str, cited: Sequence[Cited], expect: Sequence[dict]) -> dict[str, bool]:
    """Whether some expected key is supported by the answer.

    ``in_answer``: the key appears in the answer text and some citation points at the key's document.
    ``in_cited``: the key appears in the answer text or in a cited clause of the key's document, and
    that document is cited.
    """
    text = squash(answer)
    in_answer = in_cited = False
    for e in expect:
        key = squash(e["key"])
        of_doc = [c for c in cited if c.name.startswith(e["doc"])]
        if not of_doc:
            continue
        in_answer |= key in text
        in_cited |= key in text or any(key in squash(c.text) for c in of_doc)
    return {"in_answer": in_answer, "in_cited": in_cited}


def row_recall(rows: Sequence[tuple[str, Sequence[str]]], expect: Sequence[dict]) -> list[bool]:
    """For each expected key: is it in one of the clauses shown in the row of its document?

    ``rows`` are ``(file_name, [clause texts])`` of a comparison.
    """
    found = []
    for e in expect:
        key = squash(e["key"])
        found.append(any(n.startswith(e["doc"]) and any(key in squash(t) for t in texts) for n, texts in rows))
    return found


def match_targets(
    expected: Sequence[dict], extracted: Sequence[dict]
) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Pair expected with extracted goals on doc + value + unit (each used once).

    Both sides are dicts with ``doc`` (file-name prefix), ``value``, ``unit``; expected ones carry ``key``,
    extracted ones ``text`` (the sentence). Among equal candidates the one whose sentence holds the key
    wins. Returns (matched pairs, missed expected, unexpected extracted).
    """
    free = list(extracted)
    pairs, missed = [], []
    for exp in expected:
        same = [x for x in free if _same_quantity(exp, x)]
        if not same:
            missed.append(exp)
            continue
        key = squash(exp.get("key", ""))
        chosen = next((x for x in same if key and key in squash(x.get("text", ""))), same[0])
        free.remove(chosen)
        pairs.append((exp, chosen))
    return pairs, missed, free


def _same_quantity(exp: dict, got: dict) -> bool:
    return (
        got["doc"].startswith(exp["doc"])
        and math.isclose(float(got["value"]), float(exp["value"]), abs_tol=1e-9)
        and got["unit"] == exp["unit"]
    )


def precision_recall(n_matched: int, n_expected: int, n_extracted: int) -> tuple[float, float]:
    """(precision, recall); nan where the denominator is 0."""
    precision = n_matched / n_extracted if n_extracted else math.nan
    recall = n_matched / n_expected if n_expected else math.nan
    return precision, recall


@dataclass(frozen=True)
class Goal:
    """One figure the project aims for: metric path in the results, comparison, threshold."""

    label: str
    path: str  # dotted path into the results dict
    op: str  # ">=", "<=", "<", "=="
    threshold: float | Callable[[dict], float]  # a number, or a function of the whole results dict

    def limit(self, results: dict) -> float | None:
        """The threshold as a number (None when it depends on a missing figure)."""
        if callable(self.threshold):
            try:
                return self.threshold(results)
            except (KeyError, TypeError):
                return None
        return self.threshold


def lookup(results: dict, path: str):
    """Value at a dotted path, or None when any part is missing."""
    node = results
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def verdict(value, op: str, limit) -> str:
    """PASS / FAIL for value op limit; 'n/a' when either side is missing or not a number."""
    if value is None or limit is None or isinstance(value, bool):
        return "n/a"
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    ok = {">=": value >= limit, "<=": value <= limit, "<": value < limit, "==": value == limit}[op]
    return "PASS" if ok else "FAIL"
