"""Errors the engine raises for invalid input (never for infeasible or time-limited solves)."""


class EngineError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
