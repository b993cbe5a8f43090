"""Random streams and samplers against exact distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from hasim import rng
from hasim.model.distributions import Dist


def test_uniform_is_open_unit_interval_and_reproducible():
    key = rng.stream_key(1, 2, 3, 4)
    u = [rng.uniform(key, i) for i in range(20000)]
    assert all(0.0 < x < 1.0 for x in u)
    assert u == [rng.uniform(key, i) for i in range(20000)]
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_streams_of_neighbours_do_not_share_numbers():
    # neighbouring replications, units and purposes must give unrelated numbers
    keys = {rng.stream_key(s, r, u, p) for s in range(3) for r in range(50) for u in range(5)
            for p in range(6)}
    assert len(keys) == 3 * 50 * 5 * 6
    a = np.array([[rng.uniform(rng.stream_key(0, r, 0, 0), i) for i in range(200)]
                  for r in range(100)])
    corr = np.corrcoef(a)[np.triu_indices(100, 1)]
    # 4950 correlations of 200 independent pairs each: sd ≈ 1/sqrt(200) = 0.071
    assert abs(corr.mean()) < 0.005 and corr.std() < 0.08
    assert len({float(x) for x in a.ravel()}) == a.size


def test_unit_stream_id_depends_on_name_and_instance_only():
    ids = {rng.unit_stream_id(n, i) for n in ("web", "db", "web2") for i in range(100)}
    assert len(ids) == 300
    assert rng.unit_stream_id("web", 3) == rng.unit_stream_id("web", 3)


@pytest.mark.parametrize("p", [1e-300, 1e-20, 1e-10, 0.001, 0.02425, 0.3, 0.5, 0.7, 0.975,
                               0.99999, 1 - 1e-12])
def test_ndtri_matches_scipy(p):
    assert rng.ndtri(p) == pytest.approx(special.ndtri(p), rel=1e-14, abs=1e-14)


def test_seed_checks():
    assert rng.check_seed(0) == 0
    assert 0 <= rng.check_seed(None) <= rng.MAX_SEED
    for bad in (-1, 2**63, 1.5, True):
        with pytest.raises((ValueError, TypeError)):
            rng.check_seed(bad)


LAWS = [
    Dist("exponential", 10.0),
    Dist("weibull", 0.7, 5.0, 0.0),
    Dist("weibull", 3.0, 5.0, 2.0),
    Dist("lognormal", 1.0, 0.8),
    Dist("gamma", 0.5, 4.0),
    Dist("gamma", 3.0, 2.0),
    Dist("normal", 2.0, 1.5),
    Dist("uniform", 1.0, 4.0),
]


@pytest.mark.parametrize("law", LAWS, ids=lambda d: f"{d.name}-{d.a}")
def test_samplers_follow_their_laws(law):
    n = 20000
    key = rng.stream_key(42, 0, 7, 1)
    x = np.array([rng.sample(law.code, law.a, law.b, law.c, (), key, i) for i in range(n)])
    exact = law.scipy()
    assert exact.mean() == pytest.approx(law.mean, rel=1e-12)
    # the sample mean within 4 standard errors of the exact mean, and that bound is sharp
    se = exact.std() / math.sqrt(n)
    assert abs(x.mean() - law.mean) < 4 * se < 0.05 * law.mean
    assert stats.kstest(x, exact.cdf).pvalue > 1e-4


def test_fixed_and_empirical():
    assert rng.sample(rng.FIXED, 2.5, 0, 0, (), 123, 0) == 2.5
    pool = (9.0, 1.0, 2.0, 3.0, 9.0)
    key = rng.stream_key(1, 0, 0, 0)
    x = [rng.sample(rng.EMPIRICAL, 1, 3, 0, pool, key, i) for i in range(3000)]
    assert set(x) == {1.0, 2.0, 3.0}
    counts = np.array([x.count(v) for v in (1.0, 2.0, 3.0)])
    assert stats.chisquare(counts).pvalue > 1e-3
