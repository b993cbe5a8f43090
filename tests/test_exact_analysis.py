"""Exact analysis (hasim.analysis.exact, hasim.analysis.check, ``hasim exact`` / ``hasim check``).

Every value ``exact()`` returns is compared here with a value derived without it: a closed form,
a small chain written out by hand (states and rates listed in the docstring) and solved with
numpy or with the helpers of ``tests/exact.py``, or a number pinned in ``test_exact_values.py``
(derived there independently for the simulation tests). The Markovian bundled models are then
simulated and compared with their exact values by ``compare``, sharply.

Rates are per hour: λ = 1/MTTF, μ = 1/MTTR, δ = 1/(mean detection delay), ρ = 1/(mean crew
response), σ = 1/(mean switchover); c is the standby coverage. A is an availability, U = 1 − A;
values near 1 are compared through U, never through A (where anything passes).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse import linalg as sla

import hasim
from hasim.analysis.check import Z_LIMIT, compare
from hasim.analysis.exact import (
    DENSE_LIMIT,
    ExactResult,
    NotExact,
    build_chain,
    exact,
    lumped_types,
)

from .exact import Chain, State, chain, exponential_interval_availability, system_probability

ROOT = Path(__file__).resolve().parent.parent
MODELS = sorted((ROOT / "models").glob("*.yaml"))

REL = 1e-9
"""Closed forms against the solver: dense linear algebra is good to ~1e-13."""
PINNED_REL = 1e-8
"""Against the numbers pinned in test_exact_values.py (10 significant digits)."""


def solve(yaml: str, **kwargs: int) -> ExactResult:
    return exact(hasim.model_from_yaml(yaml), **kwargs)


def numpy_steady_state(q: np.ndarray) -> np.ndarray:
    """π Q = 0, Σ π = 1: the last balance equation replaced by the normalisation."""
    n = len(q)
    a = q.T.copy()
    a[-1, :] = 1.0
    b = np.zeros(n)
    b[-1] = 1.0
    return np.linalg.solve(a, b)


def numpy_mttf(q: np.ndarray, up: np.ndarray, start: int = 0) -> float:
    """Mean time to reach a down state: −Q_UU τ = 1 over the up states."""
    ui = np.flatnonzero(up)
    tau = np.linalg.solve(-q[np.ix_(ui, ui)], np.ones(len(ui)))
    return float(tau[list(ui).index(start)])


def table_generator(table: dict[str, list[tuple[str, float]]]) -> tuple[list[str], np.ndarray]:
    names = list(table)
    q = np.zeros((len(names), len(names)))
    for s, moves in table.items():
        for t, rate in moves:
            q[names.index(s), names.index(t)] += rate
    q[np.diag_indices(len(names))] = -q.sum(axis=1)
    return names, q


def solved(yaml: str) -> tuple[hasim.CompiledModel, ExactResult]:
    m = hasim.model_from_yaml(yaml)
    return m, exact(m)


def sparse_steady_state(q: sparse.csr_matrix) -> np.ndarray:
    """π Q = 0, Σ π = 1 by a sparse LU: the last balance equation replaced by Σ π = 1."""
    n = q.shape[0]
    a = sparse.lil_matrix(q.T)
    a[n - 1, :] = np.ones(n)
    b = np.zeros(n)
    b[-1] = 1.0
    return np.asarray(sla.spsolve(a.tocsc(), b))


def assert_cycle_means(m: hasim.CompiledModel, r: ExactResult) -> None:
    """The failure frequency f, mean up time MUT and mean down time MDT, each derived on the
    chain from its own definition, with a steady state π solved here.

    (The solver takes f as the flow from up to down states and sets MUT = A/f, MDT = U/f, so
    checking f·MUT = A would check nothing.) Here f is the flow from down to up states: the
    other direction across the cut, equal to it in steady state. MDT is the mean time to leave
    the down set D from where it is entered: the entering flows (π_U Q_UD) as weights, times
    τ with −Q_DD τ = 1; MUT likewise on the up set U. Then 1/f = MUT + MDT, the mean length of
    an up-down cycle, ties the three together.
    """
    c = build_chain(m)
    q = sparse.csr_matrix(c.Q)
    up = np.asarray(c.up, dtype=bool)
    down = ~up
    pi = sparse_steady_state(q)
    into_down = np.asarray(q[up][:, down].T @ pi[up]).ravel()
    into_up = np.asarray(q[down][:, up].T @ pi[down]).ravel()
    f = float(into_up.sum())
    assert f > 0 and f == pytest.approx(float(into_down.sum()), rel=1e-9)

    def mean_stay(block: np.ndarray, entry: np.ndarray) -> float:
        sub = sparse.csc_matrix(-q[block][:, block])
        tau = np.atleast_1d(sla.spsolve(sub, np.ones(int(block.sum()))))
        return float(entry @ tau / entry.sum())

    mut, mdt = mean_stay(up, into_up), mean_stay(down, into_down)
    assert r.failure_frequency == pytest.approx(f, rel=1e-8)
    assert r.mean_up_time_hours == pytest.approx(mut, rel=1e-8)
    assert r.mean_down_time_hours == pytest.approx(mdt, rel=1e-8)
    assert f * (mut + mdt) == pytest.approx(1.0, rel=1e-9)


# --- 1. closed forms and hand-built chains -------------------------------------------------------

PAIR = """
hasim: 1
name: parallel pair
mission: 1000h
{crews}
components:
  a: {{count: 2, failure: 100h, repair: 5h{crew}}}
