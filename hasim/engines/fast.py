"""The numba engine: the reference engine's handlers as jitted kernels over the Program.

This wrapper validates and prepares: it makes the kernel's work space
(:func:`hasim.kernels.state.new_state`), calls :func:`hasim.kernels.loop.run_chunk`, grows a
buffer when a replication did not fit (the retried replication reproduces itself exactly) and
builds the :class:`~hasim.results.RunResult` from the records.
"""

from __future__ import annotations

import fcntl
import math
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from hasim.engines.records import build_result, new_buffers, program_of
from hasim.errors import HasimError
from hasim.limits import DEFAULT_MAX_EVENTS, MAX_RECORDS, EventLimitError
from hasim.results import RunResult

if TYPE_CHECKING:
    from hasim.model.compile import CompiledModel
    from hasim.model.lower import Program


SLICE = 1 << 21
"""Events per call of the kernel (about 0.1 s): progress is reported and Ctrl-C lands between
calls, also inside one long replication."""

Progress = Callable[[int, int], None]
"""Called with (events handled, replications finished) since the last call."""


def _state(p: Program, counts: np.ndarray, levels: np.ndarray, trace: int = 0,
           max_records: int = MAX_RECORDS) -> Any:
    from hasim.kernels.codes import MAX_TARGETS
    from hasim.kernels.state import new_state

    if max(p.n_units, p.n_groups, len(p.schedules.units)) >= MAX_TARGETS:
        raise HasimError(f"the numba engine handles at most {MAX_TARGETS - 1:,} units")
    heap = 4 * (p.n_units + p.n_groups) + 2 * len(p.schedules.units) + p.n_schedules + 64
    episodes = max(1, min(max_records, max(1024, 4 * len(counts))))
    return new_state(p.n_units, p.n_groups, p.n_crews, p.n_nodes, len(p.streams.ids), counts,
                     levels, heap=heap, episodes=episodes, trace=trace, n_stocks=p.n_stocks,
                     n_schedules=p.n_schedules)


KERNEL_LOCK = "HASIM_KERNEL_LOCK"
"""Environment variable: a file on which a process compiling the kernel into the on-disk cache
holds an exclusive lock (``benchmarks/warm_up.py --lock``, as `make test` runs it beside the
tests). Before its first call of the kernel a process waits for that lock, then loads the kernel
from the cache, instead of compiling its own copy meanwhile."""

_awaited = False


def await_warm_up() -> None:
    """Wait until no process holds the lock named by ``HASIM_KERNEL_LOCK`` (if set), once per
    process."""
    global _awaited
    path = os.environ.get(KERNEL_LOCK)
    if _awaited or not path:
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # no warm-up under way
        _awaited = True
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    finally:
        os.close(fd)
    _awaited = True


