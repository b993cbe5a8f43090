"""The process features against exact answers: competing failure modes, latent failures found by
calendar proof tests, planned maintenance, spares, latent standby spares (DESIGN.md,
"Semantics"; MODEL-FORMAT.md, "Components" and "Processes").

Two kinds of test:

* ``test_derivation_*`` compute each exact value twice, by independent methods — a closed form
  against a piecewise-homogeneous chain, a chain built from counts against one built from
  labelled units and an explicit queue, the renewal equation solved on a grid against its
  O(1/T) expansion, a chain against a structure function of independent units in a limiting
  case — and pin it to its number. Pure numpy/scipy: they need no simulator.
* the others simulate a small model with a fixed seed on both engines and compare per-run means
  with those values (``assert_close``: within 4 standard errors, and the interval sharp enough
  for the test to fail), and check that a plausible misreading of the semantics would be
  rejected (``assert_distinguishable``). Deterministic models are checked run by run, exactly.

Helpers (chains, closed forms, renewal theory) are in ``exact_processes.py``; the docstrings
there hold the derivations. Rates are per hour: λ = 1/MTTF, μ = 1/MTTR, ν = 1/(mean lead time),
η = 1/(mean maintenance duration); τ is a schedule's period. Unavailability is tested, never
availability.

Run counts: the SimPy engine handles a few tens of thousands of events per second, so each test
keeps (reference runs × events per run) between 25,000 and 80,000 and checks each quantity to
2–11 % of its value; the numba engine runs NUMBA_SCALE times as many, or more where a quantity
needs it, and every check there is sharp to 1 % (``stats.SHARPEST``); test_derivation_run_counts
checks the counts against the per-run coefficients of variation the chains give. The engines
must give the same history for the same seed (test_engines.py), so a misreading that only the
numba engine's run count can resolve is checked there only (said where it happens).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pytest
from scipy import linalg
from scipy import stats as sps

import hasim
from hasim import StudyResult

from . import stats
from .exact import (
    Chain,
    State,
    chain,
    exponential_point_availability,
    integral_of_expectation,
    renewal_interval_availability,
    steady_state,
    structure_interval_availability,
)
from .exact_processes import (
    CompetingModes,
    Mode,
    PiecewiseChain,
    Repair,
    Weibull,
    first_passage_means,
    latent_standby_chain,
    maintenance_chain,
    maintenance_periods,
    modes_series_chain,
    proof_test_approximation,
    proof_test_chain,
    proof_test_long_run,
    proof_test_periods,
    renewal_numeric,
    richardson,
    spares_chain,
    spares_chain_labelled,
    volterra,
)
from .stats import Z, assert_close, assert_distinguishable

Moves = Iterable[tuple[State, float]]

PINNED = 1e-8
"""Exact values against the numbers pinned here (10 significant digits)."""
TWO_WAYS = 1e-9
"""Two computations of the same value by dense linear algebra or closed forms."""

ENGINE = {"name": "simpy"}
NUMBA_SCALE = 100
"""The numba engine runs 100 times the reference runs by default: 10 times narrower intervals,
so a quantity checked to 8–9 % on the reference engine is checked to 1 % on the fast one."""


@pytest.fixture(params=["simpy", "numba"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each simulation test runs on both engines: the reference at the run counts written in the
    test, the numba engine at NUMBA_SCALE times as many (or its own count) with a 1 % bar."""
    monkeypatch.setitem(ENGINE, "name", request.param)
    monkeypatch.setattr(stats, "SHARPEST", 0.01 if request.param == "numba" else None)
    return str(request.param)


def simulate(yaml: str, runs: int, numba_runs: int | None = None, *, seed: int) -> StudyResult:
    """A study of a model written in YAML, serial (workers=1) and reproducible: ``runs`` on the
    reference engine, ``numba_runs`` (default NUMBA_SCALE × runs) on the numba engine."""
    name = ENGINE["name"]
    if name == "numba":
        runs = numba_runs if numba_runs is not None else runs * NUMBA_SCALE
    return hasim.run_study(hasim.model_from_yaml(yaml), runs=runs, seed=seed, workers=1,
                           progress=False, engine=name)


def records(study: StudyResult) -> Any:
    """The per-run records (``RunResult``). The process fields are typed optional there (records
    of older layouts) but always filled; typed ``Any`` here so that tests read them directly."""
    return study.runs


def per_hour(x: np.ndarray, study: StudyResult) -> np.ndarray:
    return np.asarray(x, dtype=float) / study.mission


def counts(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=float)


def values(c: Chain, f: Callable[[State], float]) -> np.ndarray:
    """A reward on the states of ``c`` (``Chain.mask`` for a 0/1 one)."""
    return np.array([float(f(s)) for s in c.states])


# === 1. a hidden failure found only by calendar proof tests =====================================

PROOF_LAM, PROOF_MU, PROOF_TAU, PROOF_T = 2e-4, 1 / 12, 500.0, 50_000.0
PROOF_RUNS = (450, 45_000)
"""Reference and numba run counts (test_derivation_run_counts checks that they are enough)."""


@functools.cache
def proof_test_exact() -> dict[str, float]:
    """Exact values for one unit, λ = 2e-4 (MTTF 5000 h), every failure latent, proof tests every
    τ = 500 h (first at 500 h, duration 0, coverage 1), repair Exp(mean 12 h), no crew, mission
    T = 50,000 h (tests at 500, …, 49,500 h: 99; none at the mission end).

    From ``proof_test_chain`` (states U, L, R; L → R at each test): expected downtime (L or R),
    latent hours (L), failures λ∫P(U) and failures found Σ_k P(L at kτ−).
    """
    pc = proof_test_chain(PROOF_LAM, PROOF_MU, PROOF_TAU)
    e = pc.expected(PROOF_T,
                    {"down": lambda s: s != "U", "latent": lambda s: s == "L",
                     "failures": lambda s: PROOF_LAM * (s == "U")},
                    {"found": lambda s: s == "L"})
    return {"u": e["down"] / PROOF_T, "latent_hours": e["latent"], "failures": e["failures"],
            "found": e["found"],
            "u_long_run": proof_test_long_run(PROOF_LAM, PROOF_MU, PROOF_TAU),
            "u_approx": proof_test_approximation(PROOF_LAM, 1 / PROOF_MU, PROOF_TAU)}


