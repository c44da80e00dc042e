"""Checks of the estimated figures: k-fold error on the stated rows, and every published figure
about the fund's projects against the laureates' figures (docs/data.md, "Calibration on the
published figures").

    python -m data.estimate_checks    # fit, held-out error and calibration tables
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from data.estimates import (
    AID_CEILING_EUR,
    AID_WEIGHT,
    CO2_PER_MEUR,
    DECARBONISING_LABEL,
    DECARBONISING_SECTORS,
    FIGURES,
    HIGH_Q,
    LABEL_KINDS,
    LOW_Q,
    MARCH_2021,
    MIN_ROWS,
    MODELLED,
    SIZES,
    Estimates,
    Fit,
    Int64Array,
    LaureateLike,
    estimate,
    features,
    fit,
    stated_values,
)

# First review (economie.gouv.fr, "253 premiers projets", Nov. 2020): out of sample.
FIRST_REVIEW = {
    "projects": 253,
    "investment_eur": 1_400_000_000,
    "aid_requested_eur": 143_000_000,
    "jobs_created": 5_000,  # "more than 5,000"
}
# The top-up of March 2021 (same source): 300 M EUR for "more than 500 new projects" and about
# 15,000 jobs. The fund's own allocation was 400 M EUR.
TOP_UP = {"fund_eur": 300_000_000, "projects": 500, "jobs_created": 15_000}
FUND_EUR = 400_000_000

FOLDS, SEED = 5, 14


@dataclass(frozen=True)
class HeldOut:
    """k-fold error of one figure on its stated rows, against the stated median as baseline."""

    figure: str
    rows: int
    error: float  # median |log(estimate / stated)|
    coverage: float  # share of rows inside their 10th-90th interval
    baseline_error: float
    baseline_coverage: float


@dataclass(frozen=True)
class Comparison:
    """One published figure against the laureates' figures, as a mean per project."""

    point: str
    figure: str
    published: str
    per_project: float  # published total / published projects
    stated: float  # mean over the rows that state the figure
    before: float  # all laureates, stated + estimates at the fitted (stated rows') level
    after: float  # all laureates, stated + calibrated estimates
    role: str  # "target", "out of sample", "scope" or "envelope"

    @property
    def gap(self) -> float:
        return self.after / self.per_project - 1.0


def held_out(
    laureates: Sequence[LaureateLike], folds: int = FOLDS, seed: int = SEED
) -> list[HeldOut]:
    """k-fold error on the stated rows of each modelled figure with enough of them (the
    calibration is left out: it sets the level of the unstated rows, which the stated rows
    cannot check). The baseline predicts the stated median of the fitting folds, with their
    10th-90th percentiles."""
    rows: list[HeldOut] = []
    for figure in MODELLED:
        stated = stated_values(laureates, figure)
        known = np.flatnonzero(stated > 0)
        if len(known) < folds * MIN_ROWS:  # each fit needs MIN_ROWS rows
            continue
        design, names = features(laureates, figure)
        order = np.random.default_rng([seed, FIGURES.index(figure)]).permutation(known)
        errors, inside, base_errors, base_inside = [], [], [], []
        for test in np.array_split(order, folds):
            training = stated.copy()
            training[test] = np.nan
            model = fit(figure, design, names, training)
            mean, sd = model.predict(design[test])
            truth = np.log(stated[test])
            errors.append(np.abs(truth - mean))
            inside.append(np.abs(truth - mean) <= model.quantile * sd)
            others = np.log(training[training > 0])
            low, median, high = np.quantile(others, [LOW_Q, 0.5, HIGH_Q])
            base_errors.append(np.abs(truth - median))
            base_inside.append((truth >= low) & (truth <= high))
        rows.append(
            HeldOut(
                figure,
                len(known),
                float(np.median(np.concatenate(errors))),
                float(np.concatenate(inside).mean()),
                float(np.median(np.concatenate(base_errors))),
                float(np.concatenate(base_inside).mean()),
            )
        )
    return rows


