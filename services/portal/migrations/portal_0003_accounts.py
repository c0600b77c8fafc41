"""Create the tables of people's accounts, organisations, signed-in sessions and the cookie key."""

from alembic import op

from services.portal.adapters.sql import organisations, portal_keys, portal_metadata, users, web_sessions

revision = "portal_0003"
down_revision = "portal_0002"
branch_labels = None
depends_on = None

TABLES = [organisations, users, web_sessions, portal_keys]


def upgrade() -> None:
    portal_metadata.create_all(bind=op.get_bind(), tables=TABLES)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table.name)
