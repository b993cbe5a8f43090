"""Spare parts: stocks with one-for-one reordering — twins of
:mod:`hasim.engines.reference.spares`."""

from __future__ import annotations

from numba import njit

from hasim.kernels import JIT, crews, heap, ix, laws, records, units
from hasim.kernels.codes import (
    EV_PART_ARRIVES,
    P_LEAD_TIME,
    TR_PART_ARRIVES,
    TR_PART_TAKEN,
    TR_PART_WAIT,
)
from hasim.kernels.state import NOW


@njit(inline="always", **JIT)
def need(prog, st, u):
    """Returns the unit whose repair starts now (-1: none), as :func:`crews.request`."""
    s = prog.modes.spare[ix(st.mode[ix(u)])]
    if s < 0:
        return crews.request(prog, st, u)
    need_part(prog, st, s, u)
    return -1


@njit(**JIT)
def need_call(prog, st, u):
    """:func:`need` as a real call, for the rare paths (its crew request inlined here, not in
    the loop; the repair it grants starts here)."""
    units.start_repair_if(prog, st, need(prog, st, u))


@njit(**JIT)
def need_part(prog, st, s, u):
    records.count(st, prog.layout.part_requests + s)
    if st.on_hand[s] > 0:
        take(prog, st, s, u)
        crews.request_call(prog, st, u)
        return
    records.count(st, prog.layout.parts_waited + s)
    n = st.s_len[s]
    st.s_queue[s, n] = u
    st.s_len[s] = n + 1
    st.wait_start[u] = st.f[NOW]
    records.trace(st, TR_PART_WAIT, u, s, float(n + 1))


@njit(inline="always", **JIT)
def on_hand_changes(prog, st, s, delta):
    now = st.f[NOW]
    records.level(st, prog.layout.on_hand + s, st.on_hand[s] * (now - st.on_hand_since[s]))
    st.on_hand_since[s] = now
    st.on_hand[s] += delta


@njit(**JIT)
def take(prog, st, s, u):
    on_hand_changes(prog, st, s, -1)
    lead = laws.draw_call(prog, st, prog.stocks.stream[s], P_LEAD_TIME, prog.stocks.lead_time[s])
    records.trace(st, TR_PART_TAKEN, u, s, lead)
    heap.schedule(st, lead, EV_PART_ARRIVES, s, 0)


@njit(**JIT)
def part_arrives(prog, st, s, token):
    on_hand_changes(prog, st, s, 1)
    records.trace(st, TR_PART_ARRIVES, s, -1, float(st.on_hand[s]))
    n = st.s_len[s]
    if n > 0:
        u = st.s_queue[s, 0]
        for k in range(n - 1):
            st.s_queue[s, k] = st.s_queue[s, k + 1]
        st.s_len[s] = n - 1
        records.level(st, prog.layout.part_wait + s, st.f[NOW] - st.wait_start[u])
        take(prog, st, s, u)
        crews.request_call(prog, st, u)
