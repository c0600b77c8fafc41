"""Numbers a person types are read the way their page's language writes them, and refused rather than guessed."""

from decimal import Decimal

import pytest

from shared.i18n import read_number


@pytest.mark.parametrize(("lang", "typed", "number"), [
    ("es", "500.000", "500000"), ("es", "500000", "500000"), ("es", "1.500.000,50", "1500000.50"),
    ("es", "42,5", "42.5"), ("es", "5.000", "5000"), ("es", " 1 500 000 ", "1500000"),
    ("pt", "500.000", "500000"), ("pt", "2.200,75", "2200.75"), ("pt", "47,5", "47.5"), ("pt", "1\u00a0500", "1500"),
    ("en", "500,000", "500000"), ("en", "1,500,000.50", "1500000.50"), ("en", "42.5", "42.5"),
    ("en", "500.000", "500.000"), ("en", "-3", "-3")])
def test_a_number_written_the_languages_way_is_read_as_meant(lang, typed, number):
    assert read_number(typed, lang) == Decimal(number)


@pytest.mark.parametrize(("lang", "typed"), [
    ("es", "42.5"), ("es", "500.00"), ("es", "1,500,000"), ("es", "1.50.000"), ("pt", "42.5"), ("pt", "1,5,0"),
    ("en", "42,5"), ("en", "1.500.000,50"), ("en", "12 5"),
    ("es", ""), ("es", "NaN"), ("en", "Infinity"), ("en", "1e5"), ("es", "1_000"), ("es", "٣"), ("es", "$ 100"),
    ("es", "5,"), ("en", ".5")])
def test_a_number_that_could_be_misread_is_refused(lang, typed):
    with pytest.raises(ValueError):
        read_number(typed, lang)
