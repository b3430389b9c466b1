"""A national installation in a real browser: two province officers and a national one each see their own scope
(the overview's figures, the scope picker, a commune of another province not opened)."""

from pathlib import Path

import pytest
from conftest import NATIONAL_PASSWORD
from servers import serve
from test_browser import ARTIFACTS, CHROMIUM, chromium, new_tab, open_logged_in

pytestmark = pytest.mark.browser


@pytest.fixture
def server(national: str, tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser test")
    with serve(tmp_path / "server.log") as url:
        yield url


def fully_green(page):
    """The overview's first figure: fully green communes of all the communes in scope (the scope shows in the
    denominator)."""
    return page.get_by_test_id("stMetric").filter(has_text="Đạt đủ").get_by_test_id("stMetricValue")


def test_each_account_sees_its_own_scope_in_a_real_browser(server):
    from playwright.sync_api import expect

    with chromium() as browser:
        for name, shown in (("hn", "0/126"), ("hcm", "0/168"), ("nation", "0/3.321")):
            page = new_tab(browser)
            open_logged_in(page, server, name, NATIONAL_PASSWORD)
            expect(fully_green(page)).to_have_text(shown)
            scope = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
            expect(scope).to_have_count(1 if name == "nation" else 0)
            page.screenshot(path=ARTIFACTS / f"national-overview-{name}.png")
            if name == "hn":
                # A commune of another province is not opened: the page falls back to one of Hà Nội's.
                page.goto(f"{server}/commune?commune=26506")
                expect(page.get_by_text("Thành phố Hà Nội · mã")).to_be_visible()
                assert "26506" not in page.url
        # The national account opens one province from the sidebar.
        scope.click()
        page.keyboard.type("Hồ Chí Minh")  # the list shows a few options at a time: filter it
        page.get_by_role("option", name="Thành phố Hồ Chí Minh").click()
        expect(fully_green(page)).to_have_text("0/168")
        page.screenshot(path=ARTIFACTS / "national-overview-nation-79.png")
