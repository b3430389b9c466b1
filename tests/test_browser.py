"""End to end in real headless Chromium: `streamlit run app.py` on demo data, overview numbers, heatmap, map.

Screenshots go to test-artifacts/ for a person to look at.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import geodata
import pytest
from conftest import TEST_PASSWORD, account
from excel_fill import checklist
from servers import serve
from sqlalchemy import select

from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.models import Role
from readiness.core.scoring import TIMELINESS
from readiness.intake import geo
from readiness.reading import queries

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AS_OF = date(2025, 10, 20)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIMEOUT_MS = 30_000
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"

pytestmark = pytest.mark.browser


@pytest.fixture
def server(demo_sqlite, tmp_path):
    """The app served from this worktree against the demo database; its URL."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser test")
    with serve(tmp_path / "streamlit.log") as url:  # demo_sqlite has set READINESS_DATABASE_URL
        yield url


@contextmanager
def chromium() -> Iterator:
    """Debian's headless Chromium, with the tests' timeout for expect() too; closed afterwards. Screenshots go to
    ARTIFACTS."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        expect.set_options(timeout=TIMEOUT_MS)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser


def new_tab(browser, height: int = 1000):
    """A 1400 px wide page in a browser context of its own (its own cookies: another person), with the tests'
    timeout; `.context` opens more tabs of the same person."""
    context = browser.new_context(viewport={"width": 1400, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_overview_heatmap_and_map_in_a_real_browser(server):
    from playwright.sync_api import expect

    # An officer: sees the leaders' pages and the upload page.
    officer = account(Role.OFFICER)
    with db.session() as session:
        summary = queries.summary(session, AS_OF, "01")
        kpis = queries.kpis(session, AS_OF, "01")
        weeks = queries.reporting(session, AS_OF, "01")
    with chromium() as browser:
        page = new_tab(browser)
        values = page.get_by_test_id("stMetricValue")
        charts = page.get_by_test_id("stVegaLiteChart")
        idle = page.locator("[data-testid=stApp][data-test-script-state=notRunning]")
        page.goto(server)
        expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "login.png")
        log_in(page, officer.name)
        expect(charts.first.locator("svg.marks, canvas").first).to_be_visible()
        expect(idle).to_be_attached()

        set_as_of(page, AS_OF)
        fully = f"{summary['fully_green']}/{summary['communes']}"
        expect(values.first).to_have_text(fully)
        average = f"{kpis['average_green']:.1f}".replace(".", ",")
        expect(values).to_have_text(
            [
                fully,
                f"{average}/16",
                f"{kpis['criteria_green_everywhere']}/16",
                str(kpis["submissions_last_days"]),
                str(kpis["overdue"]),
                *(f"{summary['timeliness'][key]:,}".replace(",", ".") for key in TIMELINESS),
                f"{weeks['reported_share'].iloc[0] * 100:.1f}%".replace(".", ","),
            ]
        )
        expect(page.get_by_text("Số liệu tính đến ngày 20/10/2025")).to_be_visible()
        # Streamlit keeps the previous run's elements until the new run replaces them: wait for the run to end.
        expect(idle).to_be_attached()
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()  # the five most lagging criteria
        expect(charts.first.locator("svg.marks, canvas").first).to_be_visible()
        page.screenshot(path=ARTIFACTS / "overview.png", full_page=True)

        page.get_by_test_id("stSidebarNavLink").filter(has_text="Bản đồ nhiệt").click()
        expect(page.get_by_role("heading", name="Bản đồ nhiệt mức độ sẵn sàng")).to_be_visible()
        expect(page.get_by_text("126 xã, phường.", exact=False)).to_be_visible()
        expect(idle).to_be_attached()
        expect(charts.first.locator("svg.marks, canvas").first).to_be_visible()
        page.screenshot(path=ARTIFACTS / "heatmap.png", full_page=False)
        search = page.get_by_role("textbox", name="Tìm xã, phường")
        search.fill("hoan kiem")
        search.press("Enter")
        expect(page.get_by_text("1 xã, phường.", exact=False)).to_be_visible()
        expect(idle).to_be_attached()
        expect(charts.first.locator("svg.marks, canvas").first).to_be_visible()
        page.screenshot(path=ARTIFACTS / "heatmap-search.png", full_page=False)
        # Clicking a cell opens the commune's page.
        charts.first.locator("svg.marks g.mark-rect path").nth(3).click()
        expect(page.get_by_role("heading", name="Phường Hoàn Kiếm")).to_be_visible()
        expect(page).to_have_url(f"{server}/commune?commune=00070")
        expect(page.get_by_text("số liệu tính đến ngày 20/10/2025", exact=False)).to_be_visible()
        expect(idle).to_be_attached()
        page.screenshot(path=ARTIFACTS / "commune.png", full_page=True)

        page.get_by_test_id("stSidebarNavLink").filter(has_text="Bản đồ tiến độ").click()
        expect(page.get_by_role("heading", name="Bản đồ tiến độ")).to_be_visible()
        expect(page.get_by_text("Mỗi ô là một xã, phường", exact=False)).to_be_visible()
        expect(idle).to_be_attached()
        expect(charts.first.locator("svg.marks, canvas").first).to_be_visible()
        page.screenshot(path=ARTIFACTS / "map.png", full_page=True)

        # F5: the same address again, never Streamlit's English "Page not found" dialog; the login form when the
        # login did not survive the reload, and after it the same page.
        page.reload()
        expect(page).to_have_url(f"{server}/map")
        login = page.get_by_role("heading", name="Đăng nhập")
        expect(login.or_(page.get_by_role("heading", name="Bản đồ tiến độ"))).to_be_visible()
        page.screenshot(path=ARTIFACTS / "reload.png")
        expect(page.get_by_text("Page not found")).to_have_count(0)
        if login.is_visible():
            log_in(page, officer.name)
        expect(page.get_by_role("heading", name="Bản đồ tiến độ")).to_be_visible()
        expect(page.get_by_text("Page not found")).to_have_count(0)

        # Streamlit's own texts in Vietnamese; a refused file's problems shown whole (rows tall enough to wrap).
        page.get_by_test_id("stSidebarNavLink").filter(has_text="Nộp phiếu").click()
        dropzone = page.get_by_test_id("stFileUploaderDropzone")
        expect(dropzone).to_be_visible()
        expect(idle).to_be_attached()
        assert drawn_text(dropzone.get_by_test_id("stMarkdownContainer").locator("p")) == "Chọn tệp"
        assert drawn_text(page.get_by_test_id("stFileUploaderDropzoneInstructions").locator("span")) == (
            "Tối đa 10 MB mỗi tệp"
        )
        page.screenshot(path=ARTIFACTS / "upload.png")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            files=[{"name": "phieu.xlsx", "mimeType": XLSX, "buffer": refused_checklist()}]
        )
        expect(page.get_by_text("chưa nhập được: 2 lỗi")).to_be_visible()
        expect(page.get_by_test_id("stDataFrame")).to_be_visible()
        expect(idle).to_be_attached()
        page.screenshot(path=ARTIFACTS / "upload-problems.png", full_page=True)

        page.get_by_test_id("stSidebarNavLink").filter(has_text="Bản đồ nhiệt").click()
        expect(idle).to_be_attached()
        page.get_by_test_id("stMultiSelect").first.click()
        assert drawn_text(page.locator('[data-key="__select_all__"] [data-item-hl]')) == "Chọn tất cả"
        page.keyboard.type("không có")
        assert drawn_text(page.locator('[role="listbox"][data-empty="true"] [role="option"] span')) == (
            "Không có kết quả"
        )
        page.screenshot(path=ARTIFACTS / "heatmap-filter.png")


def log_in(page, name: str, password: str = TEST_PASSWORD) -> None:
    """Fill in and send the login form the page shows."""
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def set_as_of(page, day: date) -> None:
    """Move the sidebar's as-of date to `day`: type into the day, month and year fields and, once they all hold the
    typed value, leave them (the widget commits its value on blur)."""
    from playwright.sync_api import expect

    fields = page.get_by_test_id("stDateInput").get_by_role("spinbutton")
    fields.first.click()
    page.keyboard.type(day.strftime("%d%m%Y"))
    for field, value in zip(range(3), (day.day, day.month, day.year), strict=True):
        expect(fields.nth(field)).to_have_attribute("aria-valuenow", str(value))
    page.get_by_test_id("stMain").locator("h1").first.click()


def open_logged_in(page, server: str, name: str, password: str = TEST_PASSWORD) -> None:
    """Open the app at `server`, log `name` in, and wait for the pages' links."""
    from playwright.sync_api import expect

    page.goto(server)
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    log_in(page, name, password)
    expect(page.get_by_test_id("stSidebarNavLink").first).to_be_visible()


