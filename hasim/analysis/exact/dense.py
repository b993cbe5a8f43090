"""Linear algebra of the chain: steady state, transient solution, mission integrals.

(The solvers of the first exact module, kept for chains up to DENSE_LIMIT states when
the Krylov transient of :mod:`.linalg` cannot meet its tolerance.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hasim.analysis.exact.linalg import chain_values
from hasim.analysis.exact.result import NotExact

DENSE_LIMIT = 2000
"""Chains up to this many states are solved with dense linear algebra (to ~1e-13)."""
TV_TOLERANCE = 1e-13
"""A large chain whose distance to its steady state (total variation) falls below this before
the end of the mission is taken to be in its steady state from then on: the distance never
grows again, so the error of any mission value is bounded by it."""


def _solve(A: Any, b: np.ndarray) -> np.ndarray:
    """Solve A x = b: dense for small systems, else ILU-preconditioned GMRES, checked."""
    from scipy.sparse import linalg as sla

    n = A.shape[0]
    if n <= DENSE_LIMIT:
        return np.linalg.solve(A.toarray(), b)
    A = A.tocsc()
    tolerance = 1e-12 * max(1.0, float(np.abs(b).max()))
    try:
        # an incomplete LU preconditioner is fast on most chains ...
        ilu = sla.spilu(A, drop_tol=1e-6, fill_factor=20)
        M = sla.LinearOperator(A.shape, ilu.solve)
        x, _ = sla.gmres(A, b, M=M, rtol=1e-14, atol=0.0, restart=60, maxiter=500)
        if float(np.abs(A @ x - b).max()) <= tolerance:
            return np.asarray(x)
    except RuntimeError:  # a zero pivot in the incomplete factorisation
        pass
    # ... and a complete sparse LU is the fallback
    try:
        x = sla.spsolve(A, b)
    except RuntimeError as exc:
        raise NotExact(f"the sparse linear solve failed: {exc}") from None
    residual = float(np.abs(A @ x - b).max())
    # a direct LU is backward stable: judge it by its backward error, relative to the scale
    # of A x (rates of hundreds per hour make an absolute 1e-12 unreachable)
    scale = float(abs(A).sum(axis=1).max()) * float(np.abs(x).max()) + float(np.abs(b).max())
    if not (residual <= tolerance or residual <= 1e-13 * scale):
        raise NotExact(f"the sparse linear solve did not converge (residual {residual:.2g})")
    return np.asarray(x)


def steady_state(Q: Any) -> np.ndarray:
    """Stationary distribution of an irreducible generator.

    With π₀ fixed to 1, the balance equations of the other states read
    Σ_{i≥1} π_i Q[i, j] = −Q[0, j]; the solution is then normalised. (Replacing a balance
    equation by the normalisation instead would put a dense row into the factorisation.)
    """
    n = Q.shape[0]
    if n == 1:
        return np.ones(1)
    Q = Q.tocsr()
    rhs = -np.asarray(Q[0, 1:].todense()).ravel()
    y = _solve(Q[1:, 1:].T.tocsc(), rhs)
    pi = np.concatenate([[1.0], np.atleast_1d(y)])
    return pi / pi.sum()


def transient(Q: Any, p0: np.ndarray, T: float, pi: np.ndarray | None = None) -> np.ndarray:
    """p(T) = p0 · exp(Q T).

    Dense matrix exponential for small chains. For large irreducible chains (``pi`` given),
    sparse Krylov steps over doubling horizons until p(t) is within TV_TOLERANCE of π (from
    then on it stays there) or t reaches T.
    """
    n = Q.shape[0]
    if n <= DENSE_LIMIT:
        from scipy.linalg import expm

        return np.asarray(p0 @ expm(Q.toarray() * T))
    if pi is None:
        raise NotExact(f"a transient solution of {n:,} states needs the steady state")
    from scipy.sparse.linalg import expm_multiply

    QT = Q.T.tocsc()
    p, t, step = p0.copy(), 0.0, min(T, 1.0)
    while t < T:
        step = min(step, T - t)
        p = np.asarray(expm_multiply(QT * step, p))
        t += step
        if np.abs(p - pi).sum() < TV_TOLERANCE:
            return pi.copy()
        step *= 2
    return p


def mission_integral(Q: Any, pi: np.ndarray, p0: np.ndarray, pT: np.ndarray, r: np.ndarray,
                     T: float) -> float:
    """∫₀ᵀ p(t)·r dt for an irreducible generator Q, from the steady state π and the end state
    p(T): with Q x = r − (π·r)1, d/dt p(t)·x = p(t)·r − π·r, so the integral is
    T π·r + (p(T) − p(0))·x (x found with x₀ = 0)."""
    rbar = r - float(pi @ r)
    x = np.zeros(len(r))
    if len(r) > 1:
        x[1:] = _solve(Q[1:, 1:].tocsc(), rbar[1:])
    return T * float(pi @ r) + float((pT - p0) @ x)


def solve_chain(chain: Any, mission: float) -> dict[str, Any]:
    """Steady-state and mission values of a chain (see :class:`ExactResult`)."""
    from scipy import sparse

    Q, up = chain.Q, chain.up
    n = Q.shape[0]
    pi = steady_state(Q)
    A = float(pi[up].sum())
    # rate of leaving the up set from each up state
    down_cols = sparse.diags((~up).astype(float))
    to_down = np.asarray((Q @ down_cols).sum(axis=1)).ravel() * up
    freq = float(pi @ to_down)
    p0 = np.zeros(n)
    p0[chain.initial] = 1.0
    pT = transient(Q, p0, mission, pi)
    up_time = mission_integral(Q, pi, p0, pT, up.astype(float), mission)
    outages = mission_integral(Q, pi, p0, pT, to_down, mission)
    # first system failure: down states absorbing
    ui = np.flatnonzero(up)
    Quu = Q[ui][:, ui].tocsc()
    pos = int(np.searchsorted(ui, chain.initial))
    p_fail: float | None
    if len(ui) == n:
        mttf, p_fail = math.inf, 0.0
    else:
        tau = _solve(-Quu, np.ones(len(ui)))
        mttf = float(np.atleast_1d(tau)[pos])
        if len(ui) <= DENSE_LIMIT:
            q0 = np.zeros(len(ui))
            q0[pos] = 1.0
            p_fail = min(max(1.0 - float(transient(Quu, q0, mission).sum()), 0.0), 1.0)
        else:
            p_fail = None  # the survival function of a large chain: not computed
    return chain_values(A, freq, mttf, float(up_time) / mission, float(outages), p_fail)
