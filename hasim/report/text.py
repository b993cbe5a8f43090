"""The summary table that ``hasim run`` prints.

Every string taken from a model (its name, component and crew names, notes naming them) goes
through :func:`safe_text` before rich sees it, or :func:`plain_text` when printed without rich:
a model file is input, and must not be able to restyle, hyperlink or rewrite the terminal.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hasim.results import StudyResult
from hasim.units import HOURS_PER, HOURS_PER_YEAR, format_duration

if TYPE_CHECKING:
    import pandas as pd

    from hasim.analysis.exact import ExactResult
    from hasim.model.compile import CompiledModel


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
"""C0 and C1 controls, DEL, and the Unicode line separators and bidi marks, embeddings,
overrides and isolates (which reorder what the terminal shows)."""


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain_text(text: object) -> str:
    """``text`` with each control character written as a visible escape: ESC as ``\\x1b``, a
    newline as ``\\x0a``, a bidi override as ``\\u202e``. For output that rich does not read."""
    return _UNPRINTABLE.sub(_visible, str(text))


def safe_text(text: object) -> str:
    """:func:`plain_text` with rich markup escaped too: shown by rich exactly as written."""
    return escape(plain_text(text))


def mission_text(hours: float) -> str:
    """A mission length as written, not rounded: ``730 h``, ``30 d``, ``1 y``, ``10 y``."""
    for unit in ("y", "d", "h"):
        n = hours / HOURS_PER[unit]
        if n >= 1 and n == round(n):
            return f"{n:.12g} {unit}"
    return format_duration(hours)


def _annualised(mission: float) -> bool:
    """Whether figures per year are a mission's figures scaled (by 1 y / mission)."""
    return not math.isclose(mission, HOURS_PER_YEAR, rel_tol=1e-12)


def _per_year(what: str, mission: float) -> str:
    return f"{what} per year (annualised)" if _annualised(mission) else f"{what} per year"


def _per_mission(what: str, mission: float) -> str:
    return f"{what} per mission ({mission_text(mission)})"


def _title(name: str) -> str:
    """A model's name for rich markup: :func:`safe_text`, cut to 200 characters (rich folds a
    long unbroken word in time quadratic in its length)."""
    return safe_text(name if len(name) <= 200 else name[:199] + "…")


def _ci(row: object, fmt: str) -> str:
    lo, hi = row.ci_low, row.ci_high  # type: ignore[attr-defined]
    if math.isnan(lo) and math.isnan(hi):
        return ""
    def f(x: float) -> str:
        return "—" if math.isnan(x) else format(x, fmt)

    return f"[{f(lo)}, {f(hi)}]"


