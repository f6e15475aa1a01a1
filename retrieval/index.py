"""Bring the vectors and the BM25 store in line with a library, then commit the library.

Order matters for crash safety: vectors first (one per passage, keyed by clause id and place,
content hash in metadata, so a re-run embeds only what changed), BM25 next (replaced whole), the
library file last (atomic). A run killed midway leaves the previous library in force, and search
ignores ids the library does not hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ingest.types import Clause, Document
from policytext.sentences import split_sentences
from retrieval.embed import make_embedder
from retrieval.lexical import LexicalIndex
from retrieval.library import Library, save_library
from retrieval.store import VectorRecord, VectorStore
from settings import Settings

BM25_DIR = "bm25"
MIN_PASSAGE_CHARS = 12  # shorter sentence pieces (等。/ 一是…;) say too little to be embedded alone


def passages(clause: Clause, whole: bool = False) -> list[str]:
    """What is embedded for a clause: each sentence under its heading, and with ``whole`` the clause itself.

    The small e5 model matches a question to one sentence far better than to a whole clause. The heading
    (2.集团化办学) tells a sentence what it is about. Fragments are joined to the sentence before. A clause
    scores by its best passage. The whole clause as one more passage helps a question about the item as a
    whole a little, and costs about 1.7x the embedding time (the bench's passage study measures both).
    """
    head = clause.path[-1].rstrip("…") if clause.path else ""
    pieces: list[str] = []
    for sentence in split_sentences(clause.text) or [clause.text]:
        sentence = sentence.strip()
        if pieces and len(sentence) < MIN_PASSAGE_CHARS:
            pieces[-1] += sentence
        elif sentence:
            pieces.append(sentence)
    if not pieces or (whole and len(pieces) > 1):
        pieces.append(clause.text.strip() or head)
    return [p if not head or p.startswith(head) else f"{head}\n{p}" for p in pieces]


def lexical_text(clause: Clause) -> str:
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
    """Embed new/changed passages, drop stale vectors, rebuild BM25, save the library.

    Returns the number of clauses (re-)embedded; on_embedded(done, total) counts passages.
    """
    library.embedder = settings.embedder
    if store is None:
        store = VectorStore(settings, make_embedder(settings.embedder), settings.embedder)
    records = [r for d in library.documents.values() for c in d.clauses for r in _records(c, d, settings)]
    stored = store.hashes()
    todo = [r for r in records if stored.get(r.record_id) != r.text_hash]
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if on_embedded:
            on_embedded(done, len(todo))

    store.upsert(todo, on_batch=progress)
    wanted = {r.record_id for r in records}
    pairs = [(c.clause_id, lexical_text(c)) for c in library.clauses()]
    LexicalIndex.build([i for i, _ in pairs], [t for _, t in pairs]).save(bm25_path(settings.index_dir))
    save_library(library, settings.index_dir)
    store.delete([i for i in stored if i not in wanted])
    store.drop_legacy()
    return len({r.clause_id for r in todo})


def _records(clause: Clause, doc: Document, settings: Settings) -> list[VectorRecord]:
    return [
        VectorRecord(f"{clause.clause_id}:{n}", clause.clause_id, text, doc.doc_id, text_hash(text))
        for n, text in enumerate(passages(clause, whole=settings.whole_clause_vectors))
    ]
