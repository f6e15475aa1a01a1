"""Passage vectors in Chroma through langchain-chroma: embedded persistent client, or a server over HTTP.

A clause is stored as its passages (sentences with their heading), each a record carrying the
clause id; a query returns clauses scored by their best passage. One collection per embedding
model, so vectors of different dimensions never mix.
LangChain documents and Chroma result dicts stay inside this module.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from errors import StoreUnavailable
from settings import Settings

log = logging.getLogger(__name__)
_UPSERT_BATCH = 64


@dataclass(frozen=True)
class VectorRecord:
    """What is stored for one passage: its id, its clause, the text embedded, and metadata for filters."""

    record_id: str
    clause_id: str
    text: str
    doc_id: str
    text_hash: str


def collection_name(embedder: str, kind: str = "passages") -> str:
    """Chroma collection name for an embedder spec (3-63 chars of [a-zA-Z0-9._-])."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", embedder).strip("-._") or "default"
    return f"{kind}-{slug}"[:63].rstrip("-._")


LEGACY_KIND = "clauses"  # index format 1 kept one vector per clause in a collection of this kind


def make_client(settings: Settings):
    """Embedded persistent client in the index folder, or an HTTP client when a host is configured."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_host:
        path = settings.index_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    where = f"{settings.chroma_host}:{settings.chroma_port}"
    try:
        client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        client.heartbeat()
    except Exception as err:  # chromadb raises several unrelated types for a refused connection
        raise StoreUnavailable(
            f"Chroma server at {where} is not reachable ({type(err).__name__}); start it or unset POLICY_CHROMA_HOST",
            zh=f"无法连接向量库服务 {where}，请确认服务已启动。",
        ) from None
    return client


class VectorStore:
    """The clause collection of one embedding model."""

    def __init__(self, settings: Settings, embedder: Embeddings, embedder_name: str, client=None):
        self._where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else "embedded"
        self._client = client or make_client(settings)
        self._legacy = collection_name(embedder_name, LEGACY_KIND)
        self._embedder = embedder
        self._chroma = Chroma(
            collection_name=collection_name(embedder_name),
            embedding_function=embedder,
            client=self._client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        # The same collection through chromadb itself, to write vectors computed here (each distinct text once).
        self._collection = self._call(
            self._client.get_or_create_collection, collection_name(embedder_name), metadata={"hnsw:space": "cosine"}
        )

    def hashes(self) -> dict[str, str]:
        """Stored record id -> hash of the text embedded for it."""
        got = self._call(self._chroma.get, include=["metadatas"])
        return {i: (m or {}).get("text_hash", "") for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def upsert(self, records: list[VectorRecord], on_batch=None, stored: dict[str, str] | None = None) -> None:
        """Embed and store records in batches; on_batch(n_done) after each batch.

        A text several records share (near-copies of national wording across documents) is embedded once,
        and a text already stored under another record (``stored``: record id -> text hash) is not embedded
        again: its vector is copied.
        """
        repeats = Counter(r.text for r in records)
        shared: dict[str, list[float]] = {}
        by_hash = {h: rid for rid, h in (stored or {}).items() if h}
        for i in range(0, len(records), _UPSERT_BATCH):
            batch = records[i : i + _UPSERT_BATCH]
            shared.update(self._stored_vectors(batch, by_hash, shared))
            new = list(dict.fromkeys(r.text for r in batch if r.text not in shared))
            vectors = dict(zip(new, self._embedder.embed_documents(new), strict=True)) if new else {}
            shared.update({text: v for text, v in vectors.items() if repeats[text] > 1})
            self._call(
                self._collection.upsert,
                ids=[r.record_id for r in batch],
                embeddings=[vectors.get(r.text) or shared[r.text] for r in batch],
                metadatas=[{"doc_id": r.doc_id, "clause_id": r.clause_id, "text_hash": r.text_hash} for r in batch],
                documents=[r.text for r in batch],
            )
            if on_batch:
                on_batch(len(batch))

    def _stored_vectors(self, batch: list[VectorRecord], by_hash: dict[str, str], known: dict) -> dict:
        """Text -> vector for the batch's texts stored under other record ids."""
        wanted = {by_hash[r.text_hash]: r.text for r in batch if r.text not in known and r.text_hash in by_hash}
        if not wanted:
            return {}
        got = self._call(self._collection.get, ids=list(wanted), include=["embeddings"])
        return {wanted[rid]: list(vec) for rid, vec in zip(got["ids"], got["embeddings"], strict=True)}

    def delete(self, record_ids: list[str]) -> None:
        """Remove vectors by record id."""
        if record_ids:
            self._call(self._chroma.delete, ids=list(record_ids))

    def query(
        self, vector: list[float], k: int, doc_ids: list[str] | None = None, valid: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest clauses to vector as (clause id, cosine similarity of its best passage), best first.

        Up to ``k`` passages are fetched, so fewer than ``k`` clauses may come back. ``valid``: the record
        ids of the library being searched; others (an ingest not yet committed, or killed) are passed over.
        """
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        found = self._call(self._chroma.similarity_search_by_vector_with_relevance_scores, vector, k=k, filter=where)
        best: dict[str, float] = {}
        for doc, distance in found:
            if valid is not None and doc.id not in valid:
                continue
            clause_id = (doc.metadata or {}).get("clause_id", doc.id)
            best.setdefault(clause_id, 1.0 - float(distance))  # results come nearest first
        return list(best.items())

    def drop_legacy(self) -> bool:
        """Delete this embedder's collection of the older per-clause layout, if one is left; True if it was."""
        names = {getattr(c, "name", c) for c in self._call(self._client.list_collections)}
        if self._legacy not in names:
            return False
        self._call(self._client.delete_collection, self._legacy)
        return True

    def count(self) -> int:
        """Number of stored vectors."""
        return len(self.hashes())

    def _call(self, fn, *args, **kwargs):
        return guarded(self._where, fn, *args, **kwargs)


def guarded(place: str, fn, *args, **kwargs):
    """Call a Chroma client function; a lost connection becomes StoreUnavailable (one line, in Chinese too)."""
    try:
        return fn(*args, **kwargs)
    except (ConnectionError, OSError) as err:
        raise StoreUnavailable(
            f"Chroma at {place} failed: {type(err).__name__}",
            zh=f"向量库服务 {place} 暂时无法连接，请稍后重试（服务恢复后即可继续使用）。",
        ) from None
    except Exception as err:
        if type(err).__module__.startswith(("httpx", "httpcore", "requests", "urllib3")):
            raise StoreUnavailable(
                f"Chroma at {place} is not reachable: {type(err).__name__}",
                zh=f"向量库服务 {place} 暂时无法连接，请稍后重试（服务恢复后即可继续使用）。",
            ) from None
        raise
