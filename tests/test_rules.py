"""The engine rules (DESIGN.md "Semantics", the docstring of ``hasim.engines.reference``) as
whole event logs of small hand-made models.

Every law is ``fixed``, so a log is fully determined; each expected log is derived by hand from
the rules (the reasoning is in the comment above it). Every test runs on both engines, and
``frames`` also checks that the two engines give identical DataFrames (every column, to the last
bit). Same-instant events are handled in the order they were scheduled: the comments note, at
each tie, when each of the events was scheduled.

A log line is ``(time, event, target, other)``, or with ``detail`` (the number drawn) for the
full logs; ``life`` and ``rate`` lines are dropped where a test is not about them.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd
import pytest

import hasim
from hasim.events import Owner, Purpose
from hasim.rng import DRAWS_PER_SAMPLE, stream_id, stream_key, uniform

ENGINES = ("simpy", "numba")
SEED = 1

engines = pytest.mark.parametrize("engine", ENGINES)


@cache
def model(body: str, mission: str) -> hasim.CompiledModel:
    return hasim.model_from_yaml(f"hasim: 1\nname: rule\nmission: {mission}\n{body}")


def frames(m, replication: int = 0) -> dict[str, pd.DataFrame]:
    """The event log of both engines, checked identical."""
    out = {e: hasim.trace(m, replication=replication, seed=SEED, engine=e) for e in ENGINES}
    pd.testing.assert_frame_equal(out["simpy"], out["numba"], check_exact=True)
    return out


def frame(m, engine: str, replication: int = 0) -> pd.DataFrame:
    return frames(m, replication)[engine]


def lines(f: pd.DataFrame, drop: tuple[str, ...] = ("life", "rate"), detail: bool = False):
    out = []
    for t, event, target, other, d in f.itertuples(index=False):
        if event in drop:
            continue
        row = (round(float(t), 9), event, target, other)
        out.append((*row, round(float(d), 9)) if detail else row)
    return out


def log(m, engine: str, drop: tuple[str, ...] = ("life", "rate")):
    """(time, event, target, other), without ``life`` and ``rate`` lines."""
    return lines(frame(m, engine), drop)


def full(m, engine: str):
    """Every line, with its detail."""
    return lines(frame(m, engine), (), detail=True)


def study(m, engine: str):
    """The run of replication 0 (``.runs``), checked identical on both engines."""
    results = {e: hasim.run_study(m, runs=1, seed=SEED, engine=e, workers=1) for e in ENGINES}
    a, b = results["simpy"].runs, results["numba"].runs
    for field in type(a).__dataclass_fields__:
        x, y = getattr(a, field), getattr(b, field)
        assert np.array_equal(x, y, equal_nan=True), (field, x, y)
    return results[engine]


def outages(s) -> list[tuple[float, float, str, str]]:
    o = s.outages_frame()
    return [(round(float(t), 9), round(float(d), 9), u, c)
            for t, d, u, c in zip(o.start_hours, o.duration_hours, o.cause_unit, o.cause,
                                  strict=True)]


# --- 1. a unit without crew: life, failure, detection, repair ---------------------------------

SINGLE = """
components:
  a: {failure: {fixed: 10h}, repair: {fixed: 5h}, detection: {fixed: 1h}}
system: a
"""


@engines
def test_unit_cycle_full_log(engine):
    # life 10 h -> fails at 10 (system down), detected 1 h later, repaired 11..16 (no crew: at
    # once), as good as new: a new 10 h life from 16 -> fails at 26, detected at 27, repair
    # 27..32 does not end before the mission end (30): the outage from 26 is cut at 30.
    m = model(SINGLE, "30h")
    assert full(m, engine) == [
        (0.0, "life", "a", "", 10.0),
        (10.0, "fail", "a", "", 0.0),
        (10.0, "system_down", "system", "a", 0.0),
        (11.0, "detect", "a", "", 0.0),
        (11.0, "repair_start", "a", "", 5.0),
        (16.0, "repair_end", "a", "", 0.0),
        (16.0, "system_up", "system", "a", 6.0),
        (16.0, "life", "a", "", 10.0),
        (26.0, "fail", "a", "", 0.0),
        (26.0, "system_down", "system", "a", 0.0),
        (27.0, "detect", "a", "", 0.0),
        (27.0, "repair_start", "a", "", 5.0),
    ]
    r = study(m, engine).runs
    assert r.outages.tolist() == [2]
    assert r.downtime_hours.tolist() == [10.0]
    assert r.first_failure_hours.tolist() == [10.0]
    assert (r.failures.tolist(), r.detections.tolist(), r.repairs.tolist()) == ([2], [2], [1])
    assert outages(study(m, engine)) == [(10.0, 6.0, "a", "a"), (26.0, 4.0, "a", "a")]


@engines
@pytest.mark.parametrize(("mission", "last", "cut"), [(26, 8, [6.0]), (32, 12, [6.0, 6.0])])
def test_events_at_the_mission_end_are_not_handled(engine, mission, last, cut):
    # only events *before* the end: with mission 26 h the failure due at 26 does not happen
    # (the log stops after the new life at 16); with 32 h the repair end due at 32 does not
    # happen and the outage from 26 is cut at 32 (6 h).
    m = model(SINGLE, f"{mission}h")
    expected = full(model(SINGLE, "30h"), engine)[:last]
    assert full(m, engine) == expected
    assert [d for _, d, _, _ in outages(study(m, engine))] == cut


# --- 2. crews: grant, queue, FIFO by ready time, response, busy hours -------------------------

CREW = """
crews:
  c: {{size: {size}, response: {{fixed: 1h}}}}
components:
  a: {{failure: {{fixed: 10h}}, repair: {{fixed: 5h}}, crew: c}}
  b: {{failure: {{fixed: 11h}}, repair: {{fixed: 3h}}, detection: {{fixed: 3h}}, crew: c}}
  e: {{failure: {{fixed: 12h}}, repair: {{fixed: 2h}}, crew: c}}
