"""Exact analysis beside every simulation: the Markov chain of a model, or renewal theory.

* **Markovian models** — every failure (of every failure mode), repair, detection, crew
  response, switchover, group detection and spare-part lead time law is exponential (or a
  zero delay): :func:`build_chain` builds the continuous-time Markov chain of the compiled
  model with the rules of the engines (DESIGN.md, "Semantics"; the SimPy reference engine is
  the definition), one module per mechanism — :mod:`.units` (competing failure modes,
  coverage and latent failures, detection, repair ends), :mod:`.crews` (the mode's crew,
  responses, queue disciplines), :mod:`.standby` (switchovers, health checks, latent
  failures revealed by an attempt), :mod:`.spares` (stocks with one-for-one reordering, jobs
  waiting for a part). Each rule yields labelled branches (next state, rate, kind);
  :mod:`.build` explores the states reachable from all-up. Interchangeable units are
  tracked as counts per (phase, failure mode) (:mod:`.lumping`: equal signature in the
  lowered Program — its type fixes its modes — and symmetric in the structure); the state
  layout is in :mod:`.state`. :mod:`.linalg` solves the chain: the steady state, the
  interval availability over the mission starting all-up (what a Monte Carlo estimates),
  the failure frequency, mean up and down times, the mean time to the first system
  failure, the expected number of outages and the probability of at least one within the
  mission, and per stock the parts on hand and the repairs that waited for a part.
* **Independent components with any laws** (no standby groups, no crew that can make a repair
  wait, no spares, every failure noticed): renewal theory (:mod:`.renewal`) — exact for any
  laws (several failure modes: their competing lifetimes by numerical integration), in the
  steady state only.
* Anything else is refused with the reason (:class:`NotExact`), never answered
  approximately: calendar schedules (inspections, maintenance: not time-homogeneous), a
  latent failure nothing can find (no standby group with a health check: the unit would be
  down for ever), a law the method cannot take (:class:`NoExactMethod` for the refusals that
  hold for both methods).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from hasim.analysis.exact import dense, linalg, spares
from hasim.analysis.exact.build import (
    DEFAULT_MAX_STATES,
    Chain,
    build_chain,
    chain_bytes,
)
from hasim.analysis.exact.dense import DENSE_LIMIT
from hasim.analysis.exact.lumping import lumped_types, signature
from hasim.analysis.exact.renewal import RenewalValues, independent_units, renewal_values
from hasim.analysis.exact.result import ExactResult, NoExactMethod, NotExact
from hasim.model.compile import CompiledModel

__all__ = [
    "DEFAULT_MAX_STATES",
    "DENSE_LIMIT",
    "Chain",
    "ExactResult",
    "NoExactMethod",
    "NotExact",
    "RenewalValues",
    "build_chain",
    "chain_bytes",
    "exact",
    "independent_units",
    "lumped_types",
    "renewal_values",
    "signature",
    "solve_chain",
]


LARGE_CHAIN = 300_000
"""States beyond which the status line says that mission values may take minutes (the Krylov
transient of the 1.3-million-state benchmark chain ran over 13 minutes; its steady state and
MTTF take about one)."""

Status = Callable[[str], None]
"""Called with a line saying what the solver is doing (and the memory it will take)."""


def _one_blas_thread() -> Any:
    """The sparse solvers on one BLAS thread: their dense work is dot products and 60×60
    products, which two BLAS threads do slower: they wait on each other (measured on 2 cores,
    the stiff cluster benchmark's exact(): 1.7–1.9 s on one thread and 2.6–3.0 s on two on an
    idle machine; 2.7–18 s on two beside another job)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def solve_chain(chain: Chain, mission: float, mission_values: bool = True,
                status: Status | None = None) -> dict[str, Any]:
    """The values of :class:`ExactResult` for a chain, with ``accuracy`` (the residual of each
    linear solve, the error bound of each mission value), ``notes`` and ``timings``.

    Mission values by :func:`.linalg.mission_values` (any size, with error bounds); should its
    transient solution miss its tolerance (or its time budget), by the first exact module's
    solvers (:mod:`.dense`: the dense matrix exponential up to DENSE_LIMIT states, sparse
    exponential steps beyond), and failing that the steady-state values and the MTTF only — a
    note says which. ``rewards`` holds the long-run means of ``chain.rewards`` (and, with the
    Krylov mission values, their mission integrals and end values: the stocks' values)."""
    n = chain.Q.shape[0]
    nnz = chain.Q.nnz
    if status is not None:
        hint = (" (mission values of a chain this large can take many minutes: "
                "--steady-state-only skips them)" if mission_values and n > LARGE_CHAIN else "")
        status(f"solving the chain: {n:,} states, {nnz - n:,} transitions, up to about "
               f"{chain_bytes(n, nnz) / 2**20:,.0f} MiB{hint}")
    t0 = time.perf_counter()
    notes: list[str] = []
    rewards = chain.rewards
    if not mission_values:
        with _one_blas_thread():
            v = linalg.steady_values(chain.Q, chain.up, chain.initial, rewards=rewards)
    else:
        try:
            with _one_blas_thread():
                v = linalg.mission_values(chain.Q, chain.up, chain.initial, mission,
                                          rewards=rewards)
        except linalg.SolverError as krylov:
            # the solvers of the first exact module: the dense exponential up to DENSE_LIMIT
            # states, sparse Krylov steps to the steady state beyond (slower, no error bound)
            try:
                v = dense.solve_chain(chain, mission)
                v["errors"] = {}
                how = ("the dense matrix exponential" if n <= DENSE_LIMIT
                       else "sparse exponential steps to the steady state")
                notes.append(f"mission values by {how} ({krylov}); no error bound")
                if v["p_system_failure"] is None:
                    notes.append("no P(outage): the survival function of a chain this large "
                                 "needs the Krylov transient")
                if rewards:  # the stocks' long-run values (the old solvers have no rewards)
                    with _one_blas_thread():
                        v["rewards"] = linalg.steady_values(
                            chain.Q, chain.up, chain.initial, rewards=rewards)["rewards"]
                    notes.append("the stocks' values in the long run only")
            except (NotExact, RuntimeError, MemoryError) as exc:
                v = linalg.steady_values(chain.Q, chain.up, chain.initial, rewards=rewards)
                notes.append(f"no mission values: {krylov}; {exc}")
    v.setdefault("rewards", {})
    v["accuracy"] = {_accuracy_name(k): float(x) for k, x in v.pop("errors", {}).items()}
    v.pop("methods", None)
    v["notes"] = notes
    v["timings"] = {"solve": time.perf_counter() - t0}
    return v


