"""Response schemas of the insights API."""

from marshmallow import Schema, fields


class VacancyCell(Schema):
    occupation = fields.String(required=True, metadata={"description": "ISCO-08 unit group", "pattern": "^[0-9]{4}$"})
    country = fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2", "pattern": "^[A-Z]{2}$"})
    open_vacancies = fields.Integer(required=True, allow_none=True,
                                    metadata={"description": "Open vacancies; null when suppressed"})
    suppressed = fields.Boolean(required=True, metadata={"description": "True when the count is under the "
                                                                        "threshold and is not shown"})


class VacancyTable(Schema):
    threshold = fields.Integer(required=True, metadata={"description": "Counts under this number are suppressed"})
    cells = fields.List(fields.Nested(VacancyCell), required=True,
                        metadata={"description": "One per occupation and country with an open vacancy, "
                                                 "by country then occupation"})
