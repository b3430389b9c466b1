"""Writes to the task register: the plan's tasks, deadline extensions, progress reports, completions with their
review, and evidence. Every write checks who is acting and is audited in the same transaction.

A unit or commune account reports only the tasks its unit leads, and its completions wait for the DOST's review
(pending → approved, or returned with a reason); a completion recorded by the DOST itself is approved at once.
Nothing is overwritten: an extension is a new row beside the deadline as assigned, a new report a new row.
"""

import hashlib
from datetime import UTC, date, datetime
from typing import NamedTuple

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from readiness.access import audit
from readiness.access.permissions import Actor, Permission, Refusal, allowed, require, require_in_scope
from readiness.core.enums import ReviewStatus, TaskLevel
from readiness.core.i18n import format_date, today
from readiness.core.task_models import Task, TaskCompletion, TaskEvidence, TaskExtension, TaskProgress, Unit
from readiness.core.text import nfc, nfc_lines
from readiness.intake import evidence
from readiness.intake.review import REASON_MAX


class TaskError(Refusal, ValueError):
    """A task write refused (unknown task, wrong state, impossible value); nothing changed."""


class TaskRow(NamedTuple):
    """One task of the plan as read (readiness.intake.task_workbook) and checked."""

    code: str
    content: str
    source_document: str
    level: TaskLevel
    objective: str
    lead_unit_code: str
    coordinating_unit_codes: list[str]
    deadline: date | None
    kpi_indicator: str
    kpi_target: float | None
    kpi_unit: str


def normal_code(code: str) -> str:
    """Task codes are compared and stored in capitals without surrounding spaces."""
    return nfc(str(code)).upper()


def get(session: Session, code: str, actor: Actor | None = None) -> Task:
    """The task of `code`; with `actor`, refused when it belongs to another province than the actor's scope."""
    task = session.execute(select(Task).where(Task.code == normal_code(code))).scalar_one_or_none()
    if task is None:
        raise TaskError(f"Không có nhiệm vụ mã {code!r}.", f"There is no task with code {code!r}.")
    if actor is not None:
        require_unit_in_scope(session, actor, task.lead_unit_code)
    return task


def require_unit_in_scope(session: Session, actor: Actor, unit_code: str) -> None:
    """A unit (and the tasks it leads) of the actor's province only, for a province-scoped account."""
    unit = session.get(Unit, unit_code)
    if unit is not None:
        require_in_scope(actor, unit.province_code, f"đơn vị {unit.code}", f"unit {unit.code}")


def save_plan(session: Session, actor: Actor, rows: list[TaskRow], import_file_id: int | None) -> tuple[int, int]:
    """Create the tasks of `rows` or update them by code. Returns (created, updated). The deadline of an existing
    task is never changed here (the reader refuses a different one): only `extend` moves it."""
    require(actor, Permission.MANAGE_TASKS)
    now = datetime.now(UTC)
    existing = {t.code: t for t in session.execute(select(Task).where(Task.code.in_([r.code for r in rows]))).scalars()}
    created = updated = 0
    for row in rows:
        for unit in {row.lead_unit_code, *row.coordinating_unit_codes} | (
            {existing[row.code].lead_unit_code} if row.code in existing else set()
        ):
            require_unit_in_scope(session, actor, unit)
        values = row._asdict() | {"coordinating_unit_codes": ";".join(row.coordinating_unit_codes)}
        task = existing.get(row.code)
        if task is None:
            session.add(
                Task(**values, created_at=now, updated_at=now, updated_by=actor.name, import_file_id=import_file_id)
            )
            created += 1
            continue
        changed = [key for key, value in values.items() if getattr(task, key) != value]
        if changed:
            for key in changed:
                setattr(task, key, values[key])
            task.updated_at, task.updated_by, task.import_file_id = now, actor.name, import_file_id
            updated += 1
    session.flush()
    return created, updated


