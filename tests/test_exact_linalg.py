"""hasim.analysis.exact.linalg against dense linear algebra, closed forms and the old solver."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg as la
import scipy.sparse as sp

import hasim
from hasim.analysis.exact import Chain, build_chain
from hasim.analysis.exact import linalg as cs
from hasim.analysis.exact.dense import solve_chain as old_solve_chain
from hasim.model.compile import model_from_yaml

from .conftest import ROOT

REF_TOL = 1e-13
"""Accuracy of the dense references themselves (expm of ‖QT‖ up to 720, a dense null vector):
an error below it cannot be told apart from the reference's own."""


def random_generator(n: int, seed: int) -> sp.csr_matrix:
    """An irreducible generator: a cycle through every state plus random transitions."""
    rng = np.random.default_rng(seed)
    rows = np.concatenate([np.arange(n), rng.integers(0, n, 3 * n)])
    cols = np.concatenate([(np.arange(n) + 1) % n, rng.integers(0, n, 3 * n)])
    rates = 10.0 ** rng.uniform(-2, 1, len(rows))
    keep = rows != cols
    Q = sp.coo_matrix((rates[keep], (rows[keep], cols[keep])), shape=(n, n)).tocsr()
    return (Q - sp.diags(np.asarray(Q.sum(axis=1)).ravel())).tocsr()


def from_dense(R: np.ndarray) -> sp.csr_matrix:
    return sp.csr_matrix(R - np.diag(R.sum(axis=1)))


def birth_death(units: int, lam: float, mu: float) -> np.ndarray:
    """units identical units, one repairer: state = units failed."""
    R = np.zeros((units + 1, units + 1))
    for i in range(units + 1):
        if i < units:
            R[i, i + 1] = (units - i) * lam
        if i > 0:
            R[i, i - 1] = mu
    return R


def standby(lam: float, mu: float, switch: float) -> np.ndarray:
    """Active + spare: 0 both up, 1 switching over (down), 2 one in repair, 3 both failed."""
    R = np.zeros((4, 4))
    R[0, 1], R[1, 2], R[2, 0], R[2, 3], R[3, 2] = lam, switch, mu, lam, mu
    return R


def stiff_chain() -> sp.csr_matrix:
    """5-second switchover (720/h) beside failure rates of 1e-4/h: 4 x 5 x 7 = 140 states."""
    Q = from_dense(standby(1e-4, 0.25, 720.0))
    for R in (birth_death(4, 2e-3, 0.2), birth_death(6, 1e-3, 0.15)):
        Q = sp.kronsum(Q, from_dense(R), format="csr")
    return Q.tocsr()


def dense_pi(Q: sp.csr_matrix) -> np.ndarray:
    n = Q.shape[0]
    M = Q.toarray().T.copy()
    M[-1] = 1.0
    b = np.zeros(n)
    b[-1] = 1.0
    return np.linalg.solve(M, b)


def reference(Q: sp.csr_matrix, p0: np.ndarray, T: float) -> np.ndarray:
    """p0·e^{QT} by dense expm; once the chain has mixed (gap·T > 60: ‖p(T) − π‖ < e^-60·C)
    the dense π, which is more accurate than expm of a matrix of norm 6e6."""
    lam = np.sort(np.abs(np.linalg.eigvals(Q.toarray()).real))
    if lam[1] * T > 60:
        return dense_pi(Q)
    return p0 @ la.expm(Q.toarray() * T)


# --- linear systems ---


@pytest.mark.parametrize("method", ["direct", "iterative", "auto"])
def test_factorize_solves_both_ways_with_residual(method: str) -> None:
    Q = random_generator(300, seed=1)
    A = sp.identity(300) - 0.3 * Q  # an M-matrix, as the solvers meet them
    fac = cs.factorize(A, method=method)
    b = np.random.default_rng(2).standard_normal(300)
    dense = A.toarray()
    for trans in (False, True):
        x, res = fac.solve(b, trans=trans)
        exact = np.linalg.solve(dense.T if trans else dense, b)
        assert np.abs(x - exact).max() <= 1e-10 * np.abs(exact).max()
        assert res == pytest.approx(np.linalg.norm(b - (dense.T if trans else dense) @ x)
                                    / np.linalg.norm(b), abs=1e-16)
        assert res <= 1e-12
    assert fac.method == ("gmres-sgs" if method == "iterative" else "splu")
    assert len(fac.residuals) == 2


def test_factorize_falls_back_to_iterative_when_the_budget_is_too_small() -> None:
    A = sp.identity(500) - 0.5 * random_generator(500, seed=3)
    fac = cs.factorize(A, memory_budget=1000)
    assert fac.method == "gmres-sgs"
    _, res = fac.solve(np.ones(500))
    assert res <= 1e-12


