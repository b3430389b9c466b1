"""Read-only queries that every page, the PDF and the CLI share: one number, one function.

Each takes a session, the as-of date and the province in scope ("01", or NATIONAL for all) and returns plain
DataFrames or dicts. Status comes from each commune's newest counting submission on or before the as-of date.

Which submissions count is decided in one place, `counting`: with READINESS_COUNTS=reported every submission the
DOST has not returned, with READINESS_COUNTS=approved (or `approved_only=True`) only approved ones. A returned
submission never counts: the commune's previous counting submission stands instead.
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Select, and_, case, cast, func, select
from sqlmodel import Session

from readiness.core import registry
from readiness.core.models import Boundary, Commune, Criterion, Province, Result, ReviewStatus, Submission
from readiness.core.scoring import TIMELINESS, Status, Timeliness, classify_timeliness, score
from readiness.core.settings import NATIONAL, get_settings
from readiness.core.text import fold

STATUSES = [Status.GREEN, Status.RED, Status.GREY]


def _in_scope(statement: Select, province: str) -> Select:
    return statement if province == NATIONAL else statement.where(Commune.province_code == province)


def _frame(session: Session, statement: Select) -> pd.DataFrame:
    # Core execution: the ORM's row processing costs more than the query itself for large results.
    result = session.connection().execute(statement)
    columns = list(result.keys())
    # Column by column: handing pandas the Row objects themselves costs more than the query (53,000 rows).
    values = list(zip(*result.all(), strict=True)) or [()] * len(columns)
    return pd.DataFrame({name: list(column) for name, column in zip(columns, values, strict=True)}, columns=columns)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def counting(statement: Select, approved_only: bool | None = None) -> Select:
    """`statement` (over Submission) restricted to the submissions that count in figures: the one rule every
    query of submission history goes through. `approved_only` None follows READINESS_COUNTS."""
    if approved_only is None:
        approved_only = get_settings().counts == "approved"
    if approved_only:
        return statement.where(Submission.review_status == ReviewStatus.APPROVED)
    return statement.where(Submission.review_status != ReviewStatus.RETURNED)


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
    return _frame(session, select(*Criterion.__table__.c).order_by(Criterion.position))


def communes(session: Session, province: str) -> pd.DataFrame:
    statement = select(
        Commune.code, Commune.name, Commune.kind, Commune.province_code, Province.name.label("province_name")
    ).join(Province)
    return _frame(session, _in_scope(statement, province).order_by(Commune.code))


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
        .order_by(Submission.reporting_date.desc(), Submission.received_at.desc(), Submission.id.desc())
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
    return _frame(session, _in_scope(statement, province))


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
            _frame(
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


# Criteria per bit mask of `_history`: every mask fits a signed 64-bit integer.
_MASK_BITS = 62


def _history(
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
        .order_by(Submission.commune_code, Submission.reporting_date, Submission.received_at, Submission.id),
        approved_only,
    )
    if commune is not None:
        statement = statement.where(Submission.commune_code == commune)
    history = _frame(session, _in_scope(statement, province))
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
    history, green = _history(session, as_of, province, criteria_["code"].tolist(), commune, approved_only)
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


def timeliness_counts(frame: pd.DataFrame, key: str | None = None) -> pd.DataFrame | dict:
    """How many commune × criterion pairs of `timeliness` are on time, late, in progress and overdue: one dict over
    all of them, or a frame with one row per value of `key` (commune_code, criterion_code) and those four
    columns."""
    if key is None:
        counts = frame["timeliness"].value_counts()
        return {str(label): int(counts.get(label, 0)) for label in TIMELINESS}
    counts = frame.groupby([key, "timeliness"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=TIMELINESS, fill_value=0)
    counts.columns = [str(c) for c in counts.columns]
    return counts.reset_index()


def _shared_rank(frame: pd.DataFrame, keys: list[str], ascending: list[bool]) -> pd.DataFrame:
    """`frame` sorted by `keys`, with a "rank" column where rows equal on every key share the rank of the first
    of them (competition ranking: 1, 2, 2, 4)."""
    ordered = frame.sort_values(keys, ascending=ascending, kind="stable").reset_index(drop=True)
    tied = ordered[keys].eq(ordered[keys].shift()).all(axis=1)
    first = pd.Series(np.arange(1, len(ordered) + 1), index=ordered.index)
    ordered["rank"] = first.where(~tied).ffill().astype(int)
    return ordered


def ranking(session: Session, as_of: date, province: str) -> pd.DataFrame:
    """Communes ranked by criteria green (most first), then criteria green on time (most first), then the date of
    their last turn to green (earliest first; none last). Ties share a rank. Columns: rank, commune_code,
    commune_name, commune_kind, province_code, province_name, green, red, grey, fully_green, on_time, late,
    last_green."""
    return _ranking(status(session, as_of, province), timeliness(session, as_of, province))


def _ranking(status_frame: pd.DataFrame, timely: pd.DataFrame) -> pd.DataFrame:
    communes_ = by_commune(status_frame)
    counts = timeliness_counts(timely, "commune_code")[["commune_code", "on_time", "late"]]
    last = pd.to_datetime(timely["green_since"]).groupby(timely["commune_code"]).max().rename("last_green")
    frame = communes_.merge(counts, on="commune_code").merge(last.reset_index(), on="commune_code")
    # Never green ranks after any date, and ties with the others never green.
    frame["turn"] = frame["last_green"].fillna(pd.Timestamp("9999-12-31"))
    ranked = _shared_rank(frame, ["green", "on_time", "turn"], [False, False, True])
    ranked["last_green"] = ranked["last_green"].dt.date.astype(object).where(ranked["last_green"].notna(), None)
    identity = ["rank", "commune_code", "commune_name", "commune_kind", "province_code", "province_name"]
    return ranked[[*identity, "green", "red", "grey", "fully_green", "on_time", "late", "last_green"]]


def province_ranking(status_frame: pd.DataFrame) -> pd.DataFrame:
    """National mode: provinces ranked by their share of communes fully green (ties share a rank), with the
    columns of `by_province`."""
    ranked = _shared_rank(by_province(status_frame), ["fully_green_share"], [False])
    return ranked[["rank", *ranked.columns.drop("rank")]]


def _status_counts(status_frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Columns green, red, grey: how many rows of each status per value of `key`."""
    counts = status_frame.groupby([key, "status"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=STATUSES, fill_value=0)
    counts.columns = [str(c) for c in counts.columns]
    return counts


def by_commune(status_frame: pd.DataFrame) -> pd.DataFrame:
    """Per commune: counts of green, red and grey criteria, whether it is fully green, and whether its figures come
    from a submission pending review."""
    counts = _status_counts(status_frame, "commune_code")
    info = status_frame.drop_duplicates("commune_code").set_index("commune_code")[
        [
            "commune_name",
            "commune_kind",
            "province_code",
            "province_name",
            "reporting_date",
            "review_status",
            "reporter_name",
            "reporter_phone",
        ]
    ]
    frame = info.join(counts).reset_index()
    frame["fully_green"] = frame["green"] == status_frame["criterion_code"].nunique()
    frame["pending"] = frame.pop("review_status") == ReviewStatus.PENDING
    return frame


def by_criterion(status_frame: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: counts of communes green, red and grey, overdue, the total gap in its unit, and how many of
    the green ones come from submissions pending review (green_pending)."""
    counts = _status_counts(status_frame, "criterion_code")
    countable = status_frame[~status_frame["gap_is_share"]]
    green_pending = (status_frame["status"] == Status.GREEN) & (status_frame["review_status"] == ReviewStatus.PENDING)
    extra = (
        status_frame.assign(green_pending=green_pending)
        .groupby("criterion_code")
        .agg(overdue=("overdue", "sum"), green_pending=("green_pending", "sum"))
    )
    extra["gap"] = countable.groupby("criterion_code")["gap"].sum()
    info = status_frame.drop_duplicates("criterion_code").set_index("criterion_code")[
        [
            "position",
            "group_vi",
            "group_en",
            "name_vi",
            "name_en",
            "kind",
            "target",
            "unit_vi",
            "unit_en",
            "deadline",
        ]
    ]
    frame = info.join(counts).join(extra).reset_index().sort_values("position")
    frame["not_green"] = frame["red"] + frame["grey"]
    frame["gap"] = frame["gap"].fillna(0.0)
    return frame.reset_index(drop=True)


def counts_setting(approved_only: bool | None = None) -> str:
    """Which submissions the figures count: "approved" or "reported"."""
    return (
        "approved" if approved_only or (approved_only is None and get_settings().counts == "approved") else "reported"
    )


def summary(session: Session, as_of: date, province: str, approved_only: bool | None = None) -> dict:
    """The figures of `readiness summary --json` (a contract: keep its keys stable). "counts" says which submissions
    count; "pending" is how many communes' figures come from a submission pending review."""
    frame = status(session, as_of, province, approved_only)
    communes_ = by_commune(frame)
    criteria_ = by_criterion(frame)
    timely = timeliness(session, as_of, province, approved_only=approved_only)
    per_commune = timeliness_counts(timely, "commune_code").set_index("commune_code")
    return {
        "as_of": as_of.isoformat(),
        "province": registry.province_name(province),
        "counts": counts_setting(approved_only),
        "communes": len(communes_),
        "fully_green": int(communes_["fully_green"].sum()),
        "pending": int(communes_["pending"].sum()),
        "criteria": {row.criterion_code: {s: int(getattr(row, s)) for s in STATUSES} for row in criteria_.itertuples()},
        "by_commune": {
            row.commune_code: {s: int(getattr(row, s)) for s in STATUSES}
            | {str(k): int(per_commune.at[row.commune_code, k]) for k in (Timeliness.ON_TIME, Timeliness.LATE)}
            for row in communes_.itertuples()
        },
        "timeliness": timeliness_counts(timely),
    }


def kpis(session: Session, as_of: date, province: str) -> dict:
    """The overview's headline figures."""
    frame = status(session, as_of, province)
    return _kpis(session, frame, by_criterion(frame), as_of, province)


def _kpis(session: Session, frame: pd.DataFrame, criteria_: pd.DataFrame, as_of: date, province: str) -> dict:
    communes_ = by_commune(frame)
    since = _end_of_day(as_of - timedelta(days=get_settings().stale_after_days))
    recent = (
        select(func.count(Submission.id))
        .join(Commune)
        .where(Submission.received_at >= since, Submission.received_at < _end_of_day(as_of))
    )
    n = len(communes_)
    return {
        "communes": n,
        "criteria": len(criteria_),
        "fully_green": int(communes_["fully_green"].sum()),
        "fully_green_share": float(communes_["fully_green"].mean()) if n else 0.0,
        "average_green": float(communes_["green"].mean()) if n else 0.0,
        "criteria_green_everywhere": int((criteria_["green"] == n).sum()) if n else 0,
        "submissions_last_days": int(session.execute(_in_scope(recent, province)).scalar_one()),
        "overdue": int(frame["overdue"].sum()),
        **_pending(communes_),
    }


def _pending(communes_: pd.DataFrame) -> dict:
    return {
        "pending_communes": int(communes_["pending"].sum()),
        "fully_green_pending": int((communes_["fully_green"] & communes_["pending"]).sum()),
    }


def pending_figures(status_frame: pd.DataFrame) -> dict:
    """How much of a status frame comes from submissions pending review: "communes", "pending_communes" (whose
    figures are pending) and "fully_green_pending" (fully green by a pending submission)."""
    communes_ = by_commune(status_frame)
    return {"communes": len(communes_), **_pending(communes_)}


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
        .order_by(Submission.commune_code, Submission.reporting_date, Submission.received_at, Submission.id)
    )
    submissions = _frame(session, _in_scope(statement, province))
    n_communes = int(session.execute(_in_scope(select(func.count(Commune.code)), province)).scalar_one())
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
    n_communes = int(session.execute(_in_scope(select(func.count(Commune.code)), province)).scalar_one())
    statement = counting(
        select(Submission.commune_code, Submission.reporting_date, Submission.received_at)
        .join(Commune)
        .where(Submission.reporting_date <= last_due)
    )
    received = _frame(session, _in_scope(statement, province))
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


def warning_list(session: Session, as_of: date, province: str) -> pd.DataFrame:
    """This week's warning list: communes with overdue red criteria, with criteria not green whose deadline is at
    most `at_risk_days` away (at risk), or not fully green and silent for `stale_after_days` days. Most severe
    first: overdue, then at risk (nearest deadline first), then silent."""
    return _warnings(status(session, as_of, province), as_of)


def _per_commune(rows: pd.DataFrame, count: str, codes: str) -> pd.DataFrame:
    """How many rows each commune has, and their criterion codes ("TC02, TC09")."""
    return rows.groupby("commune_code").agg(
        **{count: ("criterion_code", "size"), codes: ("criterion_code", lambda c: ", ".join(sorted(c)))}
    )


def _warnings(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    settings = get_settings()
    communes_ = by_commune(frame)
    overdue = frame[frame["overdue"]]
    days_left = (pd.to_datetime(frame["deadline"]) - pd.Timestamp(as_of)).dt.days
    at_risk = frame[(frame["status"] != Status.GREEN) & days_left.between(0, settings.at_risk_days)]
    listed = (
        communes_.set_index("commune_code")
        .join(_per_commune(overdue, "overdue_count", "overdue_criteria"))
        .join(overdue.groupby("commune_code").agg(max_days_overdue=("days_overdue", "max")))
        .join(_per_commune(at_risk, "at_risk_count", "at_risk_criteria"))
        .join(days_left[at_risk.index].groupby(at_risk["commune_code"]).min().rename("days_to_deadline"))
    )
    counts = ["overdue_count", "max_days_overdue", "at_risk_count"]
    listed[counts] = listed[counts].fillna(0).astype(int)
    listed[["overdue_criteria", "at_risk_criteria"]] = listed[["overdue_criteria", "at_risk_criteria"]].fillna("")
    last = pd.to_datetime(listed["reporting_date"])
    listed["days_since_report"] = (pd.Timestamp(as_of) - last).dt.days
    listed["stale"] = ~listed["fully_green"] & (last.isna() | (listed["days_since_report"] > settings.stale_after_days))
    listed = listed[(listed["overdue_count"] > 0) | (listed["at_risk_count"] > 0) | listed["stale"]]
    return (
        listed.sort_values(
            ["overdue_count", "max_days_overdue", "at_risk_count", "days_to_deadline", "days_since_report", "green"],
            ascending=[False, False, False, True, False, True],
            na_position="last",
        )
        .reset_index()
        .loc[
            :,
            [
                "commune_code",
                "commune_name",
                "commune_kind",
                "province_name",
                "green",
                "red",
                "grey",
                "overdue_count",
                "overdue_criteria",
                "max_days_overdue",
                "at_risk_count",
                "at_risk_criteria",
                "days_to_deadline",
                "reporting_date",
                "days_since_report",
                "stale",
                "reporter_name",
                "reporter_phone",
            ],
        ]
    )


def commune_history(session: Session, commune_code: str) -> pd.DataFrame:
    """All submissions of one commune, newest first, with their review. `counts` marks those the counting rule
    admits; `superseded` those a newer counting submission for the same date replaced."""
    order = (Submission.reporting_date.desc(), Submission.received_at.desc(), Submission.id.desc())
    frame = _frame(
        session, select(*Submission.__table__.c).where(Submission.commune_code == commune_code).order_by(*order)
    )
    counted = _frame(session, counting(select(Submission.id).where(Submission.commune_code == commune_code)))
    frame["counts"] = frame["id"].isin(counted["id"])
    frame["superseded"] = frame["counts"] & frame["reporting_date"].where(frame["counts"]).duplicated(keep="first")
    return frame


def overview(session: Session, as_of: date, province: str) -> dict:
    """The overview page's figures from one pass over the status: "kpis" (as `kpis`), "lagging" (the five
    criteria of `lagging_criteria`) and those of `_management`."""
    frame = status(session, as_of, province)
    criteria_ = by_criterion(frame)
    return {
        "kpis": _kpis(session, frame, criteria_, as_of, province),
        "lagging": _lagging(criteria_, 5),
        **_management(session, frame, criteria_, as_of, province),
    }


def _management(session: Session, frame: pd.DataFrame, criteria_: pd.DataFrame, as_of: date, province: str) -> dict:
    """The weekly management figures of the overview and the report: "timeliness" (`timeliness_counts` over all
    pairs), "timeliness_by_criterion" (per criterion, with its names and deadline), "ranking" (`ranking`),
    "province_ranking" (national mode only, else None) and "reporting" (`reporting`)."""
    timely = timeliness(session, as_of, province)
    per_criterion = criteria_[["criterion_code", "position", "name_vi", "name_en", "deadline"]].merge(
        timeliness_counts(timely, "criterion_code"), on="criterion_code"
    )
    return {
        "timeliness": timeliness_counts(timely),
        "timeliness_by_criterion": per_criterion,
        "ranking": _ranking(frame, timely),
        "province_ranking": province_ranking(frame) if province == NATIONAL else None,
        "reporting": reporting(session, as_of, province),
    }


def lagging_criteria(session: Session, as_of: date, province: str, limit: int = 5) -> pd.DataFrame:
    """The criteria with the most communes not green (ties: more overdue first), at most `limit`."""
    return _lagging(by_criterion(status(session, as_of, province)), limit)


def _lagging(criteria_: pd.DataFrame, limit: int) -> pd.DataFrame:
    lagging = criteria_[criteria_["not_green"] > 0]
    order = lagging.sort_values(["not_green", "overdue", "position"], ascending=[False, False, True])
    return order.head(limit).reset_index(drop=True)


def select_communes(
    status_frame: pd.DataFrame,
    *,
    kinds: Sequence[str] = (),
    groups: Sequence[str] = (),
    statuses: Sequence[str] = (),
    search: str = "",
    order: str = "readiness",
) -> pd.DataFrame:
    """The heatmap's rows: communes of the given kinds having a criterion in one of `statuses`, whose name contains
    `search` (without case or diacritics), restricted to criteria of `groups` (group_vi or group_en). Empty
    filters keep everything. order "readiness": fewest green first; "name": alphabetical without diacritics."""
    frame = status_frame
    if groups:
        frame = frame[frame["group_vi"].isin(groups) | frame["group_en"].isin(groups)]
    if kinds:
        frame = frame[frame["commune_kind"].isin(kinds)]
    if search.strip():
        folded = frame["commune_name"].map(fold)
        frame = frame[folded.str.contains(fold(search), regex=False)]
    if statuses:
        frame = frame[frame["commune_code"].isin(frame.loc[frame["status"].isin(statuses), "commune_code"])]
    greens = (frame["status"] == Status.GREEN).groupby(frame["commune_code"]).sum()
    names = frame.drop_duplicates("commune_code").set_index("commune_code")["commune_name"].map(fold)
    ranking = pd.DataFrame({"green": greens, "name": names})
    ranked = ranking.sort_values(["green", "name"] if order == "readiness" else ["name"], kind="stable").index
    rank = frame["commune_code"].map(pd.Series(range(len(ranked)), index=ranked))
    return frame.iloc[np.lexsort((frame["position"].to_numpy(), rank.to_numpy()))].reset_index(drop=True)


def by_province(status_frame: pd.DataFrame) -> pd.DataFrame:
    """National mode, per province: communes, fully green, average green criteria; most lagging first."""
    communes_ = by_commune(status_frame)
    frame = (
        communes_.groupby(["province_code", "province_name"])
        .agg(communes=("commune_code", "size"), fully_green=("fully_green", "sum"), average_green=("green", "mean"))
        .reset_index()
    )
    frame["fully_green_share"] = frame["fully_green"] / frame["communes"]
    return frame.sort_values(["average_green", "province_code"]).reset_index(drop=True)


def province_criteria(status_frame: pd.DataFrame) -> pd.DataFrame:
    """National mode, per province and criterion: communes green out of all, and the share."""
    frame = status_frame.assign(is_green=status_frame["status"] == Status.GREEN)
    grouped = (
        frame.groupby(["province_code", "province_name", "criterion_code", "position", "name_vi", "name_en"])
        .agg(green=("is_green", "sum"), communes=("commune_code", "size"))
        .reset_index()
    )
    grouped["green_share"] = grouped["green"] / grouped["communes"]
    return grouped.sort_values(["province_code", "position"]).reset_index(drop=True)


def lagging_communes(status_frame: pd.DataFrame, criterion_code: str) -> pd.DataFrame:
    """The communes not green on one criterion, furthest from the target first (never reported last)."""
    frame = status_frame[(status_frame["criterion_code"] == criterion_code) & (status_frame["status"] != Status.GREEN)]
    return frame.sort_values(
        ["status", "progress", "commune_name"], ascending=[False, True, True], na_position="last"
    ).reset_index(drop=True)


def commune_status(session: Session, as_of: date, commune_code: str) -> pd.DataFrame:
    """One commune's criteria with value, status, progress and gap (empty for an unknown code)."""
    province = session.execute(select(Commune.province_code).where(Commune.code == commune_code)).scalar_one_or_none()
    if province is None:
        return pd.DataFrame()
    return commune_rows(status(session, as_of, province), commune_code)


def commune_rows(status_frame: pd.DataFrame, commune_code: str) -> pd.DataFrame:
    """One commune's rows of a status frame (of its province or the whole country)."""
    return status_frame[status_frame["commune_code"] == commune_code].reset_index(drop=True)


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


def report_figures(session: Session, as_of: date, province: str) -> dict:
    """The province report's figures from one pass over the status (the same functions as the pages):
    "kpis", "lagging" and the management figures (as `overview`), "status", "criteria" (`by_criterion`),
    "warnings" (`warning_list`)."""
    frame = status(session, as_of, province)
    criteria_ = by_criterion(frame)
    return {
        "kpis": _kpis(session, frame, criteria_, as_of, province),
        "lagging": _lagging(criteria_, 5),
        **_management(session, frame, criteria_, as_of, province),
        "status": frame,
        "criteria": criteria_,
        "warnings": _warnings(frame, as_of),
    }
