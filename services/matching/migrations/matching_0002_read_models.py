"""Create the matching read models: profiles, vacancies, credentials, placements, suggestions, embeddings."""

from alembic import op

from services.matching.adapters.sql import TABLES, metadata

revision = "matching_0002"
down_revision = "matching_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(bind=op.get_bind(), tables=TABLES)


def downgrade() -> None:
    metadata.drop_all(bind=op.get_bind(), tables=TABLES)
