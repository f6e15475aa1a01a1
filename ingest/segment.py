"""Segment a cleaned body into clauses along the numbering hierarchy of Chinese policy texts.

Levels come from ``policytext.numbering`` (第一章 › 第一条 › 一、 › （一） › 1. › （1） › ① › 一是). A numbered
line whose only content is its heading and that has content below it is a *bare heading*: it joins the
path of the clauses below it instead of being a clause. Inline ``一是…二是…`` runs are split into clauses,
and an over-long item is split at sentence ends. Clauses and bare headings partition the body.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ingest.clean import is_issuer_line, is_title_line
from ingest.types import PATH_SEP, Clause
from policytext.dates import is_date_line
from policytext.doctypes import ends_with_type
from policytext.numbering import ANNOTATION, BARE_ATTACHMENT, ENUMERATION, INLINE_ENUMERATION, numbering_level
from policytext.sentences import ends_sentence, sentence_spans

MAX_CLAUSE_CHARS = 220  # a longer item is split at sentence ends; keeps citations short and precise
MIN_CHUNK_CHARS = 60  # a sentence-split tail shorter than this stays with the previous chunk
_LABEL_END = re.compile(r"[。：:；;]")
MAX_LABEL_CHARS = 24


ROOT_LEVEL = -1  # an attachment or an attached document: every numbered level nests under it
SIGNATURE_LEVEL = -2  # the issuer and date that sign the text: under no heading, joined to nothing


@dataclass(frozen=True)
class _Line:
    text: str
    start: int
    level: int | None  # numbering level (ROOT_LEVEL for a new root), None for a plain paragraph


@dataclass(frozen=True)
class Span:
    """A piece of the body: a clause-to-be or a bare heading."""

    start: int
    end: int
    path: tuple[str, ...]
    is_heading: bool


def heading_label(text: str) -> str:
    """The heading phrase of a numbered item: up to its first full stop, shortened when long."""
    match = _LABEL_END.search(text)
    label = text[: match.start()] if match else text
    return label if len(label) <= MAX_LABEL_CHARS else label[:MAX_LABEL_CHARS] + "…"


def segment(doc_id: str, text: str) -> list[Clause]:
    """Cut a cleaned body into clauses with heading paths, offsets and stable ids."""
    spans = [s for s in _spans(text) if not s.is_heading]
    clauses, seen = [], {}
    for ordinal, span in enumerate(spans):
        key = PATH_SEP.join(span.path)
        seen[key] = seen.get(key, 0) + 1
        clauses.append(
            Clause(
                clause_id=clause_id(doc_id, span.path, seen[key]),
                doc_id=doc_id,
                path=span.path,
                text=text[span.start : span.end],
                start=span.start,
                end=span.end,
                ordinal=ordinal,
            )
        )
    return clauses


def heading_spans(text: str) -> list[Span]:
    """The bare headings of a body (they sit in clause paths rather than in clauses)."""
    return [s for s in _spans(text) if s.is_heading]


def clause_id(doc_id: str, path: tuple[str, ...], nth: int) -> str:
    """Stable short id: the document id plus a hash of the heading path and the item's place under it."""
    digest = hashlib.sha1(f"{PATH_SEP.join(path)}#{nth}".encode()).hexdigest()[:8]
    return f"{doc_id}-{digest}"


def _lines(text: str) -> list[_Line]:
    """Non-empty lines with their offsets and levels; a new root (附件1, an attached 办法's title) once text began."""
    lines, pos, text_began = [], 0, False
    for raw in text.split("\n"):
        if raw.strip():
            prev = lines[-1] if lines else None
            if prev and prev.level == ROOT_LEVEL and _continues_root(raw):  # a title over two lines, (征求意见稿)
                lines[-1] = _Line(text[prev.start : pos + len(raw)], prev.start, ROOT_LEVEL)
            elif text_began and _opens_root(raw) and prev and _title_piece(prev):  # a title over two lines
                lines[-1] = _Line(text[prev.start : pos + len(raw)], prev.start, ROOT_LEVEL)
            else:
                root = text_began and _opens_root(raw)
                lines.append(_Line(raw, pos, ROOT_LEVEL if root else numbering_level(raw)))
            text_began = text_began or ends_sentence(raw)
        pos += len(raw) + 1
    return _mark_signatures(lines, text)