def test_derivation_proof_test() -> None:
    """The long-run closed form U = 1 − (1/λ)/(τS) (derivation in ``proof_test_long_run``)
    against the periodic regime of the piecewise chain; the finite-mission values of the chain
    (matrix exponentials between tests) against the closed-form period-by-period recursion
    ``proof_test_periods`` (no matrix exponentials). Values:

    * long run U∞ = 0.0504412124 (S = 10.5312068), over T = 50,000 h from new
      U(T) = 0.0504205870; the approximation λτ/2 + λ·MTTR = 0.0524 is 3.9 % off;
    * per mission: latent hours 2408.219290, failures 9.495794130, found 9.400838251.
    """
    lam, mu, tau, t = PROOF_LAM, PROOF_MU, PROOF_TAU, PROOF_T
    x = proof_test_exact()
    pc = proof_test_chain(lam, mu, tau)
    long_run = pc.long_run({"down": lambda s: s != "U"})["down"]
    assert long_run == pytest.approx(x["u_long_run"], rel=TWO_WAYS)
    s = (mu / -math.expm1(-lam * tau) - lam / -math.expm1(-mu * tau)) / (mu - lam)
    assert s == pytest.approx(10.53120684, rel=PINNED)
    # E⌈Z/τ⌉ by summing P(Z > kτ) for the hypoexponential Z = X + Y, term by term
    tail = sum((mu * math.exp(-lam * k * tau) - lam * math.exp(-mu * k * tau)) / (mu - lam)
               for k in range(2000))
    assert tail == pytest.approx(s, rel=1e-12)
    periods = proof_test_periods(lam, mu, tau, t)
    assert periods.down / t == pytest.approx(x["u"], rel=TWO_WAYS)
    assert periods.latent == pytest.approx(x["latent_hours"], rel=TWO_WAYS)
    assert periods.other == pytest.approx(x["failures"], rel=TWO_WAYS)
    assert periods.found == pytest.approx(x["found"], rel=TWO_WAYS)
    # the recursion over a long mission settles on the closed form (start effect ≈ 1 h / T)
    assert proof_test_periods(lam, mu, tau, 5e6).down / 5e6 == pytest.approx(
        x["u_long_run"], rel=1e-5)
    assert x["u_long_run"] == pytest.approx(0.05044121241, rel=PINNED)
    assert x["u"] == pytest.approx(0.05042058699, rel=PINNED)
    assert x["latent_hours"] == pytest.approx(2408.219290, rel=PINNED)
    assert x["failures"] == pytest.approx(9.495794130, rel=PINNED)
    assert x["found"] == pytest.approx(9.400838251, rel=PINNED)
    assert x["u_approx"] == pytest.approx(0.0524, rel=1e-12)
    # a test finds the unit in repair only if a repair outlasts a whole period: e^{−μτ}
    assert math.exp(-mu * tau) < 1e-18


PROOF_MODEL = """
hasim: 1
name: hidden failure, proof tests
mission: 50000h
components:
  x: {spelling}
system: x
inspections:
  - {{of: x, every: 500h}}
"""


@pytest.mark.parametrize("spelling", [
    "{failure: 5000h, repair: 12h, coverage: 0}",
    "{failures: [{name: hidden, law: 5000h, repair: 12h, effect: latent}]}",
], ids=["coverage-0", "effect-latent"])
def test_proof_tested_hidden_failure(engine: str, spelling: str) -> None:
    """One unit, every failure latent (``coverage: 0`` on the component, or a mode with
    ``effect: latent``), found only by proof tests every 500 h, repaired in Exp(12 h); T =
    50,000 h. Exact (test_derivation_proof_test): U = 0.0504206, latent hours 2408.22,
    failures 9.49579 (all latent), found 9.40084 per mission, 99 inspections in every run (a
    test meets a repair with probability < 1e-18) and no planned downtime (duration 0).

    The approximation λτ/2 + λ·MTTR = 0.0524 must be rejected: 23 standard errors away on the
    numba engine's 45,000 runs (it is only 2.3 away on the reference engine's 450 runs, ≈ 58,000
    events — 99 inspections a run —, which check the value to 7 %; per-run cv 0.36).
    """
    x = proof_test_exact()
    study = simulate(PROOF_MODEL.format(spelling=spelling), *PROOF_RUNS, seed=3101)
    r = records(study)
    assert study.mission == PROOF_T
    est = assert_close(per_hour(r.downtime_hours, study), x["u"], sharp=0.09,
                       what="unavailability")
    if engine == "numba":
        assert_distinguishable(est, x["u_approx"], "cannot tell the exact value from λτ/2 + λ·MTTR")
    assert_close(r.latent_hours, x["latent_hours"], sharp=0.09, what="latent hours")
    assert_close(counts(r.latent_failures), x["failures"], sharp=0.08, what="latent failures")
    assert np.array_equal(r.latent_failures, r.failures), "coverage 0: every failure is latent"
    assert_close(counts(r.latent_found), x["found"], sharp=0.08, what="found by inspections")
    assert np.all(r.inspections == 99)
    assert np.all(r.planned_downtime_hours == 0.0)


# === 2. competing failure modes ===============================================================

MODES_A = [(1 / 400, 1 / 3), (1 / 700, 1 / 20)]
"""Unit a: crash (MTTF 400 h, repair 3 h) and disk (MTTF 700 h, repair 20 h): modes 0 and 1."""
MODES_B = [(1 / 500, 1 / 10)]
"""Unit b, a bare ``failure:`` (MTTF 500 h, repair 10 h): mode 2."""
MODES_T = 2000.0
MODES_RUNS = (1000, 180_000)


def unit_up(u: int) -> Callable[[State], bool]:
    """In a ``modes_series_chain`` state: unit u is up."""
    return lambda s: s[0][u] == 0


def cause_is(g: int) -> Callable[[State], bool]:
    """In a ``modes_series_chain`` state: an outage started by mode g is going on."""
    return lambda s: s[1] == g


def in_repair_for(i: int) -> Callable[[State], bool]:
    """In a ``unit_chain`` state: the unit is in repair for its mode i."""
    return lambda s: s == i + 1


def point_availability(lam: float, mu: float) -> Callable[[float], float]:
    return lambda t: exponential_point_availability(lam, mu, t)


def unit_chain(modes: list[tuple[float, float]]) -> Chain:
    """One unit with competing exponential modes: 0 up, i + 1 in repair for mode i."""

    def moves(s: State) -> Moves:
        if s == 0:
            for i, (lam, _) in enumerate(modes):
                yield i + 1, lam
        else:
            yield 0, modes[s - 1][1]

    return chain(0, moves, lambda s: s == 0)


@functools.cache
def modes_exact() -> dict[str, Any]:
    """Series [a, b], a with modes crash and disk, b with one; independent repair, T = 2000 h.

    ``modes_series_chain`` (16 states: the units' states and the cause of the current outage):
    1 − A(T); failures of mode g, λ_g ∫ P(its unit up); downtime by mode g, the time spent in
    an outage that mode g's failure started (an outage's downtime goes to its cause, as for
    ``downtime_by_type``; failures during an outage do not take it over).
    """
    c = modes_series_chain([MODES_A, MODES_B])
    t = MODES_T
    u = 1 - c.interval_availability(t)
    lams = [(0, MODES_A[0][0]), (0, MODES_A[1][0]), (1, MODES_B[0][0])]
    fails = [integral_of_expectation(c.q, c.p0, c.mask(unit_up(unit)) * lam, t)
             for unit, lam in lams]
    down = [c.expected_time(cause_is(g), t) for g in range(3)]
    misread = modes_series_chain([[MODES_A[0], (MODES_A[1][0], MODES_A[0][1])], MODES_B])
    return {"u": u, "failures": fails, "down": down, "states": len(c.states),
            "u_first_repair": 1 - misread.interval_availability(t)}


