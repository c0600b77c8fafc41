"""Vacancy use cases on in-memory fakes: what is stored and which events are written."""

from datetime import UTC, date, datetime

import pytest

from services.vacancies import feed, use_cases
from services.vacancies.adapters.memory import MemorySuggester, MemoryUnitOfWork
from services.vacancies.domain.gate import DecentWorkGate
from services.vacancies.domain.model import DomainError
from shared.auth import Forbidden, Principal
from tests.conftest import ROOT

NOW = datetime(2025, 8, 1, 12, tzinfo=UTC)
EMPLOYER = Principal("u1", "employer", "employer-a")
OTHER = Principal("u2", "employer", "employer-b")
ADMIN = Principal("a1", "admin", "puente")
COUNSELLOR = Principal("c1", "counsellor", "centre-lima")


@pytest.fixture
def uow(registry):
    return MemoryUnitOfWork(registry)


@pytest.fixture
def deps(uow):
    suggester = MemorySuggester({"cocinero": "5120", "albañil": "7112"}, skills=("S1001", "S1002"))
    return use_cases.Deps(uow=uow, gate=DecentWorkGate(), suggester=suggester, clock=lambda: NOW)


def body(**kw):
    base = dict(title="Cocinero de menú", description="Restaurante en Surco busca cocinero con planilla y EsSalud.",
                language="es", country="PE", city="Lima", pay={"amount": 1800, "currency": "PEN", "period": "month"},
                hours_per_week=48, contract_type="permanent", occupation="5120")
    base.update(kw)
    return base


def types(uow):
    return [e.type.split(".")[3] for e in uow.events]


def test_a_decent_vacancy_is_published_and_announced(deps, uow):
    v = use_cases.create(deps, EMPLOYER, body()).vacancy
    assert v.status == "published" and v.employer_id == "employer-a"
    assert types(uow) == ["published"]
    data = uow.events[0].data
    assert data["pay"]["monthly_equivalent"] == 1800 and data["warnings"] == [] and uow.events[0].subject == v.id


def test_a_vacancy_under_the_minimum_wage_is_held_and_never_published(deps, uow):
    v = use_cases.create(deps, EMPLOYER, body(pay={"amount": 900, "currency": "PEN", "period": "month"})).vacancy
    assert v.status == "held"
    assert types(uow) == ["held"]
    assert uow.events[0].data["reasons"] == [{"code": "pay_below_minimum", "field": "/pay/amount"}]


def test_a_warning_publishes_with_warnings(deps, uow):
    v = use_cases.create(deps, EMPLOYER, body(description="Buscamos cocinero con buena presencia y planilla.")).vacancy
    assert v.status == "published_with_warnings"
    assert uow.events[0].data["warnings"] == [{"code": "appearance_requirement", "field": "/description"}]


def test_fixing_a_held_vacancy_publishes_it(deps, uow):
    v = use_cases.create(deps, EMPLOYER, body(pay={"amount": 900, "currency": "PEN", "period": "month"})).vacancy
    fixed = use_cases.update(deps, EMPLOYER, v.id, {"pay": {"amount": 1200, "currency": "PEN", "period": "month"}},
                             v.version).vacancy
    assert (fixed.status, fixed.version) == ("published", 2)
    assert types(uow) == ["held", "published"]


def test_an_edit_that_breaks_the_rules_holds_a_published_vacancy(deps, uow):
    v = use_cases.create(deps, EMPLOYER, body()).vacancy
    held = use_cases.update(deps, EMPLOYER, v.id, {"hours_per_week": 60}, 1).vacancy
    assert held.status == "held" and types(uow) == ["published", "held"]


def test_an_update_with_a_stale_version_is_refused_and_changes_nothing(deps, uow):
    v = use_cases.create(deps, EMPLOYER, body()).vacancy
    with pytest.raises(DomainError) as err:
        use_cases.update(deps, EMPLOYER, v.id, {"openings": 3}, 7)
    assert err.value.code == "precondition_failed"
    assert uow.vacancies.get(v.id).version == 1 and types(uow) == ["published"]