def calibration(estimates: Estimates, laureates: Sequence[LaureateLike]) -> list[Comparison]:
    """Every published figure about the fund's projects against the laureates' figures, as
    means per project (totals for the envelopes)."""
    before = estimate(laureates, calibrate=False)
    count = len(laureates)

    def mean(values: Int64Array) -> float:
        return float(values.mean()) if count else 0.0

    def stated_mean(figure: str) -> float:
        values = stated_values(laureates, figure)
        return float(np.nanmean(values)) if (~np.isnan(values)).any() else float("nan")

    rows: list[Comparison] = []
    points: list[tuple[str, dict[str, int], str, Callable[[str], str]]] = [
        ("March 2021", MARCH_2021, "target", _published_march),
        ("first review", FIRST_REVIEW, "out of sample", _published_first),
    ]
    for point, published, role, text in points:
        for figure in ("investment_eur", "aid_requested_eur", "jobs_created", "jobs_kept"):
            if figure not in published:
                continue
            rows.append(
                Comparison(
                    point,
                    figure,
                    text(figure),
                    published[figure] / published["projects"],
                    stated_mean(figure),
                    mean(before[figure].value),
                    mean(estimates[figure].value),
                    role,
                )
            )
    for point, published, role in (
        ("March 2021", MARCH_2021, "target"),
        ("first review", FIRST_REVIEW, "out of sample"),
    ):
        rows.append(
            Comparison(
                point,
                "aid / investment %",
                f"{published['aid_requested_eur'] / published['investment_eur']:.1%} of investment",
                100 * published["aid_requested_eur"] / published["investment_eur"],
                float("nan"),
                100 * _ratio(before["aid_requested_eur"].value, before["investment_eur"].value),
                100
                * _ratio(estimates["aid_requested_eur"].value, estimates["investment_eur"].value),
                role,
            )
        )
    for point, published in (("March 2021", MARCH_2021), ("first review", FIRST_REVIEW)):
        # The file holds the fund and its top-up: its count is not that of either review.
        rows.append(
            Comparison(
                point,
                "projects",
                f"{published['projects']} projects",
                float(published["projects"]),
                float("nan"),
                float(count),
                float(count),
                "scope",
            )
        )
    rows.append(
        Comparison(
            "top-up, March 2021",
            "jobs_created",
            "about 15,000 jobs for more than 500 new projects",
            TOP_UP["jobs_created"] / TOP_UP["projects"],
            stated_mean("jobs_created"),
            mean(before["jobs_created"].value),
            mean(estimates["jobs_created"].value),
            "out of sample",
        )
    )
    envelope = FUND_EUR + TOP_UP["fund_eur"]
    rows.append(
        Comparison(
            "fund + top-up",
            "aid_requested_eur",
            "400 M EUR + 300 M EUR (total over all laureates)",
            float(envelope),
            float("nan"),
            float(before["aid_requested_eur"].value.sum()),
            float(estimates["aid_requested_eur"].value.sum()),
            "envelope",
        )
    )
    return rows


def _ratio(numerator: Int64Array, denominator: Int64Array) -> float:
    total = denominator.sum()
    return float(numerator.sum() / total) if total else 0.0


def _published_march(figure: str) -> str:
    return {
        "investment_eur": "2.5 bn EUR / 531 projects",
        "aid_requested_eur": "270 M EUR / 531",
        "jobs_created": "about 14,000 / 531",
        "jobs_kept": "50,000 / 531",
    }[figure]


def _published_first(figure: str) -> str:
    return {
        "investment_eur": "1.4 bn EUR / 253 projects",
        "aid_requested_eur": "about 143 M EUR / 253",
        "jobs_created": "more than 5,000 / 253",
    }[figure]


