"""Keep the index in step with the corpus files: each file ingested into a Document, then the index synced.

Incremental by content hash and parser fingerprint: an unchanged file costs a hash. The library may
be shared (server mode): a machine's run over its own folder adds and updates what it finds there and
removes only documents it added itself whose files are gone; removing another's is explicit.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from errors import IndexMismatch, PolicyError, UnsupportedFile
from ingest.document import body_sentences, build_document, corpus_files, parser_fingerprint, source_name
from ingest.load import SUPPORTED_SUFFIXES
from ingest.meta import sidecar_path
from ingest.types import Document
from retrieval.index import sync_index
from retrieval.library import Library, LibraryHome, library_path, open_library
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
    home: LibraryHome | None = None,
) -> IngestReport:
    """Ingest files (default: the whole corpus folder, whose deleted files then leave the index).

    on_progress(done, total, file name) follows the files; on_embedded(done, total) the passage embeddings.
    ``rebuild`` parses this machine's files again (and, with another embedder configured, embeds the whole
    library with it); documents other machines added stay.
    """
    settings = settings or get_settings()
    home = home or open_library(settings)
    with home.lock():
        return _ingest_locked(paths, settings, home, rebuild, progress, on_progress, on_embedded)


def _ingest_locked(
    paths, settings: Settings, home: LibraryHome, rebuild: bool, progress: bool, on_progress, on_embedded
) -> IngestReport:
    started = time.perf_counter()
    full_sync = paths is None
    files = corpus_files(settings.corpus_dir) if full_sync else _expand(paths)
    library = home.load() or Library()
    _check_embedder(library, home, settings, rebuild)
    if rebuild:
        _drop_own(library, home.machine)
    report = IngestReport()
    _ingest_files(files, library, settings, home, report, _progress_fn(progress, on_progress))
    if full_sync:
        _drop_missing(files, library, settings, home, report)
    report.embedded = sync_index(library, settings, on_embedded=on_embedded, home=home)
    report.documents = len(library.documents)
    report.clauses = sum(len(d.clauses) for d in library.documents.values())
    report.seconds = time.perf_counter() - started
    return report


def remove_document(
    doc_id: str, settings: Settings | None = None, delete_file: bool = True, home: LibraryHome | None = None
) -> Document:
    """Take a document out of the library (and, by default, delete its file from the corpus folder).

    The file is deleted only when this machine added the document: removing a colleague's document from
    a shared library leaves the files on this machine alone.
    """
    settings = settings or get_settings()
    home = home or open_library(settings)
    with home.lock():
        library = home.load() or Library()
        doc = library.documents.pop(doc_id, None)
        if doc is None:
            raise PolicyError(f"no document with id {doc_id}", zh="文库中没有这份文件。")
        own = library.owned_by(doc_id, home.machine)
        library.owners.pop(doc_id, None)
        sync_index(library, settings, home=home)
    if delete_file and own:
        path = _source_path(doc.source, settings)
        if path.is_relative_to(settings.corpus_dir.resolve()):
            path.unlink(missing_ok=True)
            sidecar_path(path).unlink(missing_ok=True)
    return doc


def _check_embedder(library: Library, home: LibraryHome, settings: Settings, rebuild: bool) -> None:
    """A shared library embedded with another model is re-embedded only on an explicit rebuild."""
    if not home.shared or rebuild or not library.documents or library.embedder in ("", settings.embedder):
        return
    raise IndexMismatch(
        f"the library on {home.where} is embedded with {library.embedder!r}, this machine is set to "
        f"{settings.embedder!r}: set POLICY_EMBEDDER={library.embedder}, or run with --rebuild to embed the "
        "whole shared library again with yours (every other machine must then switch too)",
        zh=f"共享文库由向量模型 {library.embedder} 建立，与本机设置的 {settings.embedder} 不同。",
    )


def _drop_own(library: Library, machine: str) -> None:
    """Forget this machine's documents (a rebuild parses its files again); others' stay."""
    for doc_id in [d for d in library.documents if library.owned_by(d, machine)]:
        del library.documents[doc_id]
        library.owners.pop(doc_id, None)


def _ingest_files(
    files: list[Path], library: Library, settings: Settings, home: LibraryHome, report: IngestReport, tick
) -> None:
    by_source = library.by_source()
    for i, path in enumerate(files):
        tick(i, len(files), path.name)
        try:
            _ingest_one(path, library, by_source, settings, home, report)
        except PolicyError as err:
            report.failed.append((path.name, str(err)))
        except OSError as err:
            report.failed.append((path.name, f"cannot read: {err.strerror or err}"))
    tick(len(files), len(files), "")


def _ingest_one(
    path: Path, library: Library, by_source: dict, settings: Settings, home: LibraryHome, report: IngestReport
) -> None:
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    source = source_name(path, settings)
    old = by_source.get(source)
    if old and old.content_hash == digest and old.parser == parser_fingerprint() and not _sidecar_newer(path, settings):
        report.unchanged.append(path.name)
        return
    if old and not library.owned_by(old.doc_id, home.machine):
        if old.content_hash == digest:  # the same file, added by another machine: it is in already
            report.unchanged.append(path.name)
            return
        raise UnsupportedFile(
            f"{source}: another machine ({library.owners[old.doc_id]}) added a different file under this name; "
            "rename yours, or remove theirs first",
            zh=f"共享文库中已有其他电脑导入的同名文件 {source}（内容不同）。请改名，或先删除原文件。",
        )
    twin = library.by_hash().get(digest)
    if twin and twin.source != source and (home.shared or _source_path(twin.source, settings).exists()):
        raise UnsupportedFile(
            f"same content as {twin.source}; skipped", zh=f"与已有文件 {twin.source} 内容相同，已跳过。"
        )
    if suffix_error := _suffix_error(path):
        raise suffix_error
    doc = build_document(path, settings, raw)
    copy = next((d for d in library.documents.values() if d.body_hash == doc.body_hash and d.source != source), None)
    if copy and (home.shared or _source_path(copy.source, settings).exists()):
        raise UnsupportedFile(
            f"same policy text as {copy.source} (only the header lines differ); skipped",
            zh=f"与已有文件 {copy.source} 正文相同（仅文头不同），已跳过。",
        )
    library.documents[doc.doc_id] = doc
    library.owners[doc.doc_id] = home.machine
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


def _drop_missing(
    files: list[Path], library: Library, settings: Settings, home: LibraryHome, report: IngestReport
) -> None:
    """Forget this machine's documents whose files are gone (never another machine's)."""
    present = {source_name(p, settings) for p in files}
    for doc_id, doc in list(library.documents.items()):
        if not library.owned_by(doc_id, home.machine):
            continue
        gone = _under_corpus(doc.source, settings) or not _source_path(doc.source, settings).exists()
        if doc.source not in present and gone:
            del library.documents[doc_id]
            library.owners.pop(doc_id, None)
            report.removed.append(Path(doc.source).name)


def _under_corpus(source: str, settings: Settings) -> bool:
    """True when the source names a place in the corpus folder: the folder's listing then says if it is there."""
    corpus = settings.corpus_dir.resolve()
    path = Path(source)
    return path.is_absolute() and path.is_relative_to(corpus) or (corpus.parent / path).resolve().is_relative_to(corpus)


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
