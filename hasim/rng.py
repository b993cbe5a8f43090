"""Random streams: the only place that turns a seed into random numbers.

Every random number of a simulation is addressed by ``(seed, replication, owner, purpose, index)``:
a counter-based generator built on the SplitMix64 finaliser. A stream key is hashed from the first
four; draw ``index`` of a stream is a further hash of the key and the index. Nothing carries state
from one draw to the next, so any engine can reproduce any draw in any order, and replication *i*
gets the same numbers whatever the number of replications, workers or machines.

Sample *n* of a stream (the *n*-th failure time of a unit, say) uses the uniforms with counter
``n * DRAWS_PER_SAMPLE + j``: sampling algorithms that need several uniforms (rejection sampling
of the gamma law) draw ``j = 0, 1, ...`` without disturbing the next sample.

The functions are plain arithmetic on integers and floats, so a jitted twin can reproduce them bit
for bit.
"""

from __future__ import annotations

import math
import secrets

M64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_K_REP = 0xD1B54A32D192ED03
_K_UNIT = 0xAEF17502108EF2D9
_K_PURPOSE = 0xDB4F0B9175AE2165
DRAWS_PER_SAMPLE = 64
"""Uniforms reserved for each sample of a stream."""
MAX_SEED = (1 << 63) - 1


def mix64(z: int) -> int:
    """SplitMix64 finaliser: a bijective hash of a 64-bit integer."""
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def unit_stream_id(component: str, instance: int) -> int:
    """The 64-bit identity of instance ``instance`` of component ``component`` in every stream key.

    It depends on the name and the instance only, not on the order of components in the file or
    on their counts: two variants of a design (4 or 6 app servers) simulate the units they share
    with the same random numbers (common random numbers), which sharpens their comparison.
    """
    h = 0xCBF29CE484222325  # FNV-1a over the UTF-8 name
    for byte in component.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & M64
    return mix64(h ^ mix64(((instance + 1) * _GOLDEN) & M64))


def stream_id(owner: int, name: str, instance: int = 0) -> int:
    """The identity of any stream owner (:class:`hasim.engines.events.Owner`): a unit is
    :func:`unit_stream_id`; a group, crew, schedule, stock, ... hashes its kind with its name,
    so that owners of different kinds never share streams."""
    if owner == 0:
        return unit_stream_id(name, instance)
    return unit_stream_id(f"\x00{owner}:{name}", instance)


def stream_key(seed: int, replication: int, unit: int, purpose: int) -> int:
    """Key of the stream of ``purpose`` for ``unit`` (a :func:`unit_stream_id`) in
    ``replication`` of a study seeded ``seed``."""
    return sub_key(replication_key(seed, replication), unit, purpose)


def replication_key(seed: int, replication: int) -> int:
    """The part of every stream key of one replication that depends on (seed, replication)."""
    return mix64(mix64(seed ^ _GOLDEN) ^ (((replication + 1) * _K_REP) & M64))


def sub_key(rep_key: int, unit: int, purpose: int) -> int:
    """Stream key from a :func:`replication_key`, a unit identity and a purpose."""
    h = mix64(rep_key ^ (((unit + 1) * _K_UNIT) & M64))
    return mix64(h ^ (((purpose + 1) * _K_PURPOSE) & M64))


def uniform(key: int, counter: int) -> float:
    """Uniform number in the open interval (0, 1): draw ``counter`` of stream ``key``."""
    z = mix64(key ^ mix64(((counter + 1) * _GOLDEN) & M64))
    # 52 bits, so that k + 0.5 is exact: the result lies in [2^-53, 1 - 2^-53]
    return ((z >> 12) + 0.5) * (1.0 / 4503599627370496.0)


def check_seed(seed: int | None) -> int:
    """Return ``seed`` checked, or a fresh random seed when it is ``None``.

    The seed actually used is always recorded in results, so a study run without a seed can
    still be reproduced.
    """
    if seed is None:
        return secrets.randbits(63)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be between 0 and {MAX_SEED}, got {seed}")
    return seed


# --- inverse of the standard normal distribution (Wichura 1988, AS241 PPND16, ~1e-16) ---------


def ndtri(p: float) -> float:
    """Quantile of the standard normal distribution at ``p`` in (0, 1)."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r
                    + 67265.770927008700853) * r + 45921.953931549871457) * r
                  + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
        den = (((((((5226.495278852545925 * r + 28729.085735721942674) * r
                    + 39307.89580009271061) * r + 21213.794301586595867) * r
                  + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
        return q * num / den
    r = p if q < 0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r -= 1.6
        num = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
                    + 0.24178072517745061177) * r + 1.27045825245236838258) * r
                  + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
        den = (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
                    + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
                  + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
    else:
        r -= 5.0
        num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                    + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
                  + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
        den = (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
                    + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
                  + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
    x = num / den
    return -x if q < 0 else x


# --- laws -------------------------------------------------------------------------------------

FIXED, EXPONENTIAL, WEIBULL, LOGNORMAL, GAMMA, NORMAL, UNIFORM, EMPIRICAL = range(8)
"""Law codes of the compiled model; parameters ``(a, b, c)`` per law:

fixed (value) · exponential (mean) · weibull (shape, scale, location) · lognormal (mu, sigma) ·
gamma (shape, scale) · normal (mean, sd; truncated at 0) · uniform (min, max) ·
empirical (offset, count into the pool of values)."""


def _gamma_unit(shape: float, key: int, base: int) -> float:
    """Gamma(shape, 1) by Marsaglia & Tsang (2000), shape >= 1; uniforms from ``base``."""
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
    return d  # unreachable in practice: each try is accepted with probability > 0.95


def sample(code: int, a: float, b: float, c: float, pool: list[float] | tuple[float, ...],
           key: int, n: int) -> float:
    """Sample *n* (0, 1, 2, ...) of a law from stream ``key``; a duration in hours."""
    if code == FIXED:
        return a
    base = n * DRAWS_PER_SAMPLE
    u = uniform(key, base)
    if code == EXPONENTIAL:
        return -a * math.log(u)
    if code == WEIBULL:
        return c + b * (-math.log(u)) ** (1.0 / a)
    if code == LOGNORMAL:
        return math.exp(a + b * ndtri(u))
    if code == GAMMA:
        if a >= 1.0:
            return b * _gamma_unit(a, key, base)
        # Gamma(a) = Gamma(a + 1) * U^(1/a) for a < 1
        boost = uniform(key, base + DRAWS_PER_SAMPLE - 1) ** (1.0 / a)
        return b * _gamma_unit(a + 1.0, key, base) * boost
    if code == NORMAL:
        p0 = 0.5 * math.erfc(a / (b * math.sqrt(2.0)))  # P(X <= 0)
        p = p0 + u * (1.0 - p0)
        if p >= 1.0:
            p = 1.0 - 1e-16
        return max(0.0, a + b * ndtri(p))
    if code == UNIFORM:
        return a + (b - a) * u
    if code == EMPIRICAL:
        count = int(b)
        i = int(u * count)
        if i >= count:
            i = count - 1
        return pool[int(a) + i]
    raise ValueError(f"unknown law code {code}")
