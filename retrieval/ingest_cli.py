"""CLI behind ``python -m ingest [PATHS…] [--rebuild]``: builds or updates the index; ``--list [--json]`` shows it.

It writes the index, so it sits above ingest/ and retrieval/; ``ingest/__main__.py`` only keeps the
documented command name pointing here.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from errors import PolicyError
from retrieval.library import load_library
from retrieval.pipeline import ingest_paths
from settings import get_settings


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (non-zero only when nothing could be ingested)."""
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the corpus folder)")
    parser.add_argument("--rebuild", action="store_true", help="start from an empty index")
    parser.add_argument("--list", action="store_true", help="print every indexed document with its metadata")
    parser.add_argument("--json", action="store_true", help="with --list: JSON output")
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.list:
        return _list(settings, args.json)
    try:
        report = ingest_paths(args.paths or None, settings, rebuild=args.rebuild, progress=sys.stderr.isatty())
    except PolicyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0 if report.ok else 1


def _list(settings, as_json: bool) -> int:
    library = load_library(settings.index_dir)
    if library is None:
        print("error: no index yet; run `python -m ingest` first", file=sys.stderr)
        return 1
    docs = sorted(library.documents.values(), key=lambda d: d.source)
    if as_json:
        rows = [{"doc_id": d.doc_id, "source": d.source, "clauses": len(d.clauses), **asdict(d.meta)} for d in docs]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for d in docs:
        m = d.meta
        print(f"{d.doc_id}  {d.source}  [{len(d.clauses)} clauses]")
        print(f"    {m.title} | {m.issuer or '-'} | {m.doc_number or '-'} | {m.date or '-'} | {m.region or '-'} "
              f"| {m.level or '-'} | {m.doc_type or '-'} | {m.status or '-'} | {m.period or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
