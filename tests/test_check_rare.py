"""``hasim check`` on models whose outages are rare: a metric is tested by its z-score only when
the runs are expected to see enough outages, the run count is chosen from the exact values, and
a run count too small for any test is refused before simulating (exit 2), never failed by
luck (exit 1)."""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hasim
from hasim.analysis.check import (
    MIN_EXPECTED,
    Z_LIMIT,
    choose_runs,
    compare,
    metrics_tested,
    rare_per_run,
    runs_needed,
    runs_to_test,
    verdict,
)
from hasim.analysis.exact import ExactResult, exact

RARE = """
hasim: 1
name: rare pair
mission: 1y
components:
  a: {count: 2, failure: 5000h, repair: 2h}
system: {parallel: a}
"""
"""Two independent units, each repaired at once: an outage needs both down, about 1.4e-3 a
year, so 10,000 runs see some 14 outages (35,700 runs are needed for 50)."""

FREQUENT = """
hasim: 1
name: one unit
mission: 730h
components:
  a: {failure: 200h, repair: 5h}
system: a
"""
"""About 3.6 outages a mission; P(outage) ≈ 0.97, so its rare outcome is a mission without one."""


def hasim_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hasim", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def rare() -> tuple[hasim.CompiledModel, ExactResult]:
    m = hasim.model_from_yaml(RARE)
    return m, exact(m)


@pytest.fixture(scope="module")
def frequent() -> tuple[hasim.CompiledModel, ExactResult]:
    m = hasim.model_from_yaml(FREQUENT)
    return m, exact(m)


def fake_exact(outages: float, p: float) -> ExactResult:
    return ExactResult(method="ctmc", steady_state_availability=0.99,
                       interval_availability=0.99, failure_frequency=None,
                       mean_up_time_hours=None, mean_down_time_hours=None, mttf_hours=None,
                       expected_outages=outages, p_system_failure=p, states=2,
                       mission_hours=1.0, solve_s=0.0)


def test_runs_needed_by_hand() -> None:
    """50 / 1.9e-4 = 263,157.9 → 264,000 (three significant digits, rounded up); P(outage)
    = 0.9996: 50 / 4e-4 = 125,000 missions without an outage."""
    r = fake_exact(outages=1.9e-4, p=0.9996)
    assert rare_per_run(r) == pytest.approx({"unavailability": 1.9e-4, "outages": 1.9e-4,
                                             "p_system_failure": 4e-4})
    assert runs_needed(r) == {"unavailability": 264_000, "outages": 264_000,
                              "p_system_failure": 125_000}
    assert choose_runs(r, 10_000, 2_000_000) == (264_000, "about 50.2 outages expected")
    # a metric beyond the cap is left untested rather than run at the cap for nothing
    assert choose_runs(r, 10_000, 200_000) == (125_000,
                                              "about 50 missions without an outage expected")
    assert choose_runs(r, 10_000, 100_000)[0] == 100_000
    assert not any(metrics_tested(r, 100_000).values())
    assert metrics_tested(r, 264_000) == dict.fromkeys(("unavailability", "outages",
                                                  "p_system_failure"), True)
    # frequent outages: the floor is enough; an exact value that allows no spread needs 2 runs
    assert choose_runs(fake_exact(3.0, 0.5), 10_000, 2_000_000) == (
        10_000, "the default, enough for every metric")
    assert runs_needed(fake_exact(0.0, 0.0)) == dict.fromkeys(
        ("unavailability", "outages", "p_system_failure"), 2)


def test_rare_model_at_few_runs_is_not_tested(rare: tuple) -> None:
    """2,000 runs of the rare pair expect ~2.8 outages: every metric untested, z NaN, no
    verdict — whatever the sample (here it saw none: the old z was +inf, DISAGREE)."""
    m, r_ex = rare
    assert 2_000 * r_ex.expected_outages < MIN_EXPECTED
    study = hasim.run_study(m, runs=2_000, seed=1, workers=1, progress=False)
    table = compare(study, r_ex)
    assert not table["tested"].any()
    assert table["z"].isna().all()
    assert (table["runs_needed"] == runs_needed(r_ex)["outages"]).all()
    assert verdict(table) is None


def test_rare_model_with_runs_chosen_agrees(rare: tuple) -> None:
    m, r_ex = rare
    runs, why = choose_runs(r_ex, 10_000, 2_000_000)
    assert runs == runs_needed(r_ex)["outages"] > 10_000
    assert why.startswith("about 5") and why.endswith("outages expected")
    study = hasim.run_study(m, runs=runs, seed=1, workers=1, progress=False)
    table = compare(study, r_ex)
    print(table)
    assert table.loc[["unavailability", "outages"], "tested"].all()
    assert not table.loc["p_system_failure", "tested"] or \
        runs * r_ex.p_system_failure >= MIN_EXPECTED
    assert verdict(table) is True


