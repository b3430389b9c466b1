"""Storing submissions: the one place where checklists enter the database, whatever their origin."""

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, delete, insert, select, update
from sqlmodel import Session

from readiness.core.models import Criterion, Origin, Result, ReviewStatus, Submission, SubmissionCreate, SubmissionFlag
from readiness.core.scoring import Status, score
from readiness.intake import flags


def save(
    session: Session,
    submissions: list[SubmissionCreate],
    green: list[list[bool]] | None = None,
    review_flags: bool = True,
) -> list[int]:
    """Insert submissions with their results, in the caller's transaction. Returns their ids. Pending ones are
    flagged (unless `review_flags` is False: the caller then calls flags.flag_new) and supersede the pending ones they
    replace (readiness.intake.flags).

    Each result is stored with its green flag and each submission with its green count (how many of its results
    are green), both from one scoring. `green`: per submission, one flag per result, when the caller has scored
    the results already (the importer scores a whole batch of files at once, one transaction per file)."""
    if not submissions:
        return []
    if green is None:
        green = green_flags(session, [[r.model_dump() for r in s.results] for s in submissions])
    rows = [
        {**s.model_dump(exclude={"results"}), "green_count": sum(flags)}
        for s, flags in zip(submissions, green, strict=True)
    ]
    # Core inserts: the ORM's bulk insert splits rows into many statements wherever their None columns differ.
    connection = session.connection()
    submission_table = Submission.__table__
    returning = insert(submission_table).returning(submission_table.c.id, sort_by_parameter_order=True)
    ids = list(connection.execute(returning, rows).scalars())
    results = [
        {**r.model_dump(), "submission_id": submission_id, "green": flag}
        for submission_id, s, flags in zip(ids, submissions, green, strict=True)
        for r, flag in zip(s.results, flags, strict=True)
    ]
    connection.execute(insert(Result.__table__), results)
    pending = [i for i, s in zip(ids, submissions, strict=True) if s.review_status == ReviewStatus.PENDING]
    flags.on_arrival(session, pending, review_flags)
    return ids


def green_flags(session: Session, result_lists: list[list[dict]]) -> list[list[bool]]:
    """Whether each result (criterion_code, value, out_of) of each list is green against the current catalog."""
    rows = [r for results in result_lists for r in results]
    flags = iter(_green(session, pd.DataFrame(rows)).tolist() if rows else [])
    return [[next(flags) for _ in results] for results in result_lists]


def recount(session: Session) -> None:
    """Recompute every result's green flag and every submission's green count against the current catalog (after
    its kinds or targets change, and to fill the flags in migration 0006). Only rows that change are written."""
    connection = session.connection()
    results = pd.read_sql(
        select(Result.submission_id, Result.criterion_code, Result.value, Result.out_of, Result.green), connection
    )
    if results.empty:
        return
    results["now"] = _green(session, results)
    changed = results[results["now"] != results["green"]]
    # One statement per criterion and batch of submissions: an UPDATE per row would take minutes nationally.
    table = Result.__table__
    for (code, flag), rows in changed.groupby(["criterion_code", "now"]):
        ids = rows["submission_id"].astype(int).tolist()
        for start in range(0, len(ids), 5000):
            connection.execute(
                update(table)
                .where(table.c.criterion_code == code, table.c.submission_id.in_(ids[start : start + 5000]))
                .values(green=bool(flag))
            )
    stored = pd.read_sql(select(Submission.id, Submission.green_count), connection, index_col="id")
    counts = results.groupby("submission_id")["now"].sum().reindex(stored.index, fill_value=0)
    recounted = counts[counts != stored["green_count"]]
    if not recounted.empty:
        table = Submission.__table__
        connection.execute(
            update(table).where(table.c.id == bindparam("submission")).values(green_count=bindparam("count")),
            [{"submission": int(i), "count": int(n)} for i, n in recounted.items()],
        )


def _green(session: Session, results: pd.DataFrame) -> np.ndarray:
    """Whether each row (criterion_code, value, out_of) meets its criterion's target: scoring.score's green."""
    catalog = pd.DataFrame(
        session.execute(select(Criterion.code, Criterion.kind, Criterion.target)).all(),
        columns=["criterion_code", "kind", "target"],
    )
    # A left merge keeps the rows in their order (a criterion code appears once in the catalog).
    scored = score(results[["criterion_code", "value", "out_of"]].merge(catalog, on="criterion_code", how="left"))
    return (scored["status"] == Status.GREEN).to_numpy()


def delete_by_origin(session: Session, origin: Origin) -> int:
    """Remove every submission of one origin (and its results). Returns how many submissions."""
    ids = select(Submission.id).where(Submission.origin == origin)
    session.execute(delete(Result).where(Result.submission_id.in_(ids)))
    session.execute(delete(SubmissionFlag).where(SubmissionFlag.submission_id.in_(ids)))
    return session.execute(delete(Submission).where(Submission.origin == origin)).rowcount
