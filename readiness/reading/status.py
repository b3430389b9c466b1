"""Database readers: status, history, timeliness, trend and reporting, each from the submissions `counting` admits.

Each takes a session, the as-of date and the province in scope ("01", or NATIONAL for all) and returns a plain
DataFrame. Status comes from each commune's newest counting submission on or before the as-of date.
"""

import hashlib
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Select, and_, case, cast, func, select
from sqlmodel import Session

from readiness.core import registry
from readiness.core.models import (
    Boundary,
    Commune,
    Criterion,
    Province,
    Result,
    ReviewStatus,
    Submission,
    SubmissionFlag,
)
from readiness.core.scoring import classify_timeliness, score
from readiness.core.settings import NATIONAL, get_settings
from readiness.reading.counting import NEWEST_FIRST, OLDEST_FIRST, counting


def in_scope(statement: Select, province: str) -> Select:
    return statement if province == NATIONAL else statement.where(Commune.province_code == province)


def read_frame(session: Session, statement: Select) -> pd.DataFrame:
    # Core execution: the ORM's row processing costs more than the query itself for large results.
    result = session.connection().execute(statement)
    columns = list(result.keys())
    # Column by column: handing pandas the Row objects themselves costs more than the query (53,000 rows).
    values = list(zip(*result.all(), strict=True)) or [()] * len(columns)
    return pd.DataFrame({name: list(column) for name, column in zip(columns, values, strict=True)}, columns=columns)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def data_version(session: Session) -> tuple:
    """Changes whenever submissions, their review, any field of the catalog or the boundaries change: the key under
    which pages cache query results. The catalog counts by a digest of all its rows (16 rows: cheap), so that a new
    deadline or name shows at once."""
    submissions = session.execute(
        select(func.count(Submission.id), func.max(Submission.id), func.max(Submission.reviewed_at))
    ).one()
    rows = session.execute(select(*Criterion.__table__.c).order_by(Criterion.code)).all()
    catalog_digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
    # The newest load time too: SQLite reuses the id of a deleted newest row, so a replaced file keeps its id.
    boundary = session.execute(
        select(func.count(Boundary.id), func.max(Boundary.id), func.max(Boundary.loaded_at))
    ).one()
    return (*submissions, catalog_digest, *boundary)


def catalog(session: Session) -> pd.DataFrame:
    return read_frame(session, select(*Criterion.__table__.c).order_by(Criterion.position))


def communes(session: Session, province: str) -> pd.DataFrame:
    statement = select(
        Commune.code, Commune.name, Commune.kind, Commune.province_code, Province.name.label("province_name")
    ).join(Province)
    return read_frame(session, in_scope(statement, province).order_by(Commune.code))


def commune_in_scope(session: Session, commune_code: str) -> str | None:
    """The official code of a commune of the province in scope, given with or without leading zeros; None if
    there is no such commune here."""
    try:
        code = registry.commune_code(commune_code)
    except registry.UnknownCode:
        return None
    commune = session.get(Commune, code)
    province = get_settings().province
    if commune is None or (province != NATIONAL and commune.province_code != province):
        return None
    return code


def latest_submissions(session: Session, as_of: date, province: str, approved_only: bool | None = None) -> pd.DataFrame:
    """Each commune's newest counting submission on or before `as_of` (communes without one are left out), with
    its review status."""
    newest = (
        counting(
            select(Submission.id).where(Submission.commune_code == Commune.code, Submission.reporting_date <= as_of),
            approved_only,
        )
        .order_by(*NEWEST_FIRST)
        .limit(1)
        .correlate(Commune)
        .scalar_subquery()
    )
    statement = select(
        Commune.code.label("commune_code"),
        Submission.id.label("submission_id"),
        Submission.reporting_date,
        Submission.received_at,
        Submission.green_count,
        Submission.reporter_name,
        Submission.reporter_phone,
        Submission.review_status,
    ).join(Submission, and_(Submission.id == newest))
    return read_frame(session, in_scope(statement, province))


