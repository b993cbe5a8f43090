"""Limits of a study (hasim/limits.py) and the engines' enforcement of them: the event estimate
and cap, the bounded outage records, runs until the first failure, slices and progress, the
exact solver's memory check, interrupts and dead workers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import hasim
from hasim.analysis.exact import NotExact, build_chain, chain_bytes
from hasim.engines.fast import run_replications as fast
from hasim.engines.reference import run_replications as reference
from hasim.errors import HasimError
from hasim.limits import MAX_RUNS, EventLimitError, estimate_events
from hasim.model.compile import load_model
from tests.stats import assert_close
from tests.test_engines import TIE_B

ROOT = Path(__file__).resolve().parent.parent


def model(tmp_path: Path, text: str, name: str = "m.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return load_model(path)


FAST_LOOP = """
    hasim: 1
    name: fast loop
    mission: {mission}
    components:
      a: {{failure: 1s, repair: 1s}}
    system: a
"""

NEVER_AND_FAST = """
    hasim: 1
    name: one side never fails
    mission: 1000y
    components:
      a: {failure: 1e12h, repair: 1h}
      b: {failure: 1s, repair: 1s}
    system: {parallel: [a, b]}
"""

PAIR = """
    hasim: 1
    name: pair
    mission: {mission}
    components:
      a: {{failure: {mttf}, repair: {mttr}, count: 2}}
    system: {{parallel: [a]}}
