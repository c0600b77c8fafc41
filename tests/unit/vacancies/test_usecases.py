"""Vacancy use cases on in-memory fakes: what is stored and which events are written."""

from datetime import UTC, date, datetime

import pytest

from services.vacancies import feed
from services.vacancies.adapters.memory import MemorySuggester, MemoryUnitOfWork
from services.vacancies.domain.gate import DecentWorkGate
from services.vacancies.usecases import InvalidFields, VacancyService
from shared.auth import Forbidden, Principal
from shared.errors import Conflict, NotFound, PreconditionFailed
from shared.errors import Forbidden as NotYours
from tests.conftest import ROOT

NOW = datetime(2025, 8, 1, 12, tzinfo=UTC)
EMPLOYER = Principal("u1", "employer", "employer-a")
OTHER = Principal("u2", "employer", "employer-b")
ADMIN = Principal("a1", "admin", "puente")
COUNSELLOR = Principal("c1", "counsellor", "centre-lima")
MINISTRY = Principal("m1", "ministry", "ministry-pe")


@pytest.fixture
def uow(registry):
    return MemoryUnitOfWork(registry)


@pytest.fixture
def service(uow):
    suggester = MemorySuggester({"cocinero": "5120", "albañil": "7112"}, skills=("S1001", "S1002"))
    return VacancyService(uow=uow, gate=DecentWorkGate(), suggester=suggester, clock=lambda: NOW)


def body(**kw):
    base = dict(title="Cocinero de menú", description="Restaurante en Surco busca cocinero con planilla y EsSalud.",
                language="es", country="PE", city="Lima", pay={"amount": 1800, "currency": "PEN", "period": "month"},
                hours_per_week=48, contract_type="permanent", occupation="5120")
    base.update(kw)
    return base


def types(uow):
    return [e.type.split(".")[3] for e in uow.published]


def test_a_decent_vacancy_is_published_and_announced(service, uow):
    v = service.create(EMPLOYER, body()).vacancy
    assert v.status == "published" and v.employer_id == "employer-a"
    assert types(uow) == ["published"]
    data = uow.published[0].data
    assert data["pay"]["monthly_equivalent"] == 1800 and data["warnings"] == [] and uow.published[0].subject == v.id


def test_a_vacancy_under_the_minimum_wage_is_held_and_never_published(service, uow):
    v = service.create(EMPLOYER, body(pay={"amount": 900, "currency": "PEN", "period": "month"})).vacancy
    assert v.status == "held"
    assert types(uow) == ["held"]
    assert uow.published[0].data["reasons"] == [{"code": "pay_below_minimum", "field": "/pay/amount"}]


def test_a_warning_publishes_with_warnings(service, uow):
    v = service.create(EMPLOYER, body(description="Buscamos cocinero con buena presencia y planilla.")).vacancy
    assert v.status == "published_with_warnings"
    assert uow.published[0].data["warnings"] == [{"code": "appearance_requirement", "field": "/description"}]


def test_fixing_a_held_vacancy_publishes_it(service, uow):
    v = service.create(EMPLOYER, body(pay={"amount": 900, "currency": "PEN", "period": "month"})).vacancy
    fixed = service.update(EMPLOYER, v.id, {"pay": {"amount": 1200, "currency": "PEN", "period": "month"}},
                             v.version).vacancy
    assert (fixed.status, fixed.version) == ("published", 2)
    assert types(uow) == ["held", "published"]


def test_an_edit_that_breaks_the_rules_holds_a_published_vacancy(service, uow):
    v = service.create(EMPLOYER, body()).vacancy
    held = service.update(EMPLOYER, v.id, {"hours_per_week": 60}, 1).vacancy
    assert held.status == "held" and types(uow) == ["published", "held"]


def test_an_update_with_a_stale_version_is_refused_and_changes_nothing(service, uow):
    v = service.create(EMPLOYER, body()).vacancy
    with pytest.raises(PreconditionFailed) as err:
        service.update(EMPLOYER, v.id, {"openings": 3}, 7)
    assert err.value.current_etag == '"1"'
    assert uow.vacancies.get(v.id).version == 1 and types(uow) == ["published"]


def test_an_employer_cannot_touch_another_employers_vacancy(service, uow):
    v = service.create(EMPLOYER, body()).vacancy
    with pytest.raises(NotYours) as err:
        service.close(OTHER, v.id, "filled")
    assert err.value.status == 403 and uow.vacancies.get(v.id).status == "published"


