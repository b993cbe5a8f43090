"""The kernel's event loop: reset → simulate (pop and dispatch) → close, per replication of a chunk.

Each event kind has its handler in the mechanism's module (:mod:`.units`, :mod:`.crews`,
:mod:`.standby`), the twin of the handler with the same name in
:mod:`hasim.engines.reference`; the loop only pops events and dispatches them. Where a
reference handler ends by calling another (``fail`` → ``detect``, a crew grant →
``start_repair``), its kernel twin returns instead what the loop then runs — the same steps
in the same order, with one inlined copy of each in the loop's body (smaller code, less
compile time; a rare path's ``*_call`` function runs the step itself).
"""

from __future__ import annotations

import math

from numba import njit

from hasim.kernels import (
    ENTRY,
    JIT,
    crews,
    heap,
    inspections,
    maintenance,
    records,
    spares,
    standby,
    tree,
    units,
)
from hasim.kernels.codes import (
    EV_DETECT,
    EV_FAIL,
    EV_GROUP_DETECT,
    EV_INSPECTION,
    EV_INSPECTION_END,
    EV_MAINTENANCE_END,
    EV_MAINTENANCE_START,
    EV_PART_ARRIVES,
    EV_REPAIR_END,
    EV_RESPONSE_END,
    EV_SWITCH_END,
    EVENT_CAP,
    KIND_BITS,
    L_FIRST_OUTAGE,
    MAX_TARGETS,
    NO_EVENT,
    OK,
    SLICE_DONE,
    TOKEN_SHIFT,
)
from hasim.kernels.rng import replication_key
from hasim.kernels.state import (
    CAP_AT,
    CAUSE,
    CAUSE_MODE,
    END,
    EP_START,
    IN_REP,
    LIVE,
    MISSION,
    N_DEFERRED,
    N_EP,
    N_OUT,
    N_TRACE,
    NOW,
    OUT_START,
    REP,
    ROW,
    SEGMENT_START,
    SEQ,
    SIZE,
    STATUS,
    STEPS,
    UNTIL_FAILURE,
)


@njit(**ENTRY)
def reset(prog, st, seed, rep, row):
    """The state at t = 0 of replication ``rep``, recorded in row ``row``; every unit starts
    its first life, in unit order; then the first instant of every schedule is scheduled."""
    st.rk[0] = replication_key(seed, rep)
    st.draws[:, :] = 0
    for u in range(st.up.shape[0]):
        st.up[u] = True
        st.rate[u] = 1.0
        st.age[u] = 0.0
        st.life_start[u] = 0.0
        st.token[u] = 0
        st.latent[u] = False
        st.out[u] = False
        st.job_crew[u] = -1
        st.holding[u] = False
    G = prog.groups
    for g in range(G.node.shape[0]):
        st.g_active[g] = G.members[G.ptr[g]] if G.ptr[g + 1] > G.ptr[g] else -1
        st.g_switching[g] = False
        st.g_switch_token[g] = 0
        st.g_loss_token[g] = 0
        st.g_by_repair[g] = math.nan
        for j in range(G.ptr[g] + 1, G.ptr[g + 1]):
            st.rate[G.members[j]] = G.dormant[g]
    for c in range(st.busy.shape[0]):
        st.busy[c] = 0
        st.q_len[c] = 0
    for s in range(st.on_hand.shape[0]):
        st.on_hand[s] = prog.stocks.size[s]
        st.on_hand_since[s] = 0.0
        st.s_len[s] = 0
    S = prog.schedules
    for i in range(S.every.shape[0]):
        st.plan_cursor[i] = S.ptr[i + 1] - S.ptr[i]
        st.plan_running[i] = 0
        st.plan_deferred[i] = False
    st.count_row[:] = 0
    st.level_row[:] = 0.0
    st.level_row[L_FIRST_OUTAGE] = math.nan
    st.i[SIZE] = 0
    st.i[SEQ] = 0
    st.i[LIVE] = 0
    st.i[STATUS] = OK
    st.i[ROW] = row
    st.i[REP] = rep
    st.i[CAUSE] = -1
    st.i[CAUSE_MODE] = -1
    st.i[N_OUT] = 0
    st.i[N_DEFERRED] = 0
    st.i[EP_START] = st.i[N_EP]
    st.i[N_TRACE] = 0
    st.f[NOW] = 0.0
    st.f[OUT_START] = 0.0
    st.f[SEGMENT_START] = 0.0
    st.f[END] = prog.mission
    st.f[MISSION] = prog.mission
    tree.reset(prog, st)
    for u in range(st.up.shape[0]):
        units.start_life_call(prog, st, u)
    for i in range(S.every.shape[0]):
        for e in range(S.ptr[i], S.ptr[i + 1]):
            first = S.offset[e]
            if not first < prog.mission:
                continue
            if i < S.n_inspections:
                heap.schedule(st, first, EV_INSPECTION, e, 0)
            elif e == S.ptr[i]:
                heap.schedule(st, first, EV_MAINTENANCE_START, i, 0)


