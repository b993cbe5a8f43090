"""Numerical solvers for continuous-time Markov chains of any size, each value with its error.

Works on a generator ``Q`` (scipy.sparse, rows sum to 0, irreducible), an ``up`` mask, an
initial state and a mission length ``T`` in hours. Self-contained: numpy, scipy and
:mod:`hasim.errors` only.

* :func:`factorize` — a sparse LU (SuperLU) where it is cheap and fits the memory budget, else
  GMRES preconditioned by symmetric Gauss–Seidel, whose residual is checked; every solve
  returns its relative residual ‖b − A x‖₂ / ‖b‖₂.
* :func:`steady_state` — π with π₀ = 1 from the balance equations of the other states; the
  factorization of B = Q[1:, 1:] is reused for the Poisson equation of the mission integrals.
* :func:`transient` / :func:`survival` — p0·e^{QT} (and q0·e^{Q_uu T}·1) with a rigorous ℓ1
  error bound: uniformisation (Poisson tail) when q·T is small, otherwise shift-and-invert
  Krylov (one pole γ, one factorization of I − γQᵀ) restarted over time steps, applied to the
  deviation from π, with steady-state detection. The bound rests on the ℓ1 contraction of
  e^{tQᵀ} for a (sub-)generator: an approximation u with residual r = u′ − Qᵀu is off by at
  most ∫‖r(s)‖₁ ds. The residual of the Krylov approximation is computed from the Arnoldi
  relation itself (including the residuals of the inner solves), so the bound also covers
  inexact solves.
* :func:`mission_values` — the values of ``hasim.analysis.exact.solve_chain`` (same formulas)
  with the residual of each solve and an error bound for each mission value.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
import scipy.sparse.linalg as sla
from scipy import special
from scipy.sparse.csgraph import reverse_cuthill_mckee

from hasim.errors import HasimError

__all__ = [
    "Factorization",
    "SolverError",
    "chain_values",
    "factorize",
    "mission_values",
    "steady_state",
    "steady_values",
    "survival",
    "transient",
]

EPS = float(np.finfo(float).eps)
DIRECT_FLOPS = 3e8
"""A direct LU is chosen when the envelope of the reverse Cuthill–McKee ordering predicts at
most this many operations (about 0.2 s); beyond it GMRES + Gauss–Seidel is faster on the
high-dimensional chains of availability models (measured: 7,000 states, 0.3 s LU vs 0.02 s)."""
RTOL = 1e-12
"""Relative residual ‖b − A x‖₂ / ‖b‖₂ an iterative solve must reach."""
GMRES_GOAL = 1e-14
"""Relative residual GMRES aims at (the Krylov transient's inner solves need it: their
residuals enter its error bound); a solve may stop short of it within RTOL (see
:meth:`Factorization._gmres`)."""
GMRES_ROUNDS = 60
"""Rounds of GMRES (two restart cycles of 60 iterations each) a solve may take."""
BACKWARD_OK = 64 * EPS
"""A solve whose relative residual misses RTOL is still accepted at this normwise backward
error (a backward-stable LU on an ill-conditioned system)."""
UNIFORMISATION_MAX = 1000.0
"""Uniformisation is used while q·T (matrix-vector products) stays below this."""
KRYLOV_MAX = 60
"""Largest Krylov basis per restart."""
MAX_REFACTORS = 6
"""Times the Krylov transient may move its pole 8 times closer before it gives up (each is a
new factorization; a chain that needs more is answered without mission values, quickly)."""
KRYLOV_MAX_SOLVES = 600
"""Inner solves the Krylov transient may take before it gives up: a chain it cannot solve is
handed on (to the older solvers) after seconds, not minutes — a count, not a time, so that
the answer never depends on the machine's load (the tests' chains need at most 236)."""
MARGIN = 2.0
"""Safety factor on the quadrature of the residual norm (sampled at 353 times per step)."""


class SolverError(HasimError):
    """A linear system or matrix exponential could not be solved to the accuracy asked."""


def _memory_budget(budget: int | None) -> int:
    if budget is not None:
        return int(budget)
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")) // 2
    except (ValueError, OSError, AttributeError):
        return 4 * 2**30


def _rel_residual(A: Any, x: np.ndarray, b: np.ndarray) -> float:
    nb = float(np.linalg.norm(b))
    r = float(np.linalg.norm(b - A @ x))
    return r / nb if nb > 0 else r


# --- linear systems ---


@dataclass
class Factorization:
    """A solver for A x = b (``trans=True``: Aᵀ x = b) prepared once, reused for many solves.

    ``method`` is ``"splu"``, ``"gmres-sgs"`` or ``"gmres-ilu"``; ``residuals`` collects the
    relative residual of every solve; ``estimate`` holds the cost estimate that chose the
    method.
    """

    A: Any
    method: str
    rtol: float = RTOL
    estimate: dict[str, float] = field(default_factory=dict)
    residuals: list[float] = field(default_factory=list)
    _lu: Any = None
    _pre: dict[bool, Any] = field(default_factory=dict)
    ilu: bool = False
    """Precondition GMRES with an incomplete LU (for strictly diagonally dominant matrices
    such as I − γQᵀ: stable, and 3-4 times faster per solve than Gauss–Seidel)."""
    _AT: Any = None

    def _op(self, trans: bool) -> Any:
        if not trans:
            return self.A
        if self._AT is None:
            self._AT = self.A.T.tocsr()
        return self._AT

    def solve(self, b: np.ndarray, trans: bool = False) -> tuple[np.ndarray, float]:
        """x with A x = b (or Aᵀ x = b) and its relative residual ‖b − A x‖₂ / ‖b‖₂.

        Raises
        ------
        SolverError
            When the residual cannot be brought below ``rtol``.
        """
        b = np.asarray(b, dtype=float)
        op = self._op(trans)
        if self.method == "splu":
            x = self._lu.solve(b, trans="T" if trans else "N")
            res = _rel_residual(op, x, b)
            for _ in range(2):  # iterative refinement: cheap, and rarely needed
                if res <= self.rtol * 1e-2:
                    break
                x = x + self._lu.solve(b - op @ x, trans="T" if trans else "N")
                res = _rel_residual(op, x, b)
        else:
            x, res = self._gmres(op, b, trans)
        # a direct LU is backward stable: judged by its backward error as well (GMRES is not:
        # on a nearly singular system a huge x has a small backward error)
        if not (res <= self.rtol or (self.method == "splu"
                                     and self._backward_error(op, x, b) <= BACKWARD_OK)):
            raise SolverError(f"the {self.method} solve of {len(b):,} equations reached a "
                              f"relative residual of {res:.2g}, above {self.rtol:.0e}")
        self.residuals.append(res)
        return x, res

    @staticmethod
    def _backward_error(op: Any, x: np.ndarray, b: np.ndarray) -> float:
        """‖b − A x‖∞ / (‖A‖∞‖x‖∞ + ‖b‖∞): what a backward-stable solve can promise when A is
        ill-conditioned (rates of hundreds per hour beside 1e-4)."""
        scale = float(abs(op).sum(axis=1).max()) * float(np.abs(x).max()) + float(np.abs(b).max())
        return float(np.abs(b - op @ x).max()) / scale if scale > 0 else 0.0

    def _preconditioner(self, op: Any, trans: bool) -> Any:
        if trans not in self._pre and self.ilu:
            try:
                ilu = sla.spilu(op.tocsc(), drop_tol=1e-4, fill_factor=10)
                self._pre[trans] = sla.LinearOperator(op.shape, ilu.solve)
            except RuntimeError:  # a zero pivot: Gauss–Seidel below
                pass
        # symmetric Gauss–Seidel, M = (D+L) D⁻¹ (D+U): its triangular factors have no fill
        if trans not in self._pre:
            opts = dict(permc_spec="NATURAL", diag_pivot_thresh=0.0,
                        options=dict(SymmetricMode=True))
            lower = sla.splu(sp.tril(op, format="csc"), **opts)
            upper = sla.splu(sp.triu(op, format="csc"), **opts)
            d = op.diagonal()

            def apply(v: np.ndarray) -> np.ndarray:
                return upper.solve(d * lower.solve(v))

            self._pre[trans] = sla.LinearOperator(op.shape, apply)
        return self._pre[trans]

    def _gmres(self, op: Any, b: np.ndarray, trans: bool) -> tuple[np.ndarray, float]:
        """GMRES(60) towards GMRES_GOAL, two restart cycles a round: it stops at the goal, or
        once the residual is within ``rtol`` and a round no longer halves it. The second
        stop matters on ill-conditioned systems (the Poisson equation of a chain with a slow
        mode: ‖B⁻¹‖ of thousands of hours), whose attainable residual lies between ``rtol`` and
        the goal: GMRES would otherwise run all its cycles (1,800 iterations, seconds) for
        nothing."""
        M = self._preconditioner(op, trans)
        nb = float(np.linalg.norm(b))
        if nb == 0:
            return np.zeros_like(b), 0.0
        x = np.zeros_like(b)
        res = math.inf
        for _ in range(GMRES_ROUNDS):
            x, _ = sla.gmres(op, b, x0=x, rtol=GMRES_GOAL, atol=0.0, restart=60, maxiter=2,
                             M=M)
            last, res = res, _rel_residual(op, x, b)
            if res <= GMRES_GOAL or (res <= self.rtol and res > 0.5 * last):
                break
        return np.asarray(x), res


def _direct_estimate(A: Any) -> tuple[float, float]:
    """(bytes, operations) of an LU in the reverse Cuthill–McKee envelope of A: an upper bound
    of the fill of that ordering (LU without pivoting fills only inside the envelope)."""
    pattern = (abs(A) + abs(A.T)).tocsr()
    perm = reverse_cuthill_mckee(pattern, symmetric_mode=True)
    P = pattern[perm][:, perm].tocsr()
    n = P.shape[0]
    first = np.minimum.reduceat(P.indices, P.indptr[:-1]) if P.nnz else np.zeros(n, int)
    width = np.maximum(np.arange(n) - first, 0).astype(float)
    return 16.0 * 2 * float(width.sum() + n), float((width**2).sum())


def factorize(A: Any, *, method: str = "auto", memory_budget: int | None = None,
              rtol: float = RTOL, ilu: bool = False) -> Factorization:
    """Prepare the solution of A x = b for many right-hand sides.

    Parameters
    ----------
    A
        Square sparse matrix (a generator block, I − γQᵀ, −Q_uu: M-matrices).
    method
        ``"direct"`` (SuperLU), ``"iterative"`` (GMRES, symmetric Gauss–Seidel preconditioner)
        or ``"auto"``: direct where the envelope estimate says it is cheap and fits
        ``memory_budget``, iterative otherwise or when the LU fails (MemoryError,
        RuntimeError).
    memory_budget
        Bytes the factors may take; default half the memory available.
    rtol
        Relative residual every solve must reach, or :class:`SolverError`.
    ilu
        Precondition GMRES with an incomplete LU instead of symmetric Gauss–Seidel (for
        strictly diagonally dominant matrices: the shifted I − γQᵀ of the Krylov transient).
    """
    A = sp.csc_matrix(A)
    n = A.shape[0]
    if A.shape != (n, n):
        raise SolverError(f"factorize needs a square matrix, not {A.shape}")
    budget = _memory_budget(memory_budget)
    estimate: dict[str, float] = {}
    if method == "auto":
        mem, flops = _direct_estimate(A)
        estimate = {"lu_bytes": mem, "lu_flops": flops, "budget_bytes": float(budget)}
        method = "direct" if mem <= budget and flops <= DIRECT_FLOPS else "iterative"
    if method == "direct":
        d = np.abs(A.diagonal())
        off_rows = np.asarray(abs(A).sum(axis=1)).ravel() - d
        off_cols = np.asarray(abs(A).sum(axis=0)).ravel() - d
        dominant = bool(np.all(d >= off_rows * (1 - 1e-12)) or np.all(d >= off_cols * (1 - 1e-12)))
        # diagonally dominant: no pivoting needed (stable), and a symmetric ordering fills less
        opts: dict[str, Any] = (dict(permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                                     options=dict(SymmetricMode=True))
                                if dominant else dict(permc_spec="COLAMD"))
        try:
            lu = sla.splu(A, **opts)
            return Factorization(A=A.tocsr(), method="splu", rtol=rtol, estimate=estimate,
                                 _lu=lu)
        except (MemoryError, RuntimeError) as exc:
            estimate["lu_failed"] = 1.0
            if method != "auto" and memory_budget is not None:
                raise SolverError(f"the sparse LU of {n:,} equations failed: {exc}") from None
    if method not in ("direct", "iterative"):
        raise SolverError(f"unknown method {method!r}")
    return Factorization(A=A.tocsr(), method="gmres-ilu" if ilu else "gmres-sgs", rtol=rtol,
                         estimate=estimate, ilu=ilu)


# --- steady state ---


def _steady_state(Q: Any, method: str = "auto", memory_budget: int | None = None
                  ) -> tuple[np.ndarray, float, Factorization | None, float]:
    """(π, ‖πQ‖₁, the factorization of Q[1:, 1:], residual of its solve)."""
    n = Q.shape[0]
    if n == 1:
        return np.ones(1), 0.0, None, 0.0
    Q = sp.csr_matrix(Q)
    rhs = -Q[0, 1:].toarray().ravel()
    fac = factorize(Q[1:, 1:], method=method, memory_budget=memory_budget)
    y, res = fac.solve(rhs, trans=True)
    pi = np.concatenate([[1.0], y])
    pi /= pi.sum()
    return pi, float(np.abs(Q.T @ pi).sum()), fac, res


def steady_state(Q: Any, *, method: str = "auto", memory_budget: int | None = None
                 ) -> tuple[np.ndarray, float]:
    """Stationary distribution π of an irreducible generator and its residual ‖πQ‖₁.

    With π₀ fixed to 1 the balance equations of the other states read Bᵀ y = −Q[0, 1:]ᵀ with
    B = Q[1:, 1:] (replacing a balance equation by the normalisation would put a dense row into
    the factorisation); π = (1, y) / (1 + Σy).
    """
    pi, res, _, _ = _steady_state(Q, method, memory_budget)
    return pi, res


# --- matrix exponential: uniformisation ----------------------------------------------------------


def _uniformisation(AT: Any, u0: np.ndarray, T: float, q: float, tol: float
                    ) -> tuple[np.ndarray, float, dict[str, Any]]:
    """u0·e^{QT} as Σ Poisson(k; qT) u0 Pᵏ, P = I + Q/q (AT = Qᵀ, CSR). The truncated tail has
    Poisson mass ≤ tol/2 and ‖u0 Pᵏ‖₁ ≤ ‖u0‖₁ (P is (sub-)stochastic); rounding is bounded by
    (row length + 2)·ε·‖u0‖₁ per product."""
    qt = q * T
    norm0 = float(np.abs(u0).sum())
    # scipy.special, not scipy.stats (whose import alone takes seconds): pdtrc(k, m) is the
    # Poisson tail P(N > k), pdtrik its inverse in k
    K = int(special.pdtrik(1.0 - tol / 4, qt)) + 1 if qt > 0 else 0
    while K > 0 and special.pdtrc(K, qt) > tol / 2:
        K += 1 + K // 10
    ks = np.arange(K + 1)
    weights = np.exp(ks * math.log(qt) - qt - special.gammaln(ks + 1)) if qt > 0 else \
        (ks == 0).astype(float)
    v = u0.astype(float).copy()
    acc = weights[0] * v
    for k in range(1, K + 1):
        v = v + (AT @ v) / q
        acc += weights[k] * v
    row = int(np.diff(AT.indptr).max()) if AT.nnz else 0
    bound = float(special.pdtrc(K, qt)) * norm0 + (K + 1) * (row + 3) * EPS * norm0
    return acc, bound, {"method": "uniformisation", "products": K, "qT": qt}


# --- matrix exponential: shift-and-invert Krylov --------------------------------------------------


OCTAVES = 44
"""The residual is sampled from t_end·2^-44 (≈ 6e-14·t_end) to t_end ..."""
PER_OCTAVE = 8
"""... at 8 times per doubling (ratio 2^(1/8) ≈ 1.09): the grid of the quadrature."""


def _grid(t_end: float) -> np.ndarray:
    """0 and a geometric grid up to t_end: the residual changes fastest near the restart."""
    j = np.arange(OCTAVES * PER_OCTAVE + 1)
    return np.concatenate([[0.0], t_end * 2.0 ** ((j - OCTAVES * PER_OCTAVE) / PER_OCTAVE)])


def _expm_grid(Am: np.ndarray, t_end: float) -> np.ndarray:
    """Columns e^{s Am} e1 at every time s of ``_grid(t_end)``: e^{s Am} for the first
    PER_OCTAVE times, then squared (e^{2s Am} = (e^{s Am})²) along each octave."""
    m = Am.shape[0]
    npts = OCTAVES * PER_OCTAVE + 1
    Y = np.empty((m, npts + 1))
    Y[:, 0] = np.eye(m)[:, 0]
    s = _grid(t_end)
    with np.errstate(over="ignore", invalid="ignore"):
        for b in range(PER_OCTAVE):
            E = la.expm(s[1 + b] * Am)
            for j in range(b, npts, PER_OCTAVE):
                Y[:, 1 + j] = E[:, 0]
                E = E @ E
    return Y


def _expm1(X: np.ndarray, dtype: Any) -> np.ndarray:
    """e^X − I in ``dtype``: Taylor series on X/2^s (‖X/2^s‖₁ ≤ 1/2, 24 terms: truncation
    below 1e-25), then s doublings F ↦ 2F + F² (e^{2Y} − I = 2F + F² with F = e^Y − I).

    Doubling e^X − I rather than squaring e^X keeps the slow modes: squaring a matrix near
    I (a rate of 1e-8 per hour over a mission of 8,760 h) loses their digits, which is how
    scipy's expm came to miss e^{τA_m}e1 by 1e-12 to 4e-11 (benchmarks/exact: the
    survival of k7of10-two-crews and brokers-racks, against this in long double)."""
    X = np.asarray(X, dtype=dtype)
    norm = float(np.abs(X).sum(axis=0).max()) if X.size else 0.0
    halvings = max(0, math.ceil(math.log2(2.0 * norm))) if norm > 0 else 0
    X = X / dtype(2.0) ** halvings
    F = np.zeros_like(X)
    term = np.eye(X.shape[0], dtype=dtype)
    for k in range(1, 25):
        term = term @ X / dtype(k)
        F += term
    for _ in range(halvings):
        F = 2 * F + F @ F
    return F


def _exp_first_column(A: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    """e^{tA}e1 and a bound of the error of each entry: computed in long double, the bound
    its distance from the same computation in double precision (whose rounding errors are
    some 2,000 times those of long double, on x86). Where long double is double (some ARM
    platforms) the bound is 0, the rounding of this small dense step is left out."""
    e1 = np.eye(A.shape[0])[:, 0]
    wide = _expm1(t * A, np.longdouble)[:, 0].astype(float) + e1
    plain = _expm1(t * A, np.float64)[:, 0] + e1
    return wide, np.abs(wide - plain)


@dataclass
class _Step:
    """One Arnoldi basis: what the restart needs to advance and bound."""

    V: np.ndarray
    Am: np.ndarray
    Hinv: np.ndarray
    weights: np.ndarray  # ‖column residual‖₁ per z component (β/γ folded in)
    beta: float


def _arnoldi(AT: Any, shift: Factorization, u: np.ndarray, gamma: float, m_max: int,
             check: Any) -> _Step:
    """Shift-and-invert Arnoldi: X = (I − γQᵀ)⁻¹ V ≈ V H + h v_{m+1} e_mᵀ.

    With W = (I − γQᵀ)V computed explicitly and S̃_j = v_j − Σ_{i≤m} h_ij w_i (for j < m the
    residual of column j of the relation, inexact solves and rounding included; for j = m it
    also holds the Arnoldi remainder h_{m+1,m} w_{m+1}), exactly
    Qᵀ V = V A_m + (1/γ) S̃ H⁻¹ with A_m = (I − H⁻¹)/γ, so the approximation
    u(t) = β V e^{t A_m} e1 has the residual r(t) = −(β/γ) S̃ H⁻¹ e^{t A_m} e1, whose ℓ1 norm is
    at most Σ_j (β/γ)‖S̃_j‖₁ |z_j(t)|, z(t) = H⁻¹ e^{t A_m} e1. ``check(step)`` says when the
    basis is good enough.
    """
    n = len(u)
    beta = float(np.linalg.norm(u))
    V = np.empty((m_max + 1, n))
    W = np.empty((m_max + 1, n))
    H = np.zeros((m_max + 1, m_max))
    V[0] = u / beta
    W[0] = V[0] - gamma * (AT @ V[0])
    step: _Step | None = None
    for j in range(m_max):
        x, _ = shift.solve(V[j])
        c = V[: j + 1] @ x
        x -= c @ V[: j + 1]
        c2 = V[: j + 1] @ x  # classical Gram–Schmidt twice: orthogonal to working precision
        x -= c2 @ V[: j + 1]
        H[: j + 1, j] = c + c2
        hn = float(np.linalg.norm(x))
        k = j + 1
        breakdown = hn <= 1e-14 * float(np.abs(H[: j + 1, j]).sum())
        H[k, j] = 0.0 if breakdown else hn
        if not breakdown:
            V[k] = x / hn
            W[k] = V[k] - gamma * (AT @ V[k])
        if breakdown or k == m_max or (k >= 8 and k % 4 == 0):
            Hk = H[:k, :k]
            Hinv = np.linalg.inv(Hk)
            # row j: v_j − Σ_{i<k} h_ij w_i, so the last row also holds h_{k+1,k} w_{k+1}
            S = V[:k] - H[:k, :k].T @ W[:k]
            weights = (beta / gamma) * np.abs(S).sum(axis=1)
            step = _Step(V=V[:k], Am=(np.eye(k) - Hinv) / gamma, Hinv=Hinv,
                         weights=weights, beta=beta)
            if breakdown or k == m_max or check(step):
                return step
    assert step is not None
    return step


def _residual_integral(step: _Step, t_end: float) -> np.ndarray:
    """Cumulative bound of ∫₀^{s_k} ‖r‖₁ on ``_grid(t_end)``: on each interval the larger of the
    bound at its ends times its length (ends 9 % apart), times MARGIN."""
    s = _grid(t_end)
    with np.errstate(over="ignore", invalid="ignore"):
        g = step.weights @ np.abs(step.Hinv @ _expm_grid(step.Am, t_end))
    g[~np.isfinite(g)] = np.inf  # overflowed: no bound from there on
    piece = np.diff(s) * np.maximum(g[1:], g[:-1])
    return MARGIN * np.concatenate([[0.0], np.cumsum(piece)])


def _first_pole(AT: Any, T: float) -> float:
    """The pole γ the Krylov transient starts with: √(T/q), the geometric mean of the fastest
    time scale 1/q (q the largest exit rate) and the mission, capped at T/8.

    The transformation λ ↦ 1/(1 − γλ) resolves rates near 1/γ best and is symmetric in log λ
    about it, so this pole serves every rate from 1/T to q alike. T/8 alone (the cap) suits a
    chain whose rates lie within a few decades of 1/T; on a stiff one (rates of 720 per hour
    over a 1-year mission) it fails three times before a pole 512 times closer works, each
    failure a wasted basis of KRYLOV_MAX solves (measured: benchmarks/exact/cluster.yaml,
    240 solves against 60)."""
    q = float(np.abs(AT.diagonal()).max()) if AT.shape[0] else 0.0
    return min(T / 8.0, math.sqrt(T / q)) if q > 0 else T / 8.0


def _krylov(AT: Any, u0: np.ndarray, T: float, tol: float, gamma: float | None,
            method: str, memory_budget: int | None
            ) -> tuple[np.ndarray, float, dict[str, Any]]:
    """u0·e^{QT} (AT = Qᵀ) by restarted shift-and-invert Krylov with one pole γ.

    Each restart takes the longest step whose residual integral stays within its share of tol/2;
    the sum over the steps bounds the error (ℓ1 contraction). Once ‖u‖₁ falls below tol/2 the
    rest is taken as 0 (the exact solution stays within ‖u‖₁ + the bound of it).
    """
    n = len(u0)
    if gamma is None:
        gamma = _first_pole(AT, T)

    def shifted(gamma: float) -> Factorization:
        # the residual of each inner solve enters the bound: a loose rtol only guards sanity
        return factorize(sp.identity(n, format="csr") - gamma * AT, method=method,
                         memory_budget=memory_budget, rtol=1e-9, ilu=True)

    shift = shifted(gamma)
    u = u0.astype(float).copy()
    t, bound, steps, solves, refactors = 0.0, 0.0, 0, 0, 0
    stopped = False
    while t < T:
        if solves > KRYLOV_MAX_SOLVES:
            raise SolverError(f"the Krylov transient reached t = {t:.4g} h of {T:.4g} h in "
                              f"{solves:,} solves and gave up")
        if float(np.abs(u).sum()) <= tol / 2:
            bound += float(np.abs(u).sum())
            u[:] = 0.0
            stopped = True
            break
        left = T - t
        s = _grid(left)

        # each step may spend max(τ/left, 1/4) of what is left of the budget tol/2: the sum
        # stays below tol/2 while front-loaded residuals (fast modes) are still allowed
        spare = 0.5 * tol - bound
        share = spare * np.maximum(s / left, 0.25)

        def good(step: _Step, left: float = left, spare: float = spare) -> bool:
            return bool(_residual_integral(step, left)[-1] <= spare)

        step = _arnoldi(AT, shift, u, gamma, min(KRYLOV_MAX, n), good)
        solves += step.V.shape[0]
        cum = _residual_integral(step, left)
        ok = np.flatnonzero(cum <= share)
        ok = ok[ok > 0]
        if len(ok) == 0 or (s[ok[-1]] < 1e-6 * left and refactors < MAX_REFACTORS):
            # the pole does not suit this part of the mission: a pole 8 times closer
            if refactors >= MAX_REFACTORS:
                raise SolverError(f"the Krylov transient cannot meet tol={tol:.0e} at "
                                  f"t={t:.4g} h (residual integral {cum[1]:.2g})")
            refactors += 1
            gamma /= 8.0
            shift = shifted(gamma)
            continue
        k = int(ok[-1])
        tau = float(s[k]) if k < len(s) - 1 else left
        y, y_err = _exp_first_column(step.Am, tau)
        u = step.beta * (y @ step.V)
        # rounding of u = β V y: at most m·ε·β·Σ_j |y_j|·‖v_j‖₁ in ℓ1 (×4 for the rest), and
        # the error of y itself: β·Σ_j δy_j·‖v_j‖₁
        v_l1 = np.abs(step.V).sum(axis=1)
        bound += float(cum[k]) + step.beta * float(
            (4 * step.V.shape[0] * EPS * np.abs(y) + y_err) @ v_l1)
        t = t + tau if k < len(s) - 1 else T
        steps += 1
        if steps > 10_000:
            raise SolverError("the Krylov transient made no progress (10,000 restarts)")
    info = {"method": f"krylov-si ({shift.method})", "gamma": gamma, "restarts": steps,
            "solves": solves, "refactors": refactors, "steady_at": t if stopped else None,
            "max_solve_residual": max(shift.residuals, default=0.0)}
    return u, bound, info


def _exp_action(AT: Any, u0: np.ndarray, T: float, tol: float, method: str,
                memory_budget: int | None, gamma: float | None = None, deviation: bool = False
                ) -> tuple[np.ndarray, float, dict[str, Any]]:
    n = len(u0)
    q = float(np.abs(AT.diagonal()).max()) if n else 0.0
    if T == 0 or q == 0:
        return u0.astype(float).copy(), 0.0, {"method": "none"}
    choice = method
    if choice == "auto":
        choice = "uniformisation" if q * T <= UNIFORMISATION_MAX else "krylov"
    if choice == "uniformisation":
        return _uniformisation(AT, u0, T, q * (1 + 1e-12), tol)
    if choice == "krylov":
        return _krylov(AT, u0, T, tol, gamma, "auto", memory_budget)
    raise SolverError(f"unknown transient method {method!r}")


def transient(Q: Any, p0: np.ndarray, T: float, pi: np.ndarray | None = None,
              tol: float = 1e-12, *, method: str = "auto", gamma: float | None = None,
              memory_budget: int | None = None, info: dict[str, Any] | None = None
              ) -> tuple[np.ndarray, float]:
    """p(T) = p0·e^{QT} and a bound of its ℓ1 error, for an irreducible generator of any size.

    ``method``: ``"uniformisation"``, ``"krylov"`` or ``"auto"`` (uniformisation while q·T ≤
    UNIFORMISATION_MAX). The Krylov path works on the deviation d = p − π, which decays to 0
    (p(T) = π + d(T)); π's own residual adds at most T‖πQ‖₁ to the bound. ``info`` (a dict),
    when given, receives the method chosen and its counts.
    """
    Q = sp.csr_matrix(Q)
    p0 = np.asarray(p0, dtype=float)
    AT = Q.T.tocsr()
    q = float(np.abs(Q.diagonal()).max()) if Q.shape[0] else 0.0
    uniform = method == "uniformisation" or (method == "auto" and q * T <= UNIFORMISATION_MAX)
    if uniform or Q.shape[0] == 1:
        out, bound, how = _exp_action(AT, p0, T, tol, "uniformisation", memory_budget)
    else:
        if pi is None:
            pi, _ = steady_state(Q, memory_budget=memory_budget)
        pi_term = T * float(np.abs(AT @ pi).sum())
        d, bound, how = _exp_action(AT, p0 - pi, T, tol, "krylov", memory_budget, gamma)
        out, bound = pi + d, bound + pi_term
    if info is not None:
        info.update(how)
    return out, bound


def survival(Q_uu: Any, q0: np.ndarray, T: float, tol: float = 1e-12, *,
             method: str = "auto", gamma: float | None = None,
             memory_budget: int | None = None, info: dict[str, Any] | None = None
             ) -> tuple[float, float]:
    """S(T) = q0·e^{Q_uu T}·1 and a bound of its error, for the sub-generator of the up states
    (the same ℓ1 contraction holds; no steady state: the vector decays to 0)."""
    Q_uu = sp.csr_matrix(Q_uu)
    q0 = np.asarray(q0, dtype=float)
    if Q_uu.shape[0] == 0:
        return 0.0, 0.0
    u, bound, how = _exp_action(Q_uu.T.tocsr(), q0, T, tol, method, memory_budget, gamma)
    if info is not None:
        info.update(how)
    return float(u.sum()), bound


# --- mission values ---


@dataclass
class _Steady:
    """What every value of a chain starts from: π, the factorization of Q[1:, 1:] that gave it
    (reused for the Poisson equations), the rate from each up state into the down set, and
    the up states with the position of the initial state among them."""

    pi: np.ndarray
    fac: Factorization | None
    to_down: np.ndarray
    ui: np.ndarray
    pos: int


def _steady_part(Q: Any, up: np.ndarray, initial: int, method: str,
                 memory_budget: int | None, errors: dict[str, float],
                 methods: dict[str, Any]) -> _Steady:
    pi, pi_res, fac, solve_res = _steady_state(Q, method, memory_budget)
    errors["steady_state_residual"] = pi_res
    errors["steady_state_solve"] = solve_res
    methods["steady_state"] = fac.method if fac is not None else "trivial"
    to_down = np.asarray(Q[:, ~up].sum(axis=1)).ravel() * up
    ui = np.flatnonzero(up)
    return _Steady(pi, fac, to_down, ui, int(np.searchsorted(ui, initial)))


def _mttf(Q: Any, up: np.ndarray, initial: int, st: _Steady, method: str,
          memory_budget: int | None, errors: dict[str, float], methods: dict[str, Any]
          ) -> tuple[float, Any]:
    """The mean time to the first system failure from ``initial`` (down states absorbing),
    and Q_uu (None when no state is down or the chain starts down)."""
    if len(st.ui) == Q.shape[0]:
        errors["mttf_solve"] = 0.0
        return math.inf, None
    if not up[initial]:
        errors["mttf_solve"] = 0.0
        return 0.0, None  # starts down: failed at once
    Quu = Q[st.ui][:, st.ui].tocsr()
    fac_uu = factorize(-Quu, method=method, memory_budget=memory_budget)
    tau, res = fac_uu.solve(np.ones(len(st.ui)))
    errors["mttf_solve"] = res
    methods["mttf"] = fac_uu.method
    return float(tau[st.pos]), Quu


def chain_values(A: float, freq: float, mttf: float, interval: float | None,
                 outages: float | None, p_fail: float | None) -> dict[str, Any]:
    """The values of a chain as :class:`hasim.analysis.exact.ExactResult` names them, with the
    mean up and down times per failure derived from A and the failure frequency."""
    return dict(
        steady_state_availability=A,
        interval_availability=interval,
        failure_frequency=freq,
        mean_up_time_hours=A / freq if freq > 0 else math.inf,
        mean_down_time_hours=(1 - A) / freq if freq > 0 else math.nan,
        mttf_hours=mttf,
        expected_outages=outages,
        p_system_failure=p_fail,
    )


def mission_values(Q: Any, up: np.ndarray, initial: int, T: float, *, tol: float = 1e-10,
                   method: str = "auto", memory_budget: int | None = None,
                   rewards: dict[str, np.ndarray] | None = None) -> dict[str, Any]:
    """The values of ``hasim.analysis.exact.solve_chain`` (same formulas), each with its error.

    Returns steady_state_availability, interval_availability, failure_frequency (per hour),
    mean_up_time_hours, mean_down_time_hours, mttf_hours, expected_outages, p_system_failure,
    ``errors`` (the residual of every linear solve and a bound of each mission value's error)
    and ``methods`` (what was chosen for each part); with ``rewards`` (vectors over the
    states, by name) also ``rewards``: per name its long-run mean π·r (``steady``), its
    mission integral ∫₀ᵀ p(t)·r dt (``mission``) and its expectation at the mission end
    p(T)·r (``end``), with the bounds of their errors (``mission_error``, ``end_error``) and
    the residual of the Poisson solve (``residual``).

    The mission integrals ∫₀ᵀ p(t)·r dt = Tπ·r + (p(T) − p0)·x with Q x = r − (π·r)1, x₀ = 0,
    solved with the factorization of Q[1:, 1:] that gave π; an ℓ1 error e of p(T) moves the
    integral by at most e·max|x|.
    """
    Q = sp.csr_matrix(Q)
    up = np.asarray(up, dtype=bool)
    n = Q.shape[0]
    errors: dict[str, float] = {}
    methods: dict[str, Any] = {}
    st = _steady_part(Q, up, initial, method, memory_budget, errors, methods)
    pi, fac = st.pi, st.fac
    p0 = np.zeros(n)
    p0[initial] = 1.0
    how: dict[str, Any] = {}
    pT, pT_bound = transient(Q, p0, T, pi, tol, memory_budget=memory_budget, info=how)
    methods["transient"] = how
    errors["transient_l1"] = pT_bound

    def integral(r: np.ndarray, name: str) -> tuple[float, float]:
        rbar = r - float(pi @ r)
        x = np.zeros(n)
        if n > 1 and fac is not None:
            x[1:], res = fac.solve(rbar[1:])
            errors[f"{name}_poisson_solve"] = res
        value = T * float(pi @ r) + float((pT - p0) @ x)
        return value, pT_bound * float(np.abs(x).max())

    up_time, up_err = integral(up.astype(float), "interval_availability")
    outages, out_err = integral(st.to_down, "expected_outages")
    errors["interval_availability"] = up_err / T
    errors["expected_outages"] = out_err
    extra: dict[str, dict[str, float]] = {}
    for name, r in (rewards or {}).items():
        rbar = r - float(pi @ r)
        x = np.zeros(n)
        res = 0.0
        if n > 1 and fac is not None:
            x[1:], res = fac.solve(rbar[1:])
        extra[name] = {"steady": float(pi @ r),
                       "mission": T * float(pi @ r) + float((pT - p0) @ x),
                       "end": float(pT @ r),
                       "mission_error": pT_bound * float(np.abs(x).max()),
                       "end_error": pT_bound * float(np.abs(r).max(initial=0.0)),
                       "residual": res}
    mttf, Quu = _mttf(Q, up, initial, st, method, memory_budget, errors, methods)
    if Quu is None:  # never down (P = 0), or down from the start (P = 1)
        p_fail = 0.0 if math.isinf(mttf) else 1.0
        errors["p_system_failure"] = 0.0
    else:
        q0 = np.zeros(len(st.ui))
        q0[st.pos] = 1.0
        how_s: dict[str, Any] = {}
        S, S_bound = survival(Quu, q0, T, tol, memory_budget=memory_budget, info=how_s)
        methods["survival"] = how_s
        p_fail = min(max(1.0 - S, 0.0), 1.0)
        errors["p_system_failure"] = S_bound
    values = chain_values(float(pi[up].sum()), float(pi @ st.to_down), mttf,
                          float(up_time) / T, float(outages), p_fail)
    return {**values, "errors": errors, "methods": methods, "rewards": extra}


def steady_values(Q: Any, up: np.ndarray, initial: int, *, method: str = "auto",
                  memory_budget: int | None = None,
                  rewards: dict[str, np.ndarray] | None = None) -> dict[str, Any]:
    """The values of :func:`mission_values` that need no transient solution: steady-state
    availability, failure frequency, mean up and down times and the MTTF from ``initial``
    (the mission values are ``None``); the ``rewards``' long-run means only."""
    Q = sp.csr_matrix(Q)
    up = np.asarray(up, dtype=bool)
    errors: dict[str, float] = {}
    methods: dict[str, Any] = {}
    st = _steady_part(Q, up, initial, method, memory_budget, errors, methods)
    mttf, _ = _mttf(Q, up, initial, st, method, memory_budget, errors, methods)
    values = chain_values(float(st.pi[up].sum()), float(st.pi @ st.to_down), mttf,
                          None, None, None)
    extra = {name: {"steady": float(st.pi @ r)} for name, r in (rewards or {}).items()}
    return {**values, "errors": errors, "methods": methods, "rewards": extra}
