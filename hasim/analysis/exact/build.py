"""Building the chain: every state reachable from all-up, breadth first, by the rules of each
mechanism (:data:`RULES`), with progress, a memory check, a refusal that says why a chain is
too large, and one for a chain that cannot always return to all-up (the solvers need an
irreducible chain)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hasim.analysis.exact import crews, spares, standby, units
from hasim.analysis.exact.result import NotExact
from hasim.analysis.exact.rewards import up_states
from hasim.analysis.exact.state import Branch, Setup, State
from hasim.model.compile import CompiledModel

DEFAULT_MAX_STATES = 200_000
PROGRESS_EVERY = 10_000
"""States explored between progress reports (and memory checks)."""

RULES: tuple[Callable[[Setup, State], Iterator[Branch]], ...] = (
    units.branches, crews.branches, standby.branches, spares.branches)
"""Each mechanism's transitions out of a state; a new mechanism adds its rules here."""

BYTES_PER_STATE = 1000
"""Memory a chain takes per state while it is built and solved (the state's tuples, its index
entry, the solution vectors): benchmarks/exact/million.yaml peaked at 2.0 GiB for 1,315,212
states and 7,014,440 transitions, about 1,000 bytes a state beside BYTES_PER_TRANSITION; with
LU_FILL, what :func:`build_chain` checks against the memory available."""
BYTES_PER_TRANSITION = 120
"""Per transition: its (row, col, rate) in Python lists, then in the sparse generator."""
LU_FILL = 30
"""Sparse LU factors take up to this many times the generator's nonzeros (16 bytes each)."""

Progress = Callable[[int, int, int], None]
"""Called with (states explored, transitions, states found): explored / found is the share
of the breadth-first search done."""


@dataclass
class Chain:
    """A continuous-time Markov chain of a model: states, generator, which states are up."""

    states: list[State]
    Q: Any
    """scipy.sparse CSR generator, rows sum to 0."""
    up: np.ndarray
    initial: int
    rewards: dict[str, np.ndarray] = field(default_factory=dict)
    """Further reward vectors over the states, by name (the stocks': :func:`.spares.rewards`),
    whose long-run means and mission integrals the solvers report."""


def chain_bytes(states: int, transitions: int) -> int:
    """Estimated peak memory of building and solving a chain of this size."""
    solve = 16 * LU_FILL * (transitions + states)
    return BYTES_PER_STATE * states + BYTES_PER_TRANSITION * transitions + solve


def _check_memory(states: int, transitions: int, available: int | None) -> None:
    need = chain_bytes(states, transitions)
    if available is not None and need > available:
        raise NotExact(f"the Markov chain needs about {need / 2**30:,.1f} GiB at "
                       f"{states:,} states and {transitions:,} transitions (and growing), more "
                       f"than the {available / 2**30:,.1f} GiB available; lower --max-states or "
                       f"simplify the model")


def why_large(x: Setup, states: list[State]) -> str:
    """What makes a chain large: the parts of the state with the most distinct values."""
    parts: list[tuple[int, str]] = []
    for c, cls in enumerate(x.classes):
        lo, hi = x.span[c]
        seen = {s[0][lo:hi] for s in states}
        what = (f"{cls.size} interchangeable units" if cls.size > 1 else "one unit")
        modes = f", {len(cls.modes)} failure modes" if len(cls.modes) > 1 else ""
        parts.append((len(seen), f"{x.describe(c)} ({what}{modes}): {len(seen):,} "
                                 "combinations of phases"))
    m = x.m
    for k, name in enumerate(m.crew_names):
        seen_q = {s[1][k] for s in states}
        if len(seen_q) > 1:
            served = sorted({x.describe(x.kinds[j].c) for j in x.crew_kinds[k]})
            parts.append((len(seen_q), f"the queue of crew {name} ({x.discipline[k]}, "
                                       f"serving {', '.join(served)}): {len(seen_q):,} "
                                       "orders of waiting jobs"))
    for g in range(m.n_groups):
        seen_g = {s[2][g] for s in states}
        parts.append((len(seen_g), f"{m.group_label(g)}: {len(seen_g):,} group states"))
    for k, name in enumerate(m.stock_names):
        seen_s = {s[3][k] for s in states}
        if len(seen_s) > 1:
            parts.append((len(seen_s), f"the stock {name} (parts on hand and the order of "
                                       f"jobs waiting): {len(seen_s):,} states"))
    parts.sort(key=lambda p: -p[0])
    return "; ".join(text for _, text in parts[:3])


def build_chain(m: CompiledModel, max_states: int = DEFAULT_MAX_STATES,
                progress: Progress | None = None, lump: bool = True) -> Chain:
    """The Markov chain of a model whose laws are all exponential (or zero delays).

    ``progress`` is called every PROGRESS_EVERY states explored (and at the end); the memory
    the chain will need is checked against the memory available as it grows. ``lump=False``
    tracks every unit on its own (a larger chain with the same values: a check of lumping).

    Raises
    ------
    NotExact
        When a law is not exponential, the model has calendar schedules or latent failures
        nothing can find (:meth:`Setup.of`), the chain has more than ``max_states`` states
        (the message names the parts of the state that make it large), it would not fit in
        memory, or it cannot return to all-up from every state.
    """
    from scipy import sparse

    from hasim.limits import available_memory

    available = available_memory()
    x = Setup.of(m, lump)
    start = x.initial()
    index = {start: 0}
    states = [start]
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    explored = 0
    while explored < len(states):
        s = states[explored]
        i = explored
        explored += 1
        if explored % PROGRESS_EVERY == 0:
            _check_memory(len(states), len(vals), available)
            if progress is not None:
                progress(explored, len(vals), len(states))
        for rule in RULES:
            for t, rate, _kind in rule(x, s):
                if rate <= 0 or t == s:
                    continue
                j = index.get(t)
                if j is None:
                    if len(states) >= max_states:
                        raise NotExact(
                            f"the Markov chain has more than {max_states:,} states; raise the "
                            "limit (--max-states) or simplify the model; the largest parts of "
                            f"the state (counted in the first {max_states:,} states found, so "
                            f"at least): {why_large(x, states)}")
                    j = index[t] = len(states)
                    states.append(t)
                rows.append(i)
                cols.append(j)
                vals.append(rate)
    n = len(states)
    _check_memory(n, len(vals), available)
    if progress is not None:
        progress(explored, len(vals), n)
    Q = sparse.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    Q = (Q - sparse.diags(np.asarray(Q.sum(axis=1)).ravel())).tocsr()
    _check_irreducible(x, states, Q)
    up = up_states(x, states)
    return Chain(states=states, Q=Q, up=up, initial=0, rewards=spares.rewards(x, states))


def _check_irreducible(x: Setup, states: list[State], Q: Any) -> None:
    """Every state reached from all-up must lead back to it: else the chain has a closed
    class without all-up (a unit down for ever), whose values depend on where it is entered
    and which the solvers (a steady state with π₀ = 1, Poisson equations) cannot handle.
    (:meth:`Setup.of` refuses the known causes first, with their reasons.)"""
    from scipy.sparse.csgraph import breadth_first_order

    back = breadth_first_order(Q.T.tocsr(), 0, directed=True, return_predecessors=False)
    if len(back) == len(states):
        return
    seen = np.zeros(len(states), dtype=bool)
    seen[back] = True
    stuck = int(np.flatnonzero(~seen)[0])
    raise NotExact(f"the Markov chain cannot return to all-up from {len(states) - len(back):,} "
                   f"of its {len(states):,} states (for example: {x.explain(states[stuck])}); "
                   "the exact solver needs a chain that always can")
