"""Turn files into documents and keep the index in step with them (incremental by content hash)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from errors import PolicyError, UnsupportedFile
from ingest.clean import clean
from ingest.load import SUPPORTED_SUFFIXES, load_text
from ingest.meta import apply_sidecar, is_sidecar, read_meta
from ingest.segment import segment
from ingest.types import Document
from retrieval.index import sync_index
from retrieval.library import Library, index_lock, load_library
from settings import REPO_ROOT, Settings, get_settings

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
# The modules and data that decide what a document's clauses are; a change to any re-parses every document.
_PARSER_FILES = ("load.py", "clean.py", "meta.py", "segment.py", "types.py", "data/regions.json")


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """Hash of the ingest code that turns a file into clauses.

    An unchanged file is skipped by content hash; without this, a fixed segmenter would never reach a
    library built before the fix.
    """
    digest = hashlib.sha256()
    for name in _PARSER_FILES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class IngestReport:
    """What one ingest run did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, one-line reason)
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
        return "\n".join(lines)


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
    return Document(doc_id, source, hashlib.sha256(raw).hexdigest(), cleaned.text, meta, clauses, parser_fingerprint())


def corpus_files(folder: Path) -> list[Path]:
    """Document files in a folder (recursively), without hidden files and metadata sidecars."""
    return sorted(
        p for p in Path(folder).rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts) and not is_sidecar(p)
    )


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
            _sidecar = path.with_name(path.name + ".meta.json")
            _sidecar.unlink(missing_ok=True)
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
    library.documents[doc.doc_id] = doc
    (report.updated if old else report.added).append(path.name)


def _suffix_error(path: Path) -> UnsupportedFile | None:
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        return None
    return UnsupportedFile(
        f"{path.name}: unsupported file type; expected one of {', '.join(SUPPORTED_SUFFIXES)}",
        zh=f"{path.name}：不支持的文件类型。",
    )


def _sidecar_newer(path: Path, settings: Settings) -> bool:
    """A sidecar edited after the last ingest also counts as a change (its content is not in the hash)."""
    side = path.with_name(path.name + ".meta.json")
    lib_file = settings.index_dir / "library.json"
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
