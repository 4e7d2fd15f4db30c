"""Initial schema: candidates with portfolio versions, suggestions, ratings, audit trail.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _timestamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _candidate_fk(table: str, primary_key: bool) -> sa.Column[object]:
    return sa.Column(
        "candidate_id",
        sa.String(80),
        sa.ForeignKey("candidates.candidate_id", name=f"fk_{table}_candidate"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    op.create_table(
        "candidates",
        sa.Column("candidate_id", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
    )
    op.create_table(
        "portfolio_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _candidate_fk("portfolio_versions", primary_key=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("portfolio_json", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        _timestamp("saved_at"),
        sa.UniqueConstraint("candidate_id", "version", name="uq_portfolio_versions_version"),
    )
    op.create_table(
        "suggestions",
        _candidate_fk("suggestions", primary_key=True),
        sa.Column("rubric_id", sa.String(80), primary_key=True),
        sa.Column("criterion_id", sa.String(80), primary_key=True),
        sa.Column("suggested_level", sa.Integer, nullable=True),
        sa.Column("confidence", sa.Float, nullable=False),
        _timestamp("computed_at"),
        sa.CheckConstraint(
            "suggested_level IS NULL OR suggested_level BETWEEN 1 AND 5",
            name="ck_suggestions_level",
        ),
    )
    op.create_table(
        "ratings",
        _candidate_fk("ratings", primary_key=True),
        sa.Column("rubric_id", sa.String(80), primary_key=True),
        sa.Column("rater", sa.String(200), primary_key=True),
        sa.Column("criterion_id", sa.String(80), primary_key=True),
        sa.Column("level", sa.Integer, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("accepted_suggestion", sa.Boolean, nullable=False),
        sa.Column("suggested_level", sa.Integer, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        _timestamp("updated_at"),
        sa.CheckConstraint("level IS NULL OR level BETWEEN 1 AND 5", name="ck_ratings_level"),
    )
    op.create_table(
        "rating_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _candidate_fk("rating_audit", primary_key=False),
        sa.Column("rubric_id", sa.String(80), nullable=False),
        sa.Column("rater", sa.String(200), nullable=False),
        sa.Column("criterion_id", sa.String(80), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_level", sa.Integer, nullable=True),
        sa.Column("new_level", sa.Integer, nullable=True),
        sa.Column("old_note", sa.Text, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("accepted_suggestion", sa.Boolean, nullable=True),
        sa.Column("suggested_level", sa.Integer, nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
    )


def downgrade() -> None:
    for table in ("rating_audit", "ratings", "suggestions", "portfolio_versions", "candidates"):
        op.drop_table(table)
