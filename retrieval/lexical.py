"""The BM25 store over clause tokens, built with the one tokenizer of ``policytext.lexicon``."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import bm25s
import numpy as np

from policytext.lexicon import tokenize

_IDS_FILE = "clause_ids.json"
_TOKENS_FILE = "clause_tokens.json"  # the tokens of each clause, to index a part of the library on its own
_REVISION_FILE = "revision.txt"  # the library revision the index was built from


class LexicalIndex:
    """BM25 (bm25s) over clause tokens, addressable by clause id."""

    def __init__(
        self, bm25: bm25s.BM25 | None, clause_ids: list[str], tokens: list[list[str]] | None = None, revision: str = ""
    ):
        self._bm25 = bm25
        self.clause_ids = clause_ids
        self._tokens = tokens
        self.revision = revision
        self._best: dict[str, float] = {}

    @classmethod
    def build(cls, clause_ids: list[str], texts: list[str], revision: str = "") -> LexicalIndex:
        """Index texts (one per clause id); an empty library gives an empty index."""
        return cls.from_tokens(list(clause_ids), [tokenize(t) or [""] for t in texts], revision)

    @classmethod
    def from_tokens(cls, clause_ids: list[str], tokens: list[list[str]], revision: str = "") -> LexicalIndex:
        """Index clauses already tokenised (one token list per clause id)."""
        if not tokens:
            return cls(None, [], [], revision)
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        return cls(bm25, clause_ids, tokens, revision)

    def subset(self, clause_ids: set[str]) -> LexicalIndex:
        """A BM25 index of these clauses alone: their ranking then depends on nothing else in the library."""
        if self._tokens is None:
            return self
        keep = [i for i, cid in enumerate(self.clause_ids) if cid in clause_ids]
        return LexicalIndex.from_tokens([self.clause_ids[i] for i in keep], [self._tokens[i] for i in keep])

    def save(self, directory: Path) -> None:
        """Write to directory, replacing it whole (temp folder + rename)."""
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=".bm25."))
        if self._bm25 is not None:
            self._bm25.save(str(tmp), show_progress=False)
        (tmp / _IDS_FILE).write_text(json.dumps(self.clause_ids), encoding="utf-8")
        (tmp / _TOKENS_FILE).write_text(json.dumps(self._tokens or [], ensure_ascii=False), encoding="utf-8")
        (tmp / _REVISION_FILE).write_text(self.revision, encoding="utf-8")
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex | None:
        """Read a saved index, or None when there is none."""
        directory = Path(directory)
        if not (directory / _IDS_FILE).exists():
            return None
        ids = json.loads((directory / _IDS_FILE).read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0) if ids else None
        tokens_file = directory / _TOKENS_FILE  # absent in an index saved before it was kept
        tokens = json.loads(tokens_file.read_text(encoding="utf-8")) if tokens_file.exists() else None
        revision_file = directory / _REVISION_FILE
        revision = revision_file.read_text(encoding="utf-8").strip() if revision_file.exists() else ""
        return cls(bm25, ids, tokens or None, revision)

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every clause (in clause_ids order) for the query tokens."""
        if not tokens or self._bm25 is None:
            return np.zeros(len(self.clause_ids), dtype=np.float32)
        return self._bm25.get_scores(tokens)

    def best_scores(self, tokens: list[str]) -> dict[str, float]:
        """Each distinct token's highest single-clause BM25 score (0 for a token no clause holds)."""
        for token in dict.fromkeys(tokens):
            if token not in self._best:
                self._best[token] = float(self.scores([token]).max()) if self.clause_ids else 0.0
        return {t: self._best[t] for t in dict.fromkeys(tokens)}