def drawn_text(locator) -> str:
    """The text a person sees: the element's own text when shown, else what CSS draws in its place (::after)."""
    locator.first.wait_for()
    return locator.first.evaluate(
        "e => getComputedStyle(e).fontSize === '0px' ? getComputedStyle(e, '::after').content.slice(1, -1)"
        " : e.textContent"
    )


def refused_checklist() -> bytes:
    return checklist(day=None, TC01=("có lẽ", None))


def test_boundary_map_draws_a_real_file_and_a_click_opens_the_commune(server):
    from playwright.sync_api import expect

    # A real-world-like RFC 7946 file (counter-clockwise outer rings) of Hà Nội's 126 communes; Hoàn Kiếm is the
    # second feature, an enclave inside the first.
    features = geodata.hanoi_communes()
    assert features[1][0]["ma_xa"] == "00070"
    with db.write_session() as session:
        geo.load_boundaries(session, OPERATOR, geodata.feature_collection(features))
    with chromium() as browser:
        page = new_tab(browser, 1100)
        idle = page.locator("[data-testid=stApp][data-test-script-state=notRunning]")
        open_logged_in(page, server, account(Role.LEADER).name)
        page.get_by_test_id("stSidebarNavLink").filter(has_text="Bản đồ tiến độ").click()
        expect(page.get_by_role("heading", name="Bản đồ tiến độ")).to_be_visible()
        shapes = page.get_by_test_id("stVegaLiteChart").first.locator("svg.marks g.mark-shape path")
        expect(shapes).to_have_count(126)
        expect(idle).to_be_attached()
        page.screenshot(path=ARTIFACTS / "boundary-map.png", full_page=True)
        # Drawn as communes, not one solid rectangle: the map's shapes are each far smaller than the frame.
        frame = page.get_by_test_id("stVegaLiteChart").first.locator("svg.marks").bounding_box()
        host = shapes.nth(0).bounding_box()
        assert host["width"] * host["height"] < 0.1 * frame["width"] * frame["height"]
        shapes.nth(1).click()
        expect(page.get_by_role("heading", name="Phường Hoàn Kiếm")).to_be_visible()
        expect(page).to_have_url(f"{server}/commune?commune=00070")


