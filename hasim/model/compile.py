"""ModelSpec → CompiledModel: cross-references checked, instances expanded, structure flattened.

The compiled model is frozen data (numpy arrays and tuples) that every engine reads; engines never
see the YAML or the pydantic objects.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from hasim.errors import ModelError, Problem
from hasim.model import schema
from hasim.model.distributions import ZERO, Dist, from_law
from hasim.model.load import (
    LineMap,
    ReadError,
    _dotted,
    excerpt,
    line_of,
    load_spec,
    parse_yaml,
    read_limited,
    validate_data,
)
from hasim.model.schema import MAX_UNITS
from hasim.rng import unit_stream_id
from hasim.units import HOURS_PER

# node kinds of the flattened structure
LEAF, KOFN, STANDBY = 0, 1, 2
MODES = {"cold": 0.0, "hot": 1.0}
AT_ONCE = -2
"""``group_detection`` of a ``0s`` health check (``-1``: none, the unit's own detection)."""

MAX_NODES = 2 * MAX_UNITS
"""Most nodes in the flattened structure (a name among children adds one leaf per instance)."""
MAX_QUEUE_CELLS = 50_000_000
"""Most crews × (units + 1): the engines keep, for every crew, a queue with room for every unit
(:func:`hasim.kernels.state.new_state`), 8 bytes a cell."""
MAX_DATA_BYTES = 16 << 20
"""Largest ``empirical`` data file (CSV)."""
MAX_DATA_VALUES = 1_000_000
"""Most values in one empirical law."""
ALLOW_DATA_OUTSIDE = "HASIM_ALLOW_DATA_OUTSIDE"
"""Environment variable: ``1`` lets ``empirical: {file: ...}`` read files outside the model's
folder and the ``data`` folder beside it (as ``load_model(..., allow_outside_data=True)``)."""


class _Abort(Exception):
    """Stop compiling: a limit was exceeded and going on would only cost time and memory."""


def _some(names: Iterable[str], n: int = 10) -> str:
    """The first ``n`` names, joined (a list in a message stays short)."""
    names = list(names)
    shown = ", ".join(names[:n])
    return shown + (f", ... ({len(names):,} in all)" if len(names) > n else "")


def _allow_outside(flag: bool) -> bool:
    return flag or os.environ.get(ALLOW_DATA_OUTSIDE, "").strip().lower() in ("1", "true",
                                                                              "yes")


@dataclass(frozen=True)
class CompiledModel:
    """A model ready for the engines. Units are the instances of components, numbered in order.

    Laws are stored once in ``laws``; units, crews and standby groups refer to them by index
    (``-1``: no delay). The structure is a list of nodes, children before parents, the root last:
    a ``KOFN`` node is up when at least ``node_k`` of its children are up (series: k = n,
    parallel: k = 1, quorum: k = n // 2 + 1); a ``LEAF`` node is up when its unit is; a
    ``STANDBY`` node is up when its group has an active unit in service.
    """

    name: str
    mission: float
    laws: tuple[Dist, ...]
    type_names: tuple[str, ...]
    type_kinds: tuple[str, ...]
    type_counts: tuple[int, ...]
    unit_type: np.ndarray
    unit_labels: tuple[str, ...]
    unit_stream: tuple[int, ...]
    """Identity of each unit in random stream keys (:func:`hasim.rng.unit_stream_id`)."""
    unit_failure: np.ndarray
    unit_repair: np.ndarray
    unit_detection: np.ndarray
    unit_crew: np.ndarray
    unit_group: np.ndarray
    unit_priority: np.ndarray
    """Crew queue order under ``discipline: priority`` (lower first)."""
    crew_names: tuple[str, ...]
    crew_size: np.ndarray
    crew_response: np.ndarray
    crew_discipline: tuple[str, ...]
    group_units: tuple[tuple[int, ...], ...]
    group_mode: tuple[str, ...]
    group_dormant: np.ndarray
    """Ageing rate of an idle spare relative to the active unit: hot 1, warm the factor, cold 0."""
    group_switchover: np.ndarray
    group_coverage: np.ndarray
    group_detection: np.ndarray
    """The group's own detection law (its health check); ``AT_ONCE`` (-2) for ``0s``: the
    switchover starts at the failure; -1: none, it starts at the failed unit's own detection."""
    node_kind: np.ndarray
    node_k: np.ndarray
    node_ref: np.ndarray
    """Unit of a LEAF node, group of a STANDBY node, -1 otherwise."""
    node_children: tuple[tuple[int, ...], ...]
    spec: schema.ModelSpec = field(repr=False, compare=False)
    source: str | None = None
    warnings: tuple[str, ...] = ()
    # failure modes: type t has modes type_mode_ptr[t] .. type_mode_ptr[t + 1] - 1
    mode_labels: tuple[str, ...] = ()
    """``db`` for a component's only mode (``failure:``), ``db.crash`` for one of ``failures``."""
    type_mode_ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    mode_type: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    mode_failure: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    mode_repair: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    mode_detection: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    mode_coverage: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Probability that monitoring notices a failure of the mode (0 for ``effect: latent``)."""
    mode_effect: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Index into :data:`hasim.model.schema.EFFECTS`."""
    mode_spare: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Stock a repair of the mode takes a part from, -1: none."""
    mode_crew: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # spares
    stock_names: tuple[str, ...] = ()
    stock_size: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    stock_lead_time: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # calendar schedules: inspections and maintenance, in model order
    inspections: tuple[Schedule, ...] = ()
    maintenance: tuple[Schedule, ...] = ()

    @property
    def n_units(self) -> int:
        return len(self.unit_labels)

    @property
    def n_types(self) -> int:
        return len(self.type_names)

    @property
    def n_groups(self) -> int:
        return len(self.group_units)

    @property
    def has_modes(self) -> bool:
        """Some component has several failure modes (results are then also given by mode)."""
        return len(self.mode_labels) > self.n_types

    @property
    def may_be_latent(self) -> bool:
        """Some failure mode has a coverage below 1 (latent failures can happen)."""
        return bool(len(self.mode_coverage) and self.mode_coverage.min() < 1.0)

    def schedule_label(self, i: int) -> str:
        """Schedule ``i`` of the engines (inspections first, then maintenance):
        ``inspections[0]`` or ``maintenance[1]``."""
        n = len(self.inspections)
        return f"inspections[{i}]" if i < n else f"maintenance[{i - n}]"

    def group_label(self, g: int) -> str:
        """A group's name in results and traces: ``standby(a[0], a[1])``."""
        return "standby(" + ", ".join(self.unit_labels[u] for u in self.group_units[g]) + ")"

    @cached_property
    def program(self) -> Any:
        """The model lowered to the engines' arrays (:class:`hasim.model.lower.Program`)."""
        from hasim.model.lower import lower

        return lower(self)

    @property
    def root(self) -> int:
        return len(self.node_kind) - 1

    def law(self, index: int) -> Dist:
        """The law at ``index``; the zero delay for ``-1``."""
        return ZERO if index < 0 else self.laws[index]

    def structure_up(self, unit_up: Sequence[bool], group_up: Sequence[bool] = ()) -> bool:
        """Evaluate the structure function for given unit (and standby group) states."""
        up = np.zeros(len(self.node_kind), dtype=bool)
        for n, kind in enumerate(self.node_kind):
            if kind == LEAF:
                up[n] = unit_up[self.node_ref[n]]
            elif kind == STANDBY:
                up[n] = group_up[self.node_ref[n]]
            else:
                up[n] = sum(up[c] for c in self.node_children[n]) >= self.node_k[n]
        return bool(up[-1])


@dataclass(frozen=True)
class Schedule:
    """An inspection or maintenance schedule: rounds at ``first + k·every`` over ``units`` (in
    the order written); ``duration`` a law index (-1: no time out of service)."""

    label: str
    """``inspections[0]`` or ``maintenance[1]`` with what it covers: a stream owner's name."""
    units: tuple[int, ...]
    every: float
    first: float
    duration: int
    coverage: float = 1.0
    stagger: bool = False
    rolling: bool = True
    defer: bool = False
    renews: bool = False

    def offsets(self) -> tuple[float, ...]:
        """The first instant of each unit's inspections (stagger spreads them over ``every``)."""
        n = len(self.units)
        return tuple(self.first + (j * self.every / n if self.stagger else 0.0)
                     for j in range(n))


_REF = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)(?:\[(\d+)\])?$")