def test_derivation_exponential_modes() -> None:
    """Three ways to the same numbers for the series [a (crash, disk), b]:

    * U(T) of the cause-tracking chain = the structure function of independent units averaged
      over [0, T] by quadrature, 1 − (1/T)∫ p_a p_b, with p_a(t) from unit a's own 3-state
      chain and p_b(t) the one-component closed form;
    * failures and downtime by mode of unit a alone: its chain against alternating renewal
      theory (``CompetingModes``: life Exp(λ_1 + λ_2), the failing mode picks the repair; the
      O(1) remainder is e^{−0.05·2000}, nil); long run U_a = ρ/(1 + ρ), ρ = Σ λ_i/μ_i;
    * downtime by cause in the long run: the chain's stationary mass on "cause g" against
      renewal-reward, λ_g π(all up) E[outage | started by g], with E[outage] a first-passage
      time of the product chain without causes.

    Values (T = 2000 h): U = 0.0533749, failures by mode 4.82731 / 2.75846 / 3.92195, downtime
    by mode 14.3983 / 53.9086 / 38.4428 h. Had every failure of a taken the crash repair:
    U = 0.0309157 (the test rejects it).
    """
    x = modes_exact()
    t = MODES_T
    assert x["states"] == 16
    pa = unit_chain(MODES_A)
    lam_b, mu_b = MODES_B[0]
    # p_a(t) = (e^{Qt})_{00} by one eigendecomposition (the star-shaped chain is reversible:
    # real eigenvalues)
    w, v = linalg.eig(pa.q)
    vinv = linalg.inv(v)
    point = [lambda s: float(np.real(v[0] @ (np.exp(w * s) * vinv[:, 0]))),
             point_availability(lam_b, mu_b)]
    assert point[0](700.0) == pytest.approx(linalg.expm(pa.q * 700.0)[0, 0], rel=1e-12)
    assert x["u"] == pytest.approx(1 - structure_interval_availability(all, point, t),
                                   rel=TWO_WAYS)
    # unit a alone: chain against renewal theory
    modes = CompetingModes(tuple(Mode(sps.expon(scale=1 / lam), Repair("exponential", 1 / mu))
                                 for lam, mu in MODES_A))
    ren = modes.finite(t)
    for i, (lam, _) in enumerate(MODES_A):
        assert x["failures"][i] == pytest.approx(ren["failures"][i], rel=TWO_WAYS)
        assert pa.expected_time(in_repair_for(i), t) == pytest.approx(
            ren["down"][i], rel=TWO_WAYS)
        assert ren["failures"][i] == pytest.approx(lam * (t - sum(ren["down"])), rel=TWO_WAYS)
    rho = sum(lam / mu for lam, mu in MODES_A)
    assert 1 - pa.steady_availability() == pytest.approx(rho / (1 + rho), rel=TWO_WAYS)
    assert modes.long_run_unavailability() == pytest.approx(rho / (1 + rho), rel=TWO_WAYS)
    # b alone: failures λ_b ∫ p_b = λ_b T A_b(T)
    assert x["failures"][2] == pytest.approx(
        lam_b * (t * mu_b / (lam_b + mu_b)
                 + lam_b * -math.expm1(-(lam_b + mu_b) * t) / (lam_b + mu_b) ** 2),
        rel=TWO_WAYS)
    # downtime by cause adds up to the downtime
    assert sum(x["down"]) == pytest.approx(x["u"] * t, rel=TWO_WAYS)
    # long run: stationary mass by cause against renewal-reward with first-passage times
    c = modes_series_chain([MODES_A, MODES_B])
    pi = steady_state(c.q)
    units = [MODES_A, MODES_B]

    def moves(s: State) -> Moves:
        for u, m in enumerate(units):
            if s[u] == 0:
                for i, (lam, _) in enumerate(m):
                    yield (*s[:u], i + 1, *s[u + 1:]), lam
            else:
                yield (*s[:u], 0, *s[u + 1:]), m[s[u] - 1][1]

    prod = chain((0, 0), moves, lambda s: s == (0, 0))
    p_all_up = float(steady_state(prod.q) @ prod.up)
    passage = first_passage_means(prod.q, prod.up)
    starts = [((1, 0), MODES_A[0][0]), ((2, 0), MODES_A[1][0]), ((0, 1), lam_b)]
    for g, (state, lam) in enumerate(starts):
        renewal_reward = lam * p_all_up * passage[prod.states.index(state)]
        assert float(pi @ c.mask(cause_is(g))) == pytest.approx(renewal_reward, rel=TWO_WAYS)
    assert x["u"] == pytest.approx(0.05337486043, rel=PINNED)
    assert x["failures"] == pytest.approx([4.827305327, 2.758460187, 3.921953095], rel=PINNED)
    assert x["down"] == pytest.approx([14.39826533, 53.90862533, 38.44283020], rel=PINNED)
    assert x["u_first_repair"] == pytest.approx(0.03091568404, rel=PINNED)


MODES_MODEL = """
hasim: 1
name: competing exponential modes
mission: 2000h
components:
  a:
    failures:
      - {name: crash, law: 400h, repair: 3h}
      - {name: disk, law: 700h, repair: 20h}
  b: {failure: 500h, repair: 10h}
system: {series: [a, b]}
"""


def test_exponential_modes(engine: str) -> None:
    """Series [a, b]; a fails by crash (MTTF 400 h, repair 3 h) or disk (MTTF 700 h, repair
    20 h), b by its one mode (MTTF 500 h, repair 10 h); T = 2000 h. Modes are numbered over the
    components in model order: crash 0, disk 1, b 2. Exact (test_derivation_exponential_modes):
    U = 0.0533749; failures by mode 4.82731 / 2.75846 / 3.92195; downtime by mode (the cause of
    each outage) 14.3983 / 53.9086 / 38.4428 h.

    The per-type records must agree with the per-mode ones run by run. 1000 reference runs
    (≈ 35,000 events): downtime of the disk mode (cv 0.84 per run) to 11 %, the rest to 6–9 %;
    180,000 numba runs bring the disk downtime to 0.8 %.
    """
    x = modes_exact()
    study = simulate(MODES_MODEL, *MODES_RUNS, seed=3201)
    r = records(study)
    est = assert_close(per_hour(r.downtime_hours, study), x["u"], sharp=0.08,
                       what="unavailability")
    assert_distinguishable(est, x["u_first_repair"], "every failure of a takes the first repair")
    for g, name in enumerate(["crash", "disk", "b"]):
        assert_close(counts(r.failures_by_mode[:, g]), x["failures"][g], sharp=0.09,
                     what=f"failures, mode {name}")
        assert_close(r.downtime_by_mode[:, g], x["down"][g], sharp=0.12,
                     what=f"downtime, mode {name}")
    by_mode, by_type = r.failures_by_mode, r.failures_by_type
    assert np.array_equal(by_mode[:, 0] + by_mode[:, 1], by_type[:, 0])
    assert np.array_equal(by_mode[:, 2], by_type[:, 1])
    down_mode, down_type = r.downtime_by_mode, r.downtime_by_type
    assert np.allclose(down_mode[:, 0] + down_mode[:, 1], down_type[:, 0], rtol=1e-12, atol=1e-9)
    assert np.allclose(down_mode[:, 2], down_type[:, 1], rtol=1e-12, atol=1e-9)


