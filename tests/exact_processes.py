"""Exact reference values for the process features, computed without the simulator.

* **Piecewise-homogeneous chains**: a CTMC between the instants ``first + k·every`` of a calendar
  schedule and a jump at each instant (an inspection finds a latent failure, a maintenance
  round takes the up unit out). Between instants the distribution moves by e^{Qd}; the time
  integrals of rewards over a segment come from Van Loan's block exponential, exactly as in
  ``exact.integral_of_expectation``; counts at the instants are sums of p(t_k−)·w. Finite
  horizon [0, T] and the periodic long run.
* **Closed forms** for one unit with exponential laws under a schedule: the proof-tested hidden
  failure (long run and period by period) and planned maintenance (period by period). These
  share no code with the chains and cross-check them.
* **Competing failure modes** with general laws: life L = min of the modes' lifetimes (drawn
  afresh each life), the mode that fails picks the repair. Moments of the life and of the
  failing mode by quadrature; the alternating renewal process to O(1/T) (the repair depends on
  the mode, so E[L·Y] ≠ E[L]·E[Y]); and, as a second method, the renewal equation solved
  numerically on a grid (trapezoid rule, Richardson extrapolation).
* Second moments of rewards, for choosing run counts.

All times are hours and all rates per hour. Nothing here imports hasim.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import integrate, linalg, signal

from .exact import Chain, State, chain, generator, point_mass

Vector = Callable[[State], float] | np.ndarray
"""A reward or mark: a function of the state, or its values in state order."""

# --- piecewise-homogeneous chains --------------------------------------------------------------


def schedule_instants(first: float, every: float, horizon: float) -> np.ndarray:
    """The instants ``first + k·every`` (k = 0, 1, …) before ``horizon``: nothing happens at or
    after the mission end."""
    if first >= horizon:
        return np.zeros(0)
    count = math.ceil((horizon - first) / every)
    times = first + every * np.arange(count)
    return times[times < horizon]


def segment(q: np.ndarray, v: np.ndarray, d: float) -> tuple[np.ndarray, np.ndarray]:
    """e^{Qd} and ∫_0^d e^{Qs} ds · V for the reward columns V (n × m), from one exponential of
    the block matrix [[Q, V], [0, 0]] (Van Loan)."""
    n, m = v.shape
    big = np.zeros((n + m, n + m))
    big[:n, :n] = q
    big[:n, n:] = v
    e = linalg.expm(big * d)
    return e[:n, :n], e[:n, n:]


@dataclass(frozen=True)
class PiecewiseChain:
    """A CTMC (generator ``q``) between the instants of a schedule, and the row-stochastic
    ``jump`` applied at each instant; the process starts in ``start`` at t = 0.

    Only the schedule is deterministic: between its instants every law is exponential, so the
    state is Markov, and at an instant the jump acts on the state just before it.
    """

    states: tuple[State, ...]
    q: np.ndarray
    jump: np.ndarray
    first: float
    every: float
    start: State

    @property
    def p0(self) -> np.ndarray:
        return point_mass(self.states, self.start)

    def segments(self, horizon: float) -> Iterable[tuple[float, bool]]:
        """The pieces of [0, T] between instants: (length, whether an instant ends it). The
        pieces between two instants are exactly ``every`` long (one matrix exponential for
        all of them)."""
        times = schedule_instants(self.first, self.every, horizon)
        t = 0.0
        for k, tk in enumerate(times):
            yield (float(tk) if k == 0 else self.every), True
            t = float(tk)
        yield horizon - t, False

    def vector(self, f: Vector) -> np.ndarray:
        if isinstance(f, np.ndarray):
            return f.astype(float)
        return np.array([float(f(s)) for s in self.states])

    def _columns(self, rewards: Mapping[str, Vector]) -> np.ndarray:
        cols = [self.vector(f) for f in rewards.values()]
        return np.column_stack(cols) if cols else np.zeros((len(self.states), 0))

    def expected(self, horizon: float, rewards: Mapping[str, Vector],
                 marks: Mapping[str, Vector] | None = None) -> dict[str, float]:
        """Expected ∫_0^T r(X_t) dt for each reward and Σ_k w(X_{t_k−}) over the instants
        t_k < T for each mark, over the mission [0, T]."""
        marks = marks or {}
        v = self._columns(rewards)
        w = self._columns(marks)
        p = self.p0
        total = np.zeros(v.shape[1])
        counted = np.zeros(w.shape[1])
        cache: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        for d, instant in self.segments(horizon):
            if d not in cache:
                cache[d] = segment(self.q, v, d)
            e, acc = cache[d]
            total += p @ acc
            p = p @ e
            if instant:
                counted += p @ w
                p = p @ self.jump
        out = dict(zip(rewards, total.tolist(), strict=True))
        out.update(zip(marks, counted.tolist(), strict=True))
        return out

    def second_moment(self, horizon: float, reward: Vector) -> float:
        """E[(∫_0^T r(X_t) dt)²], for choosing run counts: the row vector (p, m₁, m₂) with
        m_j,i = E[(∫_0^t r)^j; X_t = i] moves by the block generator
        [[Q, R, 0], [0, Q, 2R], [0, 0, Q]] (R = diag r) between instants and by the jump at
        each."""
        n = len(self.states)
        r = np.diag(self.vector(reward))
        big = np.zeros((3 * n, 3 * n))
        for b in range(3):
            big[b * n:(b + 1) * n, b * n:(b + 1) * n] = self.q
        big[:n, n:2 * n] = r
        big[n:2 * n, 2 * n:] = 2.0 * r
        jump = linalg.block_diag(self.jump, self.jump, self.jump)
        x = np.concatenate([self.p0, np.zeros(2 * n)])
        cache: dict[float, np.ndarray] = {}
        for d, instant in self.segments(horizon):
            if d not in cache:
                cache[d] = linalg.expm(big * d)
            x = x @ cache[d]
            if instant:
                x = x @ jump
        return float(x[2 * n:].sum())

    def long_run(self, rewards: Mapping[str, Vector],
                 marks: Mapping[str, Vector] | None = None) -> dict[str, float]:
        """Long-run averages per hour in the periodic regime: the distribution ψ just after an
        instant is stationary for the period map e^{Qτ}·J, and each reward averages
        ψ ∫_0^τ e^{Qs} ds r / τ, each mark ψ e^{Qτ} w / τ."""
        marks = marks or {}
        v = self._columns(rewards)
        w = self._columns(marks)
        e, acc = segment(self.q, v, self.every)
        period = e @ self.jump
        n = len(self.states)
        a = np.vstack([period.T - np.eye(n), np.ones(n)])
        b = np.zeros(n + 1)
        b[-1] = 1.0
        psi, *_ = linalg.lstsq(a, b)
        out = dict(zip(rewards, (psi @ acc / self.every).tolist(), strict=True))
        out.update(zip(marks, (psi @ e @ w / self.every).tolist(), strict=True))
        return out


def piecewise_chain(start: State, moves: Callable[[State], Iterable[tuple[State, float]]],
                    jump: Callable[[State], State], first: float,
                    every: float) -> PiecewiseChain:
    """Explore the states reachable from ``start`` by the CTMC ``moves`` (``(next, rate)``) and
    by the deterministic ``jump`` at the schedule's instants."""
    states: list[State] = [start]
    index = {start: 0}
    transitions: list[tuple[int, int, float]] = []
    jumps: list[tuple[int, int]] = []

    def visit(s: State) -> int:
        if s not in index:
            index[s] = len(states)
            states.append(s)
        return index[s]

    k = 0
    while k < len(states):
        s = states[k]
        for nxt, rate in moves(s):
            if rate > 0.0:
                transitions.append((k, visit(nxt), rate))
        jumps.append((k, visit(jump(s))))
        k += 1
    n = len(states)
    j = np.zeros((n, n))
    for i, target in jumps:
        j[i, target] = 1.0
    return PiecewiseChain(tuple(states), generator(n, transitions), j, first, every, start)


