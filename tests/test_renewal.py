"""Renewal theory for independent units (hasim.analysis.exact.renewal).

Every value is compared with one derived without the module: a closed form worked out in the
test's docstring, a brute force over all 2^n unit states with the model's own structure function
(``brute_force`` below, the slow twin), or the Markov chain of ``hasim.analysis.exact`` for
exponential laws. Unavailabilities are compared, never availabilities near 1.

Notation: per unit, MTTF and MDT (detection + crew response + repair, means in hours),
a = MTTF/(MTTF + MDT), q = 1 − a = MDT/(MTTF + MDT), w = 1/(MTTF + MDT) (failures per hour).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import hasim
from hasim import CompiledModel
from hasim.analysis.exact import NotExact, exact, independent_units
from hasim.analysis.exact.renewal import RenewalValues, _classes, _structure_table, renewal_values
from hasim.model.distributions import Dist

from .conftest import MODELS

REL = 1e-12
"""Closed forms and the brute force: the same sums in another order."""
MARKOV_REL = 1e-9
"""Against the Markov chain's linear solve."""


def model(components: str, system: str, crews: str = "") -> CompiledModel:
    return hasim.model_from_yaml(f"hasim: 1\nname: t\nmission: 1y\n{crews}components:\n"
                                 f"{components}\nsystem: {system}\n")


def unit_means(m: CompiledModel, u: int) -> tuple[float, float]:
    """(MTTF, MDT) of unit u: detection + crew response + repair."""
    crew = int(m.unit_crew[u])
    response = m.law(int(m.crew_response[crew])).mean if crew >= 0 else 0.0
    return (m.law(int(m.unit_failure[u])).mean,
            m.law(int(m.unit_detection[u])).mean + response + m.law(int(m.unit_repair[u])).mean)


def brute_force(m: CompiledModel) -> dict[str, object]:
    """The slow twin: every one of the 2^n unit states, each with m.structure_up, plain loops.

    Per type: Birnbaum = Σ_u (A(u up) − A(u down)); RAW and RRW by setting the type's units
    down or up and summing over the other units' states."""
    n = m.n_units
    a, q, w = [], [], []
    for u in range(n):
        up, down = unit_means(m, u)
        cycle = up + down
        a.append(1.0 if math.isinf(up) else up / cycle)
        q.append(0.0 if math.isinf(up) else down / cycle)
        w.append(0.0 if math.isinf(up) else 1 / cycle)
    states = list(itertools.product((False, True), repeat=n))
    phi = {s: m.structure_up(list(s)) for s in states}

    def prob(s: tuple[bool, ...], fixed: dict[int, bool]) -> float:
        p = 1.0
        for u, x in enumerate(s):
            if u in fixed:
                if x != fixed[u]:
                    return 0.0
            else:
                p *= a[u] if x else q[u]
        return p

    def unavail(fixed: dict[int, bool]) -> float:
        return sum(prob(s, fixed) for s in states if not phi[s])

    U = unavail({})
    A = sum(prob(s, {}) for s in states if phi[s])
    birnbaum = [unavail({u: False}) - unavail({u: True}) for u in range(n)]
    freq = sum(b * wu for b, wu in zip(birnbaum, w, strict=True))
    types = {}
    for t, name in enumerate(m.type_names):
        units = [u for u in range(n) if m.unit_type[u] == t]
        b = sum(birnbaum[u] for u in units)
        lost = unavail({u: False for u in units})
        perfect = unavail({u: True for u in units})
        types[name] = dict(
            birnbaum=b, failure_frequency=sum(birnbaum[u] * w[u] for u in units),
            criticality=b * q[units[0]] / U if U > 0 else 0.0,
            raw=1.0 if lost == U else lost / U if U > 0 else math.inf,
            rrw=1.0 if perfect == U else U / perfect if perfect > 0 else math.inf)
    return dict(A=A, U=U, w=freq, types=types)