class _Compiler:
    def __init__(self, spec: schema.ModelSpec, lines: LineMap, source: str | None,
                 allow_outside_data: bool = False):
        self.spec = spec
        self.lines = lines
        self.source = source
        self.allow_outside_data = allow_outside_data
        self.problems: list[Problem] = []
        self.laws: list[Dist] = []
        self._law_index: dict[Dist, int] = {}
        self.type_names = list(spec.components)
        first = 0
        self.type_first: dict[str, int] = {}
        for name, comp in spec.components.items():
            self.type_first[name] = first
            first += comp.count
        self.n_units = first
        self.labels: list[str] = []
        """Label of every unit (``web[2]``; a type of count 1: its name)."""
        self.used_types: set[str] = set()
        self.unit_uses: dict[int, list[tuple[Any, ...]]] = {}
        self.standby_units: dict[int, tuple[Any, ...]] = {}
        self.node_kind: list[int] = []
        self.node_k: list[int] = []
        self.node_ref: list[int] = []
        self.node_children: list[tuple[int, ...]] = []
        self.groups: list[dict[str, Any]] = []

    def error(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(_dotted(path), message, line_of(self.lines, path),
                                     self.source))

    # -- laws --
    def law(self, law: schema.Law | None, path: tuple[Any, ...], positive: bool = False) -> int:
        if law is None:
            return -1
        values = None
        name = law.name
        if name == "empirical" and law.params.file is not None:
            values = self._read_csv(law.params, (*path, "empirical"))
            if values is None:
                return -1
        dist = from_law(law, values)
        index = self._law_index.get(dist)
        if index is None:  # a law not seen before (a law in the table has passed the checks)
            reason = dist.problem()
            if reason is not None:
                self.error((*path, name), reason)
                return -1
            index = len(self.laws)
        if positive and not dist.mean > 0:
            self.error(path, "must have a positive mean")
        if dist.is_zero:
            return -1
        if index == len(self.laws):
            self._law_index[dist] = index
            self.laws.append(dist)
        return index

    def _data_roots(self) -> tuple[Path, ...]:
        """Folders data files may be in: the model's own (and below) and ``data`` beside it
        (``../data/x.csv``, this repository's layout). The model's folder is resolved; the
        ``data`` folder is not, so that a ``data`` symlink cannot widen the tree."""
        try:
            here = (Path(self.source).parent if self.source else Path.cwd()).resolve()
        except (OSError, RuntimeError, ValueError):
            here = Path.cwd()
        return here, here.parent / "data"

    def _read_csv(self, p: schema.Empirical, path: tuple[Any, ...]) -> tuple[float, ...] | None:
        assert p.file is not None and p.column is not None
        where = (*path, "file")
        shown = excerpt(p.file, 80)
        roots = self._data_roots()
        try:
            file = (roots[0] / p.file).resolve()
        except (OSError, RuntimeError, ValueError) as exc:  # symlink loops, NUL in the name
            self.error(where, f"cannot use data file {shown}: {exc}")
            return None
        if not _allow_outside(self.allow_outside_data) and \
                not any(file.is_relative_to(root) for root in roots):
            self.error(where, f"data file {shown} is outside the model's folder: a data file "
                              "must be in the model's folder (or below it) or in the data folder "
                              f"beside it; set {ALLOW_DATA_OUTSIDE}=1 to allow other paths")
            return None
        try:
            raw = read_limited(file, MAX_DATA_BYTES)
        except ReadError as exc:
            self.error(where, f"data file {shown} {exc}" if str(exc).startswith("is ")
                       else f"data file {shown}: {exc}")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            self.error(where, f"{shown}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}): "
                              "a data file is a CSV text file")
            return None
        if "\0" in text:
            line = text.count("\n", 0, text.index("\0")) + 1
            self.error(where, f"{shown}:{line}: a NUL byte: a data file is a CSV text file")
            return None
        return self._values(csv.reader(io.StringIO(text, newline="")), p, path, shown)

    def _values(self, reader: Any, p: schema.Empirical, path: tuple[Any, ...],
                shown: str) -> tuple[float, ...] | None:
        where = (*path, "file")
        scale = HOURS_PER[p.unit]
        values: list[float] = []
        try:
            header = next(reader, None)
            if not header or p.column not in header:
                columns = excerpt(", ".join(header or []) or "none")
                self.error((*path, "column"), f"no column {p.column!r} in {shown} (columns: "
                                              f"{columns})")
                return None
            col = header.index(p.column)
            for row in reader:
                if not row:
                    continue  # a blank line
                line = reader.line_num
                if col >= len(row):
                    self.error(where, f"{shown}:{line}: no value in column {p.column!r}")
                    return None
                try:
                    v = float(row[col]) * scale
                except ValueError:
                    self.error(where, f"{shown}:{line}: {excerpt(row[col])} is not a number")
                    return None
                if not math.isfinite(v):
                    self.error(where, f"{shown}:{line}: {excerpt(row[col])} is not a finite "
                                      "number")
                    return None
                if v < 0:
                    self.error(where, f"{shown}:{line}: durations must be >= 0, got "
                                      f"{excerpt(row[col])}")
                    return None
                if len(values) >= MAX_DATA_VALUES:
                    self.error(where, f"{shown}: more than {MAX_DATA_VALUES:,} values")
                    return None
                values.append(v)
        except csv.Error as exc:
            self.error(where, f"{shown}:{reader.line_num}: not a valid CSV file "
                              f"({excerpt(str(exc), 80)})")
            return None
        if not values:
            self.error(where, f"{shown}: no values in column {p.column!r}")
            return None
        return tuple(values)

    # -- structure --
    def refs(self, ref: str, path: tuple[Any, ...]) -> list[int]:
        match = _REF.match(ref)
        name, index = (match.group(1), match.group(2)) if match else (ref, None)
        if name not in self.spec.components:
            self.error(path, f"unknown component {name!r} (components: "
                             f"{_some(self.type_names)})")
            return []
        self.used_types.add(name)
        count = self.spec.components[name].count
        first = self.type_first[name]
        if index is None:
            return list(range(first, first + count))
        if int(index) >= count:
            self.error(path, f"{ref}: {name} has {count} instance(s), numbered 0 to {count - 1}")
            return []
        return [first + int(index)]

    def add(self, kind: int, k: int, ref: int, children: Sequence[int]) -> int:
        self.node_kind.append(kind)
        self.node_k.append(k)
        self.node_ref.append(ref)
        self.node_children.append(tuple(children))
        return len(self.node_kind) - 1

    def leaf(self, unit: int, path: tuple[Any, ...]) -> int:
        self.unit_uses.setdefault(unit, []).append(path)
        return self.add(LEAF, 1, unit, ())

    def children(self, of: str | list[Any], path: tuple[Any, ...]) -> list[int]:
        if isinstance(of, str):
            return [self.leaf(u, path) for u in self.refs(of, path)]
        out: list[int] = []
        for i, child in enumerate(of):
            if isinstance(child, str):
                # a bare name among children stands for all its instances, each a child
                out.extend(self.leaf(u, (*path, i)) for u in self.refs(child, (*path, i)))
            else:
                out.append(self.node(child, (*path, i)))
        return out

    def node(self, node: str | schema.StructureNode, path: tuple[Any, ...]) -> int:
        if isinstance(node, str):
            units = self.refs(node, path)
            if len(units) == 1:
                return self.leaf(units[0], path)
            return self.add(KOFN, len(units), -1, [self.leaf(u, path) for u in units])
        kind = node.kind
        p = (*path, kind)
        if kind in ("series", "parallel"):
            kids = self.children(getattr(node, kind), p)
            return self.add(KOFN, len(kids) if kind == "series" else min(1, len(kids)), -1, kids)
        if kind == "k_of_n":
            assert node.k_of_n is not None
            kids = self.children(node.k_of_n.of, (*p, "of"))
            if kids and node.k_of_n.k > len(kids):
                self.error((*p, "k"), f"k = {node.k_of_n.k} but there are only {len(kids)} "
                                      "children (k must be <= n)")
            return self.add(KOFN, node.k_of_n.k, -1, kids)
        if kind == "quorum":
            assert node.quorum is not None
            kids = self.children(node.quorum.of, (*p, "of"))
            return self.add(KOFN, len(kids) // 2 + 1, -1, kids)
        assert node.standby is not None
        return self.standby(node.standby, p)

    def standby(self, sb: schema.Standby, path: tuple[Any, ...]) -> int:
        units: list[int] = []
        refs = [sb.of] if isinstance(sb.of, str) else sb.of
        for i, ref in enumerate(refs):
            p = (*path, "of") if isinstance(sb.of, str) else (*path, "of", i)
            for u in self.refs(ref, p):
                if u in self.standby_units:  # this group's members are in it too
                    self.error(p, f"{self._label(u)} is already a member of a standby group")
                    continue
                self.standby_units[u] = p
                units.append(u)
        switchover = self.law(sb.switchover, (*path, "switchover"))
        detection = self.law(sb.detection, (*path, "detection"))
        if sb.detection is not None and detection < 0:
            detection = AT_ONCE  # a 0s health check: the switchover starts at the failure
        dormant = MODES.get(sb.mode, sb.dormant_factor)
        group = len(self.groups)
        self.groups.append(dict(units=tuple(units), mode=sb.mode, dormant=dormant,
                                switchover=switchover, coverage=sb.coverage,
                                detection=detection))
        return self.add(STANDBY, 1, group, ())

    def _label(self, unit: int) -> str:
        return self.labels[unit]

    def _ref_size(self, ref: str) -> int:
        match = _REF.match(ref)
        comp = self.spec.components.get(match.group(1)) if match else None
        if comp is None:
            return 0  # reported when compiled
        return 1 if match.group(2) is not None else comp.count  # type: ignore[union-attr]

    def _tree_size(self, node: str | schema.StructureNode) -> int:
        """Nodes :meth:`node` will make of ``node``, without making them."""
        if isinstance(node, str):
            n = self._ref_size(node)
            return n + 1 if n > 1 else n
        kind = node.kind
        if kind == "standby":
            return 1
        part = getattr(node, kind)
        of = part if kind in ("series", "parallel") else part.of
        if isinstance(of, str):
            return 1 + self._ref_size(of)
        return 1 + sum(self._ref_size(c) if isinstance(c, str) else self._tree_size(c)
                       for c in of)

    def check_sizes(self) -> None:
        """Refuse a model too large for the engines before building anything of it."""
        total = 0
        for name, comp in self.spec.components.items():
            total += comp.count
            if total > MAX_UNITS:
                self.error(("components", name, "count"),
                           f"the model has more than {MAX_UNITS:,} units ({total:,} counting "
                           f"the components up to {name}); hasim simulates at most "
                           f"{MAX_UNITS:,}")
                raise _Abort
        cells = len(self.spec.crews) * (total + 1)
        if cells > MAX_QUEUE_CELLS:
            self.error(("crews",), f"{len(self.spec.crews):,} crews for {total:,} units is too "
                                   f"many: crews × (units + 1) must be at most "
                                   f"{MAX_QUEUE_CELLS:,} (each crew queues every unit)")
            raise _Abort
        nodes = self._tree_size(self.spec.system)
        if nodes > MAX_NODES:
            self.error(("system",), f"the structure has {nodes:,} nodes; the limit is "
                                    f"{MAX_NODES:,} (a name among children adds one leaf per "
                                    "instance)")
            raise _Abort

    def compile(self) -> CompiledModel:
        try:
            self.check_sizes()
            return self._compile()
        except _Abort:
            raise ModelError(self.problems) from None

    def _compile(self) -> CompiledModel:
        spec = self.spec
        for name, comp in spec.components.items():
            self.labels.extend([name] if comp.count == 1 else
                               [f"{name}[{i}]" for i in range(comp.count)])
        crew_names = list(spec.crews)
        crew_number = {name: c for c, name in enumerate(crew_names)}
        crew_response = [self.law(c.response, ("crews", n, "response"))
                         for n, c in spec.crews.items()]
        stock_names = list(spec.spares)
        stock_number = {name: s for s, name in enumerate(stock_names)}
        stock_lead = [self.law(sp.lead_time, ("spares", n, "lead_time"), positive=True)
                      for n, sp in spec.spares.items()]
        modes: dict[str, list[Any]] = {k: [] for k in (
            "label", "type", "failure", "repair", "detection", "coverage", "effect", "spare",
            "crew")}
        mode_ptr = [0]
        unit_type, failure, repair, detection, crew, priority = [], [], [], [], [], []
        for t, (name, comp) in enumerate(spec.components.items()):
            p = ("components", name)
            c = self._named(comp.crew, crew_number, (*p, "crew"), "crew", "crews")
            spare = self._named(comp.spare, stock_number, (*p, "spare"), "spare stock",
                                "spares")
            if comp.failures is None:  # laws in the order written: failure, repair, detection
                assert comp.failure is not None
                f = self.law(comp.failure, (*p, "failure"), positive=True)
            r = self.law(comp.repair, (*p, "repair"), positive=True)
            d = self.law(comp.detection, (*p, "detection"))
            if comp.failures is None:
                rows = [(name, f, r, d, comp.coverage, 0, spare, c)]
            else:
                rows = []
                for j, mode in enumerate(comp.failures):
                    q = (*p, "failures", j)
                    rows.append((
                        f"{name}.{mode.name}",
                        self.law(mode.law, (*q, "law"), positive=True),
                        r if mode.repair is None else self.law(mode.repair, (*q, "repair"),
                                                               positive=True),
                        d if mode.detection is None else self.law(mode.detection,
                                                                  (*q, "detection")),
                        0.0 if mode.effect == "latent" else
                        comp.coverage if mode.coverage is None else mode.coverage,
                        schema.EFFECTS.index(mode.effect),
                        spare if mode.spare is None else
                        self._named(mode.spare, stock_number, (*q, "spare"), "spare stock",
                                    "spares"),
                        c if mode.crew is None else
                        self._named(mode.crew, crew_number, (*q, "crew"), "crew", "crews")))
            for row in rows:
                for key, value in zip(modes, (row[0], t, *row[1:]), strict=True):
                    modes[key].append(value)
            mode_ptr.append(len(modes["label"]))
            f, r, d = rows[0][1:4]
            for _ in range(comp.count):
                unit_type.append(t)
                failure.append(f)
                repair.append(r)
                detection.append(d)
                crew.append(c)
                priority.append(comp.priority)
        self.node(spec.system, ("system",))
        in_system = set(self.used_types)  # a schedule does not put a component in the system
        inspections = tuple(self.schedule("inspections", i, x)
                            for i, x in enumerate(spec.inspections))
        maintenance = tuple(self.schedule("maintenance", i, x)
                            for i, x in enumerate(spec.maintenance))
        self.used_types = in_system
        for u, p in self.standby_units.items():
            for use in self.unit_uses.get(u, []):
                if use != p:
                    self.error(use, f"{self._label(u)} is a member of the standby group at "
                                    f"{_dotted(p)} and cannot appear elsewhere in the structure")
        if self.problems:
            raise ModelError(self.problems)
        warnings = tuple(
            f"{self.source or '<model>'}:{line_of(self.lines, ('components', n))}: "
            f"components.{n}: not used in system"
            for n in self.type_names if n not in self.used_types
        )
        unit_group = np.full(self.n_units, -1, dtype=np.int64)
        for g, group in enumerate(self.groups):
            for u in group["units"]:
                unit_group[u] = g
        return CompiledModel(
            name=spec.name,
            mission=spec.mission,
            laws=tuple(self.laws),
            type_names=tuple(self.type_names),
            type_kinds=tuple(c.kind for c in spec.components.values()),
            type_counts=tuple(c.count for c in spec.components.values()),
            unit_type=np.array(unit_type, dtype=np.int64),
            unit_labels=tuple(self.labels),
            unit_stream=tuple(unit_stream_id(name, i) for name, comp in spec.components.items()
                              for i in range(comp.count)),
            unit_failure=np.array(failure, dtype=np.int64),
            unit_repair=np.array(repair, dtype=np.int64),
            unit_detection=np.array(detection, dtype=np.int64),
            unit_crew=np.array(crew, dtype=np.int64),
            unit_group=unit_group,
            unit_priority=np.array(priority, dtype=np.int64),
            crew_names=tuple(crew_names),
            crew_size=np.array([c.size for c in spec.crews.values()], dtype=np.int64),
            crew_response=np.array(crew_response, dtype=np.int64),
            crew_discipline=tuple(c.discipline for c in spec.crews.values()),
            group_units=tuple(g["units"] for g in self.groups),
            group_mode=tuple(g["mode"] for g in self.groups),
            group_dormant=np.array([g["dormant"] for g in self.groups], dtype=float),
            group_switchover=np.array([g["switchover"] for g in self.groups], dtype=np.int64),
            group_coverage=np.array([g["coverage"] for g in self.groups], dtype=float),
            group_detection=np.array([g["detection"] for g in self.groups], dtype=np.int64),
            node_kind=np.array(self.node_kind, dtype=np.int64),
            node_k=np.array(self.node_k, dtype=np.int64),
            node_ref=np.array(self.node_ref, dtype=np.int64),
            node_children=tuple(self.node_children),
            spec=spec,
            source=self.source,
            warnings=warnings,
            mode_labels=tuple(modes["label"]),
            type_mode_ptr=np.array(mode_ptr, dtype=np.int64),
            mode_type=np.array(modes["type"], dtype=np.int64),
            mode_failure=np.array(modes["failure"], dtype=np.int64),
            mode_repair=np.array(modes["repair"], dtype=np.int64),
            mode_detection=np.array(modes["detection"], dtype=np.int64),
            mode_coverage=np.array(modes["coverage"], dtype=float),
            mode_effect=np.array(modes["effect"], dtype=np.int64),
            mode_spare=np.array(modes["spare"], dtype=np.int64),
            mode_crew=np.array(modes["crew"], dtype=np.int64),
            stock_names=tuple(stock_names),
            stock_size=np.array([sp.stock for sp in spec.spares.values()], dtype=np.int64),
            stock_lead_time=np.array(stock_lead, dtype=np.int64),
            inspections=inspections,
            maintenance=maintenance,
        )

    def _named(self, name: str | None, numbers: dict[str, int], path: tuple[Any, ...],
               what: str, section: str) -> int:
        """The number of a crew or stock named in a component (-1: none named)."""
        if name is None:
            return -1
        if name in numbers:
            return numbers[name]
        known = _some(numbers) or "none defined"
        self.error(path, f"unknown {what} {name!r} ({section}: {known})")
        return -1

    def schedule(self, section: str, index: int,
                 x: schema.Inspection | schema.Maintenance) -> Schedule:
        path = (section, index)
        refs = [x.of] if isinstance(x.of, str) else x.of
        units: list[int] = []
        for i, ref in enumerate(refs):
            p = (*path, "of") if isinstance(x.of, str) else (*path, "of", i)
            for u in self.refs(ref, p):
                if u in units:
                    self.error(p, f"{self._label(u)} is named twice in this schedule")
                else:
                    units.append(u)
        duration = self.law(x.duration, (*path, "duration"))
        label = f"{section}[{index}] of " + ",".join(refs)
        first = x.every if x.first is None else x.first
        if isinstance(x, schema.Inspection):
            return Schedule(label, tuple(units), x.every, first, duration, coverage=x.coverage,
                            stagger=x.stagger)
        if duration < 0:
            self.error((*path, "duration"), "maintenance needs a duration with a positive mean")
        return Schedule(label, tuple(units), x.every, first, duration, rolling=x.rolling,
                        defer=x.defer, renews=x.renews)


def compile_spec(spec: schema.ModelSpec, lines: LineMap | None = None,
                 source: str | None = None, *, allow_outside_data: bool = False
                 ) -> CompiledModel:
    """Check cross-references and flatten a validated spec; raises :class:`ModelError`.

    ``allow_outside_data``: let empirical laws read data files outside the model's folder and
    the ``data`` folder beside it (also set by the environment variable
    ``HASIM_ALLOW_DATA_OUTSIDE=1``)."""
    return _Compiler(spec, lines or {}, source, allow_outside_data).compile()


def load_model(path: str | Path, *, allow_outside_data: bool = False) -> CompiledModel:
    """Read, validate and compile a model file.

    Parameters
    ----------
    path
        The model file (YAML, at most 1 MiB).
    allow_outside_data
        Let ``empirical: {file: ...}`` read CSV files anywhere. By default a data file must be
        in the model's folder (or below it) or in the ``data`` folder beside it, symlinks
        resolved; the environment variable ``HASIM_ALLOW_DATA_OUTSIDE=1`` does the same.

    Raises
    ------
    ModelError
        Naming the file, line and key of every mistake found.
    """
    spec, lines = load_spec(path)
    return compile_spec(spec, lines, str(path), allow_outside_data=allow_outside_data)


def model_from_yaml(text: str, source: str = "<model>", *,
                    allow_outside_data: bool = False) -> CompiledModel:
    """Compile a model given as YAML text (notebooks, tests); data files are relative to the
    current directory."""
    data, lines = parse_yaml(text, source)
    return compile_spec(validate_data(data, lines, source), lines, source,
                        allow_outside_data=allow_outside_data)


def model_from_dict(data: dict[str, Any], source: str = "<model>", *,
                    allow_outside_data: bool = False) -> CompiledModel:
    """Compile a model given as plain data, as it would be written in YAML."""
    return compile_spec(validate_data(data, None, source), None, source,
                        allow_outside_data=allow_outside_data)
