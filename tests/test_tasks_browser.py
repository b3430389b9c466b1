"""The Nhiệm vụ page in real headless Chromium on the demo: the same figures as `readiness tasks summary`."""

from datetime import date

import pytest
from conftest import account
from playwright.sync_api import expect
from test_browser import ARTIFACTS, IDLE, chromium, log_in, new_tab, server  # noqa: F401  (server: a fixture)

from readiness.core import db
from readiness.core.models import Role
from readiness.reading import tasks as register

pytestmark = pytest.mark.browser

AS_OF = date(2025, 11, 14)


def test_tasks_page_shows_the_summary_figures(server):  # noqa: F811
    officer = account(Role.OFFICER)
    with db.session() as session:
        summary = register.summary(register.register(session, AS_OF), AS_OF)
    with chromium() as browser:
        page = new_tab(browser, height=1400)
        idle = page.locator(IDLE)
        page.goto(server)
        log_in(page, officer.name)
        expect(idle).to_be_attached()
        fields = page.get_by_test_id("stDateInput").get_by_role("spinbutton")
        fields.first.click()
        page.keyboard.type(AS_OF.strftime("%d%m%Y"))
        for field, value in zip(range(3), (AS_OF.day, AS_OF.month, AS_OF.year), strict=True):
            expect(fields.nth(field)).to_have_attribute("aria-valuenow", str(value))
        page.get_by_test_id("stMain").locator("h1").first.click()
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
        page.goto(server)
        log_in(page, officer.name)
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
