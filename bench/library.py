"""Library scale: the five seeds plus the second library (../shared/library, about 100 documents) in one index.

Run by ``python -m bench`` in a subprocess of its own (so its peak RSS is its own). Reports, in one run:
parse time; the embedding floor (the bundled embedder embedding every clause's text once) and ingest time
as a ratio to it; clauses/s, index size, peak RSS; search latency beside the naive baseline built over the
same files; quality on the library question sets (bench/library/questions*.jsonl, each written by a helper who saw only
the documents); the seeds' own question sets with and without the library in the index (all questions, and
those that name their region); one comparison over every document; target extraction.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from bench.assistant_eval import run_answers, run_compare
from bench.metrics import best_rank, hit_at, mrr
from bench.retrieval_eval import bench_settings, build_baseline, evaluate, forget_queries, latency_ms, load_dev
from bench.retrieval_eval import project_search as project_search_fn
from bench.scale import folder_mb, peak_rss_mb, run_in_workdir
from settings import REPO_ROOT

LIBRARY = REPO_ROOT.parent / "shared" / "library"
QUESTION_SETS = sorted((REPO_ROOT / "bench" / "library").glob("questions*.jsonl"))
COMPARE_TOPIC = "各地对美育教师配备分别有什么要求?"


def _say(text: str) -> None:
    print(f"[library] {text}", flush=True)


def library_questions(path: Path) -> list[dict]:
    """The library questions, their expected documents named by file name (as hits name them)."""
    questions = load_dev(path)
    for q in questions:
        for e in q["expect"]:
            e["doc"] = Path(e["doc"]).name
    return questions


def write_corpus(workdir: Path) -> tuple[Path, Path]:
    """A seeds-only corpus and a seeds + library corpus under workdir."""
    seeds, full = workdir / "seeds" / "corpus", workdir / "full" / "corpus"
    shutil.copytree(REPO_ROOT / "corpus", seeds)
    shutil.copytree(REPO_ROOT / "corpus", full)
    for folder in sorted(p for p in LIBRARY.iterdir() if p.is_dir()):
        shutil.copytree(folder, full / "library" / folder.name)
    return seeds, full


def parse_all(settings) -> tuple[list, float]:
    """Every document of the corpus read (no embedding), and the seconds it took."""
    from errors import UnsupportedFile
    from ingest.document import build_document, corpus_files

    t0 = time.perf_counter()
    docs = []
    for path in corpus_files(settings.corpus_dir):
        try:
            docs.append(build_document(path, settings))
        except UnsupportedFile:
            pass
    return docs, time.perf_counter() - t0


def embedding_floor(docs: list) -> tuple[float, int]:
    """Seconds the bundled embedder takes to embed every clause's text once, and the characters embedded."""
    from retrieval.embed import E5Embeddings

    texts = [c.text for d in docs for c in d.clauses]
    embedder = E5Embeddings()
    t0 = time.perf_counter()
    embedder.embed_documents(texts)
    return time.perf_counter() - t0, sum(map(len, texts))


def ingest(settings) -> tuple[object, float]:
    """A full ingest into a fresh index, and its seconds."""
    from retrieval.pipeline import ingest_paths

    t0 = time.perf_counter()
    report = ingest_paths(None, settings, progress=False)
    return report, time.perf_counter() - t0


def question_set(retriever, settings, baseline, questions: list[dict], rounds: int) -> dict:
    """Retrieval (project and baseline, with warm latency), answers and compare() on one library question set."""
    search = project_search_fn(retriever)
    project = evaluate(search, questions)
    project["latency_ms"] = latency_ms(search, questions, rounds, reset=lambda: forget_queries(retriever))
    base = evaluate(baseline.search, questions)
    base["latency_ms"] = latency_ms(baseline.search, questions, rounds)
    _say(f"{len(questions)} questions: hit@1 {project['hit@1']} (baseline {base['hit@1']})")
    return {
        "retrieval": {"project": project, "baseline": base},
        "answers": run_answers(retriever, settings, questions, rounds=1),
        "compare": run_compare(retriever, questions, rounds=1),
    }


