"""Create the tables of people's own settings: saved searches and job alerts (with the ids of the strong matches
each found) and employers' notification choices."""

from alembic import op

from services.portal.adapters.sql import alert_hits, notice_settings, portal_metadata, saved_searches

revision = "portal_0006_lists"
down_revision = "portal_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    portal_metadata.create_all(bind=op.get_bind(), tables=[saved_searches, alert_hits, notice_settings])


def downgrade() -> None:
    for table in (alert_hits, saved_searches, notice_settings):
        op.drop_table(table.name)