system: {{parallel: a}}
"""


def test_parallel_pair_one_shared_crew() -> None:
    """Parallel pair, λ = 0.01, μ = 0.2, one crew of size 1.

    Birth–death chain on the number failed: 0 →2λ→ 1 →λ→ 2, 1 →μ→ 0, 2 →μ→ 1 (one repair at a
    time). With r = λ/μ, π ∝ (1, 2r, 2r²), so U = 2r²/(1 + 2r + 2r²). The system fails from
    state 1 at rate λ: f = π₁λ; it is down only in state 2, left at rate μ: MDT = 1/μ.
    MTTF (state 2 absorbing): T₀ = 1/(2λ) + T₁, T₁ = 1/(λ+μ) + μ/(λ+μ)·T₀, so
    T₀ = (3λ+μ)/(2λ²) = 1150 h (the crew never matters before the first system failure).
    """
    lam, mu = 0.01, 0.2
    r = lam / mu
    norm = 1 + 2 * r + 2 * r * r
    m, r_ex = solved(PAIR.format(crews="crews:\n  ops: {size: 1}", crew=", crew: ops"))
    assert r_ex.method == "ctmc"
    assert r_ex.states == 3
    assert r_ex.steady_state_unavailability == pytest.approx(2 * r * r / norm, rel=REL)
    assert r_ex.failure_frequency == pytest.approx(2 * r / norm * lam, rel=REL)
    assert r_ex.mean_down_time_hours == pytest.approx(1 / mu, rel=REL)
    assert r_ex.mttf_hours == pytest.approx((3 * lam + mu) / (2 * lam**2), rel=REL)
    assert r_ex.mttf_hours == pytest.approx(1150.0, rel=REL)
    assert_cycle_means(m, r_ex)


def test_parallel_pair_independent_repair() -> None:
    """Parallel pair, λ = 0.01, μ = 0.2, each unit repaired on its own.

    Two independent units, each up with a = μ/(λ+μ): U = (1 − a)² = λ²/(λ+μ)². Down only with
    both failed, left at rate 2μ: MDT = 1/(2μ). MTTF = (3λ+μ)/(2λ²) (as with one crew).
    Over T = 1000 h from all up, the mission unavailability is the time average of
    (1 − p(t))², p(t) = a + b e^{−st} with s = λ+μ, b = λ/s, so 1 − p(t) = b(1 − e^{−st}) and
    (1/T)∫₀ᵀ(1 − p)² = b² − 2b²(1 − e^{−sT})/(sT) + b²(1 − e^{−2sT})/(2sT).
    """
    lam, mu, t = 0.01, 0.2, 1000.0
    s = lam + mu
    b = lam / s
    m, r_ex = solved(PAIR.format(crews="", crew=""))
    assert r_ex.steady_state_unavailability == pytest.approx(b * b, rel=REL)
    assert r_ex.mean_down_time_hours == pytest.approx(1 / (2 * mu), rel=REL)
    assert r_ex.mttf_hours == pytest.approx((3 * lam + mu) / (2 * lam**2), rel=REL)
    u_interval = (b * b - 2 * b * b * -math.expm1(-s * t) / (s * t)
                  + b * b * -math.expm1(-2 * s * t) / (2 * s * t))
    assert 1 - r_ex.interval_availability == pytest.approx(u_interval, rel=REL)
    assert_cycle_means(m, r_ex)


TWO_OF_THREE = """
hasim: 1
name: two of three
mission: 1000h
{crews}
components:
  a: {{count: 3, failure: 500h, repair: 10h{crew}}}
system: {{k_of_n: {{k: 2, of: a}}}}
"""


def test_two_of_three_independent_repair() -> None:
    """2-of-3, λ = 0.002, μ = 0.1, independent repair: birth–death with rates (3−i)λ and iμ,
    i.e. three independent units each up with a = μ/(λ+μ): A = 3a²(1−a) + a³ = 3a² − 2a³.
    Failure frequency: the system fails from i = 1 at rate 2λ, π₁ = 3a²(1−a):
    f = 6λa²(1−a). MTTF: T₀ = 1/(3λ) + T₁, T₁ = 1/(2λ+μ) + μ/(2λ+μ)·T₀, so
    T₀ = (5λ+μ)/(6λ²)."""
    lam, mu = 0.002, 0.1
    a = mu / (lam + mu)
    m, r_ex = solved(TWO_OF_THREE.format(crews="", crew=""))
    assert r_ex.states == 4
    assert r_ex.steady_state_unavailability == pytest.approx(1 - (3 * a * a - 2 * a**3),
                                                             rel=REL)
    assert r_ex.failure_frequency == pytest.approx(6 * lam * a * a * (1 - a), rel=REL)
    assert r_ex.mttf_hours == pytest.approx((5 * lam + mu) / (6 * lam**2), rel=REL)
    assert_cycle_means(m, r_ex)


def test_two_of_three_one_crew() -> None:
    """2-of-3, λ = 0.002, μ = 0.1, one crew of size 1: rates (3−i)λ up and μ down, so with
    r = λ/μ, π ∝ (1, 3r, 6r², 6r³); U = (6r² + 6r³)/(1 + 3r + 6r² + 6r³), f = π₁·2λ, and
    the MTTF is the same (5λ+μ)/(6λ²) as with independent repair (one unit down at most)."""
    lam, mu = 0.002, 0.1
    r = lam / mu
    weights = np.array([1, 3 * r, 6 * r**2, 6 * r**3])
    pi = weights / weights.sum()
    m, r_ex = solved(TWO_OF_THREE.format(crews="crews:\n  ops: {size: 1}", crew=", crew: ops"))
    assert r_ex.states == 4
    assert r_ex.steady_state_unavailability == pytest.approx(pi[2] + pi[3], rel=REL)
    assert r_ex.failure_frequency == pytest.approx(pi[1] * 2 * lam, rel=REL)
    assert r_ex.mttf_hours == pytest.approx((5 * lam + mu) / (6 * lam**2), rel=REL)
    assert_cycle_means(m, r_ex)


COLD_PAIR = """
hasim: 1
name: cold standby pair
mission: 500h
{crews}
components:
  db: {{count: 2, failure: 200h, repair: 4h{crew}}}
