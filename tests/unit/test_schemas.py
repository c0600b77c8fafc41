"""The shared marshmallow fields every API loads people's text, codes and amounts with."""

import pytest
from marshmallow import Schema, ValidationError

from shared.iso import COUNTRIES, CURRENCIES
from shared.schemas import Amount, CountryCode, CurrencyCode, Name, Text


class Person(Schema):
    name = Name(required=True, max_length=40)
    note = Text(load_default="", max_length=100)
    country = CountryCode(required=True)
    currency = CurrencyCode(load_default=None, allow_none=True)
    amount = Amount(load_default=None, allow_none=True)


GOOD = {"name": "  María José  ", "country": "VE"}


def refused(**changes) -> dict:
    with pytest.raises(ValidationError) as err:
        Person().load({**GOOD, **changes})
    return err.value.messages


def test_a_name_is_stored_without_surrounding_spaces():
    assert Person().load(GOOD)["name"] == "María José"


@pytest.mark.parametrize("blank", ["", "   ", "\t \n", "\u00a0\u3000"])
def test_a_name_of_spaces_alone_is_refused(blank):
    assert list(refused(name=blank)) == ["name"]


@pytest.mark.parametrize("hidden", ["\u202eAna", "An\u200ba", "Ana\u2066x\u2069", "\ufeffAna", "A\u200dna"])
def test_a_name_with_direction_overrides_or_zero_width_characters_is_refused(hidden):
    assert list(refused(name=hidden)) == ["name"]


@pytest.mark.parametrize("control", ["A\x00na", "Ana\x1b[31m", "Ana\x7f", "Ana\x85"])
def test_control_characters_are_refused_in_names_and_texts(control):
    assert list(refused(name=control)) == ["name"]
    assert list(refused(note=control)) == ["note"]


def test_a_text_keeps_its_line_breaks_and_tabs():
    assert Person().load({**GOOD, "note": "uno\n\tdos\r\n"})["note"] == "uno\n\tdos\r\n"


def test_a_name_over_its_length_is_refused_after_trimming():
    assert Person().load({**GOOD, "name": " " * 50 + "Ana"})["name"] == "Ana"
    assert list(refused(name="A" * 41)) == ["name"]


@pytest.mark.parametrize("code", ["XX", "ZZ", "EU", "SU", "co", "COL"])
def test_a_country_code_outside_iso_3166_is_refused(code):
    assert list(refused(country=code)) == ["country"]


def test_the_countries_are_the_iso_3166_list():
    assert {"AR", "BR", "CO", "HT", "VE", "AQ", "PS"} <= COUNTRIES and len(COUNTRIES) >= 249
    assert not {"EU", "ZZ", "SU", "YU", "UN"} & COUNTRIES


@pytest.mark.parametrize("code", ["XYZ", "VEF", "usd", "US"])
def test_a_currency_code_outside_iso_4217_in_use_today_is_refused(code):
    assert list(refused(currency=code)) == ["currency"]


def test_currencies_in_use_are_accepted():
    assert {"COP", "PEN", "BRL", "VES", "USD", "HTG", "EUR"} <= CURRENCIES
    assert Person().load({**GOOD, "currency": "VES"})["currency"] == "VES"


@pytest.mark.parametrize("amount", [1e308, -1, float("inf"), 1e13])
def test_an_amount_outside_its_bounds_is_refused(amount):
    assert list(refused(amount=amount)) == ["amount"]


def test_an_ordinary_amount_is_accepted():
    assert Person().load({**GOOD, "amount": 1_750_905.5})["amount"] == 1_750_905.5
