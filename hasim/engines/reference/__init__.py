"""The SimPy reference engine: the rules of DESIGN.md ("Semantics") as plain timeouts.

This engine defines what correct means; the numba kernels (:mod:`hasim.kernels`) implement the
same handlers, with the same names, module for module, and must produce the same histories bit
for bit. One module per mechanism: :mod:`.units` (lives, ageing, failure, detection, repair),
:mod:`.crews` (request, grant, release, disciplines), :mod:`.standby` (loss, detection trigger,
switchover attempt and end, role on repair), :mod:`.spares` (stocks of parts, reorders),
:mod:`.inspections` and :mod:`.maintenance` (calendar schedules, time out of service),
:mod:`.tree` (the structure function), :mod:`.records` (counts, levels, episodes, the trace);
:mod:`.replication` holds one simulated history and dispatches its events.

**Event order.** Every event is a SimPy ``Timeout`` scheduled by a rule, with a callback that
calls the handler of its kind (:class:`hasim.events.Event`). SimPy orders its heap by (time,
priority, id); timeouts all have the same priority and ids count up as events are scheduled, so
events are processed by (time, order of scheduling) — the key of the kernel's heap. A rule that
invalidates an event it scheduled earlier (an ageing rate changed, a switchover was superseded)
does not remove it: the event carries a token that no longer matches when it comes up, and its
handler then does nothing. Crews are plain queues that grant at once. Only events before the
end of the mission are handled (SimPy's ``until`` comes first at the mission end).

**Zero delays** — a ``0s`` detection, crew response, switchover or group detection — are taken
at once, inside the rule that draws them, without scheduling. A repair always ends with a
scheduled event (a zero repair time: at the same instant, after the events already due then).

**Rules**, with the moment and the stream of every random number (owner, purpose):

* t = 0: every unit is up and new; the first member of each standby group is active, the others
  are spares; each unit, in unit order, starts its first life.
* A *life* draws one lifetime per failure mode of the unit's component, in mode order (unit,
  FAILURE); the earliest ends the life and its mode is the failure's (the lowest-numbered mode
  on a tie); a component with ``failure:`` has one mode. The lifetime is consumed at the
  unit's ageing rate: 1 outside
  standby groups and for the active unit; an idle spare 1 (hot), the dormant factor (warm) or 0
  (cold). The failure is scheduled at ``now + lifetime / rate`` (none while the rate is 0). When
  a rate changes, the age consumed so far is kept and the failure is rescheduled at
  ``now + max(lifetime - age, 0) / rate``.
* **Failure** of unit u: u is down. With the mode's ``coverage`` below 1 a uniform number is
  drawn (unit, COVERAGE; none for coverage 0): at or above the coverage the failure is
  *latent* (monitoring misses it). The structure leaves of u go down; if u is the active unit
  of its standby group, the group is *lost* (below); then, unless latent, the mode's detection
  delay is drawn (unit, DETECTION) and u's failure is *detected* after it. A latent failure is
  detected only when an inspection finds it or a switchover attempt reveals it.
* **Detection** of u: if u is still the active unit of a group without its own ``detection``,
  the group's switchover is attempted (below); then u's repair is requested — after taking a
  part first if the mode names a stock (:mod:`.spares`: a part on hand is taken at once and
  reordered, lead time (stock, LEAD_TIME); else the job waits, first come first served, holding
  no crew, for the next part to arrive).
* **Repair request** (to the crew of the failure's mode): without a crew the repair starts at
  once. With a crew: if fewer than
  ``size`` jobs are in hand, the crew grants the job at once; else the job waits in the crew's
  queue. A granted job holds a crew member for the response time (unit, RESPONSE; the crew's
  ``response`` law), then the repair starts.
* **Repair start**: the mode's repair time is drawn (unit, REPAIR) and the repair ends after
  it.
* **Repair end** of u: u is up and as good as new; its crew member is released *after* the
  following: u's role in its group is set (below), its structure leaves go up, and its next life
  starts. The released member takes the next waiting job by the crew's discipline: ``fifo`` the
  job waiting longest; ``priority`` the lowest component ``priority`` (FIFO among equals);
  ``random`` a component type drawn uniformly (crew, DISCIPLINE) among the types that have a job
  waiting, ordered by type, then FIFO within the type — the number is drawn only when two or
  more types wait.
* **Standby, loss**: when the active unit of a group is lost the group's node is down. If the
  group has its own ``detection`` law, it is drawn (group, DETECTION) and the switchover is
  attempted after it — unless the unit is up again by then (it was repaired first); otherwise
  the attempt waits for the unit's own detection (above).
* **Standby, attempt**: a switchover in progress is abandoned. A latent failure of the lost
  unit is revealed (detected now: its repair is requested). The target is the lowest-numbered
  member, other than the lost unit, that is up (a failed spare is skipped whether or not its
  failure is detected yet; a skipped latent failure is revealed, in member order). With
  none, the group has no active unit until a repair completes.
  Else the attempt counts; with ``coverage`` < 1 a uniform number is drawn (group, COVERAGE) and
  the attempt fails when it is ≥ coverage: no active unit until a repair completes, other spares
  untried. Otherwise the target is the active unit at once (it now ages at rate 1) and the
  switchover time is drawn (group, SWITCHOVER); the node is up when it ends — if the active
  unit is up then. A target lost during the switchover is a loss like any other: a new attempt
  follows at that loss's detection (to the next spare that is up, coverage drawn again); if the
  switchover completes before that detection, the failed target is the active unit and the node
  stays down until the detection.
* **Standby, role on repair**: a unit repaired while its group has no active unit becomes the
  active unit at once (node up); the active unit repaired before its group's health check
  noticed the loss stays active (the pending check then does nothing); if several members are
  repaired at the same instant, the lowest-numbered one ends up active and the others are
  spares. A unit repaired while the group
  has an active unit — including while a switchover is in progress and while the active unit's
  failure is still undetected — becomes a spare. Non-revertive.
* **Planned work** (:mod:`.inspections`, :mod:`.maintenance`): schedules act at
  ``first + k·every`` before the mission end, their first instants scheduled at t = 0 after the
  first lives, in model order. A unit taken out of service stops ageing (rate 0) and counts as
  lost for the structure and its group (a switchover is attempted at once); back in service it
  takes its role as after a repair and goes on with its life (a new one if ``renews``). System
  downtime while some unit is out of service is *planned*. After every event, deferred
  maintenance steps are tried again.
* **Structure**: a series/parallel/k-of-n/quorum node is up when at least k children are up; a
  leaf when its unit is up; a standby node when its group has an active unit that is up and no
  switchover is in progress.
* **Outages**: an outage is a maximal interval with the system down; one of zero length (down and
  up at the same instant) is not an outage and is not recorded. Its cause is the unit whose loss
  took the system down. An outage still open at the mission end is cut there.

**Records** (:mod:`hasim.events`): counts (events, failures, detections, repairs, switchover
attempts and failures, latent failures, inspections, maintenance steps, failures by component
type and by mode, part requests and waits per stock), levels (downtime, planned downtime,
latent hours, crew busy hours per crew, downtime by cause type and mode, hours waiting for
parts and parts on hand per stock) and episodes (outages with start, end, cause unit and
type), in the
layout both engines share; :func:`hasim.engines.records.build_result` turns them into a
:class:`~hasim.results.RunResult`.
"""

from hasim.engines.reference.replication import Replication, run_replications, trace

__all__ = ["Replication", "run_replications", "trace"]
