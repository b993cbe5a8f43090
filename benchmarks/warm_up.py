"""Compile the numba kernel once (or load it from its on-disk cache): `make test` runs this
beside lint so that the test workers find the kernel cached.

The kernel's handlers of rare events (inspections, maintenance, parts, the start of a
replication) are separate jitted functions, each cached on its own; a second process compiles
them while this one compiles the rest, so that on a 2-core machine the first compile takes
about half the time. When the loop reaches a handler the other process has cached, numba loads
it from the cache; one it has not finished is compiled here too (the same code, so either copy
does)."""

import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODEL = ROOT / "models" / "single-server.yaml"

RARE = ("loop.rare", "spares.need_part", "maintenance.retry")
"""Handlers the second process compiles, in this order (the loop calls ``rare`` with the
program, the state and three int64 numbers, ``need_part`` with two, ``retry`` with none)."""
FIRST = ("standby.attempt", "loop.reset", "crews.next_job", "records.close")
"""What this process compiles meanwhile, before the loop (which calls all of these)."""


def compile_handlers(names: tuple[str, ...]) -> None:
    """Compile kernel functions for the types of the program and state the loop passes."""
    import importlib

    from numba import typeof, types

    import hasim
    from hasim.engines.fast import _state, program_of
    from hasim.engines.records import new_buffers

    p = program_of(hasim.load_model(MODEL))
    counts, levels = new_buffers(p, 1)
    st = _state(p, counts, levels)
    args = (typeof(p), typeof(st))
    extra = {"retry": (), "reset": (types.uint64, types.int64, types.int64),
             "attempt": (types.int64,), "next_job": (types.int64,), "close": (),
             "rare": (types.int64, types.int64, types.int64)}
    for name in names:
        module, function = name.split(".")
        handler = getattr(importlib.import_module(f"hasim.kernels.{module}"), function)
        handler.compile((*args, *extra.get(function, (types.int64, types.int64))))


def main() -> None:
    import argparse
    import fcntl
    import os

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", help="hold an exclusive lock on this file while compiling "
                        "(processes run with HASIM_KERNEL_LOCK set to it wait for it); the "
                        "file's size turns non-zero once the lock is held")
    args = parser.parse_args()
    if args.lock:
        fd = os.open(args.lock, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, f"{os.getpid()}\n".encode())
    os.environ.pop("HASIM_KERNEL_LOCK", None)  # this process compiles: it waits for no one

    import hasim
    from hasim.engines.fast import warm_up

    t0 = time.perf_counter()
    helper = multiprocessing.get_context("spawn").Process(target=compile_handlers,
                                                          args=(RARE,))
    helper.start()
    compile_handlers(FIRST)
    helper.join()
    warm_up(hasim.load_model(MODEL))
    print(f"numba kernel ready in {time.perf_counter() - t0:.1f} s")
    sys.exit(helper.exitcode or 0)


if __name__ == "__main__":
    main()