def test_a_wrong_exact_value_is_still_caught(frequent: tuple) -> None:
    """The test can fail: 20 % more unavailability than the truth is DISAGREE at 10,000 runs
    of a model with ~3.6 outages a mission."""
    m, r_ex = frequent
    study = hasim.run_study(m, runs=10_000, seed=3, workers=1, progress=False)
    table = compare(study, r_ex)
    assert verdict(table) is True
    u = 1 - r_ex.interval_availability
    wrong = dataclasses.replace(r_ex, interval_availability=1 - 1.2 * u)
    table = compare(study, wrong)
    assert table.loc["unavailability", "tested"]
    assert abs(table.loc["unavailability", "z"]) > Z_LIMIT
    assert verdict(table) is False
    # P(outage) ≈ 0.97: 10,000 runs expect ~260 missions without an outage, tested
    assert table.loc["p_system_failure", "tested"]


def test_infinite_z_has_the_sign_of_the_difference(frequent: tuple) -> None:
    """A sample without spread that misses the exact value: z = ±inf, signed by simulated −
    exact (the old code gave +inf for a simulation below the exact value)."""
    m, r_ex = frequent
    study = hasim.run_study(m, runs=20, seed=1, workers=1, progress=False)
    # every mission failed (a sample without spread), against P(outage) exactly 0 or 1: a
    # metric tested by identity at any run count
    failed = dataclasses.replace(study, runs=dataclasses.replace(
        study.runs, first_failure_hours=np.full(20, 100.0)))
    table = compare(failed, dataclasses.replace(r_ex, p_system_failure=0.0))
    assert table.loc["p_system_failure", "tested"]
    assert table.loc["p_system_failure", "z"] == math.inf
    table = compare(failed, dataclasses.replace(r_ex, p_system_failure=1.0))
    assert table.loc["p_system_failure", "z"] == 0.0
    # a sample of zeros below a tested exact value: −inf
    none = dataclasses.replace(study, runs=dataclasses.replace(
        study.runs, downtime_hours=0 * study.runs.downtime_hours,
        outages=0 * study.runs.outages))
    table = compare(none, dataclasses.replace(r_ex, expected_outages=10.0))
    assert table.loc["outages", "z"] == -math.inf
    assert table.loc["unavailability", "z"] == -math.inf


def test_probability_intervals_stay_within_0_and_1(frequent: tuple) -> None:
    m, r_ex = frequent
    study = hasim.run_study(m, runs=50, seed=1, workers=1, progress=False)
    table = compare(study, r_ex)
    for name in ("unavailability", "p_system_failure"):
        assert 0 <= table.loc[name, "ci_low"] <= table.loc[name, "ci_high"] <= 1
    assert table.loc["outages", "ci_low"] >= 0


def test_cli_refuses_a_run_count_too_small_for_any_test(tmp_path: Path) -> None:
    path = tmp_path / "rare.yaml"
    path.write_text(RARE)
    out = hasim_cli("check", str(path), "--runs", "2000", "--seed", "1", "--workers", "1",
                    cwd=tmp_path)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: 2,000 runs are too few to test any "
                                                   "metric")
    need = runs_to_test(exact(hasim.model_from_yaml(RARE)))
    assert lines[0].endswith(f"use --runs {need:,} to test every metric")


def test_cli_chooses_runs_and_shows_untested_rows(tmp_path: Path) -> None:
    """Without --runs: enough runs, said in one line, and agreement. With a --runs that tests
    some metrics only: the others are shown as not tested, in text and in JSON."""
    path = tmp_path / "rare.yaml"
    path.write_text(RARE)
    need = runs_needed(exact(hasim.model_from_yaml(RARE)))["outages"]
    out = hasim_cli("check", str(path), "--seed", "1", "--workers", "1", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith(f"runs: {need:,} (about 5")
    assert "agree" in out.stdout

    one = tmp_path / "one.yaml"
    one.write_text(FREQUENT)
    out = hasim_cli("check", str(one), "--runs", "200", "--seed", "1", "--workers", "1",
                    cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "runs: 200 (as given)" in out.stdout
    assert "not tested" in out.stdout and "1 not tested" in out.stdout
    out = hasim_cli("check", str(one), "--runs", "200", "--seed", "1", "--workers", "1",
                    "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    rows = {row["metric"]: row for row in data["metrics"]}
    assert data["ok"] is True and data["runs"] == 200 and data["runs_chosen"] == "as given"
    assert rows["p_system_failure"]["tested"] is False
    assert rows["p_system_failure"]["z"] is None
    assert rows["p_system_failure"]["runs_needed"] > 200
    assert rows["outages"]["tested"] is True and isinstance(rows["outages"]["z"], float)
    assert 0 <= rows["p_system_failure"]["ci_low"] <= rows["p_system_failure"]["ci_high"] <= 1
