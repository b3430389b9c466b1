"""Figures over an already loaded status or timeliness frame: pure pandas, no session.

By commune, by criterion, by province, ranking, warnings, lagging criteria and communes, the heatmap's selection.
"""

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from readiness.core.models import ReviewStatus
from readiness.core.scoring import TIMELINESS, Status
from readiness.core.settings import get_settings
from readiness.core.text import fold

STATUSES = [Status.GREEN, Status.RED, Status.GREY]


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


def rank_communes(status_frame: pd.DataFrame, timely: pd.DataFrame) -> pd.DataFrame:
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
    # Fully green: none of its criteria red or grey (every commune has one row per criterion of the catalog).
    frame["fully_green"] = (frame["red"] == 0) & (frame["grey"] == 0)
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


def pending_counts(communes_: pd.DataFrame) -> dict:
    return {
        "pending_communes": int(communes_["pending"].sum()),
        "fully_green_pending": int((communes_["fully_green"] & communes_["pending"]).sum()),
    }


def pending_figures(status_frame: pd.DataFrame) -> dict:
    """How much of a status frame comes from submissions pending review: "communes", "pending_communes" (whose
    figures are pending) and "fully_green_pending" (fully green by a pending submission)."""
    communes_ = by_commune(status_frame)
    return {"communes": len(communes_), **pending_counts(communes_)}


def _per_commune(rows: pd.DataFrame, count: str, codes: str) -> pd.DataFrame:
    """How many rows each commune has, and their criterion codes ("TC02, TC09")."""
    return rows.groupby("commune_code").agg(
        **{count: ("criterion_code", "size"), codes: ("criterion_code", lambda c: ", ".join(sorted(c)))}
    )


def warnings_of(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
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


def most_lagging(criteria_: pd.DataFrame, limit: int) -> pd.DataFrame:
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


def commune_rows(status_frame: pd.DataFrame, commune_code: str) -> pd.DataFrame:
    """One commune's rows of a status frame (of its province or the whole country)."""
    return status_frame[status_frame["commune_code"] == commune_code].reset_index(drop=True)