system: {{parallel: [a, b, e]}}
"""


@engines
def test_crew_of_one_full_log(engine):
    # 10: a fails, detected at once, granted at once (response 1 h: repair 11..16).
    # 11: b fails (its FAIL was scheduled at t=0, before a's response end at t=10: first);
    #     its detection takes 3 h, so b's job is ready at 14.
    # 12: e fails (all three down: system down, cause e), detected at once, queued (1 waiting).
    # 14: b detected, queued (2 waiting) - behind e, which became ready first, although b is
    #     the lower-numbered unit: FIFO by the time the job became ready.
    # 16: a repaired (system up after 4 h), new life, then the member is released -> e
    #     (response 1 h, repair 17..19); 19: e repaired -> b (response, repair 20..23).
    # 26: a fails again, granted at once, its repair 27..32 runs past the mission end (30).
    # Busy hours: a 10..16 + e 16..19 + b 19..23 + a 26..30 (cut) = 6 + 3 + 4 + 4 = 17.
    m = model(CREW.format(size=1), "30h")
    assert full(m, engine) == [
        (0.0, "life", "a", "", 10.0),
        (0.0, "life", "b", "", 11.0),
        (0.0, "life", "e", "", 12.0),
        (10.0, "fail", "a", "", 0.0),
        (10.0, "detect", "a", "", 0.0),
        (10.0, "grant", "a", "c", 1.0),
        (11.0, "fail", "b", "", 0.0),
        (11.0, "repair_start", "a", "", 5.0),
        (12.0, "fail", "e", "", 0.0),
        (12.0, "system_down", "system", "e", 0.0),
        (12.0, "detect", "e", "", 0.0),
        (12.0, "queue", "e", "c", 1.0),
        (14.0, "detect", "b", "", 0.0),
        (14.0, "queue", "b", "c", 2.0),
        (16.0, "repair_end", "a", "", 0.0),
        (16.0, "system_up", "system", "e", 4.0),
        (16.0, "life", "a", "", 10.0),
        (16.0, "grant", "e", "c", 1.0),
        (17.0, "repair_start", "e", "", 2.0),
        (19.0, "repair_end", "e", "", 0.0),
        (19.0, "life", "e", "", 12.0),
        (19.0, "grant", "b", "c", 1.0),
        (20.0, "repair_start", "b", "", 3.0),
        (23.0, "repair_end", "b", "", 0.0),
        (23.0, "life", "b", "", 11.0),
        (26.0, "fail", "a", "", 0.0),
        (26.0, "detect", "a", "", 0.0),
        (26.0, "grant", "a", "c", 1.0),
        (27.0, "repair_start", "a", "", 5.0),
    ]
    assert study(m, engine).runs.crew_busy_hours.tolist() == [[17.0]]


@engines
def test_crew_of_two(engine):
    # Two members: a (10) and e (12) are granted at once; b, ready at 14, waits (1 waiting).
    # 15: e repaired (system up after 3 h) -> its member takes b (response 1 h).
    # 16: a's repair end (scheduled at 11) before b's response end (scheduled at 15).
    # b repaired 16..19; its new life ends at 30, the mission end: not handled.
    # 26: a fails, granted; 27: e's failure (scheduled at 15) before a's response end
    # (scheduled at 26); e gets the second member. Neither repair ends before 30.
    # Busy hours: a 6 + e 3 + b 4 + a 26..30 4 + e 27..30 3 = 20.
    m = model(CREW.format(size=2), "30h")
    assert log(m, engine) == [
        (10.0, "fail", "a", ""),
        (10.0, "detect", "a", ""),
        (10.0, "grant", "a", "c"),
        (11.0, "fail", "b", ""),
        (11.0, "repair_start", "a", ""),
        (12.0, "fail", "e", ""),
        (12.0, "system_down", "system", "e"),
        (12.0, "detect", "e", ""),
        (12.0, "grant", "e", "c"),
        (13.0, "repair_start", "e", ""),
        (14.0, "detect", "b", ""),
        (14.0, "queue", "b", "c"),
        (15.0, "repair_end", "e", ""),
        (15.0, "system_up", "system", "e"),
        (15.0, "grant", "b", "c"),
        (16.0, "repair_end", "a", ""),
        (16.0, "repair_start", "b", ""),
        (19.0, "repair_end", "b", ""),
        (26.0, "fail", "a", ""),
        (26.0, "detect", "a", ""),
        (26.0, "grant", "a", "c"),
        (27.0, "fail", "e", ""),
        (27.0, "detect", "e", ""),
        (27.0, "grant", "e", "c"),
        (27.0, "repair_start", "a", ""),
        (28.0, "repair_start", "e", ""),
    ]
    assert study(m, engine).runs.crew_busy_hours.tolist() == [[20.0]]


# --- 3. disciplines ---------------------------------------------------------------------------

PRIORITY = """
crews:
  c: {size: 1, discipline: priority}
components:
  a: {failure: {fixed: 10h}, repair: {fixed: 5h}, crew: c}
  b: {failure: {fixed: 11h}, repair: {fixed: 1h}, crew: c, priority: 2}
  e: {failure: {fixed: 13h}, repair: {fixed: 1h}, crew: c, priority: 1}
  f: {failure: {fixed: 12h}, repair: {fixed: 1h}, crew: c, priority: 1}
system: {parallel: [a, b, e, f]}
"""


@engines
def test_priority_discipline(engine):
    # a holds the crew 10..15 (no response time); b (priority 2), f (1), e (1) queue at 11, 12,
    # 13. At 15 the lowest number goes first, FIFO among equals: f (ready at 12) before e
    # (ready at 13, though lower-numbered), then b - FIFO would have taken b first.
    m = model(PRIORITY, "20h")
    assert log(m, engine) == [
        (10.0, "fail", "a", ""),
        (10.0, "detect", "a", ""),
        (10.0, "grant", "a", "c"),
        (10.0, "repair_start", "a", ""),
        (11.0, "fail", "b", ""),
        (11.0, "detect", "b", ""),
        (11.0, "queue", "b", "c"),
        (12.0, "fail", "f", ""),
        (12.0, "detect", "f", ""),
        (12.0, "queue", "f", "c"),
        (13.0, "fail", "e", ""),
        (13.0, "system_down", "system", "e"),
        (13.0, "detect", "e", ""),
        (13.0, "queue", "e", "c"),
        (15.0, "repair_end", "a", ""),
        (15.0, "system_up", "system", "e"),
        (15.0, "grant", "f", "c"),
        (15.0, "repair_start", "f", ""),
        (16.0, "repair_end", "f", ""),
        (16.0, "grant", "e", "c"),
        (16.0, "repair_start", "e", ""),
        (17.0, "repair_end", "e", ""),
        (17.0, "grant", "b", "c"),
        (17.0, "repair_start", "b", ""),
        (18.0, "repair_end", "b", ""),
    ]


RANDOM_TWO = """
crews:
  c: {size: 1, discipline: random}