def test_held_vacancies_are_visible_only_to_their_employer_and_admins(service):
    held = service.create(EMPLOYER, body(pay={"amount": 1, "currency": "PEN", "period": "month"})).vacancy
    service.create(EMPLOYER, body())
    assert [v.status for v in service.list(COUNSELLOR).items] == ["published"]
    assert len(service.list(EMPLOYER).items) == 2 and len(service.list(ADMIN).items) == 2
    assert service.list(OTHER).items == []
    with pytest.raises(NotFound) as err:
        service.get(COUNSELLOR, held.id)
    assert err.value.status == 404


EMPLOYER_RECORD = {"name": "Restaurante A", "tax_id": "20123456789", "country": "PE", "sector": "food",
                   "contact_email": "rrhh@restaurante-a.example"}


def test_an_employer_reads_its_own_record_and_admins_read_any(service):
    service.register_employer(EMPLOYER, EMPLOYER_RECORD)
    assert service.get_employer(EMPLOYER, "employer-a").tax_id == "20123456789"
    assert service.get_employer(ADMIN, "employer-a").contact_email == "rrhh@restaurante-a.example"


@pytest.mark.parametrize("outsider", [OTHER, COUNSELLOR, MINISTRY], ids=lambda p: p.role)
def test_another_organisations_employer_record_is_not_found_as_if_it_did_not_exist(service, outsider):
    service.register_employer(EMPLOYER, EMPLOYER_RECORD)
    with pytest.raises(NotFound) as hidden:
        service.get_employer(outsider, "employer-a")
    with pytest.raises(NotFound) as missing:
        service.get_employer(outsider, "employer-nobody")
    assert hidden.value.status == missing.value.status == 404 and str(hidden.value) == str(missing.value)


def test_a_ministry_feeding_vacancies_lists_its_own_held_ones_and_only_published_ones_of_others(service):
    held = service.create(MINISTRY, body(pay={"amount": 1, "currency": "PEN", "period": "month"})).vacancy
    mine = service.create(MINISTRY, body()).vacancy
    theirs_held = service.create(EMPLOYER, body(pay={"amount": 1, "currency": "PEN", "period": "month"})).vacancy
    theirs = service.create(EMPLOYER, body()).vacancy
    assert {v.id for v in service.list(MINISTRY, employer="ministry-pe").items} == {held.id, mine.id}
    assert {v.id for v in service.list(MINISTRY).items} == {mine.id, theirs.id}
    assert service.list(MINISTRY, employer="employer-a").items == [theirs]
    assert theirs_held.id not in {v.id for v in service.list(COUNSELLOR, employer="employer-a").items}