def test_a_solve_that_cannot_converge_is_an_error() -> None:
    A = sp.csr_matrix(np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
    fac = cs.factorize(A, method="iterative")  # singular, and b outside its range
    with pytest.raises(cs.SolverError, match="relative residual"):
        fac.solve(np.array([1.0, 1.0, 1.0]))
    assert issubclass(cs.SolverError, hasim.errors.HasimError)


# --- steady state ---


@pytest.mark.parametrize("method", ["direct", "iterative"])
@pytest.mark.parametrize("seed", [4, 5, 6])
def test_steady_state_against_dense(seed: int, method: str) -> None:
    Q = random_generator(200, seed)
    pi, residual = cs.steady_state(Q, method=method)
    assert np.abs(pi - dense_pi(Q)).sum() <= 1e-11
    assert residual == pytest.approx(np.abs(Q.T @ pi).sum())
    assert residual <= 1e-12


# --- transient and survival ---


def check_transient(Q: sp.csr_matrix, T: float, method: str, tol: float = 1e-12) -> None:
    n = Q.shape[0]
    p0 = np.zeros(n)
    p0[0] = 1.0
    info: dict = {}
    pT, bound = cs.transient(Q, p0, T, tol=tol, method=method, info=info)
    err_expm = np.abs(pT - p0 @ la.expm(Q.toarray() * T)).sum()
    err = np.abs(pT - reference(Q, p0, T)).sum()
    assert err_expm <= 1e-9, (T, method, info)
    assert bound <= 1e-9, (T, method, info)
    assert err <= bound + REF_TOL, (T, method, err, bound, info)
    if method != "auto":
        assert info["method"].startswith(method[:6])


@pytest.mark.parametrize("T", [0.001, 1.0, 8760.0])
@pytest.mark.parametrize("method", ["auto", "krylov", "uniformisation"])
def test_transient_of_a_stiff_chain(T: float, method: str) -> None:
    if method == "uniformisation" and T > 1:
        T = 2.0  # q·T = 1,440 products; 8,760 h would be 6.3 million
    check_transient(stiff_chain(), T, method)


@pytest.mark.parametrize(("seed", "T"), [(7, 0.05), (8, 3.0), (7, 500.0)])
def test_transient_of_random_chains_by_krylov(seed: int, T: float) -> None:
    # random non-normal chains need more than 60 Krylov vectors for 1e-12: ask 1e-10
    check_transient(random_generator(120, seed), T, "krylov", tol=1e-10)


def test_krylov_and_uniformisation_agree_within_their_bounds() -> None:
    Q = stiff_chain()
    p0 = np.full(Q.shape[0], 1.0 / Q.shape[0])
    a, ba = cs.transient(Q, p0, 1.5, method="krylov")
    b, bb = cs.transient(Q, p0, 1.5, method="uniformisation")
    assert np.abs(a - b).sum() <= ba + bb + 1e-15


@pytest.mark.parametrize("T", [0.001, 1.0, 8760.0])
@pytest.mark.parametrize("method", ["auto", "krylov"])
def test_survival_against_dense(T: float, method: str) -> None:
    Q = stiff_chain()
    up = np.ones(Q.shape[0], bool)
    up[np.arange(Q.shape[0]) % 4 == 1] = False  # switching over: down
    up[np.arange(Q.shape[0]) % 4 == 3] = False
    ui = np.flatnonzero(up)
    Quu = Q[ui][:, ui]
    q0 = np.zeros(len(ui))
    q0[0] = 1.0
    info: dict = {}
    S, bound = cs.survival(Quu, q0, T, method=method, info=info)
    exact = float((q0 @ la.expm(Quu.toarray() * T)).sum())
    assert abs(S - exact) <= 1e-9
    assert bound <= 1e-9
    assert abs(S - exact) <= bound + REF_TOL, (T, method, S - exact, bound, info)


# --- mission values ---


def chain_of(Q: sp.csr_matrix, up: np.ndarray) -> Chain:
    return Chain(states=list(range(Q.shape[0])), Q=Q, up=up, initial=0)


def test_single_unit_closed_forms() -> None:
    lam, mu, T = 1 / 1000, 1 / 8, 8760.0
    Q = from_dense(np.array([[0.0, lam], [mu, 0.0]]))
    v = cs.mission_values(Q, np.array([True, False]), 0, T)
    s = lam + mu
    assert v["steady_state_availability"] == pytest.approx(mu / s, rel=1e-14)
    assert v["interval_availability"] == pytest.approx(
        mu / s + lam * (1 - math.exp(-s * T)) / (s * s * T), rel=1e-13)
    assert v["failure_frequency"] == pytest.approx(lam * mu / s, rel=1e-14)
    assert v["mttf_hours"] == pytest.approx(1 / lam, rel=1e-14)
    assert v["p_system_failure"] == pytest.approx(-math.expm1(-lam * T), rel=1e-12)
    assert v["mean_down_time_hours"] == pytest.approx(1 / mu, rel=1e-13)


def test_two_units_with_shared_repair() -> None:
    """Two units, one repairer, parallel: closed forms of the birth–death chain."""
    lam, mu, T = 1e-3, 0.25, 8760.0
    Q = from_dense(birth_death(2, lam, mu))
    up = np.array([True, True, False])
    v = cs.mission_values(Q, up, 0, T)
    w = np.array([1.0, 2 * lam / mu, 2 * lam * lam / (mu * mu)])
    pi = w / w.sum()
    assert v["steady_state_availability"] == pytest.approx(1 - pi[2], rel=1e-14)
    assert v["failure_frequency"] == pytest.approx(pi[1] * lam, rel=1e-13)
    # MTTF from all up: τ0 = τ1 + 1/(2λ), τ1 = (1 + μ τ0)/(λ + μ)
    tau0 = (3 * lam + mu) / (2 * lam * lam)
    assert v["mttf_hours"] == pytest.approx(tau0, rel=1e-12)
    old = old_solve_chain(chain_of(Q, up), T)
    for key, value in old.items():
        assert v[key] == pytest.approx(value, rel=1e-9, abs=1e-15), key


def test_all_up_chain() -> None:
    Q = random_generator(30, seed=9)
    v = cs.mission_values(Q, np.ones(30, bool), 0, 100.0)
    assert v["mttf_hours"] == math.inf and v["p_system_failure"] == 0.0
    assert v["interval_availability"] == pytest.approx(1.0, abs=1e-14)
    assert v["mean_up_time_hours"] == math.inf and math.isnan(v["mean_down_time_hours"])


ACTIVE_PASSIVE_MARKOV = """
hasim: 1
name: Active/passive pair, exponential laws
mission: 1y
crews:
  oncall: {size: 1, response: 15min}
components:
  server:
    kind: hardware
    count: 2
    failure: 8760h
    repair: 3h
    detection: 3min
    crew: oncall
system:
  standby:
    of: server
    mode: cold
    detection: 20s
    switchover: 5s
    coverage: 90%
"""


def models() -> list[tuple[str, hasim.CompiledModel]]:
    return [("quorum-markov", hasim.load_model(ROOT / "models" / "quorum-markov.yaml")),
            ("active-passive-markov", model_from_yaml(ACTIVE_PASSIVE_MARKOV))]


@pytest.mark.parametrize(("name", "model"), models(), ids=lambda x: x if isinstance(x, str) else "")
def test_mission_values_match_solve_chain(name: str, model: hasim.CompiledModel) -> None:
    chain = build_chain(model)
    old = old_solve_chain(chain, model.mission)
    v = cs.mission_values(chain.Q, chain.up, chain.initial, model.mission)
    for key, value in old.items():
        assert v[key] == pytest.approx(value, rel=1e-8, abs=1e-12), (name, key)
    errors = v["errors"]
    assert errors["steady_state_residual"] <= 1e-12
    for key in ("interval_availability", "expected_outages", "p_system_failure",
                "transient_l1"):
        assert 0 <= errors[key] <= 1e-9, (name, key)
    assert set(v) >= set(old)


# --- stiff chains: the pole, the small exponential, the bound against long double ---


def expm_long_double(A: np.ndarray) -> np.ndarray:
    """e^A in long double, the slow twin of the Krylov step's small exponential: the Taylor
    series of e^X − I on X = A/2^s (‖X‖₁ ≤ 1/2), then s doublings F ↦ 2F + F²."""
    ld = np.longdouble
    s = max(0, math.ceil(math.log2(2 * float(np.abs(A).sum(axis=0).max()))))
    X = A.astype(ld) / ld(2) ** s
    F = np.zeros_like(X)
    term = np.eye(len(A), dtype=ld)
    for k in range(1, 30):
        term = term @ X / ld(k)
        F = F + term
    for _ in range(s):
        F = 2 * F + F @ F
    return np.eye(len(A), dtype=ld) + F


def test_long_double_reference_against_a_closed_form() -> None:
    """Three two-state chains side by side, rates from 1e-6 to 400 per hour, over 8,760 h:
    e^{tA} of each block is (b + a e^{−(a+b)t}, a − a e^{−(a+b)t}; ...)/(a + b)."""
    pairs = [(1e-6, 3e-4), (0.3, 4.0), (60.0, 400.0)]
    A = sp.block_diag([np.array([[-a, a], [b, -b]]) for a, b in pairs]).toarray()
    T = 8760.0
    blocks = []
    for a, b in pairs:
        e = math.exp(-(a + b) * T)
        blocks.append(np.array([[b + a * e, a - a * e], [b - b * e, a + b * e]]) / (a + b))
    exact = sp.block_diag(blocks).toarray()
    assert np.abs(expm_long_double(A * T).astype(float) - exact).max() <= 1e-15
    y, y_err = cs._exp_first_column(A, T)
    assert np.abs(y - exact[:, 0]).max() <= 1e-15
    assert np.all(y_err <= 1e-13)


def test_first_pole_is_the_geometric_mean_of_the_time_scales() -> None:
    Q = stiff_chain()
    q = float(np.abs(Q.diagonal()).max())
    assert cs._first_pole(Q.T.tocsr(), 8760.0) == pytest.approx(math.sqrt(8760.0 / q))
    assert cs._first_pole(Q.T.tocsr(), 0.01) == pytest.approx(0.01 / 8)  # capped at T/8


def test_stiff_transient_needs_no_second_pole() -> None:
    Q = stiff_chain()
    p0 = np.zeros(Q.shape[0])
    p0[0] = 1.0
    info: dict = {}
    cs.transient(Q, p0, 8760.0, tol=1e-10, method="krylov", info=info)
    assert info["refactors"] == 0, info


def benchmark_chain(name: str) -> Chain:
    return build_chain(hasim.load_model(ROOT / "benchmarks" / "exact" / f"{name}.yaml"))


@pytest.mark.parametrize("name", ["k7of10-two-crews", "brokers-racks"])
def test_survival_bound_is_honoured_on_the_benchmark_chains(name: str) -> None:
    """The survival of these chains was off by 1.2e-12 and 1.5e-11 against bounds of 6e-14
    and 9e-12 while the small exponential was scipy's expm; the reference here is e^{Q_uu T}
    in long double."""
    chain = benchmark_chain(name)
    ui = np.flatnonzero(chain.up)
    Quu = chain.Q[ui][:, ui].tocsr()
    T = 8760.0
    exact = float(expm_long_double(Quu.toarray() * T)[0].sum())
    q0 = np.zeros(len(ui))
    q0[0] = 1.0
    for gamma in (None, T / 8):  # the first pole, and the old one
        S, bound = cs.survival(Quu, q0, T, tol=1e-10, gamma=gamma)
        assert abs(S - exact) <= bound, (gamma, S - exact, bound)


def test_transient_bound_is_honoured_on_a_stiff_chain() -> None:
    Q = stiff_chain()
    p0 = np.zeros(Q.shape[0])
    p0[0] = 1.0
    T = 8760.0
    exact = (p0 @ expm_long_double(Q.toarray() * T)).astype(float)
    pT, bound = cs.transient(Q, p0, T, tol=1e-10, method="krylov")
    assert np.abs(pT - exact).sum() <= bound


def test_stiff_model_mission_values_against_dense() -> None:
    """models/web-cluster-markov.yaml (1,953 states, rates from 5e-6 to 106 per hour, and the
    slow mode of which database member is active) against the dense expm path; its
    P(outage) against the survival in long double, within the reported bound."""
    m = hasim.load_model(ROOT / "models" / "web-cluster-markov.yaml")
    chain = build_chain(m)
    v = cs.mission_values(chain.Q, chain.up, chain.initial, m.mission)
    old = old_solve_chain(chain, m.mission)
    for key, value in old.items():
        assert v[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
    ui = np.flatnonzero(chain.up)
    Quu = chain.Q[ui][:, ui].toarray()
    survival = float(expm_long_double(Quu * m.mission)[0].sum())
    assert abs(1 - v["p_system_failure"] - survival) <= v["errors"]["p_system_failure"]
    assert v["methods"]["transient"]["refactors"] == 0


def test_gmres_stops_when_an_ill_conditioned_solve_stagnates(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The Poisson equation of benchmarks/exact/cluster.yaml (‖B⁻¹‖ of thousands of hours)
    cannot reach GMRES_GOAL: the solve stops within RTOL after a few rounds, not 60."""
    chain = benchmark_chain("cluster")
    pi, _ = cs.steady_state(chain.Q, method="iterative")
    fac = cs.factorize(chain.Q[1:, 1:], method="iterative")
    rounds = []
    gmres = cs.sla.gmres
    monkeypatch.setattr(cs.sla, "gmres", lambda *a, **k: rounds.append(1) or gmres(*a, **k))
    r = chain.up.astype(float)
    _, res = fac.solve((r - pi @ r)[1:])
    assert res <= cs.RTOL
    assert len(rounds) <= 5, len(rounds)