"""


# --- the estimate, before anything runs --------------------------------------------------------

@pytest.mark.parametrize("text", [FAST_LOOP.format(mission="100y"), NEVER_AND_FAST,
                                  FAST_LOOP.format(mission="1e300h")],
                         ids=["1s-1s-100y", "never-and-1s", "mission-1e300"])
def test_event_explosions_are_refused_before_running(tmp_path, text):
    m = model(tmp_path, text)
    t0 = time.perf_counter()
    with pytest.raises(HasimError, match=r"events per replication.*--max-events") as err:
        hasim.run_study(m, runs=10, seed=1, workers=1, engine="simpy")
    assert time.perf_counter() - t0 < 1.0
    message = str(err.value)
    assert "component 'a'" in message or "component 'b'" in message
    assert "m.yaml" in message


def test_estimate_is_of_the_right_size(tmp_path):
    # 1 h lives and 1 h repairs over 1000 h: about 500 cycles of a failure and a repair end
    m = model(tmp_path, FAST_LOOP.replace("1s", "1h").format(mission="1000h"))
    est = estimate_events(m)
    assert est.busiest == "a"
    assert 950 <= est.total <= 1050
    # the replications handle about that many events: all fit in 1.3 x, none in 0.7 x
    for run in (reference, fast):
        run(m, 3, 0, 20, max_events=int(1.3 * est.total))
        with pytest.raises(EventLimitError):
            run(m, 3, 0, 1, max_events=int(0.7 * est.total))


def test_max_events_raises_the_limit(tmp_path):
    m = model(tmp_path, FAST_LOOP.replace("1s", "1h").format(mission="1000h"))
    with pytest.raises(HasimError, match="1,000 events per replication"):
        hasim.run_study(m, runs=5, seed=1, workers=1, max_events=1000)
    assert hasim.run_study(m, runs=5, seed=1, workers=1, max_events=3000).runs.runs == 5
    with pytest.raises(ValueError, match="max_events"):
        hasim.run_study(m, runs=5, seed=1, workers=1, max_events=0)


def test_runs_beyond_the_limit_are_refused(tmp_path):
    m = model(tmp_path, FAST_LOOP.replace("1s", "1h").format(mission="10h"))
    with pytest.raises(HasimError, match="at most 1,000,000,000"):
        hasim.run_study(m, runs=MAX_RUNS + 1, seed=1, workers=1)
    with pytest.raises(HasimError, match="GiB"):
        hasim.run_study(m, runs=MAX_RUNS, seed=1, workers=1)


# --- the hard cap, in both engines -------------------------------------------------------------

def test_event_cap_stops_both_engines_at_the_same_event(tmp_path):
    m = model(tmp_path, FAST_LOOP.replace("1s", "1h").format(mission="1000h"))
    errors = []
    for run in (reference, fast):
        with pytest.raises(EventLimitError) as err:
            run(m, 7, 0, 3, max_events=300)
        errors.append((err.value.replication, err.value.time_hours))
    assert errors[0] == errors[1]
    assert errors[0][0] == 0
    assert 0 < errors[0][1] < 1000
    # one more event than the busiest replication handles: both finish, with equal results
    ok = reference(m, 7, 0, 3, max_events=100_000)
    cap = int(ok.events.max()) + 2 * int(ok.repairs.max()) + 10
    a, b = reference(m, 7, 0, 3, max_events=cap), fast(m, 7, 0, 3, max_events=cap)
    assert np.array_equal(a.downtime_hours, b.downtime_hours)


def test_a_system_that_never_fails_hits_the_cap_until_failure(tmp_path):
    m = model(tmp_path, NEVER_AND_FAST.replace("1s", "1h"))
    for engine in ("simpy", "numba"):
        with pytest.raises(EventLimitError, match="first system failure"):
            hasim.run_study(m, runs=2, seed=1, workers=1, engine=engine, until_failure=True,
                            max_events=5000)


# --- bounded outage records --------------------------------------------------------------------

def test_outage_records_are_bounded_and_outages_still_counted(tmp_path):
    m = model(tmp_path, FAST_LOOP.replace("1s", "10h").format(mission="2000h"))
    full = fast(m, 5, 0, 20)
    assert full.episode_start.size == full.outages.sum() > 100
    for run in (reference, fast):
        part = run(m, 5, 0, 20, max_records=37)
        assert part.episode_start.size == 37
        np.testing.assert_array_equal(part.outages, full.outages)
        np.testing.assert_array_equal(part.downtime_hours, full.downtime_hours)
        np.testing.assert_array_equal(part.first_failure_hours, full.first_failure_hours)
        # the records kept are the first ones, in replication and time order
        np.testing.assert_array_equal(part.episode_start, full.episode_start[:37])


def test_results_do_not_depend_on_workers_with_many_blocks(tmp_path):
    m = model(tmp_path, PAIR.format(mission="500h", mttf="50h", mttr="5h"))
    one = hasim.run_study(m, runs=4500, seed=11, workers=1)
    two = hasim.run_study(m, runs=4500, seed=11, workers=2)
    np.testing.assert_array_equal(one.runs.downtime_hours, two.runs.downtime_hours)
    np.testing.assert_array_equal(one.runs.episode_start, two.runs.episode_start)


# --- until the first failure -------------------------------------------------------------------

def test_until_failure_gives_the_mttf_of_a_repairable_pair(tmp_path):
    """1-of-2, independent exponential repairs: MTTF from both up = (3λ + μ) / (2λ²)."""
    lam, mu = 1 / 50.0, 1 / 5.0
    exact = (3 * lam + mu) / (2 * lam * lam)
    m = model(tmp_path, PAIR.format(mission="10h", mttf="50h", mttr="5h"))
    study = hasim.run_study(m, runs=10_000, seed=21, workers=1, until_failure=True)
    ttf = study.runs.first_failure_hours
    assert not np.isnan(ttf).any()  # no run is censored
    assert (ttf > 10).mean() > 0.9  # far beyond the 10 h mission
    assert_close(ttf, exact, sharp=0.05, what="MTTF")
    assert study.runs.downtime_hours.sum() == 0.0


def test_until_failure_engines_agree(tmp_path):
    m = model(tmp_path, PAIR.format(mission="10h", mttf="{weibull: {shape: 1.5, mean: 50h}}",
                                    mttr="{fixed: 5h}"))
    a = reference(m, 3, 0, 30, until_failure=True)
    b = fast(m, 3, 0, 30, until_failure=True)
    np.testing.assert_array_equal(a.first_failure_hours, b.first_failure_hours)
    np.testing.assert_array_equal(a.events, b.events)
    la = hasim.trace(m, 2, seed=3, engine="simpy", until_failure=True)
    lb = hasim.trace(m, 2, seed=3, engine="numba", until_failure=True)
    assert la.equals(lb)
    down = la[la.event == "system_down"]
    assert len(down) == 1 and down.time_hours.iloc[0] == a.first_failure_hours[2]
    assert la.time_hours.max() == a.first_failure_hours[2]  # nothing after the failure


def test_until_failure_skips_a_down_and_up_at_the_same_instant(tmp_path):
    """Tie case (b) of issue 7: x fails at 12 h just before y's repair ends at 12 h — down and
    up at one instant, no failure. At 21 h x's repair ends before y fails; at 33 h x fails,
    then y (scheduled later): the first failure is at 33 h, in both engines."""
    m = model(tmp_path, TIE_B)
    assert reference(m, 1, 0, 1).outages[0] == 0  # over the mission: no outage at all
    for run in (reference, fast):
        assert run(m, 1, 0, 1, until_failure=True).first_failure_hours[0] == 33.0


# --- slices: progress inside one long replication ---------------------------------------------

def test_progress_moves_inside_a_long_replication(tmp_path):
    m = model(tmp_path, FAST_LOOP.replace("1s", "1h").format(mission="6e6h"))
    calls = []
    fast(m, 1, 0, 1, progress=lambda e, r: calls.append((e, r)))
    events = sum(e for e, _ in calls)
    assert events > 4 * (1 << 21) // 2
    assert len(calls) >= 4  # several slices before the one replication finished
    assert [r for _, r in calls[:-1]] == [0] * (len(calls) - 1) and calls[-1][1] == 1


def test_slices_do_not_change_results(tmp_path, monkeypatch):
    import hasim.engines.fast as f

    m = model(tmp_path, PAIR.format(mission="5000h", mttf="50h", mttr="5h"))
    whole = f.run_replications(m, 9, 0, 40)
    monkeypatch.setattr(f, "SLICE", 7)
    sliced = f.run_replications(m, 9, 0, 40)
    np.testing.assert_array_equal(whole.downtime_hours, sliced.downtime_hours)
    np.testing.assert_array_equal(whole.events, sliced.events)
    np.testing.assert_array_equal(whole.episode_end, sliced.episode_end)
    with pytest.raises(EventLimitError) as err:
        f.run_replications(m, 9, 0, 40, max_events=int(whole.events.min()) // 3)
    monkeypatch.setattr(f, "SLICE", 1 << 21)
    with pytest.raises(EventLimitError) as err2:
        f.run_replications(m, 9, 0, 40, max_events=int(whole.events.min()) // 3)
    assert err.value.replication == err2.value.replication
    assert err.value.time_hours == err2.value.time_hours


# --- the exact solver's memory check ----------------------------------------------------------

def test_exact_refuses_a_chain_that_cannot_fit(tmp_path, monkeypatch):
    import hasim.limits

    m = model(tmp_path, PAIR.format(mission="10h", mttf="50h", mttr="5h"))
    assert len(build_chain(m).states) == 3
    monkeypatch.setattr(hasim.limits, "available_memory", lambda: chain_bytes(2, 2))
    with pytest.raises(NotExact, match="GiB"):
        build_chain(m)


def test_exact_reports_progress(tmp_path):
    m = load_model(ROOT / "models" / "quorum-markov.yaml")
    seen = []
    chain = build_chain(m, progress=lambda s, t, n: seen.append((s, t)))
    assert seen and seen[-1][0] == len(chain.states)
    off_diagonal = chain.Q.nnz - int((chain.Q.diagonal() != 0).sum())
    assert seen[-1][1] >= off_diagonal  # transitions, duplicates summed in Q


# --- interrupts and dead workers --------------------------------------------------------------

LONG_STUDY = """
import signal, sys
import hasim

