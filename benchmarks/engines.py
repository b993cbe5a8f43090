"""Engines side by side on models/bench-15.yaml, in one run (not part of `make test`).

    python benchmarks/engines.py            # about 2 minutes on a 2-core machine
    python benchmarks/engines.py --million  # also 1,000,000 replications on all cores

Prints simulated events per second of the SimPy reference engine and of the numba engine (one
worker each) and their ratio; replications per second of the numba engine with 1 and 2
workers on a study of 100,000 replications; the numba kernel's first-compile and cached
start-up times; and the time from `hasim run` starting to the simulation starting.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "bench-15.yaml"

_STARTUP = """
import time, sys
t0 = time.perf_counter()
import hasim
from hasim.engines.fast import warm_up
m = hasim.load_model(sys.argv[1])
t1 = time.perf_counter()
warm_up(m)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def startup(cache_dir: str) -> tuple[float, float, float]:
    """(process wall time, imports + model load, kernel compile or cache load), in seconds."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _STARTUP, str(MODEL)], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return time.perf_counter() - t, float(out[0]), float(out[1])


def cli_to_simulation(cache_dir: str) -> tuple[float, float]:
    """Wall time of `hasim run bench-15 --runs 1 --json` and the part before the simulation
    (the rest is the simulation and the summary)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "hasim", "run", str(MODEL), "--runs", "1",
                          "--seed", "1", "--workers", "1", "--json"], env=env, check=True,
                         capture_output=True, text=True).stdout
    wall = time.perf_counter() - t
    return wall, json.loads(out)["startup_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simpy-runs", type=int, default=150)
    parser.add_argument("--numba-runs", type=int, default=20_000)
    parser.add_argument("--study-runs", type=int, default=100_000)
    parser.add_argument("--million", action="store_true",
                        help="also time 1,000,000 replications on all cores")
    args = parser.parse_args()

    import hasim
    from hasim.engines.fast import warm_up

    model = hasim.load_model(MODEL)
    print(f"model: {MODEL.name} — {model.n_units} units, mission {model.mission:g} h, "
          f"{os.cpu_count()} cores")

    with tempfile.TemporaryDirectory() as cache:
        cold = startup(cache)
        warm = startup(cache)
        cli = cli_to_simulation(cache)
    print(f"numba kernel, first compile (empty cache): {cold[2]:.1f} s "
          f"(process {cold[0]:.1f} s)")
    print(f"numba kernel, cached start-up: {warm[2]:.2f} s load + {warm[1]:.2f} s imports and "
          f"model (process {warm[0]:.2f} s)")
    print(f"`hasim run --runs 1`, cached: simulation starts {cli[1]:.2f} s after the command "
          f"starts; whole command {cli[0]:.2f} s")

    warm_up(model)
    simpy = hasim.run_study(model, runs=args.simpy_runs, seed=1, workers=1, engine="simpy")
    fast = hasim.run_study(model, runs=args.numba_runs, seed=1, workers=1, engine="numba")
    simpy_rate = simpy.events / simpy.elapsed_s
    fast_rate = fast.events / fast.elapsed_s
    print(f"\nevents/s, one worker each ({simpy.events / simpy.n_runs:.0f} events per run)")
    print(f"  simpy  {simpy_rate / 1e6:8.3f} M events/s   ({args.simpy_runs} runs, "
          f"{simpy.elapsed_s:.1f} s)")
    print(f"  numba  {fast_rate / 1e6:8.3f} M events/s   ({args.numba_runs} runs, "
          f"{fast.elapsed_s:.1f} s)")
    print(f"  ratio  {fast_rate / simpy_rate:8.0f} x")

    print(f"\nreplications/s, numba, a study of {args.study_runs:,} replications")
    one = hasim.run_study(model, runs=args.study_runs, seed=2, workers=1)
    two = hasim.run_study(model, runs=args.study_runs, seed=2, workers=2)
    same = (one.runs.downtime_hours == two.runs.downtime_hours).all()
    print(f"  1 worker   {one.n_runs / one.elapsed_s:10,.0f} runs/s  ({one.elapsed_s:.1f} s)")
    print(f"  2 workers  {two.n_runs / two.elapsed_s:10,.0f} runs/s  ({two.elapsed_s:.1f} s)")
    print(f"  speed-up   {one.elapsed_s / two.elapsed_s:10.2f} x   (identical results: {same})")

    if args.million:
        study = hasim.run_study(model, runs=1_000_000, seed=3)
        print(f"\n1,000,000 replications on {study.workers} workers: {study.elapsed_s:.1f} s "
              f"({study.events / study.elapsed_s / 1e6:.1f} M events/s)")


if __name__ == "__main__":
    main()
