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