def test_lists_page_with_a_cursor_without_repeats(service):
    ids = {service.create(EMPLOYER, body(title=f"Cocinero {i}")).vacancy.id for i in range(5)}
    seen, cursor = [], None
    while True:
        page = service.list(EMPLOYER, limit=2, cursor=cursor)
        seen += [v.id for v in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == 5 and set(seen) == ids


def test_an_admin_releases_a_held_vacancy_and_the_decision_is_recorded(service, uow):
    v = service.create(EMPLOYER, body(description="Solo personal peruano, con planilla completa.")).vacancy
    released = service.review(ADMIN, v.id, "release", "Public-security post: nationality required by law.")
    assert released.status == "published" and released.reviews[0].reviewer == "a1"
    assert types(uow) == ["held", "published"]
    assert uow.published[1].data["warnings"] == [{"code": "discrimination_nationality", "field": "/description"}]


def test_a_rejected_vacancy_is_closed_as_rejected(service, uow):
    v = service.create(EMPLOYER, body(pay={"amount": 1, "currency": "PEN", "period": "month"})).vacancy
    assert service.review(ADMIN, v.id, "reject", "Pay far below the minimum.").status == "rejected"
    assert types(uow) == ["held", "closed"] and uow.published[1].data["reason"] == "rejected"


def test_only_admins_review(service):
    v = service.create(EMPLOYER, body(pay={"amount": 1, "currency": "PEN", "period": "month"})).vacancy
    with pytest.raises(Forbidden):
        service.review(EMPLOYER, v.id, "release", "mine")


def test_closing_announces_it_and_a_closed_vacancy_cannot_change(service, uow):
    v = service.create(EMPLOYER, body()).vacancy
    closed = service.close(EMPLOYER, v.id, "filled")
    assert types(uow) == ["published", "closed"] and uow.published[1].data["reason"] == "filled"
    with pytest.raises(Conflict) as err:
        service.update(EMPLOYER, v.id, {"openings": 2}, closed.version)
    assert err.value.status == 409 and err.value.params == {"state": "closed"}
    with pytest.raises(Conflict) as err:
        service.close(EMPLOYER, v.id, "filled")
    assert err.value.status == 409 and str(err.value) == "already_closed: the vacancy is already closed"


def test_a_missing_occupation_is_suggested_from_the_title(service):
    outcome = service.create(EMPLOYER, body(occupation=None, title="Albañil con experiencia"))
    assert outcome.vacancy.draft.occupation == "7112" and outcome.suggestions[0].code == "7112"


def test_unknown_codes_and_a_past_closing_date_are_reported_by_field(service, uow):
    with pytest.raises(InvalidFields) as err:
        service.create(EMPLOYER, body(occupation=None, title="Astronauta", required_skills=["S9999"],
                                      closing_date=date(2025, 1, 1)))
    assert {e["pointer"] for e in err.value.errors} == {"/occupation", "/required_skills/0"}
    with pytest.raises(InvalidFields) as err:
        service.create(EMPLOYER, body(closing_date=date(2025, 1, 1)))
    assert err.value.errors == [{"pointer": "/closing_date", "reason": "closing_date_past"}]
    assert uow.published == [] and uow.vacancies.rows == {}


def test_a_feed_is_idempotent_by_external_id_and_a_bad_row_does_not_sink_it(service, uow):
    lines = "\n".join([
        '{"external_id": "f-1", "title": "Cocinero", "description": "Cocina de hotel con planilla y seguro.", '
        '"language": "es", "country": "PE", "pay": {"amount": 1500, "currency": "PEN", "period": "month"}, '
        '"hours_per_week": 48, "contract_type": "permanent", "occupation": "5120"}',
        '{"external_id": "f-2", "title": "x"}',
        "not json",
    ]).encode()
    first = service.bulk(EMPLOYER, feed.rows(lines, "application/x-ndjson"))
    assert [r.outcome for r in first] == ["created", "error", "error"]
    assert {e["pointer"] for e in first[1].errors} >= {"/title", "/pay"}
    again = service.bulk(EMPLOYER, feed.rows(lines, "application/x-ndjson"))
    assert [r.outcome for r in again] == ["unchanged", "error", "error"] and len(uow.vacancies.rows) == 1
    changed = lines.replace(b'"amount": 1500', b'"amount": 1600')
    assert service.bulk(EMPLOYER, feed.rows(changed, "application/x-ndjson"))[0].outcome == "updated"


def test_a_csv_feed_and_a_jobposting_array_are_read(service):
    csv_body = ("external_id,title,description,language,country,pay_amount,pay_currency,pay_period,hours_per_week,"
                "contract_type,occupation,required_skills,languages,benefits_social_security\n"
                "c-1,Albañil,Obra en Lima con planilla y seguro de riesgo.,es,PE,60,PEN,day,48,fixed_term,7112,"
                "S1001,es:B1,true\n").encode()
    rows = service.bulk(EMPLOYER, feed.rows(csv_body, "text/csv"))
    assert [(r.outcome, r.status) for r in rows] == [("created", "published")]
    posting = (b'[{"@type": "JobPosting", "title": "Cocinero", '
               b'"description": "<p>Hotel en Miraflores con planilla.</p>", '
               b'"identifier": {"value": "jp-1"}, "occupationalCategory": "ISCO-08 5120", "workHours": "48 horas", '
               b'"employmentType": "FULL_TIME", "jobLocation": {"address": {"addressCountry": "PE"}}, '
               b'"baseSalary": {"currency": "PEN", "value": {"value": 1000, "unitText": "MONTH"}}}]')
    rows = service.bulk(EMPLOYER, feed.rows(posting, "application/json"))
    assert [(r.outcome, r.status, r.external_id) for r in rows] == [("created", "held", "jp-1")]


def test_the_demo_texts_are_puentes_own():
    from services.vacancies.demo import VACANCIES

    dev = (ROOT.parent / "shared" / "data" / "matching-dev" / "vacancies.jsonl")
    if not dev.exists():
        pytest.skip("no dev set here")
    text = dev.read_text(encoding="utf-8")
    for _org, data in VACANCIES:
        assert data["description"][:60] not in text


def test_a_feed_file_is_imported_row_by_row(service, tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"external_id": "x"}\n', encoding="utf-8")
    [row] = feed.import_file(service, EMPLOYER, str(path))
    assert row.outcome == "error" and {e["pointer"] for e in row.errors} >= {"/title", "/country"}
