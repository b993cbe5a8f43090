"""The numba engine reproduces the SimPy reference engine exactly, seed for seed (STYLE habit 3):
every field of every replication, and the whole event log (traces)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hasim
from hasim.engines.fast import run_replications as fast
from hasim.engines.fast import trace as fast_trace
from hasim.engines.reference import run_replications as reference
from hasim.engines.reference import trace as reference_trace
from hasim.results import RunResult

from .conftest import MODELS
from .strategies import models, tie_models

FIELDS = tuple(RunResult.__dataclass_fields__)


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
    for rep in (0, 1, 2):
        assert fast_trace(m, 12345, rep) == reference_trace(m, 12345, rep)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(models(), st.integers(0, 2**63 - 1), st.integers(0, 10**6))
def test_random_models_agree(data, seed, first):
    m = hasim.model_from_dict(data)
    assert_same(fast(m, seed, first, first + 6), reference(m, seed, first, first + 6))


@settings(max_examples=220, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tie_models(), st.integers(0, 2**63 - 1))
def test_tie_heavy_models_agree(data, seed):
    # whole-hour fixed and empirical laws and 0s delays: many events at the same instant
    m = hasim.model_from_dict(data)
    assert_same(fast(m, seed, 0, 4), reference(m, seed, 0, 4))
    assert fast_trace(m, seed, 0) == reference_trace(m, seed, 0)


TIE_A = """
hasim: 1
name: tie a
mission: 30h
crews: {c: {size: 1}}
components:
  a: {failure: {fixed: 10h}, repair: {fixed: 5h}, crew: c}
  cc: {failure: {fixed: 11h}, repair: {fixed: 12h}, crew: c}
  d: {failure: {fixed: 12h}, repair: {fixed: 3h}}
system: {parallel: [cc, d]}
"""
TIE_B = """
hasim: 1
name: tie b
mission: 30h
crews: {c: {size: 1}}
components:
  x: {failure: {fixed: 12h}, repair: {fixed: 9h}, crew: c}
  y: {failure: {fixed: 9h}, repair: {fixed: 3h}}
system: {parallel: [x, y]}
"""


@pytest.mark.parametrize(("text", "outages"), [(TIE_A, [3.0]), (TIE_B, [])])
def test_tie_cases(text, outages):
    # (a) at 15 h a's repair ends before d's (scheduled first): the crew takes cc; at 27 h cc's
    # repair end was scheduled before d's next failure, so the system never goes down again.
    # (b) at 12 h x fails (scheduled at t = 0) before y's repair ends: down and up at the same
    # instant, which is not an outage.
    m = hasim.model_from_yaml(text)
    a, b = fast(m, 1, 0, 3), reference(m, 1, 0, 3)
    assert_same(a, b)
    assert list(a.outage_hours[a.outage_replication == 0]) == outages
    assert fast_trace(m, 1, 0) == reference_trace(m, 1, 0)


def test_buffers_grow_without_changing_results():
    # many short outages: more than the kernel's first episode buffer and heap can hold
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


def test_long_trace_grows_its_buffer():
    path = next(p for p in MODELS if p.name == "web-cluster.yaml")
    m = hasim.model_from_yaml(path.read_text().replace("mission: 1y", "mission: 60y"),
                              str(path))
    log = fast_trace(m, 5, 0)
    assert len(log) > 4096
    assert log == reference_trace(m, 5, 0)


def test_study_api_engines_agree():
    m = hasim.load_model(MODELS[0])
    x = hasim.run_study(m, runs=40, seed=9, workers=2, engine="numba")
    y = hasim.run_study(m, runs=40, seed=9, workers=1, engine="simpy")
    assert x.engine == "numba" and y.engine == "simpy"
    assert_same(x.runs, y.runs)
    assert x.summary().equals(y.summary())
