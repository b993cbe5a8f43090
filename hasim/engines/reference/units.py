"""Unit lives and ageing: start of a life, rate changes, failure, detection, repair.

Handlers of :data:`Event.FAIL`, :data:`Event.DETECT` and :data:`Event.REPAIR_END`; twins of
:mod:`hasim.kernels.units`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hasim.engines.reference import crews, records, standby, tree
from hasim.events import Count, Event, Purpose, Trace

if TYPE_CHECKING:
    from hasim.engines.reference.replication import Replication


def start_life(r: Replication, u: int) -> None:
    """A new life: draw the lifetime, schedule the failure at the unit's ageing rate."""
    unit = r.units[u]
    p = r.p.units
    unit.lifetime = r.draw(int(p.stream[u]), Purpose.FAILURE, int(p.failure[u]))
    unit.age = 0.0
    unit.life_start = r.now
    unit.token += 1
    records.trace(r, Trace.LIFE, u, -1, unit.lifetime)
    if unit.rate > 0.0:
        r.schedule(unit.lifetime / unit.rate, Event.FAIL, u, unit.token)


def set_rate(r: Replication, u: int, rate: float) -> None:
    """Change the ageing rate of an up unit, keeping the age it has consumed."""
    unit = r.units[u]
    if unit.rate == rate:
        return
    now = r.now
    unit.age += (now - unit.life_start) * unit.rate
    unit.life_start = now
    unit.rate = rate
    unit.token += 1
    records.trace(r, Trace.RATE, u, -1, rate)
    if rate > 0.0:
        # a remaining life is never negative (rounding in the age sum)
        r.schedule(max(unit.lifetime - unit.age, 0.0) / rate, Event.FAIL, u, unit.token)


def fail(r: Replication, u: int, token: int) -> None:
    """The unit's life ends (ignored if its ageing rate changed since it was scheduled)."""
    unit = r.units[u]
    if token != unit.token:
        return
    unit.up = False
    records.count(r, Count.FAILURES_BY_TYPE + int(r.p.units.type[u]))
    records.trace(r, Trace.FAIL, u, -1, 0.0)
    tree.set_unit(r, u, False, u)
    standby.lost(r, u)
    delay = r.draw(int(r.p.units.stream[u]), Purpose.DETECTION, int(r.p.units.detection[u]))
    if delay > 0.0:
        r.schedule(delay, Event.DETECT, u)
    else:
        detect(r, u, 0)


def detect(r: Replication, u: int, token: int) -> None:
    """Monitoring notices the failure: the standby trigger, then the repair request."""
    records.count(r, Count.DETECTIONS)
    records.trace(r, Trace.DETECT, u, -1, 0.0)
    standby.detected(r, u)
    crews.request(r, u)


def start_repair(r: Replication, u: int) -> None:
    """The repair starts; it always ends with a scheduled event."""
    records.count(r, Count.REPAIR_STARTS)
    duration = r.draw(int(r.p.units.stream[u]), Purpose.REPAIR, int(r.p.units.repair[u]))
    records.trace(r, Trace.REPAIR_START, u, -1, duration)
    r.schedule(duration, Event.REPAIR_END, u)


def repair_end(r: Replication, u: int, token: int) -> None:
    """As good as new: role in the group, structure, next life, then the crew is released."""
    unit = r.units[u]
    records.count(r, Count.REPAIRS)
    records.trace(r, Trace.REPAIR_END, u, -1, 0.0)
    unit.up = True
    standby.repaired(r, u)
    tree.set_unit(r, u, True, -1)
    start_life(r, u)
    crews.release(r, u)
