"""boundary level: commune or province boundaries

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("boundary", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default="commune")
        )
    # Files stored before this revision are raw, unnormalised GeoJSON (the reason maps drew solid rectangles):
    # kept, but out of use until an admin loads the file again.
    op.execute("UPDATE boundary SET level = 'legacy'")


def downgrade() -> None:
    with op.batch_alter_table("boundary", schema=None) as batch_op:
        batch_op.drop_column("level")
