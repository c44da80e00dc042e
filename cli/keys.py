"""`territoires api-key`: a new key for the clients that save scenarios, and its hash."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from apikeys import new_key
from settings import Settings

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def add_api_key(commands: Commands) -> None:
    api_key = commands.add_parser(
        "api-key",
        help="make a new API key for mutations and print its hash",
        description="Print a new random API key and the SHA-256 hash to configure on servers.",
    )
    api_key.set_defaults(handler=_api_key)


def _api_key(args: argparse.Namespace, settings: Settings) -> int:
    key, digest = new_key()
    print(f"key:  {key}\nhash: {digest}")
    print(
        "Give the key to the client (Authorization: Bearer <key>) and add the hash to "
        "TERRITOIRES_API_KEY_HASHES (comma-separated); the key itself is never stored.",
        file=sys.stderr,
    )
    return 0
