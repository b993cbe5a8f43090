"""Simulation against exact values, metric by metric, with z-scores.

A z-score is a test only when the sample mean is close to normal. The metrics compared here are
driven by outages, and when outages are rare a study sees a handful of them: their count is
then Poisson-like and skewed, a z-score from it is not normal, and |z| > 4 happens far more
often than the normal tail's 6e-5 (a study that saw no outage has a standard error of 0 and an
infinite z). So each metric is tested only when its exact value, known before the simulation,
says the study should see at least :data:`MIN_EXPECTED` of its rare observations; otherwise it
is "not tested" (z is NaN) and :func:`runs_needed` says how many runs would make it testable.
"""

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

MIN_EXPECTED = 50.0
"""Rare observations a study must be expected to see for a metric to be tested by its z-score.

The count of rare observations is close to Poisson of mean m, whose skewness is 1/√m: 0.14 at
m = 50, where the normal approximation of the mean holds to the |z| ≤ 4 threshold well enough for
a gate (at m = 2 the skewness is 0.7, and a study seeing one outage of 1.9 expected gave
z = −76). Fifty is also few enough that a metric is never untested for lack of a few runs:
it costs runs ≈ 50 / (outages per mission).
"""

CHECK_RUNS = 10_000
"""Runs of ``hasim check`` without ``--runs``: at least this many, more where a metric needs
them to be testable (:func:`choose_runs`), up to :data:`CHECK_CAP`."""

CHECK_CAP = {"numba": 2_000_000, "simpy": 20_000}
"""Most runs ``hasim check`` chooses by itself, by engine: seconds to a minute of the numba
engine on a small model; the SimPy engine is some 100 times slower. (``--max-events`` bounds
the events of one replication, not of a study: it does not enter here.)"""

RUNS_LIMIT = 2**62
"""Largest count :func:`runs_needed` returns (a need beyond it is reported as this)."""


def _exact_values(exact: ExactResult) -> dict[str, float | None]:
    if exact.interval_availability is None:
        raise ValueError("the exact result has no mission values (renewal theory: steady "
                         "state only)")
    return {"unavailability": 1 - exact.interval_availability,
            "outages": exact.expected_outages,
            "p_system_failure": exact.p_system_failure}


def rare_per_run(exact: ExactResult) -> dict[str, float]:
    """Expected rare observations per run, by metric, from the exact values.

    For ``unavailability`` and ``outages``: the expected outages per mission (downtime comes
    only in outages; where that value is missing, P(outage) stands in for it, a lower bound that
    can only ask for more runs). For ``p_system_failure`` = p: min(p, 1 − p), the missions with
    the rarer of the two outcomes. A metric without an exact value, or with no way to tell, is
    left out (and always tested).
    """
    values = _exact_values(exact)
    outages = exact.expected_outages if exact.expected_outages is not None else \
        exact.p_system_failure
    out: dict[str, float] = {}
    for name, value in values.items():
        if value is None:
            continue
        if name == "p_system_failure":
            out[name] = max(0.0, min(value, 1.0 - value))
        elif outages is not None:
            out[name] = max(0.0, outages)
    return out


_SLACK = 1 - 1e-9
"""A relative tolerance on ``min_expected``, so that rounding in 50 / (1 − 0.9996) neither asks
for one run more (125,001) nor leaves the count :func:`runs_needed` gives untested."""


def _tested(runs: int, rate: float | None, min_expected: float) -> bool:
    return rate is None or rate == 0.0 or runs * rate >= min_expected * _SLACK


def runs_needed(exact: ExactResult, min_expected: float = MIN_EXPECTED) -> dict[str, int]:
    """Runs for each metric to be testable: the smallest count expected to see
    ``min_expected`` rare observations (:func:`rare_per_run`), rounded up to three
    significant digits (at most :data:`RUNS_LIMIT`).

    A metric whose exact value says its rare observation never happens (0 outages expected,
    P(outage) exactly 0 or 1), or that :func:`rare_per_run` leaves out, needs 2: any run that
    shows the rare observation disagrees outright.
    """
    rates = rare_per_run(exact)
    out = {}
    for name, value in _exact_values(exact).items():
        if value is None:
            continue
        rate = rates.get(name, 0.0)
        if rate == 0.0:
            out[name] = 2
        elif min_expected / rate >= RUNS_LIMIT:
            out[name] = RUNS_LIMIT
        else:
            out[name] = max(2, _round_up(math.ceil(min_expected * _SLACK / rate)))
    return out


