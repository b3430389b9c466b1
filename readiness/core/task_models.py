"""Tables of the Resolution 57 task register: units, tasks, deadline extensions, progress reports, completions and
their evidence. Imported by readiness.core.models, so that every table is on SQLModel.metadata with the others.

Nothing here is ever overwritten to change history: an extension is a new row beside the original deadline, a
progress report or a completion is a new row, and a completion moves only through review (pending → approved or
returned), like a submission.
"""

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, String
from sqlmodel import Field, SQLModel

from readiness.core.enums import Origin, ReviewStatus, TaskLevel, UnitKind


class Unit(SQLModel, table=True):
    """A unit that leads or coordinates tasks: a department or agency of the province (data/units.toml), or a
    commune of the registry (its code is the commune's). A task belongs to its lead unit's province."""

    code: str = Field(primary_key=True, max_length=16)
    name: str
    kind: UnitKind = Field(sa_type=String(16))
    # The province the unit works for: a commune's own, a department's as data/units.toml says (national mode) or
    # the installation's.
    province_code: str = Field(default="", max_length=2, index=True)
    # Comma-separated addresses that receive the unit's own warning list.
    emails: str = ""
    position: int = 0


def task_units(lead_unit_code: str, coordinating_unit_codes: str) -> list[str]:
    """A task's units: the lead unit, then the coordinating ones (stored as codes separated by ";")."""
    return [lead_unit_code, *(code for code in coordinating_unit_codes.split(";") if code)]


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    content: str
    # The document that assigned it (văn bản giao), e.g. "Kế hoạch 02-KH/BCĐTW".
    source_document: str = ""
    level: TaskLevel = Field(sa_type=String(16), index=True)
    # The objective (the O of OKR) it serves.
    objective: str = ""
    lead_unit_code: str = Field(foreign_key="unit.code", max_length=16, index=True)
    # Codes separated by ";".
    coordinating_unit_codes: str = ""
    # The deadline as assigned; None for a continuous task (Thường xuyên). Extensions never change it.
    deadline: date | None = None
    kpi_indicator: str = ""
    kpi_target: float | None = None
    kpi_unit: str = ""
    created_at: datetime
    updated_at: datetime
    updated_by: str
    import_file_id: int | None = Field(default=None, foreign_key="import_file.id")
    # Where the task came from: the plan workbook ("upload") or the demo ("demo", removed by `demo --clear`).
    origin: Origin = Field(default=Origin.UPLOAD, sa_type=String(24))

    @property
    def units(self) -> list[str]:
        return task_units(self.lead_unit_code, self.coordinating_unit_codes)


class TaskExtension(SQLModel, table=True):
    """A deadline extended by a decision: from its decision date on, the task's deadline is `deadline`."""

    __tablename__ = "task_extension"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    deadline: date
    decision_number: str
    decision_date: date
    recorded_by: str
    recorded_at: datetime


class TaskProgress(SQLModel, table=True):
    __tablename__ = "task_progress"
    __table_args__ = (Index("ix_task_progress_task", "task_id", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    percent: float | None = None
    result: str = ""
    difficulties: str = ""
    # The KPI's current value, when the task has one.
    kpi_value: float | None = None
    reported_by: str
    received_at: datetime
    import_file_id: int | None = Field(default=None, foreign_key="import_file.id")


class TaskCompletion(SQLModel, table=True):
    """A task reported done. Reported by a unit or commune account it waits for the DOST's review; which
    completions count follows READINESS_COUNTS as for submissions (a returned one never counts)."""

    __tablename__ = "task_completion"
    __table_args__ = (Index("ix_task_completion_task", "task_id", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    done_on: date
    result: str = ""
    reported_by: str
    received_at: datetime
    import_file_id: int | None = Field(default=None, foreign_key="import_file.id")
    review_status: ReviewStatus = Field(default=ReviewStatus.PENDING, sa_type=String(16), index=True)
    review_reason: str = ""
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None


class TaskEvidence(SQLModel, table=True):
    """An evidence file of a task (same types and limits as criterion evidence), never deleted."""

    __tablename__ = "task_evidence"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    completion_id: int | None = Field(default=None, foreign_key="task_completion.id")
    filename: str
    media_type: str = Field(max_length=32)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str
    uploaded_at: datetime
