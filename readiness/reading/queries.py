"""The read façade that pages, the PDF, the Excel and the CLI call: one number, one function.

The DB readers live in `status`, the pure figures in `figures`, which submission counts in `counting`; this module
composes them into the figures each output shows from one pass over the status, and names them all in one place
(pages cache these calls in ui.py).
"""

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from readiness.core import registry
from readiness.core.models import Commune, Submission
from readiness.core.scoring import Timeliness
from readiness.core.settings import NATIONAL, get_settings
from readiness.reading.counting import counting, counts_setting
from readiness.reading.figures import (
    STATUSES,
    by_commune,
    by_criterion,
    by_province,
    commune_rows,
    lagging_communes,
    most_lagging,
    pending_counts,
    pending_figures,
    province_criteria,
    province_ranking,
    rank_communes,
    select_communes,
    timeliness_counts,
    warnings_of,
)
from readiness.reading.status import (
    catalog,
    commune_history,
    commune_in_scope,
    commune_submissions,
    commune_trend,
    communes,
    data_version,
    end_of_day,
    in_scope,
    latest_submissions,
    reporting,
    status,
    timeliness,
    trend,
)

__all__ = [
    "STATUSES",
    "by_commune",
    "by_criterion",
    "by_province",
    "catalog",
    "commune_history",
    "commune_in_scope",
    "commune_rows",
    "commune_status",
    "commune_submissions",
    "commune_trend",
    "communes",
    "counting",
    "counts_setting",
    "data_version",
    "kpis",
    "lagging_communes",
    "lagging_criteria",
    "latest_submissions",
    "overview",
    "pending_figures",
    "province_criteria",
    "province_ranking",
    "ranking",
    "report_figures",
    "reporting",
    "select_communes",
    "status",
    "summary",
    "timeliness",
    "timeliness_counts",
    "trend",
    "warning_list",
]


def ranking(session: Session, as_of: date, province: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Communes ranked by criteria green (most first), then criteria green on time (most first), then the date of
    their last turn to green (earliest first; none last). Ties share a rank. Columns: rank, commune_code,
    commune_name, commune_kind, province_code, province_name, green, red, grey, fully_green, on_time, late,
    last_green. `frame`: the status of the same date and province when the caller has it already (not read again)."""
    frame = status(session, as_of, province) if frame is None else frame
    return rank_communes(frame, timeliness(session, as_of, province))


def summary(session: Session, as_of: date, province: str, approved_only: bool | None = None) -> dict:
    """The figures of `readiness summary --json` (a contract: keep its keys stable). "province_code" is the scope
    ("01", or "all" for the whole country); "counts" says which submissions count; "pending" is how many communes'
    figures come from a submission pending review."""
    frame = status(session, as_of, province, approved_only)
    communes_ = by_commune(frame)
    criteria_ = by_criterion(frame)
    timely = timeliness(session, as_of, province, approved_only=approved_only)
    per_commune = timeliness_counts(timely, "commune_code").set_index("commune_code")
    return {
        "as_of": as_of.isoformat(),
        "province": registry.province_name(province),
        "province_code": province,
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
    since = end_of_day(as_of - timedelta(days=get_settings().stale_after_days))
    recent = (
        select(func.count(Submission.id))
        .join(Commune)
        .where(Submission.received_at >= since, Submission.received_at < end_of_day(as_of))
    )
    n = len(communes_)
    return {
        "communes": n,
        # The catalog's number, as every output says it (not the criteria a frame happens to hold).
        "criteria": len(catalog(session)),
        "fully_green": int(communes_["fully_green"].sum()),
        "fully_green_share": float(communes_["fully_green"].mean()) if n else 0.0,
        "average_green": float(communes_["green"].mean()) if n else 0.0,
        "criteria_green_everywhere": int((criteria_["green"] == n).sum()) if n else 0,
        "submissions_last_days": int(session.execute(in_scope(recent, province)).scalar_one()),
        "overdue": int(frame["overdue"].sum()),
        **pending_counts(communes_),
    }


def warning_list(session: Session, as_of: date, province: str) -> pd.DataFrame:
    """This week's warning list: communes with overdue red criteria, with criteria not green whose deadline is at
    most `at_risk_days` away (at risk), or not fully green and silent for `stale_after_days` days. Most severe
    first: overdue, then at risk (nearest deadline first), then silent."""
    return warnings_of(status(session, as_of, province), as_of)


def overview(session: Session, as_of: date, province: str) -> dict:
    """The overview page's figures from one pass over the status: "kpis" (as `kpis`), "lagging" (the five
    criteria of `lagging_criteria`) and those of `_management`."""
    frame = status(session, as_of, province)
    criteria_ = by_criterion(frame)
    return {
        "kpis": _kpis(session, frame, criteria_, as_of, province),
        "lagging": most_lagging(criteria_, 5),
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
        "ranking": rank_communes(frame, timely),
        "province_ranking": province_ranking(frame) if province == NATIONAL else None,
        "reporting": reporting(session, as_of, province),
    }


def lagging_criteria(session: Session, as_of: date, province: str, limit: int = 5) -> pd.DataFrame:
    """The criteria with the most communes not green (ties: more overdue first), at most `limit`."""
    return most_lagging(by_criterion(status(session, as_of, province)), limit)


def report_figures(session: Session, as_of: date, province: str) -> dict:
    """The province report's figures from one pass over the status (the same functions as the pages):
    "kpis", "lagging" and the management figures (as `overview`), "status", "criteria" (`by_criterion`),
    "warnings" (`warning_list`)."""
    frame = status(session, as_of, province)
    criteria_ = by_criterion(frame)
    return {
        "kpis": _kpis(session, frame, criteria_, as_of, province),
        "lagging": most_lagging(criteria_, 5),
        **_management(session, frame, criteria_, as_of, province),
        "status": frame,
        "criteria": criteria_,
        "warnings": warnings_of(frame, as_of),
    }


def commune_status(session: Session, as_of: date, commune_code: str) -> pd.DataFrame:
    """One commune's criteria with value, status, progress and gap (empty for an unknown code)."""
    province = session.execute(select(Commune.province_code).where(Commune.code == commune_code)).scalar_one_or_none()
    if province is None:
        return pd.DataFrame()
    return commune_rows(status(session, as_of, province), commune_code)
