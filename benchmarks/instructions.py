"""Instructions per event of the numba kernel, the working tree against a baseline commit's:
a deterministic companion of `benchmarks/engines.py` for a noisy machine.

Not part of `make test`. From the project root (needs valgrind with its headers and a C
compiler: `apt-get install valgrind gcc`):

    .venv/bin/python benchmarks/instructions.py                  # ~6 min on a 2-core machine
    .venv/bin/python benchmarks/instructions.py --baseline REV   # another baseline (c013072)
    .venv/bin/python benchmarks/instructions.py --runs 500       # replications measured
    .venv/bin/python benchmarks/instructions.py --functions      # and per kernel function

Why: on a shared 2-core machine the events/s of `benchmarks/engines.py` vary by 20-40 % from
round to round, more than the 5 % the speed target allows. Instructions executed do not vary:
callgrind counts them exactly, and with instrumentation switched on only around the measured
`run_replications` call (a client request from a small C shim loaded by ctypes), Python's
start-up, imports and the numba cache load are left out. Two runs of the same version agree to
the instruction. Instructions are not time — cache misses and mispredicted branches are not
in them; the branch simulation's counts are printed beside them — so read this beside
`benchmarks/engines.py`, not instead of it.

How: each version (baseline extracted with `git archive`, and the working tree) gets its own
NUMBA_CACHE_DIR, warmed outside valgrind with the host's CPU name and features pinned
(NUMBA_CPU_NAME / NUMBA_CPU_FEATURES), so that the cached kernel is also valid under
valgrind's emulated CPU instead of being recompiled there; then for each model
`valgrind --tool=callgrind --instr-atstart=no --branch-sim=yes` runs `--runs` replications
(seed 1) after 5 unmeasured ones. Prints per model and version: events, instructions per
event, conditional and indirect branch mispredictions per event, and the ratio
baseline/current of instructions per event (above 1: the current kernel executes fewer).

`--functions` also prints, per model and version, instructions per event in each function of
the compiled kernel (the loop with all it inlined, each helper that stayed a real call, and
"outside" — libm's log/exp/pow and the rest): callgrind counts every instruction
(`--dump-instr=yes`), and the addresses are mapped onto the symbols of the kernel's object code,
which the warm-up run writes out. A helper that appears here is a call, not inlined: that is
how the cost of `heap.push_event` called with five arrays through the stack was found.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODELS = {"bench-15": ROOT / "models" / "bench-15.yaml",
          "independent-15": ROOT / "benchmarks" / "independent-15.yaml"}
SHIM = """#include <valgrind/callgrind.h>
void start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void stop(void) { CALLGRIND_STOP_INSTRUMENTATION; CALLGRIND_DUMP_STATS; }
"""
DRIVER = """import ctypes, sys
import hasim
from hasim.engines import fast
shim = ctypes.CDLL(sys.argv[1])
m = hasim.load_model(sys.argv[2])
fast.run_replications(m, 1, 0, 5)
shim.start()
r = fast.run_replications(m, 1, 0, int(sys.argv[3]))
shim.stop()
print("events", int(r.events.sum()))
from hasim.kernels import loop
for sig, cres in loop.run_chunk.overloads.items():
    lib = cres.library
    name = cres.fndesc.llvm_func_name
    print("address", name, lib.get_pointer_to_function(name))
    if len(sys.argv) > 4:  # the warm-up run, which compiled it: its object code
        try:
            code = lib.serialize_using_object_code()[2][0]
        except RuntimeError:  # loaded from the cache (an earlier model's run wrote the file)
            continue
        open(sys.argv[4], "wb").write(code)
