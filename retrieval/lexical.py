"""The one Chinese tokenizer (jieba + domain dictionary + stopwords) and the BM25 store built with it."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import bm25s
import jieba
import numpy as np

from ingest.clean import normalize_for_match

DATA = Path(__file__).parent / "data"
_TOKEN_OK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9%]")
_IDS_FILE = "clause_ids.json"


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    tok.initialize()
    for group in glossary()["groups"]:
        for term in group:
            if len(term) > 1 and not tok.FREQ.get(term):
                tok.add_word(term, 20)
    for line in (DATA / "domain_dict.txt").read_text(encoding="utf-8").splitlines():
        word, _, freq = line.strip().partition(" ")
        if word:
            tok.add_word(word, int(freq or 10))
    return tok


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words and question words that carry no topic."""
    return frozenset((DATA / "stopwords.txt").read_text(encoding="utf-8").split())


@lru_cache(maxsize=1)
def glossary() -> dict:
    """Synonym groups and mode names (retrieval/data/glossary.json)."""
    return json.loads((DATA / "glossary.json").read_text(encoding="utf-8"))


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens of the normalised text, without stopwords and punctuation."""
    words = _tokenizer().lcut_for_search(normalize_for_match(text).lower())
    stop = stopwords()
    return [w for w in words if w not in stop and _TOKEN_OK.search(w)]


class LexicalIndex:
    """BM25 (bm25s) over clause tokens, addressable by clause id."""

    def __init__(self, bm25: bm25s.BM25 | None, clause_ids: list[str]):
        self._bm25 = bm25
        self.clause_ids = clause_ids
        self._best: dict[str, float] = {}

    @classmethod
    def build(cls, clause_ids: list[str], texts: list[str]) -> LexicalIndex:
        """Index texts (one per clause id); an empty library gives an empty index."""
        if not texts:
            return cls(None, [])
        bm25 = bm25s.BM25()
        bm25.index([tokenize(t) or [""] for t in texts], show_progress=False)
        return cls(bm25, list(clause_ids))

    def save(self, directory: Path) -> None:
        """Write to directory, replacing it whole (temp folder + rename)."""
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=".bm25."))
        if self._bm25 is not None:
            self._bm25.save(str(tmp), show_progress=False)
        (tmp / _IDS_FILE).write_text(json.dumps(self.clause_ids), encoding="utf-8")
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
        return cls(bm25, ids)

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
