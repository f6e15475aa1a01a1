"""Errors that name their fix. Anything else is a bug and propagates."""

from __future__ import annotations


class PolicyError(Exception):
    """Base class: ``str(err)`` is an English one-liner for logs/CLI, ``err.zh`` the message for the UI."""

    zh: str = "操作失败。"

    def __init__(self, message: str, zh: str | None = None):
        super().__init__(message)
        if zh is not None:
            self.zh = zh


class UnsupportedFile(PolicyError):
    """A file that cannot be turned into a document (format, size, encoding, empty text)."""

    zh = "无法读取该文件。"


class IndexMissing(PolicyError):
    """No index yet: run `python -m ingest` first."""

    zh = "索引尚未建立,请先运行 python -m ingest。"


class IndexMismatch(PolicyError):
    """The index was built with another embedding model."""

    zh = "索引由另一个向量模型建立,请运行 python -m ingest --rebuild。"


class StoreUnavailable(PolicyError):
    """The Chroma server cannot be reached."""

    zh = "向量库服务无法连接。"


class BadQuery(PolicyError):
    """A question or topic with nothing to search for."""

    zh = "请输入有实际内容的问题。"


class OutputError(PolicyError):
    """An export path that cannot be written."""

    zh = "无法写入导出文件。"