"""


def fail(why: str) -> None:
    print(f"error: {why}", file=sys.stderr)
    raise SystemExit(2)


def pinned_cpu() -> dict[str, str]:
    import llvmlite.binding as ll

    return {"NUMBA_CPU_NAME": ll.get_host_cpu_name(),
            "NUMBA_CPU_FEATURES": ll.get_host_cpu_features().flatten(), "PYTHONHASHSEED": "0"}


def measure(package: Path, cache: Path, tmp: Path, shim: Path, model: Path,
            runs: int, functions: bool = False) -> dict[str, Any]:
    env = {**os.environ, **pinned_cpu(), "PYTHONPATH": str(package),
           "NUMBA_CACHE_DIR": str(cache)}
    driver = tmp / "driver.py"
    driver.write_text(DRIVER)
    obj = cache / "run_chunk.o"
    # warm the cache outside valgrind (compiling under it would take hours)
    subprocess.run([sys.executable, str(driver), str(shim), str(model), "1", str(obj)],
                   env=env, check=True, capture_output=True, cwd=tmp, timeout=1800)
    out_file = tmp / f"callgrind.{model.stem}.{package.name}"
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--branch-sim=yes",
         "--smc-check=all", *(["--dump-instr=yes"] if functions else []),
         f"--callgrind-out-file={out_file}", sys.executable, str(driver),
         str(shim), str(model), str(runs)],
        env=env, capture_output=True, text=True, cwd=tmp, timeout=3600)
    if run.returncode != 0:
        fail(f"valgrind failed on {model.name}: {run.stderr[-2000:]}")
    events = int(re.search(r"events (\d+)", run.stdout).group(1))  # type: ignore[union-attr]
    t: dict[str, int] = {}
    by_address: dict[int, int] = {}
    for f in tmp.glob(out_file.name + "*"):  # one file per dump (a final, empty one at exit)
        names: list[str] = []
        text = f.read_text()
        for line in text.splitlines():
            if line.startswith("events:"):
                names = line.split()[1:]
            elif line.startswith("totals:"):  # a count left out at the end of the line is 0
                for name, value in zip(names, line.split()[1:], strict=False):
                    t[name] = t.get(name, 0) + int(value)
        if functions:
            _instruction_costs(text, by_address)
        f.unlink()
    result: dict[str, Any] = {"events": events, "ir": t["Ir"] / events,
                              "bcm": t.get("Bcm", 0) / events, "bim": t.get("Bim", 0) / events}
    if functions:
        m = re.search(r"address (\S+) (\d+)", run.stdout)
        if m is None or not obj.exists():
            fail("no kernel address or object code to map the costs onto")
        result["functions"] = _by_function(by_address, obj, m.group(1), int(m.group(2)), events)
    return result


def _instruction_costs(text: str, into: dict[int, int]) -> None:
    """Add the Ir of each instruction address of a callgrind file (``--dump-instr=yes``, position
    lines ``addr line cost...``, addresses absolute or relative; the line after ``calls=`` is a
    call's inclusive cost, left out)."""
    address = 0
    after_call = False
    for line in text.splitlines():
        if line.startswith("calls="):
            after_call = True
            continue
        if not line or not (line[0] in "+-*" or line.startswith("0x")):
            continue
        parts = line.split()
        if len(parts) < 3:
            continue
        a = parts[0]
        if a.startswith("0x"):
            address = int(a, 16)
        elif a[0] in "+-":
            step = int(a[1:], 0)
            address += step if a[0] == "+" else -step
        if after_call:
            after_call = False
            continue
        into[address] = into.get(address, 0) + int(parts[2])


def _demangle(symbol: str) -> str:
    """``_ZN5hasim7kernels4loop8simulateB3v70B52...`` -> ``loop.simulate`` (numba's Itanium-style
    names: length-prefixed words, then ``B`` and the specialisation)."""
    wrapper = "cpython" in symbol or symbol.startswith("cfunc.")
    s = symbol.removeprefix("cfunc.").removeprefix("_ZN")
    words = []
    i = 0
    while i < len(s) and s[i].isdigit():
        j = i
        while s[j].isdigit():
            j += 1
        words.append(s[j:j + int(s[i:j])])
        i = j + int(s[i:j])
    words = [w for w in words if w not in ("cpython", "hasim", "kernels")]
    return ".".join(words or [symbol[:40]]) + (" (wrapper)" if wrapper else "")


def _by_function(costs: dict[int, int], obj: Path, entry: str, entry_address: int,
                 events: int) -> list[tuple[str, float]]:
    """Instructions per event in each function of the kernel's object code (its ``.ltext``
    symbols, placed from the loaded address of ``run_chunk``), and outside it."""
    symbols = []
    for line in subprocess.run(["objdump", "-t", str(obj)], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        p = line.split()
        if len(p) >= 6 and p[2] == "F":
            symbols.append((int(p[0], 16), int(p[4], 16), p[5]))
    offset = {name: start for start, _, name in symbols}.get(entry)
    if offset is None:
        fail("run_chunk is not among the object code's symbols")
    base = entry_address - offset
    totals: dict[str, int] = {}
    for address, cost in costs.items():
        name = "outside the kernel (libm, numpy, ...)"
        for start, size, symbol in symbols:
            if start <= address - base < start + size:
                name = _demangle(symbol)
                break
        totals[name] = totals.get(name, 0) + cost
    return sorted(((n, c / events) for n, c in totals.items()), key=lambda x: -x[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default="c013072", help="git revision (default c013072)")
    ap.add_argument("--runs", type=int, default=200, help="replications measured per model")
    ap.add_argument("--functions", action="store_true",
                    help="also instructions per event in each function of the kernel")
    args = ap.parse_args()
    for tool in ("valgrind", "gcc", "git"):
        if shutil.which(tool) is None:
            fail(f"{tool} is not installed (apt-get install valgrind gcc git)")
    if not Path("/usr/include/valgrind/callgrind.h").exists():
        fail("valgrind's headers are missing (/usr/include/valgrind/callgrind.h)")
    with tempfile.TemporaryDirectory(prefix="hasim-instr-") as t:
        tmp = Path(t)
        shim = tmp / "shim.so"
        (tmp / "shim.c").write_text(SHIM)
        subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", str(shim), str(tmp / "shim.c")],
                       check=True)
        base = tmp / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "archive", args.baseline, "hasim"], cwd=ROOT,
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        versions = {f"baseline {args.baseline}": base, "current working-tree": ROOT}
        print(f"callgrind, {args.runs} replications per model (seed 1), kernel call only")
        print(f"{'model':<16}{'version':<28}{'events':>10}{'instr/event':>13}"
              f"{'cond. miss':>12}{'ind. miss':>11}")
        for name, path in MODELS.items():
            got = {}
            for label, package in versions.items():
                cache = tmp / f"cache-{package.name}"
                m = got[label] = measure(package, cache, tmp, shim, path, args.runs,
                                         args.functions)
                print(f"{name:<16}{label:<28}{m['events']:>10,}{m['ir']:>13.1f}"
                      f"{m['bcm']:>12.2f}{m['bim']:>11.2f}", flush=True)
                for function, per_event in m.get("functions", [])[:12]:
                    print(f"{'':<20}{per_event:>8.1f}  {function}")
            b, c = got.values()
            print(f"{name:<16}{'ratio baseline/current':<28}{'':>10}{b['ir'] / c['ir']:>13.3f}"
                  "   (above 1: the current kernel executes fewer)")


if __name__ == "__main__":
    main()
