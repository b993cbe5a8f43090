"""The exact solver on the process mechanisms: failure modes, coverage and latent failures,
spare parts — each rule against a chain written by hand here, then refusals, then the SimPy
engine against the exact values.

The definition of the rules is the SimPy reference engine (hasim/engines/reference/units.py,
standby.py, spares.py, crews.py). Every expected value is derived here without
hasim.analysis.exact: a table of moves written out below (states and rates in the
docstrings), explored and solved with numpy/scipy (:mod:`tests.exact`). All laws are
exponential: λ = 1/MTTF of a mode, μ = 1/MTTR, δ = 1/(mean detection delay), γ = 1/(mean
health-check delay), σ = 1/(mean switchover), ρ = 1/(mean crew response), ℓ = 1/(mean lead
time). Availabilities are compared through the unavailability U = 1 − A.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pytest
from scipy import linalg

import hasim
from hasim.analysis.check import Z_LIMIT, compare
from hasim.analysis.exact import ExactResult, NoExactMethod, NotExact, exact, independent_units

from .exact import Chain, chain, steady_state
from .stats import assert_close

REL = 1e-9


def model(text: str) -> hasim.CompiledModel:
    return hasim.model_from_yaml("hasim: 1\nname: t\n" + text)


def mttf(ref: Chain) -> float:
    """Mean time to the first entry into a down state from the start: −Q_uu⁻¹ 1."""
    up = ref.up
    tau = np.linalg.solve(-ref.q[np.ix_(up, up)], np.ones(int(up.sum())))
    return float(tau[int(np.flatnonzero(up).tolist().index(ref.states.index(ref.start)))])


def unavailability(ref: Chain) -> float:
    """π summed over the down states (not 1 − A: accurate when A ≈ 1)."""
    return float(steady_state(ref.q)[~ref.up].sum())


def integrals(ref: Chain, rewards: list[np.ndarray], T: float) -> list[float]:
    """∫₀ᵀ p(t)·r dt for each reward r, from one exponential of the generator augmented with
    the rewards as columns (Van Loan: its upper-right block is ∫₀ᵀ e^{Qs} ds · R)."""
    n, k = len(ref.q), len(rewards)
    a = np.zeros((n + k, n + k))
    a[:n, :n] = ref.q
    a[:n, n:] = np.array(rewards).T
    return [float(x) for x in ref.p0 @ linalg.expm(a * T)[:n, n:]]


def assert_matches(r: ExactResult, ref: Chain, T: float) -> None:
    """Steady-state and interval unavailability, MTTF, expected outages, P(outage) and the
    failure frequency of the solver against the hand-built chain, to REL."""
    assert r.method == "ctmc"
    assert r.states == len(ref.states)
    assert r.steady_state_unavailability == pytest.approx(unavailability(ref), rel=REL)
    down, outages = integrals(ref, [(~ref.up).astype(float), ref.failure_rate_vector()], T)
    assert 1 - r.interval_availability == pytest.approx(down / T, rel=REL)
    assert r.expected_outages == pytest.approx(outages, rel=REL)
    assert r.mttf_hours == pytest.approx(mttf(ref), rel=REL)
    assert 1 - r.p_system_failure == pytest.approx(ref.survival(T), rel=REL)
    frequency = float(steady_state(ref.q) @ ref.failure_rate_vector())
    assert r.failure_frequency == pytest.approx(frequency, rel=REL)


def assert_lumping_changes_nothing(m: hasim.CompiledModel, lumped: ExactResult) -> None:
    """The chain with every unit on its own (queues of units, not of classes) gives the same
    values from more states."""
    unlumped = exact(m, lump=False)
    assert unlumped.states > lumped.states
    for name in ("steady_state_unavailability", "mttf_hours", "expected_outages",
                 "failure_frequency", "p_system_failure"):
        assert getattr(unlumped, name) == pytest.approx(getattr(lumped, name), rel=1e-10), name
    assert 1 - unlumped.interval_availability == pytest.approx(
        1 - lumped.interval_availability, rel=1e-10)


# --- 1. failure modes: competing lifetimes, the failed unit carries its mode ----------------

TWO_MODES = """
mission: 2000h
components:
  a:
    count: 2
    detection: 6min
    failures:
      - {name: crash, law: 400h, repair: 2h}
      - {name: disk, law: 1500h, repair: 20h, detection: 1h}
