"""Independent units with any laws: renewal theory and the structure function.

Each unit alternates up and down, so its steady-state availability is
MTTF / (MTTF + E[detection] + E[response] + E[repair]), and the system's is the structure
function over independent units — exact for any laws, in the steady state only.
"""

from __future__ import annotations

import math

import numpy as np

from hasim.analysis.exact.lumping import unit_classes
from hasim.analysis.exact.result import NotExact
from hasim.model.compile import CompiledModel


def _independent(m: CompiledModel, max_states: int) -> tuple[float, int]:
    """Steady-state availability of independent units with any laws (renewal + structure)."""
    classes = _classes_any_law(m)
    combos = math.prod(len(c) + 1 for c, _ in classes)
    if combos > max_states:
        raise NotExact(f"the structure function over independent units needs {combos:,} "
                       f"evaluations, more than {max_states:,}")
    total = 0.0
    for ups in np.ndindex(*[len(c) + 1 for c, _ in classes]):
        unit_up = [False] * m.n_units
        p = 1.0
        for (units, a), k in zip(classes, ups, strict=True):
            for u in units[:k]:
                unit_up[u] = True
            n = len(units)
            p *= math.comb(n, k) * a**k * (1.0 - a) ** (n - k)
        if p > 0 and m.structure_up(unit_up):
            total += p
    return total, combos


def _classes_any_law(m: CompiledModel) -> list[tuple[tuple[int, ...], float]]:
    """(units, availability of one unit) per class of exchangeable units, any laws."""
    out = []
    for members in unit_classes(m):
        u = members[0]
        up = m.law(int(m.unit_failure[u])).mean
        # a crew that never has to queue only adds its response time
        c = int(m.unit_crew[u])
        response = m.law(int(m.crew_response[c])).mean if c >= 0 else 0.0
        down = (m.law(int(m.unit_detection[u])).mean + response
                + m.law(int(m.unit_repair[u])).mean)
        out.append((members, up / (up + down)))
    return out


def independent_units(m: CompiledModel) -> bool:
    """Whether every unit lives on its own: no standby groups, and no crew can ever make a
    repair wait (each crew is at least as large as the number of units it serves)."""
    if m.group_units:
        return False
    served = np.bincount(m.unit_crew[m.unit_crew >= 0], minlength=len(m.crew_names))
    return bool(np.all(served <= m.crew_size))

