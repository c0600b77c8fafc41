"""The insights service: aggregated statistics, a read-only projection of every topic."""

from services.insights.app import create_app
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="insights",
    create_app=create_app,
    consumes=("profiles", "vacancies", "credentials", "placements", "matches"),
)
