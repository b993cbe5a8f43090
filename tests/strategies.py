"""Hypothesis strategies: random valid models, as plain data the way a user writes them."""

from __future__ import annotations

from hypothesis import strategies as st

hours = st.floats(min_value=0.5, max_value=400.0, allow_nan=False).map(lambda x: round(x, 3))


@st.composite
def laws(draw, mean=hours, zero_ok=False):
    m = draw(mean)
    kind = draw(st.sampled_from(["bare", "exponential", "weibull", "lognormal", "gamma",
                                 "normal", "uniform", "fixed", "empirical"]))
    if kind == "bare":
        return f"{m}h"
    if kind == "exponential":
        return {"exponential": {"mean": m}}
    if kind == "weibull":
        return {"weibull": {"shape": draw(st.sampled_from([0.7, 1.0, 1.5, 3.0])), "mean": m}}
    if kind == "lognormal":
        return {"lognormal": {"mean": m, "cv": draw(st.sampled_from([0.3, 1.0, 2.0]))}}
    if kind == "gamma":
        return {"gamma": {"shape": draw(st.sampled_from([0.5, 1.0, 2.5])), "mean": m}}
    if kind == "normal":
        return {"normal": {"mean": m, "sd": m / 2}}
    if kind == "uniform":
        return {"uniform": {"min": m / 2, "max": m * 1.5}}
    if kind == "fixed":
        return {"fixed": 0 if zero_ok and draw(st.booleans()) else m}
    return {"empirical": {"values": draw(st.lists(hours, min_size=1, max_size=4))}}


@st.composite
def models(draw, standby=True, crews=True, mission=(200.0, 3000.0)):
    """A random valid model: 1–3 component types, a random tree, maybe crews and a standby."""
    n_types = draw(st.integers(1, 3))
    data: dict = {"hasim": 1, "name": "random",
                  "mission": draw(st.floats(*mission).map(lambda x: round(x, 1)))}
    crew_names = []
    if crews and draw(st.booleans()):
        crew_names = ["c0"]
        data["crews"] = {"c0": {"size": draw(st.integers(1, 2))}}
        if draw(st.booleans()):
            data["crews"]["c0"]["response"] = draw(laws(mean=st.sampled_from([0.1, 0.5]),
                                                        zero_ok=True))
    comps = {}
    for t in range(n_types):
        comp = {"count": draw(st.integers(1, 3)),
                "failure": draw(laws(mean=st.floats(20.0, 500.0).map(lambda x: round(x, 2)))),
                "repair": draw(laws(mean=st.floats(0.5, 40.0).map(lambda x: round(x, 2))))}
        if crew_names and draw(st.booleans()):
            comp["crew"] = "c0"
        if draw(st.booleans()):
            comp["detection"] = draw(laws(mean=st.sampled_from([0.05, 1.0]), zero_ok=True))
        comps[f"t{t}"] = comp
    data["components"] = comps
    names = list(comps)
    sb_type = None
    if standby and draw(st.booleans()):
        sb_type = draw(st.sampled_from(names))
    pool = [n for n in names if n != sb_type]
    children: list = []
    for n in pool:
        shape = draw(st.sampled_from(["name", "parallel", "k_of_n", "quorum", "each"]))
        count = comps[n]["count"]
        if shape == "name":
            children.append(n)
        elif shape == "parallel":
            children.append({"parallel": n})
        elif shape == "k_of_n":
            children.append({"k_of_n": {"k": draw(st.integers(1, count)), "of": n}})
        elif shape == "quorum":
            children.append({"quorum": {"of": n}})
        else:
            children.append({"parallel": [f"{n}[{i}]" for i in range(count)]})
    if sb_type is not None:
        mode = draw(st.sampled_from(["cold", "warm", "hot"]))
        node = {"of": sb_type, "mode": mode,
                "coverage": draw(st.sampled_from([1.0, 0.9, 0.5]))}
        if mode == "warm":
            node["dormant_factor"] = draw(st.sampled_from([0.1, 0.5, 1.0]))
        if draw(st.booleans()):
            node["switchover"] = draw(laws(mean=st.sampled_from([0.05, 0.5]), zero_ok=True))
        children.append({"standby": node})
    top = draw(st.sampled_from(["series", "parallel", "k_of_n"]))
    if top == "k_of_n":
        data["system"] = {"k_of_n": {"k": draw(st.integers(1, len(children))), "of": children}}
    else:
        data["system"] = {top: children}
    return data


small = st.integers(1, 12)


@st.composite
def tie_laws(draw, zero_ok=False):
    """Laws that make same-instant events likely: small whole hours, fixed or empirical."""
    kind = draw(st.sampled_from(["fixed", "empirical"] + (["zero"] if zero_ok else [])))
    if kind == "zero":
        return "0s"
    if kind == "fixed":
        return {"fixed": f"{draw(small)}h"}
    return {"empirical": {"values": draw(st.lists(small, min_size=1, max_size=3))}}


@st.composite
def tie_models(draw):
    """Random models whose events often fall on the same instant: fixed and empirical laws of
    whole hours, 0s delays, crews with disciplines, standby groups with health checks."""
    n_types = draw(st.integers(1, 3))
    data: dict = {"hasim": 1, "name": "ties", "mission": f"{draw(st.integers(20, 120))}h"}
    crew = None
    if draw(st.booleans()):
        crew = {"size": draw(st.integers(1, 2)),
                "discipline": draw(st.sampled_from(["fifo", "priority", "random"]))}
        if draw(st.booleans()):
            crew["response"] = draw(tie_laws(zero_ok=True))
        data["crews"] = {"c": crew}
    comps = {}
    for t in range(n_types):
        comp = {"count": draw(st.integers(1, 3)), "failure": draw(tie_laws()),
                "repair": draw(tie_laws())}
        if crew is not None and draw(st.booleans()):
            comp["crew"] = "c"
            comp["priority"] = draw(st.integers(0, 2))
        if draw(st.booleans()):
            comp["detection"] = draw(tie_laws(zero_ok=True))
        comps[f"t{t}"] = comp
    data["components"] = comps
    names = list(comps)
    sb = draw(st.sampled_from([None, *names]))
    children: list = []
    for n in names:
        if n == sb:
            node = {"of": n, "mode": draw(st.sampled_from(["cold", "warm", "hot"])),
                    "coverage": draw(st.sampled_from([1.0, 0.5]))}
            if node["mode"] == "warm":
                node["dormant_factor"] = 0.5
            if draw(st.booleans()):
                node["switchover"] = draw(tie_laws(zero_ok=True))
            if draw(st.booleans()):
                node["detection"] = draw(tie_laws(zero_ok=True))
            children.append({"standby": node})
        else:
            children.append(draw(st.sampled_from([n, {"parallel": n},
                                                  {"k_of_n": {"k": 1, "of": n}}])))
    data["system"] = {draw(st.sampled_from(["series", "parallel"])): children}
    return data
