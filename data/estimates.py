"""Estimated figures of the fund's laureates, with their ranges and calibration.

The laureates file states a figure only where the project's published description gives it
(jobs created for 454 of 1,158 laureates, investment for 118, aid for 2). The missing ones are
estimated (docs/data.md, "Real laureates: estimated figures"):

- investment, jobs created, jobs kept: one log-linear least-squares model per figure, fitted on
  the rows that state it, with a ridge penalty that shrinks every group effect (company size,
  sector, overseas, kind of project from its label) and every covariate (log of the other
  stated figures and of the headcount) toward the overall level;
- aid: investment x an aid intensity by company size; co2: investment x tonnes per M EUR, for
  decarbonising laureates only;
- calibration: one factor per figure sets the level of the estimates (never a stated value) so
  that the mean per project of all laureates equals the one published in March 2021.

Each value comes with its 10th-90th percentile range: the model's predictive interval for an
estimate, the declaration band (DECLARED_BAND) for a stated figure.

The held-out error and the comparison with every published figure: data.estimate_checks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy import stats

MODEL_VERSION = 1  # bump when the estimates change for the same laureates (the seed's data version)
FIGURES = ("investment_eur", "aid_requested_eur", "jobs_created", "jobs_kept", "co2_avoided_t")
MODELLED = ("investment_eur", "jobs_created", "jobs_kept")  # the figures with a fitted model
# The stated covariates a model may use: the headcount and the other modelled figures.
COVARIATES = ("employees", "investment_eur", "jobs_created", "jobs_kept")
# Rounding of every value and bound: euros to 1,000 EUR, aid to 100 EUR, jobs and tonnes to 1.
UNITS = {
    "investment_eur": 1_000,
    "aid_requested_eur": 100,
    "jobs_created": 1,
    "jobs_kept": 1,
    "co2_avoided_t": 1,
}

# A declaration is not a result. The 10th-90th range of a stated (or generated) figure, as
# factors of the declared value. Assumptions, not measurements (no follow-up of realised figures
# is published): investment programmes are often trimmed and sometimes overrun; aid is paid on
# realised expenses, so it can only fall; announced job creations are the most optimistic figure
# (realised 60 % to 100 %); jobs kept and tonnes avoided fall short more than they overrun.
DECLARED_BAND: dict[str, tuple[float, float]] = {
    "investment_eur": (0.8, 1.1),
    "aid_requested_eur": (0.8, 1.0),
    "jobs_created": (0.6, 1.0),
    "jobs_kept": (0.8, 1.0),
    "co2_avoided_t": (0.5, 1.0),
}

# Published cumulative point of March 2021 (lafrenchfab.fr, 25 March 2021): the calibration
# target, as means per project, because the file (1,158 laureates, records 2021-03 to 2022-03)
# holds the fund and its top-up, not the 531 projects of that date.
MARCH_2021 = {
    "projects": 531,
    "investment_eur": 2_500_000_000,
    "aid_requested_eur": 270_000_000,
    "jobs_created": 14_000,  # "about 14,000" direct jobs to be created
    "jobs_kept": 50_000,  # 50,000 jobs "confortés"
}

MIN_ROWS = 10  # stated rows needed to fit a figure's model
FALLBACK_SIGMA = 1.0  # the generator's spread of investment (log scale), when nothing is fitted
RIDGE = 3.0  # penalty on every coefficient but the intercept (covariates have unit-ish scale)
LOW_Q, HIGH_Q = 0.10, 0.90

# Aid = investment x intensity. EU state-aid rules (GBER art. 14 and 17) allow small and medium
# firms a higher intensity than large ones; we take relative intensities 1 : 0.75 : 0.5 and set
# their common level so that aid / investment over all laureates is the published 270 / 2,500.
AID_WEIGHT = {"TPE / PME": 1.0, "ETI": 0.75, "GE": 0.5}  # "Association", "Autre": 1.0
AID_RATIO = MARCH_2021["aid_requested_eur"] / MARCH_2021["investment_eur"]
# No estimated aid exceeds the ceiling of the State-aid Temporary Framework (section 3.1,
# "limited amounts of aid"): 800,000 EUR per firm until 28 January 2021, 1.8 M EUR after (the
# file's records date from March 2021; both stated aids are 800,000 EUR). Larger aid under other
# schemes existed, but no published figure says how often; the ceiling keeps a 384 M EUR
# investment from drawing a 26 M EUR aid out of a fund averaging about 0.5 M EUR a project.
AID_CEILING_EUR = 1_800_000
# Spread of the intensity around its size level (sigma on the log scale): the generator's
# Beta(2.2, 18) intensity has a coefficient of variation of about 0.6.
AID_INTENSITY_SIGMA = 0.5
# Tonnes of CO2 avoided a year per M EUR invested, for decarbonising laureates: the generator's
# assumption (median 120 t, sigma 0.8). Nothing published calibrates it; one row states 15 t.
CO2_PER_MEUR = 120.0
CO2_SIGMA = 0.8

# Decarbonisation: tCO2 stated, or one of these filières, or a label that names it.
DECARBONISING_SECTORS = frozenset(
    {"Nouveaux systèmes énergétiques", "Transformation et valorisation des déchets"}
)
DECARBONISING_LABEL = re.compile(
    r"décarbon|bas carbone|biomasse|chaleur|énergi|hydrogène|recycl|biosourc|biogaz|méthani"
    r"|solaire|photovolta",
    re.IGNORECASE,
)
# Kind of project read from its label: a new site or line, an expansion, a modernisation.
LABEL_KINDS = {
    "new": re.compile(
        r"\b(création|nouvel|nouvelle|nouvelles|nouveau|nouveaux|implantation|relocalis\w*|usine)\b"
    ),
    "expansion": re.compile(
        r"\b(extension|agrandissement|augmentation|capacités?|développement|doublement)\b"
    ),
    "modernisation": re.compile(
        r"\b(modernisation|automatisation|robotisation|renouvellement|numérisation|digitalisation)\b"
    ),
}
SIZES = ("TPE / PME", "ETI", "GE")  # "Association" and "Autre" (3 rows) count as TPE / PME

Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class LaureateLike(Protocol):
    """The fields of data.laureates.Laureate that the estimates read."""

    @property
    def company_size(self) -> str: ...
    @property
    def department_code(self) -> str: ...
    @property
    def sector(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def co2_t(self) -> int | None: ...
    @property
    def jobs_created(self) -> int | None: ...
    @property
    def jobs_kept(self) -> int | None: ...
    @property
    def employees(self) -> int | None: ...
    @property
    def investment_eur(self) -> int | None: ...
    @property
    def aid_eur(self) -> int | None: ...


@dataclass(frozen=True)
class FigureColumn:
    """One figure for every laureate: point value, its source and its 10th-90th range."""

    value: Int64Array
    source: npt.NDArray[np.str_]  # "stated", "estimated" or "generated"
    low: Int64Array
    high: Int64Array


@dataclass(frozen=True)
class Fit:
    """A log-linear model of one figure: log(value) = features @ coef + N(0, sigma)."""

    figure: str
    names: tuple[str, ...]
    coef: FloatArray
    sigma: float  # residual standard deviation on the log scale
    rows: int  # stated rows fitted on
    dof: float  # rows minus the effective number of parameters
    inverse: FloatArray  # (X'X + ridge)^-1, for the parameter part of the predictive spread

    def predict(self, features: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Log median and log standard deviation of a new row's value (parameter uncertainty
        included)."""
        mean = features @ self.coef
        leverage = np.einsum("ij,jk,ik->i", features, self.inverse, features)
        return mean, self.sigma * np.sqrt(1.0 + leverage)

    @property
    def quantile(self) -> float:
        return float(stats.t.ppf(HIGH_Q, self.dof))


