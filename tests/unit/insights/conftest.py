"""Fixtures for the insights app: the real container on a fresh SQLite file and an in-memory bus."""

from __future__ import annotations

import pytest

from services.insights.app import SERVICE
from shared.bus import InMemoryBus
from shared.service import build_container
from shared.settings import load_settings


@pytest.fixture
def container(tmp_path):
    container = build_container(SERVICE, load_settings({}, bus="memory", secret_key="i" * 40), bus=InMemoryBus(),
                                data_dir=tmp_path)
    yield container
    container.engine.dispose()


@pytest.fixture
def bearer(container):
    """Return the Authorization header of someone with ``role``."""

    def make(role: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + container.issuer.issue("user-1", role, "org-1")}

    return make
