"""Engine and session factories; callers own the session lifecycle."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from settings import Settings

# Writers on SQLite queue for the file lock; several workers (or a seed running beside the
# server) must wait for each other rather than fail with "database is locked".
SQLITE_BUSY_TIMEOUT_S = 30.0


def async_url(url: str) -> str:
    """Accept plain URLs (sqlite:///, postgresql://) and pick the async driver."""
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url.removeprefix("sqlite:")
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def backend(url: str) -> str:
    """The backend ("sqlite" or "postgresql"), whatever driver the URL names."""
    return make_url(async_url(url)).get_backend_name()


def make_engine(
    url: str,
    pool_size: int = 5,
    *,
    max_overflow: int = 10,
    pool_timeout_s: float = 30.0,
) -> AsyncEngine:
    url = async_url(url)
    if backend(url) == "sqlite":
        database = make_url(url).database
        if database in (None, "", ":memory:"):
            engine = create_async_engine(url)  # one shared connection: no pool to size
        else:
            engine = create_async_engine(
                url,
                pool_size=pool_size,
                max_overflow=max_overflow,
                pool_timeout=pool_timeout_s,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S},
            )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # pre_ping: a load balancer may restart the database, or a firewall drop idle connections;
    # a request should get a fresh connection, not the error.
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout_s,
        pool_pre_ping=True,
    )


def engine_for(settings: Settings) -> AsyncEngine:
    """The engine with every pool setting (TERRITOIRES_DB_POOL_SIZE, _MAX_OVERFLOW, _TIMEOUT)."""
    return make_engine(
        settings.database_url,
        settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout_s=settings.db_pool_timeout_s,
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