def named_subset(questions: list[dict], per_question: dict, analyze) -> dict:
    """hit@1 and MRR over the answerable questions that name a region the library holds."""
    named = [q["id"] for q in questions if q["id"] in per_question and analyze(q["q"]).regions]
    ranks = [best_rank(per_question[qid]["ranks"]) for qid in named]
    return {"questions": len(named), "hit@1": round(hit_at(ranks, 1), 4), "mrr": round(mrr(ranks), 4)}


def seed_sets(retriever, sets: dict[str, list[dict]]) -> dict:
    """The seeds' question sets on one index: all answerable questions, and those naming their region."""
    out = {}
    for name, questions in sets.items():
        e = evaluate(project_search_fn(retriever), questions)
        out[name] = {
            "hit@1": e["hit@1"],
            "mrr": e["mrr"],
            "compare_recall@10": e["compare_recall@10"],
            "named": named_subset(questions, e["per_question"], retriever.analyze),
        }
    return out


def run(workdir: Path, sets: dict[str, list[dict]], rounds: int) -> dict:
    """The whole library run in workdir; returns the figures."""
    from assistant.compare import compare
    from assistant.targets import extract_targets
    from retrieval.search import Retriever

    seeds_dir, full_dir = write_corpus(workdir)
    seeds, full = bench_settings(seeds_dir.parent), bench_settings(full_dir.parent)
    docs, parse_s = parse_all(full)
    _say(f"parsed {len(docs)} documents, {sum(len(d.clauses) for d in docs)} clauses in {parse_s:.1f}s")
    floor_s, floor_chars = embedding_floor(docs)
    _say(f"embedding floor: {floor_chars} characters in {floor_s:.1f}s")
    report, ingest_s = ingest(full)
    _say(f"ingest: {ingest_s:.1f}s ({ingest_s / floor_s:.2f}x the floor); {report.summary().splitlines()[0]}")
    retriever = Retriever.open(full)
    baseline, build_s = build_baseline(full.corpus_dir, workdir / "baseline", int(full.max_file_mb * 1024 * 1024))
    question_sets = {path.stem: question_set(retriever, full, baseline, library_questions(path), rounds)
                     for path in QUESTION_SETS}  # fmt: skip
    t0 = time.perf_counter()
    everything = compare(COMPARE_TOPIC, retriever)
    compare_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    targets = extract_targets(retriever.library)
    targets_s = time.perf_counter() - t0
    with_library = seed_sets(retriever, sets)
    ingest(seeds)
    without_library = seed_sets(Retriever.open(seeds), sets)
    return {
        "documents": report.documents,
        "clauses": report.clauses,
        "failed": [list(f) for f in report.failed],
        "warnings": [list(w) for w in report.warnings],
        "parse_s": round(parse_s, 2),
        "embed_floor_s": round(floor_s, 2),
        "embed_floor_chars": floor_chars,
        "ingest_s": round(ingest_s, 2),
        "ingest_over_floor": round(ingest_s / floor_s, 3),
        "clauses_per_s": round(report.clauses / ingest_s, 2),
        "index_mb": round(folder_mb(full.index_dir), 2),
        "baseline_chunks": baseline.chunks,
        "baseline_build_s": round(build_s, 2),
        "sets": question_sets,
        "compare_all": {"topic": COMPARE_TOPIC, "seconds": round(compare_s, 3), "rows": len(everything.rows),
                        "covered": sum(1 for r in everything.rows if r.covered)},  # fmt: skip
        "targets": {"seconds": round(targets_s, 3), "found": len(targets),
                    "documents": len({t.doc_id for t in targets})},  # fmt: skip
        "seed_sets": {"with_library": with_library, "seeds_only": without_library},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    """CLI: --sets FILE… --out FILE.json [--rounds R] [--workdir DIR]."""
    parser = argparse.ArgumentParser(prog="python -m bench.library", description=__doc__)
    parser.add_argument("--sets", type=Path, nargs="+", required=True, help="the seeds' question sets (JSONL)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="kept after the run when given")
    args = parser.parse_args(argv)
    if not LIBRARY.is_dir() or not QUESTION_SETS:
        print(f"library or its questions (bench/library/questions*.jsonl) not found: {LIBRARY}", file=sys.stderr)
        return 2
    sets = {("dev" if p.parent.name == "eval" else p.stem): load_dev(p) for p in args.sets}
    run_in_workdir(lambda workdir: run(workdir, sets, args.rounds), args.workdir, "bench-library-", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