components:
  a: {failure: {fixed: 10h}, repair: {fixed: 5h}, crew: c}
  b: {failure: {fixed: 11h}, repair: {fixed: 1h}, crew: c}
  e: {failure: {fixed: 12h}, repair: {fixed: 1h}, crew: c}
system: {parallel: [a, b, e]}
"""


@engines
@pytest.mark.parametrize("replication", range(6))
def test_random_discipline_gives_an_allowed_order(engine, replication):
    # a holds the crew 10..15; b and e (two types) wait. At 15 a type is drawn: b then e, or
    # e then b; the second pick has one job waiting (nothing drawn).
    m = model(RANDOM_TWO, "20h")
    head = [
        (10.0, "fail", "a", ""),
        (10.0, "detect", "a", ""),
        (10.0, "grant", "a", "c"),
        (10.0, "repair_start", "a", ""),
        (11.0, "fail", "b", ""),
        (11.0, "detect", "b", ""),
        (11.0, "queue", "b", "c"),
        (12.0, "fail", "e", ""),
        (12.0, "system_down", "system", "e"),
        (12.0, "detect", "e", ""),
        (12.0, "queue", "e", "c"),
        (15.0, "repair_end", "a", ""),
        (15.0, "system_up", "system", "e"),
    ]

    def tail(x, y):
        return [(15.0, "grant", x, "c"), (15.0, "repair_start", x, ""),
                (16.0, "repair_end", x, ""), (16.0, "grant", y, "c"),
                (16.0, "repair_start", y, ""), (17.0, "repair_end", y, "")]

    got = lines(frame(m, engine, replication))
    assert got in ([*head, *tail("b", "e")], [*head, *tail("e", "b")])


RANDOM_ONE_TYPE = """
crews:
  c: {size: 1, discipline: random}
components:
  a: {failure: {fixed: 10h}, repair: {fixed: 5h}, crew: c}
  db: {count: 2, failure: {fixed: 11h}, repair: {fixed: 1h}, crew: c}
  e: {failure: {fixed: 26h}, repair: {fixed: 1h}, crew: c}
system: {parallel: [a, db, e]}
"""


def discipline_uniform(replication: int, n: int) -> float:
    """Draw ``n`` of crew c's DISCIPLINE stream (the rule's stream address)."""
    key = stream_key(SEED, replication, stream_id(Owner.CREW, "c"), Purpose.DISCIPLINE)
    return uniform(key, n * DRAWS_PER_SAMPLE)


@engines
def test_random_discipline_draws_nothing_with_one_type_waiting(engine):
    # 10..15 a holds the crew; db[0], db[1] (one type) wait: at 15 and 16 FIFO within the type,
    # no number drawn. 25: a fails again (crew free), granted; e (26), db[0] (27), db[1] (28)
    # wait - two types. At 30 the first number of the crew's stream (draw 0: none was drawn
    # before) picks db (x < 1/2, types in model order) or e. Checked on replications where
    # draw 0 and draw 1 would pick differently.
    m = model(RANDOM_ONE_TYPE, "31h")
    head = [
        (10.0, "fail", "a", ""),
        (10.0, "detect", "a", ""),
        (10.0, "grant", "a", "c"),
        (10.0, "repair_start", "a", ""),
        (11.0, "fail", "db[0]", ""),
        (11.0, "detect", "db[0]", ""),
        (11.0, "queue", "db[0]", "c"),
        (11.0, "fail", "db[1]", ""),
        (11.0, "detect", "db[1]", ""),
        (11.0, "queue", "db[1]", "c"),
        (15.0, "repair_end", "a", ""),
        (15.0, "grant", "db[0]", "c"),
        (15.0, "repair_start", "db[0]", ""),
        (16.0, "repair_end", "db[0]", ""),
        (16.0, "grant", "db[1]", "c"),
        (16.0, "repair_start", "db[1]", ""),
        (17.0, "repair_end", "db[1]", ""),
        (25.0, "fail", "a", ""),
        (25.0, "detect", "a", ""),
        (25.0, "grant", "a", "c"),
        (25.0, "repair_start", "a", ""),
        (26.0, "fail", "e", ""),
        (26.0, "detect", "e", ""),
        (26.0, "queue", "e", "c"),
        (27.0, "fail", "db[0]", ""),
        (27.0, "detect", "db[0]", ""),
        (27.0, "queue", "db[0]", "c"),
        (28.0, "fail", "db[1]", ""),
        (28.0, "system_down", "system", "db[1]"),
        (28.0, "detect", "db[1]", ""),
        (28.0, "queue", "db[1]", "c"),
        (30.0, "repair_end", "a", ""),
        (30.0, "system_up", "system", "db[1]"),
    ]
    pick = ["db[0]", "e"]
    reps = [i for i in range(40)
            if int(2 * discipline_uniform(i, 0)) != int(2 * discipline_uniform(i, 1))][:4]
    assert len(reps) == 4
    for rep in reps:
        x = pick[int(2 * discipline_uniform(rep, 0))]
        tail = [(30.0, "grant", x, "c"), (30.0, "repair_start", x, "")]
        assert lines(frame(m, engine, rep)) == [*head, *tail], rep


# --- 4. same-instant events in scheduling order -----------------------------------------------

TIE_A = """
crews:
  c: {size: 1}
components:
  a: {failure: {fixed: 10h}, repair: {fixed: 5h}, crew: c}
  cc: {failure: {fixed: 11h}, repair: {fixed: 12h}, crew: c}
  d: {failure: {fixed: 12h}, repair: {fixed: 3h}}
