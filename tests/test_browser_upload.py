"""The upload page with many files, in real headless Chromium: a dozen checklists dropped at once (one bad), the
verdict table, one confirmation; a commune account's file of another commune refused with the reason.

Screenshots go to test-artifacts/ for a person to look at.
"""

import pytest
from conftest import account
from excel_fill import checklist
from sqlalchemy import select
from test_browser import (
    ARTIFACTS,
    IDLE,
    XLSX,
    chromium,
    new_tab,
    open_logged_in,
    server,  # noqa: F401 (a fixture)
)

from readiness.core import db
from readiness.core.models import ImportFile, Role, Submission

pytestmark = pytest.mark.browser

# Eleven Hà Nội communes with a good checklist each, and one more whose checklist has a number above its total.
GOOD = ["00070", "00073", "00004", "00008", "00025", "00256", "00283", "00277", "00235", "00226", "00196"]
BAD = "00187"


def dropped(files: dict[str, bytes]) -> list[dict]:
    return [{"name": name, "mimeType": XLSX, "buffer": data} for name, data in files.items()]


def received(page) -> list[bytes]:
    """Every WebSocket frame the page receives from now on: a table's rows travel as Arrow in them (its cells are
    drawn on a canvas, not in the page's text)."""
    frames: list[bytes] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda payload: frames.append(bytes(payload, "utf-8") if isinstance(payload, str) else payload),
        ),
    )
    return frames


def open_upload_page(page) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Nộp phiếu").click()
    expect(page.get_by_role("heading", name="Nộp phiếu tự đánh giá")).to_be_visible()
    expect(page.locator(IDLE)).to_be_attached()


def test_a_dozen_checklists_dropped_at_once_are_checked_then_imported_together(server):  # noqa: F811 (the fixture imported above)
    from playwright.sync_api import expect

    files = {f"phieu-{code}.xlsx": checklist(code, day="17/11/2025") for code in GOOD}
    files["phieu-sai.xlsx"] = checklist(BAD, day="17/11/2025", TC03=(35, 30))
    with chromium() as browser:
        page = new_tab(browser, 1400)
        frames = received(page)
        open_logged_in(page, server, account(Role.OFFICER).name)
        open_upload_page(page)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=dropped(files))
        expect(page.get_by_text("11 sẵn sàng nhập, 0 đã nhập trước đây, 1 có lỗi", exact=False)).to_be_visible()
        verdicts = page.get_by_test_id("stDataFrame").first
        expect(verdicts).to_be_visible()
        expect(page.get_by_test_id("stExpander").get_by_text("phieu-sai.xlsx — 1 lỗi")).to_be_visible()
        expect(page.locator(IDLE)).to_be_attached()
        sent = b"".join(frames)
        assert "Sẵn sàng nhập".encode() in sent and "Có lỗi".encode() in sent
        page.screenshot(path=ARTIFACTS / "upload-many-verdicts.png", full_page=True)

        page.get_by_role("button", name="Xác nhận nhập 11 tệp sẵn sàng").click()
        expect(page.get_by_text("Đã nhập 11 tệp", exact=False)).to_be_visible()
        expect(page.get_by_text("Báo cáo đang chờ Sở KH&CN duyệt", exact=False)).to_be_visible()
        expect(page.locator(IDLE)).to_be_attached()
        page.screenshot(path=ARTIFACTS / "upload-many-imported.png", full_page=True)
    with db.session() as session:
        stored = session.execute(
            select(Submission.commune_code, Submission.review_status).where(Submission.origin == "upload")
        ).all()
        archive = dict(session.execute(select(ImportFile.filename, ImportFile.outcome)).all())
    assert sorted(stored) == sorted((code, "pending") for code in GOOD)
    assert archive == {**{f"phieu-{code}.xlsx": "accepted" for code in GOOD}, "phieu-sai.xlsx": "rejected"}


def test_a_commune_account_dropping_another_communes_file_gets_it_refused_with_the_reason(server):  # noqa: F811 (the fixture imported above)
    from playwright.sync_api import expect

    staff = account(Role.COMMUNE, "00070")
    files = {"cua-minh.xlsx": checklist("00070", day="17/11/2025"), "cua-xa-khac.xlsx": checklist("00073")}
    with chromium() as browser:
        page = new_tab(browser, 1200)
        frames = received(page)
        open_logged_in(page, server, staff.name)
        open_upload_page(page)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=dropped(files))
        expect(page.get_by_text("1 sẵn sàng nhập, 0 đã nhập trước đây, 1 có lỗi", exact=False)).to_be_visible()
        refused = page.get_by_test_id("stExpander").filter(has_text="cua-xa-khac.xlsx — 1 lỗi")
        expect(refused).to_be_visible()
        expect(page.locator(IDLE)).to_be_attached()
        reason = f"Tài khoản {staff.name} chỉ được thao tác với xã/phường mã 00070, không được thao tác với mã 00073."
        expect(refused.get_by_test_id("stDataFrame")).to_be_visible()
        assert reason.encode() in b"".join(frames)
        page.screenshot(path=ARTIFACTS / "upload-other-commune-refused.png", full_page=True)
        page.get_by_role("button", name="Xác nhận nhập", exact=True).click()
        expect(page.get_by_text("Đã nhập cua-minh.xlsx", exact=False)).to_be_visible()
    with db.session() as session:
        stored = session.scalars(select(Submission.commune_code).where(Submission.origin == "upload")).all()
        refusal = session.scalars(select(ImportFile.outcome).where(ImportFile.filename == "cua-xa-khac.xlsx")).one()
    assert stored == ["00070"] and refusal == "rejected"