def assert_matches(v: RenewalValues, expected: dict[str, object], rel: float = REL) -> None:
    assert v.steady_state_unavailability == pytest.approx(expected["U"], rel=rel, abs=1e-300)
    assert v.steady_state_availability == pytest.approx(expected["A"], rel=rel)
    assert v.failure_frequency == pytest.approx(expected["w"], rel=rel, abs=1e-300)
    for name, values in expected["types"].items():  # type: ignore[attr-defined]
        got = v.importance(name)
        for field, x in values.items():
            assert getattr(got, field) == pytest.approx(x, rel=rel, abs=1e-300), (name, field)


def test_series_pair_any_laws() -> None:
    """Series of x (Weibull failure mean 1000 h, uniform detection mean 2 h, lognormal repair
    mean 10 h: MDT 12 h) and y (gamma failure mean 500 h, fixed repair 5 h).

    A = a₁a₂; x is critical while y is up: I_B(x) = a₂, so w = a₂w₁ + a₁w₂ and
    MUT = A/w = 1/(w₁/a₁ + w₂/a₂) = 1/(1/MTTF₁ + 1/MTTF₂) (whatever the laws), MDT = U/w.
    Type x: Birnbaum a₂, criticality a₂q₁/U, RAW = U(x down)/U = 1/U, RRW = U/U(x perfect)
    = U/q₂, failure frequency a₂w₁."""
    m = model("  x: {failure: {weibull: {shape: 1.5, mean: 1000h}}, repair: {lognormal: "
              "{mean: 10h, cv: 1.2}}, detection: {uniform: {min: 1h, max: 3h}}}\n"
              "  y: {failure: {gamma: {shape: 2, mean: 500h}}, repair: {fixed: 5h}}",
              "{series: [x, y]}")
    a1, q1, w1 = 1000 / 1012, 12 / 1012, 1 / 1012
    a2, q2, w2 = 500 / 505, 5 / 505, 1 / 505
    U = q1 + q2 - q1 * q2
    w = a2 * w1 + a1 * w2
    v = renewal_values(m)
    assert v.evaluations == 4
    assert v.steady_state_unavailability == pytest.approx(U, rel=REL)
    assert v.steady_state_availability == pytest.approx(a1 * a2, rel=REL)
    assert v.failure_frequency == pytest.approx(w, rel=REL)
    assert v.mean_up_time_hours == pytest.approx(1 / (1 / 1000 + 1 / 500), rel=REL)
    assert v.mean_down_time_hours == pytest.approx(U / w, rel=REL)
    x, y = v.types
    assert dataclasses.astuple(x) == ("x", 1, pytest.approx(a1, rel=REL),
                               pytest.approx(a2 * w1, rel=REL), pytest.approx(a2, rel=REL),
                               pytest.approx(a2 * q1 / U, rel=REL), pytest.approx(1 / U, rel=REL),
                               pytest.approx(U / q2, rel=REL))
    assert y.birnbaum == pytest.approx(a1, rel=REL)
    assert y.criticality == pytest.approx(a1 * q2 / U, rel=REL)
    assert y.rrw == pytest.approx(U / q1, rel=REL)
    assert x.failure_frequency + y.failure_frequency == pytest.approx(w, rel=REL)