def print_summary(study: StudyResult, console: Console | None = None) -> None:
    """Print the headline results, the downtime attribution and the crews of a study."""
    console = console or Console()
    m = study.model
    s = study.summary()
    mission = m.mission
    head = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    head.add_column("metric")
    head.add_column("estimate", justify="right")
    head.add_column("95% CI", justify="right")

    def duration_row(label: str, r: pd.Series) -> None:
        ci = "" if math.isnan(r["ci_low"]) else \
            f"[{format_duration(r['ci_low'])}, {format_duration(r['ci_high'])}]"
        head.add_row(label, format_duration(r["mean"]), ci)

    if study.until_failure:
        console.print(f"[bold]{_title(m.name)}[/bold] — {study.n_runs} runs until the first "
                      f"system failure, seed {study.seed}, engine {study.engine}")
        duration_row("mean time to first failure (MTTF)", s.loc["mttf_hours"])
        for q in (10, 50, 90):
            duration_row(f"time to first failure, p{q}", s.loc[f"first_failure_hours_p{q}"])
        console.print(head)
        return
    console.print(f"[bold]{_title(m.name)}[/bold] — {study.n_runs} runs of "
                  f"{mission_text(mission)}, seed {study.seed}, engine {study.engine}")
    a = s.loc["availability"]
    head.add_row("availability", f"{a['mean']:.6f}", _ci(a, ".6f"))
    nines = s.loc["nines"]
    head.add_row("nines", f"{nines['mean']:.2f}", _ci(nines, ".2f"))
    d = s.loc["downtime_hours_per_year"]
    head.add_row(_per_year("downtime", mission), format_duration(d["mean"]),
                 f"[{format_duration(d['ci_low'])}, {format_duration(d['ci_high'])}]")
    o = s.loc["outages_per_year"]
    head.add_row(_per_year("outages", mission), f"{o['mean']:.3g}", _ci(o, ".3g"))
    mo = s.loc["mean_outage_hours"]
    if not math.isnan(mo["mean"]):
        head.add_row("mean outage duration", format_duration(mo["mean"]),
                     "" if math.isnan(mo["ci_low"]) else
                     f"[{format_duration(mo['ci_low'])}, {format_duration(mo['ci_high'])}]")
    p = s.loc["p_system_failure"]
    head.add_row(_per_mission("P(outage)", mission), f"{p['mean']:.3f}", _ci(p, ".3f"))
    mut = s.loc["mean_up_time_hours"]
    censored = int(s.loc["censored_runs", "mean"])
    label = "mean up time per outage"
    if math.isinf(mut["mean"]):
        head.add_row(label, f"> {format_duration(mut['ci_low'])}", "")
    else:
        duration_row(label, mut)
    head.add_row("  runs without an outage", f"{censored:,} of {study.n_runs:,}", "")
    for q in (50, 90, 99):
        r = s.loc[f"downtime_hours_p{q}"]
        head.add_row(f"{_per_mission('downtime', mission)}, p{q}", format_duration(r["mean"]),
                     "")
    if m.inspections or m.maintenance:
        u = s.loc["availability_unplanned"]
        head.add_row("availability, unplanned downtime only", f"{u['mean']:.6f}",
                     _ci(u, ".6f"))
        for key, label in (("planned_downtime_hours_per_year", "planned downtime"),
                           ("unplanned_downtime_hours_per_year", "unplanned downtime")):
            r = s.loc[key]
            head.add_row(_per_year(label, mission), format_duration(r["mean"]),
                         f"[{format_duration(r['ci_low'])}, {format_duration(r['ci_high'])}]")
    counted = [("maintenance_steps_per_year", "maintenance steps", bool(m.maintenance)),
               ("maintenance_deferred_per_year", "  deferred", bool(m.maintenance)),
               ("maintenance_skipped_per_year", "  skipped", bool(m.maintenance)),
               ("inspections_per_year", "inspections", bool(m.inspections)),
               ("latent_failures_per_year", "latent failures",
                m.may_be_latent),
               ("latent_found_per_year", "  found by inspections", bool(m.inspections))]
    for key, label, shown in counted:
        if shown:
            r = s.loc[key]
            head.add_row(_per_year(label, mission) if not label.startswith(" ") else label,
                         f"{r['mean']:.3g}", _ci(r, ".3g"))
    if m.may_be_latent:
        r = s.loc["mean_latent_hours"]
        if not math.isnan(r["mean"]):
            duration_row("  mean time latent", r)
    if m.n_groups:
        sw = s.loc["switchovers_per_year"]
        head.add_row(_per_year("switchovers", mission), f"{sw['mean']:.3g}", _ci(sw, ".3g"))
        sf = s.loc["switchovers_failed_per_year"]
        head.add_row("  of which failed", f"{sf['mean']:.3g}", _ci(sf, ".3g"))
    console.print(head)

    total = s.loc["downtime_hours_per_year", "mean"]
    # the cause of an outage is the component whose failure took the system down
    title = "downtime by cause" + (" (per year: annualised)" if _annualised(mission) else "")
    attribution = Table(title=title, title_justify="left", box=None, header_style="bold")
    attribution.add_column("component")
    attribution.add_column("kind")
    attribution.add_column("per year", justify="right")
    attribution.add_column("share", justify="right")
    attribution.add_column("failures/yr", justify="right")
    rows = sorted(zip(m.type_names, m.type_kinds, strict=True),
                  key=lambda t: -s.loc[f"downtime_hours_per_year.{t[0]}", "mean"])
    for name, kind in rows:
        hours = s.loc[f"downtime_hours_per_year.{name}", "mean"]
        share = f"{100 * hours / total:.1f}%" if total > 0 else "—"
        failures = s.loc[f"failures_per_year.{name}", "mean"]
        attribution.add_row(safe_text(name), kind, format_duration(hours), share,
                            f"{failures:.3g}")
    console.print(attribution)

    if m.has_modes:
        modes = Table(title="failure modes" + (" (per year: annualised)"
                                               if _annualised(mission) else ""),
                      title_justify="left", box=None, header_style="bold")
        modes.add_column("mode")
        modes.add_column("failures/yr", justify="right")
        modes.add_column("downtime caused/yr", justify="right")
        for label in m.mode_labels:
            modes.add_row(safe_text(label), f"{s.loc[f'failures_per_year.{label}', 'mean']:.3g}",
                          format_duration(s.loc[f"downtime_hours_per_year.{label}", "mean"]))
        console.print(modes)
    if m.stock_names:
        stocks = Table(title="spares", title_justify="left", box=None, header_style="bold")
        for col in ("stock", "size", "stock-outs/yr", "P(repair waited)", "waiting/yr",
                    "mean on hand"):
            stocks.add_column(col, justify="left" if col == "stock" else "right")
        for k, name in enumerate(m.stock_names):
            pw = s.loc[f"p_repair_waited.{name}", "mean"]
            stocks.add_row(safe_text(name), str(m.stock_size[k]),
                           f"{s.loc[f'stock_outs_per_year.{name}', 'mean']:.3g}",
                           "—" if math.isnan(pw) else f"{pw:.3f}",
                           format_duration(s.loc[f"part_wait_hours_per_year.{name}", "mean"]),
                           f"{s.loc[f'mean_parts_on_hand.{name}', 'mean']:.3g}")
        console.print(stocks)

    if m.crew_names:
        crews = Table(title="crews", title_justify="left", box=None, header_style="bold")
        crews.add_column("crew")
        crews.add_column("size", justify="right")
        crews.add_column("utilisation", justify="right")
        for c, name in enumerate(m.crew_names):
            u = s.loc[f"crew_utilisation.{name}", "mean"]
            crews.add_row(safe_text(name), str(m.crew_size[c]), f"{100 * u:.2f}%")
        console.print(crews)
    rate = study.events / study.elapsed_s if study.elapsed_s > 0 else math.nan
    console.print(f"[dim]{study.events:,} events in {study.elapsed_s:.2f} s "
                  f"({rate:,.0f} events/s, {study.workers} worker"
                  f"{'s' if study.workers != 1 else ''})[/dim]")


