"""The rules load and check themselves; assessments explain themselves; the workflow keeps its history."""

import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.credentials.domain.assessment import assess, field_occupations
from services.credentials.domain.model import declare
from services.credentials.domain.rules import RULES_DIR, RulesError, load_rulebook
from shared.errors import Conflict, Invalid
from shared.taxonomy import Taxonomy, load_taxonomy

NOW = datetime(2026, 11, 27, tzinfo=UTC)


@pytest.fixture(scope="module")
def rules():
    return load_rulebook(is_occupation=load_taxonomy().is_occupation)


def nurse(**overrides):
    values = dict(profile_id="p", org="centre-lima", title="Licenciada en Enfermería", level=6, orientation="general",
                  field="0913", country="VE", institution="UCV", year=2012, documents=("original", "apostilled"),
                  by="counsellor-1", at=NOW)
    return declare(**{**values, **overrides})


def test_every_destination_track_and_licence_carries_a_source_and_a_date(rules):
    assert set(rules.destinations) == {"AR", "BO", "BR", "CL", "CO", "EC", "PE", "PY", "UY"}
    for destination in rules.destinations.values():
        for track in destination.tracks:
            assert track.source.url.startswith("https://") and track.source.date
        for licensing in destination.professions.values():
            assert licensing.source.title and licensing.source.date


def test_broken_rules_are_refused_at_load_with_every_problem_listed(tmp_path):
    shutil.copytree(RULES_DIR, tmp_path / "rules")
    pe = tmp_path / "rules" / "PE.yaml"
    text = pe.read_text().replace("cost: low", "cost: cheap")
    pe.write_text(text.replace('date: "2026-11-27"', 'date: "2026-02-30"', 1))
    (tmp_path / "rules" / "UY.yaml").unlink()
    with pytest.raises(RulesError) as caught:
        load_rulebook(tmp_path / "rules", is_occupation={"2221"}.__contains__)
    text = str(caught.value)
    assert "UY.yaml: not found" in text
    assert "cost 'cheap' is not a cost band" in text
    assert "'2026-02-30' is not a real date" in text
    assert "is not a current ISCO-08 unit group" in text  # the known set given here is deliberately tiny
    assert len(caught.value.problems) >= 4


def test_rules_naming_a_retired_occupation_are_refused_at_load():
    taxonomy = load_taxonomy()
    occupations = {**taxonomy.occupations, "2221": replace(taxonomy.occupations["2221"], retired=True)}
    retired = Taxonomy(taxonomy.version, occupations, dict(taxonomy.skills))
    with pytest.raises(RulesError) as caught:
        load_rulebook(is_occupation=retired.is_occupation)
    assert caught.value.problems and all(" 2221 is not a current ISCO-08 unit group" in p
                                         for p in caught.value.problems)


def test_a_destination_without_a_catch_all_track_is_refused(tmp_path):
    shutil.copytree(RULES_DIR, tmp_path / "rules")
    co = tmp_path / "rules" / "CO.yaml"
    co.write_text(co.read_text().replace('id: co-tertiary\n    tiers: [higher, technical]\n    origins: ["*"]',
                                         'id: co-tertiary\n    tiers: [higher, technical]\n    origins: [VE]'))
    with pytest.raises(RulesError, match="no catch-all track .* for tier 'technical'"):
        load_rulebook(tmp_path / "rules")


def test_the_next_steps_come_in_order_in_four_languages(rules):
    result = assess(nurse(documents=("original",)), "BR", rules, at=NOW.isoformat())
    assert [s.code for s in result.steps] == ["get_apostille", "get_translation", "apply", "get_licence"]
    for step in result.steps:
        assert set(step.text) == {"es", "pt", "en", "fr"} and all(step.text.values())
    assert "COREN" in result.steps[-1].text["pt"] and "português" in result.steps[1].text["pt"]
    assert result.regulated and result.profession == "nursing" and result.licensing_body.endswith("(COREN)")


