"""Documents added from the app: validate an upload, save it into the corpus folder, ingest it, or undo.

Every check runs before anything is written; a file that then fails to ingest is deleted again, so a
bad upload leaves the corpus folder and the index exactly as they were. One lock serialises every
change to the library made from this process (uploads, removals, the first index build), because
the app serves several browser sessions from one process.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from errors import UnsupportedFile
from ingest.document import build_document
from ingest.load import SUPPORTED_SUFFIXES
from ingest.types import Document
from retrieval.access import check_editor
from retrieval.library import Library, open_library
from retrieval.pipeline import IngestReport, ingest_paths, remove_document
from settings import Settings

MAX_NAME_BYTES = 255  # longest file name most file systems accept
_FORBIDDEN_CHARS = set('/\\:*?"<>|')  # path separators plus what Windows cannot store
LIBRARY_LOCK = threading.Lock()

Progress = Callable[[float, str], None]  # (fraction done 0..1, Chinese status line)


@dataclass
class UploadOutcome:
    """What happened to a batch of uploads: names ingested, names refused with a Chinese reason."""

    added: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    report: IngestReport | None = None


def check_name(name: str) -> str:
    """An uploaded file name -> the same name (NFC) if it is a plain, visible file name; else UnsupportedFile."""
    clean = unicodedata.normalize("NFC", name or "").strip()
    shown = clean or "（空）"
    if not clean or clean in (".", ".."):
        raise UnsupportedFile("empty file name", zh="文件名为空，请重新选择文件。")
    if any(ch in _FORBIDDEN_CHARS for ch in clean) or any(unicodedata.category(ch) == "Cc" for ch in clean):
        raise UnsupportedFile(
            f"{clean!r}: file name contains path parts or special characters",
            zh=f'“{shown}”：文件名不能包含路径或特殊字符（/ \\ : * ? " < > |），请只用文件本身的名字。',
        )
    if clean.startswith("."):
        raise UnsupportedFile(f"{clean!r}: hidden file name", zh=f"“{shown}”：不接受以“.”开头的隐藏文件。")
    if len(clean.encode("utf-8")) > MAX_NAME_BYTES:
        raise UnsupportedFile(
            f"{clean[:30]!r}…: file name too long", zh=f"“{clean[:30]}…”：文件名过长，请改短后再上传。"
        )
    return clean


def check_upload(name: str, data: bytes, settings: Settings) -> str:
    """Validate name, type and size of an upload before anything is written; returns the checked name."""
    name = check_name(name)
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFile(
            f"{name}: unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED_SUFFIXES)}",
            zh=f"“{name}”：不支持的文件类型 {suffix or '（无后缀）'}，只接受 {'、'.join(SUPPORTED_SUFFIXES)} 文件。",
        )
    limit = int(settings.max_file_mb * 1024 * 1024)
    if len(data) > limit:
        raise UnsupportedFile(
            f"{name}: {len(data) / 1048576:.1f} MB is over the {settings.max_file_mb:g} MB limit",
            zh=f"“{name}”：文件大小 {len(data) / 1048576:.1f} MB，超过 {settings.max_file_mb:g} MB 的上限。",
        )
    if not data:
        raise UnsupportedFile(f"{name}: empty file", zh=f"“{name}”：文件为空（0 字节）。")
    return name


def save_upload(name: str, data: bytes, settings: Settings) -> Path:
    """Write a checked upload atomically into settings.corpus_dir and return its path (never overwrites)."""
    name = check_upload(name, data, settings)
    folder = Path(settings.corpus_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / name
    if dest.parent != folder:  # cannot happen after check_name; kept as the last line of defence
        raise UnsupportedFile(f"{name}: outside the corpus folder", zh=f"“{name}”：文件名无效。")
    if dest.exists():
        raise _exists(name)
    _write_new(dest, data)
    return dest


def import_uploads(
    files: Sequence[tuple[str, bytes]],
    settings: Settings,
    on_progress: Progress | None = None,
    password: str | None = None,
) -> UploadOutcome:
    """Save, check and ingest uploaded (name, bytes) pairs; a refused file leaves nothing behind.

    With an editor password configured, nothing is written without it (EditorRefused).
    """
    check_editor(password, settings)
    tick = on_progress or (lambda fraction, text: None)
    outcome = UploadOutcome()
    with LIBRARY_LOCK:
        library = open_library(settings).load() or Library()
        saved = _save_all(files, settings, library, outcome, tick)
        if saved:
            _ingest_saved(saved, settings, outcome, tick)
    tick(1.0, "导入完成")
    return outcome


def delete_document(doc_id: str, settings: Settings, password: str | None = None) -> Document:
    """Remove a document from the library (and its file, if this machine added it); PolicyError if unknown.

    With an editor password configured, nothing is removed without it (EditorRefused).
    """
    check_editor(password, settings)
    with LIBRARY_LOCK:
        return remove_document(doc_id, settings, delete_file=True)


def build_index(settings: Settings, on_progress: Progress | None = None) -> IngestReport:
    """Ingest the whole corpus folder (first start of the app), reporting progress per file."""
    tick = on_progress or (lambda fraction, text: None)

    def per_file(done: int, total: int, name: str) -> None:
        tick(0.9 * done / max(total, 1), f"正在读取 {name}" if name else "正在建立向量索引…")

    with LIBRARY_LOCK:
        report = ingest_paths(None, settings, progress=False, on_progress=per_file)
    tick(1.0, "索引已建立")
    return report


def _save_all(files, settings: Settings, library: Library, outcome: UploadOutcome, tick: Progress) -> list[Path]:
    """Save each upload and check that it reads as a new policy document; refused ones are deleted."""
    known = library.by_hash()
    batch: dict[str, str] = {}  # content hash -> name, for the same file given twice in one batch
    saved: list[Path] = []
    for i, (name, data) in enumerate(files):
        tick(0.4 * i / len(files), f"正在检查 {name}")
        try:
            path = save_upload(name, data, settings)
        except UnsupportedFile as err:
            outcome.rejected.append((name, err.zh))
            continue
        digest = hashlib.sha256(data).hexdigest()
        try:
            _check_document(path, data, settings, _twin_label(digest, known, batch))
        except UnsupportedFile as err:
            path.unlink(missing_ok=True)
            outcome.rejected.append((path.name, err.zh))
            continue
        batch[digest] = path.name
        saved.append(path)
    return saved


def _twin_label(digest: str, known: dict[str, Document], batch: dict[str, str]) -> str:
    """How to name the document that already has this content ('' when none has)."""
    if digest in known:
        return f"《{known[digest].meta.title or Path(known[digest].source).name}》"
    return f"“{batch[digest]}”" if digest in batch else ""


def _check_document(path: Path, data: bytes, settings: Settings, twin: str) -> None:
    """Raise UnsupportedFile (Chinese reason) unless the file is new content with policy text in it."""
    if twin:
        raise UnsupportedFile(
            f"{path.name}: same content as an existing document", zh=f"“{path.name}”：与{twin}内容相同，未重复导入。"
        )
    build_document(path, settings, data)


def _ingest_saved(saved: list[Path], settings: Settings, outcome: UploadOutcome, tick: Progress) -> None:
    """Ingest the saved files; delete any the pipeline refused (or all of them if it fails)."""

    def per_file(done: int, total: int, name: str) -> None:
        tick(0.4 + 0.5 * done / max(total, 1), f"正在导入 {name}" if name else "正在建立向量索引…")

    try:
        report = ingest_paths(saved, settings, progress=False, on_progress=per_file)
    except BaseException:
        for path in saved:
            path.unlink(missing_ok=True)
        raise
    failed = dict(report.failed)
    for path in saved:
        if path.name in failed:
            path.unlink(missing_ok=True)
            outcome.rejected.append((path.name, f"“{path.name}”：导入失败（{failed[path.name]}）。"))
    outcome.added = [*report.added, *report.updated]
    outcome.report = report


def _exists(name: str) -> UnsupportedFile:
    return UnsupportedFile(
        f"{name}: a file with this name is already in the corpus",
        zh=f"“{name}”：文库中已有同名文件。如需替换，请先删除旧文件，或改名后再上传。",
    )


def _write_new(dest: Path, data: bytes) -> None:
    """Write via a hidden temp file and link it into place, failing if dest appeared meanwhile."""
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".upload.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, dest)
        except FileExistsError:
            raise _exists(dest.name) from None
        except OSError:  # file systems without hard links: replace after the existence check above
            os.replace(tmp, dest)
    finally:
        Path(tmp).unlink(missing_ok=True)
