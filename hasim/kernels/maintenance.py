"""Planned maintenance on calendar time — twins of :mod:`hasim.engines.reference.maintenance`."""

from __future__ import annotations

from numba import njit

from hasim.kernels import JIT, heap, laws, records, tree, units
from hasim.kernels.codes import (
    C_MAINTENANCE_DEFERRED,
    C_MAINTENANCE_SKIPPED,
    C_MAINTENANCE_STEPS,
    EV_MAINTENANCE_END,
    EV_MAINTENANCE_START,
    P_MAINTENANCE,
    TR_DEFER,
    TR_ROUND,
    TR_SKIP,
)
from hasim.kernels.state import N_DEFERRED, NOW


@njit(**JIT)
def round_start(prog, st, i, k):
    S = prog.schedules
    lo = S.ptr[i]
    hi = S.ptr[i + 1]
    following = S.offset[lo] + (k + 1) * S.every[i]
    if following < prog.mission:
        heap.schedule(st, following - st.f[NOW], EV_MAINTENANCE_START, i, k + 1)
    records.trace(st, TR_ROUND, i, -1, float(k))
    left = lo if st.plan_deferred[i] and not S.rolling[i] else lo + st.plan_cursor[i]
    for j in range(left, hi):  # what the previous round had left (all at once: deferred)
        skip(st, i, S.units[j])
    undefer(st, i)
    if not S.rolling[i]:
        st.plan_cursor[i] = hi - lo
        start_all(prog, st, i)
        return
    st.plan_cursor[i] = 0
    if st.plan_running[i] == 0:
        advance(prog, st, i)


@njit(inline="always", **JIT)
def skip(st, i, u):
    records.count(st, C_MAINTENANCE_SKIPPED)
    records.trace(st, TR_SKIP, u, i, 0.0)


@njit(inline="always", **JIT)
def defer(st, i, u):
    if not st.plan_deferred[i]:
        st.plan_deferred[i] = True
        st.i[N_DEFERRED] += 1
        records.count(st, C_MAINTENANCE_DEFERRED)
        records.trace(st, TR_DEFER, u, i, 0.0)


@njit(inline="always", **JIT)
def undefer(st, i):
    if st.plan_deferred[i]:
        st.plan_deferred[i] = False
        st.i[N_DEFERRED] -= 1


@njit(**JIT)
def advance(prog, st, i):
    S = prog.schedules
    lo = S.ptr[i]
    n = S.ptr[i + 1] - lo
    while st.plan_cursor[i] < n:
        j = lo + st.plan_cursor[i]
        u = S.units[j]
        if not st.up[u]:
            undefer(st, i)
            skip(st, i, u)
            st.plan_cursor[i] += 1
            continue
        if S.defer[i] and tree.would_be_down(prog, st, S.units, j, j + 1):
            defer(st, i, u)
            return
        undefer(st, i)
        st.plan_cursor[i] += 1
        start_step(prog, st, i, u)
        return


@njit(**JIT)
def start_all(prog, st, i):
    S = prog.schedules
    lo = S.ptr[i]
    hi = S.ptr[i + 1]
    first_up = -1
    for j in range(lo, hi):
        if st.up[S.units[j]]:
            first_up = S.units[j]
            break
    if S.defer[i] and first_up >= 0 and tree.would_be_down(prog, st, S.units, lo, hi):
        defer(st, i, first_up)
        return
    undefer(st, i)
    for j in range(lo, hi):
        u = S.units[j]
        if st.up[u]:
            start_step(prog, st, i, u)
        else:
            skip(st, i, u)


@njit(**JIT)
def start_step(prog, st, i, u):
    S = prog.schedules
    records.count(st, C_MAINTENANCE_STEPS)
    duration = laws.draw_call(prog, st, S.stream[i], P_MAINTENANCE, S.duration[i])
    st.plan_running[i] += 1
    units.take_out(prog, st, u, i, duration)
    heap.schedule(st, duration, EV_MAINTENANCE_END, i, u)


@njit(**JIT)
def step_end(prog, st, i, u):
    S = prog.schedules
    st.plan_running[i] -= 1
    units.back_in_service(prog, st, u, i, S.renews[i])
    if S.rolling[i] and st.plan_running[i] == 0:
        advance(prog, st, i)


@njit(**JIT)
def retry(prog, st):
    S = prog.schedules
    for i in range(S.n_inspections, S.every.shape[0]):
        if st.plan_deferred[i]:
            if S.rolling[i]:
                advance(prog, st, i)
            else:
                start_all(prog, st, i)
