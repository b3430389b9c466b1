"""The demo's task register: about 200 tasks in every class, removed by `demo --clear` without touching real ones."""

from datetime import date

from conftest import plan_row
from sqlalchemy import func, select

from readiness import demo
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.task_models import Task, TaskCompletion, TaskExtension, TaskProgress
from readiness.intake import tasks
from readiness.reading import tasks as register


def count(table) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(table))


def test_demo_has_a_plan_in_every_class_and_clear_removes_only_it(initialized: str):
    with db.write_session() as session:
        tasks.save_plan(session, OPERATOR, [plan_row("REAL-1", "SKHCN", date(2025, 9, 30))], None)
        demo.load(session, OPERATOR)
    with db.session() as session:
        frame = register.register(session, date(2025, 11, 14))
    summary = register.summary(frame, date(2025, 11, 14))
    assert 190 <= summary["total"] <= 210
    assert all(summary["done"].values()) and all(summary["in_progress"].values()) and summary["continuous"]
    assert frame["kpi_indicator"].astype(bool).sum() >= 20
    assert frame["lead_unit_code"].str.isdigit().any()  # some communes lead tasks
    assert count(TaskExtension) > 0 and count(TaskProgress) > 0
    with db.write_session() as session:
        demo.clear(session, OPERATOR)
    with db.session() as session:
        assert list(session.scalars(select(Task.code))) == ["REAL-1"]
    assert count(TaskCompletion) == count(TaskExtension) == count(TaskProgress) == 0
