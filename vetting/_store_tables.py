"""The database schema at the newest migration, as SQLAlchemy Core tables.

The migrations in ``vetting/migrations/versions`` build this schema step by step; a test
compares a freshly migrated database with these tables, so the two cannot drift apart.
Constraint names are explicit so SQLite and PostgreSQL carry the same names.
"""

from __future__ import annotations

import sqlalchemy as sa

ID_LENGTH = 80  # models.Identifier allows at most 80 characters
RATER_LENGTH = 200

metadata = sa.MetaData()


def _timestamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


candidates = sa.Table(
    "candidates",
    metadata,
    sa.Column("candidate_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    _timestamp("created_at"),
    _timestamp("updated_at"),
)

# Every distinct portfolio a candidate submitted; a new upload adds a version.
portfolio_versions = sa.Table(
    "portfolio_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "candidate_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("candidates.candidate_id", name="fk_portfolio_versions_candidate"),
        nullable=False,
    ),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("portfolio_json", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    _timestamp("saved_at"),
    sa.UniqueConstraint("candidate_id", "version", name="uq_portfolio_versions_version"),
)

# The evidence engine's latest suggestion per criterion (a rating keeps the one it saw).
suggestions = sa.Table(
    "suggestions",
    metadata,
    sa.Column(
        "candidate_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("candidates.candidate_id", name="fk_suggestions_candidate"),
        primary_key=True,
    ),
    sa.Column("rubric_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("criterion_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("suggested_level", sa.Integer, nullable=True),
    sa.Column("confidence", sa.Float, nullable=False),
    _timestamp("computed_at"),
    sa.CheckConstraint(
        "suggested_level IS NULL OR suggested_level BETWEEN 1 AND 5",
        name="ck_suggestions_level",
    ),
)

# A rater's current level per criterion; ``version`` counts its changes (optimistic lock).
ratings = sa.Table(
    "ratings",
    metadata,
    sa.Column(
        "candidate_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("candidates.candidate_id", name="fk_ratings_candidate"),
        primary_key=True,
    ),
    sa.Column("rubric_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("rater", sa.String(RATER_LENGTH), primary_key=True),
    sa.Column("criterion_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("level", sa.Integer, nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("accepted_suggestion", sa.Boolean, nullable=False),
    sa.Column("suggested_level", sa.Integer, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    _timestamp("updated_at"),
    sa.CheckConstraint("level IS NULL OR level BETWEEN 1 AND 5", name="ck_ratings_level"),
)

# Append-only (database triggers refuse UPDATE and DELETE): one row per change.
rating_audit = sa.Table(
    "rating_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "candidate_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("candidates.candidate_id", name="fk_rating_audit_candidate"),
        nullable=False,
    ),
    sa.Column("rubric_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("rater", sa.String(RATER_LENGTH), nullable=False),
    sa.Column("criterion_id", sa.String(ID_LENGTH), nullable=True),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("old_level", sa.Integer, nullable=True),
    sa.Column("new_level", sa.Integer, nullable=True),
    sa.Column("old_note", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("accepted_suggestion", sa.Boolean, nullable=True),
    sa.Column("suggested_level", sa.Integer, nullable=True),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("after_submit", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_rating_audit_candidate", "candidate_id", "rubric_id", "id"),
)

# When a rater submitted a candidate's scorecard; others' ratings show only after it.
submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column(
        "candidate_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("candidates.candidate_id", name="fk_submissions_candidate"),
        primary_key=True,
    ),
    sa.Column("rubric_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("rater", sa.String(RATER_LENGTH), primary_key=True),
    _timestamp("submitted_at"),
)
