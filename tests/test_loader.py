"""Model files: every mistake is a ModelError naming the file, the line and the key path."""

from __future__ import annotations

import pytest

import hasim
from hasim.errors import ModelError

BASE = """\
hasim: 1
name: test
mission: 1y
crews:
  oncall: {size: 1, response: 15min}
components:
  web:
    kind: hardware
    count: 3
    failure: 2000h
    repair: {lognormal: {mean: 4h, cv: 0.5}}
    crew: oncall
    detection: 5min
  db:
    count: 2
    failure: {weibull: {shape: 1.5, mean: 5000h}}
    repair: 2h
system:
  series:
    - k_of_n: {k: 2, of: web}
    - standby: {of: db, mode: warm, dormant_factor: 0.5, switchover: 30s, coverage: 99%}
"""


def problems(write_model, text):
    path = write_model(text)
    with pytest.raises(ModelError) as info:
        hasim.load_model(path)
    return path, info.value.problems


def test_base_model_loads(write_model):
    m = hasim.load_model(write_model(BASE))
    assert m.n_units == 5
    assert m.unit_labels == ("web[0]", "web[1]", "web[2]", "db[0]", "db[1]")
    assert m.mission == 8760.0
    assert m.warnings == ()
    assert m.group_dormant.tolist() == [0.5]
    assert m.group_coverage.tolist() == [0.99]
    web_repair = m.laws[m.unit_repair[0]]
    assert web_repair.name == "lognormal"
    assert web_repair.mean == pytest.approx(4.0)
    db_fail = m.laws[m.unit_failure[3]]
    assert db_fail.mean == pytest.approx(5000.0)
    assert m.laws[m.unit_detection[0]].mean == pytest.approx(5 / 60)
    assert m.laws[m.crew_response[0]].mean == pytest.approx(0.25)
    assert m.laws[m.group_switchover[0]].mean == pytest.approx(30 / 3600)


@pytest.mark.parametrize(
    ("old", "new", "line", "path", "message"),
    [
        ("    kind: hardware\n", "    kind: hardware\n    colour: red\n", 9,
         "components.web.colour", "unknown key"),
        ("mission: 1y", "mission: 1yr", 3, "mission", "unknown unit 'yr'"),
        ("failure: 2000h", "failure: -5h", 10, "components.web.failure.exponential.mean",
         "must be > 0"),
        ("failure: 2000h", "failure: 0h", 10, "components.web.failure",
         "must have a positive mean"),
        ("cv: 0.5", "cv: 0", 11, "components.web.repair.lognormal.cv", "must be > 0"),
        ("repair: 2h", "repair: {lognormal: {median: 2h, sigma: -1}}", 17,
         "components.db.repair.lognormal.sigma", "must be > 0"),
        ("{k: 2, of: web}", "{k: 4, of: web}", 20, "system.series[0].k_of_n.k",
         "k must be <= n"),
        ("{k: 2, of: web}", "{k: 2, of: wbe}", 20, "system.series[0].k_of_n.of",
         "unknown component 'wbe'"),
        ("crew: oncall", "crew: night", 12, "components.web.crew", "unknown crew 'night'"),
        ("    - k_of_n: {k: 2, of: web}\n", "    - k_of_n: {k: 2, of: []}\n", 20,
         "system.series[0].k_of_n.of", "at least 1 item"),
        ("count: 3", "count: 0", 9, "components.web.count", "must be >= 1"),
        ("count: 3", "count: 2.5", 9, "components.web.count", "integer"),
        ("{k: 2, of: web}", "{k: 2, of: 'web[3]'}", 20, "system.series[0].k_of_n.of",
         "numbered 0 to 2"),
        ("mode: warm, dormant_factor: 0.5,", "mode: warm,", 21, "system.series[1].standby",
         "dormant_factor"),
        ("coverage: 99%", "coverage: 120%", 21, "system.series[1].standby.coverage",
         "between 0 and 1"),
        ("repair: 2h", "repair: {weibull: {shape: 2}}", 17, "components.db.repair.weibull",
         "give one parameter set"),
        ("repair: 2h", "repair: {lognormal: {mean: 2h, cv: 1, sigma: 1}}", 17,
         "components.db.repair.lognormal", "sigma cannot be combined"),
        ("repair: 2h", "repair: {triangular: {min: 1h}}", 17, "components.db.repair",
         "one of exponential"),
        ("repair: 2h", "repair: {fixed: 0s}", 17, "components.db.repair",
         "positive mean"),
        ("hasim: 1", "hasim: 2", 1, "hasim", "must be 1"),
        ("  series:", "  serial:", 18, "system", "one of series"),
    ],
)
def test_mistakes_name_file_line_and_key(write_model, old, new, line, path, message):
    assert old in BASE
    file, found = problems(write_model, BASE.replace(old, new, 1))
    assert any(p.path == path and message in p.message for p in found), found
    p = next(p for p in found if p.path == path and message in p.message)
    assert p.line == line
    assert p.file == str(file)
    assert str(p).startswith(f"{file}:{line}: {path}:")


