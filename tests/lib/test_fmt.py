import datetime as dt

from beskdash import fmt


def test_danish_numbers() -> None:
    assert fmt.number(1234.5, 1) == "1.234,5"
    assert fmt.number(1043) == "1.043"
    assert fmt.number(5873420) == "5.873.420"
    assert fmt.number(-2.5, 1) == "−2,5"
    assert fmt.number(-0.0, 1) == "0,0"  # never "−0,0"
    assert fmt.number(None) == "–"
    assert fmt.number(2.45, None) == "2,45"


def test_percent_and_values() -> None:
    assert fmt.percent(12.6) == "12,6 %"
    assert fmt.value(2.4, "pct-befolkning") == "2,4 %"
    assert fmt.value(856, "fuldtidspersoner") == "856"
    assert fmt.value(10.6, "uger") == "10,6 uger"
    # every share the taxonomy marks shows its sign, STAR's benchmark shares too
    assert fmt.value(12.34, "forventet-andel") == "12,3 %"
    assert fmt.value(12.34, "faktisk-andel") == "12,3 %"
    assert fmt.value(12.34, "forventet-fuldtidspersoner") == "12,3"
    assert fmt.pct_points(0.7) == "+0,7 procentpoint"
    assert fmt.period("2019Q4") == "4.\u00a0kvt. 2019"


def test_values_with_given_decimals_and_printed_changes() -> None:
    assert fmt.value(11.84, "pct-befolkning", 2) == "11,84 %"
    assert fmt.value(1043, "fuldtidspersoner", 1) == "1.043,0"
    assert fmt.value(10.6, "uger", 0) == "11 uger"
    assert fmt.value(-3.26, "aendring-pct", 1) == "−3,3 %"
    assert fmt.value(1.8, "aendring-pct-point") == "+1,8 procentpoint"
    assert fmt.value(None, "pct") == "–"


def test_join_da() -> None:
    assert fmt.join_da([]) == ""
    assert fmt.join_da(["Allerød"]) == "Allerød"
    assert fmt.join_da(["Allerød", "Hørsholm"]) == "Allerød og Hørsholm"
    assert fmt.join_da(iter(["a", "b", "c"])) == "a, b og c"


def test_lower_first_and_danish_dates() -> None:
    assert fmt.lower_first("Kontanthjælp") == "kontanthjælp"
    assert fmt.lower_first("SU-modtagere") == "SU-modtagere"
    assert fmt.lower_first("") == ""
    assert fmt.date_da("2019-01-01") == "1. januar 2019"
    assert fmt.date_da(dt.date(2025, 12, 31)) == "31. december 2025"
