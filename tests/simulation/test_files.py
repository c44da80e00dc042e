from typing import Any

import pytest

from simulation.files import dump, load_text, parse_text
from simulation.scenario import ScenarioError
from tests.helpers import BASE, message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "version: 1\nname: &n a\ntitle: *n\n",
            "f.yaml: line 2, column 7: anchors and aliases (&, *) are not allowed",
            id="alias",
        ),
        pytest.param(
            'version: 1\na: &a ["x","x","x"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n',
            "f.yaml: line 2, column 4: anchors and aliases (&, *) are not allowed",
            id="billion-laughs",
        ),
        pytest.param(
            "version: 1\nbudget_eur: 1\nbudget_eur: 2\n",
            "f.yaml: line 3, column 1: key 'budget_eur' appears twice",
            id="duplicate-key",
        ),
        pytest.param(
            "version: 1\nbudget_eur: [1\n",
            "f.yaml: line 3, column 1: expected ',' or ']', but got '<stream end>'",
            id="broken-yaml",
        ),
        pytest.param("", "f.yaml: the file is empty; start it with `version: 1`", id="empty"),
        pytest.param("- 1\n", "f.yaml: must be a mapping of keys, got list", id="list"),
        pytest.param(
            "name: a\n", "f.yaml: version: missing; start the file with `version: 1`", id="version"
        ),
        pytest.param(
            "version: 1\nx: !!python/object:os.system {}\n",
            "f.yaml: line 2, column 4: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object:os.system'",
            id="python-tag",
        ),
    ],
)
def test_unsafe_or_broken_yaml_is_refused(text: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_text(text, source="f.yaml")
    assert message(caught) == expected


def test_underscored_euros_are_integers() -> None:
    assert parse_text(BASE, source="f")["budget_eur"] == 400_000_000


def test_dump_round_trips_with_readable_euros() -> None:
    scenario = load_text(BASE, source="f")
    text = dump(scenario)
    assert "budget_eur: 400_000_000\n" in text
    assert load_text(text, source="dumped") == scenario


class Lookup:
    """Bases held by the caller as plain texts: the engine never reads a file itself."""

    def __init__(self, **texts: str) -> None:
        self.texts = texts
        self.asked: list[str] = []

    def find(self, name: str) -> tuple[str, dict[str, Any]] | None:
        self.asked.append(name)
        text = self.texts.get(name)
        return None if text is None else (f"text {name}", parse_text(text, source=name))

    def names(self) -> list[str]:
        return sorted(self.texts)


def test_bases_resolve_through_the_callers_lookup() -> None:
    lookup = Lookup(base=BASE)
    scenario = load_text("version: 1\nname: c\nbase: base\n", source="input", bases=lookup)
    assert scenario.constraints.fragile_share_min == 0.69
    assert lookup.asked == ["base"]


def test_a_missing_base_names_what_the_lookup_knows() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text("version: 1\nbase: bse\n", source="input", bases=Lookup(base=BASE))
    assert (
        message(caught)
        == "input: base: no scenario named 'bse'; did you mean 'base'? (known: base)"
    )


def test_without_a_lookup_no_base_is_found() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text("version: 1\nbase: base\n", source="input")
    assert message(caught) == "input: base: no scenario named 'base'"
