"""Passwords of principals that have one (business users, care agents): argon2id hashes,
and the rules a new password must meet."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("saldo-no-such-user-placeholder")


@cache
def _common() -> frozenset[str]:
    text = files("saldo.identity").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip())


def password_problems(password: str) -> list[tuple[str, str]]:
    """What is wrong with a new password, as (Italian, English) messages; none: it is fine."""
    if len(password) < MIN_LENGTH:
        return [
            (
                f"la password deve avere almeno {MIN_LENGTH} caratteri",
                f"the password must have at least {MIN_LENGTH} characters",
            )
        ]
    if len(password) > MAX_LENGTH:
        return [
            (
                f"la password può avere al massimo {MAX_LENGTH} caratteri",
                f"the password may have at most {MAX_LENGTH} characters",
            )
        ]
    lowered = password.lower()
    if lowered in _common() or len(set(lowered)) <= 2:
        return [
            (
                "la password è tra quelle più comuni: scegline un'altra",
                "the password is among the most common ones: choose another",
            )
        ]
    return []


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (no such user) a dummy one is checked, so
    the time does not tell a missing user from a wrong password."""
    # a lone surrogate cannot be encoded: such a password was never set, and is checked (for
    # the same time) as its replacement characters
    secret = password.encode("utf-8", "replace")
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, secret) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
