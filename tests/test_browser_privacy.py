"""What a browser receives, read from the WebSocket frames of /_stcore/stream in real headless Chromium: a commune
account's warning list carries no other commune's reporter phone (an officer's does), and a download clicked in a
tab whose session has ended since (logged out everywhere) delivers no file."""

from datetime import date

import pytest
from conftest import account
from test_browser import (
    IDLE,
    chromium,
    drawn_text,
    new_tab,
    open_logged_in,
    server,  # noqa: F401 (a fixture)
    set_as_of,
)

import ui
from readiness.access import sessions
from readiness.core import db
from readiness.core.models import Role
from readiness.reading import queries

pytestmark = pytest.mark.browser

AS_OF = date(2025, 10, 15)
OWN = "00070"


def _listen(page) -> list[bytes]:
    """Every frame the server sends this tab on Streamlit's stream, as it arrives."""
    frames: list[bytes] = []

    def on_socket(socket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on(
                "framereceived",
                lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode()),
            )

    page.on("websocket", on_socket)
    return frames


def _warning_list(page, url: str, name: str) -> None:
    """Log in as `name`, move the figures' date back to AS_OF and open the warning list."""
    from playwright.sync_api import expect

    open_logged_in(page, url, name)
    idle = page.locator(IDLE)
    expect(page.get_by_test_id("stSidebarNavLink").first).to_be_visible()
    expect(idle).to_be_attached()
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Danh sách cảnh báo").click()
    expect(page.get_by_role("heading", name="Danh sách cảnh báo")).to_be_visible()
    expect(idle).to_be_attached()
    set_as_of(page, AS_OF)
    expect(page.get_by_text(f"Số liệu tính đến ngày {AS_OF:%d/%m/%Y}")).to_be_visible()
    expect(idle).to_be_attached()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()


def test_a_commune_account_receives_no_other_communes_phone(server):  # noqa: F811
    with db.session() as session:
        warnings = queries.warning_list(session, AS_OF, "01")
    phones = [p.encode() for p in warnings[warnings["commune_code"] != OWN]["reporter_phone"] if p]
    assert len(phones) >= 10
    commune, officer = account(Role.COMMUNE, OWN), account(Role.OFFICER)
    with chromium() as browser:
        received = {}
        for who in (commune, officer):
            page = new_tab(browser)
            frames = _listen(page)
            _warning_list(page, server, who.name)
            page.screenshot(path=f"test-artifacts/warnings-{who.role}.png")
            received[who.role] = b"".join(frames)
    assert received[Role.COMMUNE] and [p for p in phones if p in received[Role.COMMUNE]] == []
    # The officer's frames do hold them: the check above can fail.
    assert all(p in received[Role.OFFICER] for p in phones)


def test_a_download_after_logging_out_everywhere_delivers_no_file(server):  # noqa: F811
    from playwright.sync_api import expect

    officer = account(Role.OFFICER)
    with chromium() as browser:
        page = new_tab(browser)
        frames = _listen(page)
        _warning_list(page, server, officer.name)
        button = page.get_by_role("button", name="Tải danh sách cảnh báo (Excel)")
        with page.expect_download() as first:
            button.click()
        assert first.value.suggested_filename == f"canh-bao-{AS_OF:%Y-%m-%d}.xlsx"
        with db.write_session() as session:
            sessions.log_out_everywhere(session, officer)
        downloads = []
        page.on("download", lambda download: downloads.append(download))
        before = len(frames)
        button.click()
        refused = page.get_by_test_id("stDownloadButtonError")
        expect(refused).to_be_visible()
        assert drawn_text(refused) == ui.DOWNLOAD_REFUSED[0]  # our words in place of Streamlit's English
        page.screenshot(path="test-artifacts/download-after-logout.png")
        assert downloads == []
        assert any(b"Failed to generate file for download" in f for f in frames[before:])
