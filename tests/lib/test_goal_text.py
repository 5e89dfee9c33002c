"""The goal engine's reason codes and numbers worded in Danish (`beskdash.text.goals`): one line per branch
of the rule, the target as the plan sets it, and the extract that would let a goal be judged."""

from beskdash.text import goals as say
from tests.lib.test_goals import ABS_288, ABS_288_M, SERIES, _goal, _months, _run


def test_met_and_deadline_passed_reasons() -> None:
    r = _run(_goal(**ABS_288_M), _months("2022M01", [295, 290, 288]))
    assert say.reason(r) == "seneste værdi 288 fuldtidspersoner (marts 2022) opfylder målet ≤ 288 fuldtidspersoner"
    r = _run(_goal(**ABS_288_M), _months("2022M10", [310, 305, 300]))
    assert say.reason(r).startswith("fristen (december 2022) er nået, og seneste værdi 300 fuldtidspersoner "
                                    "(december 2022)")


def test_projection_reasons_name_the_method_and_the_verdict() -> None:
    r = _run(_goal(**ABS_288_M), _months("2021M09", [330, 320, 310, 300]))
    assert "180 fuldtidspersoner, som opfylder målet ≤ 288 fuldtidspersoner" in say.reason(r)
    assert "mindste kvadraters metode over de seneste 4 månedlige værdier" in say.reason(r)
    r = _run(_goal(**ABS_288_M), _months("2021M09", [290, 292, 295, 300]))
    assert "ikke opfylder målet" in say.reason(r)


def test_target_texts() -> None:
    g = _goal(direction="increase", indicator={"series": {**SERIES, "measure": "pct"}},
              target={"type": "absolute", "value": 57, "deadline": "2022M12"})
    assert say.target_of(_run(g, [(b, p, v, "test:x", "pct") for b, p, v in _months("2022M01", [58])])) == "≥ 57 %"
    strict = _goal(indicator={"series": {**SERIES, "measure": "pct"}},
                   target={"type": "absolute", "value": 8.0, "strict": True, "deadline": "2022"})
    assert say.target_of(_run(strict, [(b, p, v, "test:x", "pct") for b, p, v in _months("2022M10", [8.0])])) == "< 8 %"
    rel = _goal(baseline={"value": 1000, "period": "2019M12"},
                target={"type": "relative", "change_pct": -10, "deadline": "2022M12"})
    assert (say.target_of(_run(rel, _months("2022M01", [960])))
            == "≤ 900 fuldtidspersoner (mindst 10 % under niveauet i december 2019)")
    fall = _goal(indicator={"series": {**SERIES, "measure": "pct"}}, baseline={"value": 12.6, "period": "2021"},
                 target={"type": "direction", "deadline": "2022"})
    r = _run(fall, [(b, p, v, "test:x", "pct") for b, p, v in _months("2022M04", [12.5])])
    assert say.target_of(r) == "fald i forhold til 2021 (12,6 %)"


def test_missing_data_reasons_and_the_extract() -> None:
    r = _run(_goal(**ABS_288), [("sygedagpenge", "2019", 288)])
    assert say.reason(r) == "mangler data efter 2019"
    assert say.missing_hint(r) == "jobindsats.dk Y07A02 sygedagpenge, fuldtidspersoner, Allerød, månedlig 2020–2022"
    r = _run(_goal(**ABS_288), [("sygedagpenge", "2022M03", None)])
    assert say.reason(r) == "mangler data efter 2019 (1 periode er diskretioneret i kilden)"
    g = _goal(baseline={"period": "2019M12"}, target={"type": "relative", "change_pct": -10, "deadline": "2022M12"})
    r = _run(g, _months("2022M01", [960, 955, 950]))
    assert say.reason(r).startswith("mangler niveauet i december 2019, som målet regnes fra")
    r = _run(_goal(**ABS_288_M), _months("2022M01", [300, 295]))
    assert say.reason(r) == ("for få månedlige værdier til en fremskrivning (2 af mindst 13 i træk, "
                             "så sæsonen kan fjernes)")
    # A target for the whole year 2022 with two months of it: the year's figure cannot be judged yet.
    r = _run(_goal(**ABS_288), _months("2022M01", [300, 295]))
    assert say.reason(r).startswith("målet gælder et helt år, og data efter 2019 har kun tal for 2 af periodens 12")
    assert say.missing_hint(_run(_goal(**ABS_288), _months("2022M01", [295, 290, 288]))) is None


def test_qualitative_and_unpublished_targets() -> None:
    q = _run({"id": "q", "title": "Kvalitativt", "kind": "qualitative", "ref": {"section": "s"}}, [])
    assert say.target_of(q) == "intet tal" and say.reason(q).startswith("kvalitativt mål")
    quote = "På Erhvervsudvalgets møde i marts 2021 fastlægges kvantitative mål"
    i = _run({"id": "i", "title": "Indikator", "kind": "indicator", "indicator": {"series": SERIES},
              "unpublished_target": {"section": "s", "quote": quote}, "ref": {"section": "s"}},
             _months("2021M01", [500]), year=2021)
    assert say.target_of(i) == "mål ikke offentliggjort"
    assert say.reason(i) == (f"planen offentliggør ikke målet («{quote}»); "
                             "seneste værdi 500 fuldtidspersoner (januar 2021)")
