import pytest

from cli import build_parser, main
from tests.cli.helpers import ANNOUNCED

COMMANDS = [
    [],
    ["db"],
    ["db", "setup"],
    ["validate"],
    ["run"],
    ["compare"],
    ["curve"],
    ["pareto"],
    ["sweep"],
    ["sensitivity"],
    ["export"],
    ["import"],
    ["list"],
    ["schema"],
    ["api-key"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_help_everywhere(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([*command, "--help"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("usage: territoires")


def test_every_command_is_covered_by_the_help_test() -> None:
    subparsers = build_parser()._subparsers
    assert subparsers is not None
    choices = subparsers._group_actions[0].choices  # type: ignore[attr-defined]
    assert {c[0] for c in COMMANDS if c} == set(choices)


def test_bad_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["run", ANNOUNCED, "--format", "xml"])
    assert caught.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err
