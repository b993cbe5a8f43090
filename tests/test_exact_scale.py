"""Exact analysis at scale (issue 9): lumping by signature, each lumping case against closed
forms and against the unlumped chain, the vectorised structure function, refusals that name
what makes a chain large."""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

import numpy as np
import pytest

import hasim
from hasim.analysis.exact import ExactResult, NotExact, build_chain, exact, signature
from hasim.analysis.exact.lumping import IDENTITY, unit_classes
from hasim.analysis.exact.rewards import up_states
from hasim.analysis.exact.state import Setup

from .conftest import MODELS
from .exact import chain as explore

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "exact"


def model(text: str) -> hasim.CompiledModel:
    return hasim.model_from_yaml("hasim: 1\nname: t\n" + text)


def assert_same(a: ExactResult, b: ExactResult, rel: float = 1e-10) -> None:
    for name in ("steady_state_unavailability", "failure_frequency", "mttf_hours",
                 "expected_outages", "p_system_failure"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=rel), name
    assert 1 - a.interval_availability == pytest.approx(1 - b.interval_availability, rel=rel)


def lumped_and_unlumped(m: hasim.CompiledModel) -> tuple[ExactResult, ExactResult]:
    lumped, unlumped = exact(m), exact(m, lump=False)
    assert lumped.method == unlumped.method == "ctmc"
    assert lumped.states < unlumped.states
    assert_same(lumped, unlumped)
    return lumped, unlumped


# --- the signature -------------------------------------------------------------------------------


def test_signature_covers_every_unit_field() -> None:
    """Every per-unit field of the lowered Program is in the signature unless it is one of the
    few that name the unit itself: a field a later mechanism adds separates units by default."""
    m = model("mission: 1y\ncomponents:\n  a: {count: 3, failure: 100h, repair: 1h}\n"
              "system: {k_of_n: {k: 2, of: a}}\n")
    fields = set(m.program.units._fields)
    assert IDENTITY < fields
    assert {name for name, _ in signature(m.program, 0)} == fields - IDENTITY
    # a new per-unit attribute that differs between two units makes them distinct
    units = m.program.units
    extended = namedtuple("Units", (*units._fields, "dataset"))(*units, np.array([0, 0, 1]))
    program = m.program._replace(units=extended)
    assert signature(program, 0) == signature(program, 1) != signature(program, 2)


def test_classes_follow_the_structure() -> None:
    """x[1] and x[2] hang under the same node and are lumped; x[0] is on its own; units of
    another type with the same laws are never lumped with x."""
    m = model("mission: 1y\ncomponents:\n  x: {count: 3, failure: 100h, repair: 1h}\n"
              "  y: {count: 1, failure: 100h, repair: 1h}\n"
              'system: {series: ["x[0]", y, {parallel: ["x[1]", "x[2]"]}]}\n')
    assert unit_classes(m) == [(0,), (1, 2), (3,)]
    assert unit_classes(m, lump=False) == [(0,), (1,), (2,), (3,)]


# --- each lumping case: closed forms and the unlumped chain --------------------------------------


def test_one_type_with_two_crew_members() -> None:
    """3 units (λ), a crew of 2 (μ each), 2-of-3: a birth-death chain in the number failed j,
    failures (3 − j)λ, repairs min(j, 2)μ: π_j ∝ Π (3 − i)λ / (min(i + 1, 2)μ); the system is
    down for j ≥ 2; its failure frequency is π_1 · 2λ and its MTTF from all-up solves
    τ_0 = 1/(3λ) + τ_1, τ_1 = 1/(2λ + μ) + μ/(2λ + μ) τ_0."""
    lam, mu = 1 / 500, 1 / 8
    m = model("mission: 1000h\ncrews:\n  ops: {size: 2}\ncomponents:\n"
              "  a: {count: 3, failure: 500h, repair: 8h, crew: ops}\n"
              "system: {k_of_n: {k: 2, of: a}}\n")
    lumped, _ = lumped_and_unlumped(m)
    assert lumped.states == 4
    w = [1.0]
    for i in range(3):
        w.append(w[-1] * (3 - i) * lam / (min(i + 1, 2) * mu))
    pi = np.array(w) / sum(w)
    assert lumped.steady_state_unavailability == pytest.approx(pi[2] + pi[3], rel=1e-12)
    assert lumped.failure_frequency == pytest.approx(pi[1] * 2 * lam, rel=1e-12)
    # τ0 = 1/(3λ) + τ1; τ1 = 1/(2λ+μ) + μ/(2λ+μ) τ0
    tau0 = (1 / (3 * lam) + 1 / (2 * lam + mu)) / (1 - mu / (2 * lam + mu))
    assert lumped.mttf_hours == pytest.approx(tau0, rel=1e-12)


