"""Readiness: the Streamlit entry. Prepares the database, then shows the pages."""

import streamlit as st

import ui
from readiness import bootstrap
from readiness.settings import get_settings


@st.cache_resource(show_spinner="Đang chuẩn bị cơ sở dữ liệu…")
def _prepare_database(url: str) -> None:
    # Once per server process and database: creates, migrates and seeds it on an empty machine.
    bootstrap.init()


st.set_page_config(page_title="Readiness · NQ57", page_icon=":material/task_alt:", layout="wide")
_prepare_database(get_settings().database_url)
ui.sidebar()
pages = [st.Page("pages/overview.py", title=ui.t("Tổng quan", "Overview"), icon=":material/dashboard:", default=True)]
st.navigation(pages).run()