def report(laureates: Sequence[LaureateLike]) -> str:
    """The fit, held-out and calibration tables that `python -m data.estimate_checks` prints."""
    estimates = estimate(laureates)
    lines = [f"{len(laureates):,} laureates", "", "fit (log-linear, ridge on every effect)"]
    lines.append(
        f"{'figure':<18}{'stated':>7}{'sigma':>7}{'factor':>8}{'mean/median':>12}{'shift':>7}"
    )
    for figure, model in estimates.fits.items():
        factor, skew = estimates.factors[figure], float(np.exp(model.sigma**2 / 2))
        lines.append(
            f"{figure:<18}{model.rows:>7}{model.sigma:>7.2f}{factor:>8.2f}{skew:>12.2f}"
            f"{factor / skew:>7.2f}"
        )
        lines += [f"  {effect}" for effect in _effects(model)]
    aid = estimates.factors["aid_requested_eur"]
    intensities = ", ".join(f"{size} {aid * weight:.1%}" for size, weight in AID_WEIGHT.items())
    column = estimates["aid_requested_eur"]
    ceiling = int(((column.value == AID_CEILING_EUR) & (column.source == "estimated")).sum())
    lines.append(
        f"aid intensity: {intensities}, other sizes {aid:.1%}; "
        f"{ceiling} estimates at the {AID_CEILING_EUR:,} EUR ceiling"
    )
    flags = estimates.decarbonisation
    by_sector = np.array([lt.sector in DECARBONISING_SECTORS for lt in laureates], dtype=bool)
    by_label = np.array([DECARBONISING_LABEL.search(lt.label) is not None for lt in laureates])
    lines.append(
        f"decarbonisation: {int(flags.sum())} laureates ({int(by_sector.sum())} by filière, "
        f"{int(by_label.sum())} by label, {int((by_sector & by_label).sum())} both, "
        f"{int((~np.isnan(stated_values(laureates, 'co2_avoided_t'))).sum())} tCO2 stated)"
    )
    lines += ["", f"held out ({FOLDS}-fold, seed {SEED}), error = median |log(estimate/stated)|"]
    lines.append(
        f"{'figure':<18}{'rows':>6}{'error':>7}{'ratio':>7}{'10-90':>7}"
        f"{'baseline':>10}{'ratio':>7}{'10-90':>7}"
    )
    for error in held_out(laureates):
        lines.append(
            f"{error.figure:<18}{error.rows:>6}{error.error:>7.2f}{np.exp(error.error):>7.2f}"
            f"{error.coverage:>7.0%}{error.baseline_error:>10.2f}{np.exp(error.baseline_error):>7.2f}"
            f"{error.baseline_coverage:>7.0%}"
        )
    lines.append(_few_stated(estimates, laureates))
    lines += [
        "",
        "calibration: mean per project (aid / investment: of the totals; envelope: total)",
    ]
    lines.append(
        f"{'published':<20}{'figure':<18}{'published':>14}{'stated':>12}{'before':>14}"
        f"{'after':>14}{'gap':>8}  role"
    )
    for row in calibration(estimates, laureates):
        stated = "" if np.isnan(row.stated) else _number(row.stated)
        lines.append(
            f"{row.point:<20}{row.figure:<18}{_number(row.per_project):>14}{stated:>12}"
            f"{_number(row.before):>14}{_number(row.after):>14}{row.gap:>8.1%}  {row.role}"
        )
    widths = []
    for figure in FIGURES:
        column = estimates[figure]
        wide = (column.source == "estimated") & (column.low > 0)
        if wide.any():
            widths.append(f"{figure} {np.median(column.high[wide] / column.low[wide]):.1f}")
    lines += ["", f"median 90th / 10th percentile of the estimates: {', '.join(widths)}"]
    lines += ["", "totals over all laureates (10th and 90th: sums of the bounds, not a range)"]
    for figure in FIGURES:
        column = estimates[figure]
        lines.append(
            f"  {figure:<18}{int(column.value.sum()):>16,}  "
            f"({int(column.low.sum()):,} to {int(column.high.sum()):,})"
        )
    return "\n".join(lines)


def _few_stated(estimates: Estimates, laureates: Sequence[LaureateLike]) -> str:
    """Aid and tCO2 are stated too rarely to hold out: their stated rows against what the rule
    gives them from their investment."""
    investment = estimates["investment_eur"].value
    parts = []
    for figure, rule in (
        ("aid_requested_eur", "investment x intensity, ceiling"),
        ("co2_avoided_t", f"{CO2_PER_MEUR:.0f} t per M EUR"),
    ):
        rows = np.flatnonzero(~np.isnan(stated_values(laureates, figure)))
        if figure == "aid_requested_eur":
            level = estimates.factors[figure]
            weights = [AID_WEIGHT.get(laureates[int(i)].company_size, 1.0) for i in rows]
            ruled = np.minimum(level * np.array(weights) * investment[rows], AID_CEILING_EUR)
        else:
            ruled = investment[rows] / 1e6 * CO2_PER_MEUR
        pairs = ", ".join(
            f"{_number(float(estimates[figure].value[i]))} vs {_number(float(r))}"
            for i, r in zip(rows, ruled, strict=True)
        )
        parts.append(f"  {figure}, stated vs {rule}: {pairs or 'no stated row'}")
    return "\n".join(["too few stated rows to hold out:", *parts])


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1_000 or value == round(value) else f"{value:,.1f}"


def _effects(model: Fit) -> list[str]:
    """Group effects as factors on the overall level, covariates as elasticities."""
    named = dict(zip(model.names, model.coef, strict=True))
    sizes = " ".join(f"{size} x{np.exp(named[f'size {size}']):.2f}" for size in SIZES)
    sectors = {n.removeprefix("sector "): c for n, c in named.items() if n.startswith("sector ")}
    low, high = min(sectors, key=sectors.__getitem__), max(sectors, key=sectors.__getitem__)
    kinds = " ".join(f"{kind} x{np.exp(named[f'label {kind}']):.2f}" for kind in LABEL_KINDS)
    logs = ", ".join(
        f"{n.removeprefix('log ')} {c:+.2f}" for n, c in named.items() if n.startswith("log ")
    )
    return [
        f"size: {sizes}; overseas x{np.exp(named['overseas']):.2f}",
        f"sector: x{np.exp(sectors[low]):.2f} ({low}) to x{np.exp(sectors[high]):.2f} ({high})",
        f"label: {kinds}",
        f"elasticity to the stated: {logs}",
    ]


def main() -> None:
    from data.laureates import LAUREATES_FILE, read_laureates
    from data.reference import load_geography
    from settings import Settings

    data_dir = Settings.from_env().data_dir
    laureates, _ = read_laureates(data_dir / LAUREATES_FILE, load_geography(data_dir))
    print(report(laureates))


if __name__ == "__main__":
    main()
