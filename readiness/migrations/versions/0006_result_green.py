"""green flag per result (cached like submission.green_count) and the index timeliness reads it from

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

from readiness.intake import submissions

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The server default stays (new rows always name their value): dropping it would make SQLite rebuild the table.
    op.add_column("result", sa.Column("green", sa.Boolean(), nullable=False, server_default=sa.false()))
    # Stored results are scored by the app's own rule (readiness.core.scoring), within this migration's transaction;
    # green counts are checked against the same scoring, so the two caches agree.
    with Session(bind=op.get_bind()) as session:
        submissions.recount(session)
    # Made after the flags are filled, so that filling them does not rewrite the index as well.
    op.create_index("ix_result_green", "result", ["submission_id", "green", "criterion_code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_result_green", table_name="result")
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.drop_column("green")
