"""The credentials service: foreign-credential recognition, as guidance a counsellor can act on."""

from services.credentials.app import create_app
from services.credentials.demo import load_demo
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(name="credentials", create_app=create_app, demo=load_demo)
