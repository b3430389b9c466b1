"""The fixed vocabularies stored as plain text in the database: kinds of commune and criterion, where a
submission came from, its review status, account roles, kinds of unit, task levels and classes. Kept apart from the
tables (readiness.core.models) so that what only needs the words — the command line's --help — does not load
SQLAlchemy."""

from enum import StrEnum


class CommuneKind(StrEnum):
    WARD = "phường"
    COMMUNE = "xã"
    SPECIAL_ZONE = "đặc khu"


class CriterionKind(StrEnum):
    YES_NO = "yes_no"
    NUMBER = "number"
    RATIO = "ratio"


class Origin(StrEnum):
    UPLOAD = "upload"
    PROVINCE_WORKBOOK = "province_workbook"
    WEB = "web"  # the criteria typed in the browser (readiness.intake.excel.webform)
    DEMO = "demo"


class ReviewStatus(StrEnum):
    """Where a submission stands in the DOST's review (readiness.intake.review moves it)."""

    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"
    # A pending submission replaced by a newer one for the same commune and reporting date: never reviewed, never
    # counts again (readiness.intake.flags marks it when the newer one arrives).
    SUPERSEDED = "superseded"


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    COMMUNE = "commune"
    LEADER = "leader"
    UNIT = "unit"  # a department or agency's staff: reports the tasks its unit leads (readiness.intake.tasks)


class UnitKind(StrEnum):
    DEPARTMENT = "department"
    COMMUNE = "commune"


class TaskLevel(StrEnum):
    """The level that assigned a task of Resolution 57's plan."""

    CENTRAL = "Trung ương"
    PROVINCE = "Tỉnh"


class TaskClass(StrEnum):
    """A task's class as of a date (readiness.reading.tasks.classify)."""

    ON_TIME = "on_time"
    LATE = "late"
    WITHIN = "within"
    OVERDUE = "overdue"
    CONTINUOUS = "continuous"
