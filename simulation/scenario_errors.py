"""What a faulty scenario raises: every problem, each with the path of its field."""

from __future__ import annotations

from collections.abc import Iterable


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