def print_exact(model: CompiledModel, result: ExactResult, console: Console | None = None
                ) -> None:
    """Print the exact values of a model."""
    console = console or Console()
    how = ("Markov chain" if result.method == "ctmc"
           else "renewal theory over independent units")
    console.print(f"[bold]{_title(model.name)}[/bold] — exact, by {how}: {result.states:,} "
                  f"states, "
                  f"solved in {result.solve_s:.2f} s")
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("metric")
    table.add_column("value", justify="right")
    a = result.steady_state_availability
    table.add_row("steady-state availability", f"{a:.9f}")
    table.add_row("steady-state downtime per year", format_duration((1 - a) * HOURS_PER_YEAR))
    mission = model.mission
    if result.interval_availability is not None:
        table.add_row(f"availability over the mission ({mission_text(mission)}), from all-up",
                      f"{result.interval_availability:.9f}")
    if result.failure_frequency is not None:
        # the long-run rate of the chain, not a mission's count annualised
        table.add_row("system failures per year (long run)",
                      f"{result.failure_frequency * HOURS_PER_YEAR:.6g}")
    if result.mean_up_time_hours is not None:
        table.add_row("mean up time", format_duration(result.mean_up_time_hours))
    if result.mean_down_time_hours is not None:
        table.add_row("mean down time", format_duration(result.mean_down_time_hours))
    if result.mttf_hours is not None:
        table.add_row("mean time to first system failure", format_duration(result.mttf_hours))
    if result.expected_outages is not None:
        table.add_row(_per_mission("expected outages", mission),
                      f"{result.expected_outages:.6g}")
    if result.p_system_failure is not None:
        table.add_row(_per_mission("P(outage)", mission), f"{result.p_system_failure:.6g}")
    console.print(table)
    if result.importance:
        imp = Table(box=None, header_style="bold", pad_edge=False,
                    title="importance of each component type (steady state)",
                    title_justify="left")
        imp.add_column("type")
        for col in ("Birnbaum", "criticality", "RAW", "RRW", "failures/year"):
            imp.add_column(col, justify="right")
        for name, v in result.importance.items():
            freq = v.get("failure_frequency")
            imp.add_row(safe_text(name), *(_num(v.get(k)) for k in
                                           ("birnbaum", "criticality", "raw", "rrw")),
                        _num(None if freq is None else freq * HOURS_PER_YEAR))
        console.print(imp)
    if result.stocks:
        stocks = Table(box=None, header_style="bold", pad_edge=False,
                       title="spare parts", title_justify="left")
        stocks.add_column("stock")
        for col in ("on hand, long run", "P(a repair waited)", "on hand, mission",
                    "requests per mission", "waited per mission"):
            stocks.add_column(col, justify="right")
        for name, v in result.stocks.items():
            stocks.add_row(safe_text(name), *(_num(v.get(k)) for k in (
                "mean_on_hand", "p_waited", "mission_mean_on_hand", "expected_part_requests",
                "expected_parts_waited")))
        console.print(stocks)
    errors = [v for k, v in result.accuracy.items() if k.endswith("_error")]
    residuals = [v for k, v in result.accuracy.items() if k.endswith("_residual")]
    parts = []
    if errors:
        parts.append(f"mission values within {max(errors):.1e} (error bound)")
    if residuals:
        parts.append(f"linear solves to a relative residual of {max(residuals):.1e}")
    if parts:
        console.print(f"[dim]{'; '.join(parts)}[/dim]")
    if result.method == "ctmc" and result.interval_availability is None and not any(
            "mission values" in note for note in result.notes):  # else a note says why
        console.print("[dim]no mission values (--steady-state-only)[/dim]")
    for note in result.notes:
        console.print(f"[dim]{safe_text(note)}[/dim]")


