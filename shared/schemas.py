"""Marshmallow fields every API loads people's text, codes and amounts with, so each refuses the same way.

- :class:`Text` — free text: no control characters (tabs and line breaks are kept).
- :class:`Line` — a title or a label: one line, trimmed, never blank.
- :class:`Name` — a person's or an organisation's name, or a document number: a :class:`Line` that also
  refuses invisible characters (direction overrides, zero-width spaces), which make it read differently
  from what is stored.
- :class:`CountryCode`, :class:`CurrencyCode` — ISO 3166-1 alpha-2 and ISO 4217 codes that exist.
- :class:`Amount` — a finite, non-negative amount of money with a sane ceiling.

Messages are msgids of the shared catalogue; the HTTP layer translates them with the field's pointer.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from shared.i18n import N_
from shared.inputs import BLANK, text_problem
from shared.iso import COUNTRIES, CURRENCIES

MAX_AMOUNT = 1_000_000_000_000  # a trillion of any currency: above every wage, below float trouble

UNKNOWN_COUNTRY = N_("Must be an ISO 3166-1 alpha-2 code such as PE.")
UNKNOWN_CURRENCY = N_("Use the ISO 4217 code of a currency in use today, such as PEN.")


class Text(fields.String):
    """A string without control characters; ``max_length``/``min_length`` count what is stored."""

    one_line = False
    visible = False
    strip = False

    def __init__(self, *, max_length: int | None = None, min_length: int | None = None, **kwargs: Any):
        validators = list(kwargs.pop("validate", None) or [])
        validators = [validators] if callable(validators) else validators
        if max_length is not None or min_length is not None:
            validators.insert(0, validate.Length(min=min_length, max=max_length))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text, one_line=self.one_line, visible=self.visible)
        if problem:
            raise ValidationError(problem)
        if self.strip:
            stripped = text.strip()
            if text and not stripped:
                raise ValidationError(BLANK)
            text = stripped
        return text


class Line(Text):
    """One line of text, trimmed; a value of spaces alone is refused, an empty one is too short."""

    one_line = True
    strip = True

    def __init__(self, *, min_length: int | None = 1, **kwargs: Any):
        super().__init__(min_length=min_length, **kwargs)


class Name(Line):
    """A name or a document number: one trimmed line with no invisible characters."""

    visible = True


class CountryCode(fields.String):
    """An ISO 3166-1 alpha-2 country code that exists (withdrawn and made-up codes are refused)."""

    def __init__(self, **kwargs: Any):
        metadata = {"description": "ISO 3166-1 alpha-2", "example": "PE", **kwargs.pop("metadata", {})}
        super().__init__(validate=validate.Regexp(r"^[A-Z]{2}$", error=UNKNOWN_COUNTRY), metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        code = super()._deserialize(value, attr, data, **kwargs)
        if code not in COUNTRIES:
            raise ValidationError(UNKNOWN_COUNTRY)
        return code


class CurrencyCode(fields.String):
    """The ISO 4217 code of a currency that is legal tender somewhere today."""

    def __init__(self, **kwargs: Any):
        metadata = {"description": "ISO 4217", "example": "PEN", **kwargs.pop("metadata", {})}
        super().__init__(validate=validate.Regexp(r"^[A-Z]{3}$", error=UNKNOWN_CURRENCY), metadata=metadata,
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        code = super()._deserialize(value, attr, data, **kwargs)
        if code not in CURRENCIES:
            raise ValidationError(UNKNOWN_CURRENCY)
        return code


class Amount(fields.Float):
    """A finite amount of money from 0 to :data:`MAX_AMOUNT` (``1e308`` and ``Infinity`` are refused)."""

    def __init__(self, **kwargs: Any):
        validators = kwargs.pop("validate", None) or validate.Range(min=0, max=MAX_AMOUNT)
        super().__init__(allow_nan=False, validate=validators, **kwargs)
