"""build: the shipped data in the store, idempotent, atomic on bad input; export from the CLI."""

import json
import shutil
from pathlib import Path

import pytest

from beskdash import sources
from beskdash.build import NO_DST_NOTICE, build
from beskdash.paths import DATA_DIR, PLANS_DIR
from beskdash.store import SourceMeta, Store
from beskdash.validate import ValidationFailed
from tests import statbank_fixtures
from tests.conftest import SHARED_DST, needs_dst, run_cli


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


@needs_dst
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
    report = build(store, dst_dir=SHARED_DST)
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
    build(store, dst_dir=SHARED_DST)
    assert _value(store, "201", "kontanthjaelp-nettoledige", "fuldtidspersoner", "2026Q1", "dst:AUK01") == 30
    assert _value(store, "201", "kontanthjaelp-nettoledige", "fuldtidspersoner", "2025Q4", "dst:AUK01") == 99


def _copy_inputs(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("*.duckdb*", "*.csv.tmp"))
    for f in (data / "dst").glob("*.csv"):  # a filled data/dst/ of this checkout is not the test's input
        f.unlink()
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
    text = statbank_fixtures.folk1a().decode("utf-8-sig").replace("2019Q1;6300", "2019Q1;63O0")
    f.write_bytes(b"\xef\xbb\xbf" + text.encode())
    with Store(db_copy) as s:
        n = len(s.observations())
        with pytest.raises(ValidationFailed) as e:
            build(s, data, plans)
        assert "kolonne INDHOLD: '63O0' er ikke et tal" in str(e.value)
        assert len(s.observations()) == n


def test_export_cli_json_and_csv(built_db: Path) -> None:
    r = run_cli("export", "--format", "json", "--area", "173", db=built_db)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert set(rows[0]) == {"area_code", "area_name", "benefit", "measure", "period", "value", "source"}
    hit = [x for x in rows if x["benefit"] == "foertidspension" and x["measure"] == "fuldtidspersoner"]
    assert hit == [{"area_code": "173", "area_name": "Lyngby-Taarbæk", "benefit": "foertidspension",
                    "measure": "fuldtidspersoner", "period": "2020Q2", "value": 1043, "source": "plan:ltk-2021"}]
    csv1 = run_cli("export", "--source", "plan:ltk-2021", db=built_db).stdout
    csv2 = run_cli("export", "--source", "plan:ltk-2021", db=built_db).stdout
    assert csv1 == csv2 and csv1.startswith("area_code,area_name,benefit,measure,period,value,source\n")
    assert "173,Lyngby-Taarbæk,foertidspension,fuldtidspersoner,2020Q2,1043,plan:ltk-2021\n" in csv1


@needs_dst
def test_export_cli_real_auk01(built_db: Path) -> None:
    csv1 = run_cli("export", "--source", "dst:AUK01", db=built_db).stdout
    assert "201,Allerød,kontanthjaelp-nettoledige,fuldtidspersoner,2019Q4,24,dst:AUK01\n" in csv1


def test_build_from_synthetic_extracts_and_the_notice_without_any(tmp_path: Path) -> None:
    dst = tmp_path / "dst"
    dst.mkdir()
    with Store(tmp_path / "tom.duckdb") as s:
        report = build(s, dst_dir=dst)
        assert report.lines()[-1] == NO_DST_NOTICE and report.lines().count(NO_DST_NOTICE) == 1
        assert "planernes egne tal" in NO_DST_NOTICE and s.observations(sources=["dst:AUK01"]).empty
        (dst / "AUK01.csv").write_bytes(statbank_fixtures.auk01())
        report = build(s, dst_dir=dst)
        assert NO_DST_NOTICE not in report.lines()
        assert _value(s, "201", "kontanthjaelp-nettoledige", "fuldtidspersoner", "2019Q4", "dst:AUK01") == 24


def test_fill_dst_copies_from_shared_then_keeps_what_is_there(tmp_path: Path) -> None:
    shared, dst = tmp_path / "shared" / "data" / "dst", tmp_path / "data" / "dst"
    (shared / "api-recordings").mkdir(parents=True)
    (shared / "AUK01_en.csv").write_bytes(statbank_fixtures.auk01())
    (shared / "api-recordings" / "data_X.csv").write_bytes(b"not an extract")
    [line] = sources.fill_dst(dst, shared, online=False)
    assert "1 udtræk fra Danmarks Statistik kopieret" in line
    assert [f.name for f in dst.iterdir()] == ["AUK01_en.csv"]
    assert (dst / "AUK01_en.csv").read_bytes() == (shared / "AUK01_en.csv").read_bytes()
    (shared / "AUK01_en.csv").write_bytes(b"changed")
    assert sources.fill_dst(dst, shared, online=False) == []  # kept, never overwritten
    assert (dst / "AUK01_en.csv").read_bytes() == statbank_fixtures.auk01()


def test_fill_dst_offline_fills_nothing_and_build_says_so_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BESKDASH_DST_URL", "http://127.0.0.1:9")  # nothing listens there: as if offline
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("dst", "*.duckdb*"))
    assert sources.fill_dst(data / "dst", tmp_path / "no-shared") == []
    assert not list((data / "dst").glob("*.csv"))
    with Store(tmp_path / "b.duckdb") as s:
        lines = build(s, data).lines()
    assert lines.count(NO_DST_NOTICE) == 1 and lines[-1] == NO_DST_NOTICE


@needs_dst
def test_fill_dst_online_fetches_every_table_and_build_loads_them(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fetch_server import FakeApis

    fake = FakeApis()
    monkeypatch.setenv("BESKDASH_DST_URL", fake.start())
    try:
        [line] = sources.fill_dst(tmp_path / "dst", tmp_path / "no-shared")
    finally:
        fake.stop()
    assert "3 tabeller hentet fra Danmarks Statistiks API (AUK01, FOLK1A, FOLK1AM)" in line
    with Store(tmp_path / "b.duckdb") as s:
        report = build(s, dst_dir=tmp_path / "dst")
        assert NO_DST_NOTICE not in report.lines()
        assert _value(s, "201", "kontanthjaelp-nettoledige", "fuldtidspersoner", "2019Q4", "dst:AUK01") == 24