def test_parallel_pair_of_two_types() -> None:
    """Parallel of x (MTTF 1000 h, MDT 12 h) and y (MTTF 500 h, MDT 5 h).

    U = q₁q₂; x is critical while y is down: I_B(x) = q₂, w = q₂w₁ + q₁w₂, and
    MDT = U/w = 1/(w₁/q₁ + w₂/q₂) = 1/(1/MDT₁ + 1/MDT₂) (both down until the first repair ends,
    whatever the laws). Type x: Birnbaum q₂, criticality q₂q₁/U = 1 (the system is down only
    with x down and critical), RAW = q₂/U = 1/q₁, RRW = U/0 = inf (None in JSON)."""
    m = model("  x: {failure: {weibull: {shape: 0.7, mean: 1000h}}, repair: 10h, "
              "detection: 2h}\n  y: {failure: 500h, repair: {uniform: {min: 4h, max: 6h}}}",
              "{parallel: [x, y]}")
    q1, w1, q2, w2 = 12 / 1012, 1 / 1012, 5 / 505, 1 / 505
    U, w = q1 * q2, q2 * w1 + q1 * w2
    v = renewal_values(m)
    assert v.steady_state_unavailability == pytest.approx(U, rel=REL)
    assert v.failure_frequency == pytest.approx(w, rel=REL)
    assert v.mean_down_time_hours == pytest.approx(1 / (1 / 12 + 1 / 5), rel=REL)
    assert v.mean_up_time_hours == pytest.approx((1 - U) / w, rel=REL)
    x, y = v.types
    assert (x.birnbaum, x.criticality, x.raw, x.rrw) == (
        pytest.approx(q2, rel=REL), pytest.approx(1.0, rel=REL), pytest.approx(1 / q1, rel=REL),
        math.inf)
    assert x.failure_frequency == pytest.approx(q2 * w1, rel=REL)
    assert (y.birnbaum, y.criticality, y.raw, y.rrw) == (
        pytest.approx(q1, rel=REL), pytest.approx(1.0, rel=REL), pytest.approx(1 / q2, rel=REL),
        math.inf)
    d = v.to_dict()
    assert d["types"][0]["rrw"] is None and d["types"][0]["type"] == "x"
    json.dumps(d, allow_nan=False)


def test_parallel_pair_of_one_type() -> None:
    """Parallel of the two units of one type (lumped: 3 evaluations). U = q², w = 2q·w₁,
    MDT = MDT₁/2. The type as a group: Birnbaum = dA/da = d(1 − (1 − a)²)/da = 2q, criticality
    2q·q/q² = 2 (an elasticity: U = q², so ∂ln U/∂ln q = 2), RAW = 1/q² (both down: the system
    is down), RRW = inf."""
    m = model("  x: {count: 2, failure: {lognormal: {mean: 1000h, cv: 2}}, repair: 12h}",
              "{parallel: x}")
    q, w1 = 12 / 1012, 1 / 1012
    v = renewal_values(m)
    assert v.evaluations == 3
    assert v.steady_state_unavailability == pytest.approx(q * q, rel=REL)
    assert v.failure_frequency == pytest.approx(2 * q * w1, rel=REL)
    assert v.mean_down_time_hours == pytest.approx(6.0, rel=REL)
    (x,) = v.types
    assert (x.units, x.birnbaum, x.criticality, x.raw, x.rrw) == (
        2, pytest.approx(2 * q, rel=REL), pytest.approx(2.0, rel=REL),
        pytest.approx(1 / q**2, rel=REL), math.inf)


TWO_OF_THREE = "  {name}: {{count: {count}, failure: {{weibull: {{shape: 2, mean: 1000h}}}}, " \
               "repair: {{gamma: {{shape: 3, mean: 10h}}}}, detection: {{fixed: 2h}}}}"


def test_two_of_three() -> None:
    """2-of-3 of one type (MTTF 1000 h, MDT 12 h): U = P(≥ 2 down) = 3aq² + q³; a unit is
    critical when exactly one of the other two is up: I_B = 2aq, w = 3·2aq·w₁.
    The type: Birnbaum = dA/da = d(3a² − 2a³)/da = 6aq; criticality 6aq·q/U; RAW 1/U (all
    down); RRW inf. Three types of one unit each, with the same laws (not lumped: 8
    evaluations), give the same system values and a third of the type's Birnbaum each."""
    a, q, w1 = 1000 / 1012, 12 / 1012, 1 / 1012
    U = 3 * a * q * q + q**3
    w = 6 * a * q * w1
    v = renewal_values(model(TWO_OF_THREE.format(name="n", count=3), "{k_of_n: {k: 2, of: n}}"))
    assert v.evaluations == 4
    assert v.steady_state_unavailability == pytest.approx(U, rel=REL)
    assert v.failure_frequency == pytest.approx(w, rel=REL)
    assert v.mean_up_time_hours == pytest.approx((1 - U) / w, rel=REL)
    assert v.mean_down_time_hours == pytest.approx(U / w, rel=REL)
    (n,) = v.types
    assert (n.birnbaum, n.criticality, n.raw, n.rrw) == (
        pytest.approx(6 * a * q, rel=REL), pytest.approx(6 * a * q * q / U, rel=REL),
        pytest.approx(1 / U, rel=REL), math.inf)
    apart = renewal_values(model("\n".join(TWO_OF_THREE.format(name=t, count=1) for t in "abc"),
                                 "{k_of_n: {k: 2, of: [a, b, c]}}"))
    assert apart.evaluations == 8
    assert apart.steady_state_unavailability == pytest.approx(U, rel=REL)
    assert apart.failure_frequency == pytest.approx(w, rel=REL)
    for t in apart.types:
        assert t.birnbaum == pytest.approx(2 * a * q, rel=REL)
        assert t.criticality == pytest.approx(2 * a * q * q / U, rel=REL)
        assert t.raw == pytest.approx(q * (1 + a) / U, rel=REL)  # U(one down) = 1 − a²
        assert t.rrw == pytest.approx(U / (q * q), rel=REL)  # one perfect: both others down


