"""The event table's numbers as plain constants for the kernels (they import nothing of hasim).

``tests/test_events.py`` ties every constant here to the name of the same number in
:mod:`hasim.events` (Event, Trace, Purpose, Count, Level, Episode) and in
:mod:`hasim.model.lower` (disciplines).
"""

# Event — scheduled events (kind in 6 bits of the payload)
EV_FAIL = 0
EV_DETECT = 1
EV_RESPONSE_END = 2
EV_REPAIR_END = 3
EV_GROUP_DETECT = 4
EV_SWITCH_END = 5
EV_INSPECTION = 6
EV_MAINTENANCE_START = 7
EV_MAINTENANCE_END = 8
EV_PART_ARRIVES = 9
EV_INSPECTION_END = 16
NO_EVENT = -1
"""Kernel only: the loop's dispatch has nothing (more) to handle for the event popped."""
KIND_BITS = 6
TARGET_BITS = 22
TOKEN_SHIFT = KIND_BITS + TARGET_BITS
MAX_TARGETS = 1 << TARGET_BITS

# Trace — lines of an event log
TR_FAIL = 0
TR_DETECT = 1
TR_QUEUE = 2
TR_GRANT = 3
TR_REPAIR_START = 4
TR_REPAIR_END = 5
TR_LIFE = 6
TR_RATE = 7
TR_GROUP_DETECT = 8
TR_SWITCH_START = 9
TR_SWITCH_FAILED = 10
TR_SWITCH_NONE = 11
TR_SWITCH_END = 12
TR_ACTIVE = 13
TR_SPARE = 14
TR_SYSTEM_DOWN = 15
TR_SYSTEM_UP = 16
TR_LATENT = 17
TR_REVEAL = 18
TR_INSPECT = 19
TR_OUT = 20
TR_BACK = 21
TR_PART_WAIT = 22
TR_PART_TAKEN = 23
TR_PART_ARRIVES = 24
TR_ROUND = 25
TR_DEFER = 26
TR_SKIP = 27

# Purpose — random streams of an owner
P_FAILURE = 0
P_REPAIR = 1
P_DETECTION = 2
P_RESPONSE = 3
P_SWITCHOVER = 4
P_COVERAGE = 5
P_DISCIPLINE = 6
P_INSPECTION = 8
P_MAINTENANCE = 9
P_LEAD_TIME = 10
N_PURPOSES = 16

# Count, Level, Episode — the record layout
C_EVENTS = 0
C_FAILURES = 1
C_DETECTIONS = 2
C_REPAIRS = 3
C_SWITCHOVERS = 4
C_SWITCHOVERS_FAILED = 5
C_REPAIR_STARTS = 6
C_GROUP_DETECTIONS = 7
C_OUTAGES = 8
C_OUTAGES_UNRECORDED = 9
C_LATENT_FAILURES = 10
C_LATENT_FOUND = 11
C_INSPECTIONS = 12
C_MAINTENANCE_STEPS = 13
C_MAINTENANCE_DEFERRED = 14
C_MAINTENANCE_SKIPPED = 15
C_FAILURES_BY_TYPE = 16
L_DOWNTIME = 0
L_FIRST_OUTAGE = 1
L_PLANNED_DOWNTIME = 2
L_LATENT_HOURS = 3
L_CREW_BUSY = 4
EP_OUTAGE = 0

# crew disciplines (hasim.model.lower)
FIFO = 0
PRIORITY = 1
RANDOM = 2

# kernel status
OK = 0
HEAP_FULL = 1
EPISODES_FULL = 2
TRACE_FULL = 3
SLICE_DONE = 4
"""The call's event budget (``STEPS``) ran out inside a replication: call again to go on."""
EVENT_CAP = 5
"""The replication handled its cap of events before its end."""
