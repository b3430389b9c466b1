"""Database tables (SQLModel) and the shapes of the data that enter them.

Codes are the official strings: province "01", commune "00070". Every text stored is NFC-normalised
by the code that writes it.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Index, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel

# The stored vocabularies live in readiness.core.enums (light to import); they are used here and imported from here.
from readiness.core.enums import CommuneKind as CommuneKind
from readiness.core.enums import CriterionKind, Origin, ReviewStatus, Role
from readiness.core.enums import UnitKind as UnitKind

# The task register's tables, registered on the same metadata (Account.unit_code refers to Unit).
from readiness.core.task_models import Unit as Unit


class Province(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=2)
    name: str


class Commune(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=5)
    name: str
    kind: str = Field(max_length=16)
    province_code: str = Field(foreign_key="province.code", index=True, max_length=2)


class CriterionBase(SQLModel):
    code: str = Field(primary_key=True, max_length=8)
    position: int
    group_vi: str
    group_en: str
    name_vi: str
    name_en: str
    # Enums are stored as their plain text values: readable in SQL and no PostgreSQL enum types to migrate.
    kind: CriterionKind = Field(sa_type=String(16))
    # yes_no: 1; number: the minimum value; ratio: the minimum share, 0–1.
    target: float
    unit_vi: str = ""
    unit_en: str = ""
    deadline: date
    description_vi: str = ""
    description_en: str = ""
    # A document proves it (an appointment decision, a signature certificate): turning green without an evidence
    # file raises the review flag no_evidence.
    evidence_required: bool = False


class Criterion(CriterionBase, table=True):
    pass


class ImportFile(SQLModel, table=True):
    """Every file received, accepted or not, byte for byte: nothing sent to the app is lost."""

    __tablename__ = "import_file"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, index=True)
    size: int
    filename: str
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    received_at: datetime
    received_from: str
    kind: str = Field(default="", max_length=32)
    outcome: str = Field(max_length=16)
    # JSON list of problems for a rejected file.
    problems: str = ""


class Submission(SQLModel, table=True):
    __table_args__ = (
        # "Newest counting submission per commune as of a date" walks this index; the review status at its end
        # lets the counting rule be checked without reading the table.
        Index("ix_submission_latest", "commune_code", "reporting_date", "received_at", "id", "review_status"),
        UniqueConstraint("file_sha256", "commune_code", name="uq_submission_file_commune"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commune_code: str = Field(foreign_key="commune.code", max_length=5)
    reporting_date: date
    received_at: datetime
    received_from: str
    file_sha256: str | None = Field(default=None, max_length=64)
    import_file_id: int | None = Field(default=None, foreign_key="import_file.id")
    origin: Origin = Field(sa_type=String(24), index=True)
    reporter_name: str = ""
    reporter_phone: str = ""
    # Cached count of green results, so the week-by-week trend needs no pass over every result.
    # Written with the results and recomputed whenever the catalog changes.
    green_count: int = 0
    review_status: ReviewStatus = Field(default=ReviewStatus.PENDING, sa_type=String(16), index=True)
    # Why it was returned, and the criteria concerned (comma-separated codes); empty otherwise.
    review_reason: str = ""
    review_criteria: str = ""
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None


class SubmissionFlag(SQLModel, table=True):
    """Something doubtful about a submission, found when it (or a newer one) arrived: readiness.intake.flags."""

    __tablename__ = "submission_flag"
    __table_args__ = (UniqueConstraint("submission_id", "code", name="uq_submission_flag"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=16, index=True)
    # What is doubtful, as the reviewer reads it ("TC03 đạt ở báo cáo trước, nay không đạt").
    text_vi: str
    text_en: str


class ResultBase(SQLModel):
    criterion_code: str = Field(foreign_key="criterion.code", primary_key=True, max_length=8)
    # yes_no: 1 or 0; number: the value in the criterion's unit; ratio: the count met (with out_of),
    # or the share 0–1 itself when only a percentage was given (out_of empty).
    value: float | None = None
    out_of: float | None = None
    evidence: str = ""
    note: str = ""


class SubmissionCreate(SQLModel):
    """A checklist as received, before it is stored: what import and demo hand to submissions.save."""

    commune_code: str
    reporting_date: date
    received_at: datetime
    received_from: str
    origin: Origin
    file_sha256: str | None = None
    import_file_id: int | None = None
    reporter_name: str = ""
    reporter_phone: str = ""
    # Demo data is approved; anything people send waits for the DOST's review.
    review_status: ReviewStatus = ReviewStatus.PENDING
    results: list[ResultBase]


class Result(ResultBase, table=True):
    # Timeliness reads the criteria green in a submission from this index alone (status.green_history).
    __table_args__ = (Index("ix_result_green", "submission_id", "green", "criterion_code"),)

    submission_id: int = Field(foreign_key="submission.id", primary_key=True, ondelete="CASCADE")
    # Cached verdict of scoring.score (target met), so that timeliness reads flags instead of scoring the history.
    # Written with the results in the same scoring as Submission.green_count, and recomputed with it.
    green: bool = False


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    role: Role = Field(sa_type=String(16))
    commune_code: str | None = Field(default=None, foreign_key="commune.code", max_length=5)
    # The department a `unit` account acts for.
    unit_code: str | None = Field(default=None, foreign_key="unit.code", max_length=16)
    # National mode: the province an officer, leader or admin works in (None: the nation). A commune account's
    # province is its commune's, derived (permissions.Actor.of).
    province_code: str | None = Field(default=None, foreign_key="province.code", max_length=2)
    email: str | None = Field(default=None, max_length=254, index=True)
    # Kept out of repr so that a logged or printed account never shows it.
    password_hash: str = Field(default="", repr=False)
    disabled: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime


class LoginSession(SQLModel, table=True):
    """A password login that outlives the browser tab: the browser holds a random token in an HttpOnly cookie,
    the database only its SHA-256 (a copy of the database logs no one in)."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    created_at: datetime
    last_seen_at: datetime
    user_agent: str = Field(default="", max_length=512)