system: {parallel: [cc, d]}
"""


@engines
def test_tie_a_one_outage(engine):
    # 10: a takes the crew (repair 10..15); 11: cc waits; 12: d fails (cc and d down: system
    # down, cause d), repaired 12..15 without crew.
    # 15: a's repair end (scheduled at 10) before d's (scheduled at 12): the member goes to cc
    #     (repair 15..27, its end scheduled now), then d is up (outage 12..15, 3 h) and its
    #     next failure, at 27, is scheduled after cc's repair end.
    # 25: a fails, waits. 27: cc's repair end first (cc up; the member takes a), then d fails
    #     with cc up: no outage at 27.
    m = model(TIE_A, "30h")
    assert log(m, engine) == [
        (10.0, "fail", "a", ""),
        (10.0, "detect", "a", ""),
        (10.0, "grant", "a", "c"),
        (10.0, "repair_start", "a", ""),
        (11.0, "fail", "cc", ""),
        (11.0, "detect", "cc", ""),
        (11.0, "queue", "cc", "c"),
        (12.0, "fail", "d", ""),
        (12.0, "system_down", "system", "d"),
        (12.0, "detect", "d", ""),
        (12.0, "repair_start", "d", ""),
        (15.0, "repair_end", "a", ""),
        (15.0, "grant", "cc", "c"),
        (15.0, "repair_start", "cc", ""),
        (15.0, "repair_end", "d", ""),
        (15.0, "system_up", "system", "d"),
        (25.0, "fail", "a", ""),
        (25.0, "detect", "a", ""),
        (25.0, "queue", "a", "c"),
        (27.0, "repair_end", "cc", ""),
        (27.0, "grant", "a", "c"),
        (27.0, "repair_start", "a", ""),
        (27.0, "fail", "d", ""),
        (27.0, "detect", "d", ""),
        (27.0, "repair_start", "d", ""),
    ]
    s = study(m, engine)
    assert s.runs.outages.tolist() == [1]
    assert s.runs.downtime_hours.tolist() == [3.0]
    assert outages(s) == [(12.0, 3.0, "d", "d")]


TIE_B = """
crews:
  c: {size: 1}
components:
  x: {failure: {fixed: 12h}, repair: {fixed: 9h}, crew: c}
  y: {failure: {fixed: 9h}, repair: {fixed: 3h}}
system: {parallel: [x, y]}
"""


@engines
def test_tie_b_no_outage(engine):
    # 9: y fails, repaired 9..12 (end scheduled at 9). 12: x's failure (scheduled at 0) comes
    # first: both down, system down; then y's repair end: up again - zero length, no outage.
    # y's next failure (21) is scheduled after x's repair end (21, scheduled in x's failure):
    # at 21 x is up first, so y's failure does not take the system down.
    m = model(TIE_B, "30h")
    assert full(m, engine) == [
        (0.0, "life", "x", "", 12.0),
        (0.0, "life", "y", "", 9.0),
        (9.0, "fail", "y", "", 0.0),
        (9.0, "detect", "y", "", 0.0),
        (9.0, "repair_start", "y", "", 3.0),
        (12.0, "fail", "x", "", 0.0),
        (12.0, "system_down", "system", "x", 0.0),
        (12.0, "detect", "x", "", 0.0),
        (12.0, "grant", "x", "c", 0.0),
        (12.0, "repair_start", "x", "", 9.0),
        (12.0, "repair_end", "y", "", 0.0),
        (12.0, "system_up", "system", "x", 0.0),
        (12.0, "life", "y", "", 9.0),
        (21.0, "repair_end", "x", "", 0.0),
        (21.0, "life", "x", "", 12.0),
        (21.0, "fail", "y", "", 0.0),
        (21.0, "detect", "y", "", 0.0),
        (21.0, "repair_start", "y", "", 3.0),
        (24.0, "repair_end", "y", "", 0.0),
        (24.0, "life", "y", "", 9.0),
    ]
    r = study(m, engine).runs
    assert r.outages.tolist() == [0]
    assert r.downtime_hours.tolist() == [0.0]
    assert math.isnan(r.first_failure_hours[0])


# --- 5. a zero-length outage is not an outage -------------------------------------------------

COLD_PAIR = """
components:
  db: {count: 2, failure: {fixed: 10h}, repair: {fixed: 5h}}
system: {standby: {of: db, mode: cold}}
"""


@engines
def test_zero_length_outage_is_not_an_outage(engine):
    # cold spare db[1]: no failure scheduled (rate 0). 10: db[0] fails (node down, system
    # down), detected at once, instant switchover: db[1] active (rate 1, age 0) and the node up
    # at the same instant: a zero-length down/up. 15: db[0] repaired: a spare (cold: its new
    # life is not consumed). db[1] would fail at 20, after the mission end (18).
    g = "standby(db[0], db[1])"
    m = model(COLD_PAIR, "18h")
    assert full(m, engine) == [
        (0.0, "life", "db[0]", "", 10.0),
        (0.0, "life", "db[1]", "", 10.0),
        (10.0, "fail", "db[0]", "", 0.0),
        (10.0, "system_down", "system", "db[0]", 0.0),
        (10.0, "detect", "db[0]", "", 0.0),
        (10.0, "rate", "db[1]", "", 1.0),
        (10.0, "switch_start", g, "db[1]", 0.0),
        (10.0, "system_up", "system", "db[0]", 0.0),
        (10.0, "repair_start", "db[0]", "", 5.0),
        (15.0, "repair_end", "db[0]", "", 0.0),
        (15.0, "spare", "db[0]", g, 0.0),
        (15.0, "life", "db[0]", "", 10.0),
    ]
    s = study(m, engine)
    assert s.runs.outages.tolist() == [0]
    assert s.runs.downtime_hours.tolist() == [0.0]
    assert math.isnan(s.runs.first_failure_hours[0])
    assert s.runs.switchovers.tolist() == [1]
    assert len(s.outages_frame()) == 0


# --- 6. hot standby ---------------------------------------------------------------------------

HOT = """
components:
  p: {failure: {fixed: 10h}, repair: {fixed: 5h}, detection: {fixed: 1h}}
  q: {failure: {fixed: 20h}, repair: {fixed: 5h}, detection: {fixed: 1h}}