def _upload(page, path: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Nộp phiếu").click()
    expect(page.get_by_role("heading", name="Nộp phiếu tự đánh giá")).to_be_visible()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_text("Báo cáo đang chờ Sở KH&CN duyệt", exact=False)).to_be_visible()


def test_return_then_corrected_upload_then_approve_in_a_real_browser(server, tmp_path):
    from excel_fill import checklist
    from playwright.sync_api import expect

    from readiness.core.models import Submission

    commune, officer = account(Role.COMMUNE, "00070"), account(Role.OFFICER)
    first, corrected = tmp_path / "phieu.xlsx", tmp_path / "phieu-sua.xlsx"
    first.write_bytes(checklist(day="16/11/2025", TC09=("Không", None)))
    corrected.write_bytes(checklist(day="16/11/2025", TC09=("Có", None)))
    with chromium() as browser:
        lan, hoa = new_tab(browser), new_tab(browser)
        open_logged_in(lan, server, commune.name)
        _upload(lan, first)

        open_logged_in(hoa, server, officer.name)
        hoa.get_by_test_id("stSidebarNavLink").filter(has_text="Duyệt báo cáo").click()
        expect(hoa.get_by_text("Phường Hoàn Kiếm (00070) · ngày báo cáo 16/11/2025", exact=False)).to_be_visible()
        expect(hoa.get_by_text("3 không còn đạt", exact=False)).to_be_visible()
        expect(hoa.get_by_role("button", name="Trả lại")).to_be_visible()
        expect(hoa.locator(IDLE)).to_be_attached()
        hoa.screenshot(path=ARTIFACTS / "review-queue.png", full_page=True)
        hoa.get_by_label("Lý do trả lại").fill("TC09: thiếu danh sách cán bộ có chữ ký số")
        hoa.get_by_role("button", name="Trả lại").click()
        expect(hoa.get_by_text("cho xã, phường.", exact=False)).to_be_visible()

        lan.get_by_test_id("stSidebarNavLink").filter(has_text="Trang xã, phường").click()
        expect(lan.get_by_text("thiếu danh sách cán bộ có chữ ký số", exact=False)).to_be_visible()
        expect(lan.get_by_role("button", name="Gửi")).to_be_visible()
        expect(lan.locator(IDLE)).to_be_attached()
        lan.screenshot(path=ARTIFACTS / "commune-returned.png", full_page=True)
        _upload(lan, corrected)

        hoa.get_by_test_id("stSidebarNavLink").filter(has_text="Tổng quan").click()
        expect(hoa.get_by_text("1 báo cáo chờ duyệt", exact=False)).to_be_visible()
        hoa.get_by_test_id("stSidebarNavLink").filter(has_text="Duyệt báo cáo").click()
        hoa.get_by_role("button", name="Duyệt", exact=True).click()
        expect(hoa.get_by_text("Không có báo cáo nào chờ duyệt.")).to_be_visible()
    with db.session() as session:
        states = session.execute(select(Submission.review_status).where(Submission.origin == "upload")).scalars()
        assert sorted(states) == ["approved", "returned"]