@dataclass(frozen=True)
class Estimates:
    figures: dict[str, FigureColumn]
    decarbonisation: BoolArray
    fits: dict[str, Fit]
    factors: dict[str, float]  # calibration factor of each figure's estimates (1.0 if none)

    def __getitem__(self, figure: str) -> FigureColumn:
        return self.figures[figure]


def stated_values(laureates: Sequence[LaureateLike], figure: str) -> FloatArray:
    """The file's values of a figure (or covariate), NaN where the row states nothing."""
    field = {"aid_requested_eur": "aid_eur", "co2_avoided_t": "co2_t"}.get(figure, figure)
    values = [getattr(laureate, field) for laureate in laureates]
    return np.array([np.nan if value is None else float(value) for value in values])


def decarbonising(laureates: Sequence[LaureateLike]) -> BoolArray:
    return np.array(
        [
            laureate.co2_t is not None
            or laureate.sector in DECARBONISING_SECTORS
            or DECARBONISING_LABEL.search(laureate.label) is not None
            for laureate in laureates
        ],
        dtype=bool,
    )


def features(laureates: Sequence[LaureateLike], figure: str) -> tuple[FloatArray, tuple[str, ...]]:
    """Design matrix of a figure's model: intercept, one-hot size, sector, overseas and label
    kind, then for each other stated covariate its centred log where stated and a 'stated'
    flag. The ridge shrinks a group with few stated rows toward the overall level, so rare
    sectors are pooled softly instead of by a threshold."""
    columns: list[FloatArray] = [np.ones(len(laureates))]
    names = ["intercept"]
    sizes = [s if s in SIZES else SIZES[0] for s in (lt.company_size for lt in laureates)]
    for size in SIZES:
        columns.append(np.array([s == size for s in sizes], dtype=float))
        names.append(f"size {size}")
    for sector in sorted({laureate.sector for laureate in laureates}):
        columns.append(np.array([lt.sector == sector for lt in laureates], dtype=float))
        names.append(f"sector {sector}")
    overseas = [lt.department_code.startswith(("97", "98")) for lt in laureates]
    columns.append(np.array(overseas, dtype=float))
    names.append("overseas")
    for kind, pattern in LABEL_KINDS.items():
        columns.append(
            np.array([pattern.search(lt.label.lower()) is not None for lt in laureates], float)
        )
        names.append(f"label {kind}")
    for covariate in COVARIATES:
        if covariate == figure:
            continue
        values = stated_values(laureates, covariate)
        known = values > 0  # NaN compares False
        logs = np.log(np.where(known, values, 1.0))
        centre = logs[known].mean() if known.any() else 0.0
        columns.append(np.where(known, logs - centre, 0.0))
        names.append(f"log {covariate}")
        columns.append(known.astype(float))
        names.append(f"{covariate} stated")
    return np.column_stack(columns), tuple(names)