# --- a hidden failure found by calendar proof tests --------------------------------------------


def proof_test_long_run(lam: float, mu: float, tau: float) -> float:
    """Long-run unavailability of one unit whose failures (rate λ) are hidden until a proof test
    every τ (instantaneous, perfect) and then repaired (rate μ):

        U = 1 − (1/λ) / (τ S),    S = [μ / (1 − e^{−λτ}) − λ / (1 − e^{−μτ})] / (μ − λ).

    Derivation (regenerative cycles). Cut the history at the proof tests that find a failure;
    the run's start (new, the first test at τ) is such a point with no repair to do. From one,
    the repair takes Y ~ Exp(μ), the unit is then new and fails after X ~ Exp(λ), and the
    failure is found at the first test after X + Y — a test while the unit is up or still in
    repair finds nothing. So the cycle lasts τ⌈Z/τ⌉ with Z = X + Y and the unit is up for X
    of it. Z is hypoexponential, P(Z > t) = (μ e^{−λt} − λ e^{−μt}) / (μ − λ), and
    E⌈Z/τ⌉ = Σ_{k≥0} P(Z > kτ) = S (two geometric series). The renewal-reward theorem gives
    A = E[X] / E[cycle] = (1/λ) / (τ S).
    """
    s = (mu / -math.expm1(-lam * tau) - lam / -math.expm1(-mu * tau)) / (mu - lam)
    return 1.0 - (1.0 / lam) / (tau * s)


