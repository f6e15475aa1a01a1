"""Keep the index in step with the corpus files: each file ingested into a Document, then the index synced.

Incremental by content hash and parser fingerprint: an unchanged file costs a hash.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from errors import PolicyError, UnsupportedFile
from ingest.document import body_sentences, build_document, corpus_files, parser_fingerprint, source_name
from ingest.load import SUPPORTED_SUFFIXES
from ingest.meta import sidecar_path
from ingest.types import Document
from retrieval.index import sync_index
from retrieval.library import Library, index_lock, library_path, load_library
from settings import REPO_ROOT, Settings, get_settings

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
@dataclass
class IngestReport:
    """What one ingest run did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, one-line reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # ingested, but something is missing
    documents: int = 0
    clauses: int = 0
    embedded: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """False only when files were given and none could be ingested."""
        return not self.failed or bool(self.added or self.updated or self.unchanged)

    def summary(self) -> str:
        """A short English summary, one line per failed file."""
        lines = [
            f"documents: {self.documents}, clauses: {self.clauses} "
            f"(added {len(self.added)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, "
            f"removed {len(self.removed)}, failed {len(self.failed)}; {self.embedded} clauses embedded "
            f"in {self.seconds:.1f}s)"
        ]
        lines += [f"  failed {name}: {reason}" for name, reason in self.failed]
        lines += [f"  warning {name}: {reason}" for name, reason in self.warnings]
        return "\n".join(lines)


