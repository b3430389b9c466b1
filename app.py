"""Readiness: the Streamlit entry. Prepares the database, logs the user in, then shows the pages the role allows.

`streamlit run app.py` finds the st.App below and serves this file as the app's script with the log-in and
log-out routes of web.py beside it (Streamlit imports the file once as a module for that, then runs it as the
script, as __main__, on every click).
"""

import threading
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

import ui
import web
from readiness import bootstrap
from readiness.access import auth
from readiness.access.permissions import Permission, allowed
from readiness.core.settings import get_settings
from readiness.outputs import charts, fonts

# path, Vietnamese title, English title, icon, permission needed to see it (None: any logged-in account)
PAGES = [
    ("pages/overview.py", "Tổng quan", "Overview", ":material/dashboard:", Permission.VIEW_PROVINCE),
    ("pages/heatmap.py", "Bản đồ nhiệt", "Heatmap", ":material/grid_on:", Permission.VIEW_PROVINCE),
    ("pages/map.py", "Bản đồ tiến độ", "Greening map", ":material/map:", Permission.VIEW_PROVINCE),
    (
        "pages/gaps.py",
        "Khoảng cách theo tiêu chí",
        "Gaps by criterion",
        ":material/bar_chart:",
        Permission.VIEW_PROVINCE,
    ),
    ("pages/warnings.py", "Danh sách cảnh báo", "Warning list", ":material/warning:", Permission.VIEW_PROVINCE),
    ("pages/ranking.py", "Bảng xếp hạng", "Ranking", ":material/leaderboard:", Permission.VIEW_PROVINCE),
    ("pages/tasks.py", "Nhiệm vụ", "Tasks", ":material/assignment:", Permission.VIEW_TASKS),
    ("pages/review.py", "Duyệt báo cáo", "Review", ":material/fact_check:", Permission.REVIEW),
    ("pages/commune.py", "Trang xã, phường", "Commune page", ":material/location_city:", Permission.VIEW_COMMUNE),
    # Rights to import are checked by readiness.intake.excel for each file (a commune account: its own commune only).
    ("pages/upload.py", "Nộp phiếu", "Upload", ":material/upload_file:", Permission.IMPORT_CHECKLIST),
    ("pages/boundaries.py", "Ranh giới hành chính", "Boundaries", ":material/polyline:", Permission.LOAD_BOUNDARIES),
    ("pages/accounts.py", "Quản lý tài khoản", "Accounts", ":material/group:", Permission.MANAGE_ACCOUNTS),
    ("pages/audit.py", "Nhật ký thay đổi", "Audit trail", ":material/history:", Permission.VIEW_AUDIT),
    ("pages/provinces.py", "Tỉnh, thành phố", "Provinces", ":material/account_balance:", Permission.MANAGE_PROVINCE),
    ("pages/account.py", "Tài khoản của tôi", "My account", ":material/account_circle:", None),
]
# Pages that only a national installation has.
NATIONAL_ONLY = {"pages/provinces.py"}


@st.cache_resource(show_spinner="Đang chuẩn bị cơ sở dữ liệu…")
def _prepare_database(url: str) -> None:
    # Once per server process and database: creates, migrates and seeds it on an empty machine, and makes the
    # official report's fonts if `readiness init` has not; the chart renderer starts in the background. No report
    # waits for either.
    bootstrap.init()
    fonts.serif_files()
    threading.Thread(target=charts.warm_up, daemon=True).start()


def main() -> None:
    st.set_page_config(page_title="Readiness · NQ57", page_icon=":material/task_alt:", layout="wide")
    _prepare_database(get_settings().database_url)
    ui.new_run()
    ui.sidebar()
    actor = ui.refresh_login()
    if actor is None:
        # Nothing is shown before login. On a database without accounts, the one-time setup creates the first admin.
        with ui.session() as session:
            first_run = not auth.accounts_exist(session)
        if first_run:
            entry, title, icon = "pages/setup.py", ui.t("Thiết lập lần đầu", "First-run setup"), ":material/key:"
        else:
            entry, title, icon = "pages/login.py", ui.t("Đăng nhập", "Log in"), ":material/login:"
        # Every page's address shows the login form before login: a reload (F5) or a shared link gets the form,
        # not Streamlit's "Page not found" dialog, and after login the same address opens that page (same url_path).
        addresses = [st.Page(entry, title=title, icon=icon, url_path=Path(path).stem) for path, *_ in PAGES]
        st.navigation([st.Page(entry, title=title, icon=icon, default=True), *addresses], position="hidden").run()
        return
    ui.account_box(actor)
    shown = [row for row in PAGES if row[0] not in NATIONAL_ONLY or get_settings().national]
    mine = [row for row in shown if row[4] is None or allowed(actor, row[4], actor.commune_code)]
    pages = [
        st.Page(path, title=ui.t(vi, en), icon=icon, default=i == 0) for i, (path, vi, en, icon, _) in enumerate(mine)
    ]
    # The address of a page this account may not open (a shared link, a bookmark, a page of another role) says
    # why, instead of Streamlit's English "Page not found" over the first page.
    refused = [
        st.Page(
            _not_for_this_account(ui.t(vi, en), pages[0]),
            title=ui.t(vi, en),
            icon=icon,
            url_path=Path(path).stem,
            visibility="hidden",
        )
        for path, vi, en, icon, permission in shown
        if (path, vi, en, icon, permission) not in mine
    ]
    st.navigation([*pages, *refused], expanded=True).run()  # every page listed: no English "View N more" button


def _not_for_this_account(title: str, home: StreamlitPage) -> Callable[[], None]:
    def explain() -> None:
        ui.not_for_this_account(title, home)

    return explain


if __name__ == "__main__":
    with ui.errors_told_briefly():
        main()
else:
    app = st.App(__file__, routes=web.ROUTES, middleware=web.MIDDLEWARE)
