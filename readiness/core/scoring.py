"""Scoring rules: whether a reported value meets its criterion, how far it is, and what is missing.

Everything works on whole columns (one row per commune and criterion) so that a province or the whole
country is scored in one pass; `assess` scores a single value the same way.
"""

from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from readiness.core.models import CriterionKind

# Shares such as 0.8 * 45 are not exact in floating point; a value this close to the target meets it.
_TOLERANCE = 1e-9


def share(value: Any, out_of: Any) -> Any:
    """The share a ratio's reported value stands for, the one rule for scoring, the Summary sheet and the value's
    wording: value / out_of, or the value itself when no out_of was given (it was reported as a share); more than
    all counts as all (31 of 30 computers is 100%); an out_of of 0 measures nothing (NaN). Takes and returns
    scalars or whole columns alike."""
    value = np.asarray(value, dtype=float)
    out_of = np.asarray(out_of, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        measured = np.where(np.isnan(out_of), value, np.where(out_of > 0, value / out_of, np.nan))
    return np.minimum(measured, 1.0)


class Status(StrEnum):
    GREEN = "green"
    RED = "red"
    GREY = "grey"


def score(frame: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """Add status, progress (0–1: a ratio's share, a number's value against its target, yes/no 0 or 1), gap,
    gap_is_share and overdue to rows holding kind, target, value, out_of (and deadline, when as_of is given).

    Ratio: the share (`share`) is measured; with no out_of the gap is a share too (gap_is_share). A ratio with
    out_of 0 cannot be measured: red, progress 0, gap unknown.
    """
    kind = frame["kind"].astype(str)
    target = frame["target"].astype(float)
    value = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    out_of = pd.to_numeric(frame["out_of"], errors="coerce").astype(float)

    is_ratio = kind == CriterionKind.RATIO
    counted = is_ratio & out_of.notna()
    measured = pd.Series(share(value, out_of), index=frame.index).where(is_ratio, value)

    reported = value.notna()
    met = measured >= target - _TOLERANCE
    status = np.where(~reported, Status.GREY, np.where(met, Status.GREEN, Status.RED))

    # A ratio's progress is its share, the one its words print ("51/100 hồ sơ (51%)" beside a bar at 51%, not at
    # 51/80 = 64%); a number's is its value against its target; yes/no is 0 or 1.
    progress = measured.where(is_ratio, measured / target).clip(lower=0.0, upper=1.0).where(reported)
    progress = progress.where(~(reported & measured.isna()), 0.0)

    missing_count = np.ceil(target * out_of - value - _TOLERANCE).clip(lower=0.0).where(out_of > 0)
    gap = (target - measured).clip(lower=0.0).where(~counted, missing_count)
    gap = gap.where(kind != CriterionKind.YES_NO, (1.0 - value).clip(lower=0.0))
    gap = gap + 0.0  # no "-0" in tables

    scored = frame.copy()
    scored["status"] = pd.Series(status, index=frame.index).astype(str)
    scored["progress"] = progress
    scored["gap"] = gap.where(reported)
    scored["gap_is_share"] = is_ratio & ~counted
    if as_of is not None:
        days_past = (pd.Timestamp(as_of) - pd.to_datetime(frame["deadline"])).dt.days
        scored["overdue"] = (scored["status"] == Status.RED) & (days_past > 0)
        scored["days_overdue"] = days_past.where(scored["overdue"], 0).astype(int)
    return scored


class Assessment(NamedTuple):
    status: Status
    progress: float | None
    gap: float | None
    gap_is_share: bool


def assess(kind: str, target: float, value: float | None, out_of: float | None = None) -> Assessment:
    """Score one reported value (see `score`)."""
    row = score(pd.DataFrame([{"kind": kind, "target": target, "value": value, "out_of": out_of}])).iloc[0]
    return Assessment(
        status=Status(row["status"]),
        progress=None if pd.isna(row["progress"]) else float(row["progress"]),
        gap=None if pd.isna(row["gap"]) else float(row["gap"]),
        gap_is_share=bool(row["gap_is_share"]),
    )


class Timeliness(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"


TIMELINESS = list(Timeliness)


def classify_timeliness(green: pd.Series, green_since: pd.Series, deadline: pd.Series, as_of: date) -> pd.Series:
    """On time: green, and its last turn to green (`green_since`) fell on or before the deadline; late: green,
    turned green after it; in progress: not green, deadline not passed; overdue: not green past the deadline
    (never reported included). The deadline day itself is still in time, as for `score`'s overdue."""
    deadline = pd.to_datetime(deadline)
    in_time = pd.to_datetime(green_since) <= deadline
    passed = pd.Timestamp(as_of) > deadline
    labels = np.where(
        green,
        np.where(in_time, Timeliness.ON_TIME, Timeliness.LATE),
        np.where(passed, Timeliness.OVERDUE, Timeliness.IN_PROGRESS),
    )
    return pd.Series(labels, index=green.index).astype(str)
