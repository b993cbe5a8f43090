"""Tests that close the holes mutation spot-checks found (``make mutate``, tools/mutations.yaml).

Each test here kills a hand-picked mutation that every other test let pass:

* an instant (``0s``) switchover read by the exact solver as one that never ends — no Markov test
  used an instant switchover;
* a quorum of k = (n + 1) // 2 instead of n // 2 + 1 — no test used an even count, and every
  engine reads the same compiled k;
* a repaired unit's new life keeping the age of its previous one (seen only when a warm spare
  that had aged is repaired and switched in again);
* stream owners of different kinds (a crew named like a component) sharing random streams;
* Student's t in the confidence interval of a mean replaced by the normal 1.96.

Exact values are derived here by hand, without hasim; the simulations use the numba engine with a
fixed seed and the tolerance of ``tests/stats.py`` (4 standard errors, checked sharp). Rates are
per hour: λ = 1/MTTF, μ = 1/MTTR; q = λ/(λ+μ) and p = μ/(λ+μ) = 1 − q are the steady-state
unavailability and availability of one unit; s = λ + μ.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

import hasim
from hasim.analysis.exact import exact
from hasim.events import Owner
from hasim.results import mean_ci
from hasim.rng import stream_id

from .stats import Z, assert_close


def simulate(yaml: str, runs: int, seed: int) -> np.ndarray:
    """Per-run interval unavailability (downtime / mission) of a numba-engine study."""
    study = hasim.run_study(hasim.model_from_yaml(yaml), runs=runs, seed=seed, workers=1,
                            progress=False, engine="numba")
    return study.runs.downtime_hours / study.mission


# --- (a) a hot standby pair with an instant switchover -------------------------------------------

LAM, MU, COVERAGE, T = 0.01, 0.1, 0.9, 2000.0
HOT_PAIR = """
hasim: 1
name: hot standby pair, instant switchover
mission: 2000h
components:
  db: {count: 2, failure: 100h, repair: 10h}
