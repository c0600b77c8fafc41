"""Free text leaves the service without e-mails, phones, document numbers or the person's names."""

import pytest

from services.profiles.domain.scrub import DOCUMENT, EMAIL, NAME, PHONE, scrub


@pytest.mark.parametrize(("text", "secret", "token"), [
    ("Escribir a maria.perez@gmail.com por favor", "maria.perez@gmail.com", EMAIL),
    ("Llamar al +58 414 123 4567 en la tarde", "414 123 4567", PHONE),
    ("Celular 0412-5551234", "5551234", PHONE),
    ("Meu telefone é (95) 98123-4567", "98123-4567", PHONE),
    ("Tél 06 12 34 56 78 le matin", "06 12 34 56 78", PHONE),
    ("Rele m nan 3712-3456", "3712-3456", PHONE),
    ("Cédula V-12.345.678 vigente", "12.345.678", DOCUMENT),
    ("Mi CPF é 123.456.789-09", "123.456.789-09", DOCUMENT),
    ("Numéro de passeport : AB1234567", "AB1234567", DOCUMENT),
    ("Nimewo paspò mwen se HT1234567", "1234567", DOCUMENT),
    ("Passport no. 123456789", "123456789", DOCUMENT),
    ("carnet de extranjería nº 001234567", "001234567", DOCUMENT),
    ("DNI 45678912", "45678912", DOCUMENT),
])
def test_contacts_and_document_numbers_are_replaced_in_every_language(text, secret, token):
    cleaned = scrub(text, country="CO")
    assert secret not in cleaned
    assert token in cleaned


@pytest.mark.parametrize("text", [
    "Albañil con 10 años de experiencia, trabajé 2015-2019 en Caracas",
    "Trabalhei de 2019 a 2022 como cozinheiro, turnos de 8 horas",
    "Obras de 200 m2 desde 01/03/2018",
    "I have 3 children and 12 years as a forklift driver",
])
def test_years_dates_and_small_numbers_that_matching_needs_are_kept(text):
    assert scrub(text, country="PE") == text


def test_the_persons_own_values_and_names_are_removed_even_in_unusual_forms():
    text = "Soy Yuleisy Cárdenas, mi código es XK-99; Yuleisy cocina bien"
    cleaned = scrub(text, known=["XK-99"], names=["Yuleisy", "Cárdenas"])
    assert "Yuleisy" not in cleaned and "Cárdenas" not in cleaned and "XK-99" not in cleaned
    assert cleaned.count(NAME) == 3 and "cocina bien" in cleaned
