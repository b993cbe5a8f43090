"""The numba kernel of the working tree against a baseline commit's, side by side in one run.

Not part of `make test`. From the project root:

    .venv/bin/python benchmarks/engines.py                  # ~3-4 min on a 2-core machine
    .venv/bin/python benchmarks/engines.py --baseline REV   # another baseline (default c013072)
    .venv/bin/python benchmarks/engines.py --current-rev REV  # a second revision, not the tree
    .venv/bin/python benchmarks/engines.py --startup        # also compile and start-up times
    .venv/bin/python benchmarks/engines.py --million        # also 1,000,000 replications

Workloads: models/bench-15.yaml (15 units, one shared repair crew) and
benchmarks/independent-15.yaml (15 units, independent repairs), both 10-year missions; the
model files of the working tree are used for both versions.

How: the baseline's package is extracted with `git archive REV hasim | tar -x` into a temporary
directory; each version (baseline, and the working tree or `--current-rev`) runs in a worker
process of its own, started from that directory with `PYTHONPATH` pointing at its package and
its own empty `NUMBA_CACHE_DIR`, so that packages and numba caches never mix and both versions
are measured the same way. Each worker compiles its kernel first (`run_study` on a few
replications; compile time is not in `elapsed_s`), then the measurements alternate — baseline,
current, baseline, current, … for `--rounds` rounds — so that machine noise hits both alike,
and the best (or `--stat median`) of the rounds is reported, with the spread between the rounds
(read a ratio within that spread of the target as noise; on a busy machine use more `--rounds`).
A measurement with W workers simulates W × `--bench-runs` (or `--independent-runs`)
replications, i.e. the same work per worker; events/s is `study.events / study.elapsed_s`.

Prints, for each model: events per replication of each version (the versions may count model
events slightly differently, so both are shown), millions of events per second with 1 and 2
workers and per core, replications per second, the ratio current/baseline (acceptance target
≥ 0.95 on events/s), the numba engine against the SimPy engine of the same version (one worker
each; target ≥ 200 x), and whether the results are bit-identical across worker counts and
across versions. If a version fails (its package does not import, the kernel raises, the
process dies, it takes more than `--memory-limit` GiB or answers nothing for `--timeout` s), the
tail of its stderr is printed and the run goes on with the other.

`--startup` adds, per version: the kernel's first compile with an empty cache, the cached
start-up, and the time from `hasim run --runs 1` starting to the simulation starting.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
MODELS = {
    "bench-15": (ROOT / "models" / "bench-15.yaml", "shared crew"),
    "independent-15": (ROOT / "benchmarks" / "independent-15.yaml", "independent repairs"),
}
DEFAULT_BASELINE = "c013072"
ACCEPT_RATIO = 0.95
ACCEPT_SIMPY = 200.0
SEED = 1


# ---------------------------------------------------------------------------------------------
# Worker side: runs inside the measured version's interpreter (PYTHONPATH = its package).
# ---------------------------------------------------------------------------------------------

def _digest(values: Any, n: int) -> str:
    import hashlib

    import numpy as np

    data = np.ascontiguousarray(np.asarray(values, dtype=np.float64)[:n])
    return hashlib.sha1(data.tobytes()).hexdigest()[:12]


def _handle(req: dict[str, Any], models: dict[str, Any]) -> dict[str, Any]:
    op = req["op"]
    if op == "info":
        t = time.perf_counter()
        import hasim

        return {"file": hasim.__file__, "import_s": time.perf_counter() - t}
    import hasim

    if op == "load":
        model = models[req["model"]] = hasim.load_model(req["model"])
        return {"units": int(getattr(model, "n_units", -1)),
                "mission": float(getattr(model, "mission", float("nan")))}
    if op == "warm":
        # compiles the kernel (or loads it from the cache); run_study warms up by itself before
        # timing in both versions, and reports that time as setup_s
        t = time.perf_counter()
        study = hasim.run_study(models[req["model"]], runs=2, seed=SEED, workers=1,
                                engine=req["engine"], progress=False)
        return {"setup_s": float(study.setup_s), "wall_s": time.perf_counter() - t}
    if op == "study":
        workers = req["workers"] or os.cpu_count() or 1
        study = hasim.run_study(models[req["model"]], runs=req["runs"], seed=req["seed"],
                                workers=workers, engine=req["engine"], progress=False)
        return {"events": int(study.events), "n_runs": int(study.n_runs),
                "elapsed_s": float(study.elapsed_s), "workers": workers,
                "setup_s": float(getattr(study, "setup_s", 0.0)),
                "digest": _digest(study.runs.downtime_hours, req["prefix"])}
    raise ValueError(f"unknown op {op!r}")


def serve() -> None:
    """Answer JSON requests, one a line on stdin, with one JSON line each on the real stdout."""
    proto = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything the package prints goes to stderr, not into the protocol
    models: dict[str, Any] = {}
    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "quit":
            break
        try:
            reply = _handle(req, models)
        except Exception:
            reply = {"error": traceback.format_exc()}
        proto.write(json.dumps(reply) + "\n")
        proto.flush()


def startup_probe(model_path: str) -> None:
    """Imports, model load and kernel set-up of one fresh process, as JSON on stdout."""
    t0 = time.perf_counter()
    import hasim

    t1 = time.perf_counter()
    model = hasim.load_model(model_path)
    t2 = time.perf_counter()
    study = hasim.run_study(model, runs=1, seed=SEED, workers=1, progress=False)
    print(json.dumps({"file": hasim.__file__, "import_s": t1 - t0, "load_s": t2 - t1,
                      "setup_s": float(study.setup_s)}))


# ---------------------------------------------------------------------------------------------
# Driver side: standard library only (it never imports hasim, which may be half-rewritten).
# ---------------------------------------------------------------------------------------------

class WorkerError(RuntimeError):
    pass


@dataclass
class Source:
    """One version of the package and its worker process."""

    label: str
    pkg_dir: Path            # goes on PYTHONPATH; holds hasim/
    cache_dir: Path
    work_dir: Path           # the worker's cwd: nothing importable in it
    timeout: float
    memory_gb: float
    proc: subprocess.Popen[str] | None = None
    err_path: Path | None = None
    err_file: IO[str] | None = None
    failed: str | None = None
    bad_models: dict[str, str] = field(default_factory=dict)
    file: str = ""

    def env(self, cache_dir: Path | None = None) -> dict[str, str]:
        return dict(os.environ, PYTHONPATH=str(self.pkg_dir),
                    NUMBA_CACHE_DIR=str(cache_dir or self.cache_dir))

    def limit(self) -> None:
        """In the child before exec: cap its address space, so that a runaway engine gets a
        MemoryError instead of taking the machine's memory (0: no cap)."""
        if self.memory_gb > 0:
            cap = int(self.memory_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    def start(self) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.err_path = self.work_dir / f"stderr-{self.label.split()[0]}.txt"
        self.err_file = open(self.err_path, "w")  # closed in stop()
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve"],
                                     cwd=self.work_dir, env=self.env(), text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err_file, preexec_fn=self.limit)

    def stderr_tail(self, lines: int = 25) -> str:
        if self.err_file is not None and not self.err_file.closed:
            self.err_file.flush()
        if self.err_path is None or not self.err_path.exists():
            return ""
        text = self.err_path.read_text(errors="replace").rstrip().splitlines()
        return "\n".join(text[-lines:])

    def send(self, req: dict[str, Any]) -> None:
        if self.failed is not None:
            raise WorkerError(self.failed)
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        except OSError as exc:
            self.fail(f"worker process gone ({exc})")

    def receive(self) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
        if not ready:
            self.fail(f"no answer in {self.timeout:.0f} s")
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait(timeout=30)
            if code < 0:
                why = f"worker process killed by signal {-code}"
                if -code == signal.SIGKILL:
                    why += " (out of memory? see dmesg)"
                self.fail(why)
            self.fail(f"worker process exited with code {code}")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise WorkerError(reply["error"])
        return reply

    def request(self, req: dict[str, Any]) -> dict[str, Any]:
        self.send(req)
        return self.receive()

    def fail(self, why: str) -> None:
        self.failed = why
        self.stop(kill=True)
        raise WorkerError(why)

    def stop(self, kill: bool = False) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                if kill:
                    self.proc.kill()
                else:
                    assert self.proc.stdin is not None
                    self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
                    self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        if self.err_file is not None and not self.err_file.closed:
            self.err_file.close()