def test_a_haitian_diploma_needs_legalisation_not_an_apostille(rules):
    credential = nurse(country="HT", documents=("original",), level=3, field="00")
    assert [s.code for s in assess(credential, "BR", rules, at="t").steps][0] == "get_legalisation"


def test_an_automatically_recognised_regulated_credential_needs_a_licence(tmp_path):
    shutil.copytree(RULES_DIR, tmp_path / "rules")
    pe = tmp_path / "rules" / "PE.yaml"
    head = 'id: pe-higher\n    tiers: [higher]\n    origins: ["*"]\n    agreement: none\n    outcome: '
    pe.write_text(pe.read_text().replace(head + "procedure_required", head + "recognised"))
    result = assess(nurse(), "PE", load_rulebook(tmp_path / "rules"), at="t")
    assert result.status == "licence_required"
    assert [s.code for s in result.steps] == ["present_as_is", "get_licence"]
    assert set(result.occupations_now) == {"5321", "5322"} and {"2221", "2222"} <= set(result.occupations_later)


def test_a_mercosur_secondary_certificate_counts_as_it_is(rules):
    assert assess(nurse(country="BO", level=3, field="00"), "AR", rules, at="t").status == "recognised"


def test_evidence_puts_the_qualifications_passport_first_among_substitutes(rules):
    from services.credentials.domain.model import Evidence
    credential = nurse(documents=("none",), evidence=Evidence(qualifications_passport=True))
    step = assess(credential, "PE", rules, at="t").steps[0]
    assert step.code == "offer_substitutes" and step.text["en"].index("qualifications passport") < \
        step.text["en"].index("direct verification")


def test_the_origin_country_is_not_a_foreign_destination(rules):
    assert assess(nurse(country="PE"), "PE", rules, at="t").status == "unknown"


def test_the_workflow_records_who_moved_it_and_when(rules):
    credential = nurse()
    credential = credential.assessed(assess(credential, "PE", rules, at="t"), "counsellor-1", NOW)
    later = NOW + timedelta(days=30)
    credential = credential.moved_to("procedure_started", "counsellor-2", later, note="SUNEDU file 123")
    assert [(h.from_status, h.to_status, h.by) for h in credential.history] == [
        (None, "declared", "counsellor-1"), ("declared", "assessed", "counsellor-1"),
        ("assessed", "procedure_started", "counsellor-2")]
    assert credential.history[-1].at == later and credential.version == 3


def test_a_declared_credential_cannot_jump_to_recognised():
    with pytest.raises(Conflict) as caught:
        nurse().moved_to("recognised", "c", NOW)
    assert caught.value.code == "bad_transition" and caught.value.pointer == "/status"


def test_a_running_procedure_keeps_its_destination(rules):
    credential = nurse()
    credential = credential.assessed(assess(credential, "PE", rules, at="t"), "c", NOW).moved_to(
        "procedure_started", "c", NOW)
    with pytest.raises(Conflict, match="procedure_elsewhere"):
        credential.assessed(assess(credential, "CL", rules, at="t"), "c", NOW)


def test_recognition_granted_opens_the_occupations_behind_the_procedure(rules):
    result = assess(nurse(field="0732"), "UY", rules, at="t")  # engineering is not licensed in Uruguay's data
    assert result.occupations_for("assessed") == (("3112",), ("2142",))
    assert result.occupations_for("recognised") == (("3112", "2142"), ())


def test_a_bad_declaration_names_the_field():
    with pytest.raises(Invalid) as caught:
        nurse(documents=("none", "original"))
    assert caught.value.pointer == "/documents"


def test_a_fields_occupations_depend_on_the_level_and_an_unknown_field_opens_none(rules):
    assert field_occupations(rules, "0913", 6) == (("2221", "2222"), ("5321", "5322"))
    assert field_occupations(rules, "0913", 5) == (("3221", "3222"), ("5321", "5322"))
    assert field_occupations(rules, "0113", 6)[0] == ("2341",)  # the longest field prefix wins over "011"
    assert field_occupations(rules, "9999", 6) == field_occupations(rules, None, 6) == ((), ())