system: {standby: {of: [p, q], mode: hot, switchover: {fixed: 2h}}}
"""


@engines
def test_hot_failover_at_detection(engine):
    # 10: p (active) fails: node down at once; 11: detected -> switchover to q (2 h, node down
    # meanwhile), p's repair 11..16. 16: p repaired while q is active: a spare (non-revertive).
    # 20: q fails, 21: detected -> p (up 23). 26: p's failure (scheduled at 16) before q's
    # repair end (scheduled at 21): q is repaired while the active p's failure is still
    # undetected -> a spare; 27: p's detection -> q (up 29).
    g = "standby(p, q)"
    m = model(HOT, "30h")
    assert log(m, engine) == [
        (10.0, "fail", "p", ""),
        (10.0, "system_down", "system", "p"),
        (11.0, "detect", "p", ""),
        (11.0, "switch_start", g, "q"),
        (11.0, "repair_start", "p", ""),
        (13.0, "switch_end", g, "q"),
        (13.0, "system_up", "system", "p"),
        (16.0, "repair_end", "p", ""),
        (16.0, "spare", "p", g),
        (20.0, "fail", "q", ""),
        (20.0, "system_down", "system", "q"),
        (21.0, "detect", "q", ""),
        (21.0, "switch_start", g, "p"),
        (21.0, "repair_start", "q", ""),
        (23.0, "switch_end", g, "p"),
        (23.0, "system_up", "system", "q"),
        (26.0, "fail", "p", ""),
        (26.0, "system_down", "system", "p"),
        (26.0, "repair_end", "q", ""),
        (26.0, "spare", "q", g),
        (27.0, "detect", "p", ""),
        (27.0, "switch_start", g, "q"),
        (27.0, "repair_start", "p", ""),
        (29.0, "switch_end", g, "q"),
        (29.0, "system_up", "system", "p"),
    ]
    s = study(m, engine)
    assert s.runs.switchovers.tolist() == [3]
    assert outages(s) == [(10.0, 3.0, "p", "p"), (20.0, 3.0, "q", "q"), (26.0, 3.0, "p", "p")]


COVERAGE_0 = """
components:
  p: {failure: {fixed: 10h}, repair: {fixed: 5h}, detection: {fixed: 1h}}
  q: {failure: {fixed: 100h}, repair: {fixed: 5h}}
  s: {failure: {fixed: 100h}, repair: {fixed: 5h}}
system: {standby: {of: [p, q, s], switchover: {fixed: 1h}, coverage: 0}}
"""


@engines
def test_coverage_failure(engine):
    # 11: p's detection -> attempt to q fails (coverage 0): no active unit, s is not tried;
    # down until p's repair completes at 16: p active at once, node up (outage 10..16).
    g = "standby(p, q, s)"
    m = model(COVERAGE_0, "20h")
    assert log(m, engine) == [
        (10.0, "fail", "p", ""),
        (10.0, "system_down", "system", "p"),
        (11.0, "detect", "p", ""),
        (11.0, "switch_failed", g, "q"),
        (11.0, "repair_start", "p", ""),
        (16.0, "repair_end", "p", ""),
        (16.0, "active", "p", g),
        (16.0, "system_up", "system", "p"),
    ]
    r = study(m, engine).runs
    assert (r.switchovers.tolist(), r.switchovers_failed.tolist()) == ([1], [1])
    assert r.downtime_hours.tolist() == [6.0]


NO_SPARE = """
components:
  p: {failure: {fixed: 10h}, repair: {fixed: 10h}}
  q: {failure: {fixed: 5h}, repair: {fixed: 20h}}
system: {standby: {of: [p, q], switchover: {fixed: 1h}}}
"""


@engines
def test_no_spare_up(engine):
    # 5: the hot spare q fails (repair 5..25); 10: p fails, detected at once, no spare up:
    # switch_none, no attempt counted. 20: p repaired with no active unit: active at once.
    # 25: q repaired while p is active: a spare. Both new lives end at 30 (mission end).
    g = "standby(p, q)"
    m = model(NO_SPARE, "30h")
    assert log(m, engine) == [
        (5.0, "fail", "q", ""),
        (5.0, "detect", "q", ""),
        (5.0, "repair_start", "q", ""),
        (10.0, "fail", "p", ""),
        (10.0, "system_down", "system", "p"),
        (10.0, "detect", "p", ""),
        (10.0, "switch_none", g, "p"),
        (10.0, "repair_start", "p", ""),
        (20.0, "repair_end", "p", ""),
        (20.0, "active", "p", g),
        (20.0, "system_up", "system", "p"),
        (25.0, "repair_end", "q", ""),
        (25.0, "spare", "q", g),
    ]
    r = study(m, engine).runs
    assert (r.switchovers.tolist(), r.downtime_hours.tolist()) == ([0], [10.0])


# --- 7. the group's own detection (health check) ----------------------------------------------

HEALTH = """
components:
  p: {{failure: {{fixed: 10h}}, repair: {{fixed: {repair}}}, detection: {{fixed: {unit}}}}}
  q: {{failure: {{fixed: 100h}}, repair: {{fixed: 5h}}}}
system:
  standby: {{of: [p, q], {mode}switchover: {{fixed: 1h}}, detection: {{fixed: {group}}}}}