def _accuracy_name(key: str) -> str:
    """``*_residual`` for the residual of a linear solve, ``*_error`` for an error bound."""
    if key.endswith("_residual"):
        return key
    return f"{key}_residual" if key.endswith("_solve") else f"{key}_error"


def exact(m: CompiledModel, max_states: int = DEFAULT_MAX_STATES,
          progress: Callable[[int, int, int], None] | None = None,
          lump: bool = True, status: Status | None = None,
          mission_values: bool = True) -> ExactResult:
    """Exact values for ``m``, by its Markov chain or by renewal theory.

    ``progress`` is called while the chain is built (:func:`build_chain`), ``status`` before
    the solve; ``lump=False`` builds the chain with every unit on its own (the same values
    from a larger chain: a check of the lumping); ``mission_values=False`` skips the
    transient solution (steady state, frequency, mean up and down times and MTTF only).

    Raises
    ------
    NotExact
        With the reason, when neither method applies (:class:`NoExactMethod` when the reason
        holds for both: calendar schedules, latent failures nothing finds).
    """
    t0 = time.perf_counter()
    try:
        chain = build_chain(m, max_states, progress, lump)
    except NoExactMethod:
        raise
    except NotExact as markov_reason:
        if not independent_units(m):
            raise NotExact(f"{markov_reason}; renewal theory needs independent units (no "
                           "standby groups, no crew serving more units than its size, no "
                           "spare parts)") from None
        rv = renewal_values(m, max_states)
        return ExactResult(
            method="renewal", steady_state_availability=rv.steady_state_availability,
            interval_availability=None, failure_frequency=rv.failure_frequency,
            mean_up_time_hours=rv.mean_up_time_hours,
            mean_down_time_hours=rv.mean_down_time_hours, mttf_hours=None,
            expected_outages=None, p_system_failure=None, states=rv.evaluations,
            mission_hours=m.mission, solve_s=time.perf_counter() - t0,
            importance=_importance(rv),
            notes=(f"not Markovian ({markov_reason}): steady-state values only, by renewal "
                   "theory over independent units",))
    built = time.perf_counter() - t0
    v = solve_chain(chain, m.mission, mission_values, status)
    return ExactResult(
        method="ctmc", steady_state_availability=v["steady_state_availability"],
        interval_availability=v["interval_availability"],
        failure_frequency=v["failure_frequency"], mean_up_time_hours=v["mean_up_time_hours"],
        mean_down_time_hours=v["mean_down_time_hours"], mttf_hours=v["mttf_hours"],
        expected_outages=v["expected_outages"], p_system_failure=v["p_system_failure"],
        states=len(chain.states), mission_hours=m.mission, solve_s=time.perf_counter() - t0,
        notes=tuple(v["notes"]),
        accuracy={**v["accuracy"], **spares.accuracy(m, v["rewards"])},
        timings={"build": built, **v["timings"]},
        transitions=int(chain.Q.nnz - chain.Q.shape[0]),
        importance=_chain_importance(m, max_states),
        stocks=spares.values(m, v["rewards"]))


def _importance(rv: RenewalValues) -> dict[str, dict[str, float]]:
    return {t.type: {"birnbaum": t.birnbaum, "criticality": t.criticality, "raw": t.raw,
                     "rrw": t.rrw, "failure_frequency": t.failure_frequency}
            for t in rv.types}


def _chain_importance(m: CompiledModel, max_states: int) -> dict[str, dict[str, float]]:
    """The importance measures of a Markovian model of independent units (exponential laws,
    no repair waits): renewal theory's, which are exact for it too (its steady state is the
    product of the units' availabilities); none for a model whose units depend on each other
    (crews, standby groups), or whose structure has too many combinations to evaluate."""
    if not independent_units(m):
        return {}
    try:
        return _importance(renewal_values(m, max_states))
    except NotExact:
        return {}
