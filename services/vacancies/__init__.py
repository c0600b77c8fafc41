"""The vacancies service: employers, vacancies and the decent-work gate."""

from services.vacancies.app import create_app
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(name="vacancies", create_app=create_app)