system: {{standby: {{of: db, mode: cold, switchover: 30min, coverage: 0.9}}}}
"""


def cold_standby_table(lam: float, mu: float, sigma: float, c: float,
                       shared_crew: bool) -> dict[str, list[tuple[str, float]]]:
    """Cold standby pair (the spare does not age), coverage c, exponential switchover σ.

    S0 both up, active in service; S1 active in service, the other in repair; W switching in the
    spare (it ages as active), the other in repair; W2 switching, the other repaired (an idle
    spare: non-revertive); X no active unit (failed switchover), one idle unit up, the other in
    repair; D2 both in repair.
    S0 →cλ→ W, →(1−c)λ→ X; S1 →μ→ S0, →λ→ D2; W →σ→ S1, →λ→ D2, →μ→ W2; W2 →σ→ S0,
    →cλ→ W (the unit being switched in fails, detected at once: a new switchover to the
    repaired spare), →(1−c)λ→ X (that switchover fails);
    X →μ→ S0 (the repaired unit becomes active at once); D2 → S1 at 2μ (independent repair)
    or μ (one crew: the second repair starts when the first ends). Up in S0 and S1.
    """
    return {
        "S0": [("W", c * lam), ("X", (1 - c) * lam)],
        "S1": [("S0", mu), ("D2", lam)],
        "W": [("S1", sigma), ("D2", lam), ("W2", mu)],
        "W2": [("S0", sigma), ("W", c * lam), ("X", (1 - c) * lam)],
        "X": [("S0", mu)],
        "D2": [("S1", (1 if shared_crew else 2) * mu)],
    }


@pytest.mark.parametrize("shared_crew", [False, True], ids=["independent", "one-crew"])
def test_cold_standby_imperfect_switching(shared_crew: bool) -> None:
    """Cold standby pair, λ = 0.005, μ = 0.25, switchover mean 30 min (σ = 2), c = 0.9, solved
    from the six-state chain of cold_standby_table with numpy: steady state, failure frequency
    (rate from S0, S1 into W, X, D2), MTTF, and the interval availability over 500 h (Van Loan
    integral of the same chain, tests/exact.py)."""
    lam, mu, sigma, c, t = 0.005, 0.25, 2.0, 0.9, 500.0
    names, q = table_generator(cold_standby_table(lam, mu, sigma, c, shared_crew))
    up = np.array([n in ("S0", "S1") for n in names])
    pi = numpy_steady_state(q)
    freq = float(sum(pi[i] * q[i, j] for i in np.flatnonzero(up) for j in np.flatnonzero(~up)))
    table = cold_standby_table(lam, mu, sigma, c, shared_crew)
    ctmc = chain("S0", lambda s: table[str(s)], lambda s: s in ("S0", "S1"))

    crews = "crews:\n  ops: {size: 1}" if shared_crew else ""
    m, r_ex = solved(COLD_PAIR.format(crews=crews, crew=", crew: ops" if shared_crew else ""))
    # units of a standby group are not lumped: the chain also knows which unit is active, so
    # each role but D2 (no active unit) comes twice; with one crew D2 also knows which unit
    # is in repair and which one waits
    assert r_ex.states == 2 * 5 + (2 if shared_crew else 1)
    assert r_ex.steady_state_unavailability == pytest.approx(float(pi[~up].sum()), rel=REL)
    assert r_ex.failure_frequency == pytest.approx(freq, rel=REL)
    assert r_ex.mttf_hours == pytest.approx(numpy_mttf(q, up), rel=REL)
    assert 1 - r_ex.interval_availability == pytest.approx(
        1 - ctmc.interval_availability(t), rel=REL)
    assert_cycle_means(m, r_ex)


def test_single_unit_detection_delay() -> None:
    """One unit, exponential failure (100 h), detection (2 h) and repair (5 h), no crew:
    a three-phase cycle up → undetected → in repair, so A = MTTF/(MTTF + MTTD + MTTR) = 100/107,
    f = 1/107 per hour, MDT = 7 h, MTTF = 100 h, and P(fail within T) = 1 − e^{−λT}."""
    m, r_ex = solved("""
hasim: 1
name: detection
mission: 300h
components:
  a: {failure: 100h, repair: 5h, detection: 2h}
system: a
""")
    assert r_ex.states == 3
    assert r_ex.steady_state_unavailability == pytest.approx(7 / 107, rel=REL)
    assert r_ex.failure_frequency == pytest.approx(1 / 107, rel=REL)
    assert r_ex.mean_down_time_hours == pytest.approx(7.0, rel=REL)
    assert r_ex.mttf_hours == pytest.approx(100.0, rel=REL)
    assert r_ex.p_system_failure == pytest.approx(-math.expm1(-300 / 100), rel=REL)
    assert_cycle_means(m, r_ex)


def test_pair_with_detection_and_shared_crew() -> None:
    """Parallel pair, λ = 0.01, detection δ = 0.5 (2 h), repair μ = 0.125 (8 h), one crew.

    State (u, r): u failed undetected, r detected (in repair or queued):
    (u, r) →(2−u−r)λ→ (u+1, r); →uδ→ (u−1, r+1); →μ if r ≥ 1→ (u, r−1). Six states; down
    when u + r = 2. Solved with numpy; MTTF from −Q_UU τ = 1.
    """
    lam, delta, mu = 0.01, 0.5, 0.125
    states = [(u, r) for u in range(3) for r in range(3) if u + r <= 2]
    idx = {s: i for i, s in enumerate(states)}
    q = np.zeros((6, 6))
    for (u, r) in states:
        if u + r < 2:
            q[idx[u, r], idx[u + 1, r]] += (2 - u - r) * lam
        if u:
            q[idx[u, r], idx[u - 1, r + 1]] += u * delta
        if r:
            q[idx[u, r], idx[u, r - 1]] += mu
    q[np.diag_indices(6)] = -q.sum(axis=1)
    up = np.array([u + r < 2 for u, r in states])
    pi = numpy_steady_state(q)

    m, r_ex = solved("""
