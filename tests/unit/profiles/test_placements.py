"""The pipeline's use cases on in-memory fakes: placements, consent-gated introductions, employers' requests, the
workspace columns of the list, and what erasure and merging do to a person's pipeline."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from services.profiles.domain.placements import APPLIED, HIRED, INTERVIEW, INTRODUCED, LEFT, NOT_HIRED, PROPOSED
from services.profiles.events import PLACEMENTS
from services.profiles.ports import ListFilters, PlacementFilters
from shared.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed, PreconditionRequired
from shared.published.placements import PlacementRecordedV1, PlacementRecordedV2
from shared.published.profiles import ProfileWithdrawn
from shared.published.vacancies import VacancyClosed
from tests.unit.profiles.factories import (
    ADMIN,
    CUCUTA,
    EMPLOYER,
    LIMA,
    NOW,
    OTHER_EMPLOYER,
    VACANCY,
    YES,
    Clock,
    details,
    make_placements,
    make_service,
    vacancy_held,
    vacancy_published,
)

V2, V1 = PlacementRecordedV2.TYPE, PlacementRecordedV1.TYPE
SECOND = "6c1d2e3f-4a5b-4c6d-9e7f-8091a2b3c4d5"  # the building company's mason vacancy


@pytest.fixture
def world():
    """A Lima counsellor's person who consents to everything, and two open vacancies of two employers."""
    clock = Clock()
    profiles, store = make_service(clock=clock)
    pipeline = make_placements(store, clock, vacancies=(vacancy_published(),
                                                        vacancy_published(SECOND, "constructora-andina", "Albañil")))
    person = profiles.create(LIMA, details(), YES).profile
    store.events.clear()
    return profiles, pipeline, store, clock, person


def pipeline_events(store):
    return [(e.type, e.data.get("stage") or e.data.get("outcome"), store.topics[e.id]) for e in store.events]


def introduce(pipeline, person, vacancy=VACANCY, given=True):
    return pipeline.introduce(LIMA, person.id, vacancy, given=given, language="ht", read_aloud=True)


# --- placements ------------------------------------------------------------------------------------------------

def test_proposing_a_person_announces_a_v2_step_on_the_placements_topic_and_no_v1(world):
    _, pipeline, store, _, person = world
    view = pipeline.propose(LIMA, person.id, VACANCY, "Habla con el chef el lunes")
    assert view.placement.stage == PROPOSED and view.vacancy.title == "Cocinero de línea"
    assert view.placement.history[0].note == "Habla con el chef el lunes" and view.placement.centre == "centre-lima"
    assert pipeline_events(store) == [(V2, PROPOSED, PLACEMENTS)]
    data = store.events[0].data
    assert data["previous_stage"] is None and data["on"] == NOW.date().isoformat()
    assert store.events[0].subject == view.placement.id and "note" not in data


def test_a_second_placement_for_the_same_person_and_vacancy_is_refused_naming_the_first(world):
    _, pipeline, store, _, person = world
    first = pipeline.propose(LIMA, person.id, VACANCY).placement
    with pytest.raises(Conflict) as refused:
        pipeline.propose(LIMA, person.id, VACANCY)
    assert refused.value.code == "placement_exists" and refused.value.params["placement_id"] == first.id
    assert len(store.placements) == 1


def test_a_placement_needs_a_vacancy_profiles_knows_and_that_is_open(world):
    _, pipeline, store, _, person = world
    with pytest.raises(Invalid) as unknown:
        pipeline.propose(LIMA, person.id, "00000000-0000-4000-8000-000000000000")
    assert (unknown.value.code, unknown.value.pointer) == ("vacancy_unknown", "/vacancy_id")
    pipeline.record_vacancies([vacancy_held()])
    with pytest.raises(Conflict) as held:
        pipeline.propose(LIMA, person.id, VACANCY)
    assert held.value.code == "vacancy_not_open" and store.placements == {} and store.events == []


def test_only_the_persons_centre_may_put_them_forward_or_read_their_placements(world):
    _, pipeline, _, _, person = world
    with pytest.raises(NotFound):
        pipeline.propose(CUCUTA, person.id, VACANCY)
    placement = pipeline.propose(LIMA, person.id, VACANCY).placement
    with pytest.raises(NotFound):
        pipeline.get(CUCUTA, placement.id)
    with pytest.raises(NotFound):
        pipeline.move(CUCUTA, placement.id, NOT_HIRED, 2, note="x")
    assert pipeline.list(CUCUTA, PlacementFilters()).items == []
    for outsider in (ADMIN, EMPLOYER):
        with pytest.raises(Forbidden):
            pipeline.get(outsider, placement.id)


