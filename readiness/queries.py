"""Read-only queries that every page, the PDF and the CLI share: one number, one function.

Each takes a session, the as-of date and the province in scope ("01", or NATIONAL for all) and returns plain
DataFrames or dicts. Status comes from each commune's newest submission on or before the as-of date.
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Select, and_, func, select
from sqlmodel import Session

from readiness import registry
from readiness.models import Boundary, Commune, Criterion, Province, Result, Submission
from readiness.scoring import Status, score
from readiness.settings import NATIONAL, get_settings
from readiness.text import fold

STATUSES = [Status.GREEN, Status.RED, Status.GREY]


def _in_scope(statement: Select, province: str) -> Select:
    return statement if province == NATIONAL else statement.where(Commune.province_code == province)


def _frame(session: Session, statement: Select) -> pd.DataFrame:
    result = session.execute(statement)
    columns = list(result.keys())
    # Column by column: handing pandas the Row objects themselves costs more than the query (53,000 rows).
    values = list(zip(*result.all(), strict=True)) or [()] * len(columns)
    return pd.DataFrame({name: list(column) for name, column in zip(columns, values, strict=True)}, columns=columns)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def data_version(session: Session) -> tuple:
    """Changes whenever submissions, any field of the catalog or the boundaries change: the key under which
    pages cache query results. The catalog counts by a digest of all its rows (16 rows: cheap), so that a new
    deadline or name shows at once."""
    submissions = session.execute(select(func.count(Submission.id), func.max(Submission.id))).one()
    rows = session.execute(select(*Criterion.__table__.c).order_by(Criterion.code)).all()
    catalog_digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
    boundary = session.execute(select(func.max(Boundary.id))).scalar_one()
    return (*submissions, catalog_digest, boundary)


def catalog(session: Session) -> pd.DataFrame:
    return _frame(session, select(*Criterion.__table__.c).order_by(Criterion.position))


def communes(session: Session, province: str) -> pd.DataFrame:
    statement = select(
        Commune.code, Commune.name, Commune.kind, Commune.province_code, Province.name.label("province_name")
    ).join(Province)
    return _frame(session, _in_scope(statement, province).order_by(Commune.code))


def latest_submissions(session: Session, as_of: date, province: str) -> pd.DataFrame:
    """Each commune's newest submission on or before `as_of` (communes that never reported are left out)."""
    newest = (
        select(Submission.id)
        .where(Submission.commune_code == Commune.code, Submission.reporting_date <= as_of)
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
    ).join(Submission, and_(Submission.id == newest))
    return _frame(session, _in_scope(statement, province))


def status(session: Session, as_of: date, province: str) -> pd.DataFrame:
    """One row per commune and criterion with its value, status, progress, gap and overdue flag."""
    latest = latest_submissions(session, as_of, province)
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
    grid = grid.merge(latest[["commune_code", "submission_id", "reporting_date"]], on="commune_code", how="left")
    grid = grid.merge(results, on=["submission_id", "criterion_code"], how="left")
    grid[["evidence", "note"]] = grid[["evidence", "note"]].fillna("")
    return score(grid, as_of)