def _mixed(discipline: str) -> hasim.CompiledModel:
    return model(f"mission: 2000h\ncrews:\n  ops: {{size: 1, discipline: {discipline}}}\n"
                 "components:\n"
                 "  a: {count: 2, failure: 300h, repair: 10h, crew: ops, priority: 2}\n"
                 "  b: {count: 2, failure: 200h, repair: 5h, crew: ops, priority: 1}\n"
                 "system: {series: [{parallel: a}, {parallel: b}]}\n")


def _hand_chain(discipline: str):
    """The mixed two-type, one-crew chain written by hand: state (failed a, failed b, in
    repair: '' | 'a' | 'b', queue as a string of types in the crew's canonical order)."""
    la, lb, ma, mb = 1 / 300, 1 / 200, 1 / 10, 1 / 5
    order = {"fifo": None, "priority": "ba", "random": "ab"}[discipline]

    def enqueue(q: str, t: str) -> str:
        q += t
        if order is not None:  # stable sort by the discipline's key
            q = "".join(sorted(q, key=order.index))
        return q

    def fail(s, t):
        fa, fb, rep, q = s
        fa, fb = fa + (t == "a"), fb + (t == "b")
        if rep == "":
            return fa, fb, t, q
        return fa, fb, rep, enqueue(q, t)

    def moves(s):
        fa, fb, rep, q = s
        if fa < 2:
            yield fail(s, "a"), (2 - fa) * la
        if fb < 2:
            yield fail(s, "b"), (2 - fb) * lb
        if rep:
            rate = ma if rep == "a" else mb
            fa2, fb2 = fa - (rep == "a"), fb - (rep == "b")
            if not q:
                yield (fa2, fb2, "", ""), rate
            elif discipline == "random":  # a type drawn uniformly among those waiting
                types = sorted(set(q))
                for t in types:
                    i = q.index(t)
                    yield (fa2, fb2, t, q[:i] + q[i + 1:]), rate / len(types)
            else:
                yield (fa2, fb2, q[0], q[1:]), rate

    return explore((0, 0, "", ""), moves, lambda s: s[0] < 2 and s[1] < 2)


@pytest.mark.parametrize("discipline", ["fifo", "priority", "random"])
def test_mixed_types_sharing_one_crew(discipline: str) -> None:
    """Two types of two units sharing one engineer: the lumped chain (queue as a sequence of
    classes in the discipline's canonical order) against the unlumped one and against the
    chain written by hand, state by state."""
    m = _mixed(discipline)
    lumped, _ = lumped_and_unlumped(m)
    ref = _hand_chain(discipline)
    assert lumped.states == len(ref.states)
    assert lumped.steady_state_availability == pytest.approx(ref.steady_availability(),
                                                             rel=1e-10)
    assert lumped.interval_availability == pytest.approx(
        ref.interval_availability(2000.0), rel=1e-10)
    assert lumped.expected_outages == pytest.approx(ref.expected_failures(2000.0), rel=1e-9)
    assert 1 - lumped.p_system_failure == pytest.approx(ref.survival(2000.0), rel=1e-9)


def test_fifo_queue_keeps_the_order_of_classes_only() -> None:
    """Three types of two units on one crew: the FIFO queue is a sequence of classes, so the
    lumped chain is far smaller than the unlumped one (queues of units) and agrees with it."""
    m = model("mission: 1y\ncrews:\n  ops: {size: 1}\ncomponents:\n"
              "  a: {count: 2, failure: 300h, repair: 10h, crew: ops}\n"
              "  b: {count: 2, failure: 200h, repair: 5h, crew: ops}\n"
              "  c: {count: 1, failure: 400h, repair: 3h, crew: ops}\n"
              "system: {series: [{parallel: a}, {parallel: b}, {parallel: c}]}\n")
    lumped, unlumped = lumped_and_unlumped(m)
    assert unlumped.states > 3 * lumped.states


# --- the structure function, vectorised ----------------------------------------------------------


MARKOV = [p for p in MODELS if hasim.load_model(p).laws and all(
    d.is_exponential or d.is_zero for d in hasim.load_model(p).laws)]


@pytest.mark.parametrize("path", [*MARKOV, BENCH / "cluster.yaml", BENCH / "tier3-one-crew.yaml"],
                         ids=lambda p: Path(p).stem)
def test_up_states_is_the_structure_function(path: Path) -> None:
    m = hasim.load_model(path)
    c = build_chain(m, max_states=20_000)
    x = Setup.of(m)
    assert np.array_equal(up_states(x, c.states), [x.is_up(s) for s in c.states])


# --- refusals ------------------------------------------------------------------------------------


