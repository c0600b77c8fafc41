"""The vacancies service: employers, vacancies and the decent-work gate."""

from services.vacancies.app import create_app
from shared.service import ServiceDefinition


def _demo(container) -> int:
    from services.vacancies.demo import load

    return load(container)


SERVICE = ServiceDefinition(name="vacancies", create_app=create_app,
                            paths=("/api/v1/vacancies", "/api/v1/employers", "/jobs"), demo=_demo)
