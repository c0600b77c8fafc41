"""Where the command line finds each service's definition."""

from __future__ import annotations

import importlib

from shared.service import ServiceDefinition
from shared.settings import SERVICES


def load_service(name: str) -> ServiceDefinition:
    """Return the definition of service ``name``."""
    if name not in SERVICES:
        raise KeyError(f"unknown service '{name}'; services are {', '.join(SERVICES)}")
    return importlib.import_module(f"services.{name}.app").SERVICE


def all_services() -> list[ServiceDefinition]:
    """Return every service's definition, portal last."""
    return [load_service(name) for name in SERVICES]
