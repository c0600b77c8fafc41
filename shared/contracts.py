"""Generate the OpenAPI documents the services serve, for committing under contracts/openapi/."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from shared.bus import InMemoryBus
from shared.settings import Settings

if TYPE_CHECKING:
    from shared.service import ServiceDefinition


def served_openapi(service: ServiceDefinition, settings: Settings) -> dict:
    """Return the OpenAPI document one service serves at /api/v1/openapi.json."""
    from shared.service import build_container

    with tempfile.TemporaryDirectory() as tmp:
        doc_settings = dataclasses.replace(settings, database_url=f"sqlite:///{Path(tmp) / 'doc.db'}",
                                           secret_key="openapi-generation-only-" + "x" * 16)
        container = build_container(service, doc_settings, bus=InMemoryBus(), data_dir=Path(tmp))
        app = service.create_app(container)
        document = app.test_client().get("/api/v1/openapi.json").get_json()
        container.engine.dispose()
    return document

