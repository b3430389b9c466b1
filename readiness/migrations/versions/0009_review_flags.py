"""review at scale: submission flags, superseded submissions, evidence_required criteria, evidence thumbnails,
messages by author

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from readiness.intake import evidence

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "submission_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("text_vi", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id", "code", name="uq_submission_flag"),
    )
    with op.batch_alter_table("submission_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_flag_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_submission_flag_submission_id"), ["submission_id"], unique=False)
    # Server defaults stay (new rows name their values): dropping them would make SQLite rebuild the tables.
    op.add_column("criterion", sa.Column("evidence_required", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("evidence_file", sa.Column("thumbnail", sa.LargeBinary(), nullable=True))
    _thumbnails()
    op.create_index("ix_comment_author", "comment", ["author", "at"], unique=False)
    # Pending submissions that a newer one for the same commune and date already replaced are superseded now, as
    # they would have been on the newer one's arrival.
    op.execute(
        """
        UPDATE submission SET review_status = 'superseded'
        WHERE review_status = 'pending' AND EXISTS (
            SELECT 1 FROM submission AS newer
            WHERE newer.commune_code = submission.commune_code
              AND newer.reporting_date = submission.reporting_date
              AND (newer.received_at > submission.received_at
                   OR (newer.received_at = submission.received_at AND newer.id > submission.id)))
        """
    )
    op.execute(
        """
        INSERT INTO submission_flag (submission_id, code, text_vi, text_en)
        SELECT id, 'superseded',
               'Một báo cáo mới hơn cùng ngày báo cáo thay thế báo cáo này: không duyệt được, không bao giờ được tính.',
               'A newer report for the same reporting date replaces it: it cannot be approved and never counts.'
        FROM submission WHERE review_status = 'superseded'
        """
    )


def _thumbnails() -> None:
    """Thumbnails for the images stored before, one row at a time (the originals can be large). An image the
    upload checks would refuse now keeps no thumbnail: pages then offer only its download."""
    connection = op.get_bind()
    table = sa.table(
        "evidence_file",
        sa.column("id", sa.Integer),
        sa.column("filename", sa.String),
        sa.column("media_type", sa.String),
        sa.column("content", sa.LargeBinary),
        sa.column("thumbnail", sa.LargeBinary),
    )
    ids = connection.execute(sa.select(table.c.id).where(table.c.media_type != evidence.PDF)).scalars().all()
    for evidence_id in ids:
        name, content = connection.execute(
            sa.select(table.c.filename, table.c.content).where(table.c.id == evidence_id)
        ).one()
        try:
            thumbnail = evidence.check(name, content).thumbnail
        except evidence.EvidenceError:
            continue
        connection.execute(sa.update(table).where(table.c.id == evidence_id).values(thumbnail=thumbnail))


def downgrade() -> None:
    op.drop_index("ix_comment_author", table_name="comment")
    op.execute("UPDATE submission SET review_status = 'pending' WHERE review_status = 'superseded'")
    # Plain ALTER TABLE DROP COLUMN (SQLite 3.35+): a batch rebuild would drop the criterion table, which results
    # reference.
    op.drop_column("evidence_file", "thumbnail")
    op.drop_column("criterion", "evidence_required")
    with op.batch_alter_table("submission_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_flag_submission_id"))
        batch_op.drop_index(batch_op.f("ix_submission_flag_code"))
    op.drop_table("submission_flag")
