import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hasim.units import HOURS_PER, format_duration, parse_duration, parse_probability


@pytest.mark.parametrize(
    ("text", "hours"),
    [("30s", 30 / 3600), ("15min", 0.25), ("8h", 8.0), ("2d", 48.0), ("1w", 168.0),
     ("1y", 8760.0), ("2.5", 2.5), (3, 3.0), (0.5, 0.5), ("1e3h", 1000.0), (" 4 h ", 4.0)],
)
def test_durations(text, hours):
    assert parse_duration(text) == pytest.approx(hours, rel=1e-15)


@pytest.mark.parametrize("text", ["1yr", "5m", "h", "", "ten hours", True, None, [1], "1e400h"])
def test_bad_durations_are_clear(text):
    with pytest.raises(ValueError, match=r"duration|unit|finite"):
        parse_duration(text)


def test_minutes_hint():
    with pytest.raises(ValueError, match="write min for minutes"):
        parse_duration("5m")


@pytest.mark.parametrize(("text", "p"), [("99.95%", 0.9995), (0.99, 0.99), ("0.5", 0.5),
                                         (1, 1.0), ("100%", 1.0), ("0%", 0.0)])
def test_probabilities(text, p):
    assert parse_probability(text) == pytest.approx(p, abs=1e-15)


@pytest.mark.parametrize("text", ["101%", 1.5, -0.1, "x", True])
def test_bad_probabilities(text):
    with pytest.raises(ValueError, match="probability"):
        parse_probability(text)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.sampled_from(list(HOURS_PER)))
def test_duration_units_scale(x, unit):
    assert math.isclose(parse_duration(f"{x!r}{unit}"), x * HOURS_PER[unit], rel_tol=1e-12,
                        abs_tol=1e-300)


@given(st.floats(min_value=1e-9, max_value=1e7))
def test_format_duration_round_trips_roughly(hours):
    text = format_duration(hours).replace(" ", "")
    assert math.isclose(parse_duration(text), hours, rel_tol=6e-3)
