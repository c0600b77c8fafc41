"""What a new employer meets first: a form set to their country, numbers in their language, the public page."""

import re

import pytest

from tests.unit.portal.conftest import VACANCY, sign_up, submit

NBSP = "\u00a0"
ES = {"Accept-Language": "es"}


def text(response) -> str:
    return response.get_data(as_text=True)


def selected(page: str, select_id: str) -> str | None:
    """Return the selected option's value of a select element."""
    block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    found = re.search(r'<option selected value="([^"]*)"', block)
    return found.group(1) if found else None


def value(page: str, input_id: str) -> str:
    return re.search(rf'<input[^>]*id="{input_id}"[^>]*value="([^"]*)"', page).group(1)


@pytest.mark.parametrize(("country", "currency"), [("CO", "COP"), ("BR", "BRL"), ("PE", "PEN")])
def test_a_new_vacancy_starts_in_the_employers_country_and_its_currency(visitor, mailer, country, currency):
    signed_up = sign_up(visitor, mailer, country=country)
    assert signed_up.status_code == 302
    page = text(visitor.get("/employer/vacancies/new"))
    assert selected(page, "country") == country and selected(page, "pay-currency") == currency


def test_the_new_vacancy_form_still_opens_when_the_employer_cannot_be_read(employer, fake):
    fake.employers.clear()
    page = employer.get("/employer/vacancies/new")
    assert page.status_code == 200 and selected(text(page), "country") is None


def test_the_edit_form_shows_amounts_and_hours_without_trailing_zeros(employer, fake):
    edit = submit(employer, "/employer/vacancies/new", {**VACANCY, "pay-amount": "900000.00",
                                                          "hours_per_week": "44.0"}, headers={"Accept-Language": "en"})
    page = text(employer.get(edit.location, headers=ES))
    assert value(page, "pay-amount") == "900000" and value(page, "hours_per_week") == "44"
    assert re.search(r'<input[^>]*id="pay-amount"[^>]*type="text"', page)  # a number input takes no "1.500.000"


@pytest.mark.parametrize(("lang", "amount", "hours", "expected_hours"), [
    ("es", "1.600.000", "47,5", 47.5), ("pt", "1.600.000", "47,5", 47.5), ("en", "1,600,000", "47.5", 47.5),
    ("es", "1600000", "44", 44)])
def test_the_form_reads_numbers_written_the_pages_way(employer, fake, lang, amount, hours, expected_hours):
    response = submit(employer, "/employer/vacancies/new", {**VACANCY, "pay-amount": amount, "hours_per_week": hours},
                      headers={"Accept-Language": lang})
    assert response.status_code == 302, text(response)
    (vacancy,) = fake.vacancies.values()
    assert vacancy["pay"]["amount"] == 1_600_000 and vacancy["hours_per_week"] == expected_hours
    edit = text(employer.get(f"/employer/vacancies/{vacancy['id']}/edit", headers={"Accept-Language": lang}))
    assert value(edit, "pay-amount") == "1600000"
    assert value(edit, "hours_per_week") == (hours.replace(".", ",") if lang != "en" else hours)


def test_a_number_written_another_languages_way_is_refused_with_an_example_not_misread(employer, fake):
    response = submit(employer, "/employer/vacancies/new", {**VACANCY, "hours_per_week": "47.5"}, headers=ES)
    page = text(response)
    assert response.status_code == 422 and not fake.vacancies
    assert '<a href="#hours_per_week">Escriba un número como 47,5</a>' in page
    assert value(page, "hours_per_week") == "47.5"  # what the person typed stays, to be corrected
    assert "Ingrese las horas" not in page and "de 0 a 168" not in page  # one message, not a range complaint too


def test_my_vacancies_shows_pay_and_hours_in_the_pages_language(employer, fake):
    submit(employer, "/employer/vacancies/new", {**VACANCY, "pay-amount": "1600000", "hours_per_week": "47,5"},
           headers=ES)
    spanish = text(employer.get("/employer/vacancies", headers=ES))
    assert f"1.600.000{NBSP}COP al mes · 47,5 horas por semana" in spanish
    english = text(employer.get("/employer/vacancies", headers={"Accept-Language": "en"}))
    assert f"COP{NBSP}1,600,000 a month · 47.5 hours a week" in english


def test_the_pay_check_dates_the_minimum_wage_in_the_pages_language(employer):
    page = text(submit(employer, "/employer/vacancies/new", {**VACANCY, "pay-amount": "1000000", "action": "check"},
                       headers=ES))
    assert "Son unos 1.000.000 COP al mes" in page and "(desde 1 de enero de 2025)" in page


def test_a_published_vacancy_links_to_its_public_page_from_the_list_and_the_edit_page(employer, fake):
    submit(employer, "/employer/vacancies/new", {**VACANCY, "pay-amount": "1600000"})
    (vacancy,) = fake.vacancies.values()
    listing = text(employer.get("/employer/vacancies"))
    assert f'<a href="{vacancy["url"]}">See the public page<span class="visually-hidden">: ' in listing
    edit = text(employer.get(f"/employer/vacancies/{vacancy['id']}/edit"))
    assert f'<a href="{vacancy["url"]}">{vacancy["url"]}</a>' in edit


def test_a_held_vacancy_has_no_public_page_to_link_to(employer, fake):
    submit(employer, "/employer/vacancies/new", VACANCY)  # 900000 COP is under the minimum: held
    (vacancy,) = fake.vacancies.values()
    assert vacancy["status"] == "held"
    assert "public page" not in text(employer.get("/employer/vacancies"))
    assert "public page" not in text(employer.get(f"/employer/vacancies/{vacancy['id']}/edit"))


def test_in_one_process_a_services_links_carry_the_host_the_browser_used():
    from flask import Flask, url_for

    from services.portal.adapters.http import WsgiTransport

    portal, service = Flask("portal"), Flask("service")

    @service.get("/jobs/<job>")
    def job(job):
        return {"url": url_for("job", job=job, _external=True)}

    with portal.test_request_context("/employer/vacancies", base_url="https://puente.example"):
        reply = WsgiTransport(service)("GET", "/jobs/j1", {}, None, None)
    assert reply.body["url"] == "https://puente.example/jobs/j1"


@pytest.mark.parametrize(("eligible", "said"), [
    (0, "Matches are still being prepared. Look again in a few minutes."),
    (2, "Eligible candidates so far: 2. Matches are still being prepared, so look again in a few minutes.")])
def test_my_vacancies_says_when_matches_are_still_being_prepared(employer, fake, matching, eligible, said):
    submit(employer, "/employer/vacancies/new", {**VACANCY, "pay-amount": "1600000"})
    (vacancy,) = fake.vacancies.values()
    matching.rank(vacancy["id"], vacancy["employer_id"], eligible=eligible)
    matching.preparing = True
    assert said in text(employer.get("/employer/vacancies"))
    matching.preparing = False
    assert "still being prepared" not in text(employer.get("/employer/vacancies"))
