"""Exact reference values for the statistical tests, computed without the simulator.

* Continuous-time Markov chains: a generator matrix built from a transition list (or explored
  from a start state and a move function), solved with scipy — steady state, interval
  availability over [0, T], expected number of system failures over [0, T], probability of no
  system failure within [0, T] and the expected time spent in any set of states.
* Closed forms for one exponential component (point and interval availability).
* Structure functions of independent components: the system probability summed over all 2^n
  component states, and its time average over [0, T] by quadrature.
* Renewal theory for one component with general up and down laws: steady-state availability
  MTTF / (MTTF + MTTR) and its finite-horizon correction.

All times are hours and all rates per hour. Nothing here imports hasim.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import integrate, linalg

State = Any
"""A state of a chain: any hashable value (an int, a string, a tuple)."""

# --- continuous-time Markov chains --------------------------------------------------------------


def generator(n: int, transitions: Iterable[tuple[int, int, float]]) -> np.ndarray:
    """Generator matrix Q of a chain with states ``0 .. n-1`` from ``(from, to, rate)`` triples.

    Repeated ``(from, to)`` pairs add up; self-loops are ignored; each diagonal entry makes its
    row sum to zero.
    """
    q = np.zeros((n, n))
    for i, j, rate in transitions:
        if rate < 0:
            raise ValueError(f"negative rate {rate} from {i} to {j}")
        if i != j:
            q[i, j] += rate
    q[np.diag_indices(n)] = -q.sum(axis=1)
    return q


def steady_state(q: np.ndarray) -> np.ndarray:
    """Stationary distribution π of an irreducible generator: π Q = 0, Σ π = 1."""
    n = len(q)
    a = np.vstack([q.T, np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1.0
    pi, *_ = linalg.lstsq(a, b)
    return pi


def integral_of_expectation(q: np.ndarray, p0: np.ndarray, v: np.ndarray, t: float) -> float:
    """∫_0^t p(s) · v ds with p(s) = p0 e^{Qs}: the expected reward accumulated over [0, t].

    The exponential of the augmented matrix [[Q, v], [0, 0]] holds ∫_0^t e^{Qs} v ds in its
    last column (Van Loan), so the integral is exact up to the precision of ``expm``.
    """
    n = len(q)
    m = np.zeros((n + 1, n + 1))
    m[:n, :n] = q
    m[:n, n] = v
    return float(p0 @ linalg.expm(m * t)[:n, n])


def point_mass(states: Sequence[State], start: State) -> np.ndarray:
    """The distribution that is certain to be in ``start``."""
    p = np.zeros(len(states))
    p[states.index(start)] = 1.0
    return p


@dataclass(frozen=True)
class Chain:
    """A finite CTMC of a system: states, generator, which states are up, a start state."""

    states: tuple[State, ...]
    q: np.ndarray
    up: np.ndarray
    start: State

    @property
    def p0(self) -> np.ndarray:
        return point_mass(self.states, self.start)

    def mask(self, where: Callable[[State], bool]) -> np.ndarray:
        """1.0 for the states where ``where`` holds, else 0.0."""
        return np.array([1.0 if where(s) else 0.0 for s in self.states])

    def steady_availability(self) -> float:
        return float(steady_state(self.q) @ self.up)

    def expected_time(self, where: Callable[[State], bool], t: float) -> float:
        """Expected hours spent in the states where ``where`` holds during [0, t]."""
        return integral_of_expectation(self.q, self.p0, self.mask(where), t)

    def interval_availability(self, t: float) -> float:
        """E[uptime over [0, t]] / t."""
        return integral_of_expectation(self.q, self.p0, self.up.astype(float), t) / t

    def failure_rate_vector(self) -> np.ndarray:
        """Rate from each up state into the down states (0 in down states)."""
        down = ~self.up
        return np.where(self.up, self.q[:, down].sum(axis=1), 0.0)

    def expected_failures(self, t: float) -> float:
        """Expected number of up → down transitions in [0, t]: ∫ Σ_up p_i(s) r_i ds."""
        return integral_of_expectation(self.q, self.p0, self.failure_rate_vector(), t)

    def survival(self, t: float) -> float:
        """Probability of no system failure in [0, t]: the down states made absorbing."""
        up = self.up
        if not up[self.states.index(self.start)]:
            return 0.0
        sub = self.q[np.ix_(up, up)]
        return float(self.p0[up] @ linalg.expm(sub * t) @ np.ones(int(up.sum())))


def chain(start: State, moves: Callable[[State], Iterable[tuple[State, float]]],
          is_up: Callable[[State], bool]) -> Chain:
    """Explore the states reachable from ``start``; ``moves(s)`` yields ``(next, rate)``."""
    states: list[State] = [start]
    index = {start: 0}
    transitions: list[tuple[int, int, float]] = []
    k = 0
    while k < len(states):
        s = states[k]
        for nxt, rate in moves(s):
            if rate == 0.0:
                continue
            if nxt not in index:
                index[nxt] = len(states)
                states.append(nxt)
            transitions.append((index[s], index[nxt], rate))
        k += 1
    q = generator(len(states), transitions)
    up = np.array([bool(is_up(s)) for s in states])
    return Chain(tuple(states), q, up, start)


def independent_chain(rates: Sequence[tuple[float, float]],
                      structure: Callable[[tuple[bool, ...]], bool]) -> Chain:
    """Product chain of independently repaired exponential components ``(λ_i, μ_i)``.

    A state is the tuple of component states (True = up); all start up.
    """

    def moves(s: State) -> Iterable[tuple[State, float]]:
        for i, (lam, mu) in enumerate(rates):
            flipped = (*s[:i], not s[i], *s[i + 1:])
            yield flipped, lam if s[i] else mu

    return chain(tuple(True for _ in rates), moves, structure)


# --- one exponential component -----------------------------------------------------------------


def exponential_point_availability(lam: float, mu: float, t: float) -> float:
    """P(up at t) of one component, up at 0: μ/(λ+μ) + λ/(λ+μ) e^{−(λ+μ)t}."""
    s = lam + mu
    return mu / s + lam / s * math.exp(-s * t)


def exponential_interval_availability(lam: float, mu: float, t: float) -> float:
    """A(T) = μ/(λ+μ) + λ(1 − e^{−(λ+μ)T}) / ((λ+μ)² T): mean availability over [0, T]."""
    s = lam + mu
    return mu / s + lam * -math.expm1(-s * t) / (s * s * t)


# --- structure functions of independent components ---------------------------------------------


def system_probability(structure: Callable[[tuple[bool, ...]], bool],
                       p: Sequence[float]) -> float:
    """P(structure up) for independent components up with probabilities ``p``: a sum over
    all 2^n component states."""
    total = 0.0
    for x in itertools.product((True, False), repeat=len(p)):
        if structure(x):
            total += math.prod(pi if xi else 1.0 - pi for pi, xi in zip(p, x, strict=True))
    return total


def structure_interval_availability(structure: Callable[[tuple[bool, ...]], bool],
                                    point: Sequence[Callable[[float], float]], t: float) -> float:
    """(1/T) ∫_0^T h(p_1(s), ..., p_n(s)) ds for independent components with point
    availabilities ``point[i](s)``, by adaptive quadrature."""

    def f(s: float) -> float:
        return system_probability(structure, [p(s) for p in point])

    value, err = integrate.quad(f, 0.0, t, limit=500, epsabs=1e-10 * t, epsrel=1e-12)
    assert err < 1e-8 * t, err
    return value / t


# --- renewal theory ----------------------------------------------------------------------------


def renewal_availability(mttf: float, mttr: float) -> float:
    """Steady-state availability of an alternating renewal process: MTTF / (MTTF + MTTR)."""
    return mttf / (mttf + mttr)


def renewal_interval_availability(up_mean: float, up_m2: float, down_mean: float,
                                  down_m2: float, t: float) -> float:
    """Mean availability over [0, T] of an alternating renewal process starting up, to O(1/T).

    With X the up time, Y the down time, C = X + Y and m = E[C], the Laplace transform
    A*(s) = (1 − f*(s)) / (s (1 − f*(s) g*(s))) expands at s → 0 as
    E[X]/(m s) + c + O(s), so ∫_0^T A(t) dt = A∞ T + c + o(1) with

        c = (E[X] E[C²] / (2m) − E[X²] / 2) / m,    E[C²] = E[X²] + 2 E[X] E[Y] + E[Y²].

    For exponential laws c = λ/(λ+μ)², the limit of the closed form above. The remainder
    vanishes as the cycle count grows (geometrically for laws with densities and light tails).
    ``up_m2`` and ``down_m2`` are the raw second moments E[X²] and E[Y²].
    """
    m = up_mean + down_mean
    c2 = up_m2 + 2.0 * up_mean * down_mean + down_m2
    c = (up_mean * c2 / (2.0 * m) - up_m2 / 2.0) / m
    return up_mean / m + c / t
