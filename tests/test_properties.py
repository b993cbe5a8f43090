"""Invariants that hold for every model and every seed (STYLE.md habit 7)."""

from __future__ import annotations

import copy
import itertools
import math

import numpy as np
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hasim
from hasim.errors import ModelError

from .strategies import models

RUNS = 4
fast = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@fast
@given(models(), st.integers(0, 2**63 - 1))
def test_bookkeeping_invariants(data, seed):
    m = hasim.model_from_dict(data)
    s = hasim.run_study(m, runs=RUNS, seed=seed, workers=1)
    r = s.runs
    a = s.availability
    assert np.all((a >= 0) & (a <= 1))
    assert np.all(r.downtime_hours <= m.mission + 1e-9)
    for i in range(RUNS):
        mine = r.outage_replication == i
        # uptime + downtime = horizon: the outages add up to the downtime
        assert math.isclose(r.outage_hours[mine].sum(), r.downtime_hours[i], abs_tol=1e-9)
        assert mine.sum() == r.outages[i]
        assert np.all(r.outage_hours[mine] >= 0)
        assert math.isclose(r.downtime_by_type[i].sum(), r.downtime_hours[i], abs_tol=1e-9)
        assert math.isnan(r.first_failure_hours[i]) == (r.outages[i] == 0)
        if r.outages[i]:
            assert 0 <= r.first_failure_hours[i] < m.mission
    assert np.all(r.crew_busy_hours <= m.crew_size * m.mission + 1e-9)
    again = hasim.run_study(m, runs=RUNS, seed=seed, workers=1)
    assert np.array_equal(again.runs.downtime_hours, r.downtime_hours)
    assert np.array_equal(again.runs.events, r.events)


@settings(max_examples=8, deadline=None)
@given(models(), st.integers(0, 1000))
def test_workers_do_not_change_results(data, seed):
    m = hasim.model_from_dict(data)
    one = hasim.run_study(m, runs=9, seed=seed, workers=1)
    two = hasim.run_study(m, runs=9, seed=seed, workers=2)
    for field in ("downtime_hours", "outages", "events", "outage_hours", "downtime_by_type"):
        assert np.array_equal(getattr(one.runs, field), getattr(two.runs, field), equal_nan=True)


def _kofn(n, k, crew):
    comp = {"count": n, "failure": {"weibull": {"shape": 1.5, "mean": "80h"}},
            "repair": {"lognormal": {"mean": "10h", "cv": 1}}}
    data = {"hasim": 1, "name": "k", "mission": "2000h", "components": {"x": comp},
            "system": {"k_of_n": {"k": k, "of": "x"}}}
    if crew:
        data["crews"] = {"c": {"size": 1}}
        comp["crew"] = "c"
    return hasim.model_from_dict(data)


@settings(max_examples=10, deadline=None)
@given(st.integers(2, 5), st.booleans(), st.integers(0, 1000))
def test_availability_never_rises_with_k(n, crew, seed):
    # common random numbers: the unit histories do not depend on k, so per run A(k) is monotone
    a = [hasim.run_study(_kofn(n, k, crew), runs=5, seed=seed, workers=1).availability
         for k in range(1, n + 1)]
    for lower, higher in itertools.pairwise(a):
        assert np.all(higher <= lower + 1e-12)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 4), st.integers(0, 1000))
def test_adding_a_spare_never_lowers_availability(n, seed):
    # independent repair: the first n units live the same lives with or without the spare
    a = hasim.run_study(_kofn(n, 1, False), runs=5, seed=seed, workers=1).availability
    b = hasim.run_study(_kofn(n + 1, 1, False), runs=5, seed=seed, workers=1).availability
    assert np.all(b >= a - 1e-12)


@settings(max_examples=25, deadline=None)
@given(models())
def test_spec_yaml_spec_round_trip(data):
    m = hasim.model_from_dict(data)
    again = hasim.model_from_yaml(yaml.safe_dump(m.spec.to_data(), sort_keys=False))
    assert again.spec == m.spec


junk = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True),
                 st.text(max_size=6), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
                 st.sampled_from(["-3h", "0s", "1e9y", "x[9]", "t0[7]", "99%", "{", "t0"]))


@st.composite
def broken_models(draw):
    data = copy.deepcopy(draw(models()))
    for _ in range(draw(st.integers(1, 3))):
        # walk to a random place in the tree and put junk there (or delete the key)
        node = data
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            child = node[key]
            if isinstance(child, dict | list) and child and draw(st.booleans()):
                node = child
                continue
            if isinstance(node, dict) and draw(st.booleans()):
                del node[key]
            else:
                node[key] = draw(junk)
            break
    return data


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(broken_models())
def test_malformed_models_never_raise_anything_but_model_error(data):
    text = yaml.safe_dump(data, sort_keys=False)
    try:
        m = hasim.model_from_yaml(text)
    except ModelError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return
    if m.mission <= 1e4:  # junk such as 1e9y loads fine but would take long to simulate
        hasim.run_study(m, runs=1, seed=0, workers=1)  # whatever loads, runs
