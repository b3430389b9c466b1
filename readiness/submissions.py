"""Storing submissions: the one place where checklists enter the database, whatever their origin."""

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from readiness.models import Criterion, Origin, Result, Submission, SubmissionCreate
from readiness.scoring import Status, score


def save(session: Session, submissions: list[SubmissionCreate], counts: list[int] | None = None) -> list[int]:
    """Insert submissions with their results and green counts, in the caller's transaction. Returns their ids.

    `counts`: the green counts when the caller has scored the results already (the importer scores a whole
    batch of files at once, one transaction per file)."""
    if not submissions:
        return []
    if counts is None:
        counts = green_counts(session, [[r.model_dump() for r in s.results] for s in submissions])
    rows = [{**s.model_dump(exclude={"results"}), "green_count": n} for s, n in zip(submissions, counts, strict=True)]
    # Core inserts: the ORM's bulk insert splits rows into many statements wherever their None columns differ.
    connection = session.connection()
    submission_table = Submission.__table__
    returning = insert(submission_table).returning(submission_table.c.id, sort_by_parameter_order=True)
    ids = list(connection.execute(returning, rows).scalars())
    results = [
        {**r.model_dump(), "submission_id": submission_id}
        for submission_id, s in zip(ids, submissions, strict=True)
        for r in s.results
    ]
    connection.execute(insert(Result.__table__), results)
    return ids


def green_counts(session: Session, result_lists: list[list[dict]]) -> list[int]:
    """How many results of each list are green against the current catalog."""
    rows = [{**r, "item": i} for i, results in enumerate(result_lists) for r in results]
    green = _green_by(session, pd.DataFrame(rows), "item") if rows else {}
    return [int(green.get(i, 0)) for i in range(len(result_lists))]


def recount(session: Session) -> None:
    """Recompute every submission's green count (after the catalog's targets change)."""
    query = select(Result.submission_id, Result.criterion_code, Result.value, Result.out_of)
    results = pd.DataFrame(session.execute(query).all())
    if results.empty:
        return
    green = _green_by(session, results, "submission_id")
    session.execute(
        update(Submission),
        [{"id": int(i), "green_count": int(green.get(i, 0))} for i in results["submission_id"].unique()],
    )


def _green_by(session: Session, results: pd.DataFrame, key: str) -> pd.Series:
    catalog = pd.DataFrame(session.execute(select(Criterion.code, Criterion.kind, Criterion.target)).all())
    scored = score(results.merge(catalog, left_on="criterion_code", right_on="code"))
    return scored[scored["status"] == Status.GREEN].groupby(key).size()


def delete_by_origin(session: Session, origin: Origin) -> int:
    """Remove every submission of one origin (and its results). Returns how many submissions."""
    ids = select(Submission.id).where(Submission.origin == origin)
    session.execute(delete(Result).where(Result.submission_id.in_(ids)))
    return session.execute(delete(Submission).where(Submission.origin == origin)).rowcount
