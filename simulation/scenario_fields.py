"""The field types of the scenario format: each carries its check, its message and its schema.

The bounds that refuse a value (``Share``: 0..1, ``Euros``: whole, at most ``MAX_EUR``) are the
bounds the JSON Schema publishes; the message says what is allowed and, where it can, what was
meant ("did you mean '94' (Corse)?", "shares are fractions: 69 % is 0.69").
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

ANNOUNCED_BUDGET_EUR = 400_000_000
FORMAT_VERSION = 2  # the newest format this tool reads; it reads every one before it too
FORMAT_VERSIONS = (1, 2)
MAX_EUR = 10**12  # far above any real fund; keeps sums inside int64
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
LINE_BREAKS = "\t\n\r"  # the only control characters a description may hold; a title none
JOINERS = "\u200c\u200d"  # format characters that emoji sequences and some scripts need
PHASES = (1, 2)
# Which projects compete by where they come from: the fund's laureates, generated candidates, or
# both (the default, as before projects had an origin).
ORIGINS = ("laureates", "generated", "both")
EXPECT_STATUSES = ("optimal", "feasible", "infeasible", "time_limit", "error")


class Mode(StrEnum):
    CONTINUOUS = "continuous"
    ALL_OR_NOTHING = "all_or_nothing"


MODES = tuple(mode.value for mode in Mode)

# The 18 regions (INSEE codes, 2016 map), then the two overseas collectivities where the fund
# has laureates: plain facts, needed without any reference data.
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
    "987": "Polynésie française",
    "988": "Nouvelle-Calédonie",
}


def show(value: object) -> str:
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


def fault(message: str, at: tuple[int | str, ...] = ()) -> PydanticCustomError:
    """A fault of the value being checked, or of its part ``at`` (a check that needs the whole
    mapping, such as "give at least one weight", still names the part at fault)."""
    # The message goes through the context: braces in it ("{value: 1}") are not a template.
    return PydanticCustomError("scenario", "{message}", {"message": message, "at": at})


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    listed = list(choices)
    close = difflib.get_close_matches(word, listed, n=1, cutoff=0.6)
    # "co2" is too short to be close to "co2_avoided_t", but it is how that name begins.
    begun = [choice for choice in listed if word and choice.startswith(word)]
    guess = close[0] if close else begun[0] if len(begun) == 1 else None
    return f"; did you mean {guess!r}?" if guess else ""


def as_mapping(value: object, what: str = "a mapping of keys") -> Mapping[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise fault(f"must be {what}, got {show(value)}")
    return value


def as_list(value: object) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise fault(f"must be a list, got {show(value)}")
    return list(value)


def without_nulls(value: object, what: str) -> dict[Any, Any]:
    """A mapping with its ``null`` entries dropped: a child scenario removing its base's."""
    return {key: raw for key, raw in as_mapping(value, what).items() if raw is not None}