def proof_test_approximation(lam: float, mttr: float, tau: float) -> float:
    """The textbook approximation U ≈ λτ/2 + λ·MTTR (first order in λτ)."""
    return lam * tau / 2.0 + lam * mttr


@dataclass(frozen=True)
class PeriodTotals:
    """Expected totals over a mission from a period-by-period recursion."""

    down: float
    """Unit-hours down (latent, in repair, or out for planned work)."""
    latent: float
    """Unit-hours latent (proof test) or out for maintenance (maintenance)."""
    found: float
    """Failures found at the instants (proof test) or maintenance steps done (maintenance)."""
    other: float
    """Failures (proof test) or steps skipped because the unit was failed (maintenance)."""


def proof_test_periods(lam: float, mu: float, tau: float, horizon: float) -> PeriodTotals:
    """Expected totals over [0, T] for the proof-tested unit, new at 0, tests at kτ < T, by
    closed forms period by period (no matrix exponentials).

    Just after a test the unit is up (U) or in repair (R); a test turns a latent failure into a
    repair and leaves a repair going (exponential: the rest of a repair is again Exp(μ)). Over a
    period of length d:

    * from U: latent at the end with 1 − e^{−λd}; latent hours d − (1 − e^{−λd})/λ; failures
      1 − e^{−λd};
    * from R: p_R(t) = e^{−μt}, p_U(t) = μ (e^{−λt} − e^{−μt}) / (μ − λ), latent the rest;
      ∫_0^d p_U = μ [(1 − e^{−λd})/λ − (1 − e^{−μd})/μ] / (μ − λ); failures λ ∫_0^d p_U.
    """
    pu, pr = 1.0, 0.0
    down = latent = found = fails = 0.0
    t = 0.0
    for tk in [*schedule_instants(tau, tau, horizon), horizon]:
        d = tk - t
        el, em = math.exp(-lam * d), math.exp(-mu * d)
        gl, gm = -math.expm1(-lam * d) / lam, -math.expm1(-mu * d) / mu
        up_from_r = mu * (gl - gm) / (mu - lam)  # ∫_0^d p_U from R
        end_u_from_r = mu * (el - em) / (mu - lam)
        latent_from_r = d - up_from_r - gm
        down += pu * (d - gl) + pr * (d - up_from_r)
        latent += pu * (d - gl) + pr * latent_from_r
        fails += pu * (1 - el) + pr * lam * up_from_r
        end_u = pu * el + pr * end_u_from_r
        end_latent = pu * (1 - el) + pr * (1 - end_u_from_r - em)
        if tk < horizon:
            found += end_latent
        pu, pr = end_u, 1.0 - end_u
        t = tk
    return PeriodTotals(down, latent, found, fails)


# --- planned maintenance of one unit --------------------------------------------------------


def maintenance_periods(lam: float, mu: float, eta: float, every: float,
                        horizon: float) -> PeriodTotals:
    """Expected totals over [0, T] for one unit (failure rate λ, repair rate μ) maintained at
    k·every < T for an Exp(η) time, by closed forms period by period.

    Just after a round the unit is out for maintenance (M: it was up), or failed (F: the round
    skipped it); a round finds M only if the previous step outlasted a whole period (kept M: for
    an exponential duration continuing, restarting or skipping the step are the same). With
    s = λ + μ and q = λ/s, over a period of length d:

    * from U: p_F(t) = q (1 − e^{−st});
    * from F: p_F(t) = q + (1 − q) e^{−st};
    * from M: p_M(t) = e^{−ηt}; p_F(t) = q [(1 − e^{−ηt}) − η (e^{−st} − e^{−ηt}) / (η − s)]
      (the convolution of the exit from M with the U-start p_F).

    Each is integrated in closed form; a round takes U to M (a step done) and skips F.
    """
    s = lam + mu
    q = lam / s
    pu, pf, pm = 1.0, 0.0, 0.0
    down = out = steps = skipped = 0.0
    t = 0.0
    for tk in [*schedule_instants(every, every, horizon), horizon]:
        d = tk - t
        es, ee = math.exp(-s * d), math.exp(-eta * d)
        gs, ge = -math.expm1(-s * d) / s, -math.expm1(-eta * d) / eta
        f_u, int_f_u = q * (1 - es), q * (d - gs)
        f_f, int_f_f = q + (1 - q) * es, q * d + (1 - q) * gs
        f_m = q * ((1 - ee) - eta * (es - ee) / (eta - s))
        int_f_m = q * ((d - ge) - eta * (gs - ge) / (eta - s))
        m_m, int_m_m = ee, ge
        down += pu * int_f_u + pf * int_f_f + pm * (int_f_m + int_m_m)
        out += pm * int_m_m
        end_f = pu * f_u + pf * f_f + pm * f_m
        end_m = pm * m_m
        end_u = 1.0 - end_f - end_m
        if tk < horizon:
            steps += end_u
            skipped += end_f
            pu, pf, pm = 0.0, end_f, end_m + end_u
        t = tk
    return PeriodTotals(down, out, steps, skipped)


