"""Parsing of durations and probabilities at the edge of the model.

Past the loader every time is a float in hours and every probability a float in [0, 1].
"""

from __future__ import annotations

import math
import re

HOURS_PER: dict[str, float] = {
    "s": 1 / 3600,
    "min": 1 / 60,
    "h": 1.0,
    "d": 24.0,
    "w": 168.0,
    "mo": 730.0,
    "y": 8760.0,
}
"""Hours in one of each unit; ``y`` is a 365-day year (8760 h), ``mo`` a twelfth of it (730 h)."""

HOURS_PER_YEAR = HOURS_PER["y"]

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DURATION = re.compile(rf"^\s*({_NUMBER})\s*([a-z]*)\s*$")
_PERCENT = re.compile(rf"^\s*({_NUMBER})\s*%\s*$")

DURATION_PATTERN = rf"^\s*{_NUMBER}\s*(s|min|h|d|w|mo|y)?\s*$"
"""Regular expression a duration string matches (for the JSON Schema)."""
PROBABILITY_PATTERN = rf"^\s*{_NUMBER}\s*%?\s*$"


def parse_duration(value: object) -> float:
    """Return a duration in hours.

    Parameters
    ----------
    value
        A number (hours) or a string such as ``"30s"``, ``"15min"``, ``"8h"``, ``"2d"``,
        ``"1w"``, ``"1y"`` (365 days).

    Raises
    ------
    ValueError
        With a message that says what was wrong and what is accepted.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as 30min or 8h, got {value!r}")
    if isinstance(value, int | float):
        hours = float(value)
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if match is None:
            raise ValueError(f"expected a duration such as 30min or 8h, got {value!r}")
        number, unit = match.groups()
        if unit == "":
            unit = "h"
        if unit not in HOURS_PER:
            hint = " (write min for minutes)" if unit == "m" else ""
            raise ValueError(
                f"unknown unit {unit!r} in {value!r}{hint}; use one of "
                + ", ".join(HOURS_PER)
            )
        hours = float(number) * HOURS_PER[unit]
    else:
        raise ValueError(f"expected a duration such as 30min or 8h, got {value!r}")
    if not math.isfinite(hours):
        raise ValueError(f"duration must be finite, got {value!r}")
    return hours


def parse_probability(value: object) -> float:
    """Return a probability in [0, 1] from ``0.9995`` or ``"99.95%"``."""
    if isinstance(value, bool):
        raise ValueError(f"expected a probability such as 0.99 or 99%, got {value!r}")
    if isinstance(value, int | float):
        p = float(value)
    elif isinstance(value, str):
        match = _PERCENT.match(value)
        if match is not None:
            p = float(match.group(1)) / 100.0
        else:
            try:
                p = float(value)
            except ValueError:
                raise ValueError(
                    f"expected a probability such as 0.99 or 99%, got {value!r}"
                ) from None
    else:
        raise ValueError(f"expected a probability such as 0.99 or 99%, got {value!r}")
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"probability must be between 0 and 1 (0% and 100%), got {value!r}")
    return p


def format_duration(hours: float) -> str:
    """Format a duration in hours with a readable unit (``"4.4 min"``, ``"8.8 h"``)."""
    if not math.isfinite(hours):
        return str(hours)
    a = abs(hours)
    if a == 0:
        return "0 s"
    if a < 1 / 60:
        return f"{hours * 3600:.3g} s"
    if a < 1:
        return f"{hours * 60:.3g} min"
    if a < 48:
        return f"{hours:.3g} h"
    if a < 2 * 8760 and hours % 8760:
        return f"{hours / 24:.3g} d"
    return f"{hours / 8760:.3g} y"