# as at a terminal: a process started in the background inherits SIGINT ignored
signal.signal(signal.SIGINT, signal.default_int_handler)
said = []

def running(done, runs):
    if not said:
        print("running", flush=True)
        said.append(1)

hasim.run_study(sys.argv[1], runs=10**7, seed=1, workers=int(sys.argv[2]), progress=False,
                on_chunk=running)
"""


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize(("sig", "workers"), [(signal.SIGINT, 1), (signal.SIGINT, 2),
                                              (signal.SIGTERM, 2)])
def test_interrupt_stops_the_study_and_its_workers(tmp_path, sig, workers):
    script = tmp_path / "long.py"
    script.write_text(LONG_STUDY)
    proc = subprocess.Popen([sys.executable, str(script), str(ROOT / "models" / "bench-15.yaml"),
                             str(workers)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)
    try:
        _interrupt(proc, sig, workers)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _interrupt(proc: subprocess.Popen, sig: int, workers: int) -> None:
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "running"  # a first block is done
    kids = _children(proc.pid)
    assert proc.poll() is None
    assert len(kids) >= (workers if workers > 1 else 0)
    t0 = time.perf_counter()
    proc.send_signal(sig)
    proc.wait(timeout=10)
    assert time.perf_counter() - t0 < 2.0
    stderr = proc.stderr.read() if proc.stderr else ""
    expect = "KeyboardInterrupt" if sig == signal.SIGINT else "Terminated"
    assert expect in stderr
    time.sleep(0.5)
    assert not [k for k in kids if _alive(k)]


KILL_A_WORKER = """
import multiprocessing, os, signal, sys
import hasim