def test_each_step_v1_knows_is_also_published_as_v1_with_its_v1_outcome(world):
    _, pipeline, store, clock, person = world
    introduce(pipeline, person)
    placement = pipeline.list(LIMA, PlacementFilters(profile_id=person.id)).items[0].placement
    version = placement.version
    for stage in (APPLIED, INTERVIEW, HIRED, LEFT):
        clock.tick(60 * 24)
        version = pipeline.move(LIMA, placement.id, stage, version).placement.version
    assert pipeline_events(store) == [
        (V2, PROPOSED, PLACEMENTS), (V2, INTRODUCED, PLACEMENTS),
        (V2, APPLIED, PLACEMENTS), (V1, "applied", PLACEMENTS),
        (V2, INTERVIEW, PLACEMENTS), (V1, "interviewed", PLACEMENTS),
        (V2, HIRED, PLACEMENTS), (V1, "hired", PLACEMENTS),
        (V2, LEFT, PLACEMENTS), (V1, "withdrawn", PLACEMENTS)]
    assert [e.data["previous_stage"] for e in store.events if e.type == V2] == [
        None, PROPOSED, INTRODUCED, APPLIED, INTERVIEW, HIRED]
    assert {e.subject for e in store.events} == {placement.id}


def test_not_hired_is_published_as_v1_rejected(world):
    _, pipeline, store, _, person = world
    placement = pipeline.propose(LIMA, person.id, VACANCY).placement
    pipeline.move(LIMA, placement.id, NOT_HIRED, 1, note="No quiere turnos de noche")
    assert pipeline_events(store)[-2:] == [(V2, NOT_HIRED, PLACEMENTS), (V1, "rejected", PLACEMENTS)]


def test_a_stage_change_needs_the_version_read_and_a_refused_one_stores_and_publishes_nothing(world):
    _, pipeline, store, _, person = world
    placement = pipeline.propose(LIMA, person.id, VACANCY).placement
    with pytest.raises(PreconditionRequired):
        pipeline.move(LIMA, placement.id, NOT_HIRED, None, note="x")
    with pytest.raises(PreconditionFailed) as stale:
        pipeline.move(LIMA, placement.id, NOT_HIRED, 7, note="x")
    assert stale.value.current_etag == '"1"'
    with pytest.raises(Conflict):
        pipeline.move(LIMA, placement.id, APPLIED, 1)
    with pytest.raises(Conflict) as introduced:
        pipeline.move(LIMA, placement.id, INTRODUCED, 1)
    assert introduced.value.code == "introduced_through_introductions"
    assert store.placements[placement.id].version == 1 and len(store.events) == 1


def test_the_centres_placements_list_filters_and_pages(world):
    profiles, pipeline, _, clock, person = world
    other = profiles.create(LIMA, details(identity_documents=[], identity_given_names="Ana"), YES).profile
    first = pipeline.propose(LIMA, person.id, VACANCY).placement
    clock.tick()
    pipeline.propose(LIMA, person.id, SECOND)
    clock.tick()
    third = pipeline.propose(LIMA, other.id, VACANCY).placement
    pipeline.move(LIMA, third.id, NOT_HIRED, 1, note="Ya consiguió empleo")
    page = pipeline.list(LIMA, PlacementFilters(), limit=2)
    rest = pipeline.list(LIMA, PlacementFilters(), limit=2, cursor=page.next_cursor)
    assert len(page.items) == 2 and [v.placement.id for v in rest.items] == [third.id] and rest.next_cursor is None
    assert [v.placement.id for v in pipeline.list(LIMA, PlacementFilters(vacancy_id=VACANCY, stage=PROPOSED)).items] \
        == [first.id]
    assert [v.vacancy.employer_org for v in pipeline.list(LIMA, PlacementFilters(profile_id=person.id)).items] == [
        "hotel-miraflores", "constructora-andina"]


# --- introductions ---------------------------------------------------------------------------------------------

def test_an_introduction_without_the_persons_consent_stores_and_publishes_nothing(world):
    _, pipeline, store, _, person = world
    with pytest.raises(Invalid) as refused:
        introduce(pipeline, person, given=False)
    assert refused.value.pointer == "/consent/given"
    assert store.placements == {} and store.introductions == {} and store.events == []


def test_nobody_is_introduced_while_their_profile_refuses_introductions(world):
    profiles, pipeline, store, _, person = world
    profiles.update(LIMA, person.id, details(), {**YES, "introductions": False}, 1)
    store.events.clear()
    with pytest.raises(Conflict) as refused:
        introduce(pipeline, person)
    assert refused.value.code == "introductions_not_consented" and store.introductions == {}


def test_an_introduction_creates_the_placement_when_there_is_none_and_records_the_consent(world):
    _, pipeline, store, _, person = world
    done = introduce(pipeline, person)
    placement = done.placement.placement
    assert [s.stage for s in placement.history] == [PROPOSED, INTRODUCED]
    consent = done.introduction.consent
    assert (consent.given, consent.language, consent.read_aloud, consent.recorded_by) == (True, "ht", True,
                                                                                           "counsellor-1")
    assert done.introduction.employer_org == "hotel-miraflores" and done.introduction.placement_id == placement.id
    assert pipeline_events(store) == [(V2, PROPOSED, PLACEMENTS), (V2, INTRODUCED, PLACEMENTS)]


def test_an_introduction_moves_a_proposed_placement_and_only_a_proposed_one(world):
    _, pipeline, store, _, person = world
    placement = pipeline.propose(LIMA, person.id, VACANCY).placement
    done = introduce(pipeline, person)
    assert done.placement.placement.id == placement.id and done.placement.placement.version == 2
    with pytest.raises(Conflict):
        introduce(pipeline, person)  # introduced already
    assert len(store.introductions) == 1


def test_nobody_is_introduced_for_a_closed_vacancy(world):
    _, pipeline, store, _, person = world
    pipeline.record_vacancies([VacancyClosed(VACANCY, "filled", NOW)])
    with pytest.raises(Conflict) as refused:
        introduce(pipeline, person)
    assert refused.value.code == "vacancy_not_open" and store.introductions == {}


def test_the_employer_sees_the_introduced_peoples_identity_only_for_their_own_vacancy(world):
    profiles, pipeline, _, _, person = world
    proposed_only = profiles.create(LIMA, details(identity_documents=[], identity_given_names="Ana",
                                                  identity_phone=None), YES).profile
    pipeline.propose(LIMA, proposed_only.id, VACANCY)
    introduce(pipeline, person)
    (seen,) = pipeline.introductions(EMPLOYER, VACANCY).items
    assert (seen.identity.given_names, seen.identity.family_names) == ("José Gregorio", "Pérez Lugo")
    assert seen.identity.phone == "+51987654321" and seen.identity.email == "jgpl@example.org"
    assert seen.stage == INTRODUCED and [lang.code for lang in seen.languages] == ["es", "en"]
    with pytest.raises(NotFound):
        pipeline.introductions(OTHER_EMPLOYER, VACANCY)
    with pytest.raises(NotFound):
        pipeline.introductions(EMPLOYER, SECOND)
    with pytest.raises(NotFound):
        pipeline.introductions(EMPLOYER, "00000000-0000-4000-8000-000000000000")
    assert pipeline.introductions(CUCUTA, VACANCY).items == []
    assert [p.introduction.profile_id for p in pipeline.introductions(LIMA, VACANCY).items] == [person.id]
    with pytest.raises(Forbidden):
        pipeline.introductions(ADMIN, VACANCY)


def test_a_consent_to_introductions_withdrawn_later_hides_the_person_from_the_employer_again(world):
    profiles, pipeline, _, _, person = world
    introduce(pipeline, person)
    profiles.update(LIMA, person.id, details(), {**YES, "introductions": False}, 1)
    assert pipeline.introductions(EMPLOYER, VACANCY).items == []
    assert len(pipeline.introductions(LIMA, VACANCY).items) == 1  # the centre still sees its own record


# --- introduction requests -------------------------------------------------------------------------------------

