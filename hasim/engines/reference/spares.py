"""Spare parts: stocks with one-for-one reordering. Handler of :data:`Event.PART_ARRIVES`;
twins of :mod:`hasim.kernels.spares`.

A detected failure whose mode names a stock needs one part before its repair is requested
from the crew. If the stock has one it is taken at once; else the job waits, holding no crew,
in the stock's queue (first come, first served) and takes the next part that arrives. A part
is reordered the moment it is taken and arrives after the stock's lead time (stock,
LEAD_TIME), so parts on hand plus parts on order always equal the stock's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hasim.engines.reference import crews, records
from hasim.events import Event, Purpose, Trace

if TYPE_CHECKING:
    from hasim.engines.reference.replication import Replication


def need(r: Replication, u: int) -> None:
    """The repair of ``u`` is ready: take a part first if its mode needs one."""
    s = int(r.p.modes.spare[r.units[u].mode])
    if s < 0:
        crews.request(r, u)
        return
    records.count(r, r.p.layout.part_requests + s)
    stock = r.stocks[s]
    if stock.on_hand > 0:
        take(r, s, u)
        crews.request(r, u)
        return
    records.count(r, r.p.layout.parts_waited + s)
    stock.queue.append(u)
    r.units[u].wait_start = r.now
    records.trace(r, Trace.PART_WAIT, u, s, float(len(stock.queue)))


def on_hand_changes(r: Replication, s: int, delta: int) -> None:
    stock = r.stocks[s]
    records.level(r, r.p.layout.on_hand + s, stock.on_hand * (r.now - stock.since))
    stock.since = r.now
    stock.on_hand += delta


def take(r: Replication, s: int, u: int) -> None:
    """Unit ``u``'s repair takes a part from stock ``s``, which reorders it."""
    on_hand_changes(r, s, -1)
    lead = r.draw(int(r.p.stocks.stream[s]), Purpose.LEAD_TIME, int(r.p.stocks.lead_time[s]))
    records.trace(r, Trace.PART_TAKEN, u, s, lead)
    r.schedule(lead, Event.PART_ARRIVES, s)  # always an event (the lead time has a positive mean)


def part_arrives(r: Replication, s: int, token: int) -> None:
    """A part arrives: the first waiting repair takes it (and it is reordered) and goes to
    its crew."""
    on_hand_changes(r, s, 1)
    stock = r.stocks[s]
    records.trace(r, Trace.PART_ARRIVES, s, -1, float(stock.on_hand))
    if stock.queue:
        u = stock.queue.pop(0)
        records.level(r, r.p.layout.part_wait + s, r.now - r.units[u].wait_start)
        take(r, s, u)
        crews.request(r, u)