# --- competing failure modes under general laws -------------------------------------------------


@dataclass(frozen=True)
class Weibull:
    """A Weibull lifetime law given by shape k and mean (scale = mean / Γ(1 + 1/k), as in
    model files): S(t) = exp(−(t/scale)^k), plain numpy (scipy's frozen laws cost tens of
    microseconds a call inside quadratures)."""

    shape: float
    mean: float

    @property
    def scale(self) -> float:
        return self.mean / math.gamma(1.0 + 1.0 / self.shape)

    def sf(self, t: Any) -> Any:
        return np.exp(-((np.asarray(t, dtype=float) / self.scale) ** self.shape))

    def pdf(self, t: Any) -> Any:
        z = np.asarray(t, dtype=float) / self.scale
        return self.shape / self.scale * z ** (self.shape - 1.0) * np.exp(-(z**self.shape))


@dataclass(frozen=True)
class Repair:
    """A repair law: ``exponential`` or ``fixed``, with its mean in hours."""

    kind: str
    mean: float

    @property
    def m2(self) -> float:
        """E[Y²]."""
        return (2.0 if self.kind == "exponential" else 1.0) * self.mean**2


@dataclass(frozen=True)
class Mode:
    """One failure mode: its lifetime law (anything with ``sf`` and ``pdf``: ``Weibull``, a
    frozen scipy law) and its repair law."""

    life: Any
    repair: Repair


