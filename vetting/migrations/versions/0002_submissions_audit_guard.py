"""Rater submissions, the audit trail made append-only, and an index to read it fast.

- ``submissions``: when a rater submitted a candidate's scorecard; other raters' levels
  stay hidden from a rater until then.
- ``rating_audit.after_submit``: whether a change came after the rater had submitted
  (and so could have seen the panel); rows written before this revision get false.
- Triggers refuse UPDATE and DELETE on ``rating_audit`` and ``portfolio_versions`` and
  DELETE on ``ratings``: nothing saved can be overwritten or removed, even by hand.

Revision ID: 0002_submissions_audit_guard
Revises: 0001_initial
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_submissions_audit_guard"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

# (table, operations the database refuses on it)
_GUARDED = (
    ("rating_audit", ("UPDATE", "DELETE")),
    ("portfolio_versions", ("UPDATE", "DELETE")),
    ("ratings", ("DELETE",)),
)


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column(
            "candidate_id",
            sa.String(80),
            sa.ForeignKey("candidates.candidate_id", name="fk_submissions_candidate"),
            primary_key=True,
        ),
        sa.Column("rubric_id", sa.String(80), primary_key=True),
        sa.Column("rater", sa.String(200), primary_key=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("rating_audit") as batch:
        batch.add_column(
            sa.Column("after_submit", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_index(
        "ix_rating_audit_candidate", "rating_audit", ["candidate_id", "rubric_id", "id"]
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE FUNCTION vetting_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'vetting: % on % is refused: saved rows are kept',
                    TG_OP, TG_TABLE_NAME;
            END
            $$ LANGUAGE plpgsql
            """
        )
    for table, operations in _GUARDED:
        for operation in operations:
            name = f"{table}_no_{operation.lower()}"
            if dialect == "postgresql":
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION vetting_refuse_change()"
                )
            else:
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {table} BEGIN "
                    f"SELECT RAISE(ABORT, 'vetting: {operation} on {table} is refused: "
                    "saved rows are kept'); END"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, operations in _GUARDED:
        for operation in operations:
            name = f"{table}_no_{operation.lower()}"
            on_table = f" ON {table}" if dialect == "postgresql" else ""
            op.execute(f"DROP TRIGGER IF EXISTS {name}{on_table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS vetting_refuse_change()")
    op.drop_index("ix_rating_audit_candidate", table_name="rating_audit")
    with op.batch_alter_table("rating_audit") as batch:
        batch.drop_column("after_submit")
    op.drop_table("submissions")