hasim: 1
name: pair, detection, one crew
mission: 1000h
crews:
  ops: {size: 1}
components:
  a: {count: 2, failure: 100h, detection: 2h, repair: 8h, crew: ops}
system: {parallel: a}
""")
    assert r_ex.states == 6
    assert r_ex.steady_state_unavailability == pytest.approx(float(pi[~up].sum()), rel=REL)
    assert r_ex.mttf_hours == pytest.approx(numpy_mttf(q, up, idx[0, 0]), rel=REL)
    assert_cycle_means(m, r_ex)


ONE = """
hasim: 1
name: one exponential component
mission: {mission}
components:
  a: {{failure: 100h, repair: 10h}}
system: a
"""


@pytest.mark.parametrize("t", [30.0, 500.0, 8760.0])
def test_single_unit_interval_availability(t: float) -> None:
    """One unit, λ = 0.01, μ = 0.1, from up: A(T) = μ/(λ+μ) + λ(1 − e^{−(λ+μ)T})/((λ+μ)²T).
    Each failure is one outage: E[outages] = λ·T·A(T); P(failure within T) = 1 − e^{−λT};
    steady state μ/(λ+μ) = 10/11."""
    lam, mu = 0.01, 0.1
    s = lam + mu
    a_t = mu / s + lam * -math.expm1(-s * t) / (s * s * t)
    assert a_t == pytest.approx(exponential_interval_availability(lam, mu, t), rel=1e-15)
    r_ex = solve(ONE.format(mission=f"{t:g}h"))
    assert r_ex.mission_hours == t
    assert r_ex.steady_state_unavailability == pytest.approx(1 / 11, rel=REL)
    assert 1 - r_ex.interval_availability == pytest.approx(1 - a_t, rel=REL)
    assert r_ex.expected_outages == pytest.approx(lam * t * a_t, rel=REL)
    assert r_ex.p_system_failure == pytest.approx(-math.expm1(-lam * t), rel=REL)


SERIES = """
hasim: 1
name: series of three
mission: 400h
components:
  a: {failure: 100h, repair: 2h}
  b: {failure: 250h, repair: 10h}
  c: {failure: 1000h, repair: 0.5h}
system: {series: [a, b, c]}
"""


def test_series_outages_and_first_failure() -> None:
    """Series of three independently repaired units (λ, μ) = (0.01, 0.5), (0.004, 0.1),
    (0.001, 2), T = 400 h.

    Units fail whatever the system state, so the system leaves "all up" at rate Λ = Σλ and
    only from there: P(no failure within T) = e^{−ΛT}, MTTF = 1/Λ, and
    E[outages] = Λ ∫₀ᵀ Π pᵢ(t) dt with pᵢ(t) = aᵢ + bᵢ e^{−sᵢt} (aᵢ = μᵢ/sᵢ, bᵢ = λᵢ/sᵢ,
    sᵢ = λᵢ+μᵢ). Expanding the product over subsets S of units:
    ∫ Π pᵢ = Σ_S Π_{i∉S} aᵢ Π_{i∈S} bᵢ (1 − e^{−s_S T})/s_S (T for S = ∅), s_S = Σ_{i∈S} sᵢ.
    The same integral over T is the interval availability; steady state Π aᵢ.
    """
    rates = [(0.01, 0.5), (0.004, 0.1), (0.001, 2.0)]
    t = 400.0
    lam_sum = sum(lam for lam, _ in rates)
    integral = 0.0
    for subset in itertools.product((False, True), repeat=3):
        coef, s_sum = 1.0, 0.0
        for (lam, mu), chosen in zip(rates, subset, strict=True):
            coef *= lam / (lam + mu) if chosen else mu / (lam + mu)
            s_sum += (lam + mu) if chosen else 0.0
        integral += coef * (-math.expm1(-s_sum * t) / s_sum if s_sum else t)
    m, r_ex = solved(SERIES)
    assert r_ex.states == 8
    assert r_ex.p_system_failure == pytest.approx(-math.expm1(-lam_sum * t), rel=REL)
    assert 1 - r_ex.p_system_failure == pytest.approx(math.exp(-lam_sum * t), rel=REL)
    assert r_ex.expected_outages == pytest.approx(lam_sum * integral, rel=REL)
    assert 1 - r_ex.interval_availability == pytest.approx(1 - integral / t, rel=REL)
    assert r_ex.mttf_hours == pytest.approx(1 / lam_sum, rel=REL)
    steady = math.prod(mu / (lam + mu) for lam, mu in rates)
    assert r_ex.steady_state_unavailability == pytest.approx(1 - steady, rel=REL)
    # the system fails from all-up only: f = Λ Π aᵢ
    assert r_ex.failure_frequency == pytest.approx(lam_sum * steady, rel=REL)
    assert_cycle_means(m, r_ex)


# --- 2. the pinned interval values of test_exact_values.py -------------------------------------

PINNED = {
    "one component, 30 h": (ONE.format(mission="30h"), 0.0643769468, None),
    "2 of 3, one crew": ("""
hasim: 1
name: two of three, one crew
mission: 2000h
crews:
  ops: {size: 1}
components:
  a: {count: 3, failure: 100h, repair: 20h, crew: ops}
system: {k_of_n: {k: 2, of: a}}
""", 0.1495798621, 12.63871732),
    "crew response": ("""
hasim: 1
name: pair, one crew with response
mission: 2000h
crews:
  ops: {size: 1, response: 3h}
