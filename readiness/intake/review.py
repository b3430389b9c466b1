"""The DOST's review of submissions: pending → approved, or pending → returned with a reason.

Officers and admins review any submission of the province in scope, never one they sent themselves. An approved
submission is final (never edited); a returned one never counts, and the commune corrects it by sending a newer
one, which is pending again. Every transition is audited. Which submissions count in figures is decided by
readiness.reading.counting.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import func, literal, select
from sqlmodel import Session

from readiness.access import audit
from readiness.access.permissions import Actor, Permission, Refusal, readable_province, require
from readiness.core.models import Commune, Criterion, Origin, ReviewStatus, Submission
from readiness.core.settings import NATIONAL, get_settings
from readiness.core.text import nfc_lines, sanitize
from readiness.intake import flags
from readiness.reading import changes as compared
from readiness.reading import status as readers

REASON_MAX = 2000


class ReviewError(Refusal, ValueError):
    """A review refused (unknown submission, wrong state, own upload, missing reason); nothing changed."""


def approve(session: Session, actor: Actor, submission_id: int) -> None:
    """pending → approved."""
    _transition(session, actor, submission_id, ReviewStatus.APPROVED, "", [])


def approve_unflagged(
    session: Session, actor: Actor, shown: list[int] | None = None, commune_code: str | None = None
) -> list[int]:
    """Approve every pending submission without a flag (of `shown` when given: the ones a page listed; of one
    commune when given), except those the actor sent itself. Each approval is checked and audited on its own, in
    the caller's transaction. Returns the ids approved, in queue order."""
    require(actor, Permission.REVIEW)
    if commune_code is not None:
        code = readers.commune_in_scope(session, commune_code)
        if code is None:
            raise ReviewError(
                f"Không có xã/phường mã {commune_code!r} trong địa bàn.",
                f"There is no commune with code {commune_code!r} in the province.",
            )
        commune_code = code
    candidates = queue(session, actor, commune_code)
    unflagged = candidates[(candidates["flags"].str.len() == 0) & (candidates["received_from"] != actor.name)]
    ids = [int(i) for i in unflagged["id"] if shown is None or int(i) in set(shown)]
    # Locked together, then each checked, moved and audited as `approve` does (one statement, not one per id).
    locked = {
        s.id: s for s in session.execute(select(Submission).where(Submission.id.in_(ids)).with_for_update()).scalars()
    }
    # One another officer decided (or a newer report superseded) meanwhile is left as it now stands.
    approved = [i for i in ids if locked[i].review_status == ReviewStatus.PENDING]
    for submission_id in approved:
        _apply(session, actor, locked[submission_id], ReviewStatus.APPROVED, "", [])
    return approved


def return_submission(
    session: Session, actor: Actor, submission_id: int, reason: str, criteria: list[str] | None = None
) -> None:
    """pending → returned, with the reason (required) and the criteria concerned (optional)."""
    _transition(session, actor, submission_id, ReviewStatus.RETURNED, reason, criteria or [])


def _transition(
    session: Session, actor: Actor, submission_id: int, to: ReviewStatus, reason: str, criteria: list[str]
) -> None:
    require(actor, Permission.REVIEW)
    # Locked: two officers deciding at once cannot both move the same pending submission.
    submission = session.execute(
        select(Submission).where(Submission.id == submission_id).with_for_update()
    ).scalar_one_or_none()
    if submission is None or readers.commune_in_scope(session, submission.commune_code) is None:
        raise ReviewError(f"Không có báo cáo số {submission_id}.", f"There is no submission with id {submission_id}.")
    _apply(
        session,
        actor,
        submission,
        to,
        _reason(reason, required=to == ReviewStatus.RETURNED),
        _criteria(session, criteria),
    )


def _apply(
    session: Session, actor: Actor, submission: Submission, to: ReviewStatus, reason: str, codes: list[str]
) -> None:
    """Move one locked submission, in scope, after checking its state and who acts; audited."""
    submission_id = submission.id
    require(actor, Permission.REVIEW, submission.commune_code)
    if submission.review_status == ReviewStatus.SUPERSEDED:
        raise ReviewError(
            f"Báo cáo số {submission_id} đã có báo cáo mới hơn thay thế (cùng xã, phường và ngày báo cáo): không "
            "duyệt hay trả lại được, và không bao giờ được tính; hãy xem báo cáo mới hơn.",
            f"Submission {submission_id} cannot be reviewed: a newer report replaces it (same commune and reporting "
            "date); it never counts. Review the newer one.",
        )
    if submission.review_status != ReviewStatus.PENDING:
        state_vi = "đã được duyệt" if submission.review_status == ReviewStatus.APPROVED else "đã bị trả lại"
        raise ReviewError(
            f"Báo cáo số {submission_id} {state_vi} (bởi {submission.reviewed_by}); chỉ báo cáo chờ duyệt mới được "
            "duyệt hoặc trả lại. Xã, phường sửa bằng cách gửi báo cáo mới.",
            f"Submission {submission_id} is already {submission.review_status} (by {submission.reviewed_by}); only a "
            "pending submission can be approved or returned. A commune corrects it by sending a newer one.",
        )
    if submission.received_from == actor.name:
        raise ReviewError(
            f"Tài khoản {actor.name} đã tự gửi báo cáo số {submission_id}: không ai được tự duyệt báo cáo của mình; "
            "hãy nhờ một cán bộ khác.",
            f"Account {actor.name} sent submission {submission_id} itself: nobody reviews their own upload; ask "
            "another officer.",
        )
    before = submission.review_status
    submission.review_status = to
    submission.review_reason = reason
    submission.review_criteria = ",".join(codes)
    submission.reviewed_by = actor.name
    submission.reviewed_at = datetime.now(UTC)
    session.add(submission)
    detail = f"{before} → {to}" + (f"; {', '.join(codes)}" if codes else "") + (f"; {reason}" if reason else "")
    audit.record(session, actor.name, f"review.{to}", f"submission {submission_id}, {submission.commune_code}", detail)


def _reason(reason: str, required: bool) -> str:
    text, bad = sanitize(nfc_lines(reason or ""))
    if required and not text:
        raise ReviewError(
            "Cần ghi lý do trả lại, để xã, phường biết phải sửa gì.",
            "A reason is required to return a submission, so that the commune knows what to fix.",
        )
    if bad:
        raise ReviewError(
            f"Lý do có ký tự điều khiển không được phép ({', '.join(bad)}); hãy gõ lại bằng chữ thường.",
            f"The reason contains control characters that are not allowed ({', '.join(bad)}); type it again.",
        )
    if len(text) > REASON_MAX:
        raise ReviewError(
            f"Lý do quá dài: tối đa {REASON_MAX} ký tự, đang có {len(text)}.",
            f"The reason is too long: at most {REASON_MAX} characters, it has {len(text)}.",
        )
    return text


def _criteria(session: Session, criteria: list[str]) -> list[str]:
    codes = [c.strip().upper() for c in criteria if c.strip()]
    if not codes:
        return []
    known = set(session.execute(select(Criterion.code)).scalars())
    if unknown := [c for c in codes if c not in known]:
        raise ReviewError(
            f"Không có tiêu chí mã {', '.join(unknown)}.", f"There is no criterion with code {', '.join(unknown)}."
        )
    return sorted(set(codes), key=codes.index)


# Reading -----------------------------------------------------------------------------------------------------------

_COLUMNS = (
    Submission.id,
    Submission.commune_code,
    Commune.name.label("commune_name"),
    Submission.reporting_date,
    Submission.received_at,
    Submission.received_from,
    Submission.origin,
    Submission.green_count,
    Submission.review_status,
    Submission.review_reason,
    Submission.review_criteria,
    Submission.reviewed_by,
    Submission.reviewed_at,
)


def submissions(
    session: Session, actor: Actor, status: ReviewStatus | list[ReviewStatus] | None = None
) -> pd.DataFrame:
    """Submissions in scope with their review and `flags` (codes, readiness.intake.flags), oldest received first:
    all of the actor's province (or the country) for the DOST and leaders, its own for a commune account."""
    statement = select(*_COLUMNS).join(Commune).order_by(Submission.received_at, Submission.id)
    if actor.commune_code:
        require(actor, Permission.VIEW_COMMUNE, actor.commune_code)
        statement = statement.where(Submission.commune_code == actor.commune_code)
    else:
        require(actor, Permission.VIEW_PROVINCE)
    province = readable_province(actor)
    if province != NATIONAL:
        statement = statement.where(Commune.province_code == province)
    if status is not None:
        statement = statement.where(Submission.review_status.in_([status] if isinstance(status, str) else status))
    result = session.execute(statement)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    codes = flags.codes_by_submission(session, frame["id"].astype(int).tolist())
    frame["flags"] = [codes[int(i)] for i in frame["id"]]
    return frame


def queue(
    session: Session,
    actor: Actor,
    commune_code: str | None = None,
    origins: list[Origin] | None = None,
    min_age_days: int = 0,
    now: datetime | None = None,
    flagged: list[str] | None = None,
    superseded: bool = False,
) -> pd.DataFrame:
    """The review queue: pending submissions oldest first, filtered by commune, origin, age (days waiting) and
    flags (those carrying any of `flagged`; "" stands for no flag at all). Superseded submissions only on request
    (`superseded`): they cannot be reviewed, they are listed for reference."""
    require(actor, Permission.REVIEW)
    states = [ReviewStatus.PENDING] + ([ReviewStatus.SUPERSEDED] if superseded else [])
    frame = submissions(session, actor, states)
    frame["age_days"] = _age_days(frame["received_at"], now)
    if commune_code:
        frame = frame[frame["commune_code"] == commune_code]
    if origins:
        frame = frame[frame["origin"].isin([str(o) for o in origins])]
    if flagged:
        wanted = set(flagged)
        frame = frame[[bool(wanted & set(codes)) or ("" in wanted and not codes) for codes in frame["flags"]]]
    return frame[frame["age_days"] >= min_age_days].reset_index(drop=True)


def _age_days(received: pd.Series, now: datetime | None) -> pd.Series:
    """Whole days waited, counted in Vietnam calendar days."""
    if received.empty:
        return pd.Series([], dtype=int, index=received.index)
    zone = ZoneInfo(get_settings().timezone)
    today = pd.Timestamp((now or datetime.now(UTC)).astimezone(zone).date())
    local = pd.to_datetime(received, utc=True).dt.tz_convert(zone).dt.tz_localize(None).dt.normalize()
    return (today - local).dt.days.astype(int)


def queue_summary(session: Session, province: str, now: datetime | None = None, as_of: date | None = None) -> dict:
    """For the overview: how many submissions are pending, how many days the oldest has waited (None if none), and
    how many of them are dated after `as_of` (figures as of that date cannot include them)."""
    later = func.count(Submission.id).filter(Submission.reporting_date > as_of) if as_of else literal(0)
    statement = (
        select(func.count(Submission.id), func.min(Submission.received_at), later)
        .join(Commune)
        .where(Submission.review_status == ReviewStatus.PENDING)
    )
    if province != NATIONAL:
        statement = statement.where(Commune.province_code == province)
    count, oldest, dated_later = session.execute(statement).one()
    age = int(_age_days(pd.Series([oldest]), now).iloc[0]) if oldest is not None else None
    return {"pending": int(count), "oldest_days": age, "dated_later": int(dated_later or 0)}


def changes(session: Session, actor: Actor, submission_id: int) -> pd.DataFrame:
    """What a submission changes against the commune's previous counting submission (readiness.reading.changes):
    one row per criterion with value, out_of and status before and after, and `change`."""
    return changes_of(session, actor, [submission_id])[submission_id]


def changes_of(session: Session, actor: Actor, ids: list[int]) -> dict[int, pd.DataFrame]:
    """`changes` of several submissions, scored at once (a page of the queue)."""
    stored = session.execute(select(Submission).where(Submission.id.in_(ids))).scalars().all()
    found = {s.id for s in stored}
    if missing := [i for i in ids if i not in found]:
        raise ReviewError(f"Không có báo cáo số {missing[0]}.", f"There is no submission with id {missing[0]}.")
    for code in {s.commune_code for s in stored}:
        require(actor, Permission.VIEW_COMMUNE, code)
    return compared.of_submissions(session, list(stored))
