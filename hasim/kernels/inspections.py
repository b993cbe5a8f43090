"""Inspections on calendar time — twins of :mod:`hasim.engines.reference.inspections`."""

from __future__ import annotations

from numba import njit

from hasim.kernels import JIT, heap, laws, records, units
from hasim.kernels.codes import (
    C_INSPECTIONS,
    C_LATENT_FOUND,
    EV_INSPECTION,
    EV_INSPECTION_END,
    P_COVERAGE,
    P_INSPECTION,
    TR_INSPECT,
)
from hasim.kernels.state import NOW


@njit(**JIT)
def inspect(prog, st, e, k):
    S = prog.schedules
    i = S.entry_schedule[e]
    u = S.units[e]
    following = S.offset[e] + (k + 1) * S.every[i]
    if following < prog.mission:
        heap.schedule(st, following - st.f[NOW], EV_INSPECTION, e, k + 1)
    if st.out[u]:
        return
    records.count(st, C_INSPECTIONS)
    records.trace(st, TR_INSPECT, u, i, 0.0)
    stream = S.stream[i]
    if not st.up[u]:
        coverage = S.coverage[i]
        if st.latent[u]:
            found = coverage >= 1.0
            if not found and coverage > 0.0:
                found = laws.draw_uniform(prog, st, stream, P_COVERAGE) < coverage
            if found:
                records.count(st, C_LATENT_FOUND)
                units.reveal(prog, st, u)
        return
    duration = laws.draw_call(prog, st, stream, P_INSPECTION, S.duration[i])
    if duration > 0.0:
        units.take_out(prog, st, u, i, duration)
        heap.schedule(st, duration, EV_INSPECTION_END, e, 0)


@njit(**JIT)
def inspection_end(prog, st, e, token):
    units.back_in_service(prog, st, prog.schedules.units[e], prog.schedules.entry_schedule[e],
                          False)
