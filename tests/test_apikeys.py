import hashlib

from apikeys import hash_key, new_key
from schema.auth import is_valid_key
from settings import Settings


def test_a_new_key_is_random_and_comes_with_its_sha256_hash() -> None:
    key, digest = new_key()
    other, _ = new_key()
    assert key != other and len(key) >= 43  # 32 random bytes
    assert digest == hash_key(key) == hashlib.sha256(key.encode()).hexdigest()


def test_the_api_accepts_a_new_key_once_its_hash_is_configured() -> None:
    key, digest = new_key()
    settings = Settings(production=True, api_key_hashes=(digest,))
    assert is_valid_key(settings, f"Bearer {key}")
    assert not is_valid_key(settings, f"Bearer {digest}")  # the hash itself is no key