def test_bridge_model() -> None:
    """models/bridge.yaml: links (uplink[i], downlink[i]: MTTF 1/3.5e-4 h, MDT 8 h) and the
    crosslink c (MTTF 10 y = 87600 h, MDT 3 h); a, q of a link, a_c, q_c of c.

    Pivot on c. With c up the sites are connected while some uplink and some downlink are
    up: U = 1 − (1 − q²)² = q²(2 − q²). With c down they need uplink[i] and downlink[i] for
    some i: U = (1 − a²)². So U = a_c q²(2 − q²) + q_c (1 − a²)².
    A link is critical (c up) when its partner is down and the other pair is not both down,
    q(1 − q²), or (c down) when its route's other link is up and the other route is down,
    a(1 − a²): I_B(link) = a_c q(1 − q²) + q_c a(1 − a²). I_B(c) = (1 − a²)² − q²(2 − q²).
    w = 4 I_B(link) w_link + I_B(c) w_c.
    Type uplink: Birnbaum 2 I_B(link); RAW 1/U (no uplink: no path); with both uplinks never
    down the sites are connected while a downlink is up (through c or not): RRW = U/q².
    Type crosslink: RAW = (1 − a²)²/U, RRW = U/(q²(2 − q²))."""
    m = hasim.load_model(Path(__file__).parent.parent / "models" / "bridge.yaml")
    mttf, mdt, mttf_c, mdt_c = 1 / 3.5e-4, 8.0, 87600.0, 3.0
    a, q, w_link = mttf / (mttf + mdt), mdt / (mttf + mdt), 1 / (mttf + mdt)
    a_c, q_c, w_c = mttf_c / (mttf_c + mdt_c), mdt_c / (mttf_c + mdt_c), 1 / (mttf_c + mdt_c)
    up_c, down_c = q * q * (2 - q * q), (q * (1 + a)) ** 2
    U = a_c * up_c + q_c * down_c
    b_link = a_c * q * (1 - q * q) + q_c * a * q * (1 + a)
    b_c = down_c - up_c
    w = 4 * b_link * w_link + b_c * w_c
    v = renewal_values(m)
    assert v.evaluations == 32
    assert v.steady_state_unavailability == pytest.approx(U, rel=REL)
    assert v.failure_frequency == pytest.approx(w, rel=REL)
    assert v.mean_up_time_hours == pytest.approx((1 - U) / w, rel=REL)
    assert v.mean_down_time_hours == pytest.approx(U / w, rel=REL)
    for name in ("uplink", "downlink"):
        t = v.importance(name)
        assert t.units == 2
        assert t.birnbaum == pytest.approx(2 * b_link, rel=REL)
        assert t.failure_frequency == pytest.approx(2 * b_link * w_link, rel=REL)
        assert t.criticality == pytest.approx(2 * b_link * q / U, rel=REL)
        assert t.raw == pytest.approx(1 / U, rel=REL)
        assert t.rrw == pytest.approx(U / (q * q), rel=REL)
    c = v.importance("crosslink")
    assert c.birnbaum == pytest.approx(b_c, rel=REL)
    assert c.failure_frequency == pytest.approx(b_c * w_c, rel=REL)
    assert c.criticality == pytest.approx(b_c * q_c / U, rel=REL)
    assert c.raw == pytest.approx(down_c / U, rel=REL)
    assert c.rrw == pytest.approx(U / up_c, rel=REL)
    assert sum(t.failure_frequency for t in v.types) == pytest.approx(w, rel=REL)
    # the birnbaum of a type is dA/da_t: a central difference of the closed form in a
    b = v.importance("uplink").birnbaum
    h = 1e-6

    def avail(a_up: float) -> float:
        q_up = 1 - a_up
        return 1 - (a_c * (1 - (1 - q_up * q_up) * (1 - q * q))
                    + q_c * (1 - a_up * a) ** 2)

    assert (avail(a + h) - avail(a - h)) / (2 * h) == pytest.approx(b, rel=1e-6)


