"""review states, evidence files, comments

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Submissions stored before review existed were taken as true: they become approved, so no figure moves. The
    # server defaults stay (new rows always name their values): dropping them would make SQLite rebuild the table,
    # and dropping the submission table there fires the ON DELETE CASCADE of its results.
    op.add_column(
        "submission", sa.Column("review_status", sa.String(length=16), nullable=False, server_default="approved")
    )
    op.add_column(
        "submission", sa.Column("review_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
    )
    op.add_column(
        "submission",
        sa.Column("review_criteria", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""),
    )
    op.add_column("submission", sa.Column("reviewed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column("submission", sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.drop_index("ix_submission_latest", table_name="submission")
    op.create_index(
        "ix_submission_latest",
        "submission",
        ["commune_code", "reporting_date", "received_at", "id", "review_status"],
        unique=False,
    )
    op.create_index(op.f("ix_submission_review_status"), "submission", ["review_status"], unique=False)

    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("criterion_code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("uploaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["commune.code"]),
        sa.ForeignKeyConstraint(["criterion_code"], ["criterion.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evidence_file_commune", ["commune_code", "criterion_code", "uploaded_at"], unique=False
        )

    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("criterion_code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["commune.code"]),
        sa.ForeignKeyConstraint(["criterion_code"], ["criterion.code"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index("ix_comment_commune", ["commune_code", "at"], unique=False)


def downgrade() -> None:
    op.drop_table("comment")
    op.drop_table("evidence_file")
    op.drop_index(op.f("ix_submission_review_status"), table_name="submission")
    op.drop_index("ix_submission_latest", table_name="submission")
    op.create_index(
        "ix_submission_latest", "submission", ["commune_code", "reporting_date", "received_at", "id"], unique=False
    )
    for column in ("reviewed_at", "reviewed_by", "review_criteria", "review_reason", "review_status"):
        op.drop_column("submission", column)
