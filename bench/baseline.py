"""The naive baseline: fixed-size character windows over the raw files, dense search only.

RecursiveCharacterTextSplitter(chunk_size=250, chunk_overlap=50) over each corpus file as
``ingest.load.load_text`` returns it (web chrome and all, no cleaning), embedded with the project's
embedder into its own Chroma collection (embedded client in a folder of its own).
"""

from __future__ import annotations

from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document as LCDocument
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.load import load_text

CHUNK_SIZE = 250
CHUNK_OVERLAP = 50
COLLECTION = "naive-baseline"


def make_splitter() -> RecursiveCharacterTextSplitter:
    """The baseline splitter (250-character windows, 50 characters of overlap)."""
    return RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)


def naive_chunks(text: str) -> list[str]:
    """Raw text -> the baseline's chunks."""
    return make_splitter().split_text(text)


def chunk_files(files: list[Path], max_bytes: int) -> list[LCDocument]:
    """Files -> LangChain documents, one per chunk, with the file name as ``source``."""
    docs = []
    for path in files:
        for i, chunk in enumerate(naive_chunks(load_text(path, max_bytes=max_bytes))):
            docs.append(LCDocument(page_content=chunk, metadata={"source": path.name, "chunk": i}))
    return docs


class NaiveBaseline:
    """Chunks of the raw files in a Chroma collection; search = dense top-k."""

    def __init__(self, store: Chroma, chunks: int):
        self._store = store
        self.chunks = chunks

    @classmethod
    def build(cls, files: list[Path], workdir: Path, embedder, max_bytes: int) -> NaiveBaseline:
        """Chunk and embed files into a fresh collection under workdir."""
        client = chromadb.PersistentClient(path=str(workdir), settings=ChromaSettings(anonymized_telemetry=False))
        store = Chroma(
            collection_name=COLLECTION,
            embedding_function=embedder,
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        docs = chunk_files(files, max_bytes)
        for i in range(0, len(docs), 64):
            store.add_documents(docs[i : i + 64], ids=[f"c{j}" for j in range(i, min(i + 64, len(docs)))])
        return cls(store, len(docs))

    def search(self, query: str, k: int = 10) -> list[tuple[str, str]]:
        """The k nearest chunks as (file name, chunk text), best first."""
        return [(d.metadata["source"], d.page_content) for d in self._store.similarity_search(query, k=k)]
