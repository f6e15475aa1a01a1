"""Words of policy texts: the one tokenizer (jieba + domain dictionary + stopwords) and the typed glossary.

The same ``tokenize`` runs when clauses are indexed and when questions are searched, so both sides split
集团化办学 the same way. The glossary groups a term with the everyday words for it (教师 ≈ 老师); a
group flagged as a mode names a way of running schools (集团化办学, 学区制管理 …).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba

from policytext.sentences import normalize_for_match

DATA = Path(__file__).parent / "data"
# What decides how a text is cut into words; an index of words built under others must be rebuilt.
_LEXICON_FILES = (Path(__file__), DATA / "glossary.json", DATA / "stopwords.txt", DATA / "domain_dict.txt")
GLOSSARY_WORD_FREQ = 20  # jieba frequency given to glossary terms it lacks: high enough to keep them whole
DOMAIN_WORD_FREQ = 10  # default frequency of a domain-dictionary line without one
_TOKEN_OK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9%]")  # a token with none of these is punctuation
MIN_SYNONYM_CHARS = 2  # a one-character variant (带) stands for its term only as a word of a question


@dataclass(frozen=True)
class Group:
    """A glossary group: the term the documents use, the other words for it, and whether it names a mode."""

    term: str
    variants: tuple[str, ...] = ()
    mode: bool = False

    @property
    def members(self) -> tuple[str, ...]:
        """The term, then its variants."""
        return (self.term, *self.variants)


class Glossary:
    """Synonym groups, looked up by any member."""

    def __init__(self, groups: tuple[Group, ...]):
        self.groups = groups
        self._by_member: dict[str, list[Group]] = {}
        for group in groups:
            for member in group.members:
                self._by_member.setdefault(member, []).append(group)

    def groups_of(self, word: str) -> list[Group]:
        """The groups that hold ``word`` as a member."""
        return list(self._by_member.get(word, ()))

    def forms(self, word: str) -> tuple[str, ...]:
        """A word and its synonyms of two or more characters, normalized for matching (lower-case NFKC).

        The one way every stage widens a word: 组织领导 -> 组织领导, 领导小组, 加强领导 …; a word of no group is
        only itself.
        """
        forms = [word] + [m for g in self.groups_of(word) for m in g.members if len(m) >= MIN_SYNONYM_CHARS]
        return tuple(dict.fromkeys(normalize_for_match(f).lower() for f in forms))

    def modes_named(self, text: str) -> tuple[str, ...]:
        """Terms of the mode groups that text names by any member (集团校 -> 集团化办学)."""
        return tuple(g.term for g in self.groups if g.mode and any(m in text for m in g.members))

    def members(self) -> list[str]:
        """Every term and variant, for the tokenizer's dictionary."""
        return [m for g in self.groups for m in g.members]


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The bundled glossary (policytext/data/glossary.json: groups, the term first; modes by term)."""
    data = json.loads((DATA / "glossary.json").read_text(encoding="utf-8"))
    modes = set(data["modes"])
    return Glossary(tuple(Group(g[0], tuple(g[1:]), g[0] in modes) for g in data["groups"]))


@lru_cache(maxsize=1)
def lexicon_fingerprint() -> str:
    """Hash of the tokenizer's code, glossary, stopwords and domain dictionary."""
    digest = hashlib.sha256()
    for path in _LEXICON_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words and question words that carry no topic (policytext/data/stopwords.txt)."""
    return frozenset((DATA / "stopwords.txt").read_text(encoding="utf-8").split())


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    """Jieba with the glossary's terms and the domain dictionary (word and optional frequency per line)."""
    tok = jieba.Tokenizer()
    tok.initialize()
    for term in glossary().members():
        if len(term) > 1 and not tok.FREQ.get(term):
            tok.add_word(term, GLOSSARY_WORD_FREQ)
    for line in (DATA / "domain_dict.txt").read_text(encoding="utf-8").splitlines():
        word, _, freq = line.strip().partition(" ")
        if word:
            tok.add_word(word, int(freq or DOMAIN_WORD_FREQ))
    return tok


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens of the normalised, lower-cased text, without stopwords and punctuation."""
    words = _tokenizer().lcut_for_search(normalize_for_match(text).lower())
    stop = stopwords()
    return [w for w in words if w not in stop and _TOKEN_OK.search(w)]


def names_as_words(text: str, name: str) -> bool:
    """True when name occurs in text from a word boundary to a word boundary (教育部要求, not 教育部门)."""
    bounds, pos = {0}, 0
    for word in _tokenizer().lcut(text):
        pos += len(word)
        bounds.add(pos)
    start = text.find(name)
    while start >= 0:
        if start in bounds and start + len(name) in bounds:
            return True
        start = text.find(name, start + 1)
    return False


@lru_cache(maxsize=4096)
def words_of(term: str) -> frozenset[str]:
    """The search words of a term (cached: question analysis asks for every glossary term on every question)."""
    return frozenset(tokenize(term))


def longest_tokens(tokens: list[str]) -> list[str]:
    """Tokens not inside a longer one: search-mode tokenisation repeats a word's parts (集团 / 集团化办学)."""
    kept = [t for t in tokens if not any(t != o and t in o for o in tokens)]
    return list(dict.fromkeys(kept))


def parts_of(word: str, tokens: list[str]) -> list[str]:
    """A compound's parts: the other tokens inside it, left to right without overlap (组织领导 -> 组织, 领导)."""
    inside = sorted((t for t in tokens if t != word and t in word), key=lambda t: (word.find(t), -len(t)))
    parts, pos = [], 0
    for t in inside:
        at = word.find(t, pos)
        if at >= pos:
            parts.append(t)
            pos = at + len(t)
    return parts if "".join(parts) == word else []
