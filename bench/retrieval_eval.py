"""Ingest timing, retrieval quality and latency of the project's search and of the naive baseline."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.metrics import Ranking, best_rank, hit_at, key_ranks, median, mrr, percentile, recall_at
from settings import REPO_ROOT, Settings

SearchFn = Callable[[str, int], Ranking]
K = 10


def load_dev(path: Path) -> list[dict]:
    """Dev questions: one JSON object per non-empty line."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def bench_settings(root: Path) -> Settings:
    """Settings for a corpus and index under root (embedded Chroma, e5, extractive answers)."""
    return Settings(
        corpus_dir=root / "corpus",
        index_dir=root / ".index",
        embedder="e5",
        chroma_host=None,
        answer_mode="extractive",
        _env_file=None,
    )


def run_ingest(corpus: Path, root: Path) -> tuple[Settings, dict]:
    """Copy the corpus under root, ingest it into a fresh index, then re-run with nothing changed."""
    shutil.copytree(corpus, root / "corpus")
    settings = bench_settings(root)
    from retrieval.pipeline import ingest_paths

    t0 = time.perf_counter()
    first = ingest_paths(None, settings, progress=False)
    full_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = ingest_paths(None, settings, progress=False)
    rerun_s = time.perf_counter() - t0
    return settings, {
        "documents": first.documents,
        "clauses": first.clauses,
        "failed": [list(f) for f in first.failed],
        "full_s": round(full_s, 3),
        "full_embedded": first.embedded,
        "rerun_s": round(rerun_s, 3),
        "rerun_embedded": again.embedded,
        "rerun_unchanged": len(again.unchanged),
    }


def project_search(retriever) -> SearchFn:
    """The project's search as (question, k) -> ranking of (file name, clause text)."""

    def search(question: str, k: int) -> Ranking:
        return [(Path(h.document.source).name, h.clause.text) for h in retriever.search(question, k=k)]

    return search


def evaluate(search: SearchFn, questions: list[dict]) -> dict:
    """Quality figures of one search over the dev questions (unanswerable ones left out)."""
    answerable = [q for q in questions if q.get("type") != "unanswerable" and q["expect"]]
    per_q, best, top1 = {}, [], []
    for q in answerable:
        ranking = search(q["q"], K)
        ranks = key_ranks(ranking, q["expect"])
        per_q[q["id"]] = {"type": q["type"], "ranks": ranks}
        best.append(best_rank(ranks))
        if ranking:
            top1.append(len(ranking[0][1]))
    compare = [per_q[q["id"]]["ranks"] for q in answerable if q["type"] == "compare"]
    para = [best_rank(per_q[q["id"]]["ranks"]) for q in answerable if q["type"] == "paraphrase"]
    out = {f"hit@{k}": round(hit_at(best, k), 4) for k in (1, 3, 5, 10)}
    out.update(
        {
            "mrr": round(mrr(best), 4),
            "compare_recall@10": round(recall_at(compare, K), 4),
            "paraphrase_hit@5": round(hit_at(para, 5), 4),
            "median_top1_chars": median(top1),
            "questions": len(answerable),
            "per_question": per_q,
        }
    )
    return out


def forget_queries(retriever) -> None:
    """Empty the retriever's query-vector cache, so the next search embeds its question."""
    clear = getattr(retriever, "clear_query_cache", None)
    if clear:
        clear()


def latency_ms(search: SearchFn, questions: list[dict], rounds: int, reset: Callable[[], None] | None = None) -> dict:
    """Warm search latency: one warm-up pass, then ``rounds`` passes over every dev question.

    ``reset`` runs (untimed) before each timed search, e.g. to forget cached query vectors.
    """
    for q in questions:
        search(q["q"], K)
    times, by_q = [], {}
    for _ in range(rounds):
        for q in questions:
            if reset:
                reset()
            t0 = time.perf_counter()
            search(q["q"], K)
            ms = (time.perf_counter() - t0) * 1000
            times.append(ms)
            by_q.setdefault(q["id"], []).append(ms)
    slowest = max(by_q, key=lambda qid: median(by_q[qid])) if by_q else None
    return {
        "p50": round(percentile(times, 50), 2),
        "p95": round(percentile(times, 95), 2),
        "n": len(times),
        "slowest": f"{slowest} (median {median(by_q[slowest]):.1f} ms)" if slowest else None,
    }


_COLD = """
import json, sys, time
t0 = time.perf_counter()
from retrieval.search import Retriever
from settings import Settings
t1 = time.perf_counter()
s = Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2], embedder="e5", chroma_host=None, _env_file=None)
r = Retriever.open(s)
t2 = time.perf_counter()
hits = r.search(sys.argv[3], k=10)
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "first_search_s": t3 - t2, "hits": len(hits)}))
"""


def cold_start(settings: Settings, question: str) -> dict:
    """Retriever.open + first search in a fresh interpreter (and the whole subprocess's wall time)."""
    args = [sys.executable, "-c", _COLD, str(settings.corpus_dir), str(settings.index_dir), question]
    t0 = time.perf_counter()
    done = subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    got = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "open_plus_first_search_s": round(got["open_s"] + got["first_search_s"], 3),
        "open_s": round(got["open_s"], 3),
        "first_search_s": round(got["first_search_s"], 3),
        "import_s": round(got["import_s"], 3),
        "subprocess_wall_s": round(wall, 3),
    }


def build_baseline(corpus: Path, root: Path, max_bytes: int):
    """The naive baseline over the raw corpus files, with its build time in seconds."""
    from bench.baseline import NaiveBaseline
    from ingest.document import corpus_files
    from retrieval.embed import make_embedder

    t0 = time.perf_counter()
    baseline = NaiveBaseline.build(corpus_files(corpus), root / "naive-chroma", make_embedder("e5"), max_bytes)
    return baseline, time.perf_counter() - t0
