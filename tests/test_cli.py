"""The command line, run as a user runs it: a subprocess in a temporary directory."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

MODEL = ROOT / "tests" / "data" / "small.yaml"


def hasim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hasim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_help_is_fast_and_light(tmp_path):
    code = "import sys, hasim.cli; print(sorted(m for m in ('numpy', 'pandas', 'scipy', " \
           "'matplotlib', 'simpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    r = hasim("--help", cwd=tmp_path)
    assert r.returncode == 0
    for command in ("run", "validate", "schema"):
        assert command in r.stdout


def test_run_json(tmp_path):
    r = hasim("run", str(MODEL), "--runs", "40", "--seed", "7", "--workers", "1", "--json",
              cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    a = data["availability"]
    assert set(a) == {"mean", "stderr", "ci_low", "ci_high"}
    assert 0 < a["ci_low"] <= a["mean"] <= a["ci_high"] <= 1
    assert data["runs"] == 40 and data["seed"] == 7 and data["engine"] == "numba"
    assert data["events"] > 40 and data["elapsed_s"] > 0
    hours = data["downtime_hours_per_year"]
    assert hours == pytest.approx((1 - a["mean"]) * 8760, rel=1e-9)
    assert data["outages_per_year"] > 0
    assert list(tmp_path.iterdir()) == []  # --json alone writes nothing


def test_same_seed_same_numbers_for_any_workers_and_engine(tmp_path):
    outs = [json.loads(hasim("run", str(MODEL), "--runs", "30", "--seed", "3", "--workers", w,
                             "--engine", e, "--json", cwd=tmp_path).stdout)
            for w, e in (("1", "numba"), ("2", "numba"), ("2", "simpy"))]
    assert outs[0]["metrics"] == outs[1]["metrics"] == outs[2]["metrics"]
    assert outs[0]["events"] == outs[1]["events"] == outs[2]["events"]


def test_run_out_writes_results_and_manifest(tmp_path):
    out = tmp_path / "results"
    r = hasim("run", str(MODEL), "--runs", "25", "--seed", "11", "--workers", "2", "--out",
              str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "availability" in r.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json", "outages.csv", "replications.csv", "summary.json"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["model_sha256"] == hashlib.sha256(MODEL.read_bytes()).hexdigest()
    assert manifest["seed"] == 11 and manifest["runs"] == 25 and manifest["engine"] == "numba"
    assert manifest["resolved_model"]["components"]["server"]["count"] == 2
    assert manifest["hasim_version"] and manifest["wall_time_s"] > 0
    rows = list(csv.DictReader((out / "replications.csv").open()))
    assert [int(r["replication"]) for r in rows] == list(range(25))
    summary = json.loads((out / "summary.json").read_text())
    mean = sum(float(r["availability"]) for r in rows) / 25
    assert summary["availability"]["mean"] == pytest.approx(mean, rel=1e-12)
    outages = list(csv.DictReader((out / "outages.csv").open()))
    assert len(outages) == sum(int(r["outages"]) for r in rows)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_bad_model_exit_2_clear_message_nothing_written(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MODEL.read_text().replace("count: 2", "count: -2"))
    out = tmp_path / "results"
    r = hasim("run", str(bad), "--out", str(out), cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert f"{bad}:" in r.stderr and "components.server.count: must be >= 1" in r.stderr
    assert r.stdout == ""
    assert not out.exists()
    r = hasim("validate", str(bad), cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = hasim("run", str(tmp_path / "missing.yaml"), cwd=tmp_path)
    assert r.returncode == 2 and "no such file" in r.stderr and "Traceback" not in r.stderr


def test_bad_options(tmp_path):
    r = hasim("run", str(MODEL), "--runs", "0", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = hasim("run", str(MODEL), "--engine", "warp", cwd=tmp_path)
    assert r.returncode == 2 and "unknown engine" in r.stderr


def test_validate_and_schema(tmp_path):
    r = hasim("validate", str(MODEL), cwd=tmp_path)
    assert r.returncode == 0 and "ok" in r.stdout
    one_crew = hasim("validate", str(ROOT / "models" / "quorum-markov.yaml"), cwd=tmp_path)
    assert "1 component type, 5 units, 1 crew, 0 standby groups" in one_crew.stdout
    r = hasim("schema", cwd=tmp_path)
    schema = json.loads(r.stdout)
    assert schema["title"] == "hasim model"
    assert "components" in schema["properties"]


STANDBY_MODEL = """
hasim: 1
name: trace me
mission: 40h
components:
  db: {count: 2, failure: {fixed: 10h}, repair: {fixed: 3h}, detection: {fixed: 1h}}
system: {standby: {of: db, mode: cold, detection: {fixed: 6min}, switchover: {fixed: 30min}}}
"""


def test_trace(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(STANDBY_MODEL)
    r = hasim("trace", str(path), "--seed", "3", "--replication", "0", "--until", "12h",
              cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "replication 0, seed 3" in lines[0]
    events = [line.split()[1:3] for line in lines[2:]]
    # db[0] fails at 10 h; the health check notices it 6 min later and the switchover to the
    # cold db[1] (which starts ageing then) takes 30 min; db[0]'s own detection (1 h) requests
    # its repair
    assert events == [["life", "db[0]"], ["life", "db[1]"], ["fail", "db[0]"],
                      ["system_down", "system"], ["group_detect", "standby(db[0],"],
                      ["rate", "db[1]"], ["switch_start", "standby(db[0],"],
                      ["switch_end", "standby(db[0],"],
                      ["system_up", "system"], ["detect", "db[0]"], ["repair_start", "db[0]"]]
    csvs = [hasim("trace", str(path), "--seed", "3", "--engine", e, "--csv", cwd=tmp_path)
            for e in ("numba", "simpy")]
    assert csvs[0].returncode == 0 and csvs[0].stdout == csvs[1].stdout
    rows = list(csv.DictReader(csvs[0].stdout.splitlines()))
    assert rows[0].keys() == {"time_hours", "event", "target", "other", "detail"}
    ends = [float(x["time_hours"]) for x in rows if x["event"] == "switch_end"]
    assert ends[0] == pytest.approx(10.6, abs=1e-12)


@pytest.mark.parametrize(("args", "message"), [
    (["--until", "soon"], "--until"), (["--until", "-1h"], "--until"), (["--engine", "x"],
                                                                        "unknown engine"),
])
def test_trace_bad_options(tmp_path, args, message):
    path = tmp_path / "m.yaml"
    path.write_text(STANDBY_MODEL)
    r = hasim("trace", str(path), *args, cwd=tmp_path)
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr
