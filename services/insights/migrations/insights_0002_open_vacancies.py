"""Create the projection of the vacancies topic: one row per open vacancy, for counts by occupation and country."""

from alembic import op
from sqlalchemy import Column, Index, String

revision = "insights_0002"
down_revision = "insights_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Spelled out here (not imported from the adapter) so later changes to the code never rewrite history.
    op.create_table(
        "open_vacancies",
        Column("vacancy_id", String(36), primary_key=True),
        Column("occupation", String(4), nullable=False),
        Column("country", String(2), nullable=False),
        Index("ix_open_vacancies_cell", "country", "occupation"),
    )


def downgrade() -> None:
    op.drop_table("open_vacancies")