system: {parallel: a}
"""


def two_modes_chain() -> Chain:
    """Two units in parallel, each failing in mode crash (λc) or disk (λd), competing; a
    crash is detected after 6 min (δc), a disk failure after 1 h (δd, the mode's own
    detection); repairs without a crew, μc and μd by mode.

    State (u, cD, cR, dD, dR): units up, crash failures undetected and in repair, disk
    failures undetected and in repair. Moves: u·λc → cD + 1, u·λd → dD + 1; cD·δc → cR,
    dD·δd → dR; cR·μc and dR·μd → u + 1. Up while u ≥ 1."""
    lc, ld, dc, dd, mc, md = 1 / 400, 1 / 1500, 10.0, 1.0, 1 / 2, 1 / 20

    def moves(s: tuple[int, ...]) -> Iterable[tuple[tuple[int, ...], float]]:
        u, cD, cR, dD, dR = s
        yield (u - 1, cD + 1, cR, dD, dR), u * lc
        yield (u - 1, cD, cR, dD + 1, dR), u * ld
        yield (u, cD - 1, cR + 1, dD, dR), cD * dc
        yield (u, cD, cR, dD - 1, dR + 1), dD * dd
        yield (u + 1, cD, cR - 1, dD, dR), cR * mc
        yield (u + 1, cD, cR, dD, dR - 1), dR * md

    return chain((2, 0, 0, 0, 0), moves, lambda s: s[0] >= 1)


def test_two_modes_with_their_own_repairs_and_detections() -> None:
    m = model(TWO_MODES)
    r = exact(m)
    assert_matches(r, two_modes_chain(), 2000.0)
    assert_lumping_changes_nothing(m, r)
    # the mode matters: the first mode alone (what the solver read before) is far off
    crash_only = exact(model(TWO_MODES.replace(
        "      - {name: disk, law: 1500h, repair: 20h, detection: 1h}\n", "")))
    assert crash_only.steady_state_unavailability < 0.1 * r.steady_state_unavailability


SHARED_CREW = """
mission: 1000h
crews:
  ops: {size: 1, response: 30min}
  dev: {size: 1}
components:
  s:
    count: 3
    crew: ops
    failures:
      - {name: hw, law: 300h, repair: 6h}
      - {name: sw, law: 200h, repair: 1h, crew: dev}
system: {k_of_n: {k: 2, of: s}}
"""


def shared_crew_chain() -> Chain:
    """2-of-3, each unit failing in mode hw (λh, repaired by crew ops: one member, response
    ρ, repair μh) or sw (λs, repaired by crew dev: one member, no response, μs); detection
    at once. The crew of a job is its mode's crew.

    State (o, oq, v, vq): ops idle 0 / responding 1 / repairing 2, hw jobs waiting for ops,
    dev busy 0/1, sw jobs waiting for dev; u = 3 − [o > 0] − oq − v − vq units up. Moves:
    u·λh → ops takes the job (o = 1) if idle, else oq + 1; u·λs → v = 1 if idle, else vq + 1;
    o = 1: ρ → o = 2; o = 2: μh → the unit is up, ops takes the next job (o = 1, oq − 1) or
    is idle; v = 1: μs → up, dev takes the next (vq − 1) or is idle. Up while u ≥ 2."""
    lh, ls, rho, mh, ms = 1 / 300, 1 / 200, 2.0, 1 / 6, 1.0

    def moves(s: tuple[int, ...]) -> Iterable[tuple[tuple[int, ...], float]]:
        o, oq, v, vq = s
        u = 3 - (o > 0) - oq - v - vq
        yield ((1, oq, v, vq) if o == 0 else (o, oq + 1, v, vq)), u * lh
        yield ((o, oq, 1, vq) if v == 0 else (o, oq, v, vq + 1)), u * ls
        if o == 1:
            yield (2, oq, v, vq), rho
        if o == 2:
            yield ((1, oq - 1, v, vq) if oq else (0, 0, v, vq)), mh
        if v == 1:
            yield ((o, oq, 1, vq - 1) if vq else (o, oq, 0, 0)), ms

    return chain((0, 0, 0, 0), moves, lambda s: 3 - (s[0] > 0) - sum(s[1:]) >= 2)


def test_two_of_three_modes_with_different_crews() -> None:
    m = model(SHARED_CREW)
    r = exact(m)
    assert_matches(r, shared_crew_chain(), 1000.0)
    assert_lumping_changes_nothing(m, r)


ONE_CREW_TWO_MODES = """
mission: 1000h
crews:
  ops: {size: 1, discipline: DISCIPLINE}