QUALIFYING = [p for p in MODELS
              if independent_units(mm := hasim.load_model(p)) and mm.n_units <= 12]


def test_some_bundled_models_qualify() -> None:
    assert {p.name for p in QUALIFYING} >= {"bridge.yaml", "single-server.yaml"}


@pytest.mark.parametrize("path", QUALIFYING, ids=lambda p: p.stem)
def test_bundled_models_against_brute_force(path: Path) -> None:
    m = hasim.load_model(path)
    assert_matches(renewal_values(m), brute_force(m))


MIXED = {
    # shared leaves, nested k-of-n, a unit listed twice, a lumped type, an unused type,
    # a crew that never queues, one unit of a type named alone
    "mixed": (
        "crews:\n  ops: {size: 2, response: {fixed: 30min}}\n",
        "  a: {count: 3, failure: {weibull: {shape: 1.5, mean: 800h}}, repair: 6h}\n"
        "  b: {count: 2, failure: 300h, repair: {lognormal: {mean: 4h, cv: 1}}, crew: ops,"
        " detection: {uniform: {min: 0h, max: 1h}}}\n"
        "  c: {count: 2, failure: 2000h, repair: 24h}\n"
        "  spare: {count: 2, failure: 100h, repair: 1h}",
        "{k_of_n: {k: 2, of: [{k_of_n: {k: 2, of: a}}, {parallel: [\"b[0]\", \"c[1]\"]}, "
        "{series: [\"b[1]\", \"b[1]\", c]}, {parallel: [\"c[0]\", \"b[0]\"]}]}}"),
    "deep": (
        "",
        "  x: {count: 4, failure: 500h, repair: 20h}\n"
        "  y: {count: 1, failure: {fixed: 1000h}, repair: {uniform: {min: 1h, max: 9h}}}",
        "{parallel: [{series: [\"x[0]\", \"x[1]\", y]}, {k_of_n: {k: 2, of: [\"x[1]\", "
        "\"x[2]\", \"x[3]\", y]}}]}"),
}


@pytest.mark.parametrize("name", [*MIXED, "bridge"])
def test_structure_table_is_the_structure_function(name: str) -> None:
    """The vectorised table against CompiledModel.structure_up, state by state (the first k
    units of a class up when its count is k)."""
    if name == "bridge":
        m = hasim.load_model(Path(__file__).parent.parent / "models" / "bridge.yaml")
    else:
        crews, components, system = MIXED[name]
        m = model(components, system, crews)
    classes = _classes(m)
    table = _structure_table(m, classes)
    assert table.shape == tuple(len(c.units) + 1 for c in classes)
    for counts in np.ndindex(*table.shape):
        unit_up = [False] * m.n_units
        for c, k in zip(classes, counts, strict=True):
            for u in c.units[:k]:
                unit_up[u] = True
        assert table[counts] == m.structure_up(unit_up), counts


@pytest.mark.parametrize("name", MIXED)
def test_mixed_structures_against_brute_force(name: str) -> None:
    crews, components, system = MIXED[name]
    m = model(components, system, crews)
    v = renewal_values(m)
    assert_matches(v, brute_force(m))
    assert sum(t.failure_frequency for t in v.types) == pytest.approx(v.failure_frequency,
                                                                      rel=REL)


