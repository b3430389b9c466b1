"""The Nhiệm vụ page in AppTest: the same figures as `readiness tasks summary`, a unit's own tasks first, the
report form only for the unit's own tasks, the review of a unit's completion."""

from datetime import date

import pytest
from conftest import APP, account, log_in, plan_row, shown
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from readiness.access import auth
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.enums import Role
from readiness.core.task_models import TaskCompletion, TaskProgress
from readiness.intake import comments, tasks
from readiness.reading import tasks as register

pytestmark = pytest.mark.page

AS_OF = date(2025, 10, 5)


@pytest.fixture
def planned(initialized: str) -> str:
    with db.write_session() as session:
        tasks.save_plan(
            session,
            OPERATOR,
            [
                plan_row("T1", "SKHCN", date(2025, 9, 30)),
                plan_row("T2", "SYT", date(2025, 9, 30)),
                plan_row("T3", "SKHCN", date(2025, 12, 31)),
                plan_row("T4", "STC", None),
            ],
            None,
        )
        tasks.complete(session, OPERATOR, "T2", date(2025, 9, 28))
    return initialized


def page(actor) -> AppTest:
    at = log_in(AppTest.from_file(APP, default_timeout=60), actor)
    at.session_state["as_of"] = AS_OF
    at.run()
    at.switch_page("pages/tasks.py").run()
    assert not at.exception, at.exception
    return at


def test_officer_sees_the_cli_figures(planned: str):
    at = page(account(Role.OFFICER))
    with db.session() as session:
        summary = register.summary(register.register(session, AS_OF), AS_OF)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tổng số nhiệm vụ"] == str(summary["total"]) == "4"
    assert metrics["Đã hoàn thành"] == str(summary["done"]["total"])
    assert metrics["Đang thực hiện"] == str(summary["in_progress"]["total"])
    headline = shown(at.dataframe[0])
    first = headline.iloc[0]
    assert (first["Xong đúng hạn"], first["Đang làm, quá hạn"], first["Thường xuyên"]) == (1, 1, 1)
    assert at.get("vega_lite_chart")


def test_unit_sees_its_own_tasks_first_and_reports_only_them(planned: str):
    with db.write_session() as session:
        unit = auth.create_account(session, OPERATOR, "skhcn", Role.UNIT, "unit-password-57", unit_code="SKHCN")
    at = page(unit)
    own = shown(at.dataframe[0])
    assert list(own["Mã"]) == ["T1", "T3"]
    assert at.selectbox(key="task_code").value == "T1"
    at.slider[0].set_value(60)
    at.text_area[0].input("Đã lắp đặt 60% thiết bị")
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception, at.exception
    with db.session() as session:
        reports = session.scalars(select(TaskProgress)).all()
    assert [(r.percent, r.reported_by) for r in reports] == [(60, "skhcn")]
    at.selectbox(key="task_code").set_value("T2").run()
    assert not at.get("form")  # another unit's task: no report form


def test_officer_reviews_a_unit_completion(planned: str):
    with db.write_session() as session:
        unit = auth.create_account(session, OPERATOR, "skhcn", Role.UNIT, "unit-password-57", unit_code="SKHCN")
        tasks.complete(session, unit, "T1", date(2025, 9, 30))
    at = page(account(Role.OFFICER))
    assert at.selectbox(key="task_code").value == "T1"
    at.button(key="approve_2").click().run()
    assert not at.exception, at.exception
    with db.session() as session:
        statuses = {c.id: c.review_status for c in session.scalars(select(TaskCompletion)).all()}
    assert statuses[2] == "approved"


def test_warning_list_page_lists_overdue_and_due_soon_tasks(demo_sqlite: str):
    at = log_in(AppTest.from_file(APP, default_timeout=60), account(Role.OFFICER))
    at.session_state["as_of"] = date(2025, 11, 14)
    at.run()
    at.switch_page("pages/warnings.py").run()
    assert not at.exception, at.exception
    with db.session() as session:
        frame = register.register(session, date(2025, 11, 14))
    listed = [shown(t)["Mã"].tolist() for t in at.dataframe if "Mã" in shown(t).columns]
    assert register.overdue(frame)["code"].tolist() in listed
    assert register.due_soon(frame, 14)["code"].tolist() in listed
    assert all(listed)


