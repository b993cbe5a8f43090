"""Mutation spot-checks: does each rule's test fail when the rule is broken?

``tools/mutations.yaml`` lists hand-picked bugs, each a single replacement of source text::

    - id: compile-quorum-k
      file: hasim/model/compile.py
      old: "len(kids) // 2 + 1"          # must occur exactly once in the file
      new: "(len(kids) + 1) // 2"
      tests: [tests/test_mutation_holes.py::test_quorum_even_count_exact]
      why: a quorum of an even count must be a strict majority
      env: {NUMBA_DISABLE_JIT: "1"}       # optional: extra environment for the tests

For each mutation the project (everything but hidden entries, caches and build output) is copied
to a temporary directory, the one replacement is applied there, and the listed tests are run in
the copy with ``PYTHONPATH=<copy> python -m pytest -q -x -p no:cacheprovider -p no:xdist`` (see
``PYTEST``). The mutation is *killed* when the tests fail, *survived* when they pass, an *error*
otherwise (collection or import errors, a timeout). An ``old`` text that is missing or occurs more
than once is an error before anything runs: the list must be kept in step with the code. First,
every listed test is run once on the unmutated copy (the *baseline*): a test that fails anyway
would make "killed" meaningless.

numba: the copy is always made at the same path within a run, and the tests of mutations outside
``hasim/kernels`` share one ``NUMBA_CACHE_DIR``, so the kernel compiles at most once per run for
them; a mutation of ``hasim/kernels`` gets a fresh cache directory of its own.

Usage::

    python tools/mutate.py               # every mutation; exit status 1 if any survives or errs
    python tools/mutate.py --list        # the mutations and their tests
    python tools/mutate.py --only ID     # one (repeatable)
    python tools/mutate.py --check       # only check that every `old` occurs exactly once
    python tools/mutate.py --no-baseline # skip the first run of the tests on the unmutated copy

Mutations run one after another; Ctrl-C stops the running tests and removes the temporary
directories.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
MUTATIONS = Path(__file__).resolve().with_name("mutations.yaml")
REQUIRED = ("id", "file", "old", "new", "tests", "why")
OPTIONAL = ("env",)
SKIP = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
        ".ipynb_checkpoints", ".coverage"}
"""Names never copied, at any depth."""
SKIP_TOP = {"build", "dist", "out"}
"""Top-level names never copied (besides every hidden one: .git, .venv, .ci, ...)."""
KERNELS = "hasim/kernels/"
PYTEST = ("-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "no:xdist",
          "-p", "_hypothesis_pytestplugin", "--hypothesis-seed=0")
"""pytest as the tool runs it. Plugins are not auto-loaded (nbmake and the jupyter stack cost
~15 s of start-up per run); hypothesis's plugin is loaded by name, with a fixed seed."""
TIMEOUT_S = 600.0


class MutationError(Exception):
    """The list of mutations is malformed or out of step with the code."""


@dataclass(frozen=True)
class Mutation:
    id: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    why: str
    env: dict[str, str] = field(default_factory=dict)

    @property
    def in_kernels(self) -> bool:
        return self.file.startswith(KERNELS)


@dataclass(frozen=True)
class Outcome:
    status: str
    """``killed``, ``survived`` or ``error``."""
    seconds: float
    detail: str
    """The first failing test (killed), or what went wrong (error)."""
    output: str = ""


# --- the list ---------------------------------------------------------------------------------