def test_an_employer_asks_for_a_candidate_and_the_centre_sees_the_open_request_with_the_name(world):
    _, pipeline, _, _, person = world
    asked = pipeline.request_introduction(EMPLOYER, VACANCY, person.id)
    assert asked.request.status == "open" and asked.vacancy.title == "Cocinero de línea"
    assert pipeline.request_introduction(EMPLOYER, VACANCY, person.id).request.id == asked.request.id  # once
    (queued,) = pipeline.introduction_requests(LIMA).items
    assert queued.request.id == asked.request.id and queued.identity.given_names == "José Gregorio"
    assert pipeline.introduction_requests(CUCUTA).items == []
    (own,) = pipeline.introduction_requests(EMPLOYER).items
    assert own.identity is None and own.request.profile_id == person.id
    assert pipeline.introduction_requests(OTHER_EMPLOYER).items == []


def test_an_employer_may_ask_only_for_their_own_open_vacancy_and_a_consenting_candidate(world):
    profiles, pipeline, store, _, person = world
    with pytest.raises(NotFound):
        pipeline.request_introduction(OTHER_EMPLOYER, VACANCY, person.id)
    with pytest.raises(Forbidden):
        pipeline.request_introduction(LIMA, VACANCY, person.id)
    shy = profiles.create(LIMA, details(identity_documents=[], identity_given_names="Ana"),
                          {**YES, "introductions": False}).profile
    for candidate in (shy.id, "no-such-person"):
        with pytest.raises(Invalid) as refused:
            pipeline.request_introduction(EMPLOYER, VACANCY, candidate)
        assert refused.value.pointer == "/candidate"
    pipeline.record_vacancies([VacancyClosed(VACANCY, "withdrawn", NOW)])
    with pytest.raises(Conflict):
        pipeline.request_introduction(EMPLOYER, VACANCY, person.id)
    assert store.introduction_requests == {}


def test_introducing_the_person_closes_the_request_and_asking_again_is_refused(world):
    _, pipeline, _, _, person = world
    pipeline.request_introduction(EMPLOYER, VACANCY, person.id)
    introduce(pipeline, person)
    assert pipeline.introduction_requests(LIMA).items == []
    (own,) = pipeline.introduction_requests(EMPLOYER).items
    assert own.request.status == "introduced" and own.request.closed_at == NOW
    with pytest.raises(Conflict) as again:
        pipeline.request_introduction(EMPLOYER, VACANCY, person.id)
    assert again.value.code == "already_introduced"


def test_a_person_who_declines_closes_the_request_as_declined(world):
    _, pipeline, _, _, person = world
    pipeline.request_introduction(EMPLOYER, VACANCY, person.id)
    placement = pipeline.propose(LIMA, person.id, VACANCY).placement
    pipeline.move(LIMA, placement.id, NOT_HIRED, 1, note="No puede trabajar de noche")
    assert pipeline.introduction_requests(LIMA).items == []
    assert [v.request.status for v in pipeline.introduction_requests(EMPLOYER).items] == ["declined"]


# --- the list's workspace columns ------------------------------------------------------------------------------

def test_the_list_shows_each_persons_last_contact_and_latest_stage(world):
    profiles, pipeline, _, clock, person = world
    quiet = profiles.create(LIMA, details(identity_documents=[], identity_given_names="Ana"), YES).profile
    clock.tick(60)
    pipeline.propose(LIMA, person.id, SECOND)
    clock.tick(60)
    introduce(pipeline, person)
    by_id = {x.profile.id: x for x in profiles.list(LIMA, ListFilters()).items}
    assert (by_id[person.id].latest_stage, by_id[person.id].last_contact_at) == (INTRODUCED, clock.now)
    assert (by_id[quiet.id].latest_stage, by_id[quiet.id].last_contact_at) == (None, quiet.updated_at)


def test_the_stage_filter_finds_people_with_any_placement_at_that_stage(world):
    profiles, pipeline, _, clock, person = world
    profiles.create(LIMA, details(identity_documents=[], identity_given_names="Ana"), YES)
    pipeline.propose(LIMA, person.id, SECOND)
    clock.tick()
    introduce(pipeline, person)
    for stage, found in ((PROPOSED, [person.id]), (INTRODUCED, [person.id]), (APPLIED, [])):
        assert [x.profile.id for x in profiles.list(LIMA, ListFilters(stage=stage)).items] == found