WEAR = (3.0, 1200.0)
"""Weibull shape and mean (h) of the wear mode; repair fixed 24 h."""
SHOCK = (2.0, 2000.0)
"""Weibull shape and mean (h) of the shock mode; repair Exp(mean 6 h)."""
WEIBULL_T = 20_000.0
WEIBULL_RUNS = (600, 100_000)
"""Chosen from a Monte Carlo estimate of the per-run cv (not a chain: no second moment)."""


def weibull_modes(wear_repair: Repair | None = None) -> CompetingModes:
    return CompetingModes((
        Mode(Weibull(*WEAR), wear_repair or Repair("fixed", 24.0)),
        Mode(Weibull(*SHOCK), Repair("exponential", 6.0)),
    ))


@functools.cache
def weibull_modes_exact() -> dict[str, Any]:
    """One unit, modes wear (Weibull shape 3, mean 1200 h; repair fixed 24 h) and shock
    (Weibull shape 2, mean 2000 h; repair Exp(6 h)), lives drawn afresh each life; T = 20,000 h.

    Alternating renewal with cycle L + Y, L = min of the lifetimes, Y the failing mode's
    repair (``CompetingModes.finite``, to O(1) in T with E[L·Y] = Σ E[L; i] E[Y_i]).
    """
    m = weibull_modes()
    f = m.finite(WEIBULL_T)
    mo = m.moments
    wear_repair_for_all = CompetingModes((m.modes[0], Mode(m.modes[1].life, Repair("fixed", 24.0))))
    return {"u": 1 - f["up"] / WEIBULL_T, "failures": f["failures"], "down": f["down"],
            "p": mo["p"], "EL": mo["EL"], "u_long_run": m.long_run_unavailability(),
            "u_first_repair": 1 - wear_repair_for_all.finite(WEIBULL_T)["up"] / WEIBULL_T}


def test_derivation_weibull_modes() -> None:
    """The O(1/T) renewal expansion (``CompetingModes.finite``) against the renewal equation
    solved numerically on grids of 1 h and 0.5 h (trapezoid rule, the exponential repair
    integrated exactly, Richardson extrapolation) at the mission T = 20,000 h: uptime,
    failures by mode and downtime by mode agree to 1e-8.

    Also: p_wear + p_shock = 1 and Σ E[L; i] = E[L] by quadrature; uptime + downtime = T in
    both methods; with equal repairs the expansion equals ``exact.renewal_interval_availability``
    (independent up and down times).

    Values: E[L] = 1063.145 h, P(wear) = 0.742162; U∞ = 0.0178835; over T: U = 0.0174507,
    failures 13.37708 (wear) / 4.69514 (shock), downtime 320.8524 / 28.1623 h. Had every
    failure taken the wear repair: U = 0.0215823 (the test rejects it).
    """
    x = weibull_modes_exact()
    t = WEIBULL_T
    # the laws as model files give them (shape and mean) against scipy's Weibull
    grid_t = np.linspace(0.0, 6000.0, 61)
    for shape, mean in (WEAR, SHOCK):
        ref = sps.weibull_min(shape, scale=mean / math.gamma(1 + 1 / shape))
        assert ref.mean() == pytest.approx(mean, rel=1e-12)
        assert Weibull(shape, mean).sf(grid_t) == pytest.approx(ref.sf(grid_t), rel=1e-12)
        assert Weibull(shape, mean).pdf(grid_t) == pytest.approx(ref.pdf(grid_t), rel=1e-12,
                                                                 abs=1e-300)
    # the fast Volterra solver against the plain O(N²) recursion
    h = np.concatenate([[0.0], np.random.default_rng(5).random(2999) * 1e-3])
    plain = h.copy()
    for k in range(1, len(h)):
        plain[k] = h[k] + 0.5 * np.dot(plain[1:k], h[k - 1:0:-1])
    assert volterra(h, 0.5) == pytest.approx(plain, rel=1e-12, abs=1e-15)
    m = weibull_modes()
    mo = m.moments
    assert sum(mo["p"]) == pytest.approx(1.0, rel=1e-12)
    assert sum(mo["ELi"]) == pytest.approx(mo["EL"], rel=1e-12)
    f = m.finite(t)
    assert f["up"] + sum(f["down"]) == pytest.approx(t, rel=1e-13)
    grid = richardson(renewal_numeric(m, t, 1.0), renewal_numeric(m, t, 0.5))
    assert grid["up"] + sum(grid["down"]) == pytest.approx(t, rel=1e-10)
    assert grid["up"] == pytest.approx(f["up"], rel=1e-8)
    assert grid["failures"] == pytest.approx(f["failures"], rel=1e-8)
    assert grid["down"] == pytest.approx(f["down"], rel=1e-8)
    # equal repairs: L and Y independent, the existing helper applies
    same = weibull_modes(Repair("exponential", 6.0))
    smo = same.moments
    assert same.finite(t)["up"] / t == pytest.approx(renewal_interval_availability(
        smo["EL"], smo["EL2"], 6.0, 72.0, t), rel=1e-12)
    assert x["EL"] == pytest.approx(1063.145171, rel=PINNED)
    assert x["p"][0] == pytest.approx(0.7421623862, rel=PINNED)
    assert x["u_long_run"] == pytest.approx(0.01788346396, rel=PINNED)
    assert x["u"] == pytest.approx(0.01745073285, rel=PINNED)
    assert x["failures"] == pytest.approx([13.37707708, 4.695138996], rel=PINNED)
    assert x["down"] == pytest.approx([320.8523977, 28.16225927], rel=PINNED)
    assert x["u_first_repair"] == pytest.approx(0.02158225502, rel=PINNED)


WEIBULL_MODEL = """
hasim: 1
name: competing Weibull modes
mission: 20000h
components:
  a:
    failures:
      - {name: wear, law: {weibull: {shape: 3, mean: 1200h}}, repair: {fixed: 24h}}
      - {name: shock, law: {weibull: {shape: 2, mean: 2000h}}, repair: 6h}
system: a
"""


def test_weibull_modes(engine: str) -> None:
    """One unit, Weibull modes wear (shape 3, mean 1200 h, repair fixed 24 h) and shock (shape
    2, mean 2000 h, repair Exp(6 h)), T = 20,000 h. Exact (test_derivation_weibull_modes):
    U = 0.0174507; failures 13.3771 / 4.69514; downtime 320.852 / 28.1623 h.

    600 reference runs (≈ 33,000 events): the shock downtime (cv 0.64) to 11 %, the rest to
    2–7 %; 100,000 numba runs bring it to 0.8 %.
    """
    x = weibull_modes_exact()
    study = simulate(WEIBULL_MODEL, *WEIBULL_RUNS, seed=3301)
    r = records(study)
    est = assert_close(per_hour(r.downtime_hours, study), x["u"], sharp=0.05,
                       what="unavailability")
    assert_distinguishable(est, x["u_first_repair"], "every failure takes the wear repair")
    for g, name in enumerate(["wear", "shock"]):
        assert_close(counts(r.failures_by_mode[:, g]), x["failures"][g], sharp=0.09,
                     what=f"failures, mode {name}")
        assert_close(r.downtime_by_mode[:, g], x["down"][g], sharp=0.12,
                     what=f"downtime, mode {name}")