def _signs(line: _Line) -> bool:
    """An unnumbered line that is only an organ's name or a date."""
    return line.level is None and (is_issuer_line(line.text) or is_date_line(line.text))


def _mark_signatures(lines: list[_Line], text: str) -> list[_Line]:
    """Each run of organ and date lines that holds a date becomes one signature line."""
    out: list[_Line] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _signs(lines[j]):
            j += 1
        if any(is_date_line(line.text) for line in lines[i:j]):
            out.append(_Line(text[lines[i].start : lines[j - 1].start + len(lines[j - 1].text)], lines[i].start,
                             SIGNATURE_LEVEL))  # fmt: skip
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def _opens_root(line: str) -> bool:
    """A bare attachment label (附件2：) or a document title standing alone in the body (…管理办法)."""
    line = line.strip()
    if BARE_ATTACHMENT.match(line):
        return True
    return (
        is_title_line(line)
        and ends_with_type(line)
        and numbering_level(line) is None
        and not line.startswith(("（", "("))
        and not any(colon in line for colon in "：:")
    )


def _title_piece(line: _Line) -> bool:
    """An unnumbered title-like line that is no sentence: the first line of a title the next line ends."""
    return line.level is None and is_title_line(line.text.strip()) and not ends_sentence(line.text)


def _continues_root(line: str) -> bool:
    """The next piece of a root's title: another title-like line, or a bracketed note such as (征求意见稿)."""
    line = line.strip()
    return is_title_line(line) and numbering_level(line) is None


def _spans(text: str) -> list[Span]:
    lines = _lines(text)
    merged = _attach_annotations(_attach_statement_headings(_merge_short_lines(lines), text), text)
    stack: list[tuple[int, str]] = []
    spans: list[Span] = []
    for i, line in enumerate(merged):
        if line.level == SIGNATURE_LEVEL:
            spans.append(Span(line.start, line.start + len(line.text), (), False))
            continue
        if line.level is not None:
            stack = [(lvl, lab) for lvl, lab in stack if lvl < line.level and line.level != ROOT_LEVEL]
            label = line.text.replace("\n", "") if line.level == ROOT_LEVEL else line.text
            stack.append((line.level, heading_label(label)))
            path = tuple(lab for _, lab in stack)
            if _is_bare_heading(line, merged[i + 1] if i + 1 < len(merged) else None):
                spans.append(Span(line.start, line.start + len(line.text), path, True))
                continue
        path = tuple(lab for _, lab in stack)
        if i == len(merged) - 1 and line.level is None and all(_is_short(t) for t in line.text.split("\n")):
            path = ()  # the signature (issuer, date) closes the document; it belongs to no heading
        spans.extend(_split_item(line, path))
    return spans


def _merge_short_lines(lines: list[_Line]) -> list[_Line]:
    """Join runs of short unnumbered lines (title pieces, issuer, date) into one paragraph."""
    merged: list[_Line] = []
    for line in lines:
        prev = merged[-1] if merged else None
        if prev and _is_short(prev.text.split("\n")[-1]) and _is_short(line.text) and line.level is None \
                and prev.level is None and len(prev.text) < MAX_CLAUSE_CHARS:
            merged[-1] = _Line(prev.text + "\n" + line.text, prev.start, None)
        else:
            merged.append(line)
    return merged


def _attach_annotations(lines: list[_Line], text: str) -> list[_Line]:
    """Join an annotation line (责任单位：…, 牵头单位：…) to the item above it, which it belongs to."""
    out: list[_Line] = []
    for line in lines:
        if out and line.level is None and ANNOTATION.match(line.text.strip()):
            prev = out[-1]
            out[-1] = _Line(text[prev.start : line.start + len(line.text)], prev.start, prev.level)
        else:
            out.append(line)
    return out


