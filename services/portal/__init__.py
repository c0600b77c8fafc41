"""The portal: web pages and identity (users, organisations, API keys); it holds no domain data."""

from services.portal.app import create_app
from services.portal.demo import load_demo
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(name="portal", create_app=create_app, owns_api_keys=True, paths=("/api/v1/auth",),
                            demo=load_demo)
