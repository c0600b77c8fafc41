"""HTTP views of the insights service: thin (use case -> dump)."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from services.insights.schemas import VacancyTable
from services.insights.usecases import InsightsService
from shared.auth import requires

blp = Blueprint("insights", __name__, url_prefix="/api/v1/insights", description="Aggregated statistics")
READERS = ("ministry", "admin", "counsellor")


def service() -> InsightsService:
    """Return the use cases from the running app."""
    return current_app.extensions["insights.service"]


@blp.get("/vacancies")
@blp.response(200, VacancyTable)
@blp.doc(security=[{"bearerAuth": []}])
@requires(*READERS)
def vacancies():
    """Count open vacancies by ISCO-08 occupation and country; counts under the threshold are suppressed."""
    return service().open_vacancies()