def _attach_statement_headings(lines: list[_Line], text: str) -> list[_Line]:
    """Join a numbered line that is a whole statement (1.合理规划,完成4所新优质学校建设。) to the paragraph below it.

    Such a line is content, not a label: left as a bare heading, its words (often the very target or
    requirement asked about) would sit only in the heading path of the paragraphs under it.
    """
    out: list[_Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev and prev.level is not None and line.level is None and _is_statement_heading(prev.text):
            out[-1] = _Line(text[prev.start : line.start + len(line.text)], prev.start, prev.level)
        else:
            out.append(line)
    return out


_STATEMENT_END = ("。", "；", ";")


def _is_statement_heading(text: str) -> bool:
    """A short numbered line that is one complete sentence (ends with a full stop), nothing more."""
    sentences = [a for a, b in sentence_spans(text) if text[a:b].strip()]
    return len(sentences) == 1 and len(text) <= 60 and "\n" not in text and text.rstrip().endswith(_STATEMENT_END)


def _is_short(text: str) -> bool:
    return len(text) < 40 and not text.endswith(("。", "；", ";"))


def _is_bare_heading(line: _Line, following: _Line | None) -> bool:
    """Only a heading phrase (at most one sentence, short) with content nested below it."""
    body = line.text
    sentences = [a for a, b in sentence_spans(body) if body[a:b].strip()]
    if len(sentences) > 1 or len(body) > 60:
        return False
    if following is None:
        return False
    return following.level is None or following.level > (line.level or 0)


def _split_item(line: _Line, path: tuple[str, ...]) -> list[Span]:
    """One numbered item or paragraph as clauses: inline 一是… runs, then length limits."""
    pieces = _inline_pieces(line.text)
    spans: list[Span] = []
    for offset, piece in pieces:
        label = _inline_label(piece)
        piece_path = path + (label,) if label and line.level != ENUMERATION else path
        for start, end in _length_chunks(piece):
            spans.append(Span(line.start + offset + start, line.start + offset + end, piece_path, False))
    return spans


def _inline_pieces(text: str) -> list[tuple[int, str]]:
    """Split at inline 二是/三是… markers (only when the run starts with 一是); a short lead-in joins 一是."""
    cuts = [m.start() for m in INLINE_ENUMERATION.finditer(text)]
    if len(cuts) < 2 or not text[cuts[0] :].lstrip().startswith("一是"):
        return [(0, text)]
    bounds = [0, *cuts, len(text)]
    pieces = [(a, text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    if len(pieces[0][1]) < MIN_CHUNK_CHARS:
        (a, first), (_, second) = pieces[0], pieces[1]
        pieces = [(a, first + second), *pieces[2:]]
    return pieces


def _inline_label(piece: str) -> str:
    match = re.search(r"[一二三四五六七八九十]是", piece)
    if not match or match.start() > MIN_CHUNK_CHARS:
        return ""
    return heading_label(piece[match.start() :])


def _length_chunks(text: str) -> list[tuple[int, int]]:
    """Split text longer than MAX_CLAUSE_CHARS at sentence ends into chunks (offsets into text)."""
    if len(text) <= MAX_CLAUSE_CHARS:
        return [(0, len(text))]
    chunks: list[list[int]] = []
    for start, end in sentence_spans(text):
        if chunks and (end - chunks[-1][0] <= MAX_CLAUSE_CHARS or end - start < MIN_CHUNK_CHARS // 2):
            chunks[-1][1] = end
        else:
            chunks.append([start, end])
    if len(chunks) > 1 and chunks[-1][1] - chunks[-1][0] < MIN_CHUNK_CHARS:
        tail = chunks.pop()
        chunks[-1][1] = tail[1]
    return [(a, b) for a, b in chunks]
