"""The team's library on a Chroma server: documents, clauses, owners and a revision, for every machine.

Two collections beside the vectors:
- ``library-documents``: one record per document revision, id ``<doc id>@<revision>``, the document
  (metadata, text, clauses with paths and offsets) as JSON. A record is written once and never changed.
- ``library-state``: the manifest (which revision of which document is in the library, who added it,
  the embedder, the format and the library revision) and the writers' lock.

A commit writes the new document records first and then replaces the manifest, one record, in one
call: a reader sees the old library or the new one, never half a document, and a writer killed
before the manifest leaves the old one in force (its orphan records go at the next commit).
Writers take a lease in ``library-state`` (Chroma's add of an existing id is a no-op, so one add wins).
Chroma result dicts stay inside this module.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from errors import PolicyError
from ingest.types import Document
from retrieval.library import FORMAT_VERSION, Library, machine_id
from retrieval.store import guarded, make_client
from settings import Settings

log = logging.getLogger(__name__)

DOCUMENTS = "library-documents"
STATE = "library-state"
MANIFEST = "manifest"
LOCK = "lock"
PLACEHOLDER = [1.0]  # Chroma records need a vector; these collections are never searched
FETCH_BATCH = 20  # documents per request (a document's JSON is up to a few hundred KB)
RENEWALS_PER_LEASE = 4  # a lock holder renews its lease this often within one lease
LOCK_POLL_SECONDS = 0.5
LOCK_WAIT_SECONDS = 1800.0  # another machine's ingest of a large folder may take this long


class LibraryBusy(PolicyError):
    """Another machine holds the library's write lock for longer than we wait."""

    zh = "另一台电脑正在更新共享文库，请稍后再试。"


