"""Bad settings are refused at start, naming the variable; safe defaults otherwise."""
# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

import httpx
import pytest

from apikeys import hash_key
from server import create_app
from settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        pytest.param("TERRITOIRES_PROJECTS", "abc", "must be an integer, got 'abc'", id="projects-text"),
        pytest.param("TERRITOIRES_PROJECTS", "0", "must be at least 1, got 0", id="projects-zero"),
        pytest.param("TERRITOIRES_PROJECTS", "-5", "must be at least 1, got -5", id="projects-negative"),
        pytest.param("TERRITOIRES_SEED", "1.5", "must be an integer, got '1.5'", id="seed-float"),
        pytest.param("TERRITOIRES_PRODUCTION", "maybe", "must be true or false, got 'maybe'", id="production-not-bool"),
        pytest.param("TERRITOIRES_SOLVER_TIME_LIMIT", "nan", "must be a positive number, got 'nan'", id="time-limit-nan"),
        pytest.param("TERRITOIRES_SOLVER_TIME_LIMIT", "inf", "must be a positive number, got 'inf'", id="time-limit-inf"),
        pytest.param("TERRITOIRES_SOLVER_TIME_LIMIT", "0", "must be a positive number, got '0'", id="time-limit-zero"),
        pytest.param("TERRITOIRES_MAX_BODY_BYTES", "64k", "must be an integer, got '64k'", id="body-limit-text"),
        pytest.param("TERRITOIRES_MAX_BODY_BYTES", "0", "must be at least 1, got 0", id="body-limit-zero"),
        pytest.param("TERRITOIRES_DB_POOL_SIZE", "0", "must be at least 1, got 0", id="pool-zero"),
        pytest.param("TERRITOIRES_API_KEY_HASHES", "not-a-hash", "is not a SHA-256 hex digest", id="api-key-hash-malformed"),
        pytest.param("TERRITOIRES_API_KEY_HASHES", "dev-only-key", "is not a SHA-256 hex digest", id="api-key-instead-of-hash"),
        pytest.param("TERRITOIRES_API_KEY_HASHES", f"{'a' * 64},k3y-8chr", "entry 2 (8 characters) is not a SHA-256 hex digest", id="short-api-key-instead-of-hash"),
        pytest.param("DATABASE_URL", "mysql://user@host/db", "must be sqlite:///PATH or postgresql://USER@HOST/DB", id="database-unsupported"),
        pytest.param("DATABASE_URL", "territoires.db", "must be sqlite:///PATH or postgresql://USER@HOST/DB", id="database-not-a-url"),
    ],
)  # fmt: skip
def test_bad_values_name_the_variable(name: str, value: str, words: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: value})
    assert caught.value.name == name
    assert str(caught.value).startswith(f"{name}: ") and words in str(caught.value)
    if name == "TERRITOIRES_API_KEY_HASHES":  # it may be a key: no piece of it is shown
        pieces = {item[i : i + 4] for item in value.split(",") for i in range(len(item) - 3)}
        assert not [piece for piece in pieces if piece in str(caught.value)]


def test_empty_values_mean_the_defaults() -> None:
    names = ["TERRITOIRES_PROJECTS", "TERRITOIRES_PRODUCTION", "TERRITOIRES_SOLVER_TIME_LIMIT"]
    assert Settings.from_env(dict.fromkeys(names, "")) == Settings()


def test_defaults_are_the_safe_ones() -> None:
    settings = Settings.from_env({})
    assert settings.cors_origins == ()
    assert settings.api_key_hashes == ()
    assert settings.max_body_bytes == 65_536
    assert Settings.from_env({"TERRITOIRES_API_KEY_HASHES": hash_key("k").upper()}).api_key_hashes


async def preflight(settings: Settings, origin: str) -> httpx.Response:
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await http.options(
            "/graphql",
            headers={"origin": origin, "access-control-request-method": "POST"},
        )
    await app.state.engine.dispose()
    return response


async def test_no_cors_origin_by_default(robust_db: str) -> None:
    response = await preflight(Settings(database_url=robust_db), "https://evil.example")
    assert "access-control-allow-origin" not in response.headers


async def test_cors_allows_only_the_configured_origins(robust_db: str) -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": robust_db, "TERRITOIRES_CORS_ORIGINS": "https://app.example"}
    )
    allowed = await preflight(settings, "https://app.example")
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    refused = await preflight(settings, "https://evil.example")
    assert refused.headers.get("access-control-allow-origin") != "https://evil.example"
