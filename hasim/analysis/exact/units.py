"""Rules of unit lives: failures by mode (noticed or latent), detection, reveal by a
switchover attempt, and the end of a repair (DESIGN.md, "Semantics"; the twin of
:mod:`hasim.engines.reference.units`).

An up unit's life ends in each of its type's failure modes at that mode's rate (competing
exponential lifetimes: the earliest ends the life), at rate 1 for a unit outside standby
groups and for a group's active unit, at the group's dormant rate for an idle spare. Monitoring
notices a failure of mode m with probability ``coverage_m``: it is then detected after the
mode's detection delay (at once for a zero delay), and the detection asks for the repair
(:func:`.spares.need`: a part first if the mode needs one, then the mode's crew). Otherwise
the failure is *latent*: no detection; a switchover attempt of its standby group reveals it
(:func:`.standby.attempt`). Losing the active unit starts the switchover at the loss's
detection (:func:`.standby.loss`). A repair makes the unit as good as new (up, a new life in
every mode), sets its role in its group and releases its crew member to the next job.

Effects ``data`` and ``corrupt`` are down like ``down`` (datasets are not modelled yet).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from hasim.analysis.exact import crews, spares, standby
from hasim.analysis.exact.state import (
    DETECTION,
    FAILURE,
    LATENT_FAILURE,
    REPAIR,
    Branch,
    Draft,
    Setup,
    State,
    freeze_all,
)


def fail(x: Setup, s: State, k: int, rate: float) -> Iterator[Branch]:
    """One unit of kind ``k``'s class fails in kind ``k``'s mode (at ``rate``): noticed with
    the mode's coverage, else latent."""
    kind = x.kinds[k]
    coverage = kind.mode.coverage
    base = Draft(s)
    base.counts[x.up[kind.c]] -= 1
    if coverage > 0.0:
        yield from _noticed(x, base.copy() if coverage < 1.0 else base, k, rate * coverage)
    if coverage < 1.0:
        yield from _missed(x, base, k, rate * (1.0 - coverage))


def _lost(x: Setup, d: Draft, k: int, latent: bool) -> standby.Outcomes:
    """The group states after kind ``k``'s unit is lost (a switchover if it was active)."""
    c = x.kinds[k].c
    g = x.classes[c].group
    if g >= 0 and d.groups[g][0] == c:  # the active unit of a standby group is lost
        return standby.loss(x, d, g, k, latent)
    return [(d.groups, 1.0)]


def _noticed(x: Setup, d: Draft, k: int, rate: float) -> Iterator[Branch]:
    kind = x.kinds[k]
    branches = _lost(x, d, k, latent=False)
    if math.isfinite(kind.mode.detection):
        d.counts[kind.undetected] += 1
    else:
        spares.need(x, d, k)
    yield from freeze_all(d, branches, rate, FAILURE)


def _missed(x: Setup, d: Draft, k: int, rate: float) -> Iterator[Branch]:
    # latent before the loss is handled: a 0s health check's attempt reveals it at once
    d.counts[x.kinds[k].latent] += 1
    branches = _lost(x, d, k, latent=True)
    yield from freeze_all(d, branches, rate, LATENT_FAILURE)


def detect(x: Setup, s: State, k: int, rate: float) -> Iterator[Branch]:
    """The failure of one unit of kind ``k`` is detected: the standby trigger (a group
    without its own detection switches over), then its repair is requested."""
    kind = x.kinds[k]
    g = x.classes[kind.c].group
    d = Draft(s)
    d.counts[kind.undetected] -= 1
    branches: standby.Outcomes = [(s[2], 1.0)]
    if g >= 0 and x.group_detect[g] is None and s[2][g][0] == kind.c:
        branches = standby.attempt(x, d, g)
    spares.need(x, d, k)
    yield from freeze_all(d, branches, rate, DETECTION)


def repair_end(x: Setup, s: State, k: int, rate: float) -> Iterator[Branch]:
    """The repair of a unit of kind ``k`` ends: the unit is up (a standby member may become
    active) and its crew member takes the next job."""
    kind = x.kinds[k]
    c = kind.c
    d = Draft(s)
    d.counts[kind.repairing] -= 1
    d.counts[x.up[c]] += 1
    g = x.classes[c].group
    if g >= 0:
        d.groups = standby.repaired(d.groups, g, c)
    for nxt, p in crews.release(x, d, kind.mode.crew):
        yield nxt.freeze(), rate * p, REPAIR


def branches(x: Setup, s: State) -> Iterator[Branch]:
    """Failures of up units (per mode), detections and repair ends, per class."""
    counts, _, groups, _ = s
    for c, cls in enumerate(x.classes):
        n_up = counts[x.up[c]]
        if n_up:
            g = cls.group
            factor = float(n_up) if g < 0 else 1.0 if groups[g][0] == c else x.dormant[g]
            if factor > 0:
                for k in x.class_kinds[c]:
                    yield from fail(x, s, k, factor * x.kinds[k].mode.failure)
        for k in x.class_kinds[c]:
            kind = x.kinds[k]
            if kind.undetected >= 0 and counts[kind.undetected]:
                yield from detect(x, s, k, counts[kind.undetected] * kind.mode.detection)
            if counts[kind.repairing]:
                yield from repair_end(x, s, k, counts[kind.repairing] * kind.mode.repair)
