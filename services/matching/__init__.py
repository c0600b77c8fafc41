"""The matching service: ranking vacancies and candidates, built from events only."""

from services.matching.app import create_app
from services.matching.wiring import CONSUMES, handlers, on_tombstone
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="matching",
    create_app=create_app,
    consumes=CONSUMES,
    handlers=handlers,
    on_tombstone=on_tombstone,
    paths=("/api/v1/matches", "/api/v1/matching"),
)
