"""Settings read once from the environment (see README, "Settings")."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent


class SettingsError(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(name, f"must be true or false, got {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, f"must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(name, f"must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(name, f"must be a number, got {raw!r}") from None
    if not (value > 0 and math.isfinite(value)):  # "inf" would mean no limit at all
        raise SettingsError(name, f"must be a positive number, got {raw!r}")
    return value


def _hashes(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    # A typo in a hash would lock every client out without a word: refuse it at start.
    hashes = _list(env, name)
    for number, item in enumerate(hashes, 1):
        if not re.fullmatch(r"[0-9a-fA-F]{64}", item):
            # Named by position and length only: the entry may be a key pasted by mistake.
            raise SettingsError(
                name,
                f"entry {number} ({len(item)} characters) is not a SHA-256 hex digest "
                "(64 hex digits)",
            )
    return hashes


def _database_url(env: Mapping[str, str], name: str, default: str) -> str:
    url = env.get(name) or default
    scheme = url.partition(":")[0].partition("+")[0]
    if scheme not in {"sqlite", "postgresql", "postgres"} or "://" not in url:
        raise SettingsError(name, "must be sqlite:///PATH or postgresql://USER@HOST/DB")
    return url


def _scheduler(env: Mapping[str, str], name: str) -> str | None:
    # Checked at start: a typo would otherwise surface only when the first job runs.
    address = (env.get(name) or "").strip()
    if not address:
        return None
    found = re.fullmatch(r"(tcp|tls|ucx|ws|wss)://([^\s/:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})", address)
    if found is None or not 0 < int(found.group(3)) < 65_536:
        raise SettingsError(
            name, f"must be a Dask scheduler address such as tcp://host:8786, got {address!r}"
        )
    return address


def _optional_int(env: Mapping[str, str], name: str, minimum: int) -> int | None:
    if not env.get(name):
        return None
    return _int(env, name, minimum, minimum)


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite+aiosqlite:///{ROOT / 'var' / 'territoires.db'}"
    data_dir: Path = ROOT.parent / "shared" / "data"
    project_count: int = 1600
    seed: int = 2020
    production: bool = False
    api_key_hashes: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    solver_time_limit_s: float = 30.0
    max_body_bytes: int = 65_536
    body_timeout_s: float = 10.0
    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout_s: float = 30.0
    dask_scheduler: str | None = None  # None: each job starts a local cluster
    job_workers: int | None = None  # the local cluster's worker processes (None: the cores)
    job_max_solves: int = 2_000
    job_max_draws: int = 1_000_000
    jobs_per_key: int = 2  # queued or running jobs per API key
    jobs_kept_per_key: int = 20  # ended jobs kept per API key (older ones deleted)
    job_heartbeat_s: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        defaults = cls()
        return cls(
            database_url=_database_url(env, "DATABASE_URL", defaults.database_url),
            data_dir=Path(env.get("TERRITOIRES_DATA_DIR") or defaults.data_dir),
            project_count=_int(env, "TERRITOIRES_PROJECTS", defaults.project_count, minimum=1),
            seed=_int(env, "TERRITOIRES_SEED", defaults.seed),
            production=_bool(env, "TERRITOIRES_PRODUCTION", False),
            api_key_hashes=_hashes(env, "TERRITOIRES_API_KEY_HASHES"),
            cors_origins=_list(env, "TERRITOIRES_CORS_ORIGINS"),
            solver_time_limit_s=_float(
                env, "TERRITOIRES_SOLVER_TIME_LIMIT", defaults.solver_time_limit_s
            ),
            max_body_bytes=_int(env, "TERRITOIRES_MAX_BODY_BYTES", defaults.max_body_bytes, 1),
            body_timeout_s=_float(env, "TERRITOIRES_BODY_TIMEOUT", defaults.body_timeout_s),
            db_pool_size=_int(env, "TERRITOIRES_DB_POOL_SIZE", defaults.db_pool_size, 1),
            db_max_overflow=_int(env, "TERRITOIRES_DB_MAX_OVERFLOW", defaults.db_max_overflow),
            db_pool_timeout_s=_float(
                env, "TERRITOIRES_DB_POOL_TIMEOUT", defaults.db_pool_timeout_s
            ),
            dask_scheduler=_scheduler(env, "TERRITOIRES_DASK_SCHEDULER"),
            job_workers=_optional_int(env, "TERRITOIRES_JOB_WORKERS", 1),
            job_max_solves=_int(env, "TERRITOIRES_JOB_MAX_SOLVES", defaults.job_max_solves, 1),
            job_max_draws=_int(env, "TERRITOIRES_JOB_MAX_DRAWS", defaults.job_max_draws, 1),
            jobs_per_key=_int(env, "TERRITOIRES_JOBS_PER_KEY", defaults.jobs_per_key, 1),
            jobs_kept_per_key=_int(
                env, "TERRITOIRES_JOBS_KEPT_PER_KEY", defaults.jobs_kept_per_key, 0
            ),
            job_heartbeat_s=_float(env, "TERRITOIRES_JOB_HEARTBEAT", defaults.job_heartbeat_s),
        )