def test_an_employer_cannot_touch_another_employers_vacancy(deps):
    v = use_cases.create(deps, EMPLOYER, body()).vacancy
    with pytest.raises(DomainError) as err:
        use_cases.close(deps, OTHER, v.id, "filled")
    assert err.value.code == "forbidden"


def test_held_vacancies_are_visible_only_to_their_employer_and_admins(deps):
    held = use_cases.create(deps, EMPLOYER, body(pay={"amount": 1, "currency": "PEN", "period": "month"})).vacancy
    use_cases.create(deps, EMPLOYER, body())
    assert [v.status for v in use_cases.listing(deps, COUNSELLOR)[0]] == ["published"]
    assert len(use_cases.listing(deps, EMPLOYER)[0]) == 2 and len(use_cases.listing(deps, ADMIN)[0]) == 2
    assert use_cases.listing(deps, OTHER)[0] == []
    with pytest.raises(DomainError):
        use_cases.get(deps, COUNSELLOR, held.id)


def test_lists_page_with_a_cursor_without_repeats(deps):
    ids = {use_cases.create(deps, EMPLOYER, body(title=f"Cocinero {i}")).vacancy.id for i in range(5)}
    seen, cursor = [], None
    while True:
        page, cursor = use_cases.listing(deps, EMPLOYER, limit=2, cursor=cursor)
        seen += [v.id for v in page]
        if not cursor:
            break
    assert len(seen) == 5 and set(seen) == ids


def test_an_admin_releases_a_held_vacancy_and_the_decision_is_recorded(deps, uow):
    v = use_cases.create(deps, EMPLOYER, body(description="Solo personal peruano, con planilla completa.")).vacancy
    released = use_cases.review(deps, ADMIN, v.id, "release", "Public-security post: nationality required by law.")
    assert released.status == "published" and released.reviews[0].reviewer == "a1"
    assert types(uow) == ["held", "published"]
    assert uow.events[1].data["warnings"] == [{"code": "discrimination_nationality", "field": "/description"}]


def test_a_rejected_vacancy_is_closed_as_rejected(deps, uow):
    v = use_cases.create(deps, EMPLOYER, body(pay={"amount": 1, "currency": "PEN", "period": "month"})).vacancy
    assert use_cases.review(deps, ADMIN, v.id, "reject", "Pay far below the minimum.").status == "rejected"
    assert types(uow) == ["held", "closed"] and uow.events[1].data["reason"] == "rejected"


def test_only_admins_review(deps):
    v = use_cases.create(deps, EMPLOYER, body(pay={"amount": 1, "currency": "PEN", "period": "month"})).vacancy
    with pytest.raises(Forbidden):
        use_cases.review(deps, EMPLOYER, v.id, "release", "mine")


def test_closing_announces_it_and_a_closed_vacancy_cannot_change(deps, uow):
    v = use_cases.create(deps, EMPLOYER, body()).vacancy
    closed = use_cases.close(deps, EMPLOYER, v.id, "filled")
    assert types(uow) == ["published", "closed"] and uow.events[1].data["reason"] == "filled"
    with pytest.raises(DomainError) as err:
        use_cases.update(deps, EMPLOYER, v.id, {"openings": 2}, closed.version)
    assert err.value.code == "conflict"


def test_a_missing_occupation_is_suggested_from_the_title(deps):
    outcome = use_cases.create(deps, EMPLOYER, body(occupation=None, title="Albañil con experiencia"))
    assert outcome.vacancy.draft.occupation == "7112" and outcome.suggestions[0].code == "7112"