def test_login_survives_reload_and_new_tab_until_a_password_change_ends_it_everywhere(server):
    from playwright.sync_api import expect

    officer = account(Role.OFFICER)
    with chromium() as browser:
        page = new_tab(browser, 900)
        context = page.context
        overview = page.get_by_role("heading", name="Mức độ sẵn sàng của xã, phường")
        who = page.get_by_test_id("stSidebar").get_by_text(officer.name, exact=True)

        page.goto(server)
        page.get_by_label("Tên đăng nhập").fill(officer.name)
        page.get_by_label("Mật khẩu").fill("wrong-password")
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_role("alert")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
        page.screenshot(path=ARTIFACTS / "login-refused.png")
        page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(overview).to_be_visible()
        expect(who).to_be_visible()
        session_cookie = next(c for c in context.cookies() if c["name"] == "readiness_session")
        assert session_cookie["httpOnly"] and session_cookie["sameSite"] == "Lax"

        page.reload()
        expect(overview).to_be_visible()
        expect(who).to_be_visible()
        page.screenshot(path=ARTIFACTS / "session-after-reload.png")

        other = context.new_page()
        other.goto(f"{server}/heatmap")
        expect(other.get_by_role("heading", name="Bản đồ nhiệt mức độ sẵn sàng")).to_be_visible()
        other.screenshot(path=ARTIFACTS / "session-second-tab.png")

        page.get_by_test_id("stSidebarNavLink").filter(has_text="Tài khoản của tôi").click()
        expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
        expect(page.get_by_text("Tài khoản đang đăng nhập ở 1 trình duyệt hoặc thiết bị.")).to_be_visible()
        page.get_by_label("Mật khẩu hiện tại", exact=True).fill(TEST_PASSWORD)
        page.get_by_label("Mật khẩu mới", exact=True).fill("officer-new-password")
        page.get_by_label("Nhập lại mật khẩu mới", exact=True).fill("officer-new-password")
        page.get_by_test_id("stBaseButton-primaryFormSubmit").click()
        expect(page.get_by_text("Đã đổi mật khẩu. Hãy đăng nhập lại.")).to_be_visible()
        expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "session-password-changed.png")

        # The other tab is logged out at its next click.
        other.get_by_test_id("stSidebarNavLink").filter(has_text="Tổng quan").click()
        expect(other.get_by_role("heading", name="Đăng nhập")).to_be_visible()
        expect(other.get_by_text("Phiên đăng nhập đã kết thúc", exact=False)).to_be_visible()
        other.screenshot(path=ARTIFACTS / "session-other-tab-logged-out.png")

        page.get_by_label("Tên đăng nhập").fill(officer.name)
        page.get_by_label("Mật khẩu").fill("officer-new-password")
        page.get_by_role("button", name="Đăng nhập").click()
        expect(who).to_be_visible()
        page.get_by_test_id("stSidebar").get_by_role("button", name="Đăng xuất").click()
        expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
        assert "readiness_session" not in {c["name"] for c in context.cookies()}
        page.reload()
        expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "session-logged-out.png")


