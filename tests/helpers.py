"""What tests of scenario files share: a base scenario's text and an error's message."""

import pytest

from simulation.scenario import ScenarioError

BASE = """\
version: 1
name: base
budget_eur: 400_000_000
constraints:
  fragile_share_min: 0.69
  regions: {"84": {max_eur: 20_000_000}}
"""


def message(error: pytest.ExceptionInfo[ScenarioError]) -> str:
    return str(error.value)