components:
  s:
    count: 3
    crew: ops
    failures:
      - {name: quick, law: 100h, repair: 1h}
      - {name: slow, law: 150h, repair: 10h}
system: {k_of_n: {k: 2, of: s}}
"""


def one_crew_chain() -> Chain:
    """2-of-3 on one engineer, modes quick (λq, μq) and slow (λs, μs): the queue keeps the
    order of the modes of the jobs (their repairs differ).

    State (r, q): the mode in repair ('' idle, 'q', 's') and the waiting jobs' modes in the
    order they failed; u = 3 − len(r) − len(q). Moves: u·λq and u·λs → the job starts if the
    engineer is idle, else joins the end of the queue; the repair ends at μ of its mode →
    the first waiting job starts. Up while u ≥ 2."""
    lam, mu = {"q": 1 / 100, "s": 1 / 150}, {"q": 1.0, "s": 1 / 10}

    def moves(s: tuple[str, str]) -> Iterable[tuple[tuple[str, str], float]]:
        rep, queue = s
        u = 3 - len(rep) - len(queue)
        for mode in "qs":
            yield ((mode, queue) if not rep else (rep, queue + mode)), u * lam[mode]
        if rep:
            yield (queue[:1], queue[1:]), mu[rep]

    return chain(("", ""), moves, lambda s: 3 - len(s[0]) - len(s[1]) >= 2)


@pytest.mark.parametrize("discipline", ["fifo", "priority", "random"])
def test_one_crew_keeps_the_order_of_the_modes(discipline: str) -> None:
    """FIFO among the jobs of one type whatever the discipline (priority and random choose
    between component types; the modes of a type share its priority and type)."""
    m = model(ONE_CREW_TWO_MODES.replace("DISCIPLINE", discipline))
    r = exact(m)
    assert_matches(r, one_crew_chain(), 1000.0)


# --- 2. coverage: latent failures, revealed by a switchover attempt --------------------------

STANDBY_LATENT = """
mission: 1000h
components:
  db:
    count: 2
    detection: 30min
    coverage: 0.9
    failures:
      - {name: crash, law: 200h, repair: 4h}
      - {name: silent, law: 500h, repair: 2h, effect: latent}
