"""Records of a run — counts, levels, episodes — and the event log: twins of
:mod:`hasim.engines.reference.records`, in the layout of :mod:`hasim.events`."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from hasim.kernels import ENTRY, JIT, ix
from hasim.kernels.codes import (
    C_DETECTIONS,
    C_EVENTS,
    C_FAILURES,
    C_FAILURES_BY_TYPE,
    C_GROUP_DETECTIONS,
    C_INSPECTIONS,
    C_MAINTENANCE_STEPS,
    C_OUTAGES,
    C_OUTAGES_UNRECORDED,
    C_REPAIR_STARTS,
    C_REPAIRS,
    C_SWITCHOVERS,
    EP_OUTAGE,
    EPISODES_FULL,
    L_CREW_BUSY,
    L_DOWNTIME,
    L_FIRST_OUTAGE,
    L_LATENT_HOURS,
    L_PLANNED_DOWNTIME,
    TR_SYSTEM_DOWN,
    TR_SYSTEM_UP,
    TRACE_FULL,
)
from hasim.kernels.state import (
    CAUSE,
    CAUSE_MODE,
    END,
    EP_DROP,
    MISSION,
    N_EP,
    N_OUT,
    N_TRACE,
    NOW,
    OUT_START,
    REP,
    ROW,
    SEGMENT_START,
    STATUS,
    SYSTEM_UP,
    TRACING,
    UNTIL_FAILURE,
)


@njit(inline="always", **JIT)
def count(st, column):
    st.count_row[ix(column)] += 1


@njit(inline="always", **JIT)
def level(st, column, amount):
    st.level_row[ix(column)] += amount


@njit(inline="always", **JIT)
def trace(st, code, target, other, detail):
    if st.i[TRACING]:
        _trace(st.i, st.f, st.tr_f, st.tr_i, code, target, other, detail)


@njit(**JIT)
def _trace(i, f, tr_f, tr_i, code, target, other, detail):
    if not i[TRACING]:
        return
    n = i[N_TRACE]
    if n >= tr_f.shape[0]:
        i[STATUS] = TRACE_FULL
        return
    tr_f[n, 0] = f[NOW]
    tr_f[n, 1] = detail
    tr_i[n, 0] = code
    tr_i[n, 1] = target
    tr_i[n, 2] = other
    i[N_TRACE] = n + 1


@njit(inline="always", **JIT)
def system(prog, st, up, cause):
    """The system went down (``cause``: the unit whose loss did it) or up."""
    mode = -1
    if not up and cause >= 0 and not st.up[ix(cause)] and not st.out[ix(cause)]:
        mode = st.mode[ix(cause)]
    system_change(st.i, st.f, st.count_row, st.level_row, st.ep_f, st.ep_i, st.tr_f, st.tr_i,
                  prog.units.type, prog.layout.down_by_type, prog.layout.down_by_mode, up,
                  cause, mode)


@njit(**JIT)
def system_change(i, f, count_row, level_row, ep_f, ep_i, tr_f, tr_i, unit_type, down_by_type,
                  down_by_mode, up, cause, mode):
    now = f[NOW]
    if not up:
        f[OUT_START] = now
        f[SEGMENT_START] = now
        i[CAUSE] = cause
        i[CAUSE_MODE] = mode
        _trace(i, f, tr_f, tr_i, TR_SYSTEM_DOWN, -1, cause, 0.0)
        if i[UNTIL_FAILURE]:  # the run ends after the events of this instant
            f[END] = np.nextafter(now, math.inf)
    else:
        _trace(i, f, tr_f, tr_i, TR_SYSTEM_UP, -1, i[CAUSE], now - f[OUT_START])
        if i[N_OUT]:
            level_row[L_PLANNED_DOWNTIME] += now - f[SEGMENT_START]
        if i[UNTIL_FAILURE]:  # up again at the same instant: not a failure, go on
            f[END] = f[MISSION]
        close_outage(i, f, count_row, level_row, ep_f, ep_i, unit_type, down_by_type,
                     down_by_mode, now)


@njit(inline="always", **JIT)
def set_out(st, delta):
    """A unit goes out of service for planned work (+1) or returns (-1)."""
    if not st.i[SYSTEM_UP]:
        now = st.f[NOW]
        if st.i[N_OUT]:
            st.level_row[L_PLANNED_DOWNTIME] += now - st.f[SEGMENT_START]
        st.f[SEGMENT_START] = now
    st.i[N_OUT] += delta


@njit(**JIT)
def close_outage(i, f, count_row, level_row, ep_f, ep_i, unit_type, down_by_type, down_by_mode,
                 end):
    """Count and record the outage open since OUT_START, unless it has zero length; with the
    episode buffer at its largest (EP_DROP), an outage that does not fit is counted only."""
    start = f[OUT_START]
    duration = end - start
    if not duration > 0.0:
        return
    cause = i[CAUSE]
    kind = -1 if cause < 0 else unit_type[cause]
    level_row[L_DOWNTIME] += duration
    if kind >= 0:
        level_row[down_by_type + kind] += duration
    if i[CAUSE_MODE] >= 0:
        level_row[down_by_mode + i[CAUSE_MODE]] += duration
    count_row[C_OUTAGES] += 1
    if count_row[C_OUTAGES] == 1:
        level_row[L_FIRST_OUTAGE] = start
    n = i[N_EP]
    if n >= ep_f.shape[0]:
        if i[EP_DROP]:
            count_row[C_OUTAGES_UNRECORDED] += 1
        else:
            i[STATUS] = EPISODES_FULL
        return
    ep_f[n, 0] = start
    ep_f[n, 1] = end
    ep_f[n, 2] = duration
    ep_i[n, 0] = i[REP]
    ep_i[n, 1] = EP_OUTAGE
    ep_i[n, 2] = cause
    ep_i[n, 3] = kind
    i[N_EP] = n + 1


@njit(**ENTRY)
def close(prog, st):
    """The replication ends at ``st.f[NOW]`` (the mission end; with UNTIL_FAILURE the instant
    of the failure, which is recorded as FIRST_OUTAGE): an open outage is cut there; crew
    members still busy are counted to the end (in unit order); the replication's counts and
    levels go to its row of the chunk's records."""
    T = st.f[NOW]
    lay = prog.layout
    if not st.i[SYSTEM_UP]:
        if st.i[UNTIL_FAILURE]:
            st.level_row[L_FIRST_OUTAGE] = st.f[OUT_START]
        else:
            if st.i[N_OUT]:
                level(st, L_PLANNED_DOWNTIME, T - st.f[SEGMENT_START])
            close_outage(st.i, st.f, st.count_row, st.level_row, st.ep_f, st.ep_i,
                         prog.units.type, lay.down_by_type, lay.down_by_mode, T)
    for u in range(st.up.shape[0]):
        if st.holding[u]:
            level(st, L_CREW_BUSY + st.job_crew[u], T - st.hold_start[u])
        if st.latent[u]:
            level(st, L_LATENT_HOURS, T - st.latent_start[u])
    for s in range(st.on_hand.shape[0]):
        level(st, lay.on_hand + s, st.on_hand[s] * (T - st.on_hand_since[s]))
        for q in range(st.s_len[s]):
            level(st, lay.part_wait + s, T - st.wait_start[st.s_queue[s, q]])
    c = st.count_row
    failures = 0
    M = prog.modes
    for t in range(prog.layout.n_types):
        by_type = 0
        for m in range(M.ptr[t], M.ptr[t + 1]):
            by_type += c[lay.failures_by_mode + m]
        c[C_FAILURES_BY_TYPE + t] = by_type
        failures += by_type
    c[C_FAILURES] = failures
    c[C_EVENTS] = (failures + c[C_DETECTIONS] + c[C_GROUP_DETECTIONS] + c[C_REPAIR_STARTS]
                   + c[C_REPAIRS] + c[C_SWITCHOVERS] + c[C_INSPECTIONS]
                   + c[C_MAINTENANCE_STEPS])
    row = st.i[ROW]
    for j in range(c.shape[0]):
        st.counts[row, j] = c[j]
    for j in range(st.level_row.shape[0]):
        st.levels[row, j] = st.level_row[j]
