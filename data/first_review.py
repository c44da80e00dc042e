"""The generated first review and its calibration against the published figures.

The first review of November 2020 is modelled as a selection among the generated candidates
(``data.generator``): the most jobs per euro invested, with noise for the other criteria, 69 %
of the winners in fragile places. Every candidate's levels are then scaled so that the winners
hit the published totals. A later review, extended down the same ranking, is compared out of
sample with the March 2021 figures (docs/data.md §5).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from data.project_rows import ProjectRows

# Published first review (economie.gouv.fr, "253 premiers projets", Nov. 2020), for 1,600
# candidate projects; other counts scale the number of awards and the totals pro rata.
CANDIDATES = 1600
FIRST_REVIEW = {
    "projects": 253,
    "investment_eur": 1_400_000_000,
    "aid_eur": 143_000_000,
    "jobs_created": 5_000,  # "more than 5,000": we aim 1 % above
    "fragile_share": 0.69,
}
JOBS_TARGET = 1.01 * FIRST_REVIEW["jobs_created"]
# Published cumulative point of March 2021 (lafrenchfab.fr, 25 March 2021), for the same 1,600
# candidates. NOT used by the calibration: the generator is checked against it out of sample
# (`out_of_sample`), its awards extending the first review down the same ranking.
MARCH_2021 = {
    "projects": 531,
    "investment_eur": 2_500_000_000,
    "aid_eur": 270_000_000,
    "jobs_created": 14_000,  # "about 14,000" direct jobs to be created
}
FIRST_REVIEW_NAME = "first-review-2020-11"
FIRST_REVIEW_DATE = dt.date(2020, 11, 30)  # announced in Nov. 2020; the day is not published

MAX_AID_INTENSITY = 0.30  # of investment: the generator's draws and the calibration keep under it


def first_review_size(count: int) -> int:
    return max(1, round(FIRST_REVIEW["projects"] * count / CANDIDATES))


def select_first_review(
    rng: np.random.Generator,
    jobs_per_euro: npt.NDArray[np.float64],  # of investment: the aid rate is set afterwards
    fragile: npt.NDArray[np.bool_],
    count: int,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Most jobs per euro invested, with noise standing for the other criteria (training,
    cooperation, readiness), taking 69 % of the winners from fragile places as published.
    Returns the awards and the ranking score."""
    score = np.log(jobs_per_euro) + rng.normal(0.0, 0.6, count)
    return _awards(score, fragile, first_review_size(count)), score


def _awards(
    score: npt.NDArray[np.float64], fragile: npt.NDArray[np.bool_], size: int
) -> npt.NDArray[np.bool_]:
    """The ``size`` best scores, 69 % of them (as far as there are) in fragile places. A larger
    ``size`` keeps every award of a smaller one: each group is cut further down its ranking."""
    count = len(score)
    wanted_fragile = min(round(FIRST_REVIEW["fragile_share"] * size), int(fragile.sum()))
    wanted_other = min(size - wanted_fragile, int((~fragile).sum()))
    wanted_fragile = size - wanted_other
    awarded = np.zeros(count, dtype=bool)
    for group, wanted in ((fragile, wanted_fragile), (~fragile, wanted_other)):
        members = np.flatnonzero(group)
        awarded[members[np.argsort(-score[members], kind="stable")[:wanted]]] = True
    return awarded


def later_review(
    rows: ProjectRows, projects: int = MARCH_2021["projects"]
) -> npt.NDArray[np.bool_]:
    """The awards of a later, cumulative review of ``projects`` awards per 1,600 candidates:
    the first review's winners and the next ones down the same ranking, by the same rule."""
    size = max(1, round(projects * len(rows) / CANDIDATES))
    return _awards(rows.review_score, rows.fragile, size)


def calibrate(
    investment: npt.NDArray[np.float64],
    intensity: npt.NDArray[np.float64],
    jobs: npt.NDArray[np.float64],
    awarded: npt.NDArray[np.bool_],
    count: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Scale every project by the same factors so the awarded ones hit the published totals:
    the shapes of the distributions stay as drawn, only their levels are calibrated."""
    scale = first_review_size(count) / FIRST_REVIEW["projects"]
    investment = investment * (FIRST_REVIEW["investment_eur"] * scale / investment[awarded].sum())
    target_aid = FIRST_REVIEW["aid_eur"] * scale
    low, high = 0.0, 10.0
    for _ in range(60):  # bisection: the intensity cap makes aid a concave function of the scale
        k = (low + high) / 2
        aid = (np.minimum(intensity[awarded] * k, MAX_AID_INTENSITY) * investment[awarded]).sum()
        low, high = (k, high) if aid < target_aid else (low, k)
    intensity = np.minimum(intensity * k, MAX_AID_INTENSITY)
    jobs = jobs * (JOBS_TARGET * scale / jobs[awarded].sum())
    return investment, intensity, jobs


def calibration(rows: ProjectRows) -> list[tuple[str, float, float]]:
    """(figure, published, generated) for the first review, published totals scaled pro rata
    when the candidate count is not 1,600."""
    awarded = rows.first_review
    scale = awarded.sum() / FIRST_REVIEW["projects"]
    return [
        ("projects", FIRST_REVIEW["projects"] * scale, float(awarded.sum())),
        (
            "investment_eur",
            FIRST_REVIEW["investment_eur"] * scale,
            float(rows.investment_eur[awarded].sum()),
        ),
        ("aid_eur", FIRST_REVIEW["aid_eur"] * scale, float(rows.aid_requested_eur[awarded].sum())),
        (
            "jobs_created",
            FIRST_REVIEW["jobs_created"] * scale,
            float(rows.jobs_created[awarded].sum()),
        ),
        ("fragile_share", FIRST_REVIEW["fragile_share"], float(rows.fragile[awarded].mean())),
    ]


def out_of_sample(rows: ProjectRows) -> list[tuple[str, float, float]]:
    """(figure, published, generated) for the March 2021 point, which the calibration does not
    use: the awards of `later_review`, published totals scaled pro rata as in `calibration`."""
    awarded = later_review(rows)
    scale = awarded.sum() / MARCH_2021["projects"]
    return [
        (figure, MARCH_2021[figure] * scale, float(column[awarded].sum()))
        for figure, column in (
            ("projects", np.ones(len(rows))),
            ("investment_eur", rows.investment_eur),
            ("aid_eur", rows.aid_requested_eur),
            ("jobs_created", rows.jobs_created),
        )
    ]