# === 3. spares ====================================================================================

SPARES: tuple[int, int, float, float, float, int] = (3, 2, 1 / 80, 1 / 10, 1 / 50, 2)
"""n units, k needed, λ, μ, ν = 1/(mean lead time), stock."""
SPARES_T = 2000.0
SPARES_RUNS = (360, 40_000)


def spares_rewards(n: int, lam: float, stock: int) -> dict[str, Callable[[State], float]]:
    """Rewards on (w, r, o) states: part requests happen at failures (rate (n − w − r)λ), and
    wait when the shelf is empty (o = stock); waiting jobs w; parts on hand stock − o."""
    return {
        "requests": lambda s: (n - s[0] - s[1]) * lam,
        "waited": lambda s: (n - s[0] - s[1]) * lam * (s[2] == stock),
        "wait_hours": lambda s: s[0],
        "on_hand": lambda s: stock - s[2],
    }


@functools.cache
def spares_exact() -> dict[str, float]:
    """Three units (MTTF 80 h, repair 10 h, independent, no crew) in a 2-of-3, every repair
    needs a part from ``disk``: stock 2, full at 0, lead time Exp(50 h), one-for-one;
    T = 2000 h. ``spares_chain`` (18 states): U(T); expected part requests, requests that
    waited (the failure found the shelf empty), wait hours (∫ jobs waiting) and parts on hand
    (∫ (stock − on order)) per mission.
    """
    n, k, lam, mu, nu, stock = SPARES
    c = spares_chain(n, k, lam, mu, nu, stock)
    out = {"u": 1 - c.interval_availability(SPARES_T), "states": float(len(c.states))}
    for name, f in spares_rewards(n, lam, stock).items():
        out[name] = integral_of_expectation(c.q, c.p0, values(c, f), SPARES_T)
    mis = spares_chain(n, k, lam, mu, nu, stock, reorder_at_repair_end=True)
    out["u_reorder_at_end"] = 1 - mis.interval_availability(SPARES_T)
    free = spares_chain(n, k, lam, mu, 100.0, stock)
    out["u_no_wait"] = 1 - free.interval_availability(SPARES_T)
    return out


def test_derivation_spares() -> None:
    """The counted chain (w, r, o) against the chain of labelled units with the FIFO queue
    written out (``spares_chain_labelled``, 54 states), every value to 1e-9; Little's law in
    the long run, E[on order] = (1/ν)·λ·E[units up] (every failure takes one part, and each
    part is on order for one lead time); a lead time of 0.01 h gives back the 2-of-3 with
    independent repair (birth–death chain) to 1e-8.

    Values (T = 2000 h): U = 0.185705; per mission 56.7311 part requests, 24.6565 of them
    waited (43 %), 901.748 job-hours waiting for a part, 1257.32 part-hours on hand. Misreadings:
    the part reordered when its repair ends, U = 0.237420; parts ignored (a lead time of
    0.01 h), U = 0.0340690.
    """
    x = spares_exact()
    n, k, lam, mu, nu, stock = SPARES
    assert x["states"] == 18
    lab = spares_chain_labelled(n, k, lam, mu, nu, stock)
    assert len(lab.states) == 54
    assert 1 - lab.interval_availability(SPARES_T) == pytest.approx(x["u"], rel=TWO_WAYS)
    labelled = {
        "requests": lambda s: s[0].count("U") * lam,
        "waited": lambda s: s[0].count("U") * lam * (s[2] == stock),
        "wait_hours": lambda s: s[0].count("W"),
        "on_hand": lambda s: stock - s[2],
    }
    for name, f in labelled.items():
        assert integral_of_expectation(lab.q, lab.p0, values(lab, f), SPARES_T) == pytest.approx(
            x[name], rel=TWO_WAYS), name
    c = spares_chain(n, k, lam, mu, nu, stock)
    pi = steady_state(c.q)
    on_order = float(pi @ np.array([s[2] for s in c.states], dtype=float))
    up_units = float(pi @ np.array([n - s[0] - s[1] for s in c.states], dtype=float))
    assert on_order == pytest.approx(lam * up_units / nu, rel=TWO_WAYS)

    def birth_death(i: State) -> Moves:
        yield i + 1, (n - i) * lam
        yield i - 1, i * mu

    independent = chain(0, birth_death, lambda i: n - i >= k)
    # lead time 0.01 h: a wait needs both parts out within it, U moves by ~1e-10
    assert x["u_no_wait"] == pytest.approx(1 - independent.interval_availability(SPARES_T),
                                           rel=1e-8)
    assert x["u"] == pytest.approx(0.1857047158, rel=PINNED)
    assert x["requests"] == pytest.approx(56.73112319, rel=PINNED)
    assert x["waited"] == pytest.approx(24.65652252, rel=PINNED)
    assert x["wait_hours"] == pytest.approx(901.7478364, rel=PINNED)
    assert x["on_hand"] == pytest.approx(1257.316148, rel=PINNED)
    assert x["u_reorder_at_end"] == pytest.approx(0.2374200785, rel=PINNED)
    assert x["u_no_wait"] == pytest.approx(0.03406899354, rel=PINNED)


SPARES_MODEL = """
hasim: 1
name: two of three with a stock of parts
mission: 2000h
components:
  node: {count: 3, failure: 80h, repair: 10h, spare: disk}
system: {k_of_n: {k: 2, of: node}}
spares:
  disk: {stock: 2, lead_time: 50h}
"""


def test_spares(engine: str) -> None:
    """2-of-3, MTTF 80 h, repair 10 h, each repair needs a part: stock 2, lead time Exp(50 h);
    T = 2000 h. Exact (test_derivation_spares): U = 0.185705; per mission 56.7311 part
    requests, 24.6565 waited, 901.748 h waiting, 1257.32 part-hours on hand.

    ``part_wait_hours`` is read as the time integral of the jobs waiting for a part over the
    mission (a wait still open at the end counted to the end), like the other levels.
    Misreadings rejected: the part reordered at the repair's end (U = 0.2374), parts ignored
    (U = 0.0341). 360 reference runs (≈ 80,000 events: 57 failures and as many part arrivals a
    run): U (cv 0.41) and wait hours to 9 %, the rest to 2–6 %; 40,000 numba runs: 0.8 %.
    """
    x = spares_exact()
    study = simulate(SPARES_MODEL, *SPARES_RUNS, seed=3401)
    r = records(study)
    est = assert_close(per_hour(r.downtime_hours, study), x["u"], sharp=0.12,
                       what="unavailability")
    assert_distinguishable(est, x["u_reorder_at_end"], "a part reordered when its repair ends")
    assert_distinguishable(est, x["u_no_wait"], "repairs do not wait for parts")
    assert_close(counts(r.part_requests[:, 0]), x["requests"], sharp=0.08, what="part requests")
    assert_close(counts(r.parts_waited[:, 0]), x["waited"], sharp=0.08, what="requests waited")
    assert_close(r.part_wait_hours[:, 0], x["wait_hours"], sharp=0.12, what="wait hours")
    assert_close(r.parts_on_hand_hours[:, 0], x["on_hand"], sharp=0.08, what="part-hours on hand")
    assert np.all(r.parts_waited[:, 0] <= r.part_requests[:, 0])
    assert np.all(r.parts_on_hand_hours[:, 0] <= SPARES[-1] * study.mission)


