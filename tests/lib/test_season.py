"""The seasonal rules on series whose right answer is worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from beskdash import periods, season

# A winter peak: the same twelve months every year; the year's mean is 290.
PATTERN = [320, 310, 300, 290, 280, 270, 260, 270, 280, 290, 300, 310]


def _months(first: str, values: list[float]) -> pd.DataFrame:
    o = periods.ordinal(first)
    ps = [periods.from_ordinal(o + i, "month") for i in range(len(values))]
    return pd.DataFrame({"period": ps, "kind": "month", "value": [float(v) for v in values]})


def test_a_year_is_its_months_mean_or_the_sources_own_figure() -> None:
    pts = _months("2022M01", [280] * 11 + [300])
    assert season.period_value(pts, "2022") == (pytest.approx(3380 / 12), "gennemsnit af 12 måneder")
    assert season.period_value(pts.iloc[:-1], "2022") == (None, None)  # never on eleven months
    own = pd.concat([pts, pd.DataFrame({"period": ["2022"], "kind": ["year"], "value": [285.0]})])
    assert season.period_value(own, "2022") == (285.0, "kilde")
    assert season.period_value(pts, "2022Q4") == (pytest.approx(860 / 3), "gennemsnit af 3 måneder")


def test_flat_seasonal_series_projects_flat_with_the_moving_average() -> None:
    # 2019M01–2021M07: the last eight months fall (December to July) only because of the season.
    values = (PATTERN * 3)[:31]
    proj = season.project(_months("2019M01", values), "2022")
    assert proj is not None and proj.method == season.MOVING_AVERAGE
    assert proj.deadline_value == pytest.approx(290.0)
    assert proj.slope_per_year == pytest.approx(0.0)
    assert (proj.first_period, proj.last_period, proj.n_points) == ("2020M01", "2021M07", 8)
    # a monthly deadline adds the month's own season back: December is 20 above the year's mean
    assert season.project(_months("2019M01", values), "2022M12").deadline_value == pytest.approx(310.0)


def test_year_on_year_change_with_fewer_than_24_months() -> None:
    # 18 months, each month 12 lower than a year earlier: 12 a year down; last 12 months' mean 284.
    first = PATTERN
    second = [v - 12 for v in PATTERN[:6]]
    proj = season.project(_months("2021M01", first + second), "2022")
    assert proj.method == season.YEAR_ON_YEAR
    assert proj.slope_per_year == pytest.approx(-12.0)
    last12 = (PATTERN[6:] + second)
    assert proj.deadline_value == pytest.approx(sum(last12) / 12 - 12 * 6 / 12)


def test_too_few_months_cannot_be_projected() -> None:
    assert season.project(_months("2022M01", PATTERN), "2022") is None


def test_quarters_use_the_four_quarter_moving_average() -> None:
    # winter quarters high: 300, 280, 270, 310 every year (mean 290); 2019Q1–2021Q2, ending on a fall
    qs = [300, 280, 270, 310] * 3
    pts = pd.DataFrame({"period": [f"{2019 + i // 4}Q{i % 4 + 1}" for i in range(10)], "kind": "quarter",
                        "value": [float(v) for v in qs[:10]]})
    proj = season.project(pts, "2022", kind="quarter")
    assert proj.method == "4-kvartalers glidende gennemsnit" and proj.deadline_value == pytest.approx(290.0)
    assert season.project(pts, "2022Q4", kind="quarter").deadline_value == pytest.approx(310.0)


def test_a_year_of_quarters_is_their_mean() -> None:
    pts = pd.DataFrame({"period": ["2022Q1", "2022Q2", "2022Q3", "2022Q4"], "kind": "quarter",
                        "value": [300.0, 280.0, 270.0, 310.0]})
    assert season.period_value(pts, "2022") == (290.0, "gennemsnit af 4 kvartaler")
    assert season.complete_periods(pts, "year") == [("2022", 290.0, "gennemsnit af 4 kvartaler")]
    assert season.period_value(pts.iloc[:3], "2022") == (None, None)
