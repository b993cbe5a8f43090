"""Simulation against exact values, metric by metric, with z-scores."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from hasim.results import StudyResult, mean_ci

if TYPE_CHECKING:
    import pandas as pd

    from hasim.analysis.exact import ExactResult

Z_LIMIT = 4.0
"""Disagreement threshold in standard errors."""


def compare(study: StudyResult, exact: ExactResult) -> pd.DataFrame:
    """One row per metric: simulated mean, its standard error and 95% CI, the exact value and
    z = (simulated − exact) / standard error.

    Metrics: ``unavailability`` (over the mission, starting all-up), ``outages`` (per
    mission) and ``p_system_failure`` (at least one outage within the mission).
    """
    import pandas as pd

    r = study.runs
    if exact.interval_availability is None:
        raise ValueError("the exact result has no mission values (renewal theory: steady "
                         "state only)")
    samples = {
        "unavailability": (r.downtime_hours / study.mission, 1 - exact.interval_availability),
        "outages": (r.outages.astype(float), exact.expected_outages),
        "p_system_failure": ((~np.isnan(r.first_failure_hours)).astype(float),
                             exact.p_system_failure),
    }
    rows = {}
    for name, (x, value) in samples.items():
        if value is None:
            continue
        mean, se, lo, hi = mean_ci(x)
        if se > 0:
            z = (mean - value) / se
        else:
            # no spread in the sample: agreement only if the exact value is the same number
            z = 0.0 if math.isclose(mean, value, rel_tol=1e-9, abs_tol=1e-12) else math.inf
        rows[name] = dict(simulated=mean, stderr=se, ci_low=lo, ci_high=hi, exact=value, z=z)
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "metric"
    return frame
