"""Alembic environment shared by every service; the engine is handed in by shared.db.migrate."""

from alembic import context
from sqlalchemy import text

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    if engine.dialect.name == "postgresql":
        # Parts started together (serve, relay, consume) all migrate on start; the first takes this lock and
        # the others wait, then find the schema at head, instead of racing to create the same tables.
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('puente.migrate'))"))
    context.configure(connection=connection, render_as_batch=engine.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
