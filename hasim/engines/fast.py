"""The numba engine: the reference engine's rules as one jitted event loop.

This module turns a :class:`~hasim.model.compile.CompiledModel` into the flat arrays the kernel
reads, calls :func:`hasim.kernels.simulate.run_chunk`, and grows its buffers when a chunk
needs more room (a retried replication reproduces itself exactly).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hasim.errors import HasimError
from hasim.model.compile import LEAF, STANDBY, CompiledModel
from hasim.results import RunResult


def kernel_arrays(m: CompiledModel) -> dict[str, Any]:
    """The compiled model as the kernel's arrays (see ``run_chunk``'s arguments)."""
    pool: list[float] = []
    code, a, b, c = [], [], [], []
    for law in m.laws:
        code.append(law.code)
        if law.name == "empirical":
            a.append(float(len(pool)))
            b.append(float(len(law.values)))
            c.append(0.0)
            pool.extend(law.values)
        else:
            a.append(law.a)
            b.append(law.b)
            c.append(law.c)
    leaves: list[list[int]] = [[] for _ in range(m.n_units)]
    group_node = np.full(len(m.group_units), -1, dtype=np.int64)
    parent = np.full(len(m.node_kind), -1, dtype=np.int64)
    for n, kind in enumerate(m.node_kind):
        if kind == LEAF:
            leaves[m.node_ref[n]].append(n)
        elif kind == STANDBY:
            group_node[m.node_ref[n]] = n
        for child in m.node_children[n]:
            parent[child] = n

    def csr(lists: list[list[int]] | tuple[tuple[int, ...], ...]) -> tuple[np.ndarray, np.ndarray]:
        ptr = np.zeros(len(lists) + 1, dtype=np.int64)
        ptr[1:] = np.cumsum([len(x) for x in lists])
        flat = np.array([v for x in lists for v in x], dtype=np.int64)
        return ptr, flat

    leaf_ptr, leaf_nodes = csr(leaves)
    group_ptr, group_members = csr(m.group_units)
    i64 = np.int64
    return dict(
        law_code=np.array(code, dtype=i64), law_a=np.array(a, dtype=float),
        law_b=np.array(b, dtype=float), law_c=np.array(c, dtype=float),
        pool=np.array(pool if pool else [0.0], dtype=float),
        unit_stream=np.array(m.unit_stream, dtype=np.uint64),
        unit_type=m.unit_type.astype(i64), unit_failure=m.unit_failure.astype(i64),
        unit_repair=m.unit_repair.astype(i64), unit_detection=m.unit_detection.astype(i64),
        unit_crew=m.unit_crew.astype(i64), unit_group=m.unit_group.astype(i64),
        leaf_ptr=leaf_ptr, leaf_nodes=leaf_nodes,
        crew_size=m.crew_size.astype(i64), crew_response=m.crew_response.astype(i64),
        group_ptr=group_ptr, group_members=group_members,
        group_dormant=m.group_dormant.astype(float), group_switch=m.group_switchover.astype(i64),
        group_coverage=m.group_coverage.astype(float), group_node=group_node,
        node_k=m.node_k.astype(i64), node_parent=parent,
        node_n_children=np.array([len(ch) for ch in m.node_children], dtype=i64),
    )


def run_replications(model: CompiledModel, seed: int, start: int, stop: int) -> RunResult:
    """Simulate replications ``start, ..., stop - 1`` of a study seeded ``seed``."""
    from hasim.kernels.simulate import HEAP_FULL, MAX_TARGETS, OK, OUTAGES_FULL, run_chunk

    arrays = kernel_arrays(model)
    n = stop - start
    downtime = np.zeros(n)
    outages = np.zeros(n, dtype=np.int64)
    first = np.full(n, np.nan)
    events = np.zeros(n, dtype=np.int64)
    by_type = np.zeros((n, model.n_types))
    busy = np.zeros((n, len(model.crew_names)))
    outage_rep = np.zeros(max(1024, 4 * n), dtype=np.int64)
    outage_hours = np.zeros(len(outage_rep))
    if max(model.n_units, len(model.group_units)) >= MAX_TARGETS:
        raise HasimError(f"the numba engine handles at most {MAX_TARGETS - 1} units")
    heap_size = 4 * (model.n_units + len(model.group_units)) + 64
    heap = [np.zeros(heap_size), *(np.zeros(heap_size, dtype=np.int64) for _ in range(2))]
    n_outages = 0
    rep = start
    while True:
        status, rep, n_outages = run_chunk(
            **arrays, mission=float(model.mission), seed=np.uint64(seed), rep_start=rep,
            rep_stop=stop, downtime=downtime[rep - start:], outages=outages[rep - start:],
            first_failure=first[rep - start:], events=events[rep - start:],
            by_type=by_type[rep - start:], crew_busy=busy[rep - start:],
            outage_rep=outage_rep, outage_hours=outage_hours, n_outages=n_outages,
            ht=heap[0], hs=heap[1], hp=heap[2])
        if status == OK:
            break
        if status == OUTAGES_FULL:
            outage_rep = np.concatenate([outage_rep, np.zeros_like(outage_rep)])
            outage_hours = np.concatenate([outage_hours, np.zeros_like(outage_hours)])
        elif status == HEAP_FULL:
            heap = [np.zeros(2 * len(h), dtype=h.dtype) for h in heap]
        else:  # pragma: no cover - the kernel returns only the codes above
            raise RuntimeError(f"kernel status {status}")
    return RunResult(
        replication=np.arange(start, stop, dtype=np.int64),
        downtime_hours=downtime,
        outages=outages,
        first_failure_hours=first,
        events=events,
        downtime_by_type=by_type,
        crew_busy_hours=busy,
        outage_replication=outage_rep[:n_outages].copy(),
        outage_hours=outage_hours[:n_outages].copy(),
    )


def warm_up(model: CompiledModel) -> None:
    """Compile the kernel (or load it from numba's cache) in this process, e.g. before forking
    workers, which then inherit it."""
    run_replications(model, 0, 0, 0)
