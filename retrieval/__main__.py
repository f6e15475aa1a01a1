"""CLI: ``python -m retrieval "问题" [-k N] [--json]`` or ``--batch FILE.jsonl`` (lines {"id","q"})."""

from __future__ import annotations

import argparse
import json
import sys

from errors import PolicyError
from retrieval.search import Retriever
from settings import get_settings


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m retrieval", description=__doc__)
    parser.add_argument("query", nargs="?", help="the question")
    parser.add_argument("-k", type=int, default=5, help="number of clauses (default 5)")
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.add_argument("--batch", help="JSONL file of {id, q}; writes one JSON line per question")
    args = parser.parse_args(argv)
    if not args.query and not args.batch:
        parser.error("give a question or --batch FILE")
    try:
        retriever = Retriever.open(get_settings())
        if args.batch:
            return _batch(retriever, args.batch, args.k)
        hits = retriever.search(args.query, k=args.k)
    except PolicyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"query": args.query, "hits": [h.to_json() for h in hits]}, ensure_ascii=False))
        return 0
    for hit in hits:
        print(f"[{hit.rank}] {hit.score:.3f}  {hit.document.meta.title} › {hit.clause.heading or '正文'}")
        print(f"    {hit.clause.text}")
    return 0


def _batch(retriever: Retriever, path: str, k: int) -> int:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            item = json.loads(line)
            try:
                hits = [h.to_json() for h in retriever.search(item["q"], k=k)]
                out = {"id": item.get("id"), "hits": hits}
            except PolicyError as err:
                out = {"id": item.get("id"), "hits": [], "error": str(err)}
            print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
