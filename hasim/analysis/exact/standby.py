"""Rules of cold/warm/hot standby groups (DESIGN.md, "Semantics").

When the active unit fails the group's node is down and the switchover is attempted at the
loss's *detection*: after the group's own ``detection`` (a pending health check, cancelled if
the unit is repaired first) or, without one, at the failed unit's own detection. An attempt
abandons any switchover in progress and targets the lowest-numbered other member that is up:
none, or a failed attempt (probability 1 − coverage), leaves the group without an active unit
until a repair completes; else the target is active at once (it ages at rate 1) and the node
is up when the switchover ends. A target lost during its switchover is a loss like any other.
A unit repaired while its group has no active unit becomes active at once; the active unit
repaired before its loss was detected stays active; any other repaired unit is a spare
(non-revertive). The node is up while the group has an active unit that is up and no
switchover is in progress.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from hasim.analysis.exact.state import (
    GROUP_DETECTION,
    PHASES,
    SWITCHOVER,
    UP,
    Branch,
    Draft,
    GroupState,
    Setup,
    State,
    freeze_all,
    set_group,
)

Groups = tuple[GroupState, ...]
Outcomes = list[tuple[Groups, float]]
"""Standby-group states a step can lead to, with their probabilities."""


def attempt(x: Setup, counts: list[int], groups: Groups, g: int) -> Outcomes:
    """A switchover attempt in group ``g``, whose active unit is lost."""
    active = groups[g][0]
    targets = [k for k in x.group_classes[g] if k != active and counts[PHASES * k + UP] == 1]
    if not targets:
        return [(set_group(groups, g, (-1, False, False)), 1.0)]
    out: Outcomes = []
    coverage = x.coverage[g]
    if coverage < 1.0:
        out.append((set_group(groups, g, (-1, False, False)), 1.0 - coverage))
    if coverage > 0.0:
        ok = (targets[0], math.isfinite(x.switch[g]), False)
        out.append((set_group(groups, g, ok), coverage))
    return out


def loss(x: Setup, counts: list[int], groups: Groups, g: int, c: int) -> Outcomes:
    """The active unit (class ``c``) of group ``g`` failed: when is the switchover attempted?"""
    rate = x.group_detect[g]
    if rate is None:
        if math.isfinite(x.classes[c].detection):
            return [(groups, 1.0)]  # at the unit's own detection
        return attempt(x, counts, groups, g)
    if math.isfinite(rate):
        return [(set_group(groups, g, (c, groups[g][1], True)), 1.0)]
    return attempt(x, counts, groups, g)


def repaired(groups: Groups, g: int, c: int) -> Groups:
    """The group states after a unit of class ``c`` in group ``g`` is repaired."""
    active, switching, _ = groups[g]
    if active < 0:
        return set_group(groups, g, (c, False, False))  # no active unit: active at once
    if active == c:
        return set_group(groups, g, (c, switching, False))  # repaired before the check fired
    return groups


def branches(x: Setup, s: State) -> Iterator[Branch]:
    """Switchovers that end and group health checks that fire."""
    for g, (active, switching, pending) in enumerate(s[2]):
        if switching and math.isfinite(x.switch[g]):
            yield (s[0], s[1], set_group(s[2], g, (active, False, pending))), x.switch[g], \
                SWITCHOVER
        rate = x.group_detect[g]
        if pending and rate is not None:
            d = Draft(s)
            yield from freeze_all(d, attempt(x, d.counts, s[2], g), rate, GROUP_DETECTION)
