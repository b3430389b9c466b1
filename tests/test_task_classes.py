"""The one classification of tasks as of a date, on its boundaries (readiness.reading.tasks.classify)."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from readiness.core.enums import ReviewStatus, TaskClass
from readiness.reading import tasks as register

DEADLINE = date(2025, 9, 30)


def classes(
    deadline: date | None,
    done_on: date | None,
    as_of: date,
    status: ReviewStatus = ReviewStatus.APPROVED,
    extensions: list[tuple[date, date]] = (),
    approved_only: bool | None = None,
) -> tuple[str, object]:
    tasks = pd.DataFrame([{"task_id": 1, "code": "T1", "deadline": deadline}])
    ext = pd.DataFrame(
        [
            {"task_id": 1, "deadline": new, "decision_date": decided, "id": i}
            for i, (new, decided) in enumerate(extensions)
        ],
        columns=["task_id", "deadline", "decision_date", "id"],
    )
    done = pd.DataFrame(
        [
            {
                "task_id": 1,
                "done_on": done_on,
                "review_status": status,
                "received_at": datetime(2025, 1, 1, tzinfo=UTC),
                "id": 1,
            }
        ]
        if done_on
        else [],
        columns=["task_id", "done_on", "review_status", "received_at", "id"],
    )
    row = register.classify(tasks, ext, done, as_of, approved_only).iloc[0]
    return row["task_class"], (None if pd.isna(row["days"]) else int(row["days"]))


def test_done_on_the_deadline_day_is_on_time():
    assert classes(DEADLINE, DEADLINE, date(2025, 10, 5)) == (TaskClass.ON_TIME, None)


def test_done_the_day_after_the_deadline_is_late_by_one_day():
    assert classes(DEADLINE, date(2025, 10, 1), date(2025, 10, 5)) == (TaskClass.LATE, 1)


def test_not_done_is_within_on_the_deadline_day_and_overdue_the_day_after():
    assert classes(DEADLINE, None, DEADLINE) == (TaskClass.WITHIN, 0)
    assert classes(DEADLINE, None, date(2025, 10, 1)) == (TaskClass.OVERDUE, 1)
    assert classes(DEADLINE, None, date(2025, 9, 20)) == (TaskClass.WITHIN, 10)


def test_completed_after_d_is_in_progress_at_d():
    assert classes(DEADLINE, date(2025, 9, 25), date(2025, 9, 24)) == (TaskClass.WITHIN, 6)
    assert classes(DEADLINE, date(2025, 10, 10), date(2025, 10, 5)) == (TaskClass.OVERDUE, 5)
    assert classes(DEADLINE, date(2025, 9, 25), date(2025, 9, 25)) == (TaskClass.ON_TIME, None)


def test_continuous_task_is_continuous_done_or_not():
    assert classes(None, None, date(2025, 10, 5)) == (TaskClass.CONTINUOUS, None)
    assert classes(None, date(2025, 9, 1), date(2025, 10, 5)) == (TaskClass.CONTINUOUS, None)


def test_extension_counts_from_its_decision_date():
    extension = [(date(2025, 12, 31), date(2025, 10, 10))]
    # Before the decision the deadline as assigned holds: overdue; from the decision on, within the new one.
    assert classes(DEADLINE, None, date(2025, 10, 9), extensions=extension) == (TaskClass.OVERDUE, 9)
    assert classes(DEADLINE, None, date(2025, 10, 10), extensions=extension) == (TaskClass.WITHIN, 82)
    # Done after the first deadline but before the extended one: on time once the extension is decided.
    assert classes(DEADLINE, date(2025, 11, 1), date(2025, 11, 5), extensions=extension) == (TaskClass.ON_TIME, None)
    assert classes(DEADLINE, date(2025, 10, 5), date(2025, 10, 6), extensions=extension) == (TaskClass.LATE, 5)


def test_newest_extension_decided_wins():
    extensions = [(date(2025, 12, 31), date(2025, 10, 1)), (date(2025, 11, 15), date(2025, 11, 1))]
    assert classes(DEADLINE, None, date(2025, 11, 20), extensions=extensions) == (TaskClass.OVERDUE, 5)
    assert classes(DEADLINE, None, date(2025, 10, 20), extensions=extensions) == (TaskClass.WITHIN, 72)


def test_returned_completion_never_counts():
    as_of = date(2025, 10, 5)
    assert classes(DEADLINE, date(2025, 9, 1), as_of, ReviewStatus.RETURNED) == (TaskClass.OVERDUE, 5)


@pytest.mark.parametrize(("approved_only", "expected"), [(False, TaskClass.ON_TIME), (True, TaskClass.OVERDUE)])
def test_pending_completion_counts_as_readiness_counts_says(approved_only, expected):
    found, _ = classes(DEADLINE, date(2025, 9, 1), date(2025, 10, 5), ReviewStatus.PENDING, approved_only=approved_only)
    assert found == expected


def test_summary_shape_and_totals():
    tasks = pd.DataFrame(
        [
            {"task_id": 1, "code": "A", "lead_unit_code": "SYT", "deadline": DEADLINE},
            {"task_id": 2, "code": "B", "lead_unit_code": "SYT", "deadline": DEADLINE},
            {"task_id": 3, "code": "C", "lead_unit_code": "STC", "deadline": date(2025, 12, 1)},
            {"task_id": 4, "code": "D", "lead_unit_code": "STC", "deadline": None},
        ]
    )
    done = pd.DataFrame(
        [
            {
                "task_id": 1,
                "done_on": DEADLINE,
                "review_status": "approved",
                "received_at": datetime(2025, 10, 1),
                "id": 1,
            }
        ]
    )
    ext = pd.DataFrame(columns=["task_id", "deadline", "decision_date", "id"])
    frame = register.classify(tasks, ext, done, date(2025, 10, 5))
    assert register.summary(frame, date(2025, 10, 5)) == {
        "as_of": "2025-10-05",
        "total": 4,
        "done": {"total": 1, "on_time": 1, "late": 0},
        "in_progress": {"total": 2, "within": 1, "overdue": 1},
        "continuous": 1,
        "by_unit": {
            "STC": {"total": 2, "on_time": 0, "late": 0, "within": 1, "overdue": 0, "continuous": 1},
            "SYT": {"total": 2, "on_time": 1, "late": 0, "within": 0, "overdue": 1, "continuous": 0},
        },
    }