@dataclass(frozen=True)
class CompetingModes:
    """One unit with competing failure modes, each life drawn afresh, as an alternating renewal
    process: up for L = min_i X_i, then the repair Y_i of the mode i that failed.

    Quadrature gives, with S(t) = Π_i S_i(t) and φ_i(t) = f_i(t) Π_{j≠i} S_j(t) (the density of
    a life ending by mode i):

        E[L] = ∫ S,   E[L²] = 2 ∫ t S,   p_i = ∫ φ_i,   E[L; i] = ∫ t φ_i.
    """

    modes: tuple[Mode, ...]

    def survival(self, t: np.ndarray | float) -> np.ndarray:
        return np.prod([m.life.sf(t) for m in self.modes], axis=0)

    def phi(self, i: int, t: np.ndarray | float) -> np.ndarray:
        """Density of a life ending by mode i at t."""
        out = self.modes[i].life.pdf(t)
        for j, m in enumerate(self.modes):
            if j != i:
                out = out * m.life.sf(t)
        return np.asarray(out)

    def _quad(self, f: Callable[[float], float]) -> float:
        value, err = integrate.quad(f, 0.0, np.inf, limit=500, epsabs=1e-13, epsrel=1e-13)
        assert err < 1e-9 * max(1.0, abs(value)), err
        return float(value)

    @functools.cached_property
    def moments(self) -> dict[str, Any]:
        """E[L], E[L²], p_i, E[L; i], E[Y], E[Y²], E[L·Y], the cycle mean m and E[C²]."""
        el = self._quad(lambda t: float(self.survival(t)))
        el2 = 2.0 * self._quad(lambda t: t * float(self.survival(t)))

        def moment(i: int, power: int) -> float:
            return self._quad(lambda t: t**power * float(self.phi(i, t)))

        p = [moment(i, 0) for i in range(len(self.modes))]
        lp = [moment(i, 1) for i in range(len(self.modes))]
        y1 = [m.repair.mean for m in self.modes]
        y2 = [m.repair.m2 for m in self.modes]
        ey = sum(pi * a for pi, a in zip(p, y1, strict=True))
        ey2 = sum(pi * a for pi, a in zip(p, y2, strict=True))
        ely = sum(a * b for a, b in zip(lp, y1, strict=True))
        m = el + ey
        return {"EL": el, "EL2": el2, "p": p, "ELi": lp, "Yi": y1, "Yi2": y2, "EY": ey,
                "EY2": ey2, "ELY": ely, "m": m, "EC2": el2 + 2 * ely + ey2}

    def long_run_unavailability(self) -> float:
        mo = self.moments
        return float(mo["EY"] / mo["m"])

    def finite(self, horizon: float) -> dict[str, Any]:
        """Expected uptime, failures by mode and downtime by mode over [0, T] from new, to O(1)
        in T (an error that vanishes as T grows, geometrically for these laws).

        With Laplace transforms, a reward earned per cycle with transform r*(s) accumulates
        r*(s) / (s (1 − h*(s))) where h* is the cycle's (cycles are i.i.d. even though Y
        depends on the mode). Expanding at s → 0, with 1 − h*(s) = s m − s² E[C²]/2 + …,
        E[C²] = E[L²] + 2 E[L·Y] + E[Y²] and E[L·Y] = Σ_i E[L; i] E[Y_i]:

        * uptime, r*(s) = (1 − E e^{−sL}) / s = E[L] − s E[L²]/2:
          E[L] T/m + (E[L] E[C²]/(2m) − E[L²]/2) / m;
        * failures of mode i, r*(s) = E[e^{−sL}; i] = p_i − s E[L; i]:
          p_i T/m + (p_i E[C²]/(2m) − E[L; i]) / m;
        * downtime of mode i, r*(s) = E[e^{−sL}(1 − e^{−sY_i})/s; i] = a_i − s b_i with
          a_i = p_i E[Y_i], b_i = E[L; i] E[Y_i] + p_i E[Y_i²]/2:
          a_i T/m + (a_i E[C²]/(2m) − b_i) / m.

        The constants of downtime and uptime cancel: the totals add up to T.
        """
        mo = self.moments
        m, c2 = mo["m"], mo["EC2"]
        up = mo["EL"] * horizon / m + (mo["EL"] * c2 / (2 * m) - mo["EL2"] / 2) / m
        fails, down = [], []
        for p, lp, y1, y2 in zip(mo["p"], mo["ELi"], mo["Yi"], mo["Yi2"], strict=True):
            fails.append(p * horizon / m + (p * c2 / (2 * m) - lp) / m)
            a, b = p * y1, lp * y1 + p * y2 / 2
            down.append(a * horizon / m + (a * c2 / (2 * m) - b) / m)
        return {"up": up, "failures": fails, "down": down}


def exponential_smoothing(f: np.ndarray, rate: float, step: float) -> np.ndarray:
    """w(t) = ∫_0^t f(x) e^{−rate (t − x)} dx on the grid, exactly for f linear between grid
    points: w_{k+1} = e^{−a} w_k + c_0 f_k + c_1 f_{k+1} with a = rate·step (the repair may be
    short against the step, so the exponential is integrated exactly, not by the trapezoid
    rule)."""
    a = rate * step
    i0 = -math.expm1(-a) / rate
    c1 = i0 - (-math.expm1(-a) - a * math.exp(-a)) / (rate * rate * step)
    c0 = i0 - c1
    decay = math.exp(-a)
    w = np.zeros(len(f))
    for k in range(len(f) - 1):
        w[k + 1] = decay * w[k] + c0 * f[k] + c1 * f[k + 1]
    return w


def volterra(h: np.ndarray, step: float) -> np.ndarray:
    """The solution of u_k = h_k + step Σ_{j=1}^{k−1} u_j h_{k−j} (the trapezoid rule for
    u = h + u ∗ h when u_0 = h_0 = 0), by divide and conquer: solve the first half, add its
    contribution to the second half with one FFT convolution, solve the second half —
    O(N log² N) instead of the O(N²) of the plain recursion, the same numbers to rounding."""
    u = np.array(h, dtype=float)

    def solve(lo: int, hi: int) -> None:
        # on entry u[lo:hi] holds h_k plus the contributions of every u_j with j < lo
        if hi - lo <= 64:
            for k in range(lo + 1, hi):
                u[k] += step * np.dot(u[lo:k], h[k - lo:0:-1])
            return
        mid = (lo + hi) // 2
        solve(lo, mid)
        tail = signal.fftconvolve(u[lo:mid], h[1:hi - lo])
        u[mid:hi] += step * tail[mid - lo - 1:hi - lo - 1]
        solve(mid, hi)

    solve(0, len(u))
    return u


