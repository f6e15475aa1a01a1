"""CLI behind ``python -m ingest [PATHS…] [--rebuild]``: builds or updates the index; ``--list [--json]`` shows it.

``--remove DOC_ID`` takes a document out; ``--startup`` is what `make run` does (in server mode it leaves
a shared library that holds documents alone); ``--hash-password`` makes the editor password's hash for
the settings. In server mode with an editor password configured, changes need it
(POLICY_EDITOR_PASSWORD, or asked on the terminal).

It writes the index, so it sits above ingest/ and retrieval/; ``ingest/__main__.py`` only keeps the
documented command name pointing here.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import asdict
from pathlib import Path

from errors import PolicyError
from retrieval.access import check_editor, editing_locked, hash_password
from retrieval.library import open_library
from retrieval.pipeline import ingest_paths, remove_document
from settings import Settings, get_settings


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (non-zero only when nothing could be ingested)."""
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the corpus folder)")
    parser.add_argument("--rebuild", action="store_true", help="parse this machine's files again")
    parser.add_argument("--list", action="store_true", help="print every indexed document with its metadata")
    parser.add_argument("--json", action="store_true", help="with --list: JSON output")
    parser.add_argument("--remove", metavar="DOC_ID", nargs="+", help="remove documents (ids from --list)")
    parser.add_argument("--startup", action="store_true", help="what `make run` does before starting the app")
    parser.add_argument("--hash-password", action="store_true", help="print the editor password's settings line")
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        if args.hash_password:
            return _hash_password()
        if args.list:
            return _list(settings, args.json)
        if args.startup and _shared_library_in_use(settings):
            return 0
        _check_editor_cli(settings)
        if args.remove:
            return _remove(args.remove, settings)
        report = ingest_paths(args.paths or None, settings, rebuild=args.rebuild, progress=sys.stderr.isatty())
    except PolicyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0 if report.ok else 1


def _shared_library_in_use(settings: Settings) -> bool:
    """In server mode a library that holds documents is the team's: `make run` must not change it."""
    if not settings.chroma_host:
        return False
    library = open_library(settings).load()
    if library is None or not library.documents:
        if not editing_locked(settings):
            return False
        print(f"the library on {settings.chroma_host}:{settings.chroma_port} is empty; an editor adds documents "
              "(`python -m ingest PATHS` with the editor password, or the app's 文库 page)")  # fmt: skip
        return True
    print(f"shared library on {settings.chroma_host}:{settings.chroma_port}: {len(library.documents)} documents; "
          "not syncing this machine's corpus folder into it (run `python -m ingest` to add yours)")  # fmt: skip
    return True


def _check_editor_cli(settings: Settings) -> None:
    """In server mode with an editor password configured, a change needs it."""
    if not (settings.chroma_host and editing_locked(settings)):
        return
    password = settings.editor_password.get_secret_value()
    if not password and sys.stdin.isatty():
        password = getpass.getpass("editor password: ")
    check_editor(password, settings)


def _hash_password() -> int:
    first = getpass.getpass("new editor password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if not first:
        print("error: empty password", file=sys.stderr)
        return 1
    if sys.stdin.isatty() and getpass.getpass("again: ") != first:
        print("error: the two passwords differ", file=sys.stderr)
        return 1
    print(f"POLICY_EDITOR_PASSWORD_HASH={hash_password(first)}")
    return 0


def _remove(doc_ids: list[str], settings: Settings) -> int:
    for doc_id in doc_ids:
        doc = remove_document(doc_id, settings)  # its file too, when this machine added it
        print(f"removed {doc_id}: {doc.meta.title or doc.source}")
    return 0


def _list(settings, as_json: bool) -> int:
    library = open_library(settings).load()
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
