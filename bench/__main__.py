"""``python -m bench``: ingest, retrieval (vs a naive baseline), answers, compare, targets and a scale run.

Prints readable tables and writes every figure to bench/results/latest.json (rewritten after each section).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report
from bench.assistant_eval import run_answers, run_compare, run_targets
from bench.dialogue_eval import load_jsonl, run_answer_set, run_compare_rows, run_conversations
from bench.retrieval_eval import (
    build_baseline,
    cold_start,
    evaluate,
    forget_queries,
    latency_ms,
    load_dev,
    project_search,
    run_ingest,
)
from settings import REPO_ROOT

DEFAULT_DEV = REPO_ROOT.parent / "shared" / "eval" / "dev.jsonl"
DEFAULT_OUT = REPO_ROOT / "bench" / "results" / "latest.json"
HOLDOUT_DIR = REPO_ROOT / "bench" / "data"
DIALOGUE_DIR = REPO_ROOT / "bench" / "dialogue"  # answers_/conversations_/compare_{set}.jsonl


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="dev questions (JSONL)")
    parser.add_argument("--holdout", type=Path, nargs="*", default=sorted(HOLDOUT_DIR.glob("*.jsonl")),
                        help="further question files, each beside dev (default: bench/data/*.jsonl)")  # fmt: skip
    parser.add_argument("--corpus", type=Path, default=REPO_ROOT / "corpus", help="seed corpus folder")
    parser.add_argument("--scale", type=int, default=100, help="scale factor of the synthetic corpus (default 100)")
    parser.add_argument("--no-scale", action="store_true", help="skip the scale run")
    parser.add_argument("--no-library", action="store_true", help="skip the run on the seeds plus ../shared/library")
    parser.add_argument("--no-load", action="store_true", help="skip the load run (8 browser sessions, one minute)")
    parser.add_argument("--dialogue", type=Path, default=DIALOGUE_DIR,
                        help="folder of the outcome/conversation/compare sets (default: bench/dialogue)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the dev questions")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON")
    return parser.parse_args(argv)


class Results(dict):
    """The results dict, saved to disk after every section."""

    def __init__(self, out: Path, **meta):
        super().__init__(meta=meta)
        self.out = out

    def save(self) -> None:
        """Write the results (and the goal verdicts so far) as JSON."""
        self["goals"] = report.judge(self)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.write_text(json.dumps(self, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run every section, print tables, write the JSON; returns the exit code."""
    args = parse_args(argv)
    if not args.dev.exists():
        print(f"dev questions not found: {args.dev} (give --dev FILE)", file=sys.stderr)
        return 2
    if missing := [str(p) for p in args.holdout if not p.exists()]:
        print(f"held-out questions not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    questions = load_dev(args.dev)
    results = Results(
        args.out,
        started=time.strftime("%Y-%m-%d %H:%M:%S"),
        dev=str(args.dev),
        questions=len(questions),
        rounds=args.rounds,
        python=platform.python_version(),
        commit=_commit(),
        cores=os.cpu_count(),
        load_avg_start=_load(),
    )
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        root = Path(tmp)
        settings = ingest_section(args, root, results)
        retriever, baseline = retrieval_section(args, root, settings, questions, results)
        assistant_sections(args, settings, retriever, questions, results)
        for path in args.holdout:
            holdout_section(path, settings, retriever, baseline, results)
        for name in dialogue_sets(args.dialogue):
            dialogue_section(args.dialogue, name, retriever, results)
    if not args.no_library:
        library_section(args, results)
    if not args.no_scale:
        scale_section(args, results)
    if not args.no_load:
        load_section(args, results)
    print(report.section("Goals"))
    results["meta"]["load_avg_end"] = _load()
    results.save()
    print(report.goals_table(results["goals"]))
    meta = results["meta"]
    print(f"\nload average (1 min): {meta['load_avg_start']} at start, {meta['load_avg_end']} at end, on "
          f"{meta['cores']} cores; latencies are inflated while other work shares the cores")  # fmt: skip
    print(f"results written to {args.out}")
    return 0


def ingest_section(args, root: Path, results: Results):
    """Full ingest of a corpus copy into a fresh index, then an unchanged re-run."""
    print(report.section("Ingest"), flush=True)
    settings, figures = run_ingest(args.corpus, root)
    results["ingest"] = figures
    results.save()
    print(report.ingest_table(figures))
    return settings


def retrieval_section(args, root: Path, settings, questions: list[dict], results: Results):
    """Project search vs naive baseline: quality, warm latency, cold start."""
    from retrieval.search import Retriever

    print(report.section("Retrieval: project vs naive baseline"), flush=True)
    retriever = Retriever.open(settings)
    search = project_search(retriever)
    project = evaluate(search, questions)
    project["latency_ms"] = latency_ms(search, questions, args.rounds, reset=lambda: forget_queries(retriever))
    project["latency_cached_ms"] = latency_ms(search, questions, args.rounds)
    baseline, build_s = build_baseline(settings.corpus_dir, root, int(settings.max_file_mb * 1024 * 1024))
    base = evaluate(baseline.search, questions)
    base["latency_ms"] = latency_ms(baseline.search, questions, args.rounds)
    base.update(chunks=baseline.chunks, build_s=round(build_s, 2))
    cold = cold_start(settings, questions[0]["q"])
    results["retrieval"] = {"project": project, "baseline": base, "cold_start": cold}
    results.save()
    print(f"{project['questions']} answerable dev questions, top 10; baseline: {base['chunks']} chunks of "
          f"250/50 chars, built in {base['build_s']}s")  # fmt: skip
    print(report.retrieval_table(project, base))
    print(f"slowest question: project {project['latency_ms']['slowest']}, baseline {base['latency_ms']['slowest']}")
    print("\ncold start (fresh process): " + ", ".join(f"{k} {report.fmt(v)}" for k, v in cold.items()))
    print("\n" + report.per_question_table(questions, project, base))
    return retriever, baseline


def holdout_section(path: Path, settings, retriever, baseline, results: Results) -> None:
    """Retrieval, answers and compare on questions written apart from the dev set, to show how figures carry over."""
    questions = load_dev(path)
    print(report.section(f"Questions written apart from the dev set ({len(questions)}, {path.name})"), flush=True)
    project = evaluate(project_search(retriever), questions)
    base = evaluate(baseline.search, questions)
    answers = run_answers(retriever, settings, questions, rounds=1)
    comp = run_compare(retriever, questions, rounds=1)
    results.setdefault("holdout", {})[path.stem] = {
        "file": str(path), "retrieval": {"project": project, "baseline": base}, "answers": answers, "compare": comp
    }
    results.save()
    print(report.quality_table(project, base))
    print("\n" + report.per_question_table(questions, project, base))
    _print_figures(answers, ("support_in_cited", "support_in_answer", "refusal_rate", "false_refusals", "median_chars"))
    _print_figures(comp, ("recall", "questions_all_keys", "questions"))


def dialogue_sets(folder: Path) -> list[str]:
    """The set names (dev, blind …) that have all three files in the folder."""
    names = {p.stem.removeprefix("answers_") for p in folder.glob("answers_*.jsonl")}
    kinds = ("answers", "conversations", "compare")
    return sorted(n for n in names if all((folder / f"{k}_{n}.jsonl").exists() for k in kinds))


def dialogue_section(folder: Path, name: str, retriever, results: Results) -> None:
    """Outcomes (answered / not stated / refused), the lead sentence, conversations and per-document compare."""
    from assistant.answer import ask
    from assistant.compare import compare

    print(report.section(f"Outcomes, follow-ups and per-document compare: set {name}"), flush=True)
    sets = {k: load_jsonl(folder / f"{k}_{name}.jsonl") for k in ("answers", "conversations", "compare")}
    figures = {
        "answers": run_answer_set(lambda q: ask(q, retriever), sets["answers"]),
        "conversations": run_conversations(
            lambda q, history: ask(q, retriever, history=history), sets["conversations"]
        ),
        "compare": run_compare_rows(lambda q: compare(q, retriever), sets["compare"]),
    }
    results.setdefault("dialogue", {})[name] = figures
    results.save()
    for part in ("answerable", "unanswerable"):
        print(f"{part} ({figures['answers'][part]['n']})")
        _print_figures(figures["answers"][part], ("outcomes", "support_in_answer", "support_in_cited",
                                                  "not_answered", "lead_holds_fact"))  # fmt: skip
    print("conversations")
    _print_figures(figures["conversations"], ("first_turns_right", "followups_right", "followups_in_cited",
                                              "followups", "by_kind"))  # fmt: skip
    print("compare, per document")
    _print_figures(figures["compare"], ("row_recall", "row_lead", "absent_right", "documents", "absent_documents"))


def assistant_sections(args, settings, retriever, questions: list[dict], results: Results) -> None:
    """Answers, compare and targets (each skipped with a note when not importable)."""
    print(report.section("Answers (assistant.answer.ask)"), flush=True)
    answers = run_answers(retriever, settings, questions, args.rounds)
    results["answers"] = answers
    results.save()
    _print_figures(answers, ("support_in_cited", "support_in_answer", "refusal_rate", "false_refusals",
                             "median_chars", "latency_ms", "mode"))  # fmt: skip
    print(report.section("Compare (assistant.compare.compare)"), flush=True)
    comp = run_compare(retriever, questions, args.rounds)
    results["compare"] = comp
    results.save()
    _print_figures(comp, ("recall", "questions_all_keys", "questions", "seconds_p50", "seconds_max"))
    for qid, v in comp.get("per_question", {}).items():
        print(f"  {qid}: keys found {v['keys_found']}, {v['covered']}/{v['rows']} rows covered")
    print(report.section("Targets (assistant.targets.extract_targets)"), flush=True)
    tg = run_targets(retriever.library, rounds=args.rounds)
    results["targets"] = tg
    results.save()
    _print_targets(tg)


def scale_section(args, results: Results) -> None:
    """The scale run in a subprocess (its own peak RSS); progress lines pass through."""
    print(report.section(f"Scale: {args.scale}x the corpus (subprocess)"), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-scale-out-") as tmp:
        out = Path(tmp) / "scale.json"
        cmd = [sys.executable, "-m", "bench.scale", "--factor", str(args.scale), "--dev", str(args.dev),
               "--out", str(out), "--rounds", str(args.rounds)]  # fmt: skip
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=REPO_ROOT, check=False)
        wall = time.perf_counter() - t0
        if done.returncode != 0 or not out.exists():
            results["scale"] = {"error": f"scale run exited with code {done.returncode}", "factor": args.scale}
        else:
            results["scale"] = {**json.loads(out.read_text(encoding="utf-8")), "wall_s": round(wall, 1)}
    results.save()
    _print_figures(results["scale"], ("factor", "files", "documents", "clauses", "ingest_s", "clauses_per_s",
                                      "index_mb", "open_s", "search_ms", "hit@5_any_copy", "peak_rss_mb",
                                      "wall_s", "error"))  # fmt: skip


def load_section(args, results: Results) -> None:
    """8 browser sessions on one app and one Chroma server for a minute, while a ninth process ingests."""
    from bench.load import run_load

    print(report.section("Load: 8 browser sessions, one app, one Chroma server, an ingest meanwhile"), flush=True)
    try:
        results["load"] = run_load()
    except Exception as err:  # a server that would not start, a missing browser: noted, the other sections stand
        results["load"] = {"error": f"{type(err).__name__}: {err}"}
    results.save()
    _print_figures(results["load"], ("questions_asked", "answered", "single_p50_ms", "single_p95_ms", "load_p50_ms",
                                     "load_p95_ms", "ingest_seconds", "new_document_visible", "error"))  # fmt: skip
    for line in results["load"].get("errors", [])[:10]:
        print(f"  error: {line}")


def library_section(args, results: Results) -> None:
    """The seeds plus the second library in one index, in a subprocess (its own peak RSS)."""
    print(report.section("Library: the seeds plus ../shared/library (subprocess)"), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-library-out-") as tmp:
        out = Path(tmp) / "library.json"
        cmd = [sys.executable, "-m", "bench.library", "--out", str(out), "--rounds", str(args.rounds),
               "--sets", str(args.dev), *map(str, args.holdout)]  # fmt: skip
        done = subprocess.run(cmd, cwd=REPO_ROOT, check=False)
        if done.returncode != 0 or not out.exists():
            results["library"] = {"error": f"library run exited with code {done.returncode}"}
        else:
            results["library"] = json.loads(out.read_text(encoding="utf-8"))
    results.save()
    if "error" in results["library"]:
        print(results["library"]["error"])
        return
    lib = results["library"]
    _print_figures(lib, ("documents", "clauses", "parse_s", "embed_floor_s", "ingest_s", "ingest_over_floor",
                         "clauses_per_s", "index_mb", "peak_rss_mb", "compare_all", "targets"))  # fmt: skip
    for name, figures in lib["sets"].items():
        project, baseline = figures["retrieval"]["project"], figures["retrieval"]["baseline"]
        print(f"\nlibrary questions {name} ({project['questions']} answerable)")
        print(report.quality_table(project, baseline))
        print(f"search latency (ms): project {project['latency_ms']}; baseline {baseline['latency_ms']}")
        _print_figures(figures["answers"], ("support_in_cited", "support_in_answer", "refusal_rate", "false_refusals"))
        _print_figures(figures["compare"], ("recall", "questions_all_keys", "questions", "seconds_p50"))
    print(report.seed_sets_table(lib["seed_sets"]))


def _print_figures(figures: dict, keys: tuple[str, ...]) -> None:
    if "skipped" in figures:
        print(f"skipped: {figures['skipped']}")
        return
    rows = []
    for key in keys:
        if key not in figures:
            continue
        value = figures[key]
        if isinstance(value, dict):
            value = ", ".join(f"{k} {report.fmt(v)}" for k, v in value.items())
        rows.append([key, value])
    print(report.table(["figure", "value"], rows))


def _print_targets(tg: dict) -> None:
    if "skipped" in tg:
        print(f"skipped: {tg['skipped']}")
        return
    keys = ("precision", "recall", "expected", "extracted", "matched", "matched_same_sentence", "matched_same_range",
            "matched_same_year")  # fmt: skip
    print(f"extract_targets over the library: {tg['seconds']}s (median)")
    print(report.table(["figure", "targets", "status"], [[k, tg["targets"][k], tg["status"][k]] for k in keys]))
    for kind in ("targets", "status"):
        for label in ("missed", "unexpected"):
            for line in tg[kind][label]:
                print(f"  {kind} {label}: {line}")


def _load() -> float:
    """1-minute load average of the machine."""
    return round(os.getloadavg()[0], 2)


def _commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True)
        return done.stdout.strip()
    except OSError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