def renewal_numeric(modes: CompetingModes, horizon: float, step: float) -> dict[str, Any]:
    """The same expectations as ``CompetingModes.finite``, exactly in T, by the renewal
    equation on a grid of ``step`` hours (trapezoid rule, error O(step²)); the repairs must be
    exponential or fixed (a fixed repair a multiple of ``step``).

    With u the density of new lives after t = 0 and h the cycle density, u = h + u ∗ h; a
    quantity earned in a cycle started at 0 with cumulative kernel K(t) accumulates
    K(T) + ∫_0^T u(s) K(T − s) ds. Kernels: uptime ∫_0^t S; failures of mode i Φ_i(t) = ∫_0^t φ_i;
    downtime of mode i ∫_0^t w_i with w_i = φ_i ∗ (1 − G_i), the probability of being in that
    repair; h = Σ_i φ_i ∗ g_i.
    """
    n = round(horizon / step)
    assert abs(n * step - horizon) < 1e-9 * horizon
    t = np.arange(n + 1) * step

    def cumulative(f: np.ndarray) -> np.ndarray:
        return np.concatenate([[0.0], np.cumsum(0.5 * step * (f[1:] + f[:-1]))])

    h = np.zeros(n + 1)
    kernels: dict[str, np.ndarray] = {"up": cumulative(modes.survival(t))}
    for i, mode in enumerate(modes.modes):
        phi = modes.phi(i, t)
        kernels[f"failures{i}"] = cumulative(phi)
        if mode.repair.kind == "exponential":
            rate = 1.0 / mode.repair.mean
            w = exponential_smoothing(phi, rate, step)
            h += rate * w
        else:
            assert mode.repair.kind == "fixed", mode.repair.kind
            shift = round(mode.repair.mean / step)
            assert abs(shift * step - mode.repair.mean) < 1e-9
            h += np.concatenate([np.zeros(shift), phi[: n + 1 - shift]])
            phi_cum = kernels[f"failures{i}"]
            w = phi_cum - np.concatenate([np.zeros(shift), phi_cum[: n + 1 - shift]])
        kernels[f"down{i}"] = cumulative(w)
    assert h[0] == 0.0  # no atom at 0: u_0 = h_0 = 0
    u = volterra(h, step)
    out = {}
    for name, kern in kernels.items():
        out[name] = float(kern[n] + step * (np.dot(u[1:n], kern[n - 1:0:-1])
                                            + 0.5 * u[n] * kern[0]))
    k = len(modes.modes)
    return {"up": out["up"], "failures": [out[f"failures{i}"] for i in range(k)],
            "down": [out[f"down{i}"] for i in range(k)]}


def richardson(coarse: dict[str, Any], fine: dict[str, Any]) -> dict[str, Any]:
    """(4·fine − coarse)/3 entry by entry: removes the step² term of the trapezoid rule."""

    def combine(a: Any, b: Any) -> Any:
        if isinstance(a, list):
            return [combine(x, y) for x, y in zip(a, b, strict=True)]
        return (4.0 * b - a) / 3.0

    return {key: combine(coarse[key], fine[key]) for key in coarse}


# --- the chains of the simulated models -------------------------------------------------------


def modes_series_chain(units: list[list[tuple[float, float]]]) -> Chain:
    """A series system of independently repaired units with competing exponential modes,
    tracking the cause of the current outage.

    ``units[u]`` lists unit u's modes ``(λ, μ)``; modes are numbered over all units in order
    (the global mode number g). A state is ``(x, cause)``: x[u] = 0 while unit u is up, i + 1
    while it is in repair for its mode i; cause = the global mode whose failure took the
    system down, −1 while the system is up. Moves: an up unit fails in mode i at λ_i (the cause
    is set if the system was up: the first failure takes a series system down; failures during
    an outage leave it); a unit in repair for mode i is repaired at μ_i (the cause is cleared
    when every unit is up again). Units keep ageing while the system is down.
    """
    offsets = np.cumsum([0] + [len(m) for m in units]).tolist()

    def moves(s: State) -> Iterable[tuple[State, float]]:
        x, cause = s
        for u, modes in enumerate(units):
            if x[u] == 0:
                for i, (lam, _) in enumerate(modes):
                    y = (*x[:u], i + 1, *x[u + 1:])
                    yield (y, offsets[u] + i if cause < 0 else cause), lam
            else:
                y = (*x[:u], 0, *x[u + 1:])
                yield (y, -1 if not any(y) else cause), modes[x[u] - 1][1]

    return chain((tuple(0 for _ in units), -1), moves, lambda s: not any(s[0]))


