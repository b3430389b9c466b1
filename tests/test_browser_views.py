"""What people see in real headless Chromium (screenshots in test-artifacts/): a refused log-in in the app's look,
a page of another role explained to a commune account, tables shown whole at 1280×800 and on a phone."""

from datetime import date

import pytest
from conftest import account
from test_browser import (
    ARTIFACTS,
    IDLE,
    chromium,
    open_logged_in,
    server,  # noqa: F401 (a fixture)
    set_as_of,
)

from readiness.core.models import Role

pytestmark = pytest.mark.browser

AS_OF = date(2025, 10, 15)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _tab(browser, viewport: dict = DESKTOP):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(30_000)
    return context.new_page()


def _go_back_to(page, day: date) -> None:
    """Move the sidebar's as-of date to `day` and wait for the page drawn at that date."""
    from playwright.sync_api import expect

    set_as_of(page, day)
    expect(page.get_by_text(f"Số liệu tính đến ngày {day:%d/%m/%Y}")).to_be_visible()
    expect(page.locator(IDLE)).to_be_attached()


# What of a table's grid is out of view: the width (px) of columns and the height (px) of rows its scroller hides.
_HIDDEN = """grid => {
  const scroller = grid.querySelector('.dvn-scroller');
  return [scroller.scrollWidth - scroller.clientWidth, scroller.scrollHeight - scroller.clientHeight];
}"""


def _hidden(page) -> list[list[int]]:
    grids = page.get_by_test_id("stDataFrame")
    return [grids.nth(i).evaluate(_HIDDEN) for i in range(grids.count())]


def _open(page, title: str, heading: str) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator(IDLE)).to_be_attached()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()


def test_overview_rankings_and_the_warning_list_show_every_row_and_column(server):  # noqa: F811
    """At 1280×800 the overview's five most lagging criteria, its top and bottom ten (side by side) and the warning
    list's tables hide no column and no row behind a scroll bar; on a phone (390 px) the top and bottom ten, one
    under the other, hide none either."""
    officer = account(Role.OFFICER)
    with chromium() as browser:
        page = _tab(browser)
        open_logged_in(page, server, officer.name)
        _open(page, "Tổng quan", "Mức độ sẵn sàng của xã, phường")
        _go_back_to(page, AS_OF)
        page.get_by_test_id("stDataFrame").first.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "overview-lagging-1280.png")
        page.get_by_text("Mười xã, phường dẫn đầu").scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "overview-ranking-1280.png")
        hidden = _hidden(page)
        assert hidden == [[0, 0]] * 3, hidden  # the five most lagging, top ten, bottom ten
        page.set_viewport_size(PHONE)
        page.get_by_text("Mười xã, phường cuối bảng").scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "overview-ranking-phone.png")
        assert _hidden(page)[1:] == [[0, 0]] * 2, _hidden(page)

        page.set_viewport_size(DESKTOP)
        _open(page, "Danh sách cảnh báo", "Danh sách cảnh báo")
        page.get_by_test_id("stDataFrame").first.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "warnings-1280.png")
        hidden = _hidden(page)
        assert len(hidden) >= 3 and hidden == [[0, 0]] * len(hidden), hidden  # communes, overdue and due tasks
        page.get_by_text("Nhiệm vụ quá hạn").scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "warnings-tasks-1280.png")


def test_a_refused_login_is_a_page_in_the_look_of_the_login_page(server):  # noqa: F811
    from playwright.sync_api import expect

    account(Role.OFFICER)  # an account exists: the login page, not the first-run setup
    with chromium() as browser:
        page = _tab(browser)
        page.goto(server)
        page.get_by_label("Tên đăng nhập").fill("no-such-account")
        page.get_by_label("Mật khẩu").fill("wrong-password")
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_role("alert")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
        expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
        faces = page.evaluate(
            """() => document.fonts.ready.then(() => [...document.fonts]
                 .filter(f => f.family.replaceAll('"', '') === 'Source Sans').map(f => f.status))"""
        )
        assert faces == ["loaded"]  # Streamlit's own face, as on the login page, not the browser's sans-serif
        assert page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily").startswith('"Source Sans"')
        page.screenshot(path=ARTIFACTS / "login-refused-1280.png")
        page.set_viewport_size(PHONE)
        page.screenshot(path=ARTIFACTS / "login-refused-phone.png")
        page.set_viewport_size(DESKTOP)
        page.get_by_role("link", name="English").click()
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        expect(page.get_by_label("Account name")).to_be_visible()


def test_a_commune_account_is_told_why_it_may_not_open_a_page_of_another_role(server):  # noqa: F811
    from playwright.sync_api import expect

    commune = account(Role.COMMUNE, "00070")
    with chromium() as browser:
        page = _tab(browser)
        open_logged_in(page, server, commune.name)
        expect(page.get_by_test_id("stSidebarNavLink").first).to_be_visible()
        expect(page.get_by_test_id("stSidebarNavLink").filter(has_text="Duyệt báo cáo")).to_have_count(0)
        page.goto(f"{server}/review")  # an officer's link to the review queue
        expect(page.get_by_role("heading", name="Duyệt báo cáo")).to_be_visible()
        expect(page.get_by_text(f"Tài khoản {commune.name}", exact=False)).to_contain_text(
            "không được mở trang “Duyệt báo cáo”: trang này dành cho vai trò khác."
        )
        expect(page.locator(IDLE)).to_be_attached()
        expect(page.get_by_text("Page not found")).to_have_count(0)
        page.screenshot(path=ARTIFACTS / "not-for-this-account.png")
        page.get_by_role("link", name="Về trang đầu").click()
        expect(page.get_by_text("không được mở trang", exact=False)).to_have_count(0)
        expect(page).not_to_have_url(f"{server}/review")
