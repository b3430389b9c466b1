"""Plan and progress workbooks sent from the Nhiệm vụ page (AppTest): checked by the CLI's own import as a dry run,
every problem at its sheet and cell, one confirmation that imports as the account logged in at that moment, the
evidence files uploaded in the same batch."""

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import APP, account, log_in, plan_row, shown
from hostile_evidence import pdf
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest
from test_task_register import fill_plan

import ui
from readiness.access import auth
from readiness.access.permissions import OPERATOR, Actor
from readiness.core import db
from readiness.core.enums import Role
from readiness.core.models import AuditEvent, ImportFile
from readiness.core.task_models import Task, TaskEvidence, TaskProgress
from readiness.intake import excel, task_workbook, tasks

pytestmark = pytest.mark.page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page(actor: Actor) -> AppTest:
    at = log_in(AppTest.from_file(APP, default_timeout=60), actor)
    at.run()
    at.switch_page("pages/tasks.py").run()
    assert not at.exception, at.exception
    return at


def plan_file(tmp_path: Path) -> bytes:
    with db.session() as session:
        (tmp_path / "mau.xlsx").write_bytes(task_workbook.plan_template(session))
    rows = [
        {"code": "NV-1", "content": "Số hoá hồ sơ", "level": "Trung ương", "objective": "Chính quyền số",
         "lead": "SKHCN", "deadline": date(2025, 12, 31)},
        {"code": "NV-2", "content": "Trung tâm dữ liệu", "level": "Tỉnh", "objective": "Hạ tầng số",
         "lead": "Sở Y tế", "deadline": None},
    ]  # fmt: skip
    fill_plan(tmp_path / "mau.xlsx", rows, tmp_path / "ke-hoach.xlsx")
    return (tmp_path / "ke-hoach.xlsx").read_bytes()


def progress_file(unit: str, evidence: str = "") -> bytes:
    with db.session() as session:
        data = task_workbook.progress_workbook(session, OPERATOR, unit)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[task_workbook.PROGRESS_SHEET]
    sheet["D5"], sheet["I5"] = 40, evidence
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def count(model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_officer_imports_the_plan_from_the_page(initialized: str, tmp_path: Path):
    at = page(account(Role.OFFICER))
    assert "Chưa có nhiệm vụ nào" in at.info[0].value
    at.file_uploader[0].upload("ke-hoach.xlsx", plan_file(tmp_path), XLSX).run()
    assert not at.exception, at.exception
    verdicts = shown(at.dataframe[0])
    assert verdicts.iloc[0].tolist() == [
        "ke-hoach.xlsx",
        "Kế hoạch nhiệm vụ",
        "Sẵn sàng nhập",
        "2 nhiệm vụ mới, 0 cập nhật",
    ]
    assert count(Task) == 0 and count(ImportFile) == 0  # the preview stores nothing
    at.button(key="task_upload_confirm").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == f"Đã nhập {ui.plain('ke-hoach.xlsx')}."
    assert count(Task) == 2
    with db.session() as session:
        assert session.execute(select(ImportFile.kind, ImportFile.outcome, ImportFile.received_from)).all() == [
            ("task_plan", "accepted", "test-officer")
        ]
        events = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("tasks.import%"))).all()
    assert events == ["tasks.import.accepted"]
    assert at.file_uploader[0].value == []  # a fresh uploader


def test_bad_rows_are_listed_cell_by_cell_and_nothing_can_be_confirmed(initialized: str, tmp_path: Path):
    data = plan_file(tmp_path)
    book = openpyxl.load_workbook(io.BytesIO(data))
    book[task_workbook.PLAN_SHEET]["F5"] = "Sở Khoa hoc"
    book[task_workbook.PLAN_SHEET]["D6"] = "Huyện"
    buffer = io.BytesIO()
    book.save(buffer)
    at = page(account(Role.OFFICER))
    at.file_uploader[0].upload("ke-hoach.xlsx", buffer.getvalue(), XLSX).run()
    assert shown(at.dataframe[0]).iloc[0]["Kết quả kiểm tra"] == "Có lỗi"
    problems = shown(at.dataframe[1])
    assert problems[["Trang tính", "Ô"]].values.tolist() == [["Kế hoạch", "F5"], ["Kế hoạch", "D6"]]
    assert "Có phải: Sở Khoa học và Công nghệ (SKHCN)" in problems.iloc[0]["Lỗi và cách sửa"]
    assert not [b for b in at.button if b.key == "task_upload_confirm"]
    assert count(Task) == 0


@pytest.fixture
def planned(initialized: str) -> Actor:
    """Two tasks, one SKHCN's, one SYT's; SKHCN's unit account."""
    with db.write_session() as session:
        tasks.save_plan(
            session, OPERATOR, [plan_row("T1", "SKHCN", date(2025, 12, 31)), plan_row("T2", "SYT", None)], None
        )
        return auth.create_account(session, OPERATOR, "skhcn", Role.UNIT, "unit-password-57", unit_code="SKHCN")


def test_unit_sends_its_progress_with_evidence_in_the_same_batch(planned: Actor):
    at = page(planned)
    at.file_uploader[0].upload("tien-do.xlsx", progress_file("SKHCN", "bien-ban.pdf"), XLSX)
    at.file_uploader[0].upload("bien-ban.pdf", pdf(), "application/pdf")
    at.file_uploader[0].upload("thua.pdf", pdf(), "application/pdf").run()
    assert not at.exception, at.exception
    assert "sẽ không được lưu: thua.pdf" in at.warning[0].value.replace("\\", "")  # Markdown escapes removed
    assert shown(at.dataframe[0]).iloc[0]["Thay đổi"] == "1 báo cáo tiến độ, 0 báo cáo hoàn thành, 1 tệp minh chứng"
    at.button(key="task_upload_confirm").click().run()
    assert not at.exception, at.exception
    with db.session() as session:
        assert session.execute(select(TaskProgress.percent, TaskProgress.reported_by)).all() == [(40, "skhcn")]
        assert session.scalars(select(TaskEvidence.filename)).all() == ["bien-ban.pdf"]


def test_unit_cannot_send_another_units_progress(planned: Actor):
    at = page(planned)
    at.file_uploader[0].upload("tien-do.xlsx", progress_file("SYT"), XLSX).run()
    problems = shown(at.dataframe[1])
    assert problems[["Trang tính", "Ô"]].values.tolist() == [["Tiến độ", "A5"]]
    assert "chỉ được báo cáo nhiệm vụ do đơn vị SKHCN chủ trì" in problems.iloc[0]["Lỗi và cách sửa"]
    assert not [b for b in at.button if b.key == "task_upload_confirm"]


def test_the_confirmation_acts_as_the_account_is_now(planned: Actor):
    """Checked while the account could report; disabled before the click: the confirmation stores nothing."""
    at = page(planned)
    at.file_uploader[0].upload("tien-do.xlsx", progress_file("SKHCN"), XLSX).run()
    assert shown(at.dataframe[0]).iloc[0]["Kết quả kiểm tra"] == "Sẵn sàng nhập"
    with db.write_session() as session:
        auth.disable_account(session, OPERATOR, "skhcn")
    at.button(key="task_upload_confirm").click().run()
    assert count(TaskProgress) == 0 and count(ImportFile) == 0


def test_a_task_workbook_sent_as_a_checklist_is_pointed_to_the_task_page(planned: Actor):
    (outcome,) = excel.check_files([("tien-do.xlsx", progress_file("SKHCN"))], account(Role.OFFICER))
    assert outcome.outcome == "rejected"
    assert "được nộp ở trang Nhiệm vụ" in outcome.problems[0].message("vi")
