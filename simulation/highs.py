"""The only module that imports the solver: a thin HiGHS model over CSC arrays."""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Mapping
from typing import Any

import highspy
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

Floats = npt.NDArray[np.float64]
INF = highspy.kHighsInf

NAME = "HiGHS"
VERSION = (
    f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH}"
)

_S = highspy.HighsModelStatus
STATUSES = ("optimal", "infeasible", "time_limit", "error")
# Every HiGHS model status, so that none reaches the caller as an unexplained failure.
_STATUS = {
    _S.kOptimal: "optimal",
    _S.kInfeasible: "infeasible",
    # Every variable is bounded here (s by the total-spend row), so a model that presolve cannot
    # tell unbounded from infeasible is infeasible.
    _S.kUnboundedOrInfeasible: "infeasible",
    # Stopped before a proof either way.
    _S.kTimeLimit: "time_limit",
    _S.kIterationLimit: "time_limit",
    _S.kSolutionLimit: "time_limit",
    _S.kObjectiveBound: "time_limit",
    _S.kObjectiveTarget: "time_limit",
    _S.kInterrupt: "time_limit",
    _S.kHighsInterrupt: "time_limit",  # type: ignore[attr-defined]  # not in the stubs
    # Failures: an unbounded model is impossible with bounded variables, so it is one too.
    _S.kNotset: "error",
    _S.kLoadError: "error",
    _S.kModelError: "error",
    _S.kPresolveError: "error",
    _S.kSolveError: "error",
    _S.kPostsolveError: "error",
    _S.kModelEmpty: "error",
    _S.kUnbounded: "error",
    _S.kUnknown: "error",
    _S.kMemoryLimit: "error",
}


def status_of(model_status: highspy.HighsModelStatus) -> str:
    """The engine's status for a HiGHS model status: one of STATUSES."""
    return _STATUS.get(model_status, "error")


def _quiet_first_instance() -> None:
    # HiGHS prints its banner on file descriptor 1 when the first instance of the process is built,
    # before any option can be set: build that one with descriptor 1 pointed at the null device.
    sys.stdout.flush()
    try:
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        highspy.Highs()  # type: ignore[no-untyped-call]
        return
    try:
        os.dup2(null, 1)
        highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


_quiet_first_instance()


def _finite(values: Floats) -> Floats:
    return np.where(np.isfinite(values), values, np.where(values > 0, INF, -INF))


class Model:
    """One HiGHS instance; kept alive between solves so that re-solves start from its basis."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.h = highspy.Highs()  # type: ignore[no-untyped-call]
        self.options = {
            "output_flag": False,
            "log_to_console": False,
            "random_seed": 0,
            "threads": 1,
            **options,
        }
        for key, value in self.options.items():
            self.h.setOptionValue(key, value)
        self.seconds = 0.0
        self.status_text = ""  # HiGHS's own words for the last run's status

    def load(
        self,
        cost: Floats,
        lower: Floats,
        upper: Floats,
        matrix: sp.csc_matrix,
        row_lower: Floats,
        row_upper: Floats,
        row_names: tuple[str, ...],
        integer: npt.NDArray[np.bool_] | None = None,
    ) -> None:
        lp = highspy.HighsLp()
        lp.num_col_ = matrix.shape[1]
        lp.num_row_ = matrix.shape[0]
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.ascontiguousarray(cost, dtype=np.float64)
        lp.col_lower_ = _finite(np.ascontiguousarray(lower, dtype=np.float64))
        lp.col_upper_ = _finite(np.ascontiguousarray(upper, dtype=np.float64))
        lp.row_lower_ = _finite(np.ascontiguousarray(row_lower, dtype=np.float64))
        lp.row_upper_ = _finite(np.ascontiguousarray(row_upper, dtype=np.float64))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = matrix.shape[1]
        lp.a_matrix_.num_row_ = matrix.shape[0]
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(np.float64)
        lp.row_names_ = list(row_names)
        if integer is not None:
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
                for flag in integer
            ]
        self.h.passModel(lp)

    def add_columns(
        self, cost: Floats, lower: Floats, upper: Floats, matrix: sp.csc_matrix
    ) -> None:
        self.h.addCols(
            matrix.shape[1],
            np.ascontiguousarray(cost, dtype=np.float64),
            np.ascontiguousarray(lower, dtype=np.float64),
            _finite(np.ascontiguousarray(upper, dtype=np.float64)),
            matrix.nnz,
            matrix.indptr[:-1].astype(np.int32),
            matrix.indices.astype(np.int32),
            matrix.data.astype(np.float64),
        )

    def add_rows(self, lower: Floats, upper: Floats, matrix: sp.csr_matrix) -> None:
        """Rows appended after the model's own, ``matrix`` over the model's columns."""
        self.h.addRows(
            matrix.shape[0],
            _finite(np.ascontiguousarray(lower, dtype=np.float64)),
            _finite(np.ascontiguousarray(upper, dtype=np.float64)),
            matrix.nnz,
            matrix.indptr[:-1].astype(np.int32),
            matrix.indices.astype(np.int32),
            matrix.data.astype(np.float64),
        )

    def set_option(self, key: str, value: Any) -> None:
        self.h.setOptionValue(key, value)
        self.options[key] = value

    def change_costs(self, columns: npt.NDArray[np.intp], costs: Floats) -> None:
        self.h.changeColsCost(
            len(columns),
            np.ascontiguousarray(columns, dtype=np.int32),
            np.ascontiguousarray(costs, dtype=np.float64),
        )

    def change_coeff(self, row: int, col: int, value: float) -> None:
        self.h.changeCoeff(row, col, value)

    def change_row_bounds(self, row: int, lower: float, upper: float) -> None:
        self.h.changeRowBounds(row, _finite(np.array([lower]))[0], _finite(np.array([upper]))[0])

    def change_column_bounds(self, col: int, lower: float, upper: float) -> None:
        self.h.changeColBounds(col, _finite(np.array([lower]))[0], _finite(np.array([upper]))[0])

    def set_start(self, values: Floats) -> None:
        self.h.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)

    def run(self, time_limit_s: float) -> str:
        self.h.setOptionValue("time_limit", max(time_limit_s, 1e-3))
        start = time.perf_counter()
        self.h.run()
        self.seconds += time.perf_counter() - start
        status = self.h.getModelStatus()
        self.status_text = str(self.h.modelStatusToString(status))
        return status_of(status)

    def has_solution(self) -> bool:
        return bool(self.h.getInfo().primal_solution_status == 2)

    def solution(self) -> highspy.HighsSolution:
        return self.h.getSolution()

    def basic_variables(self) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """The basic columns and the basic rows of the last LP solve (none without a basis)."""
        status, basic = self.h.getBasicVariables()  # type: ignore[attr-defined]
        if status != highspy.HighsStatus.kOk:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        basic = np.asarray(basic, dtype=np.intp)
        return basic[basic >= 0], -1 - basic[basic < 0]

    def row_values(self) -> Floats:
        return np.asarray(self.h.getSolution().row_value, dtype=np.float64)

    def values(self) -> Floats:
        return np.asarray(self.h.getSolution().col_value, dtype=np.float64)

    def objective(self) -> float:
        return float(self.h.getInfo().objective_function_value)

    def iterations(self) -> int:
        return int(self.h.getInfo().simplex_iteration_count)

    def mip_bound(self) -> float:
        bound = float(self.h.getInfo().mip_dual_bound)
        return bound if math.isfinite(bound) else INF