components:
  a: {count: 2, failure: 50h, repair: 10h, crew: ops}
system: {parallel: a}
""", 0.07005994512, 13.04511289),
    "detection, one crew": ("""
hasim: 1
name: pair, detection, one crew
mission: 2000h
crews:
  ops: {size: 1}
components:
  a: {count: 2, failure: 50h, repair: 10h, crew: ops, detection: 5h}
system: {parallel: a}
""", 0.07450252055, 13.82072989),
}
STANDBY = """
hasim: 1
name: standby pair
mission: 2000h
components:
  db: {{count: 2, failure: 50h, repair: 5h}}
system: {{standby: {{of: db, mode: {mode}, switchover: 10h, coverage: 0.8{extra}}}}}
"""
PINNED |= {
    "standby cold": (STANDBY.format(mode="cold", extra=""), 0.1419850904, 34.32059638),
    "standby warm": (STANDBY.format(mode="warm", extra=", dormant_factor: 0.3"), 0.1391033920,
                     34.43586432),
    "standby hot": (STANDBY.format(mode="hot", extra=""), 0.1330204752, 34.67918099),
}


@pytest.mark.parametrize("name", list(PINNED))
def test_pinned_interval_values(name: str) -> None:
    """exact() reproduces the mission unavailability (and the expected outages) derived
    independently in test_exact_values.py, from its own chains, for the same models."""
    yaml, u_pinned, outages_pinned = PINNED[name]
    r_ex = solve(yaml)
    assert r_ex.method == "ctmc"
    assert 1 - r_ex.interval_availability == pytest.approx(u_pinned, rel=PINNED_REL)
    if outages_pinned is not None:
        assert r_ex.expected_outages == pytest.approx(outages_pinned, rel=PINNED_REL)


def test_pinned_single_component_failure_probability() -> None:
    """test_exact_values pins, for one unit (λ = 0.01, μ = 0.1) over 20 h, 1 − A(T) = 0.0541654198
    and P(fail within T) = 1 − e^{−λT} = 0.1812692469."""
    r_ex = solve(ONE.format(mission="20h"))
    assert 1 - r_ex.interval_availability == pytest.approx(0.0541654198, rel=PINNED_REL)
    assert r_ex.p_system_failure == pytest.approx(0.1812692469, rel=PINNED_REL)


# --- 3. lumping ---------------------------------------------------------------------------------

SEVEN_OF_TEN = """
hasim: 1
name: 7 of 10, two engineers
mission: 2000h
crews:
  ops: {size: 2, response: 1h}
components:
  app: {count: 10, failure: 300h, repair: 8h, detection: 30min, crew: ops}
system: {k_of_n: {k: 7, of: app}}
"""


def seven_of_ten_chain(lam: float, delta: float, rho: float, mu: float) -> Chain:
    """The lumped chain by hand: state (undetected, responding, repairing, queued); the up
    count is 10 minus their sum. A detected unit takes a free engineer (responding) or queues;
    a response ends into repair; a repair ends and the engineer takes the head of the queue.
    Up while at least 7 units are up."""

    def moves(s: State) -> Iterator[tuple[State, float]]:
        und, resp, rep, queued = s
        n_up = 10 - und - resp - rep - queued
        yield (und + 1, resp, rep, queued), n_up * lam
        if und:
            if resp + rep < 2:
                yield (und - 1, resp + 1, rep, queued), und * delta
            else:
                yield (und - 1, resp, rep, queued + 1), und * delta
        if resp:
            yield (und, resp - 1, rep + 1, queued), resp * rho
        if rep:
            if queued:
                yield (und, resp + 1, rep - 1, queued - 1), rep * mu
            else:
                yield (und, resp, rep - 1, queued), rep * mu

    return chain((0, 0, 0, 0), moves, lambda s: 10 - sum(s) >= 7)


def test_lumped_seven_of_ten_with_two_engineers() -> None:
    """7-of-10, crew of size 2 with response, detection delay: the ten instances are tracked as
    counts (up, undetected, responding, repairing, queued) summing to 10, with
    busy = responding + repairing ≤ 2 and a queue only when both engineers are busy:

    * busy = 0: no queue, undetected 0..10 → 11 states;
    * busy = 1 (responding or repairing): undetected 0..9 → 2 · 10 = 20 states;
    * busy = 2 ((2,0), (1,1), (0,2)): undetected + queued ≤ 8 → 3 · C(10, 2) = 3 · 45 = 135.

    166 states in all (not 5¹⁰ · orders of a queue). The values match the chain written by hand.
    """
    m = hasim.model_from_yaml(SEVEN_OF_TEN)
    assert lumped_types(m) == {0}
    c = build_chain(m)
    assert len(c.states) == 11 + 20 + 135 == 166
    r_ex = exact(m)
    assert r_ex.states == 166
    ctmc = seven_of_ten_chain(1 / 300, 2.0, 1.0, 1 / 8)
    assert len(ctmc.states) == 166
    t = 2000.0
    assert r_ex.steady_state_unavailability == pytest.approx(
        1 - ctmc.steady_availability(), rel=1e-8)
    assert 1 - r_ex.interval_availability == pytest.approx(
        1 - ctmc.interval_availability(t), rel=1e-8)
    assert r_ex.expected_outages == pytest.approx(
        ctmc.expected_failures(t), rel=1e-8)
    assert 1 - r_ex.p_system_failure == pytest.approx(
        ctmc.survival(t), rel=1e-8)


PAIR_CREW = """
hasim: 1
name: pair
mission: 1000h
crews:
  ops: {{size: 1, response: 30min}}
components:
  x: {{count: 2, failure: 40h, repair: 6h, detection: 1h, crew: ops}}
