"""Renewal theory for independent units with any laws: availability, failure frequency, mean up
and down times, and the importance of each component type — exact, in the steady state.

A model qualifies when its units live on their own (:func:`independent_units`:
no standby groups, no crew serving more units than its size, no spare parts — a stock is shared
— and no calendar schedules). Each unit then alternates up periods and down periods
independently of the others; a repair makes it as good as new, so its cycles are independent
and identically distributed (an alternating renewal process), and in the steady state it is up
with probability a = MTTF / (MTTF + MDT) and fails at the rate w = 1 / (MTTF + MDT) (one
failure per cycle: the renewal-reward theorem). Everything below depends on the laws only
through these two means (insensitivity), so a Weibull unit and an exponential one with the same
means give the same values.

With one failure mode the up period is the failure law (mean MTTF) and the down period the
detection + crew response (if it has a crew) + repair (mean MDT). With several competing modes
(independent lifetimes X_j, laws F_j, drawn afresh each life) the up period is min_j X_j, the
mode that ends it is the earliest, and the down period is that mode's detection + response of
its crew + repair:

    MTTF = ∫₀^∞ Π_j S_j(t) dt,    p_j = P(mode j ends the life) = ∫₀^∞ f_j(t) Π_{i≠j} S_i(t) dt,
    MDT = Σ_j p_j · (detection_j + response_j + repair_j)

(closed forms for exponential modes: MTTF = 1/Σλ, p_j = λ_j/Σλ; otherwise adaptive
Gauss–Legendre quadrature over pieces cut at the laws' quantiles, to a relative 1e-12; modes
need laws with a density — a ``fixed`` or ``empirical`` lifetime can tie with another
mode's). A failure monitoring can
miss (coverage below 1) would be latent for ever — nothing here can find it —, so such a model
is refused.

The system: with independent units the steady-state probability that the structure is up,
A = E[φ(X)], is a sum over the up-counts of the classes of exchangeable units
(:func:`hasim.analysis.exact.lumping.unit_classes`; one evaluation per combination of counts, each
weighted by binomial probabilities). The structure is monotone (every node is a k-of-n), so the
system is *coherent* and goes down only at a unit's failure, and only if that unit is *critical*
then: φ(1_u, X) = 1 and φ(0_u, X) = 0, an event of probability I_B(u) = A(u up) − A(u down), the
unit's Birnbaum importance. Hence the system's failure frequency

    w = Σ_u I_B(u) · w_u.

Why: take the stationary version of every unit's alternating renewal process, independent of
one another. Unit u's failures form a stationary point process of intensity w_u; the other
units are independent of it and stationary, so at u's failures they are in their steady state
(the Palm distribution of an independent process is its stationary law) and u is critical with
probability I_B(u); independent stationary point processes have no common points, so no two
units change state at once. (S. M. Ross, "On the calculation of asymptotic system reliability
characteristics", in Barlow, Fussell and Singpurwalla (eds.), *Reliability and Fault Tree
Analysis*, SIAM, 1975; R. E. Barlow and F. Proschan, *Statistical Theory of Reliability and Life
Testing*, 1975; for Markov chains it is the rate of leaving the up set that
:func:`hasim.analysis.exact.solve_chain` computes.) The mean up time is then A / w and the mean
down time (1 − A) / w, the long-run time up (down) per system failure.

These are the long-run values of a run that starts all-up and new whenever each unit's cycle
(up + down time) is non-lattice — any law with a density makes it so. Units whose laws are all
``fixed`` can stay in lock-step from t = 0 for ever (two such units fail together every cycle);
then a run's long-run values are not these, which are those of independent random phases.

Importance of a component type
------------------------------
In a hasim model the design knob is the component *type*: its laws, crew and count apply to all
its instances at once ("what if the database's repair were twice as fast?"). So each measure
treats the type's units as one group, with a_t (q_t = 1 − a_t) the availability (unavailability)
of each of them, U = 1 − A the system's unavailability:

* ``birnbaum`` = ∂A/∂a_t with all the type's units sharing a_t: the gain in system availability
  per unit gain of the type's unit availability. A is multilinear in the units' availabilities,
  so it is Σ_{u of t} I_B(u) (each unit's classical Birnbaum importance). With the chain rule it
  gives any parameter's sensitivity, e.g. ∂A/∂MTTF_t = birnbaum · MDT_t / (MTTF_t + MDT_t)².
* ``criticality`` = birnbaum · q_t / U = ∂ln U / ∂ln q_t: the relative change of the system's
  unavailability per relative change of the type's (first order: 10 % less q_t, about
  10 % × criticality less U). For a type of one unit it is the classical criticality importance,
  P(the unit is down and critical | the system is down), in [0, 1]; for several units it is the
  sum of theirs and exceeds 1 when the system is down only if several of them are (a parallel
  pair of one type: U = q², criticality 2). Sums over units and types are meaningful (the
  additivity of the differential importance measure, Borgonovo and Apostolakis, RESS 72, 2001).
* ``raw`` (risk achievement worth) = U(every unit of the type down) / U, and
* ``rrw`` (risk reduction worth) = U / U(no unit of the type ever down), with the others in their
  steady state: PRA practice for a group of basic events (all set failed, all set perfect).
  RAW tells whether the system survives losing the whole type — a bad release, a vendor bug,
  a common cause — and is 1/U for any type the system cannot lose; RRW bounds what improving
  the type can buy (its Fussell–Vesely importance is 1 − 1/RRW, the share of the system's
  unavailability with some unit of the type down in its cause).
* ``failure_frequency`` = Σ_{u of t} I_B(u) · w_u: system failures per hour whose cause is a
  failure of one of the type's units (the unit whose loss took the system down, as the
  simulator attributes outages); the types' values sum to the system's.

Edge cases: a type no structure node refers to has Birnbaum 0, criticality 0, failure frequency
0 and RAW = RRW = 1 exactly. A ratio of two equal unavailabilities is 1 (0/0 included: the
change changes nothing), a positive one over 0 is ``inf`` — so with U = 0 (a system that never
fails) RRW is 1 and RAW is ``inf`` for a type whose loss would take the system down, 1 for
another; criticality is 0 when U = 0 (there is no unavailability to attribute). RAW and RRW
are at least 1 (rounding is clipped). A type whose units never fail (a_t = 1) has criticality 0
and RRW 1. With w = 0 the mean up time is ``inf`` (``nan`` if A = 0) and the mean down time
``nan``. Probabilities below the smallest float (about 1e-308) are 0. :meth:`RenewalValues.to_dict`
writes ``None`` for every ``inf`` or ``nan``.

Example::

    import hasim
    from hasim.analysis.exact.renewal import renewal_values

    v = renewal_values(hasim.load_model("models/bridge.yaml"))
    v.failure_frequency * 8760          # system outages per year
    v.to_frame()                        # importance per component type
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from hasim.analysis.exact.lumping import latent_forever, modes_of, unit_classes
from hasim.analysis.exact.result import NoExactMethod, NotExact
from hasim.analysis.exact.state import refuse_schedules
from hasim.model.compile import KOFN, LEAF, CompiledModel
from hasim.model.distributions import Dist

DEFAULT_MAX_EVALUATIONS = 200_000
"""Most combinations of class up-counts the structure function is evaluated for (the same
default as the Markov chain's ``max_states``)."""
EXACT_BINOMIAL = 1000
"""Classes up to this many units take their binomial coefficients as exact integers; larger
ones from log-gamma (relative error about 1e-16 × n ln n in each probability)."""
QUADRATURE_RTOL = 1e-12
"""Relative tolerance of each piece of the integrals over competing failure modes."""
MAX_PIECES = 20_000
"""Most pieces the quadrature over competing failure modes may cut [0, ∞) into."""
MODES_TOLERANCE = 1e-9
"""Largest |Σ_j p_j − 1| accepted from the quadrature (else it is refused as inaccurate)."""
CELLS_PER_BLOCK = 4_000_000
"""States × structure nodes evaluated at once: bounds the memory of the vectorised evaluation
(a byte or eight per cell) whatever the model's size."""


@dataclass(frozen=True)
class TypeImportance:
    """Importance of one component type, its units taken as a group (module docstring)."""

    type: str
    units: int
    """Instances of the type."""
    unit_availability: float
    """a_t = MTTF / (MTTF + MDT) of each instance."""
    failure_frequency: float
    """System failures per hour caused by a failure of one of the type's units."""
    birnbaum: float
    """∂A/∂a_t, all the type's units sharing a_t: Σ of the units' Birnbaum importances."""
    criticality: float
    """birnbaum · (1 − a_t) / U = ∂ln U/∂ln(1 − a_t); 0 when U = 0."""
    raw: float
    """U(all the type's units down) / U; ``inf`` when U = 0 and losing the type takes the
    system down."""
    rrw: float
    """U / U(the type's units never down); ``inf`` when the type is in every cause."""

    def to_dict(self) -> dict[str, Any]:
        return {k: _json(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class RenewalValues:
    """Steady-state values of independent units with any laws. Rates per hour, times in hours."""

    steady_state_availability: float
    steady_state_unavailability: float
    """1 − A, summed over the down states (accurate where 1 − A would round away)."""
    failure_frequency: float
    """System failures per hour in the steady state: Σ_u I_B(u) / (MTTF_u + MDT_u)."""
    mean_up_time_hours: float
    """A / w; ``inf`` when w = 0."""
    mean_down_time_hours: float
    """(1 − A) / w; ``nan`` when w = 0."""
    types: tuple[TypeImportance, ...]
    """One per component type, in the model's order."""
    evaluations: int
    """Combinations of class up-counts the structure function was evaluated for."""

    def importance(self, type_name: str) -> TypeImportance:
        """The importance record of a component type, by name."""
        for t in self.types:
            if t.type == type_name:
                return t
        raise KeyError(type_name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values: ``None`` for ``inf`` and ``nan``."""
        return {
            "steady_state_availability": _json(self.steady_state_availability),
            "steady_state_unavailability": _json(self.steady_state_unavailability),
            "failure_frequency": _json(self.failure_frequency),
            "mean_up_time_hours": _json(self.mean_up_time_hours),
            "mean_down_time_hours": _json(self.mean_down_time_hours),
            "evaluations": self.evaluations,
            "types": [t.to_dict() for t in self.types],
        }

    def to_frame(self) -> Any:
        """The importance per type as a pandas DataFrame indexed by type."""
        import pandas as pd

        return pd.DataFrame([t.__dict__ for t in self.types]).set_index("type")


def _json(x: Any) -> Any:
    return None if isinstance(x, float) and not math.isfinite(x) else x


# --- classes of exchangeable units ---------------------------------------------------------


@dataclass(frozen=True)
class _Class:
    """Units of one type that the structure treats alike, tracked by how many are up."""

    units: tuple[int, ...]
    type: int
    a: float  # steady-state availability of one unit
    q: float  # its unavailability, from the means (not 1 − a: accurate when a ≈ 1)
    w: float  # its failure frequency per hour

    def pmf(self, n: int) -> np.ndarray:
        """P(k of n such units up), k = 0..n (log space: n may be large, q tiny)."""
        k = np.arange(n + 1)
        if self.q == 0.0:
            return (k == n).astype(float)
        if n <= EXACT_BINOMIAL:
            log_comb = np.array([math.log(math.comb(n, int(i))) for i in k])
        else:
            log_comb = np.array([math.lgamma(n + 1) - math.lgamma(i + 1)
                                 - math.lgamma(n - i + 1) for i in k])
        return np.asarray(np.exp(log_comb + k * math.log(self.a) + (n - k) * math.log(self.q)))


def _classes(m: CompiledModel) -> list[_Class]:
    """The chain's classes of interchangeable units (:func:`.lumping.unit_classes`), each
    with the availability, unavailability and cycle rate of one of its units."""
    out: list[_Class] = []
    for units in unit_classes(m):
        u = units[0]
        t = int(m.unit_type[u])
        modes = list(modes_of(m, t))
        for j in modes:
            if float(m.mode_coverage[j]) < 1.0:
                raise NoExactMethod(latent_forever(m, u, j))
        if len(modes) == 1:
            up, first = m.law(int(m.mode_failure[modes[0]])).mean, [1.0]
        else:
            up, first = competing([m.law(int(m.mode_failure[j])) for j in modes],
                                  m.unit_labels[u])
        down = sum(p * _down_time(m, j) for p, j in zip(first, modes, strict=True))
        if math.isinf(up):  # never fails
            a, q, w = 1.0, 0.0, 0.0
        else:
            cycle = up + down
            a, q, w = up / cycle, down / cycle, 1.0 / cycle
        out.append(_Class(units, t, a, q, w))
    return out


def _down_time(m: CompiledModel, j: int) -> float:
    """Mean down time after a failure in mode ``j``: its detection, the response of its crew
    (a crew that never makes a repair wait only adds its response time) and its repair."""
    crew = int(m.mode_crew[j])
    response = m.law(int(m.crew_response[crew])).mean if crew >= 0 else 0.0
    return (m.law(int(m.mode_detection[j])).mean + response
            + m.law(int(m.mode_repair[j])).mean)


def competing(laws: list[Dist], label: str = "a unit") -> tuple[float, list[float]]:
    """Competing independent lifetimes with these laws: the mean of their minimum and the
    probability that each is the earliest (module docstring).

    Raises
    ------
    NotExact
        For a ``fixed`` or ``empirical`` law (no density: ties), or a quadrature whose
        probabilities do not sum to 1 within MODES_TOLERANCE.
    """
    if all(d.is_exponential for d in laws):
        rates = [1.0 / d.a for d in laws]
        total = sum(rates)
        return 1.0 / total, [r / total for r in rates]
    for d in laws:
        if d.name in ("fixed", "empirical"):
            raise NotExact(f"{label}: renewal theory over several failure modes needs "
                           f"lifetime laws with a density; one is {d.describe()} (a fixed or "
                           "empirical lifetime can tie with another mode's)")
    frozen = [d.scipy() for d in laws]
    mean, *first = _integrate(frozen)
    if not abs(sum(first) - 1.0) <= MODES_TOLERANCE:
        raise NotExact(f"{label}: the integrals over its competing failure modes did not "
                       f"converge (the probabilities sum to {sum(first):.12g})")
    return mean, first


def _integrands(frozen: list[Any], t: np.ndarray) -> np.ndarray:
    """Rows: Π_j S_j(t), then f_j(t) Π_{i≠j} S_i(t) for each j (in log space)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_sf = [np.asarray(f.logsf(t), dtype=float) for f in frozen]
        rows = [np.exp(np.sum(log_sf, axis=0))]
        for j, f in enumerate(frozen):
            others = sum((x for i, x in enumerate(log_sf) if i != j), np.zeros_like(t))
            rows.append(np.exp(np.asarray(f.logpdf(t), dtype=float) + others))
    out = np.array(rows)
    out[~np.isfinite(out)] = 0.0  # 0 · ∞ outside a support
    return out


def _integrate(frozen: list[Any]) -> list[float]:
    """∫₀^∞ of each of :func:`_integrands`: Gauss–Legendre rules of 20 and 40 nodes on
    pieces cut at the laws' quantiles (and the end of their supports), each piece halved
    until the two rules agree to QUADRATURE_RTOL of each integral's total; the last piece,
    [b, ∞), mapped to [0, 1) by t = b + b·u/(1 − u).

    Raises
    ------
    NotExact
        When the pieces do not converge within MAX_PIECES."""
    cuts = {0.0}
    for f in frozen:
        lo, hi = (float(x) for x in f.support())
        for x in (lo, hi, *(float(f.ppf(q)) for q in (
                1e-15, 1e-12, 1e-9, 1e-6, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 1e-6, 1 - 1e-9,
                1 - 1e-12))):
            if math.isfinite(x) and x > 0:
                cuts.add(x)
    edges = sorted(cuts)
    b = edges[-1]
    x20, w20 = np.polynomial.legendre.leggauss(20)
    x40, w40 = np.polynomial.legendre.leggauss(40)

    def rule(lo: float, hi: float, x: np.ndarray, w: np.ndarray, tail: bool) -> np.ndarray:
        u = lo + (hi - lo) * (x + 1.0) / 2.0
        if not tail:
            return np.asarray(_integrands(frozen, u) @ w * ((hi - lo) / 2.0))
        t = b + b * u / (1.0 - u)
        return np.asarray(_integrands(frozen, t) @ (w * b / (1.0 - u) ** 2)
                          * ((hi - lo) / 2.0))

    pieces = [(lo, hi, False) for lo, hi in itertools.pairwise(edges)] + [(0.0, 1.0, True)]
    total = np.sum([rule(lo, hi, x40, w40, tail) for lo, hi, tail in pieces], axis=0)
    tolerance = QUADRATURE_RTOL * np.abs(total) + 1e-300
    result = np.zeros_like(total)
    todo = list(pieces)
    done = 0
    while todo:
        lo, hi, tail = todo.pop()
        fine = rule(lo, hi, x40, w40, tail)
        # a piece too narrow to halve (an integrable singularity at 0) holds next to nothing
        if (np.all(np.abs(fine - rule(lo, hi, x20, w20, tail)) <= tolerance)
                or hi - lo <= 1e-13 * max(hi, 1.0)):
            result += fine
            done += 1
            continue
        if done + len(todo) >= MAX_PIECES:
            raise NotExact("the integrals over competing failure modes did not converge "
                           f"within {MAX_PIECES:,} pieces")
        mid = (lo + hi) / 2.0
        todo += [(lo, mid, tail), (mid, hi, tail)]
    return [float(v) for v in result]


# --- the structure function over class up-counts -------------------------------------------


def _structure_table(m: CompiledModel, classes: list[_Class]) -> np.ndarray:
    """φ for every combination of class up-counts: a bool array of shape (n_c + 1, ...).

    The units of a class are up in their order (the first k of them when k are up); a lumped
    class is one the structure treats symmetrically, so which k does not matter. Vectorised
    over blocks of states; :meth:`CompiledModel.structure_up` is the definition (the tests
    compare the two on every state).
    """
    shape = tuple(len(c.units) + 1 for c in classes)
    where = {u: (i, r) for i, c in enumerate(classes) for r, u in enumerate(c.units)}
    nodes = len(m.node_kind)
    # per k-of-n node: k, its k-of-n children, and its leaves per class (None: every unit of
    # the class, which adds the class's up-count)
    plan: list[tuple[int, list[int], list[tuple[int, np.ndarray | None]]] | None] = []
    parents = np.zeros(nodes, dtype=np.int64)
    for n, kind in enumerate(m.node_kind):
        if kind == LEAF:
            plan.append(None)
            continue
        if kind != KOFN:
            raise NotExact("renewal theory needs a structure of k-of-n nodes and units "
                           "(no standby groups)")
        inner: list[int] = []
        leaves: dict[int, list[int]] = {}
        for ch in m.node_children[n]:
            if m.node_kind[ch] == LEAF:
                i, r = where[int(m.node_ref[ch])]
                leaves.setdefault(i, []).append(r)
            else:
                inner.append(int(ch))
                parents[ch] += 1
        terms = [(i, None if sorted(rs) == list(range(len(classes[i].units)))
                  else np.array(rs)) for i, rs in leaves.items()]
        plan.append((int(m.node_k[n]), inner, terms))
    total_states = math.prod(shape)
    out = np.empty(total_states, dtype=bool)
    root = m.root
    block = max(1, CELLS_PER_BLOCK // max(nodes, 1))
    for start in range(0, total_states, block):
        idx = np.arange(start, min(start + block, total_states))
        counts = np.unravel_index(idx, shape)
        if plan[root] is None:  # the system is one unit
            i, r = where[int(m.node_ref[root])]
            out[idx] = counts[i] > r
            continue
        up: dict[int, np.ndarray] = {}
        left = parents.copy()
        for n, step in enumerate(plan):
            if step is None:
                continue
            k, inner, terms = step
            total = np.zeros(len(idx), dtype=np.int64)
            for ch in inner:
                total += up[ch]
                left[ch] -= 1
                if left[ch] == 0:
                    del up[ch]  # the structure is a tree: free each node once used
            for i, rs in terms:
                if rs is None:
                    total += counts[i]
                else:
                    total += (counts[i][:, None] > rs[None, :]).sum(axis=1)
            up[n] = total >= k
        out[idx] = up[root]
    return out.reshape(shape)


def _expect(table: np.ndarray, vectors: list[np.ndarray]) -> float:
    """Σ table[k_1, ..., k_C] · Π_c vectors[c][k_c]: a contraction, one axis at a time."""
    x = table
    for v in reversed(vectors):
        x = x @ v
    return float(x)


def _ratio(x: float, y: float) -> float:
    """x / y for two unavailabilities that should satisfy x ≥ y: 1 when equal (0/0 included),
    inf for a positive x over 0, at least 1 (rounding clipped)."""
    if x == y:
        return 1.0
    if y == 0.0:
        return math.inf
    return max(1.0, x / y)


def independent_units(m: CompiledModel) -> bool:
    """Whether every unit lives on its own: no standby groups, no spare parts (a stock is
    shared, and its lead time adds to a repair), no calendar schedules, and no crew can ever
    make a repair wait (each crew is at least as large as the number of units whose failure
    modes it repairs)."""
    if m.group_units or np.any(m.mode_spare >= 0) or m.inspections or m.maintenance:
        return False
    served = np.zeros(len(m.crew_names), dtype=np.int64)
    for t in range(m.n_types):
        for c in {int(m.mode_crew[j]) for j in modes_of(m, t)} - {-1}:
            served[c] += m.type_counts[t]
    return bool(np.all(served <= m.crew_size))


def renewal_values(m: CompiledModel, max_evaluations: int = DEFAULT_MAX_EVALUATIONS
                   ) -> RenewalValues:
    """Steady-state availability, failure frequency, mean up and down times and the importance
    of each component type of a model of independent units with any laws (module docstring).

    Parameters
    ----------
    m
        A compiled model whose units are independent
        (:func:`independent_units`).
    max_evaluations
        Most combinations of class up-counts to evaluate the structure function for: the
        product over classes of exchangeable units of (units + 1). Memory is about 9 bytes per
        combination.

    Raises
    ------
    NotExact
        When the units are not independent, a failure can be latent, the integrals over
        competing failure modes cannot be done, or the structure needs more evaluations.
    """
    refuse_schedules(m)
    if not independent_units(m):
        raise NotExact("renewal theory needs independent units (no standby groups, no crew "
                       "serving more units than its size, no spare parts)")
    classes = _classes(m)
    evaluations = math.prod(len(c.units) + 1 for c in classes)
    if evaluations > max_evaluations:
        raise NotExact(f"the structure function over independent units needs "
                       f"{evaluations:,} evaluations, more than {max_evaluations:,}")
    phi = _structure_table(m, classes).astype(float)
    down = 1.0 - phi
    pmfs = [c.pmf(len(c.units)) for c in classes]
    A = _expect(phi, pmfs)
    U = _expect(down, pmfs)

    # Birnbaum importance of one unit of each class: E[φ(1_u, X) − φ(0_u, X)], the increments
    # of φ along the class's axis weighted by the other n − 1 units' binomial law (no
    # cancellation: every term is ≥ 0)
    unit_birnbaum = []
    for i, c in enumerate(classes):
        vectors = list(pmfs)
        vectors[i] = c.pmf(len(c.units) - 1)
        unit_birnbaum.append(_expect(np.diff(phi, axis=i), vectors))
    w = sum(len(c.units) * b * c.w for c, b in zip(classes, unit_birnbaum, strict=True))

    used = {int(m.unit_type[m.node_ref[n]]) for n, kind in enumerate(m.node_kind)
            if kind == LEAF}
    types = []
    for t, name in enumerate(m.type_names):
        mine = [i for i, c in enumerate(classes) if c.type == t]
        n_units = sum(len(classes[i].units) for i in mine)
        a_t = classes[mine[0]].a if mine else 1.0
        q_t = classes[mine[0]].q if mine else 0.0
        if t not in used:
            types.append(TypeImportance(name, n_units, a_t, 0.0, 0.0, 0.0, 1.0, 1.0))
            continue
        birnbaum = sum(len(classes[i].units) * unit_birnbaum[i] for i in mine)
        freq = sum(len(classes[i].units) * unit_birnbaum[i] * classes[i].w for i in mine)
        lost, perfect = list(pmfs), list(pmfs)
        for i in mine:
            lost[i] = np.zeros(len(classes[i].units) + 1)
            lost[i][0] = 1.0
            perfect[i] = np.zeros(len(classes[i].units) + 1)
            perfect[i][-1] = 1.0
        criticality = birnbaum * q_t / U if U > 0 and birnbaum * q_t > 0 else 0.0
        types.append(TypeImportance(
            type=name, units=n_units, unit_availability=a_t, failure_frequency=freq,
            birnbaum=birnbaum, criticality=criticality,
            raw=_ratio(_expect(down, lost), U), rrw=_ratio(U, _expect(down, perfect))))

    def per_failure(x: float) -> float:
        return x / w if w > 0 else (math.inf if x > 0 else math.nan)

    return RenewalValues(
        steady_state_availability=A, steady_state_unavailability=U, failure_frequency=w,
        mean_up_time_hours=per_failure(A), mean_down_time_hours=per_failure(U),
        types=tuple(types), evaluations=evaluations)
