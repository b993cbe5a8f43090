"""Values of the summary statistics (``StudyResult.summary``) on small hand-made results.

Each study here is built directly from records (no simulation), and each expected number is
computed again in the test from its definition with scipy — a Student-t quantile, a covariance
matrix, a binomial law, a root of the score equation — never by calling the code under test.

Model: one component ``a`` and one crew ``ops`` of size 1, mission T = 100 h (8760 h a year).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize
from scipy import stats as sps

import hasim
from hasim import RunResult, StudyResult

T = 100.0
PER_YEAR = 8760.0 / T
MODEL = hasim.model_from_yaml(f"""
hasim: 1
name: synthetic
mission: {T:g}h
crews:
  ops: {{size: 1}}
components:
  a: {{failure: 1000h, repair: 10h, crew: ops}}
system: a
""")
T975 = sps.norm.ppf(0.975)


def records(outages: list[list[tuple[float, float]]]) -> RunResult:
    """Records of one run per list entry, each a list of outages ``(start, end)`` in hours;
    every outage is one failure of ``a`` repaired by the crew."""
    n = len(outages)
    rep, start, end = [], [], []
    for i, run in enumerate(outages):
        for s, e in run:
            rep.append(i)
            start.append(s)
            end.append(e)
    start_a, end_a = np.array(start, dtype=float), np.array(end, dtype=float)
    down = np.array([sum(e - s for s, e in run) for run in outages], dtype=float)
    count = np.array([len(run) for run in outages], dtype=np.int64)
    first = np.array([run[0][0] if run else math.nan for run in outages])
    k = len(rep)
    return RunResult(
        replication=np.arange(n), downtime_hours=down, outages=count,
        outages_unrecorded=np.zeros(n, dtype=np.int64), first_failure_hours=first,
        events=3 * count, failures=count, detections=count,
        repairs=count, switchovers=np.zeros(n, dtype=np.int64),
        switchovers_failed=np.zeros(n, dtype=np.int64), failures_by_type=count[:, None],
        downtime_by_type=down[:, None], crew_busy_hours=down[:, None],
        episode_replication=np.array(rep, dtype=np.int64),
        episode_kind=np.zeros(k, dtype=np.int64), episode_start=start_a, episode_end=end_a,
        episode_amount=end_a - start_a, episode_cause_unit=np.zeros(k, dtype=np.int64),
        episode_cause_type=np.zeros(k, dtype=np.int64))


def study(outages: list[list[tuple[float, float]]], until_failure: bool = False) -> StudyResult:
    return StudyResult(model=MODEL, runs=records(outages), seed=0, engine="synthetic",
                       elapsed_s=0.0, until_failure=until_failure)


def row(s: StudyResult, name: str) -> tuple[float, float, float, float]:
    r = s.summary().loc[name]
    return float(r["mean"]), float(r["stderr"]), float(r["ci_low"]), float(r["ci_high"])


# eight runs: downtimes 0, 2, 5, 0, 13, 1, 0, 7 h; outages 0, 1, 2, 0, 3, 1, 0, 1
EIGHT = [
    [],
    [(10.0, 12.0)],
    [(5.0, 8.0), (50.0, 52.0)],
    [],
    [(1.0, 5.0), (20.0, 24.0), (90.0, 95.0)],
    [(60.0, 61.0)],
    [],
    [(30.0, 37.0)],
]
DOWN = np.array([0.0, 2, 5, 0, 13, 1, 0, 7])
COUNT = np.array([0.0, 1, 2, 0, 3, 1, 0, 1])


def t_interval(x: np.ndarray) -> tuple[float, float, float, float]:
    """Mean, standard error and 95% Student-t interval by scipy.stats."""
    se = float(sps.sem(x))
    lo, hi = sps.t.interval(0.95, len(x) - 1, loc=float(np.mean(x)), scale=se)
    return float(np.mean(x)), se, float(lo), float(hi)


def test_student_t_interval_of_the_mean_downtime() -> None:
    """Downtime per mission: mean 28/8 = 3.5 h, squared deviations summing to 150 h², sd
    √(150/7) = 4.6291 h, se = sd/√8 = 1.6366 h, t(7) = 2.36462, CI 3.5 ± 3.87002 →
    [−0.3700, 7.3700], cut at 0 h; per year × 87.6."""
    s = study(EIGHT)
    mean, se, lo, hi = t_interval(DOWN)
    assert mean == 3.5 and se == pytest.approx(math.sqrt(150 / 7 / 8), rel=1e-12)
    assert (lo, hi) == pytest.approx((-0.370025, 7.370025), abs=1e-6)
    assert lo < 0  # the uncut Student-t bound: impossible for a duration
    assert row(s, "downtime_hours") == pytest.approx((3.5, se, 0.0, hi), rel=1e-12)
    assert row(s, "downtime_hours_per_year") == pytest.approx(
        (3.5 * PER_YEAR, se * PER_YEAR, 0.0, hi * PER_YEAR), rel=1e-12)
    o_mean, o_se, o_lo, o_hi = t_interval(COUNT)
    assert o_mean == 1.0
    assert row(s, "outages") == pytest.approx((o_mean, o_se, max(o_lo, 0.0), o_hi), rel=1e-12)


def test_availability_and_nines_from_the_interval() -> None:
    """A = 1 − d/T per run: mean 0.965, its t interval, U = 1 − A with the bounds swapped and
    nines −log10(1 − A) of the estimate and of each bound."""
    s = study(EIGHT)
    a, se, lo, hi = t_interval(1 - DOWN / T)
    assert hi > 1  # the uncut bound
    assert row(s, "availability") == pytest.approx((a, se, lo, 1.0), rel=1e-12)
    assert row(s, "unavailability") == pytest.approx((1 - a, se, 0.0, 1 - lo), rel=1e-9)
    n = row(s, "nines")
    assert n[0] == pytest.approx(-math.log10(0.035), rel=1e-12)
    assert n[2] == pytest.approx(-math.log10(1 - lo), rel=1e-12)
    assert n[3] == math.inf  # the availability interval reaches 1


def test_nines_of_a_known_availability() -> None:
    """Every run down 0.1 h of 100 h: A = 0.999 exactly, 3 nines, zero-width interval."""
    s = study([[(50.0, 50.1)]] * 4)
    m, _, lo, hi = row(s, "nines")
    assert m == pytest.approx(3.0, rel=1e-9)
    assert lo == pytest.approx(3.0, rel=1e-9) and hi == pytest.approx(3.0, rel=1e-9)


def delta_ratio(y: np.ndarray, x: np.ndarray) -> tuple[float, float, float, float]:
    """R = ȳ/x̄ with the delta-method variance g Σ gᵀ / n, g = (1/x̄, −ȳ/x̄²), Σ the sample
    covariance matrix of (y, x), and a t(n − 1) interval."""
    n = len(x)
    ybar, xbar = y.mean(), x.mean()
    g = np.array([1 / xbar, -ybar / xbar**2])
    se = math.sqrt(g @ np.cov(np.vstack([y, x])) @ g / n)
    h = sps.t.ppf(0.975, n - 1) * se
    return ybar / xbar, se, ybar / xbar - h, ybar / xbar + h


def test_delta_method_interval_of_mean_outage_duration() -> None:
    """Mean outage duration = 28 h / 8 outages = 3.5 h, delta-method interval."""
    s = study(EIGHT)
    expected = delta_ratio(DOWN, COUNT)
    assert expected[0] == 3.5
    assert row(s, "mean_outage_hours") == pytest.approx(expected, rel=1e-10)


def test_order_statistic_interval_of_a_percentile() -> None:
    """Twenty runs with downtimes 1, 2, …, 20 h. Median 10.5 h; the count B of runs below
    the true median is binomial(20, 1/2), P(B ≤ 5) = 0.0207 < 0.025 ≤ P(B ≤ 6) = 0.0577 and
    P(B ≤ 13) = 0.9423 < 0.975 ≤ P(B ≤ 14) = 0.9793, so the interval is [x₍₆₎, x₍₁₅₎] =
    [6 h, 15 h] (P(6 ≤ B ≤ 14) = 0.9586 ≥ 0.95)."""
    s = study([[(0.0, float(i))] for i in range(1, 21)])
    b = sps.binom(20, 0.5)
    assert b.cdf(5) < 0.025 <= b.cdf(6) and b.cdf(13) < 0.975 <= b.cdf(14)
    assert b.cdf(14) - b.cdf(5) >= 0.95
    m, se, lo, hi = row(s, "downtime_hours_p50")
    assert (m, lo, hi) == (10.5, 6.0, 15.0) and math.isnan(se)
    # p90: ranks from binomial(20, 0.9); the top rank is beyond n: no upper bound
    b = sps.binom(20, 0.9)
    r = min(k for k in range(21) if b.cdf(k) >= 0.025)
    assert b.ppf(0.975) + 1 > 20
    m, _, lo, hi = row(s, "downtime_hours_p90")
    assert m == pytest.approx(np.quantile(np.arange(1, 21), 0.9))
    assert lo == float(r) and math.isnan(hi)


def test_percentile_lower_bound_is_zero_below_the_first_order_statistic() -> None:
    """Four runs: binomial(4, 1/2) puts P(B = 0) = 1/16 > 0.025 on no run below the median,
    so no order statistic bounds it from below; downtime cannot be negative: the bound is 0."""
    s = study([[(0.0, 1.0)], [(0.0, 2.0)], [(0.0, 3.0)], [(0.0, 4.0)]])
    m, _, lo, hi = row(s, "downtime_hours_p50")
    assert (m, lo) == (2.5, 0.0) and math.isnan(hi)


def wilson_by_root(x: int, n: int) -> tuple[float, float]:
    """The score interval by definition: the p with |x/n − p| = z √(p(1 − p)/n), found by
    root-finding on each side of x/n (0 or 1 when x/n is at that end)."""
    phat = x / n

    def f(p: float) -> float:
        return (phat - p) ** 2 - T975**2 * p * (1 - p) / n

    # f > 0 at 0 and 1 (away from p̂), f < 0 next to p̂: one root on each side
    lo = 0.0 if x == 0 else optimize.brentq(f, 1e-15, min(phat, 1 - 1e-12), xtol=1e-15)
    hi = 1.0 if x == n else optimize.brentq(f, max(phat, 1e-12), 1 - 1e-15, xtol=1e-15)
    return lo, hi


@pytest.mark.parametrize(("failed", "n"), [(5, 8), (0, 8), (8, 8), (1, 40), (39, 40), (3, 500),
                                           (4, 500), (250, 500), (497, 500)])
def test_wilson_interval_of_the_probability_of_an_outage(failed: int, n: int) -> None:
    """P(outage within the mission) = runs with an outage / runs, with the Wilson score
    interval — always inside [0, 1], not collapsed at 0 or n (the Wald interval p̂ ± z·se is
    [0, 0] at 0 failures and crosses 0 at 1 of 40). With 1 to 3 outcomes at one end, the bound
    at that end is the Poisson one: χ²₂ₓ(0.05) / (2n) (Brown, Cai and DasGupta 2001)."""
    s = study([[(1.0, 2.0)]] * failed + [[]] * (n - failed))
    p = failed / n
    lo, hi = wilson_by_root(failed, n)
    if 1 <= failed <= 3:
        lo = sps.chi2.ppf(0.05, 2 * failed) / (2 * n)
    if 1 <= n - failed <= 3:
        hi = 1 - sps.chi2.ppf(0.05, 2 * (n - failed)) / (2 * n)
    got = row(s, "p_system_failure")
    assert got == pytest.approx((p, math.sqrt(p * (1 - p) / n), lo, hi), rel=1e-9, abs=1e-12)
    assert 0.0 <= got[2] <= got[0] <= got[3] <= 1.0
    if failed == 0:
        assert got[2] == 0.0 and got[3] == pytest.approx(T975**2 / (n + T975**2))
    if failed == n:
        assert got[3] == 1.0


def test_censored_mttf_counts_the_up_time_of_every_run() -> None:
    """Mean up time per outage = Σ (T − d) / Σ outages = (800 − 28) / 8 = 96.5 h, delta-method
    interval; five runs failed (first outages at 10, 5, 1, 60, 30 h: mean 21.2 h, the old
    'MTTF'), three are censored."""
    s = study(EIGHT)
    assert row(s, "mean_up_time_hours") == pytest.approx(delta_ratio(T - DOWN, COUNT),
                                                         rel=1e-10)
    assert row(s, "mean_up_time_hours")[0] == 96.5
    first = np.array([10.0, 5, 1, 60, 30])
    m, se, lo, hi = t_interval(first)
    assert row(s, "first_outage_hours_given_outage") == pytest.approx((m, se, max(lo, 0), hi))
    assert row(s, "censored_runs")[0] == 3
    assert "first_failure_hours" not in s.summary().index
    d = s.to_dict()
    assert d["mttf"]["method"] == "up_time_per_outage"
    assert d["mttf"]["mean"] == 96.5
    assert (d["mttf"]["outages"], d["mttf"]["censored_runs"], d["mttf"]["runs"]) == (8, 3, 8)
    assert d["p_system_failure"]["mean"] == 5 / 8


def test_no_outage_at_all_gives_no_finite_mttf() -> None:
    """Ten runs without an outage: 1000 h up, 0 outages. No finite estimate; the interval is
    [1000 h / ln 40, ∞): P(no outage in 1000 h) = exp(−1000/MTTF) ≥ 0.025 at a constant rate."""
    s = study([[]] * 10)
    m, se, lo, hi = row(s, "mean_up_time_hours")
    assert m == math.inf and hi == math.inf and math.isnan(se)
    assert lo == pytest.approx(1000.0 / math.log(40.0), rel=1e-12)
    assert math.exp(-1000.0 / lo) == pytest.approx(0.025, rel=1e-12)
    assert row(s, "censored_runs")[0] == 10
    d = s.to_dict()
    assert d["mttf"]["mean"] is None and d["mttf"]["outages"] == 0 and "note" in d["mttf"]
    assert d["p_system_failure"]["ci_low"] == 0.0


def test_until_failure_mttf_is_the_mean_with_a_t_interval() -> None:
    """A study run to each first failure (at 120, 40, 900, 310, 75 h): MTTF = 289 h with the
    Student-t interval, nothing censored."""
    times = np.array([120.0, 40, 900, 310, 75])
    s = study([[(t, t)] for t in times], until_failure=True)
    m, se, lo, hi = t_interval(times)
    assert m == 289.0 and lo < 0
    assert row(s, "mttf_hours") == pytest.approx((m, se, 0.0, hi), rel=1e-12)
    assert row(s, "censored_runs")[0] == 0
    assert row(s, "first_failure_hours_p50")[0] == 120.0
    d = s.to_dict()
    assert d["until_failure"] is True and d["mttf"]["method"] == "until_failure"
    assert d["mttf"]["mean"] == 289.0 and d["mttf"]["censored_runs"] == 0


def test_until_failure_refuses_runs_without_a_failure() -> None:
    s = study([[(5.0, 5.0)], []], until_failure=True)
    with pytest.raises(ValueError, match="1 runs without a failure time"):
        s.summary()


PROPORTIONS = ("availability", "unavailability", "p_system_failure", "crew_utilisation.ops")
NONNEGATIVE = ("downtime_hours", "downtime_hours_per_year", "outages", "outages_per_year",
               "mean_outage_hours", "mean_up_time_hours", "first_outage_hours_given_outage",
               "downtime_hours_per_year.a", "failures_per_year", "failures_per_year.a",
               "downtime_hours_p50", "downtime_hours_p90", "downtime_hours_p99", "nines")


@pytest.mark.parametrize("case", [
    [[]] * 5,  # never down
    [[(0.0, T)]] * 5,  # always down
    [[(0.0, T)]] + [[]] * 30,  # one run down throughout
    [[(3.0, 3.5)]] + [[]] * 30,  # one short outage
    EIGHT,
])
def test_every_interval_stays_in_range(case: list[list[tuple[float, float]]]) -> None:
    """Probabilities and fractions in [0, 1]; counts, durations and nines at or above 0."""
    s = study(case).summary()
    for name in PROPORTIONS:
        values = s.loc[name].drop("stderr").dropna()
        assert ((values >= 0) & (values <= 1)).all(), (name, s.loc[name].tolist())
    for name in NONNEGATIVE:
        values = s.loc[name].dropna()
        assert (values >= 0).all(), (name, s.loc[name].tolist())
    for name in s.index:
        lo, m, hi = s.loc[name, ["ci_low", "mean", "ci_high"]]
        assert not lo > m and not m > hi, (name, lo, m, hi)


def test_mttf_of_a_rarely_failing_unit_is_not_the_mean_of_the_early_failures() -> None:
    """One unit, MTTF 10,000 h, repair 10 h, mission 1000 h (about 1 run in 10 fails). The
    censored estimate Σ up time / Σ outages is unbiased in the limit for a constant failure
    rate (E[up time] / E[outages] = 1/λ exactly), and its 95% interval must hold 10,000 h and
    be within 15% of it; the mean over the runs that failed is about 480 h."""
    m = hasim.model_from_yaml("""
hasim: 1
name: rare
mission: 1000h
components:
  a: {failure: 10000h, repair: 10h}
system: a
""")
    s = hasim.run_study(m, runs=6000, seed=11, workers=1, engine="numba", progress=False)
    est, _, lo, hi = row(s, "mean_up_time_hours")
    print(f"MTTF 10000 h: censored estimate {est:.0f} h [{lo:.0f}, {hi:.0f}]")
    assert lo <= 10_000.0 <= hi
    assert (hi - lo) / 2 < 0.15 * 10_000.0
    assert row(s, "first_outage_hours_given_outage")[3] < 600.0
