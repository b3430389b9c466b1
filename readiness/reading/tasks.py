"""The task register read: every task with its class as of a date, and the figures built from that one
classification (the page, the PDF, the Excel, the official report and `readiness tasks summary` all call
`classify` through `register`).

The classes as of a day D (Vietnam time):
- on_time: completed on or before D and on or before its deadline (the deadline day itself is on time);
- late: completed on or before D, after its deadline;
- within: not completed by D, deadline on or after D;
- overdue: not completed by D, deadline before D;
- continuous: no deadline (Thường xuyên), whatever its progress.
A task completed after D is in progress at D. The deadline as of D is the one of the newest extension decided on
or before D (by decision date, then as recorded), else the deadline as assigned. The completion is the newest one
that counts (READINESS_COUNTS, as for submissions: a returned completion never counts).
"""

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from readiness.core.enums import ReviewStatus, TaskClass, TaskLevel
from readiness.core.settings import NATIONAL
from readiness.core.task_models import Task, TaskCompletion, TaskExtension, TaskProgress, Unit
from readiness.reading.counting import counts_setting

CLASSES = list(TaskClass)
DONE = (TaskClass.ON_TIME, TaskClass.LATE)


def counts_completion(status: pd.Series, approved_only: bool | None = None) -> pd.Series:
    """Whether each completion counts: the rule of reading.counting (READINESS_COUNTS) for completions."""
    if counts_setting(approved_only) == "approved":
        return status == ReviewStatus.APPROVED
    return status != ReviewStatus.RETURNED


def classify(
    tasks: pd.DataFrame,
    extensions: pd.DataFrame,
    completions: pd.DataFrame,
    as_of: date,
    approved_only: bool | None = None,
) -> pd.DataFrame:
    """`tasks` (task_id, deadline and any other columns of the task, as `load` reads them) with, as of `as_of`:
    `deadline_as_of`, `done_on` (the counting completion on or before it, else empty), `task_class` and `days`
    (days overdue for an overdue task, days left for one within its deadline, days late for one done late; empty
    otherwise).

    `extensions`: task_id, deadline, decision_date, id. `completions`: task_id, done_on, review_status, received_at,
    id. Pure: no database, the same answer for the same frames."""
    frame = tasks.copy()
    day = pd.Timestamp(as_of)
    decided = extensions[pd.to_datetime(extensions["decision_date"]) <= day].sort_values(["decision_date", "id"])
    newest = decided.groupby("task_id")["deadline"].last().to_dict()
    deadline = _days(frame["task_id"].map(newest))
    deadline = deadline.where(deadline.notna(), _days(frame["deadline"]))
    counting = completions[counts_completion(completions["review_status"], approved_only)]
    latest = counting.sort_values(["received_at", "id"]).groupby("task_id")["done_on"].last().to_dict()
    done = _days(frame["task_id"].map(latest))
    done = done.where(done <= day)
    frame["deadline_as_of"] = deadline.dt.date.astype(object).where(deadline.notna(), None)
    frame["done_on"] = done.dt.date.astype(object).where(done.notna(), None)
    continuous = deadline.isna()
    completed = done.notna()
    classes = pd.Series(TaskClass.WITHIN.value, index=frame.index, dtype=object)
    classes[~completed & (deadline < day)] = TaskClass.OVERDUE.value
    classes[completed & (done <= deadline)] = TaskClass.ON_TIME.value
    classes[completed & (done > deadline)] = TaskClass.LATE.value
    classes[continuous] = TaskClass.CONTINUOUS.value
    frame["task_class"] = classes
    days = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    days[classes == TaskClass.OVERDUE] = (day - deadline).dt.days
    days[classes == TaskClass.WITHIN] = (deadline - day).dt.days
    days[classes == TaskClass.LATE] = (done - deadline).dt.days
    frame["days"] = days
    return frame


def _days(values: pd.Series) -> pd.Series:
    """Dates (or None) as day timestamps, NaT for none."""
    return pd.to_datetime(values.astype(object).where(values.notna(), None)).astype("datetime64[ns]")


