"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from shared.db import make_engine
from shared.events import SchemaRegistry

ROOT = Path(__file__).resolve().parents[1]
TEST_SCHEMAS = ROOT / "tests" / "contracts" / "schemas"


@pytest.fixture(scope="session")
def registry() -> SchemaRegistry:
    """Return the project's schemas plus the test-only event types."""
    return SchemaRegistry([ROOT / "contracts" / "schemas", TEST_SCHEMAS])


def _required(name: str, what: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    message = f"{name} is not set: {what} (./scripts/test starts it for you)"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI must never skip the real parts silently
    pytest.skip(message)


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """Return the bootstrap address of the real Kafka broker the test run was given."""
    return _required("PUENTE_TEST_KAFKA", "a real Kafka broker's bootstrap address")


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """Return the admin URL of the real PostgreSQL server the test run was given."""
    return _required("PUENTE_TEST_DATABASE_URL", "a real PostgreSQL admin URL")


@pytest.fixture
def postgres_database(postgres_admin_url):
    """Create a fresh PostgreSQL database for one test and return a factory of its URLs."""
    created = []
    admin = make_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")

    def new(prefix: str = "t") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield new
    with admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def unique_topic():
    """Return a topic name no other test uses."""
    return lambda prefix="t": f"{prefix}.{uuid.uuid4().hex[:10]}"


@pytest.fixture
def smtp_server():
    """An SMTP sink on loopback for one test; ``received`` holds the raw mails."""
    from tests.smtp_sink import running_sink

    with running_sink() as server:
        yield server


@pytest.fixture(scope="session")
def smtp_url():
    """Return the URL of an SMTP sink on loopback, for processes that must send mail (the portal in production)."""
    from tests.smtp_sink import running_sink

    with running_sink() as server:
        yield f"smtp://127.0.0.1:{server.server_address[1]}"
