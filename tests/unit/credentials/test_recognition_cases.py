"""Real-world recognition cases, one row each: expected status, authority and the occupations unlocked."""

from datetime import UTC, datetime

import pytest

from services.credentials.domain.assessment import assess, tier_of
from services.credentials.domain.model import Evidence, declare
from services.credentials.domain.rules import load_rulebook
from shared.taxonomy import load_taxonomy

NOW = datetime(2026, 11, 27, tzinfo=UTC)
AUTH = ("original", "apostilled")
LEGAL = ("original", "legalised")
PT = ("original", "apostilled", "certified_translation")
PASSPORT = Evidence(interview_completed=True, partial_documents=("transcript",), qualifications_passport=True)


@pytest.fixture(scope="module")
def rules():
    return load_rulebook(is_occupation=load_taxonomy().is_occupation)


# (case, origin, destination, ISCED level, orientation, ISCED-F field, documents, evidence, accreditations,
#  expected status, authority contains, occupations now, occupations later)
CASES = [
    ("Venezuelan nursing degree in Peru", "VE", "PE", 6, "general", "0913", AUTH, None, (),
     "procedure_required", "SUNEDU", {"5321", "5322"}, {"2221", "2222"}),
    ("Venezuelan nursing degree in Chile", "VE", "CL", 6, "general", "0913", AUTH, None, (),
     "procedure_required", "Universidad de Chile", {"5321", "5322"}, {"2221", "2222"}),
    ("Venezuelan nursing degree in Colombia", "VE", "CO", 6, "general", "0913", AUTH, None, (),
     "procedure_required", "Ministerio de Educación Nacional", {"5321", "5322"}, {"2221", "2222"}),
    ("Venezuelan nursing degree in Brazil, not yet translated", "VE", "BR", 6, "general", "0913", AUTH, None, (),
     "procedure_required", "Carolina Bori", {"5321", "5322"}, {"2221", "2222"}),
    ("Venezuelan nursing degree in Ecuador", "VE", "EC", 6, "general", "0913", AUTH, None, (),
     "procedure_required", "SENESCYT", {"5321", "5322"}, {"2221", "2222"}),
    ("Venezuelan nursing technician in Peru", "VE", "PE", 5, "vocational", "0913", AUTH, None, (),
     "procedure_required", "Ministerio de Educación", {"5321", "5322"}, {"3221", "3222"}),
    ("Argentine civil engineer in Uruguay, ARCU-SUR accredited", "AR", "UY", 6, "general", "0732", AUTH, None,
     ("arcu_sur",), "procedure_required", "Ministerio de Educación y Cultura", {"3112"}, {"2142"}),
    ("Argentine civil engineer in Uruguay, not accredited", "AR", "UY", 6, "general", "0732", AUTH, None, (),
     "procedure_required", "Udelar", {"3112"}, {"2142"}),
    ("Argentine civil engineer in Brazil, accredited and translated", "AR", "BR", 6, "general", "0732", PT, None,
     ("arcu_sur",), "procedure_required", "Carolina Bori", {"3112"}, {"2142"}),
    ("Haitian secondary diploma in Brazil", "HT", "BR", 3, "general", "00", LEGAL, None, (),
     "procedure_required", "Secretaria Estadual", set(), {"4110", "4132", "4222", "5230", "5223"}),
    ("Haitian secondary diploma in Brazil, lost", "HT", "BR", 3, "general", "00", ("none",), None, (),
     "procedure_required", "Secretaria Estadual", set(), {"4110", "4132", "4222", "5230", "5223"}),
    ("Haitian electrician certificate in Brazil", "HT", "BR", 3, "vocational", "0713", LEGAL, None, (),
     "procedure_required", "Secretaria Estadual", {"7412"}, {"7411", "7413", "3113"}),
    ("Haitian electrician certificate in Chile has no recognition route", "HT", "CL", 4, "vocational", "0713",
     LEGAL, None, (), "not_recognisable", "ChileValora", {"7412"}, set()),
    ("Cuban physician in Chile", "CU", "CL", 7, "general", "0912", LEGAL, None, (),
     "procedure_required", "Universidad de Chile", {"5321"}, {"2211", "2212"}),
    ("Cuban physician in Brazil", "CU", "BR", 7, "general", "0912", ("original", "legalised", "certified_translation"),
     None, (), "procedure_required", "universidade pública", {"5321"}, {"2211", "2212"}),
    ("Colombian teacher in Ecuador", "CO", "EC", 6, "general", "0113", AUTH, None, (),
     "procedure_required", "SENESCYT", {"5312", "2353"}, {"2341"}),
    ("Colombian teacher in Chile (1921 convention)", "CO", "CL", 6, "general", "0114", AUTH, None, (),
     "procedure_required", "Relaciones Exteriores", {"5312", "2353"}, {"2330"}),
    ("Peruvian nurse in Chile under the 1902 convention", "PE", "CL", 6, "general", "0913", AUTH, None, (),
     "procedure_required", "Relaciones Exteriores", {"5321", "5322"}, {"2221", "2222"}),
    ("Venezuelan secondary diploma in Peru (Andrés Bello)", "VE", "PE", 3, "general", "00", AUTH, None, (),
     "recognised", "UGEL", {"4110", "4132", "4222", "5230", "5223"}, set()),
    ("Venezuelan secondary diploma in Peru, apostille pending", "VE", "PE", 3, "general", "00", ("original",), None,
     (), "procedure_required", "UGEL", set(), {"4110", "4132", "4222", "5230", "5223"}),
    ("Venezuelan secondary diploma in Colombia, lost, with a qualifications passport", "VE", "CO", 3, "general",
     "00", ("none",), PASSPORT, (), "procedure_required", "Ministerio de Educación Nacional", set(),
     {"4110", "4132", "4222", "5230", "5223"}),
    ("Bolivian secondary diploma in Argentina (MERCOSUR)", "BO", "AR", 3, "general", "00", AUTH, None, (),
     "recognised", "Capital Humano", {"4110", "4132", "4222", "5230", "5223"}, set()),
    ("Paraguayan secondary diploma in Brazil, translated", "PY", "BR", 3, "general", "00", PT, None, (),
     "recognised", "Secretaria Estadual", {"4110", "4132", "4222", "5230", "5223"}, set()),
    ("Dominican secondary diploma in Chile", "DO", "CL", 3, "general", "00", AUTH, None, (),
     "recognised", "Mineduc", {"4110", "4132", "4222", "5230", "5223"}, set()),
    ("Venezuelan electrician technician in Colombia needs the CONTE licence", "VE", "CO", 5, "vocational", "0713",
     AUTH, None, (), "procedure_required", "Ministerio de Educación Nacional", {"7412"}, {"7411", "7413", "3113"}),
    ("Venezuelan lawyer in Argentina, ordinary route", "VE", "AR", 6, "general", "0421", AUTH, None, (),
     "procedure_required", "universidad nacional", {"3411"}, {"2611", "2619"}),
    ("Peruvian lawyer in Argentina, bilateral convention", "PE", "AR", 6, "general", "0421", AUTH, None, (),
     "procedure_required", "Capital Humano", {"3411"}, {"2611", "2619"}),
    ("Venezuelan accountant in Peru", "VE", "PE", 6, "general", "0411", AUTH, None, (),
     "procedure_required", "SUNEDU", {"4311"}, {"2411"}),
    ("Venezuelan accountant in Ecuador, accounting not regulated there", "VE", "EC", 6, "general", "0411", AUTH,
     None, (), "procedure_required", "SENESCYT", {"4311"}, {"2411"}),
    ("Venezuelan psychologist in Colombia", "VE", "CO", 7, "general", "0313", AUTH, None, (),
     "procedure_required", "Ministerio de Educación Nacional", {"3412"}, {"2634"}),
    ("Venezuelan architect in Bolivia", "VE", "BO", 6, "general", "0731", AUTH, None, (),
     "procedure_required", "CEUB", {"3118"}, {"2161", "2164"}),
    ("Cuban dentist in Bolivia, bilateral convention", "CU", "BO", 6, "general", "0911", LEGAL, None, (),
     "procedure_required", "Viceministerio", {"5321"}, {"2261"}),
    ("Brazilian pharmacist in Paraguay, ARCU-SUR accredited", "BR", "PY", 6, "general", "0916", AUTH, None,
     ("arcu_sur",), "procedure_required", "CONES", {"5223"}, {"2262"}),
    ("Venezuelan nursing degree in Peru, lost, no evidence", "VE", "PE", 6, "general", "0913", ("none",), None, (),
     "procedure_required", "SUNEDU", {"5321", "5322"}, {"2221", "2222"}),
    ("Brazilian civil engineer in Chile, convention, lost documents", "BR", "CL", 6, "general", "0732", ("none",),
     None, (), "not_recognisable", "Relaciones Exteriores", {"3112"}, set()),
    ("Venezuelan nurse assessed for Mexico, a pair with no rules", "VE", "MX", 6, "general", "0913", AUTH, None, (),
     "unknown", None, {"5321", "5322"}, set()),
    ("Colombian cook certificate in Uruguay", "CO", "UY", 4, "vocational", "1013", AUTH, None, (),
     "procedure_required", "Udelar", {"5120"}, {"3434"}),
]


