"""Coverage of the summary's 95% intervals against exact values (STYLE.md, habit 6).

A value test (``test_summary_stats.py``) shows that an interval is computed as documented; only
a coverage test shows that it means what it says. The same small study is repeated with seeds
0, 1, …, REPS − 1 on the numba engine, and the fraction of repetitions whose interval holds the
exact value is compared with 0.95.

Model: two units in parallel (1-of-2), each failing at λ = 0.01 /h and repaired on its own at
μ = 0.1 /h, both up at 0, mission T = 500 h. The product chain of the two units (4 states,
``tests/exact.py``) gives, with ``scipy.linalg.expm``:

* expected downtime per mission ∫₀ᵀ P(both down at t) dt = 4.0195 h (Van Loan's block
  exponential; the steady-state value (λ/(λ+μ))² T = 4.1322 h lies outside most intervals);
* P(outage within T) = 1 − P(no system failure in [0, T]) with the down state made absorbing,
  = 0.5353.

Tolerance: the number of covering repetitions is Binomial(REPS, 0.95) when the intervals are
right; with REPS = 400 its sd is √(400 · 0.95 · 0.05) = 4.36, so ±3 sd is ±13 repetitions and
the coverage must lie in [0.917, 0.983] (a false alarm about 3 times in 1000 reseeds). An
interval with a standard error 15% too small (coverage 0.911) or a bias of half a standard
error (0.921 or less) falls outside it about as often as not; a Wald interval at a small
probability much more often.

A Wald-type interval (p̂ ± t·se, what the summary gave before) is right at this P but not at
a rare one: at T = 10 h, P(outage) = 0.00677 and with 200 runs (n·p = 1.35) it covers 74% of
the time, the summary's interval 95.2% (exact binomial sums). The second coverage test runs
that case.

The proportion interval is also checked without simulation: its exact coverage,
Σₓ P(X = x) · [p ∈ CI(x)] for X ~ Binomial(n, p), over a grid of p down to rare events.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

import hasim
from hasim.results import proportion_ci

from .exact import independent_chain

LAM, MU, T = 0.01, 0.1, 500.0
RUNS = 500
"""Replications per study: enough for the t interval of a skewed, zero-inflated per-run
downtime to reach its nominal coverage (the mean of 500 runs is close to normal)."""
REPS = 400
SIGMA = math.sqrt(REPS * 0.95 * 0.05) / REPS
LOW, HIGH = 0.95 - 3 * SIGMA, 0.95 + 3 * SIGMA

PAIR = f"""
hasim: 1
name: parallel pair, independent repairs
mission: {T:g}h
components:
  a: {{count: 2, failure: {1 / LAM:g}h, repair: {1 / MU:g}h}}
