"""Fetching from StatBank and jobindsats.dk against a local stand-in server (tests/fetch_server.py).

No test touches the internet. The server replays the real extracts in ../shared/data/dst/ and
jobindsats-shaped answers built from the Rudersdal 2021 appendix; failure modes are picked by
a path prefix in the base URL. Each failure case asserts its Danish message and that nothing
reached the database.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pandas as pd
import pytest
import yaml

from beskdash import exports, needs, plans, taxonomy
from beskdash.fetch import config, jobindsats, statbank
from beskdash.fetch.http import FetchError, HttpSettings
from beskdash.paths import DATA_DIR
from beskdash.store import Store
from tests.conftest import API_KEY, run_cli
from tests.fetch_server import SHARED_DST, FakeApis

FAST = HttpSettings(timeout=2.0, attempts=3, backoff=0.01)


def _posts(fake_apis: FakeApis) -> list[str]:
    return [p for m, p in fake_apis.requests if m == "POST"]


# --- configuration -------------------------------------------------------------------------

def test_config_fetches_the_four_municipalities_their_benchmarks_region_and_country() -> None:
    cfg = config()
    dst, ji = set(map(str, cfg["dst"]["areas"])), set(map(str, cfg["jobindsats"]["areas"]))
    for code in ("173", "159", "201", "230", "084", "000"):
        assert code in dst and code in ji
    for plan in plans.load_plans().values():
        for code in [plan.municipality, *plan.benchmark_areas]:
            assert code in dst | ji, f"{plan.id}: {code} hentes ikke"
    # StatBank has no labour-market council areas: they are fetched from jobindsats.dk only
    assert {"rar-hovedstaden", "oestdanmark"} <= ji - dst
    assert all(a in taxonomy.area_codes() for a in dst | ji)
    assert set(cfg["dst"]["tables"]) >= {"AUK01", "FOLK1A", "FOLK1AM"}
    # every benefit table the import issue names
    assert set(cfg["jobindsats"]["tables"]) >= {"y01a02", "y36a02", "y38a02", "y35a02", "y07a02", "y08a02",
                                                 "y09a02", "y10a02", "y11a02", "y12a02", "y04a02", "ptva02"}
    # both sides of every series break are fetched: `fetch jobindsats` gets the current table after a break
    for br in needs.series_breaks():
        assert {t.lower() for t in (br.table_before, br.table_from) if t} <= set(cfg["jobindsats"]["tables"]), br
    assert needs.jobindsats_table("kontanthjaelp", "2025M07").lower() in cfg["jobindsats"]["tables"]


def test_base_urls_come_from_the_environment_before_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    from beskdash.fetch import base_url

    monkeypatch.delenv("BESKDASH_DST_URL", raising=False)
    assert base_url("dst") == "https://api.statbank.dk"
    monkeypatch.setenv("BESKDASH_DST_URL", "http://127.0.0.1:9/")
    assert base_url("dst") == "http://127.0.0.1:9"


# --- StatBank ------------------------------------------------------------------------------

def test_statbank_request_uses_the_tables_codes_totals_and_periods(fake_apis: FakeApis) -> None:
    f = statbank.fetch_table("AUK01", areas=["173", "230", "084", "000", "rar-hovedstaden"],
                             from_period="2019K1", settings=FAST)
    assert fake_apis.requests == [("GET", "/v1/tableinfo/AUK01"), ("POST", "/v1/data/AUK01/CSV")]
    lines = f.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD"
    rows = [line.split(";") for line in lines[1:]]
    assert {r[0] for r in rows} == {"Lyngby-Taarbæk", "Rudersdal", "Region Hovedstaden", "All Denmark"}
    # køn at its total although the table also has Men/Women; 2019Q1 … 2025Q4 = 28 quarters
    assert {r[2] for r in rows} == {"Total"} and {r[3] for r in rows} == {"Age, total"}
    assert len({r[4] for r in rows}) == 28 and min(r[4] for r in rows) == "2019Q1"
    # the real figure: Rudersdal, 4th quarter 2025, as in the extract
    assert ["Rudersdal", "Net unemployed recipients of social assistance", "Total", "Age, total", "2025Q4"] in \
        [r[:5] for r in rows]
    assert f.newest == "2025Q4"
    assert any("RAR Hovedstaden" in n for n in f.notes)  # not a StatBank area: named, skipped
    assert f.name.endswith("/v1/data/AUK01/CSV")


def test_statbank_query_fetches_only_benefit_types_the_taxonomy_knows() -> None:
    info = statbank.TableInfo("AUK01", "", None, (
        statbank.Variable("OMRÅDE", "område", False, (("000", "All Denmark"), ("173", "Lyngby-Taarbæk"))),
        statbank.Variable("YDELSESTYPE", "ydelsestype", False, (
            ("NETKH", "Net unemployed recipients of social assistance"), ("SYG", "Sickness benefit"),
            ("XYZ", "Ydelse beskdash ikke kender"))),
        statbank.Variable("KØN", "køn", False, (("M", "Men"), ("TOT", "Total"), ("K", "Women"))),
        statbank.Variable("Tid", "tid", True, (("2024K3", "2024Q3"), ("2024K4", "2024Q4"), ("2025K1", "2025Q1"))),
    ))
    body, notes = statbank.query(info, ["173", "230"], "2024", "en")
    assert body["format"] == "CSV" and body["table"] == "AUK01" and body["lang"] == "en"
    vals = {v["code"]: v["values"] for v in body["variables"]}
    assert vals == {"OMRÅDE": ["173"], "YDELSESTYPE": ["NETKH", "SYG"], "KØN": ["TOT"], "Tid": ["2024K3", "2024K4",
                                                                                               "2025K1"]}
    assert any("Ydelse beskdash ikke kender" in n and "data/taxonomy.yaml" in n for n in notes)
    assert any("Rudersdal" in n for n in notes)
    assert statbank.query(info, None, "2025K1", "da")[0]["variables"][0]["values"] == ["*"]
    with pytest.raises(FetchError, match=r"ingen perioder fra 1\.\skvt\. 2026"):
        statbank.query(info, None, "2026K1", "en")


def test_statbank_replay_of_every_area_is_the_extract_byte_for_byte(fake_apis: FakeApis) -> None:
    for table, path in (("AUK01", "AUK01_en_2007Q1-2025Q4.csv"), ("FOLK1AM", "FOLK1AM_en_2021M10-2026M02.csv")):
        f = statbank.fetch_table(table, areas=None, settings=FAST)
        assert f.data == (SHARED_DST / path).read_bytes()


def test_unknown_table_says_so(fake_apis: FakeApis) -> None:
    with pytest.raises(FetchError) as e:
        statbank.fetch_table("AUK99", settings=FAST)
    assert "AUK99" in str(e.value) and "blev ikke fundet" in str(e.value)
    assert len(fake_apis.requests) == 1  # a 4xx is not retried


def test_429_is_retried_and_then_succeeds(fake_apis: FakeApis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BESKDASH_DST_URL", f"{fake_apis.url}/s/429-then-200")
    f = statbank.fetch_table("AUK01", areas=["173"], settings=FAST)
    assert len(_posts(fake_apis)) == 2
    assert f.data.decode("utf-8-sig").count("Lyngby-Taarbæk") == 76  # 2007Q1–2025Q4


@pytest.mark.parametrize("attempts, ok", [(3, False), (4, True)])
def test_500_three_times_fails_after_three_attempts(fake_apis: FakeApis, monkeypatch: pytest.MonkeyPatch,
                                                    attempts: int, ok: bool) -> None:
    monkeypatch.setenv("BESKDASH_DST_URL", f"{fake_apis.url}/s/500x3")
    settings = HttpSettings(timeout=2.0, attempts=attempts, backoff=0.01)
    if ok:
        assert statbank.fetch_table("AUK01", areas=["173"], settings=settings).data
    else:
        with pytest.raises(FetchError) as e:
            statbank.fetch_table("AUK01", areas=["173"], settings=settings)
        assert "serverfejl (HTTP 500) i alle 3 forsøg" in str(e.value)
    assert len(_posts(fake_apis)) == (4 if ok else 3)


@pytest.mark.parametrize("scenario, message", [
    ("truncated", "blev afbrudt, før det var modtaget helt (afkortet)"),
    ("html", "svarede med en HTML-side i stedet for CSV"),
    ("404", "findes ikke (HTTP 404)"),
])
def test_statbank_failures_have_their_danish_message(fake_apis: FakeApis, monkeypatch: pytest.MonkeyPatch,
                                                     scenario: str, message: str) -> None:
    monkeypatch.setenv("BESKDASH_DST_URL", f"{fake_apis.url}/s/{scenario}")
    with pytest.raises(FetchError) as e:
        statbank.fetch_table("AUK01", areas=["173"], settings=FAST)
    assert message in str(e.value)
    assert str(e.value).startswith("Danmarks Statistik, tabel AUK01:")
    assert len(fake_apis.requests) <= 2  # never retried


def test_a_slow_answer_times_out_once_without_retries(fake_apis: FakeApis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BESKDASH_DST_URL", f"{fake_apis.url}/s/slow")
    with pytest.raises(FetchError) as e:
        statbank.fetch_table("AUK01", areas=["173"], settings=HttpSettings(timeout=0.5, attempts=3, backoff=0.01))
    assert "svarede ikke inden for 0,5 sekunder" in str(e.value)
    assert len(_posts(fake_apis)) == 1


def test_no_server_is_a_connection_message_after_the_retries() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError) as e:
        statbank.fetch_table("AUK01", url=f"http://127.0.0.1:{port}", settings=FAST)
    assert "kunne ikke få forbindelse til 127.0.0.1" in str(e.value) and "3 forsøg" in str(e.value)


# --- jobindsats.dk -------------------------------------------------------------------------

def test_api_key_from_environment_then_secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = tmp_path / "secrets.toml"
    monkeypatch.delenv("JOBINDSATS_API_KEY", raising=False)
    with pytest.raises(FetchError, match=r"Der er ingen API-nøgle til jobindsats\.dk"):
        jobindsats.api_key((secrets,))
    secrets.write_text('JOBINDSATS_API_KEY = "fra-filen"\n[passwords]\nanna = "x"\n', encoding="utf-8")
    assert jobindsats.api_key((secrets,)) == "fra-filen"
    monkeypatch.setenv("JOBINDSATS_API_KEY", "fra-miljoeet")
    assert jobindsats.api_key((secrets,)) == "fra-miljoeet"
    monkeypatch.setenv("JOBINDSATS_API_KEY", "nøgle med mellemrum")
    with pytest.raises(FetchError, match="indeholder tegn, der ikke kan sendes") as e:
        jobindsats.api_key((secrets,))
    assert "mellemrum" in str(e.value) and "nøgle med" not in str(e.value)
    monkeypatch.delenv("JOBINDSATS_API_KEY")
    secrets.write_text('JOBINDSATS_API_KEY = "hemmelig\n', encoding="utf-8")
    with pytest.raises(FetchError) as e:
        jobindsats.api_key((secrets,))
    assert "ikke gyldig TOML" in str(e.value) and "hemmelig" not in str(e.value)


def test_v2_asks_for_the_newest_periods_with_the_key_and_keeps_the_configured_areas(fake_apis: FakeApis) -> None:
    f = jobindsats.fetch_table("y07a02", api="v2", n_periods=1, settings=FAST)
    assert fake_apis.requests == [("GET", "/v2/tables/y07a02/json/"), ("POST", "/v2/data/y07a02/json")]
    doc = json.loads(f.data)
    assert [v["Label"] for v in doc[0]["Variables"]][:2] == ["Område", "Periode"]
    # Rudersdal's sygedagpenge in April 2020 as the appendix prints them, only the newest period
    assert ["Rudersdal", "2020M04", 476] in [r[:3] for r in doc[0]["Data"]]
    assert {r[1] for r in doc[0]["Data"]} == {"2020M04"}
    assert f.newest == f.provisional == "2020M04"
    assert any("foreløbige tal" in n for n in f.notes)


def test_v2_sends_area_star_and_period_list(fake_apis: FakeApis, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict] = []
    original = fake_apis.ji_v2_data

    def spy(table: str, body: dict) -> list[dict]:
        seen.append(body)
        return original(table, body)

    monkeypatch.setattr(fake_apis, "ji_v2_data", spy)
    jobindsats.fetch_table("y01a02", api="v2", settings=FAST)
    assert seen == [{"area": "*", "period": ["2019M06", "2020M06"]}]


def test_keep_rows_leaves_out_other_areas_and_subgroups() -> None:
    v3 = {"columns": ["Område", "Periode", "Køn", "Antal fuldtidspersoner"],
          "rows": [["Rudersdal", "2020M04", "I alt", 476], ["Rudersdal", "2020M04", "Kvinder", 250],
                   ["Aarhus", "2020M04", "I alt", 1], ["Hele landet", "2020M04", "Køn i alt", 2]]}
    kept, left_out = jobindsats.keep_rows(v3, {"230", "000"})
    assert kept["rows"] == [["Rudersdal", "2020M04", "I alt", 476], ["Hele landet", "2020M04", "Køn i alt", 2]]
    assert left_out == 2
    v2 = [{"Variables": [{"Name": "area", "Label": "Område"}, {"Name": "period", "Label": "Periode"},
                         {"Name": "_kon", "Label": "Køn"}, {"Name": "x", "Label": "Antal fuldtidspersoner"}],
           "Data": v3["rows"]}]
    kept2, left_out2 = jobindsats.keep_rows(v2, {"230", "000"})
    assert kept2[0]["Data"] == kept["rows"] and left_out2 == 2
    assert jobindsats.keep_rows({"something": "else"}, {"230"}) == ({"something": "else"}, 0)


def test_newest_periods_are_of_the_tables_kind_oldest_first() -> None:
    av = ["2023M11", "2024M01", "2023M12", "2024Q1", "2024QMAT01", "2024M02", "2022"]
    assert jobindsats.newest_periods(av, "M", 3) == ["2023M12", "2024M01", "2024M02"]
    assert jobindsats.newest_periods(av, "Q", 14) == ["2024Q1"]


@pytest.mark.parametrize("api", ["v2", "v3"])
def test_expired_key_stops_with_a_danish_message_that_never_shows_the_key(
        fake_apis: FakeApis, monkeypatch: pytest.MonkeyPatch, api: str) -> None:
    monkeypatch.setenv("BESKDASH_JOBINDSATS_URL", f"{fake_apis.url}/s/expired-key")
    with pytest.raises(FetchError) as e:
        jobindsats.fetch(["y07a02", "y01a02"], api=api, settings=FAST)
    assert "afviste API-nøglen: forkert nøgle, eller nøglen er udløbet" in str(e.value)
    assert API_KEY not in str(e.value)
    assert len(fake_apis.requests) == 1  # stopped at the first answer


def test_wrong_key_is_refused_like_an_expired_one(fake_apis: FakeApis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBINDSATS_API_KEY", "en-forkert-noegle")
    with pytest.raises(FetchError, match="afviste API-nøglen") as e:
        jobindsats.fetch(["y07a02"], api="v3", settings=FAST)
    assert "en-forkert-noegle" not in str(e.value)


@pytest.mark.parametrize("scenario, message", [
    ("truncated", "(afkortet)"),
    ("cut-short", "er ikke gyldig JSON"),
    ("html", "svarede med en HTML-side i stedet for JSON"),
])
def test_jobindsats_failures_have_their_danish_message(fake_apis: FakeApis, monkeypatch: pytest.MonkeyPatch,
                                                       scenario: str, message: str) -> None:
    monkeypatch.setenv("BESKDASH_JOBINDSATS_URL", f"{fake_apis.url}/s/{scenario}")
    with pytest.raises(FetchError) as e:
        jobindsats.fetch_table("y07a02", api="v2", settings=FAST)
    assert message in str(e.value) and API_KEY not in str(e.value)


def test_unknown_jobindsats_table_is_named_before_anything_is_fetched(fake_apis: FakeApis) -> None:
    with pytest.raises(FetchError, match="Ukendt jobindsats-tabel: y99z99"):
        jobindsats.fetch(["y99z99"], settings=FAST)
    assert fake_apis.requests == []


def test_fetch_yaml_is_valid_yaml_with_the_http_defaults() -> None:
    cfg = yaml.safe_load((DATA_DIR / "fetch.yaml").read_text(encoding="utf-8"))
    s = HttpSettings.from_config(cfg["http"])
    assert s.attempts == 3 and s.timeout > 0 and s.backoff > 0



# --- through the importer into the database ------------------------------------------------

def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`python -m beskdash …` in this process (fast; the subprocess form is tested once below)."""
    from beskdash.__main__ import main

    code = main(list(args))
    c = capsys.readouterr()
    return code, c.out, c.err


