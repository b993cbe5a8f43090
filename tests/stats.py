"""Assertions that compare Monte Carlo estimates with exact values (STYLE.md, habit 6).

A check passes when the exact value lies within ``Z`` standard errors of the sample mean, and it
is only a check when that interval is narrow: ``Z · se`` must be below a stated fraction of the
quantity under test. Test small quantities (unavailability, failure probability), never their
complements close to 1, or everything passes. ``assert_distinguishable`` checks that a test
would reject a stated wrong answer (a misreading of the semantics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SHARPEST: float | None = None
"""When set, every check must also be sharp to this fraction of the exact value."""

Z = 4.0
"""Half-width of the acceptance interval in standard errors: a fixed-seed test stays robust to
changes of the random numbers (a false alarm every ~16,000 reseeds), while a real bias of a few
percent still fails at the run counts used."""


@dataclass(frozen=True)
class Estimate:
    what: str
    mean: float
    se: float
    exact: float
    n: int

    @property
    def z(self) -> float:
        return (self.mean - self.exact) / self.se if self.se > 0 else 0.0

    def __str__(self) -> str:
        rel = Z * self.se / abs(self.exact) if self.exact else math.inf
        return (f"{self.what}: exact {self.exact:.6g}, simulated {self.mean:.6g} ± {self.se:.2g} "
                f"(n = {self.n}, z = {self.z:+.2f}, {Z:g}·se = {rel:.1%} of exact)")


def assert_close(samples: np.ndarray, exact: float, *, sharp: float, what: str = "estimate",
                 z: float = Z) -> Estimate:
    """Assert that the mean of per-run ``samples`` matches ``exact`` within ``z`` standard errors,
    and that ``z · se < sharp · |exact|`` so that the comparison can fail.

    Parameters
    ----------
    samples
        One value per replication (e.g. per-run unavailability or outage count).
    exact
        The exact expected value.
    sharp
        Largest acceptable half-width of the interval, as a fraction of ``|exact|``.
    what
        Name of the quantity, for messages.
    z
        Half-width of the acceptance interval in standard errors.
    """
    if SHARPEST is not None:
        sharp = min(sharp, SHARPEST)
    x = np.asarray(samples, dtype=float)
    n = len(x)
    assert n >= 2, "need at least two runs"
    assert not np.isnan(x).any(), f"{what}: NaN among the samples"
    est = Estimate(what, float(x.mean()), float(x.std(ddof=1) / math.sqrt(n)), exact, n)
    print(est)
    assert z * est.se < sharp * abs(exact), (
        f"{what}: test not sharp: {z:g}·se = {z * est.se:.3g} is not below "
        f"{sharp:.0%} of the exact value {exact:.6g}; run more replications")
    assert abs(est.mean - exact) <= z * est.se, f"{est}: outside {z:g} standard errors"
    return est


def assert_distinguishable(est: Estimate, misread: float, why: str, z: float = Z) -> None:
    """Assert that the test behind ``est`` would reject an engine that computed ``misread``.

    Such an engine's estimate would be centred on ``misread`` with about the same standard
    error, and it passes ``assert_close`` when it lands within ``z·se`` of the exact value.
    With ``|misread − exact| > z·se`` only, that happens about half the time (when the
    distance is just above ``z·se``, half the misread estimates fall back inside the band).
    Requiring ``> 2·z·se`` puts the acceptance band ``z`` standard errors away from the
    misread centre: the wrong engine passes with probability Φ(−z) (3e-5 at z = 4).
    """
    gap = abs(misread - est.exact)
    assert gap > 2 * z * est.se, (
        f"{why}: the misreading {misread:.6g} is {gap / est.se:.1f} se from the exact value "
        f"{est.exact:.6g}, not more than {2 * z:g}; run more replications")