def extend(session: Session, actor: Actor, code: str, deadline: date, decision_number: str, decision_date: date) -> int:
    """Record a deadline extended by a decision (its number and date); the deadline as assigned stays."""
    require(actor, Permission.MANAGE_TASKS)
    task = get(session, code, actor)
    decision_number = nfc(decision_number)
    if task.deadline is None:
        raise TaskError(
            f"Nhiệm vụ {task.code} là nhiệm vụ thường xuyên, không có thời hạn để gia hạn.",
            f"Task {task.code} is continuous: it has no deadline to extend.",
        )
    if not decision_number:
        raise TaskError(
            "Cần số của quyết định (văn bản) gia hạn, ví dụ 123/QĐ-UBND.",
            "The number of the extending decision is needed, e.g. 123/QĐ-UBND.",
        )
    if decision_date > today():
        raise TaskError(
            f"Ngày quyết định {format_date(decision_date, 'vi')} chưa đến.",
            f"The decision date {decision_date.isoformat()} is in the future.",
        )
    row = TaskExtension(
        task_id=task.id,
        deadline=deadline,
        decision_number=decision_number,
        decision_date=decision_date,
        recorded_by=actor.name,
        recorded_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor.name,
        "task.extend",
        task.code,
        f"→ {deadline.isoformat()}; {decision_number} of {decision_date.isoformat()}",
    )
    return row.id


def _reporting(session: Session, actor: Actor, code: str) -> Task:
    task = get(session, code, actor)
    require(actor, Permission.REPORT_TASK, task.lead_unit_code)
    return task


def report_progress(
    session: Session,
    actor: Actor,
    code: str,
    percent: float | None,
    result: str = "",
    difficulties: str = "",
    kpi_value: float | None = None,
    import_file_id: int | None = None,
) -> int:
    task = _reporting(session, actor, code)
    if percent is not None and not 0 <= percent <= 100:
        raise TaskError(
            f"Tiến độ {percent:g}% không hợp lệ: ghi từ 0 đến 100.", f"Progress {percent:g}% is not between 0 and 100."
        )
    row = TaskProgress(
        task_id=task.id,
        percent=percent,
        result=nfc_lines(result),
        difficulties=nfc_lines(difficulties),
        kpi_value=kpi_value,
        reported_by=actor.name,
        received_at=datetime.now(UTC),
        import_file_id=import_file_id,
    )
    session.add(row)
    session.flush()
    shown = "" if percent is None else f"{percent:g}%"
    audit.record(session, actor.name, "task.progress", task.code, shown)
    return row.id


def complete(
    session: Session,
    actor: Actor,
    code: str,
    done_on: date,
    result: str = "",
    import_file_id: int | None = None,
) -> int:
    """Record the task done on `done_on`: approved at once when the DOST records it, else pending review."""
    task = _reporting(session, actor, code)
    if done_on > today():
        raise TaskError(
            f"Ngày hoàn thành {format_date(done_on, 'vi')} chưa đến: ghi ngày đã hoàn thành thực tế.",
            f"The completion date {done_on.isoformat()} is in the future: give the day it was actually done.",
        )
    status = ReviewStatus.APPROVED if allowed(actor, Permission.REVIEW) else ReviewStatus.PENDING
    now = datetime.now(UTC)
    row = TaskCompletion(
        task_id=task.id,
        done_on=done_on,
        result=nfc_lines(result),
        reported_by=actor.name,
        received_at=now,
        import_file_id=import_file_id,
        review_status=status,
        reviewed_by=actor.name if status == ReviewStatus.APPROVED else None,
        reviewed_at=now if status == ReviewStatus.APPROVED else None,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor.name, "task.complete", task.code, f"done {done_on.isoformat()}; {status}")
    return row.id


def report(
    session: Session,
    actor: Actor,
    code: str,
    percent: float | None,
    result: str = "",
    difficulties: str = "",
    kpi_value: float | None = None,
    done_on: date | None = None,
    evidence_file: tuple[str, bytes] | None = None,
) -> None:
    """The task page's form: a completion when `done_on` is given, else a progress report; the evidence file
    (name, bytes) attached to it. One transaction: a refused file stores no report either."""
    completion = None
    if done_on is not None:
        completion = complete(session, actor, code, done_on, result)
    else:
        report_progress(session, actor, code, percent, result, difficulties, kpi_value)
    if evidence_file is not None:
        add_evidence(session, actor, code, *evidence_file, completion)


