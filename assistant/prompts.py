"""Prompt templates kept as files in ``prompts/``, the refusal sentinel, and placeholder checks."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from errors import PolicyError
from settings import REPO_ROOT

PROMPTS_DIR = REPO_ROOT / "prompts"

# The exact phrase the model must answer with when the clauses do not answer the question.
REFUSAL_SENTINEL = "文件未明确规定"  # the same wording as the extractive "not stated" outcome

# Every template the code uses, and the placeholders the code fills in it (no more, no fewer).
PROMPT_FIELDS: dict[str, frozenset[str]] = {
    "answer_system": frozenset({"refusal"}),
    "answer_user": frozenset({"clauses", "question", "refusal"}),
}


class PromptError(PolicyError):
    """A prompt template file that is missing or whose placeholders differ from what the code fills."""

    zh = "提示词模板文件缺失或占位符有误，请检查 prompts/ 目录。"


def placeholders(template: str) -> frozenset[str]:
    """The named ``{field}`` placeholders of a template (``{{``/``}}`` are literal braces)."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            names.add(name)
    return frozenset(names)


@lru_cache(maxsize=16)
def _read(path: Path, mtime_ns: int) -> str:
    return path.read_text(encoding="utf-8")


def load_prompt(name: str, prompts_dir: Path = PROMPTS_DIR) -> str:
    """The text of ``prompts/<name>.txt``; raises PromptError when it is missing or unknown."""
    if name not in PROMPT_FIELDS:
        raise PromptError(f"Unknown prompt {name!r}. Expected one of: {', '.join(sorted(PROMPT_FIELDS))}")
    path = prompts_dir / f"{name}.txt"
    try:
        return _read(path, path.stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError) as err:
        raise PromptError(f"Cannot read prompt template {path}: {type(err).__name__}") from None


def render_prompt(name: str, prompts_dir: Path = PROMPTS_DIR, **values: str) -> str:
    """Fill template ``name`` with ``values``; template fields, ``values`` and PROMPT_FIELDS must all agree."""
    template = load_prompt(name, prompts_dir)
    expected = PROMPT_FIELDS[name]
    found = placeholders(template)
    if found != expected:
        raise PromptError(
            f"Prompt {name}.txt has placeholders {sorted(found)}, the code fills {sorted(expected)}",
            zh=f"提示词模板 {name}.txt 的占位符与程序不一致，应为：{'、'.join(sorted(expected))}。",
        )
    if set(values) != expected:
        raise PromptError(f"Prompt {name} needs values for {sorted(expected)}, got {sorted(values)}")
    return template.format(**values)