def ingest_paths(
    paths: Sequence[Path] | None = None,
    settings: Settings | None = None,
    rebuild: bool = False,
    progress: bool = True,
    on_progress: Progress | None = None,
    on_embedded: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Ingest files (default: the whole corpus folder, whose deleted files then leave the index).

    on_progress(done, total, file name) follows the files; on_embedded(done, total) the passage embeddings.
    """
    settings = settings or get_settings()
    with index_lock(settings.index_dir):
        return _ingest_locked(paths, settings, rebuild, progress, on_progress, on_embedded)


def _ingest_locked(paths, settings: Settings, rebuild: bool, progress: bool, on_progress, on_embedded) -> IngestReport:
    started = time.perf_counter()
    full_sync = paths is None
    files = corpus_files(settings.corpus_dir) if full_sync else _expand(paths)
    library = Library() if rebuild else (load_library(settings.index_dir) or Library())
    report = IngestReport()
    _ingest_files(files, library, settings, report, _progress_fn(progress, on_progress))
    if full_sync:
        _drop_missing(files, library, settings, report)
    report.embedded = sync_index(library, settings, on_embedded=on_embedded)
    report.documents = len(library.documents)
    report.clauses = sum(len(d.clauses) for d in library.documents.values())
    report.seconds = time.perf_counter() - started
    return report


def remove_document(doc_id: str, settings: Settings | None = None, delete_file: bool = True) -> Document:
    """Take a document out of the index (and, by default, delete its file from the corpus folder)."""
    settings = settings or get_settings()
    with index_lock(settings.index_dir):
        library = load_library(settings.index_dir) or Library()
        doc = library.documents.pop(doc_id, None)
        if doc is None:
            raise PolicyError(f"no document with id {doc_id}", zh="文库中没有这份文件。")
        sync_index(library, settings)
    if delete_file:
        path = _source_path(doc.source, settings)
        if path.is_relative_to(settings.corpus_dir.resolve()):
            path.unlink(missing_ok=True)
            sidecar_path(path).unlink(missing_ok=True)
    return doc


def _ingest_files(files: list[Path], library: Library, settings: Settings, report: IngestReport, tick) -> None:
    by_source = library.by_source()
    for i, path in enumerate(files):
        tick(i, len(files), path.name)
        try:
            _ingest_one(path, library, by_source, settings, report)
        except PolicyError as err:
            report.failed.append((path.name, str(err)))
        except OSError as err:
            report.failed.append((path.name, f"cannot read: {err.strerror or err}"))
    tick(len(files), len(files), "")


def _ingest_one(path: Path, library: Library, by_source: dict, settings: Settings, report: IngestReport) -> None:
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    source = source_name(path, settings)
    old = by_source.get(source)
    if old and old.content_hash == digest and old.parser == parser_fingerprint() and not _sidecar_newer(path, settings):
        report.unchanged.append(path.name)
        return
    twin = library.by_hash().get(digest)
    if twin and twin.source != source and _source_path(twin.source, settings).exists():
        raise UnsupportedFile(
            f"same content as {twin.source}; skipped", zh=f"与已有文件 {twin.source} 内容相同，已跳过。"
        )
    if suffix_error := _suffix_error(path):
        raise suffix_error
    doc = build_document(path, settings, raw)
    copy = next((d for d in library.documents.values() if d.body_hash == doc.body_hash and d.source != source), None)
    if copy and _source_path(copy.source, settings).exists():
        raise UnsupportedFile(
            f"same policy text as {copy.source} (only the header lines differ); skipped",
            zh=f"与已有文件 {copy.source} 正文相同（仅文头不同），已跳过。",
        )
    library.documents[doc.doc_id] = doc
    (report.updated if old else report.added).append(path.name)
    report.warnings += [(path.name, problem) for problem in _reading_problems(doc)]


SHORT_BODY_CHARS = 200  # a body shorter than this is named in the summary: a page may have lost its text


def _reading_problems(doc: Document) -> list[str]:
    """What the reader could not find in an ingested document: a title, or enough text."""
    problems = [] if doc.meta.title else ["no title found; answers will cite it by file name"]
    body = sum(len(text) for text in body_sentences(doc.clauses))
    if not body:
        problems.append("only a header (title, 文号, date), no body text; kept for its metadata")
    elif body < SHORT_BODY_CHARS:
        problems.append(f"little text (under {SHORT_BODY_CHARS} characters of sentences)")
    return problems


def _suffix_error(path: Path) -> UnsupportedFile | None:
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        return None
    return UnsupportedFile(
        f"{path.name}: unsupported file type; expected one of {', '.join(SUPPORTED_SUFFIXES)}",
        zh=f"{path.name}：不支持的文件类型。",
    )


def _sidecar_newer(path: Path, settings: Settings) -> bool:
    """A sidecar edited after the last ingest also counts as a change (its content is not in the hash)."""
    side = sidecar_path(path)
    lib_file = library_path(settings.index_dir)
    return side.exists() and lib_file.exists() and side.stat().st_mtime > lib_file.stat().st_mtime


def _drop_missing(files: list[Path], library: Library, settings: Settings, report: IngestReport) -> None:
    present = {source_name(p, settings) for p in files}
    for doc_id, doc in list(library.documents.items()):
        if doc.source not in present and not _source_path(doc.source, settings).exists():
            del library.documents[doc_id]
            report.removed.append(Path(doc.source).name)


def _source_path(source: str, settings: Settings) -> Path:
    path = Path(source)
    if path.is_absolute():
        return path
    for base in (REPO_ROOT, settings.corpus_dir.resolve().parent):
        if (base / path).exists():
            return (base / path).resolve()
    return (settings.corpus_dir.resolve().parent / path).resolve()


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(corpus_files(p) if p.is_dir() else [p])
    return files


def _progress_fn(show_bar: bool, on_progress: Progress | None):
    bar = None
    if show_bar:
        from tqdm import tqdm

        bar = tqdm(total=0, unit="file", desc="ingest", leave=False)

    def tick(done: int, total: int, name: str) -> None:
        if bar is not None:
            bar.total = total
            bar.n = done
            bar.set_postfix_str(name[:30])
            bar.refresh()
            if done == total:
                bar.close()
        if on_progress:
            on_progress(done, total, name)

    return tick
