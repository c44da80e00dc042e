"""Fuzzing, bounded in time: schemathesis on /graphql, hypothesis on the parser and the engine.

Any 500, non-JSON answer, uncoded error or unexpected exception fails the build.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema.auth import DEV_API_KEY
from server import create_app
from settings import Settings
from simulation.errors import EngineError
from simulation.files import load_text, parse_text
from simulation.result import Status
from simulation.scenario import (
    REGION_NAMES,
    Constraints,
    Mode,
    RegionEnvelope,
    Scenario,
    ScenarioError,
)
from simulation.solve import solve
from tests.robustness.conftest import LEAKS
from tests.schema.conftest import build_db
from tests.simulation.conftest import projects_of

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same cases on every run: CI does not flap
    suppress_health_check=list(HealthCheck),
)
PARSER = settings(FUZZ, max_examples=200)  # pure functions: many cases in a second or two
ENGINE = settings(FUZZ, max_examples=80)


ROOT = Path(__file__).resolve().parents[2]
# Loaded from the published SDL (a test keeps it equal to the code's schema), so collecting the
# tests needs no app; each case is sent to a fresh app over a small database.
schema = schemathesis.graphql.from_path(ROOT / "schema.graphql")


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    url = asyncio.run(build_db(path, territories=6, projects_per_territory=4))
    app = create_app(Settings(database_url=url, solver_time_limit_s=5))
    yield app
    asyncio.run(app.state.engine.dispose())


@schema.parametrize()
@FUZZ
def test_graphql_endpoint(case: Any, fuzz_app: Any) -> None:
    case.operation.schema.app = fuzz_app  # picks the ASGI transport
    response = case.call(
        app=fuzz_app,
        base_url="http://localhost/graphql",
        headers={"authorization": f"Bearer {DEV_API_KEY}"},
    )
    assert response.status_code < 500, response.text
    (content_type,) = response.headers["content-type"]  # schemathesis keeps header lists
    assert content_type.startswith("application/json"), response.text
    body = json.loads(response.text)
    for error in body.get("errors", []):
        code = error["extensions"]["code"]
        assert code != "INTERNAL_SERVER_ERROR", error
    assert "Traceback" not in response.text


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=12) | st.integers(), inner, max_size=4)
    ),
    max_leaves=30,
)
keys = st.sampled_from(
    [
        "version",
        "name",
        "base",
        "budget_eur",
        "mode",
        "constraints",
        "projects",
        "expect",
        "regions",
        "min_eur",
        "fragile_share_min",
        "phase",
        "sectors",
        "status",
        "value",
        "rel_tol",
        "84",
        "99",
    ]
)
scenario_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from(["84", "continuous", "plan", "optimal"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=40,
)


@PARSER
@given(st.one_of(json_like, scenario_like, st.dictionaries(keys, scenario_like, max_size=8)))
def test_from_dict_raises_only_scenario_errors(data: object) -> None:
    try:
        scenario = Scenario.from_dict(data)
    except ScenarioError as error:
        assert str(error) and all(e.message for e in error.errors)
    else:
        assert Scenario.from_dict(scenario.to_dict()) == scenario


@PARSER
@given(st.text(max_size=300) | st.text(alphabet="{}[]:,&*!|>-'\"\n #%@`?\\abc19.", max_size=200))
def test_yaml_text_raises_only_scenario_errors(text: str) -> None:
    try:
        parse_text(text, source="fuzz.yaml")
        load_text(text, source="fuzz.yaml")
    except ScenarioError as error:
        assert str(error).startswith("fuzz.yaml")
        assert not LEAKS.search(str(error))


CODES = ("11", "84", "93")
rows = st.lists(
    st.tuples(
        st.floats(0.001, 50),
        st.integers(0, 500),
        st.sampled_from(CODES),
        st.booleans(),
        st.booleans(),
    ),
    min_size=0,
    max_size=15,
)
euros = st.integers(0, 10**12)
scenarios = st.builds(
    lambda budget, phi, delta, kappa, spend, regions, mode: Scenario(
        budget_eur=budget,
        mode=mode,
        constraints=Constraints(
            fragile_share_min=phi,
            decarbonisation_share_min=delta,
            max_aid_intensity=kappa,
            min_spend_share=spend,
            regions=regions,
        ),
    ),
    st.integers(1, 10**12),
    st.floats(0, 1),
    st.floats(0, 1),
    st.none() | st.floats(0.001, 1),
    st.floats(0, 1),
    st.dictionaries(
        st.sampled_from(sorted(REGION_NAMES)),
        st.builds(RegionEnvelope, st.none() | euros, st.none() | euros),
        max_size=3,
    ),
    st.sampled_from(list(Mode)),
)


@ENGINE
@given(rows, scenarios)
def test_engine_never_raises_and_keeps_its_bounds(rows: list, scenario: Scenario) -> None:  # type: ignore[type-arg]
    projects = projects_of(rows)
    try:
        result = solve(scenario, projects, time_limit_s=5)
    except EngineError as error:  # invalid input the parser would have refused
        assert error.field and error.message
        return
    assert result.status in set(Status)
    assert result.message
    allocation = np.asarray(result.allocation_eur)
    assert len(allocation) == len(projects)
    if result.status in (Status.OPTIMAL, Status.FEASIBLE):
        assert np.all(allocation >= 0)
        assert np.all(allocation <= projects.aid_requested_eur)
        assert result.spent_eur == int(allocation.sum()) <= scenario.budget_eur
    else:
        assert (
            result.spent_eur == int(allocation.sum()) == 0
            or result.spent_eur <= scenario.budget_eur
        )
