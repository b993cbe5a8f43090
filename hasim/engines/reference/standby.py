"""Standby groups: loss of the active unit, the detection that triggers a switchover, the
attempt, its end, and the role of a repaired unit. Twins of :mod:`hasim.kernels.standby`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hasim.engines.reference import records, tree, units
from hasim.events import Count, Event, Purpose, Trace

if TYPE_CHECKING:
    from hasim.engines.reference.replication import Replication


def members(r: Replication, g: int) -> list[int]:
    G = r.p.groups
    return [int(v) for v in G.members[G.ptr[g]:G.ptr[g + 1]]]


def lost(r: Replication, u: int) -> None:
    """Unit ``u`` is lost; if it is its group's active unit, the group is down and its
    health check (if it has one) is started."""
    g = int(r.p.units.group[u])
    if g < 0 or r.groups[g].active != u:
        return
    group = r.groups[g]
    group.activated_by_repair = math.nan
    tree.set_group(r, g, u)
    law = int(r.p.groups.detection[g])
    if law != -1:  # the group's own health check (-2: 0s, at once)
        group.loss_token += 1
        delay = r.draw(int(r.p.groups.stream[g]), Purpose.DETECTION, law)
        if delay > 0.0:
            r.schedule(delay, Event.GROUP_DETECT, g, group.loss_token)
        else:
            attempt(r, g)


def detected(r: Replication, u: int) -> None:
    """The failure of ``u`` is detected: the trigger of a group without its own detection."""
    g = int(r.p.units.group[u])
    if g >= 0 and r.groups[g].active == u and r.p.groups.detection[g] == -1:
        attempt(r, g)


def group_detect(r: Replication, g: int, token: int) -> None:
    """The group's health check notices the loss (unless the unit is up again)."""
    group = r.groups[g]
    if token != group.loss_token or group.active < 0 or r.units[group.active].up:
        return
    records.count(r, Count.GROUP_DETECTIONS)
    records.trace(r, Trace.GROUP_DETECT, g, group.active, 0.0)
    attempt(r, g)


def attempt(r: Replication, g: int) -> None:
    """Switch over from the lost active unit to the lowest-numbered member that is up."""
    group = r.groups[g]
    failed = group.active
    if group.switching:
        group.switching = False
        group.switch_token += 1
    if failed >= 0:
        units.reveal_at_switchover(r, failed)  # the lost unit's latent failure: noticed now
    target = -1
    for v in members(r, g):
        if v == failed:
            continue
        if r.units[v].up:
            target = v
            break
        units.reveal_at_switchover(r, v)  # a failed spare skipped: a latent failure is revealed
    if target < 0:
        group.active = -1
        records.trace(r, Trace.SWITCH_NONE, g, failed, 0.0)
        tree.set_group(r, g, failed)
        return
    records.count(r, Count.SWITCHOVERS)
    coverage = float(r.p.groups.coverage[g])
    stream = int(r.p.groups.stream[g])
    if coverage < 1.0 and r.draw_uniform(stream, Purpose.COVERAGE) >= coverage:
        group.active = -1
        records.count(r, Count.SWITCHOVERS_FAILED)
        records.trace(r, Trace.SWITCH_FAILED, g, target, 0.0)
        tree.set_group(r, g, failed)
        return
    group.active = target
    units.set_rate(r, target, 1.0)
    delay = r.draw(stream, Purpose.SWITCHOVER, int(r.p.groups.switchover[g]))
    records.trace(r, Trace.SWITCH_START, g, target, delay)
    if delay > 0.0:
        group.switching = True
        group.switch_token += 1
        r.schedule(delay, Event.SWITCH_END, g, group.switch_token)
    tree.set_group(r, g, failed)


def taken_out(r: Replication, u: int) -> None:
    """Unit ``u`` is taken out of service for planned work; if it is its group's active unit,
    a switchover is attempted at once (no detection delay)."""
    g = int(r.p.units.group[u])
    if g < 0 or r.groups[g].active != u:
        return
    r.groups[g].activated_by_repair = math.nan
    tree.set_group(r, g, u)
    attempt(r, g)


def switch_end(r: Replication, g: int, token: int) -> None:
    group = r.groups[g]
    if token != group.switch_token or not group.switching:
        return
    group.switching = False
    records.trace(r, Trace.SWITCH_END, g, group.active, 0.0)
    tree.set_group(r, g, -1)


def repaired(r: Replication, u: int) -> None:
    """The role of a repaired unit (or one back from planned work): active if its group has
    none (the lowest-numbered of those repaired at the same instant) or if it still is the
    active unit (repaired before the group's health check noticed its loss), else a spare at
    the dormant ageing rate."""
    g = int(r.p.units.group[u])
    if g < 0:
        return
    group = r.groups[g]
    unit = r.units[u]
    dormant = float(r.p.groups.dormant[g])
    slot = r.p.units.slot
    if group.active < 0 or group.active == u:
        if group.active < 0:
            group.activated_by_repair = r.now
        group.active = u
        unit.rate = 1.0
        records.trace(r, Trace.ACTIVE, u, g, 0.0)
    elif group.activated_by_repair == r.now and slot[u] < slot[group.active]:
        # repaired at the same instant as the active unit, and lower-numbered: it is active
        old = group.active
        group.active = u
        unit.rate = 1.0
        records.trace(r, Trace.ACTIVE, u, g, 0.0)
        records.trace(r, Trace.SPARE, old, g, 0.0)
        units.set_rate(r, old, dormant)
    else:
        unit.rate = dormant
        records.trace(r, Trace.SPARE, u, g, 0.0)
    tree.set_group(r, g, -1)
