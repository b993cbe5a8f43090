"""Crews as plain queues with disciplines — twins of :mod:`hasim.engines.reference.crews`."""

from __future__ import annotations

from numba import njit

from hasim.kernels import JIT, heap, ix, laws, records, units
from hasim.kernels.codes import (
    EV_RESPONSE_END,
    FIFO,
    L_CREW_BUSY,
    P_DISCIPLINE,
    P_RESPONSE,
    PRIORITY,
    TR_GRANT,
    TR_QUEUE,
)
from hasim.kernels.state import NOW


@njit(inline="always", **JIT)
def request(prog, st, u):
    """Returns the unit whose repair starts now (``u``, or -1: it waits), for the caller to
    start last — see :func:`hasim.kernels.loop.simulate`."""
    x = ix(u)
    c = prog.modes.crew[ix(st.mode[x])]
    st.job_crew[x] = c
    if c < 0:
        return u
    y = ix(c)
    if st.busy[y] < prog.crews.size[y]:
        return grant(prog, st, c, u)
    n = st.q_len[y]
    st.queue[y, ix(n)] = u
    st.q_len[y] = n + 1
    records.trace(st, TR_QUEUE, u, c, float(n + 1))
    return -1


@njit(**JIT)
def request_call(prog, st, u):
    """:func:`request` as a real call, for the rare paths (the repair it grants starts here)."""
    units.start_repair_if(prog, st, request(prog, st, u))


@njit(inline="always", **JIT)
def grant(prog, st, c, u):
    """Returns ``u`` when its repair starts now (no response time), else -1."""
    x = ix(u)
    y = ix(c)
    st.busy[y] += 1
    st.holding[x] = True
    st.hold_start[x] = st.f[NOW]
    delay = laws.draw(prog, st, prog.units.stream[x], P_RESPONSE, prog.crews.response[y])
    records.trace(st, TR_GRANT, u, c, delay)
    if delay > 0.0:
        heap.schedule(st, delay, EV_RESPONSE_END, u, 0)
        return -1
    return u


@njit(inline="always", **JIT)
def response_end(prog, st, u, token):
    """Returns ``u``: its repair starts now."""
    return u


@njit(**JIT)
def next_job(prog, st, c):
    n = st.q_len[c]
    discipline = prog.crews.discipline[c]
    if discipline == FIFO or n == 1:
        return 0
    U = prog.units
    if discipline == PRIORITY:
        best = 0
        for j in range(1, n):
            if U.priority[st.queue[c, j]] < U.priority[st.queue[c, best]]:
                best = j
        return best
    # random: a type drawn uniformly among the types waiting, in type order; FIFO within it
    n_types = 0
    lowest = -1
    for t in range(prog.layout.n_types):
        for j in range(n):
            if U.type[st.queue[c, j]] == t:
                n_types += 1
                break
    if n_types == 1:
        return 0
    x = laws.draw_uniform(prog, st, prog.crews.stream[c], P_DISCIPLINE)
    pick = min(int(x * n_types), n_types - 1)
    seen = 0
    for t in range(prog.layout.n_types):
        first = -1
        for j in range(n):
            if U.type[st.queue[c, j]] == t:
                first = j
                break
        if first >= 0:
            if seen == pick:
                lowest = first
                break
            seen += 1
    return lowest


@njit(inline="always", **JIT)
def release(prog, st, u):
    """Returns the unit whose repair the freed member starts now (-1: none)."""
    x = ix(u)
    c = st.job_crew[x]
    if c < 0:
        return -1
    y = ix(c)
    records.level(st, L_CREW_BUSY + c, st.f[NOW] - st.hold_start[x])
    st.holding[x] = False
    st.busy[y] -= 1
    n = st.q_len[y]
    if n > 0:
        # FIFO takes the first job without a call
        j = 0 if n == 1 or prog.crews.discipline[y] == FIFO else next_job(prog, st, c)
        v = st.queue[y, ix(j)]
        for k in range(j, n - 1):
            st.queue[y, ix(k)] = st.queue[y, ix(k + 1)]
        st.q_len[y] = n - 1
        return grant(prog, st, c, v)
    return -1
