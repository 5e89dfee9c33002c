"""build: the shipped data in the store, idempotent, atomic on bad input; export from the CLI."""

import json
import shutil
from pathlib import Path

import pytest

from beskdash.build import build
from beskdash.paths import DATA_DIR, PLANS_DIR
from beskdash.store import SourceMeta, Store
from beskdash.validate import ValidationFailed
from tests.conftest import run_cli


def _value(store: Store, area: str, benefit: str, measure: str, period: str, source: str) -> float | None:
    df = store.observations(areas=[area], benefits=[benefit], measures=[measure], sources=[source])
    row = df[df.period == period]
    return None if row.empty else float(row["value"].iloc[0])


def test_published_figures_are_in_the_store(ro_store: Store) -> None:
    assert _value(ro_store, "173", "a-dagpenge", "fuldtidspersoner", "2020Q2", "plan:ltk-2021") == 856
    assert _value(ro_store, "173", "foertidspension", "fuldtidspersoner", "2020Q2", "plan:ltk-2021") == 1043
    assert _value(ro_store, "000", "a-dagpenge", "pct-befolkning", "2020Q2", "plan:ltk-2021") == 3.2
    assert _value(ro_store, "230", "a-dagpenge", "fuldtidspersoner", "2019M06", "plan:rudersdal-2021") == 456
    assert _value(ro_store, "230", "a-dagpenge", "fuldtidspersoner", "2020M06", "plan:rudersdal-2021") == 703
    assert _value(ro_store, "rar-hovedstaden", "kontanthjaelp", "fuldtidspersoner", "2020M06",
                  "plan:rudersdal-2021") == 24077
    # Published changes are kept for the audit, never as observations.
    ch = ro_store.published_changes("rudersdal-2021")
    row = ch[(ch.area_code == "230") & (ch.benefit == "a-dagpenge")]
    assert row["printed"].iloc[0] == "54%" and row["base_period"].iloc[0] == "2019M06"
    assert ro_store.observations(measures=["aendring-pct"]).empty


def test_auk01_series_for_every_kommune(ro_store: Store) -> None:
    df = ro_store.observations(sources=["dst:AUK01"])
    per_area = df.groupby("area_code")["period"].agg(["min", "max", "count"])
    kommuner = per_area.loc[[c for c in per_area.index if c.isdigit() and c not in ("000", "081", "082",
                                                                                   "083", "084", "085")]]
    assert len(kommuner) == 98
    assert (kommuner["min"] == "2007Q1").all() and (kommuner["max"] == "2025Q4").all()
    assert (kommuner["count"] == 76).all()
    assert _value(ro_store, "201", "kontanthjaelp-nettoledige", "fuldtidspersoner", "2019Q4", "dst:AUK01") == 24


def test_build_twice_changes_nothing(store: Store) -> None:
    before = store.imports()
    report = build(store)
    assert all(r.import_id is None and r.diff.is_noop for _, r in report.results)
    assert len(store.imports()) == len(before)


def test_build_keeps_later_imports(store: Store) -> None:
    import pandas as pd

    frame = pd.DataFrame([{"area_code": "201", "benefit": "kontanthjaelp-nettoledige", "measure": "fuldtidspersoner",
                           "period": "2026Q1", "value": 30.0, "source": "dst:AUK01"},
                          {"area_code": "201", "benefit": "kontanthjaelp-nettoledige", "measure": "fuldtidspersoner",
                           "period": "2025Q4", "value": 99.0, "source": "dst:AUK01"}])
    store.apply(frame, SourceMeta("dst:AUK01", "Statistikbanken AUK01"), username="analytiker",
                file_name="nyt.csv", sha256=None, fmt="test")
    build(store)
    assert _value(store, "201", "kontanthjaelp-nettoledige", "fuldtidspersoner", "2026Q1", "dst:AUK01") == 30
    assert _value(store, "201", "kontanthjaelp-nettoledige", "fuldtidspersoner", "2025Q4", "dst:AUK01") == 99


def _copy_inputs(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("*.duckdb*"))
    plans = tmp_path / "plans"
    shutil.copytree(PLANS_DIR, plans)
    return data, plans


def test_broken_seed_csv_leaves_database_unchanged(db_copy: Path, tmp_path: Path) -> None:
    data, plans = _copy_inputs(tmp_path)
    f = data / "plan_figures" / "rudersdal-2021.csv"
    lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",fuldtidspersoner,", ",fuldtidspersonr,", 1)
    f.write_text("".join(lines), encoding="utf-8")
    before = run_cli("export", "--format", "csv", db=db_copy).stdout
    r = run_cli("build", "--data-dir", str(data), "--plans-dir", str(plans), db=db_copy)
    assert r.returncode == 1
    assert "intet er skrevet til databasen" in r.stderr
    assert f"{f}, linje 3, kolonne measure: 'fuldtidspersonr' er ikke et gyldigt mål" in r.stderr
    assert run_cli("export", "--format", "csv", db=db_copy).stdout == before


def test_bad_statbank_file_fails_whole_build(db_copy: Path, tmp_path: Path) -> None:
    data, plans = _copy_inputs(tmp_path)
    f = data / "dst" / "FOLK1A_en_population_Q1.csv"
    text = f.read_bytes().decode("utf-8-sig").replace("2019Q1;5806081", "2019Q1;5806O81")
    f.write_bytes(b"\xef\xbb\xbf" + text.encode())
    with Store(db_copy) as s:
        n = len(s.observations())
        with pytest.raises(ValidationFailed) as e:
            build(s, data, plans)
        assert "kolonne INDHOLD: '5806O81' er ikke et tal" in str(e.value)
        assert len(s.observations()) == n


def test_export_cli_json_and_csv(built_db: Path) -> None:
    r = run_cli("export", "--format", "json", "--area", "173", db=built_db)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert set(rows[0]) == {"area_code", "area_name", "benefit", "measure", "period", "value", "source"}
    hit = [x for x in rows if x["benefit"] == "foertidspension" and x["measure"] == "fuldtidspersoner"]
    assert hit == [{"area_code": "173", "area_name": "Lyngby-Taarbæk", "benefit": "foertidspension",
                    "measure": "fuldtidspersoner", "period": "2020Q2", "value": 1043, "source": "plan:ltk-2021"}]
    csv1 = run_cli("export", "--source", "dst:AUK01", db=built_db).stdout
    csv2 = run_cli("export", "--source", "dst:AUK01", db=built_db).stdout
    assert csv1 == csv2 and csv1.startswith("area_code,area_name,benefit,measure,period,value,source\n")
    assert "201,Allerød,kontanthjaelp-nettoledige,fuldtidspersoner,2019Q4,24,dst:AUK01\n" in csv1


def test_cli_errors_are_danish(tmp_path: Path) -> None:
    r = run_cli("export", db=tmp_path / "findes-ikke.duckdb")
    assert r.returncode == 1
    assert r.stderr.startswith("Fejl: Databasen") and "Kør først: python -m beskdash build" in r.stderr


def test_db_path_from_environment(built_db: Path) -> None:
    r = run_cli("export", "--area", "201", "--source", "plan:alleroed-2022", env={"BESKDASH_DB": str(built_db)})
    assert r.returncode == 0 and "201,Allerød" in r.stdout