def test_mixed_unused_type_has_no_importance() -> None:
    """A type no structure node uses: exactly Birnbaum 0, criticality 0, RAW = RRW = 1."""
    crews, components, system = MIXED["mixed"]
    v = renewal_values(model(components, system, crews))
    assert dataclasses.astuple(v.importance("spare")) == (
        "spare", 2, pytest.approx(100 / 101, rel=REL), 0.0, 0.0, 0.0, 1.0, 1.0)


# --- against the Markov chain (exponential laws) and insensitivity ------------------------------

MARKOV = """
hasim: 1
name: independent units
mission: 10h                 # only the chain's transient values use it (short: a quick expm)
crews:
  ops: {{size: 2, response: {response}}}
components:
  lb: {{count: 2, failure: {lb_fail}, repair: {lb_repair}}}
  app: {{count: 3, failure: {app_fail}, repair: {app_repair}}}
  db: {{count: 2, failure: {db_fail}, repair: {db_repair}, crew: ops}}
  link: {{count: 1, failure: {link_fail}, repair: {link_repair}, detection: {link_detect}}}
system:
  series:
    - parallel: lb
    - k_of_n: {{k: 2, of: app}}
    - parallel:
        - series: ["db[0]", link]
        - "db[1]"
"""
EXPONENTIAL = dict(response="20min", lb_fail="3000h", lb_repair="30min", app_fail="1500h",
                   app_repair="3h", link_detect="5min", db_fail="4000h", db_repair="2h",
                   link_fail="10000h", link_repair="8h")
GENERAL = dict(  # the same means, other laws
    response="{fixed: 20min}", lb_fail="{weibull: {shape: 0.8, mean: 3000h}}",
    lb_repair="{lognormal: {mean: 30min, cv: 1.5}}", app_fail="{gamma: {shape: 4, mean: 1500h}}",
    app_repair="{uniform: {min: 1h, max: 5h}}", link_detect="{fixed: 5min}",
    db_fail="{weibull: {shape: 2.5, mean: 4000h}}", db_repair="{gamma: {shape: 0.5, mean: 2h}}",
    link_fail="{lognormal: {mean: 10000h, cv: 0.5}}", link_repair="{fixed: 8h}")


def test_markov_model_agrees_with_the_chain(tmp_path: Path) -> None:
    """Exponential laws: the chain of hasim.analysis.exact (a different method: balance
    equations of the product chain with the crew's response phases) gives the same
    availability, failure frequency (rate of leaving the up set) and mean up and down times."""
    path = tmp_path / "markov.yaml"
    path.write_text(MARKOV.format(**EXPONENTIAL))
    m = hasim.load_model(path)
    chain = exact(m)
    assert chain.method == "ctmc"
    v = renewal_values(m)
    assert v.steady_state_unavailability == pytest.approx(chain.steady_state_unavailability,
                                                          rel=MARKOV_REL)
    assert v.failure_frequency == pytest.approx(chain.failure_frequency, rel=MARKOV_REL)
    assert v.mean_up_time_hours == pytest.approx(chain.mean_up_time_hours, rel=MARKOV_REL)
    assert v.mean_down_time_hours == pytest.approx(chain.mean_down_time_hours, rel=MARKOV_REL)


def test_markov_bridge_agrees_with_the_chain(tmp_path: Path) -> None:
    """The bridge with exponential laws of its means: not series-parallel, shared leaves."""
    text = (Path(__file__).parent.parent / "models" / "bridge.yaml").read_text()
    text = text.replace("{lognormal: {mean: 8h, cv: 1.0}}", "8h") \
        .replace("{weibull: {shape: 2.0, mean: 3h}}", "3h")
    path = tmp_path / "bridge.yaml"
    path.write_text(text)
    m = hasim.load_model(path)
    chain = exact(m)
    assert chain.method == "ctmc"
    v = renewal_values(m)
    assert v.failure_frequency == pytest.approx(chain.failure_frequency, rel=MARKOV_REL)
    assert v.mean_up_time_hours == pytest.approx(chain.mean_up_time_hours, rel=MARKOV_REL)
    assert v.mean_down_time_hours == pytest.approx(chain.mean_down_time_hours, rel=MARKOV_REL)
    bundled = renewal_values(hasim.load_model(Path(__file__).parent.parent / "models"
                                              / "bridge.yaml"))
    assert_close(v, bundled)


