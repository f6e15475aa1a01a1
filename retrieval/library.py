"""The clause library: every ingested document with its clauses, the source of truth of the index.

Stored as one JSON file written atomically, so a killed ingest leaves the previous library intact.
Vectors in Chroma and the BM25 store are derived from it; a clause that is not in the library is
never returned by a search.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest.types import Clause, Document

LIBRARY_FILE = "library.json"
FORMAT_VERSION = 2  # 2: vectors per passage (sentence) instead of per clause


@dataclass
class Library:
    """Documents by id, plus the embedding model the vectors were built with."""

    documents: dict[str, Document] = field(default_factory=dict)
    embedder: str = ""
    version: int = FORMAT_VERSION  # of the index the library was saved with

    def clauses(self) -> list[Clause]:
        """All clauses, document by document, in order."""
        return [c for doc in self.documents.values() for c in doc.clauses]

    def clause_index(self) -> dict[str, tuple[Clause, Document]]:
        """Map clause id -> (clause, its document)."""
        return {c.clause_id: (c, doc) for doc in self.documents.values() for c in doc.clauses}

    def by_hash(self) -> dict[str, Document]:
        """Map raw-content hash -> document, to spot unchanged files and duplicates."""
        return {doc.content_hash: doc for doc in self.documents.values()}

    def by_source(self) -> dict[str, Document]:
        """Map source path -> document."""
        return {doc.source: doc for doc in self.documents.values()}


def library_path(index_dir: Path) -> Path:
    """Where the library file lives inside an index folder."""
    return Path(index_dir) / LIBRARY_FILE


def load_library(index_dir: Path) -> Library | None:
    """Read the library, or None when no index has been built there."""
    path = library_path(index_dir)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    docs = [Document.from_dict(d) for d in data["documents"]]
    return Library({d.doc_id: d for d in docs}, embedder=data.get("embedder", ""), version=data.get("version", 1))


def save_library(library: Library, index_dir: Path) -> None:
    """Write the library atomically (temp file + rename)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    library.version = FORMAT_VERSION
    payload = {
        "version": FORMAT_VERSION,
        "embedder": library.embedder,
        "documents": [d.to_dict() for d in sorted(library.documents.values(), key=lambda d: d.source)],
    }
    atomic_write_text(library_path(index_dir), json.dumps(payload, ensure_ascii=False))


@contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's write lock (across processes: the app's uploads and the CLI's ingest)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def atomic_write_text(path: Path, text: str) -> None:
    """Write text to path so that readers see either the old or the new file, never half of one."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes to path via a temp file in the same folder and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the file is shared data, not a secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