def load(path: Path = MUTATIONS) -> list[Mutation]:
    """Read and validate the list: known keys only, every required key, unique ids."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MutationError(f"{path}: {exc}") from None
    if not isinstance(data, list) or not data:
        raise MutationError(f"{path}: expected a non-empty list of mutations")
    out: list[Mutation] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        where = f"{path.name}[{i}]"
        if not isinstance(item, dict):
            raise MutationError(f"{where}: expected a mapping, got {item!r}")
        unknown = set(item) - set(REQUIRED) - set(OPTIONAL)
        missing = [k for k in REQUIRED if k not in item]
        if unknown or missing:
            raise MutationError(f"{where}: unknown keys {sorted(unknown)}, missing {missing}")
        for key in ("id", "file", "old", "new", "why"):
            if not isinstance(item[key], str) or (key != "new" and not item[key]):
                raise MutationError(f"{where}.{key}: expected a non-empty string")
        tests, env = item["tests"], item.get("env", {})
        if (not isinstance(tests, list) or not tests
                or not all(isinstance(t, str) and t for t in tests)):
            raise MutationError(f"{where}.tests: expected a non-empty list of test ids")
        if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in env.items()):
            raise MutationError(f"{where}.env: expected a mapping of strings to strings")
        if item["id"] in seen:
            raise MutationError(f"{where}.id: {item['id']!r} is used twice")
        if item["old"] == item["new"]:
            raise MutationError(f"{where}: old and new are the same text")
        seen.add(item["id"])
        out.append(Mutation(item["id"], item["file"], item["old"], item["new"], tuple(tests),
                            item["why"], dict(env)))
    return out


def replace_once(text: str, old: str, new: str, where: str = "the file") -> str:
    """``text`` with its only occurrence of ``old`` replaced; an error unless there is exactly
    one."""
    n = text.count(old)
    if n != 1:
        raise MutationError(f"{where}: the `old` text occurs {n} times (must be exactly once): "
                            f"{old!r}")
    return text.replace(old, new)


def mutated_source(m: Mutation, root: Path = ROOT) -> str:
    """The source of ``m.file`` under ``root`` with the mutation applied."""
    path = root / m.file
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MutationError(f"{m.id}: cannot read {m.file}: {exc.strerror or exc}") from None
    return replace_once(text, m.old, m.new, f"{m.id} ({m.file})")


def check(mutations: list[Mutation], root: Path = ROOT) -> None:
    """Every mutation applies to the tree at ``root``; raises :class:`MutationError`."""
    for m in mutations:
        mutated_source(m, root)


# --- running ----------------------------------------------------------------------------------


def _ignore(top: Path):
    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in SKIP or n.endswith(".egg-info")}
        if Path(directory) == top:
            skip |= {n for n in names if n.startswith(".") or n in SKIP_TOP}
        return skip

    return ignore


def copy_project(root: Path, dest: Path) -> None:
    """Copy the project at ``root`` to ``dest`` (which must not exist)."""
    shutil.copytree(root, dest, ignore=_ignore(root), symlinks=True)


_FAILED = re.compile(r"^(FAILED|ERROR) (.+?)(?: - .*)?$", re.MULTILINE)


def _run_tests(tests: tuple[str, ...], workdir: Path, env: dict[str, str], timeout: float,
               stop_early: bool = True) -> tuple[int | None, str, float]:
    """Run pytest in ``workdir``: (return code or None on timeout, output, seconds)."""
    full_env = {**os.environ, "PYTHONPATH": str(workdir), "PYTHONDONTWRITEBYTECODE": "1",
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **env}
    t0 = time.perf_counter()
    args = PYTEST if stop_early else tuple(a for a in PYTEST if a != "-x")
    proc = subprocess.Popen([sys.executable, *args, *tests], cwd=workdir, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out, time.perf_counter() - t0
    except subprocess.TimeoutExpired:
        _stop(proc)
        out, _ = proc.communicate()
        return None, out, time.perf_counter() - t0
    except BaseException:  # Ctrl-C: stop the tests (their own session), then go on stopping
        _stop(proc)
        raise


def _stop(proc: subprocess.Popen) -> None:
    """End the process group of the tests started by ``_run_tests`` (and only that)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def classify(returncode: int | None, output: str, seconds: float) -> Outcome:
    """pytest's exit status as an outcome: 1 (tests failed) killed, 0 survived, else error."""
    if returncode is None:
        return Outcome("error", seconds, "timeout", output)
    if returncode == 0:
        return Outcome("survived", seconds, "all tests passed", output)
    if returncode == 1:
        hit = _FAILED.search(output)
        return Outcome("killed", seconds, hit.group(2) if hit else "tests failed", output)
    tail = [line for line in output.strip().splitlines() if line.strip()][-1:]
    return Outcome("error", seconds, f"pytest exit {returncode}: {' '.join(tail)}"[:200],
                   output)