def _snapshot(db: Path) -> tuple[str, str]:
    """Everything a fetch may change: the observations (as exported) and the import history."""
    with Store(db, read_only=True) as s:
        return exports.observations_csv(s.observations()), s.imports().to_csv()


OBS = ["area_code", "benefit", "measure", "period", "value"]


def test_fetch_dst_auk01_imports_what_the_extract_imports_and_then_nothing(
        fake_apis: FakeApis, tmp_path: Path, ro_store: Store) -> None:
    db = tmp_path / "tom.duckdb"
    env = {"BESKDASH_DST_URL": fake_apis.url}
    r = run_cli("fetch", "dst", "--table", "AUK01", "--all-areas", db=db, env=env)
    assert r.returncode == 0, r.stderr
    # 8.892 lines less Abroad and Not stated municipality (2 × 76 quarters), as `build` reads them
    assert "nye: 8.740, ændrede: 0, uændrede: 0" in r.stdout
    with Store(db, read_only=True) as s:
        got = s.observations(sources=["dst:AUK01"])[OBS]
        history = s.imports()
    want = ro_store.observations(sources=["dst:AUK01"])[OBS]
    pd.testing.assert_frame_equal(got, want)
    assert history["file_name"].tolist() == [f"{fake_apis.url.removeprefix('http://')}/v1/data/AUK01/CSV"]
    assert history["format"].tolist() == ["statbank-csv-en"] and history["n_new"].tolist() == [8740]

    again = run_cli("fetch", "dst", "--table", "AUK01", "--all-areas", db=db, env=env)
    assert again.returncode == 0, again.stderr
    assert "nye: 0, ændrede: 0, uændrede: 8.740" in again.stdout
    with Store(db, read_only=True) as s:
        assert len(s.imports()) == 1  # nothing changed, nothing recorded


