"""Scenarios saved by planners: the YAML text plus a version for optimistic concurrency.

Saving says which version it read; a conditional UPDATE ... WHERE version = :read refuses the
save when someone else saved in between (works the same on SQLite and PostgreSQL). The functions
never commit: the caller owns the transaction.

One rule for names everywhere (API, command line): a shipped scenario's name (a file in
scenarios/) is never saved, so a name means one scenario wherever it is looked up; ``base:``
resolves among saved and shipped scenarios alike.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import String, Text, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.scenario_files import Bases
from simulation.files import dump, load_data, load_text, parse_text
from simulation.scenario import Scenario, ScenarioError

SHIPPED = Path(__file__).resolve().parent.parent / "scenarios"


class SavedScenario(Base):
    __tablename__ = "saved_scenario"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(default="")
    version: Mapped[int] = mapped_column(default=1)
    body: Mapped[str] = mapped_column(Text)  # the scenario as YAML (format version 1)
    updated_at: Mapped[dt.datetime]


class ScenarioNotFoundError(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no saved scenario named {name!r}")
        self.name = name


class ScenarioExistsError(ValueError):
    def __init__(self, name: str, current: int) -> None:
        super().__init__(
            f"scenario {name!r} already exists (version {current}): pass the version you read "
            "to replace it"
        )
        self.name = name
        self.current = current


class StaleScenarioError(ValueError):
    """Someone saved the scenario after you read it: your change would silently undo theirs."""

    def __init__(self, name: str, expected: int, current: int) -> None:
        super().__init__(
            f"scenario {name!r} is at version {current}, you read version {expected}: "
            "reload and re-apply your change"
        )
        self.name = name
        self.expected = expected
        self.current = current


class ScenarioInUseError(ValueError):
    """Other saved scenarios change this one: deleting it would leave them without a base."""

    def __init__(self, name: str, dependants: tuple[str, ...]) -> None:
        super().__init__(
            f"scenario {name!r} is the base of {', '.join(dependants)}: "
            "delete or re-base them first"
        )
        self.name = name
        self.dependants = dependants


def is_shipped(name: str, folder: Path = SHIPPED) -> bool:
    return Bases(folder).find(name) is not None


def refuse_shipped_name(name: str, *, source: str, shipped: Bases | None = None) -> None:
    """ScenarioError when ``name`` is a shipped scenario's: saving it would give one name two
    scenarios (the shipped file always wins where names are looked up). ``shipped``: a lookup
    of the shipped folder to reuse (its files are then indexed once)."""
    if (shipped or Bases(SHIPPED)).find(name) is not None:
        raise ScenarioError("name", f"{name!r} is a shipped scenario: pick another name", source)


async def get_scenario(session: AsyncSession, name: str) -> SavedScenario | None:
    statement = select(SavedScenario).where(SavedScenario.name == name)
    return await session.scalar(statement.execution_options(populate_existing=True))


async def list_scenarios(session: AsyncSession) -> list[SavedScenario]:
    statement = select(SavedScenario).order_by(SavedScenario.name)
    return list(await session.scalars(statement.execution_options(populate_existing=True)))


async def saved_bases(session: AsyncSession, folder: Path | None = SHIPPED) -> Bases:
    """Where ``base:`` of a scenario being saved or run resolves: the shipped files of
    ``folder`` (None: none) and the saved scenarios by name."""
    rows = await session.execute(select(SavedScenario.name, SavedScenario.body))
    return Bases(folder, texts={name: body for name, body in rows.all()})


async def load_saved(session: AsyncSession, name: str) -> Scenario:
    """A saved scenario resolved over its bases (saved or shipped)."""
    row = await get_scenario(session, name)
    if row is None:
        raise ScenarioNotFoundError(name)
    bases = await saved_bases(session)
    return load_text(row.body, source=f"saved scenario {name!r}", bases=bases)


async def save_scenario(
    session: AsyncSession,
    scenario: str | Scenario,
    expected_version: int | None,
    *,
    source: str = "<input>",
    bases: Bases | None = None,
) -> SavedScenario:
    """Create (``expected_version=None``) or replace the version you read.

    ``scenario`` is YAML text (kept as written, comments included) or a Scenario. It is
    validated over ``bases`` (default: the saved and shipped scenarios) first; ScenarioError
    (from simulation) says what is wrong, a shipped scenario's name included.
    """
    body = dump(scenario) if isinstance(scenario, Scenario) else scenario
    data = parse_text(body, source=source)
    shipped = Bases(SHIPPED)  # one index of the folder for both names below
    refuse_shipped_name(str(data.get("name", "")), source=source, shipped=shipped)
    bases = bases or await saved_bases(session)
    base = data.get("base")
    if isinstance(base, str) and shipped.find(base) is None and not await _hold_base(session, base):
        # Deleted since the caller read the bases: resolve as the database stands now.
        bases = Bases(bases.folder, {n: text for n, text in bases.texts.items() if n != base})
    parsed = load_data(data, source=source, bases=bases)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    values = {"title": parsed.title, "body": body, "updated_at": now}
    if expected_version is None:
        # RETURNING, not rowcount: psycopg reports rowcount -1 for INSERT ... ON CONFLICT, so
        # every new scenario looked like a conflict on PostgreSQL.
        inserted = await session.execute(
            _insert_ignoring_conflict(session)
            .values(name=parsed.name, version=1, **values)
            .returning(SavedScenario.name)
        )
        if inserted.first() is None:
            raise ScenarioExistsError(parsed.name, await _current_version(session, parsed.name))
    else:
        updated = await session.execute(
            update(SavedScenario)
            .where(SavedScenario.name == parsed.name, SavedScenario.version == expected_version)
            .values(version=expected_version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if updated.rowcount != 1:  # type: ignore[attr-defined]
            await _refuse(session, parsed.name, expected_version)
    row = await get_scenario(session, parsed.name)
    assert row is not None
    return row


async def delete_scenario(session: AsyncSession, name: str, expected_version: int) -> None:
    """Delete the version you read; refused if it changed since (or is gone), or if other saved
    scenarios use it as their base (ScenarioInUseError names them)."""
    # Lock the row first: a save that holds it as its base (_hold_base) ends before the
    # dependants are looked up, so its new child is seen (PostgreSQL; SQLite has no row locks).
    # A stale or missing scenario is refused as such before its dependants are named.
    locked = await session.scalar(
        select(SavedScenario.version).where(SavedScenario.name == name).with_for_update()
    )
    if locked != expected_version:
        await _refuse(session, name, expected_version)
    dependants = await _dependants(session, name)
    if dependants:
        raise ScenarioInUseError(name, dependants)
    deleted = await session.execute(
        delete(SavedScenario)
        .where(SavedScenario.name == name, SavedScenario.version == expected_version)
        .execution_options(synchronize_session=False)
    )
    if deleted.rowcount != 1:  # type: ignore[attr-defined]
        await _refuse(session, name, expected_version)


async def _hold_base(session: AsyncSession, base: str) -> bool:
    """Keep the saved base from being deleted until this transaction ends (FOR KEY SHARE, so
    a delete waits and then sees the new child); False when it is not saved (any more)."""
    held = await session.scalar(
        select(SavedScenario.name).where(SavedScenario.name == base).with_for_update(key_share=True)
    )
    return held is not None


async def _dependants(session: AsyncSession, name: str) -> tuple[str, ...]:
    rows = await session.execute(select(SavedScenario.name, SavedScenario.body))
    found = []
    for other, body in rows.all():
        try:
            base = parse_text(body, source=other).get("base")
        except ScenarioError:
            continue  # saved rows were validated; an unreadable one names no base
        if base == name and other != name:
            found.append(other)
    return tuple(sorted(found))


async def _refuse(session: AsyncSession, name: str, expected: int) -> None:
    current = await session.scalar(select(SavedScenario.version).where(SavedScenario.name == name))
    if current is None:
        raise ScenarioNotFoundError(name)
    raise StaleScenarioError(name, expected, current)


async def _current_version(session: AsyncSession, name: str) -> int:
    current = await session.scalar(select(SavedScenario.version).where(SavedScenario.name == name))
    return int(current or 0)


def _insert_ignoring_conflict(session: AsyncSession) -> sqlite.Insert | postgresql.Insert:
    # ON CONFLICT DO NOTHING: two planners creating the same name at once get one row and one
    # clear refusal, without a failed transaction to roll back.
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(SavedScenario).on_conflict_do_nothing(index_elements=["name"])
