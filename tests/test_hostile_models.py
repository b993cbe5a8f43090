"""Hostile model files: every one is refused with one ModelError naming file, line and key —
never a traceback, a hang or gigabytes of memory (the limits are in models/README.md)."""

from __future__ import annotations

import math
import os
import stat
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hasim.cli import app
from hasim.errors import ModelError
from hasim.model import compile as compile_module
from hasim.model.compile import compile_spec, load_model, model_from_dict
from hasim.model.distributions import Dist
from hasim.model.load import MAX_MODEL_BYTES, validate_data

from .conftest import MODELS, ROOT

HOSTILE = ROOT / "tests" / "data" / "hostile"

HEAD = "hasim: 1\nname: hostile\n"
WEB = "components:\n  web: {failure: 1000h, repair: 1h}\n"
OK = HEAD + WEB + "system: web\n"


def refused(path: Path, **kwargs: bool) -> tuple[str, int | None, str]:
    """Load ``path``; it must fail with exactly one problem: (key path, line, message)."""
    with pytest.raises(ModelError) as info:
        load_model(path, **kwargs)
    problems = info.value.problems
    assert len(problems) == 1, problems
    p = problems[0]
    assert p.file == str(path)
    return p.path, p.line, p.message


def write(tmp_path: Path, text: str, name: str = "model.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def one_line_error(result) -> str:
    """A CLI result that is a model error: exit code 2, one line on stderr, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def laughs(levels: int = 9) -> str:
    """The "billion laughs": each level a list of nine aliases of the one before."""
    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    prev = "a"
    for x in "bcdefghijk"[: levels - 1]:
        text += f"{x}: &{x} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
        prev = x
    return text


def finishes(fn, seconds: float = 20.0) -> None:
    """Run ``fn`` in a thread: it must finish in time (a blocked open of a FIFO would not)."""
    out: list[BaseException | None] = []

    def target() -> None:
        try:
            fn()
            out.append(None)
        except BaseException as exc:
            out.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked"
    if out[0] is not None:
        raise out[0]


# --- 1. YAML ---------------------------------------------------------------------------------


def test_billion_laughs_is_refused_at_once(tmp_path):
    t = time.perf_counter()
    key, line, message = refused(HOSTILE / "billion-laughs.yaml")
    assert time.perf_counter() - t < 5
    assert "alias" in message and "1,000,000 nodes" in message
    assert line is not None and key.startswith(("f", "g", "h"))


def bomb_in_system() -> str:
    """Six levels of laughs (670,000 nodes) defined, then used three times in ``system``."""
    return HEAD + WEB + "x:\n  " + laughs(6).replace("\n", "\n  ").rstrip() + \
        "\nsystem: {series: [*f, *f, *f]}\n"


def test_alias_bomb_inside_system_is_refused(tmp_path):
    t = time.perf_counter()
    assert refused(write(tmp_path, bomb_in_system())) == (
        "system.series[0]", 12, "alias *f makes the document larger than 1,000,000 nodes "
                                "(each use of an alias counts in full: an alias bomb?)")
    assert time.perf_counter() - t < 5


def test_aliases_within_limits_still_work(tmp_path):
    text = HEAD + "components:\n  web: &d {failure: 1000h, repair: 1h}\n  db: *d\n" \
        "  app: {<<: *d, count: 2}\nsystem: {series: [web, db, app]}\n"
    assert load_model(write(tmp_path, text)).n_units == 4


@pytest.mark.parametrize(("text", "key", "line"), [
    ("system: &s {series: [*s]}\n", "system.series[0]", 5),
    ("system: &s {series: {parallel: *s}}\n", "system.series.parallel", 5),
])
def test_recursive_aliases(tmp_path, text, key, line):
    assert refused(write(tmp_path, HEAD + WEB + text)) == \
        (key, line, "alias *s refers to a node that contains it (recursive aliases are not "
                    "allowed)")


def test_recursive_alias_fixture():
    assert "recursive" in refused(HOSTILE / "recursive-alias.yaml")[2]


@pytest.mark.parametrize("text", [
    "system: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "system: " + "[" * 10_000 + "\n",
    "system: " + "{a: " * 10_000 + "\n",
])
def test_deep_nesting(tmp_path, text):
    key, line, message = refused(write(tmp_path, HEAD + WEB + text))
    assert message == "nested more than 100 levels deep" and line == 5
    assert key.startswith("system")


def test_nesting_within_the_limit_validates(tmp_path):
    system = "web"
    for _ in range(40):
        system = f"{{series: [{system}]}}"
    assert load_model(write(tmp_path, HEAD + WEB + f"system: {system}\n")).n_units == 1


@pytest.mark.parametrize(("text", "line", "message"), [
    (OK.replace("name: hostile", "name: a\x00b"), 2, "a NUL byte (is this a binary file?) is "
     "not allowed in a model file"),
    (OK.replace("name: hostile", "name: a\x07b"), 2, "the control character '\\x07' (U+0007) "
     "is not allowed in a model file"),
    (OK + "\x1b[2J\n", 6, "the control character '\\x1b' (U+001B) is not allowed in a model "
     "file"),
])
def test_control_characters(tmp_path, text, line, message):
    assert refused(write(tmp_path, text)) == ("", line, message)


def test_escaped_control_characters_in_strings(tmp_path):
    text = OK.replace("name: hostile", 'name: "a\\0b"')
    assert refused(write(tmp_path, text)) == ("name", 2, "control character '\\x00' in a "
                                                         "string")


def test_invalid_utf8(tmp_path):
    path = tmp_path / "model.yaml"
    path.write_bytes(OK.encode().replace(b"hostile", b"ho\xffstile"))
    assert refused(path) == ("", 2, "not UTF-8 text (byte 0xff): a model file is YAML text")


@pytest.mark.parametrize(("value", "message"), [
    ("!!python/name:os.system", "tag '!!python/name:os.system' is not allowed (only !!str, "
     "!!int, !!float, !!bool, !!null)"),
    ("!!python/object/apply:os.system ['echo hi']", "tag '!!python/object/apply:os.system' is "
     "not allowed (no tags on mappings or lists)"),
    ("!custom 3", "tag '!custom' is not allowed (only !!str, !!int, !!float, !!bool, !!null)"),
    ("!!binary '@@@'", "tag '!!binary' is not allowed (only !!str, !!int, !!float, !!bool, "
     "!!null)"),
    ("!!timestamp 2024-13-45", "tag '!!timestamp' is not allowed (only !!str, !!int, !!float, "
     "!!bool, !!null)"),
    ('!!int "abc"', "'abc' is not an integer"),
    ('!!int ""', "'' is not an integer"),
    ('!!float "x"', "'x' is not a number"),
    ('!!float "1e400"', "'1e400' is not a finite number (infinity is not allowed)"),
    ('!!bool "maybe"', "'maybe' is not true or false"),
    ("!!map {a: 1}", "tag '!!map' is not allowed (no tags on mappings or lists)"),
    ("!!set {a, b}", "tag '!!set' is not allowed (no tags on mappings or lists)"),
    ("!!omap [a: 1]", "tag '!!omap' is not allowed (no tags on mappings or lists)"),
    ("!foo [1]", "tag '!foo' is not allowed (no tags on mappings or lists)"),
])
def test_tags(tmp_path, value, message):
    assert refused(write(tmp_path, OK.replace("hostile", value))) == ("name", 2, message)


def test_tag_directives_cannot_rename_core_tags(tmp_path):
    text = "%TAG !! tag:evil.example,2024:\n---\n" + OK.replace("hasim: 1", "hasim: !!int 1")
    assert refused(write(tmp_path, text)) == (
        "hasim", 3, "tag 'tag:evil.example,2024:int' is not allowed (only !!str, !!int, "
                    "!!float, !!bool, !!null)")


def test_core_tags_and_plain_oddities_load(tmp_path):
    text = OK.replace("hasim: 1", 'hasim: !!int "1"').replace("name: hostile", "name: !!str 2024")
    assert load_model(write(tmp_path, text)).name == "2024"
    for name in ("2024-13-45", "=", "<<", "2024-01-01 10:00:00"):  # timestamps are strings
        assert load_model(write(tmp_path, OK.replace("hostile", f"'{name}'"))).name == name
        assert load_model(write(tmp_path, OK.replace("hostile", name))).name == name


@pytest.mark.parametrize(("text", "expected"), [
    (OK + "x: *nope\n", ("", 6, "invalid YAML: found undefined alias 'nope'")),
    (OK + "x: &a 1\ny: &a 2\n", ("y", 7, "anchor &a is defined twice (first on line 6)")),
    (OK + "x: {<<: 3}\n", ("x", 6, "merge key <<: expected a mapping or list of mappings for "
                                   "merging, but found scalar")),
    (OK + "? [a, b]\n: 1\n", ("", 6, "a key must be a name, not a sequence")),
    (OK + "k" * 300 + ": 1\n", ("", 6, "key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk'… is "
                                       "longer than 200 characters")),
])
def test_yaml_oddities(tmp_path, text, expected):
    assert refused(write(tmp_path, text)) == expected


@pytest.mark.parametrize(("old", "new", "key", "message"), [
    ("count: 1", "count: 9223372036854775808", "components.web.count",
     "integer '9223372036854775808' is too large (integers must fit in 64 bits, at most "
     "9,223,372,036,854,775,807)"),
    ("count: 1", "count: " + "9" * 5000, "components.web.count",
     "integer '9999999999999999999999999999999999999999'… is too large (integers must fit in "
     "64 bits)"),
    ("count: 1", "count: .inf", "components.web.count",
     "'.inf' is not a finite number (infinity is not allowed)"),
    ("failure: 1000h", "failure: .nan", "components.web.failure",
     "'.nan' is not a number (NaN is not allowed)"),
    ("failure: 1000h", "failure: {weibull: {shape: .NaN, mean: 10h}}",
     "components.web.failure.weibull.shape", "'.NaN' is not a number (NaN is not allowed)"),
])
def test_non_finite_and_huge_literals(tmp_path, old, new, key, message):
    text = HEAD + "components:\n  web: {count: 1, failure: 1000h, repair: 1h}\nsystem: web\n"
    assert refused(write(tmp_path, text.replace(old, new))) == (key, 4, message)


@pytest.mark.parametrize(("field", "value"), [
    ("mission", math.inf), ("mission", math.nan), ("mission", 10**400),
])
def test_non_finite_values_from_dicts(field, value):
    data = {"hasim": 1, "name": "x", field: value,
            "components": {"web": {"failure": "1000h", "repair": "1h"}}, "system": "web"}
    with pytest.raises(ModelError, match=field):
        model_from_dict(data)


def test_nan_probability_and_factor_from_dicts():
    data = {"hasim": 1, "name": "x", "components": {"db": {"count": 2, "failure": 100,
                                                           "repair": 1}},
            "system": {"standby": {"of": "db", "mode": "warm", "dormant_factor": math.nan,
                                   "coverage": math.nan}}}
    with pytest.raises(ModelError) as info:
        model_from_dict(data)
    paths = {p.path for p in info.value.problems}
    assert paths == {"system.standby.dormant_factor", "system.standby.coverage"}


# --- 2. the model file -----------------------------------------------------------------------


def test_directory(tmp_path):
    assert refused(tmp_path) == ("", None, "is a directory, not a model file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "model.yaml"
    os.mkfifo(fifo)
    finishes(lambda: _expect(fifo, "is a named pipe (FIFO), not a regular file"))


def _expect(path: Path, message: str) -> None:
    assert refused(path)[2] == message


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/stdin"])
def test_devices(tmp_path, device):
    if not os.path.exists(device) or stat.S_ISREG(os.stat(device).st_mode):
        pytest.skip(f"no {device} (or it is a regular file here)")
    link = tmp_path / "model.yaml"
    link.symlink_to(device)
    for path in (Path(device), link):
        finishes(lambda p=path: _expect_prefix(p, "is "))


def _expect_prefix(path: Path, prefix: str) -> None:
    _key, _line, message = refused(path)
    assert message.startswith(prefix) and "regular file" in message, message


def test_model_file_size_limit(tmp_path):
    path = write(tmp_path, OK)
    with path.open("r+b") as fh:
        fh.truncate(MAX_MODEL_BYTES + 1)  # sparse: nothing is written
    assert refused(path) == ("", None, "is 1,048,577 bytes; the limit is 1 MiB for a model "
                                       "file")
    path.write_text(OK + "#" * (MAX_MODEL_BYTES - len(OK) - 10) + "\n")
    assert load_model(path).n_units == 1


def test_missing_file(tmp_path):
    assert refused(tmp_path / "nope.yaml") == ("", None, "no such file")


# --- 3. laws that overflow -------------------------------------------------------------------


@pytest.mark.parametrize(("law", "key", "start"), [
    ("{lognormal: {mu: 1000, sigma: 1}}", "lognormal", "its mean is too large (about 1e435 h)"),
    ("{lognormal: {mu: 1, sigma: 100}}", "lognormal", "its mean is too large (about 1e2172 h)"),
    ("{lognormal: {mean: 2h, cv: 1e300}}", "lognormal", "its variance is too large"),
    ("{lognormal: {median: 2h, sigma: 30}}", "lognormal", "its variance is too large"),
    ("{weibull: {shape: 0.005, scale: 1h}}", "weibull", "its mean is too large (about 1e375"),
    ("{weibull: {shape: 0.005, mean: 1000h}}", "weibull", "with shape 0.005 the scale is too "
     "small to represent"),
    ("1e300h", "exponential", "its variance is too large (about 1e600 h²)"),
    ("{exponential: {rate: 1e-320}}", "exponential", "its mean is too large (infinite h)"),
    ("{gamma: {shape: 1e300, scale: 1e300h}}", "gamma", "its mean is too large"),
    ("{normal: {mean: 1h, sd: 1e200h}}", "normal", "its variance is too large"),
    ("{uniform: {min: 0h, max: 1e300h}}", "uniform", "its variance is too large"),
    ("{empirical: {values: [1h, 1e200h]}}", "empirical", "its variance is too large"),
])
def test_laws_with_infinite_moments(tmp_path, law, key, start):
    text = HEAD + f"components:\n  web:\n    failure: 1000h\n    repair: {law}\nsystem: web\n"
    path, line, message = refused(write(tmp_path, text))
    assert (path, line) == (f"components.web.repair.{key}", 6)
    assert message.startswith(start), message


@pytest.mark.parametrize("dist", [
    Dist("exponential", 10.0), Dist("weibull", 0.7, 5.0, 0.0), Dist("weibull", 3.0, 5.0, 2.0),
    Dist("weibull", 0.05, 1e-10), Dist("lognormal", 1.0, 0.8), Dist("lognormal", -3.0, 5.0),
    Dist("gamma", 0.5, 4.0), Dist("uniform", 1.0, 4.0),
])
def test_moments_agree_with_scipy(dist):
    assert dist.problem() is None
    assert dist.mean == pytest.approx(float(dist.scipy().mean()), rel=1e-9)
    assert dist.variance == pytest.approx(float(dist.scipy().var()), rel=1e-6)


def test_moment_checks_never_raise():
    extreme = (5e-324, 1e-300, 1e-10, 1.0, 1e10, 1e300, sys.float_info.max)
    for name in ("exponential", "weibull", "lognormal", "gamma", "normal", "uniform"):
        for a in extreme:
            for b in extreme:
                d = Dist(name, a, b)
                d.problem()
                assert isinstance(d.mean, float) and isinstance(d.variance, float)
    assert Dist("empirical", 0.0, 2.0, values=(1.0, sys.float_info.max)).problem() is not None


# --- 4. empirical data files -----------------------------------------------------------------


def empirical(file: str, column: str = "hours") -> str:
    return HEAD + ("components:\n  web:\n    failure: 1000h\n"
                   f"    repair: {{empirical: {{file: '{file}', column: {column}}}}}\n"
                   "system: web\n")


def test_data_outside_the_model_folder_is_refused(tmp_path):
    t0 = time.perf_counter()
    key, line, message = refused(HOSTILE / "data-outside.yaml")
    assert time.perf_counter() - t0 < 5
    assert (key, line) == ("components.web.repair.empirical.file", 6)
    assert "outside the model's folder" in message and "HASIM_ALLOW_DATA_OUTSIDE=1" in message
    assert "root:" not in message


def test_symlink_out_of_the_model_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "r.csv").write_text("hours\n1\n2\n")
    models = tmp_path / "project" / "models"
    models.mkdir(parents=True)
    (models / "link").symlink_to(outside)
    path = write(models, empirical("link/r.csv"))
    assert "outside the model's folder" in refused(path)[2]
    # a "data" folder beside the model's folder that is a symlink does not widen the tree
    (tmp_path / "project" / "data").symlink_to(outside)
    assert "outside" in refused(write(models, empirical("../data/r.csv")))[2]
    # the opt-ins
    assert load_model(path, allow_outside_data=True).laws[1].values == (1.0, 2.0)


def test_environment_variable_allows_data_outside(tmp_path, monkeypatch):
    (tmp_path / "r.csv").write_text("hours\n3\n")
    (tmp_path / "models").mkdir()
    path = write(tmp_path / "models", empirical("../r.csv"))
    assert "outside" in refused(path)[2]
    monkeypatch.setenv("HASIM_ALLOW_DATA_OUTSIDE", "1")
    assert load_model(path).laws[1].values == (3.0,)


def test_data_in_the_model_folder_and_beside_it(tmp_path):
    (tmp_path / "models" / "sub").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "models" / "sub" / "a.csv").write_text("hours\n1\n")
    (tmp_path / "data" / "b.csv").write_text("\ufeffhours\n2\n\n")  # a BOM, a blank line
    models = tmp_path / "models"
    assert load_model(write(models, empirical("sub/a.csv"))).laws[1].values == (1.0,)
    assert load_model(write(models, empirical("../data/b.csv"))).laws[1].values == (2.0,)


def data_problem(tmp_path: Path, content: bytes | None, column: str = "hours") -> str:
    file = tmp_path / "r.csv"
    if content is not None:
        file.write_bytes(content)
    key, line, message = refused(write(tmp_path, empirical("r.csv", column)))
    assert key in ("components.web.repair.empirical.file",
                   "components.web.repair.empirical.column") and line == 6
    assert len(message) < 300, message
    return message


@pytest.mark.parametrize(("content", "message"), [
    (b"hours\n1\n\xff\xfe\n", "'r.csv':3: not UTF-8 text (byte 0xff): a data file is a CSV "
                             "text file"),
    (b"hours\n1\x00\n", "'r.csv':2: a NUL byte: a data file is a CSV text file"),
    (b"hours\n1\ninf\n", "'r.csv':3: 'inf' is not a finite number"),
    (b"hours\n1\nnan\n", "'r.csv':3: 'nan' is not a finite number"),
    (b"hours\n1\n1e400\n", "'r.csv':3: '1e400' is not a finite number"),
    (b"hours\n-1\n", "'r.csv':2: durations must be >= 0, got '-1'"),
    (b"hours,b\n1,2\n,\n", "'r.csv':3: '' is not a number"),
    (b"a,hours\n1,2\n3\n", "'r.csv':3: no value in column 'hours'"),
    (b"a,b\n1,2\n4,5\n", "no column 'hours' in 'r.csv' (columns: 'a, b')"),
    (b"", "no column 'hours' in 'r.csv' (columns: 'none')"),
    (b"hours\n", "'r.csv': no values in column 'hours'"),
    (b"hours\n\"abc\n", "'r.csv':2: 'abc\\n' is not a number"),
])
def test_bad_data_files(tmp_path, content, message):
    assert data_problem(tmp_path, content) == message


def test_huge_data_values_fail_the_law_check(tmp_path):
    (tmp_path / "r.csv").write_text("hours\n1\n1e300\n")
    assert refused(write(tmp_path, empirical("r.csv"))) == (
        "components.web.repair.empirical", 6, "its variance is too large (about 1e599 h²): "
                                              "mean and variance must be finite")


def test_data_file_contents_are_quoted_short_and_escaped(tmp_path):
    secret = "\x1b]0;pwned\x07" + "s3cret-" * 50
    message = data_problem(tmp_path, f"hours\n{secret}\n".encode())
    assert message == "'r.csv':2: '\\x1b]0;pwned\\x07s3cret-s3cret-s3cret-s3cret-s3'… is " \
                      "not a number"
    header = ("x" * 5000 + ",").encode()
    message = data_problem(tmp_path, header + b"\n1,\n")
    assert "x" * 41 not in message


def test_oversized_field(tmp_path):
    message = data_problem(tmp_path, b"hours\n" + b"1" * 200_000 + b"\n")
    assert "field larger than field limit" in message


def test_data_file_kinds_and_size(tmp_path):
    (tmp_path / "r.csv").mkdir()
    assert data_problem(tmp_path, None) == "data file 'r.csv' is a directory, not a regular file"
    (tmp_path / "r.csv").rmdir()
    assert data_problem(tmp_path, None) == "data file 'r.csv': no such file"
    with (tmp_path / "r.csv").open("wb") as fh:
        fh.truncate(compile_module.MAX_DATA_BYTES + 1)
    assert data_problem(tmp_path, None) == "data file 'r.csv' is 16,777,217 bytes; the limit " \
                                           "is 16 MiB"
    if hasattr(os, "mkfifo"):
        (tmp_path / "r.csv").unlink()
        os.mkfifo(tmp_path / "r.csv")
        finishes(lambda: _expect_data_fifo(tmp_path))


def _expect_data_fifo(tmp_path: Path) -> None:
    assert data_problem(tmp_path, None) == "data file 'r.csv' is a named pipe (FIFO), not a " \
                                           "regular file"


# --- 5. sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "key", "message"), [
    ("count: 1", "count: 1000000000", "components.web.count",
     "must be <= 1000000, got 1000000000"),
    ("size: 1", "size: 4611686018427387904", "crews.c.size",
     "must be <= 1000000, got 4611686018427387904"),
    ("size: 1", f"size: {2**63}", "crews.c.size",
     "integer '9223372036854775808' is too large (integers must fit in 64 bits, at most "
     "9,223,372,036,854,775,807)"),
    ("priority: 0", f"priority: {2**64}", "components.web.priority",
     "integer '18446744073709551616' is too large (integers must fit in 64 bits, at most "
     "9,223,372,036,854,775,807)"),
    ("system: web", "system: {k_of_n: {k: 99999999999, of: web}}", "system.k_of_n.k",
     "must be <= 1000000, got 99999999999"),
    ("system: web", "system: 'web[99999999999999999999999]'", "system",
     "'web[99999999999999999999999]' is not a valid name (letters, digits, _ and -; name[i] "
     "for one instance)"),
])
def test_sizes(tmp_path, old, new, key, message):
    text = HEAD + ("crews:\n  c: {size: 1}\ncomponents:\n  web: {count: 1, failure: 1000h, "
                   "repair: 1h, crew: c, priority: 0}\nsystem: web\n")
    found_key, line, found = refused(write(tmp_path, text.replace(old, new)))
    assert (found_key, found) == (key, message)
    assert line is not None


def test_too_many_units_in_total_is_refused_up_front():
    t = time.perf_counter()
    key, line, message = refused(HOSTILE / "too-many-units.yaml")
    assert time.perf_counter() - t < 5  # nothing of 2.1 million units is built
    assert (key, line) == ("components.b.count", 5)
    assert message == "the model has more than 1,000,000 units (1,400,000 counting the " \
                      "components up to b); hasim simulates at most 1,000,000"


def test_too_many_structure_nodes_is_refused_up_front():
    data = {"hasim": 1, "name": "x",
            "components": {"web": {"count": 700_000, "failure": 100, "repair": 1}},
            "system": {"parallel": ["web", "web", "web"]}}
    t = time.perf_counter()
    with pytest.raises(ModelError, match="the structure has 2,100,001 nodes; the limit is "
                                         "2,000,000") as info:
        model_from_dict(data)
    assert time.perf_counter() - t < 5
    assert info.value.problems[0].path == "system"


def test_too_many_crews_for_the_units():
    data = {"hasim": 1, "name": "x",
            "crews": {f"c{i}": {} for i in range(100)},
            "components": {"web": {"count": 600_000, "failure": 100, "repair": 1}},
            "system": "web"}
    with pytest.raises(ModelError, match=r"crews × \(units \+ 1\) must be at most 50,000,000"):
        model_from_dict(data)


def test_huge_integers_from_dicts():
    data = {"hasim": 1, "name": "x", "components": {"web": {"count": 10**30, "priority": -2**70,
                                                            "failure": 100, "repair": 1}},
            "system": "web"}
    with pytest.raises(ModelError) as info:
        model_from_dict(data)
    assert {p.path for p in info.value.problems} == {"components.web.count",
                                                     "components.web.priority"}


def test_long_values_are_refused_quickly(tmp_path):
    # the duration pattern backtracks quadratically on long runs of spaces
    t = time.perf_counter()
    text = OK.replace("failure: 1000h", "failure: '1" + " " * 200_000 + "!'")
    key, _line, message = refused(write(tmp_path, text))
    assert time.perf_counter() - t < 5
    assert key == "components.web.failure.exponential.mean"
    assert message == "a duration is at most 64 characters, got 200002"


def test_error_lists_stay_short():
    names = {f"c{i}": {"failure": 100, "repair": 1} for i in range(50)}
    data = {"hasim": 1, "name": "x", "components": names,
            "system": {"series": [f"nope{i}" for i in range(30)]}}
    with pytest.raises(ModelError) as info:
        model_from_dict(data)
    assert len(info.value.problems) == 30
    text = str(info.value)
    assert "... and 10 more" in text and len(text.splitlines()) == 22
    assert "(50 in all)" in text and "c11" not in text


# --- 6. time ---------------------------------------------------------------------------------


def test_compile_time_is_linear_in_component_types():
    n = 20_000
    data = {"hasim": 1, "name": "many",
            "components": {f"c{i}": {"failure": "1000h", "repair": "1h"} for i in range(n)},
            "system": {"series": [f"c{i}" for i in range(n)]}}
    spec = validate_data(data)
    t = time.perf_counter()
    m = compile_spec(spec)
    m.program  # noqa: B018 - lowering is part of compiling
    elapsed = time.perf_counter() - t
    assert m.n_types == n and m.unit_labels[-1] == f"c{n - 1}"
    assert elapsed < 5, f"{elapsed:.1f} s (was 35 s: the unit labels were quadratic)"


@pytest.mark.parametrize(("name", "message"), [
    ("x" * 100_000, "String should have at most 200 characters"),
    ('"two\\nlines"', "a name is one line of text (no line breaks or control characters)"),
])
def test_model_names(tmp_path, name, message):
    assert refused(write(tmp_path, OK.replace("hostile", name))) == ("name", 2, message)


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_structure_size_is_predicted_exactly(path):
    m = load_model(path)
    compiler = compile_module._Compiler(m.spec, {}, str(path))
    assert compiler._tree_size(m.spec.system) == len(m.node_kind)


# --- the command line ------------------------------------------------------------------------

runner = CliRunner()


@pytest.mark.parametrize("fixture", ["billion-laughs", "recursive-alias", "python-tag",
                                     "lognormal-overflow", "data-outside", "too-many-units"])
def test_cli_validate_hostile_fixtures(fixture):
    path = HOSTILE / f"{fixture}.yaml"
    line = one_line_error(runner.invoke(app, ["validate", str(path)]))
    assert line.startswith(f"error: {path}:")


def test_cli_validate_fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "m.yaml")
    result: list = []
    finishes(lambda: result.append(runner.invoke(app, ["validate", str(tmp_path / "m.yaml")])))
    assert one_line_error(result[0]) == f"error: {tmp_path / 'm.yaml'}: is a named pipe " \
                                        "(FIFO), not a regular file"


@pytest.mark.parametrize("text", [
    bomb_in_system(),
    OK.replace("1h}", "{weibull: {shape: 0.005, mean: 1000h}}}"),
    OK.replace("{failure", "{count: .inf, failure"),
    OK.replace("name: hostile", "name: '[/bold] x' \x00"),
])
def test_cli_run_refuses_before_writing_anything(tmp_path, text):
    path = write(tmp_path, text)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--runs", "2", "--workers", "1",
                                 "--out", str(out)])
    assert one_line_error(result).startswith(f"error: {path}:")
    assert not out.exists()


def test_cli_run_prints_a_name_with_markup(tmp_path):
    path = write(tmp_path, OK.replace("hostile", "'[/bold] [red]x'"))
    result = runner.invoke(app, ["run", str(path), "--runs", "2", "--workers", "1",
                                 "--engine", "simpy", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "[/bold] [red]x" in result.stdout
