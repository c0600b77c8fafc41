"""The credentials service: foreign-credential recognition."""

from services.credentials.app import create_app
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(name="credentials", create_app=create_app)