def _frame(session: Session, statement) -> pd.DataFrame:
    result = session.execute(statement)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def load(session: Session) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three frames `classify` reads, in three queries."""
    tasks = _frame(
        session,
        select(
            Task.id.label("task_id"),
            Task.code,
            Task.content,
            Task.source_document,
            Task.level,
            Task.objective,
            Task.lead_unit_code,
            Task.coordinating_unit_codes,
            Task.deadline,
            Task.kpi_indicator,
            Task.kpi_target,
            Task.kpi_unit,
            Unit.province_code,
        )
        .join(Unit, Unit.code == Task.lead_unit_code)
        .order_by(Task.code),
    )
    extensions = _frame(
        session, select(TaskExtension.task_id, TaskExtension.deadline, TaskExtension.decision_date, TaskExtension.id)
    )
    completions = _frame(
        session,
        select(
            TaskCompletion.task_id,
            TaskCompletion.done_on,
            TaskCompletion.review_status,
            TaskCompletion.received_at,
            TaskCompletion.id,
        ),
    )
    return tasks, extensions, completions


def register(
    session: Session,
    as_of: date,
    level: str | None = None,
    unit: str | None = None,
    task_class: str | None = None,
    approved_only: bool | None = None,
    province: str | None = None,
) -> pd.DataFrame:
    """Every task (or those of one level, lead unit or class) classified as of `as_of`, with its lead unit's
    name, its newest progress (percent, KPI value) and its newest counting completion's review status.
    `province`: only the tasks whose lead unit belongs to it (None or NATIONAL: every province's)."""
    frame = classify(*load(session), as_of, approved_only)
    if province and province != NATIONAL:
        frame = frame[frame["province_code"] == province]
    if level:
        frame = frame[frame["level"] == TaskLevel(level)]
    if unit:
        frame = frame[frame["lead_unit_code"] == unit]
    if task_class:
        frame = frame[frame["task_class"] == TaskClass(task_class)]
    names = dict(session.execute(select(Unit.code, Unit.name)).all())
    frame = frame.assign(lead_unit_name=frame["lead_unit_code"].map(names))
    progress = _frame(
        session,
        select(TaskProgress.task_id, TaskProgress.percent, TaskProgress.kpi_value, TaskProgress.received_at).order_by(
            TaskProgress.received_at, TaskProgress.id
        ),
    )
    newest = (
        progress.groupby("task_id").last() if not progress.empty else pd.DataFrame(columns=["percent", "kpi_value"])
    )
    frame["percent"] = frame["task_id"].map(newest["percent"])
    frame["kpi_value"] = frame["task_id"].map(newest["kpi_value"])
    frame.loc[frame["task_class"].isin(list(DONE)), "percent"] = 100.0
    return frame.reset_index(drop=True)


def counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many tasks of each class."""
    found = frame["task_class"].value_counts()
    return {str(c): int(found.get(c, 0)) for c in CLASSES}


def counts_by(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per value of `key` (sorted): total and how many tasks of each class, in one pass."""
    table = pd.crosstab(frame[key], frame["task_class"]).reindex(columns=[str(c) for c in CLASSES], fill_value=0)
    table.columns = [str(c) for c in table.columns]
    table.insert(0, "total", table.sum(axis=1))
    return table.sort_index().rename_axis(key).reset_index()


def summary(frame: pd.DataFrame, as_of: date) -> dict:
    """The steering committee's table for classified tasks: the shape `readiness tasks summary --json` prints."""
    total = counts(frame)
    by_unit = {
        str(row.pop("lead_unit_code")): {k: int(v) for k, v in row.items()}
        for row in counts_by(frame, "lead_unit_code").to_dict("records")
    }
    return {
        "as_of": as_of.isoformat(),
        "total": len(frame),
        "done": {"total": total["on_time"] + total["late"], "on_time": total["on_time"], "late": total["late"]},
        "in_progress": {
            "total": total["within"] + total["overdue"],
            "within": total["within"],
            "overdue": total["overdue"],
        },
        "continuous": total["continuous"],
        "by_unit": by_unit,
    }


def scorecard(frame: pd.DataFrame) -> pd.DataFrame:
    """Per lead unit: tasks, each class, share done on time (of the tasks with a deadline) and rank (best share
    on time first, then fewest overdue; equal units share a rank)."""
    card = counts_by(frame, "lead_unit_code")
    names = frame.drop_duplicates("lead_unit_code").set_index("lead_unit_code")["lead_unit_name"]
    card.insert(1, "lead_unit_name", card["lead_unit_code"].map(names))
    with_deadline = card["total"] - card["continuous"]
    card["on_time_share"] = (card["on_time"] / with_deadline.where(with_deadline > 0)).fillna(0.0)
    key = card["on_time_share"].round(6) * 1_000_000 - card["overdue"]
    card["rank"] = key.rank(method="min", ascending=False).astype(int)
    return card.sort_values(["rank", "lead_unit_code"]).reset_index(drop=True)


def due_soon(frame: pd.DataFrame, within_days: int) -> pd.DataFrame:
    """Tasks in progress whose deadline falls within `within_days` days (from the as-of day on), soonest first."""
    soon = frame[(frame["task_class"] == TaskClass.WITHIN) & (frame["days"] <= within_days)]
    return soon.sort_values(["days", "code"]).reset_index(drop=True)


def overdue(frame: pd.DataFrame) -> pd.DataFrame:
    """Tasks overdue, longest overdue first."""
    late = frame[frame["task_class"] == TaskClass.OVERDUE]
    return late.sort_values(["days", "code"], ascending=[False, True]).reset_index(drop=True)


def breakdown(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Counts of each class per value of `by` (level, objective): the headline table by level or objective."""
    return counts_by(frame, by)
