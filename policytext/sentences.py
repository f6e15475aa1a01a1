"""Sentences of policy text, and the normal form used whenever two texts are matched."""

from __future__ import annotations

import html
import re
import unicodedata

SENTENCE_END = "。！？；!?;"  # ends a sentence, or a ；-separated part of one
LINE_END = SENTENCE_END + "：:…"  # a line ending so is complete (a PDF line that does not was wrapped)
CLOSERS = "”’」』》）)】]\"'"  # closing quotes and brackets that may follow the end of a sentence
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u3000\u200b\ufeff]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ENTITY = re.compile(r"&#?\w{2,8};")  # an HTML entity's ';' does not end a sentence
_SENTENCE = re.compile(rf"[^{SENTENCE_END}\n]+[{SENTENCE_END}]*")


def split_sentences(text: str) -> list[str]:
    """Sentences (and ；-separated parts) of text, each with its closing punctuation; a line break also ends one."""
    protected = _ENTITY.sub(lambda m: m.group(0).replace(";", "\x00"), text)
    return [part.replace("\x00", ";") for part in _SENTENCE.findall(protected)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of one line of text, punctuation included."""
    return [m.span() for m in re.finditer(rf"[^{SENTENCE_END}]*[{SENTENCE_END}]+|[^{SENTENCE_END}]+$", text)]


def ends_sentence(line: str) -> bool:
    """Whether a line ends with sentence-final punctuation or a colon (closing quotes and brackets ignored)."""
    stripped = line.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in LINE_END


_ENTITY_STRICT = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,6}|#[xX][0-9A-Fa-f]{2,5});")


def unescape_entities(text: str) -> str:
    """HTML entities left in exported text read as what they stand for (“走教&quot;方式 -> “走教"方式).

    Only complete entities (with their ;) change: R&D or 3&4 stay as written.
    """
    return _ENTITY_STRICT.sub(lambda m: html.unescape(m.group(0)), text)


def normalize_for_match(text: str) -> str:
    """NFKC (full-width -> half-width) without whitespace: the form used to compare or match text."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).replace("\n", "")


def collapse_spaces(text: str) -> str:
    """Runs of ASCII, no-break, ideographic and zero-width spaces -> one space."""
    return _SPACES.sub(" ", text)


def cjk_count(text: str) -> int:
    """Number of CJK ideographs in text."""
    return len(_CJK.findall(text))