def report_failure(src: Source, what: str, exc: BaseException) -> None:
    """Say what failed, with the worker's traceback or the tail of its stderr, and go on."""
    text = str(exc).strip()
    print(f"\n!! {src.label}: {what} failed: {text.splitlines()[-1] if text else type(exc)}")
    if "\n" in text:  # a traceback sent back by the worker
        print("   " + "\n".join(text.splitlines()[-25:]).replace("\n", "\n   "))
    tail = src.stderr_tail(15)
    if tail:
        print("   stderr tail:\n   " + tail.replace("\n", "\n   "))
    if src.failed is not None:
        print(f"   ({src.label} is left out from here on)")
    print(flush=True)


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def extract(rev: str, dest: Path) -> str:
    """`git archive REV hasim | tar -x -C dest`; returns the short commit hash."""
    commit = git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    dest.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", commit, "hasim"],
                               stdout=subprocess.PIPE)
    tar = subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout)
    assert archive.stdout is not None
    archive.stdout.close()
    if archive.wait() != 0 or tar.returncode != 0:
        raise SystemExit(f"could not extract hasim/ from {rev}")
    return git("rev-parse", "--short", commit)


# --- measurements ----------------------------------------------------------------------------

@dataclass
class Measure:
    events: int
    n_runs: int
    elapsed_s: float
    digest: str

    @property
    def rate(self) -> float:
        return self.events / self.elapsed_s

    @property
    def runs_rate(self) -> float:
        return self.n_runs / self.elapsed_s