def status(session: Session, as_of: date, province: str, approved_only: bool | None = None) -> pd.DataFrame:
    """One row per commune and criterion with its value, status, progress, gap and overdue flag, and the reporter
    of the submission it comes from; `review_status` says whether that submission is still pending."""
    latest = latest_submissions(session, as_of, province, approved_only)
    criteria_ = catalog(session)
    results = pd.DataFrame(columns=["submission_id", "criterion_code", "value", "out_of", "evidence", "note"])
    if not latest.empty:
        ids = latest["submission_id"].astype(int).tolist()
        # Naming the criteria lets the database walk the (criterion_code, submission_id) primary key
        # instead of scanning every result.
        codes = criteria_["code"].tolist()
        found = [
            read_frame(
                session,
                select(
                    Result.submission_id,
                    Result.criterion_code,
                    Result.value,
                    Result.out_of,
                    Result.evidence,
                    Result.note,
                ).where(Result.criterion_code.in_(codes), Result.submission_id.in_(ids[start : start + 5000])),
            )
            for start in range(0, len(ids), 5000)
        ]
        results = pd.concat(found, ignore_index=True)
    grid = communes(session, province).rename(
        columns={"code": "commune_code", "name": "commune_name", "kind": "commune_kind"}
    )
    grid = grid.merge(criteria_.rename(columns={"code": "criterion_code"}), how="cross")
    latest = latest[
        ["commune_code", "submission_id", "reporting_date", "review_status", "reporter_name", "reporter_phone"]
    ]
    grid = grid.merge(latest, on="commune_code", how="left")
    grid = grid.merge(results, on=["submission_id", "criterion_code"], how="left")
    texts = ["evidence", "note", "reporter_name", "reporter_phone"]
    grid[texts] = grid[texts].astype(object).where(grid[texts].notna(), "")
    return score(grid, as_of)


# Criteria per bit mask of `green_history`: every mask fits a signed 64-bit integer.
_MASK_BITS = 62


