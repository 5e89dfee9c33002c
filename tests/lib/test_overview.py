"""The start page's figures."""

import pandas as pd

from beskdash import overview
from beskdash.fetch import PROVISIONAL_NOTE
from beskdash.store import SourceMeta, Store
from tests.conftest import needs_dst


@needs_dst
def test_latest_per_benefit_beside_hele_landet(ro_store: Store) -> None:
    df = overview.latest_by_benefit(ro_store, "173")
    ltk = df[df.source == "plan:ltk-2021"].set_index(["benefit", "measure"])
    assert ltk.loc[("sygedagpenge", "fuldtidspersoner"), "value"] == 594
    assert ltk.loc[("sygedagpenge", "pct-befolkning"), "national_value"] == 2.0
    auk = df[df.source == "dst:AUK01"].iloc[0]
    assert auk["period"] == "2025Q4"
    table = overview.display_table(df[df.source == "plan:ltk-2021"])
    assert list(table.columns) == ["Ydelse", "Periode", "Antal", "Andel", "Hele landet, andel"]
    assert next(k for k, _ in overview.by_source(df)) == "plan:ltk-2021"


def test_provisional_month_is_marked(store: Store) -> None:
    frame = pd.DataFrame([{"area_code": "201", "benefit": "sygedagpenge", "measure": "fuldtidspersoner",
                           "period": p, "value": v, "source": "jobindsats:y07a02", "note": n}
                          for p, v, n in (("2024M01", 280.0, None), ("2024M02", 275.0, PROVISIONAL_NOTE))])
    store.apply(frame, SourceMeta("jobindsats:y07a02", "jobindsats.dk Y07A02"), username="a", file_name="x",
                sha256=None, fmt="test")
    df = overview.latest_by_benefit(store, "201")
    table = overview.display_table(df[df.source == "jobindsats:y07a02"])
    assert table["Periode"].iloc[0] == "februar 2024 (foreløbige tal)"
    assert table["Antal"].iloc[0] == "275"


def test_antal_and_andel_are_the_areas_own_figures_not_stars_benchmark() -> None:
    # Y30R21's expected/actual counts and shares are a model's figures: never the area's 'Antal' or 'Andel'
    rows = [("fuldtidspersoner", 856.0), ("pct-befolkning", 2.4), ("forventet-fuldtidspersoner", 900.0),
            ("forventet-andel", 2.6), ("faktisk-andel", 2.4)]
    df = pd.DataFrame([{"benefit": "offentlig-forsoergelse-i-alt", "benefit_label": "Offentlig forsørgelse i alt",
                        "measure": m, "period": "2024Q1", "value": v, "national_value": None, "note": None}
                       for m, v in rows])
    table = overview.display_table(df)
    assert table["Antal"].iloc[0] == "856" and table["Andel"].iloc[0] == "2,4 %"
    assert overview.measures_note(df) == ("Antal: fuldtidspersoner. "
                                          "Andel: andel af befolkningen 16-66 år.")
