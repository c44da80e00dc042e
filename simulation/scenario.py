"""What a planner asks: budget, mode, constraints and which projects compete.

Frozen dataclasses; parsing and validation of dictionaries (YAML, GraphQL input)
live here too and raise ScenarioError with the path of the faulty field.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

ANNOUNCED_BUDGET_EUR = 400_000_000
ANNOUNCED_FRAGILE_SHARE = 0.69
FORMAT_VERSION = 1
MAX_EUR = 10**12  # far above any real fund; keeps sums inside int64
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
LINE_BREAKS = "\t\n\r"  # the only control characters a description may hold; a title none
JOINERS = "\u200c\u200d"  # format characters that emoji sequences and some scripts need

# The 18 regions (INSEE codes, 2016 map): plain facts, needed without any reference data.
REGION_NAMES: Mapping[str, str] = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

TOP_KEYS = (
    "version",
    "name",
    "title",
    "description",
    "base",
    "budget_eur",
    "mode",
    "constraints",
    "projects",
    "expect",
)
CONSTRAINT_KEYS = (
    "fragile_share_min",
    "decarbonisation_share_min",
    "max_aid_intensity",
    "min_spend_share",
    "regions",
)
ENVELOPE_KEYS = ("min_eur", "max_eur")
SELECTION_KEYS = ("phase", "regions", "sectors")
PHASES = (1, 2)
# Outcome figures an `expect:` block may pin, and whether they are counts/euros or shares.
EXPECT_FIGURES = (
    "jobs",
    "spent_eur",
    "unspent_eur",
    "projects_funded",
    "fragile_share",
    "fragile_project_share",
    "decarbonisation_share",
    "decarbonisation_project_share",
)
EXPECT_KEYS = ("status", *EXPECT_FIGURES, "conflicts")
TOLERANCE_KEYS = ("value", "rel_tol", "abs_tol")
EXPECT_STATUSES = ("optimal", "feasible", "infeasible", "time_limit", "error")
# Keys a child scenario never takes from its base: they describe the file itself.
NOT_INHERITED = ("name", "title", "description", "base", "expect")


class Mode(StrEnum):
    CONTINUOUS = "continuous"
    ALL_OR_NOTHING = "all_or_nothing"


class ScenarioError(ValueError):
    """A field of a scenario is wrong: ``path`` is dotted ("constraints.regions.84.min_eur")."""

    def __init__(self, path: str, message: str, source: str | None = None) -> None:
        self.path = path
        self.message = message
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        prefix = f"{self.source}: " if self.source else ""
        return f"{prefix}{where}{self.message}"

    @property
    def errors(self) -> tuple[ScenarioError, ...]:
        return (self,)


class ScenarioErrors(ScenarioError):
    """Several problems found in one pass, reported together (one per line)."""

    def __init__(self, errors: Iterable[ScenarioError]) -> None:
        self._errors = tuple(errors)
        first = self._errors[0]
        super().__init__(first.path, first.message, first.source)

    def __str__(self) -> str:
        return "\n".join(ScenarioError.__str__(error) for error in self._errors)

    @property
    def errors(self) -> tuple[ScenarioError, ...]:
        return self._errors


@dataclass(frozen=True)
class RegionEnvelope:
    min_eur: int | None = None
    max_eur: int | None = None


@dataclass(frozen=True)
class Constraints:
    """Floors are shares of the euros spent (0..1); ``min_spend_share`` of the budget."""

    fragile_share_min: float = 0.0
    decarbonisation_share_min: float = 0.0
    max_aid_intensity: float | None = None
    min_spend_share: float = 0.0
    regions: Mapping[str, RegionEnvelope] = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectSelection:
    """Which projects compete; empty means all. Applied by the caller, not the engine."""

    phase: int | None = None
    regions: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tolerance:
    """An expected figure: passes when within ``max(rel_tol * |value|, abs_tol)``."""

    value: float
    rel_tol: float = 0.0
    abs_tol: float = 0.0

    def allows(self, actual: float) -> bool:
        margin = max(self.rel_tol * abs(self.value), self.abs_tol)
        return math.isfinite(actual) and abs(actual - self.value) <= margin + 1e-9

    def describe(self) -> str:
        parts = [f"{self.value:g}"]
        if self.rel_tol:
            parts.append(f"± {self.rel_tol:.2%}")
        if self.abs_tol:
            parts.append(f"± {self.abs_tol:g}")
        return " ".join(parts)


@dataclass(frozen=True)
class Expectation:
    """An ``expect:`` block: what a run of the scenario must give (a regression test)."""

    status: str | None = None
    figures: Mapping[str, Tolerance] = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()

    def failures(self, result: Any) -> tuple[str, ...]:
        """What does not hold for ``result`` (an engine Result); empty when all pass."""
        problems = []
        raw_status = getattr(result, "status", "")
        status = str(getattr(raw_status, "value", raw_status))
        if self.status is not None and status != self.status:
            message = getattr(result, "message", "")
            problems.append(f"status: expected {self.status}, got {status} ({message})")
        for name, tolerance in self.figures.items():
            actual = float(getattr(result, name))
            if not tolerance.allows(actual):
                problems.append(f"{name}: expected {tolerance.describe()}, got {actual:g}")
        if self.conflicts:
            diagnosis = getattr(result, "diagnosis", None)
            # Stable names ("region_94") when the engine gives them, planner labels otherwise.
            found = {str(n) for n in getattr(diagnosis, "names", ())}
            found |= {_conflict_name(c) for c in getattr(diagnosis, "conflicts", ())}
            missing = [name for name in self.conflicts if name not in found]
            if missing:
                shown = ", ".join(sorted(found)) or "none"
                problems.append(f"conflicts: expected {', '.join(missing)} among them, got {shown}")
        return tuple(problems)


@dataclass(frozen=True)
class Scenario:
    name: str = "adhoc"
    title: str = ""
    description: str = ""
    base: str | None = None
    budget_eur: int = ANNOUNCED_BUDGET_EUR
    mode: Mode = Mode.CONTINUOUS
    constraints: Constraints = field(default_factory=Constraints)
    projects: ProjectSelection = field(default_factory=ProjectSelection)
    expect: Expectation | None = None
    # Input path -> the scenario of the base chain that wrote it (simulation.inputs); filled
    # where the chain is known, and no part of what the scenario asks.
    origins: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: object, *, source: str | None = "<input>") -> Scenario:
        """Validate ``data`` (already merged over its base); ScenarioErrors lists all faults."""
        return _Parser(source).scenario(data)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain data in file order; ``from_dict(to_dict())`` gives it back."""
        data: dict[str, Any] = {"version": FORMAT_VERSION, "name": self.name}
        if self.title:
            data["title"] = self.title
        if self.description:
            data["description"] = self.description
        if self.base is not None:
            data["base"] = self.base
        data["budget_eur"] = self.budget_eur
        data["mode"] = self.mode.value
        c = self.constraints
        constraints: dict[str, Any] = {
            "fragile_share_min": c.fragile_share_min,
            "decarbonisation_share_min": c.decarbonisation_share_min,
            "max_aid_intensity": c.max_aid_intensity,
            "min_spend_share": c.min_spend_share,
        }
        if c.regions:
            constraints["regions"] = {
                code: {k: v for k, v in vars(env).items() if v is not None}
                for code, env in c.regions.items()
            }
        data["constraints"] = constraints
        p = self.projects
        projects: dict[str, Any] = {}
        if p.phase is not None:
            projects["phase"] = p.phase
        if p.regions:
            projects["regions"] = list(p.regions)
        if p.sectors:
            projects["sectors"] = list(p.sectors)
        if projects:
            data["projects"] = projects
        if self.expect is not None:
            data["expect"] = _expect_dict(self.expect)
        return data


