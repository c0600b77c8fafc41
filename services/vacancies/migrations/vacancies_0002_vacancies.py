"""Create the employers, vacancies and vacancy_reviews tables."""

from alembic import op

from services.vacancies.adapters.sql import employers, metadata, reviews, vacancies

revision = "vacancies_0002"
down_revision = "vacancies_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(bind=op.get_bind(), tables=[employers, vacancies, reviews])


def downgrade() -> None:
    for table in ("vacancy_reviews", "vacancies", "employers"):
        op.drop_table(table)
