"""The numba engine: the reference engine's handlers as jitted kernels over the Program.

This wrapper validates and prepares: it makes the kernel's work space
(:func:`hasim.kernels.state.new_state`), calls :func:`hasim.kernels.loop.run_chunk`, grows a
buffer when a replication did not fit (the retried replication reproduces itself exactly) and
builds the :class:`~hasim.results.RunResult` from the records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from hasim.engines.records import build_result, new_buffers, program_of
from hasim.errors import HasimError
from hasim.results import RunResult

if TYPE_CHECKING:
    from hasim.model.compile import CompiledModel
    from hasim.model.lower import Program


def _state(p: Program, counts: np.ndarray, levels: np.ndarray, trace: int = 0) -> Any:
    from hasim.kernels.codes import MAX_TARGETS
    from hasim.kernels.state import new_state

    if max(p.n_units, p.n_groups) >= MAX_TARGETS:
        raise HasimError(f"the numba engine handles at most {MAX_TARGETS - 1:,} units")
    heap = 4 * (p.n_units + p.n_groups) + 64
    return new_state(p.n_units, p.n_groups, p.n_crews, p.n_nodes, len(p.streams.ids), counts,
                     levels, heap=heap, episodes=max(1024, 4 * len(counts)), trace=trace)


def _run(p: Program, st: Any, seed: int, start: int, stop: int) -> Any:
    """Run the chunk, growing buffers as needed; returns the final state."""
    from hasim.kernels.codes import EPISODES_FULL, HEAP_FULL, OK, TRACE_FULL
    from hasim.kernels.loop import run_chunk
    from hasim.kernels.state import STATUS

    rep = start
    while True:
        rep = run_chunk(p, st, np.uint64(seed), start, rep, stop)
        status = st.i[STATUS]
        if status == OK:
            return st
        if status == HEAP_FULL:
            n = 2 * len(st.ht)
            st = st._replace(ht=np.resize(st.ht, n), hs=np.resize(st.hs, n),
                             hp=np.resize(st.hp, n))
        elif status == EPISODES_FULL:
            st = st._replace(ep_f=np.concatenate([st.ep_f, np.zeros_like(st.ep_f)]),
                             ep_i=np.concatenate([st.ep_i, np.zeros_like(st.ep_i)]))
        elif status == TRACE_FULL:
            st = st._replace(tr_f=np.concatenate([st.tr_f, np.zeros_like(st.tr_f)]),
                             tr_i=np.concatenate([st.tr_i, np.zeros_like(st.tr_i)]))
        else:  # pragma: no cover - the kernel sets only the codes above
            raise RuntimeError(f"kernel status {status}")


def run_replications(model: CompiledModel | Program, seed: int, start: int,
                     stop: int) -> RunResult:
    """Simulate replications ``start, ..., stop - 1`` of a study seeded ``seed``."""
    from hasim.kernels.state import N_EP

    p = program_of(model)
    counts, levels = new_buffers(p, stop - start)
    st = _run(p, _state(p, counts, levels), seed, start, stop)
    n = st.i[N_EP]
    return build_result(p, start, stop, counts, levels, st.ep_f[:n], st.ep_i[:n])


def trace(model: CompiledModel | Program, seed: int, rep: int,
          until: float | None = None) -> list[tuple[float, int, int, int, float]]:
    """The event log of replication ``rep`` (as :func:`hasim.engines.reference.trace`)."""
    from hasim.kernels.state import N_TRACE, TRACING

    p = program_of(model)
    if until is not None:
        p = p._replace(mission=min(p.mission, float(until)))
    counts, levels = new_buffers(p, 1)
    st = _state(p, counts, levels, trace=4096)
    st.i[TRACING] = 1
    st = _run(p, st, seed, rep, rep + 1)
    n = st.i[N_TRACE]
    return [(float(st.tr_f[j, 0]), int(st.tr_i[j, 0]), int(st.tr_i[j, 1]), int(st.tr_i[j, 2]),
             float(st.tr_f[j, 1])) for j in range(n)]


def warm_up(model: CompiledModel | Program) -> None:
    """Compile the kernel (or load it from numba's cache) in this process, e.g. before forking
    workers, which then inherit it."""
    run_replications(model, 0, 0, 0)
