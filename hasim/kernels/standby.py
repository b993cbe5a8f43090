"""Standby groups — twins of :mod:`hasim.engines.reference.standby`."""

from __future__ import annotations

import math

from numba import njit

from hasim.kernels import JIT, heap, ix, laws, records, tree, units
from hasim.kernels.codes import (
    C_GROUP_DETECTIONS,
    C_SWITCHOVERS,
    C_SWITCHOVERS_FAILED,
    EV_GROUP_DETECT,
    EV_SWITCH_END,
    P_COVERAGE,
    P_DETECTION,
    P_SWITCHOVER,
    TR_ACTIVE,
    TR_GROUP_DETECT,
    TR_SPARE,
    TR_SWITCH_END,
    TR_SWITCH_FAILED,
    TR_SWITCH_NONE,
    TR_SWITCH_START,
)
from hasim.kernels.state import NOW


@njit(inline="always", **JIT)
def lost(prog, st, u):
    g = prog.units.group[ix(u)]
    if g < 0 or st.g_active[g] != u:
        return
    st.g_by_repair[g] = math.nan
    tree.set_group(prog, st, g, u)
    G = prog.groups
    law = G.detection[g]
    if law != -1:  # the group's own health check (-2: 0s, at once)
        st.g_loss_token[g] += 1
        delay = laws.draw(prog, st, G.stream[g], P_DETECTION, law)
        if delay > 0.0:
            heap.schedule(st, delay, EV_GROUP_DETECT, g, st.g_loss_token[g])
        else:
            attempt(prog, st, g)


@njit(inline="always", **JIT)
def detected(prog, st, u):
    g = prog.units.group[ix(u)]
    if g >= 0 and st.g_active[g] == u and prog.groups.detection[g] == -1:
        attempt(prog, st, g)


@njit(inline="always", **JIT)
def group_detect(prog, st, g, token):
    a = st.g_active[g]
    if token != st.g_loss_token[g] or a < 0 or st.up[a]:
        return
    records.count(st, C_GROUP_DETECTIONS)
    records.trace(st, TR_GROUP_DETECT, g, a, 0.0)
    attempt(prog, st, g)


@njit(**JIT)
def attempt(prog, st, g):
    G = prog.groups
    failed = st.g_active[g]
    if st.g_switching[g]:
        st.g_switching[g] = False
        st.g_switch_token[g] += 1
    if failed >= 0:
        units.reveal_at_switchover(prog, st, failed)
    target = -1
    for j in range(G.ptr[g], G.ptr[g + 1]):
        v = G.members[j]
        if v == failed:
            continue
        if st.up[v]:
            target = v
            break
        units.reveal_at_switchover(prog, st, v)
    if target < 0:
        st.g_active[g] = -1
        records.trace(st, TR_SWITCH_NONE, g, failed, 0.0)
    else:
        records.count(st, C_SWITCHOVERS)
        coverage = G.coverage[g]
        if coverage < 1.0 and laws.draw_uniform(prog, st, G.stream[g], P_COVERAGE) >= coverage:
            st.g_active[g] = -1
            records.count(st, C_SWITCHOVERS_FAILED)
            records.trace(st, TR_SWITCH_FAILED, g, target, 0.0)
        else:
            st.g_active[g] = target
            units.set_rate(prog, st, target, 1.0)
            delay = laws.draw(prog, st, G.stream[g], P_SWITCHOVER, G.switchover[g])
            records.trace(st, TR_SWITCH_START, g, target, delay)
            if delay > 0.0:
                st.g_switching[g] = True
                st.g_switch_token[g] += 1
                heap.schedule(st, delay, EV_SWITCH_END, g, st.g_switch_token[g])
    tree.set_group(prog, st, g, failed)


@njit(**JIT)
def taken_out(prog, st, u):
    g = prog.units.group[ix(u)]
    if g < 0 or st.g_active[g] != u:
        return
    st.g_by_repair[g] = math.nan
    tree.set_group_call(prog, st, g, u)
    attempt(prog, st, g)


@njit(inline="always", **JIT)
def switch_end(prog, st, g, token):
    if token != st.g_switch_token[g] or not st.g_switching[g]:
        return
    st.g_switching[g] = False
    records.trace(st, TR_SWITCH_END, g, st.g_active[g], 0.0)
    tree.set_group(prog, st, g, -1)


@njit(inline="always", **JIT)
def repaired(prog, st, u):
    g = prog.units.group[ix(u)]
    if g < 0:
        return
    dormant = prog.groups.dormant[g]
    slot = prog.units.slot
    a = st.g_active[g]
    now = st.f[NOW]
    if a < 0 or a == u:
        if a < 0:
            st.g_by_repair[g] = now
        st.g_active[g] = u
        st.rate[u] = 1.0
        records.trace(st, TR_ACTIVE, u, g, 0.0)
    elif st.g_by_repair[g] == now and slot[u] < slot[a]:
        st.g_active[g] = u
        st.rate[u] = 1.0
        records.trace(st, TR_ACTIVE, u, g, 0.0)
        records.trace(st, TR_SPARE, a, g, 0.0)
        units.set_rate(prog, st, a, dormant)
    else:
        st.rate[u] = dormant
        records.trace(st, TR_SPARE, u, g, 0.0)
    tree.set_group(prog, st, g, -1)


@njit(**JIT)
def repaired_call(prog, st, u):
    """:func:`repaired` as a real call, for the rare paths."""
    repaired(prog, st, u)
