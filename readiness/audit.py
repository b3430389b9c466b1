"""The audit trail: who changed what, when, from which file. Rows are only ever appended."""

from datetime import UTC, datetime

from sqlmodel import Session

from readiness.models import AuditEvent


def record(
    session: Session,
    actor: str,
    action: str,
    target: str = "",
    detail: str = "",
    file_sha256: str | None = None,
) -> None:
    """Append one event in the caller's transaction, so it lands exactly when the change it describes does."""
    session.add(
        AuditEvent(
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            target=target,
            detail=detail,
            file_sha256=file_sha256,
        )
    )
