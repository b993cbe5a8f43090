"""Rules of cold/warm/hot standby groups (DESIGN.md, "Semantics"; the twin of
:mod:`hasim.engines.reference.standby`).

When the active unit fails the group's node is down and the switchover is attempted at the
loss's *detection*: after the group's own ``detection`` (a pending health check, cancelled if
the unit is repaired first) or, without one, at the failed unit's own detection (never, for
a latent failure). An attempt abandons any switchover in progress and targets the
lowest-numbered other member that is up; it *reveals* latent failures on the way — the lost
active unit's first, then each failed member skipped before the target, in member order: each
is detected at that instant and its repair requested (without a standby trigger: the attempt
is that group's switchover). No target, or a failed attempt (probability 1 − coverage), leaves
the group without an active unit until a repair completes; else the target is active at once
(it ages at rate 1) and the node is up when the switchover ends. A target lost during its
switchover is a loss like any other. A unit repaired while its group has no active unit
becomes active at once; the active unit repaired before its loss was detected stays active;
any other repaired unit is a spare (non-revertive). The node is up while the group has an
active unit that is up and no switchover is in progress.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from hasim.analysis.exact import spares
from hasim.analysis.exact.state import (
    GROUP_DETECTION,
    SWITCHOVER,
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


def reveal(x: Setup, d: Draft, c: int) -> None:
    """A switchover attempt finds the unit of class ``c`` (one unit: a group member) failed:
    a latent failure of it is detected now and its repair requested."""
    counts = d.counts
    for k in x.class_kinds[c]:
        slot = x.kinds[k].latent
        if slot >= 0 and counts[slot]:
            counts[slot] -= 1
            spares.need(x, d, k)
            return


def attempt(x: Setup, d: Draft, g: int) -> Outcomes:
    """A switchover attempt in group ``g``, whose active unit is lost: the reveals change
    ``d`` (the same in every outcome), the outcomes are the group states after the attempt."""
    groups = d.groups
    active = groups[g][0]
    if active >= 0:
        reveal(x, d, active)  # the lost unit's latent failure: noticed now
    target = -1
    for k in x.group_classes[g]:
        if k == active:
            continue
        if d.counts[x.up[k]] == 1:
            target = k
            break
        reveal(x, d, k)  # a failed spare skipped: a latent failure is revealed
    if target < 0:
        return [(set_group(groups, g, (-1, False, False)), 1.0)]
    out: Outcomes = []
    coverage = x.coverage[g]
    if coverage < 1.0:
        out.append((set_group(groups, g, (-1, False, False)), 1.0 - coverage))
    if coverage > 0.0:
        ok = (target, math.isfinite(x.switch[g]), False)
        out.append((set_group(groups, g, ok), coverage))
    return out


def loss(x: Setup, d: Draft, g: int, k: int, latent: bool) -> Outcomes:
    """The active unit of group ``g`` failed (kind ``k``, latent or not): when is the
    switchover attempted?"""
    rate = x.group_detect[g]
    groups = d.groups
    c = x.kinds[k].c
    if rate is None:
        if latent or math.isfinite(x.kinds[k].mode.detection):
            return [(groups, 1.0)]  # at the unit's own detection (never for a latent one)
        return attempt(x, d, g)
    if math.isfinite(rate):
        return [(set_group(groups, g, (c, groups[g][1], True)), 1.0)]
    return attempt(x, d, g)


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
            yield (s[0], s[1], set_group(s[2], g, (active, False, pending)), s[3]), \
                x.switch[g], SWITCHOVER
        rate = x.group_detect[g]
        if pending and rate is not None:
            d = Draft(s)
            yield from freeze_all(d, attempt(x, d, g), rate, GROUP_DETECTION)
