"""The kernels' numeric codes (hasim/kernels/codes.py) are the event table's (hasim/events.py):
every constant is tied to the member of the same name, and every member has its constant."""

from __future__ import annotations

import pytest

from hasim import events
from hasim.kernels import codes
from hasim.model import lower

TABLES = [(events.Event, "EV_"), (events.Trace, "TR_"), (events.Purpose, "P_"),
          (events.Count, "C_"), (events.Level, "L_"), (events.Episode, "EP_")]
RESERVED = {"Event": {"SHOCK", "BACKUP_START", "BACKUP_END", "RESTORE_END", "RESYNC_END",
                      "DEMAND_STEP"},
            "Purpose": {"MODE", "LAG", "SHOCK", "BACKUP", "RESTORE", "RESYNC"},
            "Episode": {"PLANNED_OUTAGE", "RESTORE", "DATA_LOSS", "STOCK_OUT"}}
"""Members reserved for coming mechanisms: the kernels have no constant for them yet."""


@pytest.mark.parametrize(("table", "prefix"), TABLES, ids=lambda x: getattr(x, "__name__", x))
def test_kernel_codes_are_the_event_table(table, prefix):
    constants = {name[len(prefix):]: value for name, value in vars(codes).items()
                 if name.startswith(prefix) and name.isupper() and isinstance(value, int)}
    for name, value in constants.items():
        assert table[name] == value, f"{prefix}{name} = {value} but {table.__name__}.{name} = " \
                                     f"{table[name].value}"
    implemented = [m for m in table if m.name not in RESERVED.get(table.__name__, set())]
    assert {m.name for m in implemented} == set(constants)


def test_room_for_the_coming_mechanisms():
    assert len(events.Event) <= events.MAX_EVENT_KINDS == 1 << codes.KIND_BITS
    assert events.MAX_EVENT_KINDS >= 32
    assert codes.N_PURPOSES == events.N_PURPOSES >= len(events.Purpose)
    assert codes.TOKEN_SHIFT + 35 <= 63  # tokens up to 2^35 fit the int64 payload
    # owners of every kind the design names
    assert {o.name for o in events.Owner} >= {"UNIT", "GROUP", "CREW", "SCHEDULE", "STOCK",
                                             "SHOCK_GROUP", "DATASET"}


def test_disciplines():
    assert (codes.FIFO, codes.PRIORITY, codes.RANDOM) == (lower.FIFO, lower.PRIORITY,
                                                          lower.RANDOM)
    assert lower.DISCIPLINES == {"fifo": 0, "priority": 1, "random": 2}


def test_trace_targets_cover_every_line():
    for code in events.Trace:
        assert events.TRACE_TARGET.get(code, events.Target.UNIT) in events.Target
