"""API keys for mutations: `Authorization: Bearer <key>`, checked against stored SHA-256 hashes."""

from __future__ import annotations

import hmac
from typing import Any

from strawberry.permission import BasePermission

from apikeys import hash_key
from schema.errors import UNAUTHENTICATED, AuthError
from settings import Settings

DEV_API_KEY = "dev-only-key"  # accepted only outside production when no key is configured


def accepted_hashes(settings: Settings) -> tuple[str, ...]:
    if settings.api_key_hashes:
        return tuple(h.lower() for h in settings.api_key_hashes)
    return () if settings.production else (hash_key(DEV_API_KEY),)


def is_valid_key(settings: Settings, authorization: str | None) -> bool:
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return False
    digest = hash_key(key.strip())
    # compare against every hash so the time taken does not depend on which one matches
    matches = [hmac.compare_digest(digest, known) for known in accepted_hashes(settings)]
    return any(matches)


class HasApiKey(BasePermission):
    message = "this operation needs an API key: send `Authorization: Bearer <key>`"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        context = info.context
        header = context.request.headers.get("authorization") if context.request else None
        if not is_valid_key(context.settings, header):
            reason = "missing" if not header else "invalid"
            raise AuthError(f"{reason} API key: {self.message}", UNAUTHENTICATED)
        return True