system: {standby: {of: db, mode: hot, switchover: 0s, coverage: 0.9}}
"""


def hot_pair_unavailability(lam: float, mu: float, c: float, t: float | None) -> float:
    """1 − A of a hot standby pair with a 0s switchover, coverage c, independent repairs, no
    detection delays; steady state for ``t=None``, else the mean over [0, t] starting all up.

    Hot spares age whatever their role and each unit has its own repair, so each unit
    alternates up (rate λ) and down (rate μ) independently of the other and of the group's
    roles: P(unit up at t) = p + q e^{−st}, P(both down) = q², P(both up) = p².

    The group is up while its active unit is up (an instant switchover is no downtime). It is
    down (1) with both units down, or (2) in state X: no active unit, one unit up but idle, the
    other in repair — entered only from "both up" when the active unit fails and the switchover
    to the spare fails, at rate (1 − c)λ, and left when either unit changes (the repaired unit
    becomes active at once, or the idle one fails), at rate λ + μ. Every other failure leaves
    the group up: the spare failing, or the active unit failing with a covered switchover.

    Steady state: π_X (λ + μ) = (1 − c)λ p², so π_X = (1 − c) q p² and U = q² + (1 − c) q p².

    Over [0, T]: with E1 = 1 − e^{−sT}, E2 = 1 − e^{−2sT},
    ∫ P(both down) dt = ∫ q²(1 − e^{−st})² dt = q²(T − 2 E1/s + E2/(2s)); and
    dπ_X/dt = (1 − c)λ P(both up) − s π_X with P(both up) = (p + q e^{−st})², π_X(0) = 0, so
    π_X(t) = (1 − c)λ [p²(1 − e^{−st})/s + 2pq t e^{−st} + q² e^{−st}(1 − e^{−st})/s] and
    ∫ π_X dt = (1 − c)λ [p²(T − E1/s)/s + 2pq(1 − e^{−sT}(1 + sT))/s² + q²(E1 − E2/2)/s²].
    """
    s = lam + mu
    q, p = lam / s, mu / s
    if t is None:
        return q * q + (1 - c) * q * p * p
    e1, e2 = -math.expm1(-s * t), -math.expm1(-2 * s * t)
    both_down = q * q * (t - 2 * e1 / s + e2 / (2 * s))
    x = (1 - c) * lam * (p * p * (t - e1 / s) / s
                         + 2 * p * q * (1 - math.exp(-s * t) * (1 + s * t)) / s**2
                         + q * q * (e1 - e2 / 2) / s**2)
    return (both_down + x) / t


def test_instant_switchover_closed_form_by_quadrature() -> None:
    """The closed form of the X-state integral against numerical quadrature of π_X(t)."""
    s, q, p, c = LAM + MU, LAM / (LAM + MU), MU / (LAM + MU), COVERAGE

    def point(t: float) -> float:
        e = math.exp(-s * t)
        x = (1 - c) * LAM * (p * p * (1 - e) / s + 2 * p * q * t * e + q * q * e * (1 - e) / s)
        return (q * (1 - e)) ** 2 + x

    value, _ = integrate.quad(point, 0.0, T, limit=200)
    assert hot_pair_unavailability(LAM, MU, c, T) == pytest.approx(value / T, rel=1e-10)
    # the long-run limit of the interval value is the steady state
    assert hot_pair_unavailability(LAM, MU, c, 1e9) == pytest.approx(
        hot_pair_unavailability(LAM, MU, c, None), rel=1e-6)


def test_instant_switchover_exact() -> None:
    """hasim's Markov chain against the closed form: λ = 0.01, μ = 0.1, c = 0.9, T = 2000 h.

    U = q² + (1 − c) q p² = 1/121 + 0.1 · (1/11) · (100/121) = 0.0157776; over 2000 h from all
    up, 0.0156941. (A solver that never ends a 0s switchover gives U = 0.760 here.)
    """
    steady = hot_pair_unavailability(LAM, MU, COVERAGE, None)
    interval = hot_pair_unavailability(LAM, MU, COVERAGE, T)
    assert steady == pytest.approx(1 / 121 + 0.1 * (1 / 11) * (100 / 121), rel=1e-12)
    assert steady == pytest.approx(0.01577761082, rel=1e-9)
    assert interval == pytest.approx(0.01569411242, rel=1e-9)
    r = exact(hasim.model_from_yaml(HOT_PAIR))
    assert r.method == "ctmc"
    assert r.steady_state_unavailability == pytest.approx(steady, rel=1e-9)
    assert r.interval_availability is not None
    assert 1 - r.interval_availability == pytest.approx(interval, rel=1e-9)


def test_instant_switchover_simulated() -> None:
    """The numba engine against the closed form over T = 2000 h (20,000 runs, sharp to 5 %),
    and the test can tell coverage 0.9 from a perfect switchover (a parallel pair, U = q²·…)."""
    interval = hot_pair_unavailability(LAM, MU, COVERAGE, T)
    est = assert_close(simulate(HOT_PAIR, runs=20_000, seed=4242), interval, sharp=0.05,
                       what="hot pair, 0s switchover: unavailability")
    perfect = hot_pair_unavailability(LAM, MU, 1.0, T)
    assert abs(perfect - interval) > Z * est.se, "cannot tell coverage 0.9 from 1"


# --- (b) a quorum of an even count -------------------------------------------------------------

Q_LAM, Q_MU = 0.01, 0.05
QUORUM = """
hasim: 1
name: quorum of {n}
mission: 2000h
components:
  node: {{count: {n}, failure: 100h, repair: 20h}}
system: {{quorum: {{of: node}}}}
"""
MAJORITY = {2: 2, 4: 3, 6: 4}
"""A strict majority of n: written out, not computed the way the compiler does."""


def k_of_n_availability(n: int, k: int, a: float) -> float:
    """P(at least k of n independent units up), each up with probability a:
    Σ_{j ≥ k} C(n, j) a^j (1 − a)^{n − j}."""
    return sum(math.comb(n, j) * a**j * (1 - a) ** (n - j) for j in range(k, n + 1))


def quorum_unavailability(n: int, t: float | None) -> float:
    """1 − A of a quorum of n units with independent repairs: the binomial k-of-n form with
    k = MAJORITY[n] and a = μ/(λ+μ) in the steady state, or averaged over [0, t] with the
    point availability a(τ) = p + q e^{−sτ} of a unit that starts up (quadrature)."""
    k, s = MAJORITY[n], Q_LAM + Q_MU
    p, q = Q_MU / s, Q_LAM / s
    if t is None:
        return 1 - k_of_n_availability(n, k, p)
    value, _ = integrate.quad(lambda x: k_of_n_availability(n, k, p + q * math.exp(-s * x)),
                              0.0, t, limit=200)
    return 1 - value / t


@pytest.mark.parametrize("n", list(MAJORITY))
def test_quorum_even_count_exact(n: int) -> None:
    """Quorum of 2, 4 and 6 (k = 2, 3, 4), λ = 0.01, μ = 0.05 (a = 5/6), independent repairs,
    T = 2000 h: the compiled k, and hasim's Markov chain against the binomial form. For n = 4:
    U = 1 − (a⁴ + 4a³(1 − a)) = 171/1296 = 0.131944 (with k = 2 it would be 21/1296)."""
    m = hasim.model_from_yaml(QUORUM.format(n=n))
    assert int(m.node_k[m.root]) == MAJORITY[n]
    if n == 4:
        assert quorum_unavailability(4, None) == pytest.approx(171 / 1296, rel=1e-12)
    r = exact(m)
    assert r.steady_state_unavailability == pytest.approx(quorum_unavailability(n, None),
                                                          rel=1e-9)
    assert r.interval_availability is not None
    assert 1 - r.interval_availability == pytest.approx(quorum_unavailability(n, T), rel=1e-8)


def test_quorum_even_count_simulated() -> None:
    """Quorum of 4 on the numba engine against the binomial form over T = 2000 h (4,000 runs,
    sharp to 5 %), and the test can tell k = 3 from k = 2 or k = 4 (the neighbouring readings
    of "majority")."""
    interval = quorum_unavailability(4, T)
    est = assert_close(simulate(QUORUM.format(n=4), runs=4000, seed=4343), interval,
                       sharp=0.05, what="quorum of 4: unavailability")
    s = Q_LAM + Q_MU
    for k in (2, 4):
        value, _ = integrate.quad(
            lambda x, k=k: k_of_n_availability(4, k, (Q_MU + Q_LAM * math.exp(-s * x)) / s),
            0.0, T, limit=200)
        assert abs((1 - value / T) - interval) > Z * est.se, f"cannot tell k = 3 from k = {k}"


# --- a new life starts at age 0 -------------------------------------------------------------------

WARM_PAIR = """
hasim: 1
name: warm pair, a spare that has aged is repaired and switched in again
mission: 30h
components:
  a: {failure: {fixed: 10h}, repair: {fixed: 2h}}
  b: {failure: {fixed: 8h}, repair: {fixed: 1h}}
