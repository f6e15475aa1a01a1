"""Who may change the library: an editor password, kept only as a salted hash in the settings.

Without a hash configured (a single user on the embedded default) anyone may change the library.
A password is never logged or stored; a wrong one costs a short delay before the refusal.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from errors import PolicyError
from settings import Settings

SCHEME = "pbkdf2_sha256"
ITERATIONS = 200_000
WRONG_PASSWORD_DELAY = 1.0  # seconds; slows guessing without bothering someone who mistyped


class EditorRefused(PolicyError):
    """A change to the library without the editor password."""

    zh = "编辑密码不正确，未作任何更改。"


def hash_password(password: str, salt: str | None = None, iterations: int = ITERATIONS) -> str:
    """The settings form of a password: ``pbkdf2_sha256$<iterations>$<salt>$<hex digest>``."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), iterations).hex()
    return f"{SCHEME}${iterations}${salt}${digest}"


def password_matches(password: str, stored: str) -> bool:
    """True when password hashes to stored (constant-time comparison); False for a malformed hash."""
    try:
        scheme, iterations, salt, _digest = stored.split("$")
        rounds = int(iterations)
    except ValueError:
        return False
    if scheme != SCHEME:
        return False
    return hmac.compare_digest(hash_password(password, salt, rounds), stored)


def editing_locked(settings: Settings) -> bool:
    """True when changing the library needs the editor password."""
    return bool(settings.editor_password_hash)


def check_editor(password: str | None, settings: Settings) -> None:
    """Return when password may change the library; else wait a moment and raise EditorRefused."""
    if not editing_locked(settings):
        return
    if password and password_matches(password, settings.editor_password_hash or ""):
        return
    time.sleep(WRONG_PASSWORD_DELAY)
    if not password:
        raise EditorRefused("the library needs the editor password to be changed", zh="修改文库需要编辑密码。")
    raise EditorRefused("wrong editor password; nothing was changed")
