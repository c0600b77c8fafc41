"""The matching service: ranking vacancies and candidates, built from events only."""

from services.matching.app import create_app
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="matching",
    create_app=create_app,
    consumes=("profiles", "vacancies", "credentials", "placements"),
)
