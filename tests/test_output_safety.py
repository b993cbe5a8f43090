"""What the CLI prints and writes when its input is hostile: model strings shown, never obeyed;
``--out`` written as one set and checked before the study; the manifest naming exactly what ran;
labels per mission and per year right for any mission; options out of range refused."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from hasim.model.compile import model_from_yaml
from hasim.report.text import mission_text, plain_text, print_exact, print_summary, safe_text

NAME = ("[/bold] [link=https://evil.example]x\x1b[31mred\x1b]8;;https://e.x\x07Y\nline2\rcr"
        "\u202eabc")
NAME_YAML = ('"[/bold] [link=https://evil.example]x\\e[31mred\\e]8;;https://e.x\\aY\\nline2'
             '\\rcr\\u202eabc"')
ONE_UNIT = """
hasim: 1
name: {name}
mission: {mission}
components:
  a: {{failure: 200h, repair: 5h}}
system: a
"""
RAW = ("\x1b", "\r", "\x07", "\u202e")


def hasim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hasim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def write(path: Path, name: str = NAME_YAML, mission: str = "730h") -> Path:
    path.write_text(ONE_UNIT.format(name=name, mission=mission))
    return path


def hidden(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


# --- 1. model strings are shown, not obeyed -------------------------------------------------

def test_safe_text_escapes_markup_and_control_characters():
    assert plain_text("a\x1b[31m\n\r\x7f\x9b\u202e\u2066b") == \
        "a\\x1b[31m\\x0a\\x0d\\x7f\\x9b\\u202e\\u2066b"
    assert safe_text("[/bold] [link=https://e.x]x") == "\\[/bold] \\[link=https://e.x]x"
    # on a real terminal: no hyperlink, no colour, the text as written (highlighting off:
    # its styles are the only escapes rich should write)
    console = Console(file=io.StringIO(), force_terminal=True, highlight=False, width=200)
    console.print(safe_text(NAME), end="")
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b]8" not in shown and "\x1b[31m" not in shown and "\r" not in shown
    assert "[/bold] [link=https://evil.example]x\\x1b[31mred" in shown


MARKUP = "[/bold] [link=https://evil.example]x[red]red"
"""A name the loader accepts (it refuses control characters in any string, see
tests/test_hostile_models.py) but that rich would obey."""


def test_control_characters_in_a_name_are_refused_with_a_clean_message(tmp_path):
    model = write(tmp_path / "m.yaml")
    for args in (["validate", str(model)], ["run", str(model), "--runs", "2"]):
        r = hasim(*args, cwd=tmp_path)
        assert r.returncode == 2 and r.stderr.startswith("error: ") and "\\x1b" in r.stderr
        for raw in RAW:
            assert raw not in r.stdout and raw not in r.stderr, (args, raw)


def test_hostile_model_name_through_every_command(tmp_path):
    model = write(tmp_path / "m.yaml", name=json.dumps(MARKUP))
    out = tmp_path / "results"
    commands = {
        "validate": ["validate", str(model)],
        "run": ["run", str(model), "--runs", "20", "--seed", "1", "--workers", "1"],
        "run --json": ["run", str(model), "--runs", "20", "--seed", "1", "--workers", "1",
                       "--json"],
        "run --out": ["run", str(model), "--runs", "20", "--seed", "1", "--workers", "1",
                      "--out", str(out)],
        "exact": ["exact", str(model)],
        "check": ["check", str(model), "--runs", "200", "--seed", "1", "--workers", "1"],
        "trace": ["trace", str(model), "--seed", "1", "--until", "300h"],
    }
    for what, args in commands.items():
        r = hasim(*args, cwd=tmp_path)
        assert r.returncode == 0, (what, r.stderr)
        assert "Traceback" not in r.stderr and "MarkupError" not in r.stderr, what
        for raw in RAW:
            assert raw not in r.stdout and raw not in r.stderr, (what, raw)
        if what == "run --json":
            assert json.loads(r.stdout)["model"] == MARKUP  # JSON keeps the string exact
        elif what != "validate":
            # the markup is printed as text (rich may wrap the line)
            assert "[/bold][link=https://evil.example]x[red]red" in "".join(
                r.stdout.split()), what
    assert json.loads((out / "manifest.json").read_text())["model_name"] == MARKUP


def test_hostile_key_in_an_error_message(tmp_path):
    model = tmp_path / "m.yaml"
    model.write_text('hasim: 1\nname: x\nmission: 1y\ncomponents:\n  "a\\e]8;;x\\a\\r": '
                     '{failure: 1h, repair: 1h}\nsystem: a\n')
    r = hasim("validate", str(model), cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.startswith("error: ")
    assert "\\x1b" in r.stderr  # the loader names the control character, escaped
    for raw in RAW:
        assert raw not in r.stderr


# --- 2. --out: one set, checked first, no leftovers ------------------------------------------

def test_out_replaces_an_earlier_result_set_whole(tmp_path):
    model = write(tmp_path / "m.yaml", name="x")
    out = tmp_path / "results"
    r = hasim("run", str(model), "--runs", "20", "--seed", "1", "--workers", "1", "--out",
              str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (out / "replications.parquet").write_bytes(b"as if an earlier run had written parquet")
    r = hasim("run", str(model), "--runs", "21", "--seed", "2", "--workers", "1", "--out",
              str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json", "outages.csv", "replications.csv", "summary.json"]
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert len((out / "replications.csv").read_text().splitlines()) == 22
    assert hidden(tmp_path) == []


@pytest.mark.parametrize("case", ["foreign files", "parent is a file", "out is a file",
                                  "parquet", "not writable"])
def test_out_is_checked_before_the_study(tmp_path, case):
    model = write(tmp_path / "m.yaml", name="x")
    out = tmp_path / "results"
    message = {"foreign files": "not a hasim result", "parent is a file": "is not a directory",
               "out is a file": "is not a directory", "parquet": "needs pyarrow",
               "not writable": "cannot write"}[case]
    args = []
    if case == "foreign files":
        out.mkdir()
        (out / "notes.txt").write_text("mine")
    elif case == "parent is a file":
        (tmp_path / "file").write_text("")
        out = tmp_path / "file" / "results"
    elif case == "out is a file":
        out.write_text("")
    elif case == "parquet":
        if importlib.util.find_spec("pyarrow") is not None:
            pytest.skip("pyarrow is installed")
        args = ["--format", "parquet"]
    elif case == "not writable":
        if os.geteuid() == 0:  # root writes anywhere but in /proc
            out = Path("/proc/hasim-results")
        else:
            out.mkdir()
            out.chmod(0o500)
    r = hasim("run", str(model), "--runs", "20", "--workers", "1", "--out", str(out), *args,
              cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("error: ") and message in r.stderr and len(
        r.stderr.splitlines()) == 1
    assert r.stdout == ""  # refused before any simulation
    if case == "foreign files":
        assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert hidden(tmp_path) == []


SIGTERM_CHILD = """
import os, sys, time
from pathlib import Path
import hasim
from hasim.output import save_study
from hasim.results import StudyResult

