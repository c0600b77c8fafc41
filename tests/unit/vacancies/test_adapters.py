"""The vacancies adapters: the taxonomy's code checks, and SQL storage of timestamps and list positions."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.vacancies.adapters.occupations import TaxonomySuggester
from services.vacancies.adapters.sql import SqlUnitOfWork, metadata
from services.vacancies.domain.model import Draft, Pay, Vacancy
from services.vacancies.ports import VacancyFilter
from shared.db import make_engine, session_factory
from shared.taxonomy import Concept, Taxonomy


def occupation(code: str, label: str, *, retired: bool = False) -> Concept:
    return Concept(code, "occupation", 4, code[:3], {"en": label, "es": label}, {}, retired=retired)


@pytest.fixture
def suggester():
    taxonomy = Taxonomy("test", {"7112": occupation("7112", "Bricklayer"),
                                 "7113": occupation("7113", "Stonemason", retired=True),
                                 "711": Concept("711", "occupation", 3, "71", {"en": "Builders"}, {})},
                        {"S1001": Concept("S1001", "skill", None, None, {"en": "Laying bricks"}, {}),
                         "S1002": Concept("S1002", "skill", None, None, {"en": "Cutting stone"}, {}, retired=True)})
    return TaxonomySuggester(taxonomy)


def test_only_current_unit_groups_and_skills_may_be_named(suggester):
    assert suggester.is_occupation("7112")
    assert not suggester.is_occupation("7113")  # retired
    assert not suggester.is_occupation("711")  # a minor group, not a unit group
    assert suggester.is_skill("S1001") and not suggester.is_skill("S1002") and not suggester.is_skill("S9999")


def test_a_retired_occupation_is_never_suggested(suggester):
    assert [s.code for s in suggester.suggest("Bricklayer", "en")] == ["7112"]
    assert suggester.suggest("Stonemason", "en") == []


@pytest.fixture
def uow():
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    return lambda: SqlUnitOfWork(session_factory(engine), outbox=None)


def vacancy(i: int, created: datetime) -> Vacancy:
    draft = Draft(title=f"Cocinero {i}", description="Cocina de hotel con planilla y seguro.", language="es",
                  country="PE", pay=Pay(1500.0, "PEN", "month"), hours_per_week=48, contract_type="permanent",
                  occupation="5120")
    return Vacancy(id=f"00000000-0000-4000-8000-{i:012d}", employer_id="employer-a", submitter="employer-a",
                   draft=draft, status="published", findings=(), version=1, created_at=created, updated_at=created)


def test_timestamps_read_back_as_aware_utc_whatever_zone_they_were_written_in(uow):
    lima = datetime(2025, 8, 1, 7, 30, tzinfo=timezone(timedelta(hours=-5)))
    with uow() as work:
        work.vacancies.add(vacancy(1, lima))
    with uow() as work:
        stored = work.vacancies.get(vacancy(1, lima).id)
    assert stored.created_at == datetime(2025, 8, 1, 12, 30, tzinfo=UTC) and stored.created_at.tzinfo == UTC


def test_a_list_continues_after_the_position_it_was_given(uow):
    start = datetime(2025, 8, 1, 12, tzinfo=UTC)
    with uow() as work:
        for i in range(5):
            work.vacancies.add(vacancy(i, start + timedelta(minutes=i)))
    with uow() as work:
        first = work.vacancies.list(VacancyFilter(), 2, None)
        last = first[-1]
        rest = work.vacancies.list(VacancyFilter(), 10, (last.created_at.isoformat(), last.id))
    assert [v.draft.title for v in first + rest] == [f"Cocinero {i}" for i in (4, 3, 2, 1, 0)]