# === 4. planned maintenance ======================================================================

NO_FAILURES = """
hasim: 1
name: maintenance without failures
mission: 4w
components:
{components}
system: {system}
maintenance:
  - {{of: {of}, every: 1w, first: 84h, duration: {{fixed: 4h}}, rolling: {rolling}, defer: false}}
"""


@pytest.mark.parametrize(("rolling", "down"), [("false", 16.0), ("true", 48.0)])
def test_maintenance_of_a_series_system(engine: str, rolling: str, down: float) -> None:
    """A series [a[0], a[1], b] that never fails (fixed life 1000 y), maintained weekly from
    84 h for a fixed 4 h, mission 4 w = 672 h: rounds at 84, 252, 420 and 588 h (all four
    end before the mission, the next would be at 756 h).

    All at once: the three units out together, the system down 4 h a round, 16 h in all,
    planned: U = duration/every = 4/168. Rolling: one unit after another, each step starting
    when the previous one ends, 12 h a round, 48 h: 3·duration/every. Deterministic, so every
    run must give exactly that; 12 steps, none skipped or deferred, no failures.
    """
    study = simulate(NO_FAILURES.format(
        components="  a: {count: 2, failure: {fixed: 1000y}, repair: 1h}\n"
                   "  b: {failure: {fixed: 1000y}, repair: 1h}",
        system="{series: [a, b]}", of="[a, b]", rolling=rolling), 5, seed=3501)
    r = records(study)
    assert study.mission == 672.0
    assert np.all(r.downtime_hours == down)
    assert np.all(r.planned_downtime_hours == down)
    steps_in_a_round = 1 if rolling == "false" else 3
    assert per_hour(r.planned_downtime_hours, study) == pytest.approx(
        steps_in_a_round * 4 / 168, rel=1e-15)
    assert np.all(r.failures == 0)
    assert np.all(r.maintenance_steps == 12)
    assert np.all(r.maintenance_skipped == 0)
    assert np.all(r.maintenance_deferred == 0)


@pytest.mark.parametrize(("rolling", "down"), [("true", 0.0), ("false", 16.0)])
def test_rolling_maintenance_of_two_of_three(engine: str, rolling: str, down: float) -> None:
    """A 2-of-3 that never fails, the same schedule. Rolling: one unit out at a time, two up,
    no downtime at all (and 12 steps done, so maintenance did happen). All at once: the three
    out together, 4 h a round, 16 h planned — the contrast that makes the first case a test.
    """
    study = simulate(NO_FAILURES.format(
        components="  a: {count: 3, failure: {fixed: 1000y}, repair: 1h}",
        system="{k_of_n: {k: 2, of: a}}", of="a", rolling=rolling), 5, seed=3502)
    r = records(study)
    assert np.all(r.downtime_hours == down)
    assert np.all(r.planned_downtime_hours == down)
    assert np.all(r.maintenance_steps == 12)
    assert np.all(r.maintenance_skipped == 0)
    assert np.all(r.maintenance_deferred == 0)


MAINT = {"lam": 1 / 100, "mu": 1 / 30, "eta": 1 / 6, "every": 168.0}
MAINT_T = 2000.0
MAINT_RUNS = (400, 60_000)


@functools.cache
def maintenance_exact() -> dict[str, float]:
    """One unit (MTTF 100 h, repair 30 h, no crew) maintained weekly (first at 168 h; rounds at
    168·k < 2000 h: 11) for Exp(6 h); a unit failed at its turn is skipped; out for maintenance
    it does not age and cannot fail. ``maintenance_chain`` (U, F, M; U → M at each round):
    planned downtime ∫P(M), unplanned ∫P(F), failures λ∫P(U), steps Σ P(U at round−), skipped
    Σ P(F at round−), per mission.
    """
    p = MAINT
    pc = maintenance_chain(p["lam"], p["mu"], p["eta"], p["every"])
    e = pc.expected(MAINT_T,
                    {"planned": lambda s: s == "M", "unplanned": lambda s: s == "F",
                     "failures": lambda s: p["lam"] * (s == "U")},
                    {"steps": lambda s: s == "U", "skipped": lambda s: s == "F",
                     "still_out": lambda s: s == "M"})
    mis = maintenance_chain(p["lam"], p["mu"], p["eta"], p["every"], step_after_repair=True)
    e_mis = mis.expected(MAINT_T, {"planned": lambda s: s == "M"})
    return {**e, "planned_step_after_repair": e_mis["planned"]}


def test_derivation_maintenance() -> None:
    """The piecewise chain against the closed-form period recursion ``maintenance_periods``
    (no matrix exponentials): downtime, planned downtime, steps and skipped steps to 1e-9. A
    round finds the unit still out with probability ≤ 11·e^{−168/6} < 1e-11: whether such a
    round continues, restarts or skips the step cannot matter.

    Values (T = 2000 h): planned downtime 50.7728 h, unplanned 444.498 h, failures 15.0473,
    steps 8.46213, skipped 2.53787 per mission. Had a failed unit's step been done after its
    repair instead of skipped: planned 65.9252 h.
    """
    x = maintenance_exact()
    p = MAINT
    periods = maintenance_periods(p["lam"], p["mu"], p["eta"], p["every"], MAINT_T)
    assert periods.down == pytest.approx(x["planned"] + x["unplanned"], rel=TWO_WAYS)
    assert periods.latent == pytest.approx(x["planned"], rel=TWO_WAYS)
    assert periods.found == pytest.approx(x["steps"], rel=TWO_WAYS)
    assert periods.other == pytest.approx(x["skipped"], rel=TWO_WAYS)
    assert x["steps"] + x["skipped"] == pytest.approx(11.0, rel=1e-11)
    assert x["still_out"] < 1e-11
    # failures: λ × uptime, uptime = T − downtime
    assert x["failures"] == pytest.approx(
        p["lam"] * (MAINT_T - x["planned"] - x["unplanned"]), rel=TWO_WAYS)
    assert x["planned"] == pytest.approx(50.77276654, rel=PINNED)
    assert x["unplanned"] == pytest.approx(444.4982112, rel=PINNED)
    assert x["failures"] == pytest.approx(15.04729022, rel=PINNED)
    assert x["steps"] == pytest.approx(8.462127757, rel=PINNED)
    assert x["skipped"] == pytest.approx(2.537872243, rel=PINNED)
    assert x["planned_step_after_repair"] == pytest.approx(65.92515654, rel=PINNED)


MAINT_MODEL = """
hasim: 1
name: maintenance with failures
mission: 2000h
components:
  a: {failure: 100h, repair: 30h}
system: a
maintenance:
  - {of: a, every: 1w, duration: 6h, defer: false}
"""


