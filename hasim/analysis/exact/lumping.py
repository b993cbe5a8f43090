"""Classes of interchangeable units, tracked in the chain as counts.

Two units are interchangeable when every per-unit attribute of the lowered
:class:`~hasim.model.lower.Program` is equal (:func:`signature`: every field of
``Program.units`` except the few that name the unit itself, :data:`IDENTITY`) and the structure
treats them alike: their leaves hang under the same nodes (:func:`position`), so swapping the
two never changes any node's count of up children. The signature is derived from the
Program's fields, not listed by hand: a per-unit attribute added by a later mechanism (its
common-cause group, datasets, ...) separates units by default, and only a deliberate entry in
:data:`IDENTITY` can make the chain ignore it.

Failure modes (``Program.modes``: laws, coverage, crew, spare) are defined per component
type, and the type is in the signature: units of one class have the same modes, with the
same rates (:class:`Mode`), and the chain counts a class's failed units per (phase, mode).

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
class Mode:
    """One failure mode of a class's units, with its rates per hour."""

    index: int
    """The mode's number in the compiled model (``m.mode_labels``)."""
    failure: float
    repair: float
    detection: float
    """``inf``: detected at once (a zero delay); unused for a mode of coverage 0."""
    coverage: float
    """Probability that monitoring notices the failure; otherwise it is latent."""
    crew: int
    """The crew of the mode's repairs, -1: repaired without a crew."""
    spare: int
    """The stock a repair takes a part from, -1: none."""


@dataclass(frozen=True)
class Class:
    """Interchangeable units: counted per phase (and failure mode) in the chain."""

    units: tuple[int, ...]
    group: int
    """Standby group of the (single) unit, or -1."""
    type: int
    priority: int
    """Component priority (crew discipline ``priority``: lower first)."""
    modes: tuple[Mode, ...]
    """The type's failure modes, in model order (competing risks)."""

    @property
    def size(self) -> int:
        return len(self.units)


def signature(program: Any, u: int) -> tuple[Any, ...]:
    """Everything about unit ``u`` that its behaviour in the chain depends on, as
    ``(field, value)`` pairs over the per-unit fields of ``program.units`` (its ``type``
    among them, which fixes its failure modes)."""
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


def modes_of(m: CompiledModel, t: int) -> range:
    """The failure modes of component type ``t`` (indices into ``m.mode_labels``)."""
    return range(int(m.type_mode_ptr[t]), int(m.type_mode_ptr[t + 1]))


def mode_label(m: CompiledModel, u: int, j: int) -> str:
    """Unit ``u`` in mode ``j`` for messages: ``db[0]`` (a type of one mode), else
    ``db[0], failure mode disk``."""
    t = int(m.mode_type[j])
    if len(modes_of(m, t)) == 1:
        return m.unit_labels[u]
    return f"{m.unit_labels[u]}, failure mode {m.mode_labels[j][len(m.type_names[t]) + 1:]}"


def latent_forever(m: CompiledModel, u: int, j: int) -> str:
    """Why a model is refused whose unit ``u`` can fail in mode ``j`` unnoticed with nothing
    to find the failure (no standby group: the exact methods have no inspections)."""
    return (f"{mode_label(m, u, j)}: a failure monitoring misses (coverage "
            f"{float(m.mode_coverage[j]):g}) is latent for ever — only an inspection or a "
            "standby group's switchover attempt finds a latent failure, and this unit has "
            "neither — so the unit would stay down and the model never return to all-up; the "
            "exact solver needs every latent failure to be found (a standby group with a "
            "health check finds it), else simulate")


def classes(m: CompiledModel, lump: bool = True) -> list[Class]:
    """The classes of the chain, with their modes' rates; a law that is not exponential is
    refused (a detection law only where monitoring can notice the failure)."""
    out = []
    for units in unit_classes(m, lump):
        u = units[0]
        t = int(m.unit_type[u])
        modes = []
        for j in modes_of(m, t):
            label = mode_label(m, u, j)
            coverage = float(m.mode_coverage[j])
            modes.append(Mode(
                index=j,
                failure=rate(m.law(int(m.mode_failure[j])), "failure", label, zero=False),
                repair=rate(m.law(int(m.mode_repair[j])), "repair", label, zero=False),
                detection=(rate(m.law(int(m.mode_detection[j])), "detection", label)
                           if coverage > 0 else math.inf),
                coverage=coverage,
                crew=int(m.mode_crew[j]),
                spare=int(m.mode_spare[j]),
            ))
        out.append(Class(units=units, group=int(m.unit_group[u]), type=t,
                         priority=int(m.unit_priority[u]), modes=tuple(modes)))
    return out
