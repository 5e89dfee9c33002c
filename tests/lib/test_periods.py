import pytest

from beskdash.periods import (
    PeriodError,
    distinct_sorted,
    end_month,
    first_day,
    in_range,
    kind,
    label_da,
    ordinal,
    parse_period,
    sort_key,
    start_month,
    year_before,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2019", "2019"), ("2019Q4", "2019Q4"), ("2019K4", "2019Q4"), ("2019Q04", "2019Q4"),
        ("2019k4", "2019Q4"), ("Q2 2020", "2020Q2"), ("2019M12", "2019M12"), ("2019M1", "2019M01"),
        ("december 2019", "2019M12"), ("dec. 2019", "2019M12"), ("juni 2019", "2019M06"),
        ("Juni 2020", "2020M06"), ("maj 2019", "2019M05"), ("sept. 2021", "2021M09"),
        ("2024QMAT01", "2024QMAT01"), (" 2021 ", "2021"),
    ],
)
def test_parse_every_spelling(text: str, canonical: str) -> None:
    assert parse_period(text) == canonical


@pytest.mark.parametrize("text", ["2019Q5", "2019M13", "19Q4", "juno 2019", "", "2019-Q4x", "Q4"])
def test_reject_with_danish_message(text: str) -> None:
    with pytest.raises(PeriodError, match="er ikke en gyldig periode"):
        parse_period(text)


def test_kinds_and_order() -> None:
    assert [kind(p) for p in ("2019", "2019Q4", "2019M12", "2024QMAT01")] == ["year", "quarter", "month", "mat"]
    assert ordinal("2020Q1") - ordinal("2019Q4") == 1
    assert ordinal("2020M01") - ordinal("2019M12") == 1
    # A quarter ends in its last month; a year in December.
    assert end_month("2019Q4") == end_month("2019M12") == end_month("2019")
    assert sorted(["2020", "2019M12", "2019Q4", "2019"], key=sort_key) == ["2019M12", "2019Q4", "2019", "2020"]


def test_danish_labels() -> None:
    assert label_da("2019Q4") == "4.\u00a0kvt. 2019"
    assert label_da("2019M06") == "juni 2019"
    assert label_da("2019M12", short=True) == "dec. 2019"
    assert label_da("2021") == "2021"


@pytest.mark.parametrize(
    ("period", "first", "before"),
    [("2019Q1", "2019-01-01", "2018Q1"), ("2019Q4", "2019-10-01", "2018Q4"), ("2019M01", "2019-01-01", "2018M01"),
     ("2019M12", "2019-12-01", "2018M12"), ("2019", "2019-01-01", "2018"),
     # a moving annual total to the 2nd quarter spans the twelve months July–June
     ("2024QMAT02", "2023-07-01", "2023QMAT02")],
)
def test_first_day_and_the_same_period_a_year_before(period: str, first: str, before: str) -> None:
    assert first_day(period) == first
    assert year_before(period) == before


def test_start_month_counts_like_end_month() -> None:
    assert start_month("2019M05") == end_month("2019M05")  # a month starts and ends in itself
    assert end_month("2019Q2") - start_month("2019Q2") == 2
    assert end_month("2019") - start_month("2019") == 11
    assert end_month("2024QMAT01") - start_month("2024QMAT01") == 11


def test_range_and_order() -> None:
    assert distinct_sorted(["2020Q1", "2019Q4", "2020Q1", "2019M12"]) == ["2019M12", "2019Q4", "2020Q1"]
    assert in_range("2019Q4", "2019K4", None) and in_range("2019Q4", None, None)
    assert not in_range("2019Q3", "2019Q4", None) and not in_range("2020Q1", None, "december 2019")
    assert in_range("2019M12", "2019", "2019")
