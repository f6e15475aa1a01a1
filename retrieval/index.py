"""Bring the vectors and the BM25 store in line with a library, then commit the library.

Order matters for crash safety: vectors first (keyed by clause id, content hash in metadata, so a
re-run embeds only what changed), BM25 next (replaced whole), the library file last (atomic). A run
killed midway leaves the previous library in force, and search ignores ids the library does not hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ingest.types import Clause, Document
from retrieval.embed import make_embedder
from retrieval.lexical import LexicalIndex
from retrieval.library import Library, save_library
from retrieval.store import VectorRecord, VectorStore
from settings import Settings

BM25_DIR = "bm25"


def embedding_text(clause: Clause, doc: Document) -> str:
    """What is embedded for a clause: document title, heading path, clause text."""
    return "\n".join(part for part in (doc.meta.title, clause.heading, clause.text) if part)


def lexical_text(clause: Clause, doc: Document) -> str:
    """What BM25 indexes for a clause: heading path and clause text."""
    return f"{clause.heading}\n{clause.text}"


def text_hash(text: str) -> str:
    """Short content hash of an embedded text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def bm25_path(index_dir: Path) -> Path:
    """Folder of the BM25 store inside an index folder."""
    return Path(index_dir) / BM25_DIR


def sync_index(
    library: Library, settings: Settings, on_embedded: Callable[[int, int], None] | None = None, store=None
) -> int:
    """Embed new/changed clauses, drop stale vectors, rebuild BM25, save the library. Returns clauses embedded."""
    library.embedder = settings.embedder
    if store is None:
        store = VectorStore(settings, make_embedder(settings.embedder), settings.embedder)
    records = [_record(c, d) for d in library.documents.values() for c in d.clauses]
    stored = store.hashes()
    todo = [r for r in records if stored.get(r.clause_id) != r.text_hash]
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if on_embedded:
            on_embedded(done, len(todo))

    store.upsert(todo, on_batch=progress)
    wanted = {r.clause_id for r in records}
    pairs = [(c.clause_id, lexical_text(c, d)) for d in library.documents.values() for c in d.clauses]
    LexicalIndex.build([i for i, _ in pairs], [t for _, t in pairs]).save(bm25_path(settings.index_dir))
    save_library(library, settings.index_dir)
    store.delete([i for i in stored if i not in wanted])
    return len(todo)


def _record(clause: Clause, doc: Document) -> VectorRecord:
    text = embedding_text(clause, doc)
    return VectorRecord(clause.clause_id, text, doc.doc_id, text_hash(text))
