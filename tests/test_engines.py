"""The numba engine reproduces the SimPy reference engine exactly, seed for seed (STYLE habit 3)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hasim
from hasim.engines.des import run_replications as reference
from hasim.engines.fast import run_replications as fast

from .conftest import MODELS
from .strategies import models

FIELDS = ("downtime_hours", "outages", "first_failure_hours", "events", "downtime_by_type",
          "crew_busy_hours", "outage_replication", "outage_hours")


def assert_same(a, b):
    for field in FIELDS:
        x, y = getattr(a, field), getattr(b, field)
        assert x.shape == y.shape, field
        # the same arithmetic in the same order: equal to the last bit
        assert np.array_equal(x, y, equal_nan=True), (field, x, y)


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_bundled_models_agree(path):
    m = hasim.load_model(path)
    assert_same(fast(m, 12345, 0, 150), reference(m, 12345, 0, 150))
    # any block of replications: replication i does not depend on its neighbours
    assert_same(fast(m, 12345, 100, 150), reference(m, 12345, 100, 150))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(models(), st.integers(0, 2**63 - 1), st.integers(0, 10**6))
def test_random_models_agree(data, seed, first):
    m = hasim.model_from_dict(data)
    assert_same(fast(m, seed, first, first + 6), reference(m, seed, first, first + 6))


def test_buffers_grow_without_changing_results():
    # many short outages: more than the kernel's first outage buffer and heap can hold
    m = hasim.model_from_yaml("""
hasim: 1
name: busy
mission: 2000h
components:
  a: {count: 40, failure: 5h, repair: 1h}
  s: {count: 3, failure: 2h, repair: 1h}
system:
  series:
    - parallel: a
    - standby: {of: s, mode: warm, dormant_factor: 0.5, switchover: 30min, coverage: 0.8}
""")
    a = fast(m, 3, 0, 5)
    assert len(a.outage_hours) > 1024
    assert_same(a, reference(m, 3, 0, 5))


def test_study_api_engines_agree():
    m = hasim.load_model(MODELS[0])
    x = hasim.run_study(m, runs=40, seed=9, workers=2, engine="numba")
    y = hasim.run_study(m, runs=40, seed=9, workers=1, engine="simpy")
    assert x.engine == "numba" and y.engine == "simpy"
    assert_same(x.runs, y.runs)
    assert x.summary().equals(y.summary())
