"""The laws, declared once: parameter sets → the canonical ``(code, a, b, c)`` of the engines.

Each law knows its mean and, for tests and exact analysis, its scipy twin.
"""

from __future__ import annotations

import math
import sys
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


LOG_MAX = math.log(sys.float_info.max)
"""ln of the largest float (about 709.8): a mean or variance above e**LOG_MAX is not finite."""
_GAMMA_MAX = 171.0
"""math.gamma(x) overflows above about 171.6."""


def _log(x: float) -> float:
    return math.log(x) if x > 0 else -math.inf


def _exp(x: float) -> float:
    """e**x without OverflowError (inf instead)."""
    return math.exp(x) if x < LOG_MAX else math.inf


def _log_gamma_ratio(a: float) -> tuple[float, float]:
    """ln Γ(1 + 1/a) and ln Γ(1 + 2/a) (the Weibull moments), never raising."""
    return math.lgamma(1.0 + 1.0 / a), math.lgamma(1.0 + 2.0 / a)


def _log_variance_weibull(a: float, b: float) -> float:
    """ln of b²(Γ(1 + 2/a) − Γ(1 + 1/a)²), in log space."""
    g1, g2 = _log_gamma_ratio(a)
    r = math.exp(min(0.0, 2.0 * g1 - g2))  # Γ(1+1/a)² / Γ(1+2/a) <= 1 (log-convexity)
    return 2.0 * _log(b) + g2 + (math.log1p(-r) if r < 1.0 else -math.inf)


def _log_expm1(s: float) -> float:
    """ln(e**s − 1) for s >= 0, without overflow."""
    if s <= 0.0:
        return -math.inf
    return s + math.log1p(-math.exp(-s)) if s > 30.0 else math.log(math.expm1(s))


def _about(log_value: float) -> str:
    return f"about 1e{log_value / math.log(10.0):.0f}" if math.isfinite(log_value) else \
        "infinite"


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
        """Mean in hours (``inf`` or ``nan`` for parameters out of range: never raises)."""
        n, a, b, c = self.name, self.a, self.b, self.c
        if n in ("fixed", "exponential"):
            return a
        if n == "weibull":
            if 1.0 + 1.0 / a < _GAMMA_MAX:
                return c + b * math.gamma(1.0 + 1.0 / a)
            return c + _exp(_log(b) + math.lgamma(1.0 + 1.0 / a))
        if n == "lognormal":
            return _exp(a + b * b / 2.0)
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

    def _log_moments(self) -> tuple[float, float]:
        """ln of the mean and of the variance (hours, hours²), in log space so that neither
        overflows nor raises; the mean of a law with a location excludes it."""
        n, a, b = self.name, self.a, self.b
        if n == "fixed":
            return _log(a), -math.inf
        if n == "exponential":
            return _log(a), 2.0 * _log(a)
        if n == "weibull":
            return _log(b) + math.lgamma(1.0 + 1.0 / a), _log_variance_weibull(a, b)
        if n == "lognormal":
            return a + b * b / 2.0, 2.0 * a + b * b + _log_expm1(b * b)
        if n == "gamma":
            return _log(a) + _log(b), _log(a) + 2.0 * _log(b)
        if n == "normal":  # truncation at 0 lowers the variance: b² bounds it
            return _log(self.mean), 2.0 * _log(b)
        if n == "uniform":
            return _log(a / 2.0 + b / 2.0), 2.0 * _log(b - a) - math.log(12.0)
        top = max(self.values)
        if top <= 0.0:
            return -math.inf, -math.inf
        scaled = [v / top for v in self.values]
        m = sum(scaled) / len(scaled)
        var = max(0.0, sum(x * x for x in scaled) / len(scaled) - m * m)
        return _log(top) + _log(m), 2.0 * _log(top) + _log(var)

    @property
    def variance(self) -> float:
        """Variance in hours² (``inf`` when it does not fit a float; the normal law's is
        that of the normal before truncation, an upper bound)."""
        return _exp(self._log_moments()[1])

    def problem(self) -> str | None:
        """Why this law cannot be simulated, or None: a parameter, the mean or the variance
        is not a finite number of hours (checked in log space, so the check itself cannot
        overflow)."""
        if self.values and not all(math.isfinite(v) and v >= 0 for v in self.values):
            return "every value must be a finite number >= 0"
        if self.name == "weibull" and 0 <= self.b < sys.float_info.min:
            return (f"with shape {self.a:g} the scale is too small to represent (below "
                    f"{sys.float_info.min:.3g} h): the shape is too small for this mean")
        log_mean, log_var = self._log_moments()
        if not (log_mean < LOG_MAX and math.isfinite(self.mean)):
            return (f"its mean is too large ({_about(log_mean)} h): mean and variance must be "
                    "finite")
        if not log_var < LOG_MAX:
            return (f"its variance is too large ({_about(log_var)} h²): mean and variance "
                    "must be finite")
        if not all(math.isfinite(x) for x in (self.a, self.b, self.c)):
            return "its parameters must be finite numbers"
        if self.name in ("lognormal", "normal") and not self.b > 0:
            return "its spread (sigma or sd) must be > 0"
        return None

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
        if p.scale is not None:
            scale = p.scale
        elif 1.0 + 1.0 / p.shape < _GAMMA_MAX:
            scale = (p.mean - p.location) / math.gamma(1.0 + 1.0 / p.shape)
        else:  # Γ(1 + 1/shape) overflows: the scale, in log space, may underflow to 0
            scale = _exp(_log(p.mean - p.location) - math.lgamma(1.0 + 1.0 / p.shape))
        return Dist(name, p.shape, scale, p.location)
    if name == "lognormal":
        if p.cv is not None:
            # ln(1 + cv²), without cv² overflowing
            s2 = math.log1p(p.cv * p.cv) if p.cv < 1e150 else \
                2.0 * math.log(p.cv) + math.log1p(p.cv ** -2.0)
            sigma = math.sqrt(s2)
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