def test_maintenance_with_failures(engine: str) -> None:
    """One unit, MTTF 100 h, repair 30 h, weekly maintenance for Exp(6 h), T = 2000 h (the
    repair is long so that a quarter of the rounds find the unit failed and skip it). Exact
    (test_derivation_maintenance): planned downtime 50.7728 h, unplanned 444.498 h, failures
    15.0473, steps 8.46213, skipped 2.53787 per mission. Downtime while the unit is out is
    planned, the rest unplanned (``downtime_hours`` is the total).

    Misreading rejected: a failed unit's step done after its repair, not skipped (planned
    65.9 h, 15 standard errors away on the reference runs). 400 reference runs (≈ 27,000
    events): planned downtime (cv 0.38) to 8.5 %, skipped steps (cv 0.55) to 11 %; 60,000
    numba runs: every check within 0.9 %.
    """
    x = maintenance_exact()
    study = simulate(MAINT_MODEL, *MAINT_RUNS, seed=3601)
    r = records(study)
    est = assert_close(r.planned_downtime_hours, x["planned"], sharp=0.1,
                       what="planned downtime")
    assert_distinguishable(est, x["planned_step_after_repair"],
                           "a failed unit's step is done after its repair")
    assert_close(r.downtime_hours - r.planned_downtime_hours, x["unplanned"], sharp=0.1,
                 what="unplanned downtime")
    assert_close(counts(r.failures), x["failures"], sharp=0.08, what="failures")
    assert_close(counts(r.maintenance_steps), x["steps"], sharp=0.05, what="steps")
    assert_close(counts(r.maintenance_skipped), x["skipped"], sharp=0.12, what="skipped")
    assert np.all(r.maintenance_steps + r.maintenance_skipped == 11)
    assert np.all(r.maintenance_deferred == 0)


# === 5. a latent spare in a hot standby pair =====================================================

LATENT = {"lam_p": 1 / 200, "mu_p": 1 / 20, "lam_loud": 1 / 2000, "lam_silent": 1 / 100,
          "mu_b": 1 / 20}
LATENT_T = 2000.0
LATENT_RUNS = (500, 60_000)


def latent_chain(**misreading: bool) -> Chain:
    p = LATENT
    return latent_standby_chain(p["lam_p"], p["mu_p"], p["lam_loud"], p["lam_silent"],
                                p["mu_b"], **misreading)


@functools.cache
def latent_standby_exact() -> dict[str, Any]:
    """Hot standby [primary, backup], switchover 0, coverage 1, health check after 0 s;
    primary MTTF 200 h, repair 20 h; backup modes loud (MTTF 2000 h) and silent (MTTF 100 h,
    coverage 0), repair 20 h; no crew; T = 2000 h. ``latent_standby_chain`` (6 states):
    U(T); latent hours ∫P(P, U, L); failures by mode (primary 0, loud 1, silent 2): each rate
    × ∫P(that unit up); switchover attempts (a spare up is tried): λ_P ∫P(P,U,U) +
    (λ_l + λ_s) ∫P(B,U,U).
    """
    p = LATENT
    c = latent_chain()
    t = LATENT_T

    def integral(f: Callable[[State], float]) -> float:
        return integral_of_expectation(c.q, c.p0, values(c, f), t)

    fails = [integral(lambda s: p["lam_p"] * (s[1] == "U")),
             integral(lambda s: p["lam_loud"] * (s[2] == "U")),
             integral(lambda s: p["lam_silent"] * (s[2] == "U"))]
    switch = integral(lambda s: p["lam_p"] * (s == ("P", "U", "U"))
                      + (p["lam_loud"] + p["lam_silent"]) * (s == ("B", "U", "U")))
    return {"u": 1 - c.interval_availability(t), "latent_hours": integral(lambda s: s[2] == "L"),
            "failures": fails, "switchovers": switch, "states": len(c.states),
            "u_not_revealed": 1 - latent_chain(silent_revealed_by_attempt=False)
            .interval_availability(t),
            "u_noticed": 1 - latent_chain(silent_noticed=True).interval_availability(t)}


def test_derivation_latent_standby() -> None:
    """The chain built by ``latent_standby_chain`` against the same chain written out as a table
    of moves (states and rates below), generator entry by entry; with the silent mode switched
    off, and with the silent mode noticed like the loud one, the pair is a parallel pair of
    independently repaired units (switchover 0, coverage 1: up while one unit is up), so U(T)
    must equal the structure function 1 − (1/T)∫(1 − p_P)(1 − p_B) by quadrature.

    Table (λ_P, λ_l, λ_s failure rates, μ repair): (P,U,U) →λ_P→ (B,R,U), →λ_l→ (P,U,R),
    →λ_s→ (P,U,L); (P,U,L) →λ_P→ (-,R,R); (P,U,R) →λ_P→ (-,R,R), →μ_B→ (P,U,U);
    (B,U,U) →λ_l+λ_s→ (P,U,R), →λ_P→ (B,R,U); (B,R,U) →λ_l+λ_s→ (-,R,R), →μ_P→ (B,U,U);
    (-,R,R) →μ_P→ (P,U,R), →μ_B→ (B,R,U).

    Values (T = 2000 h): U = 0.0305887, latent hours 850.364, failures by mode 9.09917
    (primary) / 0.479448 (loud) / 9.58896 (silent), switchover attempts 6.24235 per mission.
    Misreadings: the skipped latent spare not revealed, U = 0.0833420; the silent mode noticed,
    U = 0.0155721.
    """
    x = latent_standby_exact()
    p = LATENT
    lp, ll, ls, mp, mb = p["lam_p"], p["lam_loud"], p["lam_silent"], p["mu_p"], p["mu_b"]
    table = {
        ("P", "U", "U"): [(("B", "R", "U"), lp), (("P", "U", "R"), ll), (("P", "U", "L"), ls)],
        ("P", "U", "L"): [(("-", "R", "R"), lp)],
        ("P", "U", "R"): [(("-", "R", "R"), lp), (("P", "U", "U"), mb)],
        ("B", "U", "U"): [(("P", "U", "R"), ll + ls), (("B", "R", "U"), lp)],
        ("B", "R", "U"): [(("-", "R", "R"), ll + ls), (("B", "U", "U"), mp)],
        ("-", "R", "R"): [(("P", "U", "R"), mp), (("B", "R", "U"), mb)],
    }
    c = latent_chain()
    assert x["states"] == 6 and set(c.states) == set(table)
    q = np.zeros((6, 6))
    for s, moves in table.items():
        for target, rate in moves:
            q[c.states.index(s), c.states.index(target)] += rate
    q[np.diag_indices(6)] = -q.sum(axis=1)
    assert np.allclose(q, c.q, rtol=0, atol=1e-15)
    t = LATENT_T
    limits = [(ll, latent_standby_chain(lp, mp, ll, 0.0, mb)),
              (ll + ls, latent_standby_chain(lp, mp, ll, ls, mb, silent_noticed=True))]
    for lam_b, ch in limits:
        point = [point_availability(lp, mp), point_availability(lam_b, mb)]
        assert 1 - ch.interval_availability(t) == pytest.approx(
            1 - structure_interval_availability(any, point, t), rel=TWO_WAYS)
    # the latent state: entered at λ_s from (P,U,U), left only by the primary's failure
    pi = steady_state(c.q)
    i_uu, i_ul = c.states.index(("P", "U", "U")), c.states.index(("P", "U", "L"))
    assert pi[i_ul] == pytest.approx(ls * pi[i_uu] / lp, rel=TWO_WAYS)
    assert x["u"] == pytest.approx(0.03058866951, rel=PINNED)
    assert x["latent_hours"] == pytest.approx(850.3644499, rel=PINNED)
    assert x["failures"] == pytest.approx([9.099173554, 0.4794481818, 9.588963635], rel=PINNED)
    assert x["switchovers"] == pytest.approx(6.242354472, rel=PINNED)
    assert x["u_not_revealed"] == pytest.approx(0.08334195823, rel=PINNED)
    assert x["u_noticed"] == pytest.approx(0.01557208586, rel=PINNED)