def spares_chain(n: int, k: int, lam: float, mu: float, nu: float, stock: int,
                 reorder_at_repair_end: bool = False) -> Chain:
    """n identical units (failure rate λ each, repair rate μ each, repaired independently, no
    crew), at least k up for the system; every repair first needs one part from a stock of
    ``stock`` parts, full at t = 0, one-for-one with lead times Exp(ν), independent per order.

    State (w, r, o): w units failed and waiting for a part, r in repair, o parts on order
    (on hand: stock − o, always). Moves:

    * a failure, rate (n − w − r)λ: a part on hand (o < stock) is taken at once and reordered
      → (w, r + 1, o + 1); else the job waits → (w + 1, r, o);
    * a repair ends, rate rμ → (w, r − 1, o);
    * an order arrives, rate oν: a waiting job takes it (and reorders it at once: o unchanged)
      → (w − 1, r + 1, o); else it goes on the shelf → (w, r, o − 1).

    FIFO among waiting jobs does not change the chain (exponential laws). Up while n − w − r ≥ k.

    ``reorder_at_repair_end`` is a misreading: the part is reordered when the repair that used
    it ends, not when it is taken. Then r repairs hold a part not yet reordered and on hand is
    stock − r − o: a failure takes a part if r + o < stock, a repair end places the order
    (w, r − 1, o + 1), an arrival goes to a waiting job (w − 1, r + 1, o − 1) or the shelf.
    """
    if not reorder_at_repair_end:
        def moves(s: State) -> Iterable[tuple[State, float]]:
            w, r, o = s
            if o < stock:
                yield (w, r + 1, o + 1), (n - w - r) * lam
            else:
                yield (w + 1, r, o), (n - w - r) * lam
            yield (w, r - 1, o), r * mu
            yield ((w - 1, r + 1, o) if w > 0 else (w, r, o - 1)), o * nu

        return chain((0, 0, 0), moves, lambda s: n - s[0] - s[1] >= k)

    def misread(s: State) -> Iterable[tuple[State, float]]:
        w, r, o = s  # here r repairs hold a part; o parts on order; on hand stock − r − o
        if r + o < stock:
            yield (w, r + 1, o), (n - w - r) * lam
        else:
            yield (w + 1, r, o), (n - w - r) * lam
        yield (w, r - 1, o + 1), r * mu
        yield ((w - 1, r + 1, o - 1) if w > 0 else (w, r, o - 1)), o * nu

    return chain((0, 0, 0), misread, lambda s: n - s[0] - s[1] >= k)


def latent_standby_chain(lam_p: float, mu_p: float, lam_loud: float, lam_silent: float,
                         mu_b: float, silent_revealed_by_attempt: bool = True,
                         silent_noticed: bool = False) -> Chain:
    """A hot standby pair [primary, backup], switchover time 0, coverage 1, the group's health
    check after 0 s; primary fails at λ_P (detected at once), backup in a ``loud`` mode (λ_l,
    detected at once) or a ``silent`` one (λ_s, latent: never noticed by monitoring); repairs
    Exp(μ_P), Exp(μ_B), no crew (a detected failure is repaired at once).

    State (active, primary, backup): active ∈ {P, B, -} (- none); a unit is U up, L failed and
    latent, R in repair. The rules modelled:

    * P active, P fails: the health check notices at once; the switchover tries the backup: up
      → (B, R, U); latent → skipped and revealed, its repair starts → (-, R, R); in repair →
      (-, R, R).
    * The backup as a spare: loud → (P, U, R); silent → (P, U, L) (up: nothing notices).
    * B active fails (either mode): the health check notices at once and reveals a silent
      failure too, so the backup is in repair; the switchover to P: up → (P, U, R), in repair
      → (-, R, R).
    * P as a spare fails → detected, in repair.
    * A repair ends: the unit becomes active if the group has none (node up), else a spare.

    Reachable: (P,U,U), (P,U,L), (P,U,R), (B,U,U), (B,R,U), (-,R,R). Down only in (-, ·, ·).

    Misreadings: ``silent_revealed_by_attempt=False`` — the attempt skips the latent backup but
    does not reveal it (it stays latent until P's repair makes the group whole again, and
    beyond: (-, R, L) → (P, U, L)); ``silent_noticed=True`` — the silent mode is noticed like
    the loud one (the latency ignored).
    """

    def moves(s: State) -> Iterable[tuple[State, float]]:
        a, p, b = s
        if a == "P":
            if p == "U":  # the primary is up and active
                if b == "U":
                    target = ("B", "R", "U")
                elif b == "L" and not silent_revealed_by_attempt:
                    target = ("-", "R", "L")
                else:
                    target = ("-", "R", "R")
                yield target, lam_p
            if b == "U":
                yield ("P", p, "R"), lam_loud
                yield ("P", p, "R" if silent_noticed else "L"), lam_silent
            if b == "R":
                yield ("P", p, "U"), mu_b
        elif a == "B":
            yield (("P", "U", "R") if p == "U" else ("-", "R", "R")), lam_loud + lam_silent
            if p == "U":
                yield ("B", "R", "U"), lam_p
            else:
                yield ("B", "U", "U"), mu_p
        else:
            if p == "R":
                yield ("P", "U", b), mu_p
            if b == "R":
                yield ("B", p, "U"), mu_b

    return chain(("P", "U", "U"), moves, lambda s: s[0] != "-")