system: {system}
"""


def assert_same_values(a: ExactResult, b: ExactResult) -> None:
    assert a.steady_state_unavailability == pytest.approx(b.steady_state_unavailability,
                                                          rel=1e-10)
    assert 1 - a.interval_availability == pytest.approx(1 - b.interval_availability, rel=1e-10)
    assert a.expected_outages == pytest.approx(b.expected_outages, rel=1e-10)
    assert a.p_system_failure == pytest.approx(b.p_system_failure, rel=1e-10)
    assert a.mttf_hours == pytest.approx(b.mttf_hours, rel=1e-10)
    assert a.failure_frequency == pytest.approx(b.failure_frequency, rel=1e-10)


def test_individual_references_are_not_lumped_but_agree() -> None:
    """A pair with detection, one engineer with response, three ways of writing "either unit":

    * ``parallel: x``: lumped. Counts (up, undetected, responding, repairing, queued): idle
      crew, undetected 0..2 → 3 states; busy (responding or repairing), (undetected, queued)
      in (0,0), (1,0), (0,1) → 2 · 3 = 6; 9 states.
    * ``parallel: ["x[0]", "x[1]"]``: the node holds every instance, so the structure is still
      symmetric in them: lumped too, the same chain.
    * ``parallel: [{series: ["x[0]"]}, {series: ["x[1]"]}]``: each node holds one instance:
      not lumped, each unit has its own phase (up, undetected, responding, repairing, queued):
      idle crew, each unit up or undetected → 4; one unit (2 ways) responding or repairing,
      the other up, undetected or queued → 2 · 2 · 3 = 12; 16 states.

    The three give the same values (the structure functions are the same).
    """
    models = {system: hasim.model_from_yaml(PAIR_CREW.format(system=system)) for system in
              ("{parallel: x}", '{parallel: ["x[0]", "x[1]"]}',
               '{parallel: [{series: ["x[0]"]}, {series: ["x[1]"]}]}')}
    (lumped, listed, single) = models.values()
    assert lumped_types(lumped) == {0}
    assert lumped_types(listed) == {0}
    assert lumped_types(single) == set()
    r_lumped, r_listed, r_single = (exact(m) for m in models.values())
    assert r_lumped.states == r_listed.states == 9
    assert r_single.states == 16
    assert_same_values(r_listed, r_lumped)
    assert_same_values(r_single, r_lumped)


def test_asymmetric_structure_against_separate_types() -> None:
    """``series: [x[0], parallel: [x[1], x[2]]]`` is not symmetric in x: x is not lumped as
    a type, but x[1] and x[2] hang under the same node and are lumped as a class. The same
    system written with two types (a: 1 instance, b: 2 instances, same laws and crew) lumps b
    into the same classes: the same chain, the same values."""
    yaml = """
hasim: 1
name: asymmetric
mission: 1000h
crews:
  ops: {{size: 1, response: 30min}}
components:
{components}
system: {system}
"""
    laws = "failure: 40h, repair: 6h, detection: 1h, crew: ops"
    by_index = hasim.model_from_yaml(yaml.format(
        components=f"  x: {{count: 3, {laws}}}",
        system='{series: ["x[0]", {parallel: ["x[1]", "x[2]"]}]}'))
    by_type = hasim.model_from_yaml(yaml.format(
        components=f"  a: {{count: 1, {laws}}}\n  b: {{count: 2, {laws}}}",
        system="{series: [a, {parallel: b}]}"))
    assert lumped_types(by_index) == set()
    assert lumped_types(by_type) == {1}
    r_index, r_type = exact(by_index), exact(by_type)
    assert r_index.states == r_type.states
    assert_same_values(r_index, r_type)


# --- 4. renewal theory ---------------------------------------------------------------------------

RENEWAL = """
hasim: 1
name: general laws
mission: 1y
{crews}
components:
  a:
    count: {count}
    failure: {{weibull: {{shape: 1.5, mean: 1000h}}}}
    repair: {{lognormal: {{mean: 10h, cv: 1.2}}}}
    detection: {{uniform: {{min: 1h, max: 3h}}}}
{crew}
system: {system}
"""


def test_renewal_single_unit() -> None:
    """One unit, Weibull failure (mean 1000 h), uniform detection (mean 2 h), lognormal repair
    (mean 10 h): alternating renewal process, A = 1000/(1000 + 2 + 10) = 1000/1012 whatever
    the shapes; one failure per cycle: w = 1/1012 per hour, mean up time 1000 h, mean down
    time 12 h. No transient solution: every mission value is None."""
    r_ex = solve(RENEWAL.format(crews="", count=1, crew="", system="a"))
    assert r_ex.method == "renewal"
    assert r_ex.states == 2
    assert r_ex.steady_state_unavailability == pytest.approx(12 / 1012, rel=REL)
    assert r_ex.failure_frequency == pytest.approx(1 / 1012, rel=REL)
    assert r_ex.mean_up_time_hours == pytest.approx(1000, rel=REL)
    assert r_ex.mean_down_time_hours == pytest.approx(12, rel=REL)
    assert r_ex.importance["a"]["birnbaum"] == pytest.approx(1.0, rel=REL)
    for name in ("interval_availability", "mttf_hours", "expected_outages",
                 "p_system_failure"):
        assert getattr(r_ex, name) is None, name
    assert r_ex.notes and "renewal" in r_ex.notes[0]
    d = r_ex.to_dict()
    assert d["interval_availability"] is None and d["method"] == "renewal"


def test_renewal_two_of_three_structure_function() -> None:
    """2-of-3 of the same independent units: A = 3a² − 2a³ with a = 1000/1012 (the instances
    are lumped: the structure is evaluated for 0..3 units up, 4 evaluations)."""
    a = 1000 / 1012
    r_ex = solve(RENEWAL.format(crews="", count=3, crew="", system="{k_of_n: {k: 2, of: a}}"))
    assert r_ex.method == "renewal"
    assert r_ex.states == 4
    assert r_ex.steady_state_unavailability == pytest.approx(1 - (3 * a * a - 2 * a**3),
                                                             rel=REL)


def test_renewal_crew_that_never_queues_adds_its_response() -> None:
    """A crew at least as large as the units it serves never makes a repair wait: each unit is
    still on its own, and its down time is detection + response + repair:
    a = 1000/(1000 + 2 + 0.5 + 10); 2-of-3 → 3a² − 2a³."""
    a = 1000 / 1012.5
    r_ex = solve(RENEWAL.format(
        crews="crews:\n  ops: {size: 3, response: {lognormal: {mean: 30min, cv: 1}}}",
        count=3, crew="    crew: ops", system="{k_of_n: {k: 2, of: a}}"))
    assert r_ex.method == "renewal"
    assert r_ex.steady_state_unavailability == pytest.approx(1 - (3 * a * a - 2 * a**3),
                                                             rel=REL)


def test_renewal_bridge_model() -> None:
    """models/bridge.yaml (lognormal and Weibull repairs, no crews): the structure function of
    the bridge (minimal paths u0·d0, u1·d1, u0·x·d1, u1·x·d0) over independent links, each up
    with MTTF/(MTTF + mean repair): 1/3.5e-4 h vs 8 h for the circuits, 87,600 h vs 3 h for
    the cross-connect."""
    m = hasim.load_model(ROOT / "models" / "bridge.yaml")
    link = (1 / 3.5e-4) / (1 / 3.5e-4 + 8.0)
    cross = 87_600 / (87_600 + 3.0)

    def bridge(x: tuple[bool, ...]) -> bool:
        u0, u1, d0, d1, c = x
        return (u0 and d0) or (u1 and d1) or (u0 and c and d1) or (u1 and c and d0)

    expected = system_probability(bridge, [link, link, link, link, cross])
    r_ex = exact(m)
    assert r_ex.method == "renewal"
    assert r_ex.steady_state_unavailability == pytest.approx(1 - expected, rel=1e-8)


def test_compare_refuses_a_renewal_result() -> None:
    r_ex = solve(RENEWAL.format(crews="", count=1, crew="", system="a"))
    study = hasim.run_study(hasim.model_from_yaml(RENEWAL.format(crews="", count=1, crew="",
                                                                  system="a")),
                            runs=10, seed=1, workers=1, progress=False)
    with pytest.raises(ValueError, match="renewal"):
        compare(study, r_ex)


# --- 5. refusals ---------------------------------------------------------------------------------

SHARED_LOGNORMAL = """
hasim: 1
name: lognormal repair, one engineer for two units
mission: 1y
crews:
  ops: {size: 1}
