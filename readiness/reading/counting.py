"""Which submission counts: the one rule every read of submission history goes through.

With READINESS_COUNTS=reported every submission the DOST has not returned counts, with READINESS_COUNTS=approved
(or `approved_only=True`) only approved ones. A returned submission never counts: the commune's previous counting
submission stands instead. Nor does a superseded one (a pending submission that a newer one for the same commune
and date replaced), whatever becomes of the newer one. Of several counting submissions for one commune and
reporting date, the newest received wins: NEWEST_FIRST is that order, OLDEST_FIRST its reverse (the last of a
group wins).
"""

from sqlalchemy import Select

from readiness.core.models import ReviewStatus, Submission
from readiness.core.settings import get_settings

NEWEST_FIRST = (Submission.reporting_date.desc(), Submission.received_at.desc(), Submission.id.desc())
OLDEST_FIRST = (Submission.reporting_date, Submission.received_at, Submission.id)


def counting(statement: Select, approved_only: bool | None = None) -> Select:
    """`statement` (over Submission) restricted to the submissions that count in figures: the one rule every
    query of submission history goes through. `approved_only` None follows READINESS_COUNTS."""
    if approved_only is None:
        approved_only = get_settings().counts == "approved"
    if approved_only:
        return statement.where(Submission.review_status == ReviewStatus.APPROVED)
    return statement.where(Submission.review_status.not_in((ReviewStatus.RETURNED, ReviewStatus.SUPERSEDED)))


def counts_setting(approved_only: bool | None = None) -> str:
    """Which submissions the figures count: "approved" or "reported"."""
    return (
        "approved" if approved_only or (approved_only is None and get_settings().counts == "approved") else "reported"
    )
