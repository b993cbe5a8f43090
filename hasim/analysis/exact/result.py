"""What an exact analysis answers: :class:`ExactResult`, or :class:`NotExact` with the reason."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hasim.errors import HasimError


class NotExact(HasimError):
    """The model is outside the classes hasim solves exactly; the message says why."""


class NoExactMethod(NotExact):
    """A refusal that holds for every exact method, not only the Markov chain (calendar
    schedules, a latent failure nothing can find): :func:`hasim.analysis.exact.exact` does
    not try renewal theory after it."""


def _num(x: float | None) -> float | None:
    """JSON-ready: ``None`` for no value, NaN or an infinity."""
    return None if x is None or not math.isfinite(x) else float(x)


@dataclass(frozen=True)
class ExactResult:
    """Exact values for a model. Rates are per hour, times in hours; ``None`` where the method
    gives no exact value (renewal theory has no transient solution)."""

    method: str
    """``"ctmc"`` (Markov chain) or ``"renewal"`` (independent components, any laws)."""
    steady_state_availability: float
    interval_availability: float | None
    failure_frequency: float | None
    mean_up_time_hours: float | None
    mean_down_time_hours: float | None
    mttf_hours: float | None
    expected_outages: float | None
    p_system_failure: float | None
    states: int
    mission_hours: float
    solve_s: float
    notes: tuple[str, ...] = field(default=())
    accuracy: Mapping[str, float] = field(default_factory=dict)
    """How exact the numbers are: the relative residual of each linear solve
    (``*_residual``) and the error bound of each mission value (``*_error``), absolute, in the
    value's own unit."""
    importance: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)
    """Per component type: Birnbaum, criticality, RAW and RRW (renewal models)."""
    timings: Mapping[str, float] = field(default_factory=dict)
    """Seconds spent per phase (build, solve)."""
    transitions: int = 0
    """Transitions of the chain (nonzero off-diagonal rates); 0 for renewal theory."""
    stocks: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)
    """Per stock of spare parts (Markov chains): ``mean_on_hand`` and ``p_waited`` (the
    long-run fraction of part requests that found the stock empty), ``mission_mean_on_hand``,
    ``expected_part_requests`` and ``expected_parts_waited`` (per mission, from all-up with
    full stocks; ``None`` without mission values) — :mod:`hasim.analysis.exact.spares`."""

    @property
    def steady_state_unavailability(self) -> float:
        return 1.0 - self.steady_state_availability

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (the ``--json`` output of ``hasim exact``)."""
        return {
            "method": self.method,
            "states": self.states,
            "transitions": self.transitions,
            "mission_hours": self.mission_hours,
            "steady_state_availability": self.steady_state_availability,
            "steady_state_unavailability": self.steady_state_unavailability,
            "interval_availability": _num(self.interval_availability),
            "failure_frequency": _num(self.failure_frequency),
            "mean_up_time_hours": _num(self.mean_up_time_hours),
            "mean_down_time_hours": _num(self.mean_down_time_hours),
            "mttf_hours": _num(self.mttf_hours),
            "expected_outages": _num(self.expected_outages),
            "p_system_failure": _num(self.p_system_failure),
            "solve_s": self.solve_s,
            "accuracy": {k: _num(v) for k, v in self.accuracy.items()},
            "importance": {t: {k: _num(v) for k, v in d.items()}
                           for t, d in self.importance.items()},
            "stocks": {k: {n: _num(v) for n, v in d.items()} for k, d in self.stocks.items()},
            "timings_s": dict(self.timings),
            "notes": list(self.notes),
        }
