"""The clause library: every ingested document with its clauses, the source of truth of the index.

Two homes behind one interface (``LibraryHome``): a folder (embedded default: one JSON file written
atomically) or a Chroma server (``retrieval.shared``: the team's library, for every machine
configured with its host). Either way a killed ingest leaves the previous library in force. Vectors
in Chroma and the BM25 store are derived from it; a clause or a vector that is not in the library is
never returned by a search.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

from ingest.types import Clause, Document
from settings import Settings

LIBRARY_FILE = "library.json"
MACHINE_FILE = "machine-id"
# 2: vectors per passage (sentence) instead of per clause; 3: a passage vector's id names its text's hash
FORMAT_VERSION = 3


@dataclass
class Library:
    """Documents by id, plus the embedding model the vectors were built with."""

    documents: dict[str, Document] = field(default_factory=dict)
    embedder: str = ""
    version: int = FORMAT_VERSION  # of the index the library was saved with
    revision: str = ""  # changes with every commit; what caches derived from the library are keyed by
    owners: dict[str, str] = field(default_factory=dict)  # doc id -> machine that added it

    def owned_by(self, doc_id: str, machine: str) -> bool:
        """True when machine added the document (a library saved before owners were kept counts as its own)."""
        return self.owners.get(doc_id, machine) == machine

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
    return Library(
        {d.doc_id: d for d in docs},
        embedder=data.get("embedder", ""),
        version=data.get("version", 1),
        revision=data.get("revision", ""),
        owners=data.get("owners", {}),
    )


def save_library(library: Library, index_dir: Path) -> None:
    """Write the library atomically (temp file + rename); a library without a revision gets one."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    library.version = FORMAT_VERSION
    library.revision = library.revision or new_revision()
    payload = {
        "version": FORMAT_VERSION,
        "embedder": library.embedder,
        "revision": library.revision,
        "owners": {d: o for d, o in library.owners.items() if d in library.documents},
        "documents": [d.to_dict() for d in sorted(library.documents.values(), key=lambda d: d.source)],
    }
    atomic_write_text(library_path(index_dir), json.dumps(payload, ensure_ascii=False))


def new_revision() -> str:
    """A fresh library revision."""
    return uuid.uuid4().hex[:16]


class LibraryHome(Protocol):
    """Where the library lives: read it, notice a change cheaply, commit a new one under a lock."""

    shared: bool  # True when other machines read and write the same library
    where: str  # for messages: a folder, or host:port
    cache_dir: Path  # a local folder for what is derived from the library (the BM25 index)
    machine: str  # who this process writes as (documents record the machine that added them)

    def load(self) -> Library | None:
        """The library now, or None when none was ever committed."""

    def stamp(self) -> str:
        """A cheap token that changes with every commit ('' when there is no library)."""

    def commit(self, library: Library) -> None:
        """Make library the one every reader sees, all at once (call under ``lock``)."""

    def lock(self) -> AbstractContextManager[None]:
        """The writers' lock: one ingest or removal at a time, across processes (and machines)."""


class FolderLibrary:
    """The embedded default: the library as one JSON file in the index folder."""

    shared = False

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.where = str(self.index_dir)
        self.cache_dir = self.index_dir

    @cached_property
    def machine(self) -> str:
        """This checkout's name as a writer (made on first need: reading alone writes nothing)."""
        return machine_id(self.index_dir)

    def load(self) -> Library | None:
        """The library on disk, or None when none has been built."""
        return load_library(self.index_dir)

    def stamp(self) -> str:
        """Changes whenever the library file is replaced ('' when there is none)."""
        path = library_path(self.index_dir)
        return str(path.stat().st_mtime_ns) if path.exists() else ""

    def commit(self, library: Library) -> None:
        """Replace the library file atomically."""
        save_library(library, self.index_dir)

    def lock(self) -> AbstractContextManager[None]:
        """The folder's write lock (shared by the app and the CLI on one machine)."""
        return index_lock(self.index_dir)


def open_library(settings: Settings) -> LibraryHome:
    """The library home the settings name: the index folder, or the Chroma server when a host is set."""
    if not settings.chroma_host:
        return FolderLibrary(settings.index_dir)
    from retrieval.shared import server_library  # imports chromadb: only when a server is configured

    return server_library(settings)


def machine_id(index_dir: Path) -> str:
    """This working folder's name as a writer of the library, kept in the index folder (made once)."""
    path = Path(index_dir) / MACHINE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as fh:  # exclusive: two first starts agree on one name
            fh.write(f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}")
    except FileExistsError:
        pass
    return path.read_text(encoding="utf-8").strip()


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