def _num(x: float | None) -> str:
    if x is None:
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:.4g}"


def print_check(model: CompiledModel, study: StudyResult, result: ExactResult,
                table: pd.DataFrame, ok: bool, console: Console | None = None) -> None:
    """Print simulation against exact values with z-scores."""
    from hasim.analysis.check import Z_LIMIT

    console = console or Console()
    console.print(f"[bold]{_title(model.name)}[/bold] — {study.n_runs:,} runs (seed "
                  f"{study.seed}, "
                  f"engine {study.engine}) against the exact solution ({result.states:,} "
                  "states)")
    out = Table(box=None, header_style="bold", pad_edge=False)
    # every metric compared is one of a mission, from all-up
    out.add_column(_per_mission("", model.mission).strip())
    for col in ("simulated", "95% CI", "exact", "z"):
        out.add_column(col, justify="right")
    labels = {"outages": "outages", "p_system_failure": "P(outage)"}
    untested = 0
    for name, row in table.iterrows():
        if not row["tested"]:
            untested += 1
            what = "outages" if name != "p_system_failure" else \
                "missions with an outage" if row["exact"] <= 0.5 else "missions without one"
            # (3 digits: 49.6 expected must not read as the 50 a test needs)
            z = (f"not tested ({row['expected']:.3g} {what} expected; use --runs "
                 f"{int(row['runs_needed']):,})")
        else:
            z = f"{row['z']:+.2f}" + ("" if abs(row["z"]) <= Z_LIMIT else " [red]✗[/red]")
        out.add_row(safe_text(labels.get(str(name), name)), f"{row['simulated']:.6g}",
                    f"[{row['ci_low']:.6g}, {row['ci_high']:.6g}]", f"{row['exact']:.6g}", z)
    console.print(out)
    note = f"; {untested} not tested" if untested else ""
    verdict = (f"[green]agree[/green] (every tested |z| ≤ {Z_LIMIT:g}{note})" if ok
               else f"[red]DISAGREE[/red] (|z| > {Z_LIMIT:g}{note})")
    console.print(f"simulation and exact solution {verdict}")


def print_trace(model: CompiledModel, frame: pd.DataFrame) -> None:
    """The event log of one replication (:func:`hasim.trace`) as an aligned table (plain
    text on stdout: long logs are piped to files and pagers)."""
    import sys

    def echo(line: str) -> None:
        sys.stdout.write(line + "\n")

    a = frame.attrs
    echo(f"{plain_text(model.name)} — replication {a.get('replication')}, seed "
         f"{a.get('seed')}, engine {a.get('engine')}: {len(frame)} lines")
    echo(f"{'time':>14}  {'event':<14} {'target':<24} {'other':<20} detail")
    for t, event, target, other, detail in frame.itertuples(index=False):
        d = "" if detail == 0 else (f"{detail:g}" if event == "rate" else
                                    format_duration(detail))
        echo(f"{t:>13.6f}h  {event:<14} {target:<24} {other:<20} {d}")
