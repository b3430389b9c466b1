"""Readiness: the Streamlit entry. Prepares the database, then shows the pages the user's role allows."""

import streamlit as st

import ui
from readiness import bootstrap
from readiness.auth import Permission, allowed
from readiness.settings import get_settings

# path, Vietnamese title, English title, icon, permission needed to see it
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
    ("pages/commune.py", "Trang xã, phường", "Commune page", ":material/location_city:", Permission.VIEW_COMMUNE),
    ("pages/boundaries.py", "Ranh giới hành chính", "Boundaries", ":material/polyline:", Permission.LOAD_BOUNDARIES),
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
