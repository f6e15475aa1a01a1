"""One file -> one Document: load, clean, read metadata, segment (no models, no index)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import policytext
from errors import UnsupportedFile
from ingest.clean import clean
from ingest.load import load_text
from ingest.meta import apply_sidecar, is_sidecar, read_meta
from ingest.segment import segment
from ingest.types import Document
from policytext.sentences import SENTENCE_END, normalize_for_match
from settings import REPO_ROOT, Settings

_INGEST = Path(__file__).parent
_POLICYTEXT = Path(policytext.__file__).parent
# The modules and data that decide what a document's clauses are; a change to any re-parses every document.
_PARSER_FILES = (
    *(_INGEST / name for name in ("load.py", "clean.py", "meta.py", "segment.py", "types.py", "document.py")),
    *(_POLICYTEXT / name for name in ("numerals.py", "numbering.py", "sentences.py", "dates.py", "places.py",
                                      "doctypes.py", "data/regions.json")),
)  # fmt: skip


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """Hash of the ingest code that turns a file into clauses.

    An unchanged file is skipped by content hash; without this, a fixed segmenter would never reach a
    library built before the fix.
    """
    digest = hashlib.sha256()
    for path in _PARSER_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def source_name(path: Path, settings: Settings) -> str:
    """The document's path relative to the repo root (or to the corpus folder's parent)."""
    path = path.resolve()
    for base in (REPO_ROOT, settings.corpus_dir.resolve().parent):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()


def doc_id_for(source: str) -> str:
    """Stable document id from its source path."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]


def build_document(path: Path, settings: Settings, raw: bytes | None = None) -> Document:
    """Load, clean, read metadata and segment one file. Raises UnsupportedFile with the reason."""
    raw = path.read_bytes() if raw is None else raw
    cleaned = clean(load_text(path, max_bytes=int(settings.max_file_mb * 1024 * 1024)))
    source = source_name(path, settings)
    doc_id = doc_id_for(source)
    clauses = tuple(segment(doc_id, cleaned.text))
    if not clauses:
        raise UnsupportedFile(f"{path.name}: no policy text found after cleaning", zh=f"{path.name}：未找到正文内容。")
    meta = apply_sidecar(read_meta(cleaned), path)
    digest = hashlib.sha256(raw).hexdigest()
    return Document(doc_id, source, digest, cleaned.text, meta, clauses, parser_fingerprint(), body_hash(clauses))


def body_sentences(clauses) -> list[str]:
    """The clauses that say something (hold a sentence end): the body without title, 文号 and date lines."""
    return [c.text for c in clauses if any(mark in c.text for mark in SENTENCE_END)]


def body_hash(clauses) -> str:
    """Hash of the body in its match form: the same policy text saved twice with other header lines shares it."""
    return hashlib.sha256(normalize_for_match("".join(body_sentences(clauses))).encode("utf-8")).hexdigest()[:16]


def corpus_files(folder: Path) -> list[Path]:
    """Document files in a folder (recursively), without hidden files and metadata sidecars."""
    return sorted(
        p for p in Path(folder).rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts) and not is_sidecar(p)
    )
