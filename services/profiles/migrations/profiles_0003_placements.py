"""Create the placement pipeline (placements, introductions, introduction requests), the vacancies known from the
vacancies topic, and index every profile's names and document numbers for the list's search."""

import re
import unicodedata

from alembic import op
from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, UniqueConstraint
from sqlalchemy import delete as sql_delete
from sqlalchemy import insert as sql_insert
from sqlalchemy import select as sql_select
from sqlalchemy.dialects.postgresql import JSONB

revision = "profiles_0003"
down_revision = "profiles_0002"
branch_labels = None
depends_on = None

SEARCH_KINDS = ("name", "docnum", "docnid")


def _fold_words(text: str) -> set[str]:
    # As shared.text.fold(text, punctuation=False) read when this migration was written.
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", (text or "").casefold())
                    if not unicodedata.combining(ch))
    return set(re.sub(r"[^\w\s]", " ", plain).split())


def _document_number(doc: dict) -> str:
    # As services/profiles/domain/duplicates.document_key read (without its country) when this was written.
    number = re.sub(r"[^0-9A-Za-z]", "", doc.get("number") or "").upper()
    if doc.get("type") == "national_id":
        number = re.sub(r"^[A-Z]{1,2}(?=\d)", "", number).lstrip("0") or number
    return number


def _search_keys(document: dict) -> set[tuple[str, str]]:
    identity = document["details"]["identity"]
    keys = {("name", w) for w in _fold_words(f"{identity['given_names']} {identity['family_names']}")}
    for doc in identity.get("documents") or []:
        number = _document_number(doc)
        if number:
            keys.add(("docnid" if doc.get("type") == "national_id" else "docnum", number))
    return keys


def upgrade() -> None:
    # Spelled out here (not imported from the adapter) so later changes to the code never rewrite history.
    json_type = JSON().with_variant(JSONB, "postgresql")
    op.create_table(
        "placements",
        Column("id", String(36), primary_key=True),
        Column("profile_id", String(36), ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
        Column("centre", String(64), nullable=False),
        Column("vacancy_id", String(36), nullable=False),
        Column("stage", String(16), nullable=False),
        Column("version", Integer, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("history", json_type, nullable=False),
        UniqueConstraint("profile_id", "vacancy_id", name="uq_placements_profile_vacancy"),
        Index("ix_placements_centre_created", "centre", "created_at", "id"),
        Index("ix_placements_profile_updated", "profile_id", "updated_at"),
        Index("ix_placements_vacancy", "vacancy_id"),
    )
    op.create_table(
        "introductions",
        Column("id", String(36), primary_key=True),
        Column("placement_id", String(36), ForeignKey("placements.id", ondelete="CASCADE"), nullable=False,
               unique=True),
        Column("profile_id", String(36), ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
        Column("centre", String(64), nullable=False),
        Column("vacancy_id", String(36), nullable=False),
        Column("employer_org", String(200), nullable=False),
        Column("consented_at", DateTime(timezone=True), nullable=False),
        Column("consent", json_type, nullable=False),
        Index("ix_introductions_vacancy", "vacancy_id", "consented_at", "id"),
        Index("ix_introductions_profile", "profile_id"),
    )
    op.create_table(
        "introduction_requests",
        Column("id", String(36), primary_key=True),
        Column("vacancy_id", String(36), nullable=False),
        Column("employer_org", String(200), nullable=False),
        Column("profile_id", String(36), ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
        Column("centre", String(64), nullable=False),
        Column("requested_by", String(200), nullable=False),
        Column("requested_at", DateTime(timezone=True), nullable=False),
        Column("status", String(12), nullable=False),
        Column("closed_at", DateTime(timezone=True), nullable=True),
        Index("ix_introduction_requests_centre", "centre", "status", "requested_at", "id"),
        Index("ix_introduction_requests_employer", "employer_org", "requested_at", "id"),
        Index("ix_introduction_requests_pair", "vacancy_id", "profile_id"),
    )
    op.create_table(
        "known_vacancies",
        Column("vacancy_id", String(36), primary_key=True),
        Column("employer_org", String(200), nullable=False),
        Column("title", String(200), nullable=True),
        Column("country", String(2), nullable=False),
        Column("status", String(8), nullable=False),
        Column("changed_at", DateTime(timezone=True), nullable=False),
    )

    # The search keys of the profiles registered before: name words and document numbers.
    meta = MetaData()
    profiles = Table("profiles", meta, Column("id", String(36)), Column("document", json_type))
    keys = Table("profile_keys", meta, Column("profile_id", String(36)), Column("kind", String(16)),
                 Column("value", String(200)))
    bind, last = op.get_bind(), ""
    while True:  # in batches by id, so a large table is never read into memory at once
        batch = bind.execute(sql_select(profiles.c.id, profiles.c.document).where(profiles.c.id > last)
                             .order_by(profiles.c.id).limit(500)).all()
        if not batch:
            break
        rows = [{"profile_id": profile_id, "kind": kind, "value": value}
                for profile_id, document in batch for kind, value in sorted(_search_keys(document))]
        if rows:
            bind.execute(sql_insert(keys), rows)
        last = batch[-1][0]


def downgrade() -> None:
    keys = Table("profile_keys", MetaData(), Column("kind", String(16)))
    op.get_bind().execute(sql_delete(keys).where(keys.c.kind.in_(SEARCH_KINDS)))
    op.drop_table("known_vacancies")
    op.drop_table("introduction_requests")
    op.drop_table("introductions")
    op.drop_table("placements")
