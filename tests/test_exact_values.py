"""The reference engine against exact answers (STYLE.md, habit 6; DESIGN.md, "Semantics").

Each test simulates a small model with a fixed seed in one process and compares per-run means
with a value derived here without the simulator: a CTMC solved with scipy, a closed form, a
structure function of independent components, or renewal theory (helpers in ``exact.py``).
``assert_close`` (``stats.py``) accepts a mean within 4 standard errors of the exact value and
first checks that those 4 standard errors are a small fraction of the quantity under test, so
each test can fail. Unavailability is tested, never availability (≈ 1, where anything passes).

Every exact value is also pinned to the number its derivation evaluates to, so a change of a
helper cannot silently move the target.

Rates are per hour: λ = 1/MTTF, μ = 1/MTTR, σ = 1/(mean switchover), ρ = 1/(mean response),
δ = 1/(mean detection delay).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pytest

import hasim
from hasim import StudyResult

from . import stats
from .exact import (
    Chain,
    State,
    chain,
    exponential_interval_availability,
    exponential_point_availability,
    independent_chain,
    renewal_availability,
    renewal_interval_availability,
    structure_interval_availability,
    system_probability,
)
from .stats import Z, assert_close, assert_distinguishable

Moves = Iterable[tuple[State, float]]


ENGINE = {"name": "simpy"}
NUMBA_SCALE = 64
"""The numba engine runs 64 times the replications: 8 times narrower intervals, so that every
unavailability is checked to within 1% of its exact value (the issue's bar for that engine)."""


@pytest.fixture(autouse=True, params=["simpy", "numba"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs on both engines: the reference at the run counts written in the test,
    the numba engine at NUMBA_SCALE times as many with a 1% sharpness bar."""
    monkeypatch.setitem(ENGINE, "name", request.param)
    monkeypatch.setattr(stats, "SHARPEST", 0.01 if request.param == "numba" else None)
    return str(request.param)


def simulate(yaml: str, runs: int, seed: int) -> StudyResult:
    """A study of a model written in YAML, serial (workers=1) and reproducible."""
    name = ENGINE["name"]
    runs = runs * NUMBA_SCALE if name == "numba" else runs
    return hasim.run_study(hasim.model_from_yaml(yaml), runs=runs, seed=seed, workers=1,
                           progress=False, engine=name)


def unavailability(study: StudyResult) -> np.ndarray:
    """Per-run interval unavailability: downtime / mission."""
    return study.runs.downtime_hours / study.mission


def outages(study: StudyResult) -> np.ndarray:
    return study.runs.outages.astype(float)


def failed(study: StudyResult) -> np.ndarray:
    """1 for the runs whose system failed within the mission, else 0."""
    return (~np.isnan(study.runs.first_failure_hours)).astype(float)


def crew_utilisation(study: StudyResult) -> np.ndarray:
    """Per-run fraction of the mission the (only, size-1) crew was busy."""
    return study.runs.crew_busy_hours[:, 0] / study.mission


def k_of_n_chain(n: int, k: int, lam: float, mu: float, crew: int | None = None) -> Chain:
    """Birth-death chain of n identical exponential units, state = number of failed units.

    From i failed: a failure at rate (n − i)λ, a repair at rate min(i, crew)·μ (i·μ when every
    unit is repaired on its own). With exponential repairs the FIFO order of the crew queue
    does not change the count. The system is up while at least k units are up.
    """
    servers = n if crew is None else crew

    def moves(i: State) -> Moves:
        yield i + 1, (n - i) * lam
        yield i - 1, min(i, servers) * mu

    return chain(0, moves, lambda i: n - i >= k)


# --- one exponential component -------------------------------------------------------------------

ONE = """
hasim: 1
name: one exponential component
mission: {mission}
components:
  a: {{failure: 100h, repair: 10h}}
system: a
"""


def test_one_component_finite_horizon_transient() -> None:
    """λ = 0.01, μ = 0.1, T = 30 h, starting up.

    A(T) = μ/(λ+μ) + λ(1 − e^{−(λ+μ)T}) / ((λ+μ)² T), so 1 − A(30 h) = 0.0643769 while the
    steady-state unavailability is 0.0909091: over a short mission the start "as good as new"
    matters, and the test must tell the two apart.
    """
    lam, mu, t = 0.01, 0.1, 30.0
    exact = 1 - exponential_interval_availability(lam, mu, t)
    assert exact == pytest.approx(0.0643769468, rel=1e-8)
    single = independent_chain([(lam, mu)], all)
    assert 1 - single.interval_availability(t) == pytest.approx(exact, rel=1e-9)

    study = simulate(ONE.format(mission="30h"), runs=15_000, seed=101)
    est = assert_close(unavailability(study), exact, sharp=0.10, what="unavailability")
    steady = lam / (lam + mu)
    assert_distinguishable(est, steady, "cannot distinguish the transient from steady state")


@pytest.mark.slow
def test_large_run_count_single_component() -> None:
    """100,000 replications of one component (λ = 0.01, μ = 0.1) over T = 20 h.

    DESIGN.md: streams of neighbouring replications that overlap passed small tests and
    drifted at z = −2.2 at 20,000 replications; this test has the run count to see a drift
    of that kind. Exact values:

    * 1 − A(20 h) = 0.0541654 (closed form above);
    * P(system fails within T) = P(the unit fails) = 1 − e^{−λT} = 0.181269;
    * E[outages] = ∫_0^T λ p(t) dt = λ T A(T) = 0.189167 (each failure of the unit, while up,
      is one outage);
    * neighbouring replications independent: lag-1 correlation of per-run downtime within
      4/√n of 0.
    """
    lam, mu, t, runs = 0.01, 0.1, 20.0, 100_000
    u_exact = 1 - exponential_interval_availability(lam, mu, t)
    assert u_exact == pytest.approx(0.0541654198, rel=1e-8)
    p_fail = -math.expm1(-lam * t)
    assert p_fail == pytest.approx(0.1812692469, rel=1e-9)
    n_exact = lam * t * (1 - u_exact)
    assert n_exact == pytest.approx(independent_chain([(lam, mu)], all).expected_failures(t))
    assert n_exact == pytest.approx(0.1891669160, rel=1e-8)

    study = simulate(ONE.format(mission="20h"), runs=runs, seed=102)
    assert_close(unavailability(study), u_exact, sharp=0.05, what="unavailability")
    assert_close(failed(study), p_fail, sharp=0.04, what="P(failure within mission)")
    assert_close(outages(study), n_exact, sharp=0.04, what="outages per mission")
    d = study.runs.downtime_hours
    r = float(np.corrcoef(d[:-1], d[1:])[0, 1])
    print(f"lag-1 correlation of per-run downtime: {r:+.4f} (limit ±{Z / math.sqrt(runs):.4f})")
    assert abs(r) < Z / math.sqrt(runs)


# --- series, parallel, k-of-n, quorum, bridge: independent repair -----------------------------

SERIES = """
hasim: 1
name: series of three
mission: {mission}
components:
  a: {{failure: 200h, repair: 10h}}
  b: {{failure: 300h, repair: 20h}}
  c: {{failure: 500h, repair: 5h}}
system: {{series: [a, b, c]}}
"""
SERIES_RATES = [(1 / 200, 1 / 10), (1 / 300, 1 / 20), (1 / 500, 1 / 5)]


def test_series_of_three() -> None:
    """Independent components, so E[A_sys(t)] = Π p_i(t) with the one-component
    p_i(t) = μ_i/(λ_i+μ_i) + λ_i/(λ_i+μ_i) e^{−(λ_i+μ_i)t}; averaged over T = 2000 h by
    quadrature (checked against the 8-state product CTMC): 1 − A(T) = 0.115187.

    Outages: the system is up only with every unit up, and then fails at Λ = Σλ_i, so
    E[outages] = Λ ∫_0^T E[A_sys(t)] dt = Λ T A(T) = 18.2861.
    """
    t = 2000.0
    point = [lambda s, lam=lam, mu=mu: exponential_point_availability(lam, mu, s)
             for lam, mu in SERIES_RATES]
    exact = 1 - structure_interval_availability(all, point, t)
    ctmc = independent_chain(SERIES_RATES, all)
    assert 1 - ctmc.interval_availability(t) == pytest.approx(exact, rel=1e-9)
    assert exact == pytest.approx(0.1151869341, rel=1e-8)
    big_lambda = sum(lam for lam, _ in SERIES_RATES)
    n_exact = big_lambda * t * (1 - exact)
    assert ctmc.expected_failures(t) == pytest.approx(n_exact, rel=1e-9)
    assert n_exact == pytest.approx(18.28613669, rel=1e-8)

    study = simulate(SERIES.format(mission="2000h"), runs=1200, seed=201)
    assert_close(unavailability(study), exact, sharp=0.05, what="unavailability")
    assert_close(outages(study), n_exact, sharp=0.03, what="outages per mission")


def test_series_probability_of_no_failure() -> None:
    """All units start up, so the series system first fails at the first unit failure:
    P(no system failure in [0, T]) = exp(−Σλ_i T) = exp(−(1/200 + 1/300 + 1/500)·100)
    = 0.355819 for T = 100 h, i.e. P(first_failure_hours is not NaN) = 0.644181.
    Also E[min(first failure, T)] = (1 − e^{−ΛT})/Λ = 62.3401 h.
    """
    t = 100.0
    big_lambda = sum(lam for lam, _ in SERIES_RATES)
    p_fail = -math.expm1(-big_lambda * t)
    assert 1 - independent_chain(SERIES_RATES, all).survival(t) == pytest.approx(p_fail)
    assert p_fail == pytest.approx(0.6441810815, rel=1e-9)
    mean_first = p_fail / big_lambda
    assert mean_first == pytest.approx(62.34010466, rel=1e-9)

    study = simulate(SERIES.format(mission="100h"), runs=6000, seed=202)
    assert_close(failed(study), p_fail, sharp=0.05, what="P(failure within mission)")
    first = np.nan_to_num(study.runs.first_failure_hours, nan=t)
    assert_close(first, mean_first, sharp=0.05, what="E[min(first failure, T)]")


def test_parallel_pair() -> None:
    """Two units, λ = 0.01, μ = 0.04, repaired independently, T = 2000 h.

    Independent units: E[A_sys(t)] = 1 − (1 − p(t))², averaged by quadrature (and by the
    4-state product CTMC). With q = λ/(λ+μ) = 0.2, s = λ+μ and 1 − p(t) = q(1 − e^{−st}),
    1 − A(T) = q²(1 − 3/(2sT)) = 0.0394000 (steady state q² = 0.04), up to e^{−sT}.
    Outages: the system fails from "one up, one down" at rate λ, so
    E[outages] = ∫_0^T 2λ p(t)(1 − p(t)) dt = 2λ(qT − q/s − q²(T − 3/(2s))) = 6.34400.
    """
    lam, mu, t = 0.01, 0.04, 2000.0
    point = [lambda s: exponential_point_availability(lam, mu, s)] * 2
    exact = 1 - structure_interval_availability(any, point, t)
    ctmc = independent_chain([(lam, mu)] * 2, any)
    assert 1 - ctmc.interval_availability(t) == pytest.approx(exact, rel=1e-9)
    q, s = lam / (lam + mu), lam + mu
    assert exact == pytest.approx(q**2 * (1 - 1.5 / (s * t)), rel=1e-9)
    assert exact == pytest.approx(0.0394, rel=1e-9)
    n_exact = ctmc.expected_failures(t)
    assert n_exact == pytest.approx(2 * lam * (q * t - q / s - q**2 * (t - 1.5 / s)), rel=1e-9)
    assert n_exact == pytest.approx(6.344, rel=1e-9)

    yaml = """
hasim: 1
name: parallel pair
mission: 2000h
components:
  a: {count: 2, failure: 100h, repair: 25h}
system: {parallel: a}
"""
    study = simulate(yaml, runs=2500, seed=301)
    assert_close(unavailability(study), exact, sharp=0.06, what="unavailability")
    assert_close(outages(study), n_exact, sharp=0.04, what="outages per mission")


def test_two_of_three_independent_repair() -> None:
    """k_of_n 2 of 3, λ = 0.01, μ = 0.05, independent repair, T = 2000 h.

    Birth-death chain on the number of failed units (k_of_n_chain), checked against the
    structure function p³ + 3p²(1 − p) averaged by quadrature: 1 − A(T) = 0.0731739.
    E[outages] (flux from "one failed" into "two failed", rate 2λ) = 13.7971.
    """
    lam, mu, t = 0.01, 0.05, 2000.0
    ctmc = k_of_n_chain(3, 2, lam, mu)
    exact = 1 - ctmc.interval_availability(t)
    point = [lambda s: exponential_point_availability(lam, mu, s)] * 3
    assert exact == pytest.approx(
        1 - structure_interval_availability(lambda x: sum(x) >= 2, point, t), rel=1e-9)
    assert exact == pytest.approx(0.07317386831, rel=1e-8)
    n_exact = ctmc.expected_failures(t)
    assert n_exact == pytest.approx(13.79706790, rel=1e-8)

    yaml = """
hasim: 1
name: two of three
mission: 2000h
components:
  a: {count: 3, failure: 100h, repair: 20h}
system: {k_of_n: {k: 2, of: a}}
"""
    study = simulate(yaml, runs=1400, seed=401)
    assert_close(unavailability(study), exact, sharp=0.05, what="unavailability")
    assert_close(outages(study), n_exact, sharp=0.04, what="outages per mission")


def test_quorum_of_five() -> None:
    """quorum of 5 (up while ≥ 3 units are up), λ = 0.01, μ = 1/30, independent repair,
    T = 2000 h. Birth-death chain, checked against Σ_{j≥3} C(5,j) p^j (1−p)^{5−j} averaged by
    quadrature: 1 − A(T) = 0.0826006. E[outages] = 14.3463.
    """
    lam, mu, t = 0.01, 1 / 30, 2000.0
    ctmc = k_of_n_chain(5, 3, lam, mu)
    exact = 1 - ctmc.interval_availability(t)
    point = [lambda s: exponential_point_availability(lam, mu, s)] * 5
    assert exact == pytest.approx(
        1 - structure_interval_availability(lambda x: sum(x) >= 3, point, t), rel=1e-9)
    assert exact == pytest.approx(0.08260060063, rel=1e-8)
    n_exact = ctmc.expected_failures(t)
    assert n_exact == pytest.approx(14.34632156, rel=1e-8)

    yaml = """
hasim: 1
name: quorum of five
mission: 2000h
components:
  node: {count: 5, failure: 100h, repair: 30h}
system: {quorum: {of: node}}
"""
    study = simulate(yaml, runs=1400, seed=501)
    assert_close(unavailability(study), exact, sharp=0.05, what="unavailability")
    assert_close(outages(study), n_exact, sharp=0.04, what="outages per mission")


def bridge(x: tuple[bool, ...]) -> bool:
    """The bridge by its minimal path sets; x = (a0, a1, b0, b1, c)."""
    a0, a1, b0, b1, c = x
    return (a0 and b0) or (a1 and b1) or (a0 and c and b1) or (a1 and c and b0)


def test_bridge_by_minimal_path_sets() -> None:
    """A bridge written as the parallel of its four minimal path sets, so a[0], a[1], b[0],
    b[1] and c each appear in two branches. λ = 0.01, μ = 0.04 for all, independent repair,
    T = 2000 h.

    Independent units: E[A_sys(t)] = h(p(t)) with h summed over the 2^5 unit states, averaged
    by quadrature (checked against the 32-state product CTMC): 1 − A(T) = 0.0872987.
    E[outages] from the product CTMC = 14.2097.
    """
    lam, mu, t = 0.01, 0.04, 2000.0
    point = [lambda s: exponential_point_availability(lam, mu, s)] * 5
    exact = 1 - structure_interval_availability(bridge, point, t)
    ctmc = independent_chain([(lam, mu)] * 5, bridge)
    assert 1 - ctmc.interval_availability(t) == pytest.approx(exact, rel=1e-9)
    assert exact == pytest.approx(0.08729871999, rel=1e-8)
    # steady state: q = 0.2, 2q² + 2q³ − 5q⁴ + 2q⁵ for the symmetric bridge
    q = lam / (lam + mu)
    assert 1 - system_probability(bridge, [1 - q] * 5) == pytest.approx(
        2 * q**2 + 2 * q**3 - 5 * q**4 + 2 * q**5)
    n_exact = ctmc.expected_failures(t)
    assert n_exact == pytest.approx(14.209728, rel=1e-6)

    yaml = """
hasim: 1
name: bridge
mission: 2000h
components:
  a: {count: 2, failure: 100h, repair: 25h}
  b: {count: 2, failure: 100h, repair: 25h}
  c: {failure: 100h, repair: 25h}
system:
  parallel:
    - series: ["a[0]", "b[0]"]
    - series: ["a[1]", "b[1]"]
    - series: ["a[0]", c, "b[1]"]
    - series: ["a[1]", c, "b[0]"]
"""
    study = simulate(yaml, runs=1400, seed=601)
    assert_close(unavailability(study), exact, sharp=0.05, what="unavailability")
    assert_close(outages(study), n_exact, sharp=0.04, what="outages per mission")


# --- crews, response, detection -----------------------------------------------------------------


def test_two_of_three_shared_crew() -> None:
    """2 of 3, λ = 0.01, μ = 0.05, one crew of size 1 (no response), T = 2000 h.

    Birth-death chain with a repair queue: from i failed, failure (3 − i)λ, repair μ when
    i ≥ 1 (one repair at a time). 1 − A(T) = 0.149580 (vs 0.0731739 with independent
    repair). E[outages] = 12.6387. The crew is busy while i ≥ 1:
    E[utilisation] = ∫_0^T P(i ≥ 1) dt / T = 0.465548.
    """
    lam, mu, t = 0.01, 0.05, 2000.0
    ctmc = k_of_n_chain(3, 2, lam, mu, crew=1)
    exact = 1 - ctmc.interval_availability(t)
    assert exact == pytest.approx(0.1495798621, rel=1e-8)
    # steady state: π_i ∝ Π_{j<i} (3 − j)λ/μ = 1, 0.6, 0.24, 0.048; down in i = 2, 3
    assert 1 - ctmc.steady_availability() == pytest.approx(0.288 / 1.888)
    n_exact = ctmc.expected_failures(t)
    assert n_exact == pytest.approx(12.63871732, rel=1e-8)
    busy = ctmc.expected_time(lambda i: i >= 1, t) / t
    assert busy == pytest.approx(0.4655477952, rel=1e-8)

    yaml = """
hasim: 1
name: two of three, one crew
mission: 2000h
crews:
  ops: {size: 1}
components:
  a: {count: 3, failure: 100h, repair: 20h, crew: ops}
system: {k_of_n: {k: 2, of: a}}
"""
    study = simulate(yaml, runs=1400, seed=701)
    assert_close(unavailability(study), exact, sharp=0.05, what="unavailability")
    assert_close(outages(study), n_exact, sharp=0.04, what="outages per mission")
    assert_close(crew_utilisation(study), busy, sharp=0.02, what="crew utilisation")


def response_chain(lam: float, mu: float, rho: float) -> Chain:
    """Parallel pair, one crew of size 1 that holds for a response time (rate ρ) before each
    repair (rate μ); failures at rate λ per up unit.

    State (failed units, crew phase), or 0 with both up: R, the crew is responding to the unit
    at the head of the queue; P, it is repairing it. The crew is taken the moment it is
    requested or freed, so every repair is a response then a repair:
    0 →2λ→ (1,R); (1,R) →ρ→ (1,P), →λ→ (2,R); (1,P) →μ→ 0, →λ→ (2,P); (2,R) →ρ→ (2,P);
    (2,P) →μ→ (1,R). Down in (2, ·); the crew is busy in every state but 0.
    """

    def moves(s: State) -> Moves:
        if s == 0:
            yield (1, "R"), 2 * lam
            return
        i, phase = s
        if i < 2:
            yield (i + 1, phase), lam
        if phase == "R":
            yield (i, "P"), rho
        else:
            yield ((i - 1, "R") if i == 2 else 0), mu

    return chain(0, moves, lambda s: s == 0 or s[0] < 2)


def detection_chain(lam: float, mu: float, delta: float) -> Chain:
    """Parallel pair with a detection delay (rate δ) and one crew of size 1 (repair rate μ).

    State (u, r): u units failed but undetected, r detected (in repair or queued). A unit is
    down from its failure and joins the queue when detected; the crew repairs one at a time:
    (u, r) →(2 − u − r)λ→ (u+1, r); →uδ→ (u−1, r+1); →μ if r ≥ 1→ (u, r−1).
    Down when u + r = 2; the crew is busy while r ≥ 1.
    """

    def moves(s: State) -> Moves:
        u, r = s
        yield (u + 1, r), (2 - u - r) * lam
        yield (u - 1, r + 1), u * delta
        if r >= 1:
            yield (u, r - 1), mu

    return chain((0, 0), moves, lambda s: sum(s) < 2)


def test_crew_with_exponential_response() -> None:
    """Parallel pair, one crew of size 1 with response time (mean 3 h, ρ = 1/3), λ = 0.02,
    μ = 0.1, T = 2000 h. response_chain gives 1 − A(T) = 0.0700599, E[outages] = 13.0451,
    crew utilisation 0.396188.

    The response holds the crew. Had the engine spent it before joining the queue (a
    detection delay: detection_chain with δ = ρ), 1 − A(T) would be 0.0655464: the test must
    tell the two apart.
    """
    lam, mu, rho, t = 0.02, 0.1, 1 / 3, 2000.0
    ctmc = response_chain(lam, mu, rho)
    assert len(ctmc.states) == 5
    exact = 1 - ctmc.interval_availability(t)
    assert exact == pytest.approx(0.07005994512, rel=1e-8)
    n_exact = ctmc.expected_failures(t)
    assert n_exact == pytest.approx(13.04511289, rel=1e-8)
    busy = ctmc.expected_time(lambda s: s != 0, t) / t
    assert busy == pytest.approx(0.3961877673, rel=1e-8)
    misread = 1 - detection_chain(lam, mu, rho).interval_availability(t)
    assert misread == pytest.approx(0.06554637019, rel=1e-8)

    yaml = """
hasim: 1
name: pair, one crew with response
mission: 2000h
crews:
  ops: {size: 1, response: 3h}
components:
  a: {count: 2, failure: 50h, repair: 10h, crew: ops}
system: {parallel: a}
"""
    # 2400 reference runs put the misreading 8 se away (assert_distinguishable); the numba
    # engine's 64 × 1500 are ample
    study = simulate(yaml, runs=2400 if ENGINE["name"] == "simpy" else 1500, seed=801)
    est = assert_close(unavailability(study), exact, sharp=0.05, what="unavailability")
    assert_distinguishable(est, misread, "cannot tell a held crew from a free one")
    assert_close(outages(study), n_exact, sharp=0.04, what="outages per mission")
    assert_close(crew_utilisation(study), busy, sharp=0.02, what="crew utilisation")


def test_detection_delay_with_shared_crew() -> None:
    """Parallel pair with exponential detection (mean 5 h, δ = 0.2) and one crew of size 1,
    λ = 0.02, μ = 0.1, T = 2000 h. detection_chain gives 1 − A(T) = 0.0745025,
    E[outages] = 13.8207, crew utilisation P(r ≥ 1) = 0.298610.

    Detection does not hold the crew. Had the engine held the crew while detecting (a
    response: response_chain with ρ = δ), 1 − A(T) would be 0.0840399.
    """
    lam, mu, delta, t = 0.02, 0.1, 0.2, 2000.0
    ctmc = detection_chain(lam, mu, delta)
    assert len(ctmc.states) == 6
    exact = 1 - ctmc.interval_availability(t)
    assert exact == pytest.approx(0.07450252055, rel=1e-8)
    n_exact = ctmc.expected_failures(t)
    assert n_exact == pytest.approx(13.82072989, rel=1e-8)
    busy = ctmc.expected_time(lambda s: s[1] >= 1, t) / t
    assert busy == pytest.approx(0.2986097932, rel=1e-8)
    misread = 1 - response_chain(lam, mu, delta).interval_availability(t)
    assert misread == pytest.approx(0.08403992945, rel=1e-8)

    yaml = """
hasim: 1
name: pair, detection, one crew
mission: 2000h
crews:
  ops: {size: 1}
components:
  a: {count: 2, failure: 50h, repair: 10h, crew: ops, detection: 5h}
system: {parallel: a}
"""
    study = simulate(yaml, runs=1500, seed=901)
    est = assert_close(unavailability(study), exact, sharp=0.05, what="unavailability")
    assert_distinguishable(est, misread, "cannot tell detection from response")
    assert_close(outages(study), n_exact, sharp=0.04, what="outages per mission")
    assert_close(crew_utilisation(study), busy, sharp=0.02, what="crew utilisation")


# --- standby -----------------------------------------------------------------------------------


StandbyTable = dict[str, list[tuple[str, float]]]


def standby_moves(lam: float, mu: float, sigma: float, coverage: float,
                  dormant: float) -> StandbyTable:
    """Moves of a two-unit standby group, independent repair, exponential laws, the engine rules
    (hasim/engines/reference/__init__.py).

    The units are identical, so a state names roles, not unit numbers:

    * ``S0``  active in service, spare up (ageing at ``dormant``·λ: 0 cold, 1 hot);
    * ``S1``  active in service, the other unit in repair;
    * ``W``   switchover in progress (the unit switched in ages as active, at λ), the other
      unit in repair;
    * ``W2``  switchover in progress, the other unit repaired meanwhile: an idle spare
      (non-revertive: the repaired unit becomes a spare since the group has an active unit);
    * ``X``   no active unit, one idle unit up, the other in repair — after a failed
      switchover (coverage);
    * ``D2``  both units in repair, no active unit.

    Moves: S0 → W (cλ, switchover covered), → X ((1−c)λ), → S1 (dλ, the spare fails);
    S1 → S0 (μ), → D2 (λ, no spare up: no switchover); W → S1 (σ), → D2 (λ), → W2 (μ);
    W2 → S0 (σ), → W (cλ: the unit being switched in fails, detected at once, and a new
    switchover to the repaired spare succeeds), → X ((1−c)λ: it does not), → W (dλ: the spare
    fails); X → S0 (μ: the repaired unit becomes active at once, the
    idle unit stays a spare), → D2 (dλ); D2 → S1 (2μ: the first unit repaired becomes active
    at once). Up in S0 and S1.
    """
    d = dormant
    return {
        "S0": [("W", coverage * lam), ("X", (1 - coverage) * lam), ("S1", d * lam)],
        "S1": [("S0", mu), ("D2", lam)],
        "W": [("S1", sigma), ("D2", lam), ("W2", mu)],
        "W2": [("S0", sigma), ("W", coverage * lam), ("X", (1 - coverage) * lam),
               ("W", d * lam)],
        "X": [("S0", mu), ("D2", d * lam)],
        "D2": [("S1", 2 * mu)],
    }


def standby_chain(table: StandbyTable) -> Chain:
    return chain("S0", lambda s: table[str(s)], lambda s: s in ("S0", "S1"))


def standby_misreadings(lam: float, mu: float, sigma: float, coverage: float,
                        dormant: float) -> dict[str, StandbyTable]:
    """Plausible wrong readings of the standby rules, as changed moves."""
    out: dict[str, StandbyTable] = {}
    if dormant < 1:
        t = standby_moves(lam, mu, sigma, coverage, dormant)
        t["W"][1] = ("D2", dormant * lam)
        t["W2"][1] = ("W", coverage * dormant * lam)
        t["W2"][2] = ("X", (1 - coverage) * dormant * lam)
        out["the unit switched in ages as a spare until the switchover ends"] = t
    t = standby_moves(lam, mu, sigma, coverage, dormant)
    t["W2"] = [("S0", sigma), ("X", lam), ("W", dormant * lam)]
    out["a failure during a switchover leaves the group down until a repair"] = t
    t = standby_moves(lam, mu, sigma, coverage, dormant)
    t["X"] = [("W2", mu), ("D2", dormant * lam)]
    t["D2"] = [("W", 2 * mu)]
    out["a unit repaired into a down group is switched in, not active at once"] = t
    t = standby_moves(lam, mu, sigma, coverage, dormant)
    t["S0"] = [("W", lam), ("S1", dormant * lam)]
    out["coverage ignored"] = t
    return out


STANDBY = """
hasim: 1
name: standby pair
mission: 2000h
components:
  db: {{count: 2, failure: 50h, repair: 5h}}
system: {{standby: {{of: db, mode: {mode}, switchover: 10h, coverage: 0.8{extra}}}}}
"""


@pytest.mark.parametrize(
    ("mode", "dormant", "u_pinned", "n_pinned", "seed"),
    [
        ("cold", 0.0, 0.1419850904, 34.32059638, 1001),
        ("warm", 0.3, 0.1391033920, 34.43586432, 1002),
        ("hot", 1.0, 0.1330204752, 34.67918099, 1003),
    ],
)
def test_standby_pair(mode: str, dormant: float, u_pinned: float, n_pinned: float,
                      seed: int) -> None:
    """Two-unit standby, λ = 0.02, μ = 0.2, switchover exponential with mean 10 h
    (σ = 0.1), coverage 0.8, T = 2000 h; cold (the spare does not age), warm (dormant factor
    0.3), hot (the spare ages as the active unit). standby_moves gives, for cold / warm / hot,
    1 − A(T) = 0.141985 / 0.139103 / 0.133020 and E[outages] = 34.3206 / 34.4359 / 34.6792.

    The switchover is longer than a repair on purpose: then each rule about failures during a
    switchover, coverage and repairs into a down group moves the unavailability by more than
    the tolerance, and the test checks that it does (standby_misreadings: +2.8 % to +48 %).
    """
    lam, mu, sigma, coverage, t = 0.02, 0.2, 0.1, 0.8, 2000.0
    ctmc = standby_chain(standby_moves(lam, mu, sigma, coverage, dormant))
    assert len(ctmc.states) == 6
    exact = 1 - ctmc.interval_availability(t)
    assert exact == pytest.approx(u_pinned, rel=1e-8)
    n_exact = ctmc.expected_failures(t)
    assert n_exact == pytest.approx(n_pinned, rel=1e-8)

    extra = ", dormant_factor: 0.3" if mode == "warm" else ""
    # 4500 reference runs put the closest misreading 8 se away (assert_distinguishable); the
    # numba engine's 64 × 2000 are ample
    runs = 4500 if ENGINE["name"] == "simpy" else 2000
    study = simulate(STANDBY.format(mode=mode, extra=extra), runs=runs, seed=seed)
    est = assert_close(unavailability(study), exact, sharp=0.025,
                       what=f"{mode}: unavailability")
    assert_close(outages(study), n_exact, sharp=0.02, what=f"{mode}: outages per mission")
    for rule, table in standby_misreadings(lam, mu, sigma, coverage, dormant).items():
        misread = 1 - standby_chain(table).interval_availability(t)
        print(f"  if {rule}: 1 − A(T) = {misread:.6g}")
        assert_distinguishable(est, misread, f"cannot tell apart: {rule}")


# --- general laws: renewal theory --------------------------------------------------------------


def test_weibull_component() -> None:
    """One unit, failure Weibull (shape 2, mean 1000 h), repair exponential (mean 100 h),
    mission 10 y = 87,600 h.

    Alternating renewal process: A∞ = MTTF / (MTTF + MTTR) = 1000/1100, unavailability
    0.0909091. Finite horizon, to O(1/T) (renewal_interval_availability): with
    E[X²] = scale² Γ(2) = (1000/Γ(1.5))² = 1,273,240 h², E[Y²] = 2·100² h², the correction
    c = 38.30 h, c/T = +4.37e-4 of availability, so 1 − A(T) = 0.0904719. The remainder after
    ~80 cycles is negligible: a numerical solution of the renewal equation (trapezoid
    scheme for the renewal density) matches A∞ + c/T to within 0.2 h of expected uptime from
    T = 3000 h on, i.e. < 3e-6 of availability here, three orders of magnitude below the
    tolerance.
    """
    mttf, mttr, t = 1000.0, 100.0, 87_600.0
    scale = mttf / math.gamma(1.5)
    up_m2 = scale**2 * math.gamma(2.0)
    exact = 1 - renewal_interval_availability(mttf, up_m2, mttr, 2 * mttr**2, t)
    assert 1 - renewal_availability(mttf, mttr) == pytest.approx(1 / 11)
    assert exact == pytest.approx(0.09047192325, rel=1e-8)

    yaml = """
hasim: 1
name: weibull component
mission: 10y
components:
  a: {failure: {weibull: {shape: 2, mean: 1000h}}, repair: 100h}
system: a
"""
    study = simulate(yaml, runs=500, seed=1101)
    assert study.mission == t
    assert_close(unavailability(study), exact, sharp=0.03, what="unavailability")


def test_lognormal_component() -> None:
    """One unit, failure lognormal (mean 1000 h, cv 0.5), repair lognormal (mean 100 h,
    cv 1.5), mission 10 y = 87,600 h.

    A∞ = 1000/1100 as above (only the means matter). Finite-horizon correction from
    E[X²] = mean²(1 + cv²) = 1.25e6 h², E[Y²] = 100²·(1 + 2.25) = 32,500 h²:
    c = 44.42 h, 1 − A(T) = 0.0904020 (remainder < 3e-6, checked as for the Weibull law).
    """
    mttf, mttr, t = 1000.0, 100.0, 87_600.0
    exact = 1 - renewal_interval_availability(mttf, mttf**2 * 1.25, mttr, mttr**2 * 3.25, t)
    assert exact == pytest.approx(0.09040199630, rel=1e-8)

    yaml = """
hasim: 1
name: lognormal component
mission: 10y
components:
  a:
    failure: {lognormal: {mean: 1000h, cv: 0.5}}
    repair: {lognormal: {mean: 100h, cv: 1.5}}
system: a
"""
    study = simulate(yaml, runs=600, seed=1201)
    assert_close(unavailability(study), exact, sharp=0.04, what="unavailability")


def test_renewal_correction_matches_exponential_closed_form() -> None:
    """The O(1/T) renewal formula, fed exponential moments, reproduces the closed form to
    within its e^{−(λ+μ)T} remainder."""
    lam, mu, t = 0.01, 0.1, 500.0
    approx = renewal_interval_availability(1 / lam, 2 / lam**2, 1 / mu, 2 / mu**2, t)
    assert approx == pytest.approx(exponential_interval_availability(lam, mu, t), abs=1e-15)