class ServerLibrary:
    """The library held by a Chroma server (``LibraryHome`` for server mode)."""

    shared = True

    def __init__(self, client, where: str, cache_dir: Path, machine: str, lease_seconds: float):
        self.where = where
        self.cache_dir = cache_dir
        self.machine = machine
        self.lease_seconds = lease_seconds
        self._client = client
        self._docs = self._call(client.get_or_create_collection, DOCUMENTS)
        self._state = self._call(client.get_or_create_collection, STATE)
        self._parsed: dict[str, Document] = {}  # record id -> document, kept across loads
        self._reading = threading.Lock()  # the app's sessions load from several threads
        self._last_manifest: dict | None = None

    # ------------------------------------------------------------ reading

    def load(self) -> Library | None:
        """The library as the server holds it now, or None when nothing was ever committed."""
        manifest = self._manifest()
        if manifest is None:
            return None
        wanted = {record_id(doc_id, rev): doc_id for doc_id, rev in manifest["documents"].items()}
        with self._reading:
            self._fetch([rid for rid in wanted if rid not in self._parsed])
            self._parsed = {rid: self._parsed[rid] for rid in wanted if rid in self._parsed}
            docs = {doc_id: self._parsed[rid] for rid, doc_id in wanted.items() if rid in self._parsed}
        return Library(
            docs,
            embedder=manifest.get("embedder", ""),
            version=manifest.get("format", 1),
            revision=manifest.get("revision", ""),
            owners=manifest.get("owners", {}),
        )

    def stamp(self) -> str:
        """The library revision ('' when none): one small request, the manifest's metadata only."""
        got = self._call(self._state.get, ids=[MANIFEST], include=["metadatas"])
        return (got["metadatas"][0] or {}).get("revision", "") if got["ids"] else ""

    def _manifest(self) -> dict | None:
        """The manifest; fetched whole only when its revision changed (the app loads on every rerun)."""
        revision = self.stamp()
        if not revision or revision != (self._last_manifest or {}).get("revision"):
            got = self._call(self._state.get, ids=[MANIFEST], include=["documents"])
            self._last_manifest = json.loads(got["documents"][0]) if got["ids"] else None
        return self._last_manifest

    def _fetch(self, ids: list[str]) -> None:
        for i in range(0, len(ids), FETCH_BATCH):
            got = self._call(self._docs.get, ids=ids[i : i + FETCH_BATCH], include=["documents"])
            for rid, text in zip(got["ids"], got["documents"], strict=True):
                self._parsed[rid] = Document.from_dict(json.loads(text))
        missing = [rid for rid in ids if rid not in self._parsed]
        if missing:  # only a manifest written by hand, or a damaged server, names records that are not there
            log.warning("library on %s: %d document records missing (%s…)", self.where, len(missing), missing[0])

    # ------------------------------------------------------------ writing

    def commit(self, library: Library) -> None:
        """Make library the server's library: new document records, then the manifest, then clean-up."""
        revisions = {doc_id: document_revision(doc) for doc_id, doc in library.documents.items()}
        wanted = {record_id(d, r): d for d, r in revisions.items()}
        present = set(self._call(self._docs.get, include=[])["ids"])
        new = [rid for rid in wanted if rid not in present]
        for i in range(0, len(new), FETCH_BATCH):
            batch = new[i : i + FETCH_BATCH]
            docs = [library.documents[wanted[rid]] for rid in batch]
            self._call(
                self._docs.add,
                ids=batch,
                embeddings=[PLACEHOLDER] * len(batch),
                documents=[json.dumps(d.to_dict(), ensure_ascii=False) for d in docs],
                metadatas=[{"doc_id": d.doc_id, "source": d.source} for d in docs],
            )
        library.version = FORMAT_VERSION
        manifest = {
            "format": FORMAT_VERSION,
            "embedder": library.embedder,
            "revision": library.revision,
            "documents": revisions,
            "owners": {d: library.owners.get(d, self.machine) for d in revisions},
        }
        self._call(
            self._state.upsert,
            ids=[MANIFEST],
            embeddings=[PLACEHOLDER],
            documents=[json.dumps(manifest, ensure_ascii=False)],
            metadatas=[{"revision": library.revision, "format": FORMAT_VERSION, "embedder": library.embedder}],
        )
        stale = [rid for rid in present if rid not in wanted]
        if stale:
            self._call(self._docs.delete, ids=stale)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the library's write lease (renewed in the background while held)."""
        token = uuid.uuid4().hex
        self._acquire(token)
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(token, stop), daemon=True)
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            self._call(self._state.delete, ids=[LOCK], where={"token": token})

    def _acquire(self, token: str) -> None:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            self._call(self._state.add, ids=[LOCK], embeddings=[PLACEHOLDER], metadatas=[self._lease(token)])
            got = self._call(self._state.get, ids=[LOCK], include=["metadatas"])
            holder = (got["metadatas"][0] or {}) if got["ids"] else {}
            if holder.get("token") == token:
                return
            if holder and holder.get("expires", 0) < time.time():
                log.warning("library on %s: lock of %s expired; taking it over", self.where, holder.get("holder"))
                self._call(self._state.delete, ids=[LOCK], where={"token": holder["token"]})
                continue
            if time.monotonic() > deadline:
                raise LibraryBusy(f"library on {self.where} is locked by {holder.get('holder', '?')}")
            time.sleep(LOCK_POLL_SECONDS)

    def _renew(self, token: str, stop: threading.Event) -> None:
        while not stop.wait(self.lease_seconds / RENEWALS_PER_LEASE):
            try:
                got = self._state.get(ids=[LOCK], include=["metadatas"])
                if got["ids"] and (got["metadatas"][0] or {}).get("token") == token:
                    self._state.upsert(ids=[LOCK], embeddings=[PLACEHOLDER], metadatas=[self._lease(token)])
            except Exception as err:  # the server may be briefly away; the next round tries again
                log.warning("library on %s: lock renewal failed (%s)", self.where, type(err).__name__)

    def _lease(self, token: str) -> dict:
        return {"token": token, "holder": self.machine, "expires": time.time() + self.lease_seconds}

    def _call(self, fn, *args, **kwargs):
        return guarded(self.where, fn, *args, **kwargs)


def record_id(doc_id: str, revision: str) -> str:
    """Id of a document revision's record."""
    return f"{doc_id}@{revision}"


def document_revision(doc: Document) -> str:
    """Content hash of everything stored for a document."""
    payload = json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


_OPEN: dict[tuple[str, int, str], ServerLibrary] = {}
_OPEN_LOCK = threading.Lock()


def server_library(settings: Settings) -> ServerLibrary:
    """The server library for these settings: one per server and index folder in a process.

    Kept open so that the documents it has read are read once.
    """
    key = (settings.chroma_host or "", settings.chroma_port, str(settings.index_dir))
    with _OPEN_LOCK:
        if key not in _OPEN:
            where = f"{key[0]}:{key[1]}"
            cache_dir = Path(key[2]) / "shared" / re.sub(r"[^A-Za-z0-9.-]+", "-", where)
            machine = machine_id(Path(key[2]))
            _OPEN[key] = ServerLibrary(make_client(settings), where, cache_dir, machine, settings.library_lease_seconds)
        return _OPEN[key]
