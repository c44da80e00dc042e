"""API keys: a new random key, and the SHA-256 hash that servers keep instead of the key."""

from __future__ import annotations

import hashlib
import secrets


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh random key and the hash to put in TERRITOIRES_API_KEY_HASHES."""
    key = secrets.token_urlsafe(32)
    return key, hash_key(key)