LATENT_MODEL = """
hasim: 1
name: hot standby with a latent spare
mission: 2000h
components:
  primary: {failure: 200h, repair: 20h}
  backup:
    failures:
      - {name: loud, law: 2000h}
      - {name: silent, law: 100h, coverage: 0}
    repair: 20h
system: {standby: {of: [primary, backup], mode: hot, detection: {fixed: 0s}}}
"""


def test_latent_standby_spare(engine: str) -> None:
    """Hot standby [primary, backup] with a health check after 0 s; the backup's silent mode
    (coverage 0) leaves it failed unnoticed while it is the spare, until a switchover attempt
    skips it and reveals it; as the active unit the health check notices it at once. Exact
    (test_derivation_latent_standby): U = 0.0305887, latent hours 850.364, failures by mode
    9.09917 / 0.479448 / 9.58896, switchover attempts 6.24235 per mission.

    Misreadings rejected: the latent spare is not revealed by the attempt (U = 0.0833), the
    silent failures noticed at once (U = 0.0156). The loud mode fails only 0.48 times a run (cv
    1.5, too rare for a sharp check at these run counts): it is checked through the backup's
    failures by type (10.0684 = loud + silent, sharp) and the per-run identity with the modes.
    500 reference runs (≈ 29,000 events): U (cv 0.51) to 9 %, the rest to 5–8 %; 60,000 numba
    runs: 0.85 %.
    """
    x = latent_standby_exact()
    study = simulate(LATENT_MODEL, *LATENT_RUNS, seed=3701)
    r = records(study)
    est = assert_close(per_hour(r.downtime_hours, study), x["u"], sharp=0.11,
                       what="unavailability")
    assert_distinguishable(est, x["u_not_revealed"], "a skipped latent spare stays latent")
    assert_distinguishable(est, x["u_noticed"], "the silent mode is noticed at once")
    assert_close(r.latent_hours, x["latent_hours"], sharp=0.08, what="latent hours")
    for g, name in [(0, "primary"), (2, "silent")]:
        assert_close(counts(r.failures_by_mode[:, g]), x["failures"][g], sharp=0.08,
                     what=f"failures, mode {name}")
    by_mode, by_type = r.failures_by_mode, r.failures_by_type
    assert np.array_equal(by_mode[:, 0], by_type[:, 0])
    assert np.array_equal(by_mode[:, 1] + by_mode[:, 2], by_type[:, 1])
    assert_close(counts(r.switchovers), x["switchovers"], sharp=0.1, what="switchovers")
    assert_close(counts(by_type[:, 1]), x["failures"][1] + x["failures"][2], sharp=0.08,
                 what="failures of the backup")


# === run counts ================================================================================


def markov(c: Chain) -> PiecewiseChain:
    """A CTMC as a piecewise chain with no schedule (for its second moments)."""
    return PiecewiseChain(c.states, c.q, np.eye(len(c.states)), math.inf, math.inf, c.start)


def test_derivation_run_counts() -> None:
    """The run counts are enough: for the time integrals checked in the simulation tests, the
    per-run coefficient of variation cv from the chain's first two moments
    (``PiecewiseChain.second_moment``) puts Z·cv/√n below 95 % of the test's sharpness bar on
    the reference engine and below 0.95 % (the 1 % bar) on the numba engine, so the sharpness
    asserts fail only if the engine's spread is wrong. Also E[(∫1)²] = T² (to the 3e-9 of a
    hundred block exponentials).
    """
    pc = proof_test_chain(PROOF_LAM, PROOF_MU, PROOF_TAU)
    assert pc.second_moment(PROOF_T, lambda s: 1.0) == pytest.approx(PROOF_T**2, rel=1e-8)
    modes = markov(modes_series_chain([MODES_A, MODES_B]))
    n, k, lam, mu, nu, stock = SPARES
    spares = markov(spares_chain(n, k, lam, mu, nu, stock))
    p = MAINT
    maint = maintenance_chain(p["lam"], p["mu"], p["eta"], p["every"])
    latent = markov(latent_chain())
    checks: list[tuple[str, PiecewiseChain, float, Callable[[State], float], tuple[int, int],
                       float]] = [
        ("proof test: downtime", pc, PROOF_T, lambda s: s != "U", PROOF_RUNS, 0.09),
        ("proof test: latent hours", pc, PROOF_T, lambda s: s == "L", PROOF_RUNS, 0.09),
        ("modes: downtime", modes, MODES_T, lambda s: s[1] >= 0, MODES_RUNS, 0.08),
        *[(f"modes: downtime of mode {g}", modes, MODES_T, cause_is(g), MODES_RUNS, 0.12)
          for g in range(3)],
        ("spares: downtime", spares, SPARES_T, lambda s: n - s[0] - s[1] < k, SPARES_RUNS,
         0.12),
        ("spares: wait hours", spares, SPARES_T, lambda s: s[0], SPARES_RUNS, 0.12),
        ("spares: on hand", spares, SPARES_T, lambda s: stock - s[2], SPARES_RUNS, 0.08),
        ("maintenance: planned", maint, MAINT_T, lambda s: s == "M", MAINT_RUNS, 0.1),
        ("maintenance: unplanned", maint, MAINT_T, lambda s: s == "F", MAINT_RUNS, 0.1),
        ("latent spare: downtime", latent, LATENT_T, lambda s: s[0] == "-", LATENT_RUNS, 0.11),
        ("latent spare: latent hours", latent, LATENT_T, lambda s: s[2] == "L", LATENT_RUNS,
         0.08),
    ]
    for what, chain_, t, reward, (simpy_runs, numba_runs), sharp in checks:
        m1 = chain_.expected(t, {"x": reward})["x"]
        cv = math.sqrt(chain_.second_moment(t, reward) - m1 * m1) / m1
        print(f"{what}: cv {cv:.3f}, reference {Z * cv / math.sqrt(simpy_runs):.2%}, "
              f"numba {Z * cv / math.sqrt(numba_runs):.2%}")
        assert Z * cv / math.sqrt(simpy_runs) < 0.95 * sharp, what
        assert Z * cv / math.sqrt(numba_runs) < 0.0095, what
