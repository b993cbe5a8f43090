"""Random streams: bit-for-bit twins of :mod:`hasim.rng` (Python integers there, wrapping
``uint64`` here); ``tests/reference`` checks them against each other."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from hasim.kernels import ENTRY

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_K_REP = np.uint64(0xD1B54A32D192ED03)
_K_UNIT = np.uint64(0xAEF17502108EF2D9)
_K_PURPOSE = np.uint64(0xDB4F0B9175AE2165)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S12 = np.uint64(12)
_ONE = np.uint64(1)
DRAWS_PER_SAMPLE = 64


@njit(inline="always", **ENTRY)
def mix64(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(**ENTRY)
def replication_key(seed: np.uint64, replication: np.int64) -> np.uint64:
    return mix64(mix64(seed ^ _GOLDEN) ^ ((np.uint64(replication) + _ONE) * _K_REP))


@njit(**ENTRY)
def sub_key(rep_key: np.uint64, unit: np.uint64, purpose: np.int64) -> np.uint64:
    h = mix64(rep_key ^ ((unit + _ONE) * _K_UNIT))
    return mix64(h ^ ((np.uint64(purpose) + _ONE) * _K_PURPOSE))


@njit(inline="always", **ENTRY)
def uniform(key: np.uint64, counter: np.int64) -> float:
    z = mix64(key ^ mix64((np.uint64(counter) + _ONE) * _GOLDEN))
    return (np.float64(z >> _S12) + 0.5) * (1.0 / 4503599627370496.0)


@njit(**ENTRY)
def ndtri(p: float) -> float:
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
