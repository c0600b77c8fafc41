"""The portal's pages against requests no browser would send (issue 13): never a 500, never a header injected."""

import pytest

from tests.unit.portal.conftest import VACANCY, csrf


@pytest.mark.parametrize("target", ["/x%0d%0aSet-Cookie:%20sid=stolen", "/x%0aLocation:%20https://evil.example",
                                    "/%5cevil.example", "/\\evil.example", "/x%00y"])
def test_a_language_switch_back_to_an_unsafe_address_goes_home(visitor, target):
    response = visitor.get(f"/language/en?next={target}")
    assert response.status_code == 302 and response.location == "/"
    assert "stolen" not in str(response.headers)


def test_a_language_switch_back_to_a_page_of_this_site_keeps_its_query(visitor):
    response = visitor.get("/language/pt?next=/employer/vacancies%3Fcursor%3Dabc")
    assert response.status_code == 302 and response.location == "/employer/vacancies?cursor=abc"


@pytest.mark.parametrize("body", ["[1, 2]", '["email", "password"]', "[[1, 2, 3]]", '"text"', "42"])
def test_json_posted_to_a_page_form_is_refused_without_a_500(visitor, body):
    response = visitor.post("/signin", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 415, response.get_data(as_text=True)[:200]
    assert "<html" in response.get_data(as_text=True).lower()


def test_deeply_nested_json_posted_to_a_page_is_refused_without_a_500(visitor):
    response = visitor.post("/signup/employer", data="[" * 10000 + "]" * 10000,
                            headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 415)


def test_a_vacancy_form_with_a_nul_in_its_title_is_refused_field_by_field(employer, fake):
    response = employer.post("/employer/vacancies/new", data={
        "csrf_token": csrf(employer.get("/employer/vacancies/new").get_data(as_text=True)),
        **VACANCY, "title": "Cocinero\x00"})
    assert response.status_code == 422 and fake.vacancies == {}
    assert 'href="#title"' in response.get_data(as_text=True)


def test_a_sign_up_with_a_nul_or_a_direction_override_in_the_name_is_refused_on_the_field(visitor):
    from tests.unit.portal.conftest import EMPLOYER, submit

    for name in ("Panadería\x00", "Panader\u202eía"):
        response = submit(visitor, "/signup/employer", {**EMPLOYER, "name": name})
        assert response.status_code == 422 and 'href="#name"' in response.get_data(as_text=True)
