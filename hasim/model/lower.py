"""CompiledModel → Program: the arrays both engines read, grouped per mechanism.

A :class:`Program` is a tree of NamedTuples of numpy arrays and scalars — one group per
mechanism (laws, units, crews, standby groups, the structure tree, random streams, the record
layout) — so that the numba kernels can take it as one argument and each mechanism's handlers
read only their own group. The SimPy reference engine reads the same Program.

Indices: units ``0 .. n_units - 1`` in model order; a law index ``-1`` is no delay; streams are
numbered units first, then standby groups, then crews (``Units.stream`` etc. hold the indices
into ``Streams.ids``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from hasim import events
from hasim.model.compile import LEAF, STANDBY
from hasim.rng import stream_id

if TYPE_CHECKING:
    from hasim.model.compile import CompiledModel

FIFO, PRIORITY, RANDOM = 0, 1, 2
DISCIPLINES = {"fifo": FIFO, "priority": PRIORITY, "random": RANDOM}


class Laws(NamedTuple):
    """Every law once: code and parameters ``(a, b, c)`` as in :mod:`hasim.rng`; empirical
    laws index ``pool`` (a: offset, b: count)."""

    code: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    pool: np.ndarray


class Units(NamedTuple):
    stream: np.ndarray
    type: np.ndarray
    group: np.ndarray
    """Standby group, -1: none."""
    slot: np.ndarray
    """Position in the standby group (its number there), -1: none."""
    priority: np.ndarray
    leaf_ptr: np.ndarray
    leaf_nodes: np.ndarray
    """Structure leaves of unit u: ``leaf_nodes[leaf_ptr[u]:leaf_ptr[u + 1]]``."""


class Modes(NamedTuple):
    """Failure modes: type t has modes ``ptr[t] .. ptr[t + 1] - 1``; a unit's life draws one
    lifetime per mode and ends with the earliest."""

    ptr: np.ndarray
    failure: np.ndarray
    repair: np.ndarray
    detection: np.ndarray
    coverage: np.ndarray
    """Probability that monitoring notices the failure (else it is latent)."""
    spare: np.ndarray
    """Stock the repair takes a part from, -1: none."""
    crew: np.ndarray
    """Crew index, -1: repaired without a crew (at once when detected)."""


class Stocks(NamedTuple):
    size: np.ndarray
    lead_time: np.ndarray
    stream: np.ndarray


class Schedules(NamedTuple):
    """Calendar schedules, inspections first, then maintenance: schedule i covers units
    ``units[ptr[i]:ptr[i + 1]]``; entry j (of all schedules' units) starts its rounds at
    ``offset[j]`` (``first``, shifted by staggering), then every ``every[i]``."""

    n_inspections: int
    ptr: np.ndarray
    units: np.ndarray
    offset: np.ndarray
    entry_schedule: np.ndarray
    every: np.ndarray
    duration: np.ndarray
    coverage: np.ndarray
    rolling: np.ndarray
    defer: np.ndarray
    renews: np.ndarray
    stream: np.ndarray


class Crews(NamedTuple):
    size: np.ndarray
    response: np.ndarray
    discipline: np.ndarray
    """FIFO 0, PRIORITY 1, RANDOM 2."""
    stream: np.ndarray


class Groups(NamedTuple):
    ptr: np.ndarray
    members: np.ndarray
    """Members of group g, in order (the first is active at t = 0):
    ``members[ptr[g]:ptr[g + 1]]``."""
    dormant: np.ndarray
    """Ageing rate of an idle spare: hot 1, warm the factor, cold 0."""
    switchover: np.ndarray
    coverage: np.ndarray
    detection: np.ndarray
    """The group's health-check law; -2: ``0s`` (at once); -1: none — the switchover starts at
    the unit's own detection."""
    node: np.ndarray
    stream: np.ndarray


class Tree(NamedTuple):
    """The structure, children before parents, the root last: node n is up when at least
    ``k[n]`` of its ``n_children[n]`` children are up (leaves and standby nodes: set directly)."""

    k: np.ndarray
    parent: np.ndarray
    n_children: np.ndarray


class Streams(NamedTuple):
    ids: np.ndarray
    """uint64 identity of each stream owner (:func:`hasim.rng.stream_id`)."""


class Layout(NamedTuple):
    """The record layout of a run (:mod:`hasim.events`: Count, Level, Episode)."""

    n_types: int
    n_crews: int
    n_modes: int
    n_stocks: int
    n_counts: int
    n_levels: int
    down_by_type: int
    """First level column of downtime by cause type."""
    failures_by_mode: int
    """First count column of failures by mode, then part requests and repairs that waited
    for a part, per stock."""
    part_requests: int
    parts_waited: int
    down_by_mode: int
    """First level column of downtime by cause mode, then hours waiting for parts and parts
    on hand (time integral), per stock."""
    part_wait: int
    on_hand: int


class Program(NamedTuple):
    mission: float
    laws: Laws
    units: Units
    modes: Modes
    crews: Crews
    stocks: Stocks
    schedules: Schedules
    groups: Groups
    tree: Tree
    streams: Streams
    layout: Layout

    @property
    def n_units(self) -> int:
        return len(self.units.type)

    @property
    def n_groups(self) -> int:
        return len(self.groups.dormant)

    @property
    def n_stocks(self) -> int:
        return len(self.stocks.size)

    @property
    def n_schedules(self) -> int:
        return len(self.schedules.every)

    @property
    def n_crews(self) -> int:
        return len(self.crews.size)

    @property
    def n_nodes(self) -> int:
        return len(self.tree.k)


def _csr(lists: list[list[int]] | tuple[tuple[int, ...], ...]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    flat = np.array([v for x in lists for v in x], dtype=np.int64)
    return ptr, flat


def group_stream_name(m: CompiledModel, g: int) -> str:
    """A standby group's stream owner name: its members' labels (stable across variants that
    keep the group's members)."""
    return ",".join(m.unit_labels[u] for u in m.group_units[g])


def lower(m: CompiledModel) -> Program:
    """Lower a compiled model to a :class:`Program`."""
    i64 = np.int64
    pool: list[float] = []
    code, a, b, c = [], [], [], []
    for law in m.laws:
        code.append(law.code)
        if law.name == "empirical":
            a.append(float(len(pool)))
            b.append(float(len(law.values)))
            c.append(0.0)
            pool.extend(law.values)
        else:
            a.append(law.a)
            b.append(law.b)
            c.append(law.c)
    laws = Laws(np.array(code, dtype=i64), np.array(a, dtype=float), np.array(b, dtype=float),
                np.array(c, dtype=float), np.array(pool if pool else [0.0], dtype=float))

    leaves: list[list[int]] = [[] for _ in range(m.n_units)]
    group_node = np.full(m.n_groups, -1, dtype=i64)
    parent = np.full(len(m.node_kind), -1, dtype=i64)
    for n, kind in enumerate(m.node_kind):
        if kind == LEAF:
            leaves[m.node_ref[n]].append(n)
        elif kind == STANDBY:
            group_node[m.node_ref[n]] = n
        for child in m.node_children[n]:
            parent[child] = n
    leaf_ptr, leaf_nodes = _csr(leaves)
    slot = np.full(m.n_units, -1, dtype=i64)
    for members in m.group_units:
        for j, u in enumerate(members):
            slot[u] = j

    ids = [int(s) for s in m.unit_stream]
    ids += [stream_id(events.Owner.GROUP, group_stream_name(m, g)) for g in range(m.n_groups)]
    ids += [stream_id(events.Owner.CREW, name) for name in m.crew_names]
    ids += [stream_id(events.Owner.STOCK, name) for name in m.stock_names]
    schedules = (*m.inspections, *m.maintenance)
    ids += [stream_id(events.Owner.SCHEDULE, x.label) for x in schedules]
    n_crews = len(m.crew_names)
    n_stocks = len(m.stock_names)
    units = Units(
        stream=np.arange(m.n_units, dtype=i64), type=m.unit_type.astype(i64),
        group=m.unit_group.astype(i64), slot=slot, priority=m.unit_priority.astype(i64),
        leaf_ptr=leaf_ptr, leaf_nodes=leaf_nodes)
    modes = Modes(ptr=m.type_mode_ptr.astype(i64), failure=m.mode_failure.astype(i64),
                  repair=m.mode_repair.astype(i64), detection=m.mode_detection.astype(i64),
                  coverage=m.mode_coverage.astype(float), spare=m.mode_spare.astype(i64),
                  crew=m.mode_crew.astype(i64))
    first_stream = m.n_units + m.n_groups + n_crews
    stocks = Stocks(size=m.stock_size.astype(i64), lead_time=m.stock_lead_time.astype(i64),
                    stream=np.arange(n_stocks, dtype=i64) + first_stream)
    sptr, sunits = _csr(tuple(x.units for x in schedules))
    flags = [np.array([getattr(x, k) for x in schedules], dtype=np.bool_)
             for k in ("rolling", "defer", "renews")]
    sched = Schedules(
        n_inspections=len(m.inspections), ptr=sptr, units=sunits,
        offset=np.array([o for x in schedules for o in x.offsets()], dtype=float),
        entry_schedule=np.array([i for i, x in enumerate(schedules) for _ in x.units],
                                dtype=i64),
        every=np.array([x.every for x in schedules], dtype=float),
        duration=np.array([x.duration for x in schedules], dtype=i64),
        coverage=np.array([x.coverage for x in schedules], dtype=float),
        rolling=flags[0], defer=flags[1], renews=flags[2],
        stream=np.arange(len(schedules), dtype=i64) + first_stream + n_stocks)
    crews = Crews(
        size=m.crew_size.astype(i64), response=m.crew_response.astype(i64),
        discipline=np.array([DISCIPLINES[d] for d in m.crew_discipline], dtype=i64),
        stream=np.arange(n_crews, dtype=i64) + m.n_units + m.n_groups)
    gptr, gmembers = _csr(m.group_units)
    groups = Groups(
        ptr=gptr, members=gmembers, dormant=m.group_dormant.astype(float),
        switchover=m.group_switchover.astype(i64), coverage=m.group_coverage.astype(float),
        detection=m.group_detection.astype(i64), node=group_node,
        stream=np.arange(m.n_groups, dtype=i64) + m.n_units)
    tree = Tree(k=m.node_k.astype(i64), parent=parent,
                n_children=np.array([len(ch) for ch in m.node_children], dtype=i64))
    layout = layout_of(m.n_types, n_crews, len(m.mode_labels), n_stocks)
    return Program(mission=float(m.mission), laws=laws, units=units, modes=modes, crews=crews,
                   stocks=stocks, schedules=sched, groups=groups, tree=tree,
                   streams=Streams(np.array(ids, dtype=np.uint64)), layout=layout)


def layout_of(n_types: int, n_crews: int, n_modes: int, n_stocks: int) -> Layout:
    """The record layout: the fixed columns of :mod:`hasim.events`, then per type, mode and
    stock."""
    c = events.Count.FAILURES_BY_TYPE + n_types
    v = events.downtime_by_type_column(n_crews) + n_types
    return Layout(n_types=n_types, n_crews=n_crews, n_modes=n_modes, n_stocks=n_stocks,
                  n_counts=c + n_modes + 2 * n_stocks, n_levels=v + n_modes + 2 * n_stocks,
                  down_by_type=events.downtime_by_type_column(n_crews), failures_by_mode=c,
                  part_requests=c + n_modes, parts_waited=c + n_modes + n_stocks,
                  down_by_mode=v, part_wait=v + n_modes, on_hand=v + n_modes + n_stocks)