system: {standby: {of: db, switchover: 6min, coverage: 0.95, detection: 2min}}
"""


def standby_latent_chain(gamma: float | None = 30.0, crew: bool = False,
                         delta: float | None = 2.0) -> Chain:
    """A hot standby pair with the group's health check (γ; ``None``: a ``0s`` check, the
    attempt at the failure itself); each unit fails in mode crash (λc; monitoring notices it
    with probability 0.9 — detected after δ, or at once for ``delta=None`` — else it is
    latent) or silent (λs, effect latent: coverage 0); switchover σ with coverage c = 0.95;
    repairs μc, μs by mode, without a crew or (``crew``) by one engineer, FIFO.

    State (p0, p1, a, sw, pend): each unit's phase — U up, D crash undetected, Lc / Ls
    latent crash / silent, Wc / Ws waiting for the engineer, Rc / Rs in repair —, the active
    unit (-1: none), a switchover in progress, a health check pending. A repair request of a
    unit in mode x: Rx if the engineer is free (or there is none), else Wx (with two units at
    most one waits, so the queue's order is the phases'). Moves:

    * unit i up: λc·0.9 → D (δ finite) or a request (detected at once), λc·0.1 → Lc,
      λs → Ls; if i is active its loss starts the health check (pend = 1; a switchover in
      progress goes on), or with a ``0s`` check the attempt, at once and *before* a request
      of i's own (the attempt is part of the loss; the detection comes after it);
    * D: δ → a request (the group has its own check: no switchover);
    * Rx: μx → U, and the unit is active if none is (a = i, sw = pend = 0); the active unit
      repaired before its check fired stays active (pend = 0); any other is a spare; the
      engineer takes the waiting unit (Wy → Ry);
    * the attempt (pend: at γ): a latent failure of the lost active unit is revealed (a
      request), then the other unit, if up, is the target: with c active and switching
      (a = j, sw = 1), with 1 − c none active; else the other unit's latent failure is
      revealed too (skipped: a request after the active unit's) and none is active;
      pend = 0;
    * sw: σ → sw = 0.

    The node is up while the active unit is up and not switching."""
    lc, ls, mc, ms = 1 / 200, 1 / 500, 1 / 4, 1 / 2
    sigma, cov, monitor = 10.0, 0.95, 0.9

    def request(q: list[str], i: int, mode: str) -> None:
        busy = crew and any(x in ("Rc", "Rs") for x in q)
        q[i] = ("W" if busy else "R") + mode

    def reveal(q: list[str], i: int) -> None:
        if q[i] in ("Lc", "Ls"):
            request(q, i, q[i][1])

    def attempt(q: list[str], a: int) -> list[tuple[tuple, float]]:
        reveal(q, a)
        j = 1 - a
        if q[j] == "U":
            return [((*q, j, 1, 0), cov), ((*q, -1, 0, 0), 1 - cov)]
        reveal(q, j)
        return [((*q, -1, 0, 0), 1.0)]

    def moves(s: tuple) -> Iterable[tuple[tuple, float]]:
        p, a, sw, pend = list(s[:2]), s[2], s[3], s[4]
        for i in (0, 1):
            if p[i] == "U":
                for phase, rate in (("D", lc * monitor), ("Lc", lc * (1 - monitor)),
                                    ("Ls", ls)):
                    q = list(p)
                    q[i] = phase
                    detected = phase == "D" and delta is None
                    if a == i and gamma is None:
                        outcomes = attempt(q, a)
                    else:
                        outcomes = [((*q, a, sw, 1 if a == i else pend), 1.0)]
                    for t, prob in outcomes:
                        if detected:  # the detection at once, after the attempt
                            q2 = list(t[:2])
                            request(q2, i, "c")
                            t = (*q2, *t[2:])
                        yield t, rate * prob
            elif p[i] == "D":
                q = list(p)
                request(q, i, "c")
                yield (*q, a, sw, pend), delta
            elif p[i] in ("Rc", "Rs"):
                q = list(p)
                q[i] = "U"
                j = 1 - i
                if q[j] in ("Wc", "Ws"):
                    q[j] = "R" + q[j][1]
                rate = mc if p[i] == "Rc" else ms
                if a < 0:
                    yield (*q, i, 0, 0), rate
                elif a == i:
                    yield (*q, a, sw, 0), rate
                else:
                    yield (*q, a, sw, pend), rate
        if pend:
            assert gamma is not None
            for t, prob in attempt(list(p), a):
                yield t, gamma * prob
        if sw:
            yield (*p, a, 0, pend), sigma

    return chain(("U", "U", 0, 0, 0), moves,
                 lambda s: s[2] >= 0 and s[s[2]] == "U" and not s[3])


def test_standby_pair_with_latent_failures_and_a_health_check() -> None:
    r = exact(model(STANDBY_LATENT))
    ref = standby_latent_chain()
    assert_matches(r, ref, 1000.0)
    # latent states are visited: a reading that never revealed would be far off
    assert ref.expected_time(lambda s: "Ls" in s[:2] or "Lc" in s[:2], 1000.0) > 1.0


def test_a_0s_health_check_reveals_the_lost_units_latent_failure_at_once() -> None:
    """With a ``0s`` check the attempt comes at the failure itself: it reveals the failed
    active unit's latent failure then, and a spare's latent failure stays latent until the
    next attempt skips it."""
    r = exact(model(STANDBY_LATENT.replace("detection: 2min", "detection: 0s")))
    assert_matches(r, standby_latent_chain(gamma=None), 1000.0)


@pytest.mark.parametrize("check", ["2min", "0s"])
def test_revealed_repairs_queue_in_the_order_of_the_attempt(check: str) -> None:
    """One engineer, crashes detected at once: at a ``0s`` check the attempt (revealing a
    skipped spare's latent failure, which asks for its repair) comes before the failed unit's
    own detection asks for its repair, so the spare is repaired first."""
    text = STANDBY_LATENT.replace("detection: 2min", f"detection: {check}").replace(
        "repair: 4h}", "repair: 4h, detection: 0s}").replace(
        "components:", "crews:\n  ops: {size: 1}\ncomponents:").replace(
        "coverage: 0.9\n", "coverage: 0.9\n    crew: ops\n")
    r = exact(model(text))
    assert_matches(r, standby_latent_chain(gamma=30.0 if check == "2min" else None,
                                           crew=True, delta=None), 1000.0)


# --- 3. spares: a stock, one-for-one reordering, jobs waiting for a part ------------------

SPARES = """
mission: 2000h
crews:
  ops: {size: 1}
spares:
  disk: {stock: STOCK, lead_time: 100h}
components:
  n:
    count: 2
    crew: ops
    failures:
      - {name: disk, law: 300h, repair: 5h, spare: disk}
      - {name: crash, law: 500h, repair: 2h}
  b: {failure: 200h, repair: 1h, spare: disk, crew: ops}
system: {k_of_n: {k: 2, of: [n, b]}}
"""


def spares_chain(stock: int) -> Chain:
    """2-of-3 on one engineer: two units n, failing in mode disk (λd, repair μd), which needs
    a part from a stock of ``stock`` (lead time ℓ, one-for-one) before its repair, or crash
    (λc, μc), which needs none; and a unit b (λb, μb) that needs a part from the same stock.
    Detection at once. A job waiting for a part holds no crew; it asks the crew when it has
    its part. (Two types share the stock: which job waits longest is not an independent mark,
    so the order of the stock's queue matters.)

    State (h, w, r, q): parts on hand, the jobs waiting for a part (``d`` or ``b``) in the
    order they asked, the job in repair ('' idle, ``d``, ``c`` or ``b``), the crew's queue in
    the order the jobs asked; n up: 2 minus the d and c jobs, b up: 1 minus the b jobs.
    Moves: nₙ·λd and b·λb → a part is taken (h − 1) and the crew asked if h > 0, else the job
    joins the end of w; nₙ·λc → the crew asked; the crew asked starts the job if idle, else
    it joins the end of the queue; (stock − h)·ℓ → a part arrives: the first waiting job
    takes it (reordered: h stays 0) and asks the crew, else h + 1; the repair ends at μ of
    its job → the next job in the queue starts. Up while at least two units are up."""
    lam = {"d": 1 / 300, "c": 1 / 500, "b": 1 / 200}
    mu, lead = {"d": 1 / 5, "c": 1 / 2, "b": 1.0}, 1 / 100

    def ask(rep: str, queue: str, job: str) -> tuple[str, str]:
        return (job, queue) if not rep else (rep, queue + job)

    def up(s: tuple) -> tuple[int, int]:
        jobs = s[1] + s[2] + s[3]
        return 2 - jobs.count("d") - jobs.count("c"), 1 - jobs.count("b")

    def moves(s: tuple) -> Iterable[tuple[tuple, float]]:
        h, w, rep, queue = s
        n_up, b_up = up(s)
        for job, rate in (("d", n_up * lam["d"]), ("b", b_up * lam["b"])):
            yield ((h - 1, w, *ask(rep, queue, job)) if h else (h, w + job, rep, queue)), rate
        yield (h, w, *ask(rep, queue, "c")), n_up * lam["c"]
        if stock - h:
            yield ((h, w[1:], *ask(rep, queue, w[0])) if w else (h + 1, w, rep, queue)), \
                (stock - h) * lead
        if rep:
            yield (h, w, queue[:1], queue[1:]), mu[rep]

    return chain((stock, "", "", ""), moves, lambda s: sum(up(s)) >= 2)


@pytest.mark.parametrize("stock", [1, 3])
def test_stock_with_exponential_lead_time(stock: int) -> None:
    """Availability values, and the stock's: the mean parts on hand (π·h), the long-run
    fraction of part requests that found the stock empty — computed here from the requests
    themselves: the rate of failures needing a part with h = 0 over the rate of those
    failures (the solver counts parts taken from arrivals instead) — and the expected
    requests and waits within the mission, the integrals of those rates."""
    T = 2000.0
    m = model(SPARES.replace("STOCK", str(stock)))
    r = exact(m)
    ref = spares_chain(stock)
    assert_matches(r, ref, T)
    pi = steady_state(ref.q)
    h = np.array([s[0] for s in ref.states], dtype=float)
    def asking(s: tuple) -> float:  # the rate of part requests: disk and b failures
        jobs = s[1] + s[2] + s[3]
        return (2 - jobs.count("d") - jobs.count("c")) / 300 + (1 - jobs.count("b")) / 200

    requests = np.array([asking(s) for s in ref.states])
    waits = requests * (h == 0)
    v = r.stocks["disk"]
    assert v["mean_on_hand"] == pytest.approx(float(pi @ h), rel=REL)
    assert v["p_waited"] == pytest.approx(float(pi @ waits) / float(pi @ requests), rel=REL)
    on_hand, asked, waited = integrals(ref, [h, requests, waits], T)
    assert v["mission_mean_on_hand"] == pytest.approx(on_hand / T, rel=REL)
    assert v["expected_part_requests"] == pytest.approx(asked, rel=REL)
    assert v["expected_parts_waited"] == pytest.approx(waited, rel=REL)
    assert 0 < v["p_waited"] < 1
    assert r.to_dict()["stocks"]["disk"]["p_waited"] == v["p_waited"]
    assert_lumping_changes_nothing(m, r)


def test_a_stock_no_mode_uses_stays_full() -> None:
    r = exact(model("mission: 100h\nspares:\n  idle: {stock: 2, lead_time: {fixed: 1h}}\n"
                    "components:\n  a: {failure: 100h, repair: 1h}\nsystem: a\n"))
    assert r.stocks["idle"]["mean_on_hand"] == 2.0 and r.stocks["idle"]["p_waited"] == 0.0


# --- 4. renewal theory: independent units with several failure modes ------------------------

RENEWAL_MODES = """
mission: 1y
components:
  a:
    count: 2
    detection: 10min
    failures:
      - {name: wear, law: {weibull: {shape: 2, scale: 1000h}}, repair: 5h}
      - name: tear
        law: {weibull: {shape: 2, scale: 2000h}}
        repair: {lognormal: {mean: 20h, cv: 1}}
system: {parallel: a}
"""


def test_renewal_with_competing_weibull_modes() -> None:
    """Two Weibull modes of shape k: the minimum is Weibull of shape k and scale
    η = (Σ b_j^−k)^(−1/k), mode j first with probability b_j^−k / Σ b_i^−k (closed forms);
    the down time is the detection plus that mode's repair. A parallel pair of independent
    units: U = q², w = 2·q·(1/cycle)."""
    k, b = 2.0, (1000.0, 2000.0)
    weights = [x ** -k for x in b]
    eta = sum(weights) ** (-1 / k)
    up = eta * math.gamma(1 + 1 / k)
    down = sum(wt / sum(weights) * (10 / 60 + rep) for wt, rep in zip(weights, (5.0, 20.0),
                                                                        strict=True))
    q = down / (up + down)
    m = model(RENEWAL_MODES)
    assert independent_units(m)
    r = exact(m)
    assert r.method == "renewal"
    assert r.steady_state_unavailability == pytest.approx(q * q, rel=REL)
    assert r.failure_frequency == pytest.approx(2 * q / (up + down), rel=REL)


def test_renewal_quadrature_on_exponentials_in_disguise() -> None:
    """Gamma of shape 1 and Weibull of shape 1 are exponential laws: the quadrature over
    competing modes must give the closed form MTTF = 1/Σλ, p_j = λ_j/Σλ."""
    from hasim.analysis.exact.renewal import competing
    from hasim.model.distributions import Dist

    mean, first = competing([Dist("gamma", 1.0, 300.0), Dist("weibull", 1.0, 700.0),
                             Dist("exponential", 900.0)])
    rates = np.array([1 / 300, 1 / 700, 1 / 900])
    assert mean == pytest.approx(1 / rates.sum(), rel=1e-11)
    assert first == pytest.approx(list(rates / rates.sum()), rel=1e-11)


def test_renewal_refuses_what_it_cannot_solve() -> None:
    fixed = RENEWAL_MODES.replace("{weibull: {shape: 2, scale: 2000h}}", "{fixed: 900h}")
    with pytest.raises(NotExact, match=r"a\[0\]: renewal theory over several failure modes "
                                       r"needs lifetime laws with a density; one is fixed"):
        exact(model(fixed))
    latent = RENEWAL_MODES.replace("repair: 5h}", "repair: 5h, coverage: 0.5}")
    with pytest.raises(NoExactMethod, match=r"a\[0\], failure mode wear: a failure monitoring "
                                            r"misses \(coverage 0\.5\) is latent for ever"):
        exact(model(latent))
    spare = RENEWAL_MODES.replace("repair: 5h}", "repair: 5h, spare: p}").replace(
        "components:", "spares:\n  p: {stock: 1, lead_time: 10h}\ncomponents:")
    m = model(spare)
    assert not independent_units(m)
    with pytest.raises(NotExact, match=r"weibull.*renewal theory needs independent units "
                                       r"\(.*no spare parts\)"):
        exact(m)


# --- 5. refusals -------------------------------------------------------------------------

BASE = """
mission: 1000h
crews:
  ops: {size: 1}
components:
  a:
    count: 2
    crew: ops
    failures:
      - {name: crash, law: 300h, repair: 2h}
      - {name: disk, law: 900h, repair: 5h}
system: {parallel: a}
"""


@pytest.mark.parametrize("schedule, label", [
    ("inspections:\n  - {of: a, every: 720h}\n", r"inspections\[0\] of a"),
    ("maintenance:\n  - {of: a, every: 1mo, duration: 1h}\n", r"maintenance\[0\] of a"),
], ids=["inspections", "maintenance"])
def test_calendar_schedules_are_refused(schedule: str, label: str) -> None:
    with pytest.raises(NoExactMethod, match=label + r": a calendar schedule .* makes the model "
                                                    r"non-Markovian"):
        exact(model(BASE + schedule))
    # refused by renewal theory too (independent units: one engineer per unit)
    independent = BASE.replace("size: 1", "size: 2") + schedule
    with pytest.raises(NoExactMethod, match=label):
        exact(model(independent))


def test_a_mode_law_that_is_not_exponential_is_refused_with_its_mode() -> None:
    text = BASE.replace("law: 900h", "law: {weibull: {shape: 1.5, mean: 900h}}")
    with pytest.raises(NotExact, match=r"a\[0\], failure mode disk: the failure law is "
                                       r"weibull.*renewal theory needs independent units"):
        exact(model(text))
    text = BASE.replace("repair: 5h", "repair: {fixed: 5h}")
    with pytest.raises(NotExact, match=r"a\[0\], failure mode disk: the repair law is fixed"):
        exact(model(text))


def test_a_lead_time_that_is_not_exponential_is_refused() -> None:
    text = SPARES.replace("STOCK", "1").replace("lead_time: 100h",
                                                "lead_time: {uniform: {min: 1h, max: 9h}}")
    with pytest.raises(NotExact, match=r"spares\.disk: the lead time law is uniform"):
        exact(model(text))


def test_latent_failures_nothing_finds_are_refused() -> None:
    outside = BASE.replace("repair: 5h}", "repair: 5h, effect: latent}")
    with pytest.raises(NoExactMethod, match=r"a\[0\], failure mode disk: a failure monitoring "
                                            r"misses \(coverage 0\) is latent for ever"):
        exact(model(outside))
    no_check = STANDBY_LATENT.replace(", detection: 2min", "")
    with pytest.raises(NoExactMethod, match=r"db\[0\], failure mode crash: a latent failure "
                                            r"\(coverage 0\.9\) of the active unit of "
                                            r"standby\(db\[0\], db\[1\]\) is never found"):
        exact(model(no_check))


def test_a_chain_that_cannot_return_to_all_up_is_refused(monkeypatch) -> None:
    """The safety net behind the refusals above: without them, the chain of a latent failure
    nothing finds has states that never lead back to all-up, and the builder says so."""
    from hasim.analysis.exact import build_chain
    from hasim.analysis.exact.state import Setup

    monkeypatch.setattr(Setup, "refuse_never_found", lambda self: None)
    outside = BASE.replace("repair: 5h}", "repair: 5h, effect: latent}")
    with pytest.raises(NotExact, match=r"cannot return to all-up from \d+ of its \d+ states "
                                       r"\(for example: .*1 of a, failure mode disk latent"):
        build_chain(model(outside))


# --- 6. the SimPy engine against the exact values -----------------------------------------


def simulate(m: hasim.CompiledModel, runs: int, seed: int) -> hasim.StudyResult:
    return hasim.run_study(m, runs=runs, seed=seed, workers=1, engine="simpy", progress=False)


def assert_simulation_agrees(study: hasim.StudyResult, r: ExactResult,
                             sharp: float) -> None:
    """Every metric within Z_LIMIT standard errors, and the unavailability's interval narrow
    enough (``sharp`` of the exact value) for the comparison to be able to fail."""
    table = compare(study, r)
    print(table[["simulated", "stderr", "exact", "z", "tested"]])
    assert table.loc["unavailability", "tested"], table
    tested = table[table["tested"].astype(bool)]
    assert (tested["z"].abs() <= Z_LIMIT).all(), table
    row = table.loc["unavailability"]
    assert Z_LIMIT * row["stderr"] < sharp * row["exact"], row


def test_simulation_of_modes_with_different_crews() -> None:
    """The model of the shared-crew test with shorter lives (five outages a mission)."""
    m = model(SHARED_CREW.replace("1000h", "200h").replace("30min", "1h")
              .replace("300h", "60h").replace("200h, repair: 1h", "40h, repair: 2h"))
    assert_simulation_agrees(simulate(m, 300, seed=11), exact(m), sharp=0.25)


def test_simulation_of_latent_failures_in_a_standby_pair() -> None:
    m = model(STANDBY_LATENT.replace("1000h", "400h"))
    assert_simulation_agrees(simulate(m, 600, seed=12), exact(m), sharp=0.25)


SIM_SPARES = """
mission: 300h
crews:
  ops: {size: 1}
spares:
  disk: {stock: 1, lead_time: 20h}
components:
  n:
    count: 3
    crew: ops
    failures:
      - {name: disk, law: 80h, repair: 3h, spare: disk}
      - {name: crash, law: 100h, repair: 2h}
system: {k_of_n: {k: 2, of: n}}
"""


def test_simulation_of_a_stock() -> None:
    """The availability values, and the stock's: parts on order (the stock's size less the
    mean parts on hand: the small quantity, not its complement), requests, and requests that
    waited for a part."""
    m = model(SIM_SPARES)
    r = exact(m)
    study = simulate(m, 500, seed=13)
    assert_simulation_agrees(study, r, sharp=0.25)
    runs = study.runs
    v = r.stocks["disk"]
    on_order = 1 - runs.parts_on_hand_hours[:, 0] / m.mission
    assert_close(on_order, 1 - v["mission_mean_on_hand"], sharp=0.1, what="parts on order")
    assert_close(runs.part_requests[:, 0], v["expected_part_requests"], sharp=0.1,
                 what="part requests")
    assert_close(runs.parts_waited[:, 0], v["expected_parts_waited"], sharp=0.15,
                 what="repairs that waited for a part")