"""


@engines
def test_group_detection_shorter_than_the_unit_detection(engine):
    # 10: p fails; the health check fires at 10.5 -> switchover to q (up at 11.5); the repair
    # request still waits for p's own detection at 12 (repair 12..17; then a spare).
    g = "standby(p, q)"
    m = model(HEALTH.format(repair="5h", unit="2h", group="30min", mode=""), "20h")
    assert log(m, engine) == [
        (10.0, "fail", "p", ""),
        (10.0, "system_down", "system", "p"),
        (10.5, "group_detect", g, "p"),
        (10.5, "switch_start", g, "q"),
        (11.5, "switch_end", g, "q"),
        (11.5, "system_up", "system", "p"),
        (12.0, "detect", "p", ""),
        (12.0, "repair_start", "p", ""),
        (17.0, "repair_end", "p", ""),
        (17.0, "spare", "p", g),
    ]
    assert study(m, engine).runs.downtime_hours.tolist() == [1.5]


@engines
def test_group_detection_longer_than_the_unit_detection(engine):
    # 11: p's own detection requests the repair but does not trigger the switchover; the
    # health check at 13 does (q up at 14). p repaired at 16 while q is active: a spare.
    g = "standby(p, q)"
    m = model(HEALTH.format(repair="5h", unit="1h", group="3h", mode=""), "20h")
    assert log(m, engine) == [
        (10.0, "fail", "p", ""),
        (10.0, "system_down", "system", "p"),
        (11.0, "detect", "p", ""),
        (11.0, "repair_start", "p", ""),
        (13.0, "group_detect", g, "p"),
        (13.0, "switch_start", g, "q"),
        (14.0, "switch_end", g, "q"),
        (14.0, "system_up", "system", "p"),
        (16.0, "repair_end", "p", ""),
        (16.0, "spare", "p", g),
    ]
    assert study(m, engine).runs.downtime_hours.tolist() == [4.0]


@engines
@pytest.mark.parametrize("mode", ["mode: warm, dormant_factor: 0.5, ", "mode: cold, "],
                         ids=["warm", "cold"])
def test_repaired_before_the_group_detection(engine, mode):
    # health check 10 h; p detected at 11, repaired 11..13: up again before the check (due at
    # 20) fires, so the check does nothing (no line, no switchover) and p, still the group's
    # active unit, serves again at 13 (node up). Being the active unit it ages at rate 1 (not
    # at the spares' rate): its new 10 h life ends at 23, taking the system down again
    # (detected 24; the outage is cut at the mission end, 25). The rules name no role line
    # for the active unit's own repair, so `spare`/`active` lines are left out here.
    body = HEALTH.format(repair="2h", unit="1h", group="10h", mode=mode)
    m = model(body, "25h")
    assert log(m, engine, drop=("life", "rate", "spare", "active")) == [
        (10.0, "fail", "p", ""),
        (10.0, "system_down", "system", "p"),
        (11.0, "detect", "p", ""),
        (11.0, "repair_start", "p", ""),
        (13.0, "repair_end", "p", ""),
        (13.0, "system_up", "system", "p"),
        (23.0, "fail", "p", ""),
        (23.0, "system_down", "system", "p"),
        (24.0, "detect", "p", ""),
        (24.0, "repair_start", "p", ""),
    ]
    r = study(m, engine).runs
    assert (r.switchovers.tolist(), r.downtime_hours.tolist()) == ([0], [3.0 + 2.0])


# --- 8. the target lost during the switchover -------------------------------------------------

LOST_TARGET = """
components:
  p: {{failure: {{fixed: 10h}}, repair: {{fixed: {p_repair}}}, detection: {{fixed: 1h}}}}
  q: {{failure: {{fixed: {q_life}}}, repair: {{fixed: 10h}}, detection: {{fixed: {q_detect}}}}}
{s}system: {{standby: {{of: [{members}], switchover: {{fixed: 2h}}}}}}
"""
S_UNIT = "  s: {failure: {fixed: 100h}, repair: {fixed: 10h}}\n"


@engines
def test_target_lost_new_attempt_at_its_detection(engine):
    # 11: switchover to q (2 h); q fails at 11.5, detected at 12: the switchover is abandoned
    # (its end at 13 does nothing) and a new attempt goes to the next spare up, s (p is in
    # repair): node up at 14.
    g = "standby(p, q, s)"
    m = model(LOST_TARGET.format(p_repair="10h", q_life="11.5h", q_detect="30min", s=S_UNIT,
                                 members="p, q, s"), "20h")
    assert log(m, engine) == [
        (10.0, "fail", "p", ""),
        (10.0, "system_down", "system", "p"),
        (11.0, "detect", "p", ""),
        (11.0, "switch_start", g, "q"),
        (11.0, "repair_start", "p", ""),
        (11.5, "fail", "q", ""),
        (12.0, "detect", "q", ""),
        (12.0, "switch_start", g, "s"),
        (12.0, "repair_start", "q", ""),
        (14.0, "switch_end", g, "s"),
        (14.0, "system_up", "system", "p"),
    ]
    s = study(m, engine)
    assert s.runs.switchovers.tolist() == [2]
    assert outages(s) == [(10.0, 4.0, "p", "p")]


@engines
def test_target_lost_no_spare_left(engine):
    # as above with two members: at q's detection (12) no member is up (p in repair 11..16):
    # switch_none; down until a repair completes: p at 16, active at once. q repaired at 22
    # while p is active: a spare.
    g = "standby(p, q)"
    m = model(LOST_TARGET.format(p_repair="5h", q_life="11.5h", q_detect="30min", s="",
                                 members="p, q"), "25h")
    assert log(m, engine) == [
        (10.0, "fail", "p", ""),
        (10.0, "system_down", "system", "p"),
        (11.0, "detect", "p", ""),
        (11.0, "switch_start", g, "q"),
        (11.0, "repair_start", "p", ""),
        (11.5, "fail", "q", ""),
        (12.0, "detect", "q", ""),
        (12.0, "switch_none", g, "q"),
        (12.0, "repair_start", "q", ""),
        (16.0, "repair_end", "p", ""),
        (16.0, "active", "p", g),
        (16.0, "system_up", "system", "p"),
        (22.0, "repair_end", "q", ""),
        (22.0, "spare", "q", g),
    ]
    assert study(m, engine).runs.downtime_hours.tolist() == [6.0]


@engines
def test_switchover_ends_before_the_target_loss_is_detected(engine):
    # q fails at 12 during its switchover (11..13), detected only at 15: the switchover ends
    # at 13 with the failed q active - the node stays down; at 15 the detection tries s (up 17).
    g = "standby(p, q, s)"
    m = model(LOST_TARGET.format(p_repair="10h", q_life="12h", q_detect="3h", s=S_UNIT,
                                 members="p, q, s"), "22h")
    assert log(m, engine) == [
        (10.0, "fail", "p", ""),
        (10.0, "system_down", "system", "p"),
        (11.0, "detect", "p", ""),
        (11.0, "switch_start", g, "q"),
        (11.0, "repair_start", "p", ""),
        (12.0, "fail", "q", ""),
        (13.0, "switch_end", g, "q"),
        (15.0, "detect", "q", ""),
        (15.0, "switch_start", g, "s"),
        (15.0, "repair_start", "q", ""),
        (17.0, "switch_end", g, "s"),
        (17.0, "system_up", "system", "p"),
        (21.0, "repair_end", "p", ""),
        (21.0, "spare", "p", g),
    ]
    assert study(m, engine).runs.downtime_hours.tolist() == [7.0]


# --- 9. failed spares are skipped -------------------------------------------------------------

SKIP = """
components:
  p: {failure: {fixed: 10h}, repair: {fixed: 5h}, detection: {fixed: 1h}}
  q: {failure: {fixed: 5h}, repair: {fixed: 5h}, detection: {fixed: 20h}}
  r: {failure: {fixed: 6h}, repair: {fixed: 20h}}
  s: {failure: {fixed: 100h}, repair: {fixed: 5h}}
