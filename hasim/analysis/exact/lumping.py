"""Classes of interchangeable units, tracked in the chain as counts.

Two units are interchangeable when every per-unit attribute of the lowered
:class:`~hasim.model.lower.Program` is equal (:func:`signature`: every field of
``Program.units`` except the few that name the unit itself, :data:`IDENTITY`) and the structure
treats them alike: their leaves hang under the same nodes (:func:`position`), so swapping the
two never changes any node's count of up children. The signature is derived from the
Program's fields, not listed by hand: a per-unit attribute added by a later mechanism (its
failure modes, common-cause group, datasets, ...) separates units by default, and only a
deliberate entry in :data:`IDENTITY` can make the chain ignore it.

A class of one unit is a unit tracked on its own. Units of a standby group are never lumped
(each has its own ``slot``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from hasim.analysis.exact.result import NotExact
from hasim.model.compile import CompiledModel
from hasim.model.distributions import Dist

IDENTITY = frozenset({"stream", "leaf_ptr", "leaf_nodes"})
"""Fields of ``Program.units`` that identify a unit rather than describe its behaviour: its own
random stream, and its leaves (compared through :func:`position` instead)."""


@dataclass(frozen=True)
class Class:
    """Interchangeable units: counted per phase in the chain."""

    units: tuple[int, ...]
    failure: float
    """Rates per hour."""
    repair: float
    detection: float
    """``inf``: detected at once (a zero delay)."""
    crew: int
    group: int
    """Standby group of the (single) unit, or -1."""
    type: int
    priority: int
    """Component priority (crew discipline ``priority``: lower first)."""

    @property
    def size(self) -> int:
        return len(self.units)


def signature(program: Any, u: int) -> tuple[Any, ...]:
    """Everything about unit ``u`` that its behaviour in the chain depends on, as
    ``(field, value)`` pairs over the per-unit fields of ``program.units``."""
    units = program.units
    return tuple((name, int(getattr(units, name)[u])) for name in units._fields
                 if name not in IDENTITY)


def position(program: Any, u: int) -> tuple[int, ...]:
    """The nodes that unit ``u``'s leaves are children of (sorted, with repeats)."""
    units, parent = program.units, program.tree.parent
    leaves = units.leaf_nodes[units.leaf_ptr[u]:units.leaf_ptr[u + 1]]
    return tuple(sorted(int(parent[n]) for n in leaves))


def unit_classes(m: CompiledModel, lump: bool = True) -> list[tuple[int, ...]]:
    """Units grouped by (signature, position), in the order of their first unit; with
    ``lump=False`` every unit is a class of its own (the unlumped chain, for checks)."""
    if not lump:
        return [(u,) for u in range(m.n_units)]
    program = m.program
    out: dict[tuple[Any, ...], list[int]] = {}
    for u in range(m.n_units):
        out.setdefault((signature(program, u), position(program, u)), []).append(u)
    return [tuple(units) for units in out.values()]


def lumped_types(m: CompiledModel) -> set[int]:
    """Component types whose instances are all tracked as one count (two or more)."""
    out = set()
    for units in unit_classes(m):
        t = int(m.unit_type[units[0]])
        if len(units) >= 2 and int(np.sum(m.unit_type == t)) == len(units):
            out.add(t)
    return out


def rate(d: Dist, what: str, label: str, zero: bool = True) -> float:
    """The rate of an exponential law; ``inf`` for a zero delay (when ``zero``: a delay, not a
    lifetime); other laws are refused."""
    if zero and d.is_zero:
        return math.inf
    if not d.is_exponential:
        ok = "exponential laws (or a zero delay)" if zero else "exponential laws"
        raise NotExact(f"{label}: the {what} law is {d.describe()}; the Markov chain needs {ok}")
    return 1.0 / d.a


def classes(m: CompiledModel, lump: bool = True) -> list[Class]:
    """The classes of the chain, with their rates; a law that is not exponential is refused."""
    out = []
    for units in unit_classes(m, lump):
        u = units[0]
        label = m.unit_labels[u]
        out.append(Class(
            units=units,
            failure=rate(m.law(int(m.unit_failure[u])), "failure", label, zero=False),
            repair=rate(m.law(int(m.unit_repair[u])), "repair", label, zero=False),
            detection=rate(m.law(int(m.unit_detection[u])), "detection", label),
            crew=int(m.unit_crew[u]),
            group=int(m.unit_group[u]),
            type=int(m.unit_type[u]),
            priority=int(m.unit_priority[u]),
        ))
    return out
