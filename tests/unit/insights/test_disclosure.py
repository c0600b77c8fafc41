"""The suppression rule: what may be published of open-vacancy counts by occupation and country."""

import pytest

from services.insights.domain.disclosure import THRESHOLD, PublishedCell, publish
from services.insights.domain.model import OpenVacancy, count_by_cell


def test_a_cell_under_five_is_published_without_its_number():
    table = publish({("5120", "CO"): 4, ("2221", "PE"): 5})
    assert THRESHOLD == 5 and table.threshold == 5
    assert table.cells == (PublishedCell("5120", "CO", None, True), PublishedCell("2221", "PE", 5, False))


def test_cells_come_by_country_then_occupation_and_empty_ones_are_left_out():
    table = publish({("7112", "PE"): 9, ("2221", "PE"): 6, ("5120", "CO"): 7, ("9999", "BR"): 0})
    assert [(c.country, c.occupation) for c in table.cells] == [("CO", "5120"), ("PE", "2221"), ("PE", "7112")]


def test_a_suppressed_count_never_appears_anywhere_in_the_table():
    table = publish({("5120", "CO"): 3, ("2221", "CO"): 40}, threshold=5)
    assert [c.open_vacancies for c in table.cells] == [40, None]
    assert not hasattr(table, "total")  # a total would give the hidden 3 back by subtraction


def test_the_threshold_can_be_raised_but_not_below_one():
    assert publish({("5120", "CO"): 7}, threshold=10).cells[0].suppressed
    with pytest.raises(ValueError):
        publish({}, threshold=0)


def test_open_vacancies_are_counted_per_occupation_and_country():
    vacancies = [OpenVacancy("a", "5120", "CO"), OpenVacancy("b", "5120", "CO"), OpenVacancy("c", "5120", "PE")]
    assert count_by_cell(vacancies) == {("5120", "CO"): 2, ("5120", "PE"): 1}
