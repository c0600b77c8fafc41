"""InsightsService on fakes: vacancy events keep the open vacancies, and the table hides small counts."""

import pytest

from services.insights.adapters.memory import InMemoryUnitOfWork, memory_uow_factory
from services.insights.usecases import InsightsService
from shared.published.vacancies import parse
from tests.unit.insights.support import closed, held, new_id, published


def typed(*events):
    return [parse(e.type, e.data) for e in events]


@pytest.fixture
def fake():
    return InMemoryUnitOfWork()


@pytest.fixture
def service(fake):
    return InsightsService(memory_uow_factory(fake))


def cells(service):
    return {(c.occupation, c.country): (c.open_vacancies, c.suppressed) for c in service.open_vacancies().cells}


def test_published_vacancies_are_counted_by_occupation_and_country(service):
    service.record(typed(*(published(new_id(), "5120", "CO") for _ in range(6)), published(new_id(), "5120", "PE")))
    assert cells(service) == {("5120", "CO"): (6, False), ("5120", "PE"): (None, True)}


def test_a_vacancy_published_again_is_counted_once_in_its_new_occupation(service, fake):
    ids = [new_id() for _ in range(5)]
    service.record(typed(*(published(i, "5120", "CO") for i in ids)))
    service.record(typed(published(ids[0], "5120", "CO"), published(ids[1], "9412", "CO")))
    assert cells(service) == {("5120", "CO"): (None, True), ("9412", "CO"): (None, True)}
    assert sum(fake.vacancies.counts().values()) == 5


def test_held_and_closed_vacancies_are_not_open(service):
    ids = [new_id() for _ in range(7)]
    service.record(typed(*(published(i) for i in ids)))
    service.record(typed(held(ids[0]), closed(ids[1]), closed(new_id())))  # the last one was never seen open
    assert cells(service) == {("5120", "CO"): (5, False)}


def test_a_held_vacancy_that_passes_the_gate_again_is_open_again(service):
    ids = [new_id() for _ in range(5)]
    service.record(typed(*(published(i) for i in ids), held(ids[0])))
    assert cells(service) == {("5120", "CO"): (None, True)}
    service.record(typed(published(ids[0])))
    assert cells(service) == {("5120", "CO"): (5, False)}


def test_an_erased_vacancy_is_forgotten(service):
    vacancy_id = new_id()
    service.record(typed(published(vacancy_id)))
    service.forget(vacancy_id)
    assert cells(service) == {}


def test_a_run_of_events_that_fails_half_way_leaves_no_partial_effect(service, fake):
    service.record(typed(published(new_id())))

    def crashing():
        yield from typed(published(new_id()), closed(new_id()))
        raise RuntimeError("crashed after two events")

    with pytest.raises(RuntimeError):
        service.record(crashing())
    assert fake.vacancies.counts() == {("5120", "CO"): 1}