def test_duplicate_keys_are_errors(write_model):
    text = BASE.replace("    repair: 2h\n", "    repair: 2h\n    repair: 3h\n")
    _, found = problems(write_model, text)
    assert [(p.path, p.line, p.message) for p in found] == [
        ("components.db.repair", 18, "duplicate key")
    ]


def test_several_mistakes_are_all_reported(write_model):
    text = BASE.replace("mission: 1y", "mission: -1y").replace("cv: 0.5", "cv: -2")
    _, found = problems(write_model, text)
    assert {p.path for p in found} == {"mission", "components.web.repair.lognormal.cv"}


def test_unused_component_is_a_warning(write_model):
    text = BASE.replace("components:\n", "components:\n  cache: {failure: 10h, repair: 1h}\n")
    m = hasim.load_model(write_model(text))
    assert len(m.warnings) == 1
    assert "components.cache: not used in system" in m.warnings[0]
    assert ":7:" in m.warnings[0]


def test_standby_unit_cannot_appear_elsewhere(write_model):
    text = BASE.replace("    - k_of_n: {k: 2, of: web}\n",
                        "    - k_of_n: {k: 2, of: web}\n    - 'db[1]'\n")
    _, found = problems(write_model, text)
    assert any("member of the standby group" in p.message and p.line == 21 for p in found)


def test_invalid_yaml_names_the_line(write_model):
    _, found = problems(write_model, BASE.replace("count: 3", "count: [3"))
    assert found[0].line is not None and "invalid YAML" in found[0].message


def test_empty_and_missing_files(write_model, tmp_path):
    _, found = problems(write_model, "")
    assert "empty" in found[0].message
    with pytest.raises(ModelError, match="no such file"):
        hasim.load_model(tmp_path / "nope.yaml")
    _, found = problems(write_model, "- just a list\n")
    assert "mapping" in found[0].message


def test_shared_leaves_bridge(write_model):
    text = """\
hasim: 1
name: bridge
mission: 1000h
components:
  a: {count: 2, failure: 100h, repair: 10h}
  b: {count: 2, failure: 100h, repair: 10h}
  c: {failure: 100h, repair: 10h}
system:
  parallel:
    - series: ['a[0]', 'b[0]']
    - series: ['a[1]', 'b[1]']
    - series: ['a[0]', c, 'b[1]']
    - series: ['a[1]', c, 'b[0]']
"""
    m = hasim.load_model(write_model(text))
    assert m.n_units == 5
    a0, a1, b0, b1, c = range(5)

    def up(*down):
        return m.structure_up([u not in down for u in range(5)])
    assert up()
    assert up(a0, b1)  # paths a1-c-b0 survives
    assert not up(a0, a1)
    assert not up(b0, b1)
    assert up(c)
    assert up(a0, c, b0)  # a1-b1 survives
    assert not up(a0, c, b1)


def test_empirical_from_csv(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "r.csv").write_text("repair_min,other\n30,1\n90,2\n60,3\n")
    (tmp_path / "models").mkdir()
    path = tmp_path / "models" / "m.yaml"
    path.write_text("""\
hasim: 1
name: e
components:
  x:
    failure: 100h
    repair: {empirical: {file: ../data/r.csv, column: repair_min, unit: min}}
system: x
""")
    m = hasim.load_model(path)
    law = m.laws[m.unit_repair[0]]
    assert law.values == (0.5, 1.5, 1.0)
    assert law.mean == pytest.approx(1.0)
    path.write_text(path.read_text().replace("repair_min", "repair_hours"))
    with pytest.raises(ModelError, match="no column 'repair_hours'") as info:
        hasim.load_model(path)
    assert info.value.problems[0].line == 6


def test_spec_round_trips_through_yaml(write_model):
    import yaml

    m = hasim.load_model(write_model(BASE))
    again = hasim.model_from_yaml(yaml.safe_dump(m.spec.to_data(), sort_keys=False))
    assert again.spec == m.spec
    assert again.laws == m.laws


def test_schema_accepts_bundled_style_and_lists_laws():
    from hasim.model.schema import json_schema

    schema = json_schema()
    for law in ("Exponential", "Weibull", "Lognormal", "Gamma", "Normal", "Uniform", "Empirical"):
        assert law in schema["$defs"]
    assert schema["$defs"]["Component"]["additionalProperties"] is False