def test_review_queue_with_flags_a_replaced_report_and_bulk_approval_in_a_real_browser(server):
    from datetime import UTC, datetime

    from playwright.sync_api import expect
    from test_review_flags import _flags, _send, _status

    officer = account(Role.OFFICER)
    with db.session() as session:
        latest = queries.status(session, date(2025, 11, 15), "01")

    def same_as_last_week(code: str) -> dict:
        rows = latest[latest["commune_code"] == code]
        return {
            r.criterion_code: (r.value, r.out_of) if r.out_of == r.out_of else r.value
            for r in rows.itertuples()
            if r.value == r.value
        }

    # Monday after the demo's last week: three unremarkable reports, and Hoàn Kiếm's sent twice, the second with
    # its bandwidth jumping.
    day, sent = date(2025, 11, 17), datetime(2025, 11, 17, 9, tzinfo=UTC)
    clean = [_send(same_as_last_week(code), day, sent, commune=code) for code in ("00004", "00008", "00025")]
    assert [_flags(i) for i in clean] == [{}, {}, {}]
    replaced = _send(same_as_last_week("00070"), day, sent, commune="00070")
    newer = _send({**same_as_last_week("00070"), "TC02": 900}, day, datetime(2025, 11, 17, 10, tzinfo=UTC))
    assert list(_flags(newer)) == ["jump"] and _status(replaced) == "superseded"

    with chromium() as browser:
        page = new_tab(browser)
        open_logged_in(page, server, officer.name)
        page.get_by_test_id("stSidebarNavLink").filter(has_text="Duyệt báo cáo").click()
        expect(page.get_by_text("4 báo cáo chờ duyệt", exact=False)).to_be_visible()
        expect(page.get_by_text("Thay đổi đột ngột", exact=False).first).to_be_visible()
        replaced_items = page.get_by_test_id("stExpander").filter(has_text="Đã bị thay thế")
        expect(replaced_items).to_have_count(0)
        page.get_by_text("Hiện cả báo cáo đã bị thay thế").click()
        expect(page.get_by_text("4 báo cáo chờ duyệt và 1 báo cáo đã bị thay thế", exact=False)).to_be_visible()
        expect(replaced_items).to_have_count(1)
        expect(page.locator(IDLE)).to_be_attached()
        page.get_by_test_id("stExpander").filter(has_text="Thay đổi đột ngột").locator("summary").click()
        jump = page.get_by_text("Mbps → 900 Mbps", exact=False).first
        expect(jump).to_be_visible()
        jump.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "review-flags.png")
        replaced_items.first.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "review-replaced.png")
        page.get_by_text("Hiện cả báo cáo đã bị thay thế").click()
        expect(page.get_by_text("4 báo cáo chờ duyệt", exact=False)).to_be_visible()

        page.get_by_role("button", name="Duyệt tất cả 3 báo cáo đang hiện không có cờ").click()
        expect(page.get_by_text(f"Duyệt 3 báo cáo không có cờ: {clean[0]}, {clean[1]}, {clean[2]}.")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "review-bulk-confirm.png", full_page=False)
        page.get_by_role("button", name="Xác nhận duyệt").click()
        expect(page.get_by_text("Đã duyệt 3 báo cáo.")).to_be_visible()
        expect(page.get_by_text("1 báo cáo chờ duyệt", exact=False)).to_be_visible()
        expect(page.locator(IDLE)).to_be_attached()
        page.screenshot(path=ARTIFACTS / "review-bulk-done.png", full_page=True)
    assert [_status(i) for i in clean] == ["approved"] * 3
    assert (_status(newer), _status(replaced)) == ("pending", "superseded")
