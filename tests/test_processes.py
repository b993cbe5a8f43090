"""Processes (issue 10) as whole event logs of small hand-made models, and their input checks.

Every law is ``fixed``, so each log is fully determined and derived by hand from the rules
(the docstrings of ``hasim.engines.reference.units``, ``spares``, ``standby``,
``inspections`` and ``maintenance``); each test runs on both engines and checks that they give
identical logs and records. A log line is ``(time, event, target, other)``; ``life`` and
``rate`` lines are dropped.
"""

from __future__ import annotations

import pandas as pd
import pytest

import hasim
from hasim.errors import ModelError

ENGINES = ("simpy", "numba")


def model(body: str, mission: str) -> hasim.CompiledModel:
    return hasim.model_from_yaml(f"hasim: 1\nname: process\nmission: {mission}\n{body}")


def log(m: hasim.CompiledModel) -> list[tuple]:
    frames = [hasim.trace(m, seed=1, engine=e) for e in ENGINES]
    pd.testing.assert_frame_equal(frames[0], frames[1], check_exact=True)
    return [(round(float(t), 9), ev, target, other)
            for t, ev, target, other, _ in frames[0].itertuples(index=False)
            if ev not in ("life", "rate")]


def runs(m: hasim.CompiledModel) -> hasim.RunResult:
    """One replication on both engines; the records must be identical."""
    out = [hasim.run_study(m, runs=1, seed=1, workers=1, progress=False, engine=e).runs
           for e in ENGINES]
    for name in out[0].__dataclass_fields__:
        a, b = getattr(out[0], name), getattr(out[1], name)
        assert pd.isna(a).tolist() == pd.isna(b).tolist() and \
            (a[~pd.isna(a)] == b[~pd.isna(b)]).all(), name
    return out[0]


def test_a_latent_failure_is_found_by_the_next_inspection():
    # a fails every 10 h of life, unnoticed (coverage 0): down from 10 h; the inspection at
    # 25 h finds it (detected then), the 2 h repair ends at 27 h; the next life ends at 37 h,
    # found at 50 h, repaired at 52 h; the next inspection (75 h) is after the mission.
    m = model("""
components:
  a: {failure: {fixed: 10h}, repair: {fixed: 2h}, coverage: 0}
system: a
inspections:
  - {of: a, every: 25h}
""", "60h")
    assert log(m) == [
        (10, "fail", "a", ""), (10, "latent", "a", ""), (10, "system_down", "system", "a"),
        (25, "inspect", "a", "inspections[0]"), (25, "reveal", "a", ""),
        (25, "detect", "a", ""), (25, "repair_start", "a", ""),
        (27, "repair_end", "a", ""), (27, "system_up", "system", "a"),
        (37, "fail", "a", ""), (37, "latent", "a", ""), (37, "system_down", "system", "a"),
        (50, "inspect", "a", "inspections[0]"), (50, "reveal", "a", ""),
        (50, "detect", "a", ""), (50, "repair_start", "a", ""),
        (52, "repair_end", "a", ""), (52, "system_up", "system", "a"),
    ]
    r = runs(m)
    assert r.downtime_hours[0] == 17 + 15  # latent, then repaired: 10-27 h and 37-52 h
    assert r.latent_hours[0] == 15 + 13
    assert (r.latent_failures[0], r.latent_found[0], r.inspections[0]) == (2, 2, 2)
    assert r.planned_downtime_hours[0] == 0.0


def test_a_switchover_attempt_reveals_a_latent_spare():
    # the hot spare b fails unnoticed at 4 h; when the active p fails at 10 h (detected at
    # once) the attempt skips b, reveals it (detected: its repair starts) and finds no spare
    # up: the node is down; then p's own repair is requested.
    m = model("""
components:
  p: {failure: {fixed: 10h}, repair: {fixed: 2h}}
  b: {failure: {fixed: 4h}, repair: {fixed: 3h}, coverage: 0}
system: {standby: {of: [p, b], mode: hot}}
""", "11h")
    assert log(m) == [
        (4, "fail", "b", ""), (4, "latent", "b", ""),
        (10, "fail", "p", ""), (10, "system_down", "system", "p"), (10, "detect", "p", ""),
        (10, "reveal", "b", ""), (10, "detect", "b", ""), (10, "repair_start", "b", ""),
        (10, "switch_none", "standby(p, b)", "p"), (10, "repair_start", "p", ""),
    ]
    r = runs(m)
    assert (r.latent_failures[0], r.latent_found[0]) == (1, 0)
    assert r.latent_hours[0] == 6.0