system: {standby: {of: [a, b], mode: warm, dormant_factor: 0.5}}
"""


@pytest.mark.parametrize("engine", ["simpy", "numba"])
def test_repaired_spare_starts_its_new_life_at_age_0(engine: str) -> None:
    """Lives a: 10 h, b: 8 h; b is a warm spare (rate 0.5); switchovers and detections at once.

    10: a fails, b switched in with age 10·0.5 = 5, so it fails at 10 + (8 − 5) = 13; a
    repaired at 12 (a spare, new life). 13: b fails, a switched in (age (13 − 12)·0.5 = 0.5,
    fails at 13 + 9.5 = 22.5); b repaired at 14: a spare with a new life of 8 h at age 0.
    22.5: a fails, b switched in with age (22.5 − 14)·0.5 = 4.25: it fails at 26.25. Had b kept
    the age of its previous life (5), its remaining life at 22.5 would be max(8 − 9.25, 0) = 0.
    Every failure finds the other unit up: no outage.
    """
    log = hasim.trace(hasim.model_from_yaml(WARM_PAIR), replication=0, seed=1, engine=engine)
    fails = log[log.event == "fail"]
    assert list(zip(fails.time_hours, fails.target, strict=True)) == [
        (10.0, "a"), (13.0, "b"), (22.5, "a"), (26.25, "b")]
    switched = log[log.event == "switch_start"]
    assert list(switched.time_hours) == [10.0, 13.0, 22.5, 26.25]


# --- random streams: owners of different kinds ------------------------------------------------


def test_stream_owners_of_different_kinds_never_share() -> None:
    """hasim.rng: "owners of different kinds never share streams" — also when a crew, a group or
    a schedule has the name of a component."""
    names = ("a", "db", "ops")
    ids = [stream_id(owner, name, i) for owner in Owner for name in names for i in range(3)]
    assert len(set(ids)) == len(ids)
    m = hasim.model_from_yaml("""
hasim: 1
name: a crew named like a component
crews:
  ops: {size: 1}
components:
  ops: {failure: 100h, repair: 10h, crew: ops}
system: ops
""")
    program_ids = [int(x) for x in m.program.streams.ids]
    assert len(program_ids) == 2 and len(set(program_ids)) == 2


# --- summary statistics ------------------------------------------------------------------------


def test_mean_ci_uses_student_t() -> None:
    """Five runs 1, 2, 3, 4, 5: mean 3, sd √2.5, se = √2.5/√5 = √0.5; the 95 % interval is
    3 ± t(0.975; 4 df) · se with t = 2.776445105 (tables), not 3 ± 1.96 · se."""
    mean, se, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    half = 2.776445105197799 * math.sqrt(0.5)
    assert (mean, se) == pytest.approx((3.0, math.sqrt(0.5)), rel=1e-12)
    assert (lo, hi) == pytest.approx((3.0 - half, 3.0 + half), rel=1e-9)
