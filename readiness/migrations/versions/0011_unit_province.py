"""unit.province_code: units, and the tasks they lead, belong to a province

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from readiness.core.settings import NATIONAL, get_settings

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The shipped data/units.toml lists Hà Nội's departments; `readiness units sync` applies an edited file afterwards.
_SHIPPED_DEPARTMENTS = "01"


def upgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("province_code", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_unit_province_code"), ["province_code"], unique=False)
    op.execute(
        "UPDATE unit SET province_code = (SELECT commune.province_code FROM commune WHERE commune.code = unit.code) "
        "WHERE kind = 'commune'"
    )
    installed = get_settings().province
    departments = installed if installed != NATIONAL else _SHIPPED_DEPARTMENTS
    op.execute(sa.text("UPDATE unit SET province_code = :code WHERE kind = 'department'").bindparams(code=departments))


def downgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_province_code"))
        batch_op.drop_column("province_code")