def _run(p: Program, st: Any, seed: int, start: int, stop: int, max_events: int,
         max_records: int, progress: Progress | None = None) -> Any:
    """Run the chunk in slices of events, growing buffers as needed; returns the final state.
    The episode buffer grows to ``max_records``; then outages that do not fit are counted, not
    recorded (EP_DROP)."""
    await_warm_up()
    from hasim.kernels.codes import (
        EPISODES_FULL,
        EVENT_CAP,
        HEAP_FULL,
        OK,
        SLICE_DONE,
        TRACE_FULL,
    )
    from hasim.kernels.loop import run_chunk
    from hasim.kernels.state import CAP_AT, EP_DROP, IN_REP, NOW, STATUS, STEPS, UNTIL_FAILURE

    rep = start
    while True:
        if st.i[IN_REP]:  # resume the replication: its cap moves with the new countdown
            st.i[CAP_AT] += SLICE - st.i[STEPS]
        st.i[STEPS] = SLICE
        st.i[STATUS] = OK
        was = rep
        rep = run_chunk(p, st, np.uint64(seed), start, rep, stop, max_events)
        status = st.i[STATUS]
        if progress is not None:
            progress(int(SLICE - st.i[STEPS]), rep - was)
        if status == OK:
            return st
        if status == SLICE_DONE:
            continue
        if status == EVENT_CAP:
            until = "its first system failure" if st.i[UNTIL_FAILURE] else \
                f"the mission end ({p.mission:,.6g} h)"
            raise EventLimitError(rep, float(st.f[NOW]), max_events, until)
        if status == HEAP_FULL:
            n = 2 * len(st.ht)
            st = st._replace(ht=np.resize(st.ht, n), hs=np.resize(st.hs, n),
                             hp=np.resize(st.hp, n))
        elif status == EPISODES_FULL:
            n = min(2 * len(st.ep_f), max_records)
            st = st._replace(ep_f=np.concatenate([st.ep_f, np.zeros((n - len(st.ep_f), 3))]),
                             ep_i=np.concatenate([st.ep_i, np.zeros((n - len(st.ep_i), 4),
                                                                    dtype=np.int64)]))
            if n >= max_records:
                st.i[EP_DROP] = 1
        elif status == TRACE_FULL:
            st = st._replace(tr_f=np.concatenate([st.tr_f, np.zeros_like(st.tr_f)]),
                             tr_i=np.concatenate([st.tr_i, np.zeros_like(st.tr_i)]))
        else:  # pragma: no cover - the kernel sets only the codes above
            raise RuntimeError(f"kernel status {status}")


def _program(model: CompiledModel | Program, until_failure: bool) -> Program:
    p = program_of(model)
    return p._replace(mission=math.inf) if until_failure else p


def run_replications(model: CompiledModel | Program, seed: int, start: int, stop: int, *,
                     max_events: int = DEFAULT_MAX_EVENTS, until_failure: bool = False,
                     max_records: int = MAX_RECORDS,
                     progress: Progress | None = None) -> RunResult:
    """Simulate replications ``start, ..., stop - 1`` of a study seeded ``seed``, each with at
    most ``max_events`` events (else :class:`~hasim.limits.EventLimitError`), keeping at most
    ``max_records`` outage records; with ``until_failure`` each runs until its first system
    failure instead of over the mission."""
    from hasim.kernels.state import N_EP, UNTIL_FAILURE

    p = _program(model, until_failure)
    counts, levels = new_buffers(p, stop - start)
    st = _state(p, counts, levels, max_records=max_records)
    st.i[UNTIL_FAILURE] = int(until_failure)
    st = _run(p, st, seed, start, stop, max_events, max_records, progress)
    n = st.i[N_EP]
    return build_result(p, start, stop, counts, levels, st.ep_f[:n], st.ep_i[:n])


def trace(model: CompiledModel | Program, seed: int, rep: int, until: float | None = None, *,
          max_events: int = DEFAULT_MAX_EVENTS,
          until_failure: bool = False) -> list[tuple[float, int, int, int, float]]:
    """The event log of replication ``rep`` (as :func:`hasim.engines.reference.trace`)."""
    from hasim.kernels.state import N_TRACE, TRACING, UNTIL_FAILURE

    p = _program(model, until_failure)
    if until is not None:
        p = p._replace(mission=min(p.mission, float(until)))
    counts, levels = new_buffers(p, 1)
    st = _state(p, counts, levels, trace=4096)
    st.i[TRACING] = 1
    st.i[UNTIL_FAILURE] = int(until_failure)
    st = _run(p, st, seed, rep, rep + 1, max_events, MAX_RECORDS)
    n = st.i[N_TRACE]
    return [(float(st.tr_f[j, 0]), int(st.tr_i[j, 0]), int(st.tr_i[j, 1]), int(st.tr_i[j, 2]),
             float(st.tr_f[j, 1])) for j in range(n)]


def warm_up(model: CompiledModel | Program) -> None:
    """Compile the kernel (or load it from numba's cache) in this process, e.g. before forking
    workers, which then inherit it."""
    run_replications(model, 0, 0, 0)
