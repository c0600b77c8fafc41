"""Licence requirements are read, not only declared: from the ad's text and from the occupation's regulation
in the vacancy's country (shared/regulation, generated from the credentials rulebooks)."""

from datetime import date

import pytest

from services.matching.domain.eligibility import credential_status, eligibility
from services.matching.domain.explanation import blockers_out
from services.matching.domain.licences import licence_in_text, licence_need
from services.matching.domain.scoring import Match
from shared.regulation import load_regulation
from tests.unit.matching.support import credential, credential_view, profile, profile_view, vacancy, vacancy_view

TODAY = date(2026, 3, 1)
PLAIN = {"title": "Puesto en clínica", "description": "Se busca personal con experiencia. Contrato indefinido."}


@pytest.mark.parametrize(("text", "kind"), [
    ("Enfermera jefe, indispensable tarjeta profesional vigente.", "credential"),
    ("Técnico de enfermagem com registro no COREN.", "credential"),
    ("Guardia con curso OS-10 al día.", "security"),
    ("Vigilante con carné SUCAMEC.", "security"),
    ("Médico com CRM-SP ativo e disponibilidade para plantões.", "credential"),
    ("Requisito: título revalidado por una universidad nacional.", "credential"),
    ("Abogada colegiada, con dos años de experiencia.", "credential"),
    ("Chofer con licencia tipo C vigente.", "driving"),
    ("Repartidor con licencia de conducción A2.", "driving"),
    ("Motorista com CNH D.", "driving"),
    ("Electricista con licencia SEC clase D vigente.", "credential"),
    ("Eletricista: curso NR-10 válido.", "credential"),
    ("Registered nurse; a state licence is required.", "credential"),
])
def test_an_ad_that_asks_for_a_licence_in_its_text_is_read_as_requiring_one(text, kind):
    assert licence_in_text(text) == kind


@pytest.mark.parametrize("text", [
    "No se requiere licencia de conducir.",
    "Se valorará licencia SEC de gas, aunque no es requisito para el cargo.",
    "Deseable tarjeta profesional.",
    "Se aceptan títulos extranjeros sin convalidación.",
    "Salario según laudo, aguinaldo y licencia por vacaciones.",
    "Licenciado en administración para el área de ventas.",
    "Requisitos: ser licenciado de las Fuerzas Armadas.",
    "Incluye la licencia del software que usará.",
    "Conte com plano de saúde e vale-refeição.",
    "Curso NR-35 ou disponibilidade para fazê-lo pela empresa.",
    "CNH desejável, mas não obrigatória.",
    "Sueldo de $1.500.000, contrato indefinido.",
])
def test_an_ad_that_names_a_licence_as_optional_or_not_at_all_is_not_read_as_requiring_one(text):
    assert licence_in_text(text) is None


def _codes(p, v, creds=()):
    return [b.code for b in eligibility(profile_view(p), vacancy_view(v), [credential_view(c) for c in creds], TODAY)]


REGULATED = sorted((country, isco) for country, occupations in load_regulation().countries.items()
                   for isco in occupations)


@pytest.mark.parametrize(("country", "isco"), REGULATED)
def test_a_person_without_the_recognised_credential_is_never_eligible_for_a_regulated_job_in_that_country(
        country, isco):
    p = profile(country=country, occupations=[{"code": isco, "source": "experience", "years": 5}],
                work_authorization=[{"country": country, "category": "permit", "expires": None}])
    v = vacancy(**PLAIN, occupation=isco, country=country, licence_required=False, required_skills=[])
    pid = p["profile_id"]
    assert "licence_required" in _codes(p, v)  # no credential at all
    pending = credential(pid, destination_country=country, status="procedure_required", workflow_status="assessed",
                         occupations_now=[], occupations_later=[isco])
    assert "licence_required" in _codes(p, v, [pending])
    elsewhere = credential(pid, destination_country="ZZ" if country != "ZZ" else "XX", occupations_now=[isco])
    assert "licence_required" in _codes(p, v, [elsewhere])
    other_trade = credential(pid, destination_country=country, occupations_now=["9412"])
    assert "licence_required" in _codes(p, v, [other_trade])
    recognised = credential(pid, destination_country=country, occupations_now=[isco])
    assert "licence_required" not in _codes(p, v, [recognised])


def test_the_regulation_of_the_country_decides_not_the_occupation_alone():
    p = profile(country="PE", occupations=[{"code": "7411", "source": "experience", "years": 5}])
    electrician = dict(**PLAIN, occupation="7411", licence_required=False, required_skills=[],
                       languages=[])
    assert _codes(p, vacancy(**electrician, country="PE")) == []  # Peru's rulebook regulates no electrical work
    chile = profile(country="CL", occupations=[{"code": "7411", "source": "experience", "years": 5}],
                    work_authorization=[{"country": "CL", "category": "permit", "expires": None}])
    assert _codes(chile, vacancy(**electrician, country="CL")) == ["licence_required"]


def test_a_licence_read_in_the_text_blocks_though_the_employer_did_not_declare_one():
    p = profile(occupations=[{"code": "5414", "source": "experience", "years": 3}])
    guard = vacancy(title="Agente de seguridad", description="Indispensable carné SUCAMEC vigente.",
                    occupation="5414", licence_required=False, required_skills=[])
    assert _codes(p, guard) == ["licence_required"]
    need = licence_need(vacancy_view(guard))
    assert (need.kind, need.source) == ("security", "text")
    assert credential_status(vacancy_view(guard), []) == "none"
    assert credential_status(vacancy_view(vacancy(**PLAIN, occupation="9412", licence_required=False)),
                             []) == "not_required"


@pytest.mark.parametrize("lang", ["es", "pt", "en", "fr"])
def test_driving_security_and_regulated_profession_blockers_each_say_what_is_missing_and_the_next_step(lang):
    p = profile_view(profile(country="CL", work_authorization=[{"country": "CL", "category": "permit"}]))
    texts = set()
    for over in ({"title": "Chofer", "description": "Licencia clase A-2 vigente.", "occupation": "8332"},
                 {"title": "Guardia", "description": "Curso OS-10 vigente.", "occupation": "5414"},
                 {**PLAIN, "occupation": "2221"}):
        v = vacancy_view(vacancy(**over, country="CL", licence_required=False, required_skills=[], languages=[]))
        blockers = tuple(eligibility(p, v, [], TODAY))
        match = Match(p.profile_id, v.vacancy_id, 0.5, blockers, {}, None, 4, (), (), "none", "v")
        [out] = blockers_out(match, lang)
        assert out["code"] == "licence_required" and out["message"] and out["next_step"]
        texts.add(out["message"])
    assert len(texts) == 3  # three different situations, three different messages
