"""Rules of unit lives: failures and their detection (DESIGN.md, "Semantics").

A unit's failure is detected after its detection delay (at once for a zero delay), and the
detection requests its repair (:func:`.crews.request`). The active unit of a standby group
ages at rate 1, an idle spare at the group's dormant rate; losing the active unit starts the
switchover at the loss's detection (:func:`.standby.loss`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from hasim.analysis.exact import crews, standby
from hasim.analysis.exact.state import (
    DETECTION,
    FAILURE,
    PHASES,
    UNDETECTED,
    UP,
    Branch,
    Draft,
    Setup,
    State,
    freeze_all,
)


def fail(x: Setup, s: State, c: int, rate: float) -> Iterator[Branch]:
    """One unit of class ``c`` fails (at ``rate``)."""
    cls = x.classes[c]
    d = Draft(s)
    d.counts[PHASES * c + UP] -= 1
    g = cls.group
    branches: standby.Outcomes = [(s[2], 1.0)]
    if g >= 0 and s[2][g][0] == c:  # the active unit of a standby group is lost
        branches = standby.loss(x, d.counts, s[2], g, c)
    if math.isfinite(cls.detection):
        d.counts[PHASES * c + UNDETECTED] += 1
    else:
        crews.request(x, d, c)
    yield from freeze_all(d, branches, rate, FAILURE)


def detect(x: Setup, s: State, c: int, rate: float) -> Iterator[Branch]:
    """The failure of one unit of class ``c`` is detected: its repair is requested."""
    g = x.classes[c].group
    d = Draft(s)
    d.counts[PHASES * c + UNDETECTED] -= 1
    branches: standby.Outcomes = [(s[2], 1.0)]
    if g >= 0 and x.group_detect[g] is None and s[2][g][0] == c:
        branches = standby.attempt(x, d.counts, s[2], g)
    crews.request(x, d, c)
    yield from freeze_all(d, branches, rate, DETECTION)


def branches(x: Setup, s: State) -> Iterator[Branch]:
    """Failures of up units and detections of failed ones, per class."""
    counts, _, groups = s
    for c, cls in enumerate(x.classes):
        n_up = counts[PHASES * c + UP]
        if n_up:
            g = cls.group
            if g < 0:
                yield from fail(x, s, c, n_up * cls.failure)
            else:
                factor = 1.0 if groups[g][0] == c else x.dormant[g]
                if factor > 0:
                    yield from fail(x, s, c, cls.failure * factor)
        n_undetected = counts[PHASES * c + UNDETECTED]
        if n_undetected:
            yield from detect(x, s, c, n_undetected * cls.detection)
