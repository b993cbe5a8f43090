"""Sampling the laws: twins of :func:`hasim.rng.sample`, and the draw of a stream's next sample."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from hasim.kernels import ENTRY, JIT, ix
from hasim.kernels.rng import DRAWS_PER_SAMPLE, ndtri, sub_key, uniform


@njit(**JIT)
def _gamma_unit(shape: float, key: np.uint64, base: np.int64) -> float:
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    j = 0
    while j < DRAWS_PER_SAMPLE - 2:
        x = ndtri(uniform(key, base + j))
        v = 1.0 + c * x
        if v > 0.0:
            v = v * v * v
            u = uniform(key, base + j + 1)
            if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
                return d * v
        j += 2
    return d


@njit(inline="always", **JIT)
def _exponential(a: float, u: float) -> float:
    return -a * math.log(u)


@njit(inline="always", **JIT)
def _weibull(a: float, b: float, c: float, u: float) -> float:
    return c + b * (-math.log(u)) ** (1.0 / a)


@njit(inline="always", **JIT)
def _lognormal(a: float, b: float, u: float) -> float:
    return math.exp(a + b * ndtri(u))


@njit(**ENTRY)
def sample(code: np.int64, a: float, b: float, c: float, pool: np.ndarray, key: np.uint64,
           n: np.int64) -> float:
    """Sample ``n`` of a law from stream ``key`` (codes and parameters as in hasim.rng)."""
    if code == 0:
        return a
    base = n * DRAWS_PER_SAMPLE
    u = uniform(key, base)
    if code == 1:
        return _exponential(a, u)
    if code == 2:
        return _weibull(a, b, c, u)
    if code == 3:
        return _lognormal(a, b, u)
    if code == 4:
        if a >= 1.0:
            return b * _gamma_unit(a, key, base)
        boost = uniform(key, base + DRAWS_PER_SAMPLE - 1) ** (1.0 / a)
        return b * _gamma_unit(a + 1.0, key, base) * boost
    if code == 5:
        p0 = 0.5 * math.erfc(a / (b * math.sqrt(2.0)))
        p = p0 + u * (1.0 - p0)
        if p >= 1.0:
            p = 1.0 - 1e-16
        return max(0.0, a + b * ndtri(p))
    if code == 6:
        return a + (b - a) * u
    count = np.int64(b)
    i = np.int64(u * count)
    if i >= count:
        i = count - 1
    return pool[np.int64(a) + i]


@njit(inline="always", **JIT)
def draw(prog, st, stream, purpose, law):
    """Next sample of ``law`` from the ``purpose`` stream of owner ``stream``; 0 for no law
    (-1). Stream keys are made at a stream's first draw. The twin of ``Replication.draw`` in
    the SimPy engine."""
    if law < 0:
        return 0.0
    s = ix(stream)
    n = st.draws[s, purpose]
    if n == 0:
        st.keys[s, purpose] = sub_key(st.rk[0], prog.streams.ids[s], purpose)
    st.draws[s, purpose] = n + 1
    L = prog.laws
    x = ix(law)
    code = L.code[x]
    # the commonest laws as branches of each draw site, which the processor predicts site by
    # site, rather than the shared switch of sample (an indirect jump, mispredicted as the
    # laws of successive draws differ); the same arithmetic, so the same bits
    if code == 0:
        return L.a[x]
    if code <= 3:
        u = uniform(st.keys[s, purpose], n * DRAWS_PER_SAMPLE)
        if code == 1:
            return _exponential(L.a[x], u)
        if code == 2:
            return _weibull(L.a[x], L.b[x], L.c[x], u)
        return _lognormal(L.a[x], L.b[x], u)
    return sample(code, L.a[x], L.b[x], L.c[x], L.pool, st.keys[s, purpose], n)


@njit(**JIT)
def draw_call(prog, st, stream, purpose, law):
    """:func:`draw` as a real call, for the rare paths (one compiled copy instead of one
    inlined at every site: the kernel's compile time)."""
    return draw(prog, st, stream, purpose, law)


@njit(inline="always", **JIT)
def draw_uniform(prog, st, stream, purpose):
    """Next uniform number of the ``purpose`` stream of owner ``stream``."""
    s = ix(stream)
    n = st.draws[s, purpose]
    if n == 0:
        st.keys[s, purpose] = sub_key(st.rk[0], prog.streams.ids[s], purpose)
    st.draws[s, purpose] = n + 1
    return uniform(st.keys[s, purpose], n * DRAWS_PER_SAMPLE)
