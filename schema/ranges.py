"""The jobs a result creates as a range (Monte Carlo) and the price of robustness over GraphQL.

Mirrored from the engine's dataclasses (schema.mirror); schema.result imports them before it
builds SimulationResult, whose ``jobsRange`` and ``robustness`` fields are of these types.
"""

from __future__ import annotations

from schema.mirror import Mirror, mirror
from simulation import result as engine


@mirror(
    engine.JobsRange,
    description="The allocation's jobs created as a range: Monte Carlo over each funded "
    "project's distribution (docs/uncertainty.md), seeded, so the same scenario gives the same "
    "figures.",
    descriptions={
        "mean": "Mean jobs created over the draws (an estimate, not a fact).",
        "p10": "10th percentile: 9 draws in 10 create more.",
        "p50": "Median.",
        "p90": "90th percentile: 1 draw in 10 creates more.",
        "realisation_rate": "Share of declared jobs realised at the median (null: the "
        "declaration band's own, 0.6 to 1.0 of the declared figure).",
        "target_probability": "Share of draws reaching targetJobs (null: no target).",
    },
)
class JobsRange(Mirror):
    pass


@mirror(
    engine.Robustness,
    description="The price of robustness: the robust allocation against the expected-jobs one.",
    descriptions={
        "budget": "Funded projects that may fall to their 10th percentile at once.",
        "expected": "The expected-jobs allocation's range (same draws).",
        "expected_jobs_given_up": "Mean jobs the robust allocation gives up.",
        "p10_gained": "10th percentile of jobs gained by the robust allocation.",
        "worst_case_jobs": "Jobs left in the worst case the budget allows (robust objective).",
    },
)
class Robustness(Mirror):
    pass