def _status_counts(status_frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Columns green, red, grey: how many rows of each status per value of `key`."""
    counts = status_frame.groupby([key, "status"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=STATUSES, fill_value=0)
    counts.columns = [str(c) for c in counts.columns]
    return counts


def by_commune(status_frame: pd.DataFrame) -> pd.DataFrame:
    """Per commune: counts of green, red and grey criteria, and whether it is fully green."""
    counts = _status_counts(status_frame, "commune_code")
    info = status_frame.drop_duplicates("commune_code").set_index("commune_code")[
        ["commune_name", "commune_kind", "province_code", "province_name", "reporting_date"]
    ]
    frame = info.join(counts).reset_index()
    frame["fully_green"] = frame["green"] == status_frame["criterion_code"].nunique()
    return frame


def by_criterion(status_frame: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: counts of communes green, red and grey, overdue, and the total gap in its unit."""
    counts = _status_counts(status_frame, "criterion_code")
    countable = status_frame[~status_frame["gap_is_share"]]
    extra = status_frame.groupby("criterion_code").agg(overdue=("overdue", "sum"))
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


def summary(session: Session, as_of: date, province: str) -> dict:
    """The figures of `readiness summary --json` (a contract: keep its keys stable)."""
    frame = status(session, as_of, province)
    communes_ = by_commune(frame)
    criteria_ = by_criterion(frame)
    return {
        "as_of": as_of.isoformat(),
        "province": registry.province_name(province),
        "communes": len(communes_),
        "fully_green": int(communes_["fully_green"].sum()),
        "criteria": {row.criterion_code: {s: int(getattr(row, s)) for s in STATUSES} for row in criteria_.itertuples()},
        "by_commune": {row.commune_code: {s: int(getattr(row, s)) for s in STATUSES} for row in communes_.itertuples()},
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
    }


def trend(session: Session, as_of: date, province: str) -> pd.DataFrame:
    """Week by week since the start date: share of communes fully green and average green criteria."""
    start = get_settings().start_date
    points = pd.date_range(start, as_of, freq="7D").date.tolist()
    if not points or points[-1] != as_of:
        points.append(as_of)
    # Ordered in the database along ix_submission_latest, so that the newest submission of a commune and point
    # comes last without reading (and converting) every received_at.
    statement = (
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


def warning_list(session: Session, as_of: date, province: str) -> pd.DataFrame:
    """This week's warning list: communes with overdue red criteria, or not fully green and silent for
    `stale_after_days` days. Most severe first."""
    return _warnings(status(session, as_of, province), as_of)


def _warnings(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    communes_ = by_commune(frame)
    overdue = frame[frame["overdue"]]
    per_commune = overdue.groupby("commune_code").agg(
        overdue_count=("criterion_code", "size"),
        overdue_criteria=("criterion_code", lambda codes: ", ".join(sorted(codes))),
        max_days_overdue=("days_overdue", "max"),
    )
    listed = communes_.set_index("commune_code").join(per_commune)
    listed[["overdue_count", "max_days_overdue"]] = listed[["overdue_count", "max_days_overdue"]].fillna(0).astype(int)
    listed["overdue_criteria"] = listed["overdue_criteria"].fillna("")
    last = pd.to_datetime(listed["reporting_date"])
    listed["days_since_report"] = (pd.Timestamp(as_of) - last).dt.days
    stale_after = get_settings().stale_after_days
    listed["stale"] = ~listed["fully_green"] & (last.isna() | (listed["days_since_report"] > stale_after))
    listed = listed[(listed["overdue_count"] > 0) | listed["stale"]]
    return (
        listed.sort_values(
            ["overdue_count", "max_days_overdue", "days_since_report", "green"],
            ascending=[False, False, False, True],
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
                "reporting_date",
                "days_since_report",
                "stale",
            ],
        ]
    )


def commune_history(session: Session, commune_code: str) -> pd.DataFrame:
    """All submissions of one commune, newest first; `superseded` marks those a newer one replaced."""
    statement = (
        select(*Submission.__table__.c)
        .where(Submission.commune_code == commune_code)
        .order_by(Submission.reporting_date.desc(), Submission.received_at.desc(), Submission.id.desc())
    )
    frame = _frame(session, statement)
    frame["superseded"] = frame.duplicated("reporting_date", keep="first")
    return frame


def overview(session: Session, as_of: date, province: str) -> dict:
    """The overview page's figures from one pass over the status: "kpis" (as `kpis`) and "lagging" (the five
    criteria of `lagging_criteria`)."""
    frame = status(session, as_of, province)
    criteria_ = by_criterion(frame)
    return {"kpis": _kpis(session, frame, criteria_, as_of, province), "lagging": _lagging(criteria_, 5)}


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
    frame = status(session, as_of, province)
    return frame[frame["commune_code"] == commune_code].reset_index(drop=True)


def commune_submissions(session: Session, as_of: date, commune_code: str) -> pd.DataFrame:
    """One commune's submissions up to `as_of`, newest first, superseded ones marked."""
    history = commune_history(session, commune_code)
    return history[history["reporting_date"] <= as_of].reset_index(drop=True)


def commune_trend(session: Session, as_of: date, commune_code: str) -> pd.DataFrame:
    """One commune's green count by reporting date (the submission that counts for each date)."""
    history = commune_submissions(session, as_of, commune_code)
    current = history[~history["superseded"]].sort_values("reporting_date")
    return pd.DataFrame(
        {"date": current["reporting_date"].tolist(), "green": current["green_count"].astype(int).tolist()}
    )


def report_figures(session: Session, as_of: date, province: str) -> dict:
    """The province report's figures from one pass over the status (the same functions as the pages):
    "kpis", "lagging" (as `overview`), "status", "criteria" (`by_criterion`), "warnings" (`warning_list`)."""
    frame = status(session, as_of, province)
    criteria_ = by_criterion(frame)
    return {
        "kpis": _kpis(session, frame, criteria_, as_of, province),
        "lagging": _lagging(criteria_, 5),
        "status": frame,
        "criteria": criteria_,
        "warnings": _warnings(frame, as_of),
    }
