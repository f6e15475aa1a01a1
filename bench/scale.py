"""Scale run, meant to run in its own process (``python -m bench.scale``) so its peak RSS is its own.

Writes a synthetic corpus ``factor`` times the seed corpus, ingests it into a fresh index (printing
progress), then reports index size on disk, ingest clauses/s, warm search latency over the dev
questions and the peak RSS of this process, as JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.metrics import best_rank, hit_at, key_ranks, percentile
from bench.retrieval_eval import forget_queries
from bench.synth import write_corpus
from settings import REPO_ROOT, Settings


def folder_mb(folder: Path) -> float:
    """Total size of the files under folder, in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _say(text: str) -> None:
    print(f"[scale] {text}", flush=True)


def _embed_progress(every_s: float = 15.0):
    """An on_embedded(done, total) callback that prints at most every ``every_s`` seconds."""
    started = time.perf_counter()
    last = [0.0]

    def tick(done: int, total: int) -> None:
        now = time.perf_counter() - started
        if done == total or now - last[0] >= every_s:
            last[0] = now
            rate = done / now if now else 0.0
            eta = (total - done) / rate if rate else float("nan")
            _say(f"embedded {done}/{total} passages ({rate:.1f}/s, ~{eta:.0f}s left)")

    return tick


def ingest_with_progress(settings: Settings):
    """Full ingest of settings.corpus_dir, printing file and embedding progress."""
    import retrieval.pipeline as pipeline

    def on_file(done: int, total: int, name: str) -> None:
        if done == total or done % 50 == 0:
            _say(f"read {done}/{total} files")

    return pipeline.ingest_paths(None, settings, progress=False, on_progress=on_file, on_embedded=_embed_progress())


def search_latency(retriever, questions: list[dict], rounds: int) -> tuple[list[float], list[int | None]]:
    """Warm search latencies (one warm-up pass, then ``rounds`` passes) and best ranks of the first pass.

    Cached query vectors are forgotten before each timed search, so each one embeds its question.
    """
    ranks = []
    for q in questions:
        hits = retriever.search(q["q"], k=10)
        ranking = [(Path(h.document.source).name, h.clause.text) for h in hits]
        ranks.append(best_rank(key_ranks(ranking, q["expect"])) if q["expect"] else None)
    times = []
    for _ in range(rounds):
        for q in questions:
            forget_queries(retriever)
            t0 = time.perf_counter()
            retriever.search(q["q"], k=10)
            times.append(time.perf_counter() - t0)
    return times, ranks


def run(factor: int, dev: Path, rounds: int, workdir: Path) -> dict:
    """The whole scale run in workdir; returns the figures."""
    from retrieval.search import Retriever

    seeds = sorted(p for p in (REPO_ROOT / "corpus").iterdir() if p.is_file() and not p.name.startswith("."))
    t0 = time.perf_counter()
    files = write_corpus(seeds, factor, workdir / "corpus")
    _say(f"wrote {len(files)} files ({factor}x {len(seeds)} seeds) in {time.perf_counter() - t0:.1f}s")
    settings = Settings(
        corpus_dir=workdir / "corpus", index_dir=workdir / ".index", embedder="e5", chroma_host=None, _env_file=None
    )
    t0 = time.perf_counter()
    report = ingest_with_progress(settings)
    ingest_s = time.perf_counter() - t0
    _say(report.summary().splitlines()[0])
    questions = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    t0 = time.perf_counter()
    retriever = Retriever.open(settings)
    open_s = time.perf_counter() - t0
    times, ranks = search_latency(retriever, questions, rounds)
    answerable = [r for q, r in zip(questions, ranks, strict=True) if q["expect"]]
    return {
        "factor": factor,
        "files": len(files),
        "documents": report.documents,
        "clauses": report.clauses,
        "failed": [list(f) for f in report.failed],
        "ingest_s": round(ingest_s, 2),
        "clauses_per_s": round(report.clauses / ingest_s, 2) if ingest_s else None,
        "index_mb": round(folder_mb(settings.index_dir), 2),
        "open_s": round(open_s, 3),
        "search_ms": {
            "p50": round(percentile(times, 50) * 1000, 2),
            "p95": round(percentile(times, 95) * 1000, 2),
            "n": len(times),
        },
        "hit@5_any_copy": round(hit_at(answerable, 5), 4),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    """CLI: --factor N --dev FILE --out FILE.json [--rounds R] [--workdir DIR]."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None, help="kept after the run when given")
    args = parser.parse_args(argv)
    run_in_workdir(lambda workdir: run(max(1, args.factor), args.dev, args.rounds, workdir), args.workdir,
                   "bench-scale-", args.out)  # fmt: skip
    return 0


def run_in_workdir(measure, workdir: Path | None, prefix: str, out: Path) -> None:
    """measure(workdir) in the given folder (kept) or a temporary one (removed); its figures written to out."""
    folder = workdir or Path(tempfile.mkdtemp(prefix=prefix))
    try:
        figures = measure(folder)
    finally:
        if workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