def check_budgets(values: Iterable[object], path: str) -> None:
    """Each value checked as ``budget_eur`` is (whole euros, positive, at most ``MAX_EUR``);
    ScenarioErrors names every faulty one ``path[i]``."""
    parser = _Parser(None)
    for i, value in enumerate(values):
        parser.euros(value, f"{path}[{i}]", 1)
    if parser.errors:
        raise ScenarioErrors(parser.errors)


def merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """``child`` applied over ``base`` (both plain data): mappings merge key by key, anything
    else replaces, and ``null`` in the child removes the base's value (back to the default)."""
    merged = {k: v for k, v in base.items() if k not in NOT_INHERITED}
    return _merge(merged, child)


def _merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in child.items():
        if value is None and key != "base":
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _conflict_name(conflict: object) -> str:
    return str(getattr(conflict, "name", conflict))


def _expect_dict(expect: Expectation) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if expect.status is not None:
        data["status"] = expect.status
    for name, tol in expect.figures.items():
        figure: dict[str, Any] = {"value": tol.value}
        if tol.rel_tol:
            figure["rel_tol"] = tol.rel_tol
        if tol.abs_tol:
            figure["abs_tol"] = tol.abs_tol
        data[name] = figure
    if expect.conflicts:
        data["conflicts"] = list(expect.conflicts)
    return data