def fit(figure: str, design: FloatArray, names: tuple[str, ...], values: FloatArray) -> Fit:
    """Ridge least squares of log(values) on the rows where the figure is stated (> 0). With
    fewer than MIN_ROWS of them (a small subset of laureates), nothing can be fitted: the
    published mean per project with the spread FALLBACK_SIGMA."""
    rows = values > 0
    if rows.sum() < MIN_ROWS:
        coef = np.zeros(design.shape[1])
        coef[0] = np.log(MARCH_2021[figure] / MARCH_2021["projects"])
        inverse = np.zeros((design.shape[1], design.shape[1]))
        return Fit(figure, names, coef, FALLBACK_SIGMA, int(rows.sum()), math.inf, inverse)
    x, y = design[rows], np.log(values[rows])
    penalty = np.full(design.shape[1], RIDGE)
    penalty[0] = 0.0
    inverse = np.asarray(np.linalg.inv(x.T @ x + np.diag(penalty)), dtype=np.float64)
    coef = inverse @ x.T @ y
    residuals = y - x @ coef
    effective = float(np.trace(x @ inverse @ x.T))
    dof = max(len(y) - effective, 1.0)
    sigma = float(np.sqrt(residuals @ residuals / dof))
    return Fit(figure, names, coef, sigma, int(rows.sum()), dof, inverse)


def _round(values: npt.ArrayLike, figure: str) -> Int64Array:
    unit = UNITS[figure]
    return (np.round(np.asarray(values, dtype=np.float64) / unit) * unit).astype(np.int64)


def _column(
    figure: str, value: FloatArray, low: FloatArray, high: FloatArray, source: list[str]
) -> FigureColumn:
    """Round to the figure's unit and keep low <= value <= high after rounding."""
    rounded = _round(value, figure)
    return FigureColumn(
        value=rounded,
        source=np.array(source, dtype=str),
        low=np.minimum(_round(low, figure), rounded),
        high=np.maximum(_round(high, figure), rounded),
    )


def declared_range(figure: str, values: Int64Array) -> tuple[Int64Array, Int64Array]:
    """The 10th-90th range of declared (stated or generated) values: DECLARED_BAND, rounded to
    the figure's unit, never excluding the value itself."""
    low_factor, high_factor = DECLARED_BAND[figure]
    low = np.minimum(_round(values * low_factor, figure), values)
    high = np.maximum(_round(values * high_factor, figure), values)
    return low, high


def _calibration_factor(stated: FloatArray, medians: FloatArray, target_mean: float) -> float:
    """The factor on the estimated rows' medians that makes the mean of all rows target_mean.
    When the stated rows alone already exceed the target (a small subset of laureates), no
    factor can reach it and the fitted level is kept."""
    known = ~np.isnan(stated)
    needed = target_mean * len(stated) - stated[known].sum()
    estimated = medians[~known].sum()
    if estimated <= 0 or needed <= 0:
        return 1.0
    return float(needed / estimated)