killed = []

def kill_one(done, runs):
    if not killed:
        victim = multiprocessing.active_children()[0]
        os.kill(victim.pid, signal.SIGKILL)
        killed.append(victim.pid)

try:
    hasim.run_study(sys.argv[1], runs=200_000, seed=1, workers=2, on_chunk=kill_one)
except hasim.errors.HasimError as exc:
    print(type(exc).__name__, exc, killed, flush=True)
"""


def test_a_killed_worker_is_a_clear_error(tmp_path):
    path = tmp_path / "pair.yaml"
    path.write_text(textwrap.dedent(PAIR.format(mission="500h", mttf="50h", mttr="5h")))
    script = tmp_path / "kill.py"
    script.write_text(KILL_A_WORKER)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    out = subprocess.run([sys.executable, str(script), str(path)], capture_output=True,
                         text=True, timeout=120, cwd=ROOT, env=env)
    assert out.stdout.startswith("WorkerError a worker process died"), out.stdout + out.stderr
    assert "[" in out.stdout  # a worker was killed
    assert not list(scratch.iterdir())  # the blocks' result files are gone


# --- the command line -------------------------------------------------------------------------

def _cli(*args: str):
    from typer.testing import CliRunner

    from hasim.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_refuses_an_event_explosion_with_one_line(tmp_path):
    path = tmp_path / "boom.yaml"
    path.write_text(textwrap.dedent(FAST_LOOP.format(mission="100y")))
    result = _cli("run", str(path), "--runs", "5", "--workers", "1")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "boom.yaml" in lines[0] and "component 'a'" in lines[0]
    assert "Traceback" not in result.output


def test_cli_max_events_and_until_failure(tmp_path):
    path = tmp_path / "pair.yaml"
    path.write_text(textwrap.dedent(PAIR.format(mission="1000h", mttf="50h", mttr="5h")))
    refused = _cli("run", str(path), "--runs", "5", "--workers", "1", "--max-events", "10")
    assert refused.exit_code == 2 and "--max-events" in refused.output
    ok = _cli("run", str(path), "--runs", "200", "--workers", "1", "--seed", "1",
              "--until-failure")
    assert ok.exit_code == 0, ok.output
    assert "until the first system failure" in ok.output and "MTTF" in ok.output
    capped = _cli("run", str(path), "--runs", "20", "--workers", "1", "--until-failure",
                  "--max-events", "3")
    assert capped.exit_code == 1
    assert re.match(r"error: replication \d+ handled 3 events", capped.output)
    as_json = _cli("run", str(path), "--runs", "200", "--workers", "1", "--seed", "1",
                   "--until-failure", "--json")
    import json

    data = json.loads(as_json.output)
    assert data["until_failure"] is True and data["mttf"]["method"] == "until_failure"


@pytest.mark.parametrize(("sig", "code", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                   (signal.SIGTERM, 143, "terminated")])
def test_cli_stops_on_ctrl_c_and_sigterm(sig, code, word):
    proc = subprocess.Popen(
        [sys.executable, "-m", "hasim", "run", str(ROOT / "models" / "bench-15.yaml"),
         "--runs", "10000000", "--workers", "2", "--progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.time() + 60
        while len(_children(proc.pid)) < 2 and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)
        kids = _children(proc.pid)
        assert len(kids) >= 2
        t0 = time.perf_counter()
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=10)
        assert time.perf_counter() - t0 < 2.0
        assert proc.returncode == code
        assert err.strip().splitlines()[-1] == word, err
        assert "Traceback" not in err
        time.sleep(0.5)
        assert not [k for k in kids if _alive(k)]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