def test_insensitivity_to_the_laws(tmp_path: Path) -> None:
    """Other laws with the same means: the same renewal values (only the means enter), and the
    same availability as exact()'s renewal fallback."""
    (tmp_path / "e.yaml").write_text(MARKOV.format(**EXPONENTIAL))
    (tmp_path / "g.yaml").write_text(MARKOV.format(**GENERAL))
    e, g = hasim.load_model(tmp_path / "e.yaml"), hasim.load_model(tmp_path / "g.yaml")
    assert all(not law.is_exponential for law in g.laws)
    ve, vg = renewal_values(e), renewal_values(g)
    assert_close(vg, ve)
    fallback = exact(g)
    assert fallback.method == "renewal"
    assert vg.steady_state_unavailability == pytest.approx(fallback.steady_state_unavailability,
                                                           rel=REL)


def assert_close(x: RenewalValues, y: RenewalValues) -> None:
    for f in ("steady_state_unavailability", "failure_frequency", "mean_up_time_hours",
              "mean_down_time_hours"):
        assert getattr(x, f) == pytest.approx(getattr(y, f), rel=REL), f
    for tx, ty in zip(x.types, y.types, strict=True):
        assert tx.type == ty.type
        assert dataclasses.astuple(tx)[1:] == pytest.approx(dataclasses.astuple(ty)[1:], rel=REL)


# --- large classes, edge cases, refusals -------------------------------------------------------


@pytest.mark.parametrize("count", [200, 3000], ids=["exact-binomial", "log-gamma"])
def test_large_lumped_class(count: int) -> None:
    """(n − 5)-of-n: U = P(Bin(n, q) ≥ 6); I_B(u) = P(exactly 5 of the other n − 1 down);
    the type: Birnbaum n·I_B, RAW 1/U."""
    m = model(f"  n: {{count: {count}, failure: 5000h, repair: {{fixed: 5h}}}}",
              f"{{k_of_n: {{k: {count - 5}, of: n}}}}")
    q, w1 = 5 / 5005, 1 / 5005
    U = stats.binom.sf(5, count, q)
    b = stats.binom.pmf(5, count - 1, q)
    v = renewal_values(m)
    assert v.evaluations == count + 1
    assert v.steady_state_unavailability == pytest.approx(U, rel=1e-9)
    assert v.failure_frequency == pytest.approx(count * b * w1, rel=1e-9)
    (t,) = v.types
    assert t.birnbaum == pytest.approx(count * b, rel=1e-9)
    assert t.raw == pytest.approx(1 / U, rel=1e-9)


def never_failing(m: CompiledModel, type_name: str) -> CompiledModel:
    """m with the failure law of a type replaced by one of infinite mean (no model file can
    say this: a law's mean must be finite; the type's failure law must be its own)."""
    t = m.type_names.index(type_name)
    law = int(m.unit_failure[np.flatnonzero(m.unit_type == t)[0]])
    assert sum(int(m.unit_failure[u]) == law for u in range(m.n_units)) == m.type_counts[t]
    laws = list(m.laws)
    laws[law] = Dist("fixed", math.inf)
    return dataclasses.replace(m, laws=tuple(laws))