def _show(value: object) -> str:
    """A value as the user wrote it in YAML/JSON terms."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return str(value)


def _control_character(text: str, allowed: str) -> str | None:
    """The first control or invisible format character (NUL, escape, a right-to-left override)
    outside `allowed`, as "U+202E at position 5"; None when there is none."""
    for position, char in enumerate(text):
        if char in allowed or char in JOINERS:
            continue
        if unicodedata.category(char) in ("Cc", "Cf"):
            return f"U+{ord(char):04X} at position {position}"
    return None


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


class _Parser:
    """Walks plain data once, collecting every problem with its path."""

    def __init__(self, source: str | None) -> None:
        self.source = source
        self.errors: list[ScenarioError] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(ScenarioError(path, message, self.source))

    def scenario(self, data: object) -> Scenario:
        top = self.mapping(data, "", TOP_KEYS)
        version = top.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION or isinstance(version, bool):
            self.fail("version", f"unsupported format version {_show(version)}; this tool reads 1")
        name = self.name(top.get("name", "adhoc"), "name")
        base = top.get("base")
        if base is not None:
            base = self.name(base, "base")
        scenario = Scenario(
            name=name,
            title=self.text(top.get("title", ""), "title", 200),
            description=self.text(top.get("description", ""), "description", 5000, lines=True),
            base=base,
            budget_eur=self.euros(top.get("budget_eur", ANNOUNCED_BUDGET_EUR), "budget_eur", 1),
            mode=self.mode(top.get("mode", Mode.CONTINUOUS.value)),
            constraints=self.constraints(top.get("constraints", {})),
            projects=self.selection(top.get("projects", {})),
            expect=self.expect(top["expect"]) if top.get("expect") is not None else None,
        )
        if self.errors:
            raise ScenarioErrors(self.errors)
        return scenario

    def mapping(self, value: object, path: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.fail(path or "(top level)", f"must be a mapping of keys, got {_show(value)}")
            return {}
        for key in value:
            if key not in allowed:
                self.unknown(_join(path, key), key, allowed)
        return {k: v for k, v in value.items() if k in allowed}

    def unknown(self, path: str, key: object, allowed: Iterable[str]) -> None:
        close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        self.fail(path, f"unknown key {_show(key)}{hint} (allowed: {', '.join(allowed)})")

    def name(self, value: object, path: str) -> str:
        # fullmatch: with re.match, `$` would let a trailing newline through ("plan\n")
        if not isinstance(value, str) or not re.fullmatch(NAME_PATTERN, value):
            self.fail(
                path,
                "must be a name of lower-case letters, digits, '-' or '_' (at most 64, "
                f"starting with a letter or digit), got {_show(value)}",
            )
            return "invalid"
        return value

    def text(self, value: object, path: str, limit: int, *, lines: bool = False) -> str:
        if not isinstance(value, str):
            self.fail(path, f"must be text, got {_show(value)}")
            return ""
        if len(value) > limit:
            self.fail(path, f"must be at most {limit} characters, got {len(value)}")
        hidden = _control_character(value, LINE_BREAKS if lines else "")
        if hidden is not None:
            self.fail(path, f"must not contain control characters ({hidden})")
        return value

    def number(self, value: object, path: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"must be a number, got {_show(value)}")
            return None
        if not math.isfinite(value):
            self.fail(path, f"must be a finite number, got {_show(value)}")
            return None
        return float(value)

    def share(self, value: object, path: str, *, zero: bool = True) -> float:
        number = self.number(value, path)
        if number is None:
            return 0.0
        if not (0 <= number <= 1) or (not zero and number == 0):
            percent = 2 <= number <= 100
            hint = f" (shares are fractions: {number:g} % is {number / 100:g})" if percent else ""
            low = "0" if zero else "0 (excluded)"
            self.fail(path, f"must be between {low} and 1, got {number:g}{hint}")
        return number

    def euros(self, value: object, path: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = " (write 400_000_000 or 400000000)" if isinstance(value, str) else ""
            self.fail(path, f"must be a whole number of euros, got {_show(value)}{hint}")
            return 0
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            self.fail(path, f"must be a whole number of euros, got {_show(value)}")
            return 0
        amount = int(value)
        # A float is shown as given: past 2**53 its int() is not the number that was written.
        shown = _show(value) if isinstance(value, float) else f"{amount:_}"
        if amount < minimum:
            what = "positive" if minimum == 1 else "at least 0 (money is never negative)"
            self.fail(path, f"must be {what}, got {amount}")
        elif amount > MAX_EUR:
            self.fail(path, f"must be at most {MAX_EUR:_} euros, got {shown}")
        return amount

    def mode(self, value: object) -> Mode:
        modes = [m.value for m in Mode]
        if value in modes:
            return Mode(value)
        close = difflib.get_close_matches(str(value), modes, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        self.fail("mode", f"must be one of {', '.join(modes)}, got {_show(value)}{hint}")
        return Mode.CONTINUOUS

    def region(self, code: object, path: str) -> str | None:
        if isinstance(code, int) and not isinstance(code, bool):
            self.fail(
                path, f'region codes must be quoted text ("{code:02d}"), got the number {code}'
            )
            return None
        if not isinstance(code, str) or code not in REGION_NAMES:  # a list is unhashable
            by_name = {name.lower(): c for c, name in REGION_NAMES.items()}
            close = difflib.get_close_matches(str(code).lower(), list(by_name), n=1, cutoff=0.6)
            guess = by_name[close[0]] if close else None
            hint = f"; did you mean {guess!r} ({REGION_NAMES[guess]})?" if guess else ""
            self.fail(
                path,
                f"not an INSEE region code: {_show(code)}{hint} "
                f"(allowed: {', '.join(REGION_NAMES)})",
            )
            return None
        return str(code)

    def constraints(self, value: object) -> Constraints:
        data = self.mapping(value, "constraints", CONSTRAINT_KEYS)
        cap = data.get("max_aid_intensity")
        return Constraints(
            fragile_share_min=self.share(
                data.get("fragile_share_min", 0.0), "constraints.fragile_share_min"
            ),
            decarbonisation_share_min=self.share(
                data.get("decarbonisation_share_min", 0.0), "constraints.decarbonisation_share_min"
            ),
            max_aid_intensity=None
            if cap is None
            else self.share(cap, "constraints.max_aid_intensity", zero=False),
            min_spend_share=self.share(
                data.get("min_spend_share", 0.0), "constraints.min_spend_share"
            ),
            regions=self.envelopes(data.get("regions", {})),
        )

    def envelopes(self, value: object) -> dict[str, RegionEnvelope]:
        path = "constraints.regions"
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.fail(path, f"must be a mapping of region code to envelope, got {_show(value)}")
            return {}
        envelopes = {}
        for code, raw in value.items():
            if raw is None:  # a child removing its base's envelope
                continue
            here = _join(path, code)
            checked = self.region(code, here)
            data = self.mapping(raw, here, ENVELOPE_KEYS)
            if isinstance(raw, Mapping) and not data and not (set(raw) - set(ENVELOPE_KEYS)):
                self.fail(here, "give min_eur, max_eur or both")
            low = data.get("min_eur")
            high = data.get("max_eur")
            low = None if low is None else self.euros(low, f"{here}.min_eur")
            high = None if high is None else self.euros(high, f"{here}.max_eur")
            if low is not None and high is not None and low > high:
                self.fail(here, f"min_eur ({low:_}) is above max_eur ({high:_})")
            if checked is not None:
                envelopes[checked] = RegionEnvelope(min_eur=low, max_eur=high)
        return dict(sorted(envelopes.items()))

    def selection(self, value: object) -> ProjectSelection:
        data = self.mapping(value, "projects", SELECTION_KEYS)
        phase = data.get("phase")
        if phase is not None and (isinstance(phase, bool) or phase not in PHASES):
            self.fail("projects.phase", f"must be 1, 2 or null (both), got {_show(phase)}")
            phase = None
        regions = []
        for i, code in enumerate(self.items(data.get("regions", []), "projects.regions")):
            checked = self.region(code, f"projects.regions[{i}]")
            if checked is not None:
                regions.append(checked)
        sectors = []
        for i, sector in enumerate(self.items(data.get("sectors", []), "projects.sectors")):
            if not isinstance(sector, str) or not sector.strip():
                self.fail(f"projects.sectors[{i}]", f"must be a sector name, got {_show(sector)}")
            else:
                sectors.append(self.text(sector, f"projects.sectors[{i}]", 200))
        return ProjectSelection(phase=phase, regions=tuple(regions), sectors=tuple(sectors))

    def items(self, value: object, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            self.fail(path, f"must be a list, got {_show(value)}")
            return []
        return list(value)

    def expect(self, value: object) -> Expectation:
        data = self.mapping(value, "expect", EXPECT_KEYS)
        status = data.get("status")
        if status is not None and status not in EXPECT_STATUSES:
            allowed = ", ".join(EXPECT_STATUSES)
            self.fail("expect.status", f"must be one of {allowed}, got {_show(status)}")
            status = None
        figures = {}
        for name in EXPECT_FIGURES:
            if name in data:
                figures[name] = self.tolerance(data[name], f"expect.{name}")
        conflicts = []
        for i, item in enumerate(self.items(data.get("conflicts", []), "expect.conflicts")):
            if not isinstance(item, str) or not item:
                self.fail(f"expect.conflicts[{i}]", f"must be a constraint name, got {_show(item)}")
            else:
                conflicts.append(item)
        return Expectation(status=status, figures=figures, conflicts=tuple(conflicts))

    def tolerance(self, value: object, path: str) -> Tolerance:
        if not isinstance(value, Mapping):
            self.fail(
                path, f"must be a mapping like {{value: 16400, rel_tol: 0.01}}, got {_show(value)}"
            )
            return Tolerance(0.0)
        data = self.mapping(value, path, TOLERANCE_KEYS)
        if "value" not in data:
            self.fail(path, "missing 'value' (the expected figure)")
        number = self.number(data.get("value", 0.0), f"{path}.value")
        bounds = {}
        for key in ("rel_tol", "abs_tol"):
            if key in data:
                tol = self.number(data[key], f"{path}.{key}")
                if tol is not None and tol < 0:
                    self.fail(f"{path}.{key}", f"must be at least 0, got {tol:g}")
                bounds[key] = max(tol or 0.0, 0.0)
        return Tolerance(0.0 if number is None else number, **bounds)