components:
  db: {count: 2, failure: 1000h, repair: {lognormal: {mean: 4h, cv: 1.0}}, crew: ops}
system: {parallel: db}
"""


def test_refuses_non_exponential_repair_with_a_queueing_crew() -> None:
    """A lognormal repair makes the chain non-Markovian, and a crew of 1 for 2 units couples
    the units, so renewal theory does not apply either: refused, naming unit and law."""
    with pytest.raises(NotExact) as info:
        solve(SHARED_LOGNORMAL)
    message = str(info.value)
    assert "db[0]" in message
    assert "repair" in message and "lognormal" in message
    assert "renewal theory needs independent units" in message


def test_refuses_non_exponential_standby() -> None:
    """Standby groups are never independent units: a Weibull failure law in a group is
    refused."""
    with pytest.raises(NotExact, match=r"db\[0\].*weibull"):
        solve("""
hasim: 1
name: weibull standby
mission: 1y
components:
  db: {count: 2, failure: {weibull: {shape: 2, mean: 1000h}}, repair: 4h}
system: {standby: {of: db, mode: hot}}
""")


def test_refuses_a_chain_over_the_state_limit() -> None:
    """models/quorum-markov.yaml has a 36-state chain (see the CLI test); with max_states = 20
    it is refused, naming the limit (one crew for five units: no renewal fallback)."""
    m = hasim.load_model(ROOT / "models" / "quorum-markov.yaml")
    with pytest.raises(NotExact, match=r"more than 20 states"):
        exact(m, max_states=20)
    with pytest.raises(NotExact, match=r"more than 20 states"):
        build_chain(m, max_states=20)
    assert exact(m, max_states=36).states == 36


def test_refuses_a_structure_function_over_the_limit() -> None:
    """Renewal theory evaluates the structure function once per combination of up counts:
    4 for a lumped 2-of-3, refused with max_states = 3."""
    with pytest.raises(NotExact, match=r"more than 3"):
        solve(RENEWAL.format(crews="", count=3, crew="", system="{k_of_n: {k: 2, of: a}}"),
              max_states=3)


# --- 6. simulation against exact values on the bundled Markovian models ------------------------


@pytest.fixture(scope="module")
def markov_models() -> dict[str, tuple[hasim.CompiledModel, ExactResult]]:
    """Every bundled model exact() solves as a Markov chain."""
    out = {}
    for path in MODELS:
        m = hasim.load_model(path)
        try:
            r_ex = exact(m)
        except NotExact:
            continue
        if r_ex.method == "ctmc":
            out[path.stem] = (m, r_ex)
    return out


# runs per model, and the largest 4·se allowed for each metric as a fraction of its exact value
# (measured at seed 20240611: quorum 13 % / 9 % / 9 %, web cluster 3.9 % / 0.6 % / 0.3 %)
SHARPNESS = {
    # U ≈ 1.3e-6 and P(outage) ≈ 0.0019 per year: rare events, many runs (~6 s)
    "quorum-markov": (1_000_000, {"unavailability": 0.15, "outages": 0.12,
                                  "p_system_failure": 0.12}),
    # U ≈ 2.1e-5, ~2.2 outages per year (~1 s)
    "web-cluster-markov": (200_000, {"unavailability": 0.05, "outages": 0.01,
                                     "p_system_failure": 0.01}),
}


def test_markovian_bundled_models_are_found(markov_models: dict) -> None:
    """Every bundled model with a Markov chain is simulated below (a new one needs its runs)."""
    assert set(markov_models) == set(SHARPNESS)
    for m, r_ex in markov_models.values():
        assert_cycle_means(m, r_ex)


@pytest.mark.parametrize("name", list(SHARPNESS))
def test_simulation_matches_exact(name: str, markov_models: dict) -> None:
    """The numba engine against the exact mission values: every |z| ≤ 4, and 4·se small enough
    that a bias of that size would be caught."""
    m, r_ex = markov_models[name]
    runs, sharp = SHARPNESS[name]
    study = hasim.run_study(m, runs=runs, seed=20240611, workers=1, progress=False)
    table = compare(study, r_ex)
    print(table)
    assert set(table.index) == {"unavailability", "outages", "p_system_failure"}
    assert (table["z"].abs() <= Z_LIMIT).all(), table
    for metric, fraction in sharp.items():
        row = table.loc[metric]
        assert 4 * row["stderr"] < fraction * row["exact"], (metric, row)


def test_compare_detects_a_wrong_exact_value(markov_models: dict) -> None:
    """A doctored 'exact' result, its unavailability 20 % too high, is rejected: |z| > 4."""
    m, r_ex = markov_models["web-cluster-markov"]
    study = hasim.run_study(m, runs=100_000, seed=7, workers=1, progress=False)
    assert (compare(study, r_ex)["z"].abs() <= Z_LIMIT).all()
    u = 1 - r_ex.interval_availability
    wrong = dataclasses.replace(r_ex, interval_availability=1 - 1.2 * u)
    table = compare(study, wrong)
    assert abs(table.loc["unavailability", "z"]) > Z_LIMIT
    assert table.loc["unavailability", "exact"] == pytest.approx(1.2 * u)


THREE_PAIRS = """
hasim: 1
name: three pairs, one engineer
mission: 500h
crews:
  ops: {size: 1, response: 15min}