def proof_test_chain(lam: float, mu: float, tau: float) -> PiecewiseChain:
    """One unit whose failures are all latent, proof-tested every τ (first at τ, instantaneous,
    coverage 1), repaired at rate μ once found (no crew: at once).

    States U (up), L (failed, latent), R (in repair). Between tests: U →λ→ L, R →μ→ U. At each
    test: L → R (found: detected, the repair starts); U and R unchanged (a test of a unit in
    repair finds nothing, and the rest of an exponential repair is again Exp(μ)).
    """
    table = {"U": [("L", lam)], "L": [], "R": [("U", mu)]}
    return piecewise_chain("U", lambda s: table[str(s)], lambda s: "R" if s == "L" else s,
                           tau, tau)


def maintenance_chain(lam: float, mu: float, eta: float, every: float,
                      step_after_repair: bool = False) -> PiecewiseChain:
    """One unit (failure rate λ, repair rate μ, no crew) maintained at k·every (first = every)
    for an Exp(η) time; a unit failed or in repair at its turn is skipped.

    States U (up), F (failed: in repair, detection 0), M (out for maintenance: does not age,
    cannot fail). Between rounds: U →λ→ F, F →μ→ U, M →η→ U. At a round: U → M (a step), F
    stays (skipped), M stays (a step still running a whole period later: e^{−η·every}, and for
    an exponential duration continuing, restarting or skipping it are the same).

    ``step_after_repair`` is a misreading: a failed unit's step is not skipped but done when its
    repair ends (state P: in repair with a step pending, P →μ→ M).
    """
    table = {"U": [("F", lam)], "F": [("U", mu)], "M": [("U", eta)], "P": [("M", mu)]}

    def jump(s: State) -> State:
        if s == "U":
            return "M"
        return "P" if s == "F" and step_after_repair else s

    return piecewise_chain("U", lambda s: table[str(s)], jump, every, every)


def spares_chain_labelled(n: int, k: int, lam: float, mu: float, nu: float,
                          stock: int) -> Chain:
    """The chain of ``spares_chain`` built a second way: labelled units and the FIFO queue of
    waiting jobs written out, no counting shortcuts.

    State (x, queue, o): x[i] ∈ {U, W, R} for unit i (up, waiting for a part, in repair), queue
    the waiting units in arrival order, o parts on order. Each unit fails at λ while up; each
    repair ends at μ; each of the o orders arrives at ν and goes to the head of the queue (which
    starts its repair and reorders: o unchanged) or to the shelf. Lump with ``lumped``.
    """

    def moves(s: State) -> Iterable[tuple[State, float]]:
        x, queue, o = s
        for i, xi in enumerate(x):
            if xi == "U":
                if o < stock:
                    yield ((*x[:i], "R", *x[i + 1:]), queue, o + 1), lam
                else:
                    yield ((*x[:i], "W", *x[i + 1:]), (*queue, i), o), lam
            elif xi == "R":
                yield ((*x[:i], "U", *x[i + 1:]), queue, o), mu
        for _ in range(o):
            if queue:
                i = queue[0]
                yield ((*x[:i], "R", *x[i + 1:]), queue[1:], o), nu
            else:
                yield (x, queue, o - 1), nu

    return chain((("U",) * n, (), 0), moves, lambda s: s[0].count("U") >= k)


def first_passage_means(q: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Mean time to reach the ``target`` states from each state (0 in the targets):
    solve Q_{oo} m = −1 on the other states."""
    other = ~target
    m = np.zeros(len(q))
    m[other] = np.linalg.solve(q[np.ix_(other, other)], -np.ones(int(other.sum())))
    return m