class Section(BaseModel):
    """A mapping of known keys: null means all defaults, anything else but a mapping is wrong."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, value: object) -> object:
        return as_mapping(value)


class _Checked:
    """A field type: ``check`` turns the raw value into a clean one or raises a ``fault``;
    ``schema`` is what it accepts, for the JSON Schema (and re-checked after ``check``)."""

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def schema(self) -> CoreSchema:
        raise NotImplementedError

    def __get_pydantic_core_schema__(
        self, _source: Any, _handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        def validate(value: Any, inner: Callable[[Any], Any]) -> Any:
            return inner(self.check(value))

        return core_schema.no_info_wrap_validator_function(validate, self.schema())


class Number(_Checked):
    def __init__(self, minimum: float | None = None) -> None:
        self.minimum = minimum

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fault(f"must be a number, got {show(value)}")
        if not math.isfinite(value):
            raise fault(f"must be a finite number, got {show(value)}")
        if self.minimum is not None and value < self.minimum:
            raise fault(f"must be at least {self.minimum:g}, got {value:g}")
        return float(value)

    def schema(self) -> CoreSchema:
        return core_schema.float_schema(ge=self.minimum, allow_inf_nan=False)


class Share(Number):
    """A fraction of 0..1 (``zero=False``: 0 excluded; ``one=False``: 1 excluded)."""

    def __init__(self, *, zero: bool = True, one: bool = True) -> None:
        super().__init__()
        self.zero = zero
        self.one = one

    def check(self, value: Any) -> float:
        number = super().check(value)
        if (
            not (0 <= number <= 1)
            or (number == 0 and not self.zero)
            or (number == 1 and not self.one)
        ):
            percent = 2 <= number <= 100
            hint = f" (shares are fractions: {number:g} % is {number / 100:g})" if percent else ""
            low = "0" if self.zero else "0 (excluded)"
            high = "1" if self.one else "1 (excluded)"
            raise fault(f"must be between {low} and {high}, got {number:g}{hint}")
        return number

    def schema(self) -> CoreSchema:
        return core_schema.float_schema(
            ge=0.0 if self.zero else None,
            gt=None if self.zero else 0.0,
            le=1.0 if self.one else None,
            lt=None if self.one else 1.0,
            allow_inf_nan=False,
        )


class Euros(_Checked):
    """Whole euros from ``minimum`` to ``MAX_EUR`` (1e8 is read as 100_000_000)."""

    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = " (write 400_000_000 or 400000000)" if isinstance(value, str) else ""
            raise fault(f"must be a whole number of euros, got {show(value)}{hint}")
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise fault(f"must be a whole number of euros, got {show(value)}")
        amount = int(value)
        # A float is shown as given: past 2**53 its int() is not the number that was written.
        shown = show(value) if isinstance(value, float) else f"{amount:_}"
        if amount < self.minimum:
            what = "positive" if self.minimum == 1 else "at least 0 (money is never negative)"
            raise fault(f"must be {what}, got {amount}")
        if amount > MAX_EUR:
            raise fault(f"must be at most {MAX_EUR:_} euros, got {shown}")
        return amount

    def schema(self) -> CoreSchema:
        return core_schema.int_schema(ge=self.minimum, le=MAX_EUR)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # 400_000_000 is an int for the tool's YAML 1.1 reader, text for YAML 1.2 editors.
        return {"anyOf": [handler(schema), {"type": "string", "pattern": r"^[0-9]+(_[0-9]+)*$"}]}


class Name(_Checked):
    def check(self, value: Any) -> str:
        # fullmatch: with re.match, `$` would let a trailing newline through ("plan\n")
        if not isinstance(value, str) or not re.fullmatch(NAME_PATTERN, value):
            raise fault(
                "must be a name of lower-case letters, digits, '-' or '_' (at most 64, "
                f"starting with a letter or digit), got {show(value)}"
            )
        return value

    def schema(self) -> CoreSchema:
        return core_schema.str_schema(pattern=NAME_PATTERN)


class Text(_Checked):
    """At most ``limit`` characters, no control characters (but line breaks with ``lines``)."""

    def __init__(self, limit: int, *, lines: bool = False, what: str = "text") -> None:
        self.limit = limit
        self.allowed = LINE_BREAKS if lines else ""
        self.what = what

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or (self.what != "text" and not value.strip()):
            raise fault(f"must be {self.what}, got {show(value)}")
        if len(value) > self.limit:
            raise fault(f"must be at most {self.limit} characters, got {len(value)}")
        hidden = control_character(value, self.allowed)
        if hidden is not None:
            raise fault(f"must not contain control characters ({hidden})")
        return value

    def schema(self) -> CoreSchema:
        least = None if self.what == "text" else 1
        return core_schema.str_schema(max_length=self.limit, min_length=least)


class OneOf(_Checked):
    """One of ``choices`` (never a bool for a number); ``refuse`` words the fault."""

    def __init__(self, choices: Iterable[object], refuse: Callable[[Any], str]) -> None:
        self.choices = tuple(choices)
        self.refuse = refuse
        self._by_value = {choice: choice for choice in self.choices}

    def check(self, value: Any) -> Any:
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            choice = self._by_value.get(value)  # 1.0 finds the phase 1
            if choice is not None:
                return choice
        raise fault(self.refuse(value))

    def schema(self) -> CoreSchema:
        return core_schema.literal_schema(list(self.choices))


class RegionCode(OneOf):
    """A quoted INSEE code; a region's name gets its code suggested."""

    def __init__(self) -> None:
        super().__init__(REGION_NAMES, self._refuse)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"description": "INSEE region code, quoted", **handler(schema)}

    def check(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            raise fault(f'region codes must be quoted text ("{value:02d}"), got the number {value}')
        return super().check(value)

    @staticmethod
    def _refuse(value: object) -> str:
        by_name = {name.lower(): code for code, name in REGION_NAMES.items()}
        close = difflib.get_close_matches(str(value).lower(), list(by_name), n=1, cutoff=0.6)
        guess = by_name[close[0]] if close else None
        hint = f"; did you mean {guess!r} ({REGION_NAMES[guess]})?" if guess else ""
        allowed = ", ".join(REGION_NAMES)
        return f"not an INSEE region code: {show(value)}{hint} (allowed: {allowed})"


class Count(_Checked):
    """A whole number from ``minimum`` to ``maximum`` (2.0 is read as 2, never a bool)."""

    def __init__(self, minimum: int, maximum: int, what: str = "a whole number") -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.what = what

    def check(self, value: Any) -> int:
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not whole:
            raise fault(f"must be {self.what}, got {show(value)}")
        number = int(value)
        if self.maximum - self.minimum <= 1000:
            if not self.minimum <= number <= self.maximum:
                raise fault(f"must be from {self.minimum} to {self.maximum}, got {number}")
        elif number < self.minimum:
            raise fault(f"must be at least {self.minimum}, got {number}")
        elif number > self.maximum:
            raise fault(f"must be at most {self.maximum:_}, got {number:_}")
        return number

    def schema(self) -> CoreSchema:
        return core_schema.int_schema(ge=self.minimum, le=self.maximum)


class Flag(_Checked):
    """true or false (never 1, "yes" or "true" as text)."""

    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise fault(f"must be true or false, got {show(value)}")
        return value

    def schema(self) -> CoreSchema:
        return core_schema.bool_schema()


ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class Date(_Checked):
    """A calendar day: a YAML date (2021-04-01) or its ISO text ("2021-04-01", from JSON and
    GraphQL)."""

    def check(self, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):  # YAML reads "2021-04-01 10:00" as a date and time
            raise fault(f"must be a day like 2021-04-01, got the date and time {value}")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and re.fullmatch(ISO_DATE, value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError as error:
                raise fault(f"not a date: {value!r} ({error})") from None
        raise fault(f"must be a date like 2021-04-01, got {show(value)}")

    def schema(self) -> CoreSchema:
        return core_schema.date_schema()

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "date", "pattern": ISO_DATE}


# Department codes without reference data: the INSEE shapes (01-95, 2A and 2B for Corsica, the
# overseas 97x, and 98x for the overseas collectivities where the fund has laureates). The list
# of departments itself is reference data, which the scenario format does not read.
DEPARTMENT_PATTERN = r"^([0-9]{2}|2A|2B|9[78][0-9])$"


class DepartmentCode(_Checked):
    """A quoted INSEE department code ('59', '2A', '974')."""

    def check(self, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            raise fault(
                f'department codes must be quoted text ("{value:02d}"), got the number {value}'
            )
        if not isinstance(value, str) or not re.fullmatch(DEPARTMENT_PATTERN, value):
            raise fault(
                f"not an INSEE department code: {show(value)} (two digits, 2A or 2B for "
                "Corsica, three for overseas: '59', '2A', '974')"
            )
        return value

    def schema(self) -> CoreSchema:
        return core_schema.str_schema(pattern=DEPARTMENT_PATTERN)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # As a key's schema, a bare pattern would become patternProperties, which lets any
        # other key through; inside allOf it stays a check on every key (propertyNames).
        return {
            "description": "INSEE department code, quoted",
            "type": "string",
            "allOf": [{"pattern": DEPARTMENT_PATTERN}],
        }


def control_character(text: str, allowed: str) -> str | None:
    """The first control or invisible format character (NUL, escape, a right-to-left override)
    outside `allowed`, as "U+202E at position 5"; None when there is none."""
    for position, char in enumerate(text):
        if char in allowed or char in JOINERS:
            continue
        if unicodedata.category(char) in ("Cc", "Cf"):
            return f"U+{ord(char):04X} at position {position}"
    return None