def estimate(laureates: Sequence[LaureateLike], *, calibrate: bool = True) -> Estimates:
    """Every figure of every laureate: stated where the file states it, estimated elsewhere.
    Deterministic (no random draw). With calibrate=False the estimates stay at the level of the
    stated rows they were fitted on."""
    count = len(laureates)
    figures: dict[str, FigureColumn] = {}
    fits: dict[str, Fit] = {}
    factors: dict[str, float] = {}
    log_sd: dict[str, FloatArray] = {}  # predictive spread of each estimate (0 where stated)
    scaled: dict[str, FloatArray] = {}  # calibrated medians (stated values where stated)
    for figure in MODELLED:
        stated = stated_values(laureates, figure)
        design, names = features(laureates, figure)
        model = fit(figure, design, names, stated)
        mean, sd = model.predict(design)
        target = MARCH_2021[figure] / MARCH_2021["projects"]
        factor = _calibration_factor(stated, np.exp(mean), target) if calibrate else 1.0
        known = ~np.isnan(stated)
        median = np.where(known, stated, factor * np.exp(mean))
        spread = model.quantile * sd
        fits[figure], factors[figure] = model, factor
        log_sd[figure] = np.where(known, 0.0, sd)
        scaled[figure] = median
        figures[figure] = _with_declared(
            figure,
            stated,
            _column(
                figure,
                median,
                median * np.exp(-spread),
                median * np.exp(spread),
                ["estimated"] * count,
            ),
        )
    figures["aid_requested_eur"], factors["aid_requested_eur"] = _aid(
        laureates, scaled["investment_eur"], log_sd["investment_eur"]
    )
    flags = decarbonising(laureates)
    figures["co2_avoided_t"] = _co2(
        laureates, flags, scaled["investment_eur"], log_sd["investment_eur"]
    )
    factors["co2_avoided_t"] = 1.0
    return Estimates({f: figures[f] for f in FIGURES}, flags, fits, factors)


def _with_declared(figure: str, stated: FloatArray, estimated: FigureColumn) -> FigureColumn:
    """Stated values pass through exactly, with the declaration band as their range."""
    known = ~np.isnan(stated)
    value = np.where(known, np.nan_to_num(stated), estimated.value).astype(np.int64)
    low, high = declared_range(figure, value)
    return FigureColumn(
        value=value,
        source=np.where(known, "stated", estimated.source),
        low=np.where(known, low, estimated.low),
        high=np.where(known, high, estimated.high),
    )


def _aid(
    laureates: Sequence[LaureateLike], investment: FloatArray, investment_sd: FloatArray
) -> tuple[FigureColumn, float]:
    """Aid = investment x intensity(size), at most AID_CEILING_EUR; the common level of the
    intensities makes aid / investment over all laureates AID_RATIO (stated aid counted as it
    is). The ceiling makes total aid concave in the level: bisection."""
    stated = stated_values(laureates, "aid_requested_eur")
    known = ~np.isnan(stated)
    weight = np.where(known, 0.0, [AID_WEIGHT.get(lt.company_size, 1.0) for lt in laureates])
    needed = AID_RATIO * investment.sum() - stated[known].sum()
    low, high = 0.0, 1.0  # intensity of a small firm, 0 to 100 %
    for _ in range(60):
        level = (low + high) / 2
        total = np.minimum(level * weight * investment, AID_CEILING_EUR).sum()
        low, high = (level, high) if total < needed else (low, level)
    median = np.minimum(level * weight * investment, AID_CEILING_EUR)
    spread = stats.norm.ppf(HIGH_Q) * np.sqrt(investment_sd**2 + AID_INTENSITY_SIGMA**2)
    column = _column(
        "aid_requested_eur",
        median,
        median * np.exp(-spread),
        np.minimum(median * np.exp(spread), AID_CEILING_EUR),
        ["estimated"] * len(laureates),
    )
    return _with_declared("aid_requested_eur", stated, column), float(level)


def _co2(
    laureates: Sequence[LaureateLike],
    flags: BoolArray,
    investment: FloatArray,
    investment_sd: FloatArray,
) -> FigureColumn:
    """tCO2 avoided a year: CO2_PER_MEUR per M EUR invested (at least 1 t) for decarbonising
    laureates, 0 for the others (an estimate too: the rule says they avoid nothing)."""
    stated = stated_values(laureates, "co2_avoided_t")
    median = np.where(flags, np.maximum(investment / 1e6 * CO2_PER_MEUR, 1.0), 0.0)
    spread = stats.norm.ppf(HIGH_Q) * np.sqrt(investment_sd**2 + CO2_SIGMA**2)
    column = _column(
        "co2_avoided_t",
        median,
        median * np.exp(-spread),
        median * np.exp(spread),
        ["estimated"] * len(laureates),
    )
    return _with_declared("co2_avoided_t", stated, column)
