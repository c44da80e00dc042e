"""What the dashboard's scripts may not do, read from the files themselves."""

from __future__ import annotations

import re

from tests.web.conftest import ROOT

SCRIPTS = sorted((ROOT / "web").glob("*.js"))


def test_there_are_scripts_to_check() -> None:
    assert {path.name for path in SCRIPTS} >= {"app.js", "api.js"}


def test_no_script_reads_scenario_yaml() -> None:
    # The typed `inputs` fields give every value and where it was set: no YAML is fetched or
    # taken apart with regular expressions.
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"yaml", text, re.IGNORECASE), path.name
        assert "new RegExp" not in text, path.name