def test_the_stale_filter_finds_people_not_contacted_for_thirty_days(world):
    profiles, pipeline, _, clock, person = world
    untouched = profiles.create(LIMA, details(identity_documents=[], identity_given_names="Ana"), YES).profile
    placed = profiles.create(LIMA, details(identity_documents=[], identity_given_names="Luz"), YES).profile
    clock.tick(60 * 24 * 25)
    pipeline.propose(LIMA, placed.id, VACANCY)  # a placement step is a contact
    clock.tick(60 * 24 * 6)  # 31 days after the profiles were created
    stale = [x.profile.id for x in profiles.list(LIMA, ListFilters(stale=True)).items]
    fresh = [x.profile.id for x in profiles.list(LIMA, ListFilters(stale=False)).items]
    assert sorted(stale) == sorted([person.id, untouched.id]) and fresh == [placed.id]
    profiles.update(LIMA, untouched.id, details(identity_documents=[], identity_given_names="Ana"), YES, 1)
    assert [x.profile.id for x in profiles.list(LIMA, ListFilters(stale=True)).items] == [person.id]


def test_the_search_finds_people_by_name_document_or_phone_within_the_centre(world):
    profiles, _, _, _, person = world
    ana = profiles.create(LIMA, details(identity_documents=[], identity_given_names="Ana María",
                                        identity_family_names="Quispe", identity_phone="+51 912 000 111"),
                          YES).profile
    profiles.create(CUCUTA, details(identity_documents=[], identity_given_names="Ana"), YES)

    def found(q):
        return sorted(x.profile.id for x in profiles.list(LIMA, ListFilters(q=q)).items)

    assert found("ana") == [ana.id] and found("QUISPE an") == [ana.id]
    assert found("v14567890") == [person.id] and found("912000111") == [ana.id]
    assert found("perez") == [person.id] and found("Rodríguez") == []


# --- erasure and merging ---------------------------------------------------------------------------------------

def test_erasing_a_person_deletes_their_placements_introductions_and_requests(world):
    profiles, pipeline, store, _, person = world
    pipeline.request_introduction(EMPLOYER, VACANCY, person.id)
    pipeline.request_introduction(OTHER_EMPLOYER, SECOND, person.id)
    introduce(pipeline, person)
    store.events.clear()
    profiles.erase(LIMA, person.id)
    assert store.placements == store.introductions == store.introduction_requests == {}
    assert [(e.type, e.data["reason"]) for e in store.events] == [(ProfileWithdrawn.TYPE, "erased")]
    assert pipeline.introductions(EMPLOYER, VACANCY).items == []


def test_merging_gives_the_duplicates_pipeline_to_the_kept_profile_and_drops_a_clashing_placement(world):
    profiles, pipeline, store, _, person = world
    twin = profiles.create(LIMA, replace(details(), skills=["S1001"]), YES).profile
    kept_first = pipeline.propose(LIMA, person.id, VACANCY).placement
    pipeline.propose(LIMA, twin.id, VACANCY)  # the same vacancy: the kept profile's placement stands
    moved = introduce(pipeline, twin, SECOND).placement.placement
    pipeline.request_introduction(EMPLOYER, VACANCY, twin.id)
    profiles.merge(LIMA, person.id, twin.id)
    assert {p.id: p.profile_id for p in store.placements.values()} == {kept_first.id: person.id,
                                                                        moved.id: person.id}
    assert [i.profile_id for i in store.introductions.values()] == [person.id]
    assert [r.profile_id for r in store.introduction_requests.values()] == [person.id]


def test_a_vacancys_title_survives_a_hold_and_a_closing_of_a_vacancy_never_seen_is_not_kept(world):
    _, pipeline, store, _, _ = world
    pipeline.record_vacancies([vacancy_held(at=NOW + timedelta(hours=1)),
                               VacancyClosed("00000000-0000-4000-8000-000000000000", "expired", NOW)])
    held = store.vacancies[VACANCY]
    assert (held.status, held.title, held.changed_at) == ("held", "Cocinero de línea", NOW + timedelta(hours=1))
    assert "00000000-0000-4000-8000-000000000000" not in store.vacancies
    pipeline.forget_vacancy(SECOND)
    assert set(store.vacancies) == {VACANCY}


def test_a_step_recorded_late_is_published_with_the_day_it_happened(world):
    _, pipeline, store, clock, person = world
    placement = introduce(pipeline, person).placement.placement
    clock.tick(60 * 24 * 3)
    pipeline.move(LIMA, placement.id, APPLIED, 2, on=date(2026, 3, 11))
    v2 = store.events[-2]
    assert (v2.type, v2.data["on"], v2.data["recorded_at"]) == (V2, "2026-03-11", clock.now.isoformat())