study = hasim.run_study(hasim.load_model(sys.argv[1]), runs=5, seed=1, workers=1)
out = Path(sys.argv[2])
save_study(study, out)
frame_of = StudyResult.outages_frame

def slow(self):
    Path(sys.argv[3]).write_text("writing")
    time.sleep(60)
    return frame_of(self)

StudyResult.outages_frame = slow
save_study(study, out)
"""


def test_sigterm_while_writing_leaves_no_temporary_directory(tmp_path):
    model = write(tmp_path / "m.yaml", name="x")
    out, flag = tmp_path / "results", tmp_path / "flag"
    child = subprocess.Popen([sys.executable, "-c", SIGTERM_CHILD, str(model), str(out),
                              str(flag)], cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not flag.exists():
            assert child.poll() is None, child.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert ".results." in " ".join(hidden(tmp_path))  # mid-write: the temporary set
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        child.kill()
        child.wait()
    assert "Traceback" not in child.stderr.read()  # type: ignore[union-attr]
    assert hidden(tmp_path) == []
    assert sorted(p.name for p in out.iterdir()) == [  # the first set, whole
        "manifest.json", "outages.csv", "replications.csv", "summary.json"]


@pytest.fixture(scope="module")
def study():
    import hasim

    return hasim.run_study(model_from_yaml(ONE_UNIT.format(name="x", mission="730h")), runs=5,
                           seed=1, workers=1)


def test_stale_temporary_directories_of_dead_processes_are_removed(tmp_path, study):
    from hasim.output import save_study

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = tmp_path / f".results.hasim-{gone.pid}-abc"
    live = tmp_path / f".results.hasim-{os.getppid()}-abc"
    for d in (stale, live):
        d.mkdir()
        (d / "replications.csv").write_text("half")
    handler = signal.getsignal(signal.SIGTERM)
    save_study(study, tmp_path / "results")
    assert hidden(tmp_path) == [live.name]
    assert signal.getsignal(signal.SIGTERM) == handler  # put back


# --- 3. the manifest names exactly what ran ---------------------------------------------------

def test_manifest_records_the_model_and_data_as_loaded(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import hasim.runner
    from hasim.cli import app

    (tmp_path / "repairs.csv").write_text("hours\n1\n2\n4\n")
    model = tmp_path / "m.yaml"
    model.write_text("hasim: 1\nname: as loaded\nmission: 730h\ncomponents:\n  a:\n"
                     "    failure: 200h\n    repair: {empirical: {file: repairs.csv, column: "
                     "hours}}\nsystem: a\n")
    loaded = {p: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (model, tmp_path / "repairs.csv")}
    real = hasim.runner.run_study

    def edited_during_the_run(*args, **kwargs):
        model.write_text(model.read_text().replace("as loaded", "edited"))
        (tmp_path / "repairs.csv").write_text("hours\n9\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(hasim.runner, "run_study", edited_during_the_run)
    out = tmp_path / "results"
    r = CliRunner().invoke(app, ["run", str(model), "--runs", "5", "--seed", "1", "--workers",
                                 "1", "--out", str(out)])
    assert r.exit_code == 0, r.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["model_sha256"] == loaded[model]
    assert manifest["resolved_model"]["name"] == manifest["model_name"] == "as loaded"
    csv = str((tmp_path / "repairs.csv").resolve())
    assert manifest["data_files"] == [{"file": "repairs.csv", "path": csv,
                                       "sha256": loaded[tmp_path / "repairs.csv"],
                                       "bytes": len("hours\n1\n2\n4\n")}]


# --- 4. per mission and per year --------------------------------------------------------------

def test_mission_text():
    assert [mission_text(h) for h in (730, 8760, 87600, 720, 36)] == [
        "730 h", "1 y", "10 y", "30 d", "36 h"]


@pytest.mark.parametrize(("mission", "shown", "annualised"),
                         [("730h", "730 h", True), ("1y", "1 y", False), ("10y", "10 y", True)])
def test_labels_say_per_mission_or_per_year(mission, shown, annualised):
    import hasim
    from hasim.analysis.exact import exact

    model = model_from_yaml(ONE_UNIT.format(name="x", mission=mission))
    console = Console(file=io.StringIO(), width=200)
    print_summary(hasim.run_study(model, runs=5, seed=1, workers=1), console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    year = " per year (annualised)" if annualised else " per year "
    for row in ("downtime", "outages"):
        assert f"\n{row}{year}" in text
    assert f"runs of {shown}," in text
    assert f"P(outage) per mission ({shown})" in text
    assert f"downtime per mission ({shown}), p50" in text
    assert ("downtime by cause (per year: annualised)" in text) == annualised
    console = Console(file=io.StringIO(), width=200)
    print_exact(model, exact(model), console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert f"availability over the mission ({shown}), from all-up" in text
    assert f"expected outages per mission ({shown})" in text
    assert "system failures per year (long run)" in text


# --- 5. options out of range ------------------------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["run", "--runs", str(10**12)], "--runs: at most 1,000,000,000"),
    (["check", "--runs", str(10**12)], "--runs: at most 1,000,000,000"),
    (["run", "--workers", "100000"], "--workers: at most"),
    (["check", "--workers", "100000"], "--workers: at most"),
    (["trace", "--replication", str(10**20)], "--replication: at most 999,999,999"),
])
def test_options_out_of_range_are_refused_up_front(tmp_path, args, message):
    model = write(tmp_path / "m.yaml", name="x")
    r = hasim(args[0], str(model), *args[1:], cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: {message}") and len(r.stderr.splitlines()) == 1
    assert r.stdout == ""