system: {standby: {of: [p, q, r, s], switchover: {fixed: 1h}}}
"""


@engines
def test_failed_spares_are_skipped(engine):
    # q failed at 5, not detected yet (at 25); r failed at 6, detected, in repair until 26.
    # At p's detection (11) both are skipped: the switchover goes to s.
    g = "standby(p, q, r, s)"
    m = model(SKIP, "20h")
    assert log(m, engine) == [
        (5.0, "fail", "q", ""),
        (6.0, "fail", "r", ""),
        (6.0, "detect", "r", ""),
        (6.0, "repair_start", "r", ""),
        (10.0, "fail", "p", ""),
        (10.0, "system_down", "system", "p"),
        (11.0, "detect", "p", ""),
        (11.0, "switch_start", g, "s"),
        (11.0, "repair_start", "p", ""),
        (12.0, "switch_end", g, "s"),
        (12.0, "system_up", "system", "p"),
        (16.0, "repair_end", "p", ""),
        (16.0, "spare", "p", g),
    ]


# --- 10. ageing of warm and cold spares -------------------------------------------------------

AGEING = """
components:
  p: {{failure: {{fixed: 10h}}, repair: {{fixed: 5h}}}}
  q: {{failure: {{fixed: 8h}}, repair: {{fixed: 5h}}}}
system: {{standby: {{of: [p, q], {mode}, switchover: {{fixed: 1h}}}}}}
"""


@engines
def test_warm_spare_ageing(engine):
    # q ages at 0.5 as a spare: its failure is first due at 16 (8 / 0.5). At 10 it becomes
    # active (rate 1) with age 5: it fails at 10 + (8 - 5) / 1 = 13 (the FAIL due at 16 is
    # stale). No spare up at 13 (p in repair): down until p's repair end (15, active at once).
    # q repaired at 18: a spare again, its new life at 0.5 (due at 34).
    g = "standby(p, q)"
    m = model(AGEING.format(mode="mode: warm, dormant_factor: 0.5"), "20h")
    assert full(m, engine) == [
        (0.0, "life", "p", "", 10.0),
        (0.0, "life", "q", "", 8.0),
        (10.0, "fail", "p", "", 0.0),
        (10.0, "system_down", "system", "p", 0.0),
        (10.0, "detect", "p", "", 0.0),
        (10.0, "rate", "q", "", 1.0),
        (10.0, "switch_start", g, "q", 1.0),
        (10.0, "repair_start", "p", "", 5.0),
        (11.0, "switch_end", g, "q", 0.0),
        (11.0, "system_up", "system", "p", 1.0),
        (13.0, "fail", "q", "", 0.0),
        (13.0, "system_down", "system", "q", 0.0),
        (13.0, "detect", "q", "", 0.0),
        (13.0, "switch_none", g, "q", 0.0),
        (13.0, "repair_start", "q", "", 5.0),
        (15.0, "repair_end", "p", "", 0.0),
        (15.0, "active", "p", g, 0.0),
        (15.0, "system_up", "system", "q", 2.0),
        (15.0, "life", "p", "", 10.0),
        (18.0, "repair_end", "q", "", 0.0),
        (18.0, "spare", "q", g, 0.0),
        (18.0, "life", "q", "", 8.0),
    ]


@engines
def test_cold_spare_does_not_age(engine):
    # cold: q's failure is not scheduled while it is a spare. Active at 10 with age 0: fails at
    # 18. p, repaired at 15, is a cold spare: switched in at 18 with age 0, due at 28 (after
    # the mission end, 25).
    g = "standby(p, q)"
    m = model(AGEING.format(mode="mode: cold"), "25h")
    assert full(m, engine) == [
        (0.0, "life", "p", "", 10.0),
        (0.0, "life", "q", "", 8.0),
        (10.0, "fail", "p", "", 0.0),
        (10.0, "system_down", "system", "p", 0.0),
        (10.0, "detect", "p", "", 0.0),
        (10.0, "rate", "q", "", 1.0),
        (10.0, "switch_start", g, "q", 1.0),
        (10.0, "repair_start", "p", "", 5.0),
        (11.0, "switch_end", g, "q", 0.0),
        (11.0, "system_up", "system", "p", 1.0),
        (15.0, "repair_end", "p", "", 0.0),
        (15.0, "spare", "p", g, 0.0),
        (15.0, "life", "p", "", 10.0),
        (18.0, "fail", "q", "", 0.0),
        (18.0, "system_down", "system", "q", 0.0),
        (18.0, "detect", "q", "", 0.0),
        (18.0, "rate", "p", "", 1.0),
        (18.0, "switch_start", g, "p", 1.0),
        (18.0, "repair_start", "q", "", 5.0),
        (19.0, "switch_end", g, "p", 0.0),
        (19.0, "system_up", "system", "q", 1.0),
        (23.0, "repair_end", "q", "", 0.0),
        (23.0, "spare", "q", g, 0.0),
        (23.0, "life", "q", "", 8.0),
    ]


CRASH = """
components:
  a: {failure: {fixed: 17h}, repair: {fixed: 5h}}
  c: {failure: {fixed: 1.7h}, repair: {fixed: 5h}}
system: {standby: {of: [a, c], mode: warm, dormant_factor: 0.1, switchover: {fixed: 1h}}}
"""


@engines
def test_warm_spare_used_up_when_switched_in(engine):
    # The case that used to crash. c's spare failure is due at 1.7 / 0.1 = 17.0, the instant a
    # fails; a's FAIL was scheduled first, so a fails first and c is switched in with age
    # 17 * 0.1 = 1.7000000000000002 > 1.7: remaining life max(1.7 - age, 0) = 0, so c fails at
    # now + 0 = 17 exactly (a new FAIL, after the stale one due at 17), not at a negative delay.
    # c's loss is detected at once: the switchover is abandoned, no member up: switch_none.
    # 22: a's repair end (scheduled first) -> active, node up; c -> a spare (due 22 + 17).
    g = "standby(a, c)"
    m = model(CRASH, "30h")
    assert full(m, engine) == [
        (0.0, "life", "a", "", 17.0),
        (0.0, "life", "c", "", 1.7),
        (17.0, "fail", "a", "", 0.0),
        (17.0, "system_down", "system", "a", 0.0),
        (17.0, "detect", "a", "", 0.0),
        (17.0, "rate", "c", "", 1.0),
        (17.0, "switch_start", g, "c", 1.0),
        (17.0, "repair_start", "a", "", 5.0),
        (17.0, "fail", "c", "", 0.0),
        (17.0, "detect", "c", "", 0.0),
        (17.0, "switch_none", g, "c", 0.0),
        (17.0, "repair_start", "c", "", 5.0),
        (22.0, "repair_end", "a", "", 0.0),
        (22.0, "active", "a", g, 0.0),
        (22.0, "system_up", "system", "a", 5.0),
        (22.0, "life", "a", "", 17.0),
        (22.0, "repair_end", "c", "", 0.0),
        (22.0, "spare", "c", g, 0.0),
        (22.0, "life", "c", "", 1.7),
    ]
    f = frame(m, engine)
    assert (np.diff(f.time_hours.to_numpy()) >= 0).all()
    assert f.time_hours[(f.event == "fail") & (f.target == "c")].tolist() == [17.0]
    assert study(m, engine).runs.downtime_hours.tolist() == [5.0]


# --- 11. members repaired at the same instant with no active unit -----------------------------

SAME_INSTANT = """
components:
  p: {failure: {fixed: 10h}, repair: {fixed: 10h}}
  q: {failure: {fixed: 4h}, repair: {fixed: 12h}}