@pytest.mark.parametrize(("case", "origin", "destination", "level", "orientation", "field", "documents", "evidence",
                          "accreditations", "status", "authority", "now", "later"), CASES, ids=[c[0] for c in CASES])
def test_a_real_world_case_gets_the_expected_status_authority_and_occupations(
        rules, case, origin, destination, level, orientation, field, documents, evidence, accreditations, status,
        authority, now, later):
    credential = declare(profile_id="p", org="centre", title=case, level=level, orientation=orientation, field=field,
                         country=origin, institution="x", year=2015, documents=documents, evidence=evidence,
                         accreditations=accreditations, by="c", at=NOW)
    result = assess(credential, destination, rules, at=NOW.isoformat())
    assert result.status == status
    if authority is None:
        assert result.authority is None
    else:
        assert authority in result.authority
    assert set(result.occupations_now) == now
    assert set(result.occupations_later) - set(result.occupations_now) == later
    assert result.steps, "every assessment says what to do next"


def test_the_cases_reach_every_destination_agreement_and_route_outcome_of_the_rules(rules):
    """Computed from the loaded rules, so a new destination, agreement or outcome needs a real case here."""
    reached = [rules.destinations[destination].track_for(origin, tier_of(level, orientation), accreditations)
               for _case, origin, destination, level, orientation, _field, _docs, _ev, accreditations, *_ in CASES
               if destination in rules.destinations and destination != origin]
    tracks = [t for d in rules.destinations.values() for t in d.tracks]
    destinations = {c[2] for c in CASES if c[2] in rules.destinations and c[2] != c[1]}
    assert set(rules.destinations) - destinations == set(), "destinations without a case"
    assert {t.agreement for t in tracks} - {t.agreement for t in reached} == set(), "agreements without a case"
    assert {t.outcome for t in tracks} - {t.outcome for t in reached} == set(), "route outcomes without a case"