def test_unit_account_lands_on_the_tasks_page_and_sees_no_commune_figures(planned: str):
    with db.write_session() as session:
        unit = auth.create_account(session, OPERATOR, "syt", Role.UNIT, "unit-password-57", unit_code="SYT")
    at = log_in(AppTest.from_file(APP, default_timeout=60), unit).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Nhiệm vụ"
    assert list(shown(at.dataframe[0])["Mã"]) == ["T2"]


def test_admin_creates_a_unit_account_on_the_accounts_page(initialized: str):
    at = log_in(AppTest.from_file(APP, default_timeout=60), account(Role.ADMIN)).run()
    at.switch_page("pages/accounts.py").run()
    form = at.get("form")[0]
    form.text_input[0].set_value("syt")
    form.selectbox[0].set_value(Role.UNIT)
    form.selectbox[2].set_value("SYT")
    form.text_input[2].set_value("syt-password-1")
    form.button[0].click().run()
    assert not at.exception and not at.error
    assert auth.authenticate("syt", "syt-password-1").unit_code == "SYT"


def test_unit_reports_completion_through_the_form_and_it_waits_for_review(planned: str):
    with db.write_session() as session:
        unit = auth.create_account(session, OPERATOR, "skhcn", Role.UNIT, "unit-password-57", unit_code="SKHCN")
    at = page(unit)
    at.checkbox[0].check()
    at.button[0].click().run()  # done, but no date: said, nothing stored
    assert at.error[0].value == "Ghi ngày hoàn thành."
    at.checkbox[0].check()
    dates = [d for d in at.date_input if d.label == "Ngày hoàn thành"]
    dates[0].set_value(date(2025, 9, 30))
    at.text_area[0].input("Đã vận hành")
    at.button[0].click().run()
    assert not at.exception, at.exception
    with db.session() as session:
        rows = [(c.done_on, c.review_status, c.reported_by) for c in session.scalars(select(TaskCompletion)).all()]
    assert (date(2025, 9, 30), "pending", "skhcn") in rows


def test_a_unit_posts_a_message_on_its_task_and_the_dost_reads_it_another_unit_does_not(planned: str):
    with db.write_session() as session:
        unit = auth.create_account(session, OPERATOR, "skhcn", Role.UNIT, "unit-password-57", unit_code="SKHCN")
        other = auth.create_account(session, OPERATOR, "syt", Role.UNIT, "unit-password-57", unit_code="SYT")
    at = page(unit)
    assert at.selectbox(key="task_code").value == "T1"
    assert "Chưa có trao đổi nào." in [c.value for c in at.caption]
    at.text_area(key="task_message").input("Đề nghị Sở Tài chính bố trí kinh phí.")
    at.button(key="FormSubmitter:task_message_form-Gửi").click().run()
    assert not at.exception, at.exception
    with db.session() as session:
        thread, total = comments.task_thread(session, OPERATOR, "T1")
    assert total == 1 and thread["author"].tolist() == ["skhcn"]

    officer = page(account(Role.OFFICER))
    assert officer.selectbox(key="task_code").value == "T1"
    (message,) = officer.chat_message
    assert message.children[1].value == "Đề nghị Sở Tài chính bố trí kinh phí."
    assert message.children[0].value.startswith("skhcn · ")

    stranger = page(other)
    stranger.selectbox(key="task_code").set_value("T1").run()
    assert not stranger.chat_message
    assert "Trao đổi về nhiệm vụ này dành cho đơn vị chủ trì, đơn vị phối hợp và Sở KH&CN." in [
        c.value for c in stranger.caption
    ]