def review_completion(session: Session, actor: Actor, completion_id: int, approve: bool, reason: str = "") -> None:
    """pending → approved, or pending → returned with a reason; never one's own report."""
    require(actor, Permission.REVIEW)
    row = session.execute(
        select(TaskCompletion).where(TaskCompletion.id == completion_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise TaskError(f"Không có báo cáo hoàn thành số {completion_id}.", f"There is no completion {completion_id}.")
    if row.review_status != ReviewStatus.PENDING:
        raise TaskError(
            f"Báo cáo hoàn thành số {completion_id} đã được xử lý ({row.review_status}).",
            f"Completion {completion_id} is already {row.review_status}.",
        )
    if row.reported_by == actor.name:
        raise TaskError(
            "Không ai được tự duyệt báo cáo của mình; hãy nhờ một cán bộ khác.",
            "Nobody reviews their own report; ask another officer.",
        )
    task = session.get(Task, row.task_id)
    require_unit_in_scope(session, actor, task.lead_unit_code)
    reason = nfc_lines(reason)[:REASON_MAX]
    if not approve and not reason:
        raise TaskError("Cần ghi lý do trả lại.", "A reason for returning it is needed.")
    row.review_status = ReviewStatus.APPROVED if approve else ReviewStatus.RETURNED
    row.review_reason = reason
    row.reviewed_by, row.reviewed_at = actor.name, datetime.now(UTC)
    audit.record(session, actor.name, f"task.review.{row.review_status}", task.code, reason)


def add_evidence(
    session: Session, actor: Actor, code: str, filename: str, data: bytes, completion_id: int | None = None
) -> int:
    """Store one evidence file for a task, under the rules of criterion evidence (PDF, JPEG, PNG; size limit)."""
    task = _reporting(session, actor, code)
    kind = evidence.check(evidence.clean_filename(filename), data).media_type
    name = evidence.stored_name(evidence.clean_filename(filename), kind)
    row = TaskEvidence(
        task_id=task.id,
        completion_id=completion_id,
        filename=name,
        media_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by=actor.name,
        uploaded_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    audit.record(session, actor.name, "task.evidence", task.code, f"{name} ({kind})", row.sha256)
    return row.id


def history(session: Session, actor: Actor, code: str) -> dict[str, pd.DataFrame]:
    """A task's extensions, progress reports, completions and evidence files (without bytes), oldest first."""
    require(actor, Permission.VIEW_TASKS)
    task = get(session, code, actor)

    def frame(*columns, order) -> pd.DataFrame:
        result = session.execute(select(*columns).where(columns[0].table.c.task_id == task.id).order_by(*order))
        return pd.DataFrame(result.all(), columns=list(result.keys()))

    return {
        "extensions": frame(
            TaskExtension.task_id,
            TaskExtension.deadline,
            TaskExtension.decision_number,
            TaskExtension.decision_date,
            TaskExtension.recorded_by,
            order=[TaskExtension.decision_date, TaskExtension.id],
        ),
        "progress": frame(
            TaskProgress.task_id,
            TaskProgress.received_at,
            TaskProgress.percent,
            TaskProgress.kpi_value,
            TaskProgress.result,
            TaskProgress.difficulties,
            TaskProgress.reported_by,
            order=[TaskProgress.received_at, TaskProgress.id],
        ),
        "completions": frame(
            TaskCompletion.task_id,
            TaskCompletion.id,
            TaskCompletion.done_on,
            TaskCompletion.result,
            TaskCompletion.reported_by,
            TaskCompletion.received_at,
            TaskCompletion.review_status,
            TaskCompletion.review_reason,
            order=[TaskCompletion.received_at, TaskCompletion.id],
        ),
        "evidence": frame(
            TaskEvidence.task_id,
            TaskEvidence.id,
            TaskEvidence.filename,
            TaskEvidence.media_type,
            TaskEvidence.size,
            TaskEvidence.uploaded_by,
            TaskEvidence.uploaded_at,
            order=[TaskEvidence.uploaded_at, TaskEvidence.id],
        ),
    }


def evidence_content(session: Session, actor: Actor, evidence_id: int) -> evidence.Download:
    require(actor, Permission.VIEW_TASKS)
    row = session.get(TaskEvidence, evidence_id)
    if row is None:
        raise TaskError(f"Không có tệp minh chứng số {evidence_id}.", f"There is no evidence file {evidence_id}.")
    require_unit_in_scope(session, actor, session.get(Task, row.task_id).lead_unit_code)
    return evidence.Download(row.filename, row.media_type, row.content)
