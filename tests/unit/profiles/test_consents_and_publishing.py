"""Consents carry time and author; published data is pseudonymous and matches its contract."""

import json
from datetime import date, timedelta

from services.profiles.domain.model import Experience, new_profile
from services.profiles.domain.publishing import may_publish
from services.profiles.events import published
from tests.unit.profiles.factories import NOW, REGISTRY, TODAY, YES, details


def test_every_consent_answer_records_when_and_by_whom():
    profile = new_profile("p1", "centre-lima", details(), {"matching": True, "statistics": False}, "ana", NOW)
    assert {k: (c.given, c.recorded_by, c.recorded_at) for k, c in profile.consents.items()} == {
        "matching": (True, "ana", NOW), "introductions": (False, "ana", NOW), "statistics": (False, "ana", NOW)}


def test_only_a_changed_answer_gets_a_new_time_author_and_history_entry():
    profile = new_profile("p1", "centre-lima", details(), YES, "ana", NOW)
    later = NOW + timedelta(days=3)
    changes = profile.record_consents({**YES, "introductions": False}, "beto", later)
    assert [(c.purpose, c.given, c.recorded_by) for c in changes] == [("introductions", False, "beto")]
    assert profile.consents["matching"].recorded_by == "ana"
    assert profile.consents["introductions"].recorded_at == later
    assert len(profile.consent_history) == 4


def test_nothing_is_published_without_consent_to_matching():
    profile = new_profile("p1", "centre-lima", details(), {**YES, "matching": False}, "ana", NOW)
    assert not may_publish(profile)


def test_published_data_matches_the_contract_and_carries_no_identity():
    profile = new_profile("8b3c4d5e-6f7a-4b8c-8d9e-1f2a3b4c5d6e", "centre-lima", details(), YES, "ana", NOW)
    event = published(profile, "es", TODAY).event("/services/profiles")
    REGISTRY.validate(event)
    data = event.data
    text = json.dumps(data, ensure_ascii=False)
    for secret in ("José", "Pérez", "14.567.890", "555-1234", "987 654 321", "jgpl@example.org", "bastón",
                   "hijos", "Carné", "Renovación"):
        assert secret not in text, secret
    assert data["occupations"] == [{"code": "7112", "source": "experience", "years": 8.0},
                                   {"code": "7112", "source": "desired"}]
    assert data["work_authorization"] == [{"country": "PE", "category": "permit",
                                           "expires": (TODAY + timedelta(days=300)).isoformat()}]
    assert "Muros y pañetes" in data["text"]["experience"] and "Pañete" in data["text"]["skills"]


def test_published_free_text_holds_only_work_sentences_without_health_origin_address_or_other_peoples_names():
    job = Experience("Cocinera", "5120", "PE", date(2019, 1, 1), None,
                     "Llegué embarazada con mi hija Valentina desde Maracaibo. Trabajé de cocinera venezolana en la "
                     "Av. Arequipa 1234 con la señora Carmen Rojas; tengo diabetes. Vivo en Lima con mi esposo.")
    profile = new_profile("8b3c4d5e-6f7a-4b8c-8d9e-1f2a3b4c5d6e", "centre-lima",
                          details(experience=[job], skills_text="Cocina criolla. Soy haitiana y tengo VIH."),
                          YES, "ana", NOW)
    data = published(profile, "es", TODAY).event("/services/profiles").data
    assert data["text"] == {"skills": "Cocina criolla.",
                            "experience": "Cocinera. Trabajé de cocinera […] en la […] con la señora [name];"}


def test_consent_to_notifications_is_recorded_only_once_asked_and_kept_when_a_client_leaves_it_out():
    profile = new_profile("p1", "centre-lima", details(), YES, "ana", NOW)
    assert "notifications" not in profile.consents and not profile.consents_to("notifications")
    later = NOW + timedelta(days=1)
    changes = profile.record_consents({**YES, "notifications": True}, "beto", later)
    assert [(c.purpose, c.given, c.recorded_by) for c in changes] == [("notifications", True, "beto")]
    assert profile.consents_to("notifications")
    assert profile.record_consents(YES, "carla", later + timedelta(days=1)) == []  # an older client's update
    assert profile.consents_to("notifications") and profile.consents["notifications"].recorded_by == "beto"
    profile.record_consents({**YES, "notifications": False}, "carla", later + timedelta(days=2))
    assert not profile.consents_to("notifications")


def test_published_data_never_says_whether_the_person_takes_notifications():
    profile = new_profile("8b3c4d5e-6f7a-4b8c-8d9e-1f2a3b4c5d6e", "centre-lima", details(),
                          {**YES, "notifications": True}, "ana", NOW)
    event = published(profile, "es", TODAY).event("/services/profiles")
    REGISTRY.validate(event)
    assert "notifications" not in event.data["consents"]
