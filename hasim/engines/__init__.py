"""Simulation engines. Each runs a block of replications of a compiled model and returns a
:class:`~hasim.results.RunResult`; all follow the semantics of the reference engine
(:mod:`hasim.engines.reference`) and draw from the same random streams, so that one seed gives
the same results on every engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hasim.results import RunResult

RunReplications = Callable[..., "RunResult"]
"""``run_replications(model, seed, start, stop, *, max_events, until_failure, max_records,
progress)``."""

ENGINES = ("numba", "simpy")
"""Names accepted by ``engine=``: ``numba`` (default, jitted) and ``simpy`` (the reference)."""
DEFAULT_ENGINE = "numba"


def get_engine(name: str) -> RunReplications:
    """The ``run_replications(model, seed, start, stop)`` function of the engine ``name``."""
    if name == "simpy":
        from hasim.engines.reference import run_replications

        return run_replications
    if name == "numba":
        from hasim.engines.fast import run_replications as fast

        return fast
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")


Trace = Callable[..., list]
"""``trace(model, seed, replication, until, *, max_events, until_failure)``."""


def get_tracer(name: str) -> Trace:
    """The ``trace(model, seed, replication, until)`` function of the engine ``name``."""
    if name == "simpy":
        from hasim.engines.reference import trace

        return trace
    if name == "numba":
        from hasim.engines.fast import trace as fast_trace

        return fast_trace
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
