"""The laws, declared once: parameter sets → the canonical ``(code, a, b, c)`` of the engines.

Each law knows its mean and, for tests and exact analysis, its scipy twin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hasim import rng
from hasim.model import schema

CODES = {
    "fixed": rng.FIXED,
    "exponential": rng.EXPONENTIAL,
    "weibull": rng.WEIBULL,
    "lognormal": rng.LOGNORMAL,
    "gamma": rng.GAMMA,
    "normal": rng.NORMAL,
    "uniform": rng.UNIFORM,
    "empirical": rng.EMPIRICAL,
}


@dataclass(frozen=True)
class Dist:
    """A law in canonical parameters (hours).

    ``a, b, c`` per law: fixed (value) · exponential (mean) · weibull (shape, scale, location) ·
    lognormal (mu, sigma of log-hours) · gamma (shape, scale) · normal (mean, sd, before truncation
    at 0) · uniform (min, max) · empirical (offset 0 and count of ``values``).
    """

    name: str
    a: float = 0.0
    b: float = 0.0
    c: float = 0.0
    values: tuple[float, ...] = ()

    @property
    def code(self) -> int:
        return CODES[self.name]

    @property
    def mean(self) -> float:
        """Mean in hours."""
        n, a, b, c = self.name, self.a, self.b, self.c
        if n in ("fixed", "exponential"):
            return a
        if n == "weibull":
            return c + b * math.gamma(1.0 + 1.0 / a)
        if n == "lognormal":
            return math.exp(a + b * b / 2.0)
        if n == "gamma":
            return a * b
        if n == "normal":
            alpha = -a / b
            pdf = math.exp(-alpha * alpha / 2.0) / math.sqrt(2.0 * math.pi)
            tail = 0.5 * math.erfc(alpha / math.sqrt(2.0))
            return a + b * pdf / tail
        if n == "uniform":
            return (a + b) / 2.0
        return sum(self.values) / len(self.values)

    @property
    def is_exponential(self) -> bool:
        return self.name == "exponential"

    @property
    def is_zero(self) -> bool:
        return self.name == "fixed" and self.a == 0.0

    def scipy(self) -> Any:
        """The frozen scipy.stats distribution of this law (for tests and analysis)."""
        from scipy import stats

        n, a, b, c = self.name, self.a, self.b, self.c
        if n == "fixed":
            return stats.uniform(loc=a, scale=0.0)
        if n == "exponential":
            return stats.expon(scale=a)
        if n == "weibull":
            return stats.weibull_min(a, loc=c, scale=b)
        if n == "lognormal":
            return stats.lognorm(b, scale=math.exp(a))
        if n == "gamma":
            return stats.gamma(a, scale=b)
        if n == "normal":
            return stats.truncnorm(-a / b, math.inf, loc=a, scale=b)
        if n == "uniform":
            return stats.uniform(loc=a, scale=b - a)
        raise ValueError("the empirical law has no scipy twin")

    def describe(self) -> str:
        from hasim.units import format_duration as f

        n = self.name
        if n == "fixed":
            return f"fixed {f(self.a)}"
        if n == "exponential":
            return f"exponential, mean {f(self.a)}"
        if n == "weibull":
            loc = f", location {f(self.c)}" if self.c else ""
            return f"weibull, shape {self.a:g}, scale {f(self.b)}{loc}"
        if n == "lognormal":
            return f"lognormal, mean {f(self.mean)}, sigma {self.b:.3g}"
        if n == "gamma":
            return f"gamma, shape {self.a:g}, mean {f(self.mean)}"
        if n == "normal":
            return f"normal, mean {f(self.a)}, sd {f(self.b)} (truncated at 0)"
        if n == "uniform":
            return f"uniform {f(self.a)} to {f(self.b)}"
        return f"empirical, {len(self.values)} values, mean {f(self.mean)}"


ZERO = Dist("fixed", 0.0)


def exponential(mean: float) -> Dist:
    return Dist("exponential", mean)


def from_law(law: schema.Law, empirical_values: tuple[float, ...] | None = None) -> Dist:
    """Canonical parameters of a validated law (``empirical_values`` for ``file:`` laws)."""
    p = law.params
    name = law.name
    if name == "fixed":
        return Dist("fixed", float(p))
    if name == "exponential":
        return Dist(name, p.mean if p.mean is not None else 1.0 / p.rate)
    if name == "weibull":
        g = math.gamma(1.0 + 1.0 / p.shape)
        scale = p.scale if p.scale is not None else (p.mean - p.location) / g
        return Dist(name, p.shape, scale, p.location)
    if name == "lognormal":
        if p.cv is not None:
            sigma = math.sqrt(math.log1p(p.cv * p.cv))
            return Dist(name, math.log(p.mean) - sigma * sigma / 2.0, sigma)
        mu = math.log(p.median) if p.median is not None else p.mu
        return Dist(name, mu, p.sigma)
    if name == "gamma":
        scale = p.scale if p.scale is not None else p.mean / p.shape
        return Dist(name, p.shape, scale)
    if name == "normal":
        return Dist(name, p.mean, p.sd)
    if name == "uniform":
        return Dist(name, p.min, p.max)
    values = tuple(p.values) if p.values is not None else empirical_values
    if not values:
        raise ValueError("empirical law without values")
    # a, b: offset and count of the values in the pool the sampler reads (its own values here)
    return Dist(name, 0.0, float(len(values)), values=tuple(float(v) for v in values))