def test_system_that_never_fails() -> None:
    """Parallel of x (never fails) and y: U = 0, w = 0, mean up time inf, mean down time nan.
    x: Birnbaum q_y, criticality 0 (nothing to attribute), RAW = q_y/0 = inf, RRW = 0/0 = 1;
    y: Birnbaum q_x = 0, RAW = RRW = 1. JSON: None for inf and nan."""
    m = never_failing(model("  x: {failure: 1000h, repair: 10h}\n  y: {failure: 500h, repair: 5h}",
                            "{parallel: [x, y]}"), "x")
    v = renewal_values(m)
    assert (v.steady_state_availability, v.steady_state_unavailability, v.failure_frequency,
            v.mean_up_time_hours) == (1.0, 0.0, 0.0, math.inf)
    assert math.isnan(v.mean_down_time_hours)
    x, y = v.types
    assert dataclasses.astuple(x) == ("x", 1, 1.0, 0.0, pytest.approx(5 / 505, rel=REL), 0.0,
                               math.inf, 1.0)
    assert dataclasses.astuple(y) == ("y", 1, pytest.approx(500 / 505, rel=REL), 0.0, 0.0, 0.0, 1.0,
                               1.0)
    d = v.to_dict()
    assert d["mean_up_time_hours"] is None and d["mean_down_time_hours"] is None
    assert d["types"][0]["raw"] is None
    json.dumps(d, allow_nan=False)


def test_type_that_never_fails_in_series() -> None:
    """Series of x (never fails) and y: U = q_y; x: Birnbaum a_y, criticality 0, RAW 1/q_y,
    RRW 1 (already perfect), failure frequency 0; brute force agrees."""
    m = never_failing(model("  x: {failure: 1000h, repair: 10h}\n  y: {failure: 500h, repair: 5h}",
                            "{series: [x, y]}"), "x")
    v = renewal_values(m)
    assert v.steady_state_unavailability == pytest.approx(5 / 505, rel=REL)
    assert v.mean_up_time_hours == pytest.approx(500, rel=REL)
    x = v.importance("x")
    assert (x.birnbaum, x.criticality, x.raw, x.rrw, x.failure_frequency) == (
        pytest.approx(500 / 505, rel=REL), 0.0, pytest.approx(101, rel=REL), 1.0, 0.0)
    assert_matches(v, brute_force(m))


def test_refused_models() -> None:
    """Standby groups, a crew that can make a repair wait, too many evaluations."""
    for name in ("web-cluster-markov.yaml", "quorum-markov.yaml"):
        with pytest.raises(NotExact, match="independent units"):
            renewal_values(hasim.load_model(Path(__file__).parent.parent / "models" / name))
    m = model(TWO_OF_THREE.format(name="n", count=3), "{k_of_n: {k: 2, of: n}}")
    assert renewal_values(m, max_evaluations=4).evaluations == 4
    with pytest.raises(NotExact, match="needs 4 evaluations, more than 3"):
        renewal_values(m, max_evaluations=3)


def test_frame() -> None:
    v = renewal_values(hasim.load_model(Path(__file__).parent.parent / "models" / "bridge.yaml"))
    frame = v.to_frame()
    assert list(frame.index) == ["uplink", "downlink", "crosslink"]
    assert frame.loc["crosslink", "birnbaum"] == v.importance("crosslink").birnbaum
    with pytest.raises(KeyError):
        v.importance("nope")


def test_a_markovian_model_of_independent_units_gets_the_importance_measures():
    """Solved as a Markov chain (exponential laws), independent units still get renewal
    theory's importance measures: b in series with a pair a, each unit available 10/11 of the
    time (MTBF 100 h, MTTR 10 h): Birnbaum of b = P(the pair works) = 1 − (1/11)² (the
    measures themselves are checked against brute force above; here, that the chain's result
    carries them)."""
    m = model("  a: {count: 2, failure: 100h, repair: 10h}\n"
              "  b: {failure: 100h, repair: 10h}\n",
              "{series: [{parallel: a}, b]}")
    r = exact(m)
    assert r.method == "ctmc"
    assert r.importance["b"]["birnbaum"] == pytest.approx(1 - (1 / 11) ** 2, rel=1e-12)
    assert r.importance == {t.type: {"birnbaum": t.birnbaum, "criticality": t.criticality,
                                     "raw": t.raw, "rrw": t.rrw,
                                     "failure_frequency": t.failure_frequency}
                            for t in renewal_values(m).types}
    shared = model("  a: {count: 2, failure: 100h, repair: 10h, crew: c}\n",
                   "{parallel: a}", crews="crews:\n  c: {size: 1}\n")
    assert exact(shared).importance == {}  # a repair can wait: the units depend on each other
