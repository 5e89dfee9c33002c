import pytest

from beskdash import taxonomy


def test_areas_cover_denmark() -> None:
    areas = taxonomy.get().areas
    kinds = [a.kind for a in areas.values()]
    assert kinds.count("kommune") == 98
    assert kinds.count("region") == 5
    assert kinds.count("landsdel") == 11
    assert kinds.count("land") == 1
    assert {"rar-hovedstaden", "oestdanmark"} <= set(areas)
    assert taxonomy.area_name("173") == "Lyngby-Taarbæk"
    assert taxonomy.area_name("201") == "Allerød"
    assert taxonomy.area("230").region == "084"


def test_source_labels_map_to_keys() -> None:
    assert taxonomy.area_code_for("All Denmark") == "000"
    assert taxonomy.area_code_for("Hele landet") == "000"
    assert taxonomy.area_code_for("Copenhagen") == "101"
    assert taxonomy.area_code_for("København") == "101"
    # "Bornholm" is the kommune; the landsdel is "Province/Landsdel Bornholm".
    assert taxonomy.area_code_for("Bornholm") == "400"
    assert taxonomy.area_code_for("Province Bornholm") == "landsdel-bornholm"
    assert taxonomy.area_code_for("Landsdel Nordsjælland") == "landsdel-nordsjaelland"
    assert taxonomy.benefit_key_for("A-dagpenge mv.") == "a-dagpenge"
    assert taxonomy.benefit_key_for("Selvforsørgelses-, hjemrejse- samt overgangsydelse") == "selvforsoergelse"
    assert taxonomy.benefit_key_for("Integrationsydelse") == "selvforsoergelse"
    assert taxonomy.benefit_key_for("Net unemployed recipients of social assistance") == "kontanthjaelp-nettoledige"
    assert taxonomy.measure_key_for("Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år") == "pct-arbejdsstyrke"
    assert taxonomy.area_code_for("Lyngby") is None
    assert taxonomy.closest_area("Lyngby") == "Lyngby-Taarbæk"
    assert taxonomy.is_not_area("Abroad")


def test_totals_are_marked_so_nothing_is_summed_twice() -> None:
    total = taxonomy.benefit("offentlig-forsoergelse-i-alt")
    assert total.is_total and "sygedagpenge" in total.total_of
    assert ("offentlig-forsoergelse-i-alt", "sygedagpenge") in taxonomy.overlaps(
        ["offentlig-forsoergelse-i-alt", "sygedagpenge"])
    assert ("kontanthjaelp", "kontanthjaelp-nettoledige") in taxonomy.overlaps(
        ["kontanthjaelp", "kontanthjaelp-nettoledige"])
    assert taxonomy.overlaps(["a-dagpenge", "kontanthjaelp", "uddannelseshjaelp"]) == []


def test_region_members() -> None:
    assert len(taxonomy.members("084")) == 29
    assert len(taxonomy.members("000")) == 98
    assert "173" in taxonomy.members("landsdel-koebenhavns-omegn")


def test_every_measure_has_a_role_and_the_role_answers_what_kind_of_number_it_is() -> None:
    tax = taxonomy.get()
    assert all(m.role in taxonomy.ROLES for m in [*tax.measures.values(), *tax.changes.values()])
    counts = {k for k in tax.measures if taxonomy.is_count(k)}
    assert counts == {"fuldtidspersoner", "personer"}  # STAR's benchmark counts are kept apart
    assert {k for k in tax.measures if taxonomy.is_any_count(k)} == counts | {
        "forventet-fuldtidspersoner", "faktisk-fuldtidspersoner"}
    assert {k for k in tax.measures if taxonomy.is_share(k)} == {
        "pct-befolkning", "pct-arbejdsstyrke", "pct", "forventet-andel", "faktisk-andel"}
    # `share` (what the store's measures table records) is the role, not a second flag
    assert {k for k, m in tax.measures.items() if m.share} == {k for k in tax.measures if taxonomy.is_share(k)}
    assert taxonomy.role("uger") == "duration" and taxonomy.role("placering-benchmark") == "rank"
    assert taxonomy.is_signed("forskel-andel") and taxonomy.is_signed("aendring-pct")
    assert not taxonomy.is_signed("fuldtidspersoner")
    # the changes plans print have a role but are not measures of the store
    assert taxonomy.role("aendring-pct-point") == "change" and "aendring-pct" not in taxonomy.measure_keys()


def test_an_unknown_measure_has_no_role() -> None:
    with pytest.raises(KeyError):
        taxonomy.role("antal-katte")
    assert not taxonomy.is_count("antal-katte") and not taxonomy.is_share("antal-katte")