def test_fetch_after_importing_the_extract_by_hand_finds_nothing_new(
        fake_apis: FakeApis, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "haand.duckdb"
    code, _out, err = _cli(capsys, "import", str(SHARED_DST / "AUK01_en_2007Q1-2025Q4.csv"), "--db", str(db))
    assert code == 0, err
    before = _snapshot(db)
    code, out, err = _cli(capsys, "fetch", "dst", "--table", "AUK01", "--all-areas", "--db", str(db))
    assert code == 0, err
    assert "nye: 0, ændrede: 0, uændrede: 8.740" in out
    assert _snapshot(db) == before


def test_fetch_dst_against_the_built_database_changes_nothing(
        fake_apis: FakeApis, db_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(db_copy)
    code, out, err = _cli(capsys, "fetch", "dst", "--db", str(db_copy))
    assert code == 0, err
    # the configured areas: 6 kommuner, Region Hovedstaden, Hele landet
    assert "AUK01: Nyeste periode hos Danmarks Statistik: 4.\xa0kvt. 2025." in out
    assert "nye: 0, ændrede: 0, uændrede: 608" in out  # AUK01: 8 areas × 76 quarters
    assert "nye: 0, ændrede: 0, uændrede: 424" in out  # FOLK1AM: 8 areas × 53 months
    assert "Intet at ændre" in out
    assert _snapshot(db_copy) == before


def test_dry_run_shows_the_preview_and_writes_nothing(fake_apis: FakeApis, db_copy: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(db_copy)
    code, out, err = _cli(capsys, "fetch", "jobindsats", "--table", "y07a02", "--dry-run", "--db", str(db_copy))
    assert code == 0, err
    assert "kilde jobindsats:Y07A02, 6 rækker" in out and "nye: 6, ændrede: 0" in out
    assert "Prøvekørsel (--dry-run): intet er skrevet til databasen." in out
    assert _snapshot(db_copy) == before


@pytest.mark.parametrize("api", ["v2", "v3"])
def test_fetch_jobindsats_imports_the_appendix_figures_with_the_newest_month_provisional(
        fake_apis: FakeApis, db_copy: Path, capsys: pytest.CaptureFixture[str], api: str) -> None:
    from beskdash import fetch

    tables = sorted(fake_apis.figures)
    args = [a for t in tables for a in ("--table", t)]
    code, out, err = _cli(capsys, "fetch", "jobindsats", *args, "--api", api, "--db", str(db_copy))
    assert code == 0, err
    assert API_KEY not in out + err
    with Store(db_copy, read_only=True) as s:
        got = s.observations(sources=[f"jobindsats:{t.upper()}" for t in tables])
        plan = s.observations(sources=["plan:rudersdal-2021"])
        history = s.imports()
    # 8 tables × 3 areas × 2 months, each the figure the Rudersdal appendix prints
    assert len(got) == 48
    both = got.merge(plan, on=["area_code", "benefit", "measure", "period"], suffixes=("", "_plan"))
    assert len(both) == 48 and (both["value"] == both["value_plan"]).all()
    row = got[(got.area_code == "230") & (got.benefit == "sygedagpenge") & (got.period == "2020M04")]
    assert row["value"].tolist() == [476.0]
    # the newest month of each table is provisional, the month before is not
    prov = got[fetch.is_provisional(got)]
    assert set(prov["period"]) == {"2020M04", "2020M06"} and len(prov) == 24
    assert (prov["note"] == "foreløbige tal").all()
    assert set(got.loc[~fetch.is_provisional(got), "period"]) == {"2019M04", "2019M06"}
    assert len(history[history["source"].str.startswith("jobindsats:")]) == 8
    assert not history["file_name"].str.contains(API_KEY).any()

    code, out, err = _cli(capsys, "fetch", "jobindsats", *args, "--api", api, "--db", str(db_copy))
    assert code == 0 and out.count("nye: 0, ændrede: 0, uændrede: 6") == 8


def test_a_provisional_mark_lapses_when_a_newer_month_arrives() -> None:
    from beskdash import fetch

    obs = pd.DataFrame({"area_code": ["230"] * 3, "benefit": ["sygedagpenge"] * 3, "measure": ["fuldtidspersoner"] * 3,
                        "source": ["jobindsats:Y07A02"] * 3, "period_end": [24242, 24243, 24244],
                        "note": [None, "foreløbige tal", None]})
    assert fetch.is_provisional(obs).tolist() == [False, False, False]  # 24244 is newer
    assert fetch.is_provisional(obs.iloc[:2]).tolist() == [False, True]


FAILURES = [
    (["dst", "--table", "AUK01"], "html", "svarede med en HTML-side i stedet for CSV"),
    (["dst", "--table", "AUK01"], "truncated", "blev afbrudt, før det var modtaget helt (afkortet)"),
    (["dst", "--table", "AUK01"], "cut-short", "afkortet"),
    (["dst", "--table", "AUK01"], "500x3", "serverfejl (HTTP 500) i alle 3 forsøg"),
    (["dst", "--table", "AUK01", "--timeout", "0.5"], "slow", "svarede ikke inden for 0,5 sekunder"),
    (["dst", "--table", "AUK01"], "404", "findes ikke (HTTP 404)"),
    (["dst"], "2nd-html", "tabel FOLK1A: "),  # AUK01 fetched fine, FOLK1A not: nothing is written
    (["dst"], "2nd-cut-short", "/v1/data/FOLK1A/CSV, linje"),  # …and FOLK1A refused by validation
    (["jobindsats", "--table", "y07a02"], "expired-key", "afviste API-nøglen"),
    (["jobindsats", "--table", "y07a02", "--api", "v3"], "expired-key", "afviste API-nøglen"),
    (["jobindsats", "--table", "y07a02"], "html", "svarede med en HTML-side i stedet for JSON"),
    (["jobindsats", "--table", "y07a02", "--api", "v3"], "truncated", "(afkortet)"),
    (["jobindsats", "--table", "y07a02"], "cut-short", "er ikke gyldig JSON"),
    (["jobindsats", "--table", "y07a02", "--table", "y01a02"], "2nd-500x3", "i alle 3 forsøg"),
]


@pytest.mark.parametrize("args, scenario, message", FAILURES, ids=[f"{a[0]}-{s}" for a, s, _m in FAILURES])
def test_every_failure_leaves_the_database_as_it_was_and_says_why(
        fake_apis: FakeApis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        args: list[str], scenario: str, message: str) -> None:
    # a database with something to change: AUK01 and the jobindsats figures are not in it yet
    db = tmp_path / "tom.duckdb"
    Store(db).close()
    before = _snapshot(db)
    monkeypatch.setenv("BESKDASH_DST_URL", f"{fake_apis.url}/s/{scenario}")
    monkeypatch.setenv("BESKDASH_JOBINDSATS_URL", f"{fake_apis.url}/s/{scenario}")
    monkeypatch.setitem(config()["http"], "backoff", 0.01)
    code, out, err = _cli(capsys, "fetch", *args, "--db", str(db))
    assert code == 1
    assert message in err, err
    assert "Fejl" in err and "Traceback" not in err
    assert API_KEY not in out + err
    assert _snapshot(db) == before
