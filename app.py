"""Readiness: the Streamlit entry. Prepares the database, then shows the pages the user's role allows."""

import streamlit as st

import ui
from readiness import bootstrap
from readiness.auth import Permission, allowed
from readiness.settings import get_settings

# path, Vietnamese title, English title, icon, permission needed to see it
PAGES = [
    ("pages/overview.py", "Tổng quan", "Overview", ":material/dashboard:", Permission.VIEW_PROVINCE),
    # Rights to import are checked by readiness.excel for each file (a commune account: its own commune only).
    ("pages/upload.py", "Nộp phiếu", "Upload", ":material/upload_file:", Permission.VIEW_PROVINCE),
]


@st.cache_resource(show_spinner="Đang chuẩn bị cơ sở dữ liệu…")
def _prepare_database(url: str) -> None:
    # Once per server process and database: creates, migrates and seeds it on an empty machine.
    bootstrap.init()


st.set_page_config(page_title="Readiness · NQ57", page_icon=":material/task_alt:", layout="wide")
_prepare_database(get_settings().database_url)
ui.sidebar()
actor = ui.actor()
pages = [
    st.Page(path, title=ui.t(vi, en), icon=icon, default=i == 0)
    for i, (path, vi, en, icon, permission) in enumerate(PAGES)
    if allowed(actor, permission, actor.commune_code)
]
st.navigation(pages).run()