components:
  p: {count: 2, failure: 40h, repair: 4h, crew: ops}
  q: {count: 2, failure: 40h, repair: 4h, crew: ops, detection: 20min}
  r: {count: 2, failure: 60h, repair: 4h, crew: ops}
system:
  k_of_n:
    k: 2
    of:
      - standby: {of: p, mode: hot, switchover: 30min, coverage: 0.9}
      - standby: {of: q, mode: cold, switchover: 10min}
      - parallel: r
"""


def test_sparse_chain_is_solved() -> None:
    """A Markovian model whose chain (7,048 states with failover at detection — q's 20 min —
    and retries after a lost target; 7,444 under the earlier rules: two standby pairs, whose
    units are not lumped, and a lumped pair, all queueing for one engineer, so the queue
    order is part of the state) is above DENSE_LIMIT, so it goes through the sparse solver.
    The chain is irreducible and well conditioned (cond(Q[1:, 1:]) ≈ 4.6e4; a direct sparse
    LU solves it), yet the ILU preconditioner of ``_solve`` hits an exactly zero pivot on
    Q[1:, 1:] (not on its transpose, used for the steady state) and exact() used to raise
    ``RuntimeError: Factor is exactly singular`` from mission_integral.

    The expected values are checked against the numba engine (100,000 runs; 4·se ≈ 3 % of the
    mission unavailability ≈ 0.00395). With a direct LU in place of the failed ILU the solver
    gives 1 − A(T) = 0.0039452, E[outages] = 1.16298, P(fail) = 0.626250, MTTF = 507.864 h.
    """
    m = hasim.model_from_yaml(THREE_PAIRS)
    r_ex = exact(m)
    assert r_ex.method == "ctmc"
    assert r_ex.states > DENSE_LIMIT
    study = hasim.run_study(m, runs=100_000, seed=2, workers=1, progress=False)
    table = compare(study, r_ex)
    assert (table["z"].abs() <= Z_LIMIT).all(), table
    row = table.loc["unavailability"]
    assert 4 * row["stderr"] < 0.05 * row["exact"]
    assert_cycle_means(m, r_ex)


# --- 7. command line -----------------------------------------------------------------------------


def hasim_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hasim", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_cli_exact_json(tmp_path: Path) -> None:
    out = hasim_cli("exact", str(ROOT / "models" / "quorum-markov.yaml"), "--json",
                    cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("steady_state_availability", "interval_availability", "failure_frequency",
                "mttf_hours", "mean_down_time_hours", "states"):
        assert key in data, key
    assert data["method"] == "ctmc"
    assert data["states"] == 36
    assert 0 < 1 - data["interval_availability"] < 1e-5
    r_ex = exact(hasim.load_model(ROOT / "models" / "quorum-markov.yaml"))
    assert data["mttf_hours"] == pytest.approx(r_ex.mttf_hours, rel=1e-12)


def test_cli_exact_refuses_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text(SHARED_LOGNORMAL)
    out = hasim_cli("exact", str(path), cwd=tmp_path)
    assert out.returncode == 2
    assert "no exact solution" in out.stderr
    assert "lognormal" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_cli_check_json(tmp_path: Path) -> None:
    # the run count chosen so that every metric can be tested (about 50 outages expected)
    out = hasim_cli("check", str(ROOT / "models" / "quorum-markov.yaml"), "--seed", "1",
                    "--json", "--workers", "1", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["ok"] is True
    assert data["runs"] > 10_000 and all(row["tested"] for row in data["metrics"])
    assert data["states"] == 36
    assert {row["metric"] for row in data["metrics"]} == {"unavailability", "outages",
                                                          "p_system_failure"}