def study(src: Source, model: str, runs: int, workers: int | None, engine: str,
          prefix: int, results: dict[Any, list[Measure]], key: Any) -> Measure | None:
    if src.failed is not None or model in src.bad_models:
        return None
    try:
        reply = src.request({"op": "study", "model": str(MODELS[model][0]), "runs": runs,
                             "seed": SEED, "workers": workers, "engine": engine,
                             "prefix": prefix})
    except WorkerError as exc:
        if src.failed is None:
            src.bad_models[model] = str(exc)
        report_failure(src, f"{model} {engine} study", exc)
        return None
    m = Measure(reply["events"], reply["n_runs"], reply["elapsed_s"], reply["digest"])
    results.setdefault(key, []).append(m)
    return m


def startup_measurements(src: Source, tmp: Path) -> None:
    """First compile (empty cache), cached start-up, `hasim run --runs 1` start-up."""
    cache = tmp / f"cache-startup-{src.label.split()[0]}"
    cache.mkdir()
    model = str(MODELS["bench-15"][0])
    print(f"\n{src.label}: start-up on bench-15 (a fresh process each)")
    try:
        probes = []
        for _ in range(2):
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, str(Path(__file__).resolve()),
                                   "--startup-probe", model], cwd=src.work_dir,
                                  env=src.env(cache), capture_output=True, text=True,
                                  timeout=src.timeout, preexec_fn=src.limit)
            wall = time.perf_counter() - t
            if proc.returncode != 0:
                raise WorkerError(proc.stderr.strip()[-3000:] or f"exit {proc.returncode}")
            probes.append((wall, json.loads(proc.stdout.strip().splitlines()[-1])))
        (cold_wall, cold), (warm_wall, warm) = probes
        print(f"  numba kernel, first compile (empty cache): {cold['setup_s']:6.1f} s "
              f"(process {cold_wall:.1f} s)")
        print(f"  numba kernel, cached start-up:             {warm['setup_s']:6.2f} s load + "
              f"{warm['import_s'] + warm['load_s']:.2f} s imports and model "
              f"(process {warm_wall:.2f} s)")
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "hasim", "run", model, "--runs", "1",
                               "--seed", "1", "--workers", "1", "--json"], cwd=src.work_dir,
                              env=src.env(cache), capture_output=True, text=True,
                              timeout=src.timeout, preexec_fn=src.limit)
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            raise WorkerError(proc.stderr.strip()[-3000:] or f"exit {proc.returncode}")
        startup_s = json.loads(proc.stdout.strip().splitlines()[-1]).get("startup_s")
        shown = "?" if startup_s is None else f"{startup_s:.2f} s"
        print(f"  `hasim run --runs 1`, cached: simulation starts {shown} after hasim's first "
              f"import; whole command {wall:.2f} s")
    except (WorkerError, subprocess.TimeoutExpired, ValueError, KeyError) as exc:
        report_failure(src, "start-up measurement", WorkerError(str(exc)))
    finally:
        shutil.rmtree(cache, ignore_errors=True)


