"""The command line's own error: bad input, told in one line without a traceback."""

from __future__ import annotations


class CliError(Exception):
    """Bad input: printed to stderr without a traceback, exit code 2."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code