@njit(**JIT)
def rare(prog, st, kind, target, token):
    """The events of processes — parts, inspections, maintenance — behind one call of the
    loop, so that the loop's body keeps only the common kinds (each call site of a jitted
    function in it costs registers and compile time)."""
    if kind == EV_PART_ARRIVES:
        spares.part_arrives(prog, st, target, token)
    elif kind == EV_INSPECTION:
        inspections.inspect(prog, st, target, token)
    elif kind == EV_INSPECTION_END:
        inspections.inspection_end(prog, st, target, token)
    elif kind == EV_MAINTENANCE_START:
        maintenance.round_start(prog, st, target, token)
    elif kind == EV_MAINTENANCE_END:
        maintenance.step_end(prog, st, target, token)


@njit(**ENTRY)
def simulate(prog, st):
    """Handle the events before the end (``st.f[END]``) in (time, sequence) order, while the
    countdown ``st.i[STEPS]`` has not reached ``max(st.i[CAP_AT], 0)``."""
    left = st.i[STEPS]
    stop = max(st.i[CAP_AT], 0)
    while st.i[SIZE] > 0:
        t = st.ht[0]
        if not t < st.f[END] or left == stop:
            break
        left -= 1
        payload = st.hp[0]
        st.f[NOW] = t
        st.i[LIVE] = 1
        kind = payload & ((1 << KIND_BITS) - 1)
        target = (payload >> KIND_BITS) & (MAX_TARGETS - 1)
        token = payload >> TOKEN_SHIFT
        # the dispatch, written here rather than as an inlined function: numba inlines a
        # function by copying its IR with all it inlined in turn (twice, the scope once per
        # block), and this level of copying was the largest part of the kernel's compile time.
        # The handlers' last steps are run here, once each: a failure detected at once
        # (``fail`` returns True) is handled by the detect below, and the repair a handler
        # grants last (``detect``, ``repair_end``, ``response_end`` return its unit) starts
        # below — the order of the reference engine's nested calls, with one inlined copy of
        # ``detect`` and ``start_repair`` instead of one at every call site
        start = -1
        if kind == EV_FAIL:
            kind = EV_DETECT if units.fail(prog, st, target, token) else NO_EVENT
            token = 0
        if kind == EV_DETECT:
            start = units.detect(prog, st, target, token)
        elif kind == EV_REPAIR_END:
            start = units.repair_end(prog, st, target, token)
        elif kind == EV_RESPONSE_END:
            start = crews.response_end(prog, st, target, token)
        elif kind == EV_SWITCH_END:
            standby.switch_end(prog, st, target, token)
        elif kind == EV_GROUP_DETECT:
            standby.group_detect(prog, st, target, token)
        elif kind != NO_EVENT:
            rare(prog, st, kind, target, token)
        if start >= 0:
            units.start_repair(prog, st, start)
        # one test for both rare cases (OK is 0): deferred maintenance to try again after
        # every event, or a stop
        if st.i[STATUS] | st.i[N_DEFERRED]:
            if st.i[N_DEFERRED]:
                maintenance.retry(prog, st)
            if st.i[LIVE]:
                st.i[SIZE] = heap.pop(st.ht, st.hs, st.hp, st.i[SIZE])
            if st.i[STATUS] != OK:
                break
        elif st.i[LIVE]:
            st.i[SIZE] = heap.pop(st.ht, st.hs, st.hp, st.i[SIZE])
    st.i[STEPS] = left


@njit(**ENTRY)
def run_chunk(prog, st, seed, first, rep_start, rep_stop, cap):
    """Simulate replications ``rep_start .. rep_stop - 1`` into rows 0, 1, ... of the state's
    records (replication ``first`` in row 0), each with at most ``cap`` events, handling at
    most ``st.i[STEPS]`` events in this call. Returns the replication at which it stopped:
    ``rep_stop`` when all are done; else ``st.i[STATUS]`` says why: SLICE_DONE — the slice
    ran out inside this replication (``st.i[IN_REP]``; call again to go on), EVENT_CAP — it
    handled ``cap`` events, or a buffer did not fit it (its episodes are dropped): the caller
    grows the buffer and calls again from there — a replication depends only on its own
    streams, so a retry reproduces it exactly."""
    for rep in range(rep_start, rep_stop):
        if not st.i[IN_REP]:
            reset(prog, st, seed, rep, rep - first)
            st.i[CAP_AT] = st.i[STEPS] - cap
            st.i[IN_REP] = 1
        if st.i[STATUS] == OK:
            simulate(prog, st)
        if st.i[STATUS] == OK and st.i[SIZE] > 0 and st.ht[0] < st.f[END]:
            st.i[STATUS] = EVENT_CAP if st.i[STEPS] == st.i[CAP_AT] else SLICE_DONE
            if st.i[STATUS] == SLICE_DONE:
                return rep
        if st.i[STATUS] == OK:
            if not st.i[UNTIL_FAILURE]:
                st.f[NOW] = prog.mission
            records.close(prog, st)
        st.i[IN_REP] = 0
        if st.i[STATUS] != OK:
            st.i[N_EP] = st.i[EP_START]
            return rep
    return rep_stop
