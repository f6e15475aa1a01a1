"""CLI: ``python -m assistant ask|compare|targets|brief …`` (see ``--help`` of each command).

  ask "问题" [--json]  |  ask --batch FILE.jsonl           cited answer(s); JSON per the contract
  compare "主题" [--json] [--region R] [--csv F] [--md F] [--docx F]
  targets [--json] [--region R] [--year-from Y] [--year-to Y] [--all]
  brief "主题" ["主题2" …] -o FILE.docx [--md FILE.md] [--region R]

Errors the user can fix (no index, empty topic, unwritable path …) print one line on stderr, exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from errors import BadQuery, PolicyError
from retrieval.types import SearchFilters
from settings import get_settings


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except PolicyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="政策问答助手 command line")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="a cited answer to a question")
    ask.add_argument("question", nargs="?", help="the question")
    ask.add_argument("--json", action="store_true", help="JSON output")
    ask.add_argument("--batch", help='JSONL file of {"id","q"}; writes one JSON answer per line')
    ask.set_defaults(run=_run_ask)

    cmp = sub.add_parser("compare", help="a topic side by side across documents")
    cmp.add_argument("topic", help="the topic, e.g. 教师交流")
    cmp.add_argument("--json", action="store_true", help="JSON output")
    cmp.add_argument("--region", action="append", default=[], help="only documents of this region (repeatable)")
    cmp.add_argument("--csv", help="also write the comparison as CSV")
    cmp.add_argument("--md", help="also write the comparison as Markdown")
    cmp.add_argument("--docx", help="also write the comparison as DOCX")
    cmp.set_defaults(run=_run_compare)

    tgt = sub.add_parser("targets", help="quantitative goals in the library")
    tgt.add_argument("--json", action="store_true", help="JSON output (one list)")
    tgt.add_argument("--region", action="append", default=[], help="only this region (repeatable)")
    tgt.add_argument("--year-from", type=int, help="goals whose year (range) reaches this year or later")
    tgt.add_argument("--year-to", type=int, help="goals whose year (range) starts this year or earlier")
    tgt.add_argument("--all", action="store_true", help="include statements of the current state (marked 现状)")
    tgt.set_defaults(run=_run_targets)

    brief = sub.add_parser("brief", help="a briefing document (DOCX, optional Markdown)")
    brief.add_argument("topics", nargs="+", help="one or more topics")
    brief.add_argument("-o", "--output", required=True, help="the DOCX file to write")
    brief.add_argument("--md", help="also write the briefing as Markdown")
    brief.add_argument("--region", action="append", default=[], help="only documents of this region (repeatable)")
    brief.set_defaults(run=_run_brief)
    return parser


def _retriever():
    from retrieval.search import Retriever

    return Retriever.open(get_settings())


def _filters(regions: Sequence[str]) -> SearchFilters | None:
    regions = tuple(r.strip() for r in regions if r.strip())
    return SearchFilters(regions=regions) if regions else None


def _dump(data) -> None:
    print(json.dumps(data, ensure_ascii=False))


# ---------------------------------------------------------------- ask


def _run_ask(args) -> int:
    from assistant.answer import ask

    if not args.question and not args.batch:
        raise BadQuery("Give a question or --batch FILE", zh="请输入问题。")
    retriever = _retriever()
    if args.batch:
        return _ask_batch(retriever, args.batch, ask)
    answer = ask(args.question, retriever)
    if args.json:
        _dump(answer.to_json(None))
        return 0
    print(answer.answer)
    for c in answer.citations or answer.nearby:
        print(f"[{c.n}] {c.title} › {c.heading or '正文'}\n    {c.text}")
    return 0


def _ask_batch(retriever, path: str, ask) -> int:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as exc:
        raise BadQuery(f"Cannot read {path}: {exc.strerror}", zh=f"无法读取文件 {path}。") from exc
    for line in lines:
        if not line.strip():
            continue
        item = json.loads(line)
        try:
            out = ask(item.get("q", ""), retriever).to_json(item.get("id"))
        except PolicyError as err:
            out = {"id": item.get("id"), "answer": "", "abstained": True, "citations": [], "error": str(err)}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


# ---------------------------------------------------------------- compare


def _run_compare(args) -> int:
    from assistant import export
    from assistant.compare import compare

    export.check_writable([args.csv, args.md, args.docx])
    comparison = compare(args.topic, _retriever(), _filters(args.region))
    if not any(row.covered for row in comparison.rows):
        raise BadQuery(f"No document in scope covers the topic {args.topic!r}", zh="现有文件均未涉及该主题。")
    for path, render in (
        (args.csv, export.comparison_csv),
        (args.md, export.comparison_markdown),
        (args.docx, export.comparison_docx),
    ):
        if path:
            data = render(comparison)
            export.write_bytes(path, data.encode("utf-8") if isinstance(data, str) else data)
            print(f"wrote {path}", file=sys.stderr)
    if args.json:
        _dump(comparison.to_json())
    else:
        print(export.comparison_markdown(comparison), end="")
    return 0


# ---------------------------------------------------------------- targets


def _run_targets(args) -> int:
    from assistant.targets import extract_targets, filter_targets
    from retrieval.library import open_library
    from retrieval.search import check_library

    settings = get_settings()
    home = open_library(settings)
    library = check_library(home.load(), home, settings)
    kinds = ("target", "status") if args.all else ("target",)
    found = filter_targets(extract_targets(library), args.region, args.year_from, args.year_to, kinds)
    if not found and (args.region or args.year_from is not None or args.year_to is not None):
        raise BadQuery("No quantitative goal matches the filters", zh="没有符合筛选条件的量化目标。")
    if args.json:
        _dump([t.to_json() for t in found])
        return 0
    for t in found:
        print(_target_line(t))
    return 0


def _target_line(t) -> str:
    """One target as a display line; status lines are marked 现状."""
    value = f"{t.value:g}" + (f"—{t.value_max:g}" if t.value_max is not None else "") + t.unit
    mark = "【现状】" if t.kind == "status" else ""
    return f"{mark}{t.region}|{t.year or '—'}|{t.scope}|{t.measure}|{t.comparator}{value}|《{t.title}》|{t.text}"


# ---------------------------------------------------------------- brief


def _run_brief(args) -> int:
    from assistant import export
    from assistant.brief import build_brief

    export.check_writable([args.output, args.md])
    briefing = build_brief(args.topics, _retriever(), _filters(args.region))
    docx_bytes = export.briefing_docx(briefing)
    md_text = export.briefing_markdown(briefing) if args.md else None
    export.write_bytes(args.output, docx_bytes)
    print(f"wrote {args.output}", file=sys.stderr)
    if md_text is not None:
        export.write_bytes(args.md, md_text.encode("utf-8"))
        print(f"wrote {args.md}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