def test_rolling_maintenance_does_one_unit_after_another():
    m = model("""
components:
  w: {count: 3, failure: {fixed: 1000h}, repair: {fixed: 1h}}
system: {k_of_n: {k: 2, of: w}}
maintenance:
  - {of: w, every: 10h, duration: {fixed: 2h}}
""", "15h")
    assert log(m) == [
        (10, "round", "maintenance[0]", ""),
        (10, "out", "w[0]", "maintenance[0]"), (12, "back", "w[0]", "maintenance[0]"),
        (12, "out", "w[1]", "maintenance[0]"), (14, "back", "w[1]", "maintenance[0]"),
        (14, "out", "w[2]", "maintenance[0]"),
    ]
    r = runs(m)
    assert (r.maintenance_steps[0], r.downtime_hours[0]) == (3, 0.0)


def test_all_at_once_maintenance_of_a_series_is_planned_downtime():
    # rounds at 0, 10, 20, 30 h take both units out for 1 h: 4 h down, all of it planned
    m = model("""
components:
  a: {count: 2, failure: {fixed: 1000h}, repair: {fixed: 1h}}
system: {series: a}
maintenance:
  - {of: a, every: 10h, first: 0h, duration: {fixed: 1h}, rolling: false}
""", "40h")
    r = runs(m)
    assert r.downtime_hours[0] == r.planned_downtime_hours[0] == 4.0
    assert (r.outages[0], r.maintenance_steps[0]) == (4, 8)
    s = hasim.run_study(m, runs=2, seed=1, workers=1, progress=False, engine="simpy").to_dict()
    assert s["availability"]["mean"] == pytest.approx(0.9)
    assert s["availability_unplanned"]["mean"] == 1.0
    assert s["planned_downtime_hours_per_year"] == pytest.approx(0.1 * 8760)
    assert s["unplanned_downtime_hours_per_year"] == 0.0


def test_a_deferred_step_waits_and_an_unstarted_one_is_skipped_by_the_next_round():
    # x fails at 5 h (repaired at 15 h); at the 8 h round taking y[0] out would leave 1 of 3
    # up: deferred until x is back at 15 h. The 16 h round skips y[1], which the first round
    # had not reached, and starts again with y[0] when its step ends at 17 h.
    m = model("""
components:
  x: {failure: {fixed: 5h}, repair: {fixed: 10h}}
  y: {count: 2, failure: {fixed: 1000h}, repair: {fixed: 1h}}
system: {k_of_n: {k: 2, of: [x, y]}}
maintenance:
  - {of: y, every: 8h, duration: {fixed: 2h}, defer: true}
""", "20h")
    assert log(m) == [
        (5, "fail", "x", ""), (5, "detect", "x", ""), (5, "repair_start", "x", ""),
        (8, "round", "maintenance[0]", ""), (8, "defer", "y[0]", "maintenance[0]"),
        (15, "repair_end", "x", ""), (15, "out", "y[0]", "maintenance[0]"),
        (16, "round", "maintenance[0]", ""), (16, "skip", "y[1]", "maintenance[0]"),
        (17, "back", "y[0]", "maintenance[0]"), (17, "out", "y[0]", "maintenance[0]"),
        (19, "back", "y[0]", "maintenance[0]"), (19, "out", "y[1]", "maintenance[0]"),
    ]
    r = runs(m)
    assert (r.maintenance_deferred[0], r.maintenance_skipped[0], r.maintenance_steps[0]) == \
        (1, 1, 3)
    assert r.downtime_hours[0] == 0.0


def test_a_repair_waits_for_a_part_first_come_first_served():
    # one part in stock, reordered when taken, 5 h lead time. At 3 h a[0] takes it (arrives
    # again at 8 h) and a[1] waits; a[0] fails again at 7 h and waits behind a[1]; at 8 h the
    # part goes to a[1] (reordered: due at 13 h, after the mission); a[0] waits to the end.
    m = model("""
spares:
  p: {stock: 1, lead_time: {fixed: 5h}}
components:
  a: {count: 2, failure: {fixed: 3h}, repair: {fixed: 1h}, spare: p}
system: {parallel: a}
""", "12h")
    assert log(m) == [
        (3, "fail", "a[0]", ""), (3, "detect", "a[0]", ""), (3, "part_taken", "a[0]", "p"),
        (3, "repair_start", "a[0]", ""),
        (3, "fail", "a[1]", ""), (3, "system_down", "system", "a[1]"),
        (3, "detect", "a[1]", ""), (3, "part_wait", "a[1]", "p"),
        (4, "repair_end", "a[0]", ""), (4, "system_up", "system", "a[1]"),
        (7, "fail", "a[0]", ""), (7, "system_down", "system", "a[0]"),
        (7, "detect", "a[0]", ""), (7, "part_wait", "a[0]", "p"),
        (8, "part_arrives", "p", ""), (8, "part_taken", "a[1]", "p"),
        (8, "repair_start", "a[1]", ""),
        (9, "repair_end", "a[1]", ""), (9, "system_up", "system", "a[0]"),
    ]
    r = runs(m)
    assert (r.part_requests[0, 0], r.parts_waited[0, 0]) == (3, 2)
    assert r.part_wait_hours[0, 0] == 5.0 + 5.0  # a[1] 3-8 h, a[0] 7-12 h (cut at the end)
    assert r.parts_on_hand_hours[0, 0] == 3.0  # one part on hand until 3 h
    assert r.downtime_hours[0] == 3.0


