"""Bring the vectors and the BM25 store in line with a library, then commit the library.

Order matters for crash safety: vectors first (one per passage, keyed by clause id and the hash of
its text, so a re-run embeds only what changed and an old library's vectors stay until it is
replaced), BM25 next (replaced whole, tagged with the new revision), the library last (atomic: a
file, or the server's manifest). A run killed midway leaves the previous library in force, and
search ignores clause and vector ids the library does not hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ingest.types import Clause, Document
from policytext.lexicon import lexicon_fingerprint
from policytext.sentences import split_sentences
from retrieval.embed import make_embedder
from retrieval.lexical import LexicalIndex
from retrieval.library import Library, LibraryHome, new_revision, open_library
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


def bm25_path(cache_dir: Path) -> Path:
    """Folder of the BM25 store inside an index folder (or a server library's local cache folder)."""
    return Path(cache_dir) / BM25_DIR


def build_lexical(library: Library) -> LexicalIndex:
    """The BM25 index of a library's clauses, tagged with its revision and the lexicon that cut its words."""
    pairs = [(c.clause_id, lexical_text(c)) for c in library.clauses()]
    return LexicalIndex.build([i for i, _ in pairs], [t for _, t in pairs], revision=lexical_revision(library))


def lexical_revision(library: Library) -> str:
    """What a BM25 index of the library must be tagged with to be used: its revision and the lexicon's.

    A new glossary or stopword list cuts questions into other words than a cached index holds.
    """
    return f"{library.revision}+{lexicon_fingerprint()}"


def sync_index(
    library: Library,
    settings: Settings,
    on_embedded: Callable[[int, int], None] | None = None,
    store=None,
    home: LibraryHome | None = None,
) -> int:
    """Embed new/changed passages, rebuild BM25, commit the library, then drop the vectors it no longer holds.

    Returns the number of clauses with a text embedded (a text stored before is copied, not embedded);
    on_embedded(done, total) counts passages.
    """
    home = home or open_library(settings)
    library.embedder = settings.embedder
    if store is None:
        store = VectorStore(settings, make_embedder(settings.embedder), settings.embedder)
    records = list({r.record_id: r for r in library_records(library, settings)}.values())
    stored = store.hashes()
    todo = [r for r in records if r.record_id not in stored]
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if on_embedded:
            on_embedded(done, len(todo))

    store.upsert(todo, on_batch=progress, stored=stored)
    library.revision = new_revision()
    build_lexical(library).save(bm25_path(home.cache_dir))
    home.commit(library)
    wanted = {r.record_id for r in records}
    store.delete([i for i in stored if i not in wanted])
    store.drop_legacy()
    known = set(stored.values())
    return len({r.clause_id for r in todo if r.text_hash not in known})


def library_records(library: Library, settings: Settings) -> list[VectorRecord]:
    """Every passage record the library's clauses need."""
    return [r for d in library.documents.values() for c in d.clauses for r in _records(c, d, settings)]


def record_ids(library: Library, settings: Settings) -> set[str]:
    """Ids of the vectors that belong to the library: what a search of it may return."""
    return {r.record_id for r in library_records(library, settings)}


def _records(clause: Clause, doc: Document, settings: Settings) -> list[VectorRecord]:
    return [
        VectorRecord(f"{clause.clause_id}:{digest}", clause.clause_id, text, doc.doc_id, digest)
        for text in passages(clause, whole=settings.whole_clause_vectors)
        for digest in (text_hash(text),)
    ]