def test_refusal_names_what_makes_the_chain_large() -> None:
    """Eight single units on one FIFO crew: the queue's orders make the chain large, and the
    refusal says so."""
    names = "abcdefgh"
    comps = "".join(f"  {t}: {{count: 1, failure: {1000 + 100 * i}h, repair: 5h, crew: ops}}\n"
                    for i, t in enumerate(names))
    m = model("mission: 1y\ncrews:\n  ops: {size: 1}\ncomponents:\n" + comps
              + "system: {k_of_n: {k: 6, of: [" + ", ".join(names) + "]}}\n")
    with pytest.raises(NotExact, match=r"more than 5,000 states.*the queue of crew ops \(fifo"):
        build_chain(m, max_states=5_000)


def test_progress_reports_states_found() -> None:
    m = _mixed("fifo")
    seen: list[tuple[int, int, int]] = []
    c = build_chain(m, progress=lambda *a: seen.append(a))
    assert seen[-1][0] == seen[-1][2] == len(c.states)
    assert seen[-1][1] >= c.Q.nnz - c.Q.shape[0]  # branches, some to the same state


# --- simulation against the exact solution above the dense limit ---------------------------------


def test_check_on_a_chain_above_the_dense_limit() -> None:
    """A 3-tier design with one engineer for all 9 units (2,540 states, over DENSE_LIMIT): the
    Krylov mission values with their error bounds against 20,000 simulated missions."""
    from hasim.analysis.check import Z_LIMIT, compare
    from hasim.analysis.exact import DENSE_LIMIT

    m = model("mission: 1000h\ncrews:\n  ops: {size: 1}\ncomponents:\n"
              "  lb: {count: 2, failure: 500h, repair: 4h, crew: ops}\n"
              "  app: {count: 5, failure: 200h, repair: 8h, crew: ops}\n"
              "  db: {count: 2, failure: 800h, repair: 12h, crew: ops}\n"
              "system: {series: [{parallel: lb}, {k_of_n: {k: 3, of: app}}, {parallel: db}]}\n")
    r = exact(m)
    assert r.states == 2540 > DENSE_LIMIT
    assert not r.notes  # the Krylov path, not a fallback
    for name in ("interval_availability", "expected_outages", "p_system_failure"):
        assert 0 <= r.accuracy[f"{name}_error"] < 1e-9, name
    study = hasim.run_study(m, runs=20_000, seed=5, workers=1, progress=False)
    table = compare(study, r)
    assert (table["z"].abs() <= Z_LIMIT).all(), table
    row = table.loc["unavailability"]
    assert 4 * row["stderr"] < 0.1 * row["exact"]  # narrow enough to catch a 10 % error


# --- the command line ----------------------------------------------------------------------------


def test_cli_json_reports_accuracy_and_importance(tmp_path: Path) -> None:
    """``hasim exact --json`` gives the accuracy of a chain's values and the importance of each
    type of a renewal model; the text output prints both."""
    import json
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hasim", "exact", *args],
                              capture_output=True, text=True, cwd=tmp_path, timeout=300)

    out = run(str(BENCH / "tier3-one-crew.yaml"), "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["states"] == 2540 and d["transitions"] == 5078
    assert set(d["timings_s"]) == {"build", "solve"}
    errors = {k: v for k, v in d["accuracy"].items() if k.endswith("_error")}
    assert {"interval_availability_error", "expected_outages_error",
            "p_system_failure_error"} <= set(errors)
    assert all(0 <= v < 1e-9 for v in errors.values())
    assert all(0 <= v < 1e-8 for k, v in d["accuracy"].items() if k.endswith("_residual"))
    bridge = run(str(ROOT / "models" / "bridge.yaml"), "--json")
    assert bridge.returncode == 0, bridge.stderr
    imp = json.loads(bridge.stdout)["importance"]
    assert set(imp) == {"uplink", "downlink", "crosslink"}
    assert imp["uplink"]["birnbaum"] > imp["crosslink"]["birnbaum"] > 0
    text = run(str(ROOT / "models" / "bridge.yaml")).stdout
    assert "importance of each component type" in text and "RAW" in text


def test_cli_steady_state_only_skips_the_mission_values(tmp_path: Path) -> None:
    """``--steady-state-only``: the same steady state and MTTF, no mission values (the way to
    solve chains of millions of states in about a minute)."""
    import json
    import subprocess
    import sys

    def run(*args: str) -> dict:
        out = subprocess.run([sys.executable, "-m", "hasim", "exact",
                              str(BENCH / "tier3-one-crew.yaml"), "--json", *args],
                             capture_output=True, text=True, cwd=tmp_path, timeout=300)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    full, steady = run(), run("--steady-state-only")
    assert full["interval_availability"] is not None
    assert steady["interval_availability"] is None and steady["p_system_failure"] is None
    for key in ("steady_state_availability", "mttf_hours", "failure_frequency"):
        assert steady[key] == pytest.approx(full[key], rel=1e-10)