# --- report ----------------------------------------------------------------------------------

def pick(values: list[Measure] | None, stat: str) -> Measure | None:
    if not values:
        return None
    ordered = sorted(values, key=lambda m: m.rate)
    return ordered[-1] if stat == "best" else ordered[(len(ordered) - 1) // 2]


def fmt(x: float | None, spec: str, width: int = 16) -> str:
    return f"{'—' if x is None else format(x, spec):>{width}}"


def verdict(x: float | None, target: float) -> str:
    if x is None:
        return ""
    return "  ok" if x >= target else "  BELOW TARGET"


def print_table(sources: list[Source], results: dict[Any, list[Measure]], args: Any,
                units: dict[str, str]) -> list[str]:
    base, cur = sources
    failures: list[str] = []
    head = f"{'':34}{'baseline':>16}{'current':>16}{'current/base':>16}"
    sub = f"{'':34}{base.label.split(' ', 1)[1]:>16}{cur.label.split(' ', 1)[1]:>16}"
    for model, (path, what) in MODELS.items():
        print(f"\n{path.relative_to(ROOT)} — {what} ({units.get(model, '?')}); "
              f"{args.stat} of {args.rounds} rounds")
        print(head)
        print(sub)

        def row(label: str, b: float | None, c: float | None, spec: str, ratio: bool,
                target: float | None = None, model: str = model) -> None:
            r = c / b if ratio and b and c is not None else None
            line = f"{label:34}{fmt(b, spec)}{fmt(c, spec)}"
            if ratio:
                line += fmt(r, ".3f")
                if target is not None:
                    line += verdict(r, target)
                    if r is not None and r < target:
                        failures.append(f"{model}: {label.strip()} current/baseline {r:.3f}")
            print(line)

        ones = [pick(results.get((s.label, model, "numba", 1)), args.stat) for s in sources]
        per_rep = [None if m is None else m.events / m.n_runs for m in ones]
        row("events per replication", *per_rep, ".1f", False)
        for w in args.workers:
            got = [pick(results.get((s.label, model, "numba", w)), args.stat) for s in sources]
            rates = [None if m is None else m.rate / 1e6 for m in got]
            row(f"M events/s, {w} worker{'s' * (w > 1)}", *rates, ".2f", True, ACCEPT_RATIO)
            if w > 1:
                row("  per core", *[None if r is None else r / w for r in rates], ".2f", False)
            spread = []
            for src in sources:
                ms = [m.rate for m in results.get((src.label, model, "numba", w), [])]
                spread.append(100 * (max(ms) - min(ms)) / max(ms) if len(ms) > 1 else None)
            row("  spread over the rounds, %", *spread, ".1f", False)
        for w in args.workers:
            got = [pick(results.get((s.label, model, "numba", w)), args.stat) for s in sources]
            row(f"replications/s, {w} worker{'s' * (w > 1)}",
                *[None if m is None else m.runs_rate for m in got], ",.0f", True)
        if args.simpy_runs:
            simpy = [pick(results.get((s.label, model, "simpy", 1)), args.stat)
                     for s in sources]
            row(f"simpy M events/s ({args.simpy_runs} runs)",
                *[None if m is None else m.rate / 1e6 for m in simpy], ".4f", False)
            ratios = [None if a is None or b is None else a.rate / b.rate
                      for a, b in zip(ones, simpy, strict=True)]
            line = f"{'numba / simpy, 1 worker each':34}{fmt(ratios[0], '.0f')}" \
                   f"{fmt(ratios[1], '.0f')}{'':16}"
            if ratios[1] is not None:
                line += f"  current {'ok' if ratios[1] >= ACCEPT_SIMPY else 'BELOW TARGET'}" \
                        f" (target ≥ {ACCEPT_SIMPY:.0f} x)"
                if ratios[1] < ACCEPT_SIMPY:
                    failures.append(f"{model}: numba/simpy {ratios[1]:.0f} x")
            print(line)
        same = []
        for s in sources:
            ds = {m.digest for w in args.workers
                  for m in results.get((s.label, model, "numba", w), [])}
            same.append("—" if not ds else "yes" if len(ds) == 1 else "NO")
        print(f"{'same results, 1 and 2 workers':34}{same[0]:>16}{same[1]:>16}")
        if ones[0] is not None and ones[1] is not None:
            identical = ones[0].digest == ones[1].digest
            print(f"{'same results, baseline and current':34}{'':16}"
                  f"{'yes' if identical else 'no':>16}   (downtime per replication, seed {SEED})")
        for s in sources:
            if s.failed is not None or model in s.bad_models:
                failures.append(f"{model}: {s.label} failed")
    return failures


# --- main ------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, metavar="REV",
                        help=f"git revision of the baseline kernel (default {DEFAULT_BASELINE})")
    parser.add_argument("--current-rev", metavar="REV",
                        help="measure this git revision instead of the working tree")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating measurements of each version (default 3)")
    parser.add_argument("--stat", choices=("best", "median"), default="best",
                        help="which of the rounds to report (default best)")
    parser.add_argument("--bench-runs", type=int, default=20_000,
                        help="bench-15 replications per worker per measurement (default 20000)")
    parser.add_argument("--independent-runs", type=int, default=25_000,
                        help="independent-15 replications per worker per measurement "
                             "(default 25000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="worker counts to measure (default 1 2)")
    parser.add_argument("--simpy-runs", type=int, default=100,
                        help="SimPy-engine replications per model and version, one worker; "
                             "0 skips it (default 100)")
    parser.add_argument("--startup", action="store_true",
                        help="also first-compile, cached start-up and `hasim run` start-up")
    parser.add_argument("--million", action="store_true",
                        help="also 1,000,000 replications of bench-15 on all cores, each version")
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds to wait for any one answer of a worker (default 900)")
    parser.add_argument("--memory-limit", type=float, default=6, metavar="GB",
                        help="address-space cap of each measured process, GiB; 0: none "
                             "(default 6)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--startup-probe", metavar="MODEL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve()
    if args.startup_probe:
        return startup_probe(args.startup_probe)
    if 1 not in args.workers:
        args.workers = [1, *args.workers]
    args.workers = sorted(set(args.workers))

    t_start = time.perf_counter()
    runs = {"bench-15": args.bench_runs, "independent-15": args.independent_runs}
    with tempfile.TemporaryDirectory(prefix="hasim-bench-") as tmp_name:
        tmp = Path(tmp_name)
        base_rev = extract(args.baseline, tmp / "baseline")
        if args.current_rev:
            cur_rev = extract(args.current_rev, tmp / "current")
            cur_dir, cur_label = tmp / "current", f"current {cur_rev}"
        else:
            cur_dir, cur_label = ROOT, "current working-tree"
        sources = [Source(f"baseline {base_rev}", tmp / "baseline", tmp / "cache-baseline", tmp,
                          args.timeout, args.memory_limit),
                   Source(cur_label, cur_dir, tmp / "cache-current", tmp, args.timeout,
                          args.memory_limit)]
        print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; "
              f"baseline {base_rev} vs {cur_label.split(' ', 1)[1]}")
        load = os.getloadavg()[0]
        if load > 0.5:
            print(f"note: load average {load:.1f} before starting — other processes are "
                  f"running, so the numbers are noisy (alternating rounds share the noise)")

        if args.startup:
            for src in sources:
                startup_measurements(src, tmp)

        results: dict[Any, list[Measure]] = {}
        units: dict[str, str] = {}
        try:
            for src in sources:
                src.start()
            for src in sources:
                try:
                    try:
                        src.file = src.request({"op": "info"})["file"]
                    except WorkerError as exc:
                        if src.failed is None:  # the package does not import: leave it out
                            src.fail(str(exc))
                        raise
                    if not Path(src.file).resolve().is_relative_to(src.pkg_dir.resolve()):
                        src.fail(f"imported the wrong package: {src.file}")
                    for model, (path, _) in MODELS.items():
                        try:
                            info = src.request({"op": "load", "model": str(path)})
                            units[model] = f"{info['units']} units, mission {info['mission']:g} h"
                        except WorkerError as exc:
                            if src.failed is not None:
                                raise
                            src.bad_models[model] = str(exc)
                            report_failure(src, f"loading {model}", exc)
                except WorkerError as exc:
                    report_failure(src, "start-up", exc)
            # compile both kernels at once (empty caches), then SimPy's imports
            print("\ncompiling the kernels (empty caches, both versions at once) ...", flush=True)
            for engine in ("numba", "simpy") if args.simpy_runs else ("numba",):
                for model, (path, _) in MODELS.items():
                    pending = []
                    for src in sources:
                        if src.failed is None and model not in src.bad_models:
                            try:
                                src.send({"op": "warm", "model": str(path), "engine": engine})
                                pending.append(src)
                            except WorkerError as exc:
                                report_failure(src, "warm-up", exc)
                    for src in pending:
                        try:
                            warm = src.receive()
                            if engine == "numba":
                                print(f"  {src.label:28} {model:15} kernel ready in "
                                      f"{warm['setup_s']:6.1f} s")
                        except WorkerError as exc:
                            if src.failed is None:
                                src.bad_models[model] = str(exc)
                            report_failure(src, f"{model} warm-up", exc)
            for src in sources:
                if src.file and src.failed is None:
                    print(f"  {src.label:28} {src.file}")

            for r in range(1, args.rounds + 1):
                print(f"\nround {r}/{args.rounds}")
                for model in MODELS:
                    for w in args.workers:
                        n = runs[model] * w
                        for src in sources:
                            m = study(src, model, n, w, "numba", runs[model], results,
                                      (src.label, model, "numba", w))
                            if m is not None:
                                print(f"  {model:15} {w} worker{'s' * (w > 1):1} "
                                      f"{src.label:28} {m.rate / 1e6:7.2f} M events/s "
                                      f"({n:,} runs, {m.elapsed_s:.2f} s, "
                                      f"{m.events / m.n_runs:.1f} events/run)", flush=True)
            if args.simpy_runs:
                print("\nSimPy engine, one worker")
                for model in MODELS:
                    for src in sources:
                        m = study(src, model, args.simpy_runs, 1, "simpy", args.simpy_runs,
                                  results, (src.label, model, "simpy", 1))
                        if m is not None:
                            print(f"  {model:15} {src.label:28} {m.rate / 1e6:7.4f} M events/s"
                                  f" ({args.simpy_runs} runs, {m.elapsed_s:.2f} s)", flush=True)

            failures = print_table(sources, results, args, units)

            if args.million:
                print(f"\n1,000,000 replications of bench-15 on {os.cpu_count()} workers")
                for src in sources:
                    m = study(src, "bench-15", 1_000_000, None, "numba", 1, results,
                              (src.label, "bench-15", "million"))
                    if m is not None:
                        print(f"  {src.label:28} {m.elapsed_s:6.1f} s  "
                              f"({m.rate / 1e6:.1f} M events/s, {m.runs_rate:,.0f} runs/s)",
                              flush=True)
        finally:
            for src in sources:
                src.stop()

    print(f"\nacceptance (current/baseline ≥ {ACCEPT_RATIO} on events/s, "
          f"numba/simpy ≥ {ACCEPT_SIMPY:.0f} x): "
          + ("met" if not failures else "NOT met — " + "; ".join(dict.fromkeys(failures))))
    print(f"benchmark wall time {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