class Workspace:
    """The temporary directory of a run: the copy (always at the same path) and numba caches."""

    def __init__(self, root: Path):
        self.root = root
        self.base = Path(tempfile.mkdtemp(prefix="hasim-mutate-"))
        self.copy = self.base / "project"
        self.shared_cache = self.base / "numba-shared"

    def fresh_copy(self) -> Path:
        if self.copy.exists():
            shutil.rmtree(self.copy)
        copy_project(self.root, self.copy)
        return self.copy

    def numba_cache(self, m: Mutation | None) -> Path:
        if m is not None and m.in_kernels:
            path = self.base / f"numba-{m.id}"
            path.mkdir(exist_ok=True)
            return path
        self.shared_cache.mkdir(exist_ok=True)
        return self.shared_cache

    def remove(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


def verify_imports(workdir: Path) -> None:
    """The tests in the copy must import the copy's hasim, not an installed one."""
    env = {**os.environ, "PYTHONPATH": str(workdir), "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run([sys.executable, "-c", "import hasim; print(hasim.__file__)"],
                         cwd=workdir, env=env, capture_output=True, text=True, check=False)
    path = Path(out.stdout.strip() or ".").resolve()
    if out.returncode != 0 or not path.is_relative_to(workdir.resolve()):
        raise MutationError(f"the copy does not import its own hasim: {out.stdout}{out.stderr}")


def run_mutation(m: Mutation, ws: Workspace, timeout: float = TIMEOUT_S) -> Outcome:
    """Copy, mutate, run the tests; the copy is left for the next mutation to replace."""
    workdir = ws.fresh_copy()
    target = workdir / m.file
    target.write_text(mutated_source(m, ws.root), encoding="utf-8")
    env = {"NUMBA_CACHE_DIR": str(ws.numba_cache(m)), **m.env}
    return classify(*_run_tests(m.tests, workdir, env, timeout))


def run_baseline(mutations: list[Mutation], ws: Workspace, timeout: float) -> list[str]:
    """Every listed test on the unmutated copy, one pytest run per distinct ``env``: the
    failures (there must be none, or a "killed" would mean nothing)."""
    workdir = ws.fresh_copy()
    sets: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for m in mutations:
        tests = sets.setdefault(tuple(sorted(m.env.items())), [])
        tests.extend(t for t in dict.fromkeys(m.tests) if t not in tests)
    bad = []
    for env, tests in sets.items():
        label = " ".join(f"{k}={v}" for k, v in env) or "default environment"
        print(f"baseline, {label}: {len(tests)} test ids ...", end=" ", flush=True)
        run_env = {"NUMBA_CACHE_DIR": str(ws.numba_cache(None)), **dict(env)}
        code, out, s = _run_tests(tuple(tests), workdir, run_env, timeout, stop_early=False)
        print(f"{'ok' if code == 0 else 'FAILS'} in {s:.1f} s", flush=True)
        if code != 0:
            bad.append(f"baseline, {label}: the tests fail unmutated (exit {code}):\n"
                       + "\n".join(out.strip().splitlines()[-25:]))
    return bad


# --- the command ------------------------------------------------------------------------------


def table(rows: list[tuple[Mutation, Outcome]]) -> str:
    width = max([len("mutation")] + [len(m.id) for m, _ in rows])
    lines = [f"{'mutation':<{width}}  {'status':<8}  {'time':>6}  killed by / detail"]
    for m, o in rows:
        lines.append(f"{m.id:<{width}}  {o.status:<8}  {o.seconds:5.1f}s  {o.detail}")
    return "\n".join(lines)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", action="store_true", help="list the mutations and exit")
    ap.add_argument("--only", action="append", metavar="ID", help="run only this mutation")
    ap.add_argument("--check", action="store_true",
                    help="only check that every `old` text occurs exactly once")
    ap.add_argument("--no-baseline", dest="baseline", action="store_false",
                    help="skip the first run of every listed test on the unmutated copy")
    ap.add_argument("--timeout", type=float, default=TIMEOUT_S,
                    help=f"seconds per mutation (default {TIMEOUT_S:g})")
    ap.add_argument("--verbose", "-v", action="store_true", help="print pytest's output")
    ap.add_argument("--file", type=Path, default=MUTATIONS, help="the list of mutations")
    args = ap.parse_args(argv)

    try:
        mutations = load(args.file)
        if args.only:
            unknown = sorted(set(args.only) - {m.id for m in mutations})
            if unknown:
                raise MutationError(f"unknown mutation id(s): {', '.join(unknown)}")
            mutations = [m for m in mutations if m.id in args.only]
        check(mutations)
    except MutationError as exc:
        print(f"mutate: error: {exc}", file=sys.stderr)
        return 2
    if args.list:
        for m in mutations:
            env = " ".join(f"{k}={v}" for k, v in m.env.items())
            print(f"{m.id}\n    {m.file}: {m.why}\n    tests: {' '.join(m.tests)}"
                  + (f"\n    env: {env}" if env else ""))
        return 0
    if args.check:
        print(f"{len(mutations)} mutations, every `old` text occurs exactly once")
        return 0

    # a termination (a CI timeout, `kill`) cleans up as Ctrl-C does
    signal.signal(signal.SIGTERM, _interrupt)
    ws = Workspace(ROOT)
    rows: list[tuple[Mutation, Outcome]] = []
    t0 = time.perf_counter()
    try:
        verify_imports(ws.fresh_copy())
        if args.baseline:
            bad = run_baseline(mutations, ws, args.timeout)
            if bad:
                print("\n".join(bad), file=sys.stderr)
                return 2
        for i, m in enumerate(mutations, start=1):
            print(f"[{i}/{len(mutations)}] {m.id} ({m.file}) ...", end=" ", flush=True)
            o = run_mutation(m, ws, args.timeout)
            rows.append((m, o))
            print(f"{o.status} in {o.seconds:.1f} s: {o.detail}", flush=True)
            if args.verbose or o.status != "killed":
                shown = o.output if args.verbose else "\n".join(o.output.splitlines()[-20:])
                print("    " + shown.replace("\n", "\n    "), flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted: temporary files removed", file=sys.stderr)
        if rows:
            print(table(rows))
        return 130
    except MutationError as exc:
        print(f"mutate: error: {exc}", file=sys.stderr)
        return 2
    finally:
        ws.remove()
    print()
    print(table(rows))
    bad = [m.id for m, o in rows if o.status != "killed"]
    print(f"\n{len(rows) - len(bad)} of {len(rows)} mutations killed in "
          f"{time.perf_counter() - t0:.0f} s" + (f"; not killed: {', '.join(bad)}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