system: {{parallel: a}}
"""


def test_tolerance_is_three_binomial_sigmas() -> None:
    assert SIGMA == pytest.approx(0.0108972, rel=1e-5)
    assert (LOW, HIGH) == pytest.approx((0.9173, 0.9827), abs=1e-4)


def exact_values() -> tuple[float, float]:
    """Expected downtime over [0, T] and P(outage within T) of the pair, from the chain."""
    pair = independent_chain([(LAM, MU), (LAM, MU)], any)
    assert len(pair.states) == 4
    downtime = pair.expected_time(lambda s: not any(s), T)
    return downtime, 1.0 - pair.survival(T)


def test_exact_values_of_the_pair() -> None:
    """Pinned, and the downtime checked against a closed form: each unit is down at t with
    probability q(t) = r (1 − e^{−st}), r = λ/(λ+μ), s = λ+μ, independently of the other, so
    E[downtime] = ∫₀ᵀ q(t)² dt = r² (T − 2(1 − e^{−sT})/s + (1 − e^{−2sT})/(2s)).

    P(outage) from the absorbing chain on (both up, one up): the up block
    [[−2λ, 2λ], [μ, −(λ+μ)]] has eigenvalues −(3λ+μ ± √(λ²+6λμ+μ²))/2; survival is a mix of
    the two exponentials, checked here against the eigen-decomposition."""
    downtime, p = exact_values()
    s, r = LAM + MU, LAM / (LAM + MU)
    closed = r * r * (T - 2 * -math.expm1(-s * T) / s + -math.expm1(-2 * s * T) / (2 * s))
    assert downtime == pytest.approx(closed, rel=1e-10)
    assert downtime == pytest.approx(4.019534185, rel=1e-8)
    up = np.array([[-2 * LAM, 2 * LAM], [MU, -(LAM + MU)]])
    w, v = np.linalg.eig(up)
    root = math.sqrt(LAM**2 + 6 * LAM * MU + MU**2)
    assert sorted(w) == pytest.approx(sorted([-(3 * LAM + MU + root) / 2,
                                              -(3 * LAM + MU - root) / 2]), rel=1e-12)
    survival = (v @ np.diag(np.exp(w * T)) @ np.linalg.solve(v, np.ones(2)))[0]
    assert p == pytest.approx(1 - survival, rel=1e-10)
    assert p == pytest.approx(0.535298062, rel=1e-8)


def test_coverage_of_downtime_and_outage_probability_intervals() -> None:
    downtime, p = exact_values()
    model = hasim.model_from_yaml(PAIR)
    covered_d = covered_p = 0
    half_d, half_p = [], []
    for rep in range(REPS):
        s = hasim.run_study(model, runs=RUNS, seed=rep, workers=1, engine="numba",
                            progress=False).summary()
        lo, hi = s.loc["downtime_hours", ["ci_low", "ci_high"]]
        covered_d += lo <= downtime <= hi
        half_d.append((hi - lo) / 2)
        lo, hi = s.loc["p_system_failure", ["ci_low", "ci_high"]]
        covered_p += lo <= p <= hi
        half_p.append((hi - lo) / 2)
    cov_d, cov_p = covered_d / REPS, covered_p / REPS
    print(f"downtime {downtime:.4f} h: coverage {cov_d:.3f}, mean half-width "
          f"{np.mean(half_d):.3f} h; P(outage) {p:.4f}: coverage {cov_p:.3f}, mean half-width "
          f"{np.mean(half_p):.4f}; accepted [{LOW:.3f}, {HIGH:.3f}]")
    # narrow enough to be tested: an interval that covers by being wide fails here, and a
    # centre off by a fifth of the value would be outside most intervals
    assert np.mean(half_d) < 0.15 * downtime
    assert np.mean(half_p) < 0.10 * p
    assert LOW <= cov_d <= HIGH, f"downtime interval covers {cov_d:.3f}"
    assert LOW <= cov_p <= HIGH, f"P(outage) interval covers {cov_p:.3f}"



def test_coverage_of_a_rare_outage_probability() -> None:
    """Mission 10 h, 200 runs per study: about 1.35 runs in a study have an outage."""
    pair = independent_chain([(LAM, MU), (LAM, MU)], any)
    p = 1.0 - pair.survival(10.0)
    assert p == pytest.approx(0.006767, rel=1e-3)
    assert exact_coverage(200, np.array([p]))[0] == pytest.approx(0.952, abs=1e-3)
    model = hasim.model_from_yaml(PAIR.replace(f"mission: {T:g}h", "mission: 10h"))
    assert model.mission == 10.0
    covered, half = 0, []
    for rep in range(REPS):
        s = hasim.run_study(model, runs=200, seed=rep, workers=1, engine="numba",
                            progress=False).summary()
        lo, hi = s.loc["p_system_failure", ["ci_low", "ci_high"]]
        covered += lo <= p <= hi
        half.append((hi - lo) / 2)
    print(f"P(outage in 10 h) {p:.5f}: coverage {covered / REPS:.3f}, mean half-width "
          f"{np.mean(half):.5f}")
    assert np.mean(half) < 3 * p  # at n·p ≈ 1 any interval is wide; [0, 1] would fail
    assert LOW <= covered / REPS <= HIGH


def exact_coverage(n: int, p: np.ndarray) -> np.ndarray:
    """P(p ∈ CI(X)) for X ~ Binomial(n, p), for the summary's interval of a proportion."""
    xs = np.arange(n + 1)
    ci = np.array([proportion_ci(int(x), n)[2:] for x in xs])
    inside = (ci[:, :1] <= p) & (p <= ci[:, 1:])
    return (sps.binom.pmf(xs[:, None], n, p) * inside).sum(axis=0)


@pytest.mark.parametrize("n", [20, 100, 1000])
def test_exact_coverage_of_the_proportion_interval(n: int) -> None:
    """Exact coverage of the P(outage) interval over p from 0.01/n to 1/2 (log grid, where
    rare failures live) and over a uniform grid. The plain Wilson interval falls to about 85%
    at n·p ≈ 0.2 (its lower bound at 1 success is too high); with the Poisson bound at 1 to 3
    successes every p is covered at least 92.5% of the time; on average over p, 95%."""
    rare = np.exp(np.linspace(math.log(0.01 / n), math.log(0.5), 800))
    uniform = np.linspace(0.0005, 0.5, 800)
    c_rare, c_uniform = exact_coverage(n, rare), exact_coverage(n, uniform)
    worst = int(np.argmin(c_rare))
    print(f"n = {n}: worst coverage {c_rare[worst]:.4f} at n·p = {n * rare[worst]:.2f}, "
          f"mean over uniform p {c_uniform.mean():.4f}")
    assert c_rare.min() >= 0.925
    assert c_uniform.mean() == pytest.approx(0.95, abs=0.01)
    # the plain Wilson interval, by its formula: at n·p = 0.15, p is below its lower bound
    # whenever X = 1 (lower bound ≈ 0.1765/n), and X = 1 has probability ≈ 0.13
    p = 0.15 / n
    z = sps.norm.ppf(0.975)
    xs = np.arange(n + 1)
    ph = xs / n
    centre = (xs + z * z / 2) / (n + z * z)
    half = z * np.sqrt(n * ph * (1 - ph) + z * z / 4) / (n + z * z)
    plain = sps.binom.pmf(xs, n, p)[(centre - half <= p) & (p <= centre + half)].sum()
    assert plain < 0.89 and exact_coverage(n, np.array([p]))[0] > 0.95
