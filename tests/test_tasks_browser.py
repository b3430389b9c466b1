"""The Nhiệm vụ page in real headless Chromium on the demo: the same figures as `readiness tasks summary`."""

import io
from datetime import date

import openpyxl
import pytest
from conftest import account
from hostile_evidence import pdf
from playwright.sync_api import expect
from sqlalchemy import func, select
from test_browser import (
    ARTIFACTS,
    IDLE,
    chromium,
    new_tab,
    open_logged_in,
    server,  # noqa: F401 (a fixture)
    set_as_of,
)

from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.models import Role
from readiness.core.task_models import Task, TaskEvidence, TaskProgress
from readiness.intake import task_workbook
from readiness.reading import tasks as register

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

AS_OF = date(2025, 11, 14)


def test_tasks_page_shows_the_summary_figures(server):  # noqa: F811
    officer = account(Role.OFFICER)
    with db.session() as session:
        summary = register.summary(register.register(session, AS_OF), AS_OF)
    with chromium() as browser:
        page = new_tab(browser, height=1400)
        idle = page.locator(IDLE)
        open_logged_in(page, server, officer.name)
        expect(idle).to_be_attached()
        set_as_of(page, AS_OF)
        expect(idle).to_be_attached()
        page.get_by_test_id("stSidebarNavLink").filter(has_text="Nhiệm vụ").click()
        expect(page.get_by_role("heading", name="Nhiệm vụ", exact=True)).to_be_visible()
        expect(page.get_by_text("tính đến ngày 14/11/2025", exact=False)).to_be_visible()
        expect(idle).to_be_attached()
        values = page.get_by_test_id("stMetricValue")
        number = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731
        expect(values).to_have_text(
            [
                number(summary["total"]),
                number(summary["done"]["total"]),
                number(summary["in_progress"]["total"]),
                number(summary["continuous"]),
            ]
        )
        expect(page.get_by_test_id("stVegaLiteChart").first.locator("svg.marks, canvas").first).to_be_visible()
        page.screenshot(path=ARTIFACTS / "tasks.png", full_page=True)


def test_an_officer_writes_in_a_task_thread(server):  # noqa: F811
    officer = account(Role.OFFICER)
    with chromium() as browser:
        page = new_tab(browser, height=1400)
        idle = page.locator(IDLE)
        open_logged_in(page, server, officer.name)
        expect(idle).to_be_attached()
        page.get_by_test_id("stSidebarNavLink").filter(has_text="Nhiệm vụ").click()
        expect(page.get_by_role("heading", name="Nhiệm vụ", exact=True)).to_be_visible()
        expect(idle).to_be_attached()
        expect(page.get_by_text("Chưa có trao đổi nào.")).to_be_visible()
        page.get_by_label("Viết trao đổi").fill("Đề nghị đơn vị báo cáo tiến độ trước ngày 20/11.")
        page.get_by_test_id("stForm").filter(has=page.get_by_label("Viết trao đổi")).get_by_role(
            "button", name="Gửi"
        ).click()
        message = page.get_by_test_id("stChatMessage")
        expect(message).to_have_count(1)
        expect(message).to_contain_text("Đề nghị đơn vị báo cáo tiến độ trước ngày 20/11.")
        expect(message).to_contain_text(officer.name)
        message.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "task-messages.png", full_page=True)


def test_a_progress_workbook_and_its_evidence_sent_from_the_page(server):  # noqa: F811
    """The officer drops SKHCN's progress workbook (one task at 55 %, naming a PDF) and the PDF at once, reads the
    verdict, confirms, and the report and the file are stored."""
    officer = account(Role.OFFICER)
    with db.session() as session:
        book = openpyxl.load_workbook(io.BytesIO(task_workbook.progress_workbook(session, OPERATOR, "SKHCN")))
    sheet = book[task_workbook.PROGRESS_SHEET]
    code = sheet["A5"].value
    sheet["D5"], sheet["E5"], sheet["I5"] = 55, None, "bien-ban.pdf"
    buffer = io.BytesIO()
    book.save(buffer)
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(TaskEvidence))
    with chromium() as browser:
        page = new_tab(browser, height=1400)
        idle = page.locator(IDLE)
        open_logged_in(page, server, officer.name)
        expect(idle).to_be_attached()
        page.get_by_test_id("stSidebarNavLink").filter(has_text="Nhiệm vụ").click()
        expect(idle).to_be_attached()
        section = page.get_by_test_id("stExpander").filter(has_text="Nộp kế hoạch, báo cáo tiến độ")
        section.locator("summary").click()
        section.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            files=[
                {"name": "tien-do.xlsx", "mimeType": XLSX, "buffer": buffer.getvalue()},
                {"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": pdf()},
            ]
        )
        expect(page.get_by_text("Kết quả kiểm tra; chưa có gì được ghi.")).to_be_visible()
        # The verdict table is drawn on a canvas: its cells are there for screen readers.
        expect(section.get_by_text("Sẵn sàng nhập")).to_be_attached()
        expect(section.get_by_text("1 tệp minh chứng", exact=False)).to_be_attached()
        page.screenshot(path=ARTIFACTS / "tasks-upload.png", full_page=False)
        page.get_by_role("button", name="Xác nhận nhập 1 tệp sẵn sàng").click()
        expect(page.get_by_text("Đã nhập tien-do.xlsx")).to_be_visible()
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(TaskEvidence)) == before + 1
        task = session.execute(select(Task).where(Task.code == code)).scalar_one()
        percents = session.scalars(select(TaskProgress.percent).where(TaskProgress.task_id == task.id)).all()
    assert percents[-1] == 55
