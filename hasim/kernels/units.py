"""Unit lives and ageing: start of a life, rate changes, failure (noticed or latent),
detection, repair, time out of service — twins of :mod:`hasim.engines.reference.units`,
handler for handler."""

from __future__ import annotations

from numba import njit

from hasim.kernels import JIT, crews, heap, ix, laws, records, spares, standby, tree
from hasim.kernels.codes import (
    C_DETECTIONS,
    C_LATENT_FAILURES,
    C_REPAIR_STARTS,
    C_REPAIRS,
    EV_DETECT,
    EV_FAIL,
    EV_REPAIR_END,
    L_LATENT_HOURS,
    P_COVERAGE,
    P_DETECTION,
    P_FAILURE,
    P_REPAIR,
    TR_BACK,
    TR_DETECT,
    TR_FAIL,
    TR_LATENT,
    TR_LIFE,
    TR_OUT,
    TR_RATE,
    TR_REPAIR_END,
    TR_REPAIR_START,
    TR_REVEAL,
)
from hasim.kernels.state import NOW


@njit(inline="always", **JIT)
def start_life(prog, st, u):
    U = prog.units
    M = prog.modes
    x = ix(u)
    stream = U.stream[x]
    t = ix(U.type[x])
    mode = M.ptr[t]
    lifetime = laws.draw(prog, st, stream, P_FAILURE, M.failure[ix(mode)])
    for j in range(mode + 1, M.ptr[t + ix(1)]):
        life = laws.draw(prog, st, stream, P_FAILURE, M.failure[ix(j)])
        if life < lifetime:
            lifetime = life
            mode = j
    st.lifetime[x] = lifetime
    st.mode[x] = mode
    st.age[x] = 0.0
    st.life_start[x] = st.f[NOW]
    token = st.token[x] + 1
    st.token[x] = token
    records.trace(st, TR_LIFE, u, -1, lifetime)
    rate = st.rate[x]
    if rate > 0.0:
        heap.schedule_inline(st, lifetime / rate, EV_FAIL, u, token)


@njit(inline="always", **JIT)
def set_rate(prog, st, u, rate):
    if st.rate[u] == rate:
        return
    now = st.f[NOW]
    st.age[u] += (now - st.life_start[u]) * st.rate[u]
    st.life_start[u] = now
    st.rate[u] = rate
    resume(st, u)


@njit(inline="always", **JIT)
def resume(st, u):
    """The life goes on at the unit's (new) rate: the failure is rescheduled."""
    rate = st.rate[u]
    st.token[u] += 1
    records.trace(st, TR_RATE, u, -1, rate)
    if rate > 0.0:
        heap.schedule(st, max(st.lifetime[u] - st.age[u], 0.0) / rate, EV_FAIL, u, st.token[u])


@njit(inline="always", **JIT)
def fail(prog, st, u, token):
    """Returns whether the failure is detected now (zero detection delay): the caller then
    runs :func:`detect` — the loop's one copy of it."""
    x = ix(u)
    if token != st.token[x]:
        return False
    U = prog.units
    st.up[x] = False
    m = st.mode[x]
    records.count(st, prog.layout.failures_by_mode + m)  # by type: summed at the close
    records.trace(st, TR_FAIL, u, -1, 0.0)
    coverage = prog.modes.coverage[ix(m)]
    latent = False
    if coverage < 1.0:
        latent = coverage <= 0.0 or \
            laws.draw_uniform(prog, st, U.stream[x], P_COVERAGE) >= coverage
    if latent:
        st.latent[x] = True
        st.latent_start[x] = st.f[NOW]
        records.count(st, C_LATENT_FAILURES)
        records.trace(st, TR_LATENT, u, -1, 0.0)
    tree.set_unit(prog, st, u, False, u)
    standby.lost(prog, st, u)
    if latent:
        return False
    delay = laws.draw(prog, st, U.stream[x], P_DETECTION, prog.modes.detection[ix(m)])
    if delay > 0.0:
        heap.schedule(st, delay, EV_DETECT, u, 0)
        return False
    return True


@njit(inline="always", **JIT)
def unlatch(st, u):
    st.latent[u] = False
    records.level(st, L_LATENT_HOURS, st.f[NOW] - st.latent_start[u])
    records.trace(st, TR_REVEAL, u, -1, 0.0)


@njit(**JIT)
def reveal(prog, st, u):
    if st.latent[u]:
        unlatch(st, u)
        detect_call(prog, st, u)


@njit(**JIT)
def reveal_at_switchover(prog, st, u):
    if st.latent[u]:
        unlatch(st, u)
        records.count(st, C_DETECTIONS)
        records.trace(st, TR_DETECT, u, -1, 0.0)
        spares.need_call(prog, st, u)


@njit(inline="always", **JIT)
def detect(prog, st, u, token):
    """Returns the unit whose repair starts now (-1: none): the caller starts it last."""
    records.count(st, C_DETECTIONS)
    records.trace(st, TR_DETECT, u, -1, 0.0)
    standby.detected(prog, st, u)
    return spares.need(prog, st, u)


@njit(**JIT)
def detect_call(prog, st, u):
    """:func:`detect` as a real call, for the rare paths (its crew request inlined here, not in
    the loop; the repair it grants starts here)."""
    start_repair_if(prog, st, detect(prog, st, u, 0))


@njit(**JIT)
def start_life_call(prog, st, u):
    """:func:`start_life` as a real call, for the rare paths."""
    start_life(prog, st, u)


@njit(inline="always", **JIT)
def start_repair(prog, st, u):
    records.count(st, C_REPAIR_STARTS)
    x = ix(u)
    law = prog.modes.repair[ix(st.mode[x])]
    duration = laws.draw(prog, st, prog.units.stream[x], P_REPAIR, law)
    records.trace(st, TR_REPAIR_START, u, -1, duration)
    heap.schedule_inline(st, duration, EV_REPAIR_END, u, 0)


@njit(**JIT)
def start_repair_if(prog, st, u):
    """:func:`start_repair` of unit ``u`` as a real call unless ``u`` is -1 (no repair starts
    now): how the rare paths' ``*_call`` functions end."""
    if u >= 0:
        start_repair(prog, st, u)


@njit(inline="always", **JIT)
def repair_end(prog, st, u, token):
    """Returns the unit whose repair the freed crew member starts now (-1: none)."""
    records.count(st, C_REPAIRS)
    records.trace(st, TR_REPAIR_END, u, -1, 0.0)
    st.up[ix(u)] = True
    standby.repaired(prog, st, u)
    tree.set_unit(prog, st, u, True, -1)
    start_life(prog, st, u)
    return crews.release(prog, st, u)


@njit(**JIT)
def take_out(prog, st, u, schedule, duration):
    records.set_out(st, 1)
    st.out[u] = True
    st.up[u] = False
    records.trace(st, TR_OUT, u, schedule, duration)
    set_rate(prog, st, u, 0.0)
    tree.set_unit_call(prog, st, u, False, u)
    standby.taken_out(prog, st, u)


@njit(**JIT)
def back_in_service(prog, st, u, schedule, renews):
    records.set_out(st, -1)
    st.out[u] = False
    st.up[u] = True
    records.trace(st, TR_BACK, u, schedule, 0.0)
    st.life_start[u] = st.f[NOW]
    if prog.units.group[u] < 0:
        st.rate[u] = 1.0
    standby.repaired_call(prog, st, u)
    tree.set_unit_call(prog, st, u, True, -1)
    if renews:
        start_life_call(prog, st, u)
    else:
        resume(st, u)
