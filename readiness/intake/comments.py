"""Comments: one thread per commune between the commune and the DOST, optionally about a submission or a criterion;
and one thread per task of the register between its units and the DOST.

A commune's thread: the commune and officers write; everyone who may see the commune reads. A task's thread: the
accounts of its lead and coordinating units and officers write; everyone who sees tasks reads, except that a unit or
commune account reads only its units' tasks (permissions.allowed_on_task). Text is NFC with its line breaks kept;
control characters and bidi overrides are refused, invisible ones removed (text.sanitize). Every comment is audited.
Bounded, in both kinds of thread alike: at most MAX_LENGTH characters, READINESS_MESSAGES_PER_HOUR per account
(all threads together); pages read the newest PAGE and ask for older ones.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from readiness.access import audit
from readiness.access.permissions import Actor, Permission, Refusal, require, require_on_task
from readiness.core.models import Comment, Criterion, Submission
from readiness.core.settings import get_settings
from readiness.core.text import nfc_lines, sanitize
from readiness.intake import tasks
from readiness.reading import status as readers

MAX_LENGTH = 4000
# Messages a page shows at first, and how many more each "older" adds.
PAGE = 50


class CommentError(Refusal, ValueError):
    """A comment refused (empty, too long, control characters, unknown submission or criterion); nothing stored."""


def add(
    session: Session,
    actor: Actor,
    commune_code: str,
    text: str,
    submission_id: int | None = None,
    criterion_code: str | None = None,
) -> int:
    code = _commune(session, commune_code)
    require(actor, Permission.COMMENT, code)
    body = _checked(session, actor, text)
    if submission_id is not None:
        submission = session.get(Submission, submission_id)
        if submission is None or submission.commune_code != code:
            raise CommentError(
                f"Xã/phường {code} không có báo cáo số {submission_id}.",
                f"Commune {code} has no submission {submission_id}.",
            )
    criterion = criterion_code.strip().upper() if criterion_code else None
    if criterion and session.get(Criterion, criterion) is None:
        raise CommentError(f"Không có tiêu chí mã {criterion_code!r}.", f"There is no criterion {criterion_code!r}.")
    row = Comment(
        commune_code=code,
        submission_id=submission_id,
        criterion_code=criterion,
        author=actor.name,
        at=datetime.now(UTC),
        text=body,
    )
    session.add(row)
    session.flush()
    about = ", ".join(
        part for part in (f"submission {submission_id}" if submission_id else "", criterion or "") if part
    )
    audit.record(session, actor.name, "comment.add", code, f"{about}: {body}" if about else body)
    return row.id


def add_on_task(session: Session, actor: Actor, task_code: str, text: str) -> int:
    """A message in a task's thread, under the same checks and bounds as a commune's."""
    task = tasks.get(session, task_code, actor)
    require_on_task(actor, task.code, task.units, write=True)
    body = _checked(session, actor, text)
    row = Comment(task_id=task.id, author=actor.name, at=datetime.now(UTC), text=body)
    session.add(row)
    session.flush()
    audit.record(session, actor.name, "comment.add", task.code, f"task {task.code}: {body}")
    return row.id


def _checked(session: Session, actor: Actor, text: str) -> str:
    """The text as stored, once it passes the checks every message passes (characters, length, hourly bound)."""
    body, bad = sanitize(nfc_lines(text or ""))
    if bad:
        raise CommentError(
            f"Bình luận có ký tự điều khiển không được phép ({', '.join(bad)}); hãy gõ lại.",
            f"The comment contains control characters that are not allowed ({', '.join(bad)}); type it again.",
        )
    if not body:
        raise CommentError("Bình luận đang để trống.", "The comment is empty.")
    if len(body) > MAX_LENGTH:
        raise CommentError(
            f"Bình luận quá dài: tối đa {MAX_LENGTH} ký tự, đang có {len(body)}.",
            f"The comment is too long: at most {MAX_LENGTH} characters, it has {len(body)}.",
        )
    _check_rate(session, actor)
    return body


def _check_rate(session: Session, actor: Actor) -> None:
    most = get_settings().messages_per_hour
    since = datetime.now(UTC) - timedelta(hours=1)
    sent = session.execute(
        select(func.count(Comment.id)).where(Comment.author == actor.name, Comment.at > since)
    ).scalar_one()
    if sent >= most:
        raise CommentError(
            f"Tài khoản {actor.name} đã gửi {sent} trao đổi trong một giờ qua, tối đa {most}: hãy gửi lại sau.",
            f"Account {actor.name} sent {sent} messages in the last hour, at most {most}: send it later.",
        )


def _commune(session: Session, commune_code: str) -> str:
    code = readers.commune_in_scope(session, commune_code)
    if code is None:
        raise CommentError(
            f"Không có xã/phường mã {commune_code!r} trong địa bàn.",
            f"There is no commune with code {commune_code!r} in the province.",
        )
    return code


def thread(session: Session, actor: Actor, commune_code: str, newest: int = PAGE) -> tuple[pd.DataFrame, int]:
    """A commune's `newest` comments, newest last, and how many it has in all. `at` in Vietnam time
    (settings.timezone); criterion_code "" and submission_id <NA> for a general comment."""
    code = _commune(session, commune_code)
    require(actor, Permission.VIEW_COMMUNE, code)
    return _read(session, Comment.commune_code == code, newest)


def task_thread(session: Session, actor: Actor, task_code: str, newest: int = PAGE) -> tuple[pd.DataFrame, int]:
    """A task's `newest` messages, newest last, and how many it has in all, as `thread` reads a commune's."""
    task = tasks.get(session, task_code, actor)
    require_on_task(actor, task.code, task.units)
    return _read(session, Comment.task_id == task.id, newest)


def _read(session: Session, where: object, newest: int) -> tuple[pd.DataFrame, int]:
    total = session.execute(select(func.count(Comment.id)).where(where)).scalar_one()
    statement = (
        select(Comment.id, Comment.at, Comment.author, Comment.text, Comment.submission_id, Comment.criterion_code)
        .where(where)
        .order_by(Comment.at.desc(), Comment.id.desc())
        .limit(newest)
    )
    result = session.execute(statement)
    frame = pd.DataFrame(reversed(result.all()), columns=list(result.keys()))
    frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.tz_convert(ZoneInfo(get_settings().timezone))
    frame["submission_id"] = frame["submission_id"].astype("Int64")
    frame["criterion_code"] = frame["criterion_code"].fillna("")
    return frame, int(total)