def test_unknown_codes_and_a_past_closing_date_are_reported_by_field(deps, uow):
    with pytest.raises(DomainError) as err:
        use_cases.create(deps, EMPLOYER, body(occupation=None, title="Astronauta", required_skills=["S9999"],
                                              closing_date=date(2025, 1, 1)))
    assert {e["pointer"] for e in err.value.errors} == {"/occupation", "/required_skills/0"}
    with pytest.raises(DomainError) as err:
        use_cases.create(deps, EMPLOYER, body(closing_date=date(2025, 1, 1)))
    assert err.value.errors == [{"pointer": "/closing_date", "reason": "closing_date_past"}]
    assert uow.events == [] and uow.vacancies.rows == {}


def test_a_feed_is_idempotent_by_external_id_and_a_bad_row_does_not_sink_it(deps, uow):
    lines = "\n".join([
        '{"external_id": "f-1", "title": "Cocinero", "description": "Cocina de hotel con planilla y seguro.", '
        '"language": "es", "country": "PE", "pay": {"amount": 1500, "currency": "PEN", "period": "month"}, '
        '"hours_per_week": 48, "contract_type": "permanent", "occupation": "5120"}',
        '{"external_id": "f-2", "title": "x"}',
        "not json",
    ]).encode()
    first = feed.run(deps, EMPLOYER, feed.parse(lines, "application/x-ndjson"))
    assert [r.outcome for r in first] == ["created", "error", "error"]
    assert {e["pointer"] for e in first[1].errors} >= {"/title", "/pay"}
    again = feed.run(deps, EMPLOYER, feed.parse(lines, "application/x-ndjson"))
    assert [r.outcome for r in again] == ["unchanged", "error", "error"] and len(uow.vacancies.rows) == 1
    changed = lines.replace(b'"amount": 1500', b'"amount": 1600')
    assert feed.run(deps, EMPLOYER, feed.parse(changed, "application/x-ndjson"))[0].outcome == "updated"


def test_a_csv_feed_and_a_jobposting_array_are_read(deps):
    csv_body = ("external_id,title,description,language,country,pay_amount,pay_currency,pay_period,hours_per_week,"
                "contract_type,occupation,required_skills,languages,benefits_social_security\n"
                "c-1,Albañil,Obra en Lima con planilla y seguro de riesgo.,es,PE,60,PEN,day,48,fixed_term,7112,"
                "S1001,es:B1,true\n").encode()
    rows = feed.run(deps, EMPLOYER, feed.parse(csv_body, "text/csv"))
    assert [(r.outcome, r.status) for r in rows] == [("created", "published")]
    posting = (b'[{"@type": "JobPosting", "title": "Cocinero", '
               b'"description": "<p>Hotel en Miraflores con planilla.</p>", '
               b'"identifier": {"value": "jp-1"}, "occupationalCategory": "ISCO-08 5120", "workHours": "48 horas", '
               b'"employmentType": "FULL_TIME", "jobLocation": {"address": {"addressCountry": "PE"}}, '
               b'"baseSalary": {"currency": "PEN", "value": {"value": 1000, "unitText": "MONTH"}}}]')
    rows = feed.run(deps, EMPLOYER, feed.parse(posting, "application/json"))
    assert [(r.outcome, r.status, r.external_id) for r in rows] == [("created", "held", "jp-1")]


def test_the_demo_texts_are_puentes_own():
    from services.vacancies.demo import VACANCIES

    dev = (ROOT.parent / "shared" / "data" / "matching-dev" / "vacancies.jsonl")
    if not dev.exists():
        pytest.skip("no dev set here")
    text = dev.read_text(encoding="utf-8")
    for _org, data in VACANCIES:
        assert data["description"][:60] not in text


def test_a_feed_file_is_imported_row_by_row(deps, tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"external_id": "x"}\n', encoding="utf-8")
    [row] = feed.import_file(deps, EMPLOYER, str(path))
    assert row.outcome == "error" and {e["pointer"] for e in row.errors} >= {"/title", "/country"}
