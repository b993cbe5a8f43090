"""Timing of hasim.analysis.exact.linalg on synthetic chains of 7,000 / 100,000 / 1,000,000 states.

Not a test. Each chain is the product of independent components (a standby pair with a 5-second
switchover, 720/h, beside failure rates of 1e-4/h, and k-of-n birth-death components with one
repairer each), so its steady state is the product of the components' and is checked exactly.

    PYTHONPATH=. python benchmarks/ctmc_solvers.py [7000 100000 1000000]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import scipy.sparse as sp

from hasim.analysis.exact import linalg as cs


def generator(R: np.ndarray) -> sp.csr_matrix:
    return sp.csr_matrix(R - np.diag(R.sum(axis=1)))


def birth_death(units: int, lam: float, mu: float) -> np.ndarray:
    R = np.zeros((units + 1, units + 1))
    for i in range(units + 1):
        if i < units:
            R[i, i + 1] = (units - i) * lam
        if i > 0:
            R[i, i - 1] = mu
    return R


def standby(lam: float, mu: float, switch: float) -> np.ndarray:
    R = np.zeros((4, 4))
    R[0, 1], R[1, 2], R[2, 0], R[2, 3], R[3, 2] = lam, switch, mu, lam, mu
    return R


def components(size: int) -> list[np.ndarray]:
    out = [standby(1e-4, 0.25, 720.0), birth_death(6 if size < 10_000 else 9, 2e-3, 0.2),
           birth_death(9, 1e-3, 0.15), birth_death(24, 5e-4, 0.1)]
    if size >= 100_000:
        out.append(birth_death(9, 1e-3, 0.3))
    if size >= 1_000_000:
        out.append(birth_death(9, 3e-3, 0.5))
    return out


def chain(size: int) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """(Q, up, exact π): up while the standby pair has an active unit and no birth–death
    component has all its units failed. kronsum(A, B) = kron(I_B, A) + kron(B, I_A): the first
    component varies fastest."""
    comps = components(size)
    Q = generator(comps[0])
    pis = []
    for R in comps:
        G = generator(R).toarray()
        M = G.T.copy()
        M[-1] = 1.0
        pis.append(np.linalg.solve(M, np.eye(len(G))[-1]))
    for R in comps[1:]:
        Q = sp.kronsum(Q, generator(R), format="csr")
    idx = np.indices([len(R) for R in comps[::-1]]).reshape(len(comps), -1)[::-1]
    up = np.isin(idx[0], (0, 2))
    for k, R in enumerate(comps[1:], start=1):
        up &= idx[k] < len(R) - 1
    pi = np.ones(1)
    for p in pis:
        pi = np.kron(p, pi)
    return Q.tocsr(), up, pi


def run(size: int) -> None:
    t = time.perf_counter()
    Q, up, pi_exact = chain(size)
    n = Q.shape[0]
    print(f"\n{n:,} states, {Q.nnz:,} nonzeros (built in {time.perf_counter() - t:.2f} s)")
    t = time.perf_counter()
    pi, res = cs.steady_state(Q)
    print(f"  steady state   {time.perf_counter() - t:7.2f} s  ‖πQ‖₁ {res:.1e}  "
          f"‖π − exact‖₁ {np.abs(pi - pi_exact).sum():.1e}  "
          f"method {cs.factorize(Q[:50, :50]).method if n < 0 else 'auto'}")
    ui = np.flatnonzero(up)
    Quu = Q[ui][:, ui].tocsr()
    t = time.perf_counter()
    fac = cs.factorize(-Quu)
    tau, r = fac.solve(np.ones(len(ui)))
    print(f"  MTTF           {time.perf_counter() - t:7.2f} s  {tau[0]:.6g} h  residual "
          f"{r:.1e}  method {fac.method}")
    if n > 200_000:
        return
    p0 = np.zeros(n)
    p0[0] = 1.0
    for T in (1.0, 8760.0):
        info: dict = {}
        t = time.perf_counter()
        _, bound = cs.transient(Q, p0, T, pi, info=info)
        print(f"  transient T={T:g} {time.perf_counter() - t:5.2f} s  bound {bound:.1e}  {info}")
    q0 = np.zeros(len(ui))
    q0[0] = 1.0
    info = {}
    t = time.perf_counter()
    S, bound = cs.survival(Quu, q0, 8760.0, info=info)
    print(f"  survival T=8760 {time.perf_counter() - t:5.2f} s  S {S:.9f}  bound {bound:.1e}  "
          f"{info}")
    t = time.perf_counter()
    v = cs.mission_values(Q, up, 0, 8760.0)
    print(f"  mission_values {time.perf_counter() - t:7.2f} s  A {v['interval_availability']:.12f}"
          f"  methods {v['methods']}")
    print(f"  errors {v['errors']}")


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["7000", "100000", "1000000"]:
        run(int(arg))