def green_history(
    session: Session, as_of: date, province: str, codes: list[str], commune: str | None, approved_only: bool | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every submission that counts (`counting`) for its commune and reporting date up to `as_of` (the newest
    received for a date wins, as in `latest_submissions`), ordered by commune and reporting date; and the boolean
    matrix submission × criterion (`codes`) of its results' stored green flags.

    One ordered read, one row per submission: the database sums its green results into bit masks (bit i: the
    i-th criterion of the mask's share of `codes`), walking the (submission_id, green) index instead of sending a
    row per result. A submission whose green count is the number of criteria is green everywhere, one whose count
    is 0 nowhere: only the flags of the others are read."""
    n_criteria = len(codes)
    shares = [codes[start : start + _MASK_BITS] for start in range(0, n_criteria, _MASK_BITS)]
    masks = []
    for number, share in enumerate(shares):
        bits = case({code: 2**bit for bit, code in enumerate(share)}, value=Result.criterion_code, else_=0)
        flags = select(func.coalesce(func.sum(bits), 0)).where(Result.submission_id == Submission.id, Result.green)
        mask = case(
            (Submission.green_count == n_criteria, 2 ** len(share) - 1),
            (Submission.green_count == 0, 0),
            else_=flags.scalar_subquery(),
        )
        masks.append(cast(mask, BigInteger).label(f"green_{number}"))
    statement = counting(
        select(Submission.commune_code, Submission.reporting_date, *masks)
        .join(Commune)
        .where(Submission.reporting_date <= as_of)
        .order_by(Submission.commune_code, *OLDEST_FIRST),
        approved_only,
    )
    if commune is not None:
        statement = statement.where(Submission.commune_code == commune)
    history = read_frame(session, in_scope(statement, province))
    history = history.drop_duplicates(["commune_code", "reporting_date"], keep="last").reset_index(drop=True)
    green = [
        ((history[mask.name].to_numpy(dtype=np.int64)[:, None] >> np.arange(len(share))) & 1).astype(bool)
        for mask, share in zip(masks, shares, strict=True)
    ]
    return history[["commune_code", "reporting_date"]], np.hstack([np.zeros((len(history), 0), bool), *green])


def timeliness(
    session: Session, as_of: date, province: str, commune: str | None = None, approved_only: bool | None = None
) -> pd.DataFrame:
    """One row per commune and criterion (every commune in scope, criteria in catalog order) with columns
    commune_code, criterion_code, deadline, green (as in `status`), green_since (reporting date of its last turn
    to green, None when not green), days_early (deadline − green_since in days; negative: late; NaN when not
    green) and timeliness (scoring.Timeliness: on_time, late, in_progress, overdue), from the submission history
    up to `as_of`: the submissions `counting` admits (`approved_only` as there). With `commune`, that commune's rows
    only."""
    criteria_ = catalog(session)
    history, green = green_history(session, as_of, province, criteria_["code"].tolist(), commune, approved_only)
    codes = communes(session, province)["code"]
    codes = (codes[codes == commune] if commune is not None else codes).to_numpy()
    n_criteria = len(criteria_)
    current = np.zeros((len(codes), n_criteria), dtype=bool)
    since = np.full((len(codes), n_criteria), np.datetime64("NaT"), dtype="datetime64[D]")
    if len(history):
        # Rows of one commune are contiguous: the last is its current report; the row after the last non-green
        # one is where the current green run began.
        starts = np.flatnonzero(history["commune_code"].ne(history["commune_code"].shift()).to_numpy())
        ends = np.append(starts[1:], len(history)) - 1
        position = np.arange(len(history))[:, None]
        last_not_green = np.maximum.reduceat(np.where(green, -1, position), starts, axis=0)
        turn = np.maximum(last_not_green + 1, starts[:, None])
        dates = pd.to_datetime(history["reporting_date"]).to_numpy().astype("datetime64[D]")
        at = pd.Index(codes).get_indexer(history["commune_code"].iloc[starts])
        current[at] = green[ends]
        since[at] = np.where(green[ends], dates[np.minimum(turn, len(history) - 1)], np.datetime64("NaT"))
    frame = pd.DataFrame(
        {
            "commune_code": np.repeat(codes, n_criteria),
            "criterion_code": np.tile(criteria_["code"].to_numpy(), len(codes)),
            "deadline": np.tile(criteria_["deadline"].to_numpy(), len(codes)),
            "green": current.ravel(),
            "green_since": pd.to_datetime(since.ravel()),
        }
    )
    frame["days_early"] = (pd.to_datetime(frame["deadline"]) - frame["green_since"]).dt.days
    frame["timeliness"] = classify_timeliness(frame["green"], frame["green_since"], frame["deadline"], as_of)
    # As objects: on an all-NaT column pandas' .dt.date stays datetime64, and NaT would stand for None.
    frame["green_since"] = frame["green_since"].dt.date.astype(object).where(frame["green"], None)
    return frame


def trend(session: Session, as_of: date, province: str) -> pd.DataFrame:
    """Week by week since the start date: share of communes fully green and average green criteria."""
    start = get_settings().start_date
    points = pd.date_range(start, as_of, freq="7D").date.tolist()
    if not points or points[-1] != as_of:
        points.append(as_of)
    # Ordered in the database along ix_submission_latest, so that the newest submission of a commune and point
    # comes last without reading (and converting) every received_at.
    statement = counting(
        select(Submission.commune_code, Submission.reporting_date, Submission.green_count)
        .join(Commune)
        .where(Submission.reporting_date <= as_of)
        .order_by(Submission.commune_code, *OLDEST_FIRST)
    )
    submissions = read_frame(session, in_scope(statement, province))
    n_communes = int(session.execute(in_scope(select(func.count(Commune.code)), province)).scalar_one())
    n_criteria = int(session.execute(select(func.count(Criterion.code))).scalar_one())
    if submissions.empty or not n_communes:
        return pd.DataFrame({"date": points, "fully_green_share": 0.0, "average_green": 0.0})
    # Each submission counts from the first point on or after its reporting date; the newest one wins.
    submissions["point"] = pd.Series(points).searchsorted(submissions["reporting_date"])
    green = submissions.groupby(["commune_code", "point"])["green_count"].last().unstack()
    green = green.reindex(columns=range(len(points))).ffill(axis=1).fillna(0)
    return pd.DataFrame(
        {
            "date": points,
            "fully_green_share": ((green == n_criteria).sum(axis=0) / n_communes).to_numpy(),
            "average_green": (green.sum(axis=0) / n_communes).to_numpy(),
        }
    )


def reporting(session: Session, as_of: date, province: str) -> pd.DataFrame:
    """Reporting timeliness week by week, as DHIS2 counts it: every commune is expected to report once a week.

    A submission belongs to the reporting week of the seven days that end on the due weekday
    (`report_due_weekday`) on or after its reporting date. A commune reported that week on time when its first
    counting submission for it (a returned one is not a report) was received by the end of the due day, Vietnam
    time (`timezone`); late when received after; missing when none was received by the end of `as_of`. Weeks run
    from the first whole week from `start_date` to the last one due on or before `as_of`, newest first.
    Columns: week_start, week_due, communes, on_time, late, missing, reported_share, on_time_share."""
    settings = get_settings()
    due = settings.report_due_weekday
    start = settings.start_date
    # The first week expected is the first whole week from the start date.
    first_due = start + timedelta(days=6 + (due - start.weekday() - 6) % 7)
    last_due = as_of - timedelta(days=(as_of.weekday() - due) % 7)
    columns = ["week_start", "week_due", "communes", "on_time", "late", "missing", "reported_share", "on_time_share"]
    if last_due < first_due:
        return pd.DataFrame(columns=columns)
    weeks = pd.date_range(first_due, last_due, freq="7D").date
    n_communes = int(session.execute(in_scope(select(func.count(Commune.code)), province)).scalar_one())
    statement = counting(
        select(Submission.commune_code, Submission.reporting_date, Submission.received_at)
        .join(Commune)
        .where(Submission.reporting_date <= last_due)
    )
    received = read_frame(session, in_scope(statement, province))
    # Times are stored in UTC (naive on SQLite): the day a report arrived is the day in Vietnam.
    local = pd.to_datetime(received["received_at"], utc=True).dt.tz_convert(settings.timezone).dt.tz_localize(None)
    reporting_date = pd.to_datetime(received["reporting_date"])
    received = received.assign(
        arrived=local.dt.normalize(),
        week_due=reporting_date + pd.to_timedelta((due - reporting_date.dt.day_of_week) % 7, unit="D"),
    )
    received = received[received["arrived"] <= pd.Timestamp(as_of)]
    first = received.groupby(["commune_code", "week_due"])["arrived"].min().reset_index()
    first["on_time"] = first["arrived"] <= first["week_due"]
    per_week = first.groupby("week_due")["on_time"].agg(on_time="sum", reported="size")
    per_week.index = per_week.index.date
    frame = pd.DataFrame({"week_due": list(weeks)}).join(per_week, on="week_due").fillna(0)
    frame[["on_time", "reported"]] = frame[["on_time", "reported"]].astype(int)
    frame["late"] = frame["reported"] - frame["on_time"]
    frame["missing"] = n_communes - frame["reported"]
    frame["communes"] = n_communes
    frame["week_start"] = [d - timedelta(days=6) for d in frame["week_due"]]
    frame["reported_share"] = frame["reported"] / n_communes if n_communes else 0.0
    frame["on_time_share"] = frame["on_time"] / n_communes if n_communes else 0.0
    return frame[columns].iloc[::-1].reset_index(drop=True)


def commune_history(session: Session, commune_code: str) -> pd.DataFrame:
    """All submissions of one commune, newest first, with their review. `counts` marks those the counting rule
    admits; `superseded` those a newer submission for the same date replaced (a counting one, or a pending one
    marked superseded on the newer one's arrival); `flags` the review flags' codes (readiness.intake.flags)."""
    frame = read_frame(
        session, select(*Submission.__table__.c).where(Submission.commune_code == commune_code).order_by(*NEWEST_FIRST)
    )
    counted = read_frame(session, counting(select(Submission.id).where(Submission.commune_code == commune_code)))
    frame["counts"] = frame["id"].isin(counted["id"])
    replaced = frame["counts"] & frame["reporting_date"].where(frame["counts"]).duplicated(keep="first")
    frame["superseded"] = replaced | (frame["review_status"] == ReviewStatus.SUPERSEDED)
    flagged = read_frame(
        session,
        select(SubmissionFlag.submission_id, SubmissionFlag.code)
        .join(Submission)
        .where(Submission.commune_code == commune_code)
        .order_by(SubmissionFlag.id),
    )
    codes = flagged.groupby("submission_id")["code"].agg(list)
    frame["flags"] = [codes.get(i, []) for i in frame["id"]]
    return frame


def commune_submissions(session: Session, as_of: date, commune_code: str) -> pd.DataFrame:
    """One commune's submissions up to `as_of`, newest first, superseded ones marked."""
    history = commune_history(session, commune_code)
    return history[history["reporting_date"] <= as_of].reset_index(drop=True)


def commune_trend(session: Session, as_of: date, commune_code: str) -> pd.DataFrame:
    """One commune's green count by reporting date (the submission that counts for each date)."""
    history = commune_submissions(session, as_of, commune_code)
    current = history[history["counts"] & ~history["superseded"]].sort_values("reporting_date")
    return pd.DataFrame(
        {"date": current["reporting_date"].tolist(), "green": current["green_count"].astype(int).tolist()}
    )
