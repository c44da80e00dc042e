import highspy
import pytest

from simulation import highs
from simulation.highs import STATUSES, status_of


@pytest.mark.parametrize(
    "model_status",
    [pytest.param(s, id=name) for name, s in highspy.HighsModelStatus.__members__.items()],
)
def test_every_highs_status_has_an_engine_status(model_status: highspy.HighsModelStatus) -> None:
    assert model_status in highs._STATUS  # named, not left to the fallback
    assert status_of(model_status) in STATUSES


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("kOptimal", "optimal"),
        ("kInfeasible", "infeasible"),
        # Every variable is bounded, so a model HiGHS cannot tell apart is infeasible.
        ("kUnboundedOrInfeasible", "infeasible"),
        ("kTimeLimit", "time_limit"),
        ("kIterationLimit", "time_limit"),
        ("kInterrupt", "time_limit"),
        ("kSolveError", "error"),
        ("kUnknown", "error"),
    ],
)
def test_statuses_that_decide_the_answer(name: str, status: str) -> None:
    assert status_of(highspy.HighsModelStatus.__members__[name]) == status
