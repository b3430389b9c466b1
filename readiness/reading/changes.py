"""What changed against the previous counting submission: the one comparison behind the import preview, the review
queue and the review flags (and anything else that sets a report beside the one it follows).

A plain function over a session: no actor, no access check (the callers check who may see the commune).
"""

from datetime import date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from readiness.core.models import Result, Submission
from readiness.core.scoring import Status, score
from readiness.reading import status as readers
from readiness.reading.counting import NEWEST_FIRST, counting

# The `change` of a row, strongest first: a criterion turning green or no longer green, else a value that moved.
NEWLY_GREEN, NO_LONGER_GREEN, VALUE = "newly_green", "no_longer_green", "value"


def previous_counting(
    session: Session,
    commune_code: str,
    reporting_date: date,
    received_at: datetime | None = None,
    exclude: int | None = None,
) -> int | None:
    """The submission that counted for the commune before one arriving for `reporting_date`: its newest counting
    submission on or before that date (received no later than `received_at`, other than `exclude`, when given)."""
    statement = select(Submission.id).where(
        Submission.commune_code == commune_code, Submission.reporting_date <= reporting_date
    )
    if received_at is not None:
        statement = statement.where(Submission.received_at <= received_at)
    if exclude is not None:
        statement = statement.where(Submission.id != exclude)
    return session.execute(counting(statement).order_by(*NEWEST_FIRST).limit(1)).scalar_one_or_none()


def previous_of(session: Session, submission: Submission) -> int | None:
    """The previous counting submission of a stored submission."""
    return previous_counting(
        session, submission.commune_code, submission.reporting_date, submission.received_at, submission.id
    )


def compare(session: Session, new: pd.DataFrame) -> pd.DataFrame:
    """Each row of `new` (the caller's columns, with criterion_code, value, out_of and previous_submission_id: the
    submission it is set against, or empty) beside the same criterion in that previous submission.

    Adds kind, target, status (scoring's), value_before, out_of_before, status_before (grey without a previous
    value), reported_before and `change`: NEWLY_GREEN, NO_LONGER_GREEN, VALUE (value or out of moved) or "".
    Rows keep their order."""
    catalog = readers.catalog(session)[["code", "kind", "target"]].rename(columns={"code": "criterion_code"})
    previous_ids = pd.to_numeric(new["previous_submission_id"], errors="coerce").dropna().astype(int).unique().tolist()
    stored = pd.DataFrame(
        session.execute(
            select(Result.submission_id, Result.criterion_code, Result.value, Result.out_of).where(
                Result.submission_id.in_(previous_ids)
            )
        ).all(),
        columns=["previous_submission_id", "criterion_code", "value_before", "out_of_before"],
    ).astype({"previous_submission_id": "float64"})
    frame = new.astype({"previous_submission_id": "float64"}).merge(catalog, on="criterion_code", how="left")
    frame = score(frame).merge(stored, on=["previous_submission_id", "criterion_code"], how="left")
    before = score(
        frame[["kind", "target", "value_before", "out_of_before"]].rename(
            columns={"value_before": "value", "out_of_before": "out_of"}
        )
    )
    frame["status_before"] = before["status"]
    frame["reported_before"] = frame["value_before"].notna() | frame["out_of_before"].notna()
    green, was_green = frame["status"] == Status.GREEN, frame["status_before"] == Status.GREEN
    frame["change"] = ""
    moved = ~(_same(frame["value"], frame["value_before"]) & _same(frame["out_of"], frame["out_of_before"]))
    frame.loc[moved, "change"] = VALUE
    frame.loc[green & ~was_green, "change"] = NEWLY_GREEN
    frame.loc[~green & was_green, "change"] = NO_LONGER_GREEN
    return frame


def _same(now: pd.Series, before: pd.Series) -> pd.Series:
    now, before = pd.to_numeric(now, errors="coerce"), pd.to_numeric(before, errors="coerce")
    return (now == before) | (now.isna() & before.isna())


def of_submission(session: Session, submission: Submission) -> pd.DataFrame:
    """A stored submission against its previous counting submission: one row per catalog criterion (in catalog
    order, unreported ones included) with the catalog's names and units and the columns of `compare`."""
    return of_submissions(session, [submission])[submission.id]


def of_submissions(session: Session, stored: list[Submission]) -> dict[int, pd.DataFrame]:
    """`of_submission` for several submissions at once (one scoring for all: a page of the review queue)."""
    if not stored:
        return {}
    catalog = readers.catalog(session).rename(columns={"code": "criterion_code"})[
        ["criterion_code", "position", "name_vi", "name_en", "unit_vi", "unit_en"]
    ]
    ids = [s.id for s in stored]
    results = pd.DataFrame(
        session.execute(
            select(Result.submission_id, Result.criterion_code, Result.value, Result.out_of).where(
                Result.submission_id.in_(ids)
            )
        ).all(),
        columns=["submission_id", "criterion_code", "value", "out_of"],
    )
    # previous_of for every submission in one statement: a correlated subquery per row, on ix_submission_latest.
    own = aliased(Submission)
    newest = (
        counting(
            select(Submission.id).where(
                Submission.commune_code == own.commune_code,
                Submission.reporting_date <= own.reporting_date,
                Submission.received_at <= own.received_at,
                Submission.id != own.id,
            )
        )
        .order_by(*NEWEST_FIRST)
        .limit(1)
        .correlate(own)
        .scalar_subquery()
    )
    previous = pd.DataFrame(
        session.execute(select(own.id, newest).where(own.id.in_(ids))).all(),
        columns=["submission_id", "previous_submission_id"],
    ).astype({"previous_submission_id": "float64"})
    grid = (
        previous.merge(catalog, how="cross")
        .merge(results, on=["submission_id", "criterion_code"], how="left")
        .sort_values(["submission_id", "position"])
    )
    frame = compare(session, grid)
    return {int(i): part.reset_index(drop=True) for i, part in frame.groupby("submission_id", sort=False)}
