"""task messages: a comment belongs to a commune's thread or to a task's

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task_id", sa.Integer(), nullable=True))
        batch_op.alter_column("commune_code", existing_type=sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True)
        batch_op.create_foreign_key("fk_comment_task_id", "task", ["task_id"], ["id"])
        batch_op.create_index("ix_comment_task", ["task_id", "at"], unique=False)
        batch_op.create_check_constraint("ck_comment_one_thread", "(commune_code IS NULL) <> (task_id IS NULL)")


def downgrade() -> None:
    # A task's messages have no commune to keep them under.
    op.execute("DELETE FROM comment WHERE task_id IS NOT NULL")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_constraint("ck_comment_one_thread", type_="check")
        batch_op.drop_index("ix_comment_task")
        batch_op.drop_constraint("fk_comment_task_id", type_="foreignkey")
        batch_op.alter_column("commune_code", existing_type=sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False)
        batch_op.drop_column("task_id")
