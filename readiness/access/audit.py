"""The audit trail: who changed what, when, from which file. Rows are only ever appended."""

import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

# auth records its account changes here and this module asks auth who may read the trail: a module-level
# `from readiness import auth` resolves that cycle whichever of the two is imported first.
from readiness.access import permissions
from readiness.core.models import AuditEvent
from readiness.core.settings import get_settings

_COLUMNS = (
    AuditEvent.at,
    AuditEvent.actor,
    AuditEvent.action,
    AuditEvent.target,
    AuditEvent.detail,
    AuditEvent.file_sha256,
)


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


def events(
    session: Session,
    viewer: "permissions.Actor",
    actor: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """The trail, newest first, filtered by who, what and the days (inclusive, local time); `at` in local time."""
    permissions.require(viewer, permissions.Permission.VIEW_AUDIT)
    zone = ZoneInfo(get_settings().timezone)
    statement = select(*_COLUMNS).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if actor:
        statement = statement.where(AuditEvent.actor == actor)
    if action:
        statement = statement.where(AuditEvent.action == action)
    if since:
        statement = statement.where(AuditEvent.at >= datetime.combine(since, time.min, tzinfo=zone))
    if until:
        statement = statement.where(AuditEvent.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone))
    result = session.execute(statement)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.tz_convert(zone)
    frame["file_sha256"] = frame["file_sha256"].fillna("")
    return frame


def choices(session: Session, viewer: "permissions.Actor") -> tuple[list[str], list[str]]:
    """The actors and the actions that occur in the trail, for filters."""
    permissions.require(viewer, permissions.Permission.VIEW_AUDIT)
    actors = session.execute(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor)).scalars().all()
    actions = session.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars().all()
    return list(actors), list(actions)


def to_csv(frame: pd.DataFrame) -> bytes:
    # With a byte-order mark Excel opens the file as UTF-8 and keeps the Vietnamese diacritics.
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame) -> bytes:
    # Excel has no time zones: write local wall-clock times (the page's column header says which zone).
    sheet = frame.apply(lambda c: c.dt.tz_localize(None) if isinstance(c.dtype, pd.DatetimeTZDtype) else c)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        sheet.to_excel(writer, index=False, sheet_name="audit")
        worksheet = writer.sheets["audit"]
        worksheet.freeze_panes = "A2"
        for column, width, dtype in zip(worksheet.iter_cols(), (20, 16, 24, 28, 40, 66), sheet.dtypes, strict=False):
            worksheet.column_dimensions[column[0].column_letter].width = width
            if pd.api.types.is_datetime64_any_dtype(dtype):
                for cell in column[1:]:
                    cell.number_format = "dd/mm/yyyy hh:mm:ss"
    return buffer.getvalue()