class LoginThrottle(SQLModel, table=True):
    """Wrong passwords sent from one client address (web.py finds it, behind a trusted proxy from its header): past
    a few, each further attempt from there waits a growing delay (readiness.access.auth)."""

    __tablename__ = "login_throttle"

    client: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    last_failure_at: datetime
    blocked_until: datetime | None = None


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(index=True)
    action: str = Field(max_length=64, index=True)
    target: str = ""
    detail: str = ""
    file_sha256: str | None = Field(default=None, max_length=64)


class Boundary(SQLModel, table=True):
    """Official boundaries loaded by an admin for the greening maps, normalised by intake.geo: the communes of a
    province (province_code "01", or "all" for a national commune file) or the 34 provinces (level "province",
    province_code "all"). One row per province_code and level; a new load replaces it."""

    id: int | None = Field(default=None, primary_key=True)
    province_code: str = Field(max_length=3, index=True)
    level: str = Field(default="commune", max_length=16)
    geojson: str
    loaded_at: datetime
    loaded_by: str


class WarningDelivery(SQLModel, table=True):
    """One week's warning-list e-mail to one recipient: sent, or failed and still owed (the next run retries)."""

    __tablename__ = "warning_delivery"
    __table_args__ = (UniqueConstraint("week", "recipient", "scope", name="uq_warning_delivery"),)

    id: int | None = Field(default=None, primary_key=True)
    # Monday of the week (Vietnam time) whose list this is.
    week: date
    recipient: str = Field(max_length=254)
    # "all" for the whole list (DOST and leaders), the commune code whose own items were sent, or "task:" and the
    # code of the unit whose own tasks were sent.
    scope: str = Field(max_length=32)
    status: str = Field(max_length=16)
    attempts: int = 0
    last_error: str = ""
    sent_at: datetime | None = None
    updated_at: datetime


class EvidenceFile(SQLModel, table=True):
    """A file a commune or an officer attached as evidence for one criterion. Never deleted: a newer file with the
    same name for the same commune and criterion supersedes it."""

    __tablename__ = "evidence_file"
    __table_args__ = (Index("ix_evidence_file_commune", "commune_code", "criterion_code", "uploaded_at"),)

    id: int | None = Field(default=None, primary_key=True)
    commune_code: str = Field(foreign_key="commune.code", max_length=5)
    criterion_code: str = Field(foreign_key="criterion.code", max_length=8)
    filename: str
    media_type: str = Field(max_length=32)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # A PNG of at most 480 px made once at upload, for images: pages show it, the original only downloads.
    thumbnail: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    uploaded_by: str
    uploaded_at: datetime


class Comment(SQLModel, table=True):
    """One message in a thread with the DOST: a commune's (commune_code) or a task's (task_id), never both."""

    # By author: the hourly message limit counts an account's recent messages, in every thread.
    __table_args__ = (
        Index("ix_comment_commune", "commune_code", "at"),
        Index("ix_comment_author", "author", "at"),
        Index("ix_comment_task", "task_id", "at"),
        CheckConstraint("(commune_code IS NULL) <> (task_id IS NULL)", name="ck_comment_one_thread"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commune_code: str | None = Field(default=None, foreign_key="commune.code", max_length=5)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    # A comment outlives the submission it was about (demo data is replaced wholesale).
    submission_id: int | None = Field(default=None, foreign_key="submission.id", ondelete="SET NULL")
    criterion_code: str | None = Field(default=None, foreign_key="criterion.code", max_length=8)
    author: str
    at: datetime
    text: str


class ApiToken(SQLModel, table=True):
    """A bearer token for the API acting as its account; the database keeps only its SHA-256. The request count of
    the current minute lives here too, so that every replica enforces the same rate limit."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    label: str = Field(default="", max_length=64)
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    window_start: datetime | None = None
    window_count: int = 0


class ProvinceSetting(SQLModel, table=True):
    """National mode: one province's official report header and warning recipients (empty: the default)."""

    __tablename__ = "province_setting"

    province_code: str = Field(primary_key=True, foreign_key="province.code", max_length=2)
    issuing_body: str = ""
    issuer_code: str = ""
    place: str = ""
    signer_title: str = ""
    signer_name: str = ""
    # Comma-separated addresses that get the province's whole warning list.
    recipients: str = ""
    updated_at: datetime
    updated_by: str