def metrics_tested(exact: ExactResult, runs: int, min_expected: float = MIN_EXPECTED
             ) -> dict[str, bool]:
    """Whether each metric is tested by a study of ``runs`` replications (known before it
    runs: only the exact values decide)."""
    rates = rare_per_run(exact)
    return {name: _tested(runs, rates.get(name), min_expected)
            for name, value in _exact_values(exact).items() if value is not None}


def runs_to_test(exact: ExactResult, min_expected: float = MIN_EXPECTED) -> int:
    """Runs for every metric to be testable (the largest of :func:`runs_needed`)."""
    return max(runs_needed(exact, min_expected).values(), default=2)


def _round_up(n: int) -> int:
    """``n`` rounded up to three significant digits: 262,345 → 263,000."""
    step = 10 ** max(0, len(str(n)) - 3)
    return -(-n // step) * step


def choose_runs(exact: ExactResult, floor: int, cap: int,
                min_expected: float = MIN_EXPECTED) -> tuple[int, str]:
    """Runs for a check whose run count the user did not give, and why, in a few words.

    At least ``floor``; more where a metric needs them to be testable
    (:func:`runs_needed`), up to ``cap``. A metric that needs more than ``cap`` is left
    untested rather than run at the cap for nothing; if every metric needs more than ``cap``,
    the answer is ``cap`` and no metric is testable (the caller should refuse before
    simulating: see :func:`metrics_tested`).
    """
    need = runs_needed(exact, min_expected)
    within = {name: n for name, n in need.items() if n <= cap}
    if not within:
        return cap, f"the most for this engine; {min(need.values()):,} needed"
    name = max(within, key=lambda m: within[m])
    runs = max(floor, within[name])
    if runs == floor:
        return runs, "the default, enough for every metric" if len(within) == len(need) \
            else "the default"
    rate = rare_per_run(exact)[name]
    if name != "p_system_failure":
        what = "outages"
    elif exact.p_system_failure is not None and exact.p_system_failure > 0.5:
        what = "missions without an outage"
    else:
        what = "missions with an outage"
    return runs, f"about {runs * rate:.3g} {what} expected"


def compare(study: StudyResult, exact: ExactResult,
            min_expected: float = MIN_EXPECTED) -> pd.DataFrame:
    """One row per metric: simulated mean, its standard error and 95% CI, the exact value,
    z = (simulated − exact) / standard error, whether the metric was ``tested``, the rare
    observations ``expected`` in these runs and the ``runs_needed`` for a test.

    Metrics: ``unavailability`` (over the mission, starting all-up), ``outages`` (per
    mission) and ``p_system_failure`` (at least one outage within the mission). A metric is
    tested when at least ``min_expected`` rare observations are expected (see the module's
    docstring); otherwise its z is NaN. The CI bounds of the two probabilities are cut at 0
    and 1, of ``outages`` at 0 (the mean and standard error are the sample's).
    """
    import pandas as pd

    r = study.runs
    values = _exact_values(exact)
    samples = {
        "unavailability": (r.downtime_hours / study.mission, 1.0),
        "outages": (r.outages.astype(float), math.inf),
        "p_system_failure": ((~np.isnan(r.first_failure_hours)).astype(float), 1.0),
    }
    per_run = rare_per_run(exact)
    need = runs_needed(exact, min_expected)
    n = study.n_runs
    rows = {}
    for name, (x, high) in samples.items():
        value = values[name]
        if value is None:
            continue
        mean, se, lo, hi = mean_ci(x, 0.0, high)
        rate = per_run.get(name)
        tested = _tested(n, rate, min_expected)
        if not tested:
            z = math.nan
        elif se > 0 and rate != 0.0:
            z = (mean - value) / se
        else:
            # no spread in the sample, or an exact value that allows none: agreement only if
            # the exact value is the same number
            z = 0.0 if math.isclose(mean, value, rel_tol=1e-9, abs_tol=1e-12) else \
                math.copysign(math.inf, mean - value)
        rows[name] = dict(simulated=mean, stderr=se, ci_low=lo, ci_high=hi, exact=value, z=z,
                          tested=tested, expected=n * rate if rate is not None else math.nan,
                          runs_needed=need[name])
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "metric"
    return frame


def verdict(table: pd.DataFrame) -> bool | None:
    """True when every tested metric has |z| ≤ :data:`Z_LIMIT`, False when one has more,
    None when no metric was tested."""
    tested = table[table["tested"].astype(bool)]
    if tested.empty:
        return None
    return bool((tested["z"].abs() <= Z_LIMIT).all())
