"""The profiles service: migrant skill profiles."""

from services.profiles.app import create_app
from services.profiles.demo import load_demo
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(name="profiles", create_app=create_app, demo=load_demo)