def test_competing_modes_pick_the_earliest_and_its_repair():
    # life: min(6 h, 9 h) -> mode "soft" at 6 h with its 1 h repair; every life the same
    m = model("""
components:
  a:
    repair: {fixed: 5h}
    failures:
      - {name: hard, law: {fixed: 9h}}
      - {name: soft, law: {fixed: 6h}, repair: {fixed: 1h}}
system: a
""", "20h")
    assert log(m) == [
        (6, "fail", "a", ""), (6, "system_down", "system", "a"), (6, "detect", "a", ""),
        (6, "repair_start", "a", ""), (7, "repair_end", "a", ""),
        (7, "system_up", "system", "a"),
        (13, "fail", "a", ""), (13, "system_down", "system", "a"), (13, "detect", "a", ""),
        (13, "repair_start", "a", ""), (14, "repair_end", "a", ""),
        (14, "system_up", "system", "a"),
    ]
    r = runs(m)
    assert r.failures_by_mode[0].tolist() == [0, 2]
    assert r.downtime_by_mode[0].tolist() == [0.0, 2.0]
    assert m.mode_labels == ("a.hard", "a.soft")


BAD = [
    ("components: {a: {failure: 1h, repair: 1h, failures: [{name: x, law: 2h}]}}\nsystem: a",
     "not both"),
    ("components: {a: {failures: [{name: x, law: 2h}]}}\nsystem: a", "have no repair"),
    ("components: {a: {repair: 1h, failures: [{name: x, law: 2h}, {name: x, law: 3h}]}}\n"
     "system: a", "must differ"),
    ("components: {a: {failure: 1h}}\nsystem: a", "missing: repair"),
    ("components: {a: {failure: 1h, repair: 1h, spare: disk}}\nsystem: a",
     "unknown spare stock 'disk'"),
    ("components: {a: {repair: 1h, failures: [{name: x, law: 2h, crew: ops}]}}\nsystem: a",
     "unknown crew 'ops'"),
    ("spares: {d: {stock: 0, lead_time: 1h}}\ncomponents: {a: {failure: 1h, repair: 1h}}\n"
     "system: a", "spares.d.stock"),
    ("spares: {d: {stock: 1, lead_time: 0s}}\ncomponents: {a: {failure: 1h, repair: 1h}}\n"
     "system: a", "positive mean"),
    ("components: {a: {failure: 1h, repair: 1h}}\nsystem: a\ninspections: [{of: b, every: 1w}]",
     "unknown component 'b'"),
    ("components: {a: {failure: 1h, repair: 1h}}\nsystem: a\nmaintenance: [{of: a, every: 1w}]",
     "maintenance[0].duration: required key is missing"),
    ("components: {a: {failure: 1h, repair: 1h}}\nsystem: a\n"
     "maintenance: [{of: a, every: -1h, duration: 1h}]", "maintenance[0].every: must be > 0"),
    ("components: {a: {failure: 1h, repair: 1h, coverage: 1.5}}\nsystem: a", "coverage"),
    ("components: {a: {repair: 1h, failures: [{name: x, law: 2h, effect: latent, "
     "coverage: 0.5}]}}\nsystem: a", "effect: latent means coverage 0"),
    ("components: {a: {failure: 1h, repair: 1h}}\nsystem: a\n"
     "inspections: [{of: [a, a], every: 1w}]", "named twice"),
]


@pytest.mark.parametrize(("body", "message"), BAD)
def test_bad_process_keys_are_clear_errors(body, message):
    with pytest.raises(ModelError) as e:
        model(body, "1y")
    assert message in str(e.value), str(e.value)
