"""Rules of spare parts (DESIGN.md, "Semantics"; the twin of
:mod:`hasim.engines.reference.spares`), and the stocks' values.

A repair whose failure mode names a stock needs one part before it is requested from the
crew (:func:`need`). If the stock has one it is taken at once; else the job waits, holding no
crew, in the stock's queue (in the order the jobs asked). A part is reordered the moment it
is taken (one-for-one): the parts on order are the stock's size less the parts on hand, and
each arrives after its own exponential lead time. An arriving part goes to the first waiting
job (which takes it — reordered at once — and asks its crew), else on the shelf.

Values (:func:`rewards`, :func:`values`, :func:`accuracy`): the mean parts on hand, in the
long run and over the mission; the long-run fraction of part requests that found the stock
empty (``P(a repair waited)``: in the long run every request takes one part, and every part
taken is reordered, so requests come at the rate parts arrive, (size − on hand)·ρ per hour,
ρ the arrival rate of a part on order, and requests that waited at the rate waiting jobs
take arriving parts, size·ρ per hour while jobs wait); and the expected requests and waits
within the mission, from all-up with full stocks: over [0, T], requests = arrivals + parts on
order at T + jobs waiting at T, and waits = parts taken from arrivals + jobs waiting at T.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np

from hasim.analysis.exact import crews
from hasim.analysis.exact.state import PART, Branch, Draft, Setup, State
from hasim.model.compile import CompiledModel


def need(x: Setup, d: Draft, k: int) -> None:
    """The repair of a unit of kind ``k`` is ready: take a part first if its mode needs
    one (or wait for one), then ask its crew."""
    s = x.kinds[k].mode.spare
    if s < 0:
        crews.request(x, d, k)
        return
    on_hand, queue = d.stocks[s]
    if on_hand > 0:
        d.set_stock(s, (on_hand - 1, queue))  # taken, and reordered
        crews.request(x, d, k)
    else:
        d.set_stock(s, (0, (*queue, k)))


def branches(x: Setup, s: State) -> Iterator[Branch]:
    """Parts that arrive, per stock."""
    for i, (on_hand, queue) in enumerate(s[3]):
        on_order = x.stock_size[i] - on_hand
        if not on_order:
            continue
        d = Draft(s)
        if queue:  # the first waiting job takes it: reordered at once
            d.set_stock(i, (0, queue[1:]))
            crews.request(x, d, queue[0])
        else:
            d.set_stock(i, (on_hand + 1, ()))
        yield d.freeze(), on_order * x.stock_lead[i], PART


REWARDS = ("on_hand", "on_order", "waiting", "arrivals", "arrivals_taken")


def rewards(x: Setup, states: list[State]) -> dict[str, np.ndarray]:
    """Per stock, reward vectors over the states (``<stock>/<reward>``): parts on hand and
    on order, jobs waiting, the arrival rate of parts and of parts taken by waiting jobs."""
    out: dict[str, np.ndarray] = {}
    for i, name in enumerate(x.m.stock_names):
        if not math.isfinite(x.stock_lead[i]):
            continue  # no mode uses the stock: always full
        on_hand = np.array([s[3][i][0] for s in states], dtype=float)
        waiting = np.array([len(s[3][i][1]) for s in states], dtype=float)
        size, lead = x.stock_size[i], x.stock_lead[i]
        on_order = size - on_hand
        out[f"{name}/on_hand"] = on_hand
        out[f"{name}/on_order"] = on_order
        out[f"{name}/waiting"] = waiting
        out[f"{name}/arrivals"] = on_order * lead
        out[f"{name}/arrivals_taken"] = (waiting > 0) * (size * lead)
    return out


def values(m: CompiledModel, r: Mapping[str, Mapping[str, float]]
           ) -> dict[str, dict[str, float | None]]:
    """Per stock: ``mean_on_hand`` and ``p_waited`` (long run), ``mission_mean_on_hand``,
    ``expected_part_requests`` and ``expected_parts_waited`` (within the mission; ``None``
    without mission values). ``r``: per reward of :func:`rewards`, its ``steady`` mean, its
    ``mission`` integral and its ``end`` value (expected at the mission end), as
    :func:`hasim.analysis.exact.linalg.mission_values` returns them. A stock no failure mode
    uses stays full."""
    names, sizes, mission = m.stock_names, m.stock_size, m.mission
    out: dict[str, dict[str, float | None]] = {}
    for i, name in enumerate(names):
        if f"{name}/on_hand" not in r:
            out[name] = {"mean_on_hand": float(sizes[i]), "p_waited": 0.0,
                         "mission_mean_on_hand": float(sizes[i]),
                         "expected_part_requests": 0.0, "expected_parts_waited": 0.0}
            continue

        def get(reward: str, what: str, name: str = name) -> float | None:
            return r[f"{name}/{reward}"].get(what)

        taken = get("arrivals", "steady")
        waited = get("arrivals_taken", "steady")
        v: dict[str, float | None] = {
            "mean_on_hand": get("on_hand", "steady"),
            "p_waited": (waited / taken if waited is not None and taken else None),
            "mission_mean_on_hand": None, "expected_part_requests": None,
            "expected_parts_waited": None}
        parts = [get(a, b) for a, b in (("on_hand", "mission"), ("arrivals", "mission"),
                                        ("arrivals_taken", "mission"), ("on_order", "end"),
                                        ("waiting", "end"))]
        if all(p is not None for p in parts):
            on_hand, arrivals, taken_q, on_order, waiting = (float(p) for p in parts)  # type: ignore[arg-type]
            v["mission_mean_on_hand"] = on_hand / mission
            v["expected_part_requests"] = arrivals + on_order + waiting
            v["expected_parts_waited"] = taken_q + waiting
        out[name] = v
    return out


def accuracy(m: CompiledModel, r: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Error bounds of the mission values of :func:`values` (``<stock>_<value>_error``,
    absolute) and the largest residual of their Poisson solves
    (``<stock>_poisson_solve_residual``), where the solver gave them."""
    out: dict[str, float] = {}
    for name in m.stock_names:
        if f"{name}/on_hand" not in r or "mission_error" not in r[f"{name}/on_hand"]:
            continue

        def err(reward: str, what: str, name: str = name) -> float:
            return float(r[f"{name}/{reward}"][f"{what}_error"])

        out[f"{name}_mission_mean_on_hand_error"] = err("on_hand", "mission") / m.mission
        out[f"{name}_expected_part_requests_error"] = (
            err("arrivals", "mission") + err("on_order", "end") + err("waiting", "end"))
        out[f"{name}_expected_parts_waited_error"] = (
            err("arrivals_taken", "mission") + err("waiting", "end"))
        out[f"{name}_poisson_solve_residual"] = max(
            float(r[f"{name}/{k}"]["residual"]) for k in REWARDS)
    return out
