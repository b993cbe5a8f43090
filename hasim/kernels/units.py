"""Unit lives and ageing: start of a life, rate changes, failure, detection, repair — twins of
:mod:`hasim.engines.reference.units`, handler for handler."""

from __future__ import annotations

from numba import njit

from hasim.kernels import JIT, crews, heap, laws, records, standby, tree
from hasim.kernels.codes import (
    C_DETECTIONS,
    C_FAILURES_BY_TYPE,
    C_REPAIR_STARTS,
    C_REPAIRS,
    EV_DETECT,
    EV_FAIL,
    EV_REPAIR_END,
    P_DETECTION,
    P_FAILURE,
    P_REPAIR,
    TR_DETECT,
    TR_FAIL,
    TR_LIFE,
    TR_RATE,
    TR_REPAIR_END,
    TR_REPAIR_START,
)
from hasim.kernels.state import NOW


@njit(inline="always", **JIT)
def start_life(prog, st, u):
    U = prog.units
    lifetime = laws.draw(prog, st, U.stream[u], P_FAILURE, U.failure[u])
    st.lifetime[u] = lifetime
    st.age[u] = 0.0
    st.life_start[u] = st.f[NOW]
    st.token[u] += 1
    records.trace(st, TR_LIFE, u, -1, lifetime)
    if st.rate[u] > 0.0:
        heap.schedule(st, lifetime / st.rate[u], EV_FAIL, u, st.token[u])


@njit(inline="always", **JIT)
def set_rate(prog, st, u, rate):
    if st.rate[u] == rate:
        return
    now = st.f[NOW]
    st.age[u] += (now - st.life_start[u]) * st.rate[u]
    st.life_start[u] = now
    st.rate[u] = rate
    st.token[u] += 1
    records.trace(st, TR_RATE, u, -1, rate)
    if rate > 0.0:
        heap.schedule(st, max(st.lifetime[u] - st.age[u], 0.0) / rate, EV_FAIL, u, st.token[u])


@njit(inline="always", **JIT)
def fail(prog, st, u, token):
    if token != st.token[u]:
        return
    U = prog.units
    st.up[u] = False
    records.count(st, C_FAILURES_BY_TYPE + U.type[u])
    records.trace(st, TR_FAIL, u, -1, 0.0)
    tree.set_unit(prog, st, u, False, u)
    standby.lost(prog, st, u)
    delay = laws.draw(prog, st, U.stream[u], P_DETECTION, U.detection[u])
    if delay > 0.0:
        heap.schedule(st, delay, EV_DETECT, u, 0)
    else:
        detect(prog, st, u, 0)


@njit(inline="always", **JIT)
def detect(prog, st, u, token):
    records.count(st, C_DETECTIONS)
    records.trace(st, TR_DETECT, u, -1, 0.0)
    standby.detected(prog, st, u)
    crews.request(prog, st, u)


@njit(inline="always", **JIT)
def start_repair(prog, st, u):
    records.count(st, C_REPAIR_STARTS)
    U = prog.units
    duration = laws.draw(prog, st, U.stream[u], P_REPAIR, U.repair[u])
    records.trace(st, TR_REPAIR_START, u, -1, duration)
    heap.schedule(st, duration, EV_REPAIR_END, u, 0)


@njit(inline="always", **JIT)
def repair_end(prog, st, u, token):
    records.count(st, C_REPAIRS)
    records.trace(st, TR_REPAIR_END, u, -1, 0.0)
    st.up[u] = True
    standby.repaired(prog, st, u)
    tree.set_unit(prog, st, u, True, -1)
    start_life(prog, st, u)
    crews.release(prog, st, u)