system: {standby: {of: [p, q], mode: warm, dormant_factor: 0.5, switchover: {fixed: 1h}}}
"""


@engines
def test_same_instant_repairs_lowest_numbered_active(engine):
    # q (warm, 0.5) fails at 8, repair 8..20 (end scheduled at 8); p fails at 10, no spare up,
    # repair 10..20 (end scheduled at 10). At 20 q's repair end comes first: no active unit ->
    # q active (node up), new life at rate 1; then p, repaired at the same instant and
    # lower-numbered: p active, q a spare again (rate 0.5, age 0: due at 20 + 8 = 28).
    g = "standby(p, q)"
    m = model(SAME_INSTANT, "30h")
    assert full(m, engine) == [
        (0.0, "life", "p", "", 10.0),
        (0.0, "life", "q", "", 4.0),
        (8.0, "fail", "q", "", 0.0),
        (8.0, "detect", "q", "", 0.0),
        (8.0, "repair_start", "q", "", 12.0),
        (10.0, "fail", "p", "", 0.0),
        (10.0, "system_down", "system", "p", 0.0),
        (10.0, "detect", "p", "", 0.0),
        (10.0, "switch_none", g, "p", 0.0),
        (10.0, "repair_start", "p", "", 10.0),
        (20.0, "repair_end", "q", "", 0.0),
        (20.0, "active", "q", g, 0.0),
        (20.0, "system_up", "system", "p", 10.0),
        (20.0, "life", "q", "", 4.0),
        (20.0, "repair_end", "p", "", 0.0),
        (20.0, "active", "p", g, 0.0),
        (20.0, "spare", "q", g, 0.0),
        (20.0, "rate", "q", "", 0.5),
        (20.0, "life", "p", "", 10.0),
        (28.0, "fail", "q", "", 0.0),
        (28.0, "detect", "q", "", 0.0),
        (28.0, "repair_start", "q", "", 12.0),
    ]


# --- 12. outage cause and attribution ---------------------------------------------------------

SERIES = """
components:
  a: {failure: {fixed: 10h}, repair: {fixed: 4h}}
  b: {failure: {fixed: 12h}, repair: {fixed: 5h}}
system: {series: [a, b]}
"""


@engines
def test_outage_cause_and_attribution(engine):
    # 10..17: a's loss takes the system down; b fails at 12 meanwhile and is the last repaired
    # (17), but the cause stays a (7 h to a). 24..28: a (4 h). 29: b, cut at 30 (1 h to b).
    m = model(SERIES, "30h")
    assert log(m, engine) == [
        (10.0, "fail", "a", ""),
        (10.0, "system_down", "system", "a"),
        (10.0, "detect", "a", ""),
        (10.0, "repair_start", "a", ""),
        (12.0, "fail", "b", ""),
        (12.0, "detect", "b", ""),
        (12.0, "repair_start", "b", ""),
        (14.0, "repair_end", "a", ""),
        (17.0, "repair_end", "b", ""),
        (17.0, "system_up", "system", "a"),
        (24.0, "fail", "a", ""),
        (24.0, "system_down", "system", "a"),
        (24.0, "detect", "a", ""),
        (24.0, "repair_start", "a", ""),
        (28.0, "repair_end", "a", ""),
        (28.0, "system_up", "system", "a"),
        (29.0, "fail", "b", ""),
        (29.0, "system_down", "system", "b"),
        (29.0, "detect", "b", ""),
        (29.0, "repair_start", "b", ""),
    ]
    s = study(m, engine)
    assert outages(s) == [(10.0, 7.0, "a", "a"), (24.0, 4.0, "a", "a"), (29.0, 1.0, "b", "b")]
    r = s.runs
    assert r.outage_cause_unit.tolist() == [0, 0, 1]
    assert r.downtime_hours.tolist() == [12.0]
    assert r.downtime_by_type.tolist() == [[11.0, 1.0]]
    assert r.failures_by_type.tolist() == [[2, 2]]
    assert r.first_failure_hours.tolist() == [10.0]


HOT_DB = """
components:
  db: {count: 2, failure: {fixed: 10h}, repair: {fixed: 5h}}
system: {standby: {of: db}}
"""


@engines
def test_outage_cause_in_a_standby_group(engine):
    # Both db fail at 10 (db[0]'s FAIL scheduled first): db[0]'s loss -> instant switchover
    # to db[1] (zero-length down/up, no outage); then db[1]'s loss takes the system down with
    # no member up: the outage 10..15 is caused by db[1]. At 15 db[0]'s repair end (scheduled
    # first) makes it active; db[1], repaired at the same instant, is a spare.
    g = "standby(db[0], db[1])"
    m = model(HOT_DB, "18h")
    assert log(m, engine) == [
        (10.0, "fail", "db[0]", ""),
        (10.0, "system_down", "system", "db[0]"),
        (10.0, "detect", "db[0]", ""),
        (10.0, "switch_start", g, "db[1]"),
        (10.0, "system_up", "system", "db[0]"),
        (10.0, "repair_start", "db[0]", ""),
        (10.0, "fail", "db[1]", ""),
        (10.0, "system_down", "system", "db[1]"),
        (10.0, "detect", "db[1]", ""),
        (10.0, "switch_none", g, "db[1]"),
        (10.0, "repair_start", "db[1]", ""),
        (15.0, "repair_end", "db[0]", ""),
        (15.0, "active", "db[0]", g),
        (15.0, "system_up", "system", "db[1]"),
        (15.0, "repair_end", "db[1]", ""),
        (15.0, "spare", "db[1]", g),
    ]
    s = study(m, engine)
    assert outages(s) == [(10.0, 5.0, "db[1]", "db")]
    assert s.runs.outage_cause_unit.tolist() == [1]
    assert s.runs.downtime_by_type.tolist() == [[5.0]]
    assert s.runs.first_failure_hours.tolist() == [10.0]
