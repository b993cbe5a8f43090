"""Sweeps, variants and plots."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import hasim
from hasim.analysis.sweep import sweep, variant
from hasim.errors import ModelError
from hasim.plotting import plot_downtime_by_component, plot_sweep

from .conftest import ROOT

matplotlib.use("Agg")
MODEL = ROOT / "tests" / "data" / "small.yaml"


def test_variant_changes_one_value():
    m = hasim.load_model(MODEL)
    v = variant(m, "components.server.count", 4)
    assert v.type_counts == (4, 1)
    assert m.type_counts == (2, 1)  # the original is untouched
    v = variant(m, "system.series[1].parallel", "server[0]")
    assert v.n_units == 3 and v.node_kind.tolist().count(0) == 2
    with pytest.raises(ModelError, match="no such key"):
        variant(m, "components.nope.count", 1)
    with pytest.raises(ModelError, match="must be >= 1"):
        variant(m, "components.server.count", 0)


def test_sweep_rows_and_common_random_numbers():
    frame = sweep(str(MODEL), "components.server.count", [1, 2, 3], runs=30, seed=5, workers=1)
    assert list(frame.index) == [1, 2, 3]
    assert frame.index.name == "components.server.count"
    for col in ("availability", "availability_low", "availability_high",
                "downtime_hours_per_year", "outages_per_year"):
        assert col in frame
    assert np.all(frame["availability_low"] <= frame["availability"])
    studies = frame.attrs["studies"]
    assert set(studies) == {1, 2, 3}
    # servers in parallel; with common random numbers each variant shares the earlier units'
    # lives, so the means rise with the count even at 30 runs
    assert frame["availability"].is_monotonic_increasing


def test_plots_return_axes():
    frame = sweep(str(MODEL), "components.server.count", [1, 2], runs=10, seed=1, workers=1)
    ax = plot_sweep(frame, "unavailability")
    assert ax.get_ylabel() == "unavailability"
    assert len(ax.lines) >= 1
    study = frame.attrs["studies"][1]
    ax = plot_downtime_by_component(study)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["server", "switch"]


def test_variants_and_sweeps_take_law_blocks():
    """A law is given as in a model file: a law block, or a bare duration, which is an
    exponential law with that mean (not a fixed delay)."""
    from hasim.rng import EXPONENTIAL, FIXED, WEIBULL

    m = hasim.load_model(MODEL)
    switch = m.unit_labels.index("switch")

    def repair_law(model):
        p = model.program
        k = p.modes.repair[p.modes.ptr[p.units.type[switch]]]
        return int(p.laws.code[k]), float(p.laws.a[k])

    assert repair_law(variant(m, "components.switch.repair", {"fixed": "90s"})) == (FIXED, 0.025)
    assert repair_law(variant(m, "components.switch.repair", "90s")) == (EXPONENTIAL, 0.025)
    block = {"weibull": {"shape": 2, "mean": "3h"}}
    code, _ = repair_law(variant(m, "components.switch.repair", block))
    assert code == WEIBULL and block == {"weibull": {"shape": 2, "mean": "3h"}}
    frame = sweep(m, "components.switch.repair", ["90s", {"fixed": "90s"}, block], runs=5,
                  seed=1, workers=1, progress=False)
    labels = ["90s", "{fixed: 90s}", "{weibull: {shape: 2, mean: 3h}}"]
    assert list(frame.index) == labels
    assert list(frame.attrs["studies"]) == labels
    fixed = frame.attrs["studies"]["{fixed: 90s}"].model
    assert repair_law(fixed) == (FIXED, 0.025)
